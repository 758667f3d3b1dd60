"""Every browser test also checks that the Content-Security-Policy blocked nothing the page needed."""

import pytest


@pytest.fixture(autouse=True)
def no_policy_violations(request):
    """After a test that drove Chromium: no console message says the policy refused a script or style."""
    # Asked for first, so the browser is still open when this fixture reads its console at teardown.
    duo = request.getfixturevalue("dash_duo") if "dash_duo" in request.fixturenames else None
    yield
    if duo is None:
        return
    refused = [e["message"] for e in duo.driver.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not refused, refused

"""Real headless Chromium: own availability, a peer's refused, the sergeant's team, feedback round trip."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser.steps import WORKLIST_READY, sign_in, sign_in_again, sign_out, tap, wait_until
from tests.dash_requests import payload
from tests.helpers import actor_for

pytestmark = pytest.mark.browser
_click = tap
_wait = wait_until


def _nav(dash_duo, label):
    """Tap the tab (or sub-tab) with this label."""
    xpath = f"//*[contains(@class, 'nav-link') and normalize-space()='{label}']"
    _wait(dash_duo, lambda: dash_duo.driver.find_elements(By.XPATH, xpath))
    _click(dash_duo, dash_duo.driver.find_element(By.XPATH, xpath))


def _open_tab(dash_duo):
    _nav(dash_duo, "Productivity and availability")
    dash_duo.wait_for_element("#pa-score", timeout=30)


def _forged_status(dash_duo, body) -> int:
    return dash_duo.driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch('/_dash-update-component', {method: 'POST', headers: {'Content-Type': 'application/json'},
              body: JSON.stringify(arguments[0])}).then(r => done(r.status));
        """, body)


def test_officer_sees_own_availability_and_not_a_peers(dash_duo, app):
    store = app.beacon_store
    sign_in(dash_duo, app, "officer", ready_css=WORKLIST_READY)
    _open_tab(dash_duo)
    _wait(dash_duo, lambda: dash_duo.find_element("#pa-score").text.replace(".", "", 1).isdigit())
    assert 0 <= float(dash_duo.find_element("#pa-score").text) <= 100
    _wait(dash_duo, lambda: "Deployable today" in dash_duo.find_element("#pa-deployable").text)
    assert "not an officer's whole workload" in dash_duo.find_element("#pa-workload-note").text
    _wait(dash_duo, lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, ".pa-feedback-button"))
    # The team's output, as the seed opens it to all, with nobody's availability in it.
    _nav(dash_duo, "Team and department")
    _wait(dash_duo, lambda: len(dash_duo.driver.find_elements(
        By.CSS_SELECTOR, "#pa-team-grid .ag-center-cols-container .ag-row")) > 3)
    cells = {e.text.lower() for e in dash_duo.driver.find_elements(
        By.CSS_SELECTOR, "#pa-team-grid .ag-center-cols-container .ag-cell[col-id='availability']")}
    assert cells <= {"", "restricted"}
    # A forged request for a peer's availability is refused.
    peer = actor_for(store, "officer2").officer_id
    body = payload(app, "pa-officer-availability.children", {"pa-officer.value": peer}, ["pa-officer.value"])
    assert _forged_status(dash_duo, body) == 403


def test_sergeant_sees_the_team(dash_duo, app):
    sign_in(dash_duo, app, "sergeant", ready_css=WORKLIST_READY)
    _open_tab(dash_duo)
    _nav(dash_duo, "Team and department")
    _wait(dash_duo, lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#pa-team-grid .ag-center-cols-container .ag-row")) > 3)
    cells = [e.text for e in dash_duo.driver.find_elements(
        By.CSS_SELECTOR, "#pa-team-grid .ag-cell[col-id='availability']")]
    assert cells and "restricted" not in cells
    # The sergeant may open a team member's availability.
    officer = actor_for(app.beacon_store, "officer").officer_id
    body = payload(app, "pa-officer-availability.children", {"pa-officer.value": officer}, ["pa-officer.value"])
    assert _forged_status(dash_duo, body) == 200


def test_feedback_round_trip(dash_duo, app):
    sign_in(dash_duo, app, "officer", ready_css=WORKLIST_READY)
    _open_tab(dash_duo)
    button = dash_duo.find_element("#pa-my-productivity .pa-feedback-button")
    _click(dash_duo, button)
    box = dash_duo.wait_for_element("#pa-fb-message", timeout=15)
    box.send_keys("My arrests last month were five, not four")
    _click(dash_duo, dash_duo.find_element("#pa-fb-submit"))
    dash_duo.wait_for_element("#pa-fb-done", timeout=15)
    _wait(dash_duo, lambda: "Open: waiting for an answer" in dash_duo.find_element("#pa-my-feedback").text)
    sign_out(dash_duo)

    sign_in_again(dash_duo, "sergeant", WORKLIST_READY)
    _open_tab(dash_duo)
    _nav(dash_duo, "Feedback queue")
    _wait(dash_duo, lambda: "five, not four" in dash_duo.find_element("#pa-queue").text)
    reject = dash_duo.driver.find_element(By.XPATH, "//label[normalize-space()='Reject']")
    _click(dash_duo, reject)
    dash_duo.find_element("#pa-q-reason").send_keys("Custody records show four arrests")
    _click(dash_duo, dash_duo.find_element("#pa-q-submit"))
    dash_duo.wait_for_element("#pa-q-done", timeout=15)
    _wait(dash_duo, lambda: "Rejected" in dash_duo.find_element("#pa-queue").text)
    sign_out(dash_duo)

    sign_in_again(dash_duo, "officer", WORKLIST_READY)
    _open_tab(dash_duo)
    _wait(dash_duo, lambda: "Custody records show four arrests" in dash_duo.find_element("#pa-my-feedback").text)
    assert "Rejected" in dash_duo.find_element("#pa-my-feedback").text

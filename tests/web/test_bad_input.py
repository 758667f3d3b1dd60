"""Malformed and oversized requests get a 400 or 413 with a message, never a 500, on both databases."""

import pytest

from tests.conftest import login, make_app
from tests.dash_requests import payload

# Values no Beacon page sends: ids beyond SQLite's 64 and PostgreSQL's 32 bits, wrong types, NUL bytes.
BAD_VALUES = [2**70, -(2**40), 2**31, {"id": {"nested": [1, 2]}}, ["a", None, 3.5], "x\x00y", True, 1e308]
ACCOUNTS = ["inspector", "analyst", "admin"]


@pytest.fixture
def any_app(store, tmp_path):
    return make_app(store, tmp_path)


def _forged_bodies(app):
    for key in app.callback_map:
        for bad in BAD_VALUES:
            body = payload(app, key, {}, [])
            for group in ("inputs", "state"):
                for item in body[group]:
                    if isinstance(item, dict):
                        item["value"] = bad
            body["changedPropIds"] = [f"{i['id']}.{i['property']}" for i in body["inputs"] if isinstance(i, dict)]
            yield key, bad, body
        # Fewer inputs than the callback declares: Dash itself raises IndexError.
        short = payload(app, key, {}, [])
        short["inputs"] = []
        yield key, "no inputs", short


def test_forged_callbacks_with_bad_values_never_get_a_500(any_app):
    statuses = {}
    for username in ACCOUNTS:
        client = any_app.server.test_client()
        assert login(client, username).status_code == 302
        for key, bad, body in _forged_bodies(any_app):
            resp = client.post("/_dash-update-component", json=body)
            statuses.setdefault(resp.status_code, []).append((username, key, repr(bad)[:30]))
            assert resp.status_code != 500, (username, key, bad, resp.data[:200])
            if resp.status_code == 400:
                assert resp.get_json()["error"], (username, key, bad)
    assert 400 in statuses, "no forged request was refused as malformed"


def test_a_nul_byte_anywhere_is_refused_with_400_even_before_sign_in(any_app):
    client = any_app.server.test_client()
    client.get("/login")
    with client.session_transaction() as sess:
        token = sess["csrf"]
    resp = client.post("/login", data={"username": "offi\x00cer", "password": "x", "csrf": token})
    assert resp.status_code == 400 and b"NUL" in resp.data
    assert client.get("/login?next=/\x00").status_code == 400


def test_only_an_administrator_may_send_a_large_body(app):
    big = {"output": "x", "inputs": [{"id": "a", "property": "b", "value": "z" * (600 * 1024)}]}
    anonymous = app.server.test_client()
    assert anonymous.post("/_dash-update-component", json=big).status_code == 413
    assert anonymous.post("/login", data={"username": "z" * (600 * 1024)}).status_code == 413
    officer = app.server.test_client()
    login(officer, "officer")
    assert officer.post("/_dash-update-component", json=big).status_code == 413
    admin = app.server.test_client()
    login(admin, "admin")
    # Past the size check (the administrator's upload limit is 300 MB), refused only as a malformed callback.
    assert admin.post("/_dash-update-component", json=big).status_code == 400

"""Permission matrix: role x data callback x target in and out of scope, by forged callback POSTs."""

import json

import pytest

from tests.conftest import login
from tests.dash_requests import post
from tests.helpers import actor_for, crime_of, open_task_of, task_status, team_of

ROLES = ["officer", "officer2", "sergeant", "inspector", "leader", "analyst", "staff", "admin"]


def _rows(client, app, scope_value, **request) -> list:
    """The worklist rows the grid would be sent for one block, asked for as the browser asks."""
    request = {"startRow": 0, "endRow": 500, "sortModel": [], "filterModel": {}} | request
    resp = post(client, app, "da-grid.getRowsResponse",
                {"da-grid.getRowsRequest": request, "da-grid-stamp.data": {"scope": scope_value}},
                ["da-grid.getRowsRequest"])
    assert resp.status_code == 200, resp.status_code
    return resp.get_json()["response"]["da-grid"]["getRowsResponse"]["rowData"]


@pytest.fixture
def store(app):
    return app.beacon_store


@pytest.mark.parametrize("username", ROLES)
def test_worklist_default_scope_returns_only_readable_rows(app, client, store, username):
    from data_access.scope import allowed_scopes

    login(client, username)
    actor = actor_for(store, username)
    scopes = allowed_scopes(store, actor)
    value = scopes[0].value if scopes else None
    resp = post(client, app, "da-badges.children", {"da-scope.value": value}, ["da-scope.value"])
    assert resp.status_code == 200
    rows = _rows(client, app, value)
    from data_access.worklist import open_tasks

    allowed_refs = set()
    for s in scopes:
        allowed_refs |= set(open_tasks(store, s)["crime_ref"])
    assert {r["crime_ref"] for r in rows} <= allowed_refs


@pytest.mark.parametrize("username", ["officer", "officer2", "sergeant", "staff"])
def test_forged_scope_outside_actor_is_403(app, client, store, username):
    login(client, username)
    other = "officer2" if username != "officer2" else "officer"
    other_team = team_of(store, actor_for(store, other).officer_id)
    own_team = team_of(store, actor_for(store, username).officer_id)
    target = other_team if other_team != own_team else 999_999
    for forged in (f"team:{target}", "force:1", "bcu:1", "department:1", "team:999999", "'; DROP TABLE task;--"):
        resp = post(client, app, "da-badges.children", {"da-scope.value": forged}, ["da-scope.value"])
        assert resp.status_code == 403, (username, forged, resp.status_code)
        assert b"crime_ref" not in resp.data
        # The grid's own request for rows, naming the forged scope, is refused the same way.
        resp = post(client, app, "da-grid.getRowsResponse",
                    {"da-grid.getRowsRequest": {"startRow": 0, "endRow": 100}, "da-grid-stamp.data": {"scope": forged}},
                    ["da-grid.getRowsRequest"])
        assert resp.status_code == 403, (username, forged, resp.status_code)
        assert b"crime_ref" not in resp.data


@pytest.mark.parametrize("username, expected", [
    ("officer", 200), ("sergeant", 200), ("inspector", 200), ("leader", 200), ("admin", 200), ("analyst", 200),
    ("officer2", 403), ("staff", 403),
])
def test_record_panel_matrix(app, client, store, username, expected):
    ref = crime_of(store, actor_for(store, "officer").officer_id)
    login(client, username)
    resp = post(client, app, "da-record-body.children", {"da-record-ref.data": ref}, ["da-record-ref.data"])
    assert resp.status_code == expected, (username, resp.status_code)
    if expected == 403:
        assert ref.encode() not in resp.data


@pytest.mark.parametrize("username, expected", [
    # The officer in charge may not sign off their own review; their chain of command may.
    ("officer", 403), ("sergeant", 200), ("inspector", 200), ("leader", 200),
    ("officer2", 403), ("staff", 403), ("analyst", 403), ("admin", 403),
])
def test_task_completion_matrix(app, client, store, username, expected):
    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, "supervisor_review")
    login(client, username)
    pattern = json.dumps({"action": ["ALL"], "task": ["ALL"], "type": "task-action"}, separators=(",", ":"))
    key = next(k for k in app.callback_map if "da-badges.children" in k)
    pattern_key = next(d["id"] for d in app.callback_map[key]["inputs"] if str(d["id"]).startswith("{"))
    button = {"type": "task-action", "task": t["id"], "action": "review_done"}
    resp = post(client, app, "da-badges.children",
                {"da-scope.value": None, "da-record-ref.data": t["crime_ref"], pattern_key: [(button, 1)]},
                [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"])
    assert resp.status_code == expected, (username, resp.status_code, resp.data[:200])
    assert task_status(store, t["id"]) == ("done" if expected == 200 else "open")
    assert pattern  # the ALL pattern is what the real page sends


@pytest.mark.parametrize("username, expected", [
    ("sergeant", 200), ("inspector", 200), ("leader", 200), ("admin", 200), ("analyst", 200),
])
def test_demand_default_scope(app, client, store, username, expected):
    from data_access.worklist import scope_choices

    login(client, username)
    value = next(c["value"] for c in scope_choices(store, actor_for(store, username)) if c["value"] != "mine")
    resp = post(client, app, "dm-capacity.figure", {"dm-scope.value": value, "main-tabs.active_tab": "demand"},
                ["dm-scope.value"])
    assert resp.status_code == expected


@pytest.mark.parametrize("username", ["officer", "sergeant", "staff"])
def test_demand_forged_scope_is_403(app, client, store, username):
    login(client, username)
    resp = post(client, app, "dm-capacity.figure", {"dm-scope.value": "force:1", "main-tabs.active_tab": "demand"},
                ["dm-scope.value"])
    assert resp.status_code == 403


@pytest.mark.parametrize("username, expected", [
    ("admin", 200), ("officer", 403), ("sergeant", 403), ("inspector", 403), ("leader", 403), ("analyst", 403),
])
def test_audit_log_matrix(app, client, username, expected):
    login(client, username)
    resp = post(client, app, "audit-grid.rowData", {"main-tabs.active_tab": "audit"}, ["main-tabs.active_tab"])
    assert resp.status_code == expected


@pytest.mark.parametrize("body", [
    {}, {"output": "da-badges.children"}, {"output": "nope.children", "inputs": [], "outputs": {}},
    {"output": "x", "outputs": [], "inputs": "not-a-list", "changedPropIds": []},
])
def test_malformed_payloads_do_not_leak(client, body):
    login(client, "officer")
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code >= 400
    assert b"crime_ref" not in resp.data


def test_unknown_record_answers_like_a_forbidden_one(app, client):
    login(client, "sergeant")
    resp = post(client, app, "da-record-body.children", {"da-record-ref.data": "XX/0000000/00"},
                ["da-record-ref.data"])
    assert resp.status_code == 403

"""Productivity tab access matrix: every callback, every role, forged payloads naming another officer."""

import json

import pytest
from sqlalchemy import select

from data_access.org import load_tree
from data_access.schema_productivity import figure_feedback
from tests.conftest import login
from tests.dash_requests import find_callback, post
from tests.helpers import actor_for

ROLES = ["officer", "officer2", "sergeant", "inspector", "leader", "analyst", "staff", "admin"]
TAB = {"main-tabs.active_tab": "productivity"}


@pytest.fixture
def store(app):
    return app.beacon_store


def _ids(store):
    return {u: actor_for(store, u).officer_id for u in ROLES}


def _my_figures(app, client):
    return post(client, app, "pa-my-productivity.children",
                TAB | {"pa-refresh.data": 0, "pa-q-refresh.data": 0}, ["main-tabs.active_tab"])


@pytest.mark.parametrize("username", ROLES)
def test_every_role_sees_own_figures(app, client, username):
    login(client, username)
    resp = _my_figures(app, client)
    assert resp.status_code == 200, resp.data[:300]
    body = resp.get_json()["response"]
    assert "pa-my-availability" in body


# Who may open officer's availability: the officer and the chain of command (sergeant, inspector, leader).
@pytest.mark.parametrize("username, expected", [
    ("officer", 200), ("sergeant", 200), ("inspector", 200), ("leader", 200),
    ("officer2", 403), ("analyst", 403), ("staff", 403), ("admin", 403),
])
def test_forged_availability_of_officer(app, client, store, username, expected):
    target = actor_for(store, "officer").officer_id
    login(client, username)
    resp = post(client, app, "pa-officer-availability.children", {"pa-officer.value": target}, ["pa-officer.value"])
    assert resp.status_code == expected, (username, resp.status_code)
    if expected == 403:
        assert b"availability score" not in resp.data


def test_a_refused_availability_request_is_audited_once_with_its_detail(app, client, store):
    from data_access.schema import audit_log

    target = actor_for(store, "officer").officer_id
    login(client, "officer2")

    def denied_rows():
        with store.engine.connect() as conn:
            return conn.execute(select(audit_log).where(audit_log.c.action == "denied")
                                .order_by(audit_log.c.id)).mappings().all()

    before = len(denied_rows())
    resp = post(client, app, "pa-officer-availability.children", {"pa-officer.value": target}, ["pa-officer.value"])
    assert resp.status_code == 403
    rows = denied_rows()[before:]
    assert len(rows) == 1, [dict(r) for r in rows]
    assert rows[0]["username"] == "officer2"
    assert f"availability of officer {target} " in json.loads(rows[0]["detail"])["reason"]


@pytest.mark.parametrize("username", ["officer", "officer2", "sergeant", "staff"])
def test_forged_availability_of_a_peer_or_superior_is_403(app, client, store, username):
    login(client, username)
    ids = _ids(store)
    me = ids[username]
    tree = load_tree(store)
    # A peer in the same team, the actor's own manager, and someone in another BCU-level unit.
    peers = [i for i, m in tree.manager_of.items() if m == tree.manager_of.get(me) and i != me][:2]
    targets = peers + [tree.manager_of.get(me), ids["leader"]]
    for target in [t for t in targets if t is not None]:
        resp = post(client, app, "pa-officer-availability.children", {"pa-officer.value": target},
                    ["pa-officer.value"])
        assert resp.status_code == 403, (username, target, resp.status_code)


@pytest.mark.parametrize("forged", ["abc", "1; DROP TABLE officer", 10 ** 12, -1])
def test_malformed_officer_ids_do_not_leak(app, client, forged):
    login(client, "sergeant")
    resp = post(client, app, "pa-officer-availability.children", {"pa-officer.value": forged}, ["pa-officer.value"])
    assert resp.status_code in (400, 403)


def _team(app, client, scope):
    return post(client, app, "pa-team-grid.rowData",
                TAB | {"pa-scope.value": scope, "pa-metric.value": "arrests"}, ["pa-scope.value"])


@pytest.mark.parametrize("username", ["sergeant", "inspector", "leader", "analyst", "admin"])
def test_team_view_shows_availability_only_in_the_chain(app, client, store, username):
    from data_access.worklist import scope_choices

    login(client, username)
    actor = actor_for(store, username)
    scope = next(c["value"] for c in scope_choices(store, actor) if c["value"] != "mine")
    resp = _team(app, client, scope)
    assert resp.status_code == 200
    rows = resp.get_json()["response"]["pa-team-grid"]["rowData"]
    assert rows
    tree = load_tree(store)
    for r in rows:
        in_chain = r["officer_id"] == actor.officer_id or actor.officer_id in tree.chain_of_command(r["officer_id"])
        if not in_chain:
            assert r["availability"] is None and r["deployable"] == "Restricted"
    if username in ("analyst", "admin"):
        assert all(r["availability"] is None for r in rows)
    if username == "sergeant":
        assert all(r["availability"] is not None for r in rows)


@pytest.mark.parametrize("username", ["officer", "officer2", "staff", "sergeant"])
def test_team_view_forged_scope_is_403(app, client, store, username):
    login(client, username)
    for forged in ("force:1", "bcu:2", "team:999999", "mine"):
        resp = _team(app, client, forged)
        assert resp.status_code in (403, 200), resp.status_code
        if resp.status_code == 200:
            # 'mine' is the officer's own scope: it gives no team rows.
            assert resp.get_json()["response"]["pa-team-grid"]["rowData"] == []


def _feedback_open_key(app):
    _key, entry = find_callback(app, "pa-fb-modal.is_open")
    return next(d["id"] for d in entry["inputs"] if str(d["id"]).startswith("{"))


def _submit(app, client, metric, message):
    pattern = _feedback_open_key(app)
    return post(client, app, "pa-fb-modal.is_open",
                {pattern: [({"type": "pa-fb-open", "metric": metric}, 0)], "pa-fb-submit.n_clicks": 1,
                 "pa-fb-cancel.n_clicks": None}, ["pa-fb-submit.n_clicks"])


def test_feedback_submit_uses_the_session_officer_not_the_payload(app, client, store):
    login(client, "officer")
    from tests.dash_requests import payload

    body = payload(app, "pa-fb-modal.is_open",
                   {_feedback_open_key(app): [], "pa-fb-submit.n_clicks": 1, "pa-fb-cancel.n_clicks": None},
                   ["pa-fb-submit.n_clicks"])
    body["state"] = [{"id": "pa-fb-metric", "property": "data", "value": "arrests"},
                     {"id": "pa-fb-message", "property": "value", "value": "I made three arrests, not two"},
                     {"id": "pa-refresh", "property": "data", "value": 0}]
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code == 200, resp.data[:300]
    mine = select(figure_feedback.c.officer_id, figure_feedback.c.metric).where(
        figure_feedback.c.created_by == actor_for(store, "officer").user_id)
    with store.engine.connect() as conn:
        rows = conn.execute(mine).all()
    assert rows == [(actor_for(store, "officer").officer_id, "arrests")]
    # The same again records nothing twice.
    assert client.post("/_dash-update-component", json=body).status_code == 200
    with store.engine.connect() as conn:
        assert len(conn.execute(mine).all()) == 1
    # An unknown figure name is a bad request.
    body["state"][0]["value"] = "salary"
    assert client.post("/_dash-update-component", json=body).status_code == 400


def _answer(app, client, item, decision="accepted", reason="ok"):
    from tests.dash_requests import payload

    body = payload(app, "pa-q-alert.children", {"pa-q-submit.n_clicks": 1}, ["pa-q-submit.n_clicks"])
    body["state"] = [{"id": "pa-q-item", "property": "value", "value": item},
                     {"id": "pa-q-decision", "property": "value", "value": decision},
                     {"id": "pa-q-reason", "property": "value", "value": reason},
                     {"id": "pa-q-refresh", "property": "data", "value": 0}]
    return client.post("/_dash-update-component", json=body)


@pytest.mark.parametrize("username, expected", [
    ("sergeant", 200), ("admin", 200), ("officer", 403), ("officer2", 403), ("inspector", 403),
    ("leader", 403), ("analyst", 403), ("staff", 403),
])
def test_feedback_answer_matrix(app, client, store, username, expected):
    from data_access.feedback import submit_feedback

    item = submit_feedback(store, actor_for(store, "officer"), "pirs", "Two PIRs missing", "p")["id"]
    login(client, username)
    resp = _answer(app, client, item)
    assert resp.status_code == expected, (username, resp.status_code)
    with store.engine.connect() as conn:
        status = conn.execute(select(figure_feedback.c.status).where(figure_feedback.c.id == item)).scalar_one()
    assert status == ("accepted" if expected == 200 else "open")


@pytest.mark.parametrize("username, sees", [
    ("sergeant", True), ("admin", True), ("inspector", False), ("officer2", False), ("staff", False),
])
def test_feedback_queue_matrix(app, client, store, username, sees):
    from data_access.feedback import submit_feedback

    submit_feedback(store, actor_for(store, "officer"), "arrests", "Secret message 42", "p")
    login(client, username)
    resp = post(client, app, "pa-queue.children", TAB | {"pa-q-refresh.data": 0, "pa-refresh.data": 0},
                ["main-tabs.active_tab"])
    assert resp.status_code == 200
    assert (b"Secret message 42" in resp.data) == sees


def test_trend_and_productivity_of_a_peer_are_open(app, client, store):
    # Productivity is visible to everyone with access, for benchmarking; availability is not.
    from data_access.productivity import productivity_for

    view = productivity_for(store, actor_for(store, "officer2"), actor_for(store, "officer").officer_id)
    assert view["applicable"] and view["metrics"]


def test_pattern_payload_json_is_stable(app):
    assert json.dumps(_feedback_open_key(app))

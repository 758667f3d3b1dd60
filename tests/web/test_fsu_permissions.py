"""Frequent service users: role x callback matrix with forged payloads, tab visibility, audit of views."""

import pytest

from data_access import fsu
from tests.conftest import login, logout
from tests.dash_requests import payload, post
from tests.helpers import actor_for

ROLES = ["officer", "officer2", "sergeant", "inspector", "leader", "analyst", "staff", "admin"]


@pytest.fixture
def store(app):
    return app.beacon_store


@pytest.fixture
def listed(store):
    analyst = actor_for(store, "analyst")
    assert fsu.run_now(store, analyst)["status"] == "succeeded"
    return fsu.list_view(store, analyst)["rows"]


def _requests(app, person_id):
    """(output, body) for every fsu callback, with values a forger would send."""
    export = payload(app, "fsu-download.data", {"fsu-export.n_clicks": 1}, ["fsu-export.n_clicks"])
    export["state"] = [{"id": "fsu-person", "property": "data", "value": person_id}]
    return [
        ("fsu-grid.rowData", payload(app, "fsu-grid.rowData", {"main-tabs.active_tab": "fsu", "fsu-themes.value": []},
                                     ["main-tabs.active_tab"])),
        ("fsu-chart.figure", payload(app, "fsu-chart.figure", {"fsu-grid.selectedRows": [{"person_id": person_id}]},
                                     ["fsu-grid.selectedRows"])),
        ("fsu-person.data", payload(app, "fsu-person.data",
                                    {"fsu-grid.cellRendererData": {"rowId": str(person_id)}},
                                    ["fsu-grid.cellRendererData"])),
        ("fsu-details.children", payload(app, "fsu-details.children", {"fsu-person.data": person_id},
                                         ["fsu-person.data"])),
        ("fsu-download.data", export),
        ("fsu-job.data", payload(app, "fsu-job.data", {"fsu-refresh.n_clicks": 1}, ["fsu-refresh.n_clicks"])),
        ("fsu-run-done.data", payload(app, "fsu-run-done.data", {"fsu-poll.n_intervals": 1}, ["fsu-poll.n_intervals"])),
    ]


@pytest.mark.parametrize("username", [r for r in ROLES if r != "analyst"])
def test_every_fsu_callback_refuses_roles_without_the_permission(app, client, listed, username):
    person_id = listed[0]["person_id"]
    login(client, username)
    for output, body in _requests(app, person_id):
        resp = client.post("/_dash-update-component", json=body)
        assert resp.status_code == 403, (username, output, resp.status_code)
        assert listed[0]["name"].encode() not in resp.data


def test_analyst_gets_every_view_and_the_details_are_audited(app, client, store, listed):
    person_id = listed[0]["person_id"]
    login(client, "analyst")
    from sqlalchemy import func, select

    from data_access.schema import audit_log

    def count(action):
        with store.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(audit_log).where(
                (audit_log.c.object_type == "fsu_person") & (audit_log.c.action == action))).scalar_one()

    before = count("read"), count("export")
    for output, body in _requests(app, person_id):
        if output in ("fsu-run-done.data", "fsu-job.data"):
            continue  # the refresh is exercised in tests/data_access/test_fsu.py
        resp = client.post("/_dash-update-component", json=body)
        assert resp.status_code == 200, (output, resp.status_code, resp.data[:200])
    assert (count("read"), count("export")) == (before[0] + 1, before[1] + 1)


def test_analyst_cannot_open_someone_not_on_the_list(app, client, listed):
    login(client, "analyst")
    ids = {r["person_id"] for r in listed}
    other = next(i for i in range(1, 10**6) if i not in ids)
    resp = post(client, app, "fsu-details.children", {"fsu-person.data": other}, ["fsu-person.data"])
    assert resp.status_code == 403


def test_anonymous_requests_are_refused(app, client):
    resp = post(client, app, "fsu-grid.rowData", {"main-tabs.active_tab": "fsu"}, ["main-tabs.active_tab"])
    assert resp.status_code == 401


@pytest.mark.parametrize("username", ROLES)
def test_only_the_permission_shows_the_tab(app, client, username):
    login(client, username)
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    assert (b"fsu-grid" in layout.data) == (username == "analyst")


def test_analyst_starts_a_refresh_and_follows_it_to_the_end(app, client, store):
    from data_access import jobs

    login(client, "analyst")
    resp = post(client, app, "fsu-job.data", {"fsu-refresh.n_clicks": 1}, ["fsu-refresh.n_clicks"])
    assert resp.status_code == 200, resp.data[:300]
    started = resp.get_json()["response"]
    job_id = started["fsu-job"]["data"]
    assert started["fsu-poll"]["disabled"] is False and started["fsu-refresh"]["disabled"] is True
    jobs.runner(store).wait(job_id, timeout=120)
    body = payload(app, "fsu-run-done.data", {"fsu-poll.n_intervals": 1}, ["fsu-poll.n_intervals"])
    body["state"] = [{"id": "fsu-job", "property": "data", "value": job_id}]
    done = client.post("/_dash-update-component", json=body).get_json()["response"]
    assert done["fsu-run-done"]["data"]["status"] == "succeeded"
    assert done["fsu-poll"]["disabled"] is True and done["fsu-refresh"]["disabled"] is False
    assert "Refresh finished" in str(done["fsu-job-state"]["children"])


def _denials(store) -> int:
    from sqlalchemy import func, select

    from data_access.schema import audit_log
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(audit_log).where(audit_log.c.action == "denied")).scalar()


def test_every_refusal_is_audited_including_a_forged_job_id(app, client, store, listed):
    from data_access import jobs
    from data_access.strategic_imports import start_import

    admin_job = start_import(store, actor_for(store, "admin"), "use-of-force",
                             "data:text/csv;base64,UmVnaW9uLFBvbGljZSBGb3JjZSxUb3RhbApSLEtlbnQsMTIK", "x.csv")
    jobs.runner(store).wait(admin_job, timeout=60)
    before = _denials(store)
    login(client, "officer")
    assert client.post("/_dash-update-component", json=_requests(app, listed[0]["person_id"])[0][1]).status_code == 403
    logout(client)
    login(client, "analyst")
    poll = payload(app, "fsu-run-done.data", {"fsu-poll.n_intervals": 1}, ["fsu-poll.n_intervals"])
    poll["state"] = [{"id": "fsu-job", "property": "data", "value": admin_job}]  # someone else's job
    resp = client.post("/_dash-update-component", json=poll)
    assert resp.status_code == 403 and b"Kent" not in resp.data
    assert _denials(store) == before + 2

"""Which permission checks each callback runs: every callback is listed, and each data door asks the table."""

import json

import pytest

from data_access import permissions
from data_access.feedback import submit_feedback
from tests.conftest import login
from tests.dash_requests import find_callback, post
from tests.helpers import actor_for

BAD_CSV = "data:text/csv;base64,"  # an empty upload: refused before a job starts, after the check

# output prefix -> (who asks, input and state values, what triggered it, checks that must have run).
# A callback that only arranges the page (opens a panel, filters rows already sent, switches tab)
# needs no data permission: its set is empty, and the request guard has already required a session.
CHECKS = {
    "..da-scope.options": ("officer", {}, ["da-scope.id"], {"worklist.read"}),
    "..da-badges.children": ("officer", {"da-scope.value": None}, ["da-scope.value"], {"worklist.read"}),
    "..bell.children...bell.className..": ("officer", {"bell-refresh.n_intervals": 1}, ["bell-refresh.n_intervals"],
                        {"task.complete", "worklist.read"}),
    "..da-record-ref.data": ("officer", {"da-grid.cellDoubleClicked": {"rowId": "X"}},
                             ["da-grid.cellDoubleClicked"], set()),
    "..da-grid.filterModel": ("officer", {}, ["da-clear-filter.n_clicks"], set()),
    "da-download.data": ("officer", {"da-export.n_clicks": 1}, ["da-export.n_clicks"], {"worklist.read"}),
    "da-officers.getRowsResponse": ("sergeant", {"da-officers.getRowsRequest": {"startRow": 0, "endRow": 50}},
                                    ["da-officers.getRowsRequest"], {"worklist.read"}),
    "da-grid.getRowsResponse": ("officer", {"da-grid.getRowsRequest": {"startRow": 0, "endRow": 100}},
                                ["da-grid.getRowsRequest"], {"worklist.read"}),
    "pa-team-grid.exportDataAsCsv": ("sergeant", {"pa-export.n_clicks": 1}, ["pa-export.n_clicks"],
                                     {"productivity.team"}),
    "st-ranks.exportDataAsCsv": ("leader", {"st-export.n_clicks": 1}, ["st-export.n_clicks"], {"strategic.read"}),
    "audit-grid.exportDataAsCsv": ("admin", {"audit-export.n_clicks": 1}, ["audit-export.n_clicks"],
                                   {"audit.read"}),
    "main-tabs.active_tab": ("officer", {"bell.n_clicks": 1}, ["bell.n_clicks"], set()),
    "..dm-scope.options": ("leader", {}, ["dm-scope.id"], {"demand.read"}),
    "..dm-capacity.figure": ("leader", {"dm-scope.value": "SCOPE", "main-tabs.active_tab": "demand"},
                             ["dm-scope.value"], {"demand.read"}),
    "audit-grid.rowData": ("admin", {"main-tabs.active_tab": "audit"}, ["main-tabs.active_tab"], {"audit.read"}),
    "..pa-my-productivity.children": ("officer", {"main-tabs.active_tab": "productivity"},
                                      ["main-tabs.active_tab"], {"productivity.own", "availability.read"}),
    "..pa-my-trend.figure": ("officer", {"pa-my-trend-metric.value": "incidents_attended",
                                         "main-tabs.active_tab": "productivity"},
                             ["pa-my-trend-metric.value"], {"productivity.own"}),
    "pa-officer-availability.children": ("sergeant", {"pa-officer.value": "OFFICER"}, ["pa-officer.value"],
                                         {"availability.read"}),
    "..pa-scope.options": ("sergeant", {}, ["pa-scope.id"], {"productivity.team"}),
    "..pa-team-grid.rowData": ("sergeant", {"pa-scope.value": "SCOPE", "pa-metric.value": "incidents_attended",
                                            "main-tabs.active_tab": "productivity"},
                               ["pa-scope.value"], {"productivity.team"}),
    "..pa-fb-modal.is_open": ("officer", {"pa-fb-submit.n_clicks": 1, "pa-fb-metric.data": "incidents_attended",
                                          "pa-fb-message.value": "I attended five, not four", "pa-refresh.data": 0},
                              ["pa-fb-submit.n_clicks"], {"feedback.give"}),
    "..pa-queue.children": ("sergeant", {"main-tabs.active_tab": "productivity"}, ["main-tabs.active_tab"],
                            {"feedback.answer"}),
    "..pa-q-alert.children": ("sergeant", {"pa-q-submit.n_clicks": 1, "pa-q-item.value": "FEEDBACK",
                                           "pa-q-decision.value": "accepted", "pa-q-reason.value": "",
                                           "pa-q-refresh.data": 0},
                              ["pa-q-submit.n_clicks"], {"feedback.answer"}),
    "..fsu-grid.rowData": ("analyst", {"main-tabs.active_tab": "fsu", "fsu-themes.value": []},
                           ["main-tabs.active_tab"], {"fsu.read"}),
    "..fsu-chart.figure": ("analyst", {"fsu-grid.selectedRows": []}, ["fsu-grid.selectedRows"], {"fsu.read"}),
    "fsu-person.data": ("analyst", {"fsu-back.n_clicks": 1}, ["fsu-back.n_clicks"], set()),
    "..fsu-details.children": ("analyst", {"fsu-person.data": None}, ["fsu-person.data"], {"fsu.read"}),
    "fsu-download.data": ("analyst", {"fsu-export.n_clicks": 1}, ["fsu-export.n_clicks"], {"fsu.read"}),
    "..fsu-job.data": ("analyst", {"fsu-refresh.n_clicks": 1}, ["fsu-refresh.n_clicks"], {"fsu.refresh"}),
    "..fsu-run-done.data": ("analyst", {"fsu-poll.n_intervals": 1, "fsu-job.data": 999999},
                            ["fsu-poll.n_intervals"], {"job.read"}),
    "..st-area.options": ("leader", {}, ["st-area.id"], {"strategic.read"}),
    "..st-tactic-area.options": ("leader", {}, ["st-tactic-area.id"], {"strategic.read"}),
    "..st-force.options": ("leader", {}, ["st-force.id"], {"strategic.read"}),
    "..st-period.options": ("leader", {"st-area.value": "crime"}, ["st-area.value"], {"strategic.read"}),
    "..st-kpis.children": ("leader", {"st-area.value": "crime", "main-tabs.active_tab": "strategic"},
                           ["main-tabs.active_tab"], {"strategic.read"}),
    "..st-import-job.data": ("admin", {"st-upload.contents": BAD_CSV, "st-upload.filename": "x.csv",
                                       "st-import-kind.value": "street"},
                             ["st-upload.contents"], {"strategic.admin"}),
    "..st-import-result.children@": ("admin", {"st-import-poll.n_intervals": 1, "st-import-job.data": 999999},
                                    ["st-import-poll.n_intervals"], {"job.read"}),
    "st-history.children": ("admin", {}, ["st-history.id"], {"strategic.admin"}),
    "..st-remove-pending.data": ("admin", {}, [], set()),
    "..st-remove-result.children...st-data-changed": ("admin", {"st-remove-confirm.submit_n_clicks": 1,
                                              "st-remove-pending.data": 999999},
                                    ["st-remove-confirm.submit_n_clicks"], {"strategic.admin"}),
    "..st-home-force.options": ("admin", {}, ["st-home-force.id"], {"strategic.read"}),
    "st-home-result.children": ("admin", {"st-home-save.n_clicks": 1, "st-home-force.value": "merseyside"},
                                ["st-home-save.n_clicks"], {"strategic.admin"}),
    "..st-tactic-force.options": ("admin", {}, ["st-tactic-force.id"], {"strategic.read"}),
    "st-tactic-result.children": ("admin", {"st-tactic-save.n_clicks": 1, "st-tactic-force.value": "merseyside",
                                            "st-tactic-area.value": "crime", "st-tactic-name.value": "Op Test",
                                            "st-tactic-in-use.value": True},
                                  ["st-tactic-save.n_clicks"], {"strategic.admin"}),
    "..rec-source.children": ("admin", {"main-tabs.active_tab": "records"}, ["main-tabs.active_tab"],
                              {"records.load"}),
    "..rec-job.data": ("admin", {"rec-check.n_clicks": 1}, ["rec-check.n_clicks"], {"records.load"}),
    "..rec-result.children...rec-progress.value@": ("admin", {"rec-poll.n_intervals": 1, "rec-job.data": 999999},
                              ["rec-poll.n_intervals"], {"job.read"}),
    "rec-quarantine.rowData": ("admin", {"rec-history.selectedRows": [{"id": 1}]}, ["rec-history.selectedRows"],
                               {"records.load"}),
    "rec-export-file.data": ("admin", {"rec-export.n_clicks": 1}, ["rec-export.n_clicks"],
                             {"records.export_completions"}),
    "..my-settings-modal.is_open": ("officer", {"my-settings-open.n_clicks": 1}, ["my-settings-open.n_clicks"],
                                    {"digest.own"}),
    "my-settings-result.children": ("officer", {"my-settings-save.n_clicks": 1, "my-digest-optin.value": "on",
                                                "my-digest-email.value": "officer@force.example"},
                                    ["my-settings-save.n_clicks"], {"digest.own"}),
    "notify-red.children": ("officer", {"bell-refresh.n_intervals": 1}, ["bell-refresh.n_intervals"],
                            {"worklist.read"}),
    "audit-digest.children": ("admin", {"main-tabs.active_tab": "audit"}, ["main-tabs.active_tab"],
                              {"digest.status"}),
    "..us-scope.options": ("inspector", {}, ["us-scope.id"], {"usage.read"}),
    "..us-sign-ins.figure": ("inspector", {"us-scope.value": "SCOPE", "main-tabs.active_tab": "usage"},
                             ["us-scope.value"], {"usage.read"}),
    "us-grid.exportDataAsCsv": ("inspector", {"us-export.n_clicks": 1}, ["us-export.n_clicks"], {"usage.read"}),
    "fsu-grid.exportDataAsCsv": ("analyst", {"fsu-list-export.n_clicks": 1}, ["fsu-list-export.n_clicks"],
                                 {"fsu.read"}),
    "rec-history.exportDataAsCsv": ("admin", {"rec-history-export.n_clicks": 1}, ["rec-history-export.n_clicks"],
                                    {"records.load"}),
    "rec-quarantine.exportDataAsCsv": ("admin", {"rec-quarantine-export.n_clicks": 1},
                                       ["rec-quarantine-export.n_clicks"], {"records.load"}),
}


def _entry_for(app, key: str) -> str:
    matches = [prefix for prefix in CHECKS if key.startswith(prefix)]
    return max(matches, key=len) if matches else ""


# Callbacks that run only in the browser (clientside): no server code, so nothing of the server to check.
BROWSER_ONLY = {"da-grid-section.className", "da-record-ref.data@", "da-record-pos.children",
                "da-grid-refreshed.data"}


def test_every_callback_is_listed_with_the_checks_it_must_run(app):
    browser_only = [key for key in app.callback_map if key.split("@")[0] + ("@" if "@" in key else "") in BROWSER_ONLY]
    assert len(browser_only) == len(BROWSER_ONLY)
    assert all("callback" not in app.callback_map[key] for key in browser_only)
    unlisted = [key for key in app.callback_map if not _entry_for(app, key) and key not in browser_only]
    assert not unlisted, f"add these callbacks to CHECKS with the permission they need: {unlisted}"


@pytest.fixture
def store(app):
    return app.beacon_store


@pytest.mark.parametrize("prefix", sorted(CHECKS))
def test_callback_runs_its_permission_checks(app, client, store, prefix):
    username, values, triggered, expected = CHECKS[prefix]
    values = dict(values)
    if values.get("pa-officer.value") == "OFFICER":
        values["pa-officer.value"] = actor_for(store, "officer").officer_id
    for key in ("dm-scope.value", "pa-scope.value", "us-scope.value"):
        if values.get(key) == "SCOPE":
            from data_access.worklist import scope_choices

            values[key] = scope_choices(store, actor_for(store, username), own=False)[0]["value"]
    if values.get("pa-q-item.value") == "FEEDBACK":
        values["pa-q-item.value"] = submit_feedback(store, actor_for(store, "officer"), "incidents_attended",
                                                    "I attended five, not four", "")["id"]
    find_callback(app, prefix)
    login(client, username)
    log = permissions.start_recording()
    resp = post(client, app, prefix, values, triggered)
    assert resp.status_code in (200, 204, 400, 403), (prefix, resp.status_code, resp.data[:300])
    ran = {action for action, _ok in log} - {"session"}
    assert expected <= ran, f"{prefix} as {username} ran {sorted(ran)}, must run {sorted(expected)}"


def test_a_forbidden_callback_is_refused_by_the_table_and_audited(app, client, store):
    login(client, "officer")
    log = permissions.start_recording()
    resp = post(client, app, "audit-grid.rowData", {"main-tabs.active_tab": "audit"}, ["main-tabs.active_tab"])
    assert resp.status_code == 403
    assert ("audit.read", False) in log
    from sqlalchemy import select

    from data_access.schema import audit_log

    with store.engine.connect() as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.action == "denied")
                           .order_by(audit_log.c.id.desc())).mappings().first()
    assert row["username"] == "officer" and "audit" in json.loads(row["detail"])["reason"]


def test_unknown_actions_and_missing_actors_are_refused():
    officer = permissions.Actor(user_id=1, username="x", role="officer", officer_id=1, scope_unit_id=1)
    assert not permissions.allowed(officer, "no.such.action")
    assert not permissions.allowed(None, "worklist.read")
    assert permissions.allowed(permissions.SYSTEM, "strategic.admin")
    assert not permissions.allowed(permissions.SYSTEM, "task.complete")


@pytest.mark.parametrize("output,button,allowed_user,refused_user", [
    ("da-download.data", "da-export", "officer", None),
    ("pa-team-grid.exportDataAsCsv", "pa-export", "officer", None),
    ("st-ranks.exportDataAsCsv", "st-export", "leader", "officer"),
    ("audit-grid.exportDataAsCsv", "audit-export", "admin", "inspector"),
    ("us-grid.exportDataAsCsv", "us-export", "inspector", "sergeant"),
    ("fsu-grid.exportDataAsCsv", "fsu-list-export", "analyst", "inspector"),
    ("rec-history.exportDataAsCsv", "rec-history-export", "admin", "leader"),
    ("rec-quarantine.exportDataAsCsv", "rec-quarantine-export", "admin", "analyst"),
])
def test_a_grid_export_is_audited_and_refused_to_those_who_cannot_read_the_grid(app, store, output, button,
                                                                               allowed_user, refused_user):
    from sqlalchemy import func, select

    from data_access.schema import audit_log

    def exports(username):
        with store.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(audit_log).where(
                (audit_log.c.action == "export") & (audit_log.c.username == username))).scalar_one()

    client = app.server.test_client()
    login(client, allowed_user)
    resp = post(client, app, output, {f"{button}.n_clicks": 1}, [f"{button}.n_clicks"])
    assert resp.status_code == 200 and exports(allowed_user) == 1
    if refused_user:
        other = app.server.test_client()
        login(other, refused_user)
        resp = post(other, app, output, {f"{button}.n_clicks": 1}, [f"{button}.n_clicks"])
        assert resp.status_code == 403 and exports(refused_user) == 0

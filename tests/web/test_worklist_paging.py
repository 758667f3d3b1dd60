"""The worklist grid pages from the server: blocks, sort, filter, badge filter, completion and CSV export, by POSTs."""

import base64
import csv
import io
import json

import pytest
from sqlalchemy import select, update

from data_access.db import set_meta
from data_access.schema import audit_log, crime, offence, officer
from data_access.store import bump_version
from data_access.tasks import complete_task
from data_access.worklist import open_tasks, scope_choices
from data_access.scope import resolve_scope
from scoring.categories import CATEGORY_BY_ID, COMPLETIONS
from tests.conftest import login
from tests.dash_requests import post
from tests.helpers import actor_for, open_task_of


@pytest.fixture
def store(app):
    return app.beacon_store


def _block(client, app, scope, start=0, end=100, sort=None, filters=None, grid="da-grid"):
    """One block of a grid's rows, asked for as the browser's grid asks, for the scope the page drew."""
    request = {"startRow": start, "endRow": end, "sortModel": sort or [], "filterModel": filters or {}}
    resp = post(client, app, f"{grid}.getRowsResponse",
                {f"{grid}.getRowsRequest": request, "da-grid-stamp.data": {"scope": scope}},
                [f"{grid}.getRowsRequest"])
    assert resp.status_code == 200, resp.data[:300]
    return resp.get_json()["response"][grid]["getRowsResponse"]


def _render(client, app, scope):
    resp = post(client, app, "da-badges.children", {"da-scope.value": scope}, ["da-scope.value"])
    assert resp.status_code == 200
    return resp.get_json()["response"]


def _all_rows(client, app, scope, **kwargs):
    rows, start = [], 0
    while True:
        block = _block(client, app, scope, start, start + 100, **kwargs)
        rows += block["rowData"]
        start += 100
        if start >= block["rowCount"]:
            return rows, block["rowCount"]


def _department(store, username="inspector"):
    return scope_choices(store, actor_for(store, username))[0]["value"]


def test_blocks_cover_every_investigation_of_the_scope_once_most_urgent_first(app, client, store):
    login(client, "inspector")
    scope = _department(store)
    stamp = _render(client, app, scope)["da-grid-stamp"]["data"]
    rows, count = _all_rows(client, app, scope)
    expected = set(open_tasks(store, resolve_scope(store, actor_for(store, "inspector"), scope))["crime_ref"])
    assert count == stamp["total"] == len(rows) == len(expected) > 100  # more than one block
    assert {r["crime_ref"] for r in rows} == expected
    urgency = ["overdue", "due_soon", "upcoming", "info"]
    keys = [(urgency.index(r["state"]), r["next_due"] or "9999") for r in rows]
    assert keys == sorted(keys)
    assert rows[0]["state_label"] == "Overdue"


def test_sort_and_filter_apply_to_the_whole_scope_not_one_block(app, client, store):
    login(client, "inspector")
    scope = _department(store)
    rows, count = _all_rows(client, app, scope, sort=[{"colId": "oic", "sort": "desc"},
                                                      {"colId": "crime_ref", "sort": "asc"}])
    assert [(r["oic"], r["crime_ref"]) for r in rows] == sorted(((r["oic"], r["crime_ref"]) for r in rows),
                                                                key=lambda k: (_desc(k[0]), k[1]))
    name = rows[-1]["oic"]
    only, n = _all_rows(client, app, scope, filters={"oic": {"filterType": "text", "type": "equals", "filter": name}})
    assert n == sum(r["oic"] == name for r in rows) and {r["oic"] for r in only} == {name}
    busy = _block(client, app, scope, filters={"n_overdue": {"filterType": "number", "type": "greaterThan",
                                                             "filter": 1}})
    assert busy["rowCount"] == sum(r["n_overdue"] > 1 for r in rows)


def _desc(text):
    return tuple(-ord(c) for c in text) + (1,)


def test_the_badge_filter_counts_every_investigation_with_that_work(app, client, store):
    login(client, "inspector")
    scope = _department(store)
    tasks = open_tasks(store, resolve_scope(store, actor_for(store, "inspector"), scope))
    kind = tasks["kind"].value_counts().index[0]
    label = CATEGORY_BY_ID[kind].label
    # The badge sets this filter model on the grid, which sends it with its next request.
    block = _block(client, app, scope, filters={"flags": {"filterType": "text", "type": "contains", "filter": label}})
    assert block["rowCount"] == tasks.loc[tasks["kind"] == kind, "crime_id"].nunique()


def test_a_completion_shows_in_the_next_block(app, client, store):
    officer = actor_for(store, "officer")
    login(client, "officer")
    t = open_task_of(store, officer.officer_id)
    _render(client, app, "mine")
    before = _block(client, app, "mine", 0, 500)
    row = {r["crime_ref"]: r for r in before["rowData"]}[t["crime_ref"]]
    action = next(a for a, _ in COMPLETIONS[t["kind"]] if a != "bail_extended")
    complete_task(store, officer, t["id"], action)
    after = _block(client, app, "mine", 0, 500)
    now = {r["crime_ref"]: r for r in after["rowData"]}.get(t["crime_ref"])
    # The crime left the list, or it owes one task fewer of that state.
    fields = ("n_overdue", "n_due_soon", "next_kind", "next_due")
    assert now is None or tuple(now[f] for f in fields) != tuple(row[f] for f in fields)


@pytest.mark.parametrize("request_", [
    {"startRow": 0, "endRow": 1_000_000},
    {"startRow": -5, "endRow": 10},
    {"startRow": 0, "endRow": 100, "filterModel": {"victim_name": {"filterType": "text", "type": "contains",
                                                                   "filter": "a"}}},
    {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "__class__", "sort": "asc"}]},
    {"startRow": 0, "endRow": 100, "filterModel": {"oic": {"filterType": "text", "type": "regex", "filter": ".*"}}},
    "not a request",
])
def test_a_forged_block_request_gets_nothing(app, client, store, request_):
    login(client, "sergeant")
    resp = post(client, app, "da-grid.getRowsResponse",
                {"da-grid.getRowsRequest": request_, "da-grid-stamp.data": None}, ["da-grid.getRowsRequest"])
    assert resp.status_code == 200
    assert resp.get_json()["response"]["da-grid"]["getRowsResponse"] == {"rowData": [], "rowCount": 0}


def test_a_block_needs_a_session(app):
    anonymous = app.server.test_client()
    resp = post(anonymous, app, "da-grid.getRowsResponse",
                {"da-grid.getRowsRequest": {"startRow": 0, "endRow": 100}, "da-grid-stamp.data": None},
                ["da-grid.getRowsRequest"])
    assert resp.status_code in (401, 403) and b"crime_ref" not in resp.data


def test_the_csv_holds_every_filtered_row_with_formulas_neutralised_and_is_audited(app, client, store):
    formula = '=HYPERLINK("http://evil.invalid","click")'
    scope = _department(store)
    tasks = open_tasks(store, resolve_scope(store, actor_for(store, "inspector"), scope))
    with store.engine.begin() as conn:
        code = conn.execute(select(crime.c.offence_code).where(crime.c.id == int(tasks["crime_id"].min()))).scalar_one()
        conn.execute(update(offence).where(offence.c.code == code).values(name=formula))
    login(client, "inspector")
    wanted = {"offence": {"filterType": "text", "type": "notContains", "filter": "no such offence"}}
    _, count = _all_rows(client, app, scope, filters=wanted)
    request = {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "crime_ref", "sort": "asc"}],
               "filterModel": wanted}
    resp = post(client, app, "da-download.data", {"da-export.n_clicks": 1, "da-grid-stamp.data": {"scope": scope},
                                                  "da-grid.getRowsRequest": request},
                ["da-export.n_clicks"])
    assert resp.status_code == 200
    sent = resp.get_json()["response"]["da-download"]["data"]
    text = base64.b64decode(sent["content"]).decode() if sent.get("base64") else sent["content"]
    assert sent["filename"] == "beacon-worklist.csv"
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["Crime ref", "Offence", "Status"]
    refs = [r[0] for r in table[1:]]
    assert len(refs) == count > 100 and refs == sorted(refs)  # every row, not one block, in the grid's sort
    assert any(row[1] == "'" + formula for row in table)
    assert not any(cell.startswith("=") for row in table for cell in row)
    # The audit row says what left Beacon: which scope, how many rows, under which filter.
    with store.engine.connect() as conn:
        details = conn.execute(select(audit_log.c.detail).where(
            (audit_log.c.action == "export") & (audit_log.c.username == "inspector"))).scalars().all()
    assert len(details) == 1
    detail = json.loads(details[0])
    assert (detail["scope"], detail["rows"], detail["filter"]) == (scope, count, wanted)


def _officer_block(client, app, scope, start=0, end=50, sort=None, filters=None):
    return _block(client, app, scope, start, end, sort, filters, grid="da-officers")


def test_the_officers_in_charge_page_from_the_server_most_overdue_first(app, client, store):
    login(client, "inspector")
    scope = _department(store)
    tasks = open_tasks(store, resolve_scope(store, actor_for(store, "inspector"), scope))
    block = _officer_block(client, app, scope, 0, 500)
    assert block["rowCount"] == tasks["oic_id"].fillna(-1).nunique() == len(block["rowData"])
    overdue = [r["overdue"] for r in block["rowData"]]
    assert overdue == sorted(overdue, reverse=True)
    assert sum(r["open"] for r in block["rowData"]) == tasks["crime_id"].nunique()
    name = block["rowData"][0]["oic"]
    one = _officer_block(client, app, scope, filters={"oic": {"filterType": "text", "type": "equals", "filter": name}})
    assert [r["oic"] for r in one["rowData"]] == [name]
    by_name = _officer_block(client, app, scope, 0, 500, sort=[{"colId": "oic", "sort": "asc"}])["rowData"]
    assert [r["oic"] for r in by_name] == sorted(r["oic"] for r in by_name)
    # An officer's own list has no officers grid to fill.
    login(client, "officer")
    assert _officer_block(client, app, "mine")["rowCount"] == 0


def test_blocks_come_from_the_scope_the_page_drew_not_the_selector(app, client, store):
    login(client, "inspector")
    department = _department(store)
    team = next(c["value"] for c in scope_choices(store, actor_for(store, "inspector")) if c["value"].startswith("team:"))
    # The selector already says the team, but the page still shows the department: its blocks stay the department's.
    resp = post(client, app, "da-grid.getRowsResponse",
                {"da-grid.getRowsRequest": {"startRow": 0, "endRow": 100}, "da-scope.value": team,
                 "da-grid-stamp.data": {"scope": department}}, ["da-grid.getRowsRequest"])
    assert resp.get_json()["response"]["da-grid"]["getRowsResponse"]["rowCount"] == \
        _block(client, app, department)["rowCount"] > _block(client, app, team)["rowCount"]


def test_the_stamp_says_whether_the_officers_grid_is_shown(app, client, store):
    login(client, "inspector")
    assert _render(client, app, _department(store))["da-grid-stamp"]["data"]["officers"] is True
    login(client, "officer")
    out = _render(client, app, "mine")
    # An officer's own list hides the officers grid, so the page does not ask it for a block.
    assert out["da-grid-stamp"]["data"]["officers"] is False and out["da-officers-section"]["hidden"] is True


def _namesake(store, scope: str) -> tuple[int, int]:
    """Two officers in charge within the scope, the second renamed to the first's name (a new org version)."""
    tasks = open_tasks(store, resolve_scope(store, actor_for(store, "inspector"), scope))
    first, second = sorted({int(i) for i in tasks["oic_id"].dropna()})[:2]
    with store.engine.begin() as conn:
        rank, forename, surname = conn.execute(select(officer.c.rank, officer.c.forename, officer.c.surname)
                                               .where(officer.c.id == first)).one()
        conn.execute(update(officer).where(officer.c.id == second)
                     .values(rank=rank, forename=forename, surname=surname))
        set_meta(conn, "org_version", "namesake")
        bump_version(conn)
    return first, second


def test_officers_who_share_a_name_are_kept_apart_by_their_keys(app, client, store):
    login(client, "inspector")
    scope = _department(store)
    first, second = _namesake(store, scope)
    officers = _officer_block(client, app, scope, 0, 500)["rowData"]
    twins = [r for r in officers if r["oic_id"] in (first, second)]
    assert len(twins) == 2 and twins[0]["oic"] == twins[1]["oic"]
    assert len({r["oic_key"] for r in officers}) == len(officers)
    # Clicking one of them filters the worklist to that officer's crimes only, under the name both share.
    resp = post(client, app, "da-grid.filterModel",
                {"da-officers.cellClicked": {"rowId": str(second), "colId": "oic"},
                 "da-grid-stamp.data": {"scope": scope}}, ["da-officers.cellClicked"])
    out = resp.get_json()["response"]
    model = out["da-grid"]["filterModel"]
    assert model == {"oic_key": {"filterType": "text", "type": "equals", "filter": str(second)}}
    assert out["da-filter-label"]["children"] == f"Showing investigations of {twins[0]['oic']}"
    assert out["da-kind-filter"]["data"] == {"oic_key": str(second)}
    rows, count = _all_rows(client, app, scope, filters=model)
    expected = next(r for r in twins if r["oic_id"] == second)["open"]
    assert count == len(rows) == expected > 0
    tasks = open_tasks(store, resolve_scope(store, actor_for(store, "inspector"), scope))
    assert {r["crime_ref"] for r in rows} == set(tasks.loc[tasks["oic_id"] == second, "crime_ref"])


def test_an_officer_key_from_outside_the_scope_filters_nothing_and_names_no_one(app, client, store):
    login(client, "sergeant")
    team = scope_choices(store, actor_for(store, "sergeant"))[0]["value"]
    inside = {r["oic_id"] for r in _officer_block(client, app, team, 0, 500)["rowData"]}
    with store.engine.connect() as conn:
        outsider = conn.execute(select(officer.c.id).where(officer.c.id.notin_(inside)).limit(1)).scalar()
    for key in (str(outsider), "'; drop table officer; --", 12345, None, "x" * 500):
        resp = post(client, app, "da-grid.filterModel",
                    {"da-officers.cellClicked": {"rowId": key, "colId": "oic"}, "da-grid-stamp.data": {"scope": team}},
                    ["da-officers.cellClicked"])
        assert resp.status_code == 204, (key, resp.status_code)


def test_an_officer_forging_a_colleagues_key_and_their_team_learns_nothing(app, client, store):
    login(client, "sergeant")
    team = scope_choices(store, actor_for(store, "sergeant"))[0]["value"]
    colleague = next(r for r in _officer_block(client, app, team, 0, 500)["rowData"]
                     if r["oic_id"] != actor_for(store, "officer").officer_id)
    login(client, "officer")
    for scope in (team, "mine"):
        resp = post(client, app, "da-grid.filterModel",
                    {"da-officers.cellClicked": {"rowId": colleague["oic_key"], "colId": "oic"},
                     "da-grid-stamp.data": {"scope": scope}}, ["da-officers.cellClicked"])
        # The team is not the officer's to read (403); their own list names no colleague (204).
        assert resp.status_code == (403 if scope == team else 204), (scope, resp.status_code)
        assert colleague["oic"].encode() not in resp.data

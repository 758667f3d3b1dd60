"""Scope and worklist reads on real SQLite and PostgreSQL."""

import pytest

from data_access.errors import AccessDenied
from data_access.scope import allowed_scopes, readable_team_ids, resolve_scope
from data_access.worklist import open_tasks, worklist_page, worklist_view
from scoring.categories import CATEGORY_IDS
from tests.helpers import actor_for, team_of


def test_officer_sees_only_own_investigations(store):
    actor = actor_for(store, "officer")
    scopes = allowed_scopes(store, actor)
    assert [s.value for s in scopes] == ["mine"]
    tasks = open_tasks(store, scopes[0])
    assert len(tasks) > 0
    assert set(tasks["oic_id"]) == {actor.officer_id}


def test_sergeant_defaults_to_team_without_collar_numbers(store):
    actor = actor_for(store, "sergeant")
    scope = resolve_scope(store, actor, None)
    assert scope.level == "team"
    tasks = open_tasks(store, scope)
    assert set(tasks["team_id"]) <= set(scope.team_ids)
    assert tasks["oic_id"].nunique() > 1


def test_inspector_has_department_strand_and_bcu(store):
    actor = actor_for(store, "inspector")
    levels = {s.level for s in allowed_scopes(store, actor)}
    assert {"department", "strand", "bcu", "team"} <= levels


def test_requested_scope_outside_actor_is_denied(store):
    officer = actor_for(store, "officer")
    other_team = team_of(store, actor_for(store, "officer2").officer_id)
    with pytest.raises(AccessDenied):
        resolve_scope(store, officer, f"team:{other_team}")
    sergeant = actor_for(store, "sergeant")
    with pytest.raises(AccessDenied):
        resolve_scope(store, sergeant, f"team:{other_team}")
    with pytest.raises(AccessDenied):
        resolve_scope(store, sergeant, "force:1")


def test_no_scope_means_no_rows(store):
    analyst = actor_for(store, "analyst")
    from dataclasses import replace

    orphan = replace(analyst, scope_unit_id=None, officer_id=None)
    assert allowed_scopes(store, orphan) == []
    assert readable_team_ids(store, orphan) == frozenset()
    view = worklist_view(store, orphan, None)
    assert view["total_rows"] == 0
    assert worklist_page(store, orphan, None, {"startRow": 0, "endRow": 100}) == {"rowData": [], "rowCount": 0}


def test_worklist_view_shapes(store):
    actor = actor_for(store, "sergeant")
    view = worklist_view(store, actor, None)
    assert [b["id"] for b in view["badges"]] == list(CATEGORY_IDS)
    assert sum(b["total"] for b in view["badges"]) >= view["total_rows"]
    assert view["bell"]["state"] in ("red", "amber", "grey")
    assert [f["horizon"] for f in view["forward"]] == [7, 14, 28, 90]
    assert view["data_as_of"]
    page = worklist_page(store, actor, None, {"startRow": 0, "endRow": 500})
    refs = [r["crime_ref"] for r in page["rowData"]]
    assert len(refs) == len(set(refs)) == min(500, view["total_rows"]) and page["rowCount"] == view["total_rows"]


def test_cache_is_keyed_by_scope(store):
    sergeant = actor_for(store, "sergeant")
    officer = actor_for(store, "officer")
    team_view = worklist_view(store, sergeant, None)
    mine_view = worklist_view(store, officer, None)
    assert team_view["total_rows"] > mine_view["total_rows"]
    assert worklist_view(store, officer, None)["total_rows"] == mine_view["total_rows"]


def test_a_block_is_served_when_the_shared_cache_dropped_the_frame(store, monkeypatch):
    # Redis drops a write on error and may evict: the grid's frame is then scored again, never None.
    actor = actor_for(store, "sergeant")
    real_put = store.cache.put

    def dropping_put(value, name, *args, **kwargs):
        if not name.startswith("worklist_"):
            real_put(value, name, *args, **kwargs)

    monkeypatch.setattr(store.cache, "put", dropping_put)
    total = worklist_view(store, actor, None)["total_rows"]
    page = worklist_page(store, actor, None, {"startRow": 0, "endRow": 500})
    assert page["rowCount"] == len(page["rowData"]) == total > 0

"""Demand and capacity reads and the daily snapshot, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select

from data_access.demand import demand_view, record_snapshot
from data_access.errors import AccessDenied
from data_access.schema import worklist_snapshot
from data_access.tasks import complete_task
from tests.helpers import actor_for, open_task_of, team_of


def _snapshot_rows(store, day, team_id, kind="all"):
    with store.engine.connect() as conn:
        return conn.execute(select(worklist_snapshot).where(
            (worklist_snapshot.c.snapshot_on == day) & (worklist_snapshot.c.team_id == team_id)
            & (worklist_snapshot.c.kind == kind))).mappings().all()


def test_snapshot_is_one_row_per_team_kind_day_and_rewritable(store):
    today = store.today()
    n1 = record_snapshot(store, today)
    n2 = record_snapshot(store, today)
    assert n1 == n2 > 0
    with store.engine.connect() as conn:
        dupes = conn.execute(select(func.count()).select_from(worklist_snapshot)
                             .where(worklist_snapshot.c.snapshot_on == today)).scalar_one()
    assert dupes == n1


def test_completing_an_overdue_review_lowers_todays_overdue_count(store):
    officer = actor_for(store, "officer")
    team = team_of(store, officer.officer_id)
    t = open_task_of(store, officer.officer_id, "supervisor_review")
    record_snapshot(store)
    before = _snapshot_rows(store, store.today(), team, "supervisor_review")[0]
    complete_task(store, actor_for(store, "sergeant"), t["id"], "review_done")
    record_snapshot(store)
    after = _snapshot_rows(store, store.today(), team, "supervisor_review")[0]
    was_overdue = t["due_date"] < store.today()
    assert after["overdue"] == before["overdue"] - (1 if was_overdue else 0)


def test_inspector_demand_view(store):
    inspector = actor_for(store, "inspector")
    view = demand_view(store, inspector, None)
    assert not view["empty"]
    cap = view["capacity"]
    assert len(cap) > 1
    assert (cap["open_crimes"] >= 0).all()
    assert "all_outstanding" in view["trend"].columns
    assert len(view["trend"]) >= 30  # six weeks of daily history
    assert view["data_as_of"]


def test_bcu_view_groups_by_department_and_finds_the_jump(store):
    leader = actor_for(store, "leader")
    view = demand_view(store, leader, None)
    assert view["level"] == "department"
    inspector = actor_for(store, "inspector")
    team_view = demand_view(store, inspector, None)
    jumped = set(team_view["jumps"]["unit_id"])
    assert team_of(store, actor_for(store, "officer2").officer_id) in jumped


def test_officer_has_no_demand_scope_and_cannot_forge_one(store):
    officer = actor_for(store, "officer")
    # Demand compares units: an officer is refused outright, whatever scope they name.
    for scope in (None, "mine", "force:1"):
        with pytest.raises(AccessDenied):
            demand_view(store, officer, scope)


def test_a_completion_leaves_the_demand_view_cached_until_the_next_snapshot(store, monkeypatch):
    import data_access.demand as demand
    from scoring.categories import COMPLETIONS

    inspector, officer = actor_for(store, "inspector"), actor_for(store, "officer")
    demand_view(store, inspector, None)
    computed = []
    real = demand._compute
    monkeypatch.setattr(demand, "_compute", lambda st, scope: computed.append(scope.value) or real(st, scope))
    t = open_task_of(store, officer.officer_id, "victim_contact")
    complete_task(store, officer, t["id"], COMPLETIONS[t["kind"]][0][0])
    demand_view(store, inspector, None)
    assert computed == []  # the snapshots it reads have not changed
    record_snapshot(store)
    demand_view(store, inspector, None)
    assert len(computed) == 1

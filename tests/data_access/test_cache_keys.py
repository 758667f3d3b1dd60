"""Each cached read is keyed by what it reads: a completion elsewhere leaves it cached, a relevant write does not."""

from datetime import datetime, timedelta

from sqlalchemy import select

from data_access import productivity, worklist
from data_access.actor import Actor
from data_access.errors import AccessDenied, BadRequest
from data_access.schema import officer, task
from data_access.schema_productivity import officer_activity
from data_access.scope import resolve_scope
from data_access.store import bump_officer_versions, bump_productivity_version, bump_team_versions
from data_access.tasks import complete_task
from scoring.categories import COMPLETIONS
from tests.helpers import actor_for, open_task_of


def _count_calls(monkeypatch, module, name) -> list:
    calls = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _complete_one(store, where) -> dict:
    """Complete the first open task matching where that its officer in charge may complete now."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(task).where(task.c.status == "open", task.c.oic_id.isnot(None), where)
                            .order_by(task.c.due_date.asc().nulls_last(), task.c.id).limit(200)).mappings().all()
    for t in rows:
        oic = Actor(user_id=0, username=f"oic-{t['oic_id']}", role="officer", officer_id=int(t["oic_id"]),
                    scope_unit_id=None)
        for action, _label in COMPLETIONS.get(t["kind"], []):
            try:
                if complete_task(store, oic, t["id"], action)["status"] == "done":
                    return dict(t)
            except (AccessDenied, BadRequest):
                continue
    raise AssertionError("no task its officer in charge could complete")


def _teams(store, username, level) -> list[int]:
    """Teams of the account's first scope at this level (the demo force has one BCU: elsewhere is another team)."""
    actor = actor_for(store, username)
    value = next(s["value"] for s in worklist.scope_choices(store, actor) if s["value"].startswith(level))
    return sorted(int(t) for t in resolve_scope(store, actor, value).team_ids)


def test_an_officers_own_list_stays_cached_after_a_completion_elsewhere_and_not_after_their_own(store, monkeypatch):
    me = actor_for(store, "officer")
    calls = _count_calls(monkeypatch, worklist, "_summarise")
    before = worklist.worklist_view(store, me, "mine")
    assert len(calls) == 1
    _complete_one(store, task.c.team_id.not_in(_teams(store, "sergeant", "team")) & (task.c.oic_id != me.officer_id))
    # The same cached summary (only the "data as of" time moved on).
    assert worklist.worklist_view(store, me, "mine") | {"data_as_of": None} == before | {"data_as_of": None}
    assert len(calls) == 1
    _complete_one(store, task.c.oic_id == me.officer_id)
    after = worklist.worklist_view(store, me, "mine")
    assert len(calls) == 2
    store.cache.clear()  # what a reader with nothing cached sees: the same
    assert worklist.worklist_view(store, me, "mine") == after


def test_the_bell_stays_cached_after_a_completion_elsewhere_and_not_after_a_task_of_the_reader(store, monkeypatch):
    me = actor_for(store, "officer")
    calls = _count_calls(monkeypatch, worklist, "_summarise")
    before = worklist.bell_view(store, me)
    assert len(calls) == 1
    _complete_one(store, task.c.team_id.not_in(_teams(store, "sergeant", "team")) & (task.c.oic_id != me.officer_id))
    assert worklist.bell_view(store, me) == before
    assert len(calls) == 1
    # A task the officer is in charge of, sitting in a team that is not their own, still reaches their bell.
    t = open_task_of(store, me.officer_id)
    with store.engine.connect() as conn:
        other_team = conn.execute(select(officer.c.team_id).where(officer.c.team_id != t["team_id"],
                                                                  officer.c.team_id.isnot(None)).limit(1)).scalar()
    with store.engine.begin() as conn:
        conn.execute(task.update().where(task.c.id == t["id"]).values(team_id=other_team))
        bump_team_versions(conn, [t["team_id"], other_team])
        bump_officer_versions(conn, [me.officer_id])
    worklist.bell_view(store, me)
    assert len(calls) == 2
    _complete_one(store, task.c.id == t["id"])
    after = worklist.bell_view(store, me)
    assert len(calls) == 3
    store.cache.clear()
    assert worklist.bell_view(store, me) == after


def test_bcu_productivity_stays_cached_after_completions_and_not_after_new_activity(store, monkeypatch):
    leader = actor_for(store, "leader")
    bcu = next(s["value"] for s in worklist.scope_choices(store, leader) if s["value"].startswith("bcu"))
    daily = _count_calls(monkeypatch, productivity, "_compute_daily")
    avail = _count_calls(monkeypatch, productivity, "_compute_availability")
    before = productivity.team_view(store, leader, bcu)
    assert (len(daily), len(avail)) == (1, 1)
    teams = _teams(store, "sergeant", "team")
    _complete_one(store, task.c.team_id.not_in(teams))
    _complete_one(store, task.c.team_id.in_(teams))  # completions change no productivity input, even in the BCU
    assert productivity.team_view(store, leader, bcu)["rows"] == before["rows"]
    assert (len(daily), len(avail)) == (1, 1)
    # A stop and search recorded yesterday by the first officer of the view is counted on the next read.
    row = before["rows"][0]
    with store.engine.begin() as conn:
        force_id = conn.execute(select(officer.c.force_id).where(officer.c.id == row["officer_id"])).scalar_one()
        conn.execute(officer_activity.insert().values(
            officer_id=row["officer_id"], kind="stop_search", force_id=force_id,
            occurred_at=datetime.combine(store.today() - timedelta(days=1), datetime.min.time()) + timedelta(hours=12)))
        bump_productivity_version(conn)
    after = productivity.team_view(store, leader, bcu)
    assert (len(daily), len(avail)) == (2, 2)
    mine = next(r for r in after["rows"] if r["officer_id"] == row["officer_id"])
    assert mine["stop_search"] == row["stop_search"] + 1

"""Usage and adoption reads on SQLite and PostgreSQL: scoped to the reader, counts by team only."""

from datetime import datetime, timedelta

import pytest

from data_access.errors import AccessDenied
from data_access.schema import audit_log
from data_access.tasks import complete_task
from data_access.usage import usage_view
from tests.helpers import actor_for, open_task_of


def _sign_in(store, actor, at: datetime) -> None:
    # Sign-ins are stamped with the wall clock; the test force's today is pinned, so the rows are written as of it.
    with store.engine.begin() as conn:
        conn.execute(audit_log.insert().values(at=at, user_id=actor.user_id, username=actor.username, action="login",
                                               object_type="session", object_id=actor.username))


def _week(view, week) -> tuple[int, int]:
    signed = view["sign_ins"]
    rows = signed[signed["week_start"] == week]
    return int(rows["sign_ins"].sum()), int(rows["people"].sum())


def test_sign_ins_and_a_beacon_completion_reach_the_readers_team_totals(store):
    inspector, officer, sergeant = (actor_for(store, u) for u in ("inspector", "officer", "sergeant"))
    today = datetime.combine(store.today(), datetime.min.time())
    with store.engine.begin() as conn:  # the demo's own sign-in history for this officer, so theirs are counted alone
        conn.execute(audit_log.delete().where(audit_log.c.user_id == officer.user_id))
    first = usage_view(store, inspector, None)
    _sign_in(store, officer, today + timedelta(hours=8))
    _sign_in(store, officer, today + timedelta(hours=9))
    _sign_in(store, sergeant, today - timedelta(days=100))  # before the twelve weeks shown
    before = usage_view(store, inspector, None)
    t = open_task_of(store, officer.officer_id, "supervisor_review")
    complete_task(store, sergeant, t["id"], "review_done")
    view = usage_view(store, inspector, None)
    assert not view["empty"] and view["data_as_of"] and len(view["weeks"]) == 12
    this_week = view["weeks"][-1]
    (n_before, people_before), (n_after, people_after) = _week(first, this_week), _week(view, this_week)
    assert n_after - n_before == 2 and people_after - people_before == 1
    assert view["sign_ins"]["sign_ins"].sum() - first["sign_ins"]["sign_ins"].sum() == 2

    def in_beacon(v):
        c = v["cleared"]
        return int(c[(c["week_start"] == this_week) & (c["kind"] == "supervisor_review")]["in_beacon"].sum())

    assert in_beacon(view) == in_beacon(before) + 1
    assert set(view["cleared"].columns) >= {"team_name", "kind_label", "cleared", "share_on_time", "median_days"}
    # Only counts by team: no user, officer or crime leaves the read.
    columns = set(view["cleared"].columns) | set(view["sign_ins"].columns)
    assert not {"user_id", "officer_id", "completed_by", "crime_ref"} & columns


def test_usage_is_for_inspectors_and_above_and_stays_in_the_readers_scope(store):
    for username in ("officer", "sergeant", "analyst", "staff"):
        with pytest.raises(AccessDenied):
            usage_view(store, actor_for(store, username), None)
    inspector = actor_for(store, "inspector")
    with pytest.raises(AccessDenied):
        usage_view(store, inspector, "force:999999")
    assert not usage_view(store, actor_for(store, "leader"), None)["empty"]
    assert not usage_view(store, actor_for(store, "admin"), None)["empty"]


def test_the_demo_force_has_sign_ins_per_team_in_every_week_shown(store):
    """The generator writes the demo's sign-in history through the sign-in's own audit row."""
    view = usage_view(store, actor_for(store, "leader"), None)
    signed = view["sign_ins"]
    per_week = signed.groupby("week_start")["sign_ins"].sum()
    assert signed["team_name"].nunique() > 5
    assert all(per_week.get(week, 0) > 0 for week in view["weeks"])

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


def test_sign_ins_and_a_beacon_completion_reach_the_readers_team_totals(store):
    inspector, officer, sergeant = (actor_for(store, u) for u in ("inspector", "officer", "sergeant"))
    today = datetime.combine(store.today(), datetime.min.time())
    _sign_in(store, officer, today + timedelta(hours=8))
    _sign_in(store, officer, today + timedelta(hours=9))
    _sign_in(store, sergeant, today - timedelta(days=100))  # before the twelve weeks shown
    before = usage_view(store, inspector, None)
    t = open_task_of(store, officer.officer_id, "supervisor_review")
    complete_task(store, sergeant, t["id"], "review_done")
    view = usage_view(store, inspector, None)
    assert not view["empty"] and view["data_as_of"] and len(view["weeks"]) == 12
    this_week = view["weeks"][-1]
    signed = view["sign_ins"]
    week = signed[signed["week_start"] == this_week]
    assert week["sign_ins"].sum() == 2 and week["people"].sum() == 1
    assert signed["sign_ins"].sum() == 2

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

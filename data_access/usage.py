"""Usage and adoption reads: sign-ins from the audit log and completed tasks, as team totals in the reader's scope."""

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import and_, select

from data_access.actor import Actor
from data_access.org import load_tree
from data_access.permissions import require
from data_access.schema import audit_log, officer, task, user_account
from data_access.scope import resolve_scope
from scoring import usage as us

# Twelve weeks: a quarter, enough to see a team take Beacon up or drop it.
USAGE_WEEKS = 12


def _posting_units(tree, team_ids: frozenset) -> set[int]:
    """The scope's teams, and the departments and BCUs wholly inside it, where inspectors and leaders are posted."""
    units = set(int(t) for t in team_ids)
    for unit_id, kind in tree.units["kind"].items():
        if kind != "team":
            under = tree.teams_under(unit_id)
            if under and under <= team_ids:
                units.add(int(unit_id))
    return units


def _logins(conn, unit_ids: list[int], since: datetime) -> pd.DataFrame:
    # A sign-in belongs to the unit the person is posted to now; accounts with no officer (administrators) have none.
    rows = conn.execute(
        select(audit_log.c.at, audit_log.c.user_id, officer.c.team_id)
        .select_from(audit_log.join(user_account, user_account.c.id == audit_log.c.user_id)
                     .join(officer, officer.c.id == user_account.c.officer_id))
        .where(and_(audit_log.c.action == "login", audit_log.c.at >= since, officer.c.team_id.in_(unit_ids)))
    ).all()
    return pd.DataFrame(rows, columns=["at", "user_id", "team_id"])


def _done(conn, team_ids: list[int], since: datetime) -> pd.DataFrame:
    rows = conn.execute(
        select(task.c.completed_at, task.c.due_date, task.c.kind, task.c.team_id, task.c.completed_in)
        .where(and_(task.c.status == "done", task.c.completed_at >= since, task.c.team_id.in_(team_ids)))
    ).all()
    return pd.DataFrame(rows, columns=["completed_at", "due_date", "kind", "team_id", "completed_in"])


def usage_view(store, actor: Actor, requested_scope: str | None) -> dict:
    """Sign-ins per team and week, tasks cleared per team, week and kind, and timeliness, in the reader's scope.

    Only counts by team leave this function, never who signed in or who completed what, so it reads no
    person's data and writes no audit row of its own.
    """
    require(actor, "usage.read", reason="usage and adoption is for inspectors and above")
    scope = resolve_scope(store, actor, requested_scope)
    if scope.empty or scope.level == "mine":
        return {"empty": True, "scope_label": scope.label, "data_as_of": store.data_as_of()}
    weeks = us.week_starts(store.today(), USAGE_WEEKS)
    since = datetime.combine(weeks[0], datetime.min.time())
    teams = sorted(int(t) for t in scope.team_ids)
    tree = load_tree(store)
    with store.engine.connect() as conn:
        logins = _logins(conn, sorted(_posting_units(tree, scope.team_ids)), since)
        done = _done(conn, teams, since)
    names = tree.units["name"].to_dict()
    logins["team_name"] = logins["team_id"].map(names)
    done["team_name"] = done["team_id"].map(names)
    return {"empty": False, "scope_label": scope.label, "weeks": weeks,
            "sign_ins": us.sign_ins_by_week(logins, weeks),
            "cleared": us.cleared_by_week(done, weeks),
            "timeliness": us.timeliness_by_week(done, weeks),
            "window_end": weeks[-1] + timedelta(days=6),
            "data_as_of": store.data_as_of()}

"""The monthly pack's own-force figures: backlog, demand and overdue tasks month on month, and the FSU counts."""

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import and_, or_, select

from data_access.actor import Actor
from data_access.errors import AccessDenied
from data_access.fsu import summary_counts
from data_access.org import load_tree
from data_access.permissions import require, role_allows
from data_access.schema import crime, task
from data_access.scope import resolve_scope
from data_access.strategic import strategic_settings
from scoring import trends

MEASURES = ("open_crimes", "new_crimes", "open_tasks")


def _crimes(conn, teams: list[int], first, last) -> pd.DataFrame:
    # Only crimes that could be open or new in the window: still open, closed on or after its first day, or
    # recorded in it (a finalised crime may have no outcome date).
    rows = conn.execute(select(crime.c.team_id, crime.c.recorded_at, crime.c.status, crime.c.outcome_date)
                        .where(and_(crime.c.team_id.in_(teams), crime.c.recorded_at < last,
                                    or_(crime.c.status == "open", crime.c.outcome_date >= first.date(),
                                        crime.c.recorded_at >= first)))).all()
    frame = pd.DataFrame(rows, columns=["team_id", "recorded_at", "status", "outcome_date"])
    # A finalised crime is closed on its outcome date; one without a date counts as closed when recorded.
    frame["closed_on"] = frame["outcome_date"].where(frame["status"] != "open", None)
    frame.loc[(frame["status"] != "open") & frame["outcome_date"].isna(), "closed_on"] = frame["recorded_at"]
    return frame


def _tasks(conn, teams: list[int], first, last) -> pd.DataFrame:
    rows = conn.execute(select(task.c.team_id, task.c.kind, task.c.created_at, task.c.due_date, task.c.completed_at)
                        .where(and_(task.c.team_id.in_(teams), task.c.created_at < last,
                                    or_(task.c.completed_at.is_(None), task.c.completed_at >= first)))).all()
    return pd.DataFrame(rows, columns=["team_id", "kind", "created_at", "due_date", "completed_at"])


def _compute(store, team_ids: frozenset, months: list) -> dict:
    """The workload figures of these teams over these months (cached by the caller)."""
    teams = sorted(int(t) for t in team_ids)
    first = datetime.combine(months[0][1], datetime.min.time())
    last = datetime.combine(months[-1][2], datetime.min.time()) + timedelta(days=1)
    with store.engine.connect() as conn:
        crimes, tasks = _crimes(conn, teams, first, last), _tasks(conn, teams, first, last)
    readings = [m[2] for m in months]
    labels = [m[0] for m in months]
    per_team = {
        "open_crimes": trends.at_points(trends.open_by_day(crimes, "recorded_at", "closed_on", readings, "team_id"),
                                        months),
        "new_crimes": trends.new_by_month(crimes, "recorded_at", months, "team_id").rename(columns={"team_id": "key"}),
        "open_tasks": trends.at_points(trends.open_by_day(tasks, "created_at", "completed_at", readings, "team_id"),
                                       months),
    }
    # The task rows answer for every past day, so overdue work is rebuilt for every kind without a daily
    # snapshot: a snapshot only starts counting on the day it is added (and kept only reviews and victim
    # contacts), while each task's created, due and completed dates say when it was overdue. What this
    # cannot see are tasks withdrawn since (a crime finalised with deadlines unmet drops them).
    overdue = trends.at_points(trends.overdue_by_day(tasks, readings), months)
    tree = load_tree(store)
    units = tree.units
    unit_rows = pd.DataFrame({"team_id": teams})
    unit_rows["team"] = unit_rows["team_id"].map(units["name"])
    unit_rows["department_id"] = unit_rows["team_id"].map(units["department_id"])
    unit_rows["department"] = unit_rows["department_id"].map(lambda d: units["name"].get(d, "No department"))
    by_team, by_department = {}, {}
    for measure, table in per_team.items():
        full = unit_rows.merge(table.rename(columns={"key": "team_id"}), on="team_id", how="left")
        full[labels] = full[labels].fillna(0).astype(int)
        by_team[measure] = full.sort_values(["department", "team"], kind="stable")[["team", "department", *labels]]
        by_department[measure] = (full.groupby("department", as_index=False, sort=True)[labels].sum())
    return {"months": labels, "readings": readings, "by_team": by_team, "by_department": by_department,
            "overdue": overdue.rename(columns={"key": "kind"})}


def workload_figures(store, actor: Actor) -> dict:
    """Backlog and demand by team and department, and overdue tasks by kind, over the pack's months, in scope.

    Only counts by team leave this function, so it reads no person's data and writes no audit row.
    """
    require(actor, "demand.read", reason="demand and backlog are for supervisors and above")
    scope = resolve_scope(store, actor, None)
    if scope.empty or scope.level == "mine":
        return {"empty": True, "scope_label": scope.label, "data_as_of": store.data_as_of()}
    months = trends.month_points(store.today(), strategic_settings(store).pack_months)
    result = store.cache.get_or_compute("pack_workload", store.data_version(), scope.key,
                                        lambda: _compute(store, scope.team_ids, months), store.today(),
                                        len(months))
    return result | {"empty": False, "scope_label": scope.label, "data_as_of": store.data_as_of()}


def fsu_figures(store, actor: Actor) -> dict:
    """The FSU counts for a reader holding the permission; for anyone else, only that they are not included."""
    if not role_allows(actor, "fsu.read"):
        return {"included": False}
    try:
        counts = summary_counts(store, actor, strategic_settings(store).pack_fsu_rank_bands)
    except AccessDenied:  # the permission, but no force to read it for
        return {"included": False}
    return {"included": True, **counts}

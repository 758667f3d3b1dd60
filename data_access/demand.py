"""Demand and capacity reads, and the daily snapshot of what each team owes."""

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError

from data_access.actor import Actor
from data_access.permissions import require
from data_access.clock import now_local
from data_access.db import set_meta
from data_access.org import load_tree
from data_access.meta_memo import meta_values
from data_access.schema import crime, leave, meta, officer, task, worklist_snapshot
from data_access.scope import Scope, resolve_scope
from scoring import demand as dm
from scoring.worklist import ERROR_KINDS

SNAPSHOT_KINDS = ("supervisor_review", "victim_contact")
# Today's snapshot is rewritten after writes, but no more often than this: it scans every open task.
SNAPSHOT_REFRESH = timedelta(minutes=10)
TREND_DAYS = 42
# Absences that take an officer out of investigative capacity; restricted duties still investigate.
ABSENT_KINDS = ("annual", "sick", "maternity", "other")


def record_snapshot(store, day: date | None = None) -> int:
    """Write (or rewrite) one day's outstanding and overdue counts per team; returns rows written."""
    day = day or store.today()
    # Undated errors (CDI, detection mismatch, failed to surrender) are overdue, as on the badges and bell.
    overdue = func.sum(case((task.c.due_date < day, 1),
                            (and_(task.c.due_date.is_(None), task.c.kind.in_(sorted(ERROR_KINDS))), 1), else_=0))
    with store.engine.begin() as conn:
        by_kind = conn.execute(select(task.c.team_id, task.c.kind, func.count(), overdue)
                               .where(task.c.status == "open")
                               .group_by(task.c.team_id, task.c.kind)).all()
        open_crimes = dict(conn.execute(select(crime.c.team_id, func.count())
                                        .where(crime.c.status == "open").group_by(crime.c.team_id)).all())
        start = pd.Timestamp(day).to_pydatetime()
        new_crimes = dict(conn.execute(select(crime.c.team_id, func.count())
                                       .where(and_(crime.c.recorded_at >= start,
                                                   crime.c.recorded_at < start + timedelta(days=1)))
                                       .group_by(crime.c.team_id)).all())
        available = _available_by_team(conn, day)
        frame = pd.DataFrame(by_kind, columns=["team_id", "kind", "outstanding", "overdue"])
        totals = frame.groupby("team_id", as_index=False)[["outstanding", "overdue"]].sum()
        totals["kind"] = "all"
        frame = pd.concat([totals, frame[frame["kind"].isin(SNAPSHOT_KINDS)]], ignore_index=True)
        teams = set(frame["team_id"]) | set(open_crimes) | set(available)
        missing = pd.DataFrame([{"team_id": t, "kind": "all", "outstanding": 0, "overdue": 0}
                                for t in teams - set(totals["team_id"])],
                               columns=["team_id", "kind", "outstanding", "overdue"])
        frame = pd.concat([frame, missing], ignore_index=True)
        rows = [
            {"snapshot_on": day, "team_id": int(r.team_id), "kind": r.kind, "outstanding": int(r.outstanding),
             "overdue": int(r.overdue or 0),
             "open_crimes": int(open_crimes.get(r.team_id, 0)) if r.kind == "all" else 0,
             "new_crimes": int(new_crimes.get(r.team_id, 0)) if r.kind == "all" else 0,
             "available_officers": int(available.get(r.team_id, 0)) if r.kind == "all" else 0}
            for r in frame.itertuples()
        ]
        conn.execute(worklist_snapshot.delete().where(worklist_snapshot.c.snapshot_on == day))
        if rows:
            conn.execute(worklist_snapshot.insert(), rows)
        _complete_yesterday(conn, day)
        set_meta(conn, "snapshot_version", f"{day.isoformat()}@{_version(conn)}")
        set_meta(conn, "snapshot_at", now_local().isoformat(timespec="seconds"))
    return len(rows)


def _complete_yesterday(conn, day: date) -> None:
    """Yesterday's row was taken before its day ended: fill in its final count of new crimes."""
    start = pd.Timestamp(day - timedelta(days=1)).to_pydatetime()
    counts = conn.execute(select(crime.c.team_id, func.count())
                          .where(and_(crime.c.recorded_at >= start, crime.c.recorded_at < start + timedelta(days=1)))
                          .group_by(crime.c.team_id)).all()
    for team_id, n in counts:
        conn.execute(worklist_snapshot.update().where(and_(
            worklist_snapshot.c.snapshot_on == day - timedelta(days=1), worklist_snapshot.c.team_id == team_id,
            worklist_snapshot.c.kind == "all")).values(new_crimes=n))


def _version(conn) -> str:
    row = conn.execute(select(meta.c.value).where(meta.c.key == "data_version")).first()
    return row[0] if row else "0"


def _available_by_team(conn, day: date) -> dict:
    """Warranted officers per team who are not absent on day."""
    absent = select(leave.c.officer_id).where(and_(leave.c.starts_on <= day, leave.c.ends_on >= day,
                                                   leave.c.kind.in_(ABSENT_KINDS)))
    rows = conn.execute(select(officer.c.team_id, func.count())
                        .where(and_(officer.c.is_staff.is_(False), officer.c.id.not_in(absent)))
                        .group_by(officer.c.team_id)).all()
    return dict(rows)


def ensure_snapshot(store) -> None:
    """Take today's snapshot if there is none, and refresh it at most every SNAPSHOT_REFRESH when data changed."""
    today = store.today()
    with store.engine.connect() as conn:
        taken = conn.execute(select(meta.c.value).where(meta.c.key == "snapshot_version")).scalar()
        taken_at = conn.execute(select(meta.c.value).where(meta.c.key == "snapshot_at")).scalar()
        current = f"{today.isoformat()}@{_version(conn)}"
    if taken == current:
        return
    fresh = taken_at and now_local() - datetime.fromisoformat(taken_at) < SNAPSHOT_REFRESH
    if taken and taken.startswith(today.isoformat()) and fresh:
        return
    try:
        record_snapshot(store, today)
    except IntegrityError:
        # Another worker wrote the same day's snapshot at the same moment; theirs is as good.
        pass


def _group_level(scope: Scope) -> str:
    return {"mine": "team", "team": "team", "department": "team", "strand": "department",
            "bcu": "department", "force": "bcu"}.get(scope.level, "team")


def _compute(store, scope: Scope) -> dict:
    tree = load_tree(store)
    today = store.today()
    teams = sorted(int(t) for t in scope.team_ids)
    level = _group_level(scope)
    since = today - timedelta(days=TREND_DAYS)
    with store.engine.connect() as conn:
        snaps = pd.DataFrame(conn.execute(
            select(worklist_snapshot.c.snapshot_on, worklist_snapshot.c.team_id, worklist_snapshot.c.kind,
                   worklist_snapshot.c.outstanding, worklist_snapshot.c.overdue,
                   worklist_snapshot.c.open_crimes, worklist_snapshot.c.new_crimes,
                   worklist_snapshot.c.available_officers)
            .where(and_(worklist_snapshot.c.team_id.in_(teams), worklist_snapshot.c.snapshot_on >= since))
        ).all(), columns=["snapshot_on", "team_id", "kind", "outstanding", "overdue", "open_crimes",
                          "new_crimes", "available_officers"])
    snaps["snapshot_on"] = pd.to_datetime(snaps["snapshot_on"])
    unit_col = {"team": None, "department": "department_id", "bcu": "bcu_id"}[level]
    names = tree.units["name"].to_dict()
    snaps["unit_id"] = snaps["team_id"] if unit_col is None else snaps["team_id"].map(tree.units[unit_col])
    latest = snaps[(snaps["kind"] == "all") & (snaps["snapshot_on"] == pd.Timestamp(today))]
    per_unit = latest.groupby("unit_id", as_index=False)[["open_crimes", "available_officers"]].sum()
    per_unit["unit_name"] = per_unit["unit_id"].map(names)
    capacity = dm.capacity_table(per_unit[["unit_id", "unit_name", "open_crimes"]],
                                 per_unit[["unit_id", "available_officers"]])
    trend = snaps.pivot_table(index="snapshot_on", columns="kind", values=["outstanding", "overdue"],
                              aggfunc="sum", fill_value=0)
    trend.columns = [f"{kind}_{measure}" for measure, kind in trend.columns]
    trend = trend.sort_index().reset_index()
    weekly = snaps[snaps["kind"] == "all"].copy()
    weekly["week_start"] = weekly["snapshot_on"] - pd.to_timedelta(weekly["snapshot_on"].dt.weekday, unit="D")
    weekly = weekly.groupby(["team_id", "week_start"], as_index=False)["new_crimes"].sum() \
        .rename(columns={"team_id": "unit_id"})
    jumps = dm.demand_jumps(weekly, store.settings, today=today)
    jumps["unit_name"] = jumps["unit_id"].map(names)
    return {"level": level, "capacity": capacity, "trend": trend, "jumps": jumps,
            "today": today.isoformat()}


def _demand_version(store) -> str:
    # The view reads only the snapshots and the organisation, so a write elsewhere (a completed task, an
    # import) does not make it stale; a new or rewritten snapshot, or a changed organisation, does.
    rows = meta_values(store.engine)
    return (f"{rows.get('snapshot_version')}|{rows.get('snapshot_at')}|"
            f"{rows.get('org_version') or rows.get('data_version')}")


def demand_view(store, actor: Actor, requested_scope: str | None) -> dict:
    """Open investigations per available officer, backlog trend and demand jumps in scope."""
    require(actor, "demand.read", reason="demand and capacity is for supervisors and above")
    scope = resolve_scope(store, actor, requested_scope)
    if scope.empty or scope.level == "mine":
        return {"empty": True, "scope_label": scope.label, "data_as_of": store.data_as_of()}
    ensure_snapshot(store)
    result = store.cache.get_or_compute("demand", _demand_version(store), scope.key,
                                        lambda: _compute(store, scope), store.today(), store.settings)
    return result | {"empty": False, "scope_label": scope.label, "scope_value": scope.value,
                     "data_as_of": store.data_as_of()}

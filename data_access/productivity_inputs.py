"""Raw reads behind productivity and availability, for a set of officers (None: the whole force)."""

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import String, and_, or_, select, type_coerce

from data_access.schema import crime, custody, deployment, incident, leave, officer, shift, training
from data_access.schema_productivity import (
    core_skill,
    duty_restriction,
    officer_activity,
    psd_matter,
    team_establishment,
)

OFFICER_COLUMNS = ["id", "collar", "forename", "surname", "rank", "is_staff", "team_id", "line_manager_id",
                   "is_student", "tutor_id", "start_date", "weekly_hours"]
# Most ids in one IN list: well inside SQLite's and PostgreSQL's parameter limits.
CHUNK = 900


def _raw(col):
    """Read a date/time column as it is stored; pandas parses whole columns far faster than per row."""
    return type_coerce(col, String).label(col.name)


def _frame(conn, stmt, columns) -> pd.DataFrame:
    rows = conn.execute(stmt).all()
    data = list(zip(*rows)) if rows else [[] for _ in columns]
    return pd.DataFrame(dict(zip(columns, data)), columns=columns)


def _by_ids(conn, build, col, ids, columns) -> pd.DataFrame:
    """Run build(condition) for every chunk of ids (or once, unfiltered, when ids is None)."""
    if ids is None:
        return _frame(conn, build(None), columns)
    ids = sorted({int(i) for i in ids})
    if not ids:
        return pd.DataFrame(columns=columns)
    parts = [_frame(conn, build(col.in_(ids[i:i + CHUNK])), columns) for i in range(0, len(ids), CHUNK)]
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _where(stmt, *conds):
    conds = [c for c in conds if c is not None]
    return stmt.where(and_(*conds)) if conds else stmt


def officers(conn, team_ids=None, officer_ids=None) -> pd.DataFrame:
    """Officer rows for teams or ids (both None: everyone)."""
    cols = [officer.c[c] for c in OFFICER_COLUMNS]
    cond = None
    if team_ids is not None:
        cond = officer.c.team_id.in_(sorted(int(t) for t in team_ids)) if team_ids else officer.c.id < 0
    if officer_ids is not None:
        ids = sorted({int(i) for i in officer_ids})
        cond = officer.c.id.in_(ids) if ids else officer.c.id < 0
    df = _frame(conn, _where(select(*cols), cond).order_by(officer.c.surname, officer.c.forename, officer.c.id),
                OFFICER_COLUMNS)
    df["start_date"] = pd.to_datetime(df["start_date"], format="ISO8601").dt.date
    df["is_staff"] = df["is_staff"].astype(bool)
    df["is_student"] = df["is_student"].astype(bool)
    return df


def students(conn) -> pd.DataFrame:
    """Every student officer with a tutor: id, is_student and tutor_id."""
    rows = conn.execute(select(officer.c.id, officer.c.is_student, officer.c.tutor_id).where(
        officer.c.is_student.is_(True), officer.c.tutor_id.isnot(None))).all()
    return pd.DataFrame(rows, columns=["id", "is_student", "tutor_id"])


def availability_inputs(conn, ids, team_ids, today: date, window_days: int) -> dict:
    """Shifts, leave, restrictions, training, PSD matters, core skills and team vacancy rates."""
    start = datetime.combine(today - timedelta(days=window_days + 1), datetime.min.time())
    shifts = _by_ids(conn, lambda c: _where(
        select(shift.c.officer_id, _raw(shift.c.starts_at), _raw(shift.c.ends_at), shift.c.attended),
        c, shift.c.starts_at >= start), shift.c.officer_id, ids, ["officer_id", "starts_at", "ends_at", "attended"])
    shifts["attended"] = shifts["attended"].map(lambda a: None if a is None or pd.isna(a) else bool(a))
    lv = _by_ids(conn, lambda c: _where(select(leave.c.officer_id, leave.c.kind, _raw(leave.c.starts_on),
                                               _raw(leave.c.ends_on)), c),
                 leave.c.officer_id, ids, ["officer_id", "kind", "starts_on", "ends_on"])
    dr = _by_ids(conn, lambda c: _where(select(duty_restriction.c.officer_id, duty_restriction.c.kind,
                                               _raw(duty_restriction.c.starts_on), _raw(duty_restriction.c.ends_on)), c),
                 duty_restriction.c.officer_id, ids, ["officer_id", "kind", "starts_on", "ends_on"])
    restrictions = pd.concat([lv[lv["kind"] == "restricted"], dr], ignore_index=True)
    tr = _by_ids(conn, lambda c: _where(select(training.c.officer_id, training.c.critical,
                                               _raw(training.c.expires_on)), c),
                 training.c.officer_id, ids, ["officer_id", "critical", "expires_on"])
    psd = _by_ids(conn, lambda c: _where(select(psd_matter.c.officer_id, _raw(psd_matter.c.opened_on),
                                                _raw(psd_matter.c.closed_on)), c),
                  psd_matter.c.officer_id, ids, ["officer_id", "opened_on", "closed_on"])
    skills = _by_ids(conn, lambda c: _where(select(core_skill.c.officer_id, core_skill.c.skill,
                                                   _raw(core_skill.c.expires_on)), c),
                     core_skill.c.officer_id, ids, ["officer_id", "skill", "expires_on"])
    return {"shifts": shifts, "leave": lv, "restrictions": restrictions, "training": tr, "psd": psd,
            "skills": skills, "vacancy": vacancy_rates(conn, team_ids, today)}


def vacancy_rates(conn, team_ids, today: date) -> dict:
    """Team id -> share of funded posts not filled by a warranted officer (0 when over-established)."""
    cond = None if team_ids is None else team_establishment.c.team_id.in_(sorted(int(t) for t in team_ids) or [-1])
    est = _frame(conn, _where(select(team_establishment.c.team_id, team_establishment.c.posts,
                                     _raw(team_establishment.c.from_date)), cond,
                              team_establishment.c.from_date <= today), ["team_id", "posts", "from_date"])
    if est.empty:
        return {}
    est = est.sort_values("from_date").groupby("team_id")["posts"].last()
    cond = None if team_ids is None else officer.c.team_id.in_(sorted(int(t) for t in team_ids) or [-1])
    strength = _frame(conn, _where(select(officer.c.team_id), cond, officer.c.is_staff.is_(False)), ["team_id"])
    counts = strength.groupby("team_id").size().reindex(est.index).fillna(0)
    rate = ((est - counts) / est.where(est > 0)).clip(lower=0).fillna(0)
    return {int(k): float(v) for k, v in rate.items()}


def activity_inputs(conn, ids, start: date) -> dict:
    """Deployments (with grade), arrests, stop and search / use of force / PIRs, and outcomes since start."""
    since = datetime.combine(start, datetime.min.time())
    dep = _by_ids(conn, lambda c: _where(
        select(deployment.c.officer_id, incident.c.grade, _raw(deployment.c.assigned_at),
               _raw(deployment.c.arrived_at), _raw(deployment.c.released_at))
        .select_from(deployment.join(incident, incident.c.id == deployment.c.incident_id)),
        c, deployment.c.arrived_at >= since),
        deployment.c.officer_id, ids, ["officer_id", "grade", "assigned_at", "arrived_at", "released_at"])
    arrests = _by_ids(conn, lambda c: _where(select(custody.c.arresting_officer_id, _raw(custody.c.arrived_at)),
                                             c, custody.c.arrived_at >= since,
                                             custody.c.arresting_officer_id.isnot(None)),
                      custody.c.arresting_officer_id, ids, ["officer_id", "arrived_at"])
    act = _by_ids(conn, lambda c: _where(select(officer_activity.c.officer_id, officer_activity.c.kind,
                                                _raw(officer_activity.c.occurred_at)),
                                         c, officer_activity.c.occurred_at >= since),
                  officer_activity.c.officer_id, ids, ["officer_id", "kind", "occurred_at"])
    outcomes = _by_ids(conn, lambda c: _where(select(crime.c.oic_id, crime.c.outcome_code, _raw(crime.c.outcome_date)),
                                              c, crime.c.outcome_date >= start, crime.c.oic_id.isnot(None),
                                              or_(crime.c.outcome_code != 0)),
                       crime.c.oic_id, ids, ["oic_id", "outcome_code", "outcome_date"])
    return {"deployments": dep, "arrests": arrests, "activity": act, "outcomes": outcomes}

"""Generator step: 12 months of officer activity, restrictions, PSD matters, core skills and establishment."""

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import select

from demo.extract import load_more
from demo.generate import insert_columns, optional_ints
from data_access.schema import leave, officer, org_unit, user_account
from data_access.schema_productivity import (
    core_skill,
    duty_restriction,
    figure_feedback,
    officer_activity,
    psd_matter,
    team_establishment,
)
from scoring.settings_productivity import DEFAULT_PRODUCTIVITY_SETTINGS

HISTORY_DAYS = 365
FRONTLINE_RANKS = ("PC", "DC", "PS", "DS")
# Events per officer per year by strand: (stop and search, use of force, PIRs). Sergeants do half.
YEARLY_RATES = {
    "response": (9.0, 11.0, 22.0),
    "neighbourhood": (7.0, 4.0, 34.0),
    "investigations": (0.6, 1.0, 14.0),
    "public_protection": (0.3, 0.6, 10.0),
}
KINDS = ("stop_search", "use_of_force", "pir")
DEMO_USERNAMES = ("officer", "officer2", "sergeant", "inspector", "leader", "staff")


def _officers(conn) -> pd.DataFrame:
    rows = conn.execute(select(officer.c.id, officer.c.rank, officer.c.is_staff, officer.c.team_id,
                               officer.c.is_student, officer.c.start_date, officer.c.force_id,
                               org_unit.c.strand, org_unit.c.bcu_id, org_unit.c.kind)
                        .select_from(officer.join(org_unit, org_unit.c.id == officer.c.team_id))
                        .order_by(officer.c.id)).all()
    return pd.DataFrame(rows, columns=["id", "rank", "is_staff", "team_id", "is_student", "start_date",
                                       "force_id", "strand", "bcu_id", "unit_kind"])


def _activity(rng, off: pd.DataFrame, restricted: set, today: date) -> dict:
    sworn = off[~off["is_staff"].astype(bool) & off["rank"].isin(FRONTLINE_RANKS)]
    ids, kinds, minutes, forces, bcus = [], [], [], [], []
    start = np.datetime64(today, "D") - np.timedelta64(HISTORY_DAYS, "D")
    for strand, rates in YEARLY_RATES.items():
        grp = sworn[sworn["strand"] == strand]
        if grp.empty:
            continue
        factor = np.where(grp["rank"].isin(["PS", "DS"]), 0.5, 1.0)
        factor = factor * np.where(grp["is_student"].astype(bool), 0.6, 1.0)
        # Officers on restricted duties do no stop and search or use of force for much of the year.
        factor_ppe = factor * np.where(grp["id"].isin(restricted), 0.3, 1.0)
        # Each officer's own propensity: some search a lot, some rarely (gamma around 1).
        spread = rng.gamma(3.0, 1 / 3.0, len(grp))
        for k, kind in enumerate(KINDS):
            f = factor if kind == "pir" else factor_ppe
            n = rng.poisson(rates[k] * f * spread)
            total = int(n.sum())
            ids.append(np.repeat(grp["id"].to_numpy(), n))
            kinds.append(np.full(total, kind, dtype=object))
            # Busier on Friday and Saturday nights: weight evening hours.
            day = rng.integers(0, HISTORY_DAYS, total)
            hour = rng.choice(24, total, p=_hour_weights())
            minutes.append(day * 1440 + hour * 60 + rng.integers(0, 60, total))
            forces.append(np.repeat(grp["force_id"].to_numpy(), n))
            bcus.append(np.repeat(grp["bcu_id"].to_numpy(), n))
    if not ids:
        return {}
    m = np.concatenate(minutes)
    order = np.argsort(m, kind="stable")
    at = (start.astype("datetime64[m]") + m.astype("timedelta64[m]")).astype("datetime64[us]")
    return {"officer_id": np.concatenate(ids)[order], "kind": np.concatenate(kinds)[order].tolist(),
            "occurred_at": at[order], "force_id": np.concatenate(forces)[order],
            "bcu_id": optional_ints(np.concatenate(bcus)[order])}


def _hour_weights() -> np.ndarray:
    w = np.array([3, 2.5, 2, 1.5, 1, 0.8, 0.8, 1, 1.5, 2, 2.2, 2.4, 2.5, 2.6, 2.8, 3, 3.3, 3.6, 3.8, 4,
                  4, 3.8, 3.6, 3.3])
    return w / w.sum()


def _dates(today: date, offsets) -> np.ndarray:
    a = np.asarray(offsets, dtype=np.int64)
    return np.datetime64(today, "D") + a.astype("timedelta64[D]")


def _restrictions(rng, off: pd.DataFrame, today: date) -> dict:
    sworn = off[~off["is_staff"].astype(bool)]
    n = len(sworn)
    u = rng.random(n)
    recup = u < 0.02  # current recuperative duties after injury or illness
    past = (u >= 0.02) & (u < 0.06)  # restricted duties that ended within the year
    r_start = -rng.integers(10, 120, n)
    r_end = r_start + rng.integers(30, 150, n)
    p_start = -rng.integers(120, 365, n)
    p_end = np.minimum(p_start + rng.integers(14, 90, n), -1)
    pick = np.concatenate([np.flatnonzero(recup), np.flatnonzero(past)])
    kind = ["recuperative"] * int(recup.sum()) + ["restricted"] * int(past.sum())
    starts = np.concatenate([r_start[recup], p_start[past]])
    ends = np.concatenate([r_end[recup], p_end[past]])
    return {"officer_id": sworn["id"].to_numpy()[pick], "kind": kind, "starts_on": _dates(today, starts),
            "ends_on": _dates(today, ends), "force_id": sworn["force_id"].to_numpy()[pick]}


def _psd(rng, off: pd.DataFrame, today: date, demo_ids: set) -> dict:
    n = len(off)
    u = rng.random(n)
    # The named demo accounts carry no professional-standards matter: they are shown to audiences.
    u = np.where(off["id"].isin(demo_ids), 1.0, u)
    open_ = u < 0.025
    closed = (u >= 0.025) & (u < 0.07)
    pick = np.concatenate([np.flatnonzero(open_), np.flatnonzero(closed)])
    k = len(pick)
    opened = -rng.integers(20, 700, k)
    closed_dates = _dates(today, np.minimum(opened + rng.integers(30, 300, k), -1))
    closed_dates[: int(open_.sum())] = np.datetime64("NaT")  # the open matters come first in pick
    category = np.asarray(["performance", "misconduct", "gross_misconduct"], dtype=object)[
        rng.choice(3, k, p=[0.5, 0.42, 0.08])]
    return {"officer_id": off["id"].to_numpy()[pick], "category": category.tolist(),
            "opened_on": _dates(today, opened), "closed_on": closed_dates,
            "force_id": off["force_id"].to_numpy()[pick]}


def _skills(rng, off: pd.DataFrame, today: date, skills: tuple) -> dict:
    sworn = off[~off["is_staff"].astype(bool)]
    ids, names, achieved, expires, forces = [], [], [], [], []
    service = (pd.Timestamp(today) - pd.to_datetime(sworn["start_date"])).dt.days.to_numpy()
    student = sworn["is_student"].astype(bool).to_numpy()
    for j, skill in enumerate(skills):
        p = np.where(student, 0.55, 0.93)
        has = rng.random(len(sworn)) < p
        k = int(has.sum())
        ach = -np.minimum(service[has], rng.integers(10, 3000, k))
        # Body-worn video is refreshed every three years; the rest do not lapse.
        exp = ach + 3 * 365 if skill == "Body-worn video" else None
        ids.append(sworn["id"].to_numpy()[has])
        names.extend([skill] * k)
        achieved.append(ach)
        e = _dates(today, exp if exp is not None else np.zeros(k, np.int64))
        if exp is None:
            e[:] = np.datetime64("NaT")
        expires.append(e)
        forces.append(sworn["force_id"].to_numpy()[has])
    return {"officer_id": np.concatenate(ids), "skill": names, "achieved_on": _dates(today, np.concatenate(achieved)),
            "expires_on": np.concatenate(expires), "force_id": np.concatenate(forces)}


def _establishment(rng, off: pd.DataFrame, today: date) -> dict:
    teams = off[off["unit_kind"] == "team"]
    sworn = teams[~teams["is_staff"].astype(bool)]
    strength = sworn.groupby("team_id").size()
    force = teams.groupby("team_id")["force_id"].first().reindex(strength.index)
    # Most teams carry one or two vacancies; a few are fully staffed or over.
    extra = rng.choice([-1, 0, 0, 1, 1, 1, 2, 2, 3], len(strength))
    posts = np.maximum(strength.to_numpy() + extra, 1)
    return {"team_id": strength.index.to_numpy(), "posts": posts,
            "from_date": _dates(today, np.full(len(strength), -180)), "force_id": force.to_numpy().astype(np.int64)}


SAMPLE_FEEDBACK = (
    ("arrests", "An arrest I made on a night shift is missing.", None, None),
    ("pirs", "Two intelligence reports I submitted do not show.", "accepted", None),
    ("annual_leave", "Some of this leave was cancelled and I worked.", "rejected",
     "The roster shows the leave was taken; please ask HR to correct it first."),
    ("incidents_attended", "I attended more incidents than shown.", None, None),
)


def _feedback(rng, conn, off: pd.DataFrame, demo_ids: set, today: date) -> dict:
    """A few items from officers away from the demo accounts' line, so the administrators' queue is not empty."""
    managers = dict(conn.execute(select(officer.c.id, officer.c.line_manager_id)).all())
    accounts = dict(conn.execute(select(user_account.c.officer_id, user_account.c.id)).all())
    pool = [int(i) for i in off.loc[~off["is_staff"].astype(bool) & off["rank"].isin(["PC", "DC"]), "id"]
            if i not in demo_ids and managers.get(i) not in demo_ids and i in accounts]
    if not pool:
        return {}
    n = max(len(SAMPLE_FEEDBACK), len(pool) // 100)
    who = rng.choice(pool, size=min(n, len(pool)), replace=False)
    rows = [SAMPLE_FEEDBACK[k % len(SAMPLE_FEEDBACK)] for k in range(len(who))]
    created = [datetime.combine(today, datetime.min.time()) - timedelta(days=int(d), hours=int(h))
               for d, h in zip(rng.integers(1, 20, len(who)), rng.integers(0, 12, len(who)))]
    force = dict(zip(off["id"], off["force_id"]))
    return {"officer_id": [int(i) for i in who], "metric": [r[0] for r in rows],
            "period": ["last four weeks"] * len(who), "message": [r[1] for r in rows],
            "status": [r[2] or "open" for r in rows], "reason": [r[3] for r in rows],
            "created_by": [int(accounts[int(i)]) for i in who],
            "created_at": np.array(created, dtype="datetime64[us]"),
            "handled_by": [int(accounts[managers[int(i)]]) if r[2] and managers.get(int(i)) in accounts else None
                           for i, r in zip(who, rows)],
            "handled_at": np.array([c + timedelta(days=1) if r[2] else None for c, r in zip(created, rows)],
                                   dtype="datetime64[us]"),
            "force_id": [int(force[int(i)]) for i in who]}


def extend(engine, preset: str, seed: int, today: date, settings=None, extract_dir=None) -> dict:
    """Productivity and availability inputs (activity, restrictions, PSD, core skills, establishment)."""
    rng = np.random.default_rng([seed, 3])
    with engine.connect() as conn:
        off = _officers(conn)
        demo_ids = set(conn.execute(select(user_account.c.officer_id).where(
            user_account.c.username.in_(DEMO_USERNAMES))).scalars())
        restricted = set(conn.execute(select(leave.c.officer_id).where(leave.c.kind == "restricted")).scalars())
        plan = [
            (officer_activity, _activity(rng, off, restricted, today)),
            (duty_restriction, _restrictions(rng, off, today)),
            (psd_matter, _psd(rng, off, today, demo_ids)),
            (core_skill, _skills(rng, off, today, DEFAULT_PRODUCTIVITY_SETTINGS.core_skills)),
            (team_establishment, _establishment(rng, off, today)),
        ]
        fb = _feedback(rng, conn, off, demo_ids, today)
    # The force's own records arrive through the loader; feedback is Beacon's own data, written directly.
    counts = load_more(engine, settings, today, plan, extract_dir)
    with engine.begin() as conn:
        counts[figure_feedback.name] = insert_columns(conn, figure_feedback, fb) if fb else 0
    return counts

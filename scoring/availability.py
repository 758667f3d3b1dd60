"""Availability: the deployable rule, work availability, the criteria and the anchored TOPSIS score."""

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from scoring.settings_productivity import CRITERIA, ProductivitySettings
from scoring.topsis import anchored_topsis

# The paper's two reference officers. Ideal: fully available, fully trained, supervising no student.
# Worst deployable: off duty, lacking training, supervising a student. Every criterion is a share in
# [0, 1], so the references sit at its two ends.
IDEAL_REFERENCE = {"work_availability": 1.0, "attendance": 1.0, "annual_leave": 0.0, "other_leave": 0.0,
                   "restrictions": 0.0, "length_of_service": 1.0, "psd_matters": 0.0,
                   "critical_training": 1.0, "core_skills": 1.0, "vacancy_rate": 0.0}
WORST_REFERENCE = {c: 1.0 - v for c, v in IDEAL_REFERENCE.items()}

CRITERION_LABELS = {
    "work_availability": "Work availability", "attendance": "Attendance against roster",
    "annual_leave": "Annual leave", "other_leave": "Other leave", "restrictions": "Restricted or recuperative duties",
    "length_of_service": "Length of service", "psd_matters": "Open professional-standards matter",
    "critical_training": "Critical training in date", "core_skills": "Core skills held",
    "vacancy_rate": "Team vacancy rate",
}


NAT = np.iinfo(np.int64).min


def day_number(value) -> int:
    """Days since 1970-01-01 for a date (the integer form every rule below works in)."""
    return int(np.datetime64(valid_day(value), "D").astype(np.int64))


def _day_numbers(values) -> np.ndarray:
    """Whole column of dates, datetimes or ISO strings as day numbers (NaT stays NAT); numbers pass through."""
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    return pd.to_datetime(pd.Series(values), format="ISO8601").to_numpy().astype("datetime64[D]").astype(np.int64)


DATE_COLUMNS = {"leave": ("starts_on", "ends_on"), "restrictions": ("starts_on", "ends_on"),
                "training": ("expires_on",), "psd": ("opened_on", "closed_on"), "skills": ("expires_on",)}


def prepare(raw: dict) -> dict:
    """Parse every date once into day numbers and cut the shifts at midnight, so the rules run on integers."""
    out = dict(raw)
    for name, cols in DATE_COLUMNS.items():
        frame = raw.get(name)
        if frame is not None and len(frame):
            frame = frame.copy()
            for c in cols:
                frame[c] = _day_numbers(frame[c])
            out[name] = frame
    out["pieces"] = shift_pieces(raw.get("shifts"))
    return out


def _minute_numbers(values) -> np.ndarray:
    return pd.to_datetime(pd.Series(values), format="ISO8601").to_numpy().astype("datetime64[m]").astype(np.int64)


def _attended(values) -> np.ndarray:
    """1.0 attended, 0.0 absent, NaN not yet known (a future or unrecorded shift)."""
    return pd.Series(values, dtype=object).map({True: 1.0, False: 0.0}).to_numpy(float)


def _pair_key(officer_ids, days) -> np.ndarray:
    return np.asarray(officer_ids, dtype=np.int64) * 1_000_000 + np.asarray(days, dtype=np.int64)


def shift_pieces(shifts: pd.DataFrame) -> pd.DataFrame:
    """Shifts cut at midnight: officer_id, day (number), hours, attended, length (a night shift gives two)."""
    cols = ["officer_id", "day", "hours", "attended", "length"]
    if shifts is None or shifts.empty:
        return pd.DataFrame({c: np.zeros(0) for c in cols})
    start = _minute_numbers(shifts["starts_at"])
    end = _minute_numbers(shifts["ends_at"])
    ok = end > start
    start, end = start[ok], end[ok]
    officer = shifts["officer_id"].to_numpy(np.int64)[ok]
    attended = _attended(shifts["attended"])[ok]
    first = start // 1440
    n = (end - 1) // 1440 - first + 1
    rep = np.repeat(np.arange(len(start)), n)
    day = first[rep] + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    lo = np.maximum(start[rep], day * 1440)
    hi = np.minimum(end[rep], (day + 1) * 1440)
    return pd.DataFrame({"officer_id": officer[rep], "day": day, "hours": (hi - lo) / 60.0,
                         "attended": attended[rep], "length": ((end - start) / 60.0)[rep]})


def leave_days(leave: pd.DataFrame, kinds, start: date, end: date) -> pd.DataFrame:
    """(officer_id, day number) pairs on leave of these kinds between start and end inclusive."""
    if leave is None or leave.empty:
        return pd.DataFrame({"officer_id": np.zeros(0, np.int64), "day": np.zeros(0, np.int64)})
    lv = leave[leave["kind"].isin(list(kinds))]
    lo_day, hi_day = day_number(start), day_number(end)
    s = _day_numbers(lv["starts_on"])
    e = _day_numbers(lv["ends_on"])
    e = np.where(e == NAT, hi_day, e)  # open-ended
    s, e = np.maximum(s, lo_day), np.minimum(e, hi_day)
    keep = e >= s
    officer = lv["officer_id"].to_numpy(np.int64)[keep]
    s, e = s[keep], e[keep]
    n = e - s + 1
    # Position of each day within its leave row: 0, 1, ... n-1.
    step = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    out = pd.DataFrame({"officer_id": np.repeat(officer, n), "day": np.repeat(s, n) + step})
    return out.drop_duplicates(ignore_index=True)


def _absent_kinds(settings: ProductivitySettings) -> set:
    return set(settings.planned_absence_kinds) | set(settings.other_leave_kinds) | {"annual"}


def critical_training_share(training: pd.DataFrame, officer_ids, day: date) -> pd.Series:
    """Share of each officer's critical courses in date on day; no critical course on record gives 0."""
    ids = pd.Index(officer_ids, name="officer_id")
    if training is None or training.empty:
        return pd.Series(0.0, index=ids)
    t = training[training["critical"].astype(bool)]
    exp = _day_numbers(t["expires_on"])
    # Expiring on the day itself counts as expired: the course covers up to the day before.
    valid = pd.Series((exp == NAT) | (exp > day_number(day)), index=t.index)
    share = valid.groupby(t["officer_id"].to_numpy()).mean()
    return share.reindex(ids).fillna(0.0).astype(float)


def deployable(officers: pd.DataFrame, shifts: pd.DataFrame, leave: pd.DataFrame, training: pd.DataFrame,
               day: date, settings: ProductivitySettings, pieces: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per officer on day: on_duty, training_valid, tutored, deployable and the reasons it is not."""
    ids = officers["id"].to_numpy(np.int64)
    pieces = shift_pieces(shifts) if pieces is None else pieces
    d = day_number(day)
    today = pieces[(pieces["day"].to_numpy() == d) & (pieces["attended"].to_numpy() != 0.0)]
    absent = leave_days(leave, _absent_kinds(settings), day, day)
    on_duty = np.isin(ids, today["officer_id"].to_numpy()) & ~np.isin(ids, absent["officer_id"].to_numpy())
    training_ok = critical_training_share(training, ids, day).to_numpy() >= 1.0
    student = officers["is_student"].astype(bool).to_numpy()
    tutored = ~student | officers["tutor_id"].notna().to_numpy()
    out = pd.DataFrame({"officer_id": ids, "on_duty": on_duty, "training_valid": training_ok,
                        "tutored": tutored})
    out["deployable"] = out["on_duty"] & out["training_valid"] & out["tutored"]
    out["reasons"] = [
        "; ".join(r for r, bad in (("not on duty", not a), ("critical training not in date", not t),
                                   ("student officer without a tutor", not s)) if bad)
        for a, t, s in zip(on_duty, training_ok, tutored)]
    return out


def _day_share(days: pd.DataFrame, idx: pd.Index, window_days: int) -> pd.Series:
    counts = pd.Series(1, index=days["officer_id"].to_numpy()).groupby(level=0).sum() if len(days) else \
        pd.Series(dtype=float)
    return (counts.reindex(idx).fillna(0) / window_days).clip(0, 1).astype(float)


def _sum_by(officer_ids, values, idx: pd.Index) -> pd.Series:
    return pd.Series(values).groupby(np.asarray(officer_ids)).sum().reindex(idx).fillna(0.0)


def availability_criteria(officers: pd.DataFrame, shifts: pd.DataFrame, leave: pd.DataFrame,
                          restrictions: pd.DataFrame, training: pd.DataFrame, psd: pd.DataFrame,
                          skills: pd.DataFrame, vacancy: dict, today: date,
                          settings: ProductivitySettings, pieces: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per officer with every criterion as a share in [0, 1] plus the hours behind them.

    The window is the settings' availability_window_days ending yesterday (today is not over yet).
    """
    ids = officers["id"].to_numpy(np.int64)
    idx = pd.Index(ids, name="officer_id")
    w = settings.availability_window_days
    start, end = today - timedelta(days=w), today - timedelta(days=1)
    pieces = shift_pieces(shifts) if pieces is None else pieces
    usual = pieces.groupby("officer_id")["length"].median() if len(pieces) else pd.Series(dtype=float)
    day = pieces["day"].to_numpy()
    pieces = pieces[(day >= day_number(start)) & (day <= day_number(end))]
    absent = leave_days(leave, _absent_kinds(settings), start, end)
    if len(pieces) and len(absent):
        off = np.isin(_pair_key(pieces["officer_id"], pieces["day"]), _pair_key(absent["officer_id"], absent["day"]))
        pieces = pieces[~off]
    who, hours, att = pieces["officer_id"].to_numpy(), pieces["hours"].to_numpy(), pieces["attended"].to_numpy()
    known = ~np.isnan(att)
    available = _sum_by(who, np.where(att == 0.0, 0.0, hours), idx)
    att_hours = _sum_by(who, np.where(att == 1.0, hours, 0.0), idx)
    rostered_known = _sum_by(who, np.where(known, hours, 0.0), idx)
    # Nothing rostered means nothing missed: attendance is full, work availability carries the absence.
    attendance = (att_hours / rostered_known.where(rostered_known > 0)).fillna(1.0)
    tutors = officers.loc[officers["is_student"].astype(bool), "tutor_id"].dropna().astype(np.int64).to_numpy()
    is_tutor = pd.Series(np.isin(ids, tutors), index=idx)
    length = usual.reindex(idx).fillna(8.0)
    norms = {h: settings.shift_norm(h) for h in np.unique(length.to_numpy())}
    by_id = officers.set_index("id")
    hours_week = by_id["weekly_hours"].reindex(idx).astype(float)
    expected = w / 7.0 * length.map(norms) * hours_week / settings.full_time_weekly_hours
    credited = available * np.where(is_tutor, 1.0 - settings.tutor_reduction, 1.0)
    work = (credited / expected.where(expected > 0)).clip(0, 1).fillna(0.0)
    service_days = day_number(today) - _day_numbers(by_id["start_date"].reindex(idx))
    service = pd.Series(service_days / 365.25 / settings.service_full_years, index=idx)
    psd_open = pd.Series(0.0, index=idx)
    t = day_number(today)
    if psd is not None and not psd.empty:
        closed = _day_numbers(psd["closed_on"])
        is_open = (_day_numbers(psd["opened_on"]) <= t) & ((closed == NAT) | (closed > t))
        psd_open = pd.Series(np.isin(ids, psd["officer_id"].to_numpy()[is_open]).astype(float), index=idx)
    core = pd.Series(0.0, index=idx)
    required = set(settings.core_skills)
    if skills is not None and not skills.empty and required:
        exp = _day_numbers(skills["expires_on"])
        held = skills[((exp == NAT) | (exp > t)) & skills["skill"].isin(required).to_numpy()]
        core = (held.groupby("officer_id")["skill"].nunique() / len(required)).reindex(idx).fillna(0.0)
    # Core skills are a warranted officer's; police staff are not marked down for lacking them.
    if "is_staff" in by_id:
        core = core.where(~by_id["is_staff"].reindex(idx).fillna(False).astype(bool), 1.0)
    team = by_id["team_id"].reindex(idx)
    frame = pd.DataFrame({
        "work_availability": work,
        "attendance": attendance.clip(0, 1),
        "annual_leave": _day_share(leave_days(leave, ("annual",), start, end), idx, w),
        "other_leave": _day_share(leave_days(leave, settings.other_leave_kinds, start, end), idx, w),
        "restrictions": _day_share(leave_days(restrictions, ("restricted", "recuperative"), start, end), idx, w),
        "length_of_service": service.clip(0, 1).fillna(0.0),
        "psd_matters": psd_open,
        "critical_training": critical_training_share(training, ids, today),
        "core_skills": core,
        "vacancy_rate": team.map(lambda x: float(vacancy.get(x, 0.0))).astype(float).clip(0, 1),
    }, index=idx)
    frame["available_hours"] = available
    frame["expected_hours"] = expected
    frame["tutoring"] = is_tutor
    return frame


def reference_rows(settings: ProductivitySettings) -> tuple[list, list]:
    """The ideal and worst-deployable reference officers, following each criterion's direction."""
    directions = settings.directions()
    ideal = [1.0 if directions[c] == "benefit" else 0.0 for c in CRITERIA]
    return ideal, [1.0 - v for v in ideal]


def availability_scores(criteria: pd.DataFrame, settings: ProductivitySettings) -> pd.DataFrame:
    """Score 0-100 per officer by anchored TOPSIS, with each criterion's share of the points lost."""
    weights, directions = settings.weights(), settings.directions()
    x = criteria[list(CRITERIA)].to_numpy(dtype=float)
    benefit = [directions[c] == "benefit" for c in CRITERIA]
    ideal, worst = reference_rows(settings)
    result = anchored_topsis(x, [weights[c] for c in CRITERIA], benefit, ideal, worst)
    score = result["score"] * 100
    out = pd.DataFrame({"score": np.round(score, 1)}, index=criteria.index)
    gap = result["gap_plus"]
    total = gap.sum(axis=1, keepdims=True)
    share = np.divide(gap, total, out=np.zeros_like(gap), where=total > 0)
    # Points lost per criterion: the shortfall from 100 split by each criterion's part of the distance.
    lost = share * (100 - score)[:, None]
    for j, c in enumerate(CRITERIA):
        out[f"lost_{c}"] = np.round(lost[:, j], 1)
    return out


def valid_day(value) -> date:
    """A date from a date, datetime or ISO string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])

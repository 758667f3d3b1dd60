"""Productivity: per-officer per-day metrics, period totals, per-available-hour rates and team spread."""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

COUNT_METRICS = ("incidents_attended", "visibility_hours", "arrests", "stop_search", "use_of_force", "pirs",
                 "total_outcomes", "positive_outcomes")
RESPONSE_GRADES = ("emergency", "priority")
DAILY_COLUMNS = ("officer_id", "day") + COUNT_METRICS + tuple(
    f"response_{k}_{g}" for g in RESPONSE_GRADES for k in ("minutes", "count"))


@dataclass(frozen=True)
class Metric:
    """One productivity figure: how it is labelled, measured and where it comes from."""

    id: str
    label: str
    method: str
    source: str
    rate: bool = True  # shown per available hour as well


METRICS = (
    Metric("response_emergency", "Response time, emergency (minutes)",
           "Mean minutes from being assigned to arriving, over emergency-graded incidents attended.",
           "Command and control deployments", rate=False),
    Metric("response_priority", "Response time, priority (minutes)",
           "Mean minutes from being assigned to arriving, over priority-graded incidents attended.",
           "Command and control deployments", rate=False),
    Metric("incidents_attended", "Incidents attended",
           "Incidents you were deployed to and arrived at, counted on the day of arrival.",
           "Command and control deployments"),
    Metric("visibility_hours", "Visibility (hours)",
           "Hours from arriving at an incident to being released from it: public-facing time.",
           "Command and control deployments"),
    Metric("arrests", "Arrests", "Detainees brought into custody with you as arresting officer.",
           "Custody records"),
    Metric("stop_search", "Stop and search", "Stop and search records you completed.", "Stop and search records"),
    Metric("use_of_force", "Use of force", "Use of force forms you submitted.", "Use of force forms"),
    Metric("pirs", "Intelligence reports (PIRs)", "Police intelligence reports you submitted.",
           "Intelligence system"),
    Metric("total_outcomes", "Total outcomes",
           "Crimes you were officer in charge of that received a Home Office outcome (not 0) on the day.",
           "Crime records"),
    Metric("positive_outcomes", "Positive outcomes",
           "Outcomes in the positive set in force (setting positive_outcomes).", "Crime records"),
)
METRIC_BY_ID = {m.id: m for m in METRICS}


def day_number(value) -> int:
    """Days since 1970-01-01 for a date; daily rows carry this integer, not a date object, for speed."""
    return int(np.datetime64(value, "D").astype(np.int64))


def _days(series) -> np.ndarray:
    return pd.to_datetime(pd.Series(series), format="ISO8601").to_numpy().astype("datetime64[D]").astype(np.int64)


def _events(officer_ids, when, **values) -> pd.DataFrame:
    return pd.DataFrame({"officer_id": np.asarray(officer_ids, dtype=np.int64), "day": _days(when), **values})


def daily_metrics(deployments: pd.DataFrame, arrests: pd.DataFrame, activity: pd.DataFrame,
                  outcomes: pd.DataFrame, positive: frozenset) -> pd.DataFrame:
    """One row per officer per day (day number) with any activity; days with none are absent."""
    parts = []
    if deployments is not None and not deployments.empty:
        d = deployments[deployments["arrived_at"].notna() & deployments["officer_id"].notna()]
        arrived = pd.to_datetime(d["arrived_at"], format="ISO8601")
        visible = ((pd.to_datetime(d["released_at"], format="ISO8601") - arrived).dt.total_seconds() / 3600).clip(lower=0).fillna(0)
        resp = ((arrived - pd.to_datetime(d["assigned_at"], format="ISO8601")).dt.total_seconds() / 60).clip(lower=0)
        cols = {"incidents_attended": np.ones(len(d)), "visibility_hours": visible.to_numpy()}
        grade = d["grade"].to_numpy()
        for g in RESPONSE_GRADES:
            hit = (grade == g) & resp.notna().to_numpy()
            cols[f"response_minutes_{g}"] = np.where(hit, resp.fillna(0).to_numpy(), 0.0)
            cols[f"response_count_{g}"] = hit.astype(float)
        parts.append(_events(d["officer_id"].astype(np.int64), d["arrived_at"], **cols))
    if arrests is not None and not arrests.empty:
        parts.append(_events(arrests["officer_id"], arrests["arrived_at"], arrests=np.ones(len(arrests))))
    if activity is not None and not activity.empty:
        kind = activity["kind"].to_numpy()
        parts.append(_events(activity["officer_id"], activity["occurred_at"],
                             stop_search=(kind == "stop_search").astype(float),
                             use_of_force=(kind == "use_of_force").astype(float),
                             pirs=(kind == "pir").astype(float)))
    if outcomes is not None and not outcomes.empty:
        code = outcomes["outcome_code"].fillna(0).astype(int).to_numpy()
        o = outcomes[code != 0]
        code = code[code != 0]
        parts.append(_events(o["oic_id"], o["outcome_date"], total_outcomes=np.ones(len(o)),
                             positive_outcomes=np.isin(code, list(positive)).astype(float)))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: np.zeros(0) for c in DAILY_COLUMNS})
    out = pd.concat(parts, ignore_index=True).fillna(0.0)
    out = out.groupby(["officer_id", "day"], sort=True).sum().reset_index()
    for col in DAILY_COLUMNS:
        if col not in out.columns:
            out[col] = 0.0
    return out[list(DAILY_COLUMNS)]


def totals(daily: pd.DataFrame, officer_ids, start: date, end: date) -> pd.DataFrame:
    """Per officer totals between start and end inclusive; response times as means (NaN: none attended)."""
    idx = pd.Index(officer_ids, name="officer_id")
    day = daily["day"].to_numpy()
    d = daily[(day >= day_number(start)) & (day <= day_number(end))]
    sums = d.drop(columns="day").groupby("officer_id").sum().reindex(idx).fillna(0)
    out = sums[list(COUNT_METRICS)].copy()
    for g in RESPONSE_GRADES:
        n = sums[f"response_count_{g}"]
        out[f"response_{g}"] = (sums[f"response_minutes_{g}"] / n.where(n > 0)).round(1)
    out["visibility_hours"] = out["visibility_hours"].round(1)
    return out


def per_hour(totals_frame: pd.DataFrame, available_hours: pd.Series) -> pd.DataFrame:
    """Count metrics per available hour; no available hours gives NaN ('no data'), never 0."""
    hours = available_hours.reindex(totals_frame.index)
    hours = hours.where(hours > 0)
    return totals_frame[list(COUNT_METRICS)].div(hours, axis=0).round(3)


def team_distribution(totals_frame: pd.DataFrame) -> pd.DataFrame:
    """Lowest, lower quartile, median, upper quartile and highest of each metric within a group."""
    cols = [m.id for m in METRICS]
    frame = totals_frame.reindex(columns=cols)
    if frame.empty:
        return pd.DataFrame(index=cols, columns=["min", "q1", "median", "q3", "max"])
    q = frame.quantile([0, 0.25, 0.5, 0.75, 1.0]).T
    q.columns = ["min", "q1", "median", "q3", "max"]
    return q.round(2)


def day_sums(daily: pd.DataFrame, officer_ids) -> pd.DataFrame:
    """Per day (number) with any activity, the sum of every count metric over the officers."""
    d = daily[daily["officer_id"].isin(list(officer_ids))] if len(daily) else daily
    if not len(d):
        return pd.DataFrame({c: np.zeros(0) for c in COUNT_METRICS}, index=pd.Index([], name="day"))
    return d.groupby("day")[list(COUNT_METRICS)].sum()


def trend_of(sums: pd.DataFrame, metric: str, start: date, end: date, rolling_days: int) -> pd.DataFrame:
    """One metric of day_sums, every day from start to end present (0 when none), with a rolling mean."""
    days = np.arange(day_number(start), day_number(end) + 1)
    series = sums[metric] if len(sums) else pd.Series(dtype=float)
    series = series.reindex(days).fillna(0)
    out = pd.DataFrame({"day": days.astype("datetime64[D]"), "value": series.to_numpy()})
    out["rolling"] = out["value"].rolling(max(1, rolling_days), min_periods=1).mean().round(2)
    return out


def daily_trend(daily: pd.DataFrame, officer_ids, metric: str, start: date, end: date,
                rolling_days: int) -> pd.DataFrame:
    """Sum of one count metric per day over the officers, every day present, with a rolling mean."""
    return trend_of(day_sums(daily, officer_ids), metric, start, end, rolling_days)


def as_float(value):
    """A JSON-safe number or None for missing."""
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)

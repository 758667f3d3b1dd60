"""Demand against capacity per unit: open crimes per available officer, sudden jumps, backlog trend."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from scoring.calendar import as_date
from scoring.categories import CATEGORY_IDS
from scoring.settings import RuleSettings, resolve


def capacity_table(open_by_unit: pd.DataFrame, available_by_unit: pd.DataFrame) -> pd.DataFrame:
    """Open crimes per available officer per unit; NaN and no_capacity=True where nobody is available."""
    merged = open_by_unit.merge(available_by_unit[["unit_id", "available_officers"]],
                                on="unit_id", how="outer")
    merged["open_crimes"] = merged["open_crimes"].fillna(0).astype(int)
    merged["available_officers"] = merged["available_officers"].fillna(0)
    if "unit_name" in merged:
        merged["unit_name"] = merged["unit_name"].fillna("")
    available = merged["available_officers"].to_numpy(dtype=float)
    no_capacity = available <= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        # NaN, not inf: inf breaks JSON for the browser and sorts misleadingly.
        ratio = np.where(no_capacity, np.nan, merged["open_crimes"].to_numpy(float) / available)
    merged["open_per_officer"] = ratio
    merged["no_capacity"] = no_capacity
    # Units with work and nobody to do it first, then the most stretched.
    merged["_key"] = np.where(no_capacity & (merged["open_crimes"] > 0), 1, 0)
    merged = merged.sort_values(["_key", "open_per_officer"], ascending=[False, False],
                                na_position="last", kind="stable")
    return merged.drop(columns="_key").reset_index(drop=True)


def demand_jumps(weekly: pd.DataFrame, settings: RuleSettings | None = None,
                 today: date | None = None) -> pd.DataFrame:
    """Units whose latest full week of new crimes jumped against the mean of the weeks before it."""
    # The latest week present is the latest full week, unless `today` is given: then a week not
    # yet ended is dropped. A missing unit-week had no new crimes. A zero baseline gives ratio NaN
    # (not inf, which breaks JSON) and still counts as a jump once demand_jump_min_new is reached.
    settings = resolve(settings)
    cols = ["unit_id", "latest", "baseline", "ratio"]
    if weekly.empty:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
    w = weekly[["unit_id", "week_start", "new_crimes"]].copy()
    w["week_start"] = pd.to_datetime(w["week_start"]).dt.normalize()
    if today is not None:
        w = w[w["week_start"] + pd.Timedelta(days=7) <= pd.Timestamp(as_date(today))]
        if w.empty:
            return pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
    latest_week = w["week_start"].max()
    first_week = w["week_start"].min()
    base_weeks = [latest_week - pd.Timedelta(weeks=k) for k in range(1, settings.demand_baseline_weeks + 1)]
    # Weeks before the data starts are unknown, not zero.
    base_weeks = [wk for wk in base_weeks if wk >= first_week]
    if not base_weeks:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
    table = w.pivot_table(index="unit_id", columns="week_start", values="new_crimes",
                          aggfunc="sum", fill_value=0)
    table = table.reindex(columns=[latest_week] + base_weeks, fill_value=0)
    latest = table[latest_week].astype(float)
    baseline = table[base_weeks].astype(float).mean(axis=1)
    ratio = latest / baseline.where(baseline > 0)
    jump = (latest >= settings.demand_jump_min_new) & (
        (baseline <= 0) | (latest >= settings.demand_jump_ratio * baseline))
    out = pd.DataFrame({"unit_id": table.index, "latest": latest.to_numpy(),
                        "baseline": baseline.to_numpy(), "ratio": ratio.to_numpy()})[jump.to_numpy()]
    return out.sort_values(["ratio", "latest"], ascending=False, na_position="first",
                           ignore_index=True)


def backlog_trend(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Outstanding work per day: a column per kind (summed over teams), plus total and overdue."""
    if snapshots.empty:
        return pd.DataFrame(columns=["snapshot_on", "total", "overdue"])
    s = snapshots.copy()
    s["snapshot_on"] = pd.to_datetime(s["snapshot_on"])
    wide = s.pivot_table(index="snapshot_on", columns="kind", values="outstanding",
                         aggfunc="sum", fill_value=0)
    # Category order first, then any other kinds, so chart colours stay stable.
    kinds = [k for k in CATEGORY_IDS if k in wide.columns] + sorted(
        k for k in wide.columns if k not in CATEGORY_IDS)
    wide = wide[kinds]
    wide["total"] = wide.sum(axis=1)
    wide["overdue"] = s.groupby("snapshot_on")["overdue"].sum()
    wide.columns.name = None
    return wide.sort_index().reset_index()


def is_falling(series: pd.Series) -> bool | None:
    """True when the least-squares slope over the window is negative; None with under 2 points."""
    s = pd.Series(series).dropna()
    if len(s) < 2:
        return None
    if isinstance(s.index, pd.DatetimeIndex) or pd.api.types.is_datetime64_any_dtype(s.index):
        # Real day spacing, so a gap in the snapshots does not distort the slope.
        x = (pd.DatetimeIndex(s.index) - pd.DatetimeIndex(s.index).min()).days.to_numpy(float)
    else:
        x = np.arange(len(s), dtype=float)
    if np.ptp(x) == 0:
        return None
    y = s.to_numpy(dtype=float)
    slope = np.polyfit(x, y, 1)[0]
    # Treat rounding noise on a flat series as flat, not falling.
    return bool(slope < -1e-9 * max(1.0, float(np.abs(y).max())))

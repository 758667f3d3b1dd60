"""Counts over time rebuilt from rows that open and close: open work and overdue tasks per day, new work per month."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from scoring.calendar import as_date
from scoring.worklist import ERROR_KINDS

# Far beyond any real day: the end of a row still open.
_NEVER = np.iinfo(np.int64).max


def month_points(today, months: int) -> list[tuple[str, date, date]]:
    """The last `months` months, oldest first, as (YYYY-MM, first day, the day its figure is read).

    A past month is read on its last day; the current month on today, so its figures are month to date.
    """
    today = as_date(today)
    out = []
    year, month = today.year, today.month
    for _ in range(months):
        first = date(year, month, 1)
        nxt = date(year + month // 12, month % 12 + 1, 1)
        out.append((f"{year:04d}-{month:02d}", first, min(nxt - timedelta(days=1), today)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _day_numbers(values) -> np.ndarray:
    """Dates or timestamps as day numbers (days since 1970); missing values as _NEVER."""
    stamps = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")
    days = stamps.dt.normalize().to_numpy(dtype="datetime64[D]").astype(np.int64)
    return np.where(stamps.isna().to_numpy(), _NEVER, days)


def _open_counts(starts: np.ndarray, ends: np.ndarray, days: np.ndarray) -> np.ndarray:
    """How many [start, end) day intervals hold each day."""
    keep = starts < ends
    s, e = np.sort(starts[keep]), np.sort(ends[keep])
    return np.searchsorted(s, days, side="right") - np.searchsorted(e, days, side="right")


def open_by_day(rows: pd.DataFrame, start: str, end: str, days: list, by: str | None = None) -> pd.DataFrame:
    """Rows open at the end of each day: opened on or before it and not closed by its end.

    A row closed on a day no longer counts that day; a row with no end is still open. Returns a row per
    day (column `day`) and a column per value of `by` (or one column `open`), zeros included.
    """
    day_nums = _day_numbers(list(days))
    out = pd.DataFrame({"day": [as_date(d) for d in days]})
    if by is None:
        groups = [("open", rows)]
    else:
        groups = [(key, grp) for key, grp in rows.groupby(by, sort=True)] if len(rows) else []
    for key, grp in groups:
        # A close day counts as closed, so the interval ends on it: [open day, close day).
        out[key] = _open_counts(_day_numbers(grp[start]), _day_numbers(grp[end]), day_nums) if len(grp) else 0
    return out


def overdue_by_day(tasks: pd.DataFrame, days: list, error_kinds=ERROR_KINDS) -> pd.DataFrame:
    """Tasks overdue at the end of each day, a column per kind, from each task's created, due and completed dates.

    tasks has kind, created_at, due_date, completed_at. A task is overdue on a day after its due date while it
    is still owed (created, not completed by that day's end); an undated error to correct (a kind in
    error_kinds) is overdue from the day it is created, as on the worklist's badges; other undated tasks never.
    """
    day_nums = _day_numbers(list(days))
    out = pd.DataFrame({"day": [as_date(d) for d in days]})
    if tasks.empty:
        return out
    created = _day_numbers(tasks["created_at"])
    due = _day_numbers(tasks["due_date"])
    undated = due == _NEVER
    error = tasks["kind"].isin(sorted(error_kinds)).to_numpy()
    # Overdue from the day after the due date (the due date itself is the last day on time).
    late_from = np.where(undated, np.where(error, created, _NEVER), np.maximum(created, np.where(undated, 0, due) + 1))
    ends = _day_numbers(tasks["completed_at"])
    kinds = tasks["kind"].astype(str).to_numpy()
    for kind in sorted(set(kinds)):
        m = kinds == kind
        out[kind] = _open_counts(late_from[m], ends[m], day_nums)
    return out


def new_by_month(rows: pd.DataFrame, column: str, months: list[tuple[str, date, date]], by: str) -> pd.DataFrame:
    """Rows whose `column` falls in each month (up to the month's reading day), per value of `by`.

    A row per value of `by`, a column per month label, zeros included.
    """
    labels = [m[0] for m in months]
    if rows.empty:
        return pd.DataFrame(columns=[by, *labels])
    day = _day_numbers(rows[column])
    frame = pd.DataFrame({by: rows[by].to_numpy()})
    for label, first, last in months:
        lo, hi = _day_numbers([first, last])
        frame[label] = ((day >= lo) & (day <= hi)).astype(int)
    return frame.groupby(by, as_index=False, sort=True)[labels].sum()


def at_points(by_day: pd.DataFrame, months: list[tuple[str, date, date]]) -> pd.DataFrame:
    """The daily counts read on each month's reading day: a row per column of by_day, a column per month."""
    indexed = by_day.set_index("day")
    picked = indexed.reindex([m[2] for m in months]).fillna(0).astype(int)
    picked.index = [m[0] for m in months]
    return picked.T.rename_axis("key").reset_index()

"""Usage and adoption of Beacon, from its own records: sign-ins per team, tasks cleared, time from due to done."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from scoring.calendar import as_date
from scoring.digest import kind_words

SIGN_IN_COLUMNS = ["team_name", "week_start", "sign_ins", "people"]
CLEARED_COLUMNS = ["team_name", "week_start", "kind", "kind_label", "cleared", "in_beacon", "dated", "on_time",
                   "share_on_time", "median_days"]
TIMELINESS_COLUMNS = ["week_start", "cleared", "dated", "on_time", "share_on_time", "median_days"]


def week_of(day) -> date:
    """The Monday that starts the week holding day."""
    d = as_date(day)
    return d - timedelta(days=d.weekday())


def week_starts(today, weeks: int) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first, the current (unfinished) week last."""
    this_week = week_of(today)
    return [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def _weeks(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values).dt.normalize()
    return (stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")).dt.date


def sign_ins_by_week(logins: pd.DataFrame, weeks: list[date]) -> pd.DataFrame:
    """Sign-ins and distinct people signed in, per team and week; every team gets a row for every week.

    logins has one row per sign-in: at, user_id, team_name.
    """
    if logins.empty:
        return pd.DataFrame(columns=SIGN_IN_COLUMNS)
    df = logins.assign(week_start=_weeks(logins["at"]))
    df = df[df["week_start"].isin(weeks)]
    counted = df.groupby(["team_name", "week_start"]).agg(sign_ins=("user_id", "size"),
                                                         people=("user_id", "nunique"))
    # A week with no sign-in is a zero, not a gap, so a team that stopped using Beacon shows it.
    full = pd.MultiIndex.from_product([sorted(logins["team_name"].unique()), weeks], names=["team_name", "week_start"])
    out = counted.reindex(full, fill_value=0).reset_index()
    out[["sign_ins", "people"]] = out[["sign_ins", "people"]].astype(int)
    return out[SIGN_IN_COLUMNS]


def _prepare(done: pd.DataFrame, weeks: list[date]) -> pd.DataFrame:
    df = done.copy()
    df["done_on"] = pd.to_datetime(df["completed_at"]).dt.normalize()
    df["week_start"] = _weeks(df["completed_at"])
    df = df[df["week_start"].isin(weeks)]
    due = pd.to_datetime(df["due_date"])
    # Undated tasks (errors to correct) have no due date, so they count as cleared but not in timeliness.
    df["days"] = (df["done_on"] - due).dt.days
    df["dated"] = due.notna()
    df["on_time"] = df["dated"] & (df["days"] <= 0)
    df["in_beacon"] = df["completed_in"].eq("beacon")
    return df


def _summarise(grouped) -> pd.DataFrame:
    out = grouped.agg(cleared=("kind", "size"), in_beacon=("in_beacon", "sum"), dated=("dated", "sum"),
                      on_time=("on_time", "sum"), median_days=("days", "median")).reset_index()
    for col in ("cleared", "in_beacon", "dated", "on_time"):
        out[col] = out[col].astype(int)
    # No share where nothing dated was cleared: a blank, not a zero that would read as all late.
    out["share_on_time"] = (out["on_time"] / out["dated"].where(out["dated"] > 0)).round(3)
    return out


def cleared_by_week(done: pd.DataFrame, weeks: list[date]) -> pd.DataFrame:
    """Tasks cleared per team, week and kind, how many in Beacon, and how many by their due date.

    done has one row per completed task: completed_at, due_date (or None), kind, team_name, completed_in.
    """
    if done.empty:
        return pd.DataFrame(columns=CLEARED_COLUMNS)
    df = _prepare(done, weeks)
    if df.empty:
        return pd.DataFrame(columns=CLEARED_COLUMNS)
    out = _summarise(df.groupby(["team_name", "week_start", "kind"]))
    out["kind_label"] = out["kind"].map(kind_words)
    return out.sort_values(["week_start", "team_name", "kind"], kind="stable").reset_index(drop=True)[CLEARED_COLUMNS]


def timeliness_by_week(done: pd.DataFrame, weeks: list[date]) -> pd.DataFrame:
    """Across the scope, per week: tasks cleared, the share of dated ones done by their due date, median days."""
    empty = pd.DataFrame({"week_start": weeks, "cleared": 0, "dated": 0, "on_time": 0,
                          "share_on_time": float("nan"), "median_days": float("nan")})
    if done.empty:
        return empty[TIMELINESS_COLUMNS]
    df = _prepare(done, weeks)
    if df.empty:
        return empty[TIMELINESS_COLUMNS]
    out = _summarise(df.groupby("week_start")).drop(columns="in_beacon")
    out = empty[["week_start"]].merge(out, on="week_start", how="left")
    out[["cleared", "dated", "on_time"]] = out[["cleared", "dated", "on_time"]].fillna(0).astype(int)
    return out[TIMELINESS_COLUMNS]

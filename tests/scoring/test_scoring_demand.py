"""Demand: capacity per officer, sudden demand jumps and backlog trend."""

from datetime import date

import numpy as np
import pandas as pd

from scoring.demand import backlog_trend, capacity_table, demand_jumps, is_falling
from scoring.settings import load_settings


def test_capacity_table():
    open_ = pd.DataFrame({"unit_id": [1, 2, 3], "unit_name": ["A", "B", "C"], "open_crimes": [40, 30, 5]})
    avail = pd.DataFrame({"unit_id": [1, 2, 4], "available_officers": [4, 0, 2]})
    out = capacity_table(open_, avail).set_index("unit_id")
    assert out.loc[1, "open_per_officer"] == 10.0 and not out.loc[1, "no_capacity"]
    assert np.isnan(out.loc[2, "open_per_officer"]) and out.loc[2, "no_capacity"]
    assert np.isnan(out.loc[3, "open_per_officer"]) and out.loc[3, "no_capacity"]  # no roster row
    assert out.loc[4, "open_crimes"] == 0 and out.loc[4, "open_per_officer"] == 0.0
    assert not np.isinf(out["open_per_officer"]).any()
    # Work with nobody to do it comes first.
    assert list(capacity_table(open_, avail)["unit_id"])[:2] == [2, 3]


def weeks(unit, counts, start="2026-01-05"):
    starts = pd.date_range(start, periods=len(counts), freq="7D")
    return pd.DataFrame({"unit_id": unit, "week_start": starts, "new_crimes": counts})


def test_demand_jumps():
    weekly = pd.concat([
        weeks(1, [10, 10, 10, 10, 16]),   # ratio 1.6: jump
        weeks(2, [10, 10, 10, 10, 14]),   # ratio 1.4: no
        weeks(3, [1, 1, 1, 1, 3]),        # ratio 3 but only 3 new crimes: no
        weeks(4, [0, 0, 0, 0, 6]),        # from nothing: jump, ratio NaN
        weeks(5, [10, 10, 10, 10, 15]),   # exactly 1.5: jump
    ])
    out = demand_jumps(weekly).set_index("unit_id")
    assert sorted(out.index) == [1, 4, 5]
    assert out.loc[1, "latest"] == 16 and out.loc[1, "baseline"] == 10 and out.loc[1, "ratio"] == 1.6
    assert np.isnan(out.loc[4, "ratio"])
    s = load_settings({"demand_jump_ratio": 1.3})
    assert sorted(demand_jumps(weekly, s)["unit_id"]) == [1, 2, 4, 5]


def test_demand_jumps_missing_weeks_count_as_zero_and_partial_week_dropped():
    w = weeks(1, [8, 8, 8, 8, 20, 1])
    w = w[w["week_start"] != pd.Timestamp("2026-01-12")]  # no crimes that week
    # Today inside the sixth week: that week is not complete, so week 5 is the latest full week.
    out = demand_jumps(w, today=date(2026, 2, 11))
    assert out["latest"].tolist() == [20] and out["baseline"].tolist() == [6.0]
    assert demand_jumps(w.iloc[:0]).empty
    assert demand_jumps(weeks(1, [50])).empty  # no baseline weeks at all


def test_backlog_trend_and_is_falling():
    snaps = pd.DataFrame({
        "snapshot_on": [date(2026, 3, d) for d in (1, 1, 2, 2, 3, 3)],
        "kind": ["supervisor_review", "victim_contact"] * 3,
        "outstanding": [50, 20, 40, 22, 30, 21],
        "overdue": [10, 5, 8, 5, 6, 4],
    })
    trend = backlog_trend(snaps)
    assert list(trend.columns) == ["snapshot_on", "supervisor_review", "victim_contact", "total", "overdue"]
    assert trend["total"].tolist() == [70, 62, 51]
    assert trend["overdue"].tolist() == [15, 13, 10]
    assert is_falling(trend["total"]) is True
    assert is_falling(trend["victim_contact"]) is False
    assert is_falling(pd.Series([5, 5, 5])) is False
    assert is_falling(pd.Series([5])) is None
    assert is_falling(pd.Series([], dtype=float)) is None
    dated = trend.set_index("snapshot_on")["supervisor_review"]
    assert is_falling(dated) is True

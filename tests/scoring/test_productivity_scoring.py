"""Daily productivity metrics, totals, rates and the positive-outcome set."""

from datetime import date, datetime

import pandas as pd
import pytest

from scoring import productivity as pr

D1, D2 = date(2026, 5, 1), date(2026, 5, 2)


def _dt(d, h, m=0):
    return datetime(d.year, d.month, d.day, h, m)


DEPLOYMENTS = pd.DataFrame([
    {"officer_id": 1, "grade": "emergency", "assigned_at": _dt(D1, 10), "arrived_at": _dt(D1, 10, 12),
     "released_at": _dt(D1, 11, 12)},
    {"officer_id": 1, "grade": "priority", "assigned_at": _dt(D1, 13), "arrived_at": _dt(D1, 13, 30),
     "released_at": _dt(D1, 13, 60 - 1)},
    {"officer_id": 1, "grade": "emergency", "assigned_at": _dt(D2, 1), "arrived_at": _dt(D2, 1, 8),
     "released_at": None},
    {"officer_id": 2, "grade": "scheduled", "assigned_at": _dt(D1, 9), "arrived_at": None, "released_at": None},
])
ARRESTS = pd.DataFrame([{"officer_id": 1, "arrived_at": _dt(D2, 3)}])
ACTIVITY = pd.DataFrame([{"officer_id": 2, "kind": "stop_search", "occurred_at": _dt(D1, 22)},
                         {"officer_id": 2, "kind": "pir", "occurred_at": _dt(D2, 1)},
                         {"officer_id": 1, "kind": "use_of_force", "occurred_at": _dt(D1, 10, 15)}])
OUTCOMES = pd.DataFrame([{"oic_id": 1, "outcome_code": 1, "outcome_date": D1},
                         {"oic_id": 1, "outcome_code": 18, "outcome_date": D1},
                         {"oic_id": 1, "outcome_code": 22, "outcome_date": D2},
                         {"oic_id": 2, "outcome_code": 0, "outcome_date": D2}])


@pytest.fixture
def daily():
    return pr.daily_metrics(DEPLOYMENTS, ARRESTS, ACTIVITY, OUTCOMES, frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 22}))


def test_daily_rows(daily):
    one = daily[(daily["officer_id"] == 1) & (daily["day"] == pr.day_number(D1))].iloc[0]
    assert one["incidents_attended"] == 2 and one["use_of_force"] == 1
    assert one["visibility_hours"] == pytest.approx(1 + 29 / 60)
    assert one["total_outcomes"] == 2 and one["positive_outcomes"] == 1
    assert one["response_minutes_emergency"] == 12 and one["response_count_emergency"] == 1


def test_totals_and_missing_response_time(daily):
    t = pr.totals(daily, [1, 2, 3], D1, D2)
    assert t.loc[1, "incidents_attended"] == 3
    assert t.loc[1, "response_emergency"] == pytest.approx(10.0)
    assert t.loc[1, "positive_outcomes"] == 2
    # Officer 2 attended nothing: no response time, not zero. Officer 3 did nothing at all.
    assert pd.isna(t.loc[2, "response_emergency"])
    assert t.loc[3].drop(["response_emergency", "response_priority"]).sum() == 0


def test_positive_set_is_a_setting():
    daily = pr.daily_metrics(None, None, None, OUTCOMES, frozenset({1}))
    t = pr.totals(daily, [1], D1, D2)
    assert t.loc[1, "positive_outcomes"] == 1 and t.loc[1, "total_outcomes"] == 3


def test_rates_need_available_hours(daily):
    t = pr.totals(daily, [1, 2], D1, D2)
    rates = pr.per_hour(t, pd.Series({1: 10.0, 2: 0.0}))
    assert rates.loc[1, "incidents_attended"] == pytest.approx(0.3)
    assert rates.loc[2].isna().all()


def test_trend_fills_every_day(daily):
    trend = pr.daily_trend(daily, [1], "incidents_attended", D1, date(2026, 5, 5), 2)
    assert trend["value"].tolist() == [2, 1, 0, 0, 0]
    assert trend["rolling"].tolist() == [2, 1.5, 0.5, 0, 0]


def test_distribution(daily):
    t = pr.totals(daily, [1, 2], D1, D2)
    dist = pr.team_distribution(t)
    assert dist.loc["incidents_attended", "max"] == 3 and dist.loc["incidents_attended", "min"] == 0


def test_nothing_at_all():
    empty = pr.daily_metrics(None, None, None, None, frozenset({1}))
    assert empty.empty and list(empty.columns) == list(pr.DAILY_COLUMNS)

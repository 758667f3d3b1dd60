"""Deployability and work availability rules, with the edge cases the issue names."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from scoring import availability as av
from scoring.settings_productivity import CRITERIA, ProductivitySettings

DAY = date(2026, 3, 10)
ST = ProductivitySettings()


def _officers(**over):
    row = {"id": 1, "is_staff": False, "is_student": False, "tutor_id": None, "start_date": date(2015, 1, 1),
           "weekly_hours": 40.0, "team_id": 9}
    row.update(over)
    return pd.DataFrame([row])


def _shift(start: datetime, hours: float, attended=None, officer_id=1):
    return {"officer_id": officer_id, "starts_at": start, "ends_at": start + timedelta(hours=hours),
            "attended": attended}


def _training(expires, critical=True):
    return pd.DataFrame([{"officer_id": 1, "critical": critical, "expires_on": expires}])


def _leave(kind, start, end, officer_id=1):
    return pd.DataFrame([{"officer_id": officer_id, "kind": kind, "starts_on": start, "ends_on": end}])


NO_LEAVE = pd.DataFrame(columns=["officer_id", "kind", "starts_on", "ends_on"])
GOOD_TRAINING = _training(date(2027, 1, 1))
at = lambda h, d=DAY: datetime.combine(d, datetime.min.time()) + timedelta(hours=h)


@pytest.mark.parametrize("case, shifts, leave, training, officer, expected, reason", [
    ("on duty, trained", [_shift(at(7), 10)], NO_LEAVE, GOOD_TRAINING, {}, True, ""),
    ("split shift", [_shift(at(7), 4), _shift(at(15), 4)], NO_LEAVE, GOOD_TRAINING, {}, True, ""),
    ("no shift today", [_shift(at(7, DAY + timedelta(days=1)), 10)], NO_LEAVE, GOOD_TRAINING, {}, False,
     "not on duty"),
    ("night shift from yesterday", [_shift(at(19, DAY - timedelta(days=1)), 12)], NO_LEAVE, GOOD_TRAINING, {},
     True, ""),
    ("night shift into a leave day", [_shift(at(19, DAY - timedelta(days=1)), 12)],
     _leave("annual", DAY, DAY), GOOD_TRAINING, {}, False, "not on duty"),
    ("sick on the day", [_shift(at(7), 8)], _leave("sick", DAY, DAY), GOOD_TRAINING, {}, False, "not on duty"),
    ("restricted still deployable", [_shift(at(7), 8)], _leave("restricted", DAY, DAY), GOOD_TRAINING, {}, True, ""),
    ("training expires on the day", [_shift(at(7), 8)], NO_LEAVE, _training(DAY), {}, False,
     "critical training not in date"),
    ("training expires tomorrow", [_shift(at(7), 8)], NO_LEAVE, _training(DAY + timedelta(days=1)), {}, True, ""),
    ("non-critical course lapsed", [_shift(at(7), 8)], NO_LEAVE,
     pd.concat([GOOD_TRAINING, _training(date(2020, 1, 1), critical=False)]), {}, True, ""),
    ("no training on record", [_shift(at(7), 8)], NO_LEAVE, GOOD_TRAINING.iloc[0:0], {}, False,
     "critical training not in date"),
    ("student without a tutor", [_shift(at(7), 8)], NO_LEAVE, GOOD_TRAINING, {"is_student": True}, False,
     "student officer without a tutor"),
    ("student with a tutor", [_shift(at(7), 8)], NO_LEAVE, GOOD_TRAINING, {"is_student": True, "tutor_id": 5},
     True, ""),
    ("absent from a rostered shift", [_shift(at(7), 8, attended=False)], NO_LEAVE, GOOD_TRAINING, {}, False,
     "not on duty"),
])
def test_deployable(case, shifts, leave, training, officer, expected, reason):
    out = av.deployable(_officers(**officer), pd.DataFrame(shifts), leave, training, DAY, ST).iloc[0]
    assert bool(out["deployable"]) is expected, case
    assert reason in out["reasons"]


def test_shift_pieces_split_at_midnight():
    pieces = av.shift_pieces(pd.DataFrame([_shift(at(19), 12)]))
    d = av.day_number(DAY)
    assert pieces[["day", "hours"]].values.tolist() == [[d, 5.0], [d + 1, 7.0]]


def _window_shifts(length: int, per_week: int, today: date, officer_id=1):
    """A regular pattern over the window: per_week shifts of length hours each week."""
    rows = []
    for d in range(1, ST.availability_window_days + 1):
        day = today - timedelta(days=d)
        if day.weekday() < per_week:
            rows.append(_shift(at(7, day), length, attended=True, officer_id=officer_id))
    return pd.DataFrame(rows)


def _criteria(officers, shifts, leave=NO_LEAVE, today=date(2026, 3, 30), settings=ST):
    empty = pd.DataFrame(columns=["officer_id", "kind", "starts_on", "ends_on"])
    return av.availability_criteria(officers, shifts, leave, empty, GOOD_TRAINING, None, None, {}, today, settings)


def test_ten_and_eight_hour_patterns_compare_fairly():
    today = date(2026, 3, 30)  # a Monday: the window holds exactly four whole weeks
    offs = pd.concat([_officers(id=1), _officers(id=2)], ignore_index=True)
    shifts = pd.concat([_window_shifts(8, 5, today, 1), _window_shifts(10, 4, today, 2)], ignore_index=True)
    crit = _criteria(offs, shifts, today=today, settings=ProductivitySettings(
        shift_norm_weekly_hours=((8, 40.0), (10, 40.0), (12, 42.0))))
    assert crit.loc[1, "work_availability"] == pytest.approx(1.0)
    assert crit.loc[2, "work_availability"] == pytest.approx(1.0)


def test_tutoring_takes_the_fixed_reduction():
    today = date(2026, 3, 30)
    offs = pd.concat([_officers(id=1), _officers(id=3, is_student=True, tutor_id=1)], ignore_index=True)
    crit = _criteria(offs, _window_shifts(8, 5, today, 1), today=today)
    assert crit.loc[1, "tutoring"]
    assert crit.loc[1, "work_availability"] == pytest.approx(1.0 - ST.tutor_reduction)


def test_planned_leave_lowers_work_availability_and_counts_as_leave():
    today = date(2026, 3, 30)
    shifts = _window_shifts(8, 5, today)
    week = today - timedelta(days=7)
    leave = _leave("annual", week, today - timedelta(days=1))
    crit = _criteria(_officers(), shifts, leave, today=today)
    assert crit.loc[1, "work_availability"] == pytest.approx(0.75)
    assert crit.loc[1, "annual_leave"] == pytest.approx(7 / 28)
    assert crit.loc[1, "attendance"] == 1.0


def test_scores_and_contributions():
    today = date(2026, 3, 30)
    crit = _criteria(_officers(), _window_shifts(8, 5, today), today=today)
    scores = av.availability_scores(crit, ST)
    assert 0 <= scores.loc[1, "score"] <= 100
    lost = sum(scores.loc[1, f"lost_{c}"] for c in CRITERIA)
    assert lost == pytest.approx(100 - scores.loc[1, "score"], abs=0.6)


def test_ideal_reference_scores_100():
    ideal, worst = av.reference_rows(ST)
    frame = pd.DataFrame([ideal, worst], columns=list(CRITERIA))
    assert av.availability_scores(frame, ST)["score"].tolist() == [100.0, 0.0]

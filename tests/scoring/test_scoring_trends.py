"""Counts over time rebuilt from task and crime rows: overdue per kind per day, open at month ends, new per month."""

from datetime import date, datetime

import pandas as pd

from scoring.trends import at_points, month_points, new_by_month, open_by_day, overdue_by_day

D = date


def _tasks(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kind", "created_at", "due_date", "completed_at"])


def test_month_points_end_on_each_months_last_day_and_today_for_this_month():
    assert month_points(D(2026, 3, 18), 4) == [
        ("2025-12", D(2025, 12, 1), D(2025, 12, 31)), ("2026-01", D(2026, 1, 1), D(2026, 1, 31)),
        ("2026-02", D(2026, 2, 1), D(2026, 2, 28)), ("2026-03", D(2026, 3, 1), D(2026, 3, 18))]
    assert month_points(D(2028, 2, 29), 1) == [("2028-02", D(2028, 2, 1), D(2028, 2, 29))]


def test_overdue_per_kind_counts_a_task_from_the_day_after_its_due_date_until_it_is_done():
    tasks = _tasks([
        # Due 3 March, done on 6 March at 10:00: overdue on the 4th and 5th, not on the 6th.
        ("oel_update", datetime(2026, 3, 1, 9), D(2026, 3, 3), datetime(2026, 3, 6, 10)),
        # Due 2 March, never done: overdue from the 3rd onwards.
        ("bail", datetime(2026, 2, 20), D(2026, 3, 2), None),
        # Created after its due date (a late import): overdue only from the day it exists.
        ("supervisor_review", datetime(2026, 3, 5), D(2026, 3, 1), None),
        # An undated CDI error is overdue from the day it is created until it is corrected.
        ("cdi", datetime(2026, 3, 4, 15), None, datetime(2026, 3, 5, 8)),
        # An undated task of another kind is never overdue.
        ("named_suspect", datetime(2026, 3, 1), None, None),
        # Done on its due date: never overdue.
        ("victim_contact", datetime(2026, 3, 1), D(2026, 3, 4), datetime(2026, 3, 4, 17)),
    ])
    days = [D(2026, 3, d) for d in range(1, 8)]
    got = overdue_by_day(tasks, days)
    assert list(got["day"]) == days
    assert list(got["oel_update"]) == [0, 0, 0, 1, 1, 0, 0]
    assert list(got["bail"]) == [0, 0, 1, 1, 1, 1, 1]
    assert list(got["supervisor_review"]) == [0, 0, 0, 0, 1, 1, 1]
    assert list(got["cdi"]) == [0, 0, 0, 1, 0, 0, 0]
    assert list(got["named_suspect"]) == [0] * 7 and list(got["victim_contact"]) == [0] * 7


def test_overdue_with_no_tasks_is_just_the_days():
    got = overdue_by_day(_tasks([]), [D(2026, 3, 1)])
    assert list(got.columns) == ["day"] and len(got) == 1


def test_open_at_month_ends_per_unit_and_new_per_month():
    crimes = pd.DataFrame([
        {"team": "A", "recorded_at": datetime(2026, 1, 10), "closed_on": D(2026, 2, 3)},
        {"team": "A", "recorded_at": datetime(2026, 2, 27), "closed_on": None},
        {"team": "B", "recorded_at": datetime(2026, 1, 31, 23), "closed_on": D(2026, 1, 31)},  # closed the same day
        {"team": "B", "recorded_at": datetime(2026, 3, 2), "closed_on": None},
    ])
    months = month_points(D(2026, 3, 18), 3)
    by_day = open_by_day(crimes, "recorded_at", "closed_on", [m[2] for m in months], by="team")
    table = at_points(by_day, months)
    assert table.to_dict("records") == [{"key": "A", "2026-01": 1, "2026-02": 1, "2026-03": 1},
                                        {"key": "B", "2026-01": 0, "2026-02": 0, "2026-03": 1}]
    new = new_by_month(crimes, "recorded_at", months, by="team")
    assert new.to_dict("records") == [{"team": "A", "2026-01": 1, "2026-02": 1, "2026-03": 0},
                                      {"team": "B", "2026-01": 1, "2026-02": 0, "2026-03": 1}]
    # Nothing recorded after the current month's reading day counts towards it.
    late = pd.DataFrame([{"team": "A", "recorded_at": datetime(2026, 3, 19, 1)}])
    assert new_by_month(late, "recorded_at", months, by="team")["2026-03"].tolist() == [0]

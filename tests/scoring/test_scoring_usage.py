"""Usage aggregation: sign-ins per team and week, tasks cleared, and time from due to done."""

from datetime import date, datetime

import pandas as pd

from scoring import usage

TODAY = date(2026, 11, 18)  # a Wednesday
WEEKS = usage.week_starts(TODAY, 3)


def test_weeks_are_mondays_oldest_first_ending_with_this_week():
    assert WEEKS == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    assert usage.week_of(datetime(2026, 11, 22, 23, 59)) == date(2026, 11, 16)


def test_sign_ins_count_people_once_and_a_quiet_week_is_zero():
    logins = pd.DataFrame([
        {"at": datetime(2026, 11, 16, 8), "user_id": 1, "team_name": "Team A"},
        {"at": datetime(2026, 11, 17, 8), "user_id": 1, "team_name": "Team A"},
        {"at": datetime(2026, 11, 17, 9), "user_id": 2, "team_name": "Team A"},
        {"at": datetime(2026, 11, 3, 9), "user_id": 3, "team_name": "Team B"},
        {"at": datetime(2026, 10, 1, 9), "user_id": 3, "team_name": "Team B"},  # before the window
    ])
    out = usage.sign_ins_by_week(logins, WEEKS).set_index(["team_name", "week_start"])
    assert len(out) == 6
    assert out.loc[("Team A", date(2026, 11, 16)), "sign_ins"] == 3
    assert out.loc[("Team A", date(2026, 11, 16)), "people"] == 2
    assert out.loc[("Team B", date(2026, 11, 16)), "sign_ins"] == 0
    assert out.loc[("Team B", date(2026, 11, 2)), "people"] == 1


def _done(rows):
    return pd.DataFrame(rows, columns=["completed_at", "due_date", "kind", "team_name", "completed_in"])


DONE = _done([
    (datetime(2026, 11, 16, 10), date(2026, 11, 16), "supervisor_review", "Team A", "beacon"),  # due day: on time
    (datetime(2026, 11, 17, 10), date(2026, 11, 14), "supervisor_review", "Team A", "source"),  # 3 days late
    (datetime(2026, 11, 17, 11), None, "cdi", "Team A", "beacon"),  # undated: cleared, no timeliness
    (datetime(2026, 11, 4, 11), date(2026, 11, 10), "victim_contact", "Team B", "beacon"),  # 6 days early
])


def test_cleared_by_team_week_and_kind_with_on_time_share():
    out = usage.cleared_by_week(DONE, WEEKS)
    reviews = out[(out["team_name"] == "Team A") & (out["kind"] == "supervisor_review")].iloc[0]
    assert (reviews["cleared"], reviews["in_beacon"], reviews["dated"], reviews["on_time"]) == (2, 1, 2, 1)
    assert reviews["share_on_time"] == 0.5 and reviews["median_days"] == 1.5
    assert reviews["kind_label"] == "Supervisor review"
    cdi = out[out["kind"] == "cdi"].iloc[0]
    assert cdi["cleared"] == 1 and cdi["dated"] == 0 and pd.isna(cdi["share_on_time"])
    assert list(out["week_start"]) == sorted(out["week_start"])


def test_timeliness_has_every_week_and_leaves_a_week_with_nothing_dated_blank():
    out = usage.timeliness_by_week(DONE, WEEKS).set_index("week_start")
    assert list(out.index) == WEEKS
    assert out.loc[date(2026, 11, 9), "cleared"] == 0 and pd.isna(out.loc[date(2026, 11, 9), "share_on_time"])
    assert out.loc[date(2026, 11, 2), "share_on_time"] == 1.0 and out.loc[date(2026, 11, 2), "median_days"] == -6
    assert out.loc[date(2026, 11, 16), "cleared"] == 3 and out.loc[date(2026, 11, 16), "on_time"] == 1


def test_nothing_recorded_gives_empty_tables_with_their_columns():
    assert list(usage.sign_ins_by_week(pd.DataFrame(columns=["at", "user_id", "team_name"]), WEEKS).columns) == \
        usage.SIGN_IN_COLUMNS
    assert usage.cleared_by_week(_done([]), WEEKS).empty
    assert usage.timeliness_by_week(_done([]), WEEKS)["cleared"].tolist() == [0, 0, 0]

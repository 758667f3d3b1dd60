"""Property tests (hypothesis) over the calendar, bail, worklist and settings."""

import dataclasses
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from scoring.bail import BAIL_STAGES, OLD_BAIL_STAGES, bail_end, bail_start_from_arrest, is_2022_scheme
from scoring.calendar import add_working_days, is_working_day, working_days_between
from scoring.categories import CATEGORY_IDS
from scoring.settings import RuleSettings, load_settings
from scoring.worklist import STATES, badge_counts, bell, classify

dates = st.dates(min_value=date(2017, 4, 3), max_value=date(2035, 12, 31))


@given(dates, st.integers(min_value=1, max_value=40))
@hsettings(deadline=None)
def test_add_working_days_lands_on_working_day(start, n):
    end = add_working_days(start, n)
    assert is_working_day(end)
    assert end > start
    assert working_days_between(start, end) == n


@given(dates, st.integers(min_value=0, max_value=30))
@hsettings(deadline=None)
def test_add_working_days_monotonic(start, n):
    assert add_working_days(start, n) < add_working_days(start, n + 1)


@given(dates, st.integers(min_value=1, max_value=20))
@hsettings(deadline=None)
def test_add_working_days_round_trip(start, n):
    end = add_working_days(start, n)
    assert add_working_days(end, -n) <= start


@given(dates)
@hsettings(deadline=None)
def test_bail_end_after_start_and_non_decreasing(arrested):
    start = bail_start_from_arrest(arrested)
    stages = BAIL_STAGES if is_2022_scheme(arrested) else OLD_BAIL_STAGES
    ends = [bail_end(start, s.id, arrested) for s in stages if s.id != "court"]
    assert all(e >= start for e in ends)
    assert ends == sorted(ends)
    assert bail_end(start, "court", arrested) is None


@given(dates)
@hsettings(deadline=None)
def test_initial_bail_is_about_three_months(arrested):
    if not is_2022_scheme(arrested):
        return
    start = bail_start_from_arrest(arrested)
    length = (bail_end(start, "initial", arrested) - start).days + 1
    assert 89 <= length <= 92


task_rows = st.lists(
    st.tuples(st.integers(1, 50), st.sampled_from(CATEGORY_IDS),
              st.one_of(st.none(), st.integers(-100, 100))),
    max_size=60)


def frame(rows, today):
    return pd.DataFrame({
        "task_id": range(len(rows)), "crime_id": [r[0] for r in rows],
        "crime_ref": [f"CR{r[0]}" for r in rows], "kind": [r[1] for r in rows], "rule_id": "R",
        "due_date": pd.to_datetime([pd.NaT if r[2] is None else today + timedelta(days=r[2]) for r in rows]),
        "detail": "", "oic_id": 1, "team_id": 1})


@given(task_rows, dates)
@hsettings(deadline=None, max_examples=60)
def test_classify_counts_sum_to_total(rows, today):
    c = classify(frame(rows, today), today)
    assert set(c["state"].astype(str)) <= set(STATES)
    assert c["state"].value_counts().sum() == len(rows)
    badges = badge_counts(c)
    assert sum(b["total"] for b in badges) == len(rows)
    for b in badges:
        assert b["overdue"] + b["due_soon"] <= b["total"]
    bl = bell(badges)
    assert bl["total"] == int(c["state"].isin(["overdue", "due_soon"]).sum())


@given(st.text(min_size=1, max_size=20))
@hsettings(deadline=None)
def test_load_settings_rejects_unknown_names(name):
    known = {f.name for f in dataclasses.fields(RuleSettings)}
    if name in known:
        return
    with pytest.raises(ValueError, match="unknown"):
        load_settings({name: 1})


def test_every_field_has_doc_metadata():
    for f in dataclasses.fields(RuleSettings):
        assert isinstance(f.metadata["doc"], str) and len(f.metadata["doc"]) > 10

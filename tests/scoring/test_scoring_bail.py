"""Pre-charge bail: month ends, leap years, the 2017/2022 schemes and who authorises what."""

from datetime import date

import pytest

from scoring.bail import (BAIL_STAGES, OLD_BAIL_STAGES, bail_end, bail_rule_id, bail_start_from_arrest,
                          bail_warning_on, next_authority, next_stage, period_end)
from scoring.deadlines import RULES
from scoring.settings import load_settings

NEW = date(2023, 6, 1)  # any arrest date under the 2022 scheme
OLD = date(2022, 6, 1)  # any arrest date under the 2017 scheme


def test_bail_start_is_day_after_arrest():
    assert bail_start_from_arrest(date(2024, 2, 28)) == date(2024, 2, 29)
    assert bail_start_from_arrest(date(2023, 12, 31)) == date(2024, 1, 1)


@pytest.mark.parametrize("bail_start, stage, expected", [
    # Period "beginning with" the start date: last day is the day before the corresponding date.
    (date(2023, 3, 1), "initial", date(2023, 5, 31)),
    (date(2023, 1, 2), "initial", date(2023, 4, 1)),
    # No corresponding date: the period ends on the last day of the month.
    (date(2023, 1, 31), "initial", date(2023, 4, 30)),
    (date(2022, 11, 30), "initial", date(2023, 2, 28)),
    (date(2023, 11, 30), "initial", date(2024, 2, 29)),   # leap year
    (date(2023, 8, 31), "first_extension", date(2024, 2, 29)),
    (date(2024, 8, 31), "first_extension", date(2025, 2, 28)),
    (date(2023, 1, 31), "first_extension", date(2023, 7, 30)),
    (date(2023, 1, 31), "second_extension", date(2023, 10, 30)),
    (date(2023, 1, 31), "complex", date(2024, 1, 30)),
    # Bail starting on 29 February.
    (date(2024, 2, 29), "initial", date(2024, 5, 28)),
    (date(2024, 2, 29), "first_extension", date(2024, 8, 28)),
    (date(2024, 2, 29), "complex", date(2025, 2, 28)),
    (date(2023, 6, 2), "court", None),
])
def test_bail_end_2022_scheme(bail_start, stage, expected):
    assert bail_end(bail_start, stage, NEW) == expected


def test_bail_start_defaults_from_arrest():
    assert bail_end(None, "initial", date(2023, 11, 29)) == date(2024, 2, 29)


@pytest.mark.parametrize("arrested, stage, expected", [
    (date(2022, 10, 1), "initial", date(2022, 10, 29)),          # 28 days beginning with 2 Oct
    (date(2022, 10, 1), "first_extension", date(2023, 1, 1)),    # 3 months beginning with 2 Oct
    (date(2022, 10, 27), "initial", date(2022, 11, 24)),         # last day of the old scheme
    (date(2022, 10, 28), "initial", date(2023, 1, 28)),          # first day of the new scheme
    (date(2020, 2, 28), "initial", date(2020, 3, 27)),           # leap-year February, day count
])
def test_scheme_chosen_by_arrest_date(arrested, stage, expected):
    assert bail_end(bail_start_from_arrest(arrested), stage, arrested) == expected


def test_old_scheme_has_no_second_extension():
    with pytest.raises(ValueError):
        bail_end(date(2022, 6, 2), "second_extension", OLD)
    with pytest.raises(ValueError):
        bail_end(date(2023, 6, 2), "nonsense", NEW)


def test_stage_order():
    assert [s.id for s in BAIL_STAGES] == ["initial", "first_extension", "second_extension",
                                           "complex", "court"]
    assert [s.id for s in OLD_BAIL_STAGES] == ["initial", "first_extension", "court"]
    chain, stage = [], "initial"
    while stage:
        chain.append(stage)
        stage = next_stage(stage, NEW)
    assert chain == [s.id for s in BAIL_STAGES]
    assert next_stage("initial", OLD) == "first_extension"
    assert next_stage("first_extension", OLD) == "court"
    assert next_stage("court", OLD) is None


@pytest.mark.parametrize("stage, arrested, expected", [
    ("initial", NEW, "an inspector or above"),
    ("first_extension", NEW, "a superintendent or above"),
    ("complex", NEW, "a magistrates' court"),
    ("court", NEW, "a magistrates' court"),
    ("initial", OLD, "a superintendent or above"),
    ("first_extension", OLD, "a magistrates' court"),
])
def test_next_authority(stage, arrested, expected):
    assert next_authority(stage, arrested) == expected


def test_next_authority_after_second_extension_names_both_routes():
    text = next_authority("second_extension", NEW)
    assert "commander or assistant chief constable" in text
    assert "exceptionally complex" in text and "magistrates' court" in text


def test_rule_ids_exist_and_warning_date():
    for stage in [s.id for s in BAIL_STAGES]:
        assert bail_rule_id(stage, NEW) in RULES
    assert bail_rule_id("initial", OLD) == "BAIL-OLD"
    assert bail_warning_on(date(2024, 2, 29)) == date(2024, 2, 15)
    assert bail_warning_on(date(2024, 2, 29), load_settings({"bail_warning_days": 7})) == date(2024, 2, 22)


def test_periods_follow_settings():
    s = load_settings({"bail_initial_months": 1})
    assert bail_end(date(2023, 3, 1), "initial", NEW, s) == date(2023, 3, 31)
    assert period_end(date(2023, 3, 1), days=1) == date(2023, 3, 1)

"""Settings: defaults, overrides, validation and documentation of every rule."""

import dataclasses
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from scoring.settings import RuleSettings, describe_settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_match_domain_reference():
    s = load_settings()
    assert (s.due_soon_days, s.victim_contact_days_standard, s.victim_contact_days_enhanced) == (7, 5, 1)
    assert (s.victim_update_days, s.first_review_days, s.review_interval_days) == (28, 7, 28)
    assert (s.oel_interval_days, s.rui_review_days, s.summary_limit_months) == (14, 28, 6)
    assert (s.s39a_limit_years, s.s39a_statement_months, s.recording_limit_hours) == (2, 6, 24)
    assert s.s39a_in_force == date(2022, 6, 28)
    assert s.pace_2022_commencement == date(2022, 10, 28)
    assert s.bail_warning_days == 14
    assert s.positive_outcomes == frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 22})
    assert s.forward_horizons == (7, 14, 28, 90)
    assert (s.demand_jump_ratio, s.demand_jump_min_new) == (1.5, 5)
    assert s.bank_holiday_region == "ENG"


def test_every_field_documented_with_source():
    for f in dataclasses.fields(RuleSettings):
        assert f.metadata.get("doc"), f.name
        assert f.metadata.get("source") in {"law", "official", "policy"}, f.name


def test_describe_settings_lists_every_field():
    rows = describe_settings()
    assert [r["name"] for r in rows] == [f.name for f in dataclasses.fields(RuleSettings)]
    for r in rows:
        assert {"name", "default", "doc", "source"} <= set(r)
    by_name = {r["name"]: r for r in describe_settings(load_settings({"due_soon_days": 3}))}
    assert by_name["due_soon_days"]["value"] == 3 and by_name["due_soon_days"]["changed"]
    assert by_name["positive_outcomes"]["default_text"] == "1, 2, 3, 4, 5, 6, 7, 8, 9, 22"


def test_unknown_name_rejected_and_named():
    with pytest.raises(ValueError, match="due_son_days"):
        load_settings({"due_son_days": 3})


def test_lists_and_strings_converted():
    s = load_settings({"positive_outcomes": [1, 2, 3, 4, 6, 7], "forward_horizons": [7, 30],
                       "pace_2022_commencement": "2022-10-28", "due_soon_days": "10"})
    assert s.positive_outcomes == frozenset({1, 2, 3, 4, 6, 7})
    assert s.forward_horizons == (7, 30)
    assert s.pace_2022_commencement == date(2022, 10, 28)
    assert s.due_soon_days == 10
    hash(s)  # frozen and hashable, so it can key a cache


@pytest.mark.parametrize("overrides", [
    {"due_soon_days": -1}, {"due_soon_days": 2.5}, {"due_soon_days": "soon"},
    {"demand_jump_ratio": 0}, {"forward_horizons": []}, {"s39a_needs_statement": "maybe"},
    {"bail_first_extension_months": 2},
])
def test_bad_values_rejected(overrides):
    with pytest.raises(ValueError):
        load_settings(overrides)


def test_scoring_imports_no_web_or_database_code():
    code = ("import sys, scoring.settings, scoring.calendar, scoring.bail, scoring.deadlines, "
            "scoring.cdi, scoring.categories, scoring.worklist, scoring.demand\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('dash', 'flask', 'sqlalchemy', "
            "'data_access', 'psycopg')]\n"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

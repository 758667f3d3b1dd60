"""Deadline rules: time limits (s127 and s39A), follow-on tasks and rule explanations."""

from datetime import date

import pytest

from scoring.cdi import CDI_RULES
from scoring.deadlines import (RULES, explain, first_review_due, named_suspect_due, next_due,
                               summary_time_limit, time_limit_rule)
from scoring.settings import load_settings


@pytest.mark.parametrize("occurred, summary, da, statement, expected, rule", [
    # Either-way or indictable: no limit.
    (date(2023, 5, 1), False, False, None, None, None),
    # Summary-only: 6 months from the offence, month ends clamped.
    (date(2023, 1, 15), True, False, None, date(2023, 7, 15), "TL-S127"),
    (date(2023, 8, 31), True, False, None, date(2024, 2, 29), "TL-S127"),
    (date(2022, 8, 31), True, False, None, date(2023, 2, 28), "TL-S127"),
    # DA common assault before s39A came into force: still 6 months.
    (date(2022, 6, 1), True, True, date(2022, 7, 1), date(2022, 12, 1), "TL-S127"),
    (date(2022, 6, 27), True, True, None, date(2022, 12, 27), "TL-S127"),
    # On the commencement date s39A applies once a statement exists.
    (date(2022, 6, 28), True, True, date(2022, 7, 1), date(2023, 1, 1), "TL-S39A"),
    # Statement 20 months after the offence: the 2-year cap wins.
    (date(2022, 7, 1), True, True, date(2024, 3, 1), date(2024, 7, 1), "TL-S39A"),
    # Statement soon after: statement + 6 months wins.
    (date(2022, 7, 1), True, True, date(2022, 7, 15), date(2023, 1, 15), "TL-S39A"),
    # No statement yet: s39A cannot run, so s127's 6 months applies (default s39a_needs_statement).
    (date(2024, 2, 29), True, True, None, date(2024, 8, 29), "TL-S127"),
])
def test_summary_time_limit(occurred, summary, da, statement, expected, rule):
    assert summary_time_limit(occurred, summary, da, statement) == expected
    assert time_limit_rule(occurred, summary, da, statement) == rule


def test_s39a_needs_statement_off_shows_the_two_year_outer_limit():
    s = load_settings({"s39a_needs_statement": False})
    assert summary_time_limit(date(2023, 1, 10), True, True, None, s) == date(2025, 1, 10)
    assert time_limit_rule(date(2023, 1, 10), True, True, None, s) == "TL-S39A"
    assert summary_time_limit(date(2023, 1, 10), True, True, date(2023, 3, 1), s) == date(2023, 9, 1)


def test_limits_follow_settings():
    s = load_settings({"summary_limit_months": 12})
    assert summary_time_limit(date(2023, 1, 15), True, False, None, s) == date(2024, 1, 15)


@pytest.mark.parametrize("kind, expected", [
    ("supervisor_review", date(2026, 4, 7)),
    ("oel_update", date(2026, 3, 24)),
    ("victim_contact", date(2026, 4, 7)),
    ("rui", date(2026, 4, 7)),
    ("bail", None),
    ("cdi", None),
])
def test_next_due(kind, expected):
    assert next_due(kind, date(2026, 3, 10)) == expected


def test_first_review_and_named_suspect():
    assert first_review_due(date(2026, 3, 10)) == date(2026, 3, 17)
    assert first_review_due(date(2026, 3, 10), load_settings({"first_review_days": 3})) == date(2026, 3, 13)
    assert named_suspect_due(date(2026, 3, 10)) == date(2026, 4, 7)


REQUIRED = ["REV-FIRST", "REV-PERIODIC", "OEL-14", "VC-ENH", "VC-STD", "VC-UPDATE", "BAIL-INITIAL",
            "BAIL-EXT1", "BAIL-EXT2", "BAIL-COMPLEX", "BAIL-OLD", "RUI-REVIEW", "FTS", "TL-S127",
            "TL-S39A", "NS-ARREST"]


def test_rules_complete():
    from scoring.categories import CATEGORY_BY_ID

    assert set(REQUIRED) <= set(RULES)
    for rule_id, rule in RULES.items():
        assert rule["kind"] in CATEGORY_BY_ID, rule_id
        assert rule["title"] and rule["explanation"], rule_id
        assert "{" not in rule["explanation"], rule_id


def test_explanations_use_the_settings_in_force():
    assert "within 5 working days" in explain("VC-STD")
    assert "within 1 working day " in explain("VC-ENH")
    s = load_settings({"victim_contact_days_standard": 3, "oel_interval_days": 10,
                       "victim_contact_days_enhanced": 2, "recording_limit_hours": 48})
    assert "within 3 working days" in explain("VC-STD", s)
    assert "within 2 working days" in explain("VC-ENH", s)
    assert "every 10 days" in explain("OEL-14", s)
    assert "48 hours" in explain("CDI-01", s)


def test_explain_covers_cdi_rules_and_rejects_unknown():
    for rule in CDI_RULES:
        assert explain(rule["rule_id"]) == rule["explanation"]
    with pytest.raises(KeyError):
        explain("NOPE-1")

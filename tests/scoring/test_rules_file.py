"""One rules file for every capability: sections, type checks and the names of mistakes."""

import json

import pytest

from data_access.store import open_store
from scoring.rules_file import load_rules
from scoring.settings_strategic import DEFAULT_STRATEGIC


def test_sections_override_only_their_own_capability():
    rules = load_rules({"due_soon_days": 5,
                        "productivity": {"tutor_reduction": 0.15, "core_skills": ["Driving"]},
                        "frequent_service_users": {"fsu_normalisation": "minmax"},
                        "strategic": {"suppression_threshold": 5, "home_force": "kent",
                                      "own_area_categories": {"burglary": ["residential burglary"]}}})
    assert rules.core.due_soon_days == 5
    assert rules.productivity.tutor_reduction == 0.15 and rules.productivity.core_skills == ("Driving",)
    assert rules.fsu.fsu_normalisation == "minmax"
    assert rules.strategic.suppression_threshold == 5 and rules.strategic.home_force == "kent"
    assert rules.strategic.own_categories("burglary") == ("residential burglary",)
    assert rules.strategic.areas == DEFAULT_STRATEGIC.areas  # untouched settings keep their defaults
    assert load_rules({}).strategic is None and load_rules(None).productivity is None


def test_a_new_area_can_be_added():
    areas = [list(a[:2]) + [list(a[2])] for a in DEFAULT_STRATEGIC.areas]
    areas.append(["robbery", "Robbery", ["recorded_per_1000_officers", "positive_outcome_rate"]])
    rules = load_rules({"strategic": {"areas": areas}})
    assert "robbery" in rules.strategic.area_ids()
    assert rules.strategic.basket("robbery") == ("recorded_per_1000_officers", "positive_outcome_rate")


@pytest.mark.parametrize("data, named", [
    ({"productivity": {"tutor_reductions": 0.1}}, "tutor_reductions"),
    ({"strategic": {"suppression_threshold": "ten"}}, "suppression_threshold"),
    ({"strategic": {"suppression_threshold": 2.5}}, "suppression_threshold"),
    ({"strategic": {"suppression_threshold": True}}, "suppression_threshold"),
    ({"strategic": {"quadrant_split": 1.5}}, "quadrant_split"),
    ({"strategic": {"areas": [["robbery", "Robbery", ["made_up_measure"]]]}}, "areas"),
    ({"strategic": 5}, "strategic"),
    ({"strategic": {"areas": []}}, "areas"),
    ({"strategic": {"own_area_categories": [["burglary", "residential burglary"]]}}, "own_area_categories"),
    ({"strategic": {"area_offences": [["burglary"]]}}, "area_offences"),
    ({"productivity": {"criteria_weights": {"work_availability": 1}}}, "criteria_weights"),
    ({"no_such_rule": 1}, "no_such_rule"),
])
def test_a_mistake_is_refused_naming_the_setting(data, named):
    with pytest.raises(ValueError, match=named):
        load_rules(data)


def test_open_store_applies_every_section(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"strategic": {"suppression_threshold": 5, "home_force": "kent"},
                                "productivity": {"trend_rolling_days": 14}}))
    store = open_store(f"sqlite:///{tmp_path / 'b.db'}", tmp_path / "cache", str(path))
    assert store.strategic.suppression_threshold == 5 and store.productivity_settings.trend_rolling_days == 14
    assert store.fsu_settings is None
    path.write_text(json.dumps({"strategic": {"home_force": "atlantis"}}))
    with pytest.raises(ValueError, match="home_force"):
        open_store(f"sqlite:///{tmp_path / 'c.db'}", tmp_path / "cache", str(path))


def test_a_retired_setting_is_ignored_with_a_warning(caplog):
    rules = load_rules({"worklist_row_limit": 500, "due_soon_days": 5})
    assert rules.core.due_soon_days == 5 and not hasattr(rules.core, "worklist_row_limit")
    assert "worklist_row_limit is retired" in caplog.text

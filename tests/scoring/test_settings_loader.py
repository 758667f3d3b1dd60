"""One loader for every section of the rules file: the same conversions, limits and messages everywhere."""

import dataclasses
import json
from datetime import date

import pytest

from scoring.rules_file import SECTIONS, load_rules, read_rules_file
from scoring.settings import RuleSettings
from scoring.settings_fsu import FsuSettings
from scoring.settings_productivity import ProductivitySettings
from scoring.settings_strategic import StrategicSettings

CLASSES = {None: RuleSettings, **SECTIONS}


def _as_json(value):
    """A setting value as a rules file would write it."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [_as_json(v) for v in value]
    return value


def _rules(section, overrides) -> dict:
    return overrides if section is None else {section: overrides}


def _loaded(section, data):
    rules = load_rules(data)
    return rules.core if section is None else {"productivity": rules.productivity, "frequent_service_users": rules.fsu,
                                               "strategic": rules.strategic}[section]


@pytest.mark.parametrize("section", list(CLASSES))
def test_every_default_written_as_json_reads_back_unchanged(section):
    cls = CLASSES[section]
    defaults = cls()
    data = json.loads(json.dumps({f.name: _as_json(getattr(defaults, f.name)) for f in dataclasses.fields(cls)}))
    assert _loaded(section, _rules(section, data)) == defaults


def _whole_number_settings():
    for section, cls in CLASSES.items():
        for f in dataclasses.fields(cls):
            if isinstance(f.default, int) and not isinstance(f.default, bool):
                yield section, f.name, f.default


@pytest.mark.parametrize("section, name, default", list(_whole_number_settings()))
def test_whole_numbers_read_alike_in_every_section(section, name, default):
    for written in (default, float(default), str(default)):
        assert getattr(_loaded(section, _rules(section, {name: written})), name) == default
    for wrong in (default + 0.5, True, "soon", [default], -1):
        with pytest.raises(ValueError, match=name):
            load_rules(_rules(section, {name: wrong}))


@pytest.mark.parametrize("section, name, wrong", [
    ("productivity", "core_skills", "Independent patrol"),  # one name is not a list of names
    ("frequent_service_users", "fsu_priority_categories", "robbery"),
    (None, "forward_horizons", 7),
    ("frequent_service_users", "fsu_theme_keywords", [["DA"]]),
    ("strategic", "area_offences", [["burglary"]]),
    (None, "pace_2022_commencement", "28/10/2022"),
    (None, "s39a_needs_statement", "maybe"),
    ("strategic", "home_force", 5),
    ("frequent_service_users", "fsu_normalisation", "zscore"),
])
def test_a_value_of_the_wrong_shape_is_refused_naming_the_setting(section, name, wrong):
    with pytest.raises(ValueError, match=name):
        load_rules(_rules(section, {name: wrong}))


@pytest.mark.parametrize("section, name, value", [
    ("productivity", "trend_rolling_days", 0),
    ("productivity", "productivity_history_days", 0),
    ("productivity", "full_time_weekly_hours", 0),
    ("strategic", "recommendation_limit", 0),
    ("strategic", "territorial_forces", 0),
    (None, "demand_baseline_weeks", 0),
    ("frequent_service_users", "fsu_list_top_n", 0),
])
def test_a_value_that_would_divide_by_zero_or_show_nothing_is_refused(section, name, value):
    with pytest.raises(ValueError, match=name):
        load_rules(_rules(section, {name: value}))


def test_pairs_may_be_written_as_an_object_in_every_section():
    rules = load_rules({"productivity": {"shift_norm_weekly_hours": {"8": 40, "12": 42}},
                        "frequent_service_users": {"fsu_theme_keywords": {"MH": "crisis"}},
                        "strategic": {"own_area_categories": {"burglary": ["residential burglary"]}}})
    assert rules.productivity.shift_norm_weekly_hours == ((8, 40.0), (12, 42.0))
    assert rules.productivity.shift_norm(11.5) == 42.0  # the shift lengths are numbers, not text
    assert rules.fsu.fsu_theme_keywords == (("MH", "crisis"),)
    assert rules.strategic.own_categories("burglary") == ("residential burglary",)


def test_settings_built_in_code_are_checked_the_same_way():
    assert RuleSettings(due_soon_days="5").due_soon_days == 5
    with pytest.raises(ValueError, match="due_soon_days"):
        RuleSettings(due_soon_days=2.5)
    with pytest.raises(ValueError, match="fsu_top_mean_n"):
        FsuSettings(fsu_top_mean_n=0)
    with pytest.raises(ValueError, match="suppression_threshold"):
        StrategicSettings(suppression_threshold=0)
    assert ProductivitySettings(core_skills=["Driving"]).core_skills == ("Driving",)
    hash(ProductivitySettings(core_skills=["Driving"]))  # frozen and hashable, so it can key a cache


def test_a_rules_file_that_is_not_an_object_of_settings_is_refused(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="object"):
        read_rules_file(path)
    path.write_text("{due_soon_days: 5}")
    with pytest.raises(ValueError, match="JSON"):
        read_rules_file(path)
    assert read_rules_file(None).core == RuleSettings()

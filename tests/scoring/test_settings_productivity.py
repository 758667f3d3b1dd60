"""Productivity settings: documented in docs/productivity.md and validated."""

from pathlib import Path

import pytest

from scoring.settings_productivity import ProductivitySettings, describe_productivity_settings

DOC = (Path(__file__).resolve().parents[2] / "docs" / "productivity.md").read_text()


def test_every_setting_is_documented():
    missing = [d["name"] for d in describe_productivity_settings() if f"`{d['name']}`" not in DOC]
    assert not missing, missing


def test_weights_normalise():
    assert sum(ProductivitySettings().weights().values()) == pytest.approx(1.0)


@pytest.mark.parametrize("override", [
    {"tutor_reduction": 1.5},
    {"criteria_weights": (("work_availability", 1.0),)},
    {"criteria_directions": tuple((c, "up") for c, _ in ProductivitySettings().criteria_directions)},
    {"availability_window_days": 0},
])
def test_bad_settings_are_refused(override):
    with pytest.raises(ValueError):
        ProductivitySettings(**override)


def test_shift_norm_picks_the_nearest_pattern():
    st = ProductivitySettings()
    assert st.shift_norm(8) == 40.0 and st.shift_norm(10.2) == 42.0 and st.shift_norm(12) == 42.0

"""Rank, quadrant, recommendation and suppression logic on hand-made cases."""

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import benchmarking as bm
from scoring.settings_strategic import MEASURES, describe_strategic_settings

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "strategic.md"


def _tidy(measure, values: dict) -> pd.DataFrame:
    return pd.DataFrame([{"unit": u, "period": "2017/18", "measure": measure, "value": v, "n": 100}
                         for u, v in values.items()])


def test_lower_is_better_and_higher_is_better():
    lower = bm.performance_ranks(_tidy("use_of_force_per_officer", {"a": 1.0, "b": 3.0, "c": 2.0}),
                                 ("use_of_force_per_officer",))
    higher = bm.performance_ranks(_tidy("positive_outcome_rate", {"a": 1.0, "b": 3.0, "c": 2.0}),
                                  ("positive_outcome_rate",))
    assert list(lower["unit"]) == ["a", "c", "b"] and list(higher["unit"]) == ["b", "c", "a"]
    assert list(lower["rank"]) == [1, 2, 3] and set(lower["ranked_of"]) == {3}


def test_basket_blends_measures_and_skips_thin_ones():
    tidy = pd.concat([_tidy("use_of_force_per_officer", {"a": 1, "b": 2, "c": 3, "d": 4}),
                      _tidy("positive_outcome_rate", {"a": 10, "b": 40, "c": 30, "d": 20}),
                      _tidy("stop_search_arrest_rate", {"d": 99})])  # one force only: counts for nobody
    ranks = bm.performance_ranks(tidy, ("use_of_force_per_officer", "positive_outcome_rate",
                                        "stop_search_arrest_rate"), min_units=3)
    scores = dict(zip(ranks["unit"], ranks["score"].round(3)))
    assert scores == {"a": 0.5, "b": round((2 / 3 + 1) / 2, 3), "c": 0.5, "d": round((0 + 1 / 3) / 2, 3)}
    assert ranks.set_index("unit").loc["b", "rank"] == 1
    assert set(ranks["measures_used"]) == {2}
    # Ties share the better rank.
    assert ranks.set_index("unit").loc[["a", "c"], "rank"].tolist() == [2, 2]


def test_no_measure_with_enough_forces_means_no_ranks():
    assert bm.performance_ranks(_tidy("use_of_force_per_officer", {"a": 1, "b": 2}), ("use_of_force_per_officer",),
                                min_units=3).empty


def test_cost_ranks_lowest_first_and_quadrants():
    costs = pd.DataFrame({"unit": ["a", "b", "c", "d"], "cost_per_officer": [10.0, 40.0, 20.0, None]})
    ranks = bm.cost_ranks(costs)
    assert list(ranks["unit"]) == ["a", "c", "b"] and list(ranks["cost_rank"]) == [1, 2, 3]
    assert bm.quadrant(1, 4, 1, 4) == "Higher performance, lower cost"
    assert bm.quadrant(1, 4, 4, 4) == "Higher performance, higher cost"
    assert bm.quadrant(3, 4, 2, 4) == "Lower performance, lower cost"
    assert bm.quadrant(4, 4, None, None) == "Lower performance, no cost data"
    assert bm.quadrant(None, None, 1, 4) == "Not ranked on performance"
    assert bm.better_half(3, 5) is True and bm.better_half(4, 5) is False


def test_recommendations_are_tactics_of_better_peers_with_evidence():
    ranks = pd.DataFrame({"unit": ["a", "b", "c", "d", "e"], "rank": [1, 2, 3, 4, 5]})
    tactics = pd.DataFrame([
        ("a", "Hotspot patrols", True), ("b", "Hotspot patrols", True), ("d", "Hotspot patrols", True),
        ("a", "Drones", True), ("e", "Drones", True), ("e", "Dogs", True),
        ("b", "Online reporting", True), ("c", "Online reporting", True),  # c already uses it
        ("a", "Horses", False),  # recorded but not in use: never recommended
    ], columns=["unit", "tactic", "in_use"])
    recs = bm.recommendations(tactics, ranks, "c")
    assert [r["tactic"] for r in recs] == ["Hotspot patrols", "Drones"]
    hot = recs[0]
    assert (hot["better_using"], hot["better_total"], hot["others_using"], hot["others_total"]) == (2, 2, 1, 2)
    assert hot["peers"] == [("a", 1), ("b", 2)]
    assert bm.recommendations(tactics, ranks, "a") == []  # nobody is better than the best
    unranked = bm.recommendations(tactics, ranks, "z")  # an unranked force learns from every ranked one
    assert {r["tactic"] for r in unranked} == {"Hotspot patrols", "Drones", "Dogs", "Online reporting"}


def test_trend_ranks_each_period():
    tidy = pd.concat([_tidy("use_of_force_per_officer", {"a": 1, "b": 2, "c": 3}).assign(period="2017/18"),
                      _tidy("use_of_force_per_officer", {"a": 3, "b": 2, "c": 1}).assign(period="2018/19")])
    trend = bm.rank_trend(tidy, ("use_of_force_per_officer",))
    assert trend[trend["unit"] == "a"]["rank"].tolist() == [1, 3]


def test_kpi_tile_figures():
    tile = bm.kpi(5.0, 4.0, 12, 43)
    assert tile["change"] == 1.0 and tile["coverage"] == "12 of 43 forces"
    empty = bm.kpi(None, 4.0, 0, 43)
    assert empty["value"] is None and empty["change"] is None  # no data is never shown as 0


def test_suppression():
    assert [bm.suppress(n, 10) for n in (0, 1, 9, 10, 250, None)] == [0, None, None, 10, 250, None]


@pytest.mark.parametrize("numerator, denominator, withheld", [
    (0, 50, False), (50, 50, False), (25, 50, False), (10, 20, False),
    (3, 50, True),    # 3 arrests would be given away by the rate and its count
    (47, 50, True),   # so would 3 searches without one
    (5, 5, True), (None, 50, True), (0, 0, False),
])
def test_a_rate_is_withheld_when_it_gives_away_a_small_count(numerator, denominator, withheld):
    assert bm.withhold_rate(numerator, denominator, 10) is withheld


@settings(deadline=None)  # no wall-clock limits in tests: CI machines are shared
@given(st.dictionaries(st.sampled_from("abcdefghij"), st.floats(0, 1000, allow_nan=False), min_size=3))
def test_ranks_are_a_permutation_with_ties(values):
    ranks = bm.performance_ranks(_tidy("use_of_force_per_officer", values), ("use_of_force_per_officer",))
    assert len(ranks) == len(values)
    assert ranks["rank"].min() == 1 and ranks["rank"].max() <= len(values)
    best = min(values.values())
    assert set(ranks.loc[ranks["rank"] == 1, "unit"]) == {u for u, v in values.items() if v == best}


def test_every_measure_says_which_way_is_better():
    assert all(m["better"] in ("lower", "higher") and m["method"] for m in MEASURES.values())


def test_every_strategic_setting_is_documented():
    text = DOC.read_text()
    missing = [d["name"] for d in describe_strategic_settings() if f"`{d['name']}`" not in text]
    assert not missing, f"settings missing from docs/strategic.md: {missing}"


def test_internal_rates_from_small_counts_are_flagged():
    tidy = pd.DataFrame([
        ("North", "recorded_per_1000_officers", 40.0, 200), ("South", "recorded_per_1000_officers", 3.0, 6),
        ("North", "positive_outcome_rate", 95.0, 100),  # 5 not positive: a small count behind the rate
        ("South", "positive_outcome_rate", 50.0, 40),
    ], columns=["unit", "measure", "value", "n"])
    flagged = bm.small_numbers(tidy, 10, {"positive_outcome_rate"})
    assert flagged == {("South", "recorded_per_1000_officers"), ("North", "positive_outcome_rate")}

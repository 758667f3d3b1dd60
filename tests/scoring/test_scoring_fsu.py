"""The frequent-service-user method on small hand-computed fixtures, and its properties."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from scoring import fsu as m
from scoring.settings_fsu import FsuSettings, load_fsu_settings

T = datetime(2026, 1, 10, 10, 0)


def _h(hours):
    return T + pd.Timedelta(hours=hours)


def _totals(rows: dict) -> pd.DataFrame:
    """person_id -> dict of non-zero totals."""
    df = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(m.TOTALS)).fillna(0.0)
    df.index.name = "person_id"
    return df


def test_window_is_twelve_months_before_the_run_date():
    assert m.window_start(datetime(2026, 11, 22), 12) == pd.Timestamp(2025, 11, 22)
    assert m.window_start(datetime(2024, 2, 29), 12) == pd.Timestamp(2023, 2, 28)


def test_custody_hours_clamped_to_zero_and_cap():
    arrived = pd.Series([T, T, T, T])
    released = pd.Series([_h(-5), _h(250), _h(10), None])
    got = m.custody_hours(arrived, released, 200, as_of=_h(30)).tolist()
    assert got == [0.0, 200.0, 10.0, 30.0]
    assert m.custody_hours(arrived[3:], released[3:], 200).tolist() == [0.0]


def test_resource_hours_from_earliest_start_to_release_summed_over_resources():
    deps = pd.DataFrame({
        "incident_id": [1, 1, 1, 2, 2],
        "assigned_at": [_h(0), None, _h(0), _h(5), _h(1)],
        "deployed_at": [_h(1 / 12), _h(0.5), None, None, None],
        "arrived_at": [_h(1 / 3), None, None, _h(4), None],
        "released_at": [_h(1), _h(2), None, _h(6), _h(0)],  # 1.0 + 1.5 + no release; 2.0 + negative
    })
    got = m.incident_resource_hours(deps)
    assert got[1] == pytest.approx(2.5)
    assert got[2] == pytest.approx(2.0)


def test_nine_totals_hand_computed():
    roles = pd.DataFrame({"person_id": [1, 1, 1, 1, 2, 2], "crime_id": [10, 10, 11, 12, 10, 13],
                          "role": ["suspect", "suspect", "offender", "victim", "victim", "witness"]})
    custody = pd.DataFrame({"person_id": [1, 1], "hours": [10.0, 200.0]})
    links = pd.DataFrame({"incident_id": [100, 100, 101, 102, 101],
                          "role": ["originator", "originator", "originator", "subject", "subject"],
                          "person_id": [1, 1, 1, 1, 2]})
    hours = pd.Series({100: 1.5, 101: 2.0, 102: 0.25})
    t = m.compute_totals(roles, custody, links, hours)
    assert t.loc[1].tolist() == [1, 1, 1, 2, 210.0, 2, 3.5, 1, 0.25]
    assert t.loc[2].tolist() == [0, 0, 1, 0, 0.0, 0, 0.0, 1, 2.0]


def test_top_mean_uses_the_largest_non_zero_values_and_all_when_fewer():
    assert m.top_mean(np.array([0.0, 2.0, 4.0]), 1000) == 3.0
    assert m.top_mean(np.array([1.0, 2.0, 3.0, 4.0, 0.0]), 2) == 3.5
    assert m.top_mean(np.zeros(4), 1000) == 0.0


def test_normalisation_reading_a_caps_at_one():
    t = _totals({1: {"suspect": 8}, 2: {"suspect": 4}, 3: {"suspect": 1}, 4: {"victim": 1}})
    s = FsuSettings(fsu_top_mean_n=2)  # top-2 mean of suspect = 6
    scores, ratios = m.normalise(t, s)
    assert scores["suspect"].tolist() == pytest.approx([1.0, 4 / 6, 1 / 6, 0.0])
    assert ratios["suspect"].tolist() == pytest.approx([8 / 6, 4 / 6, 1 / 6, 0.0])


def test_normalisation_reading_b_divides_by_the_maximum():
    t = _totals({1: {"suspect": 8}, 2: {"suspect": 4}, 3: {"suspect": 1}})
    scores, _ = m.normalise(t, FsuSettings(fsu_top_mean_n=2, fsu_normalisation="minmax"))
    assert scores["suspect"].tolist() == pytest.approx([1.0, 0.5, 0.125])


def test_metric_is_the_mean_of_its_totals():
    t = _totals({1: {"orig_calls": 2, "orig_hours": 1}, 2: {"orig_calls": 1, "orig_hours": 3}})
    r = m.score_and_rank(t, FsuSettings())
    # top means: calls 1.5, hours 2 -> person 1: (1 + 0.5) / 2, person 2: (2/3 + 1) / 2
    assert r.loc[1, "score_originator"] == pytest.approx(0.75)
    assert r.loc[2, "score_originator"] == pytest.approx((2 / 3 + 1) / 2)
    assert r.loc[2, "rank_originator"] == 1 and r.loc[1, "rank_originator"] == 2
    assert r.loc[1, "score_overall"] == pytest.approx(1.5 / 9)


def test_ties_at_the_cap_are_broken_by_the_uncapped_ratio_then_shared():
    # Top-4 mean of victim is 6: persons 1 and 2 both cap at 1; 10 is further above the mean than 6.
    t = _totals({1: {"victim": 6}, 2: {"victim": 10}, 3: {"victim": 4}, 4: {"victim": 4}})
    r = m.score_and_rank(t, FsuSettings(fsu_top_mean_n=4))
    assert r.loc[1, "score_inv_custody"] == r.loc[2, "score_inv_custody"]
    assert r.loc[2, "rank_inv_custody"] == 1 and r.loc[1, "rank_inv_custody"] == 2
    # Identical people share a rank and the next rank is skipped (1, 2, 3, 3).
    assert r.loc[3, "rank_inv_custody"] == 3 and r.loc[4, "rank_inv_custody"] == 3


def test_competition_rank_examples():
    assert m.competition_rank([np.array([0.5, 0.9, 0.5, 0.1])]).tolist() == [2, 1, 2, 4]
    assert m.competition_rank([np.array([1.0, 1.0]), np.array([2.0, 3.0])]).tolist() == [2, 1]


def test_list_is_the_distinct_union_of_each_metrics_top_n():
    t = _totals({1: {"suspect": 9, "victim": 9}, 2: {"orig_calls": 9}, 3: {"subj_calls": 9}, 4: {"victim": 1},
                 5: {"orig_calls": 1}})
    r = m.score_and_rank(t, FsuSettings(fsu_list_top_n=1))
    # Tops: inv_custody and overall -> 1, originator -> 2, subject -> 3; 4 and 5 are second everywhere.
    assert set(r.index[r["listed"]]) == {1, 2, 3}


def test_people_with_no_interaction_are_not_ranked():
    t = _totals({1: {"suspect": 1}, 2: {}})
    assert list(m.score_and_rank(t, FsuSettings()).index) == [1]


def test_themes_from_flags_marker_and_keywords():
    kw = FsuSettings().fsu_theme_keywords
    assert m.crime_themes("MH,ALC", False, None, kw) == {"MH"}
    assert m.crime_themes("", True, "", kw) == {"DA"}
    assert m.crime_themes(None, False, "Concern: child abuse disclosed", kw) == {"CA"}


totals_strategy = st.dictionaries(
    st.integers(1, 60),
    st.fixed_dictionaries({c: st.integers(0, 6) for c in m.TOTALS}),
    min_size=1, max_size=40)


@hsettings(max_examples=60, deadline=None)
@given(totals_strategy, st.sampled_from(["cap", "minmax"]), st.integers(1, 10))
def test_adding_a_person_with_no_interactions_changes_nobodys_rank(rows, reading, top_n):
    s = FsuSettings(fsu_top_mean_n=top_n, fsu_normalisation=reading, fsu_list_top_n=5)
    before = m.score_and_rank(_totals(rows), s)
    after = m.score_and_rank(_totals({**rows, 999: {}}), s)
    cols = [f"rank_{k}" for k in m.METRICS] + ["listed"]
    pd.testing.assert_frame_equal(before[cols], after.loc[before.index, cols])


@hsettings(max_examples=60, deadline=None)
@given(totals_strategy, st.lists(st.sampled_from(["1", "2", "unknown"]), max_size=2),
       st.lists(st.sampled_from(["DA", "MH", "CSE", "CA", "MISSING"]), max_size=2))
def test_filters_never_change_ranks(rows, lpas, themes):
    r = m.score_and_rank(_totals(rows), FsuSettings()).reset_index()
    n = len(r)
    r["lpa_id"] = [None if i % 3 == 0 else 1 + i % 2 for i in range(n)]
    for j, c in enumerate(("theme_da", "theme_mh", "theme_cse", "theme_ca")):
        r[c] = [(i + j) % 2 == 0 for i in range(n)]
    r["missing_count"] = [i % 4 for i in range(n)]
    r["categories"] = ["robbery" if i % 2 else "" for i in range(n)]
    shown = m.filter_list(r, lpas, themes, ["robbery"])
    full = r.set_index("person_id")
    for metric in m.METRICS:
        assert (shown.set_index("person_id")[f"rank_{metric}"] == full.loc[shown["person_id"], f"rank_{metric}"]).all()
    assert set(shown["person_id"]) <= set(r["person_id"])


def test_settings_reject_bad_values():
    with pytest.raises(ValueError):
        load_fsu_settings({"fsu_normalisation": "zscore"})
    with pytest.raises(ValueError):
        load_fsu_settings({"fsu_top_mean_n": 0})
    with pytest.raises(ValueError):
        load_fsu_settings({"no_such": 1})
    s = load_fsu_settings({"fsu_theme_keywords": {"MH": "crisis"}, "fsu_top_mean_n": 500})
    assert s.fsu_theme_keywords == (("MH", "crisis"),) and s.fsu_top_mean_n == 500


# ----- ranks do not depend on the order of the records ----------------------------------------------
RANKS = [f"rank_{k}" for k in m.METRICS]


def _ranked(roles, custody, links, deployments, settings) -> pd.DataFrame:
    """The run's pure pipeline from raw records: custody stays, resource time per incident, totals, ranks."""
    stays = pd.DataFrame({"person_id": custody["person_id"],
                          "hours": m.custody_hours(custody["arrived"], custody["released"],
                                                   settings.fsu_custody_hours_cap)})
    totals = m.compute_totals(roles, stays, links, m.incident_resource_hours(deployments))
    return m.score_and_rank(totals, settings)


def _frames(people: dict, incidents: list) -> tuple:
    """Record frames from person_id -> {"crimes": [(crime, role)], "stays": [minutes], "calls": [(incident, role)]}."""
    roles = pd.DataFrame([(p, c, r) for p, rec in people.items() for c, r in rec["crimes"]],
                         columns=["person_id", "crime_id", "role"])
    custody = pd.DataFrame([(p, T, T + pd.Timedelta(minutes=mins)) for p, rec in people.items() for mins in rec["stays"]],
                           columns=["person_id", "arrived", "released"])
    links = pd.DataFrame([(i, r, p) for p, rec in people.items() for i, r in rec["calls"]],
                         columns=["incident_id", "role", "person_id"])
    deps = pd.DataFrame([(i, T, None, None, T + pd.Timedelta(minutes=mins))
                         for i, resources in enumerate(incidents) for mins in resources],
                        columns=["incident_id", "assigned_at", "deployed_at", "arrived_at", "released_at"])
    return roles, custody, links, deps


def test_two_people_with_the_same_records_share_every_rank_whatever_the_record_order():
    # 1 + 1 + 108 minutes is 1.8333333333333335 hours summed one way and 1.8333333333333333 the other.
    people = {1: {"crimes": [(10, "suspect")], "stays": [1, 1, 108], "calls": []},
              2: {"crimes": [(11, "suspect")], "stays": [108, 1, 1], "calls": []},
              3: {"crimes": [(12, "suspect"), (13, "victim")], "stays": [30], "calls": []}}
    r = _ranked(*_frames(people, []), FsuSettings(fsu_top_mean_n=1))
    assert r.loc[1, "custody_hours"] == r.loc[2, "custody_hours"] == 110 / 60
    for rank in RANKS:
        assert r.loc[1, rank] == r.loc[2, rank], rank


person_records = st.fixed_dictionaries({
    "crimes": st.lists(st.tuples(st.integers(1, 15), st.sampled_from(["suspect", "offender", "victim", "witness"])),
                       max_size=4),
    "stays": st.lists(st.integers(0, 400), max_size=4),
    "calls": st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["originator", "subject"])), max_size=4),
})


@hsettings(max_examples=80, deadline=None)
@given(st.dictionaries(st.integers(1, 40), person_records, min_size=1, max_size=15),
       st.lists(st.lists(st.integers(0, 300), min_size=1, max_size=3), min_size=6, max_size=6),
       st.sampled_from(["cap", "minmax"]), st.integers(1, 6), st.randoms(use_true_random=False))
def test_no_rank_moves_when_the_records_come_in_another_order(people, incidents, reading, top_n, rnd):
    s = FsuSettings(fsu_top_mean_n=top_n, fsu_normalisation=reading)
    # Each person has a twin whose records are the same but listed in reverse: a tie on every key.
    twins = {p + 1000: {k: list(reversed(v)) for k, v in rec.items()} for p, rec in people.items()}
    frames = _frames({**people, **twins}, incidents)
    before = _ranked(*frames, s)
    shuffled = [f.sample(frac=1, random_state=rnd.randrange(2**32)).reset_index(drop=True) for f in frames]
    after = _ranked(*shuffled, s)
    pd.testing.assert_frame_equal(before[RANKS].sort_index(), after[RANKS].sort_index())
    ranked = before.index
    for p in people:
        if p in ranked:
            assert before.loc[p, RANKS].tolist() == before.loc[p + 1000, RANKS].tolist()


def test_rank_bands_count_every_rank_once_and_list_empty_bands():
    from scoring.fsu import rank_band_counts

    assert rank_band_counts([1, 10, 11, 26, 300], (10, 25, 50)) == [
        ("1-10", 2), ("11-25", 1), ("26-50", 1), ("51 or below", 1)]
    assert rank_band_counts([], (10,)) == [("1-10", 0), ("11 or below", 0)]

"""TOPSIS: the published case, and properties of the anchored variant the availability score uses."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.topsis import anchored_topsis, topsis

N = 4
unit = st.floats(min_value=0, max_value=1, allow_nan=False)
rows = st.lists(st.lists(unit, min_size=N, max_size=N), min_size=1, max_size=12)
weights = st.lists(st.floats(min_value=0.01, max_value=1), min_size=N, max_size=N)
directions = st.lists(st.booleans(), min_size=N, max_size=N)


def _refs(benefit):
    ideal = np.where(benefit, 1.0, 0.0)
    return ideal, 1.0 - ideal


def test_published_all_benefit_case():
    # Tzeng and Huang (2011), docs/domain.md section 7.
    c = topsis([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], [0.3, 0.4, 0.3], [True] * 3)
    assert np.round(c, 4).tolist() == [0.5037, 0.6581, 0.7482, 0.3340]
    assert np.argsort(-c).tolist() == [2, 1, 0, 3]


def test_constant_column_does_not_divide_by_zero():
    with np.errstate(all="raise"):
        c = topsis([[0, 1], [0, 2], [0, 3]], [0.5, 0.5], [True, True])
        a = anchored_topsis([[0.5, 0.2]], [0.5, 0.5], [True, True], [0.0, 1.0], [0.0, 0.0])
    assert np.all(np.isfinite(c)) and np.all(np.isfinite(a["score"]))
    assert topsis([[2, 2], [2, 2]], [1, 1], [True, True]).tolist() == [0.5, 0.5]


def test_references_score_one_and_zero():
    ideal, worst = _refs(np.array([True, False, True, True]))
    out = anchored_topsis([ideal, worst], [0.25] * 4, [True, False, True, True], ideal, worst)
    assert out["score"].tolist() == [1.0, 0.0]


def test_wrong_side_reference_is_refused():
    with pytest.raises(ValueError):
        anchored_topsis([[0.5]], [1], [True], [0.0], [1.0])


@settings(max_examples=150, deadline=None)
@given(rows, weights, directions)
def test_scores_in_unit_interval(matrix, w, benefit):
    ideal, worst = _refs(np.array(benefit))
    assert np.all((topsis(matrix, w, benefit) >= 0) & (topsis(matrix, w, benefit) <= 1))
    s = anchored_topsis(matrix, w, benefit, ideal, worst)["score"]
    assert np.all((s >= 0) & (s <= 1 + 1e-12))


@settings(max_examples=150, deadline=None)
@given(rows, weights, directions, st.integers(0, N - 1), unit)
def test_improving_a_benefit_criterion_never_lowers_a_score(matrix, w, benefit, col, bump):
    benefit = list(benefit)
    benefit[col] = True
    ideal, worst = _refs(np.array(benefit))
    before = anchored_topsis(matrix, w, benefit, ideal, worst)["score"]
    better = np.array(matrix, dtype=float)
    better[:, col] = np.minimum(1.0, better[:, col] + bump)
    after = anchored_topsis(better, w, benefit, ideal, worst)["score"]
    assert np.all(after >= before - 1e-12)


@settings(max_examples=150, deadline=None)
@given(rows, weights, directions, st.lists(unit, min_size=N, max_size=N))
def test_adding_or_removing_an_officer_leaves_others_unchanged(matrix, w, benefit, newcomer):
    ideal, worst = _refs(np.array(benefit))
    base = anchored_topsis(matrix, w, benefit, ideal, worst)["score"]
    added = anchored_topsis(matrix + [newcomer], w, benefit, ideal, worst)["score"]
    assert np.allclose(added[:-1], base)
    if len(matrix) > 1:
        removed = anchored_topsis(matrix[1:], w, benefit, ideal, worst)["score"]
        assert np.allclose(removed, base[1:])

"""TOPSIS closeness scores: the classic vector-normalised method and a variant anchored on two references."""

import numpy as np


def _as_arrays(matrix, weights, benefit):
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2:
        raise ValueError("matrix must be two-dimensional")
    w = np.asarray(weights, dtype=float)
    w = w / w.sum() if w.sum() > 0 else w
    b = np.asarray(benefit, dtype=bool)
    if w.shape != (x.shape[1],) or b.shape != (x.shape[1],):
        raise ValueError("one weight and one direction per column")
    return x, w, b


def _safe_divide(x: np.ndarray, norms: np.ndarray) -> np.ndarray:
    # A column with zero spread says nothing about anyone: it normalises to 0 and weighs nothing.
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(norms > 0, x / np.where(norms > 0, norms, 1.0), 0.0)


def _closeness(d_plus: np.ndarray, d_minus: np.ndarray) -> np.ndarray:
    total = d_plus + d_minus
    # Everyone equal to both ideal and anti-ideal (all columns constant): call it the middle.
    return np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)


def topsis(matrix, weights, benefit) -> np.ndarray:
    """Classic TOPSIS (Hwang and Yoon): vector normalisation over the alternatives given; C in [0, 1]."""
    x, w, b = _as_arrays(matrix, weights, benefit)
    if x.shape[0] == 0:
        return np.zeros(0)
    v = _safe_divide(x, np.sqrt((x ** 2).sum(axis=0))) * w
    ideal = np.where(b, v.max(axis=0), v.min(axis=0))
    worst = np.where(b, v.min(axis=0), v.max(axis=0))
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    return _closeness(d_plus, d_minus)


def anchored_topsis(matrix, weights, benefit, ideal_row, worst_row) -> dict:
    """TOPSIS normalised against two fixed reference alternatives, so a score never depends on others.

    Each column is vector-normalised by the norm of the two references only; the ideal and anti-ideal
    points are the references themselves; values beyond a reference are clamped to it. Returns the
    closeness 'score' per row and per-criterion 'gap_plus' / 'gap_minus' (squared weighted distances)
    so the contribution of each criterion can be shown.
    """
    x, w, b = _as_arrays(matrix, weights, benefit)
    ideal = np.asarray(ideal_row, dtype=float)
    worst = np.asarray(worst_row, dtype=float)
    if np.any(b & (ideal < worst)) or np.any(~b & (ideal > worst)):
        raise ValueError("a reference officer lies on the wrong side for a criterion's direction")
    lo, hi = np.minimum(ideal, worst), np.maximum(ideal, worst)
    x = np.clip(x, lo, hi)
    norms = np.sqrt(ideal ** 2 + worst ** 2)
    v = _safe_divide(x, norms) * w
    v_ideal = _safe_divide(ideal, norms) * w
    v_worst = _safe_divide(worst, norms) * w
    gap_plus = (v - v_ideal) ** 2
    gap_minus = (v - v_worst) ** 2
    score = _closeness(np.sqrt(gap_plus.sum(axis=1)), np.sqrt(gap_minus.sum(axis=1)))
    return {"score": score, "gap_plus": gap_plus, "gap_minus": gap_minus}

"""Relative ranks for performance and cost, the quadrant, the trend and model-process recommendations.

Pure functions over pandas frames. A 'unit' is a force (across forces) or a BCU (inside one force);
measure values arrive in a tidy frame with columns unit, measure, value. Rank 1 is always best.
"""

import math

import pandas as pd

from scoring.settings_strategic import MEASURES

RANK_COLUMNS = ["unit", "score", "rank", "measures_used", "ranked_of"]


def measure_ranks(values: pd.DataFrame, better: str) -> pd.Series:
    """Rank of each unit's value (1 = best; ties share the better rank); NaN values are not ranked."""
    vals = values.dropna(subset=["value"])
    return vals["value"].rank(method="min", ascending=(better == "lower")).astype(int)


def performance_ranks(tidy: pd.DataFrame, basket: tuple, min_units: int = 3) -> pd.DataFrame:
    """Blend a basket of measures into one score per unit (0..1, higher better) and rank it.

    Each measure with at least min_units units reporting places each unit by percentile
    (best 1.0, worst 0.0); a unit's score is the mean over the measures it has. Measures with
    too few units count for nobody, so one force's figure never ranks itself.
    """
    parts = []
    for measure in basket:
        vals = tidy[(tidy["measure"] == measure)].dropna(subset=["value"])
        if len(vals) < max(min_units, 2):
            continue
        ranks = measure_ranks(vals, MEASURES[measure]["better"])
        span = ranks.max() - 1
        parts.append(pd.DataFrame({"unit": vals["unit"].to_numpy(),
                                   "position": (1 - (ranks - 1) / span).to_numpy() if span else 1.0}))
    if not parts:
        return pd.DataFrame(columns=RANK_COLUMNS)
    joined = pd.concat(parts, ignore_index=True)
    out = joined.groupby("unit", as_index=False).agg(score=("position", "mean"), measures_used=("position", "size"))
    out["rank"] = out["score"].rank(method="min", ascending=False).astype(int)
    out["ranked_of"] = len(out)
    return out.sort_values(["rank", "unit"]).reset_index(drop=True)[RANK_COLUMNS]


def cost_ranks(costs: pd.DataFrame) -> pd.DataFrame:
    """Rank units by cost per officer FTE (lowest first); units with no cost figure are left out."""
    vals = costs.dropna(subset=["cost_per_officer"])
    if vals.empty:
        return pd.DataFrame(columns=["unit", "cost_per_officer", "cost_rank", "cost_ranked_of"])
    out = vals[["unit", "cost_per_officer"]].copy()
    out["cost_rank"] = out["cost_per_officer"].rank(method="min", ascending=True).astype(int)
    out["cost_ranked_of"] = len(out)
    return out.sort_values(["cost_rank", "unit"]).reset_index(drop=True)


def better_half(rank, of, split: float = 0.5) -> bool | None:
    """True when rank is within the better share of 'of' ranked units; None when unranked."""
    if rank is None or of is None or pd.isna(rank) or pd.isna(of) or not of:
        return None
    return int(rank) <= math.ceil(of * split)


def quadrant(perf_rank, perf_of, cost_rank, cost_of, split: float = 0.5) -> str:
    """Which quarter of the performance-against-cost chart a unit sits in, in words."""
    perf = better_half(perf_rank, perf_of, split)
    cost = better_half(cost_rank, cost_of, split)
    if perf is None:
        return "Not ranked on performance"
    if cost is None:
        return "Higher performance, no cost data" if perf else "Lower performance, no cost data"
    return {(True, True): "Higher performance, lower cost", (True, False): "Higher performance, higher cost",
            (False, True): "Lower performance, lower cost", (False, False): "Lower performance, higher cost"}[(perf, cost)]


def rank_trend(tidy_by_period: pd.DataFrame, basket: tuple, min_units: int = 3) -> pd.DataFrame:
    """Performance rank of every unit in every period (columns period and those of performance_ranks)."""
    frames = []
    for period, group in tidy_by_period.groupby("period", sort=True):
        ranks = performance_ranks(group, basket, min_units)
        if not ranks.empty:
            frames.append(ranks.assign(period=period)[["period", *RANK_COLUMNS]])
    if not frames:
        return pd.DataFrame(columns=["period", *RANK_COLUMNS])
    return pd.concat(frames, ignore_index=True)


def recommendations(tactics: pd.DataFrame, ranks: pd.DataFrame, unit: str, limit: int = 8) -> list[dict]:
    """Tactics used by better-ranked peers that unit does not use, with the evidence behind each.

    tactics: unit, tactic, in_use. ranks: unit, rank. A unit with no rank compares with every
    ranked unit. Evidence: which better peers use the tactic, and how common it is among the rest,
    so a tactic every force uses is not mistaken for the reason some forces do better.
    """
    if tactics is None or tactics.empty or ranks is None or ranks.empty:
        return []
    rank_of = dict(zip(ranks["unit"], ranks["rank"]))
    own = rank_of.get(unit)
    better = {u for u, r in rank_of.items() if u != unit and (own is None or r < own)}
    if not better:
        return []
    others = set(rank_of) - better - {unit}
    used = tactics[tactics["in_use"].astype(bool)]
    mine = set(used.loc[used["unit"] == unit, "tactic"].str.lower())
    out = []
    for tactic, group in used.groupby(used["tactic"].str.lower()):
        if tactic in mine:
            continue
        users = set(group["unit"])
        better_users = sorted(users & better, key=lambda u: (rank_of[u], u))
        if not better_users:
            continue
        out.append({
            "tactic": group["tactic"].iloc[0],
            "better_using": len(better_users), "better_total": len(better),
            "others_using": len(users & others), "others_total": len(others),
            "peers": [(u, int(rank_of[u])) for u in better_users],
            "share_better": len(better_users) / len(better),
            "share_others": (len(users & others) / len(others)) if others else None,
        })
    out.sort(key=lambda r: (-r["share_better"], -(r["share_better"] - (r["share_others"] or 0)), r["tactic"]))
    return out[:limit]


def kpi(current, previous=None, reporting: int = 0, total: int = 0) -> dict:
    """A KPI tile's figures: value, change from the previous period, coverage; None means no data."""
    has = current is not None and not pd.isna(current)
    prev = previous if previous is not None and not pd.isna(previous) else None
    change = (current - prev) if has and prev is not None else None
    return {"value": current if has else None, "previous": prev, "change": change,
            "coverage": f"{reporting} of {total} forces" if total else None, "reporting": reporting}


def suppress(count, threshold: int):
    """A count as shown publicly: the number, or None when it is under the threshold (and not zero)."""
    if count is None or pd.isna(count):
        return None
    return int(count) if int(count) >= threshold or int(count) == 0 else None


def withhold_rate(numerator, denominator, threshold: int) -> bool:
    """True when a published rate would reveal a count under the threshold: the events it counts, those it
    does not (the rest of the denominator), or the denominator itself."""
    if denominator is None or numerator is None or pd.isna(denominator) or pd.isna(numerator):
        return True
    rest = int(denominator) - int(numerator)
    return any(0 < int(c) < threshold for c in (denominator, numerator, rest))


def small_numbers(tidy: pd.DataFrame, threshold: int, percent: frozenset | set = frozenset()) -> set:
    """(unit, measure) pairs whose figure rests on a count under the threshold, so it is shown with a warning.

    tidy has unit, measure, value and n; for a measure in percent, n is the rate's denominator and the
    events it counts and the rest are checked as the public page checks them.
    """
    out = set()
    for r in tidy.itertuples():
        if r.measure in percent and not pd.isna(r.value):
            small = withhold_rate(round(r.value * r.n / 100), r.n, threshold)
        else:
            small = suppress(r.n, threshold) is None
        if small:
            out.add((r.unit, r.measure))
    return out

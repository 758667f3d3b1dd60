"""Frequent service users: nine totals per person, four equally weighted metrics, ranks, the list.

The method is the West Midlands paper's (section 5); the choices it leaves open are settings in
scoring/settings_fsu.py and are explained in docs/fsu.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.settings_fsu import FsuSettings

TOTALS = ("suspect", "offender", "victim", "custody_count", "custody_hours",
          "orig_calls", "orig_hours", "subj_calls", "subj_hours")
METRICS = {
    "inv_custody": TOTALS[:5],
    "originator": TOTALS[5:7],
    "subject": TOTALS[7:9],
    "overall": TOTALS,
}
METRIC_LABELS = {"inv_custody": "Investigations and custody", "originator": "Originator",
                 "subject": "Subject", "overall": "Overall"}

# Home Office outcome types (docs/domain.md section 1), in words for the details page.
OUTCOME_WORDS = {
    1: "Charged or summonsed", 2: "Youth caution", 3: "Adult caution", 4: "Taken into consideration",
    5: "Offender died", 6: "Penalty notice", 7: "Cannabis or khat warning", 8: "Community resolution",
    9: "Not in public interest (CPS)", 10: "Not in public interest (police)", 11: "Suspect under age",
    12: "Suspect too ill", 13: "Victim or key witness dead or too ill",
    14: "Victim declines; suspect not identified", 15: "Evidential difficulties; victim supports",
    16: "Victim does not support action", 17: "Time limit expired", 18: "No suspect identified",
    20: "Another body investigates", 21: "Not in public interest (suspect's mental health)",
    22: "Diversionary or intervention activity",
}


# Durations are counted in whole minutes and only then shown as hours. Sums of fractional hours depend
# on the order of the records (1/60 + 1/60 + 108/60 is 1.8333333333333335 one way round and
# 1.8333333333333333 the other), which would split two people equal on every documented key.
DURATIONS = ("custody_hours", "orig_hours", "subj_hours")


def whole_minutes(hours) -> np.ndarray:
    """Hours as whole minutes (rounded to the nearest minute), as int64."""
    return np.rint(np.asarray(hours, dtype=float) * 60.0).astype(np.int64)


def window_start(run_date, months: int) -> pd.Timestamp:
    """First day of the window: the same day `months` months before the run date."""
    return pd.Timestamp(run_date) - pd.DateOffset(months=months)


def custody_hours(arrived: pd.Series, released: pd.Series, cap: float, as_of=None) -> pd.Series:
    """Hours in custody to the nearest minute, clamped to [0, cap]; still in custody counts up to as_of
    (or 0 without it)."""
    arrived = pd.to_datetime(arrived)
    released = pd.to_datetime(released)
    if as_of is not None:
        released = released.fillna(pd.Timestamp(as_of))
    minutes = ((released - arrived).dt.total_seconds() / 60.0).round()
    return minutes.fillna(0.0).clip(lower=0.0, upper=float(cap) * 60.0) / 60.0


def incident_resource_hours(deployments: pd.DataFrame) -> pd.Series:
    """Hours per incident summed over every resource, each from its earliest of assigned, deployed or
    arrived to released; a resource with no start or no release, or a negative span, adds 0."""
    if deployments.empty:
        return pd.Series(dtype=float, name="hours")
    start = pd.concat([pd.to_datetime(deployments[c]) for c in ("assigned_at", "deployed_at", "arrived_at")],
                      axis=1).min(axis=1)
    minutes = ((pd.to_datetime(deployments["released_at"]) - start).dt.total_seconds() / 60.0).round()
    minutes = minutes.fillna(0.0).clip(lower=0.0).astype(np.int64)
    return (minutes.groupby(deployments["incident_id"].to_numpy()).sum() / 60.0).rename("hours")


def compute_totals(roles: pd.DataFrame, custody: pd.DataFrame, links: pd.DataFrame,
                   hours: pd.Series) -> pd.DataFrame:
    """The nine totals per person_id.

    roles: person_id, crime_id, role (suspect | offender | victim | witness ...), window rows only.
    custody: person_id, hours (already clamped), window rows only.
    links: incident_id, role (originator | subject), person_id (linked parties of non-pre-planned
    incidents in the window); hours: resource hours per incident_id.
    Durations are summed in whole minutes (exact, whatever the order of the rows), then shown as hours.
    """
    parts = []
    for role in ("suspect", "offender", "victim"):
        r = roles[roles["role"] == role]
        parts.append(r.groupby("person_id")["crime_id"].nunique().rename(role))
    parts.append(custody.groupby("person_id").size().rename("custody_count"))
    stays = pd.Series(whole_minutes(custody["hours"]), index=custody.index)
    parts.append((stays.groupby(custody["person_id"].to_numpy()).sum() / 60.0).rename("custody_hours"))
    # One count per incident and role even when a handler typed the same person twice.
    lk = links[["incident_id", "role", "person_id"]].dropna().drop_duplicates()
    lk = lk.assign(minutes=whole_minutes(lk["incident_id"].map(hours).fillna(0.0)))
    for role, calls, hrs in (("originator", "orig_calls", "orig_hours"), ("subject", "subj_calls", "subj_hours")):
        r = lk[lk["role"] == role]
        parts.append(r.groupby("person_id").size().rename(calls))
        parts.append((r.groupby("person_id")["minutes"].sum() / 60.0).rename(hrs))
    out = pd.concat(parts, axis=1).fillna(0.0)
    out.index = out.index.astype(np.int64)
    out.index.name = "person_id"
    return out.reindex(columns=list(TOTALS), fill_value=0.0)


def top_mean(values: np.ndarray, n: int) -> float:
    """Mean of the n largest non-zero values (all non-zero values when fewer); 0 when none."""
    nz = values[values > 0]
    if not len(nz):
        return 0.0
    if len(nz) > n:
        nz = np.partition(nz, len(nz) - n)[len(nz) - n:]
    return float(nz.mean())


def normalise(totals: pd.DataFrame, settings: FsuSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scores on [0, 1], uncapped ratios to the top mean), one column per total."""
    scores, ratios = {}, {}
    for col in TOTALS:
        x = totals[col].to_numpy(dtype=float)
        m = top_mean(x, settings.fsu_top_mean_n)
        ratio = x / m if m > 0 else np.zeros_like(x)
        if settings.fsu_normalisation == "cap":
            score = np.minimum(ratio, 1.0)
        else:
            top = ratio.max() if len(ratio) else 0.0
            score = ratio / top if top > 0 else np.zeros_like(ratio)
        scores[col], ratios[col] = score, ratio
    return pd.DataFrame(scores, index=totals.index), pd.DataFrame(ratios, index=totals.index)


def competition_rank(keys: list[np.ndarray]) -> np.ndarray:
    """1-based ranks by the keys, all descending; rows equal on every key share the best rank (1, 2, 2, 4)."""
    n = len(keys[0])
    if not n:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort([-k for k in reversed(keys)])
    sorted_keys = [k[order] for k in keys]
    new = np.ones(n, dtype=bool)
    new[1:] = np.any([sk[1:] != sk[:-1] for sk in sorted_keys], axis=0)
    first = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = first + 1
    return ranks


def score_and_rank(totals: pd.DataFrame, settings: FsuSettings) -> pd.DataFrame:
    """Totals plus four metric scores and ranks for everyone with at least one interaction, and `listed`.

    Metric score: the mean of its totals' scores (equal weights). Ties are broken by the mean of the
    uncapped ratios (how far above the top mean), then by the overall score; people equal on all
    three share a rank. The list is everyone ranked within fsu_list_top_n on any metric.

    The method runs on whole numbers only (counts, and durations in whole minutes), so every top mean is
    an exact sum and two people with the same totals get the same keys whatever the order of the input.
    """
    t = totals[(totals[list(TOTALS)] > 0).any(axis=1)].copy()
    for col in DURATIONS:
        t[col] = whole_minutes(t[col]) / 60.0  # what is shown: the minutes the ranking used
    whole = t.assign(**{col: whole_minutes(t[col]).astype(float) for col in DURATIONS})
    scores, ratios = normalise(whole, settings)
    out = t.copy()
    for metric, cols in METRICS.items():
        # Column by column in a fixed order, so each person's mean depends on their own totals only.
        out[f"score_{metric}"] = sum(scores[c].to_numpy() for c in cols) / len(cols)
        out[f"ratio_{metric}"] = sum(ratios[c].to_numpy() for c in cols) / len(cols)
    overall = out["score_overall"].to_numpy()
    listed = np.zeros(len(out), dtype=bool)
    for metric in METRICS:
        ranks = competition_rank([out[f"score_{metric}"].to_numpy(), out[f"ratio_{metric}"].to_numpy(), overall])
        out[f"rank_{metric}"] = ranks
        listed |= ranks <= settings.fsu_list_top_n
    out["listed"] = listed
    return out.drop(columns=[f"ratio_{m}" for m in METRICS])


def crime_themes(flags: str | None, domestic_abuse: bool, summary: str | None, keywords) -> set:
    """Themes of one investigation from its flags, domestic-abuse marker and summary keywords."""
    found = {f.strip().upper() for f in (flags or "").split(",") if f.strip()}
    themes = {t for t in ("DA", "MH", "CSE", "CA") if t in found}
    if domestic_abuse:
        themes.add("DA")
    text = (summary or "").lower()
    themes |= {theme for theme, word in keywords if word and word.lower() in text}
    return themes


def filter_list(rows: pd.DataFrame, lpas=None, themes=None, categories=None) -> pd.DataFrame:
    """Rows matching every chosen filter (any LPA listed, every theme, any priority category).

    Ranks are columns of the rows and are never recomputed: filtering only hides rows.
    """
    keep = np.ones(len(rows), dtype=bool)
    if lpas:
        wanted = {str(v) for v in lpas}
        keys = ["unknown" if pd.isna(v) else str(int(v)) for v in rows["lpa_id"].tolist()]
        keep &= np.array([k in wanted for k in keys], dtype=bool)
    for theme in themes or ():
        col = "missing_count" if theme == "MISSING" else f"theme_{theme.lower()}"
        keep &= rows[col].astype(float).to_numpy() > 0
    if categories:
        wanted_c = set(categories)
        keep &= np.array([bool(wanted_c & set(filter(None, str(c).split("|")))) for c in rows["categories"].tolist()],
                         dtype=bool)
    return rows[keep]


def rank_band_counts(ranks, ends) -> list[tuple[str, int]]:
    """How many ranks fall in each band ('1-10', '11-25', ..., '101 or below'), every band listed, zeros too."""
    ranks = np.asarray(ranks, dtype=np.int64)
    out, low = [], 1
    for end in ends:
        out.append((f"{low}-{end}", int(((ranks >= low) & (ranks <= end)).sum())))
        low = end + 1
    out.append((f"{low} or below", int((ranks >= low).sum())))
    return out

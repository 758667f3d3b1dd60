"""Crime data integrity (CDI) and detection-mismatch checks over crime records, vectorised."""

# Three checks look at the same facts (a positive outcome against the suspects on the record), so
# they are made mutually exclusive to flag each problem once:
#   CDI-03  outcome 1 (charged) and no suspect recorded at all: the record itself is incomplete;
#   DM-03   finalised with a positive outcome and every recorded suspect eliminated (or, for outcomes
#           other than 1, no suspect recorded);
#   DM-02   outcome 1, suspects recorded and not all eliminated, but none has status 'charged'.

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.settings import RuleSettings, resolve

CHECK_COLUMNS = ["crime_id", "rule_id", "kind", "explanation"]

# Victim decisions that count as a recorded decision on supporting a prosecution (outcomes 15/16).
_DECISIONS = frozenset({"supports", "withdraws"})
# Anything that records the victim's view, as a community resolution needs.
_VIEWS = _DECISIONS | {"view_recorded"}

# rule id -> (kind, title, explanation from settings); order here is the output order.
_CHECKS = {
    "CDI-01": ("cdi", "Recorded late",
               lambda s: f"The crime was recorded more than {s.recording_limit_hours} hours after it "
                         f"was reported (Home Office Crime Recording Rules)."),
    "CDI-02": ("cdi", "No offence classification",
               lambda s: "The crime has no offence classification; classify it so it is counted "
                         "correctly."),
    "CDI-03": ("cdi", "Charge outcome, no suspect",
               lambda s: "The outcome is 'charged/summonsed' (1) but no suspect is recorded on the "
                         "crime; add the charged suspect or correct the outcome."),
    "CDI-04": ("cdi", "Evidential outcome, no victim decision",
               lambda s: "Outcome 15 or 16 depends on whether the victim supports action, but no "
                         "victim decision is recorded."),
    "CDI-05": ("cdi", "Community resolution, no victim view",
               lambda s: "A community resolution (outcome 8) needs the victim's view recorded, and "
                         "none is."),
    "CDI-06": ("cdi", "Finalised without an outcome",
               lambda s: "The crime is marked finalised but still has outcome 0 (no outcome); "
                         "assign the outcome."),
    "DM-01": ("detection_mismatch", "Custody says charged",
              lambda s: "The custody record shows the suspect was charged, but the crime outcome is "
                        "not 'charged/summonsed' (1)."),
    "DM-02": ("detection_mismatch", "Charge outcome, suspect not charged",
              lambda s: "The crime outcome is 'charged/summonsed' (1) but no suspect on the record "
                        "has the status 'charged'."),
    "DM-03": ("detection_mismatch", "Positive outcome, no live suspect",
              lambda s: "The crime was finalised with a positive outcome but every suspect on it is "
                        "eliminated, or none is recorded."),
}

CDI_RULES: list[dict] = [
    {"rule_id": rid, "kind": kind, "title": title, "explanation": text(resolve(None))}
    for rid, (kind, title, text) in _CHECKS.items()
]


def cdi_explain(rule_id: str, settings: RuleSettings | None = None) -> str:
    """Explanation of one CDI/DM rule under these settings; unknown ids raise KeyError."""
    if rule_id not in _CHECKS:
        raise KeyError(f"unknown rule id {rule_id!r}")
    return _CHECKS[rule_id][2](resolve(settings))


def _crimes_with(ids: np.ndarray, linked: pd.Series) -> np.ndarray:
    """Boolean per crime id: does it appear in this set of linked crime ids."""
    return np.isin(ids, pd.unique(linked.dropna()))


def _norm(s: pd.Series) -> pd.Series:
    """Lower-cased, stripped text, so 'Charged ' and 'charged' compare equal."""
    return s.astype("string").str.strip().str.lower()


def check_crimes(crimes: pd.DataFrame, suspects: pd.DataFrame, custody: pd.DataFrame,
                 settings: RuleSettings | None = None) -> pd.DataFrame:
    """Every CDI and detection-mismatch finding: one row per (crime, rule) that fires."""
    settings = resolve(settings)
    if crimes.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CHECK_COLUMNS})
    ids = crimes["id"].to_numpy()
    outcome = pd.to_numeric(crimes["outcome_code"], errors="coerce").fillna(0).astype(int).to_numpy()
    finalised = crimes["finalised"].fillna(False).astype(bool).to_numpy()
    decision = _norm(crimes["victim_decision"])
    offence = crimes["offence_code"].astype("string").str.strip()

    status = _norm(suspects["suspect_status"])
    has_suspect = _crimes_with(ids, suspects["crime_id"])
    any_charged = _crimes_with(ids, suspects["crime_id"][status.eq("charged").fillna(False)])
    # A suspect with no status is still live: only an explicit elimination clears them.
    any_live = _crimes_with(ids, suspects["crime_id"][status.ne("eliminated").fillna(True)])
    custody_charged = _crimes_with(ids, custody["crime_id"][_norm(custody["outcome"]).eq("charged")
                                                            .fillna(False)])

    delay = pd.to_datetime(crimes["recorded_at"]) - pd.to_datetime(crimes["reported_at"])
    late = (delay > pd.Timedelta(hours=settings.recording_limit_hours)).fillna(False).to_numpy()
    positive = np.isin(outcome, list(settings.positive_outcomes))

    cdi03 = (outcome == 1) & ~has_suspect
    dm03 = finalised & positive & ~any_live & ~cdi03
    masks = {
        "CDI-01": late,
        "CDI-02": offence.isna().to_numpy() | offence.eq("").fillna(False).to_numpy(),
        "CDI-03": cdi03,
        "CDI-04": np.isin(outcome, [15, 16]) & ~decision.isin(sorted(_DECISIONS)).fillna(False).to_numpy(),
        "CDI-05": (outcome == 8) & ~decision.isin(sorted(_VIEWS)).fillna(False).to_numpy(),
        "CDI-06": (outcome == 0) & finalised,
        "DM-01": custody_charged & (outcome != 1),
        "DM-02": (outcome == 1) & has_suspect & ~any_charged & ~dm03,
        "DM-03": dm03,
    }
    parts = []
    for rule_id, mask in masks.items():
        hit = ids[np.asarray(mask, dtype=bool)]
        if len(hit):
            kind, _, text = _CHECKS[rule_id]
            parts.append(pd.DataFrame({"crime_id": hit, "rule_id": rule_id, "kind": kind,
                                       "explanation": text(settings)}))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CHECK_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    # Stable sort keeps rule order within a crime.
    return out.sort_values("crime_id", kind="stable", ignore_index=True)[CHECK_COLUMNS]

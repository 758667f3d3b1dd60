"""data.police.uk outcome wording, over the years, mapped to Home Office outcome codes and groups.

data.police.uk publishes free-text labels, not codes, and its wording changed over time; several
labels share one code. Court results all follow a charge, so they map to code 1. A label not listed
here is loaded with no code and reported by the importer, never dropped.
"""

# label (lower case) -> (outcome code or None, group)
OUTCOME_LABELS: dict[str, tuple] = {
    "under investigation": (0, "pending"),
    "status update unavailable": (None, "unavailable"),
    "awaiting court outcome": (1, "charged"),
    "suspect charged": (1, "charged"),
    "suspect charged as part of another case": (1, "charged"),
    "court case unable to proceed": (1, "charged"),
    "court result unavailable": (1, "charged"),
    "defendant found not guilty": (1, "charged"),
    "defendant sent to crown court": (1, "charged"),
    "offender sent to prison": (1, "charged"),
    "offender given suspended prison sentence": (1, "charged"),
    "offender given community sentence": (1, "charged"),
    "offender fined": (1, "charged"),
    "offender given conditional discharge": (1, "charged"),
    "offender given absolute discharge": (1, "charged"),
    "offender ordered to pay compensation": (1, "charged"),
    "offender deprived of property": (1, "charged"),
    "offender otherwise dealt with": (1, "charged"),
    "defendant found guilty": (1, "charged"),
    "offender given a caution": (3, "caution"),
    "offender given a drugs possession warning": (7, "out_of_court"),
    "offender given penalty notice": (6, "out_of_court"),
    "local resolution": (8, "out_of_court"),
    "offender given a community resolution": (8, "out_of_court"),
    "formal action is not in the public interest": (10, "public_interest"),
    "further action is not in the public interest": (21, "public_interest"),
    "further investigation is not in the public interest": (21, "public_interest"),
    "unable to prosecute suspect": (15, "evidential"),
    "investigation complete; no suspect identified": (18, "no_suspect"),
    "action to be taken by another organisation": (20, "other_body"),
}

# Stop-and-search outcomes that are an arrest, in both the old and the current wording.
ARREST_OUTCOMES = {"arrest", "suspect arrested", "offender arrested"}


def outcome_for(label: str) -> tuple | None:
    """(code, group) for a label, or None when the label is unknown."""
    return OUTCOME_LABELS.get((label or "").strip().lower())


def is_arrest(outcome: str) -> bool:
    return (outcome or "").strip().lower() in ARREST_OUTCOMES

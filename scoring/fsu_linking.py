"""Deterministic linking of typed incident parties to people, across every name version; never a guess.

A party links to a person when either
  1. its PNC id equals exactly one person's PNC id, or
  2. its forename, surname and date of birth all equal one version (the person's own record or an
     alias) of exactly one person, after normalising case, spaces, hyphens and apostrophes.
Anything else (a field missing, a spelling no version has, a date of birth a day out, or details
that fit two different people) stays unlinked and is counted by reason.
"""

from __future__ import annotations

import math
import re

import pandas as pd

LINKED_PNC = "pnc"
LINKED_NAME = "name_dob"
UNLINKED_MISSING = "missing_details"
UNLINKED_NO_MATCH = "no_match"
UNLINKED_AMBIGUOUS = "ambiguous"

_STRIP = re.compile(r"[^a-z]")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def normalise_name(value) -> str:
    """Lower case letters only: "O'Neil-Smith " and "oneil smith" compare equal."""
    if _missing(value):
        return ""
    return _STRIP.sub("", str(value).lower())


def normalise_pnc(value) -> str:
    """Upper case with spaces removed; an empty string when missing."""
    if _missing(value):
        return ""
    return str(value).replace(" ", "").upper()


def _norm_series(s: pd.Series, fn) -> pd.Series:
    # Normalise the distinct values once: names repeat a lot across a force's records.
    values = s.astype(object).tolist()
    cache: dict = {}
    out = []
    for v in values:
        key = None if _missing(v) else v
        if key not in cache:
            cache[key] = fn(key)
        out.append(cache[key])
    return pd.Series(out, index=s.index, dtype=object)


def _dob_key(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, errors="coerce").dt.strftime("%Y-%m-%d").fillna("").astype(object)


def _unique_match(left: pd.DataFrame, right: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    """party_id -> person_id where the key matches exactly one person, plus the ambiguous party ids."""
    m = left.merge(right, on=on, how="inner")[["party_id", "person_id"]].drop_duplicates()
    n = m.groupby("party_id")["person_id"].transform("nunique")
    return m[n == 1], set(m.loc[n > 1, "party_id"])


def link_parties(parties: pd.DataFrame, versions: pd.DataFrame) -> pd.DataFrame:
    """Link each party; returns party_id, person_id (nullable Int64) and how (a reason code).

    parties: party_id, forename, surname, dob, pnc_id (as typed).
    versions: person_id, forename, surname, dob, pnc_id (one row per person record or alias; an
    alias row may carry no PNC id).
    """
    p = pd.DataFrame({"party_id": parties["party_id"].to_numpy(),
                      "fn": _norm_series(parties["forename"], normalise_name),
                      "sn": _norm_series(parties["surname"], normalise_name),
                      "dob": _dob_key(parties["dob"]),
                      "pnc": _norm_series(parties["pnc_id"], normalise_pnc)})
    v = pd.DataFrame({"person_id": versions["person_id"].to_numpy(),
                      "fn": _norm_series(versions["forename"], normalise_name),
                      "sn": _norm_series(versions["surname"], normalise_name),
                      "dob": _dob_key(versions["dob"]),
                      "pnc": _norm_series(versions["pnc_id"], normalise_pnc)})
    out = pd.DataFrame({"party_id": p["party_id"], "person_id": pd.array([pd.NA] * len(p), dtype="Int64"),
                        "how": UNLINKED_NO_MATCH})
    out = out.set_index("party_id")
    # 1. PNC id: a national identifier, so an exact match settles it.
    with_pnc = p[p["pnc"] != ""]
    by_pnc, amb_pnc = _unique_match(with_pnc[["party_id", "pnc"]], v.loc[v["pnc"] != "", ["person_id", "pnc"]],
                                     ["pnc"])
    out.loc[by_pnc["party_id"], "person_id"] = by_pnc["person_id"].to_numpy()
    out.loc[by_pnc["party_id"], "how"] = LINKED_PNC
    # 2. Forename, surname and date of birth, all present, against every version of every person.
    rest = p[~p["party_id"].isin(by_pnc["party_id"])]
    complete = rest[(rest["fn"] != "") & (rest["sn"] != "") & (rest["dob"] != "")]
    keyed = v[(v["fn"] != "") & (v["sn"] != "") & (v["dob"] != "")]
    by_name, amb_name = _unique_match(complete[["party_id", "fn", "sn", "dob"]],
                                      keyed[["person_id", "fn", "sn", "dob"]], ["fn", "sn", "dob"])
    out.loc[by_name["party_id"], "person_id"] = by_name["person_id"].to_numpy()
    out.loc[by_name["party_id"], "how"] = LINKED_NAME
    linked = set(by_pnc["party_id"]) | set(by_name["party_id"])
    incomplete = set(rest["party_id"]) - set(complete["party_id"])
    out.loc[sorted(incomplete - linked), "how"] = UNLINKED_MISSING
    out.loc[sorted((amb_pnc | amb_name) - linked), "how"] = UNLINKED_AMBIGUOUS
    return out.reset_index()


def unlinked_counts(links: pd.DataFrame) -> dict:
    """Counts of parties by outcome, for the run record."""
    counts = links["how"].value_counts().to_dict()
    return {k: int(counts.get(k, 0)) for k in (LINKED_PNC, LINKED_NAME, UNLINKED_MISSING, UNLINKED_NO_MATCH,
                                               UNLINKED_AMBIGUOUS)}

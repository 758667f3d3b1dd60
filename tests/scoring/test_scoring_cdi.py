"""CDI and detection-mismatch checks: each rule firing and not firing."""

import numpy as np
import pandas as pd
import pytest

from scoring.cdi import CDI_RULES, check_crimes
from scoring.settings import load_settings

REPORTED = pd.Timestamp("2026-01-05 10:00")


def crime(cid=1, **kw):
    """A clean open crime that breaks no rule, with fields overridden."""
    row = {"id": cid, "reported_at": REPORTED, "recorded_at": REPORTED + pd.Timedelta(hours=2),
           "offence_code": "105A", "outcome_code": 0, "finalised": False, "victim_decision": None}
    row.update(kw)
    return row


def run(crimes, suspects=(), custody=(), settings=None):
    c = pd.DataFrame(crimes)
    s = pd.DataFrame(list(suspects), columns=["crime_id", "suspect_status"])
    k = pd.DataFrame(list(custody), columns=["crime_id", "outcome"])
    return check_crimes(c, s, k, settings)


def rules(result, cid=1):
    return sorted(result.loc[result["crime_id"] == cid, "rule_id"])


def test_clean_crime_has_no_findings():
    out = run([crime()])
    assert list(out.columns) == ["crime_id", "rule_id", "kind", "explanation"]
    assert out.empty


def test_rule_list():
    ids = [r["rule_id"] for r in CDI_RULES]
    assert ids == ["CDI-01", "CDI-02", "CDI-03", "CDI-04", "CDI-05", "CDI-06", "DM-01", "DM-02", "DM-03"]
    assert all(r["title"] and r["explanation"] for r in CDI_RULES)


@pytest.mark.parametrize("hours, fires", [(2, False), (24, False), (24.02, True), (72, True)])
def test_cdi01_recorded_late(hours, fires):
    out = run([crime(recorded_at=REPORTED + pd.Timedelta(hours=hours))])
    assert (rules(out) == ["CDI-01"]) is fires
    assert out.empty is (not fires)


def test_cdi01_follows_setting_and_ignores_missing_times():
    late = crime(recorded_at=REPORTED + pd.Timedelta(hours=30))
    assert rules(run([late], settings=load_settings({"recording_limit_hours": 48}))) == []
    assert rules(run([crime(recorded_at=pd.NaT)])) == []


@pytest.mark.parametrize("code, fires", [(None, True), ("", True), ("  ", True), ("105A", False)])
def test_cdi02_unclassified(code, fires):
    assert (rules(run([crime(offence_code=code)])) == ["CDI-02"]) is fires


def test_cdi03_charge_outcome_without_any_suspect():
    assert rules(run([crime(outcome_code=1, finalised=True)])) == ["CDI-03"]
    # With a charged suspect it is consistent.
    assert rules(run([crime(outcome_code=1, finalised=True)], suspects=[(1, "charged")])) == []


@pytest.mark.parametrize("outcome, decision, fires", [
    (15, None, True), (16, "not_asked", True), (16, "view_recorded", True),
    (15, "supports", False), (16, "withdraws", False), (14, None, False),
])
def test_cdi04_evidential_outcome_needs_victim_decision(outcome, decision, fires):
    out = run([crime(outcome_code=outcome, finalised=True, victim_decision=decision)],
              suspects=[(1, "interviewed")])
    assert (rules(out) == ["CDI-04"]) is fires


@pytest.mark.parametrize("decision, fires", [
    (None, True), ("not_asked", True), ("view_recorded", False), ("supports", False),
])
def test_cdi05_community_resolution_needs_victim_view(decision, fires):
    out = run([crime(outcome_code=8, finalised=True, victim_decision=decision)],
              suspects=[(1, "interviewed")])
    assert (rules(out) == ["CDI-05"]) is fires


@pytest.mark.parametrize("outcome, finalised, fires", [(0, True, True), (0, False, False), (18, True, False)])
def test_cdi06_finalised_without_outcome(outcome, finalised, fires):
    assert (rules(run([crime(outcome_code=outcome, finalised=finalised)])) == ["CDI-06"]) is fires


@pytest.mark.parametrize("custody_outcome, crime_outcome, fires", [
    ("charged", 0, True), ("Charged", 16, True), ("charged", 1, False), ("bail", 0, False),
])
def test_dm01_custody_charged_but_crime_not(custody_outcome, crime_outcome, fires):
    out = run([crime(outcome_code=crime_outcome, victim_decision="withdraws")],
              suspects=[(1, "charged")], custody=[(1, custody_outcome)])
    assert ("DM-01" in rules(out)) is fires


@pytest.mark.parametrize("statuses, fires", [
    (["interviewed"], True), (["arrested", "named"], True), (["charged", "named"], False),
    (["interviewed", "eliminated"], True),
])
def test_dm02_charge_outcome_but_no_charged_suspect(statuses, fires):
    out = run([crime(outcome_code=1, finalised=True)], suspects=[(1, s) for s in statuses])
    assert (rules(out) == ["DM-02"]) is fires


@pytest.mark.parametrize("outcome, statuses, finalised, expected", [
    (1, ["eliminated"], True, ["DM-03"]),            # all eliminated: DM-03, not also DM-02
    (1, ["eliminated"], False, ["DM-02"]),           # not finalised: DM-03 does not apply
    (3, ["eliminated", "eliminated"], True, ["DM-03"]),
    (3, [], True, ["DM-03"]),                        # positive outcome, no suspect at all
    (8, ["interviewed"], True, []),
    (18, ["eliminated"], True, []),                  # not a positive outcome
    (10, [], True, []),                              # outcome 10 is not in the default set
])
def test_dm03_positive_outcome_without_live_suspect(outcome, statuses, finalised, expected):
    out = run([crime(outcome_code=outcome, finalised=finalised, victim_decision="view_recorded")],
              suspects=[(1, s) for s in statuses])
    assert rules(out) == expected


def test_dm03_follows_positive_outcome_setting():
    s = load_settings({"positive_outcomes": [1, 2, 3, 4, 6, 7]})
    out = run([crime(outcome_code=5, finalised=True)], settings=s)
    assert rules(out) == []


def test_kinds_explanations_and_many_crimes():
    crimes = [crime(1, offence_code=None), crime(2, outcome_code=0, finalised=True),
              crime(3, outcome_code=1), crime(4)]
    out = run(crimes, suspects=[(3, "named"), (4, "charged")], custody=[(4, "charged")])
    assert list(zip(out["crime_id"], out["rule_id"], out["kind"])) == [
        (1, "CDI-02", "cdi"), (2, "CDI-06", "cdi"), (3, "DM-02", "detection_mismatch"),
        (4, "DM-01", "detection_mismatch")]
    assert out["explanation"].str.len().min() > 20


def test_one_crime_can_break_several_rules():
    c = crime(offence_code=None, recorded_at=REPORTED + pd.Timedelta(days=3), outcome_code=0,
              finalised=True)
    assert rules(run([c])) == ["CDI-01", "CDI-02", "CDI-06"]


def test_empty_inputs():
    empty = pd.DataFrame(columns=["id", "reported_at", "recorded_at", "offence_code", "outcome_code",
                                  "finalised", "victim_decision"])
    out = check_crimes(empty, pd.DataFrame(columns=["crime_id", "suspect_status"]),
                       pd.DataFrame(columns=["crime_id", "outcome"]))
    assert out.empty and list(out.columns) == ["crime_id", "rule_id", "kind", "explanation"]


def test_vectorised_over_many_crimes():
    n = 50_000
    rng = np.random.default_rng(0)
    crimes = pd.DataFrame({
        "id": np.arange(n), "reported_at": REPORTED,
        "recorded_at": REPORTED + pd.to_timedelta(rng.integers(0, 48, n), unit="h"),
        "offence_code": np.where(rng.random(n) < 0.01, None, "105A"),
        "outcome_code": rng.choice([0, 1, 8, 15, 16, 18], n), "finalised": rng.random(n) < 0.5,
        "victim_decision": rng.choice(np.array([None, "supports", "withdraws"], dtype=object), n)})
    suspects = pd.DataFrame({"crime_id": rng.integers(0, n, n),
                             "suspect_status": rng.choice(["named", "charged", "eliminated"], n)})
    custody = pd.DataFrame({"crime_id": rng.integers(0, n, n // 4), "outcome": "charged"})
    out = check_crimes(crimes, suspects, custody)
    late = (crimes["recorded_at"] - crimes["reported_at"]) > pd.Timedelta(hours=24)
    assert (out["rule_id"] == "CDI-01").sum() == late.sum()
    assert not out.duplicated(["crime_id", "rule_id"]).any()

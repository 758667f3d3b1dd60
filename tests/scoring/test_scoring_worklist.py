"""Worklist: task states, badges, bell, forward look and grid rows."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from scoring.categories import CATEGORIES, CATEGORY_BY_ID, COMPLETIONS
from scoring.settings import load_settings
from scoring.worklist import ROW_COLUMNS, badge_counts, bell, classify, forward_look, worklist_rows

TODAY = date(2026, 3, 10)


def day(offset):
    """A due date `offset` days from TODAY, or NaT for None."""
    return pd.NaT if offset is None else pd.Timestamp(TODAY + timedelta(days=offset))


def tasks(*rows):
    """Task frame from (crime_id, kind, due offset[, rule_id]) tuples."""
    out = []
    for i, r in enumerate(rows):
        cid, kind, offset = r[:3]
        out.append({"task_id": i + 1, "crime_id": cid, "crime_ref": f"CR{cid:04d}", "kind": kind,
                    "rule_id": r[3] if len(r) > 3 else "R", "due_date": day(offset), "detail": "",
                    "oic_id": 1, "team_id": 1})
    df = pd.DataFrame(out, columns=["task_id", "crime_id", "crime_ref", "kind", "rule_id", "due_date",
                                    "detail", "oic_id", "team_id"])
    df["due_date"] = pd.to_datetime(df["due_date"])
    return df


def test_categories_and_completions():
    assert [c.id for c in CATEGORIES] == [
        "supervisor_review", "oel_update", "victim_contact", "bail", "rui", "fts", "time_limit",
        "named_suspect", "detection_mismatch", "cdi", "linked_crime"]
    assert CATEGORY_BY_ID["bail"].icon == "bi-hourglass-split"
    assert CATEGORY_BY_ID["rui"].label == "Released under investigation"
    assert set(COMPLETIONS) == set(CATEGORY_BY_ID)
    assert COMPLETIONS["bail"] == [("bail_extended", "Extend bail"), ("bail_ended", "Bail ended")]
    with pytest.raises(Exception):
        CATEGORIES[0].label = "x"  # frozen


@pytest.mark.parametrize("offset, kind, state, days_left", [
    (-1, "supervisor_review", "overdue", -1),
    (-30, "bail", "overdue", -30),
    (0, "supervisor_review", "due_soon", 0),     # due today is due soon, not overdue
    (7, "victim_contact", "due_soon", 7),        # edge of the due-soon window
    (8, "victim_contact", "upcoming", 8),
    (None, "linked_crime", "info", None),
    (None, "named_suspect", "info", None),
    (None, "cdi", "overdue", None),               # errors with no date need action now
    (None, "detection_mismatch", "overdue", None),
    (None, "fts", "overdue", None),
    (3, "cdi", "due_soon", 3),                    # a dated error follows its date
])
def test_classify_boundaries(offset, kind, state, days_left):
    c = classify(tasks((1, kind, offset)), TODAY)
    assert c["state"].iloc[0] == state
    if days_left is None:
        assert np.isnan(c["days_left"].iloc[0])
    else:
        assert c["days_left"].iloc[0] == days_left


def test_classify_accepts_dates_and_settings():
    t = tasks((1, "oel_update", 10))
    t["due_date"] = [TODAY + timedelta(days=10)]  # python dates, object column
    assert classify(t, TODAY)["state"].iloc[0] == "upcoming"
    assert classify(t, TODAY, load_settings({"due_soon_days": 14}))["state"].iloc[0] == "due_soon"
    assert len(t.columns) == 9  # input not modified


@pytest.mark.parametrize("offset, kind, state", [
    (10, "bail", "due_soon"),          # inside bail_warning_days (14): amber, unlike other work
    (14, "bail", "due_soon"),          # edge of the bail warning
    (15, "bail", "upcoming"),
    (10, "rui", "upcoming"),           # every other kind keeps due_soon_days (7)
    (10, "oel_update", "upcoming"),
])
def test_bail_turns_amber_bail_warning_days_before_its_end(offset, kind, state):
    assert classify(tasks((1, kind, offset)), TODAY)["state"].iloc[0] == state


def test_bail_warning_follows_its_setting_everywhere():
    t = tasks((1, "bail", 10), (2, "oel_update", 40))
    c = classify(t, TODAY)
    badge = {b["id"]: b for b in badge_counts(c)}["bail"]
    assert (badge["due_soon"], badge["state"]) == (1, "amber")
    assert bell(badge_counts(c))["state"] == "amber" and bell(badge_counts(c))["due_soon"] == 1
    row = worklist_rows(c, crimes_frame([1, 2])).set_index("crime_id").loc[1]
    assert (row["state"], row["n_due_soon"]) == ("due_soon", 1)
    # Forward look: the bail end still falls in the 14-day horizon, never counted overdue early.
    assert forward_look(c, TODAY)[:2] == [{"horizon": 7, "due": 0, "overdue": 0},
                                          {"horizon": 14, "due": 1, "overdue": 0}]
    shorter = load_settings({"bail_warning_days": 7})
    assert classify(t, TODAY, shorter)["state"].iloc[0] == "upcoming"
    assert bell(badge_counts(classify(t, TODAY, shorter)))["state"] == "grey"


def test_badge_counts_and_states():
    t = tasks((1, "supervisor_review", -2), (2, "supervisor_review", 3), (3, "victim_contact", 2),
              (4, "bail", 40), (5, "cdi", None), (6, "linked_crime", None))
    badges = badge_counts(classify(t, TODAY))
    assert [b["id"] for b in badges] == [c.id for c in CATEGORIES]
    by = {b["id"]: b for b in badges}
    assert (by["supervisor_review"]["total"], by["supervisor_review"]["overdue"],
            by["supervisor_review"]["due_soon"], by["supervisor_review"]["state"]) == (2, 1, 1, "red")
    assert by["victim_contact"]["state"] == "amber"
    assert by["bail"]["state"] == "neutral"
    assert by["cdi"]["state"] == "red"
    assert by["linked_crime"]["state"] == "neutral"
    assert by["rui"] == {**by["rui"], "total": 0, "overdue": 0, "due_soon": 0, "state": "clear"}
    assert {"label", "icon", "description"} <= set(by["rui"])
    assert sum(b["total"] for b in badges) == len(t)


def test_badges_when_empty():
    badges = badge_counts(classify(tasks(), TODAY))
    assert len(badges) == len(CATEGORIES) and all(b["state"] == "clear" for b in badges)


@pytest.mark.parametrize("rows, state, total, overdue, label", [
    ([], "grey", 0, 0, "Nothing owed"),
    ([(1, "bail", 40), (2, "linked_crime", None)], "grey", 0, 0, "Nothing owed"),
    ([(1, "bail", 3), (2, "oel_update", 40)], "amber", 1, 0, "1 owed, 0 overdue"),
    ([(1, "bail", -3), (2, "oel_update", 5), (3, "cdi", None)], "red", 3, 2, "3 owed, 2 overdue"),
])
def test_bell(rows, state, total, overdue, label):
    b = bell(badge_counts(classify(tasks(*rows), TODAY)))
    assert (b["state"], b["total"], b["overdue"], b["label"]) == (state, total, overdue, label)
    assert b["due_soon"] == total - overdue


def test_forward_look_keeps_overdue_visible():
    t = tasks((1, "bail", -5), (2, "bail", 0), (3, "bail", 7), (4, "bail", 8), (5, "bail", 14),
              (6, "bail", 60), (7, "bail", 200), (8, "fts", None), (9, "linked_crime", None))
    look = forward_look(classify(t, TODAY), TODAY)
    assert look == [{"horizon": 7, "due": 2, "overdue": 2}, {"horizon": 14, "due": 4, "overdue": 2},
                    {"horizon": 28, "due": 4, "overdue": 2}, {"horizon": 90, "due": 5, "overdue": 2}]
    custom = forward_look(classify(t, TODAY), TODAY, load_settings({"forward_horizons": [1]}))
    assert custom == [{"horizon": 1, "due": 1, "overdue": 2}]


def crimes_frame(ids):
    return pd.DataFrame({"crime_id": ids, "crime_ref": [f"CR{i:04d}" for i in ids],
                         "offence": [f"Offence {i}" for i in ids], "oic_name": "DC Smith",
                         "team_name": "Team A", "status": "open", "occurred_on": TODAY})


def test_worklist_rows_order_and_content():
    t = tasks(
        (10, "victim_contact", 5, "VC-STD"),                       # due soon
        (11, "bail", 20, "BAIL-INITIAL"),                           # upcoming
        (12, "supervisor_review", -3, "REV-PERIODIC"),              # overdue 3 days
        (12, "oel_update", 2, "OEL-14"),
        (12, "supervisor_review", -1, "REV-PERIODIC"),
        (13, "cdi", None, "CDI-02"),                                # undated error: overdue
        (14, "linked_crime", None, "LINK-REVIEW"),                  # info
        (15, "supervisor_review", -10, "REV-FIRST"),                # most overdue
        (16, "victim_contact", 1, "VC-ENH"),
    )
    rows = worklist_rows(classify(t, TODAY), crimes_frame([10, 11, 12, 13, 14, 15, 16]))
    assert list(rows.columns) == ROW_COLUMNS
    assert list(rows["crime_ref"]) == ["CR0015", "CR0012", "CR0013", "CR0016", "CR0010", "CR0011",
                                       "CR0014"]
    assert list(rows["state"]) == ["overdue", "overdue", "overdue", "due_soon", "due_soon",
                                   "upcoming", "info"]
    r12 = rows.set_index("crime_ref").loc["CR0012"]
    assert r12["flags"] == "Supervisor reviews, Log updates"
    assert (r12["n_overdue"], r12["n_due_soon"]) == (2, 1)
    assert r12["next_due"] == (TODAY - timedelta(days=3)).isoformat()
    assert (r12["next_kind"], r12["next_rule"]) == ("Supervisor reviews", "REV-PERIODIC")
    assert (r12["offence"], r12["oic"], r12["team"]) == ("Offence 12", "DC Smith", "Team A")
    r13 = rows.set_index("crime_ref").loc["CR0013"]
    assert (r13["next_due"], r13["next_kind"], r13["flags"]) == ("", "CDI errors", "CDI errors")
    assert len(rows) == 7


def test_worklist_rows_every_crime_missing_crimes_and_empty():
    t = tasks(*[(i, "bail", i) for i in range(1, 21)])
    rows = worklist_rows(classify(t, TODAY), crimes_frame([1, 2]))
    assert len(rows) == 20
    assert list(rows["crime_ref"])[:5] == ["CR0001", "CR0002", "CR0003", "CR0004", "CR0005"]
    assert rows.loc[2, "offence"] == "" and rows.loc[2, "crime_ref"] == "CR0003"
    empty = worklist_rows(classify(tasks(), TODAY), crimes_frame([]))
    assert empty.empty and list(empty.columns) == ROW_COLUMNS


def test_officer_summary_counts_investigations_and_tasks_per_officer_in_charge():
    from scoring.worklist import officer_summary

    frame = tasks((1, "supervisor_review", -5), (1, "victim_contact", -2), (2, "oel_update", 3),
                  (3, "victim_contact", 2), (4, "oel_update", 40))
    frame.loc[frame["crime_id"].isin([3, 4]), "oic_id"] = 2
    frame.loc[frame["crime_id"] == 4, "oic_id"] = None
    summary = officer_summary(classify(frame, TODAY), {1: "PC One", 2: "PC Two"})
    rows = summary.to_dict("records")
    # Most overdue first; an investigation with no officer in charge is listed, not dropped.
    assert [r["oic"] for r in rows] == ["PC One", "PC Two", "Unallocated"]
    assert rows[0] == {"oic_id": 1, "oic_key": "1", "oic": "PC One", "open": 2, "overdue": 2, "due_soon": 1,
                       "oldest_overdue": str(TODAY - timedelta(days=5))}
    assert rows[1]["open"] == 1 and rows[1]["overdue"] == 0 and rows[1]["oldest_overdue"] == ""
    assert rows[2]["oic_id"] is None and rows[2]["oic_key"] == "unallocated" and rows[2]["due_soon"] == 0
    assert officer_summary(classify(tasks(), TODAY), {}).empty


def test_owed_by_oic_counts_one_kinds_overdue_and_due_soon_per_officer_in_charge():
    from scoring.worklist import owed_by_oic

    classified = pd.DataFrame({
        "kind": ["supervisor_review"] * 5 + ["victim_contact"],
        "state": ["overdue", "due_soon", "overdue", "later", "overdue", "overdue"],
        "oic_id": [7, 7, 9, None, None, 7],
    })
    assert owed_by_oic(classified, "supervisor_review") == {"7": [1, 1], "9": [1, 0]}
    assert owed_by_oic(classified, "log_update") == {}


def test_officer_summary_oldest_overdue_skips_undated_errors():
    from scoring.worklist import officer_summary

    frame = tasks((1, "cdi", None), (1, "supervisor_review", -4), (2, "cdi", None))
    frame.loc[frame["crime_id"] == 2, "oic_id"] = 2
    rows = {r["oic"]: r for r in officer_summary(classify(frame, TODAY), {1: "PC One", 2: "PC Two"})
            .to_dict("records")}
    assert (rows["PC One"]["overdue"], rows["PC One"]["oldest_overdue"]) == (2, str(TODAY - timedelta(days=4)))
    assert (rows["PC Two"]["overdue"], rows["PC Two"]["oldest_overdue"]) == (1, "")


def test_worklist_rows_take_references_from_the_crimes_when_tasks_lack_them():
    t = tasks((2, "bail", 3), (1, "bail", 3), (3, "bail", 3)).drop(columns="crime_ref")
    rows = worklist_rows(classify(t, TODAY), crimes_frame([1, 2]))
    # Ties on urgency fall to the reference; a crime with no row falls back to its id, as text.
    assert list(rows["crime_ref"]) == ["3", "CR0001", "CR0002"]
    assert rows["offence"].tolist() == ["", "Offence 1", "Offence 2"]


def test_officers_who_share_a_name_keep_their_own_rows_and_keys():
    from scoring.worklist import officer_summary

    frame = tasks((1, "victim_contact", -2), (2, "victim_contact", 3), (3, "oel_update", 5))
    frame.loc[frame["crime_id"] == 2, "oic_id"] = 2
    frame.loc[frame["crime_id"] == 3, "oic_id"] = None
    summary = officer_summary(classify(frame, TODAY), {1: "PC Jo Smith", 2: "PC Jo Smith"})
    assert sorted(zip(summary["oic_key"], summary["oic"], summary["open"])) == \
        [("1", "PC Jo Smith", 1), ("2", "PC Jo Smith", 1), ("unallocated", "Unallocated", 1)]
    crimes = crimes_frame([1, 2, 3]).assign(oic_id=[1, 2, None], oic_name=["PC Jo Smith", "PC Jo Smith", ""])
    rows = worklist_rows(classify(frame, TODAY), crimes)
    assert dict(zip(rows["crime_ref"], rows["oic_key"])) == {"CR0001": "1", "CR0002": "2", "CR0003": "unallocated"}

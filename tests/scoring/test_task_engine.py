"""Task engine: hand-built event histories with their tasks worked out by hand, the amber edge, and properties."""

# Every date below is pinned and every expected due date is worked out by hand in a comment; nothing reads
# the clock. Calendar facts used: 2 Mar 2026 is a Monday; 19 Dec 2025 a Friday; 25 and 26 Dec 2025 and
# 1 Jan 2026 are England bank holidays; 3 Apr 2026 is Good Friday and 6 Apr 2026 Easter Monday;
# 3 Jan 2026, 17 Jan 2026, 31 Jan 2026, 28 Mar 2026, 25 Apr 2026 and 18 Jul 2026 are Saturdays.

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest
from hypothesis import assume, given, settings as hsettings, strategies as st

from scoring.categories import COMPLETIONS
from scoring.events import COMPLETION_EVENT, EVENT_KINDS, Event
from scoring.settings import load_settings
from scoring.task_engine import CrimeFacts, derive
from scoring.worklist import classify


def d(s: str) -> date:
    """An ISO date."""
    return date.fromisoformat(s)


class Log:
    """Builds a crime's events in the order written, with rising ids, at 09:00 unless told."""

    def __init__(self):
        self.events: list[Event] = []

    def __call__(self, kind: str, day: str, person: int | None = None, hour: int = 9, **kw) -> Event:
        assert kind in EVENT_KINDS, kind
        kw.setdefault("officer_id", 500)
        ev = Event(len(self.events) + 1, kind, datetime.combine(d(day), time(hour)), person_id=person, **kw)
        self.events.append(ev)
        return ev


def crime(recorded: str = "2026-03-02", occurred: str | None = None, **kw) -> CrimeFacts:
    """Crime 1, occurring the day before it was recorded unless told."""
    rec = d(recorded)
    return CrimeFacts(1, d(occurred) if occurred else rec - timedelta(days=1), rec, **kw)


def summary(res) -> dict:
    """key -> (rule_id, basis, due, status, completion) for every task."""
    return {t.key: (t.rule_id, t.basis, t.due, t.status, t.completion) for t in res.tasks}


def by_key(res) -> dict:
    """The tasks by key."""
    return {t.key: t for t in res.tasks}


def rds(res, key: str) -> tuple:
    """(rule_id, due, status) of one task."""
    t = by_key(res)[key]
    return t.rule_id, t.due, t.status


O, DONE = "open", "done"


# --- supervisor reviews ---------------------------------------------------------------------------------

def test_first_review_falls_due_seven_days_after_allocation():
    """REV-FIRST: allocated Tue 3 Mar 2026 + 7 days = Tue 10 Mar; OEL from recording 2 Mar + 14 = 16 Mar."""
    log = Log()
    log("allocated", "2026-03-03")
    res = derive(crime(), log.events, d("2026-03-05"))
    assert summary(res) == {
        "OEL:0": ("OEL-14", d("2026-03-02"), d("2026-03-16"), O, None),
        "REV:0": ("REV-FIRST", d("2026-03-03"), d("2026-03-10"), O, None),
    }
    assert by_key(res)["REV:0"].kind == "supervisor_review"


def test_no_review_is_owed_before_allocation():
    """A crime not yet allocated owes only its first log entry."""
    assert set(summary(derive(crime(), [], d("2026-03-05")))) == {"OEL:0"}


@pytest.mark.parametrize("interval_from, review_day, basis, due", [
    ("done", "2026-03-12", "2026-03-12", "2026-04-09"),  # late review 12 Mar + 28 = 40 Mar = 9 Apr
    ("due", "2026-03-12", "2026-03-10", "2026-04-07"),   # from the due day 10 Mar + 28 = 38 Mar = 7 Apr
    ("done", "2026-03-08", "2026-03-08", "2026-04-05"),  # early review 8 Mar + 28 = 36 Mar = 5 Apr
    ("due", "2026-03-08", "2026-03-10", "2026-04-07"),   # early or late, "due" counts from 10 Mar
])
def test_periodic_review_follows_a_review_by_the_interval_setting(interval_from, review_day, basis, due):
    """REV-PERIODIC after a review is 28 days from the day done, or from the day due, by review_interval_from."""
    log = Log()
    log("allocated", "2026-03-03")
    review = log("supervisor_review", review_day, officer_id=42)
    res = derive(crime(), log.events, d("2026-03-13"), load_settings({"review_interval_from": interval_from}))
    assert summary(res) == {
        "OEL:0": ("OEL-14", d("2026-03-02"), d("2026-03-16"), O, None),  # a review is not a log entry
        "REV:0": ("REV-FIRST", d("2026-03-03"), d("2026-03-10"), DONE, "review_done"),
        "REV:1": ("REV-PERIODIC", d(basis), d(due), O, None),
    }
    first = by_key(res)["REV:0"]
    assert (first.completed_at, first.completed_by, first.event_id, first.completed_in) == \
        (review.at, 42, review.id, "source")


@pytest.mark.parametrize("interval_from, basis, due", [
    ("done", "2026-04-01", "2026-04-29"),  # second review 1 Apr + 28 = 29 Apr
    ("due", "2026-04-07", "2026-05-05"),   # REV:1 was due 7 Apr; 7 Apr + 28 = 35 Apr = 5 May
])
def test_second_periodic_review_chains_from_the_previous_one(interval_from, basis, due):
    """Reviews on 12 Mar and 1 Apr: the third is owed 28 days after 1 Apr, or after REV:1's due day."""
    log = Log()
    log("allocated", "2026-03-03")
    log("supervisor_review", "2026-03-12")
    log("supervisor_review", "2026-04-01")
    res = derive(crime(), log.events, d("2026-04-02"), load_settings({"review_interval_from": interval_from}))
    s = summary(res)
    assert s["REV:1"][3:] == (DONE, "review_done")
    assert s["REV:2"] == ("REV-PERIODIC", d(basis), d(due), O, None)
    assert [t.key for t in res.open_tasks() if t.kind == "supervisor_review"] == ["REV:2"]


# --- investigation log (OEL) ----------------------------------------------------------------------------

def test_log_entry_closes_the_owed_entry_and_opens_the_next_fourteen_days_on():
    """OEL:0 due 16 Mar; entries on 10 Mar (next 24 Mar) and 11 Mar (next 25 Mar)."""
    log = Log()
    log("log_entry", "2026-03-10")
    log("log_entry", "2026-03-11")
    res = derive(crime(), log.events, d("2026-03-12"))
    assert summary(res) == {
        "OEL:0": ("OEL-14", d("2026-03-02"), d("2026-03-16"), DONE, "log_updated"),
        "OEL:1": ("OEL-14", d("2026-03-10"), d("2026-03-24"), DONE, "log_updated"),
        "OEL:2": ("OEL-14", d("2026-03-11"), d("2026-03-25"), O, None),
    }
    assert all(t.kind == "oel_update" for t in res.tasks)


def test_review_counts_as_a_log_entry_only_when_oel_entry_kinds_says_so():
    """With supervisor_review in oel_entry_kinds a review on 12 Mar closes OEL:0 and owes the next by 26 Mar."""
    log = Log()
    log("allocated", "2026-03-03")
    review = log("supervisor_review", "2026-03-12")
    both = load_settings({"oel_entry_kinds": ["log_entry", "supervisor_review"]})
    res = derive(crime(), log.events, d("2026-03-13"), both)
    assert summary(res) == {
        "OEL:0": ("OEL-14", d("2026-03-02"), d("2026-03-16"), DONE, "log_updated"),
        "REV:0": ("REV-FIRST", d("2026-03-03"), d("2026-03-10"), DONE, "review_done"),
        "REV:1": ("REV-PERIODIC", d("2026-03-12"), d("2026-04-09"), O, None),
        "OEL:1": ("OEL-14", d("2026-03-12"), d("2026-03-26"), O, None),  # 12 Mar + 14
    }
    assert by_key(res)["OEL:0"].event_id == review.id
    # With the default setting the same review leaves the log entry owed.
    assert summary(derive(crime(), log.events, d("2026-03-13")))["OEL:0"][3] == O


def test_log_entry_is_not_counted_when_oel_entry_kinds_leaves_it_out():
    """oel_entry_kinds=['supervisor_review'] makes a log_entry event no log entry at all."""
    log = Log()
    log("log_entry", "2026-03-10")
    res = derive(crime(), log.events, d("2026-03-12"), load_settings({"oel_entry_kinds": ["supervisor_review"]}))
    assert summary(res) == {"OEL:0": ("OEL-14", d("2026-03-02"), d("2026-03-16"), O, None)}


# --- victim updates (VC-UPDATE) -------------------------------------------------------------------------

def test_victim_update_clock_starts_at_recording_by_default():
    """Recorded 2 Mar 2026 + 28 days = 30 Mar."""
    res = derive(crime(has_victim=True), [], d("2026-03-05"))
    assert summary(res)["VCU:0"] == ("VC-UPDATE", d("2026-03-02"), d("2026-03-30"), O, None)
    assert by_key(res)["VCU:0"].kind == "victim_contact"


def test_victim_update_clock_can_start_at_allocation():
    """victim_update_clock_start='allocated': nothing owed before allocation; allocated 5 Mar + 28 = 2 Apr."""
    st_ = load_settings({"victim_update_clock_start": "allocated"})
    log = Log()
    assert "VCU:0" not in summary(derive(crime(has_victim=True), [], d("2026-03-04"), st_))
    log("allocated", "2026-03-05")
    res = derive(crime(has_victim=True), log.events, d("2026-03-06"), st_)
    assert summary(res)["VCU:0"] == ("VC-UPDATE", d("2026-03-05"), d("2026-04-02"), O, None)


def test_victim_update_clock_ignores_allocation_when_it_starts_at_recording():
    """With the default, allocation on 5 Mar does not move the update owed from recording (30 Mar)."""
    log = Log()
    log("allocated", "2026-03-05")
    res = derive(crime(has_victim=True), log.events, d("2026-03-06"))
    assert [(t.key, t.due) for t in res.tasks if t.rule_id == "VC-UPDATE"] == [("VCU:0", d("2026-03-30"))]


def test_victim_contact_restarts_the_update_clock():
    """Contact on 20 Mar closes VCU:0; the next is owed 20 Mar + 28 = 48 Mar = 17 Apr."""
    log = Log()
    contact = log("victim_contact", "2026-03-20")
    res = derive(crime(has_victim=True), log.events, d("2026-03-21"))
    s = summary(res)
    assert s["VCU:0"] == ("VC-UPDATE", d("2026-03-02"), d("2026-03-30"), DONE, "victim_contacted")
    assert s["VCU:1"] == ("VC-UPDATE", d("2026-03-20"), d("2026-04-17"), O, None)
    assert by_key(res)["VCU:0"].event_id == contact.id


def test_agreed_contact_frequency_sets_the_interval_from_then_on():
    """Contact 20 Mar, then 14 days agreed on 21 Mar: VCU:1 due 20 Mar + 14 = 3 Apr; contact 1 Apr: next 15 Apr."""
    log = Log()
    log("victim_contact", "2026-03-20")
    log("contact_agreed", "2026-03-21", value=14)
    res = derive(crime(has_victim=True), log.events, d("2026-03-22"))
    assert summary(res)["VCU:1"] == ("VC-UPDATE", d("2026-03-20"), d("2026-04-03"), O, None)
    log("victim_contact", "2026-04-01")
    res = derive(crime(has_victim=True), log.events, d("2026-04-02"))
    assert summary(res)["VCU:1"][3] == DONE
    assert summary(res)["VCU:2"] == ("VC-UPDATE", d("2026-04-01"), d("2026-04-15"), O, None)


def test_agreed_frequency_before_any_contact_redates_the_first_update():
    """7 days agreed on 4 Mar: the update owed from recording is due 2 Mar + 7 = 9 Mar."""
    log = Log()
    log("contact_agreed", "2026-03-04", value=7)
    res = derive(crime(has_victim=True), log.events, d("2026-03-05"))
    assert summary(res)["VCU:0"] == ("VC-UPDATE", d("2026-03-02"), d("2026-03-09"), O, None)


@pytest.mark.parametrize("value", [None, 0])
def test_contact_agreed_without_a_positive_value_changes_nothing(value):
    """An agreement with no number of days keeps the 28-day default (due 30 Mar)."""
    log = Log()
    log("contact_agreed", "2026-03-04", value=value)
    res = derive(crime(has_victim=True), log.events, d("2026-03-05"))
    assert summary(res)["VCU:0"][2] == d("2026-03-30")


def test_no_victim_owes_no_victim_contact():
    """A crime with no victim owes no update and no development contact."""
    log = Log()
    log("arrest", "2026-03-03", person=1)
    log("victim_contact", "2026-03-04")
    res = derive(crime(), log.events, d("2026-03-05"))
    assert [t for t in res.tasks if t.kind == "victim_contact"] == []


# --- Victims' Code development contacts (VC-STD / VC-ENH) -----------------------------------------------

XMAS = dict(recorded="2025-12-18", has_victim=True)


def test_standard_development_contact_counts_working_days_over_christmas():
    """Arrest Fri 19 Dec 2025: 5 working days are 22, 23, 24, 29, 30 Dec (25/26 Dec bank holidays, weekend).

    Bail on Wed 24 Dec: 29, 30, 31 Dec, 2 Jan, 5 Jan 2026 (1 Jan a bank holiday) -> 5 Jan.
    Bail starts 20 Dec 2025 (day after arrest): 3 months beginning with it end 19 Mar 2026.
    """
    log = Log()
    log("arrest", "2025-12-19", person=1)
    log("bail_granted", "2025-12-24", person=1)
    res = derive(crime(**XMAS), log.events, d("2025-12-24"))
    assert summary(res) == {
        "OEL:0": ("OEL-14", d("2025-12-18"), d("2026-01-01"), O, None),     # 18 Dec + 14 (no move by default)
        "VCU:0": ("VC-UPDATE", d("2025-12-18"), d("2026-01-15"), O, None),  # 18 Dec + 28 = 46 Dec = 15 Jan
        "VCD:2025-12-19": ("VC-STD", d("2025-12-19"), d("2025-12-30"), O, None),
        "B:1:0:0": ("BAIL-INITIAL", d("2025-12-20"), d("2026-03-19"), O, None),
        "VCD:2025-12-24": ("VC-STD", d("2025-12-24"), d("2026-01-05"), O, None),
    }


def test_enhanced_development_contact_is_one_working_day():
    """Enhanced victim: arrest Fri 19 Dec -> Mon 22 Dec; bail Wed 24 Dec -> Mon 29 Dec (25, 26 Dec holidays)."""
    log = Log()
    log("arrest", "2025-12-19", person=1)
    log("bail_granted", "2025-12-24", person=1)
    res = derive(crime(**XMAS, victim_enhanced=True), log.events, d("2025-12-24"))
    s = summary(res)
    assert s["VCD:2025-12-19"] == ("VC-ENH", d("2025-12-19"), d("2025-12-22"), O, None)
    assert s["VCD:2025-12-24"] == ("VC-ENH", d("2025-12-24"), d("2025-12-29"), O, None)


def test_development_contact_is_never_moved_by_the_policy_setting():
    """Working-day dates are statutory: move_due_off_non_working_days leaves 30 Dec and 5 Jan alone."""
    log = Log()
    log("arrest", "2025-12-19", person=1)
    log("bail_granted", "2025-12-24", person=1)
    res = derive(crime(**XMAS), log.events, d("2025-12-24"), load_settings({"move_due_off_non_working_days": True}))
    s = summary(res)
    assert (s["VCD:2025-12-19"][2], s["VCD:2025-12-24"][2]) == (d("2025-12-30"), d("2026-01-05"))
    assert s["OEL:0"][2] == d("2026-01-02")  # the policy date 1 Jan (bank holiday) moves to Fri 2 Jan


def test_one_development_contact_per_day():
    """Arrest and bail on the same day owe one contact about them, not two."""
    log = Log()
    log("arrest", "2025-12-19", person=1, hour=9)
    log("bail_granted", "2025-12-19", person=1, hour=18)
    res = derive(crime(**XMAS), log.events, d("2025-12-19"))
    assert [t.key for t in res.tasks if t.rule_id == "VC-STD"] == ["VCD:2025-12-19"]


def test_victim_contact_closes_every_development_contact_owed():
    """Contact Mon 29 Dec closes both development contacts and the update; next update 29 Dec + 28 = 26 Jan."""
    log = Log()
    log("arrest", "2025-12-19", person=1)
    log("bail_granted", "2025-12-24", person=1)
    contact = log("victim_contact", "2025-12-29")
    res = derive(crime(**XMAS), log.events, d("2025-12-29"))
    s = summary(res)
    for key in ("VCD:2025-12-19", "VCD:2025-12-24", "VCU:0"):
        assert s[key][3:] == (DONE, "victim_contacted")
        assert by_key(res)[key].event_id == contact.id
    assert s["VCU:1"] == ("VC-UPDATE", d("2025-12-29"), d("2026-01-26"), O, None)


# --- bail -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("arrest, start, ends", [
    ("2024-11-29", "2024-11-30", "2025-02-28"),  # 3 months beginning with 30 Nov: no 30 Feb, so last day of Feb
    ("2023-11-29", "2023-11-30", "2024-02-29"),  # the same in a leap year
    ("2026-02-28", "2026-03-01", "2026-05-31"),  # 3 months beginning with 1 Mar end 31 May
])
def test_initial_bail_ends_three_months_beginning_with_the_day_after_arrest(arrest, start, ends):
    """BAIL-INITIAL: bail start = day after arrest; the period includes that day."""
    log = Log()
    log("arrest", arrest, person=7, hour=23)
    log("bail_granted", arrest, person=7, hour=23, officer_id=11, officer_rank="sergeant")
    today = d(arrest) + timedelta(days=1)
    res = derive(crime(recorded=arrest), log.events, today)
    t = by_key(res)["B:7:0:0"]
    assert (t.kind, t.rule_id, t.basis, t.due, t.status, t.person_id, t.bail_key) == \
        ("bail", "BAIL-INITIAL", d(start), d(ends), O, 7, "B:7:0")
    [ep] = res.bail
    assert (ep.key, ep.person_id, ep.arrested_on, ep.bail_start, ep.stage, ep.ends_on, ep.status) == \
        ("B:7:0", 7, d(arrest), d(start), "initial", d(ends), "bail")
    assert (ep.authorised_by, ep.authorised_rank) == (11, "sergeant")
    assert "Extension needs an inspector or above." in t.detail


def test_bail_period_counts_from_the_arrest_not_the_release():
    """Arrested 14 Jan 2026 23:00, bailed 15 Jan: start 15 Jan, ends 14 Apr (from the release it would be 15 Apr)."""
    log = Log()
    log("arrest", "2026-01-14", person=7, hour=23)
    log("bail_granted", "2026-01-15", person=7, hour=10)
    res = derive(crime(recorded="2026-01-14"), log.events, d("2026-01-16"))
    [ep] = res.bail
    assert (ep.arrested_on, ep.bail_start, ep.ends_on) == (d("2026-01-14"), d("2026-01-15"), d("2026-04-14"))


def _extended_bail() -> Log:
    """Arrest and bail 29 Nov 2024 (start 30 Nov), extended 10 Feb, 20 May and by a court on 20 Aug 2025."""
    log = Log()
    log("arrest", "2024-11-29", person=7)
    log("bail_granted", "2024-11-29", person=7)
    log("bail_extended", "2025-02-10", person=7, officer_rank="inspector")
    log("bail_extended", "2025-05-20", person=7, officer_rank="superintendent")
    log("bail_extended", "2025-08-20", person=7, stage="court", ends_on=d("2025-11-30"))
    return log


def test_bail_extensions_first_second_and_court():
    """First extension: 6 months from 30 Nov end 29 May 2025; second: 9 months end 29 Aug; court sets 30 Nov."""
    res = derive(crime(recorded="2024-11-28"), _extended_bail().events, d("2025-08-21"))
    s = summary(res)
    bail_tasks = {k: v for k, v in s.items() if k.startswith("B:")}
    start = d("2024-11-30")
    assert bail_tasks == {
        "B:7:0:0": ("BAIL-INITIAL", start, d("2025-02-28"), DONE, "bail_extended"),
        "B:7:0:1": ("BAIL-EXT1", start, d("2025-05-29"), DONE, "bail_extended"),
        "B:7:0:2": ("BAIL-EXT2", start, d("2025-08-29"), DONE, "bail_extended"),
        "B:7:0:3": ("BAIL-COURT", start, d("2025-11-30"), O, None),
    }
    [ep] = res.bail
    assert (ep.stage, ep.ends_on, ep.status) == ("court", d("2025-11-30"), "bail")
    assert "magistrates' court" in by_key(res)["B:7:0:3"].detail


def test_each_extension_at_its_own_stage():
    """Derived on 11 Feb 2025 only the first extension is seen: ends 29 May 2025, superintendent next."""
    res = derive(crime(recorded="2024-11-28"), _extended_bail().events, d("2025-02-11"))
    assert [(t.key, t.rule_id, t.due) for t in res.open_tasks() if t.kind == "bail"] == \
        [("B:7:0:1", "BAIL-EXT1", d("2025-05-29"))]
    assert "superintendent" in by_key(res)["B:7:0:1"].detail


def test_bail_ended_closes_the_bail_task():
    """bail_ended on 15 Jan 2025: the bail task is done as 'bail_ended' and the episode ends."""
    log = Log()
    log("arrest", "2024-11-29", person=7)
    log("bail_granted", "2024-11-29", person=7)
    ended = log("bail_ended", "2025-01-15", person=7)
    res = derive(crime(recorded="2024-11-28"), log.events, d("2025-01-16"))
    assert summary(res)["B:7:0:0"] == ("BAIL-INITIAL", d("2024-11-30"), d("2025-02-28"), DONE, "bail_ended")
    assert by_key(res)["B:7:0:0"].completed_at == ended.at
    assert [ep.status for ep in res.bail] == ["ended"]
    assert [t for t in res.open_tasks() if t.kind == "bail"] == []


def test_failure_to_surrender_closes_bail_and_opens_fts_until_that_person_is_arrested():
    """Bailed 5 Jan 2026 (start 6 Jan, ends 5 Apr); fails to answer 5 Apr; another's arrest leaves FTS open."""
    log = Log()
    log("arrest", "2026-01-05", person=7)
    log("bail_granted", "2026-01-05", person=7)
    log("fts", "2026-04-05", person=7)
    log("arrest", "2026-04-08", person=8)
    res = derive(crime(recorded="2026-01-04"), log.events, d("2026-04-09"))
    s = summary(res)
    assert s["B:7:0:0"] == ("BAIL-INITIAL", d("2026-01-06"), d("2026-04-05"), DONE, "fts")
    assert s["FTS:B:7:0"] == ("FTS", d("2026-04-05"), None, O, None)
    fts = by_key(res)["FTS:B:7:0"]
    assert (fts.kind, fts.person_id, fts.bail_key) == ("fts", 7, "B:7:0")
    assert [ep.status for ep in res.bail] == ["fts"]
    log("arrest", "2026-04-10", person=7)
    res = derive(crime(recorded="2026-01-04"), log.events, d("2026-04-10"))
    assert summary(res)["FTS:B:7:0"][3:] == (DONE, "suspect_arrested")
    assert [ep.status for ep in res.bail] == ["ended"]


def test_repeated_failure_to_surrender_owes_one_fts_task_that_an_arrest_closes():
    """Two fts records for one failure (5 and 6 Apr) owe one FTS task; the arrest on 10 Apr leaves nothing open."""
    log = Log()
    log("bail_granted", "2026-01-05", person=7)
    log("fts", "2026-04-05", person=7)
    log("fts", "2026-04-06", person=7)
    log("arrest", "2026-04-10", person=7)
    res = derive(crime(recorded="2026-01-04"), log.events, d("2026-04-10"))
    assert [(t.key, t.basis, t.status) for t in res.tasks if t.kind == "fts"] == \
        [("FTS:B:7:0", d("2026-04-05"), DONE)]


def test_fts_on_a_suspect_released_under_investigation_is_ignored():
    """RUI has no bail to answer: an fts record leaves the RUI task owed and reviewable (6 Jan + 28 = 3 Feb)."""
    log = Log()
    log("rui", "2026-01-05", person=7)
    log("fts", "2026-01-20", person=7)
    res = derive(crime(recorded="2026-01-04"), log.events, d("2026-01-21"))
    assert [t.kind for t in res.tasks if t.kind == "fts"] == []
    assert [ep.status for ep in res.bail] == ["rui"]
    log("rui_review", "2026-01-30", person=7)
    res = derive(crime(recorded="2026-01-04"), log.events, d("2026-01-31"))
    assert summary(res)["RUI:B:7:0:0"][3:] == (DONE, "rui_reviewed")
    assert summary(res)["RUI:B:7:0:1"][2:4] == (d("2026-02-27"), O)  # 30 Jan + 28


def test_fts_actioned_closes_the_fts_task():
    """Circulating the suspect as wanted closes the FTS task."""
    log = Log()
    log("bail_granted", "2026-01-05", person=7)
    log("fts", "2026-04-05", person=7)
    log("fts_actioned", "2026-04-06", person=7)
    res = derive(crime(recorded="2026-01-04"), log.events, d("2026-04-07"))
    assert summary(res)["FTS:B:7:0"][3:] == (DONE, "fts_actioned")


def test_released_under_investigation_is_reviewed_every_28_days():
    """RUI 6 Jan 2026: review due 6 Jan + 28 = 3 Feb; reviewed 1 Feb: next 1 Feb + 28 = 1 Mar (Feb has 28 days)."""
    log = Log()
    log("arrest", "2026-01-05", person=7)
    log("rui", "2026-01-06", person=7)
    res = derive(crime(recorded="2026-01-04"), log.events, d("2026-01-07"))
    rui = by_key(res)["RUI:B:7:0:0"]
    assert (rui.kind, rui.rule_id, rui.basis, rui.due, rui.status, rui.person_id, rui.bail_key) == \
        ("rui", "RUI-REVIEW", d("2026-01-06"), d("2026-02-03"), O, 7, "B:7:0")
    [ep] = res.bail
    assert (ep.status, ep.arrested_on, ep.bail_start, ep.ends_on) == ("rui", d("2026-01-05"), None, None)
    log("rui_review", "2026-02-01", person=7)
    res = derive(crime(recorded="2026-01-04"), log.events, d("2026-02-02"))
    s = summary(res)
    assert s["RUI:B:7:0:0"][3:] == (DONE, "rui_reviewed")
    assert s["RUI:B:7:0:1"] == ("RUI-REVIEW", d("2026-02-01"), d("2026-03-01"), O, None)


def test_rui_after_bail_ends_the_bail_episode():
    """Bail then RUI on 20 Jan: the bail task is done as 'bail_ended' and a new RUI episode B:7:1 begins."""
    log = Log()
    log("bail_granted", "2026-01-05", person=7)
    log("rui", "2026-01-20", person=7)
    res = derive(crime(recorded="2026-01-04"), log.events, d("2026-01-21"))
    assert summary(res)["B:7:0:0"][3:] == (DONE, "bail_ended")
    assert [(ep.key, ep.status) for ep in res.bail] == [("B:7:0", "ended"), ("B:7:1", "rui")]
    assert summary(res)["RUI:B:7:1:0"][2] == d("2026-02-17")  # 20 Jan + 28


def test_2017_scheme_applies_to_an_arrest_before_28_october_2022():
    """Arrest Sat 1 Oct 2022: start 2 Oct, 28 days beginning with it end 29 Oct; 3 months end 1 Jan 2023."""
    log = Log()
    log("arrest", "2022-10-01", person=7)
    log("bail_granted", "2022-10-01", person=7)
    res = derive(crime(recorded="2022-09-30"), log.events, d("2022-10-02"))
    assert summary(res)["B:7:0:0"] == ("BAIL-OLD", d("2022-10-02"), d("2022-10-29"), O, None)
    assert "superintendent" in by_key(res)["B:7:0:0"].detail
    log("bail_extended", "2022-10-20", person=7)
    res = derive(crime(recorded="2022-09-30"), log.events, d("2022-10-21"))
    assert summary(res)["B:7:0:1"] == ("BAIL-OLD", d("2022-10-02"), d("2023-01-01"), O, None)
    assert res.bail[0].stage == "first_extension"
    # The next extension under the 2017 scheme can only be the court's.
    log("bail_extended", "2022-12-20", person=7, ends_on=d("2023-03-31"))
    res = derive(crime(recorded="2022-09-30"), log.events, d("2022-12-21"))
    assert summary(res)["B:7:0:2"] == ("BAIL-COURT", d("2022-10-02"), d("2023-03-31"), O, None)


@pytest.mark.parametrize("arrest, rule, ends", [
    ("2022-10-27", "BAIL-OLD", "2022-11-24"),      # start 28 Oct + 27 days = 24 Nov
    ("2022-10-28", "BAIL-INITIAL", "2023-01-28"),  # start 29 Oct, 3 months beginning with it end 28 Jan 2023
])
def test_bail_scheme_changes_on_28_october_2022(arrest, rule, ends):
    """An arrest on 27 Oct 2022 is under the 2017 scheme; one on 28 Oct under the 2022 scheme."""
    log = Log()
    log("bail_granted", arrest, person=7)
    res = derive(crime(recorded=arrest), log.events, d(arrest))
    assert rds(res, "B:7:0:0") == (rule, d(ends), O)


# --- prosecution time limits ----------------------------------------------------------------------------

TL = dict(recorded="2026-01-11", occurred="2026-01-10", summary_only=True)


def test_summary_only_offence_has_the_s127_six_month_limit():
    """Occurred 10 Jan 2026: proceedings by 10 Jul 2026 (6 months from the offence)."""
    res = derive(crime(**TL), [], d("2026-01-12"))
    assert summary(res)["TL"] == ("TL-S127", d("2026-01-10"), d("2026-07-10"), O, None)
    assert by_key(res)["TL"].kind == "time_limit"


def test_either_way_offence_has_no_time_limit():
    """Not summary-only: no TL task."""
    assert "TL" not in summary(derive(crime(recorded="2026-01-11"), [], d("2026-01-12")))


def test_domestic_common_assault_keeps_s127_until_a_statement():
    """With s39a_needs_statement (default) and no statement, the limit is still 10 Jul 2026."""
    res = derive(crime(**TL, domestic_common_assault=True), [], d("2026-01-12"))
    assert rds(res, "TL") == ("TL-S127", d("2026-07-10"), O)


@pytest.mark.parametrize("statement, due", [
    ("2026-03-01", "2026-09-01"),  # min(10 Jan 2028, 1 Mar + 6 months = 1 Sep 2026)
    ("2026-12-01", "2027-06-01"),  # a statement after the s127 date still gives 6 months from it
    ("2027-12-01", "2028-01-10"),  # 1 Jun 2028 is after the 2-year outer limit 10 Jan 2028
])
def test_statement_moves_the_domestic_assault_limit_to_s39a(statement, due):
    """s39A: within 6 months of the first statement and 2 years of the offence; a later statement does not move it."""
    log = Log()
    log("statement", statement)
    today = d(statement) + timedelta(days=1)
    res = derive(crime(**TL, domestic_common_assault=True), log.events, today)
    assert summary(res)["TL"] == ("TL-S39A", d("2026-01-10"), d(due), O, None)
    assert "s39A" in by_key(res)["TL"].detail
    log("statement", (today + timedelta(days=30)).isoformat())
    res = derive(crime(**TL, domestic_common_assault=True), log.events, today + timedelta(days=31))
    assert summary(res)["TL"][2] == d(due)


def test_statement_does_not_move_an_ordinary_summary_limit():
    """A statement on a summary offence that is not domestic common assault leaves 10 Jul 2026."""
    log = Log()
    log("statement", "2026-03-01")
    assert rds(derive(crime(**TL), log.events, d("2026-03-02")), "TL") == ("TL-S127", d("2026-07-10"), O)


def test_s39a_does_not_reach_an_offence_before_28_june_2022():
    """Domestic assault on 1 Jun 2022 with a statement on 1 Jul: s127, 1 Dec 2022."""
    log = Log()
    log("statement", "2022-07-01")
    res = derive(crime(recorded="2022-06-02", occurred="2022-06-01", summary_only=True,
                       domestic_common_assault=True), log.events, d("2022-07-02"))
    assert rds(res, "TL") == ("TL-S127", d("2022-12-01"), O)


def test_s39a_outer_limit_shown_when_no_statement_is_needed():
    """s39a_needs_statement false: with no statement the 2-year limit, 10 Jan 2028."""
    res = derive(crime(**TL, domestic_common_assault=True), [], d("2026-01-12"),
                 load_settings({"s39a_needs_statement": False}))
    assert rds(res, "TL") == ("TL-S39A", d("2028-01-10"), O)


@pytest.mark.parametrize("kind, completion", [("charge", "charged"), ("no_further_action", "time_limit_nfa")])
def test_time_limit_closed_by_charge_or_no_further_action(kind, completion):
    """A charge or a no-further-action decision on 1 Apr 2026 closes the time limit."""
    log = Log()
    ev = log(kind, "2026-04-01", person=3 if kind == "charge" else None)
    res = derive(crime(**TL), log.events, d("2026-04-02"))
    assert summary(res)["TL"] == ("TL-S127", d("2026-01-10"), d("2026-07-10"), DONE, completion)
    assert by_key(res)["TL"].event_id == ev.id


def test_statement_after_the_limit_closed_does_not_reopen_it():
    """Charged 1 Feb, statement 1 Mar: the time limit stays done and is not duplicated."""
    log = Log()
    log("charge", "2026-02-01", person=3)
    log("statement", "2026-03-01")
    res = derive(crime(**TL, domestic_common_assault=True), log.events, d("2026-03-02"))
    assert [(t.key, t.status) for t in res.tasks if t.kind == "time_limit"] == [("TL", DONE)]


# --- named suspects, linked crimes, data quality --------------------------------------------------------

def test_named_suspect_closed_by_that_persons_arrest_only():
    """Named 2 Mar 2026: expected arrest by 2 Mar + 28 = 30 Mar; person 6's arrest leaves it; person 5's closes it."""
    log = Log()
    log("suspect_named", "2026-03-02", person=5)
    log("arrest", "2026-03-10", person=6)
    res = derive(crime(), log.events, d("2026-03-11"))
    assert summary(res)["NS:5"] == ("NS-ARREST", d("2026-03-02"), d("2026-03-30"), O, None)
    ns = by_key(res)["NS:5"]
    assert (ns.kind, ns.person_id) == ("named_suspect", 5)
    log("arrest", "2026-03-12", person=5)
    res = derive(crime(), log.events, d("2026-03-12"))
    assert summary(res)["NS:5"][3:] == (DONE, "suspect_arrested")


def test_naming_a_suspect_twice_owes_one_task():
    """A second naming of the same person (even after arrest) opens nothing new."""
    log = Log()
    log("suspect_named", "2026-03-02", person=5)
    log("arrest", "2026-03-03", person=5)
    log("suspect_named", "2026-03-04", person=5)
    res = derive(crime(), log.events, d("2026-03-05"))
    assert [(t.key, t.status) for t in res.tasks if t.kind == "named_suspect"] == [("NS:5", DONE)]


def test_linked_crime_closed_by_links_reviewed():
    """A linked crime owes an undated link review until links_reviewed."""
    res = derive(crime(has_links=True), [], d("2026-03-03"))
    assert summary(res)["LINK"] == ("LINK-REVIEW", d("2026-03-02"), None, O, None)
    assert by_key(res)["LINK"].kind == "linked_crime"
    log = Log()
    log("links_reviewed", "2026-03-04")
    res = derive(crime(has_links=True), log.events, d("2026-03-05"))
    assert summary(res)["LINK"][3:] == (DONE, "links_reviewed")


FINDINGS = (("CDI-01", "cdi", "Recorded more than 24 hours after the report."),
            ("DM-01", "detection_mismatch", "Custody says charged; the crime does not."))


def test_data_quality_findings_closed_by_a_cdi_check_naming_the_rule():
    """CDI-01 checked on 10 Mar closes; DM-01's check is dated after today, so it stays open."""
    log = Log()
    check = log("cdi_check", "2026-03-10", rule_id="CDI-01")
    log("cdi_check", "2026-03-20", rule_id="DM-01")
    res = derive(crime(findings=FINDINGS), log.events, d("2026-03-15"))
    s = summary(res)
    assert s["DQ:CDI-01"] == ("CDI-01", d("2026-03-02"), None, DONE, "corrected")
    assert s["DQ:DM-01"] == ("DM-01", d("2026-03-02"), None, O, None)
    t = by_key(res)["DQ:CDI-01"]
    assert (t.kind, t.event_id, t.detail) == ("cdi", check.id, FINDINGS[0][2])
    assert by_key(res)["DQ:DM-01"].kind == "detection_mismatch"


def test_cdi_check_for_another_rule_closes_nothing():
    """A check naming CDI-02 leaves both findings open."""
    log = Log()
    log("cdi_check", "2026-03-10", rule_id="CDI-02")
    res = derive(crime(findings=FINDINGS), log.events, d("2026-03-15"))
    assert {t.key for t in res.open_tasks()} >= {"DQ:CDI-01", "DQ:DM-01"}


def test_finalised_crime_owes_only_its_data_quality_flags_and_keeps_its_history():
    """Finalised 20 Mar 2026: open deadlines close as 'crime_finalised' then; a log entry on 25 Mar is ignored."""
    log = Log()
    log("allocated", "2026-03-03")
    log("supervisor_review", "2026-03-08")
    log("bail_granted", "2026-03-09", person=7)
    log("log_entry", "2026-03-25")
    facts = crime(finalised=True, outcome_date=d("2026-03-20"), has_victim=True,
                  findings=(("CDI-06", "cdi", "Finalised without an outcome."),))
    res = derive(facts, log.events, d("2026-03-30"))
    fin = datetime(2026, 3, 20)
    assert summary(res) == {
        "OEL:0": ("OEL-14", d("2026-03-02"), d("2026-03-16"), DONE, "crime_finalised"),
        "VCU:0": ("VC-UPDATE", d("2026-03-02"), d("2026-03-30"), DONE, "crime_finalised"),
        "REV:0": ("REV-FIRST", d("2026-03-03"), d("2026-03-10"), DONE, "review_done"),
        "REV:1": ("REV-PERIODIC", d("2026-03-08"), d("2026-04-05"), DONE, "crime_finalised"),
        "B:7:0:0": ("BAIL-INITIAL", d("2026-03-10"), d("2026-06-09"), DONE, "crime_finalised"),
        "VCD:2026-03-09": ("VC-STD", d("2026-03-09"), d("2026-03-16"), DONE, "crime_finalised"),
        "DQ:CDI-06": ("CDI-06", d("2026-03-02"), None, O, None),
    }
    assert {t.completed_at for t in res.tasks if t.completion == "crime_finalised"} == {fin}
    assert [t.key for t in res.open_tasks()] == ["DQ:CDI-06"]
    assert [(ep.status, ep.updated_at) for ep in res.bail] == [("ended", fin)]


def test_events_after_today_are_ignored():
    """A review and an arrest dated tomorrow change nothing today."""
    log = Log()
    log("allocated", "2026-03-03")
    before = summary(derive(crime(has_victim=True), log.events, d("2026-03-05")))
    log("supervisor_review", "2026-03-06")
    log("arrest", "2026-03-06", person=1)
    assert summary(derive(crime(has_victim=True), log.events, d("2026-03-05"))) == before
    assert summary(derive(crime(has_victim=True), log.events, d("2026-03-06"))) != before


# --- moving policy dates off non-working days -----------------------------------------------------------

MOVE = load_settings({"move_due_off_non_working_days": True})


@pytest.mark.parametrize("settings, oel, vcu, ns, rev", [
    (None, "2026-01-17", "2026-01-31", "2026-01-31", "2026-01-10"),  # Saturdays, as the arithmetic gives
    (MOVE, "2026-01-19", "2026-02-02", "2026-02-02", "2026-01-12"),  # each moved to the Monday
])
def test_policy_dates_move_off_a_saturday_only_when_set(settings, oel, vcu, ns, rev):
    """Recorded, allocated and suspect named Sat 3 Jan 2026: +14, +28, +28 and +7 days all land on Saturdays."""
    log = Log()
    log("allocated", "2026-01-03")
    log("suspect_named", "2026-01-03", person=5)
    s = summary(derive(crime(recorded="2026-01-03", has_victim=True), log.events, d("2026-01-04"), settings))
    assert (s["OEL:0"][2], s["VCU:0"][2], s["NS:5"][2], s["REV:0"][2]) == (d(oel), d(vcu), d(ns), d(rev))
    assert (s["OEL:0"][1], s["REV:0"][1]) == (d("2026-01-03"), d("2026-01-03"))  # the basis never moves


def test_policy_date_moves_past_the_easter_bank_holidays():
    """Allocated Fri 27 Mar 2026: review due Good Friday 3 Apr; moved past Sat, Sun and Easter Monday to Tue 7 Apr."""
    log = Log()
    log("allocated", "2026-03-27")
    assert summary(derive(crime(), log.events, d("2026-03-28"), MOVE))["REV:0"][2] == d("2026-04-07")


def test_rui_review_moves_off_a_weekend_when_set():
    """RUI Sat 3 Jan 2026 + 28 = Sat 31 Jan, moved to Mon 2 Feb."""
    log = Log()
    log("rui", "2026-01-03", person=7)
    res = derive(crime(recorded="2026-01-02"), log.events, d("2026-01-04"), MOVE)
    assert summary(res)["RUI:B:7:0:0"][2] == d("2026-02-02")


@pytest.mark.parametrize("settings", [None, MOVE])
def test_bail_end_and_time_limit_never_move(settings):
    """Bail from arrest Sun 25 Jan 2026 ends Sat 25 Apr; offence Sun 18 Jan 2026: limit Sat 18 Jul. Neither moves."""
    log = Log()
    log("arrest", "2026-01-25", person=1)
    log("bail_granted", "2026-01-25", person=1)
    res = derive(crime(recorded="2026-01-19", occurred="2026-01-18", summary_only=True), log.events,
                 d("2026-01-26"), settings)
    s = summary(res)
    assert s["B:1:0:0"][1:3] == (d("2026-01-26"), d("2026-04-25"))
    assert s["TL"][2] == d("2026-07-18")


# --- what a charge closes -------------------------------------------------------------------------------

def test_charge_closes_that_suspects_bail_and_the_time_limit_but_not_others_work():
    """Persons 7 (bailed), 8 (RUI), 9 (named, never arrested), 10 (named): charging 7 leaves 8, 9 and 10 owed.

    Named 12 Jan 2026 -> arrest expected by 9 Feb; bail from arrest 13 Jan starts 14 Jan, ends 13 Apr;
    RUI 13 Jan -> review 10 Feb; offence 10 Jan -> limit 10 Jul.
    """
    log = Log()
    for p in (7, 8, 9, 10):
        log("suspect_named", "2026-01-12", person=p)
    log("arrest", "2026-01-13", person=7)
    log("bail_granted", "2026-01-13", person=7)
    log("arrest", "2026-01-13", person=8)
    log("rui", "2026-01-13", person=8)
    log("charge", "2026-01-20", person=7)
    res = derive(crime(**TL), log.events, d("2026-01-20"))
    named = ("NS-ARREST", d("2026-01-12"), d("2026-02-09"))
    assert summary(res) == {
        "OEL:0": ("OEL-14", d("2026-01-11"), d("2026-01-25"), O, None),
        "TL": ("TL-S127", d("2026-01-10"), d("2026-07-10"), DONE, "charged"),
        "NS:7": (*named, DONE, "suspect_arrested"),
        "NS:8": (*named, DONE, "suspect_arrested"),
        "NS:9": (*named, O, None),
        "NS:10": (*named, O, None),
        "B:7:0:0": ("BAIL-INITIAL", d("2026-01-14"), d("2026-04-13"), DONE, "charged"),
        "RUI:B:8:0:0": ("RUI-REVIEW", d("2026-01-13"), d("2026-02-10"), O, None),
    }
    assert [(ep.key, ep.status) for ep in res.bail] == [("B:7:0", "ended"), ("B:8:0", "rui")]


def test_charge_closes_that_suspects_named_suspect_task_and_rui():
    """Charging 9 (never arrested) closes NS:9; charging 8 closes 8's RUI; NS:10 stays owed."""
    log = Log()
    for p in (9, 10):
        log("suspect_named", "2026-01-12", person=p)
    log("rui", "2026-01-13", person=8)
    log("charge", "2026-01-21", person=9)
    log("charge", "2026-01-22", person=8)
    res = derive(crime(**TL), log.events, d("2026-01-22"))
    s = summary(res)
    assert s["NS:9"][3:] == (DONE, "charged")
    assert s["NS:10"][3:] == (O, None)
    assert s["RUI:B:8:0:0"][3:] == (DONE, "charged")
    assert [(ep.key, ep.status) for ep in res.bail] == [("B:8:0", "ended")]


def test_charge_closes_that_suspects_failed_to_surrender_task():
    """Bailed 5 Jan, failed to answer 5 Apr, charged 7 Apr: FTS done as 'charged'; another's FTS stays."""
    log = Log()
    for p in (7, 8):
        log("bail_granted", "2026-01-05", person=p)
        log("fts", "2026-04-05", person=p)
    log("charge", "2026-04-07", person=7)
    res = derive(crime(recorded="2026-01-04"), log.events, d("2026-04-08"))
    s = summary(res)
    assert s["FTS:B:7:0"][3:] == (DONE, "charged")
    assert s["FTS:B:8:0"][3:] == (O, None)
    assert [(ep.key, ep.status) for ep in res.bail] == [("B:7:0", "ended"), ("B:8:0", "fts")]


def test_charge_opens_a_development_contact_for_the_victim():
    """Charge on Fri 19 Dec 2025: the victim is told within 5 working days, by 30 Dec."""
    log = Log()
    log("charge", "2025-12-19", person=1)
    res = derive(crime(**XMAS), log.events, d("2025-12-19"))
    assert summary(res)["VCD:2025-12-19"] == ("VC-STD", d("2025-12-19"), d("2025-12-30"), O, None)


# --- the amber edge (scoring.worklist.classify) ---------------------------------------------------------

def _frame(res) -> pd.DataFrame:
    """The open tasks as classify reads them."""
    return pd.DataFrame([{"key": t.key, "kind": t.kind, "due_date": pd.Timestamp(t.due) if t.due else pd.NaT}
                         for t in res.open_tasks()])


def _state(res, key: str, today: date) -> str:
    frame = classify(_frame(res), today)
    return frame.set_index("key").loc[key, "state"]


def test_task_due_exactly_due_soon_days_ahead_is_amber_and_one_day_later_is_not():
    """REV-FIRST due 10 Mar 2026: on 3 Mar (7 days, = due_soon_days) amber; on 2 Mar (8 days) upcoming."""
    log = Log()
    log("allocated", "2026-03-03")
    res = derive(crime(), log.events, d("2026-03-03"))
    assert by_key(res)["REV:0"].due == d("2026-03-10")
    assert _state(res, "REV:0", d("2026-03-02")) == "upcoming"  # 10 Mar is 8 days ahead of 2 Mar
    assert _state(res, "REV:0", d("2026-03-03")) == "due_soon"


def test_bail_turns_amber_exactly_bail_warning_days_before_it_ends():
    """Bail ends 28 Feb 2025: on 14 Feb (14 days) amber, on 13 Feb (15 days) not; an OEL 14 days out stays upcoming."""
    log = Log()
    log("bail_granted", "2024-11-29", person=7)
    res = derive(crime(recorded="2025-01-31"), log.events, d("2025-02-13"))  # OEL due 31 Jan + 14 = 14 Feb
    assert by_key(res)["B:7:0:0"].due == d("2025-02-28")
    assert _state(res, "B:7:0:0", d("2025-02-14")) == "due_soon"
    assert _state(res, "B:7:0:0", d("2025-02-13")) == "upcoming"
    assert by_key(res)["OEL:0"].due == d("2025-02-14")
    assert _state(res, "OEL:0", d("2025-01-31")) == "upcoming"  # 14 days: beyond due_soon_days for a log


# --- properties -----------------------------------------------------------------------------------------

PERSON_KINDS = ("suspect_named", "arrest", "bail_granted", "bail_extended", "bail_ended", "rui", "rui_review",
                "fts", "fts_actioned", "charge")
CRIME_KINDS = ("allocated", "log_entry", "supervisor_review", "victim_contact", "contact_agreed", "statement",
               "no_further_action", "cdi_check", "links_reviewed")
# Kinds that only act on a person's existing bail, RUI or FTS, so for a person with none they mean nothing.
UNRELATED_KINDS = ("bail_extended", "bail_ended", "rui_review", "fts", "fts_actioned")
RULES = ("CDI-01", "CDI-03", "DM-01")
STRANGER = 99


@st.composite
def histories(draw):
    """A crime, its events up to today, and today."""
    assert set(PERSON_KINDS) | set(CRIME_KINDS) == set(EVENT_KINDS)
    recorded = draw(st.dates(date(2022, 9, 1), date(2026, 6, 30)))
    today = recorded + timedelta(days=draw(st.integers(0, 300)))
    finalised = draw(st.booleans())
    outcome = recorded + timedelta(days=draw(st.integers(0, (today - recorded).days))) if finalised else None
    rules = draw(st.lists(st.sampled_from(RULES), unique=True, max_size=3))
    facts = CrimeFacts(1, recorded - timedelta(days=draw(st.integers(0, 20))), recorded, finalised=finalised,
                       outcome_date=outcome, summary_only=draw(st.booleans()),
                       domestic_common_assault=draw(st.booleans()), has_victim=draw(st.booleans()),
                       victim_enhanced=draw(st.booleans()), has_links=draw(st.booleans()),
                       findings=tuple((r, "detection_mismatch" if r.startswith("DM") else "cdi", r) for r in rules))
    events = []
    for i in range(draw(st.integers(0, 25))):
        # Person kinds twice over, so bail, RUI and FTS histories (the ones with most state) are common.
        kind = draw(st.sampled_from(PERSON_KINDS * 2 + CRIME_KINDS))
        on = recorded + timedelta(days=draw(st.integers(-5, (today - recorded).days)))
        at = datetime.combine(on, time(draw(st.integers(8, 20)), draw(st.integers(0, 59))))
        kw = {}
        if kind in PERSON_KINDS:
            kw["person_id"] = draw(st.sampled_from((1, 2, None) if kind == "charge" else (1, 2)))
        if kind == "bail_extended" and draw(st.booleans()):
            kw["stage"] = "court"
            kw["ends_on"] = draw(st.none() | st.just(on + timedelta(days=draw(st.integers(1, 200)))))
        if kind == "contact_agreed":
            kw["value"] = draw(st.none() | st.integers(1, 60))
        if kind == "cdi_check":
            kw["rule_id"] = draw(st.sampled_from(RULES + (None,)))
        events.append(Event(i + 1, kind, at, officer_id=draw(st.sampled_from((500, 501))), **kw))
    return facts, events, today


def snapshot(res) -> tuple:
    """Everything the engine says of the tasks and bail episodes, comparably."""
    tasks = [(t.key, t.kind, t.rule_id, t.basis, t.due, t.detail, t.person_id, t.bail_key, t.status,
              t.completed_at, t.completed_by, t.completion, t.event_id, t.completed_in) for t in res.tasks]
    return tasks, [tuple(vars(ep).values()) for ep in res.bail]


PROPS = hsettings(max_examples=200, deadline=None)


@PROPS
@given(histories(), st.data())
def test_property_unrelated_event_for_another_person_changes_nothing(history, data):
    """A bail, RUI or FTS event for a person with none of them never changes the tasks."""
    facts, events, today = history
    kind = data.draw(st.sampled_from(UNRELATED_KINDS))
    on = facts.recorded_on + timedelta(days=data.draw(st.integers(0, (today - facts.recorded_on).days)))
    extra = Event(len(events) + 1, kind, datetime.combine(on, time(12)), person_id=STRANGER)
    assert snapshot(derive(facts, events + [extra], today)) == snapshot(derive(facts, events, today))


@PROPS
@given(histories(), st.data())
def test_property_event_after_today_changes_nothing(history, data):
    """An event of any kind dated after today never changes the tasks."""
    facts, events, today = history
    kind = data.draw(st.sampled_from(sorted(EVENT_KINDS)))
    later = today + timedelta(days=data.draw(st.integers(1, 60)))
    extra = Event(len(events) + 1, kind, datetime.combine(later, time(0, 1)),
                  person_id=data.draw(st.sampled_from((1, 2))), value=7, rule_id=RULES[0])
    assert snapshot(derive(facts, events + [extra], today)) == snapshot(derive(facts, events, today))


# Task kinds whose Beacon completion answers exactly one open task, and the follow-on interval setting.
UNAMBIGUOUS = {"supervisor_review": "review_interval_days", "oel_update": "oel_interval_days",
               "linked_crime": None}


@PROPS
@given(histories(), st.data())
def test_property_beacon_completion_closes_exactly_the_task_it_answers(history, data):
    """A Beacon completion at today closes its task; nothing else changes but the follow-on it opens."""
    facts, events, today = history
    before = derive(facts, events, today)
    candidates = [t for t in before.open_tasks() if t.kind in UNAMBIGUOUS]
    assume(candidates)
    target = data.draw(st.sampled_from(candidates))
    kind = COMPLETION_EVENT[COMPLETIONS[target.kind][0][0]]
    done = Event(len(events) + 1, kind, datetime.combine(today, time(23, 59)), officer_id=777, origin="beacon")
    after = derive(facts, events + [done], today)
    old = {t.key: t for t in before.tasks}
    new = {t.key: t for t in after.tasks}
    closed = new[target.key]
    assert (closed.status, closed.completed_in, closed.event_id, closed.completed_by, closed.completed_at) == \
        (DONE, "beacon", done.id, 777, done.at)
    for key, t in old.items():
        if key != target.key:
            assert (new[key].status, new[key].due, new[key].completion) == (t.status, t.due, t.completion), key
    added = [new[k] for k in new if k not in old]
    setting = UNAMBIGUOUS[target.kind]
    if setting is None:
        assert added == []
    else:
        [follow] = added
        assert (follow.kind, follow.status, follow.basis, follow.due) == \
            (target.kind, O, today, today + timedelta(days=getattr(load_settings(), setting)))


@PROPS
@given(histories())
def test_property_tomorrow_with_no_new_events_gives_the_same_tasks(history):
    """Deriving on D and on D+1 with the same events gives the same tasks: only what has fallen due changes."""
    facts, events, today = history
    assert snapshot(derive(facts, events, today + timedelta(days=1))) == snapshot(derive(facts, events, today))


@PROPS
@given(histories())
def test_property_task_keys_are_unique_within_a_crime(history):
    """No two tasks of one crime share a key."""
    facts, events, today = history
    keys = [t.key for t in derive(facts, events, today).tasks]
    assert len(keys) == len(set(keys))


@PROPS
@given(histories())
def test_property_done_tasks_were_completed_on_or_before_today(history):
    """Every done task has a completion time, on or before today; every open task has none."""
    facts, events, today = history
    for t in derive(facts, events, today).tasks:
        if t.status == DONE:
            assert t.completed_at is not None and t.completed_at.date() <= today, t
        else:
            assert t.status == O and t.completed_at is None and t.completion is None, t


# --- events that name nobody, re-bail, and the other developments a victim is told of ---------------------

def test_an_arrest_naming_nobody_closes_a_named_suspect_only_when_there_is_one():
    """Two named suspects and an arrest with no person: nobody can say whose, so both stay open."""
    log = Log()
    log("suspect_named", "2026-03-03", person=7)
    log("suspect_named", "2026-03-03", person=8)
    log("arrest", "2026-03-05")
    res = derive(crime(), log.events, d("2026-03-06"))
    assert by_key(res)["NS:7"].status == O and by_key(res)["NS:8"].status == O
    one = Log()
    one("suspect_named", "2026-03-03", person=7)
    one("arrest", "2026-03-05")
    assert by_key(derive(crime(), one.events, d("2026-03-06")))["NS:7"].status == DONE


def test_a_charge_naming_nobody_ends_bail_only_when_one_suspect_is_on_it():
    """Two suspects on bail and a charge with no person: the time limit closes, both bail tasks stay."""
    log = Log()
    log("arrest", "2026-03-03", person=7)
    log("bail_granted", "2026-03-03", person=7, hour=12)
    log("arrest", "2026-03-03", person=8)
    log("bail_granted", "2026-03-03", person=8, hour=12)
    log("charge", "2026-03-10")
    res = derive(crime(summary_only=True), log.events, d("2026-03-11"))
    bail = [t for t in res.tasks if t.kind == "bail"]
    assert [t.status for t in bail] == [O, O]
    assert by_key(res)["TL"].status == DONE


def test_bail_again_after_a_failure_to_surrender_settles_the_fts_task():
    """Bailed 2 Mar, failed to answer 1 Jun, re-bailed (so back in custody) 3 Jun: the FTS task is done."""
    log = Log()
    log("arrest", "2026-03-02", person=7)
    log("bail_granted", "2026-03-02", person=7, hour=12)
    log("fts", "2026-06-01", person=7)
    log("bail_granted", "2026-06-03", person=7)
    res = derive(crime(), log.events, d("2026-06-04"))
    fts = [t for t in res.tasks if t.kind == "fts"]
    assert [(t.status, t.completion) for t in fts] == [(DONE, "fts_actioned")]


@pytest.mark.parametrize("kind, what", [
    ("bail_extended", "the change to the suspect's bail"),
    ("bail_ended", "the suspect's release from bail"),
])
def test_the_victim_is_told_of_a_bail_change_or_release(kind, what):
    """Victims' Code: a bail change on Mon 2 Mar 2026 is owed to the victim in 5 working days, Mon 9 Mar."""
    log = Log()
    log("arrest", "2026-01-05", person=7)
    log("bail_granted", "2026-01-05", person=7, hour=12)
    log("victim_contact", "2026-01-06")
    log(kind, "2026-03-02", person=7)
    res = derive(crime("2026-01-05", has_victim=True), log.events, d("2026-03-03"))
    t = by_key(res)["VCD:2026-03-02"]
    assert (t.rule_id, t.due, t.status) == ("VC-STD", d("2026-03-09"), O) and what in t.detail


def test_the_victim_is_told_of_no_further_action():
    """A decision of no further action on Fri 6 Mar 2026: owed by Fri 13 Mar (5 working days)."""
    log = Log()
    log("no_further_action", "2026-03-06")
    res = derive(crime(has_victim=True), log.events, d("2026-03-06"))
    assert rds(res, "VCD:2026-03-06") == ("VC-STD", d("2026-03-13"), O)


def test_a_check_naming_no_rule_settles_a_flag_only_when_the_record_has_one():
    """Two data-quality flags and a check naming neither: both stay; with one flag, it is settled."""
    log = Log()
    log("cdi_check", "2026-03-05")
    two = crime(findings=(("CDI-01", "cdi", "late"), ("CDI-02", "cdi", "no code")))
    res = derive(two, log.events, d("2026-03-06"))
    assert by_key(res)["DQ:CDI-01"].status == O and by_key(res)["DQ:CDI-02"].status == O
    one = crime(findings=(("CDI-01", "cdi", "late"),))
    assert by_key(derive(one, log.events, d("2026-03-06")))["DQ:CDI-01"].status == DONE

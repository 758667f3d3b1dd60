"""The digest's content: what turned amber or red since the last digest, what falls due by the next working day."""

from datetime import date, timedelta

from scoring.digest import build_digest, digest_message, entered_on, state_of
from scoring.settings import load_settings

WED = date(2026, 11, 18)
S = load_settings()  # due_soon_days 7, bail_warning_days 14


def t(task_id, due, kind="oel_update", created=date(2026, 1, 1), ref=None):
    return {"task_id": task_id, "crime_ref": ref or f"CR/{task_id}", "kind": kind, "due_date": due,
            "created_on": created}


def test_states_follow_the_due_date_and_each_kind_window():
    assert state_of("oel_update", WED - timedelta(days=1), WED, S) == "red"
    assert state_of("oel_update", WED, WED, S) == "amber"
    assert state_of("oel_update", WED + timedelta(days=7), WED, S) == "amber"
    assert state_of("oel_update", WED + timedelta(days=8), WED, S) == "green"
    assert state_of("bail", WED + timedelta(days=14), WED, S) == "amber"
    assert state_of("cdi", None, WED, S) == "red"
    assert state_of("linked_crime", None, WED, S) == "green"


def test_the_day_a_task_changed_colour_is_known_from_its_due_date_or_when_it_was_raised():
    due = date(2026, 11, 25)
    assert entered_on("oel_update", due, date(2026, 1, 1), "amber", S) == date(2026, 11, 18)
    assert entered_on("bail", due, date(2026, 1, 1), "amber", S) == date(2026, 11, 11)
    assert entered_on("oel_update", date(2026, 11, 10), date(2026, 1, 1), "red", S) == date(2026, 11, 11)
    # Raised already overdue: it turned red, for this person, the day it was raised.
    assert entered_on("oel_update", date(2026, 11, 10), date(2026, 11, 17), "red", S) == date(2026, 11, 17)
    assert entered_on("cdi", None, date(2026, 11, 16), "red", S) == date(2026, 11, 16)


def test_only_what_changed_since_the_last_digest_is_reported_as_turned():
    tasks = [
        t(1, WED - timedelta(days=1)),   # turned red today
        t(2, WED - timedelta(days=5)),   # red since 14 Nov: told in an earlier digest
        t(3, WED + timedelta(days=7)),   # turned amber today
        t(4, WED + timedelta(days=6)),   # amber since yesterday
        t(5, WED + timedelta(days=30)),  # green
        t(6, WED + timedelta(days=14), kind="bail"),  # bail turns amber 14 days ahead: today
    ]
    d = build_digest(tasks, WED, date(2026, 11, 17), S)
    assert [ln.task_id for ln in d.turned_red] == [1]
    assert [ln.task_id for ln in d.turned_amber] == [3, 6]
    assert d.red_total == 2 and d.amber_total == 3
    # Two days since the last digest (a weekend, a failed send): the changes of both days are reported.
    d2 = build_digest(tasks, WED, date(2026, 11, 16), S)
    assert [ln.task_id for ln in d2.turned_amber] == [4, 3, 6]  # by due date


def test_what_falls_due_by_the_end_of_the_next_working_day_is_listed_once():
    thu = date(2026, 11, 19)
    tasks = [t(1, WED), t(2, thu), t(3, date(2026, 11, 20)), t(4, WED - timedelta(days=2))]
    d = build_digest(tasks, WED, date(2026, 11, 17), S)
    assert d.next_working_day == thu
    assert [ln.task_id for ln in d.due_next] == [1, 2]
    assert all(ln.task_id not in (1, 2) for ln in d.turned_amber + d.turned_red)


def test_on_a_friday_the_next_working_day_is_monday_and_the_weekend_is_included():
    fri = date(2026, 11, 20)
    tasks = [t(1, date(2026, 11, 21)), t(2, date(2026, 11, 22)), t(3, date(2026, 11, 23)), t(4, date(2026, 11, 24))]
    d = build_digest(tasks, fri, fri - timedelta(days=1), S)
    assert d.next_working_day == date(2026, 11, 23)
    assert [ln.task_id for ln in d.due_next] == [1, 2, 3]


def test_bank_holidays_are_not_working_days():
    # Christmas Day 2026 is a Friday and Boxing Day's holiday moves to Monday 28 December.
    d = build_digest([], date(2026, 12, 24), None, S)
    assert d.next_working_day == date(2026, 12, 29)


def test_a_day_with_nothing_to_say_is_empty():
    tasks = [t(1, WED + timedelta(days=30)), t(2, WED - timedelta(days=10))]
    d = build_digest(tasks, WED, date(2026, 11, 17), S)
    assert d.empty and d.size == 0 and d.red_total == 1


def test_a_first_digest_reports_the_changes_of_the_day_and_the_totals():
    tasks = [t(1, WED - timedelta(days=1)), t(2, WED - timedelta(days=9))]
    d = build_digest(tasks, WED, None, S)
    assert d.since == date(2026, 11, 17)
    assert [ln.task_id for ln in d.turned_red] == [1] and d.red_total == 2


def test_a_task_raised_after_the_last_digest_is_reported_even_if_born_amber():
    tasks = [t(1, WED + timedelta(days=3), created=WED)]
    d = build_digest(tasks, WED, date(2026, 11, 17), S)
    assert [ln.task_id for ln in d.turned_amber] == [1]


def test_the_message_carries_references_kinds_due_dates_and_a_link():
    tasks = [t(1, WED, kind="victim_contact", ref="20/1111/26"), t(2, WED - timedelta(days=1), ref="20/2222/26"),
             t(3, WED + timedelta(days=14), kind="bail", ref="20/3333/26")]
    d = build_digest(tasks, WED, date(2026, 11, 17), S)
    subject, body = digest_message(d, "https://beacon.example.police.uk/")
    assert subject == "Beacon: 3 tasks for Wed 18 Nov"
    assert "Due by the end of Thursday 19 November 2026 (the next working day):" in body
    assert "20/1111/26  Victim contact  due Wed 18 Nov 2026  (due soon)" in body
    assert "20/2222/26  Log update  due Tue 17 Nov 2026  (overdue)" in body
    assert "20/3333/26  Bail date  due Wed 2 Dec 2026  (due soon)" in body
    assert "Open Beacon: https://beacon.example.police.uk/" in body
    assert "In all you have 1 overdue and 2 due-soon tasks." in body


def test_a_long_section_is_cut_short_with_a_count():
    tasks = [t(i, WED) for i in range(1, 61)]
    _subject, body = digest_message(build_digest(tasks, WED, date(2026, 11, 17), S), "http://x/")
    assert "... and 20 more: open Beacon to see them all" in body
    assert body.count("  - CR/") == 40

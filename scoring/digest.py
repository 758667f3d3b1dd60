"""The daily digest: which of a person's tasks turned amber or red since their last digest, what falls due next."""

# Pure: the caller passes the person's open tasks as plain dicts (task_id, crime_ref, kind, due_date,
# created_on) and the days involved. A task's colour follows from its due date alone (scoring.worklist),
# so the day it turned amber or red is known without any history: amber from due_date minus its amber
# window, red from the day after its due date (an undated error flag is red from the day it was raised).
# A task raised after the last digest counts from the day it was raised, even if it was born amber or red.
#
# Only crime references, task kinds, due dates and states go into a digest: it leaves Beacon by mail, so
# no task detail (which may name a victim, suspect or witness) is ever read into it.

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from scoring.calendar import add_working_days, as_date
from scoring.categories import CATEGORY_BY_ID
from scoring.duties import action_window_days
from scoring.settings import RuleSettings, resolve
from scoring.worklist import ERROR_KINDS

# One task of a kind, in words (the badges use the plural category labels).
KIND_WORDS = {
    "supervisor_review": "Supervisor review", "oel_update": "Log update", "victim_contact": "Victim contact",
    "bail": "Bail date", "rui": "RUI review", "fts": "Failed to surrender", "time_limit": "Time limit",
    "named_suspect": "Named suspect", "detection_mismatch": "Detection mismatch", "cdi": "CDI error",
    "linked_crime": "Linked crimes review",
}
# A long list in a mail is read by nobody: past this many lines a section says how many more are in Beacon.
SECTION_LINES = 40


def kind_words(kind: str) -> str:
    """A task kind as one task's label."""
    if kind in KIND_WORDS:
        return KIND_WORDS[kind]
    cat = CATEGORY_BY_ID.get(kind)
    return cat.label if cat else kind.replace("_", " ").capitalize()


@dataclass(frozen=True)
class DigestLine:
    """One task in a digest: its crime reference, kind, due date and colour, nothing more."""

    task_id: int
    crime_ref: str
    kind: str
    due_date: date | None
    state: str  # red | amber | green

    @property
    def label(self) -> str:
        return kind_words(self.kind)


@dataclass
class Digest:
    """What one person's digest says on one day; empty when there is nothing to tell them."""

    today: date
    since: date
    next_working_day: date
    due_next: list[DigestLine] = field(default_factory=list)
    turned_red: list[DigestLine] = field(default_factory=list)
    turned_amber: list[DigestLine] = field(default_factory=list)
    red_total: int = 0
    amber_total: int = 0

    @property
    def empty(self) -> bool:
        return not (self.due_next or self.turned_red or self.turned_amber)

    @property
    def size(self) -> int:
        return len(self.due_next) + len(self.turned_red) + len(self.turned_amber)


def state_of(kind: str, due_date: date | None, today: date, settings: RuleSettings | None = None) -> str:
    """red (overdue), amber (within its amber window) or green; undated error flags are red, other undated green."""
    if due_date is None:
        return "red" if kind in ERROR_KINDS else "green"
    days_left = (as_date(due_date) - today).days
    if days_left < 0:
        return "red"
    return "amber" if days_left <= action_window_days(kind, settings) else "green"


def entered_on(kind: str, due_date: date | None, created_on: date | None, state: str,
               settings: RuleSettings | None = None) -> date | None:
    """The day the task took its present colour: the later of that day by its due date and the day it was raised."""
    if state == "red":
        by_date = None if due_date is None else as_date(due_date) + timedelta(days=1)
    elif state == "amber":
        by_date = as_date(due_date) - timedelta(days=action_window_days(kind, settings))
    else:
        return None
    days = [d for d in (by_date, as_date(created_on) if created_on else None) if d is not None]
    return max(days) if days else None


def build_digest(tasks: list[dict], today: date, last_digest_on: date | None,
                 settings: RuleSettings | None = None) -> Digest:
    """The digest for one person's open tasks; a first digest reports what changed since yesterday."""
    settings = resolve(settings)
    since = last_digest_on if last_digest_on is not None else today - timedelta(days=1)
    nwd = add_working_days(today, 1, settings)
    digest = Digest(today=today, since=since, next_working_day=nwd)
    for t in tasks:
        due = as_date(t["due_date"]) if t.get("due_date") is not None else None
        state = state_of(t["kind"], due, today, settings)
        line = DigestLine(int(t["task_id"]), str(t["crime_ref"]), t["kind"], due, state)
        digest.red_total += state == "red"
        digest.amber_total += state == "amber"
        if due is not None and today <= due <= nwd:
            # What to do before the end of the next working day comes first, and only once.
            digest.due_next.append(line)
            continue
        start = entered_on(t["kind"], due, t.get("created_on"), state, settings)
        if start is None or start <= since:
            continue
        (digest.turned_red if state == "red" else digest.turned_amber).append(line)
    order = lambda ln: (ln.due_date or date.min, ln.crime_ref, ln.task_id)  # noqa: E731
    for lines in (digest.due_next, digest.turned_red, digest.turned_amber):
        lines.sort(key=order)
    return digest


def _day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def _lines(lines: list[DigestLine], link_words: str) -> list[str]:
    out = []
    for ln in lines[:SECTION_LINES]:
        due = f"due {ln.due_date:%a} {ln.due_date.day} {ln.due_date:%b %Y}" if ln.due_date else "no due date"
        state = {"red": "overdue", "amber": "due soon"}.get(ln.state, "")
        out.append(f"  - {ln.crime_ref}  {ln.label}  {due}" + (f"  ({state})" if state else ""))
    if len(lines) > SECTION_LINES:
        out.append(f"  ... and {len(lines) - SECTION_LINES} more: {link_words}")
    return out


def digest_message(digest: Digest, link: str) -> tuple[str, str]:
    """Subject and plain-text body of a digest: crime references, task kinds, due dates and a link into Beacon."""
    n = digest.size
    subject = f"Beacon: {n} task{'s' if n != 1 else ''} for {digest.today:%a} {digest.today.day} {digest.today:%b}"
    more = "open Beacon to see them all"
    body = [f"Your Beacon digest for {_day(digest.today)}.", ""]
    if digest.due_next:
        body += [f"Due by the end of {_day(digest.next_working_day)} (the next working day):",
                 *_lines(digest.due_next, more), ""]
    since = f"since your last digest ({_day(digest.since)})"
    if digest.turned_red:
        body += [f"Now overdue {since}:", *_lines(digest.turned_red, more), ""]
    if digest.turned_amber:
        body += [f"Now due soon {since}:", *_lines(digest.turned_amber, more), ""]
    body += [f"In all you have {digest.red_total} overdue and {digest.amber_total} due-soon "
             f"task{'s' if digest.amber_total != 1 else ''}.", "",
             f"Open Beacon: {link}", "",
             "This message carries crime references, task kinds and due dates only; the details stay in Beacon.",
             "You receive it because you asked for it under My settings in Beacon, where you can stop it."]
    return subject, "\n".join(body) + "\n"

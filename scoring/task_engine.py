"""What a crime owes: its tasks, open and done, derived from its events, the settings and the calendar.

The engine is pure: the same crime, events, settings and day always give the same tasks. It walks a
crime's events in time order; each event may close tasks (a supervisor review closes the review it
answers) and open others (the next review). Conventions where law or policy leave a choice:

- A supervisor review, log entry, victim contact or RUI review closes the task it answers whenever
  it happens (early or late), and the next falls due `interval` days after the day it was done, or
  after the day it was due if `review_interval_from` is "due" (reviews only).
- Only event kinds in `oel_entry_kinds` count as investigation log entries.
- The victim-update clock starts at recording (or allocation, by `victim_update_clock_start`); any
  victim contact restarts it, and closes every development contact owed at the time; a
  `contact_agreed` event sets the interval to the agreed days from then on.
- Policy deadlines (reviews, log, updates, RUI, named suspects) that fall on a weekend or bank holiday
  move to the next working day when `move_due_off_non_working_days` is true. Statutory ones (bail,
  time limits, Victims' Code working days) never move: the law names the day.
- A charge closes that suspect's bail, RUI, named-suspect and failed-to-surrender tasks, and the time
  limit; no further action closes the time limit. A failure to surrender closes the bail task and
  opens the FTS task, which an arrest of that person or an fts_actioned event closes.
- A finalised crime owes no deadlines (its open ones close as 'crime_finalised' on the outcome date);
  data-quality flags are kept on every crime until a cdi_check names the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from scoring.bail import bail_end, bail_start_from_arrest, bail_rule_id, next_authority, next_stage
from scoring.calendar import add_working_days, is_working_day
from scoring.deadlines import summary_time_limit, time_limit_rule
from scoring.events import EVENT_COMPLETION, Event
from scoring.settings import RuleSettings, resolve

DATA_QUALITY_KINDS = frozenset({"cdi", "detection_mismatch"})
STAGE_WORDS = {"initial": "initial period", "first_extension": "first extension",
               "second_extension": "second extension", "complex": "exceptionally complex",
               "court": "court extension"}


@dataclass(frozen=True)
class CrimeFacts:
    """What the engine needs of the crime record itself."""

    crime_id: int
    occurred_on: date
    recorded_on: date
    finalised: bool = False
    outcome_date: date | None = None
    summary_only: bool = False
    domestic_common_assault: bool = False
    has_victim: bool = False
    victim_enhanced: bool = False
    has_links: bool = False
    # (rule_id, kind, explanation) for each data-quality check that fires on the record now.
    findings: tuple[tuple[str, str, str], ...] = ()


@dataclass
class Owed:
    """One task: open until an event (or the crime's closure) completes it."""

    key: str
    kind: str
    rule_id: str
    basis: date | None
    due: date | None
    detail: str
    person_id: int | None = None
    bail_key: str | None = None
    status: str = "open"
    completed_at: datetime | None = None
    completed_by: int | None = None
    completion: str | None = None
    event_id: int | None = None
    completed_in: str | None = None  # 'source' or 'beacon': which system holds the completion


@dataclass
class BailEpisode:
    """A suspect's pre-charge bail or release under investigation, as the events leave it."""

    key: str
    person_id: int | None
    arrested_on: date
    bail_start: date | None
    stage: str | None
    ends_on: date | None
    status: str  # bail | rui | fts | ended
    updated_at: datetime
    authorised_by: int | None = None
    authorised_rank: str | None = None


@dataclass
class Result:
    """Every task of one crime (in the order they were opened) and its bail episodes."""

    tasks: list[Owed] = field(default_factory=list)
    bail: list[BailEpisode] = field(default_factory=list)

    def open_tasks(self) -> list[Owed]:
        """The tasks still owed."""
        return [t for t in self.tasks if t.status == "open"]


def _fmt(d: date) -> str:
    """'3 Dec 2026'."""
    return f"{d.day} {d:%b %Y}"


class _Walk:
    """The state of one crime while its events are replayed."""

    def __init__(self, crime: CrimeFacts, st: RuleSettings):
        self.c, self.st = crime, st
        self.res = Result()
        self.open: dict[str, Owed] = {}
        self.seq: dict[str, int] = {}
        self.episodes: dict[int | None, BailEpisode] = {}
        self.arrests: dict[int | None, date] = {}
        self.update_days = st.victim_update_days
        self.statement_on: date | None = None

    # --- bookkeeping -------------------------------------------------------------------------------
    def policy_due(self, d: date) -> date:
        """A policy deadline, moved off a weekend or bank holiday when the setting says so."""
        if self.st.move_due_off_non_working_days:
            while not is_working_day(d, self.st):
                d += timedelta(days=1)
        return d

    def add(self, family: str, kind: str, rule_id: str, basis, due, detail, person_id=None,
            bail_key=None, key: str | None = None) -> Owed:
        if key is None:
            n = self.seq.get(family, 0)
            self.seq[family] = n + 1
            key = f"{family}:{n}"
        t = Owed(key, kind, rule_id, basis, due, detail, person_id, bail_key)
        self.res.tasks.append(t)
        self.open[key] = t
        return t

    def close(self, key_prefix: str, ev: Event | None, completion: str | None = None, at=None,
              person_id=None) -> list[Owed]:
        """Close open tasks whose key starts with key_prefix (and concern person_id, when given)."""
        done = []
        keys = [k for k in self.open if k.startswith(key_prefix)]
        if person_id is None and len({self.open[k].person_id for k in keys} - {None}) > 1:
            # An event naming nobody cannot say which of several suspects it was about: it closes none.
            return done
        for key in keys:
            t = self.open[key]
            if person_id is not None and t.person_id is not None and t.person_id != person_id:
                continue
            del self.open[key]
            t.status = "done"
            if ev is not None:
                t.completed_at, t.completed_by, t.event_id = ev.at, ev.officer_id, ev.id
                t.completion = completion or EVENT_COMPLETION.get(ev.kind, ev.kind)
                t.completed_in = ev.origin
            else:
                t.completed_at, t.completion = at, completion
            done.append(t)
        return done

    # --- rules -------------------------------------------------------------------------------------
    def start(self) -> None:
        c, st = self.c, self.st
        self.add("OEL", "oel_update", "OEL-14", c.recorded_on,
                 self.policy_due(c.recorded_on + timedelta(days=st.oel_interval_days)),
                 "First investigation log (OEL) entry.")
        if c.has_victim and st.victim_update_clock_start == "recorded":
            self.victim_update(c.recorded_on, first=True)
        if c.summary_only:
            self.time_limit(None)
        if c.has_links:
            self.add("LINK", "linked_crime", "LINK-REVIEW", c.recorded_on, None,
                     "Linked to other crimes in a series: review the links.", key="LINK")

    def victim_update(self, basis: date, first: bool = False) -> None:
        self.add("VCU", "victim_contact", "VC-UPDATE", basis,
                 self.policy_due(basis + timedelta(days=self.update_days)),
                 "Regular update to the victim on the investigation." if first
                 else "Next agreed update to the victim.")

    def time_limit(self, statement_on: date | None) -> None:
        c, st = self.c, self.st
        due = summary_time_limit(c.occurred_on, True, c.domestic_common_assault, statement_on, st)
        rule = time_limit_rule(c.occurred_on, True, c.domestic_common_assault, statement_on, st)
        detail = (f"Summary-only offence: charge or summons by {_fmt(due)}"
                  f"{' (s39A, domestic assault)' if rule == 'TL-S39A' else ''}.")
        old = self.open.get("TL")
        if old is not None:
            old.due, old.rule_id, old.detail = due, rule, detail
            return
        if "TL" not in self.seq:
            self.seq["TL"] = 1
            self.add("TL", "time_limit", rule, c.occurred_on, due, detail, key="TL")

    def review(self, basis: date, due: date, first: bool) -> None:
        if first:
            self.add("REV", "supervisor_review", "REV-FIRST", basis, due,
                     "First supervisor review of the investigation since it was allocated.")
        else:
            self.add("REV", "supervisor_review", "REV-PERIODIC", basis, due,
                     "Periodic supervisor review while the investigation is open.")

    def development(self, ev: Event, what: str) -> None:
        if not self.c.has_victim:
            return
        key = f"VCD:{ev.on.isoformat()}"
        if key in self.open or any(t.key == key for t in self.res.tasks):
            return
        enhanced = self.c.victim_enhanced
        days = self.st.victim_contact_days_enhanced if enhanced else self.st.victim_contact_days_standard
        self.add("VCD", "victim_contact", "VC-ENH" if enhanced else "VC-STD", ev.on,
                 add_working_days(ev.on, days, self.st), f"Tell the victim about {what} on {_fmt(ev.on)}.",
                 key=key)

    def bail_task(self, ep: BailEpisode, ev: Event | None) -> None:
        st = self.st
        rule = bail_rule_id(ep.stage, ep.arrested_on, st) if ep.stage != "court" else "BAIL-COURT"
        who = next_authority(ep.stage, ep.arrested_on, st)
        label = STAGE_WORDS.get(ep.stage, (ep.stage or "").replace("_", " "))
        detail = (f"Bail ends {_fmt(ep.ends_on)} ({label}). Extension needs {who}." if ep.ends_on
                  else f"Bail extended by the court ({label}); no end date recorded.")
        n = self.seq.get(ep.key, 0)
        self.seq[ep.key] = n + 1
        self.add(ep.key, "bail", rule, ep.bail_start, ep.ends_on, detail, person_id=ep.person_id,
                 bail_key=ep.key, key=f"{ep.key}:{n}")

    def episode(self, ev: Event) -> BailEpisode | None:
        ep = self.episodes.get(ev.person_id)
        if ep is None and ev.person_id is None and len(self.episodes) == 1:
            ep = next(iter(self.episodes.values()))
        return ep

    def new_episode(self, ev: Event, status: str) -> BailEpisode:
        arrested = self.arrests.get(ev.person_id, ev.on)
        n = sum(1 for e in self.res.bail if e.person_id == ev.person_id)
        ep = BailEpisode(f"B:{ev.person_id}:{n}", ev.person_id, arrested, None, None, None, status, ev.at)
        self.res.bail.append(ep)
        self.episodes[ev.person_id] = ep
        return ep

    def end_episode(self, ep: BailEpisode, ev: Event, status: str, completion: str) -> None:
        self.close(ep.key + ":", ev, completion)
        self.close(f"RUI:{ep.key}:", ev, completion)
        ep.status, ep.updated_at = status, ev.at
        if status == "ended":
            self.episodes.pop(ep.person_id, None)

    # --- events ------------------------------------------------------------------------------------
    def apply(self, ev: Event) -> None:
        st, k, on = self.st, ev.kind, ev.on
        if k == "allocated":
            if "REV" not in self.seq:
                self.review(on, self.policy_due(on + timedelta(days=st.first_review_days)), first=True)
            if self.c.has_victim and st.victim_update_clock_start == "allocated" and "VCU" not in self.seq:
                self.victim_update(on, first=True)
        elif k == "supervisor_review":
            closed = self.close("REV:", ev)
            if closed or "REV" in self.seq:
                was_due = closed[0].due if closed and closed[0].due else on
                basis = was_due if st.review_interval_from == "due" else on
                self.review(basis, self.policy_due(basis + timedelta(days=st.review_interval_days)), first=False)
        elif k == "victim_contact":
            self.close("VCD:", ev)
            self.close("VCU:", ev)
            if self.c.has_victim:
                self.victim_update(on)
        elif k == "contact_agreed":
            if ev.value and ev.value > 0:
                self.update_days = int(ev.value)
                for t in [t for key, t in self.open.items() if key.startswith("VCU:")]:
                    t.due = self.policy_due(t.basis + timedelta(days=self.update_days))
        elif k == "suspect_named":
            key = f"NS:{ev.person_id}"
            if key not in self.open and not any(t.key == key for t in self.res.tasks):
                self.add("NS", "named_suspect", "NS-ARREST", on,
                         self.policy_due(on + timedelta(days=st.named_suspect_days)),
                         f"Suspect named on {_fmt(on)}, not yet arrested or interviewed.",
                         person_id=ev.person_id, key=key)
        elif k == "arrest":
            self.arrests[ev.person_id] = on
            self.close("NS:", ev, person_id=ev.person_id)
            self.close("FTS:", ev, person_id=ev.person_id)
            ep = self.episode(ev)
            if ep is not None and ep.status == "fts":
                ep.status, ep.updated_at = "ended", ev.at
                self.episodes.pop(ep.person_id, None)
            self.development(ev, "the suspect's arrest")
        elif k == "bail_granted":
            old = self.episode(ev)
            if old is not None:
                self.end_episode(old, ev, "ended", "bail_ended")
            ep = self.new_episode(ev, "bail")
            ep.bail_start = bail_start_from_arrest(ep.arrested_on)
            ep.stage = ev.stage or "initial"
            ep.ends_on = ev.ends_on or bail_end(ep.bail_start, ep.stage, ep.arrested_on, st)
            ep.authorised_by, ep.authorised_rank = ev.officer_id, ev.officer_rank
            self.close("NS:", ev, "suspect_arrested", person_id=ev.person_id)
            # Bail again means the suspect was back in custody: a failure to surrender is dealt with.
            self.close("FTS:", ev, "fts_actioned", person_id=ev.person_id)
            self.bail_task(ep, ev)
            self.development(ev, "the suspect's release on bail")
        elif k == "bail_extended":
            ep = self.episode(ev)
            if ep is None or ep.status != "bail":
                return
            self.close(ep.key + ":", ev, "bail_extended")
            ep.stage = ev.stage or next_stage(ep.stage, ep.arrested_on, st) or "court"
            ep.ends_on = ev.ends_on if (ev.ends_on or ep.stage == "court") else \
                bail_end(ep.bail_start, ep.stage, ep.arrested_on, st)
            ep.updated_at, ep.authorised_by, ep.authorised_rank = ev.at, ev.officer_id, ev.officer_rank
            self.bail_task(ep, ev)
            self.development(ev, "the change to the suspect's bail")
        elif k == "bail_ended":
            ep = self.episode(ev)
            if ep is not None and ep.status == "bail":
                self.end_episode(ep, ev, "ended", "bail_ended")
                self.development(ev, "the suspect's release from bail")
        elif k == "rui":
            old = self.episode(ev)
            if old is not None:
                self.end_episode(old, ev, "ended", "bail_ended")
            ep = self.new_episode(ev, "rui")
            self.close("NS:", ev, "suspect_arrested", person_id=ev.person_id)
            self.add(f"RUI:{ep.key}", "rui", "RUI-REVIEW", on,
                     self.policy_due(on + timedelta(days=st.rui_review_days)),
                     f"Suspect released under investigation since {_fmt(ep.arrested_on)}: review.",
                     person_id=ev.person_id, bail_key=ep.key)
            self.development(ev, "the suspect's release under investigation")
        elif k == "rui_review":
            ep = self.episode(ev)
            if ep is None or ep.status != "rui":
                return
            self.close(f"RUI:{ep.key}:", ev)
            ep.updated_at = ev.at
            self.add(f"RUI:{ep.key}", "rui", "RUI-REVIEW", on,
                     self.policy_due(on + timedelta(days=st.rui_review_days)),
                     "Next review of the released-under-investigation suspect.",
                     person_id=ep.person_id, bail_key=ep.key)
        elif k == "fts":
            ep = self.episode(ev)
            # Only a suspect on bail can fail to answer it. Without this a repeated fts record opened a
            # second task with the same key (the first then stayed open for ever), and an fts record on a
            # released-under-investigation suspect left the RUI task impossible to review.
            if ep is None or ep.status != "bail":
                return
            self.close(ep.key + ":", ev, "fts")
            ep.status, ep.updated_at = "fts", ev.at
            self.add("FTS", "fts", "FTS", on, None,
                     f"Suspect failed to answer bail on {_fmt(on)}. Arrest or circulate as wanted.",
                     person_id=ep.person_id, bail_key=ep.key, key=f"FTS:{ep.key}")
        elif k == "fts_actioned":
            self.close("FTS:", ev, person_id=ev.person_id)
        elif k == "statement":
            if self.c.summary_only and self.statement_on is None:
                self.statement_on = on
                self.time_limit(on)
        elif k == "charge":
            self.close("TL", ev)
            self.close("NS:", ev, person_id=ev.person_id)
            self.close("FTS:", ev, person_id=ev.person_id)
            eps = [e for e in self.episodes.values() if ev.person_id is None or e.person_id == ev.person_id]
            # A charge naming nobody ends bail only when one suspect is on it; otherwise nobody can say whose.
            for ep in eps if (ev.person_id is not None or len(eps) == 1) else []:
                self.end_episode(ep, ev, "ended", "charged")
            self.development(ev, "the charge")
        elif k == "no_further_action":
            self.close("TL", ev)
            self.development(ev, "the decision to take no further action")
        elif k == "links_reviewed":
            self.close("LINK", ev)
        # Outside the chain above, so a review can also count as a log entry when the setting says so.
        if k in st.oel_entry_kinds:
            if self.close("OEL:", ev, "log_updated"):
                self.add("OEL", "oel_update", "OEL-14", on,
                         self.policy_due(on + timedelta(days=st.oel_interval_days)),
                         "Next investigation log (OEL) entry.")

    def finish(self, events: list[Event]) -> None:
        c = self.c
        if c.finalised:
            when = datetime.combine(c.outcome_date or c.recorded_on, time(0))
            for key in list(self.open):
                self.close(key, None, "crime_finalised", at=when)
            for ep in self.episodes.values():
                if ep.status in ("bail", "rui", "fts"):
                    ep.status, ep.updated_at = "ended", when
        checked = {}
        for ev in events:
            if ev.kind == "cdi_check":
                checked.setdefault(ev.rule_id, ev)
        for rule_id, kind, explanation in c.findings:
            t = self.add("DQ", kind, rule_id, c.recorded_on, None, explanation[:240], key=f"DQ:{rule_id}")
            # A check naming no rule settles the flag only when the record has just one.
            ev = checked.get(rule_id) or (checked.get(None) if len(c.findings) == 1 else None)
            if ev is not None:
                self.close(t.key, ev, "corrected")


def derive(crime: CrimeFacts, events: list[Event], today: date,
           settings: RuleSettings | None = None) -> Result:
    """Every task of a crime given its events up to today (later events are ignored)."""
    st = resolve(settings)
    seen = sorted((e for e in events if e.on <= today), key=lambda e: (e.at, e.id))
    w = _Walk(crime, st)
    w.start()
    for ev in seen:
        if crime.finalised and crime.outcome_date and ev.on > crime.outcome_date:
            continue
        w.apply(ev)
    w.finish(seen)
    if crime.finalised:
        # A finalised crime owes no deadlines: only its history and its data-quality flags remain.
        w.res.tasks = [t for t in w.res.tasks if t.status == "done" or t.kind in DATA_QUALITY_KINDS]
    return w.res

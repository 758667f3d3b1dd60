"""The investigation events the task engine reads, and which Beacon completion records which event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# kind -> meaning, as docs/data-contract.md lists them.
EVENT_KINDS: dict[str, str] = {
    "allocated": "The investigation was allocated to its officer in charge.",
    "log_entry": "An entry was made in the investigation log (OEL).",
    "supervisor_review": "A supervisor reviewed the investigation and recorded it.",
    "victim_contact": "The victim was told of progress (a development or a regular update).",
    "contact_agreed": "The victim agreed a contact frequency (value: days between updates).",
    "suspect_named": "A suspect (person) was identified by name.",
    "arrest": "A suspect (person) was arrested or interviewed.",
    "bail_granted": "A suspect (person) was released on pre-charge bail (stage 'initial').",
    "bail_extended": "Bail was extended (stage: the stage it moved to; ends_on when a court set the date).",
    "bail_ended": "Bail ended without charge (released, no further action or under investigation).",
    "rui": "A suspect (person) was released under investigation.",
    "rui_review": "A released-under-investigation suspect's case was reviewed.",
    "fts": "A suspect (person) failed to answer bail.",
    "fts_actioned": "A suspect who failed to surrender was arrested or circulated as wanted.",
    "statement": "The victim gave a statement or video interview.",
    "charge": "A suspect was charged or summonsed.",
    "no_further_action": "A decision of no further action was made on a time-limited offence.",
    "cdi_check": "A data-quality flag (rule_id) was checked and the record corrected.",
    "links_reviewed": "The crime's links to other crimes were reviewed.",
}

# The Beacon completion button (scoring.categories.COMPLETIONS) -> the event it records.
COMPLETION_EVENT: dict[str, str] = {
    "review_done": "supervisor_review",
    "log_updated": "log_entry",
    "victim_contacted": "victim_contact",
    "bail_extended": "bail_extended",
    "bail_ended": "bail_ended",
    "rui_reviewed": "rui_review",
    "fts_actioned": "fts_actioned",
    "charged": "charge",
    "time_limit_nfa": "no_further_action",
    "suspect_arrested": "arrest",
    "corrected": "cdi_check",
    "links_reviewed": "links_reviewed",
}

# The reverse, for the task a source event closes: what Beacon shows as the completion.
EVENT_COMPLETION: dict[str, str] = {v: k for k, v in COMPLETION_EVENT.items()}


@dataclass(frozen=True)
class Event:
    """One investigation event as the engine sees it."""

    id: int
    kind: str
    at: datetime
    person_id: int | None = None
    officer_id: int | None = None
    officer_rank: str | None = None
    stage: str | None = None
    ends_on: date | None = None
    value: int | None = None
    rule_id: str | None = None
    origin: str = "source"

    @property
    def on(self) -> date:
        """The calendar day of the event."""
        return self.at.date() if isinstance(self.at, datetime) else self.at

"""The worklist categories (one badge each) and the completion actions that clear their tasks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """One kind of owed work, shown as a badge with a Bootstrap icon."""

    id: str
    label: str
    icon: str
    description: str


# Order is the badge order on screen: reviews first, as the Merseyside dashboard started there.
CATEGORIES: tuple[Category, ...] = (
    Category("supervisor_review", "Supervisor reviews", "bi-clipboard-check",
             "Investigations due a sergeant's documented review."),
    Category("oel_update", "Log updates", "bi-journal-text",
             "Open crimes whose investigation log (OEL) needs a new entry."),
    Category("victim_contact", "Victim contacts", "bi-telephone",
             "Victims owed news of a development or a regular update under the Victims' Code."),
    Category("bail", "Bail dates", "bi-hourglass-split",
             "Suspects on pre-charge bail, with the date bail ends and who can extend it."),
    Category("rui", "Released under investigation", "bi-person-walking",
             "Suspects released without bail, due a review because no legal clock protects them."),
    Category("fts", "Failed to surrender", "bi-exclamation-octagon",
             "Suspects who failed to answer bail and need arresting or circulating."),
    Category("time_limit", "Time limits", "bi-stopwatch",
             "Summary-only offences whose time limit for charging is approaching."),
    Category("named_suspect", "Named suspects", "bi-person-exclamation",
             "Suspects identified by name but not yet arrested or interviewed."),
    Category("detection_mismatch", "Detection mismatches", "bi-shuffle",
             "Crime outcomes that disagree with custody, charge or suspect records."),
    Category("cdi", "CDI errors", "bi-shield-exclamation",
             "Records breaking crime recording rules: late, unclassified or with inconsistent outcomes."),
    Category("linked_crime", "Linked crimes", "bi-link-45deg",
             "Crimes linked as a series or to one offender, whose links need reviewing."),
)

CATEGORY_BY_ID: dict[str, Category] = {c.id: c for c in CATEGORIES}

CATEGORY_IDS: tuple[str, ...] = tuple(c.id for c in CATEGORIES)

# Buttons that complete a task of each kind: (action id stored as task.completion, button label).
COMPLETIONS: dict[str, list[tuple[str, str]]] = {
    "supervisor_review": [("review_done", "Review done")],
    "oel_update": [("log_updated", "Log updated")],
    "victim_contact": [("victim_contacted", "Victim contacted")],
    "bail": [("bail_extended", "Extend bail"), ("bail_ended", "Bail ended")],
    "rui": [("rui_reviewed", "RUI reviewed")],
    "fts": [("fts_actioned", "Arrested / circulated")],
    "time_limit": [("charged", "Charged / summonsed"), ("time_limit_nfa", "No further action")],
    "named_suspect": [("suspect_arrested", "Suspect arrested")],
    "detection_mismatch": [("corrected", "Corrected")],
    "cdi": [("corrected", "Corrected")],
    "linked_crime": [("links_reviewed", "Links reviewed")],
}

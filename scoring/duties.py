"""Who may complete each kind of owed work: the duty behind a completion, by task kind and PACE stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scoring.bail import is_2022_scheme, next_stage
from scoring.settings import RuleSettings, resolve

# Seniority of the ranks of England and Wales forces (detective ranks equal their uniform peers).
# Police staff hold no rank, so they sit below every constable.
RANK_LEVEL: dict[str, int] = {
    "staff": 0, "PCSO": 0,
    "PC": 1, "DC": 1,
    "PS": 2, "DS": 2,
    "Insp": 3, "DI": 3,
    "CI": 4, "DCI": 4,
    "Supt": 5, "DSupt": 5,
    "CSupt": 6, "DCS": 6,
    "Cmdr": 7, "ACC": 7,
    "DCC": 8,
    "CC": 9,
}
SERGEANT, INSPECTOR, SUPERINTENDENT, CHIEF_OFFICER = 2, 3, 5, 7

# Kinds of duty: anyone responsible for the investigation; a supervisor reviewing someone else's
# work; an officer of at least a given rank authorising something PACE reserves to that rank; a court.
OIC_OR_CHAIN = "oic_or_chain"
SUPERVISOR = "supervisor"
RANK = "rank"
COURT = "court"


@dataclass(frozen=True)
class Duty:
    """Who may complete one action on one task, in data and in words."""

    kind: str
    min_level: int = 0
    words: str = ""

    @property
    def sign_off(self) -> bool:
        """True when the action certifies someone else's work, so the officer in charge may not do it."""
        return self.kind in (SUPERVISOR, RANK)


ANY_RESPONSIBLE = Duty(OIC_OR_CHAIN, 0, "the officer in charge or their chain of command")
SUPERVISOR_REVIEW = Duty(SUPERVISOR, SERGEANT,
                         "a sergeant or above in the officer in charge's chain of command, "
                         "never the officer in charge")
_RANK_WORDS = {
    INSPECTOR: "an inspector or above (PACE s47ZD)",
    SUPERINTENDENT: "a superintendent or above",
    CHIEF_OFFICER: "a commander or assistant chief constable (PACE s47ZDB)",
}
BY_COURT = Duty(COURT, 99, "a magistrates' court (PACE s47ZF-s47ZG); record the court's decision when it is made")


def rank_level(rank: str | None) -> int:
    """Seniority of a rank; an unknown or missing rank counts as none."""
    return RANK_LEVEL.get((rank or "").strip(), 0)


def extension_duty(stage: str, arrested_on: date, settings: RuleSettings | None = None) -> Duty:
    """Who may extend bail from this stage: the rank PACE names for the next stage, or a court."""
    settings = resolve(settings)
    nxt = next_stage(stage, arrested_on, settings)
    if nxt is None or nxt == "court":
        return BY_COURT
    if is_2022_scheme(arrested_on, settings):
        level = {"first_extension": INSPECTOR, "second_extension": SUPERINTENDENT,
                 "complex": CHIEF_OFFICER}[nxt]
        words = _RANK_WORDS[level]
        if level == SUPERINTENDENT:
            words = "a superintendent or above (PACE s47ZDA)"
    else:
        # 2017 scheme: the one extension, to 3 months, needs a superintendent (PACE s47ZD as then in force).
        level, words = SUPERINTENDENT, "a superintendent or above (2017 scheme)"
    return Duty(RANK, level, words)


def duty_for(kind: str, action: str, bail_stage: str | None = None, arrested_on: date | None = None,
             settings: RuleSettings | None = None) -> Duty:
    """The duty behind completing a task of this kind with this action."""
    if kind == "supervisor_review":
        return SUPERVISOR_REVIEW
    if kind == "bail" and action == "bail_extended":
        if bail_stage is None or arrested_on is None:
            # Without the bail record the stage is unknown: only a court is certain to be entitled.
            return BY_COURT
        return extension_duty(bail_stage, arrested_on, settings)
    return ANY_RESPONSIBLE


def may_perform(duty: Duty, rank: str | None, is_oic: bool, in_chain: bool, in_command: bool) -> bool:
    """True when someone of this rank and relation to the investigation may discharge the duty.

    in_chain: the person is in the officer in charge's line-management chain (or, for an unallocated
    crime, supervises its team); in_command: the crime sits in the person's own command.
    """
    if duty.kind == COURT:
        return False
    if duty.kind == OIC_OR_CHAIN:
        return is_oic or in_chain
    if is_oic:
        return False  # no one signs off their own work
    if duty.kind == SUPERVISOR:
        return in_chain and rank_level(rank) >= duty.min_level
    return (in_chain or in_command) and rank_level(rank) >= duty.min_level


def action_window_days(kind: str, settings: RuleSettings | None = None) -> int:
    """Days before its due date that work turns amber and its completion is offered."""
    settings = resolve(settings)
    # Bail warns earlier, so the next authority level has time to review before it ends.
    return settings.bail_warning_days if kind == "bail" else settings.due_soon_days


def actionable(kind: str, due_date: date | None, today: date, settings: RuleSettings | None = None) -> bool:
    """True when work is due within its amber window (or undated, or overdue), so it can be completed."""
    if due_date is None:
        return True
    return (due_date - today).days <= action_window_days(kind, settings)

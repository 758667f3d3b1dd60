"""Deadline rules: victim contact, prosecution time limits, follow-on reviews, and their explanations."""

# Month arithmetic for time limits. MCA 1980 s127 and CJA 1988 s39A say "within N months/years
# *from*" a date, which excludes that day: the limit is the corresponding date N months later, or
# the last day of that month when it has no such date (offence 31 Aug -> last day 28/29 Feb). That is
# exactly what dateutil's relativedelta gives, and the returned date is the last day on which
# proceedings may start.

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from scoring.calendar import add_working_days, as_date
from scoring.cdi import cdi_explain
from scoring.settings import RuleSettings, resolve


def _n(n: int, unit: str) -> str:
    """'1 working day' / '5 working days'."""
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


# rule id -> (kind, title, explanation built from the settings in force)
_RULES = {
    "REV-FIRST": ("supervisor_review", "First supervisor review",
                  lambda s: f"A supervisor must first review the investigation within "
                            f"{_n(s.first_review_days, 'day')} of it being allocated (force policy)."),
    "REV-PERIODIC": ("supervisor_review", "Supervisor review",
                     lambda s: f"A supervisor must review the investigation every "
                               f"{_n(s.review_interval_days, 'day')} while it is open (force policy)."),
    "OEL-14": ("oel_update", "Investigation log update",
               lambda s: f"The investigation log (OEL) needs an entry at least every "
                         f"{_n(s.oel_interval_days, 'day')} while the crime is open (force policy)."),
    "VC-ENH": ("victim_contact", "Victim contact (enhanced rights)",
               lambda s: f"This victim has enhanced rights: tell them about this development within "
                         f"{_n(s.victim_contact_days_enhanced, 'working day')} (Victims' Code)."),
    "VC-STD": ("victim_contact", "Victim contact",
               lambda s: f"Tell the victim about this development (arrest, interview, release, bail, "
                         f"charge or out-of-court disposal) within "
                         f"{_n(s.victim_contact_days_standard, 'working day')} (Victims' Code)."),
    "VC-UPDATE": ("victim_contact", "Victim update",
                  lambda s: f"Update the victim at least every {_n(s.victim_update_days, 'day')} "
                            f"unless they agreed another frequency."),
    "BAIL-INITIAL": ("bail", "Bail ends (initial period)",
                     lambda s: f"Pre-charge bail ends {_n(s.bail_initial_months, 'month')} from the "
                               f"bail start date (PACE s47ZB); an inspector or above must authorise "
                               f"any extension before then."),
    "BAIL-EXT1": ("bail", "Bail ends (first extension)",
                  lambda s: f"Bail was extended to {_n(s.bail_first_extension_months, 'month')} from "
                            f"the bail start date (PACE s47ZD); a further extension needs a "
                            f"superintendent or above."),
    "BAIL-EXT2": ("bail", "Bail ends (second extension)",
                  lambda s: f"Bail was extended to {_n(s.bail_second_extension_months, 'month')} "
                            f"(PACE s47ZDA); going further needs a commander or assistant chief "
                            f"constable for an exceptionally complex case, otherwise a magistrates' "
                            f"court."),
    "BAIL-COMPLEX": ("bail", "Bail ends (exceptionally complex)",
                     lambda s: f"The case is designated exceptionally complex and bail runs to "
                               f"{_n(s.bail_complex_months, 'month')} (PACE s47ZDB); any further "
                               f"extension needs a magistrates' court."),
    "BAIL-OLD": ("bail", "Bail ends (2017 scheme)",
                 lambda s: f"Arrested before {s.pace_2022_commencement:%d %B %Y}, so the 2017 scheme "
                           f"applies: {_n(s.bail_old_initial_days, 'day')}, extendable to "
                           f"{_n(s.bail_old_extension_months, 'month')} by a superintendent, then "
                           f"only by a magistrates' court."),
    "BAIL-COURT": ("bail", "Bail ends (court extension)",
                   lambda s: "A magistrates' court extended bail and set the end date; any further "
                             "extension needs another application to the court."),
    "RUI-REVIEW": ("rui", "Released under investigation review",
                   lambda s: f"Released under investigation has no legal time limit, so review the "
                             f"case at least every {_n(s.rui_review_days, 'day')} (force policy)."),
    "FTS": ("fts", "Failed to surrender",
            lambda s: "The suspect failed to answer bail, an arrestable Bail Act offence: arrest "
                      "them or circulate them as wanted now."),
    "TL-S127": ("time_limit", "Summary time limit",
                lambda s: f"Summary-only offence: proceedings must start within "
                          f"{_n(s.summary_limit_months, 'month')} of the offence (Magistrates' "
                          f"Courts Act 1980 s127), or the case is lost (outcome 17)."),
    "TL-S39A": ("time_limit", "Domestic assault time limit",
                lambda s: f"Domestic common assault or battery: proceedings must start within "
                          f"{_n(s.s39a_statement_months, 'month')} of the victim's first statement "
                          f"or video interview and within {_n(s.s39a_limit_years, 'year')} of the "
                          f"offence (Criminal Justice Act 1988 s39A)."),
    "NS-ARREST": ("named_suspect", "Named suspect not arrested",
                  lambda s: f"A suspect is named but not yet arrested or interviewed; action is "
                            f"expected within {_n(s.named_suspect_days, 'day')} of naming them "
                            f"(force policy)."),
    "LINK-REVIEW": ("linked_crime", "Linked crimes",
                    lambda s: "This crime is linked to others (one series or one offender's "
                              "offending); review the links so they are investigated together."),
}

RULES: dict[str, dict] = {
    rule_id: {"kind": kind, "title": title, "explanation": text(resolve(None))}
    for rule_id, (kind, title, text) in _RULES.items()
}


def explain(rule_id: str, settings: RuleSettings | None = None) -> str:
    """Plain-English explanation of a rule (deadline, CDI or detection mismatch) under these settings."""
    settings = resolve(settings)
    if rule_id in _RULES:
        return _RULES[rule_id][2](settings)
    return cdi_explain(rule_id, settings)


def victim_contact_due(event_on: date, enhanced: bool, settings: RuleSettings | None = None) -> date:
    """Date a victim must be told of an event, in working days (Victims' Code)."""
    settings = resolve(settings)
    days = settings.victim_contact_days_enhanced if enhanced else settings.victim_contact_days_standard
    return add_working_days(event_on, days, settings)


def victim_contact_rule(enhanced: bool) -> str:
    """Rule id for a victim contact about an event."""
    return "VC-ENH" if enhanced else "VC-STD"


def _s39a_applies(occurred_on: date, summary_only: bool, domestic_common_assault: bool,
                  first_statement_on: date | None, settings: RuleSettings) -> bool:
    """True when CJA 1988 s39A, not MCA s127, sets the limit."""
    if not (summary_only and domestic_common_assault):
        return False
    if as_date(occurred_on) < settings.s39a_in_force:
        # s39A does not reach offences committed before it came into force.
        return False
    return first_statement_on is not None or not settings.s39a_needs_statement


def summary_time_limit(occurred_on: date, summary_only: bool, domestic_common_assault: bool,
                       first_statement_on: date | None = None,
                       settings: RuleSettings | None = None) -> date | None:
    """Last day to start proceedings, or None when the offence has no limit (either-way/indictable)."""
    settings = resolve(settings)
    if not summary_only:
        return None
    occurred_on = as_date(occurred_on)
    if _s39a_applies(occurred_on, summary_only, domestic_common_assault, first_statement_on, settings):
        outer = occurred_on + relativedelta(years=settings.s39a_limit_years)
        if first_statement_on is None:
            return outer
        from_statement = as_date(first_statement_on) + relativedelta(months=settings.s39a_statement_months)
        # Both conditions must hold, so the earlier date wins.
        return min(outer, from_statement)
    return occurred_on + relativedelta(months=settings.summary_limit_months)


def time_limit_rule(occurred_on: date, summary_only: bool, domestic_common_assault: bool,
                    first_statement_on: date | None = None,
                    settings: RuleSettings | None = None) -> str | None:
    """Rule id behind summary_time_limit: 'TL-S39A', 'TL-S127', or None when there is no limit."""
    settings = resolve(settings)
    if not summary_only:
        return None
    if _s39a_applies(occurred_on, summary_only, domestic_common_assault, first_statement_on, settings):
        return "TL-S39A"
    return "TL-S127"


# Which setting gives the follow-on interval once a task of this kind is completed.
_FOLLOW_ON = {
    "supervisor_review": "review_interval_days",
    "oel_update": "oel_interval_days",
    "victim_contact": "victim_update_days",
    "rui": "rui_review_days",
}

FOLLOW_ON_RULE = {
    "supervisor_review": "REV-PERIODIC",
    "oel_update": "OEL-14",
    "victim_contact": "VC-UPDATE",
    "rui": "RUI-REVIEW",
}


def next_due(kind: str, completed_on: date, settings: RuleSettings | None = None) -> date | None:
    """Due date of the follow-on task after completing one of this kind, or None if none follows."""
    name = _FOLLOW_ON.get(kind)
    if name is None:
        return None
    return as_date(completed_on) + timedelta(days=getattr(resolve(settings), name))


def first_review_due(allocated_on: date, settings: RuleSettings | None = None) -> date:
    """Due date of the first supervisor review after allocation."""
    return as_date(allocated_on) + timedelta(days=resolve(settings).first_review_days)


def named_suspect_due(named_on: date, settings: RuleSettings | None = None) -> date:
    """Date by which a named suspect is expected to be arrested or interviewed (force policy)."""
    return as_date(named_on) + timedelta(days=resolve(settings).named_suspect_days)

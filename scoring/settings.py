"""Rule settings: every deadline, interval and threshold that law or force policy can change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scoring.settings_base import Settings, describe, load, markdown_table, rule


@dataclass(frozen=True)
class RuleSettings(Settings):
    """The rules in force; defaults follow docs/domain.md and may be overridden per force."""

    # Worklist display
    due_soon_days: int = rule(
        7, "Days ahead within which a task counts as 'due soon' (amber); bail uses bail_warning_days.", "policy")
    forward_horizons: tuple[int, ...] = rule(
        (7, 14, 28, 90), "Horizons, in days, of the forward look of work falling due.", "policy")

    # Victims' Code
    victim_contact_days_standard: int = rule(
        5, "Working days to tell a victim of an arrest, interview, release, bail change, charge or "
           "out-of-court disposal (Victims' Code 2021).", "official")
    victim_contact_days_enhanced: int = rule(
        1, "Working days for the same contact when the victim is entitled to enhanced rights "
           "(serious crime incl. domestic abuse, hate and sexual offences; persistently targeted; "
           "vulnerable or intimidated).", "official")
    victim_update_days: int = rule(
        28, "Days between victim updates unless another frequency was agreed with the victim.", "policy")
    bank_holiday_region: str = rule(
        "ENG", "Bank-holiday calendar for working days ('holidays' package, GB subdivision); "
               "England and Wales share one calendar.", "law")

    # Supervision and logs
    first_review_days: int = rule(
        7, "Days from allocation to the first supervisor review.", "policy")
    review_interval_days: int = rule(
        28, "Days between supervisor reviews while an investigation is open.", "policy")
    oel_interval_days: int = rule(
        14, "Most days allowed between investigation log (OEL) entries on an open crime.", "policy")
    named_suspect_days: int = rule(
        28, "Days from naming a suspect to the expected arrest or interview (no national source; "
            "suggested default).", "policy")

    # Task engine conventions (scoring/task_engine.py)
    review_interval_from: str = rule(
        "done", "The next supervisor review falls due review_interval_days after the day the last one was "
                "'done', or after the day it was 'due'.", "policy",
        choices=("done", "due"))
    oel_entry_kinds: tuple[str, ...] = rule(
        ("log_entry",), "Event kinds that count as an investigation log (OEL) entry; add 'supervisor_review' "
                        "where a force's reviews are written in the log.", "policy")
    victim_update_clock_start: str = rule(
        "recorded", "Before the first contact, the victim-update clock starts when the crime is 'recorded' "
                    "or when it is 'allocated'.", "policy",
        choices=("recorded", "allocated"))
    move_due_off_non_working_days: bool = rule(
        False, "If true, a policy deadline (review, log, victim update, RUI review, named suspect) falling on "
               "a weekend or bank holiday moves to the next working day; statutory dates never move.", "policy")
    reconcile_window_days: int = rule(
        7, "Days within which the records system should show a completion made in Beacon; after them it is "
           "flagged as not in the source.", "policy", minimum=1)
    crime_record_url: str = rule(
        "", "Address of a crime in the force's records system, with {crime_ref} where the reference goes "
            "(e.g. https://records.example.police.uk/crime/{crime_ref}); empty for no link.", "policy")
    stale_load_hours: int = rule(
        26, "Hours after the last successful load of the force's records when every screen warns that the "
            "data is stale.", "policy", minimum=1)

    # Released under investigation and bail
    rui_review_days: int = rule(
        28, "Days between reviews of a suspect released under investigation (RUI has no legal clock).",
        "policy")
    bail_warning_days: int = rule(
        14, "Days before a bail end date from which the bail task is due soon (amber, in the badges, bell "
            "and grid) and can be extended, so the next authority level has time to review.", "policy")
    pace_2022_commencement: date = rule(
        date(2022, 10, 28), "Arrests on or after this date use the 2022 bail scheme (PCSCA 2022); "
                            "earlier arrests use the 2017 scheme.", "law")
    bail_initial_months: int = rule(
        3, "2022 scheme: initial bail period, months beginning with the bail start date "
           "(PACE s47ZB).", "law")
    bail_first_extension_months: int = rule(
        6, "2022 scheme: period after an inspector's extension (PACE s47ZD).", "law")
    bail_second_extension_months: int = rule(
        9, "2022 scheme: period after a superintendent's extension (PACE s47ZDA).", "law")
    bail_complex_months: int = rule(
        12, "2022 scheme: period for a case designated exceptionally complex, authorised by a "
            "commander or assistant chief constable (PACE s47ZDB).", "law")
    bail_old_initial_days: int = rule(
        28, "2017 scheme: initial bail period in days beginning with the bail start date.", "law")
    bail_old_extension_months: int = rule(
        3, "2017 scheme: period after a superintendent's extension.", "law")

    # Prosecution time limits
    summary_limit_months: int = rule(
        6, "Months from the offence within which a summary-only prosecution must start "
           "(Magistrates' Courts Act 1980 s127).", "law")
    s39a_limit_years: int = rule(
        2, "Domestic common assault or battery: outer limit in years from the offence "
           "(Criminal Justice Act 1988 s39A).", "law")
    s39a_statement_months: int = rule(
        6, "Domestic common assault or battery: months from the victim's first witness statement "
           "or video-recorded interview (CJA 1988 s39A).", "law")
    s39a_in_force: date = rule(
        date(2022, 6, 28), "s39A applies to offences committed on or after this date.", "law")
    s39a_needs_statement: bool = rule(
        True, "If true, a domestic common assault with no victim statement yet keeps the 6-month "
               "s127 limit (s39A only applies once a statement or video interview exists, so an "
               "evidence-led case stays on 6 months); if false the 2-year outer limit is shown.",
        "law")

    # Crime recording and outcomes
    recording_limit_hours: int = rule(
        24, "Hours from report within which a crime must be recorded (Home Office Crime "
            "Recording Rules).", "official")
    positive_outcomes: frozenset[int] = rule(
        frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 22}),
        "Home Office outcome codes counted as positive (no national definition; default is the "
        "West Midlands paper's 1-9 and 22).", "policy")

    # Demand
    demand_jump_ratio: float = rule(
        1.5, "A unit's latest full week of new crimes at least this multiple of its baseline "
             "counts as a sudden jump in demand.", "policy")
    demand_jump_min_new: int = rule(
        5, "Fewest new crimes in the latest week for a jump to count (ignores tiny numbers).",
        "policy")
    demand_baseline_weeks: int = rule(
        4, "Weeks before the latest full week averaged to give a unit's demand baseline.", "policy",
        minimum=1)

    # Daily digest by mail (data_access/digest.py)
    digest_default_on: bool = rule(
        False, "If true, the daily digest mail goes to everyone with an address on record who has not switched it "
               "off under My settings; if false, only to those who switched it on.", "policy")

    def validate(self) -> None:
        """Reject combinations no rule could mean, so a bad rules file fails at start-up, not mid-shift."""
        if self.demand_jump_ratio <= 0:
            raise ValueError("setting demand_jump_ratio must be > 0")
        if not self.forward_horizons or min(self.forward_horizons) < 0:
            raise ValueError("setting forward_horizons must be a non-empty list of days >= 0")
        from scoring.events import EVENT_KINDS

        unknown = [k for k in self.oel_entry_kinds if k not in EVENT_KINDS]
        if unknown:
            raise ValueError(f"setting oel_entry_kinds names unknown event kinds: {', '.join(unknown)}")
        months = (self.bail_initial_months, self.bail_first_extension_months,
                  self.bail_second_extension_months, self.bail_complex_months)
        # Stages must not shorten bail, or the "next stage" would end before the current one.
        if list(months) != sorted(months):
            raise ValueError("bail stage periods must not decrease from one stage to the next "
                             "(settings bail_initial_months to bail_complex_months)")


def load_settings(overrides: dict | None = None) -> RuleSettings:
    """Build settings from the defaults plus overrides; an unknown name raises ValueError naming it."""
    return load(RuleSettings, overrides)


def describe_settings(settings: RuleSettings | None = None) -> list[dict]:
    """One dict per setting: name, default, value in force, display texts, doc and source."""
    return describe(settings or DEFAULT_SETTINGS)


DEFAULT_SETTINGS = RuleSettings()


def resolve(settings: RuleSettings | None) -> RuleSettings:
    """Return the given settings, or the defaults when None (lets callers omit them)."""
    return DEFAULT_SETTINGS if settings is None else settings


if __name__ == "__main__":
    print(markdown_table(RuleSettings))

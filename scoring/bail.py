"""Pre-charge bail end dates and authority levels (PACE 1984 Part 4, as amended in 2017 and 2022)."""

# What "3 months" means here. PACE s47ZB-s47ZDB set each period as "the period of N months beginning
# with the person's bail start date", and the bail start date is the day after arrest (s47ZB(4)(a)).
# "Month" is a calendar month (Interpretation Act 1978, Sch 1). Because the period *begins with* the
# start date, that day counts, so the last day on bail is the day before the corresponding date N
# months on: bail start 1 Mar + 3 months -> last day 31 May. Where the later month has no
# corresponding date the period ends on that month's last day: bail start 30 Nov + 3 months ->
# 28 Feb (29 Feb in a leap year); 31 Aug + 6 months -> 28/29 Feb; 29 Feb 2024 + 12 months -> 28 Feb
# 2025. A day-count period works the same way: 28 days beginning with the start date ends on start +
# 27 days. `bail_end` returns that last day on bail, which is also the day the suspect must answer
# bail (s47ZA(2)). Reading it as "start date + N months" instead would put most dates one day late.

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from scoring.calendar import as_date
from scoring.settings import RuleSettings, resolve


@dataclass(frozen=True)
class BailStage:
    """One stage of a bail scheme: how long it lasts and who authorises it."""

    id: str
    label: str
    period_setting: str | None  # RuleSettings field holding the length; None when a court sets it
    unit: str | None  # "months" or "days"
    authorised_by: str
    rule_id: str


COURT = "a magistrates' court"

# 2022 scheme (arrests on or after RuleSettings.pace_2022_commencement).
BAIL_STAGES: tuple[BailStage, ...] = (
    BailStage("initial", "Initial bail", "bail_initial_months", "months",
              "a custody officer", "BAIL-INITIAL"),
    BailStage("first_extension", "First extension", "bail_first_extension_months", "months",
              "an inspector or above", "BAIL-EXT1"),
    BailStage("second_extension", "Second extension", "bail_second_extension_months", "months",
              "a superintendent or above", "BAIL-EXT2"),
    BailStage("complex", "Exceptionally complex", "bail_complex_months", "months",
              "a commander or assistant chief constable", "BAIL-COMPLEX"),
    BailStage("court", "Court extension", None, None, COURT, "BAIL-COURT"),
)

# 2017 scheme (arrests from 3 April 2017 to the day before the 2022 commencement). Under it an
# inspector authorised release on bail (PACE s50A as then in force).
OLD_BAIL_STAGES: tuple[BailStage, ...] = (
    BailStage("initial", "Initial bail (2017 scheme)", "bail_old_initial_days", "days",
              "an inspector or above", "BAIL-OLD"),
    BailStage("first_extension", "Extension (2017 scheme)", "bail_old_extension_months", "months",
              "a superintendent or above", "BAIL-OLD"),
    BailStage("court", "Court extension", None, None, COURT, "BAIL-COURT"),
)


def bail_start_from_arrest(arrested_on: date) -> date:
    """The bail start date: the day after the day of arrest (PACE s47ZB(4)(a))."""
    return as_date(arrested_on) + timedelta(days=1)


def is_2022_scheme(arrested_on: date, settings: RuleSettings | None = None) -> bool:
    """True when the arrest falls under the 2022 scheme rather than the 2017 one."""
    return as_date(arrested_on) >= resolve(settings).pace_2022_commencement


def stages_for(arrested_on: date, settings: RuleSettings | None = None) -> tuple[BailStage, ...]:
    """The ordered stages of the scheme that applies to this arrest date."""
    return BAIL_STAGES if is_2022_scheme(arrested_on, settings) else OLD_BAIL_STAGES


def _stage(stage: str, arrested_on: date, settings: RuleSettings | None) -> tuple[int, tuple]:
    """Index of a stage within its scheme; a stage the scheme lacks is a data error, so it raises."""
    stages = stages_for(arrested_on, settings)
    for i, s in enumerate(stages):
        if s.id == stage:
            return i, stages
    scheme = "2022" if is_2022_scheme(arrested_on, settings) else "2017"
    raise ValueError(f"bail stage {stage!r} does not exist in the {scheme} scheme")


def period_end(start: date, months: int = 0, days: int = 0) -> date:
    """Last day of a period of months or days *beginning with* start (see module docstring)."""
    start = as_date(start)
    if days:
        return start + timedelta(days=days - 1)
    later = start + relativedelta(months=months)
    # relativedelta clamps a missing day (30 Feb -> 28/29 Feb): then the month's last day is the end.
    if later.day != start.day:
        return later
    return later - timedelta(days=1)


def bail_end(bail_start: date | None, stage: str, arrested_on: date,
             settings: RuleSettings | None = None) -> date | None:
    """Last day of bail at this stage, or None for a court extension (the court sets the date)."""
    settings = resolve(settings)
    _, stages = _stage(stage, arrested_on, settings)
    s = next(x for x in stages if x.id == stage)
    if s.period_setting is None:
        return None
    start = bail_start_from_arrest(arrested_on) if bail_start is None else as_date(bail_start)
    length = getattr(settings, s.period_setting)
    if s.unit == "days":
        return period_end(start, days=length)
    return period_end(start, months=length)


def bail_warning_on(ends_on: date, settings: RuleSettings | None = None) -> date:
    """The date to start warning about a bail end, leaving the next authority time to review."""
    return as_date(ends_on) - timedelta(days=resolve(settings).bail_warning_days)


def next_stage(stage: str, arrested_on: date, settings: RuleSettings | None = None) -> str | None:
    """The stage an extension would move to, or None once a court is extending bail."""
    i, stages = _stage(stage, arrested_on, settings)
    return stages[i + 1].id if i + 1 < len(stages) else None


def next_authority(stage: str, arrested_on: date, settings: RuleSettings | None = None) -> str:
    """Who must authorise the next extension, in plain English."""
    nxt = next_stage(stage, arrested_on, settings)
    if nxt is None:
        # Further extensions after a court extension also go back to the court (PACE s47ZG).
        return COURT
    if nxt == "complex":
        # s47ZDB needs the case designated exceptionally complex; otherwise the court is next.
        return ("a commander or assistant chief constable (if the case is designated "
                "exceptionally complex), otherwise " + COURT)
    return next(s for s in stages_for(arrested_on, settings) if s.id == nxt).authorised_by


def bail_rule_id(stage: str, arrested_on: date, settings: RuleSettings | None = None) -> str:
    """The deadline rule id (see scoring.deadlines.RULES) for a bail stage."""
    i, stages = _stage(stage, arrested_on, settings)
    return stages[i].rule_id

"""Rule settings: every deadline, interval and threshold that law or force policy can change."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

_SOURCES = ("law", "official", "policy")


def _rule(default: Any, doc: str, source: str) -> Any:
    """Declare one setting with its default, a plain-English description and where it comes from."""
    assert source in _SOURCES, source
    meta = {"doc": doc, "source": source}
    # Mutable-looking containers are frozen, so a plain default is safe and hashable.
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class RuleSettings:
    """The rules in force; defaults follow docs/domain.md and may be overridden per force."""

    # Worklist display
    due_soon_days: int = _rule(
        7, "Days ahead within which a task counts as 'due soon' (amber).", "policy")
    forward_horizons: tuple = _rule(
        (7, 14, 28, 90), "Horizons, in days, of the forward look of work falling due.", "policy")
    worklist_row_limit: int = _rule(
        2000, "Most crimes sent to a worklist grid at once (most urgent first); keeps a BCU view light on a tablet.", "policy")

    # Victims' Code
    victim_contact_days_standard: int = _rule(
        5, "Working days to tell a victim of an arrest, interview, release, bail change, charge or "
           "out-of-court disposal (Victims' Code 2021).", "official")
    victim_contact_days_enhanced: int = _rule(
        1, "Working days for the same contact when the victim is entitled to enhanced rights "
           "(serious crime incl. domestic abuse, hate and sexual offences; persistently targeted; "
           "vulnerable or intimidated).", "official")
    victim_update_days: int = _rule(
        28, "Days between victim updates unless another frequency was agreed with the victim.", "policy")
    bank_holiday_region: str = _rule(
        "ENG", "Bank-holiday calendar for working days ('holidays' package, GB subdivision); "
               "England and Wales share one calendar.", "law")

    # Supervision and logs
    first_review_days: int = _rule(
        7, "Days from allocation to the first supervisor review.", "policy")
    review_interval_days: int = _rule(
        28, "Days between supervisor reviews while an investigation is open.", "policy")
    oel_interval_days: int = _rule(
        14, "Most days allowed between investigation log (OEL) entries on an open crime.", "policy")
    named_suspect_days: int = _rule(
        28, "Days from naming a suspect to the expected arrest or interview (no national source; "
            "suggested default).", "policy")

    # Released under investigation and bail
    rui_review_days: int = _rule(
        28, "Days between reviews of a suspect released under investigation (RUI has no legal clock).",
        "policy")
    bail_warning_days: int = _rule(
        14, "Days before a bail end date to warn, so the next authority level has time to review.",
        "policy")
    pace_2022_commencement: date = _rule(
        date(2022, 10, 28), "Arrests on or after this date use the 2022 bail scheme (PCSCA 2022); "
                            "earlier arrests use the 2017 scheme.", "law")
    bail_initial_months: int = _rule(
        3, "2022 scheme: initial bail period, months beginning with the bail start date "
           "(PACE s47ZB).", "law")
    bail_first_extension_months: int = _rule(
        6, "2022 scheme: period after an inspector's extension (PACE s47ZD).", "law")
    bail_second_extension_months: int = _rule(
        9, "2022 scheme: period after a superintendent's extension (PACE s47ZDA).", "law")
    bail_complex_months: int = _rule(
        12, "2022 scheme: period for a case designated exceptionally complex, authorised by a "
            "commander or assistant chief constable (PACE s47ZDB).", "law")
    bail_old_initial_days: int = _rule(
        28, "2017 scheme: initial bail period in days beginning with the bail start date.", "law")
    bail_old_extension_months: int = _rule(
        3, "2017 scheme: period after a superintendent's extension.", "law")

    # Prosecution time limits
    summary_limit_months: int = _rule(
        6, "Months from the offence within which a summary-only prosecution must start "
           "(Magistrates' Courts Act 1980 s127).", "law")
    s39a_limit_years: int = _rule(
        2, "Domestic common assault or battery: outer limit in years from the offence "
           "(Criminal Justice Act 1988 s39A).", "law")
    s39a_statement_months: int = _rule(
        6, "Domestic common assault or battery: months from the victim's first witness statement "
           "or video-recorded interview (CJA 1988 s39A).", "law")
    s39a_in_force: date = _rule(
        date(2022, 6, 28), "s39A applies to offences committed on or after this date.", "law")
    s39a_needs_statement: bool = _rule(
        True, "If true, a domestic common assault with no victim statement yet keeps the 6-month "
               "s127 limit (s39A only applies once a statement or video interview exists, so an "
               "evidence-led case stays on 6 months); if false the 2-year outer limit is shown.",
        "law")

    # Crime recording and outcomes
    recording_limit_hours: int = _rule(
        24, "Hours from report within which a crime must be recorded (Home Office Crime "
            "Recording Rules).", "official")
    positive_outcomes: frozenset = _rule(
        frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 22}),
        "Home Office outcome codes counted as positive (no national definition; default is the "
        "West Midlands paper's 1-9 and 22).", "policy")

    # Demand
    demand_jump_ratio: float = _rule(
        1.5, "A unit's latest full week of new crimes at least this multiple of its baseline "
             "counts as a sudden jump in demand.", "policy")
    demand_jump_min_new: int = _rule(
        5, "Fewest new crimes in the latest week for a jump to count (ignores tiny numbers).",
        "policy")
    demand_baseline_weeks: int = _rule(
        4, "Weeks before the latest full week averaged to give a unit's demand baseline.", "policy")

    def __post_init__(self):
        """Reject values no rule could mean, so a bad rules file fails at start-up, not mid-shift."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(f.default, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"setting {f.name} must be true or false, got {value!r}")
            elif isinstance(f.default, int) and (isinstance(value, bool) or not isinstance(value, int)
                                                 or value < 0):
                raise ValueError(f"setting {f.name} must be a whole number >= 0, got {value!r}")
        if self.demand_jump_ratio <= 0:
            raise ValueError("setting demand_jump_ratio must be > 0")
        if not self.forward_horizons or any(int(h) < 0 for h in self.forward_horizons):
            raise ValueError("setting forward_horizons must be a non-empty list of days >= 0")
        if self.demand_baseline_weeks < 1:
            raise ValueError("setting demand_baseline_weeks must be at least 1")
        months = (self.bail_initial_months, self.bail_first_extension_months,
                  self.bail_second_extension_months, self.bail_complex_months)
        # Stages must not shorten bail, or the "next stage" would end before the current one.
        if list(months) != sorted(months):
            raise ValueError("bail stage periods must not decrease from one stage to the next")


def _coerce(name: str, default: Any, value: Any) -> Any:
    """Convert a value from a rules file (JSON/TOML types) to the type of the setting's default."""
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                return {"true": True, "false": False}[value.strip().lower()]
            return value
        if isinstance(default, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            return int(value) if isinstance(value, str) else value
        if isinstance(default, float):
            return float(value)
        if isinstance(default, date):
            return date.fromisoformat(value) if isinstance(value, str) else value
        if isinstance(default, frozenset):
            return frozenset(int(v) for v in value)
        if isinstance(default, tuple):
            return tuple(int(v) for v in value)
        if isinstance(default, str):
            return str(value)
    except (TypeError, ValueError, KeyError) as exc:
        raise ValueError(f"setting {name}: cannot use {value!r} ({exc})") from None
    return value


_FIELDS = {f.name: f for f in dataclasses.fields(RuleSettings)}


def load_settings(overrides: dict | None = None) -> RuleSettings:
    """Build settings from the defaults plus overrides; an unknown name raises ValueError naming it."""
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(_FIELDS))
    if unknown:
        raise ValueError(f"unknown rule setting(s): {', '.join(unknown)}")
    values = {name: _coerce(name, _FIELDS[name].default, v) for name, v in overrides.items()}
    return RuleSettings(**values)


def _display(value: Any) -> str:
    """Human text for a setting value, for the README and the method panel."""
    if isinstance(value, frozenset):
        return ", ".join(str(v) for v in sorted(value))
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def describe_settings(settings: RuleSettings | None = None) -> list[dict]:
    """One dict per setting: name, default, value in force, display texts, doc and source."""
    settings = settings or RuleSettings()
    rows = []
    for f in dataclasses.fields(RuleSettings):
        value = getattr(settings, f.name)
        rows.append({
            "name": f.name,
            "default": f.default,
            "value": value,
            "default_text": _display(f.default),
            "value_text": _display(value),
            "changed": value != f.default,
            "doc": f.metadata["doc"],
            "source": f.metadata["source"],
        })
    return rows


DEFAULT_SETTINGS = RuleSettings()


def resolve(settings: RuleSettings | None) -> RuleSettings:
    """Return the given settings, or the defaults when None (lets callers omit them)."""
    return DEFAULT_SETTINGS if settings is None else settings


def markdown_table() -> str:
    """The settings as README table rows."""
    return "\n".join(f"| `{d['name']}` | {d['default_text']} | {d['source']} | {d['doc']} |"
                     for d in describe_settings())


if __name__ == "__main__":
    print(markdown_table())

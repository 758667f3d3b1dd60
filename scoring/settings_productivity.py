"""Productivity and availability settings: criteria weights, directions, reductions and shift norms."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.settings_base import Settings, describe, load, markdown_table, rule

# Availability criteria in display order; every value is a share in [0, 1].
CRITERIA = ("work_availability", "attendance", "annual_leave", "other_leave", "restrictions",
            "length_of_service", "psd_matters", "critical_training", "core_skills", "vacancy_rate")


@dataclass(frozen=True)
class ProductivitySettings(Settings):
    """Rules of the productivity and availability tab; defaults follow the West Midlands paper."""

    LABEL = "productivity"

    availability_window_days: int = rule(
        28, "Days before today over which availability and per-available-hour rates are measured "
            "(the roster history held).", "policy", minimum=1)
    productivity_history_days: int = rule(
        365, "Days of daily productivity history shown in trends (12 months).", "policy",
        minimum=1)
    tutor_reduction: float = rule(
        0.10, "Fixed share of available hours taken off an officer who tutors a student officer, for "
              "the extra supervision.", "policy")
    shift_norm_weekly_hours: tuple[tuple[int, float], ...] = rule(
        ((8, 40.0), (10, 42.0), (12, 42.0)),
        "Shift length (hours) -> weekly hours a full-time officer's pattern rosters on average; "
        "expected hours use the norm of the officer's usual shift length, scaled by contracted hours "
        "/ 40, so 8-, 10- and 12-hour patterns compare fairly.", "policy")
    full_time_weekly_hours: float = rule(
        40.0, "Contracted weekly hours of a full-time officer (part-time expected hours scale by this).",
        "policy", minimum=1)
    planned_absence_kinds: tuple[str, ...] = rule(
        ("annual", "maternity", "other"), "Leave kinds that are planned absence.", "policy")
    other_leave_kinds: tuple[str, ...] = rule(
        ("sick", "maternity", "other"), "Leave kinds counted under the 'other leave' criterion.", "policy")
    service_full_years: float = rule(
        5.0, "Years of service at which the length-of-service criterion is full.", "policy")
    core_skills: tuple[str, ...] = rule(
        ("Independent patrol", "Statement taking", "Search powers", "Custody procedures",
         "Body-worn video"),
        "Core skills every warranted officer is expected to hold.", "policy")
    criteria_weights: tuple[tuple[str, float], ...] = rule(
        (("work_availability", 0.25), ("attendance", 0.15), ("annual_leave", 0.05), ("other_leave", 0.10),
         ("restrictions", 0.10), ("length_of_service", 0.05), ("psd_matters", 0.05),
         ("critical_training", 0.10), ("core_skills", 0.10), ("vacancy_rate", 0.05)),
        "TOPSIS weight of each availability criterion (normalised to sum to 1).", "policy")
    criteria_directions: tuple[tuple[str, str], ...] = rule(
        (("work_availability", "benefit"), ("attendance", "benefit"), ("annual_leave", "cost"),
         ("other_leave", "cost"), ("restrictions", "cost"), ("length_of_service", "benefit"),
         ("psd_matters", "cost"), ("critical_training", "benefit"), ("core_skills", "benefit"),
         ("vacancy_rate", "cost")),
        "Whether more of a criterion makes an officer more available (benefit) or less (cost).", "policy")
    trend_rolling_days: int = rule(
        7, "Days in the rolling mean drawn over daily productivity trends.", "policy", minimum=1)

    def validate(self) -> None:
        """Reject settings no rule could mean."""
        weights = dict(self.criteria_weights)
        if set(weights) != set(CRITERIA) or any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
            raise ValueError("setting criteria_weights must give a weight >= 0 to every criterion, not all zero")
        directions = dict(self.criteria_directions)
        if set(directions) != set(CRITERIA) or set(directions.values()) - {"benefit", "cost"}:
            raise ValueError("setting criteria_directions must say benefit or cost for every criterion")
        if not 0 <= self.tutor_reduction < 1:
            raise ValueError("setting tutor_reduction must be in [0, 1)")
        if self.service_full_years <= 0:
            raise ValueError("setting service_full_years must be more than 0")
        if not self.shift_norm_weekly_hours or min(h for _, h in self.shift_norm_weekly_hours) <= 0:
            raise ValueError("setting shift_norm_weekly_hours needs at least one shift length with weekly hours > 0")

    def weights(self) -> dict:
        """Criterion -> weight, summing to 1."""
        raw = dict(self.criteria_weights)
        total = sum(raw.values())
        return {c: raw[c] / total for c in CRITERIA}

    def directions(self) -> dict:
        return dict(self.criteria_directions)

    def shift_norm(self, length_hours: float) -> float:
        """Weekly rostered hours of the pattern whose shift length is nearest length_hours."""
        norms = dict(self.shift_norm_weekly_hours)
        nearest = min(norms, key=lambda h: (abs(h - length_hours), h))
        return float(norms[nearest])


def load_productivity_settings(overrides: dict | None = None) -> ProductivitySettings:
    """Defaults plus overrides; an unknown name or a bad value raises ValueError naming it."""
    return load(ProductivitySettings, overrides)


def describe_productivity_settings(settings: ProductivitySettings | None = None) -> list[dict]:
    """One dict per setting: name, default and value texts, doc and source."""
    return describe(settings or DEFAULT_PRODUCTIVITY_SETTINGS)


DEFAULT_PRODUCTIVITY_SETTINGS = ProductivitySettings()


if __name__ == "__main__":
    print(markdown_table(ProductivitySettings))

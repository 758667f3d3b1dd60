"""Strategic benchmarking settings: policing areas, their baskets of measures, suppression and KPIs."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.settings_base import Settings, describe, load, markdown_table, rule

# Every measure the benchmark can compute. `better` says which direction ranks first; `source` names
# the imported table it comes from; the method text is shown beside the figure.
MEASURES: dict[str, dict] = {
    "recorded_per_1000_officers": {
        "label": "Recorded crimes per 1,000 officers", "better": "lower", "unit": "per 1,000 FTE",
        "method": "Home Office recorded crimes of the area's offence subgroups in the financial year, "
                  "divided by officer FTE (latest date in the year) and multiplied by 1,000."},
    "positive_outcome_rate": {
        "label": "Positive-outcome rate", "better": "higher", "unit": "%",
        "method": "Street-level crimes of the area's crime types whose last outcome maps to a positive "
                  "outcome code (setting positive_outcomes), over crimes with a final outcome."},
    "stop_search_arrest_rate": {
        "label": "Stop and search arrest rate", "better": "higher", "unit": "%",
        "method": "Searches whose outcome is an arrest, over all searches in the year (data.police.uk)."},
    "use_of_force_per_officer": {
        "label": "Use-of-force incidents per officer", "better": "lower", "unit": "per FTE",
        "method": "Home Office use-of-force incidents in the financial year divided by officer FTE."},
    "asb_per_1000_officers": {
        "label": "Anti-social behaviour incidents per 1,000 officers", "better": "lower",
        "unit": "per 1,000 FTE",
        "method": "Anti-social behaviour rows in the street-level files divided by officer FTE, times 1,000."},
    "calls_answered_in_target": {
        "label": "Calls answered within target", "better": "higher", "unit": "%",
        "method": "Needs the force's own contact-centre data; no public source is imported yet."},
    "digital_contact_share": {
        "label": "Digital share of public contact", "better": "higher", "unit": "%",
        "method": "Needs the force's own contact data; no public source is imported yet."},
}

# Default areas: the four of the Policing Productivity Review proof of concept.
DEFAULT_AREAS = (
    ("burglary", "Burglary",
     ("recorded_per_1000_officers", "positive_outcome_rate", "stop_search_arrest_rate")),
    ("domestic_abuse", "Domestic abuse",
     ("recorded_per_1000_officers", "positive_outcome_rate", "use_of_force_per_officer")),
    ("public_contact", "Public contact",
     ("calls_answered_in_target", "digital_contact_share", "use_of_force_per_officer")),
    ("anti_social_behaviour", "Anti-social behaviour",
     ("asb_per_1000_officers", "recorded_per_1000_officers", "stop_search_arrest_rate")),
)

# Which Home Office offence subgroups and data.police.uk crime types count towards each area.
# Domestic abuse is not flagged in either public source, so violence is its documented proxy.
DEFAULT_AREA_OFFENCES = (
    ("burglary", ("Domestic burglary", "Non-domestic burglary"), ("Burglary",)),
    ("domestic_abuse", ("Violence with injury", "Violence without injury", "Stalking and harassment"),
     ("Violence and sexual offences",)),
    ("public_contact", (), ()),
    ("anti_social_behaviour", ("Public order offences",), ("Anti-social behaviour", "Public order")),
)


@dataclass(frozen=True)
class StrategicSettings(Settings):
    """The benchmarking rules in force; defaults are documented in docs/strategic.md."""

    LABEL = "strategic"

    areas: tuple[tuple[str, str, tuple[str, ...]], ...] = rule(
        DEFAULT_AREAS, "Policing areas benchmarked: (id, label, basket of measure ids); add an entry to "
                       "benchmark a new area.", "policy")
    area_offences: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = rule(
        DEFAULT_AREA_OFFENCES, "Per area: Home Office offence subgroups and data.police.uk crime types "
                               "that count towards it (domestic abuse uses violence as a proxy).", "policy")
    suppression_threshold: int = rule(
        10, "Counts below this are hidden on the public page ('fewer than 10'), so small numbers "
            "cannot point to individuals.", "policy", minimum=1)
    min_forces_to_rank: int = rule(
        3, "Fewest forces with data on a measure for it to count towards a rank.", "policy", minimum=2)
    quadrant_split: float = rule(
        0.5, "Share of ranked forces counted as the better half on each axis of the quadrant chart.", "policy")
    recommendation_limit: int = rule(
        8, "Most recommended tactics shown for a force in one area.", "policy", minimum=1)
    territorial_forces: int = rule(
        43, "Territorial police forces in England and Wales: the denominator of coverage "
            "('12 of 43 forces').", "official", minimum=1)
    home_force: str = rule(
        "", "Code of the force this deployment belongs to (e.g. 'merseyside'); empty means the one an "
            "administrator chose on the tab, else the organisation tree's force name if it matches, else the "
            "reader chooses.", "policy")
    own_area_categories: tuple[tuple[str, tuple[str, ...]], ...] = rule(
        (("burglary", ("residential burglary", "non-residential burglary")),
         ("domestic_abuse", ("domestic_abuse",)),
         ("anti_social_behaviour", ("public order", "ASB")),
         ("public_contact", ())),
        "Per area: which of the force's own crimes count in the BCU comparison: offence categories, "
        "'domestic_abuse' for the DA flag, 'ASB' for the ASB flag.", "policy")
    bcu_period_days: int = rule(
        365, "Days of the force's own crime records compared across BCUs.", "policy", minimum=1)
    pack_months: int = rule(
        6, "Months the monthly pack shows month on month (backlog, demand and overdue tasks), the current "
           "month to date last.", "policy", minimum=1)
    pack_fsu_rank_bands: tuple[int, ...] = rule(
        (10, 25, 50, 100), "Upper ends of the overall-rank bands the monthly pack counts frequent service "
                           "users in (1-10, 11-25, ...); anyone ranked below the last is counted past it.",
        "policy", minimum=1)

    def validate(self) -> None:
        """Every area described and every basket measure known; the quadrant split strictly inside (0, 1)."""
        if not self.areas:
            raise ValueError("setting areas: at least one area is needed")
        for area_id, label, basket in self.areas:
            unknown = [m for m in basket if m not in MEASURES]
            if not area_id or not label or unknown:
                raise ValueError(f"setting areas: {(area_id, label, basket)!r} needs [id, label, [measures from "
                                 f"{', '.join(MEASURES)}]]")
        if not all(entry[0] for entry in self.area_offences + self.own_area_categories):
            raise ValueError("settings area_offences and own_area_categories: every entry starts with an area id")
        if not 0 < self.quadrant_split < 1:
            raise ValueError("setting quadrant_split must be between 0 and 1")
        if list(self.pack_fsu_rank_bands) != sorted(set(self.pack_fsu_rank_bands)):
            raise ValueError("setting pack_fsu_rank_bands: rank band ends rise and do not repeat, e.g. [10, 25, 50]")

    def area_ids(self) -> tuple:
        return tuple(a[0] for a in self.areas)

    def area_label(self, area: str) -> str:
        return next((a[1] for a in self.areas if a[0] == area), area)

    def basket(self, area: str) -> tuple:
        return next((tuple(a[2]) for a in self.areas if a[0] == area), ())

    def own_categories(self, area: str) -> tuple:
        return next((tuple(c) for a, c in self.own_area_categories if a == area), ())

    def offences(self, area: str) -> tuple[tuple, tuple]:
        """(Home Office subgroups, police.uk crime types) counted towards area."""
        for a, subgroups, types in self.area_offences:
            if a == area:
                return tuple(subgroups), tuple(types)
        return (), ()


DEFAULT_STRATEGIC = StrategicSettings()


def load_strategic_settings(overrides: dict | None = None) -> StrategicSettings:
    """Defaults plus overrides; an unknown name or a bad value raises ValueError naming it."""
    return load(StrategicSettings, overrides)


def describe_strategic_settings(settings: StrategicSettings | None = None) -> list[dict]:
    """One dict per setting: name, default, value in force, display texts, doc and source."""
    return describe(settings or DEFAULT_STRATEGIC)


if __name__ == "__main__":
    print(markdown_table(StrategicSettings))

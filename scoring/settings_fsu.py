"""Frequent-service-user rule settings: the method's window, caps, normalisation and display rules."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.settings_base import Settings, describe, load, markdown_table, rule

NORMALISATIONS = ("cap", "minmax")


@dataclass(frozen=True)
class FsuSettings(Settings):
    """The frequent-service-user method as the West Midlands paper describes it, made explicit."""

    LABEL = "frequent-service-user"

    fsu_window_months: int = rule(
        12, "Months before the run date whose records count (paper section 5).", "policy", minimum=1)
    fsu_custody_hours_cap: int = rule(
        200, "Custody hours above this are set to it; negative durations are set to 0 (paper 5.1.1).",
        "policy", minimum=1)
    fsu_top_mean_n: int = rule(
        1000, "Each total is divided by the mean of its this-many largest non-zero values (all of them "
              "when fewer people have one).", "policy", minimum=1)
    fsu_normalisation: str = rule(
        "cap", "How a normalised total is put on [0, 1]: 'cap' (reading a: divide by the top mean, cap "
               "at 1, ties broken as documented) or 'minmax' (reading b: divide by the top mean, then "
               "divide by the largest result, which with a floor of 0 is dividing by the maximum).",
        "policy", choices=NORMALISATIONS)
    fsu_list_top_n: int = rule(
        100, "People taken from the top of each of the four metrics; the list is their distinct union.",
        "policy", minimum=1)
    fsu_priority_categories: tuple[str, ...] = rule(
        ("violence with injury", "robbery", "residential burglary", "possession of weapons",
         "rape", "homicide"),
        "Offence categories that count as priority crime types for the list's filter (force and local "
        "tasking choose them).", "policy")
    fsu_theme_keywords: tuple[tuple[str, str], ...] = rule(
        (("DA", "domestic"), ("MH", "mental health"), ("CSE", "sexual exploitation"),
         ("CA", "child abuse")),
        "Theme and a keyword that marks an investigation with it when its summary contains the keyword "
        "(crime flags DA, MH, CSE, CA and the domestic abuse marker count too).", "policy")
    fsu_source_urls: tuple[tuple[str, str], ...] = rule(
        (("crime", "https://connect.invalid/investigation/{ref}"),
         ("custody", "https://connect.invalid/custody/{ref}"),
         ("incident", "https://controlworks.invalid/log/{ref}"),
         ("missing", "https://compact.invalid/report/{ref}")),
        "URL template per source system; {ref} is replaced by the record reference (set these to the "
        "force's Connect, ControlWorks and Compact addresses).", "policy")


THEMES = ("DA", "MH", "CSE", "CA", "MISSING")
THEME_LABELS = {"DA": "Domestic abuse", "MH": "Mental health", "CSE": "Child sexual exploitation",
                "CA": "Child abuse", "MISSING": "Missing persons"}


def load_fsu_settings(overrides: dict | None = None) -> FsuSettings:
    """Defaults plus overrides; an unknown name or a bad value raises ValueError naming it."""
    return load(FsuSettings, overrides)


def describe_fsu_settings(settings: FsuSettings | None = None) -> list[dict]:
    """One dict per setting: name, default and value texts, doc and source."""
    return describe(settings or FsuSettings())


def source_url(settings: FsuSettings, system: str, ref: str) -> str | None:
    """The source-system address of one record, or None when no template is configured."""
    template = dict(settings.fsu_source_urls).get(system)
    return template.replace("{ref}", str(ref)) if template else None


if __name__ == "__main__":
    print(markdown_table(FsuSettings))

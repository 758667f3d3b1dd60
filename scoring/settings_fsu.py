"""Frequent-service-user rule settings: the method's window, caps, normalisation and display rules."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from scoring.settings import _display, _rule

NORMALISATIONS = ("cap", "minmax")


@dataclass(frozen=True)
class FsuSettings:
    """The frequent-service-user method as the West Midlands paper describes it, made explicit."""

    fsu_window_months: int = _rule(
        12, "Months before the run date whose records count (paper section 5).", "policy")
    fsu_custody_hours_cap: int = _rule(
        200, "Custody hours above this are set to it; negative durations are set to 0 (paper 5.1.1).",
        "policy")
    fsu_top_mean_n: int = _rule(
        1000, "Each total is divided by the mean of its this-many largest non-zero values (all of them "
              "when fewer people have one).", "policy")
    fsu_normalisation: str = _rule(
        "cap", "How a normalised total is put on [0, 1]: 'cap' (reading a: divide by the top mean, cap "
               "at 1, ties broken as documented) or 'minmax' (reading b: divide by the top mean, then "
               "divide by the largest result, which with a floor of 0 is dividing by the maximum).",
        "policy")
    fsu_list_top_n: int = _rule(
        100, "People taken from the top of each of the four metrics; the list is their distinct union.",
        "policy")
    fsu_priority_categories: tuple = _rule(
        ("violence with injury", "robbery", "residential burglary", "possession of weapons",
         "rape", "homicide"),
        "Offence categories that count as priority crime types for the list's filter (force and local "
        "tasking choose them).", "policy")
    fsu_theme_keywords: tuple = _rule(
        (("DA", "domestic"), ("MH", "mental health"), ("CSE", "sexual exploitation"),
         ("CA", "child abuse")),
        "Theme and a keyword that marks an investigation with it when its summary contains the keyword "
        "(crime flags DA, MH, CSE, CA and the domestic abuse marker count too).", "policy")
    fsu_source_urls: tuple = _rule(
        (("crime", "https://connect.invalid/investigation/{ref}"),
         ("custody", "https://connect.invalid/custody/{ref}"),
         ("incident", "https://controlworks.invalid/log/{ref}"),
         ("missing", "https://compact.invalid/report/{ref}")),
        "URL template per source system; {ref} is replaced by the record reference (set these to the "
        "force's Connect, ControlWorks and Compact addresses).", "policy")


THEMES = ("DA", "MH", "CSE", "CA", "MISSING")
THEME_LABELS = {"DA": "Domestic abuse", "MH": "Mental health", "CSE": "Child sexual exploitation",
                "CA": "Child abuse", "MISSING": "Missing persons"}
_FIELDS = {f.name: f for f in dataclasses.fields(FsuSettings)}


def _coerce(name: str, default: Any, value: Any) -> Any:
    """A rules-file value as the type of the setting's default."""
    try:
        if isinstance(default, int):
            if isinstance(value, bool) or int(value) != value or int(value) < 1:
                raise ValueError("must be a whole number >= 1")
            return int(value)
        if isinstance(default, str):
            if value not in NORMALISATIONS:
                raise ValueError(f"must be one of {', '.join(NORMALISATIONS)}")
            return value
        if name == "fsu_priority_categories":
            return tuple(str(v) for v in value)
        # Pairs come from JSON as objects {"theme": "keyword"} or as lists of pairs.
        items = value.items() if isinstance(value, dict) else value
        return tuple((str(a), str(b)) for a, b in items)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"setting {name}: cannot use {value!r} ({exc})") from None


def load_fsu_settings(overrides: dict | None = None) -> FsuSettings:
    """Defaults plus overrides; an unknown name or a bad value raises ValueError naming it."""
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(_FIELDS))
    if unknown:
        raise ValueError(f"unknown frequent-service-user setting(s): {', '.join(unknown)}")
    return FsuSettings(**{k: _coerce(k, _FIELDS[k].default, v) for k, v in overrides.items()})


def load_fsu_settings_file(path: str | None) -> FsuSettings:
    """Settings from a JSON rules file, or the defaults when path is empty."""
    if not path:
        return FsuSettings()
    with open(path, encoding="utf-8") as fh:
        return load_fsu_settings(json.load(fh))


def _text(value: Any) -> str:
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return "; ".join(f"{a}: {b}" for a, b in value)
    return _display(value)


def describe_fsu_settings(settings: FsuSettings | None = None) -> list[dict]:
    """One dict per setting: name, default and value texts, doc and source."""
    settings = settings or FsuSettings()
    return [{"name": f.name, "default_text": _text(f.default), "value_text": _text(getattr(settings, f.name)),
             "doc": f.metadata["doc"], "source": f.metadata["source"]} for f in dataclasses.fields(FsuSettings)]


def source_url(settings: FsuSettings, system: str, ref: str) -> str | None:
    """The source-system address of one record, or None when no template is configured."""
    template = dict(settings.fsu_source_urls).get(system)
    return template.replace("{ref}", str(ref)) if template else None


def markdown_table() -> str:
    """The settings as documentation table rows."""
    return "\n".join(f"| `{d['name']}` | {d['default_text']} | {d['source']} | {d['doc']} |"
                     for d in describe_fsu_settings())


if __name__ == "__main__":
    print(markdown_table())

"""A deployment's rules file: core rule settings at the top level, each capability's in its own section."""

# {"due_soon_days": 5,
#  "productivity": {"tutor_reduction": 0.15},
#  "frequent_service_users": {"fsu_list_top_n": 50},
#  "strategic": {"suppression_threshold": 5, "home_force": "merseyside"}}

from __future__ import annotations

import dataclasses
from typing import Any

from scoring.settings import RuleSettings, load_settings
from scoring.settings_fsu import FsuSettings, load_fsu_settings
from scoring.settings_productivity import ProductivitySettings
from scoring.settings_strategic import MEASURES, StrategicSettings

SECTIONS = ("productivity", "frequent_service_users", "strategic")


def _tuples(value: Any) -> Any:
    """JSON lists and objects as the nested tuples the settings hold ({"a": 1} -> (("a", 1),))."""
    if isinstance(value, dict):
        return tuple((k, _tuples(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_tuples(v) for v in value)
    return value


def _like(name: str, default: Any, value: Any) -> Any:
    """value as the type of the setting's default, or ValueError naming the setting."""
    try:
        if isinstance(default, bool) != isinstance(value, bool):
            raise ValueError("must be true or false" if isinstance(default, bool) else "not true or false")
        if isinstance(default, bool):
            return value
        if isinstance(default, int):
            if int(value) != value:
                raise ValueError("must be a whole number")
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, str):
            if not isinstance(value, str):
                raise ValueError("must be text")
            return value
        if isinstance(default, tuple):
            if not isinstance(value, (list, tuple, dict)):
                raise ValueError("must be a list")
            return _tuples(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"setting {name}: cannot use {value!r} ({exc})") from None
    return value


def _load(cls, section: str, overrides: dict | None):
    fields = {f.name: f for f in dataclasses.fields(cls)}
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise ValueError(f"unknown {section} setting(s): {', '.join(unknown)}")
    return cls(**{k: _like(k, fields[k].default, v) for k, v in overrides.items()})


def _text(value) -> bool:
    return isinstance(value, str) and bool(value)


def _texts(value) -> bool:
    """A list of names, not one name (a string would otherwise be read letter by letter)."""
    return isinstance(value, tuple) and all(_text(v) for v in value)


def load_productivity_settings(overrides: dict | None = None) -> ProductivitySettings:
    """Defaults plus overrides; an unknown name or a bad value raises ValueError naming it."""
    return _load(ProductivitySettings, "productivity", overrides)


def load_strategic_settings(overrides: dict | None = None) -> StrategicSettings:
    """Defaults plus overrides, checked: every basket measure must exist and every area be described."""
    settings = _load(StrategicSettings, "strategic", overrides)
    if not settings.areas:
        raise ValueError("strategic setting areas: at least one area is needed")
    for area in settings.areas:
        if not (len(area) == 3 and _text(area[0]) and _text(area[1]) and _texts(area[2])
                and all(m in MEASURES for m in area[2])):
            raise ValueError(f"strategic setting areas: {area!r} needs [id, label, [measures from "
                             f"{', '.join(MEASURES)}]]")
    for entry in settings.area_offences:
        if not (len(entry) == 3 and _text(entry[0]) and _texts(entry[1]) and _texts(entry[2])):
            raise ValueError(f"strategic setting area_offences: {entry!r} needs [area, [Home Office subgroups], "
                             "[data.police.uk crime types]]")
    for entry in settings.own_area_categories:
        if not (len(entry) == 2 and _text(entry[0]) and _texts(entry[1])):
            raise ValueError(f"strategic setting own_area_categories: {entry!r} needs [area, [categories]] "
                             "(or an object {area: [categories]})")
    if settings.suppression_threshold < 1 or settings.min_forces_to_rank < 2 or settings.bcu_period_days < 1:
        raise ValueError("strategic settings: suppression_threshold >= 1, min_forces_to_rank >= 2 and "
                         "bcu_period_days >= 1")
    if not 0 < settings.quadrant_split < 1:
        raise ValueError("strategic setting quadrant_split must be between 0 and 1")
    return settings


@dataclasses.dataclass(frozen=True)
class Rules:
    """Every capability's settings from one rules file (a section left out keeps its defaults)."""

    core: RuleSettings
    productivity: ProductivitySettings | None = None
    fsu: FsuSettings | None = None
    strategic: StrategicSettings | None = None


def load_rules(data: dict | None) -> Rules:
    """Split a rules file into its sections and load each; a mistake raises ValueError naming it."""
    data = dict(data or {})
    sections = {name: data.pop(name) for name in SECTIONS if name in data}
    for name, value in sections.items():
        if not isinstance(value, dict):
            raise ValueError(f"rules file section {name!r} must be an object of settings")
    return Rules(
        core=load_settings(data),
        productivity=load_productivity_settings(sections["productivity"]) if "productivity" in sections else None,
        fsu=load_fsu_settings(sections["frequent_service_users"]) if "frequent_service_users" in sections else None,
        strategic=load_strategic_settings(sections["strategic"]) if "strategic" in sections else None,
    )

"""A deployment's rules file: core rule settings at the top level, each capability's in its own section."""

# {"due_soon_days": 5,
#  "productivity": {"tutor_reduction": 0.15},
#  "frequent_service_users": {"fsu_list_top_n": 50},
#  "strategic": {"suppression_threshold": 5, "home_force": "merseyside"}}

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

from scoring.settings import RuleSettings
from scoring.settings_base import load
from scoring.settings_fsu import FsuSettings
from scoring.settings_productivity import ProductivitySettings
from scoring.settings_strategic import StrategicSettings

log = logging.getLogger(__name__)

# Settings a later release no longer reads: a file naming one still loads, with a warning.
RETIRED = {"worklist_row_limit": "the worklist grid now pages from the server, so it no longer caps the rows"}

# Section name in the file -> the settings class it holds.
SECTIONS = {"productivity": ProductivitySettings, "frequent_service_users": FsuSettings,
            "strategic": StrategicSettings}


@dataclasses.dataclass(frozen=True)
class Rules:
    """Every capability's settings from one rules file (a section left out keeps its defaults)."""

    core: RuleSettings
    productivity: ProductivitySettings | None = None
    fsu: FsuSettings | None = None
    strategic: StrategicSettings | None = None


def load_rules(data: dict | None) -> Rules:
    """Split a rules file into its sections and load each; a mistake raises ValueError naming it."""
    if not isinstance(data or {}, dict):
        raise ValueError("a rules file must hold one JSON object of settings")
    data = dict(data or {})
    for name in RETIRED.keys() & data.keys():
        data.pop(name)
        log.warning("rules file setting %s is retired and ignored: %s", name, RETIRED[name])
    sections = {name: data.pop(name) for name in SECTIONS if name in data}
    for name, value in sections.items():
        if not isinstance(value, dict):
            raise ValueError(f"rules file section {name!r} must be an object of settings")
    loaded = {name: load(SECTIONS[name], value) for name, value in sections.items()}
    return Rules(core=load(RuleSettings, data), productivity=loaded.get("productivity"),
                 fsu=loaded.get("frequent_service_users"), strategic=loaded.get("strategic"))


def read_rules_file(path: str | Path | None) -> Rules:
    """The rules in a JSON file, or every default when path is empty; ValueError names a mistake."""
    if not path:
        return load_rules(None)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"rules file {path}: not valid JSON ({exc})") from None
    return load_rules(data)

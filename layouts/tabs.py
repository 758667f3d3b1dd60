"""Which tabs exist, who sees each, and the function that builds each one's layout."""

from dataclasses import dataclass
from typing import Callable

from data_access.permissions import role_allows
from layouts import audit, daily_actions, demand
from layouts import strategic
from layouts import fsu
from layouts import productivity
from layouts import records
from layouts import usage


@dataclass(frozen=True)
class TabSpec:
    """One tab, shown to whoever the permissions table grants its action."""

    id: str
    label: str
    action: str
    layout: Callable


TAB_SPECS: list[TabSpec] = [
    TabSpec("daily-actions", "Daily actions", "worklist.read", daily_actions.layout),
    TabSpec("demand", "Demand and capacity", "demand.read", demand.layout),
    TabSpec("productivity", "Productivity and availability", "productivity.own", productivity.layout),
    TabSpec("fsu", "Frequent service users", "fsu.read", fsu.layout),
    TabSpec("strategic", "Strategic", "strategic.read", strategic.layout),
    TabSpec("usage", "Usage and adoption", "usage.read", usage.layout),
    TabSpec("records", "Force records", "records.load", records.layout),
    TabSpec("audit", "Audit log", "audit.read", audit.layout),
]
TAB_BY_ID = {t.id: t for t in TAB_SPECS}


def tabs_for(actor) -> tuple:
    """Tab ids for an actor, in display order; an unknown role with no permission sees none."""
    return tuple(t.id for t in TAB_SPECS if role_allows(actor, t.action))

"""Which tabs exist, who sees each, and the function that builds each one's layout."""

from dataclasses import dataclass
from typing import Callable

from layouts import audit, daily_actions, demand
from layouts import strategic
from layouts import fsu
from layouts import productivity

ALL_ROLES = ("officer", "staff", "supervisor", "inspector", "senior_leader", "analyst", "administrator")


@dataclass(frozen=True)
class TabSpec:
    """One tab: shown to the listed roles, and to anyone holding the named Actor permission."""

    id: str
    label: str
    roles: tuple
    layout: Callable
    permission: str | None = None


TAB_SPECS: list[TabSpec] = [
    TabSpec("daily-actions", "Daily actions", ALL_ROLES, daily_actions.layout),
    TabSpec("demand", "Demand and capacity",
            ("supervisor", "inspector", "senior_leader", "analyst", "administrator"), demand.layout),
    # [productivity tab]
    TabSpec("productivity", "Productivity and availability", ALL_ROLES, productivity.layout),
    # [fsu tab]
    TabSpec("fsu", "Frequent service users", (), fsu.layout, permission="can_view_fsu"),
    # [strategic tab]
    TabSpec("strategic", "Strategic", ("senior_leader", "analyst", "administrator"), strategic.layout),
    TabSpec("audit", "Audit log", ("administrator",), audit.layout),
]
TAB_BY_ID = {t.id: t for t in TAB_SPECS}


def tabs_for(actor) -> tuple:
    """Tab ids for an actor, in display order; an unknown role with no permission sees none."""
    return tuple(t.id for t in TAB_SPECS
                 if actor.role in t.roles or (t.permission and getattr(actor, t.permission, False)))

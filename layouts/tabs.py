"""Which tabs each role sees."""

TAB_LABELS = {
    "daily-actions": "Daily actions",
    "demand": "Demand and capacity",
    "audit": "Audit log",
}

TABS_BY_ROLE = {
    "officer": ("daily-actions",),
    "staff": ("daily-actions",),
    "supervisor": ("daily-actions", "demand"),
    "inspector": ("daily-actions", "demand"),
    "senior_leader": ("daily-actions", "demand"),
    "analyst": ("daily-actions", "demand"),
    "administrator": ("daily-actions", "demand", "audit"),
}


# Tabs granted by a named permission rather than a role: (tab id, Actor attribute that grants it).
TABS_BY_PERMISSION: list[tuple[str, str]] = []


def tabs_for(actor) -> tuple:
    """Tab ids for an actor: those of their role, then those their permissions grant."""
    tabs = list(TABS_BY_ROLE.get(actor.role, ()))
    tabs += [tab for tab, attr in TABS_BY_PERMISSION if getattr(actor, attr, False) and tab not in tabs]
    return tuple(tabs)

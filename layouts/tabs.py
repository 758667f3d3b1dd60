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


def tabs_for(role: str) -> tuple:
    """Tab ids for a role; an unknown role sees none."""
    return TABS_BY_ROLE.get(role, ())

"""The logged-in user as data_access sees it."""

from dataclasses import dataclass

ROLES = (
    "officer",
    "supervisor",
    "inspector",
    "senior_leader",
    "analyst",
    "staff",
    "administrator",
)


@dataclass(frozen=True)
class Actor:
    """Who is asking: identity, role and where their scope hangs from the organisation tree."""

    user_id: int
    username: str
    role: str
    officer_id: int | None
    scope_unit_id: int | None
    can_view_fsu: bool = False
    display_name: str = ""
    rank: str = ""

    @property
    def audit_name(self) -> str:
        return f"{self.username}#{self.user_id}"

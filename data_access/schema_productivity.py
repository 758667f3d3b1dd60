"""Tables for productivity and availability that the core schema lacks."""

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text

from data_access.schema import custody, metadata, shift

# Officer activity recorded outside command and control and custody: stop and search, use of force
# and intelligence reports (PIRs). One row per event; arrests come from custody, attendance and
# visibility from deployments.
officer_activity = Table(
    "officer_activity",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("officer_id", Integer, ForeignKey("officer.id"), nullable=False),
    Column("kind", String(24), nullable=False),  # stop_search | use_of_force | pir
    Column("occurred_at", DateTime, nullable=False),
    Column("force_id", Integer, nullable=False),
    Column("bcu_id", Integer, nullable=True),
)
Index("ix_activity_officer_at", officer_activity.c.officer_id, officer_activity.c.occurred_at)
Index("ix_activity_force_at", officer_activity.c.force_id, officer_activity.c.occurred_at)

# Restricted or recuperative duties (leave.kind 'restricted' is read as well, as restricted duties).
duty_restriction = Table(
    "duty_restriction",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("officer_id", Integer, ForeignKey("officer.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # restricted | recuperative
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=True),  # None: open-ended
    Column("force_id", Integer, nullable=False),
)
Index("ix_restriction_officer", duty_restriction.c.officer_id)

# Professional-standards (PSD) matters; only whether one is open is used, never its detail.
psd_matter = Table(
    "psd_matter",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("officer_id", Integer, ForeignKey("officer.id"), nullable=False),
    Column("category", String(24), nullable=False),  # performance | misconduct | gross_misconduct
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("force_id", Integer, nullable=False),
)
Index("ix_psd_officer", psd_matter.c.officer_id)

# Core skills held (independent patrol, statement taking, ...); expires_on None means no expiry.
core_skill = Table(
    "core_skill",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("officer_id", Integer, ForeignKey("officer.id"), nullable=False),
    Column("skill", String(60), nullable=False),
    Column("achieved_on", Date, nullable=False),
    Column("expires_on", Date, nullable=True),
    Column("force_id", Integer, nullable=False),
)
Index("ix_core_skill_officer", core_skill.c.officer_id)

# Funded posts per team from a date, for the vacancy rate (establishment against strength).
team_establishment = Table(
    "team_establishment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("team_id", Integer, ForeignKey("org_unit.id"), nullable=False),
    Column("posts", Integer, nullable=False),
    Column("from_date", Date, nullable=False),
    Column("force_id", Integer, nullable=False),
)
Index("ix_establishment_team", team_establishment.c.team_id, team_establishment.c.from_date)

# An officer saying a figure is wrong, and the line manager's or an administrator's answer.
figure_feedback = Table(
    "figure_feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("officer_id", Integer, ForeignKey("officer.id"), nullable=False),
    Column("metric", String(40), nullable=False),
    Column("period", String(40), nullable=False),
    Column("message", Text, nullable=False),
    Column("status", String(12), nullable=False),  # open | accepted | rejected
    Column("reason", Text, nullable=True),
    Column("created_by", Integer, nullable=False),  # user_account id
    Column("created_at", DateTime, nullable=False),
    Column("handled_by", Integer, nullable=True),  # user_account id
    Column("handled_at", DateTime, nullable=True),
    Column("force_id", Integer, nullable=False),
)
Index("ix_feedback_officer_status", figure_feedback.c.officer_id, figure_feedback.c.status)
Index("ix_feedback_status", figure_feedback.c.status, figure_feedback.c.created_at)

# Arrests are counted per arresting officer and rosters read per officer; the core schema indexes
# custody by crime and shifts by team only.
CORE_INDEXES = (
    Index("ix_custody_arresting_officer", custody.c.arresting_officer_id, custody.c.arrived_at),
    Index("ix_shift_officer_start", shift.c.officer_id, shift.c.starts_at),
)


def ensure_core_indexes(engine) -> None:
    """Create the indexes above on a database whose core tables predate them (create_all skips them)."""
    for index in CORE_INDEXES:
        index.create(engine, checkfirst=True)

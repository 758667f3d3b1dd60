"""Monthly packs kept as PDF: one row per month, made by the scheduled job and listed for download."""

from sqlalchemy import Boolean, Column, DateTime, Integer, LargeBinary, String, Table, Text

from data_access.schema import metadata

monthly_pack = Table(
    "monthly_pack",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("month", String(7), nullable=False, unique=True),  # YYYY-MM, the month the pack opens
    Column("title", String(200), nullable=False),
    Column("generated_at", DateTime, nullable=False),
    Column("generated_by", String(60), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    # Kept in the database, so every host behind the same database serves the same packs.
    Column("pdf", LargeBinary, nullable=False),
    # Made by a reader holding the FSU permission, so it carries the FSU counts: only such readers download it.
    # Nullable so an existing database gains it; a pack from before it holds none.
    Column("includes_fsu", Boolean, nullable=True),
    # The teams its backlog and overdue tables cover (JSON list of ids; the maker's scope): a reader downloads it
    # only when they may read every one of them. Nullable so an existing database gains it.
    Column("team_ids", Text, nullable=True),
)

"""Ingest tables: which Beacon row each source record became, the history of loads, and quarantined rows."""

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, UniqueConstraint

from data_access.schema import metadata

# One row per source record Beacon holds: the source's own key (its record id, or key columns joined with
# '|') -> the Beacon row it became, with what the next load compares against to tell an unchanged record.
source_key = Table(
    "source_key",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity", String(32), nullable=False),  # the contract's source table: crimes, parties, ...
    Column("source_key", String(200), nullable=False),
    Column("beacon_id", Integer, nullable=False),
    Column("change_marker", String(64), nullable=True),  # the source's last-modified stamp or version, if given
    Column("content_hash", String(32), nullable=False),  # of the mapped values, for sources with no marker
    Column("batch_id", Integer, nullable=False),  # the source_load that last wrote it
    UniqueConstraint("entity", "source_key", name="uq_source_key_entity_key"),
)
Index("ix_source_key_entity_beacon", source_key.c.entity, source_key.c.beacon_id)

# One row per load (or dry-run validation) of one extract; counts is JSON: table -> read, inserted, updated,
# unchanged, deleted, quarantined.
source_load = Table(
    "source_load",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    Column("status", String(12), nullable=False),  # running | loaded | failed | validated
    Column("mapping", String(80), nullable=False),
    Column("source", String(255), nullable=False),  # folder or database (without its password)
    Column("started_by", String(60), nullable=True),
    Column("counts", Text, nullable=True),
    Column("message", Text, nullable=True),
)

source_quarantine = Table(
    "source_quarantine",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("load_id", Integer, nullable=False),
    Column("source_table", String(32), nullable=False),
    Column("file", String(255), nullable=False),
    Column("line", Integer, nullable=True),  # the file's line (CSV) or row number (Parquet, staging table)
    Column("reason", String(255), nullable=False),
    Column("raw_row", Text, nullable=True),
)
Index("ix_source_quarantine_load", source_quarantine.c.load_id)

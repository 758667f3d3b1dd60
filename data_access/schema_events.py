"""Investigation events: the facts the task engine reads, from the force's records system or from Beacon."""

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from data_access.schema import metadata

# One row per thing that happened on an investigation (an allocation, a log entry, a supervisor review,
# a victim contact, an arrest, a bail decision, a charge...). The kinds are scoring.events.EVENT_KINDS.
# origin 'source' rows come from the force's extract, keyed by source_ref; origin 'beacon' rows are
# completions made in Beacon, kept until the source shows them (reconciliation says which).
crime_event = Table(
    "crime_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crime_id", Integer, ForeignKey("crime.id"), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("at", DateTime, nullable=False),
    # The suspect or victim the event concerns (arrest, bail, naming, failure to surrender).
    Column("person_id", Integer, nullable=True),
    # Who did it (the reviewing sergeant, the officer who made the contact, who authorised bail).
    Column("officer_id", Integer, nullable=True),
    Column("officer_rank", String(12), nullable=True),
    Column("stage", String(24), nullable=True),  # bail stage granted or extended to
    Column("ends_on", Date, nullable=True),  # bail end date a court set
    Column("value", Integer, nullable=True),  # agreed victim contact frequency, in days
    Column("rule_id", String(24), nullable=True),  # the data-quality rule a CDI check answers
    Column("detail", String(240), nullable=True),
    Column("origin", String(8), nullable=False),  # source | beacon
    Column("source_ref", String(64), nullable=True),
    # For Beacon completions: pending (not yet in the source) | confirmed | contradicted.
    Column("reconciliation", String(16), nullable=True),
    Column("matched_event_id", Integer, nullable=True),
    Column("recorded_at", DateTime, nullable=False),
    UniqueConstraint("origin", "source_ref", name="uq_crime_event_source_ref"),
)
Index("ix_crime_event_crime_at", crime_event.c.crime_id, crime_event.c.at)
Index("ix_crime_event_recon", crime_event.c.origin, crime_event.c.reconciliation)

"""Tables for strategic benchmarking: imported public data, costs, tactics, and import bookkeeping."""

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Index, Integer, String, Table, Text, UniqueConstraint

from data_access.schema import metadata

# Territorial forces (filled from data_access.forces on first use); code is the key everywhere.
bench_force = Table(
    "bench_force", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(80), nullable=False),
    Column("region", String(40), nullable=False),
)

# One row per import attempt that read a file; the file hash stops a second load of the same file.
import_batch = Table(
    "import_batch", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(24), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("file_hash", String(64), nullable=False),
    # loading (rows being written, seen by no reader) | loaded | rejected | removed | discarding (a load that
    # did not finish, its rows being deleted) | failed (its rows deleted). Readers take rows of loaded batches only.
    Column("status", String(16), nullable=False),
    Column("message", Text, nullable=True),
    Column("rows_read", Integer, nullable=False, default=0),
    Column("rows_loaded", Integer, nullable=False, default=0),
    Column("rows_quarantined", Integer, nullable=False, default=0),
    Column("rows_duplicated", Integer, nullable=False, default=0),
    Column("detail", Text, nullable=True),  # JSON: unknown labels and force names with counts
    Column("imported_by", String(60), nullable=True),
    # When it finished; while loading, the heartbeat each batch moves on (a stale one was cut off).
    Column("imported_at", DateTime, nullable=False),
    # True only for the demo generator's made-up figures; every screen showing them says so.
    Column("synthetic", Boolean, nullable=False, default=False),
)
Index("ix_import_batch_hash", import_batch.c.file_hash, import_batch.c.kind)

import_quarantine = Table(
    "import_quarantine", metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("line_number", Integer, nullable=False),
    Column("reason", String(255), nullable=False),
    Column("raw_row", Text, nullable=True),
)
Index("ix_quarantine_batch", import_quarantine.c.batch_id, import_quarantine.c.line_number)


def _keyed(name: str, *columns) -> Table:
    """A benchmark table with its batch, force and a unique row key (re-imports find their rows)."""
    return Table(name, metadata,
                 Column("id", Integer, primary_key=True),
                 Column("batch_id", Integer, nullable=False),
                 Column("force_code", String(40), nullable=False),
                 Column("row_key", String(64), nullable=False),
                 *columns,
                 UniqueConstraint("row_key", name=f"uq_{name}_key"))


bench_street_crime = _keyed(
    "bench_street_crime",
    Column("month", String(7), nullable=False),
    Column("fin_year", String(7), nullable=False),
    Column("crime_id", String(80), nullable=True),
    Column("crime_type", String(80), nullable=False),
    Column("outcome_label", String(120), nullable=True),
    Column("outcome_code", Integer, nullable=True),
    Column("outcome_group", String(24), nullable=True),
    Column("lsoa_code", String(12), nullable=True),
    Column("longitude", Float, nullable=True),
    Column("latitude", Float, nullable=True),
)
# Covers the one aggregate the benchmark reads, loaded batches only, so it never touches the table itself;
# batch first, so a batch's rows are also found (and deleted) without a scan.
Index("ix_street_agg_batch", bench_street_crime.c.batch_id, bench_street_crime.c.force_code,
      bench_street_crime.c.fin_year, bench_street_crime.c.month, bench_street_crime.c.crime_type,
      bench_street_crime.c.outcome_code)
Index("ix_street_crime_id", bench_street_crime.c.crime_id)

bench_outcome = _keyed(
    "bench_outcome",
    Column("month", String(7), nullable=False),
    Column("fin_year", String(7), nullable=False),
    Column("crime_id", String(80), nullable=False),
    Column("outcome_label", String(120), nullable=False),
    Column("outcome_code", Integer, nullable=True),
    Column("outcome_group", String(24), nullable=True),
)
Index("ix_outcome_force_year", bench_outcome.c.force_code, bench_outcome.c.fin_year)
Index("ix_outcome_crime", bench_outcome.c.crime_id, bench_outcome.c.month)
Index("ix_outcome_batch", bench_outcome.c.batch_id)

# Stop and search: only what the measures need; the searched person's description is not kept.
bench_stop_search = _keyed(
    "bench_stop_search",
    Column("month", String(7), nullable=False),
    Column("fin_year", String(7), nullable=False),
    Column("occurred_at", DateTime, nullable=False),
    Column("search_type", String(60), nullable=False),
    Column("object_of_search", String(120), nullable=True),
    Column("outcome", String(120), nullable=True),
    Column("arrest", Boolean, nullable=False),
)
Index("ix_sas_force_year", bench_stop_search.c.force_code, bench_stop_search.c.fin_year)
Index("ix_sas_batch", bench_stop_search.c.batch_id)

bench_recorded_crime = _keyed(
    "bench_recorded_crime",
    Column("fin_year", String(7), nullable=False),
    Column("quarter", Integer, nullable=False),
    Column("offence_code", String(40), nullable=False),
    Column("offence_description", String(160), nullable=False),
    Column("offence_group", String(80), nullable=False),
    Column("offence_subgroup", String(80), nullable=False),
    Column("offences", Integer, nullable=False),
)
Index("ix_prc_force_year", bench_recorded_crime.c.force_code, bench_recorded_crime.c.fin_year)
Index("ix_prc_batch", bench_recorded_crime.c.batch_id)

bench_workforce = _keyed(
    "bench_workforce",
    Column("as_at", Date, nullable=False),
    Column("fin_year", String(7), nullable=False),
    Column("officer_fte", Float, nullable=False),
)
Index("ix_workforce_force_year", bench_workforce.c.force_code, bench_workforce.c.fin_year)

bench_use_of_force = _keyed(
    "bench_use_of_force",
    Column("fin_year", String(7), nullable=False),
    Column("incidents", Integer, nullable=False),
)

# Cost per force per area per financial year (pounds); synthetic rows come only from the demo generator.
bench_cost = _keyed(
    "bench_cost",
    Column("area", String(40), nullable=False),
    Column("fin_year", String(7), nullable=False),
    Column("cost_gbp", Float, nullable=False),
    Column("synthetic", Boolean, nullable=False, default=False),
)

# Tactics each force uses per area (model processes); editable by administrators.
bench_tactic = _keyed(
    "bench_tactic",
    Column("area", String(40), nullable=False),
    Column("tactic", String(160), nullable=False),
    Column("in_use", Boolean, nullable=False, default=True),
    Column("note", String(255), nullable=True),
)
Index("ix_tactic_area", bench_tactic.c.area, bench_tactic.c.force_code)

IMPORTED_TABLES = (bench_street_crime, bench_outcome, bench_stop_search, bench_recorded_crime,
                   bench_workforce, bench_use_of_force, bench_cost, bench_tactic)

"""Importers of public benchmark data: one kind per source, each a command line and an admin upload.

import_file(store, actor, kind, data, file_name) parses every row, quarantines bad ones with line
number and reason, loads the good ones (in short transactions that readers see only once all are
written, see loading.py) and returns the counts.
"""

import csv
from pathlib import Path

from data_access.importers import home_office, local_tables, police_uk
from data_access.importers.base import LayoutError, check_admin, decode, file_hash
from data_access.importers.loading import (
    already_imported,
    duplicate_file_report,
    file_name_problem,
    load,
    recorded_name,
    reject,
)
from data_access.schema_strategic import (
    bench_cost,
    bench_outcome,
    bench_recorded_crime,
    bench_stop_search,
    bench_street_crime,
    bench_tactic,
    bench_use_of_force,
    bench_workforce,
)
from scoring.settings_strategic import DEFAULT_STRATEGIC

# kind -> (table, parser taking text (or bytes for a workbook), description for people)
KINDS = {
    "street": (bench_street_crime, police_uk.parse_street, "data.police.uk street-level crimes (CSV)"),
    "outcomes": (bench_outcome, police_uk.parse_outcomes, "data.police.uk outcomes (CSV)"),
    "stop-search": (bench_stop_search, police_uk.parse_stop_search, "data.police.uk stop and search (CSV)"),
    "recorded-crime": (bench_recorded_crime, home_office.parse_recorded_crime,
                       "Home Office police recorded crime by force (CSV)"),
    "workforce": (bench_workforce, home_office.parse_workforce_csv, "Home Office officer FTE by force (CSV or ODS)"),
    "use-of-force": (bench_use_of_force, home_office.parse_use_of_force, "Home Office use-of-force incidents (CSV)"),
    "costs": (bench_cost, local_tables.parse_costs, "Cost per force, area and financial year (CSV)"),
    "tactics": (bench_tactic, local_tables.parse_tactics, "Tactics each force uses per area (CSV)"),
}


def _parse(kind: str, data: bytes, file_name: str, options: dict):
    _, parser, _ = KINDS[kind]
    if kind == "workforce" and (file_name.lower().endswith(".ods") or data[:2] == b"PK"):
        return home_office.parse_workforce_ods(data, file_name)
    text = decode(data)
    if kind == "stop-search":
        return parser(text, file_name, force=options.get("force"))
    if kind == "use-of-force":
        return parser(text, file_name, year=options.get("year"))
    if kind in ("costs", "tactics"):
        return parser(text, file_name, areas=options.get("areas"))
    return parser(text, file_name)


def import_file(store, actor, kind: str, data: bytes, file_name: str, progress=None, **options) -> dict:
    """Import one file of the given kind; returns rows read, loaded, quarantined and duplicated."""
    check_admin(actor)
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; choose one of {', '.join(KINDS)}")
    file_name = Path(file_name).name
    digest = file_hash(data)
    problem = file_name_problem(file_name)
    if problem:
        # Refused before anything else: the name goes into the history, which keeps at most 255 characters.
        return reject(store, actor, kind, recorded_name(file_name), digest, problem)
    earlier = already_imported(store, kind, digest)
    if earlier:
        return duplicate_file_report(kind, file_name, earlier)
    if progress:
        progress(0.1, "reading")
    # The areas in force are the rules file's: an area it adds takes costs and tactics rows.
    options.setdefault("areas", (getattr(store, "strategic", None) or DEFAULT_STRATEGIC).area_ids())
    try:
        parsed = _parse(kind, data, file_name, options)
    except LayoutError as exc:
        return reject(store, actor, kind, file_name, digest, str(exc))
    except csv.Error as exc:
        return reject(store, actor, kind, file_name, digest, f"the file is not valid CSV ({exc})")
    if not parsed.lines:
        return reject(store, actor, kind, file_name, digest, "the file has a header but no data rows")
    if progress:
        progress(0.5, f"checked {len(parsed.lines):,} rows")
    report = load(store, actor, kind, KINDS[kind][0], file_name, digest, parsed, progress)
    if progress:
        progress(1.0, "done")
    return report


def import_path(store, actor, kind: str, path, **options) -> dict:
    """import_file for a file on disk."""
    path = Path(path)
    return import_file(store, actor, kind, path.read_bytes(), path.name, **options)

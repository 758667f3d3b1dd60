"""Command line: load a force's extract through a mapping file, check one without loading, or list loads.

    python -m data_access.ingest validate --mapping M --source DIR|postgresql://... [--report FILE.csv]
    python -m data_access.ingest load --mapping M --source DIR|postgresql://... [--report FILE.csv]
    python -m data_access.ingest loads [--limit N]

The configuration is the app's (config.from_env: DATABASE_URL, BEACON_DATA_DIR, BEACON_CACHE_DIR,
BEACON_RULES_FILE, BEACON_TODAY); --database-url and --cache-dir override it. Exit status: 0 done,
1 the load failed (nothing of it kept), 2 the mapping file is not valid.
"""

from __future__ import annotations

import argparse
import csv
import sys

from data_access.cli import add_store_options, store_from_args
from data_access.ingest.loader import COUNT_KEYS, load_extract, recent_loads
from data_access.ingest.mapping import MappingError, read_mapping
from data_access.permissions import SYSTEM

REPORT_COLUMNS = ("source_table", "file", "line", "reason", "raw_row")


def _counts_table(counts: dict) -> str:
    lines = [f"{'table':<14}" + "".join(f"{k:>12}" for k in COUNT_KEYS)]
    for name, c in counts.items():
        lines.append(f"{name:<14}" + "".join(f"{c[k]:>12,}" for k in COUNT_KEYS))
    return "\n".join(lines)


def write_report(path: str, quarantined: list) -> None:
    """The quarantined rows as CSV (UTF-8): table, file, line, reason and the row as read."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=REPORT_COLUMNS)
        writer.writeheader()
        writer.writerows({k: q.get(k) for k in REPORT_COLUMNS} for q in quarantined)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m data_access.ingest", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    for name, helptext in (("validate", "check an extract and report; write nothing to Beacon's tables"),
                           ("load", "load an extract in one transaction")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--mapping", required=True, help="mapping file (YAML or JSON), e.g. mappings/niche-style.yaml")
        p.add_argument("--source", required=True, help="extract folder, or postgresql://... for staging tables")
        p.add_argument("--report", default=None, help="write the quarantined rows to this CSV file")
    p = sub.add_parser("loads", help="list recent loads with their counts")
    p.add_argument("--limit", type=int, default=20)
    for p in sub.choices.values():
        add_store_options(p)
    args = ap.parse_args(argv)
    if args.command in ("validate", "load"):
        try:
            mapping = read_mapping(args.mapping)
        except MappingError as exc:
            print(f"mapping not valid: {exc}", file=sys.stderr)
            return 2
    store = store_from_args(args)
    if args.command == "loads":
        for load in recent_loads(store, args.limit):
            print(f"#{load['id']} {load['status']:<9} {load['mapping']} from {load['source']} started "
                  f"{load['started_at']:%Y-%m-%d %H:%M:%S}: {(load['message'] or '').splitlines()[0] if load['message'] else ''}")
        return 0
    result = load_extract(store, mapping, args.source, SYSTEM, dry_run=args.command == "validate")
    print(f"load #{result.load_id} {result.status}: {result.message}")
    if result.counts:
        print(_counts_table(result.counts))
    if args.report:
        write_report(args.report, result.quarantined)
        print(f"quarantine report: {args.report} ({len(result.quarantined):,} rows)")
    if result.status == "loaded" and result.derived:
        d = result.derived
        print(f"tasks of {d['crimes']:,} changed crimes re-derived: {d['inserted']:,} new, {d['updated']:,} changed, "
              f"{d['deleted']:,} no longer owed")
    if result.reconciled:
        print("Beacon completions settled: " + ", ".join(f"{n} {state}" for state, n in result.reconciled.items()))
    return 1 if result.status == "failed" else 0


if __name__ == "__main__":
    sys.exit(main())

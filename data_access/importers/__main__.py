"""Command line: python -m data_access.importers <kind> <file>... [--database-url URL].

The configuration is the app's (config.from_env: DATABASE_URL, BEACON_DATA_DIR, BEACON_RULES_FILE,
BEACON_TODAY ...); --database-url overrides it.
"""

import argparse
import sys

from data_access.cli import add_store_options, store_from_args
from data_access.importers import KINDS, import_path
from data_access.permissions import SYSTEM


def _line(report: dict) -> str:
    text = (f"{report['file_name']}: {report['status']}; read {report['rows_read']:,}, loaded "
            f"{report['rows_loaded']:,}, quarantined {report['rows_quarantined']:,}, duplicated "
            f"{report['rows_duplicated']:,}")
    if report["message"]:
        text += f"\n  {report['message']}"
    for reason, n in sorted(report["reasons"].items()):
        text += f"\n  quarantined {n:,}: {reason}"
    for kind, counts in report["notes"].items():
        if kind.startswith("unknown"):
            text += f"\n  {kind.replace('_', ' ')}: " + ", ".join(f"{k!r} x{v}" for k, v in counts.items())
    return text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m data_access.importers",
                                 description="Import public benchmark data into Beacon.")
    ap.add_argument("kind", choices=sorted(KINDS), help="which source the files come from")
    ap.add_argument("files", nargs="+")
    add_store_options(ap, cache=False)
    ap.add_argument("--force", default=None, help="stop-search: force name when the file name has none")
    ap.add_argument("--year", default=None, help="use-of-force: financial year, e.g. 2017/18")
    args = ap.parse_args(argv)
    store = store_from_args(args)
    failed = False
    for path in args.files:
        report = import_path(store, SYSTEM, args.kind, path, force=args.force, year=args.year)
        print(_line(report))
        failed |= report["status"] == "rejected"
    from data_access.strategic import warm_cache  # late: the reads import this package's helpers

    warm_cache(store)  # so the first reader of the Strategic tab does not wait
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

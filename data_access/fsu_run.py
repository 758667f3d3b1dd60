"""Command line for a scheduler: run the frequent-service-user refresh as a named account.

    python -m data_access.fsu_run --as USERNAME [--database-url URL] [--cache-dir DIR] [--run-date YYYY-MM-DD]

The configuration is the app's (config.from_env: DATABASE_URL, BEACON_DATA_DIR, BEACON_CACHE_DIR,
BEACON_RULES_FILE, BEACON_TODAY), so a scheduled run ranks exactly as a refresh on screen would;
the options override it.
"""

import argparse
import sys
from datetime import date

from data_access.cli import add_store_options, named_actor, store_from_args
from data_access.errors import AccessDenied, BadRequest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m data_access.fsu_run", description=__doc__.splitlines()[0])
    ap.add_argument("--as", dest="username", required=True, help="account holding the FSU permission")
    add_store_options(ap)
    ap.add_argument("--run-date", type=date.fromisoformat, default=None, help="default: today (BEACON_TODAY)")
    args = ap.parse_args(argv)
    store = store_from_args(args)
    actor = named_actor(store, args.username)
    if actor is None:
        return 2
    from data_access import fsu

    def progress(pct, label):
        print(f"{pct:3d}% {label}", file=sys.stderr)

    try:
        result = fsu.run_now(store, actor, progress, run_date=args.run_date)
    except (AccessDenied, BadRequest) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    print(result)
    return 0 if result["status"] == "succeeded" else 1


if __name__ == "__main__":
    raise SystemExit(main())

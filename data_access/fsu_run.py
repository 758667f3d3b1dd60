"""Command line for a scheduler: run the frequent-service-user refresh as a named account.

    python -m data_access.fsu_run --as USERNAME [--database-url URL] [--run-date YYYY-MM-DD]
"""

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import select

from data_access.accounts import load_actor
from data_access.errors import AccessDenied, BadRequest
from data_access.generate import DEFAULT_DATABASE_URL
from data_access.schema import user_account
from data_access.store import open_store


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m data_access.fsu_run", description=__doc__.splitlines()[0])
    ap.add_argument("--as", dest="username", required=True, help="account holding the FSU permission")
    ap.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    ap.add_argument("--cache-dir", default=os.environ.get("BEACON_CACHE_DIR") or str(Path("instance") / "cache"))
    ap.add_argument("--run-date", type=date.fromisoformat, default=None, help="default: today")
    args = ap.parse_args(argv)
    store = open_store(args.database_url, args.cache_dir)
    with store.engine.connect() as conn:
        uid = conn.execute(select(user_account.c.id).where(user_account.c.username == args.username.lower())).scalar()
    actor = load_actor(store, uid) if uid is not None else None
    if actor is None:
        print(f"no active account {args.username!r}", file=sys.stderr)
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

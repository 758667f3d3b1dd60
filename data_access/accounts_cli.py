"""Command line for account administration: stop or restart an account, ending its sessions.

    python -m data_access.accounts_cli deactivate USERNAME
    python -m data_access.accounts_cli activate USERNAME

The configuration is the app's (config.from_env: DATABASE_URL, BEACON_DATA_DIR, ...). Either command
ends every session the account has, and the audit log records it as done by the system account.
"""

import argparse
import sys

from config import from_env
from data_access.accounts import set_account_active
from data_access.errors import NotFound
from data_access.permissions import SYSTEM
from data_access.store import open_store_from


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m data_access.accounts_cli", description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["activate", "deactivate"])
    ap.add_argument("username")
    args = ap.parse_args(argv)
    store = open_store_from(from_env())
    try:
        set_account_active(store, SYSTEM, args.username, args.command == "activate")
    except NotFound as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"{args.username}: {args.command}d; its sessions have ended")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

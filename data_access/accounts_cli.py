"""Command line for account administration: create an account, or stop or restart one, ending its sessions.

    python -m data_access.accounts_cli create USERNAME --role officer --collar 4521   (password read from stdin)
    python -m data_access.accounts_cli deactivate USERNAME
    python -m data_access.accounts_cli activate USERNAME

The configuration is the app's (config.from_env: DATABASE_URL, BEACON_DATA_DIR, ...). Either command
ends every session the account has, and the audit log records it as done by the system account.
"""

import argparse
import sys

from config import from_env
from data_access.accounts import ROLES, create_account, set_account_active
from data_access.errors import BadRequest, NotFound
from data_access.permissions import SYSTEM
from data_access.store import open_store_from


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m data_access.accounts_cli", description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["create", "activate", "deactivate"])
    ap.add_argument("username")
    ap.add_argument("--role", choices=ROLES, help="create: the account's role")
    ap.add_argument("--collar", help="create: the collar number of the loaded officer it belongs to")
    ap.add_argument("--fsu", action="store_true", help="create: may see frequent-service-user data")
    args = ap.parse_args(argv)
    store = open_store_from(from_env())
    if args.command == "create":
        # From standard input, so the password is in neither the shell history nor the process list.
        password = sys.stdin.readline().rstrip("\n")
        try:
            create_account(store, SYSTEM, args.username, password, args.role or "", args.collar, args.fsu)
        except (BadRequest, NotFound) as exc:
            print(str(exc), file=sys.stderr)
            return 2
        print(f"{args.username}: created as {args.role}")
        return 0
    try:
        set_account_active(store, SYSTEM, args.username, args.command == "activate")
    except NotFound as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"{args.username}: {args.command}d; its sessions have ended")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What Beacon's command lines share: the store options, the store they name, and the account a job runs as."""

from __future__ import annotations

import dataclasses
import sys

from config import from_env
from data_access.store import open_store_from


def add_store_options(parser, cache: bool = True) -> None:
    """The --database-url (and --cache-dir) options that override the app's configuration."""
    parser.add_argument("--database-url", default=None, help="default: DATABASE_URL, else the data folder's SQLite file")
    if cache:
        parser.add_argument("--cache-dir", default=None, help="default: BEACON_CACHE_DIR, else the data folder's cache")


def config_from_args(args):
    """The app's configuration (config.from_env) with the command line's store options applied."""
    config = from_env()
    if getattr(args, "database_url", None):
        config = dataclasses.replace(config, database_url=args.database_url)
    if getattr(args, "cache_dir", None):
        config = dataclasses.replace(config, cache_dir=args.cache_dir)
    return config


def store_from_args(args):
    """The store the configuration and the command line's options name."""
    return open_store_from(config_from_args(args))


def named_actor(store, username: str):
    """The active account a command runs as, or None after saying on stderr that there is none."""
    from data_access.accounts import actor_by_username

    actor = actor_by_username(store, username)
    if actor is None:
        print(f"no active account {username!r}", file=sys.stderr)
    return actor

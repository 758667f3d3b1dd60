"""The configuration a benchmark runs with: the app's (config.from_env), in a scratch folder of its own."""

import dataclasses
import os
import tempfile
from pathlib import Path

from config import Config, from_env
from scoring.rules_file import read_rules_file


def bench_config(database_url: str | None, prefix: str) -> Config:
    """from_env() (BEACON_RULES_FILE, BEACON_TODAY ...) with a new scratch data folder and its database.

    The scratch folder is made inside BEACON_DATA_DIR when that is set, else in the system's temporary
    folder. The database is database_url (--database-url), else a SQLite file in the scratch folder;
    never DATABASE_URL, because a benchmark drops and regenerates the database it is given.
    """
    env = from_env()
    read_rules_file(env.rules_file)  # a mistake stops the benchmark before it copies or generates anything
    parent = os.environ.get("BEACON_DATA_DIR") or None
    if parent:
        Path(parent).mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    return dataclasses.replace(env, data_dir=workdir, cache_dir=workdir / "cache", secret_key="bench",
                               database_url=database_url or f"sqlite:///{workdir / 'bench.db'}",
                               generate_on_empty=False)

"""Sign-in throttle per account and per source address, with back-off, kept in the database."""

import time

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from data_access.schema import login_throttle

# Failures one account may have within the window before each further attempt must wait.
ACCOUNT_FREE_FAILURES = 5
# Failures one source address may have (across every username it tries) before it must wait; a station
# behind one NAT address shares it, hence the larger allowance.
ADDRESS_FREE_FAILURES = 50
# The first wait, doubled for every further failure, never longer than MAX_WAIT_SECONDS.
FIRST_WAIT_SECONDS = 30.0
MAX_WAIT_SECONDS = 15 * 60.0
# Failures older than this are forgotten.
FAILURE_WINDOW_SECONDS = 15 * 60.0


def throttle_keys(username: str, address: str | None) -> dict[str, int]:
    """The throttle rows an attempt counts against, each with its number of free failures."""
    name = (username or "").strip().lower()[:60]
    keys = {f"account:{name}": ACCOUNT_FREE_FAILURES}
    if address:
        keys[f"address:{address[:100]}"] = ADDRESS_FREE_FAILURES
    return keys


def wait_after(failures: int, free: int) -> float:
    """Seconds the next attempt must wait after this many failures (doubling back-off, capped)."""
    if failures < free:
        return 0.0
    return min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** min(failures - free, 20))


def _insert_missing(conn, keys) -> None:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    rows = [{"key": k, "failures": 0, "last_failure": 0.0, "blocked_until": 0.0} for k in keys]
    conn.execute(insert(login_throttle).values(rows).on_conflict_do_nothing(index_elements=["key"]))


def reserve_attempt(store, username: str, address: str | None, now: float | None = None) -> float:
    """Count one sign-in attempt as a failure up front; 0 when it may proceed, else the seconds to wait.

    Counting before the password is checked makes the limit hold under concurrent attempts: each
    attempt takes the rows' lock in turn, so no more than the free number pass before the wait starts.
    A successful attempt gives its count back through forgive().
    """
    now = time.time() if now is None else now
    keys = throttle_keys(username, address)
    with store.engine.begin() as conn:
        # The insert takes SQLite's write lock first, so the read below cannot be raced on either database.
        _insert_missing(conn, keys)
        rows = conn.execute(select(login_throttle).where(login_throttle.c.key.in_(list(keys)))
                            .with_for_update()).mappings().all()
        wait = max((r["blocked_until"] - now for r in rows), default=0.0)
        if wait > 0:
            return wait
        for r in rows:
            failures = 1 if now - r["last_failure"] > FAILURE_WINDOW_SECONDS else r["failures"] + 1
            conn.execute(login_throttle.update().where(login_throttle.c.key == r["key"]).values(
                failures=failures, last_failure=now, blocked_until=now + wait_after(failures, keys[r["key"]])))
    return 0.0


def forgive(store, username: str, address: str | None) -> None:
    """After a successful sign-in: clear the account's failures and give back the address's one."""
    keys = throttle_keys(username, address)
    with store.engine.begin() as conn:
        rows = conn.execute(select(login_throttle).where(login_throttle.c.key.in_(list(keys)))
                            .with_for_update()).mappings().all()
        for r in rows:
            if r["key"].startswith("account:"):
                values = {"failures": 0, "blocked_until": 0.0}
            else:
                failures = max(r["failures"] - 1, 0)
                values = {"failures": failures}
                if failures < keys[r["key"]]:
                    values["blocked_until"] = 0.0
            conn.execute(login_throttle.update().where(login_throttle.c.key == r["key"]).values(**values))

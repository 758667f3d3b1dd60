"""Sign-in throttle per account, per address and per account from one address, with back-off, in the database."""

import time

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from data_access.schema import login_throttle

# Failures for one account from one address before each further attempt from there must wait.
PAIR_FREE_FAILURES = 5
# Failures for one account from all addresses together: higher, so that guessing from elsewhere cannot
# cheaply hold up the account's owner, who is only slowed by it once a real attack is under way.
ACCOUNT_FREE_FAILURES = 20
# Failures from one address across every username it tries (a password sprayed over many accounts); a
# station behind one NAT address shares it, hence the larger allowance.
ADDRESS_FREE_FAILURES = 50
# The first wait, doubled for every further failure, never longer than MAX_WAIT_SECONDS.
FIRST_WAIT_SECONDS = 30.0
MAX_WAIT_SECONDS = 15 * 60.0
# Failures older than this are forgotten.
FAILURE_WINDOW_SECONDS = 15 * 60.0
# An attempt not settled within this long belongs to a request that died; it stops counting.
PENDING_SECONDS = 60.0


def throttle_keys(username: str, address: str | None) -> dict[str, int]:
    """The throttle rows an attempt counts against, each with its number of free failures."""
    name = (username or "").strip().lower()[:60]
    keys = {f"account:{name}": ACCOUNT_FREE_FAILURES}
    if address:
        keys[f"address:{address[:100]}"] = ADDRESS_FREE_FAILURES
        keys[f"pair:{address[:50]}:{name}"] = PAIR_FREE_FAILURES
    return keys


def wait_after(failures: int, free: int) -> float:
    """Seconds the next attempt must wait after this many failures (doubling back-off, capped)."""
    if failures < free:
        return 0.0
    return min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** min(failures - free, 20))


def _locked_rows(conn, keys) -> list:
    """The keys' rows, created if missing, locked against every other attempt until the transaction ends."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    rows = [{"key": k, "failures": 0, "pending": 0, "last_failure": 0.0, "last_attempt": 0.0,
             "blocked_until": 0.0} for k in keys]
    # The insert takes SQLite's write lock first, so the read below cannot be raced on either database.
    conn.execute(insert(login_throttle).values(rows).on_conflict_do_nothing(index_elements=["key"]))
    return conn.execute(select(login_throttle).where(login_throttle.c.key.in_(list(keys)))
                        .with_for_update()).mappings().all()


def _set(conn, key: str, **values) -> None:
    conn.execute(login_throttle.update().where(login_throttle.c.key == key).values(**values))


def _counts(row, now: float) -> tuple[int, int]:
    """(failures still remembered, attempts still in flight) for a row at now."""
    failures = 0 if now - row["last_failure"] > FAILURE_WINDOW_SECONDS else row["failures"]
    pending = 0 if now - row["last_attempt"] > PENDING_SECONDS else row["pending"]
    return failures, pending


def reserve_attempt(store, username: str, address: str | None, now: float | None = None) -> float:
    """Count one sign-in attempt before the password is checked; 0 when it may proceed, else seconds to wait.

    Counting first makes the limit hold under concurrent attempts: each takes the rows' lock in turn and
    counts as a failure until settled, so no more than the free number pass before the wait starts. The
    attempt is then settled by failed() or forgive().
    """
    now = time.time() if now is None else now
    keys = throttle_keys(username, address)
    with store.engine.begin() as conn:
        rows = _locked_rows(conn, keys)
        wait = max((r["blocked_until"] - now for r in rows), default=0.0)
        if wait > 0:
            return wait
        for r in rows:
            failures, pending = _counts(r, now)
            # No wait earned is no block at all (0), not one ending now: an attempt that read the clock a
            # moment earlier but took the lock later (people signing in together at a station) would
            # otherwise find a block still to run and be refused.
            earned = wait_after(failures + pending + 1, keys[r["key"]])
            _set(conn, r["key"], failures=failures, pending=pending + 1, last_attempt=now,
                 blocked_until=now + earned if earned else 0.0)
    return 0.0


def _settle(store, username: str, address: str | None, success: bool, now: float | None) -> None:
    now = time.time() if now is None else now
    keys = throttle_keys(username, address)
    with store.engine.begin() as conn:
        for r in _locked_rows(conn, keys):
            failures, pending = _counts(r, now)
            pending = max(pending - 1, 0)
            values = {"pending": pending}
            if not success:
                failures += 1
                values["last_failure"] = now
            elif r["key"].startswith("pair:"):
                failures = 0  # the owner, from this address, got it right
            values["failures"] = failures
            # The wait the remembered failures earned runs from the last of them; none under the allowance.
            earned = wait_after(failures + pending, keys[r["key"]])
            last = now if not success else r["last_failure"]
            values["blocked_until"] = last + earned if earned else 0.0
            _set(conn, r["key"], **values)


def failed(store, username: str, address: str | None, now: float | None = None) -> None:
    """The attempt reserved was a wrong password: remember it as a failure from now."""
    _settle(store, username, address, success=False, now=now)


def forgive(store, username: str, address: str | None, now: float | None = None) -> None:
    """The attempt reserved succeeded: it leaves no count; this account's failures from this address go."""
    _settle(store, username, address, success=True, now=now)


def prune(store, now: float | None = None) -> int:
    """Delete rows whose failures are forgotten, with nothing in flight and no wait left; returns how many."""
    now = time.time() if now is None else now
    with store.engine.begin() as conn:
        return conn.execute(login_throttle.delete().where(
            (login_throttle.c.last_failure < now - FAILURE_WINDOW_SECONDS)
            & (login_throttle.c.last_attempt < now - PENDING_SECONDS)
            & (login_throttle.c.blocked_until < now))).rowcount

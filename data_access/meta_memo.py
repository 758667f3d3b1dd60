"""The meta table's values, read once per web request: versions, data as of, last load."""

from contextvars import ContextVar

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from data_access.schema import meta
from data_access.single_read import single_read

# One request asks for versions many times (the tree, the scope's tasks, data as of); on PostgreSQL each read
# is a pool check-out, a ping and a transaction. None outside a request: every read is fresh there.
_memo: ContextVar[dict | None] = ContextVar("beacon_meta_memo", default=None)


def start_request() -> None:
    """From now until end_request, meta values are read once (and again after any commit in this request)."""
    _memo.set({})


def end_request() -> None:
    """Every meta read is fresh again."""
    _memo.set(None)


def meta_values(engine: Engine) -> dict:
    """Every meta key and value: memoised within a request, read fresh outside one."""
    memo = _memo.get()
    key = id(engine)
    if memo is not None and key in memo:
        return memo[key]
    with single_read(engine) as conn:
        values = dict(conn.execute(select(meta.c.key, meta.c.value)).all())
    if memo is not None:
        memo[key] = values
    return values


def _forget(_conn) -> None:
    # A write in this request (a completion, an audit row) may have bumped a version: read them again.
    memo = _memo.get()
    if memo:
        memo.clear()


def watch_commits(engine: Engine) -> None:
    """Drop the request's meta values whenever a transaction on engine commits."""
    event.listen(engine, "commit", _forget)

"""Meta values are read once per request, again after any commit in it, and always fresh outside one; single reads."""

from sqlalchemy import event, select

from data_access.db import set_meta
from data_access.meta_memo import end_request, meta_values, start_request
from data_access.schema import meta
from data_access.single_read import single_read
from data_access.store import bump_version
from tests.conftest import login
from tests.dash_requests import post


def _meta_reads(engine) -> list:
    reads = []

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_conn, _cursor, statement, *_args):
        # The whole table, as meta_values reads it (a version bump reads its own row back too).
        if "FROM meta" in statement and "WHERE" not in statement:
            reads.append(statement)
    return reads


def test_outside_a_request_every_read_is_fresh(store):
    before = meta_values(store.engine)["data_version"]
    with store.engine.begin() as conn:
        bump_version(conn)
    assert int(meta_values(store.engine)["data_version"]) == int(before) + 1


def test_within_a_request_values_are_read_once_until_a_commit(store):
    reads = _meta_reads(store.engine)
    start_request()
    try:
        first = meta_values(store.engine)
        assert meta_values(store.engine) is first and len(reads) == 1
        # A transaction that writes nothing and rolls back keeps the values read.
        with store.engine.connect() as conn:
            set_meta(conn, "probe", "rolled back")
            conn.rollback()
        assert meta_values(store.engine) is first and len(reads) == 1
        # A commit (here a completion's version bump) makes the next question read again.
        with store.engine.begin() as conn:
            bump_version(conn)
        again = meta_values(store.engine)
        assert len(reads) == 2 and int(again["data_version"]) == int(first["data_version"]) + 1
    finally:
        end_request()
    meta_values(store.engine)
    assert len(reads) == 3


def test_a_worklist_request_reads_the_meta_table_and_the_account_once_each(app, client):
    store = app.beacon_store
    login(client, "sergeant")
    scope = post(client, app, "..da-scope.options...da-scope.value..", {"da-scope.id": "da-scope"},
                 ["da-scope.id"]).get_json()["response"]["da-scope"]["value"]
    reads = _meta_reads(store.engine)
    accounts = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _count(_conn, _cursor, statement, *_args):
        if "FROM user_account" in statement:
            accounts.append(statement)

    resp = post(client, app, "da-badges.children", {"da-scope.value": scope}, ["da-scope.value"])
    assert resp.status_code == 200
    # The session's account and its epoch come in one read; every version in one read of meta.
    assert len(reads) == 1 and len(accounts) == 1


def test_a_single_read_opens_no_transaction_and_leaves_the_pool_transactional(store):
    with single_read(store.engine) as conn:
        assert conn.execute(select(meta.c.value).where(meta.c.key == "data_version")).scalar()
        driver = conn.connection.driver_connection
        # psycopg reports IDLE outside a transaction; sqlite3 says so directly.
        idle = (driver.in_transaction is False if hasattr(driver, "in_transaction")
                else driver.info.transaction_status == 0)
        assert idle
    # Connections go back to the pool transactional: a failed write still rolls back whole.
    for _ in range(3):
        try:
            with store.engine.begin() as conn:
                set_meta(conn, "probe", "never kept")
                raise RuntimeError("abandoned")
        except RuntimeError:
            pass
    assert "probe" not in meta_values(store.engine)

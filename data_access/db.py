"""Engine creation and schema setup for SQLite (WAL) and PostgreSQL."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, make_url, select, text
from sqlalchemy.engine import Engine

from data_access.files import private_dir, private_file
from data_access.meta_memo import watch_commits
from data_access.schema import meta, metadata
from data_access.sqlite_writers import take_turns

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    # WAL lets readers proceed while a writer commits; the busy timeout stops "database is locked".
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


@dataclass(frozen=True)
class PoolSettings:
    """PostgreSQL connections of one process, and how long one statement may run (0: no limit)."""

    size: int = 5
    max_overflow: int = 10
    statement_timeout_ms: int = 30_000


# Set while a load, a generation or a frequent-service-user run works in this thread (or task).
_long_statements: ContextVar[bool] = ContextVar("beacon_long_statements", default=False)


@contextmanager
def long_statements():
    """Lift the statement timeout for the transactions begun inside: loads and runs that take minutes."""
    token = _long_statements.set(True)
    try:
        yield
    finally:
        _long_statements.reset(token)


def _lift_statement_timeout(conn) -> None:
    if _long_statements.get():
        # Straight on the driver: psycopg opens the transaction with this statement, and SET LOCAL ends with
        # it, so the pooled connection goes back with the usual timeout.
        conn.connection.driver_connection.execute("SET LOCAL statement_timeout = 0")


def make_engine(url: str, pool: PoolSettings | None = None) -> Engine:
    """An engine for url: WAL and a busy timeout on SQLite; a sized pool and a statement timeout on PostgreSQL."""
    if url.startswith("sqlite"):
        # "sqlite://" and "sqlite:///:memory:" are in-memory databases: no file to make private.
        path = make_url(url).database or ""
        on_disk = bool(path) and path != ":memory:" and not path.startswith("file:")
        if on_disk:
            # Crime references and names live here: only Beacon's account may read the file. SQLite gives
            # its -wal and -shm files the database file's permissions. Only folders Beacon creates are
            # tightened, so a database placed in a shared folder does not change that folder.
            private_dir(Path(path).parent, own=False)
            private_file(path)
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                  "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        if on_disk:
            # SQLite's busy handler lets a long waiter sleep 100 ms at a time while newcomers retry within
            # milliseconds; past saturation it starved some writes beyond the timeout. Writers queue instead.
            take_turns(engine, path, SQLITE_BUSY_TIMEOUT_MS / 1000)
        watch_commits(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    pool = pool or PoolSettings()
    # A runaway query gives its connection back after the timeout instead of holding it for good.
    connect_args = {"options": f"-c statement_timeout={int(pool.statement_timeout_ms)}"}
    engine = create_engine(url, pool_pre_ping=True, pool_size=pool.size, max_overflow=pool.max_overflow,
                           connect_args=connect_args)
    event.listen(engine, "begin", _lift_statement_timeout)
    watch_commits(engine)
    return engine


def create_schema(engine: Engine) -> None:
    """Create every table that does not exist yet, and any index a newer version added to an existing one."""
    import data_access.schema_all  # noqa: F401  (registers every capability's tables)

    existing = set(inspect(engine).get_table_names())
    metadata.create_all(engine)
    # create_all skips tables that exist, indexes and all; a later release may index an existing table.
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
        if table.name not in existing:
            continue
        _add_missing_columns(engine, table, {c["name"] for c in inspector.get_columns(table.name)})
        if table.indexes:
            present = {ix["name"] for ix in inspector.get_indexes(table.name)}
            for index in table.indexes:
                if index.name not in present:
                    index.create(engine)


def _add_missing_columns(engine: Engine, table, present: set) -> None:
    """Add the nullable columns a newer release declares on a table an existing database already has."""
    missing = [c for c in table.columns if c.name not in present]
    if not missing:
        return
    preparer = engine.dialect.identifier_preparer
    with engine.begin() as conn:
        for column in missing:
            if not column.nullable:
                raise RuntimeError(f"table {table.name} lacks the required column {column.name}: "
                                   f"migrate the database before upgrading")
            kind = column.type.compile(dialect=engine.dialect)
            conn.execute(text(f"ALTER TABLE {preparer.format_table(table)} "
                              f"ADD COLUMN {preparer.format_column(column)} {kind}"))


def drop_schema(engine: Engine) -> None:
    """Drop every table (used by the generator's --reset and by tests)."""
    import data_access.schema_all  # noqa: F401

    metadata.drop_all(engine)


def get_meta(engine: Engine, key: str, default: str | None = None) -> str | None:
    """Read one value from the meta table."""
    with engine.connect() as conn:
        row = conn.execute(select(meta.c.value).where(meta.c.key == key)).first()
    return row[0] if row else default


def set_meta(conn, key: str, value: str) -> None:
    """Upsert one value into the meta table inside the caller's transaction."""
    updated = conn.execute(meta.update().where(meta.c.key == key).values(value=value)).rowcount
    if not updated:
        conn.execute(meta.insert().values(key=key, value=value))


def is_empty(engine: Engine) -> bool:
    """True when the database holds no organisation yet."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM org_unit")).scalar() == 0

"""A connection for a single read, outside any transaction."""

from sqlalchemy.engine import Connection, Engine


def single_read(engine: Engine) -> Connection:
    """A connection for one statement: no BEGIN and ROLLBACK round trips around it on PostgreSQL."""
    # psycopg opens a transaction before the first statement and the pool rolls it back on return; a read of
    # one statement needs neither. Autocommit is set on the client, so switching it costs no round trip.
    return engine.connect().execution_options(isolation_level="AUTOCOMMIT")

"""Column reads give what SQLAlchemy's own rows give, on SQLite and PostgreSQL."""

from sqlalchemy import String, cast, select

from data_access.column_read import read_columns
from data_access.schema import task


def test_columns_hold_the_rows_values_with_bound_lists_and_text(store):
    with store.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(select(task.c.id).order_by(task.c.id).limit(40)).all()]
        stmt = (select(task.c.id, task.c.kind, cast(task.c.due_date, String), task.c.oic_id)
                .where(task.c.id.in_(ids[::2]), task.c.status.in_(["open", "done"])).order_by(task.c.id))
        expected = [tuple(r) for r in conn.execute(stmt).all()]
        columns = read_columns(conn, stmt)
    assert expected, "the demo force has tasks"
    assert [len(c) for c in columns] == [len(expected)] * 4
    assert list(zip(*(c.tolist() for c in columns))) == expected
    # Dates cast to text read the same on both databases: ISO days.
    assert all(d is None or (len(d) == 10 and d[4] == "-") for d in columns[2])


def test_no_rows_gives_empty_columns(store):
    with store.engine.connect() as conn:
        columns = read_columns(conn, select(task.c.id, task.c.kind).where(task.c.id < 0))
    assert [c.shape for c in columns] == [(0,), (0,)]

"""Column reads: a query's result as numpy columns, without a Python object per row beyond the driver's."""

import numpy as np


def read_columns(conn, stmt) -> list[np.ndarray]:
    """The statement's result, one object array per selected column, fetched straight from the driver's cursor."""
    # SQLAlchemy's Row objects and a zip over them cost more than the query itself on a force-wide read
    # (237,000 open tasks): the driver's tuples go into one 2-D object array and are sliced by column.
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    width = len(stmt.selected_columns)
    if not rows:
        return [np.empty(0, dtype=object) for _ in range(width)]
    table = np.empty((len(rows), width), dtype=object)
    table[:] = rows
    return [table[:, i] for i in range(width)]

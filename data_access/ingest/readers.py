"""Readers: CSV files, Parquet files and PostgreSQL staging tables, each giving text columns with line numbers.

Every reader hands back the same thing (a Sheet): the source's columns as text (None when empty), the line
(CSV) or row number (Parquet, staging) of each row, the columns that arrived typed (so their dates are ISO
whatever the mapping's text format), and the lines it could not read, with the reason.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import inspect, text

from data_access.importers.base import LayoutError, csv_lines

CSV_SUFFIXES = (".csv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")
_UNDECODED = re.compile("[\udc80-\udcff]")  # a byte the encoding could not decode, kept by surrogateescape


@dataclass
class Sheet:
    """One file's (or staging table's) rows as text, with their line numbers and the lines refused."""

    name: str
    frame: pd.DataFrame
    lines: np.ndarray
    typed: set = field(default_factory=set)
    refused: list = field(default_factory=list)  # (line, reason, raw)
    csv_like: bool = False  # a quarantined row is shown as its fields joined by commas, else as JSON


def find_files(folder: Path, pattern: str) -> list[Path]:
    """Files under folder matching a glob, in name order."""
    return sorted(p for p in folder.glob(pattern) if p.is_file())


def read_file(path: Path, encoding: str, rows: int | None = None):
    """A CSV or Parquet file by its suffix, as Sheets of at most rows rows each (one Sheet when rows is None)."""
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return read_parquet(path, rows)
    return read_csv(path, encoding, rows)


def read_csv(path: Path, encoding: str, rows: int | None = None):
    """A CSV file in the given encoding, as Sheets of at most rows good rows (the last, perhaps empty, always given).

    A line with a byte that encoding cannot decode is refused, not fatal. Python's csv module reads it (it gives
    each record's physical line, which pandas does not, and the importers' csv_lines already accounts for
    unclosed quotes and NUL bytes); pandas takes over after. A refused line goes with the Sheet it falls in.
    """
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf") and encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        data = data[3:]  # Excel's UTF-8 byte-order mark is not part of the first column's name
    text_ = data.decode(encoding, errors="surrogateescape")
    del data
    try:
        header, records = csv_lines(text_)
    except LayoutError as exc:
        yield _empty(path.name, [(1, f"unreadable file: {exc}", "")])
        return
    bad_header = next((h for h in header if _UNDECODED.search(h)), None)
    if bad_header is not None:
        yield _empty(path.name, [(1, f"bad byte: the header is not {encoding}", _shown(",".join(header)))])
        return
    good, numbers, refused = [], [], []
    width = len(header)
    for line, fields in records:
        if line.reason is not None:
            refused.append((line.number, line.reason, _shown(line.raw)))
            continue
        bad = next((i for i, f in enumerate(fields) if _UNDECODED.search(f)), None)
        if bad is not None:
            byte = ord(_UNDECODED.search(fields[bad]).group()) - 0xDC00
            name = header[bad] if bad < width else f"field {bad + 1}"
            refused.append((line.number, f"bad byte: 0x{byte:02X} in {name} is not {encoding}", _shown(line.raw)))
            continue
        if len(fields) != width:
            refused.append((line.number, f"wrong width: {len(fields)} fields, the header has {width}", line.raw))
            continue
        good.append(fields)
        numbers.append(line.number)
        if rows is not None and len(good) >= rows:
            yield _csv_sheet(path.name, header, good, numbers, refused)
            good, numbers, refused = [], [], []
    yield _csv_sheet(path.name, header, good, numbers, refused)


def _csv_sheet(name: str, header: list, good: list, numbers: list, refused: list) -> Sheet:
    frame = pd.DataFrame(good, columns=header, dtype=object) if good else pd.DataFrame(columns=header, dtype=object)
    return Sheet(name, frame, np.asarray(numbers, dtype=np.int64), refused=refused, csv_like=True)


def _empty(name: str, refused: list) -> Sheet:
    return Sheet(name, pd.DataFrame(), np.array([], dtype=np.int64), refused=refused, csv_like=True)


def _shown(raw: str) -> str:
    """A raw line with undecodable bytes shown as \\xNN, so it can be stored."""
    return raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _as_text(table: pa.Table) -> tuple[pd.DataFrame, set]:
    """Every column as text (Arrow's casts: ISO dates and times, true/false), and the typed date columns."""
    typed = {f.name for f in table.schema if pa.types.is_temporal(f.type)}
    columns = {}
    for f in table.schema:
        col = table.column(f.name)
        if not pa.types.is_string(f.type) and not pa.types.is_large_string(f.type):
            col = col.cast(pa.string())
        columns[f.name] = col.to_numpy(zero_copy_only=False)
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    return frame.where(frame.notna(), None), typed


def read_parquet(path: Path, rows: int | None = None):
    """A Parquet file (pyarrow) as Sheets of at most rows rows (one when rows is None); row numbers count from 1."""
    first = 1
    try:
        parquet = pq.ParquetFile(path)
        batches = parquet.iter_batches(batch_size=rows) if rows else iter([parquet.read()])
        for batch in batches:
            table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
            frame, typed = _as_text(table)
            yield Sheet(path.name, frame, np.arange(first, first + len(frame), dtype=np.int64), typed)
            first += len(frame)
        if first == 1 and rows:  # a file of no rows still gives its (empty) sheet
            frame, typed = _as_text(parquet.schema_arrow.empty_table())
            yield Sheet(path.name, frame, np.array([], dtype=np.int64), typed)
    except (pa.ArrowInvalid, OSError) as exc:
        # Rows before a damaged part of the file were given already; the rest is refused from the first it lost.
        reason = f"unreadable file: {exc}" if first == 1 else f"unreadable from row {first}: {exc}"
        yield Sheet(path.name, pd.DataFrame(), np.array([], dtype=np.int64), refused=[(first, reason, "")])


def staging_tables(conn, schema: str | None, prefix: str) -> list[str]:
    """The staging tables present (in schema, or with the prefix in the default schema)."""
    names = inspect(conn).get_table_names(schema=schema)
    return sorted(n for n in names if n.startswith(prefix))


def read_staging(conn, schema: str | None, prefix: str, pattern: str) -> list[Sheet]:
    """The staging tables whose names (without the prefix) match the glob; row numbers count from 1."""
    sheets = []
    quote = conn.dialect.identifier_preparer.quote
    for name in staging_tables(conn, schema, prefix):
        if not fnmatch.fnmatchcase(name[len(prefix):], pattern):
            continue
        qualified = f"{quote(schema)}.{quote(name)}" if schema else quote(name)
        result = conn.execute(text(f"SELECT * FROM {qualified}"))
        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        table = pa.Table.from_pandas(frame, preserve_index=False) if len(frame.columns) else pa.table({})
        text_frame, typed = _as_text(table)
        label = f"{schema}.{name}" if schema else name
        sheets.append(Sheet(label, text_frame, np.arange(1, len(text_frame) + 1, dtype=np.int64), typed))
    return sheets


def raw_row(frame: pd.DataFrame, position: int, csv_like: bool) -> str:
    """A source row as stored in quarantine: the CSV line's fields, or JSON of a typed row."""
    values = frame.iloc[position].tolist()
    if csv_like:
        return ",".join("" if v is None else str(v) for v in values)
    return json.dumps(dict(zip(frame.columns, values)), default=str)

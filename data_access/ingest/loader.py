"""Loading an extract: read it, check it, and write what changed in one transaction, keyed by the source's ids.

A load of one extract is one database transaction: readers see all of it or none of it, and a failure part
way leaves the previous state with the load history saying why. Rows are compared with what the last load
of the same record wrote (source_key), so loading an extract twice changes nothing.
"""

from __future__ import annotations

import json
import traceback
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.engine import make_url

from data_access.audit import write_audit
from data_access.clock import now_local
from data_access.db import long_statements, make_engine, set_meta
from data_access.freshness import mark_loaded
from data_access.ingest import readers
from data_access.ingest.contract import ORDER, PERSON_EVENT_KINDS, TABLES, SourceTable
from data_access.ingest.mapping import Mapping, read_mapping
from data_access.ingest.transform import META, check, checks_schema, convert, refuse_future, shape
from data_access.permissions import SYSTEM
from data_access.reconciliation import reconcile
from data_access.reference import load_reference
from data_access.schema import metadata, offence, org_unit
import data_access.schema_all  # noqa: F401  (every contract table's Beacon table registered)
from data_access.schema_ingest import source_key, source_load, source_quarantine
from data_access.store import bump_officer_versions, bump_team_versions, bump_version
from data_access.task_derivation import derive_tasks

# PostgreSQL advisory lock held by a load's transaction, so two loads never interleave (start-up uses ...0001).
LOAD_LOCK_KEY = 0x6265_6163_6F6E_0002
IN_CHUNK = 900  # ids per IN (...) list: under SQLite's bound-parameter limit
RAW_LIMIT = 2000  # characters of a quarantined row kept
# An extract naming more keys of a table than this reads all of the table's source keys in one query;
# fewer are looked up by IN lists (an hourly extract of a few thousand rows need not read millions).
WHOLE_ENTITY = 20_000
WRITE_CHUNK = 50_000  # rows turned into dicts and handed to the driver at a time
HASH_CHUNK = 100_000  # rows turned into text at a time for their content hash
# Rows of a table read, checked and written at a time: a force's largest tables (1.6 million crime events)
# never sit in memory whole. At most WHOLE_ENTITY, so a slice's keys are looked up by IN lists.
READ_SLICE = 20_000
# Source keys a load writes before PostgreSQL's statistics of them are refreshed (see _refresh_statistics).
ANALYZE_AFTER = 50_000
COUNT_KEYS = ("read", "inserted", "updated", "unchanged", "deleted", "quarantined")
# Rows that belong to a Beacon record and go with it when the source deletes it. Anything else still naming a
# record refuses its deletion (quarantined as still referenced), as the database's foreign keys would.
OWNED = {
    "crime": (("crime_person", "crime_id"), ("crime_event", "crime_id"), ("crime_link", "crime_id"),
              ("crime_link", "linked_crime_id"), ("bail", "crime_id"), ("task", "crime_id")),
    "incident": (("deployment", "incident_id"), ("incident_party", "incident_id")),
    "person": (("person_alias", "person_id"), ("person_address", "person_id")),
}
# Tables whose Beacon rows carry the force loaded (derived; the source does not name it).
FORCE_LOADED = ("persons", "incidents", "custody", "officer_activity", "duty_restrictions", "psd_matters",
                "core_skills", "team_establishment", "incident_parties", "missing_episodes")
# Entities whose rows are written on the crime: a change to one is a change to its crime's tasks.
CRIME_PARTS = {"parties": "crime_id", "crime_events": "crime_id"}


@dataclass
class LoadResult:
    """What one load (or dry run) did: per-table counts, the rows quarantined, and the crimes that changed."""

    load_id: int | None
    status: str  # loaded | failed | validated
    mapping: str
    source: str
    counts: dict = field(default_factory=dict)  # table -> {read, inserted, updated, unchanged, deleted, quarantined}
    quarantined: list = field(default_factory=list)  # {source_table, file, line, reason, raw_row}
    changed_crime_ids: set = field(default_factory=set)  # Beacon crime ids whose crime, parties or events changed
    message: str = ""
    reconciled: dict | None = None  # Beacon completions newly confirmed, contradicted or missing, by state
    derived: dict | None = None  # the task engine's counts when the load re-derived the changed crimes' tasks

    @property
    def changed(self) -> int:
        """Rows inserted, updated or deleted, over every table."""
        return sum(c["inserted"] + c["updated"] + c["deleted"] for c in self.counts.values())

    def totals(self) -> dict:
        total = Counter()
        for c in self.counts.values():
            total.update(c)
        return {k: total.get(k, 0) for k in COUNT_KEYS}


class LoadFailed(RuntimeError):
    """The extract cannot be loaded as a whole (for example no force to attach people to)."""


def shown_source(source) -> str:
    """The source as recorded: a folder, or a database URL without its password."""
    text_ = str(source)
    if "://" in text_:
        return make_url(text_).render_as_string(hide_password=True)
    return text_


# ---- reading -------------------------------------------------------------------------------------------


@dataclass
class _Table:
    """A contract table's rows from every file of the extract, typed, with reasons for the refused ones."""

    name: str
    frame: pd.DataFrame
    reasons: pd.Series
    sheets: list
    refused: list  # quarantine rows from lines no sheet could read


def _sheets(mapping: Mapping, source, part, rows: int | None = None):
    """The Sheets of one part of a table's mapping, each of at most rows rows (rows None: each file whole)."""
    if _is_database(source):
        engine = make_engine(str(source))
        try:
            with engine.connect() as conn:
                tables = [s for pattern in part.files
                          for s in readers.read_staging(conn, mapping.staging_schema, mapping.staging_prefix, pattern)]
        finally:
            engine.dispose()
        for sheet in tables:
            yield from _split(sheet, rows)
        return
    folder = Path(source)
    for pattern in part.files:
        for path in readers.find_files(folder, pattern):
            yield from readers.read_file(path, part.encoding, rows)


def _split(sheet, rows: int | None):
    """A staging table's Sheet as Sheets of at most rows rows (it is read whole; its rows are then loaded a slice
    at a time)."""
    if rows is None or len(sheet.frame) <= rows:
        yield sheet
        return
    for start in range(0, len(sheet.frame), rows):
        yield readers.Sheet(sheet.name, sheet.frame.iloc[start:start + rows], sheet.lines[start:start + rows],
                            sheet.typed, sheet.refused if start == 0 else [], sheet.csv_like)


def _is_database(source) -> bool:
    return str(source).startswith(("postgresql://", "postgresql+psycopg://", "sqlite:"))


def _check_source(source) -> None:
    if not _is_database(source) and not Path(source).is_dir():
        raise LoadFailed(f"the extract folder {source} does not exist")


def _lazy_tables(mapping: Mapping, source) -> dict:
    """Each table the mapping supplies as a reader of its slices, so a load holds one slice's rows at a time."""
    _check_source(source)
    return {name: partial(read_slices, mapping, source, name) for name in ORDER if name in mapping.tables}


def read_slices(mapping: Mapping, source, name: str, rows: int | None = None):
    """A contract table as _Tables of at most rows rows each (READ_SLICE by default), or whole when a row may
    name another row of the same table, or hold a value the table keeps unique."""
    contract = TABLES[name]
    if name in WHOLE_TABLES:
        yield read_table(mapping, source, name)
        return
    given = False
    for part in mapping.tables[name]:
        for sheet in _sheets(mapping, source, part, rows or READ_SLICE):
            given = True
            yield _typed(contract, [(part, sheet)])
    if not given:  # no file matched: the table is still counted, with nothing read
        yield _typed(contract, [])


def read_table(mapping: Mapping, source, name: str) -> _Table:
    """One contract table whole, from every file the mapping names for it, typed, with the refused lines."""
    return _typed(TABLES[name], [(part, sheet) for part in mapping.tables[name]
                                 for sheet in _sheets(mapping, source, part)])


def _typed(contract: SourceTable, parts: list) -> _Table:
    """The rows of these (mapping part, Sheet) pairs in Beacon's columns and types, with reasons for refused ones."""
    name = contract.name
    frames, sheets, refused = [], [], []
    for part, sheet in parts:
        index = len(sheets)
        sheets.append(sheet)
        refused += [_q(name, sheet.name, line, reason, raw) for line, reason, raw in sheet.refused]
        if not len(sheet.frame):
            continue
        out = shape(sheet.frame, part, contract)
        typed = {part.rename.get(c, c) for c in sheet.typed}
        reasons = pd.Series(None, index=out.index, dtype=object)
        frame = convert(out, part, contract, typed, reasons)
        for col in contract.columns:
            if col.required and col.name not in frame.columns:
                reasons[reasons.isna()] = (f"missing column: {col.name} (the file has no column the "
                                           f"mapping gives it)")
        frame["_sheet"], frame["_pos"], frame["_line"] = index, np.arange(len(frame)), sheet.lines
        frame["_reason"] = reasons
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*META, "_reason"])
    for col in contract.columns:
        if col.name not in frame.columns:
            frame[col.name] = None
    reasons = frame.pop("_reason").astype(object)
    return _Table(name, frame, reasons.where(reasons.notna(), None), sheets, refused)


def _q(table: str, file: str, line, reason: str, raw: str) -> dict:
    return {"source_table": table, "file": file[:255], "line": None if line is None else int(line),
            "reason": reason[:255], "raw_row": (raw or "")[:RAW_LIMIT].replace("\x00", "\\x00")}


# ---- the load ------------------------------------------------------------------------------------------


@dataclass
class _Context:
    conn: object
    load_id: int
    now: object
    offence_codes: set
    today: object = None  # the load's day: a past-only date after it is quarantined
    keys: dict = field(default_factory=dict)  # entity -> {source key: Beacon id}
    changed_crimes: set = field(default_factory=set)
    touched_teams: set = field(default_factory=set)
    touched_officers: set = field(default_factory=set)
    force_id: int | None = None
    unanalysed: int = 0  # source keys written since PostgreSQL's statistics were last refreshed
    # The live keys of the table's earlier slices: (sorted UTF-8 keys, their lines, the sheet's name) a slice.
    seen: list = field(default_factory=list)


def _where_keys(query, entity: str, keys: list):
    """(query restricted to these keys) per IN-list chunk, or the whole entity when the keys are many."""
    if len(keys) > WHOLE_ENTITY:
        return [query.where(source_key.c.entity == entity)]
    return [query.where(source_key.c.entity == entity, source_key.c.source_key.in_(keys[i:i + IN_CHUNK]))
            for i in range(0, len(keys), IN_CHUNK)]


def _resolve(ctx: "_Context", entity: str, values: pd.Series) -> pd.Series:
    """The Beacon ids of the records these source keys name (NA when unknown), looked up as needed."""
    known = ctx.keys.setdefault(entity, {})
    wanted = sorted({v for v in values.dropna().unique() if v not in known})
    for query in _where_keys(select(source_key.c.source_key, source_key.c.beacon_id), entity, wanted):
        known.update(ctx.conn.execute(query).all())
    return values.map(known)


def _existing(conn, entity: str, keys: list) -> pd.DataFrame:
    rows = []
    query = select(source_key.c.id, source_key.c.source_key, source_key.c.beacon_id, source_key.c.change_marker,
                   source_key.c.content_hash)
    for q in _where_keys(query, entity, sorted(set(keys))):
        rows += conn.execute(q).all()
    return pd.DataFrame(rows, columns=["sk_id", "key", "beacon_id", "old_marker", "old_hash"])


def _keys_of(frame: pd.DataFrame, contract: SourceTable) -> pd.Series:
    parts = [frame[k].astype(object).where(frame[k].notna(), "") for k in contract.key]
    key = parts[0].astype(str)
    for p in parts[1:]:
        key = key + "|" + p.astype(str)
    return key


def _content_hash(frame: pd.DataFrame, contract: SourceTable) -> pd.Series:
    cols = [c.name for c in contract.columns if c.name not in ("change_marker", "deleted")]
    # A row's hash depends on that row alone, so a slice at a time gives the same hashes with one slice's
    # text in memory rather than the whole table's.
    parts = [pd.util.hash_pandas_object(frame.iloc[i:i + HASH_CHUNK][cols].astype(str), index=False)
             .to_numpy(np.uint64) for i in range(0, len(frame), HASH_CHUNK)]
    hashed = np.concatenate(parts) if parts else np.array([], dtype=np.uint64)
    return pd.Series([f"{h:016x}" for h in hashed], index=frame.index, dtype=object)


def _py(series: pd.Series, kind: str) -> list:
    """Values the database driver takes: None for missing, date/datetime/int/float/bool objects."""
    timed = pd.api.types.is_datetime64_any_dtype(series)
    if kind == "date" and timed:
        values = series.dt.date
    elif kind == "datetime" and timed:
        values = pd.Series(series.dt.to_pydatetime(), index=series.index, dtype=object)
    else:
        values = series.astype(object)
    values = values.astype(object)
    return values.where(series.notna(), None).tolist()


def _new_ids(conn, table, n: int) -> list:
    """n fresh ids for table: from its sequence on PostgreSQL (safe beside other writers), else after the
    largest (SQLite: the load's transaction already holds the write lock, so nobody else inserts meanwhile)."""
    if conn.dialect.name == "postgresql":
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": f'"{table.name}"'}).scalar()
        return conn.execute(text("SELECT nextval(CAST(:s AS regclass)) FROM generate_series(1, :n)"),
                            {"s": seq, "n": n}).scalars().all()
    start = (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    return list(range(start, start + n))


def _insert(conn, table, records: list) -> list:
    """Insert rows with ids given up front, and return the ids in the records' order.

    Ids are allocated first and the rows go to the driver's executemany with SQLAlchemy's own value
    conversions applied column by column: an INSERT ... RETURNING per row, or SQLAlchemy building each row's
    parameters, is several times slower at a force's scale.
    """
    if not records:
        return []
    ids = _new_ids(conn, table, len(records))
    for record, new_id in zip(records, ids):
        record["id"] = new_id
    names = list(records[0])
    columns = []
    for name in names:
        values = [r[name] for r in records]
        process = table.c[name].type.bind_processor(conn.dialect)
        columns.append([None if v is None else process(v) for v in values] if process else values)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    quote = conn.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
           f"VALUES ({', '.join([mark] * len(names))})")
    rows = list(zip(*columns))
    for i in range(0, len(rows), 10_000):
        conn.exec_driver_sql(sql, rows[i:i + 10_000])
    return ids


def _update(conn, table, records: list, columns: list) -> None:
    """Update rows by id ('_id' in each record)."""
    if not records or not columns:
        return
    stmt = table.update().where(table.c.id == bindparam("_id")).values({c: bindparam(f"v_{c}") for c in columns})
    conn.execute(stmt, [{"_id": r["_id"], **{f"v_{c}": r[c] for c in columns}} for r in records])


def _ids_in(conn, column, ids, *cols) -> list:
    ids = sorted(int(i) for i in ids)
    out = []
    for i in range(0, len(ids), IN_CHUNK):
        out += conn.execute(select(*cols).where(column.in_(ids[i:i + IN_CHUNK]))).all()
    return out


def _delete_in(conn, table, column, ids) -> int:
    ids = sorted(int(i) for i in ids)
    gone = 0
    for i in range(0, len(ids), IN_CHUNK):
        gone += conn.execute(table.delete().where(column.in_(ids[i:i + IN_CHUNK]))).rowcount
    return gone


def _the_force(ctx: _Context) -> int | None:
    if ctx.force_id is None:
        ctx.force_id = ctx.conn.execute(select(org_unit.c.id).where(org_unit.c.kind == "force")
                                        .order_by(org_unit.c.id).limit(1)).scalar()
    return ctx.force_id


def _unit_places(conn) -> dict:
    rows = conn.execute(select(org_unit.c.id, org_unit.c.force_id, org_unit.c.bcu_id)).all()
    return {r[0]: (r[1], r[2]) for r in rows}


def _derive(ctx: _Context, contract: SourceTable, rec: pd.DataFrame, reasons: pd.Series, frame) -> None:
    """Fill the Beacon columns the loader derives (force, BCU, finalised, origin); refuse rows it cannot place."""
    name = contract.name
    if name in ("officers", "crimes"):
        places = _unit_places(ctx.conn)
        team = rec["team_id"]
        force = team.map(lambda t: places.get(t, (None, None))[0] if pd.notna(t) else None)
        missing = team.notna() & force.isna()
        for i in missing[missing].index:
            reasons.at[i] = f"unplaced unit: unit_ref {frame.at[i, 'unit_ref']!r} has no force above it"
        rec["force_id"] = force
        if name == "crimes":
            bcu = team.map(lambda t: places.get(t, (None, None))[1] if pd.notna(t) else None)
            missing = team.notna() & bcu.isna() & reasons.isna()
            for i in missing[missing].index:
                reasons.at[i] = f"unplaced unit: unit_ref {frame.at[i, 'unit_ref']!r} has no BCU above it"
            rec["bcu_id"] = bcu
            # The local policing area is the BCU unless a force's extract says otherwise (FSU reads it).
            rec["lpa_id"] = bcu
            rec["finalised"] = frame["status"].eq("finalised")
    elif name in FORCE_LOADED and len(rec):
        # One force per database: the force loaded (an officer's or a team's force is the same one).
        force = _the_force(ctx)
        if force is None:
            raise LoadFailed(f"{name}: no force to attach them to; supply org_units with a unit of kind 'force'")
        rec["force_id"] = force
        if name == "incidents" and "bcu_id" in rec:
            rec["lpa_id"] = rec["bcu_id"]
    elif name == "crime_events":
        rec["origin"] = "source"
        rec["recorded_at"] = ctx.now


def _records(contract: SourceTable, beacon, frame: pd.DataFrame, resolved: dict, skip: set) -> pd.DataFrame:
    """The Beacon row of each source row (column by column), self-references left for later."""
    rec = pd.DataFrame(index=frame.index)
    for col in contract.columns:
        if not col.stored or col.into in skip:
            continue
        if col.ref:
            rec[col.into] = resolved[col.name]
            continue
        value = frame[col.name]
        if col.default is not None:
            value = value.astype(object).where(value.notna(), col.default)
        rec[col.into] = value
    return rec


def _column_kind(beacon, name: str) -> str:
    py = beacon.c[name].type.python_type.__name__ if hasattr(beacon.c[name].type, "python_type") else ""
    return {"date": "date", "datetime": "datetime"}.get(py, "other")


def _as_records(beacon, rec: pd.DataFrame) -> list:
    columns = {c: _py(rec[c], _column_kind(beacon, c)) for c in rec.columns}
    return [dict(zip(columns, values)) for values in zip(*columns.values())] if columns else []


def _load_table(ctx: _Context, t: _Table, counts: dict, quarantine: list) -> None:
    contract = TABLES[t.name]
    beacon = metadata.tables[contract.beacon_table]
    frame, reasons = t.frame, t.reasons
    c = counts.setdefault(t.name, dict.fromkeys(COUNT_KEYS, 0))
    c["read"] += len(frame) + len(t.refused)
    quarantine += t.refused
    c["quarantined"] += len(t.refused)

    check(frame, contract, checks_schema(contract, beacon, ctx.offence_codes), beacon, reasons)
    if ctx.today is not None:
        refuse_future(frame, contract, ctx.today, reasons)
    deleted = frame["deleted"].fillna(False).astype(bool) if len(frame) else pd.Series([], dtype=bool)
    keys = _keys_of(frame, contract)
    key_given = pd.Series(True, index=frame.index)
    for k in contract.key:
        key_given &= frame[k].notna()
    # A declared deletion needs only its key: the rest of a deleted record may be empty or stale.
    reasons[deleted & key_given] = None
    bad_key = ~key_given & reasons.isna()
    reasons[bad_key] = f"missing value: {', '.join(contract.key)} is required"

    if t.name == "crime_events":
        nobody = frame["kind"].isin(PERSON_EVENT_KINDS) & frame["person_ref"].isna() & reasons.isna() & ~deleted
        for i in nobody[nobody].index:
            reasons.at[i] = f"missing value: person_ref is required for a {frame.at[i, 'kind']} event"

    # A key is claimed by its first row still live here; rows already refused for something else claim nothing.
    _refuse_seen_keys(ctx, t, keys, reasons.isna() & keys.ne(""))
    live = reasons.isna() & keys.ne("")
    dup = live & keys.where(live).duplicated(keep="first")
    if dup.any():
        first = frame[live & ~dup]
        where = {k: (t.sheets[s].name, ln) for k, s, ln in zip(keys[first.index], first["_sheet"], first["_line"])}
        for i in dup[dup].index:
            f, ln = where[keys[i]]
            reasons.at[i] = f"duplicate key: {keys[i]!r} also on line {ln} of {f}"
    _remember_keys(ctx, t, keys, live & ~dup)

    _refuse_taken(ctx, t, contract, beacon, keys, deleted)

    existing_map = ctx.keys.setdefault(t.name, {})
    resolved = {}
    for col in contract.columns:
        if not col.ref:
            continue
        given = frame[col.name].notna()
        if col.ref == t.name:
            in_db = _resolve(ctx, t.name, frame[col.name]).notna()
            known = in_db | frame[col.name].isin(set(keys[reasons.isna() & ~deleted]))
            resolved[col.name] = None
        else:
            ids = _resolve(ctx, col.ref, frame[col.name])
            known = ids.notna()
            resolved[col.name] = ids.astype("Int64")
        unknown = given & ~known & reasons.isna() & ~deleted
        for i in unknown[unknown].index:
            reasons.at[i] = (f"unknown reference: {col.name} {frame.at[i, col.name]!r} names no "
                             f"{col.ref} record in this extract or an earlier one")

    self_refs = [col for col in contract.columns if col.ref == t.name]
    rec = _records(contract, beacon, frame, resolved, {col.into for col in self_refs})
    _derive(ctx, contract, rec, reasons, frame)

    bad = reasons.notna()
    for i in bad[bad].index:
        sheet = t.sheets[frame.at[i, "_sheet"]]
        quarantine.append(_q(t.name, sheet.name, frame.at[i, "_line"], reasons[i],
                             readers.raw_row(sheet.frame, int(frame.at[i, "_pos"]), sheet.csv_like)))
    c["quarantined"] += int(bad.sum())

    good = ~bad
    work = pd.DataFrame({"key": keys[good], "deleted": deleted[good],
                         "marker": frame.loc[good, "change_marker"].astype(object),
                         "hash": _content_hash(frame[good], contract) if good.any() else pd.Series([], dtype=object)})
    work = work.reset_index().merge(_existing(ctx.conn, t.name, work["key"].tolist()), on="key", how="left").set_index("index")
    known = work["beacon_id"].notna()
    same_marker = work["marker"].notna() & work["marker"].eq(work["old_marker"])
    same = known & (same_marker | work["hash"].eq(work["old_hash"]))
    to_insert = work[~known & ~work["deleted"]]
    to_delete = work[known & work["deleted"]]
    to_update = work[known & ~work["deleted"] & ~same]
    unchanged = work.drop(index=to_insert.index.union(to_delete.index).union(to_update.index))
    c["unchanged"] += len(unchanged)
    # An unchanged record whose marker moved keeps the new marker, so the next load can trust it.
    remark = unchanged[unchanged["beacon_id"].notna() & ~unchanged["marker"].eq(unchanged["old_marker"])]
    _update(ctx.conn, source_key, [{"_id": int(r.sk_id), "change_marker": _opt(r.marker)}
                                   for r in remark.itertuples()], ["change_marker"])

    # Inserts.
    ins = rec.loc[to_insert.index]
    new_ids = []
    for start in range(0, len(ins), WRITE_CHUNK):  # rows become dicts a chunk at a time, to bound memory
        new_ids += _insert(ctx.conn, beacon, _as_records(beacon, ins.iloc[start:start + WRITE_CHUNK]))
    c["inserted"] += len(new_ids)
    ctx.unanalysed += len(new_ids)
    if self_refs or t.name in _NEEDED_AFTER[t.name]:  # else nothing later in the load looks these keys up
        existing_map.update(zip(to_insert["key"], new_ids))
    for start in range(0, len(new_ids), WRITE_CHUNK):
        part = to_insert.iloc[start:start + WRITE_CHUNK]
        _insert(ctx.conn, source_key, [
            {"entity": t.name, "source_key": k, "beacon_id": int(b), "change_marker": _opt(m), "content_hash": h,
             "batch_id": ctx.load_id}
            for k, b, m, h in zip(part["key"], new_ids[start:start + WRITE_CHUNK], part["marker"], part["hash"])])

    # Updates.
    upd = rec.loc[to_update.index].drop(columns=[x for x in ("recorded_at",) if x in rec.columns])
    if t.name in CRIME_PARTS and len(to_update):
        ctx.changed_crimes.update(r[0] for r in _ids_in(ctx.conn, beacon.c.id, to_update["beacon_id"],
                                                        beacon.c[CRIME_PARTS[t.name]]))
    records = _as_records(beacon, upd)
    for r, bid in zip(records, to_update["beacon_id"]):
        r["_id"] = int(bid)
    _update(ctx.conn, beacon, records, list(upd.columns))
    c["updated"] += len(records)
    _update(ctx.conn, source_key, [
        {"_id": int(s), "change_marker": _opt(m), "content_hash": h, "batch_id": ctx.load_id}
        for s, m, h in zip(to_update["sk_id"], to_update["marker"], to_update["hash"])],
        ["change_marker", "content_hash", "batch_id"])

    # Self-references, now every row of the table has its id.
    if self_refs:
        existing_map.update(zip(to_update["key"], (int(b) for b in to_update["beacon_id"])))
        written = pd.concat([to_insert["key"], to_update["key"]])
        fix = []
        for i, key in written.items():
            row = {"_id": int(existing_map[key])}
            for col in self_refs:
                ref = frame.at[i, col.name]
                row[col.into] = None if ref is None or pd.isna(ref) else existing_map.get(ref)
            fix.append(row)
        _update(ctx.conn, beacon, fix, [col.into for col in self_refs])

    # Changed crimes, for the caller to re-derive their tasks.
    if t.name == "crimes":
        ctx.changed_crimes.update(int(x) for x in new_ids)
        ctx.changed_crimes.update(int(x) for x in to_update["beacon_id"])
    elif t.name in CRIME_PARTS:
        ctx.changed_crimes.update(int(x) for x in ins[CRIME_PARTS[t.name]].dropna())
        ctx.changed_crimes.update(int(x) for x in upd[CRIME_PARTS[t.name]].dropna())

    # Declared deletions.
    if len(to_delete):
        c["deleted"] += _delete(ctx, t, beacon, to_delete, frame, quarantine, c)

    if t.name == "org_units" and (c["inserted"] or c["updated"] or c["deleted"]):
        _place_units(ctx.conn)


def _bytes(keys: pd.Series) -> np.ndarray:
    """Keys as a numpy array of UTF-8 bytes, each with an end mark."""
    # The end mark keeps a trailing NUL, which numpy's bytes type would drop, part of the key.
    return np.array([k.encode("utf-8", "surrogateescape") + b"\x01" for k in keys], dtype=bytes)


def _refuse_seen_keys(ctx: _Context, t: _Table, keys: pd.Series, live: pd.Series) -> None:
    """Quarantine a live key that an earlier slice of the table already had live."""
    mine = keys[live]
    if not len(mine) or not ctx.seen:
        return
    wanted = _bytes(mine)
    for earlier, lines, file in ctx.seen:
        at = np.searchsorted(earlier, wanted).clip(0, len(earlier) - 1)
        hit = earlier[at] == wanted
        for i, j in zip(mine.index[hit], at[hit]):
            if t.reasons.at[i] is None:
                t.reasons.at[i] = f"duplicate key: {keys[i]!r} also on line {lines[j]} of {file}"


def _remember_keys(ctx: _Context, t: _Table, keys: pd.Series, live: pd.Series) -> None:
    """Keep this slice's live keys, for the table's later slices to be checked against."""
    # Sorted arrays of bytes, as wide as the slice's longest key (~10-20 bytes for most extracts), rather
    # than a dict of strings (~150 bytes a key): a slice is checked against each earlier one by binary search.
    mine = keys[live]
    if not len(mine):
        return
    wanted = _bytes(mine)
    order = np.argsort(wanted, kind="stable")
    sheet = t.sheets[0].name if t.sheets else t.name
    ctx.seen.append((wanted[order], t.frame.loc[mine.index, "_line"].to_numpy()[order], sheet))


def _refuse_taken(ctx: _Context, t: _Table, contract: SourceTable, beacon, keys: pd.Series, deleted) -> None:
    """Quarantine a value Beacon keeps unique (a collar, a reference) that another record already holds."""
    frame, reasons = t.frame, t.reasons
    for col in contract.columns:
        if not col.stored or col.ref or col.name in contract.key or not beacon.c[col.into].unique:
            continue
        values = frame[col.name]
        live = reasons.isna() & ~deleted & values.notna()
        dup = live & values.where(live).duplicated(keep="first")
        first = {v: i for i, v in values[live & ~dup].items()}
        for i in dup[dup].index:
            j = first[values[i]]
            reasons.at[i] = (f"duplicate value: {col.name} {values[i]!r} is also on line {frame.at[j, '_line']} "
                             f"of {t.sheets[frame.at[j, '_sheet']].name}, and Beacon holds it once")
        wanted = sorted(first)
        held = {}
        for i in range(0, len(wanted), IN_CHUNK):
            held.update(ctx.conn.execute(select(beacon.c[col.into], beacon.c.id)
                                         .where(beacon.c[col.into].in_(wanted[i:i + IN_CHUNK]))).all())
        if not held:
            continue
        own = _resolve(ctx, t.name, keys)
        owners = values.map(held)
        taken = live & ~dup & owners.notna() & (own.isna() | own.ne(owners))
        for i in taken[taken].index:
            reasons.at[i] = (f"duplicate value: {col.name} {values[i]!r} is held by another {t.name} record "
                             f"already loaded (change that record first)")


def _opt(value):
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)[:64]


def _referrers(beacon) -> list:
    """(table, column) of every foreign key naming this table's id."""
    return [(t, fk.parent) for t in metadata.sorted_tables for fk in t.foreign_keys
            if fk.column.table is beacon and fk.column.name == "id"]


def _delete(ctx: _Context, t: _Table, beacon, to_delete: pd.DataFrame, frame, quarantine: list, c: dict) -> int:
    """Delete the Beacon rows the source declares deleted, with the rows they own; refuse ones still named."""
    ids = {int(b): k for b, k in zip(to_delete["beacon_id"], to_delete["key"])}
    owned = OWNED.get(beacon.name, ())
    owned_cols = {(tn, col) for tn, col in owned}
    blocked: dict = {}
    for table, column in _referrers(beacon):
        if (table.name, column.name) in owned_cols:
            continue
        for (ref,) in _ids_in(ctx.conn, column, ids, column):
            blocked.setdefault(int(ref), table.name)
    for bid, table_name in blocked.items():
        i = to_delete.index[to_delete["beacon_id"] == bid][0]
        sheet = t.sheets[frame.at[i, "_sheet"]]
        quarantine.append(_q(t.name, sheet.name, frame.at[i, "_line"],
                             f"still referenced: {ids[bid]!r} cannot be deleted while {table_name} rows name it",
                             readers.raw_row(sheet.frame, int(frame.at[i, "_pos"]), sheet.csv_like)))
        c["quarantined"] += 1
    gone = sorted(set(ids) - set(blocked))
    if not gone:
        return 0
    if beacon.name == "crime":
        for team, oic in _ids_in(ctx.conn, beacon.c.id, gone, beacon.c.team_id, beacon.c.oic_id):
            ctx.touched_teams.add(team)
            ctx.touched_officers.add(oic)
        ctx.changed_crimes.update(gone)
    if t.name in CRIME_PARTS:
        ctx.changed_crimes.update(r[0] for r in _ids_in(ctx.conn, beacon.c.id, gone, beacon.c[CRIME_PARTS[t.name]]))
    entity_of = {TABLES[n].beacon_table: n for n in TABLES}
    for table_name, column_name in owned:
        table = metadata.tables[table_name]
        column = table.c[column_name]
        dependants = [r[0] for r in _ids_in(ctx.conn, column, gone, table.c.id)]
        if table_name in entity_of and dependants:
            _delete_keys(ctx, entity_of[table_name], dependants)
        _delete_in(ctx.conn, table, table.c.id, dependants)
    _delete_keys(ctx, t.name, gone)
    return _delete_in(ctx.conn, beacon, beacon.c.id, gone)


def _delete_keys(ctx: _Context, entity: str, beacon_ids) -> None:
    ids = sorted(int(i) for i in beacon_ids)
    for i in range(0, len(ids), IN_CHUNK):
        ctx.conn.execute(source_key.delete().where(source_key.c.entity == entity,
                                                   source_key.c.beacon_id.in_(ids[i:i + IN_CHUNK])))
    if entity in ctx.keys:
        gone = set(ids)
        ctx.keys[entity] = {k: v for k, v in ctx.keys[entity].items() if v not in gone}


def _place_units(conn) -> None:
    """Set every unit's force, BCU and department from its parents (the tree may have moved)."""
    rows = {r.id: r for r in conn.execute(select(org_unit.c.id, org_unit.c.parent_id, org_unit.c.kind,
                                                 org_unit.c.force_id, org_unit.c.bcu_id, org_unit.c.department_id))}

    def above(uid: int, kind: str):
        seen = set()
        while uid is not None and uid not in seen:
            seen.add(uid)
            if rows[uid].kind == kind:
                return uid
            uid = rows[uid].parent_id if rows[uid].parent_id in rows else None
        return None

    changes = []
    for r in rows.values():
        # A unit carries itself as its own BCU or department, as the organisation tree reads them.
        place = {"force_id": above(r.id, "force"), "bcu_id": above(r.id, "bcu"),
                 "department_id": above(r.id, "department") if r.kind in ("team", "department") else None}
        if place != {"force_id": r.force_id, "bcu_id": r.bcu_id, "department_id": r.department_id}:
            changes.append({"_id": r.id, **place})
    _update(conn, org_unit, changes, ["force_id", "bcu_id", "department_id"])


def _one_load_at_a_time(conn) -> None:
    """On PostgreSQL, hold the load lock to the end of this transaction, or refuse when another load has it."""
    if conn.dialect.name != "postgresql":
        return  # SQLite: the write lock the load takes first already lets one writer in at a time
    if not conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOAD_LOCK_KEY}).scalar():
        raise LoadFailed("another load is in progress: try again when it has finished")


# The tables whose source keys a later table in the load order may name (so their key maps are kept).
_NEEDED_AFTER = {name: {col.ref for later in ORDER[i + 1:] for col in TABLES[later].columns if col.ref}
                 for i, name in enumerate(ORDER)}
# Tables read whole rather than in slices: a row may name another row of the same table (a unit's parent, an
# officer's line manager), or hold a value Beacon keeps unique (a collar), which is checked across the table.
WHOLE_TABLES = {name for name, contract in TABLES.items()
                if any(col.ref == name or (col.stored and not col.ref and col.name not in contract.key
                                           and metadata.tables[contract.beacon_table].c[col.into].unique)
                       for col in contract.columns)}


def _refresh_statistics(ctx: _Context) -> None:
    """On PostgreSQL, once the load has written ANALYZE_AFTER source keys, let the planner see them."""
    # A load writes hundreds of thousands of source keys in its one transaction, which autovacuum cannot see:
    # with the statistics of the table as it was, PostgreSQL looks each slice's keys up through the
    # (entity, beacon_id) index and reads every key of the entity per query (3 s each at 160,000 events).
    # ANALYZE in the same transaction samples its own new rows (~0.1 s); a small hourly load needs none.
    if ctx.conn.dialect.name == "postgresql" and ctx.unanalysed >= ANALYZE_AFTER:
        ctx.conn.execute(text("ANALYZE source_key"))
        ctx.unanalysed = 0


def _quiet(percent: int, label: str) -> None:
    """A progress report nobody reads (a load from the command line or a test)."""


def _run(conn, load_id: int, tables: dict, now, today, progress=_quiet) -> tuple[dict, list, set, _Context]:
    _one_load_at_a_time(conn)
    # A write first: on SQLite it takes the database's write lock for the whole load (see _new_ids).
    try:
        conn.execute(source_load.update().where(source_load.c.id == load_id).values(finished_at=None))
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        raise LoadFailed("another load (or another long write) held the database past the wait") from exc
    if not conn.execute(select(offence.c.code).limit(1)).first():
        load_reference(conn)  # a new database gets Beacon's default offence catalogue to check codes against
    ctx = _Context(conn=conn, load_id=load_id, now=now, today=today,
                   offence_codes=set(conn.execute(select(offence.c.code)).scalars()))
    counts, quarantine = {}, []
    present = [name for name in ORDER if name in tables]
    for step, name in enumerate(present):
        progress(10 + 65 * step // len(present),
                 f"reading and loading {name.replace('_', ' ')} (table {step + 1} of {len(present)})")
        # Each slice is read here and dropped after its load, so the largest slice bounds the memory.
        for piece in tables[name]():
            _refresh_statistics(ctx)
            _load_table(ctx, piece, counts, quarantine)
        ctx.seen.clear()
        for entity in set(ctx.keys) - _NEEDED_AFTER[name]:
            del ctx.keys[entity]  # no later table names these records: their key maps would only hold memory
    return counts, quarantine, ctx.changed_crimes, ctx


def _after(conn, ctx: _Context, counts: dict) -> None:
    """Tell caches what changed: the data version, the organisation, and the teams and officers of changed crimes."""
    changed = sum(c["inserted"] + c["updated"] + c["deleted"] for c in counts.values())
    if not changed:
        return
    if any(counts.get(n, {}).get(k) for n in ("org_units", "officers") for k in ("inserted", "updated", "deleted")):
        set_meta(conn, "org_version", f"ingest-{ctx.load_id}")
    live = sorted(ctx.changed_crimes)
    crime = metadata.tables["crime"]
    for team, oic in _ids_in(conn, crime.c.id, live, crime.c.team_id, crime.c.oic_id):
        ctx.touched_teams.add(team)
        ctx.touched_officers.add(oic)
    bump_team_versions(conn, ctx.touched_teams)
    bump_officer_versions(conn, [o for o in ctx.touched_officers if o is not None])
    bump_version(conn)


@long_statements()
def load_extract(store, mapping, source, actor=SYSTEM, *, dry_run: bool = False, derive: bool = True,
                 progress=_quiet) -> LoadResult:
    """Load (or with dry_run, only check) an extract: a folder of CSV/Parquet files or a staging database URL.

    mapping is a Mapping or the path of a mapping file. The whole load is one transaction; a failure is
    recorded in source_load (status 'failed', with the reason) and returned, and nothing of it stays. With
    derive the changed crimes' tasks are re-derived in the same transaction;
    otherwise result.changed_crime_ids says which crimes the caller should re-derive. progress(percent, label)
    hears each step (a load at force scale takes minutes).
    """
    mapping = mapping if isinstance(mapping, Mapping) else read_mapping(mapping)
    shown = shown_source(source)[:255]
    started = now_local()
    who = actor.username if actor else None
    result = LoadResult(None, "validated" if dry_run else "loaded", mapping.name, shown)
    if not dry_run:
        with store.engine.begin() as conn:
            result.load_id = conn.execute(source_load.insert().values(
                started_at=started, status="running", mapping=mapping.name[:80], source=shown,
                started_by=who)).inserted_primary_key[0]
    try:
        tables = _lazy_tables(mapping, source)
        if dry_run:
            with store.engine.connect() as conn:
                trans = conn.begin()
                try:
                    result.counts, result.quarantined, result.changed_crime_ids, _ctx = _run(conn, 0, tables, started,
                                                                                          store.today(), progress)
                finally:
                    trans.rollback()  # a dry run writes nothing to Beacon's tables
            with store.engine.begin() as conn:
                result.load_id = conn.execute(source_load.insert().values(
                    started_at=started, finished_at=now_local(), status="validated", mapping=mapping.name[:80],
                    source=shown, started_by=who, counts=json.dumps(result.counts),
                    message=_summary(result))).inserted_primary_key[0]
                _record_quarantine(conn, result)
                write_audit(conn, actor, "validate", "source_load", result.load_id,
                            detail={"mapping": mapping.name, "source": shown, **result.totals()})
            result.message = _summary(result)
            return result
        with store.engine.begin() as conn:
            result.counts, result.quarantined, result.changed_crime_ids, ctx = _run(conn, result.load_id, tables,
                                                                                    started, store.today(), progress)
            _after(conn, ctx, result.counts)
            if result.changed_crime_ids:
                # Beacon completions the source now shows (or contradicts) are settled first, so a confirmed
                # one is read from the source alone when the tasks are derived.
                progress(75, "reconciling Beacon's completions with the records")
                result.reconciled = reconcile(conn, store.settings, store.today(), result.changed_crime_ids)
            if derive and result.changed_crime_ids:
                result.derived = derive_tasks(
                    conn, store.settings, store.today(), sorted(result.changed_crime_ids),
                    progress=lambda done, total: progress(80 + 12 * done // total,
                                                          f"deriving the owed work ({done:,} of {total:,} crimes)"))
            mark_loaded(conn, now_local())
            result.message = _summary(result)
            _record_quarantine(conn, result)
            conn.execute(source_load.update().where(source_load.c.id == result.load_id).values(
                status="loaded", finished_at=now_local(), counts=json.dumps(result.counts), message=result.message))
            write_audit(conn, actor, "import", "source_load", result.load_id,
                        detail={"mapping": mapping.name, "source": shown, **result.totals()})
        return result
    except Exception as exc:  # noqa: BLE001 - any failure is recorded, and nothing of the load stays
        result.status = "failed"
        result.changed_crime_ids = set()
        result.message = (f"the load stopped ({type(exc).__name__}: {exc}); nothing of it was kept"[:4000]
                          if not isinstance(exc, LoadFailed) else f"{exc}; nothing of it was kept")
        detail = traceback.format_exc(limit=3)
        with store.engine.begin() as conn:
            values = dict(status="failed", finished_at=now_local(), message=result.message + "\n" + detail)
            if result.load_id is None:
                result.load_id = conn.execute(source_load.insert().values(
                    started_at=started, mapping=mapping.name[:80], source=shown, started_by=who, **values)
                ).inserted_primary_key[0]
            else:
                conn.execute(source_load.update().where(source_load.c.id == result.load_id).values(**values))
            write_audit(conn, actor, "import", "source_load", result.load_id,
                        detail={"mapping": mapping.name, "source": shown, "status": "failed",
                                "message": result.message})
        return result


def validate_extract(store, mapping, source, actor=SYSTEM) -> LoadResult:
    """Check an extract as a load would, and record the quarantine, writing nothing to Beacon's tables."""
    return load_extract(store, mapping, source, actor, dry_run=True)


def _record_quarantine(conn, result: LoadResult) -> None:
    rows = [dict(r, load_id=result.load_id) for r in result.quarantined]
    for i in range(0, len(rows), 5000):
        conn.execute(source_quarantine.insert(), rows[i:i + 5000])


def _summary(result: LoadResult) -> str:
    t = result.totals()
    verb = "would change" if result.status == "validated" else "changed"
    return (f"{t['read']:,} rows read: {t['inserted']:,} inserted, {t['updated']:,} updated, "
            f"{t['unchanged']:,} unchanged, {t['deleted']:,} deleted, {t['quarantined']:,} quarantined "
            f"({verb} {result.changed:,}; {len(result.changed_crime_ids):,} crimes)")


def recent_loads(store, limit: int = 20) -> list[dict]:
    """The newest loads, newest first, with their counts."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(source_load).order_by(source_load.c.id.desc()).limit(limit)).mappings().all()
    return [dict(r, counts=json.loads(r["counts"]) if r["counts"] else {}) for r in rows]

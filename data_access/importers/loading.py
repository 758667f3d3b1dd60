"""Loading a parsed file: short write transactions under a batch no reader sees until one last one marks it loaded.

A batch is written with status 'loading' in transactions of at most LOAD_BATCH_ROWS rows, so on SQLite
other writers (a completed task, a sign-in) wait for one short transaction, never for the whole file.
Every read of the bench_* tables takes only rows of 'loaded' batches, so nobody sees part of a file; one
final short transaction marks the batch 'loaded'. A load that fails is marked 'discarding' and its rows
are deleted, again in short transactions, then it is marked 'failed'. Removing an import works the same
way ('removing', then 'removed'). Whatever a stopped process left part way is finished by the next import:
a load cut off is known by its stale heartbeat.
"""

import json
import math
from collections import Counter
from datetime import timedelta

from sqlalchemy import Integer, String, select

from data_access.audit import write_audit
from data_access.clock import now_local
from data_access.importers.base import Parsed, ensure_forces
from data_access.schema_strategic import IMPORTED_TABLES, import_batch, import_quarantine
from data_access.store import bump_version

LOAD_BATCH_ROWS = 1000  # rows written per transaction (see docs/strategic.md for the lock time it gives)
RAW_LIMIT = 2000  # characters of a quarantined line kept; enough to see what was wrong
FILE_NAME_LIMIT = import_batch.c.file_name.type.length  # 255: the longest file name recorded
# A load whose heartbeat (import_batch.imported_at, moved on by every batch) is older than this was cut off.
LOADING_STALE_SECONDS = 600
IN_CHUNK = 900  # keys per IN (...) list: under SQLite's bound-parameter limit on every version
INT_RANGE = (-2**31, 2**31 - 1)  # an INTEGER column on PostgreSQL
# A batch hidden from readers while its rows are deleted, and what it becomes once they are gone.
EMPTYING = {"discarding": "failed", "removing": "removed"}


class Conflict(Exception):
    """Rows of this file belong to another import that has not finished; the message says which."""


def printable(text: str) -> str:
    """Text safe to store on either database: PostgreSQL refuses NUL in text, so it is shown as \\x00."""
    return (text or "").replace("\x00", "\\x00")


def file_name_problem(file_name: str) -> str | None:
    """Why a file name cannot be recorded, in words for the person importing it; None when it can."""
    if len(file_name) > FILE_NAME_LIMIT:
        return (f"the file name is {len(file_name):,} characters long; Beacon records names of at most "
                f"{FILE_NAME_LIMIT} characters: rename the file and import it again")
    if any(ord(c) < 32 or ord(c) == 127 for c in file_name):
        return "the file name contains a control character (such as NUL): rename the file and import it again"
    return None


def recorded_name(file_name: str) -> str:
    """The file name as the history records it: control characters shown, and short enough to fit."""
    name = "".join(c if ord(c) >= 32 and ord(c) != 127 else f"\\x{ord(c):02x}" for c in file_name)
    return name if len(name) <= FILE_NAME_LIMIT else name[:FILE_NAME_LIMIT - 3] + "..."


def _report(batch_id, kind, file_name, status, message, read=0, loaded=0, quarantined=0, duplicated=0,
            notes=None, reasons=None) -> dict:
    return {"batch_id": batch_id, "kind": kind, "file_name": file_name, "status": status, "message": message,
            "rows_read": read, "rows_loaded": loaded, "rows_quarantined": quarantined,
            "rows_duplicated": duplicated, "notes": notes or {}, "reasons": reasons or {}}


def already_imported(store, kind: str, digest: str) -> dict | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(import_batch).where(
            import_batch.c.file_hash == digest, import_batch.c.kind == kind,
            import_batch.c.status == "loaded")).mappings().first()
    return dict(row) if row else None


def duplicate_file_report(kind: str, file_name: str, earlier: dict) -> dict:
    """The answer for a file already loaded: nothing changes, and the earlier batch is named."""
    return _report(earlier["id"], kind, file_name, "already_imported",
                   f"this file was already imported on {earlier['imported_at']:%d %b %Y %H:%M} "
                   f"as batch {earlier['id']} ({earlier['file_name']}); nothing changed",
                   earlier["rows_read"], 0, 0, earlier["rows_read"])


def reject(store, actor, kind: str, file_name: str, digest: str, message: str) -> dict:
    """Record a file refused whole (unsupported layout) and say why."""
    message = printable(message)
    with store.engine.begin() as conn:
        batch_id = conn.execute(import_batch.insert().values(
            kind=kind, file_name=recorded_name(file_name), file_hash=digest, status="rejected", message=message,
            imported_by=actor.username if actor else "command line", imported_at=now_local())
        ).inserted_primary_key[0]
        write_audit(conn, actor, "import", "import_batch", batch_id,
                    detail={"status": "rejected", "file": recorded_name(file_name)})
    return _report(batch_id, kind, recorded_name(file_name), "rejected", message)


def _limits(table) -> tuple[dict, set]:
    strings = {c.name: c.type.length for c in table.columns if isinstance(c.type, String) and c.type.length}
    integers = {c.name for c in table.columns if isinstance(c.type, Integer)}
    return strings, integers


def misfit(record: dict, strings: dict, integers: set) -> str | None:
    """Why a record cannot be stored as it is on both databases (NUL, too long, out of range), or None."""
    for name, value in record.items():
        if isinstance(value, str):
            if "\x00" in value:
                return f"bad character: a NUL byte in {name}"
            if name in strings and len(value) > strings[name]:
                return f"value too long: {name} has {len(value):,} characters, at most {strings[name]} fit"
        elif isinstance(value, float) and not math.isfinite(value):
            return f"non-numeric count: {name} is {value}"
        elif isinstance(value, int) and not isinstance(value, bool) and name in integers \
                and not INT_RANGE[0] <= value <= INT_RANGE[1]:
            return f"number out of range: {name} {value:,}"
    return None


def fit_columns(table, lines: list) -> None:
    """Quarantine every line with a record the table cannot hold, rather than fail the whole load at the driver."""
    strings, integers = _limits(table)
    for line in lines:
        if line.reason is None:
            reason = next((r for r in (misfit(rec, strings, integers) for rec in line.records) if r), None)
            if reason:
                line.reason, line.records = reason, []


def load(store, actor, kind: str, table, file_name: str, digest: str, parsed: Parsed, progress=None) -> dict:
    """Load good lines in short batches, quarantine the rest, skip rows already loaded; counts back.

    Readers see nothing of the file until its last transaction; on failure nothing of it stays.
    """
    fit_columns(table, parsed.lines)
    finish_unfinished(store)
    batch_id = _open(store, actor, kind, file_name, digest)
    try:
        counts, rests_on = _write(store, table, batch_id, file_name, parsed.lines, progress)
    except Conflict as exc:
        _abandon(store, actor, batch_id, "rejected", str(exc))
        return _report(batch_id, kind, file_name, "rejected", str(exc))
    except BaseException as exc:
        _abandon(store, actor, batch_id, "failed", f"the load stopped ({type(exc).__name__}); nothing of it was kept")
        raise
    reasons = Counter(ln.reason.split(":")[0] for ln in parsed.lines if ln.reason)
    notes = {k: dict(v.most_common()) for k, v in parsed.notes.items()}
    message = "; ".join(parsed.warnings)
    try:
        _finish(store, actor, batch_id, kind, file_name, counts, notes, reasons, rests_on, message)
    except BaseException as exc:
        _abandon(store, actor, batch_id, "failed", f"the load stopped ({type(exc).__name__}); nothing of it was kept")
        raise
    return _report(batch_id, kind, file_name, "loaded", message, counts["rows_read"], counts["rows_loaded"],
                   counts["rows_quarantined"], counts["rows_duplicated"], notes, dict(reasons))


def _open(store, actor, kind, file_name, digest) -> int:
    with store.engine.begin() as conn:
        ensure_forces(conn)
        return conn.execute(import_batch.insert().values(
            kind=kind, file_name=file_name, file_hash=digest, status="loading",
            imported_by=actor.username if actor else "command line", imported_at=now_local())
        ).inserted_primary_key[0]


def _owners(conn, table, keys: list) -> dict:
    """Row key -> (batch, its status) for the keys already in the table; rows of batch 0 are administrators' own."""
    found: dict = {}
    owner = table.outerjoin(import_batch, import_batch.c.id == table.c.batch_id)
    for i in range(0, len(keys), IN_CHUNK):
        rows = conn.execute(select(table.c.row_key, table.c.batch_id, import_batch.c.status).select_from(owner)
                            .where(table.c.row_key.in_(keys[i:i + IN_CHUNK]))).all()
        found.update({key: (batch, status or "loaded") for key, batch, status in rows})
    return found


def _beat(conn, batch_id: int, status: str = "loading") -> None:
    """Move the batch's heartbeat on; a batch taken over as cut off stops this load."""
    if not conn.execute(import_batch.update().where(import_batch.c.id == batch_id, import_batch.c.status == status)
                        .values(imported_at=now_local())).rowcount:
        raise RuntimeError(f"import {batch_id} was taken for cut off while it loaded")


def _write(store, table, batch_id: int, file_name: str, lines: list, progress) -> tuple[dict, set]:
    """Write the lines' records and quarantined lines, LOAD_BATCH_ROWS rows per transaction."""
    seen: set = set()  # keys this file has written: a later identical key in it is its own duplicate
    rests_on: set = set()  # earlier batches owning rows this file also holds: removing one affects it
    counts = Counter(rows_read=len(lines), rows_loaded=0, rows_quarantined=0, rows_duplicated=0)
    total = max(len(lines), 1)
    start = 0
    while start < len(lines):
        end, size = start, 0
        while end < len(lines) and size < LOAD_BATCH_ROWS:
            size += len(lines[end].records) or 1
            end += 1
        chunk = lines[start:end]
        keys = [r["row_key"] for ln in chunk if ln.reason is None for r in ln.records if r["row_key"] not in seen]
        with store.engine.begin() as conn:
            owners = _owners(conn, table, keys)
            fresh, bad = [], []
            for ln in chunk:
                if ln.reason:
                    bad.append({"batch_id": batch_id, "file_name": file_name, "line_number": ln.number,
                                "reason": printable(ln.reason)[:255], "raw_row": printable(ln.raw[:RAW_LIMIT])})
                    continue
                taken = [owners[r["row_key"]] for r in ln.records if r["row_key"] in owners]
                unfinished = next((b for b, status in taken if status != "loaded"), None)
                if unfinished is not None:
                    raise Conflict(f"rows of this file belong to import {unfinished}, which has not finished "
                                   "loading or being removed; import this file again once it has")
                rests_on.update(b for b, _status in taken)
                new = [r for r in ln.records if r["row_key"] not in seen and r["row_key"] not in owners]
                seen.update(r["row_key"] for r in new)
                if new:
                    counts["rows_loaded"] += 1
                    fresh.extend(dict(r, batch_id=batch_id) for r in new)
                else:
                    counts["rows_duplicated"] += 1
            if fresh:
                conn.execute(table.insert(), fresh)
            if bad:
                conn.execute(import_quarantine.insert(), bad)
            counts["rows_quarantined"] += len(bad)
            _beat(conn, batch_id)
        start = end
        if progress:
            progress(min(0.95, 0.5 + 0.45 * end / total), f"loaded {end:,} of {len(lines):,} rows")
    return dict(counts), rests_on


def _finish(store, actor, batch_id, kind, file_name, counts, notes, reasons, rests_on, message) -> None:
    """The one transaction that shows the whole file to readers."""
    with store.engine.begin() as conn:
        shown = conn.execute(import_batch.update().where(
            import_batch.c.id == batch_id, import_batch.c.status == "loading").values(
            status="loaded", message=message or None, imported_at=now_local(), **counts,
            detail=json.dumps({"notes": notes, "reasons": dict(reasons),
                               "rests_on": sorted(int(b) for b in rests_on)}))).rowcount
        if not shown:
            raise RuntimeError(f"import {batch_id} was taken for cut off while it loaded")
        write_audit(conn, actor, "import", "import_batch", batch_id, detail={"kind": kind, "file": file_name, **counts})
        if counts["rows_loaded"]:
            bump_version(conn)


def _abandon(store, actor, batch_id: int, status: str, message: str) -> None:
    """Mark a load that did not finish as being discarded, delete its rows in short transactions, then close it."""
    try:
        with store.engine.begin() as conn:
            conn.execute(import_batch.update().where(import_batch.c.id == batch_id,
                                                     import_batch.c.status == "loading")
                         .values(status="discarding", message=message))
        delete_batch_rows(store, batch_id, (*IMPORTED_TABLES, import_quarantine))
        _close(store, actor, batch_id, "discarding", status, message)
    except Exception:  # noqa: BLE001 - the database may be what failed: the next import finishes the job
        pass


def _close(store, actor, batch_id: int, was: str, status: str, message: str | None = None) -> None:
    """Give an emptied batch its final status, once: whoever emptied it first closes it."""
    values = {"status": status} if was == "removing" else \
        {"status": status, "rows_read": 0, "rows_loaded": 0, "rows_quarantined": 0, "rows_duplicated": 0}
    with store.engine.begin() as conn:
        closed = conn.execute(import_batch.update().where(import_batch.c.id == batch_id,
                                                          import_batch.c.status == was).values(**values)).rowcount
        if closed and was == "discarding":
            write_audit(conn, actor, "import", "import_batch", batch_id, detail={"status": status, "message": message})


def delete_batch_rows(store, batch_id: int, tables=IMPORTED_TABLES, progress=None) -> dict:
    """Delete a batch's rows from the tables, LOAD_BATCH_ROWS per transaction; rows deleted per table.

    The batch must already be hidden from readers (any status but 'loaded'), so nobody sees it half gone;
    deleting is idempotent, so two processes finishing the same batch do no harm.
    """
    deleted: Counter = Counter()
    for table in tables:
        while True:
            with store.engine.begin() as conn:
                ids = conn.execute(select(table.c.id).where(table.c.batch_id == batch_id)
                                   .limit(LOAD_BATCH_ROWS)).scalars().all()
                for i in range(0, len(ids), IN_CHUNK):
                    gone = conn.execute(table.delete().where(table.c.id.in_(ids[i:i + IN_CHUNK])))
                    deleted[table.name] += gone.rowcount
            if not ids:
                break
            if progress:
                progress(sum(deleted.values()), table.name)
    return dict(deleted)


def finish_unfinished(store) -> list[int]:
    """Empty and close the batches left part way: loads cut off (no heartbeat for LOADING_STALE_SECONDS), and
    loads being discarded or imports being removed when their process stopped. Returns their ids."""
    stale = (import_batch.c.status == "loading") & \
        (import_batch.c.imported_at < now_local() - timedelta(seconds=LOADING_STALE_SECONDS))
    with store.engine.connect() as conn:
        found = conn.execute(select(import_batch.c.id, import_batch.c.status)
                             .where(stale | import_batch.c.status.in_(EMPTYING))).all()
    finished = []
    for batch_id, status in found:
        message = "the load was cut off part way (the process stopped); nothing of it was kept"
        if status == "loading":
            with store.engine.begin() as conn:
                # Claimed with the same condition: of two imports finding it, one discards it.
                if not conn.execute(import_batch.update().where(import_batch.c.id == batch_id, stale)
                                    .values(status="discarding", message=message)).rowcount:
                    continue
            status = "discarding"
        tables = IMPORTED_TABLES if status == "removing" else (*IMPORTED_TABLES, import_quarantine)
        delete_batch_rows(store, batch_id, tables)
        _close(store, None, batch_id, status, EMPTYING[status], message)
        finished.append(batch_id)
    return finished

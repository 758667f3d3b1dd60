"""Loading a parsed file: quarantined lines kept with their reasons, good rows loaded, and what neither
database can hold (a NUL byte, a value longer than its column, a number out of range) quarantined first."""

import json
import math
from collections import Counter

from sqlalchemy import Integer, String, select

from data_access.audit import write_audit
from data_access.clock import now_local
from data_access.importers.base import Parsed, ensure_forces
from data_access.schema_strategic import import_batch, import_quarantine
from data_access.store import bump_version

CHUNK = 5000
RAW_LIMIT = 2000  # characters of a quarantined line kept; enough to see what was wrong
FILE_NAME_LIMIT = import_batch.c.file_name.type.length  # 255: the longest file name recorded
INT_RANGE = (-2**31, 2**31 - 1)  # an INTEGER column on PostgreSQL


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


def _existing_keys(conn, table, keys: list) -> dict:
    """Row key -> the batch that loaded it, for the keys already in the table."""
    found: dict = {}
    for i in range(0, len(keys), 900):
        chunk = keys[i:i + 900]
        found.update(conn.execute(select(table.c.row_key, table.c.batch_id).where(table.c.row_key.in_(chunk))).all())
    return found


def load(store, actor, kind: str, table, file_name: str, digest: str, parsed: Parsed, progress=None) -> dict:
    """Load good lines in one transaction, quarantine the rest, skip rows already loaded; counts back."""
    fit_columns(table, parsed.lines)
    lines = parsed.lines
    good = [ln for ln in lines if ln.reason is None]
    keys = [r["row_key"] for ln in good for r in ln.records]
    reasons = Counter(ln.reason.split(":")[0] for ln in lines if ln.reason)
    message = "; ".join(parsed.warnings)
    with store.engine.begin() as conn:
        ensure_forces(conn)
        existing = _existing_keys(conn, table, keys)
        batch_id = conn.execute(import_batch.insert().values(
            kind=kind, file_name=file_name, file_hash=digest, status="loaded", message=message or None,
            imported_by=actor.username if actor else "command line", imported_at=now_local())
        ).inserted_primary_key[0]
        fresh, loaded, duplicated = [], 0, 0
        seen: set = set(existing)
        rests_on: set = set()  # earlier batches owning rows this file also holds: removing one affects it
        for ln in good:
            new = [r for r in ln.records if r["row_key"] not in seen]
            seen.update(r["row_key"] for r in new)
            rests_on.update(existing[r["row_key"]] for r in ln.records if r["row_key"] in existing)
            if new:
                loaded += 1
                fresh.extend(dict(r, batch_id=batch_id) for r in new)
            else:
                duplicated += 1
        for i in range(0, len(fresh), CHUNK):
            conn.execute(table.insert(), fresh[i:i + CHUNK])
            if progress:
                progress(min(0.95, 0.5 + 0.45 * (i + CHUNK) / max(len(fresh), 1)), f"loaded {i + CHUNK:,} records")
        bad = [{"batch_id": batch_id, "file_name": file_name, "line_number": ln.number,
                "reason": printable(ln.reason)[:255], "raw_row": printable(ln.raw[:RAW_LIMIT])}
               for ln in lines if ln.reason]
        for i in range(0, len(bad), CHUNK):
            conn.execute(import_quarantine.insert(), bad[i:i + CHUNK])
        notes = {k: dict(v.most_common()) for k, v in parsed.notes.items()}
        counts = {"rows_read": len(lines), "rows_loaded": loaded, "rows_quarantined": len(bad),
                  "rows_duplicated": duplicated}
        conn.execute(import_batch.update().where(import_batch.c.id == batch_id).values(
            **counts, detail=json.dumps({"notes": notes, "reasons": dict(reasons),
                                         "rests_on": sorted(int(b) for b in rests_on)})))
        write_audit(conn, actor, "import", "import_batch", batch_id, detail={"kind": kind, "file": file_name, **counts})
        if fresh:
            bump_version(conn)
    return _report(batch_id, kind, file_name, "loaded", message, len(lines), loaded, len(bad), duplicated,
                   notes, dict(reasons))

"""What every importer shares: decoding, CSV lines with numbers, row keys, and the one load transaction."""

import csv
import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from data_access.audit import write_audit
from data_access.clock import now_local
from data_access.permissions import require
from data_access.forces import FORCES
from data_access.schema_strategic import bench_force, import_batch, import_quarantine
from data_access.store import bump_version

CHUNK = 5000
RAW_LIMIT = 2000  # characters of a quarantined line kept; enough to see what was wrong


class LayoutError(ValueError):
    """The file is not in a layout this importer understands; the message says what was expected."""


@dataclass
class Line:
    """One data line of a file: its records (a line may give several) or the reason it was refused."""

    number: int
    raw: str
    records: list = field(default_factory=list)
    reason: str | None = None


@dataclass
class Parsed:
    """A parsed file: its lines and what was noticed but not refused (unknown labels, by count)."""

    lines: list
    notes: dict = field(default_factory=dict)

    def note(self, kind: str, value: str) -> None:
        self.notes.setdefault(kind, Counter())[value] += 1


def decode(data: bytes) -> str:
    """Text of a file: UTF-8 with or without a byte-order mark, else Windows-1252 (old Excel exports)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def csv_lines(text: str):
    """(line number, raw text, fields) for every non-blank CSV record after the header, and the header.

    newline='' lets the csv module end lines at CRLF, LF or a lone CR (old Mac exports) alike.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise LayoutError("the file is empty") from None
    prev = reader.line_num

    def rows():
        nonlocal prev
        for fields in reader:
            start, prev = prev + 1, reader.line_num
            if not fields or all(not f.strip() for f in fields):
                continue
            yield start, ",".join(fields), fields
    return header, rows()


def require_columns(header: list, needed: tuple, what: str) -> dict:
    """Column positions by name; LayoutError naming the expected layout when any is missing."""
    pos = {name: i for i, name in enumerate(header)}
    missing = [n for n in needed if n not in pos]
    if missing:
        raise LayoutError(f"unsupported layout: expected {what} with columns {', '.join(needed)}; "
                          f"missing {', '.join(missing)} (found {', '.join(h for h in header if h) or 'nothing'})")
    return pos


def row_key(*parts) -> str:
    """A 128-bit key of the parts: short keys keep the unique index small on a large table."""
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).hexdigest()


class Occurrences:
    """Numbers identical lines within one file, so two real identical rows keep two keys."""

    def __init__(self):
        self._seen: Counter = Counter()

    def key(self, *parts) -> str:
        text = "\x1f".join(map(str, parts))
        self._seen[text] += 1
        return row_key(text, self._seen[text])


def parse_int(text: str) -> int:
    """A whole count from text with padding spaces, thousands commas or a trailing '.0'."""
    cleaned = (text or "").strip().replace(",", "")
    if re.fullmatch(r"-?\d+(\.0+)?", cleaned) is None:
        raise ValueError(f"not a whole number: {text!r}")
    return int(float(cleaned))


def parse_float(text: str) -> float:
    cleaned = (text or "").strip().replace(",", "")
    value = float(cleaned)
    if value != value:  # NaN
        raise ValueError("not a number")
    return value


MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> str:
    """'YYYY-MM' checked, and not after this month, else ValueError."""
    m = MONTH_RE.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"bad month {text!r} (expected YYYY-MM)")
    if m.group(0) > f"{now_local():%Y-%m}":
        raise ValueError(f"month {m.group(0)} is in the future")
    return m.group(0)


def width_reason(fields: list, header: list) -> str | None:
    """Why a row's field count does not fit the header (a shifted column loads wrong numbers), or None."""
    if len(fields) < len(header):
        return f"truncated row: {len(fields)} fields, expected {len(header)}"
    if len(fields) > len(header) and any(f.strip() for f in fields[len(header):]):
        return f"too many fields: {len(fields)}, expected {len(header)}"
    return None


def future_fin_year(fin_year: str) -> bool:
    """True for a financial year ('2031/32') that has not begun yet: published figures cannot cover it."""
    return fin_year[:4] > fin_year_of(now_local().date())[:4]


def fin_year_of(day: date) -> str:
    """Financial year (April to March) as '2017/18'."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def fin_year_of_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return fin_year_of(date(year, mon, 1))


def ensure_forces(conn) -> None:
    """Fill the force reference table the first time anything needs it."""
    have = {r[0] for r in conn.execute(select(bench_force.c.code))}
    missing = [{"code": c, "name": n, "region": r} for c, n, r in FORCES if c not in have]
    if missing:
        conn.execute(bench_force.insert(), missing)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _existing_keys(conn, table, keys: list) -> dict:
    """Row key -> the batch that loaded it, for the keys already in the table."""
    found: dict = {}
    for i in range(0, len(keys), 900):
        chunk = keys[i:i + 900]
        found.update(conn.execute(select(table.c.row_key, table.c.batch_id).where(table.c.row_key.in_(chunk))).all())
    return found


def _report(batch_id, kind, file_name, status, message, read=0, loaded=0, quarantined=0, duplicated=0,
            notes=None, reasons=None) -> dict:
    return {"batch_id": batch_id, "kind": kind, "file_name": file_name, "status": status, "message": message,
            "rows_read": read, "rows_loaded": loaded, "rows_quarantined": quarantined,
            "rows_duplicated": duplicated, "notes": notes or {}, "reasons": reasons or {}}


def check_admin(actor) -> None:
    """Only administrators, or the command line acting as the system actor, may import."""
    require(actor, "strategic.admin", reason="only administrators may import benchmark data")


def already_imported(store, kind: str, digest: str) -> dict | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(import_batch).where(
            import_batch.c.file_hash == digest, import_batch.c.kind == kind,
            import_batch.c.status == "loaded")).mappings().first()
    return dict(row) if row else None


def reject(store, actor, kind: str, file_name: str, digest: str, message: str) -> dict:
    """Record a file refused whole (unsupported layout) and say why."""
    with store.engine.begin() as conn:
        batch_id = conn.execute(import_batch.insert().values(
            kind=kind, file_name=file_name, file_hash=digest, status="rejected", message=message,
            imported_by=actor.username if actor else "command line", imported_at=now_local())
        ).inserted_primary_key[0]
        write_audit(conn, actor, "import", "import_batch", batch_id, detail={"status": "rejected", "file": file_name})
    return _report(batch_id, kind, file_name, "rejected", message)


def load(store, actor, kind: str, table, file_name: str, digest: str, parsed: Parsed, progress=None) -> dict:
    """Load good lines in one transaction, quarantine the rest, skip rows already loaded; counts back."""
    lines = parsed.lines
    good = [ln for ln in lines if ln.reason is None]
    keys = [r["row_key"] for ln in good for r in ln.records]
    reasons = Counter(ln.reason.split(":")[0] for ln in lines if ln.reason)
    with store.engine.begin() as conn:
        ensure_forces(conn)
        existing = _existing_keys(conn, table, keys)
        batch_id = conn.execute(import_batch.insert().values(
            kind=kind, file_name=file_name, file_hash=digest, status="loaded",
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
        bad = [{"batch_id": batch_id, "file_name": file_name[:255], "line_number": ln.number,
                "reason": ln.reason[:255], "raw_row": ln.raw[:RAW_LIMIT]} for ln in lines if ln.reason]
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
    return _report(batch_id, kind, file_name, "loaded", "", len(lines), loaded, len(bad), duplicated,
                   notes, dict(reasons))


def duplicate_file_report(kind: str, file_name: str, earlier: dict) -> dict:
    """The answer for a file already loaded: nothing changes, and the earlier batch is named."""
    return _report(earlier["id"], kind, file_name, "already_imported",
                   f"this file was already imported on {earlier['imported_at']:%d %b %Y %H:%M} "
                   f"as batch {earlier['id']} ({earlier['file_name']}); nothing changed",
                   earlier["rows_read"], 0, 0, earlier["rows_read"])

"""What every importer shares: decoding, CSV lines with numbers, dates and force names, and row keys."""

import codecs
import csv
import hashlib
import io
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from data_access.clock import now_local
from data_access.forces import FORCES, classify, reason_for
from data_access.permissions import require
from data_access.schema_strategic import bench_force

FOUND_LIMIT = 300  # characters of a bad header echoed back in a refusal: enough to recognise it


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
    """A parsed file: its lines, what was noticed but not refused (by count), and warnings for the report."""

    lines: list
    notes: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    def note(self, kind: str, value: str) -> None:
        self.notes.setdefault(kind, Counter())[value] += 1


# Byte-order marks, longest first: a UTF-32 mark begins with the UTF-16 one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
         (codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))


def decode(data: bytes) -> str:
    """Text of a file: the encoding its byte-order mark names (UTF-8, UTF-16 or UTF-32, either byte order),
    else UTF-8, else Windows-1252 (old Excel exports)."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise LayoutError(f"the file starts with a {name} byte-order mark but is not valid {name} "
                                  f"(byte {exc.start + len(bom):,}): save it again as UTF-8 CSV") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class _PhysicalLines:
    """The file's lines, numbered, as the csv reader asks for them; notices when it asks past the end mid-record.

    The csv module only asks for another line inside a record when a quote is open, so being asked past the
    last line with a record under way means a quote that never closes.
    """

    def __init__(self, text: str):
        # newline='' ends lines at CRLF, LF or a lone CR (old Mac exports) alike, and keeps the ending.
        self._lines = io.StringIO(text, newline="")
        self.number = 0
        self.pending: list[str] = []  # physical lines of the record being read
        self.unclosed = False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        text = self._lines.readline()
        if not text:
            self.unclosed = bool(self.pending)
            raise StopIteration
        self.number += 1
        self.pending.append(text)
        return text

    def take(self) -> tuple[int, list[str]]:
        """(first line number, physical lines) of the record just read, and start the next one."""
        lines, self.pending = self.pending, []
        return self.number - len(lines) + 1, lines

    def rest(self) -> list[str]:
        """Every line not yet read."""
        lines = self._lines.readlines()
        self.number += len(lines)
        return lines


def _unclosed_span(first: int, lines: list[str], why: str) -> list:
    """One quarantined Line per physical line of a record whose quote never closes, each naming the span."""
    last = first + len(lines) - 1
    span = f"line {first:,}" if first == last else f"lines {first:,}-{last:,}"
    reason = f"unclosed quote: {span} ({why})"
    return [Line(first + i, text.rstrip("\r\n"), reason=reason) for i, text in enumerate(lines)], \
        f"{span}: unclosed quote; {len(lines):,} line(s) quarantined"


def csv_lines(text: str, parsed: Parsed | None = None):
    """The header, and (Line, fields) for every non-blank CSV record after it.

    Every physical line is accounted for: a record whose quote never closes (the file ends inside it, or a
    field outgrows the csv module's limit) becomes one quarantined Line per physical line it swallowed, and
    the span goes into parsed.warnings. A field holding a NUL byte quarantines its row (PostgreSQL cannot
    store one, and no real file has one).
    """
    source = _PhysicalLines(text)
    reader = csv.reader(source)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise LayoutError("the file is empty") from None
    except csv.Error as exc:
        raise LayoutError(f"the header is not valid CSV ({exc}); look for an unclosed quote on line 1") from None
    if source.unclosed:
        raise LayoutError("unclosed quote in the header: a quote opened on line 1 never closes")
    source.take()

    def give_up(first: int, lines: list, why: str):
        """The rest of the file quarantined line by line from an unclosed quote, its span warned about."""
        quarantined, warning = _unclosed_span(first, lines, why)
        if parsed is not None:
            parsed.warnings.append(warning)
        for line in quarantined:
            yield line, None

    def rows():
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error:
                # A quoted field ran past the csv module's limit: the quote does not close in any sane distance.
                first, lines = source.take()
                yield from give_up(first, lines + source.rest(), f"the quote opened in the record starting on "
                                   f"line {first:,} runs past {csv.field_size_limit():,} characters")
                return
            first, lines = source.take()
            if source.unclosed:
                yield from give_up(first, lines, f"the quote opened in the record starting on line {first:,} "
                                   f"never closes")
                return
            if not fields or all(not f.strip() for f in fields):
                continue
            line = Line(first, ",".join(fields))
            bad = next((i for i, f in enumerate(fields) if "\x00" in f), None)
            if bad is not None:
                line.reason = f"bad character: a NUL byte in field {bad + 1} ({_column(header, bad)})"
                yield line, None
                continue
            yield line, fields
    return header, rows()


def _column(header: list, index: int) -> str:
    return repr(header[index]) if index < len(header) else "beyond the header"


def data_rows(parsed: Parsed, rows, header: list):
    """Record every line in parsed; yield (line, fields) for those that are readable and as wide as the header."""
    for line, fields in rows:
        parsed.lines.append(line)
        if line.reason is None:
            line.reason = width_reason(fields, header)
        if line.reason is None:
            yield line, fields


def require_columns(header: list, needed: tuple, what: str) -> dict:
    """Column positions by name; LayoutError naming the expected layout when any is missing."""
    pos = {name: i for i, name in enumerate(header)}
    missing = [n for n in needed if n not in pos]
    if missing:
        raise LayoutError(f"unsupported layout: expected {what} with columns {', '.join(needed)}; "
                          f"missing {', '.join(missing)} (found {found(header)})")
    return pos


def found(header: list) -> str:
    """A header as echoed in a refusal: shortened, so a binary file does not fill the screen."""
    text = ", ".join(h for h in header if h) or "nothing"
    return text if len(text) <= FOUND_LIMIT else text[:FOUND_LIMIT] + "..."


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
    """A finite number from text with padding spaces or thousands commas; 'inf' and 'nan' are refused."""
    cleaned = (text or "").strip().replace(",", "")
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return value


MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
FY_RE = re.compile(r"^(\d{4})/(\d{2})$")


def parse_month(text: str) -> str:
    """'YYYY-MM' checked, and not after this month, else ValueError."""
    m = MONTH_RE.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"bad month {text!r} (expected YYYY-MM)")
    if m.group(0) > f"{now_local():%Y-%m}":
        raise ValueError(f"month {m.group(0)} is in the future")
    return m.group(0)


def parse_fin_year(text: str) -> str:
    """A financial year '2017/18' of two consecutive years, else ValueError ('2017/19' is no financial year)."""
    cleaned = (text or "").strip()
    m = FY_RE.match(cleaned)
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(f"financial year {cleaned!r} (expected two consecutive years, e.g. 2017/18)")
    return cleaned


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


# Footnote markers publishers put after a name: 'Derbyshire1', 'Wiltshire 2', 'Kent (3)', 'Essex*', 'Dorset¹'.
_MARKS = "0123456789*†‡§¶¹²³⁴⁵⁶⁷⁸⁹⁰, \t"
NAME_LIMIT = 80  # no force or region name is longer; a longer cell is not a name with a footnote


def without_footnote(text: str) -> str:
    """A name without trailing footnote markers; unchanged when nothing but markers would be left."""
    name = (text or "").strip()
    if len(name) > NAME_LIMIT:
        return name
    bare = name
    while True:
        before, bare = bare, bare.rstrip(_MARKS)
        if bare.endswith((")", "]")):
            opening = bare.rfind("(" if bare.endswith(")") else "[")
            if opening >= 0 and bare[opening + 1:-1].strip().isdecimal():
                bare = bare[:opening]
        if bare == before:
            break
    return bare if bare[-1:].isalpha() else name


def match_force(text: str, parsed: Parsed | None = None) -> tuple[str | None, str | None]:
    """(force code, None) for a territorial force, else (None, quarantine reason): the one force-name lookup.

    Footnote markers are ignored; an unknown name is counted in parsed's notes for the import summary.
    """
    name = without_footnote(text)
    code, kind = classify(name)
    if code:
        return code, None
    if kind == "unknown" and parsed is not None:
        parsed.note("unknown_force_names", name)
    return None, reason_for(name, kind)


def ensure_forces(conn) -> None:
    """Fill the force reference table the first time anything needs it."""
    have = {r[0] for r in conn.execute(select(bench_force.c.code))}
    missing = [{"code": c, "name": n, "region": r} for c, n, r in FORCES if c not in have]
    if missing:
        conn.execute(bench_force.insert(), missing)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_admin(actor) -> None:
    """Only administrators, or the command line acting as the system actor, may import."""
    require(actor, "strategic.admin", reason="only administrators may import benchmark data")

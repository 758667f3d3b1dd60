"""Checks an .ods workbook before any reader opens it: its unpacked size, and its cells once repeats expand.

An ODS file is a zip of XML. A few hundred bytes can unpack to gigabytes (a zip bomb), or hold one cell
marked table:number-columns-repeated="1000000000" that a reader turns into a billion values. Both are
measured here by streaming the XML, without building it, and refused past the limits below.
"""

import io
import zipfile
from xml.parsers import expat

from data_access.importers.base import LayoutError

# Largest total size of the workbook's parts once unpacked. The Home Office workforce workbook (9 sheets)
# unpacks to 3 MB; its reader (odfpy) needs about 70 bytes of memory per byte of XML.
MAX_WORKBOOK_BYTES = 20_000_000
# Most cells the workbook's sheets may hold once repeated cells and rows are expanded, counted as pandas'
# reader does (each sheet squared off to its longest row; empty cells and rows at the ends not counted).
# The Home Office workbook holds about 3,600.
MAX_WORKBOOK_CELLS = 1_000_000

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_READ = 1 << 16


class _CellCounter:
    """Counts each sheet's cells as a reader would expand them, from the XML's start and end tags."""

    def __init__(self, max_cells: int):
        self.max_cells = max_cells
        self.sheets: list[str] = []
        self.total = 0  # cells of the sheets already closed
        self._sheet_cells = 0

    def start(self, name: str, attrs: dict) -> None:
        if name == f"{_TABLE} table":
            self.sheets.append(attrs.get(f"{_TABLE} name", ""))
            self._rows, self._blank_rows, self._width, self._sheet_cells = 0, 0, 0, 0
        elif name == f"{_TABLE} table-row":
            self._row_repeat = _count(attrs.get(f"{_TABLE} number-rows-repeated"))
            self._at, self._row_width = 0, 0
        elif name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"):
            self._at += _count(attrs.get(f"{_TABLE} number-columns-repeated"))
            # A reader keeps a cell with a value type (or a covered cell with a value) and the empty cells before it.
            covered = name.endswith("covered-table-cell")
            if f"{_OFFICE} value-type" in attrs or (covered and f"{_OFFICE} value" in attrs):
                self._row_width = self._at

    def end(self, name: str) -> None:
        if name == f"{_TABLE} table-row":
            if self._row_width == 0:
                self._blank_rows += self._row_repeat  # kept only if a row with content follows
            else:
                self._rows += self._blank_rows + self._row_repeat
                self._blank_rows = 0
                self._width = max(self._width, self._row_width)
            self._sheet_cells = self._rows * self._width
            if self.total + self._sheet_cells > self.max_cells:
                raise LayoutError(f"refused: the workbook's sheets hold more than {self.max_cells:,} cells once "
                                  "repeated cells are expanded (MAX_WORKBOOK_CELLS); the Home Office workforce "
                                  "workbook holds a few thousand. Save Table 1 on its own, or as CSV, and import that")
        elif name == f"{_TABLE} table":
            self.total += self._sheet_cells
            self._sheet_cells = 0


def _count(text) -> int:
    if text is None:
        return 1
    if not text.isdigit() or len(text) > 12:
        raise LayoutError(f"unsupported layout: not a readable .ods workbook (a repeat count of {text[:20]!r})")
    return max(int(text), 1)


def _refuse_dtd(*_args) -> None:
    # No OpenDocument part declares a DTD; one that does may define entities that expand without bound.
    raise LayoutError("refused: the workbook's XML declares a document type (DTD), which no .ods file needs")


def _stream(zf: zipfile.ZipFile, member: str, counter: _CellCounter | None, limit: int) -> int:
    """Parse one XML part in pieces, counting cells if asked; returns the bytes read."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    if counter is not None:
        parser.StartElementHandler = counter.start
        parser.EndElementHandler = counter.end
    read = 0
    with zf.open(member) as part:
        while chunk := part.read(_READ):
            read += len(chunk)
            if read > limit:
                raise _too_big(limit)
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return read


def _too_big(limit: int) -> LayoutError:
    return LayoutError(f"refused: the workbook unpacks to more than {limit:,} bytes (MAX_WORKBOOK_BYTES); the Home "
                       "Office workforce workbook unpacks to about 3 MB. Save Table 1 on its own, or as CSV, and "
                       "import that")


def check_workbook(data: bytes, max_bytes: int | None = None, max_cells: int | None = None) -> list[str]:
    """The workbook's sheet names, once its size and cell count are within the limits; LayoutError if not."""
    max_bytes = MAX_WORKBOOK_BYTES if max_bytes is None else max_bytes
    max_cells = MAX_WORKBOOK_CELLS if max_cells is None else max_cells
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = zf.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise LayoutError(f"unsupported layout: not a readable .ods workbook ({exc})") from None
    # zipfile never unpacks more than a part's declared size (a part that lies fails its checksum), so the
    # declared sizes bound what any reader can get out of the file.
    if sum(m.file_size for m in members) > max_bytes:
        raise _too_big(max_bytes)
    names = {m.filename for m in members}
    if "content.xml" not in names:
        raise LayoutError("unsupported layout: not an .ods workbook (it has no content.xml)")
    counter = _CellCounter(max_cells)
    budget = max_bytes
    try:
        budget -= _stream(zf, "content.xml", counter, budget)
        for member in sorted(n for n in names if n.endswith(".xml") and n != "content.xml"):
            budget -= _stream(zf, member, None, budget)
    except expat.ExpatError as exc:
        raise LayoutError(f"unsupported layout: not a readable .ods workbook (its XML is broken: {exc})") from None
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:
        # RuntimeError: an encrypted part; BadZipFile: a part larger than it declares, or corrupt.
        raise LayoutError(f"unsupported layout: not a readable .ods workbook ({exc})") from None
    return counter.sheets

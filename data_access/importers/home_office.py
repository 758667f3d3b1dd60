"""Home Office tables: recorded crime by force, officer FTE (tidied CSV and original ODS), use of force."""

import calendar
import re
from datetime import date, datetime

from data_access.forces import normalise
from data_access.importers.base import (
    LayoutError,
    Line,
    Occurrences,
    Parsed,
    csv_lines,
    data_rows,
    fin_year_of,
    found,
    future_fin_year,
    match_force,
    parse_fin_year,
    parse_float,
    parse_int,
    require_columns,
    row_key,
    without_footnote,
)
from data_access.importers.workbook import check_workbook

PRC_COLUMNS = ("Financial Year", "Financial Quarter", "Force Name", "Offence Description", "Offence Group",
               "Offence Subgroup", "Offence Code", "Number of Offences")


def parse_recorded_crime(text: str, file_name: str = "") -> Parsed:
    parsed, occ = Parsed([]), Occurrences()
    header, rows = csv_lines(text, parsed)
    pos = require_columns(header, PRC_COLUMNS, "the Home Office police recorded crime table by force")
    for line, fields in data_rows(parsed, rows, header):
        get = {name: fields[pos[name]].strip() for name in PRC_COLUMNS}
        try:
            parse_fin_year(get["Financial Year"])
        except ValueError as exc:
            line.reason = f"bad date: {exc}"
            continue
        if future_fin_year(get["Financial Year"]):
            line.reason = f"bad date: financial year {get['Financial Year']} is in the future"
            continue
        if get["Financial Quarter"] not in ("1", "2", "3", "4"):
            line.reason = f"bad date: quarter {get['Financial Quarter']!r} (expected 1 to 4)"
            continue
        try:
            count = parse_int(get["Number of Offences"])
        except ValueError:
            line.reason = f"non-numeric count: {get['Number of Offences']!r}"
            continue
        if count < 0:
            # The table carries real negative adjustments (crimes cancelled after the quarter closed).
            parsed.note("negative_counts", get["Offence Subgroup"])
        code, line.reason = match_force(get["Force Name"], parsed)
        if line.reason:
            continue
        if not get["Offence Code"] or not get["Offence Subgroup"]:
            line.reason = "missing offence: empty Offence Code or Offence Subgroup"
            continue
        # The table repeats identical lines for offences merged under one code; each is a real count.
        line.records.append({
            "row_key": occ.key("prc", get["Financial Year"], get["Financial Quarter"], code, get["Offence Code"],
                               get["Offence Description"]),
            "force_code": code, "fin_year": get["Financial Year"], "quarter": int(get["Financial Quarter"]),
            "offence_code": get["Offence Code"][:40], "offence_description": get["Offence Description"][:160],
            "offence_group": get["Offence Group"][:80], "offence_subgroup": get["Offence Subgroup"][:80],
            "offences": count})
    return parsed


_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}


def _as_at(label) -> date | None:
    """'September 2017' or a date cell -> the last day of that month."""
    if isinstance(label, (datetime, date)):
        d = label.date() if isinstance(label, datetime) else label
        return d
    m = re.fullmatch(r"\s*([A-Za-z]+)\s+(\d{4})\s*", str(label))
    if not m or m.group(1).lower() not in _MONTHS:
        return None
    year, month = int(m.group(2)), _MONTHS[m.group(1).lower()]
    return date(year, month, calendar.monthrange(year, month)[1])


REGIONS = ("north east", "north west", "yorkshire and the humber", "east midlands", "west midlands", "eastern",
           "east of england", "london", "south east", "south west", "wales")


class _RegionContext:
    """Regions come before their forces; 'West Midlands' is both, so the first one in a new region is the region."""

    def __init__(self, parsed: Parsed):
        self.parsed = parsed
        self.region = None

    def force(self, name: str) -> tuple:
        """(force code, None) or (None, quarantine reason) for a row's name, footnote markers ignored."""
        key = normalise(without_footnote(name))
        code, reason = match_force(name, self.parsed if key not in REGIONS else None)
        if key in REGIONS and key != self.region and not (code and self.region == key):
            self.region = key
            return None, f"regional total, not a force: {without_footnote(name)!r}"
        return code, reason


def _fte_values(cells: list) -> tuple[list | None, str | None]:
    """Officer FTE figures of a row, or the reason they cannot be loaded (not numbers, or below zero)."""
    try:
        values = [parse_float(str(c)) for c in cells]
    except ValueError:
        return None, f"non-numeric count: {cells}"
    negative = next((v for v in values if v < 0), None)
    if negative is not None:
        return None, f"negative count: officer FTE {negative}"
    return values, None


def _fte_records(code: str, dates: list, values: list) -> list:
    return [{"row_key": row_key("fte", code, as_at.isoformat()), "force_code": code, "as_at": as_at,
             "fin_year": fin_year_of(as_at), "officer_fte": value} for as_at, value in zip(dates, values)]


def parse_workforce_csv(text: str, file_name: str = "") -> Parsed:
    parsed = Parsed([])
    header, rows = csv_lines(text, parsed)
    if not header or header[0] != "Force/Region" or len(header) < 2:
        raise LayoutError("unsupported layout: expected officer FTE by force with columns Force/Region, then one "
                          f"column per date such as 'September 2017' (found {found(header)})")
    dates = [_as_at(h) for h in header[1:]]
    if any(d is None for d in dates):
        raise LayoutError("unsupported layout: date columns must read like 'September 2017' "
                          f"(found {found(header[1:])})")
    ctx = _RegionContext(parsed)
    for line, fields in data_rows(parsed, rows, header):
        code, line.reason = ctx.force(fields[0])
        if line.reason:
            continue
        values, line.reason = _fte_values(fields[1:len(header)])
        if line.reason:
            continue
        line.records = _fte_records(code, dates, values)
    return parsed


def parse_workforce_ods(data: bytes, file_name: str = "") -> Parsed:
    """Table 1 (police officers FTE by force) of the Home Office workforce workbook."""
    import io

    import pandas as pd

    # Refuses a workbook that would unpack or expand past the limits before any reader opens it.
    sheet = next((name for name in check_workbook(data) if name.replace(" ", "_").lower() == "table_1"), None)
    if sheet is None:
        raise LayoutError("unsupported layout: expected the Home Office police workforce workbook with a "
                          "'Table_1' sheet titled 'Police officers by police force area'")
    try:
        table = pd.read_excel(io.BytesIO(data), engine="odf", sheet_name=sheet, header=None)
    except ImportError as exc:
        raise LayoutError("reading .ods workbooks needs the odfpy package (pip install odfpy)") from exc
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is a layout problem for the user
        raise LayoutError(f"unsupported layout: not a readable .ods workbook ({exc})") from exc
    title = str(table.iat[0, 0]) if table.size else ""
    if "police officers" not in title.lower():
        raise LayoutError("unsupported layout: expected the Home Office police workforce workbook with a "
                          "'Table_1' sheet titled 'Police officers by police force area'")
    date_row = next((i for i in range(min(len(table), 15))
                     if sum(isinstance(v, (datetime, date)) for v in table.iloc[i, 1:4]) == 3), None)
    if date_row is None:
        raise LayoutError("unsupported layout: Table_1 has no row of three 'As at' dates")
    dates = [pd.Timestamp(v).date() for v in table.iloc[date_row, 1:4]]
    parsed = Parsed([])
    ctx = _RegionContext(parsed)
    for i in range(date_row + 1, len(table)):
        name = table.iat[i, 0]
        cells = list(table.iloc[i, 1:4])
        if not isinstance(name, str) or not name.strip():
            continue  # blank spacer and footnote rows
        line = Line(i + 1, ",".join([name] + ["" if pd.isna(c) else str(c) for c in cells]))
        parsed.lines.append(line)
        code, line.reason = ctx.force(name)
        if line.reason:
            continue
        values, line.reason = _fte_values(cells)
        if line.reason:
            continue
        line.records = _fte_records(code, dates, values)
    return parsed


_UOF_NAME = re.compile(r"april(\d{4})-march(\d{4})", re.IGNORECASE)


def parse_use_of_force(text: str, file_name: str = "", year: str | None = None) -> Parsed:
    parsed = Parsed([])
    header, rows = csv_lines(text, parsed)
    pos = require_columns(header, ("Police Force", "Total"), "use-of-force incidents by force")
    m = _UOF_NAME.search(file_name or "")
    fin_year = year or (f"{m.group(1)}/{int(m.group(2)) % 100:02d}" if m else None)
    if not fin_year:
        raise LayoutError("unsupported layout: cannot tell the financial year; name the file like "
                          "april2017-march2018.csv or pass --year 2017/18")
    try:
        fin_year = parse_fin_year(fin_year)
    except ValueError as exc:
        source = "--year" if year else "the file name"
        raise LayoutError(f"bad date: {source} gives {exc}; name the file like april2017-march2018.csv "
                          "or pass --year 2017/18") from None
    if future_fin_year(fin_year):
        raise LayoutError(f"financial year {fin_year} is in the future: no figures can cover it yet")
    for line, fields in data_rows(parsed, rows, header):
        code, line.reason = match_force(fields[pos["Police Force"]], parsed)
        if line.reason:
            continue
        try:
            count = parse_int(fields[pos["Total"]])
        except ValueError:
            line.reason = f"non-numeric count: {fields[pos['Total']]!r}"
            continue
        if count < 0:
            line.reason = f"negative count: {count}"
            continue
        line.records.append({"row_key": row_key("uof", code, fin_year), "force_code": code,
                             "fin_year": fin_year, "incidents": count})
    return parsed

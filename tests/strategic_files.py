"""Small public-data files the tests write themselves, in the real publishers' layouts and with their quirks.

Each writer copies the layout of one shared real file (header, row order, region and total rows, the
publisher's spelling of force names, padding and line endings), so the importers' logic is tested in any
clone; only the checks against the real files need the shared folder.
"""

import io
import zipfile
from datetime import date
from xml.sax.saxutils import escape

from data_access.forces import FORCES

STREET_HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                 "Crime type,Last outcome category,Context")
SAS_HEADER = ("Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,"
              "Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,"
              "Outcome linked to object of search,Removal of more than just outer clothing")
PRC_HEADER = ("Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,Offence Subgroup,"
              "Offence Code,Number of Offences")
UOF_HEADER = "Region,Police Force,Total"

# The Home Office's spelling where it differs from data_access.forces, and its name for the East of England.
HOME_OFFICE_NAMES = {"avon-and-somerset": "Avon & Somerset", "devon-and-cornwall": "Devon & Cornwall",
                     "metropolitan": "Metropolitan"}
WORKFORCE_REGIONS = {"East of England": "Eastern"}


def street_csv(*rows: str, header: str = STREET_HEADER, newline: str = "\n", bom: bool = False) -> bytes:
    """A data.police.uk street-level file (LF line endings, as published)."""
    text = newline.join((header, *rows)) + newline
    return (("\ufeff" if bom else "") + text).encode()


def street_row(crime_id: str = "", month: str = "2017-01", force: str = "Merseyside Police",
               crime_type: str = "Anti-social behaviour", outcome: str = "", lon: str = "-2.871665",
               lat: str = "53.488488", lsoa: str = "E01006448") -> str:
    """One street-level line; an anti-social behaviour row has no Crime ID and no outcome, as published."""
    return (f"{crime_id},{month},{force},{force},{lon},{lat},On or near Brook Hey Drive,{lsoa},Knowsley 001A,"
            f"{crime_type},{outcome},")


def stop_search_csv(*rows: tuple) -> bytes:
    """A data.police.uk stop-and-search file: CRLF line endings, UTC timestamps. rows: (ISO time, outcome)."""
    lines = [SAS_HEADER]
    for stamp, outcome in rows:
        lines.append(f"Person search,{stamp},False,,53.407704,-2.162284,Female,18-24,White - English/Welsh/Scottish/"
                     f"Northern Irish/British,White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,{outcome},,"
                     "False")
    return ("\r\n".join(lines) + "\r\n").encode()


def recorded_crime_csv(*rows: tuple) -> bytes:
    """The Home Office recorded crime table. rows: (year, quarter, force, description, group, subgroup, code, n);
    counts are padded with spaces, as published."""
    lines = [PRC_HEADER] + [",".join([*map(str, r[:7]), f" {r[7]} "]) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def _by_region() -> list[tuple[str, list[tuple[str, str]]]]:
    regions: dict = {}
    for code, name, region in FORCES:
        regions.setdefault(region, []).append((code, HOME_OFFICE_NAMES.get(code, name)))
    return list(regions.items())


def _quoted(name: str) -> str:
    return f'"{name}"' if "," in name else name


def workforce_csv(fte: dict, months: tuple = ("September 2017", "March 2018", "September 2018"),
                  names: dict | None = None) -> bytes:
    """The tidied officer FTE table: a region row before its forces, then 'Total 43 forces', Central Service
    Secondments, British Transport Police and 'Total'. fte: force code -> figures (one per month); names
    replaces the published name of a force (a footnote marker, say)."""
    names = names or {}
    lines = ["Force/Region," + ",".join(months)]
    width = len(months)
    for region, forces in _by_region():
        shown = [(code, name) for code, name in forces if code in fte]
        if not shown:
            continue
        totals = [sum(fte[c][i] for c, _n in shown) for i in range(width)]
        lines.append(",".join([WORKFORCE_REGIONS.get(region, region), *map(repr, totals)]))
        lines += [",".join([_quoted(names.get(code, name)), *map(repr, fte[code])]) for code, name in shown]
    totals = [sum(v[i] for v in fte.values()) for i in range(width)]
    lines += [",".join(["Total 43 forces", *map(repr, totals)]),
              ",".join(["Central Service Secondments", *["406.88"] * width]),
              ",".join(["British Transport Police", *["3028.2"] * width]),
              ",".join(["Total", *map(repr, [t + 3435.08 for t in totals])])]
    return ("\n".join(lines) + "\n").encode()


def use_of_force_csv(incidents: dict) -> bytes:
    """Use-of-force incidents by force: totals first, region totals with a trailing space, counts with '.0'."""
    lines = [UOF_HEADER, f"England and Wales,Total England and Wales,{float(sum(incidents.values()))}"]
    for region, forces in _by_region():
        shown = [(code, name) for code, name in forces if code in incidents]
        if shown:
            lines.append(f"{region},Total {region} ,{float(sum(incidents[c] for c, _n in shown))}")
            lines += [f"{region},{_quoted(name)},{float(incidents[code])}" for code, name in shown]
    return ("\n".join(lines) + "\n").encode()


def all_forces(base: float, step: float) -> dict:
    """A distinct figure for every territorial force (base, base + step, ...), so ranks never tie."""
    return {code: base + i * step for i, (code, _n, _r) in enumerate(FORCES)}


# ---- the Home Office workforce workbook (ODS), Table 1 -------------------------------------------------

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"')
_TAIL_CELLS = '<table:table-cell table:number-columns-repeated="16376" table:style-name="ce7"/>'


def _text(value: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def _number(value: float) -> str:
    return (f'<table:table-cell office:value-type="float" office:value="{value!r}">'
            f'<text:p>{value:,.0f}</text:p></table:table-cell>')


def _row(*cells: str) -> str:
    # Every row runs on to the sheet's last column in empty cells, as the published workbook's do.
    return f'<table:table-row>{"".join(cells)}{_TAIL_CELLS}</table:table-row>'


def ods_bytes(content_body: str, extra_parts: dict | None = None) -> bytes:
    """An .ods file whose spreadsheet body is content_body (table:table elements)."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}><office:body>'
               f'<office:spreadsheet>{content_body}</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        for name, text in (extra_parts or {}).items():
            zf.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def workforce_ods(fte: dict, dates: tuple = (date(2017, 9, 30), date(2018, 3, 31), date(2018, 9, 30)),
                  names: dict | None = None, extra_rows: tuple = ()) -> bytes:
    """The Home Office workforce workbook: an Index sheet, then Table_1 laid out as published (title, 'As at:'
    header rows, a row of dates, region rows before their forces, totals, footnotes, and an empty row repeated
    to the sheet's last row). fte: force code -> three figures; names replaces a force's published name;
    extra_rows: (name, figures) rows added after the forces."""
    names = names or {}
    rows = [_row(_text("Table 1: Police officers by police force area, England and Wales")),
            _row(),
            _row(_text("England and Wales"), '<table:table-cell table:number-columns-repeated="6"/>',
                 _text("Full-time equivalents")),
            _row('<table:table-cell/>', _text("As at:")),
            _row('<table:table-cell/>', *(f'<table:table-cell office:value-type="date" office:date-value='
                                          f'"{d.isoformat()}T00:00:00"><text:p>{d:%b-%y}</text:p></table:table-cell>'
                                          for d in dates))]
    for region, forces in _by_region():
        shown = [(code, name) for code, name in forces if code in fte]
        if not shown:
            continue
        totals = [sum(fte[c][i] for c, _n in shown) for i in range(3)]
        # The published region names end in a space (<text:s/>).
        label = escape(WORKFORCE_REGIONS.get(region, region))
        rows.append(_row(f'<table:table-cell office:value-type="string"><text:p>{label}<text:s/></text:p>'
                         '</table:table-cell>', *map(_number, totals)))
        rows += [_row(_text(names.get(code, name)), *map(_number, fte[code])) for code, name in shown]
    rows += [_row(_text(name), *map(_number, figures)) for name, figures in extra_rows]
    totals = [sum(v[i] for v in fte.values()) for i in range(3)]
    rows += [_row(_text("Total 43 forces"), *map(_number, totals)),
             _row(_text("Central Service Secondments"), *map(_number, (406.88, 381.78, 391.47))),
             _row(_text("British Transport Police"), *map(_number, (3028.2, 2865.45, 3074.4))),
             _row(_text("Total"), *map(_number, [t + 3435.08 for t in totals])),
             _row(),
             # A cell holding one space, as the published sheet has below its table.
             _row('<table:table-cell office:value-type="string"><text:p><text:s/></text:p></table:table-cell>'),
             '<table:table-row table:number-rows-repeated="1048508">'
             '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>']
    index = _row(_text("Police workforce, England and Wales, 30 September 2018: tables"))
    body = (f'<table:table table:name="Index">{index}</table:table>'
            f'<table:table table:name="Table_1">{"".join(rows)}</table:table>')
    return ods_bytes(body)

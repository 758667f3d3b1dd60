"""data.police.uk files: street-level crimes, outcomes, and stop and search."""

import re
from datetime import datetime

from data_access.clock import FORCE_TIMEZONE, now_local
from data_access.importers.base import (
    LayoutError,
    Line,
    Occurrences,
    Parsed,
    csv_lines,
    data_rows,
    fin_year_of_month,
    match_force,
    parse_float,
    parse_month,
    require_columns,
    row_key,
)
from data_access.importers.labels import is_arrest, outcome_for

STREET_WHAT = ("a data.police.uk street-level crime file (Crime ID, Month, Reported by, Falls within, Longitude, "
               "Latitude, Location, LSOA code, LSOA name, Crime type, Last outcome category, Context; or the older "
               "layout with Easting and Northing and no Crime ID)")
OUTCOMES_WHAT = "a data.police.uk outcomes file"
SAS_WHAT = "a data.police.uk stop-and-search file"


def _coordinate(text: str, low: float, high: float) -> float | None:
    if not text.strip():
        return None  # crimes with no location are published without coordinates
    value = parse_float(text)
    if not low <= value <= high:
        raise ValueError(f"bad coordinate: {text!r} out of range")
    return value


def _outcome(parsed: Parsed, label: str) -> tuple:
    label = label.strip()
    if not label:
        return None, None, None
    mapped = outcome_for(label)
    if mapped is None:
        parsed.note("unknown_outcome_labels", label)
        return label, None, "unknown"
    return label, mapped[0], mapped[1]


def _month_and_force(parsed: Parsed, line: Line, fields: list, pos: dict):
    """The checks every police.uk row shares: month and force; None (with line.reason) on failure."""
    try:
        month = parse_month(fields[pos["Month"]])
    except ValueError as exc:
        line.reason = f"bad date: {exc}"
        return None
    code, line.reason = match_force(fields[pos["Falls within"]], parsed)
    if line.reason:
        return None
    return month, code


def parse_street(text: str, file_name: str = "") -> Parsed:
    parsed, occ = Parsed([]), Occurrences()
    header, rows = csv_lines(text, parsed)
    pos = require_columns(header, ("Month", "Falls within", "Crime type"), STREET_WHAT)
    has_lonlat = "Longitude" in pos and "Latitude" in pos
    if not has_lonlat and not ("Easting" in pos and "Northing" in pos):
        raise LayoutError(f"unsupported layout: expected {STREET_WHAT}; no coordinate columns found")
    for line, fields in data_rows(parsed, rows, header):
        checked = _month_and_force(parsed, line, fields, pos)
        if checked is None:
            continue
        month, code = checked
        crime_type = fields[pos["Crime type"]].strip()
        if not crime_type:
            line.reason = "missing crime type: empty Crime type"
            continue
        try:
            lon = _coordinate(fields[pos["Longitude"]], -9.0, 3.0) if has_lonlat else None
            lat = _coordinate(fields[pos["Latitude"]], 49.0, 61.0) if has_lonlat else None
        except ValueError as exc:
            line.reason = f"bad coordinate: {exc}"
            continue
        crime_id = fields[pos["Crime ID"]].strip() if "Crime ID" in pos else ""
        label, out_code, group = _outcome(parsed, fields[pos["Last outcome category"]]) \
            if "Last outcome category" in pos else (None, None, None)
        key = occ.key("street", code, month, crime_id or line.raw)
        line.records.append({
            "row_key": key, "force_code": code, "month": month, "fin_year": fin_year_of_month(month),
            "crime_id": crime_id or None, "crime_type": crime_type[:80], "outcome_label": label,
            "outcome_code": out_code, "outcome_group": group,
            "lsoa_code": (fields[pos["LSOA code"]].strip() or None) if "LSOA code" in pos else None,
            "longitude": lon, "latitude": lat})
    return parsed


def parse_outcomes(text: str, file_name: str = "") -> Parsed:
    parsed = Parsed([])
    header, rows = csv_lines(text, parsed)
    pos = require_columns(header, ("Crime ID", "Month", "Falls within", "Outcome type"), OUTCOMES_WHAT)
    for line, fields in data_rows(parsed, rows, header):
        checked = _month_and_force(parsed, line, fields, pos)
        if checked is None:
            continue
        month, code = checked
        crime_id = fields[pos["Crime ID"]].strip()
        if not crime_id:
            line.reason = "missing crime id: an outcome must name its crime"
            continue
        label, out_code, group = _outcome(parsed, fields[pos["Outcome type"]])
        if label is None:
            line.reason = "missing outcome: empty Outcome type"
            continue
        # An outcome is one event on one crime: the same crime, month and outcome twice is a duplicate.
        line.records.append({
            "row_key": row_key("outcome", code, crime_id, month, label), "force_code": code, "month": month,
            "fin_year": fin_year_of_month(month), "crime_id": crime_id[:80], "outcome_label": label[:120],
            "outcome_code": out_code, "outcome_group": group})
    return parsed


_SAS_NAME = re.compile(r"(\d{4}-\d{2})-(.+?)-stop-and-search", re.IGNORECASE)


def force_from_file_name(file_name: str) -> tuple[str | None, str | None]:
    """(force name, month) from a name like 2019-06-greater-manchester-stop-and-search.csv."""
    m = _SAS_NAME.search(file_name or "")
    return (m.group(2).replace("-", " "), m.group(1)) if m else (None, None)


def parse_stop_search(text: str, file_name: str = "", force: str | None = None) -> Parsed:
    parsed, occ = Parsed([]), Occurrences()
    header, rows = csv_lines(text, parsed)
    pos = require_columns(header, ("Type", "Date", "Outcome", "Object of search"), SAS_WHAT)
    name, file_month = force_from_file_name(file_name)
    code, reason = match_force(force or name or "")
    if code is None:
        raise LayoutError(f"unsupported layout: {SAS_WHAT} names no force; name the file like "
                          f"2019-06-greater-manchester-stop-and-search.csv or pass --force ({reason})")
    for line, fields in data_rows(parsed, rows, header):
        try:
            stamp = datetime.fromisoformat(fields[pos["Date"]].strip())
        except ValueError:
            line.reason = f"bad date: {fields[pos['Date']].strip()!r} (expected an ISO timestamp)"
            continue
        if stamp.tzinfo is not None:
            # Published in UTC: store England and Wales wall-clock time, as everything else is stored.
            stamp = stamp.astimezone(FORCE_TIMEZONE).replace(tzinfo=None)
        if stamp > now_local():
            line.reason = f"bad date: {fields[pos['Date']].strip()!r} is in the future"
            continue
        search_type = fields[pos["Type"]].strip()
        if not search_type:
            line.reason = "missing search type: empty Type"
            continue
        # The publisher's month (from the file name) wins: a search just before midnight UTC on the
        # last day of a month is published in that month.
        month = file_month or f"{stamp:%Y-%m}"
        outcome = fields[pos["Outcome"]].strip()
        line.records.append({
            "row_key": occ.key("sas", code, month, line.raw), "force_code": code, "month": month,
            "fin_year": fin_year_of_month(month), "occurred_at": stamp, "search_type": search_type[:60],
            "object_of_search": fields[pos["Object of search"]].strip()[:120] or None,
            "outcome": outcome[:120] or None, "arrest": is_arrest(outcome)})
        if outcome and not is_arrest(outcome):
            parsed.note("outcomes", outcome)
    return parsed

"""Tables a force keeps itself: cost per force, area and year, and the tactics each force uses."""

from data_access.importers.base import (
    Parsed,
    csv_lines,
    data_rows,
    match_force,
    parse_fin_year,
    parse_float,
    require_columns,
    row_key,
)
from scoring.settings_strategic import DEFAULT_STRATEGIC

COST_COLUMNS = ("force", "area", "financial_year", "cost_gbp")
TACTIC_COLUMNS = ("force", "area", "tactic", "in_use")
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0"}


def _common(parsed, line, fields, pos, areas) -> tuple:
    code, line.reason = match_force(fields[pos["force"]], parsed)
    if code is None:
        return None, None
    area = fields[pos["area"]].strip()
    if area not in areas:
        line.reason = f"unknown area: {area!r} (expected one of {', '.join(areas)})"
        return None, None
    return code, area


def parse_costs(text: str, file_name: str = "", areas: tuple | None = None) -> Parsed:
    parsed = Parsed([])
    header, rows = csv_lines(text, parsed)
    header = [h.lower() for h in header]
    pos = require_columns(header, COST_COLUMNS, "a cost table (force, area, financial_year, cost_gbp[, synthetic])")
    areas = areas or DEFAULT_STRATEGIC.area_ids()
    for line, fields in data_rows(parsed, rows, header):
        code, area = _common(parsed, line, fields, pos, areas)
        if line.reason:
            continue
        try:
            fy = parse_fin_year(fields[pos["financial_year"]])
        except ValueError as exc:
            line.reason = f"bad date: {exc}"
            continue
        try:
            cost = parse_float(fields[pos["cost_gbp"]])
        except ValueError:
            line.reason = f"non-numeric count: cost {fields[pos['cost_gbp']]!r}"
            continue
        if cost < 0:
            line.reason = f"negative count: cost {cost}"
            continue
        synthetic = "synthetic" in pos and fields[pos["synthetic"]].strip().lower() in TRUE_WORDS
        line.records.append({"row_key": row_key("cost", code, area, fy), "force_code": code, "area": area,
                             "fin_year": fy, "cost_gbp": cost, "synthetic": synthetic})
    return parsed


def parse_tactics(text: str, file_name: str = "", areas: tuple | None = None) -> Parsed:
    parsed = Parsed([])
    header, rows = csv_lines(text, parsed)
    header = [h.lower() for h in header]
    pos = require_columns(header, TACTIC_COLUMNS, "a tactics table (force, area, tactic, in_use[, note])")
    areas = areas or DEFAULT_STRATEGIC.area_ids()
    for line, fields in data_rows(parsed, rows, header):
        code, area = _common(parsed, line, fields, pos, areas)
        if line.reason:
            continue
        tactic = fields[pos["tactic"]].strip()
        flag = fields[pos["in_use"]].strip().lower()
        if not tactic:
            line.reason = "missing tactic: empty tactic"
            continue
        if flag not in TRUE_WORDS | FALSE_WORDS:
            line.reason = f"bad flag: in_use {flag!r} (expected yes or no)"
            continue
        note = fields[pos["note"]].strip()[:255] if "note" in pos else None
        line.records.append({"row_key": row_key("tactic", code, area, tactic.lower()), "force_code": code,
                             "area": area, "tactic": tactic[:160], "in_use": flag in TRUE_WORDS, "note": note or None})
    return parsed

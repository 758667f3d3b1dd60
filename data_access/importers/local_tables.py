"""Tables a force keeps itself: cost per force, area and year, and the tactics each force uses."""

from data_access.forces import classify, reason_for
from data_access.importers.base import Line, Parsed, csv_lines, parse_float, require_columns, row_key, width_reason
from data_access.importers.home_office import FY_RE
from scoring.settings_strategic import DEFAULT_STRATEGIC

COST_COLUMNS = ("force", "area", "financial_year", "cost_gbp")
TACTIC_COLUMNS = ("force", "area", "tactic", "in_use")
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0"}


def _common(parsed, line, fields, header, pos, areas) -> tuple:
    line.reason = width_reason(fields, header)
    if line.reason:
        return None, None
    code, kind = classify(fields[pos["force"]])
    if code is None:
        line.reason = reason_for(fields[pos["force"]], kind)
        if kind == "unknown":
            parsed.note("unknown_force_names", fields[pos["force"]].strip())
        return None, None
    area = fields[pos["area"]].strip()
    if area not in areas:
        line.reason = f"unknown area: {area!r} (expected one of {', '.join(areas)})"
        return None, None
    return code, area


def parse_costs(text: str, file_name: str = "", areas: tuple | None = None) -> Parsed:
    header, rows = csv_lines(text)
    header = [h.lower() for h in header]
    pos = require_columns(header, COST_COLUMNS, "a cost table (force, area, financial_year, cost_gbp[, synthetic])")
    areas = areas or DEFAULT_STRATEGIC.area_ids()
    parsed = Parsed([])
    for number, raw, fields in rows:
        line = Line(number, raw)
        parsed.lines.append(line)
        code, area = _common(parsed, line, fields, header, pos, areas)
        if line.reason:
            continue
        fy = fields[pos["financial_year"]].strip()
        if not FY_RE.match(fy):
            line.reason = f"bad date: financial year {fy!r} (expected e.g. 2017/18)"
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
    header, rows = csv_lines(text)
    header = [h.lower() for h in header]
    pos = require_columns(header, TACTIC_COLUMNS, "a tactics table (force, area, tactic, in_use[, note])")
    areas = areas or DEFAULT_STRATEGIC.area_ids()
    parsed = Parsed([])
    for number, raw, fields in rows:
        line = Line(number, raw)
        parsed.lines.append(line)
        code, area = _common(parsed, line, fields, header, pos, areas)
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

"""From a source sheet to the contract's columns: renames, fixed values, splits and joins, code conversions,
typed values, and the pandera checks; every refused row gets its reason.

All of it is column-at-a-time pandas (vectorised), which is what makes a 300,000-crime extract load in
seconds rather than minutes; only the reasons of refused rows are built one at a time.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from sqlalchemy import String

from data_access.ingest.contract import OFFENCE_CODES, Col, SourceTable
from data_access.ingest.mapping import Part

TRUE = {"true", "t", "yes", "y", "1"}
FALSE = {"false", "f", "no", "n", "0"}
META = ("_sheet", "_pos", "_line")  # which sheet, which row of it, which line of the file


def shape(frame: pd.DataFrame, part: Part, table: SourceTable) -> pd.DataFrame:
    """The sheet's columns renamed, split, joined and fixed into the contract's columns (as text, None empty)."""
    src = frame.apply(lambda s: s.str.strip()) if len(frame.columns) and len(frame) else frame.copy()
    src = src.where(src.ne(""), None) if len(src) else src
    out = pd.DataFrame(index=frame.index)
    for name, (into, sep) in part.split.items():
        if name not in src.columns:
            continue
        pieces = src[name].str.split(sep, n=len(into) - 1, expand=True, regex=False)
        for i, target in enumerate(into):
            piece = pieces[i].str.strip() if i in pieces.columns else pd.Series(None, index=src.index, dtype=object)
            out[target] = piece.where(piece.notna() & piece.ne(""), None)
    for target, (sources, sep) in part.join.items():
        present = [s for s in sources if s in src.columns]
        if not present:
            continue
        joined = pd.Series("", index=src.index, dtype=object)
        for name in present:
            value = src[name].fillna("")
            joined = joined.where(value.eq(""), joined.where(joined.eq(""), joined + sep) + value)
        out[target] = joined.where(joined.ne(""), None)
    for name, target in part.rename.items():
        if name in src.columns and target not in out.columns:
            out[target] = src[name]
    for name in table.names:
        if name in src.columns and name not in out.columns and name not in part.rename:
            out[name] = src[name]
    for name, value in part.values.items():
        out[name] = value if value != "" else None
    return out


def _first(reasons: pd.Series, mask: pd.Series, make) -> None:
    """Give rows that have no reason yet (and match mask) the reason make(value) names."""
    todo = mask & reasons.isna()
    if todo.any():
        reasons.loc[todo] = [make(i) for i in todo[todo].index]


def convert(out: pd.DataFrame, part: Part, table: SourceTable, typed: set, reasons: pd.Series) -> pd.DataFrame:
    """Code conversions then types: dates by the part's formats (ISO for typed columns), integers, booleans."""
    converted = pd.DataFrame(index=out.index)
    for col in table.columns:
        if col.name not in out.columns:
            continue
        s = out[col.name].astype(object)
        if col.name in part.codes:
            codes = part.codes[col.name]
            s = s.map(codes).where(s.isin(list(codes)), s)
            s = s.where(s.notna() & s.ne(""), None)
        converted[col.name] = _typed(s, col, part, col.name in typed, reasons)
    return converted


def _typed(s: pd.Series, col: Col, part: Part, typed: bool, reasons: pd.Series) -> pd.Series:
    given = s.notna()
    if col.type in ("date", "datetime"):
        fmt = "ISO8601" if typed else part.formats.get(col.name, "ISO8601")
        parsed = pd.to_datetime(s, format=fmt, errors="coerce")
        shown = "ISO 8601" if fmt == "ISO8601" else fmt
        _first(reasons, given & parsed.isna(),
               lambda i: f"bad {col.type}: {col.name} {s[i]!r} does not match {shown}")
        return parsed.dt.normalize() if col.type == "date" else parsed
    if col.type in ("integer", "number"):
        num = pd.to_numeric(s, errors="coerce")
        bad = given & num.isna()
        if col.type == "integer":
            bad |= given & num.notna() & (num % 1 != 0)
        _first(reasons, bad, lambda i: f"bad {col.type}: {col.name} {s[i]!r} is not a whole number"
               if col.type == "integer" else f"bad number: {col.name} {s[i]!r} is not a number")
        return num.where(~bad).astype("Int64" if col.type == "integer" else "Float64")
    if col.type == "boolean":
        low = s.str.lower()
        value = pd.Series(pd.NA, index=s.index, dtype="boolean")
        value[low.isin(TRUE)] = True
        value[low.isin(FALSE)] = False
        _first(reasons, given & value.isna(),
               lambda i: f"bad boolean: {col.name} {s[i]!r} is not true/false (or yes/no, y/n, 1/0)")
        return value
    return s


def _code_list(col: Col, offence_codes: set) -> list | None:
    if col.codes is None:
        return None
    codes = sorted(offence_codes) if col.codes == OFFENCE_CODES else list(col.codes)
    return [int(c) for c in codes] if col.type == "integer" else codes


def checks_schema(table: SourceTable, beacon_table, offence_codes: set) -> pa.DataFrameSchema:
    """The pandera schema of a contract table's typed frame: required values, code lists, Beacon's lengths."""
    columns = {}
    for col in table.columns:
        checks = []
        codes = _code_list(col, offence_codes)
        if codes is not None:
            allowed = set(codes)
            checks.append(pa.Check(lambda s, allowed=allowed: s.isin(allowed), ignore_na=True, name="unknown code"))
        target = beacon_table.c.get(col.into) if col.stored else None
        if target is not None and isinstance(target.type, String) and target.type.length:
            limit = target.type.length
            checks.append(pa.Check(lambda s, limit=limit: s.str.len() <= limit, ignore_na=True, name="too long"))
        columns[col.name] = pa.Column(None, nullable=not col.required, required=False, checks=checks)
    return pa.DataFrameSchema(columns)


def check(frame: pd.DataFrame, table: SourceTable, schema: pa.DataFrameSchema, beacon_table,
          reasons: pd.Series) -> None:
    """Run the pandera checks on rows not yet refused; a failing row gets the first failure's reason."""
    live = frame[reasons.isna()]
    if not len(live):
        return
    try:
        schema.validate(live, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()]
        order = {name: i for i, name in enumerate(table.names)}
        cases = cases.assign(_order=cases["column"].map(order)).sort_values(["_order"], kind="stable")
        for index, column, check_name, value in zip(cases["index"], cases["column"], cases["check"],
                                                     cases["failure_case"]):
            if reasons.at[index] is not None and not pd.isna(reasons.at[index]):
                continue
            reasons.at[index] = _reason(table.col(column), check_name, value, beacon_table)


def refuse_future(frame: pd.DataFrame, table: SourceTable, today, reasons: pd.Series) -> None:
    """Refuse rows whose past-only dates fall after the load's day (a typo or a wrong clock in the source)."""
    end = pd.Timestamp(today) + pd.Timedelta(days=1)
    for col in table.columns:
        if not col.past or col.name not in frame.columns:
            continue
        values = frame[col.name]
        _first(reasons, values.notna() & (values >= end),
               lambda i: f"date in the future: {col.name} {values[i]:%Y-%m-%d} is after the load's day "
                         f"{today:%Y-%m-%d}")


def _reason(col: Col, check_name: str, value, beacon_table) -> str:
    if check_name == "not_nullable":
        return f"missing value: {col.name} is required"
    if check_name == "unknown code":
        value = int(value) if col.type == "integer" else value
        listed = "the offence catalogue" if col.codes == OFFENCE_CODES else ", ".join(map(str, col.codes))
        return f"unknown code: {col.name} {value!r} is not in {listed} and the mapping does not convert it"
    if check_name == "too long":
        limit = beacon_table.c[col.into].type.length
        return f"value too long: {col.name} has {len(str(value)):,} characters, at most {limit} fit"
    return f"invalid value: {col.name} {value!r} ({check_name})"

"""AG Grid's sort and filter models applied on the server to a frame of rows, and one block cut from it."""

# The grid's infinite row model asks for rows startRow..endRow under the sort and filter the reader set;
# this answers from a frame the caller has already scoped to the reader. Every column and filter type
# is checked against what the grid declares, so a forged request gets a ValueError, never a KeyError.

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd

MAX_BLOCK = 500  # rows one request may ask for; the grid asks for one cache block at a time

TEXT_TESTS = {
    "contains": lambda v, f: v.str.contains(f, regex=False),
    "notContains": lambda v, f: ~v.str.contains(f, regex=False),
    "equals": lambda v, f: v == f,
    "notEqual": lambda v, f: v != f,
    "startsWith": lambda v, f: v.str.startswith(f),
    "endsWith": lambda v, f: v.str.endswith(f),
}
NUMBER_TESTS = {
    "equals": lambda v, a, b: v == a,
    "notEqual": lambda v, a, b: v != a,
    "greaterThan": lambda v, a, b: v > a,
    "greaterThanOrEqual": lambda v, a, b: v >= a,
    "lessThan": lambda v, a, b: v < a,
    "lessThanOrEqual": lambda v, a, b: v <= a,
    # AG Grid's default range leaves both ends out.
    "inRange": lambda v, a, b: (v > a) & (v < b),
}


DATE_TESTS = {
    "equals": lambda v, a, b: v == a,
    "notEqual": lambda v, a, b: v != a,
    "greaterThan": lambda v, a, b: v > a,
    "lessThan": lambda v, a, b: v < a,
    "inRange": lambda v, a, b: (v > a) & (v < b),
}


def _text_values(col: pd.Series) -> pd.Series:
    """The column as lower-case text ('' for missing): on a categorical, only its categories."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return pd.Series(col.cat.categories.astype(str).str.lower())
    return col.fillna("").astype(str).str.lower()


def _text_mask(col: pd.Series, cond: dict) -> np.ndarray:
    kind = cond.get("type")
    values = _text_values(col)
    if kind in ("blank", "notBlank"):
        hit = values.str.strip() == ""
        hit = hit if kind == "blank" else ~hit
    elif kind in TEXT_TESTS:
        wanted = cond.get("filter")
        if not isinstance(wanted, (str, int, float)) or isinstance(wanted, bool):
            raise ValueError(f"text filter {kind!r} needs a text to match")
        hit = TEXT_TESTS[kind](values, str(wanted).lower())
    else:
        raise ValueError(f"unknown text filter {kind!r}")
    hit = hit.to_numpy(dtype=bool)
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        missing_hit = kind in ("blank", "notEqual", "notContains")  # a missing value reads as ''
        return np.where(codes >= 0, hit[np.maximum(codes, 0)], missing_hit)
    return hit


def _number(value, kind: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"number filter {kind!r} needs a number")
    return float(value)


def _number_mask(col: pd.Series, cond: dict) -> np.ndarray:
    kind = cond.get("type")
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    if kind in ("blank", "notBlank"):
        hit = np.isnan(values)
        return hit if kind == "blank" else ~hit
    if kind not in NUMBER_TESTS:
        raise ValueError(f"unknown number filter {kind!r}")
    low = _number(cond.get("filter"), kind)
    high = _number(cond.get("filterTo"), kind) if kind == "inRange" else None
    with np.errstate(invalid="ignore"):
        return NUMBER_TESTS[kind](values, low, high)


def _day(value, kind: str) -> str:
    """The day of a date filter's 'YYYY-MM-DD hh:mm:ss' value, checked."""
    if not isinstance(value, str) or len(value) < 10:
        raise ValueError(f"date filter {kind!r} needs a date")
    day = value[:10]
    try:
        date.fromisoformat(day)
    except ValueError:
        raise ValueError(f"date filter {kind!r}: {day!r} is not a date") from None
    return day


def _date_mask(col: pd.Series, cond: dict) -> np.ndarray:
    # ISO days compare as text; a blank never passes a comparison, as in AG Grid's own date filter.
    kind = cond.get("type")
    blank = _text_mask(col, {"type": "blank"})
    if kind in ("blank", "notBlank"):
        return blank if kind == "blank" else ~blank
    if kind not in DATE_TESTS:
        raise ValueError(f"unknown date filter {kind!r}")
    low = _day(cond.get("dateFrom"), kind)
    high = _day(cond.get("dateTo"), kind) if kind == "inRange" else None
    days = col.astype(object).fillna("").astype(str).str[:10]
    return DATE_TESTS[kind](days, low, high).to_numpy(dtype=bool) & ~blank


def _condition_mask(col: pd.Series, filter_type: str, cond: dict) -> np.ndarray:
    if not isinstance(cond, dict):
        raise ValueError("a filter condition must be an object")
    if filter_type == "date":
        return _date_mask(col, cond)
    return _text_mask(col, cond) if filter_type == "text" else _number_mask(col, cond)


def filter_mask(frame: pd.DataFrame, filter_model: dict | None, columns: dict[str, str]) -> np.ndarray:
    """Rows passing every column's filter; columns maps each filterable colId to 'text', 'number' or 'date'."""
    mask = np.ones(len(frame), dtype=bool)
    if not filter_model:
        return mask
    if not isinstance(filter_model, dict):
        raise ValueError("the filter model must be an object")
    for col_id, model in filter_model.items():
        if col_id not in columns or not isinstance(model, dict):
            raise ValueError(f"column {col_id!r} cannot be filtered")
        filter_type = columns[col_id]
        if model.get("filterType", filter_type) != filter_type:
            raise ValueError(f"column {col_id!r} takes a {filter_type} filter")
        col = frame[col_id]
        if "conditions" in model:
            conds = model["conditions"]
            if not isinstance(conds, list) or not conds:
                raise ValueError(f"column {col_id!r}: conditions must be a list")
            masks = [_condition_mask(col, filter_type, c) for c in conds]
            operator = model.get("operator", "AND")
            if operator not in ("AND", "OR"):
                raise ValueError(f"column {col_id!r}: unknown operator {operator!r}")
            combined = np.logical_and.reduce(masks) if operator == "AND" else np.logical_or.reduce(masks)
        else:
            combined = _condition_mask(col, filter_type, model)
        mask &= combined
    return mask


def _sort_key(col: pd.Series) -> np.ndarray:
    """Integers in the column's order: category order for categoricals, value order otherwise."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(dtype=np.int64)  # missing is -1: first, as the grid puts blanks
    if pd.api.types.is_numeric_dtype(col):
        return pd.factorize(col, sort=True, use_na_sentinel=True)[0].astype(np.int64)
    return pd.factorize(col.fillna("").astype(str), sort=True)[0].astype(np.int64)


def sort_order(frame: pd.DataFrame, sort_model: list | None, sortable: set[str]) -> np.ndarray:
    """Row positions in the requested order; ties (and no sort) keep the frame's own order."""
    if not sort_model:
        return np.arange(len(frame))
    if not isinstance(sort_model, list):
        raise ValueError("the sort model must be a list")
    keys = []
    for item in sort_model:
        if not isinstance(item, dict) or item.get("colId") not in sortable or item.get("sort") not in ("asc", "desc"):
            raise ValueError(f"cannot sort by {item!r}")
        key = _sort_key(frame[item["colId"]])
        keys.append(key if item["sort"] == "asc" else -key)
    # np.lexsort's last key is the primary one; the position breaks every tie.
    return np.lexsort([np.arange(len(frame))] + keys[::-1])


def block_bounds(request: dict) -> tuple[int, int]:
    """startRow and endRow of a request, checked: whole numbers, in order, at most MAX_BLOCK apart."""
    start, end = request.get("startRow"), request.get("endRow")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise ValueError("startRow and endRow must be whole numbers")
    if start < 0 or end < start or end - start > MAX_BLOCK:
        raise ValueError(f"rows {start} to {end} are not a block of at most {MAX_BLOCK}")
    return start, end


def model_key(request: dict) -> str:
    """The sort and filter of a request as one stable text, to memoise their result by."""
    return json.dumps([request.get("sortModel") or [], request.get("filterModel") or {}], sort_keys=True)


def ordered_positions(frame: pd.DataFrame, request: dict, filterable: dict[str, str],
                      sortable: set[str]) -> np.ndarray:
    """Positions of the rows that pass the request's filter, in its sort order."""
    mask = filter_mask(frame, request.get("filterModel"), filterable)
    order = sort_order(frame, request.get("sortModel"), sortable)
    return order[mask[order]]

"""The grid's sort and filter models applied on the server: each filter type, combined conditions, sorting, refusals."""

import numpy as np
import pandas as pd
import pytest

from data_access.grid_page import MAX_BLOCK, block_bounds, filter_mask, model_key, ordered_positions, sort_order

COLUMNS = {"ref": "text", "name": "text", "n": "number"}


@pytest.fixture
def frame():
    return pd.DataFrame({
        "ref": ["CR3", "CR1", "CR2", "CR4", "CR5"],
        "name": pd.Categorical(["Smith", "", "jones", "Smithson", "Jones"]),
        "n": [3, 0, 7, 3, 10],
    })


def _refs(frame, request):
    return list(frame["ref"].iloc[ordered_positions(frame, request, COLUMNS, set(COLUMNS))])


@pytest.mark.parametrize("kind, text, expected", [
    ("contains", "SMITH", ["CR3", "CR4"]),
    ("notContains", "smith", ["CR1", "CR2", "CR5"]),
    ("equals", "jones", ["CR2", "CR5"]),
    ("notEqual", "jones", ["CR3", "CR1", "CR4"]),
    ("startsWith", "smi", ["CR3", "CR4"]),
    ("endsWith", "son", ["CR4"]),
])
def test_text_filters_ignore_case_on_categories(frame, kind, text, expected):
    model = {"name": {"filterType": "text", "type": kind, "filter": text}}
    assert _refs(frame, {"filterModel": model}) == expected


def test_blank_and_not_blank(frame):
    assert _refs(frame, {"filterModel": {"name": {"filterType": "text", "type": "blank"}}}) == ["CR1"]
    assert len(_refs(frame, {"filterModel": {"name": {"filterType": "text", "type": "notBlank"}}})) == 4


@pytest.mark.parametrize("cond, expected", [
    ({"type": "equals", "filter": 3}, ["CR3", "CR4"]),
    ({"type": "greaterThan", "filter": 3}, ["CR2", "CR5"]),
    ({"type": "lessThanOrEqual", "filter": 3}, ["CR3", "CR1", "CR4"]),
    ({"type": "inRange", "filter": 0, "filterTo": 7}, ["CR3", "CR4"]),
])
def test_number_filters(frame, cond, expected):
    assert _refs(frame, {"filterModel": {"n": {"filterType": "number", **cond}}}) == expected


@pytest.mark.parametrize("cond, expected", [
    ({"type": "equals", "dateFrom": "2026-11-18 00:00:00"}, ["b"]),
    ({"type": "notEqual", "dateFrom": "2026-11-18 00:00:00"}, ["a", "d"]),
    ({"type": "lessThan", "dateFrom": "2026-11-18 00:00:00"}, ["a"]),
    ({"type": "greaterThan", "dateFrom": "2026-11-01 00:00:00"}, ["b", "d"]),
    ({"type": "inRange", "dateFrom": "2026-10-01 00:00:00", "dateTo": "2026-12-01 00:00:00"}, ["b"]),
    ({"type": "blank"}, ["c"]),
    ({"type": "notBlank"}, ["a", "b", "d"]),
])
def test_date_filters_compare_days_and_leave_blanks_out(cond, expected):
    days = pd.DataFrame({"ref": ["a", "b", "c", "d"],
                         "due": pd.Categorical(["2026-09-30", "2026-11-18", "", "2027-01-02"])})
    got = ordered_positions(days, {"filterModel": {"due": {"filterType": "date", **cond}}}, {"due": "date"}, set())
    assert list(days["ref"].iloc[got]) == expected


@pytest.mark.parametrize("cond", [{"type": "equals", "dateFrom": "tomorrow"}, {"type": "equals"},
                                  {"type": "inRange", "dateFrom": "2026-01-01 00:00:00", "dateTo": None},
                                  {"type": "contains", "dateFrom": "2026-01-01 00:00:00"}])
def test_a_forged_date_filter_is_refused(cond):
    days = pd.DataFrame({"due": ["2026-11-18"]})
    with pytest.raises(ValueError):
        ordered_positions(days, {"filterModel": {"due": {"filterType": "date", **cond}}}, {"due": "date"}, set())


def test_combined_conditions_and_several_columns(frame):
    either = {"filterType": "text", "operator": "OR", "conditions": [
        {"type": "equals", "filter": "smith"}, {"type": "equals", "filter": "jones"}]}
    assert _refs(frame, {"filterModel": {"name": either}}) == ["CR3", "CR2", "CR5"]
    both = {"name": either, "n": {"filterType": "number", "type": "greaterThan", "filter": 5}}
    assert _refs(frame, {"filterModel": both}) == ["CR2", "CR5"]


def test_sort_keeps_the_frame_order_for_ties(frame):
    assert _refs(frame, {"sortModel": [{"colId": "n", "sort": "asc"}]}) == ["CR1", "CR3", "CR4", "CR2", "CR5"]
    assert _refs(frame, {"sortModel": [{"colId": "n", "sort": "desc"}]}) == ["CR5", "CR2", "CR3", "CR4", "CR1"]
    two = [{"colId": "n", "sort": "asc"}, {"colId": "ref", "sort": "desc"}]
    assert _refs(frame, {"sortModel": two}) == ["CR1", "CR4", "CR3", "CR2", "CR5"]
    # No sort: the frame's own (urgency) order.
    assert list(sort_order(frame, [], set(COLUMNS))) == [0, 1, 2, 3, 4]


def test_categories_sort_by_their_order_blank_first(frame):
    got = _refs(frame, {"sortModel": [{"colId": "name", "sort": "asc"}]})
    assert got[0] == "CR1"  # blank first, as the grid puts blanks
    ordered = pd.DataFrame({"ref": ["a", "b", "c"],
                            "state": pd.Categorical(["Upcoming", "Overdue", "Due soon"],
                                                    categories=["Overdue", "Due soon", "Upcoming"])})
    keys = ordered_positions(ordered, {"sortModel": [{"colId": "state", "sort": "asc"}]}, {}, {"state"})
    assert list(ordered["ref"].iloc[keys]) == ["b", "c", "a"]


@pytest.mark.parametrize("request_", [
    {"filterModel": {"secret": {"filterType": "text", "type": "contains", "filter": "x"}}},
    {"filterModel": {"name": {"filterType": "number", "type": "equals", "filter": 1}}},
    {"filterModel": {"name": {"filterType": "text", "type": "regex", "filter": ".*"}}},
    {"filterModel": {"n": {"filterType": "number", "type": "equals", "filter": "1; drop"}}},
    {"filterModel": {"name": {"filterType": "text", "operator": "XOR", "conditions": [{"type": "blank"}]}}},
    {"filterModel": ["not", "a", "dict"]},
    {"sortModel": [{"colId": "secret", "sort": "asc"}]},
    {"sortModel": [{"colId": "n", "sort": "sideways"}]},
    {"sortModel": "n"},
])
def test_a_forged_model_is_refused(frame, request_):
    with pytest.raises(ValueError):
        ordered_positions(frame, request_, COLUMNS, set(COLUMNS))


def test_text_filter_is_literal_not_a_pattern(frame):
    assert _refs(frame, {"filterModel": {"name": {"filterType": "text", "type": "contains", "filter": ".*"}}}) == []


@pytest.mark.parametrize("bounds", [(-1, 10), (10, 5), (0, MAX_BLOCK + 1), ("0", 10), (0, True), (None, 10)])
def test_block_bounds_are_checked(bounds):
    with pytest.raises(ValueError):
        block_bounds({"startRow": bounds[0], "endRow": bounds[1]})


def test_block_bounds_and_model_key():
    assert block_bounds({"startRow": 100, "endRow": 200}) == (100, 200)
    a = {"sortModel": [{"colId": "n", "sort": "asc"}], "filterModel": {"n": {"type": "equals", "filter": 1}}}
    b = {"filterModel": {"n": {"filter": 1, "type": "equals"}}, "sortModel": [{"sort": "asc", "colId": "n"}],
         "startRow": 100}
    assert model_key(a) == model_key(b) != model_key({})


def test_mask_of_an_empty_model_keeps_every_row(frame):
    assert filter_mask(frame, None, COLUMNS).all() and filter_mask(frame, {}, COLUMNS).all()
    assert np.array_equal(sort_order(frame, None, set()), np.arange(5))

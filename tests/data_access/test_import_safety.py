"""Hostile and odd files: workbook bombs, runaway quotes, footnoted force names, UTF-16, NUL bytes, long names,
numbers that are not finite, financial years that are not consecutive; each quarantined or refused with a
message, never a hang or a raw database error, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select

from data_access.importers import import_file
from data_access.importers.__main__ import main as cli_main
from data_access.importers import workbook
from data_access.importers.base import match_force
from data_access.schema_strategic import (
    bench_cost,
    bench_street_crime,
    bench_workforce,
    import_batch,
    import_quarantine,
)
from tests.helpers import actor_for
from tests.strategic_data import drop_demo_data, needs_odfpy
from tests.strategic_files import (
    all_forces,
    ods_bytes,
    recorded_crime_csv,
    street_csv,
    street_row,
    use_of_force_csv,
    workforce_csv,
    workforce_ods,
)


def _admin(store):
    return actor_for(store, "admin")


def _quarantined(store, batch_id) -> list[tuple]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(import_quarantine.c.line_number, import_quarantine.c.reason, import_quarantine.c.raw_row)
            .where(import_quarantine.c.batch_id == batch_id).order_by(import_quarantine.c.line_number))]


def _fte(base=1000.0) -> dict:
    return {code: (v, v + 1.5, v + 3.0) for code, v in all_forces(base, 50).items()}


# ---- ODS workbooks that unpack or expand without bound ------------------------------------------------

_FLOAT = '<table:table-cell office:value-type="float" office:value="1"'


@pytest.mark.parametrize("body", [
    # one value repeated across a thousand columns of a million rows: a billion cells from under 1 KB
    f'<table:table table:name="Table_1"><table:table-row table:number-rows-repeated="1000000">{_FLOAT} '
    'table:number-columns-repeated="1000"/></table:table-row></table:table>',
    # one row whose last cell is a billion columns to the right
    f'<table:table table:name="Table_1"><table:table-row>{_FLOAT}/><table:table-cell '
    f'table:number-columns-repeated="999999999"/>{_FLOAT}/></table:table-row></table:table>',
], ids=["repeated-rows", "repeated-columns"])
def test_a_workbook_that_expands_to_too_many_cells_is_refused_before_it_is_read(sqlite_store, body):
    data = ods_bytes(body)
    assert len(data) < 1000
    report = import_file(sqlite_store, _admin(sqlite_store), "workforce", data, "police-workforce.ods")
    assert report["status"] == "rejected"
    assert f"more than {workbook.MAX_WORKBOOK_CELLS:,} cells" in report["message"]
    assert "MAX_WORKBOOK_CELLS" in report["message"]


def test_a_workbook_that_unpacks_too_large_is_refused(sqlite_store):
    # 21 MB of padding in content.xml deflates to about 20 KB: a zip bomb in miniature.
    padding = " " * (workbook.MAX_WORKBOOK_BYTES + 1_000_000)
    data = ods_bytes(f'<table:table table:name="Table_1">{padding}</table:table>')
    assert len(data) < 100_000
    report = import_file(sqlite_store, _admin(sqlite_store), "workforce", data, "police-workforce.ods")
    assert report["status"] == "rejected"
    assert f"unpacks to more than {workbook.MAX_WORKBOOK_BYTES:,} bytes" in report["message"]


def test_the_workbook_limits_are_settings_and_cells_are_counted_as_the_reader_builds_them():
    needs_odfpy()
    import io

    import pandas as pd

    data = workforce_ods(_fte())  # rows run on in empty cells; the sheet ends in an empty row repeated 1,048,508 times
    built = sum(df.size for df in pd.read_excel(io.BytesIO(data), engine="odf", sheet_name=None, header=None).values())
    assert 500 < built < 1000  # the empty repeats at the ends of rows and of the sheet are not built
    assert workbook.check_workbook(data, max_cells=built) == ["Index", "Table_1"]
    with pytest.raises(workbook.LayoutError, match=f"more than {built - 1:,} cells"):
        workbook.check_workbook(data, max_cells=built - 1)
    with pytest.raises(workbook.LayoutError, match="unpacks to more than"):
        workbook.check_workbook(data, max_bytes=1000)


def test_a_workbook_declaring_entities_is_refused(sqlite_store):
    body = '<table:table table:name="Table_1"/>'
    data = ods_bytes(body, {"styles.xml": '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><a>&lol;</a>'})
    report = import_file(sqlite_store, _admin(sqlite_store), "workforce", data, "police-workforce.ods")
    assert report["status"] == "rejected" and "document type" in report["message"]


# ---- an unclosed quote: every physical line accounted for -------------------------------------------------

def test_an_unclosed_quote_near_the_end_quarantines_each_line_it_swallows_and_names_the_span(store):
    drop_demo_data(store)
    rows = [street_row(f"c{i}", month="2019-01", force="Kent Police", crime_type="Burglary") for i in range(8)]
    # Line 2 holds a quoted field over two lines, correctly closed: one record, not a span.
    rows[0] = rows[0].replace("On or near Brook Hey Drive", '"On or near\nBrook Hey Drive"')
    rows[5] = rows[5].replace("On or near", '"On or near')  # the quote never closes
    data = street_csv(*rows)
    report = import_file(store, _admin(store), "street", data, "2019-01-kent-street.csv")
    # Physical lines: header 1, the two-line record 2-3, then 4..10; the quote opens on line 8.
    assert report["status"] == "loaded"
    assert (report["rows_read"], report["rows_loaded"], report["rows_quarantined"]) == (8, 5, 3)
    assert report["message"] == "lines 8-10: unclosed quote; 3 line(s) quarantined"
    assert report["reasons"] == {"unclosed quote": 3}
    quarantined = _quarantined(store, report["batch_id"])
    assert [n for n, _r, _raw in quarantined] == [8, 9, 10]
    assert all(r.startswith("unclosed quote: lines 8-10") for _n, r, _raw in quarantined)
    assert quarantined[1][2] == rows[6]  # each line's own text is kept
    with store.engine.connect() as conn:
        location = conn.execute(select(func.count()).where(bench_street_crime.c.crime_id == "c0")).scalar()
    assert location == 1


def test_an_unclosed_quote_on_the_last_line_is_one_line(sqlite_store):
    rows = [street_row("c1", month="2019-01", force="Kent Police", crime_type="Burglary"),
            street_row("c2", month="2019-01", force="Kent Police", crime_type="Burglary").replace("On", '"On')]
    report = import_file(sqlite_store, _admin(sqlite_store), "street", street_csv(*rows), "2019-01-kent.csv")
    assert report["message"] == "line 3: unclosed quote; 1 line(s) quarantined"
    assert (report["rows_read"], report["rows_loaded"], report["rows_quarantined"]) == (2, 1, 1)


def test_an_unclosed_quote_in_the_header_refuses_the_file(sqlite_store):
    data = b'Crime ID,"Month,Reported by\n1,2,3\n'
    report = import_file(sqlite_store, _admin(sqlite_store), "street", data, "x.csv")
    assert report["status"] == "rejected" and "unclosed quote in the header" in report["message"]


# ---- footnote markers on force names ----------------------------------------------------------------------

FOOTNOTED = {"derbyshire": "Derbyshire1", "wiltshire": "Wiltshire2", "kent": "Kent (3)",
             "metropolitan": "Metropolitan3,4", "dorset": "Dorset*"}


def test_footnote_markers_do_not_cost_a_force_its_figures_in_the_workforce_csv(sqlite_store):
    drop_demo_data(sqlite_store)
    report = import_file(sqlite_store, _admin(sqlite_store), "workforce", workforce_csv(_fte(), names=FOOTNOTED),
                         "2018.csv")
    assert (report["rows_read"], report["rows_loaded"]) == (57, 43)
    assert not report["notes"].get("unknown_force_names")
    with sqlite_store.engine.connect() as conn:
        forces = set(conn.execute(select(bench_workforce.c.force_code).distinct()).scalars())
    assert set(FOOTNOTED) <= forces and len(forces) == 43


def test_the_workbook_reads_footnoted_names_and_reports_unknown_ones_like_the_csv(sqlite_store):
    needs_odfpy()
    drop_demo_data(sqlite_store)
    data = workforce_ods(_fte(), names=FOOTNOTED, extra_rows=(("Atlantis Constabulary", (10.0, 11.0, 12.0)),))
    report = import_file(sqlite_store, _admin(sqlite_store), "workforce", data, "police-workforce-sep18-tables.ods")
    assert (report["rows_read"], report["rows_loaded"]) == (58, 43)
    assert report["notes"]["unknown_force_names"] == {"Atlantis Constabulary": 1}
    assert report["reasons"]["unknown force name"] == 1
    assert any(r == "unknown force name: 'Atlantis Constabulary'" for _n, r, _raw in
               _quarantined(sqlite_store, report["batch_id"]))


def test_one_force_lookup_serves_every_kind(sqlite_store):
    """Each kind that names forces in its rows reads a footnoted name the same way."""
    drop_demo_data(sqlite_store)
    admin = _admin(sqlite_store)
    files = {
        "use-of-force": (use_of_force_csv({"kent": 12}).replace(b"South East,Kent,", b"South East,Kent1,"),
                         "april2017-march2018.csv"),
        "recorded-crime": (recorded_crime_csv(("2017/18", 1, "Kent2", "Homicide", "Homicide", "Homicide", "1", 2)),
                           "prc.csv"),
        "costs": (b"force,area,financial_year,cost_gbp\nKent (1),burglary,2017/18,1000\n", "costs.csv"),
        "street": (street_csv(street_row("c9", month="2019-01", force="Kent Police*", crime_type="Burglary")),
                   "2019-01-kent-street.csv"),
    }
    for kind, (data, name) in files.items():
        report = import_file(sqlite_store, admin, kind, data, name)
        assert report["rows_loaded"] == 1, (kind, report)
    assert match_force("Kent3") == ("kent", None)
    assert match_force("Total 43 forces")[1] == "total row, not a force: 'Total 43 forces'"
    assert match_force("Police (Scotland)")[0] is None  # a closing bracket that is no footnote stays


# ---- encodings ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("codec,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                       ("utf-8", b"\xef\xbb\xbf")], ids=["utf16le", "utf16be", "utf8sig"])
def test_a_file_is_read_in_the_encoding_its_byte_order_mark_names(sqlite_store, codec, bom):
    drop_demo_data(sqlite_store)
    text = street_csv(street_row("c1", month="2019-01", force="Kent Police", crime_type="Burglary"),
                      street_row("c2", month="2019-01", force="Kent Police", crime_type="Burglary",
                                 outcome="Offender given a caution"), newline="\r\n").decode()
    report = import_file(sqlite_store, _admin(sqlite_store), "street", bom + text.encode(codec), f"{codec}.csv")
    assert report["status"] == "loaded", report["message"]
    assert (report["rows_read"], report["rows_loaded"]) == (2, 2)


def test_a_byte_order_mark_over_bytes_of_another_encoding_is_refused_saying_so(sqlite_store):
    data = b"\xff\xfe" + "Crime ID,Month\n".encode("utf-16-le") + b"\x00"  # an odd byte: not UTF-16
    report = import_file(sqlite_store, _admin(sqlite_store), "street", data, "odd.csv")
    assert report["status"] == "rejected" and "UTF-16 byte-order mark but is not valid UTF-16" in report["message"]


# ---- what the database cannot hold: quarantined or refused, on both databases --------------------------------

def test_a_nul_byte_in_a_cell_quarantines_its_row(store):
    drop_demo_data(store)
    rows = [street_row("c1", month="2019-01", force="Kent Police", crime_type="Burglary"),
            street_row("c2", month="2019-01", force="Kent Police", crime_type="Bur\x00glary"),
            street_row("c3", month="2019-01", force="Kent Police", crime_type="Burglary")]
    report = import_file(store, _admin(store), "street", street_csv(*rows), "2019-01-kent-street.csv")
    assert report["status"] == "loaded" and report["rows_loaded"] == 2
    assert report["reasons"] == {"bad character": 1}
    (number, reason, raw), = _quarantined(store, report["batch_id"])
    assert number == 3 and reason == "bad character: a NUL byte in field 10 ('Crime type')"
    assert "Bur\\x00glary" in raw  # shown, not stored as NUL


def test_values_too_long_or_too_large_for_a_column_quarantine_their_row(store):
    drop_demo_data(store)
    admin = _admin(store)
    rows = [street_row("c1", month="2019-01", force="Kent Police", crime_type="Burglary"),
            street_row("c2", month="2019-01", force="Kent Police", crime_type="Burglary", lsoa="E0100644812345")]
    report = import_file(store, admin, "street", street_csv(*rows), "2019-01-kent-street.csv")
    assert report["rows_loaded"] == 1
    assert report["reasons"] == {"value too long": 1}
    assert _quarantined(store, report["batch_id"])[0][1] == \
        "value too long: lsoa_code has 14 characters, at most 12 fit"
    big = recorded_crime_csv(("2017/18", 1, "Kent", "Homicide", "Homicide", "Homicide", "1", 99_999_999_999),
                             ("2017/18", 2, "Kent", "Homicide", "Homicide", "Homicide", "1", 3))
    report = import_file(store, admin, "recorded-crime", big, "prc.csv")
    assert report["rows_loaded"] == 1 and report["reasons"] == {"number out of range": 1}


@pytest.mark.parametrize("name,expected", [
    ("a" * 300 + ".csv", "the file name is 304 characters long"),
    ("april2017-march2018\x00.csv", "the file name contains a control character"),
])
def test_a_file_name_the_history_cannot_hold_is_refused_with_a_message(store, name, expected):
    report = import_file(store, _admin(store), "use-of-force", use_of_force_csv({"kent": 12}), name)
    assert report["status"] == "rejected" and expected in report["message"]
    with store.engine.connect() as conn:
        recorded = conn.execute(select(import_batch.c.file_name, import_batch.c.status)
                                .where(import_batch.c.id == report["batch_id"])).one()
    assert recorded.status == "rejected" and len(recorded.file_name) <= 255 and "\x00" not in recorded.file_name


# ---- numbers and years ---------------------------------------------------------------------------------------

def test_infinite_nan_and_negative_fte_are_quarantined(sqlite_store):
    drop_demo_data(sqlite_store)
    text = ("Force/Region,September 2017,March 2018\nKent,inf,3000\nDorset,1200,nan\nGwent,-5,1300\n"
            "Cheshire,2000,2001\n")
    report = import_file(sqlite_store, _admin(sqlite_store), "workforce", text.encode(), "fte.csv")
    assert report["rows_loaded"] == 1
    assert report["reasons"] == {"non-numeric count": 2, "negative count": 1}
    costs = "force,area,financial_year,cost_gbp\nKent,burglary,2017/18,inf\nKent,burglary,2018/19,NaN\n"
    report = import_file(sqlite_store, _admin(sqlite_store), "costs", costs.encode(), "costs.csv")
    assert report["rows_loaded"] == 0 and report["reasons"] == {"non-numeric count": 2}


def test_a_financial_year_must_be_two_consecutive_years(sqlite_store, tmp_path, capsys):
    drop_demo_data(sqlite_store)
    admin = _admin(sqlite_store)
    costs = ("force,area,financial_year,cost_gbp\nKent,burglary,2017/19,1000\nKent,burglary,2017/18,1000\n"
             "Kent,burglary,1999/00,5\n")
    report = import_file(sqlite_store, admin, "costs", costs.encode(), "costs.csv")
    assert report["rows_loaded"] == 2 and report["reasons"] == {"bad date": 1}
    assert "'2017/19'" in _quarantined(sqlite_store, report["batch_id"])[0][1]
    with sqlite_store.engine.connect() as conn:
        assert set(conn.execute(select(bench_cost.c.fin_year).where(bench_cost.c.force_code == "kent",
                                                                    bench_cost.c.synthetic.is_(False))).scalars()) \
            == {"2017/18", "1999/00"}
    uof = use_of_force_csv({"kent": 12})
    by_name = import_file(sqlite_store, admin, "use-of-force", uof, "april2017-march2019.csv")
    assert by_name["status"] == "rejected" and "'2017/19'" in by_name["message"]
    by_option = import_file(sqlite_store, admin, "use-of-force", uof, "uof.csv", year="2017/19")
    assert by_option["status"] == "rejected" and "--year gives financial year '2017/19'" in by_option["message"]
    path = tmp_path / "uof.csv"
    path.write_bytes(uof)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli_main(["use-of-force", str(path), "--database-url", url, "--year", "2017/19"]) == 2
    assert "consecutive" in capsys.readouterr().out

"""Loading and removing in short batches: other writers are not held up, readers never see part of a file, and
a load or removal that fails or is cut off leaves the previous figures in place."""

import re
import sqlite3
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.clock import now_local
from data_access.importers import import_file, loading
from data_access.public import public_summary
from data_access.schema import meta
from data_access.schema_strategic import IMPORTED_TABLES, bench_street_crime, import_batch, import_quarantine
from data_access.strategic import _cached_measures, import_version, tactics_table
from data_access.strategic_imports import remove_batch
from tests.helpers import actor_for
from tests.strategic_data import drop_demo_data
from tests.strategic_files import (
    all_forces,
    recorded_crime_csv,
    stop_search_csv,
    street_csv,
    street_row,
    use_of_force_csv,
    workforce_csv,
)


def _street_file(rows: int, month: str = "2019-01") -> bytes:
    """Kent and Dorset crimes of one month; every third an anti-social behaviour row (no Crime ID, no outcome)."""
    lines = [street_row("" if i % 3 == 0 else f"{month}-c{i}", month=month,
                        force=("Kent Police", "Dorset Police")[i % 2],
                        crime_type="Anti-social behaviour" if i % 3 == 0 else "Burglary",
                        outcome="" if i % 3 == 0 else "Offender given a caution") for i in range(rows)]
    return street_csv(*lines, newline="\r\n")


def _figures(store) -> dict:
    """Everything the Strategic tab and the public page read from the bench_* tables, computed afresh."""
    store.cache.clear()
    figures = _cached_measures(store)
    return {"measures": figures["measures"], "costs": figures["costs"],
            "tactics": tactics_table(store, actor_for(store, "admin"), "burglary"),
            "public": public_summary(store)["areas"]}


def _same(a: dict, b: dict) -> bool:
    for key in a:
        if isinstance(a[key], pd.DataFrame):
            left = a[key].sort_values(list(a[key].columns)).reset_index(drop=True)
            right = b[key].sort_values(list(b[key].columns)).reset_index(drop=True)
            if not left.equals(right):
                return False
        elif a[key] != b[key]:
            return False
    return True


def _rows_of(store, batch_id) -> int:
    with store.engine.connect() as conn:
        return sum(conn.execute(select(func.count()).select_from(t).where(t.c.batch_id == batch_id)).scalar()
                   for t in (*IMPORTED_TABLES, import_quarantine))


def _batches(store) -> list:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(import_batch.c.id, import_batch.c.status)
                                               .where(import_batch.c.synthetic.is_(False))
                                               .order_by(import_batch.c.id))]


def test_another_writer_waits_only_for_one_batch_not_the_whole_file(sqlite_store):
    store = sqlite_store
    path = store.engine.url.database
    rows = 3 * loading.LOAD_BATCH_ROWS
    writes = []

    def between_batches(fraction, label):
        if not label.startswith("loaded"):
            return
        # A second connection that gives up after 50 ms, as a sign-in or a completed task would after 10 s.
        other = sqlite3.connect(path, timeout=0.05)
        try:
            with other:
                other.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (f"probe-{len(writes)}", label))
            writes.append(label)
        finally:
            other.close()

    report = import_file(store, actor_for(store, "admin"), "street", _street_file(rows), "2019-01-street.csv",
                         progress=between_batches)
    assert report["rows_loaded"] == rows
    assert len(writes) == 3  # after every batch, another connection wrote at once
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).where(meta.c.key.like("probe-%"))).scalar() == 3


KINDS = {  # a file of each kind, several batches long once LOAD_BATCH_ROWS is 2; workforce first, as rates need it
    "workforce": (workforce_csv({"kent": (3000.0, 3010.0, 3020.0), "dorset": (1200.0, 1210.0, 1220.0)}), "fte.csv"),
    "street": (_street_file(7, "2019-03"), "2019-03-kent-street.csv"),
    "outcomes": (("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                  "Outcome type\n" + "".join(f"2019-01-c{i},2019-02,Kent Police,Kent Police,,,X,,,"
                                             "Investigation complete; no suspect identified\n" for i in (1, 2, 4))
                  ).encode(), "2019-02-kent-outcomes.csv"),
    "stop-search": (stop_search_csv(*[(f"2019-06-0{d}T10:00:00+00:00", "Arrest") for d in range(1, 6)]),
                    "2019-06-kent-stop-and-search.csv"),
    "recorded-crime": (recorded_crime_csv(*[("2018/19", q, "Kent", "Burglary", "Theft", "Domestic burglary", "28", 40)
                                           for q in range(1, 5)]), "prc.csv"),
    "use-of-force": (use_of_force_csv(all_forces(2000, 37)), "april2018-march2019.csv"),
    # A year and tactics the demo data does not hold, so the rows are new.
    "costs": (b"force,area,financial_year,cost_gbp\nKent,burglary,2014/15,1000\nDorset,burglary,2014/15,900\n"
              b"Gwent,burglary,2014/15,800\n", "costs.csv"),
    "tactics": (b"force,area,tactic,in_use\nKent,burglary,Tested tactic A,yes\nDorset,burglary,Tested tactic A,yes\n"
                b"Gwent,burglary,Tested tactic B,yes\n", "tactics.csv"),
}


def test_no_read_of_the_benchmark_tables_sees_a_batch_still_loading(store, monkeypatch):
    monkeypatch.setattr(loading, "LOAD_BATCH_ROWS", 2)
    drop_demo_data(store)
    admin = actor_for(store, "admin")
    import_file(store, admin, "street", _street_file(5), "2019-01-kent-street.csv")  # crimes the outcomes speak of
    seen = []
    for kind, (data, name) in KINDS.items():
        before, version = _figures(store), import_version(store)

        def between_batches(fraction, label, before=before, version=version, kind=kind):
            done = re.fullmatch(r"loaded ([\d,]+) of ([\d,]+) rows", label)
            if done and done[1] == done[2]:  # every batch written; the transaction that shows them is still to come
                with store.engine.connect() as conn:
                    assert conn.execute(select(import_batch.c.status).order_by(import_batch.c.id.desc())
                                        .limit(1)).scalar() == "loading"
                assert import_version(store) == version
                seen.append((kind, _same(before, _figures(store))))

        report = import_file(store, admin, kind, data, name, progress=between_batches)
        assert report["status"] == "loaded" and report["rows_read"] > 2, (kind, report)  # more than one batch
        assert import_version(store) != version and not _same(before, _figures(store)), kind
    assert [k for k, _s in seen] == list(KINDS)  # read between batches of every kind
    assert all(same for _k, same in seen), [k for k, same in seen if not same]


def test_a_load_that_fails_part_way_leaves_nothing_and_the_file_can_be_imported_again(store, monkeypatch):
    monkeypatch.setattr(loading, "LOAD_BATCH_ROWS", 2)
    admin = actor_for(store, "admin")
    data = _street_file(9)
    before, version = _figures(store), import_version(store)

    def fail_after_two_batches(fraction, label):
        if label.startswith("loaded 4"):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        import_file(store, admin, "street", data, "2019-01-street.csv", progress=fail_after_two_batches)
    (batch_id, status), = _batches(store)
    assert status == "failed" and _rows_of(store, batch_id) == 0
    assert import_version(store) == version and _same(before, _figures(store))
    again = import_file(store, admin, "street", data, "2019-01-street.csv")
    assert again["status"] == "loaded" and again["rows_loaded"] == 9


def test_a_load_cut_off_is_hidden_then_discarded_by_the_next_import(store, monkeypatch):
    monkeypatch.setattr(loading, "LOAD_BATCH_ROWS", 2)
    admin = actor_for(store, "admin")
    data = _street_file(9)
    before = _figures(store)

    def process_stops(fraction, label):
        if label.startswith("loaded 4"):
            raise KeyboardInterrupt

    # The process stops between batches: nothing runs after it, so the rows written so far stay behind.
    monkeypatch.setattr(loading, "_abandon", lambda *args: None)
    with pytest.raises(KeyboardInterrupt):
        import_file(store, admin, "street", data, "2019-01-street.csv", progress=process_stops)
    monkeypatch.undo()
    monkeypatch.setattr(loading, "LOAD_BATCH_ROWS", 2)
    (cut_off, status), = _batches(store)
    assert status == "loading" and _rows_of(store, cut_off) == 4
    assert _same(before, _figures(store))  # its rows are there, and nobody sees them
    # While its heartbeat is recent it might still be loading elsewhere: the same rows are not taken twice.
    busy = import_file(store, admin, "street", data, "2019-01-street.csv")
    assert busy["status"] == "rejected" and f"belong to import {cut_off}" in busy["message"]
    assert _rows_of(store, busy["batch_id"]) == 0
    with store.engine.begin() as conn:
        conn.execute(import_batch.update().where(import_batch.c.id == cut_off).values(
            imported_at=now_local() - timedelta(seconds=loading.LOADING_STALE_SECONDS + 60)))
    again = import_file(store, admin, "street", data, "2019-01-street.csv")
    assert again["status"] == "loaded" and again["rows_loaded"] == 9 and again["rows_duplicated"] == 0
    statuses = dict(_batches(store))
    assert statuses[cut_off] == "failed" and _rows_of(store, cut_off) == 0
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(bench_street_crime)
                            .where(bench_street_crime.c.batch_id == again["batch_id"])).scalar() == 9


def test_a_removal_hides_the_import_at_once_and_deletes_it_without_holding_up_other_writers(sqlite_store):
    store = sqlite_store
    admin = actor_for(store, "admin")
    before = _figures(store)
    report = import_file(store, admin, "street", _street_file(3 * loading.LOAD_BATCH_ROWS), "2019-01-street.csv")
    assert not _same(before, _figures(store))
    seen = []

    def between_batches(deleted, table):
        other = sqlite3.connect(store.engine.url.database, timeout=0.05)
        try:
            with other:
                other.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (f"probe-{deleted}", table))
        finally:
            other.close()
        seen.append((deleted, _same(before, _figures(store)) if not seen else True))

    removed = remove_batch(store, admin, report["batch_id"], progress=between_batches)
    assert removed["rows"] == 3 * loading.LOAD_BATCH_ROWS
    assert [d for d, _s in seen] == [loading.LOAD_BATCH_ROWS * i for i in (1, 2, 3)]
    assert seen[0][1]  # one batch deleted, two to go: readers already see none of it
    assert dict(_batches(store))[report["batch_id"]] == "removed" and _rows_of(store, report["batch_id"]) == 0


def test_a_removal_cut_off_is_finished_by_the_next_import(store, monkeypatch):
    monkeypatch.setattr(loading, "LOAD_BATCH_ROWS", 2)
    admin = actor_for(store, "admin")
    data = _street_file(9)
    before = _figures(store)
    first = import_file(store, admin, "street", data, "2019-01-street.csv")

    def process_stops(deleted, table):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        remove_batch(store, admin, first["batch_id"], progress=process_stops)
    assert dict(_batches(store))[first["batch_id"]] == "removing" and _rows_of(store, first["batch_id"]) == 7
    assert _same(before, _figures(store))  # hidden from the moment it was claimed
    other = import_file(store, admin, "use-of-force", use_of_force_csv({"kent": 12}), "april2018-march2019.csv")
    assert other["status"] == "loaded"
    assert dict(_batches(store))[first["batch_id"]] == "removed" and _rows_of(store, first["batch_id"]) == 0
    again = import_file(store, admin, "street", data, "2019-01-street.csv")
    assert again["status"] == "loaded" and again["rows_loaded"] == 9

"""Loading extracts: the same extract twice changes nothing, a later one updates and deletes, a failure part way
leaves the previous state, and every shape of the same records (CSV, niche-style, Parquet, staging) gives the
same canonical rows, on SQLite and PostgreSQL."""

import csv
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select, text

from data_access.ingest import loader
from data_access.ingest.__main__ import main as ingest_main
from data_access.ingest.loader import load_extract, validate_extract
from data_access.schema import audit_log, crime, crime_person, meta
from data_access.schema_events import crime_event
from data_access.schema_ingest import source_key, source_load
from tests.ingest.canonical import canonical
from tests.ingest.conftest import MAPPINGS, SAMPLES, _open

BEACON = MAPPINGS / "beacon-extract.yaml"
NICHE = MAPPINGS / "niche-style.yaml"


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(path, rows, columns=None):
    columns = columns or list(rows[0])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def _crime_id(store, ref) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(crime.c.id).where(crime.c.crime_ref == ref)).scalar()


def test_a_load_reports_each_table_then_the_derivation_in_order(empty_store, beacon_extract):
    heard = []
    result = load_extract(empty_store, BEACON, beacon_extract, progress=lambda p, label: heard.append((p, label)))
    assert result.status == "loaded", result.message
    percents = [p for p, _ in heard]
    assert percents == sorted(percents) and 10 <= percents[0] and percents[-1] < 95
    labels = [label for _, label in heard]
    assert labels[0].startswith("reading and loading org units (table 1 of ")
    assert any(label.startswith("reading and loading crimes ") for label in labels)
    assert labels[-1] == "deriving the owed work (0 of 30 crimes)"


def test_same_extract_twice_changes_nothing(empty_store, beacon_extract):
    first = load_extract(empty_store, BEACON, beacon_extract)
    assert first.status == "loaded", first.message
    assert first.counts["crimes"]["inserted"] == 30 and first.totals()["quarantined"] == 0
    assert len(first.changed_crime_ids) == 30
    before = canonical(empty_store)
    version = empty_store.data_version()
    second = load_extract(empty_store, BEACON, beacon_extract)
    assert second.status == "loaded"
    assert second.changed == 0 and second.changed_crime_ids == set()
    assert second.totals()["unchanged"] == first.totals()["read"]
    assert canonical(empty_store) == before
    assert empty_store.data_version() == version  # nothing changed, so caches stay valid


def test_update_changes_only_what_changed(empty_store, beacon_extract):
    load_extract(empty_store, BEACON, beacon_extract)
    crimes = _rows(beacon_extract / "crimes.csv")
    crimes[3].update(status="finalised", outcome_code="16", outcome_date="2026-10-30")
    _write(beacon_extract / "crimes.csv", crimes)
    events = _rows(beacon_extract / "crime_events.csv")
    events.append({**events[0], "event_ref": "REV-9001", "kind": "supervisor_review", "crime_ref": crimes[7]["crime_ref"],
                   "at": "2026-11-01 10:00"})
    _write(beacon_extract / "crime_events.csv", events)
    version = empty_store.data_version()
    result = load_extract(empty_store, BEACON, beacon_extract)
    assert result.counts["crimes"] == {"read": 30, "inserted": 0, "updated": 1, "unchanged": 29, "deleted": 0,
                                       "quarantined": 0}
    assert result.counts["crime_events"]["inserted"] == 1 and result.counts["crime_events"]["updated"] == 0
    assert result.changed_crime_ids == {_crime_id(empty_store, crimes[3]["crime_ref"]),
                                        _crime_id(empty_store, crimes[7]["crime_ref"])}
    with empty_store.engine.connect() as conn:
        row = conn.execute(select(crime).where(crime.c.crime_ref == crimes[3]["crime_ref"])).mappings().one()
    assert (row["status"], row["finalised"], row["outcome_code"]) == ("finalised", True, 16)
    assert empty_store.data_version() != version


def test_change_marker_is_trusted(sqlite_empty, beacon_extract):
    crimes = _rows(beacon_extract / "crimes.csv")
    for c in crimes:
        c["change_marker"] = "v1"
    _write(beacon_extract / "crimes.csv", crimes)
    load_extract(sqlite_empty, BEACON, beacon_extract)
    # The same marker: the record is taken as unchanged even though a field differs.
    crimes[0]["summary"] = "edited without a new marker"
    crimes[1].update(summary="edited with a new marker", change_marker="v2")
    _write(beacon_extract / "crimes.csv", crimes)
    result = load_extract(sqlite_empty, BEACON, beacon_extract)
    assert result.counts["crimes"]["updated"] == 1
    assert result.changed_crime_ids == {_crime_id(sqlite_empty, crimes[1]["crime_ref"])}


def test_declared_deletion(empty_store, beacon_extract):
    load_extract(empty_store, BEACON, beacon_extract)
    gone = _rows(beacon_extract / "crimes.csv")[0]["crime_ref"]
    gone_id = _crime_id(empty_store, gone)
    parties = [p for p in _rows(beacon_extract / "parties.csv") if p["crime_ref"] == gone]
    _write(beacon_extract / "crimes.csv", [{"crime_ref": gone, "deleted": "true"}])
    for name in ("parties", "crime_events", "crime_links", "persons", "officers", "org_units"):
        (beacon_extract / f"{name}.csv").unlink()
    before_parties = _count(empty_store, crime_person)
    result = load_extract(empty_store, BEACON, beacon_extract)
    assert result.counts["crimes"]["deleted"] == 1, result.quarantined
    assert result.changed_crime_ids == {gone_id}
    assert _crime_id(empty_store, gone) is None
    # The crime's own rows go with it, and their source keys, so a later extract may bring them back afresh.
    assert _count(empty_store, crime_person) == before_parties - len(parties)
    with empty_store.engine.connect() as conn:
        assert not conn.execute(select(crime_event).where(crime_event.c.crime_id == gone_id)).first()
        assert not conn.execute(select(source_key).where(source_key.c.entity == "parties",
                                                         source_key.c.source_key.in_(
                                                             [p["party_ref"] for p in parties]))).first()
    again = load_extract(empty_store, BEACON, beacon_extract)
    assert again.changed == 0


def test_failure_mid_batch_leaves_previous_state(empty_store, beacon_extract, monkeypatch):
    load_extract(empty_store, BEACON, beacon_extract)
    before = canonical(empty_store)
    version = empty_store.data_version()
    crimes = _rows(beacon_extract / "crimes.csv")
    crimes[0]["summary"] = "changed"
    _write(beacon_extract / "crimes.csv", crimes)
    events = _rows(beacon_extract / "crime_events.csv")
    events.append({**events[0], "event_ref": "NEW-1"})
    _write(beacon_extract / "crime_events.csv", events)
    real = loader._insert

    def failing(conn, table, records):
        if table.name == "crime_event":
            real(conn, table, records[:1])  # some rows written, then the database fails
            raise RuntimeError("disk full")
        return real(conn, table, records)

    monkeypatch.setattr(loader, "_insert", failing)
    result = load_extract(empty_store, BEACON, beacon_extract)
    assert result.status == "failed" and "disk full" in result.message
    assert result.changed_crime_ids == set()
    assert canonical(empty_store) == before
    assert empty_store.data_version() == version
    with empty_store.engine.connect() as conn:
        load = conn.execute(select(source_load).where(source_load.c.id == result.load_id)).mappings().one()
        audit = conn.execute(select(audit_log.c.detail).where(audit_log.c.object_type == "source_load",
                                                              audit_log.c.object_id == str(result.load_id))).scalars().all()
    assert load["status"] == "failed" and "disk full" in load["message"] and load["finished_at"] is not None
    assert any("failed" in d for d in audit)
    monkeypatch.setattr(loader, "_insert", real)
    retry = load_extract(empty_store, BEACON, beacon_extract)
    assert retry.status == "loaded" and retry.counts["crimes"]["updated"] == 1


@pytest.mark.postgres
def test_a_second_load_while_one_runs_is_refused(pg_database, tmp_path, beacon_extract):
    store = _open(pg_database, tmp_path)
    try:
        with store.engine.connect() as holder:
            with holder.begin():  # another load's transaction, holding the load lock
                holder.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": loader.LOAD_LOCK_KEY})
                refused = load_extract(store, BEACON, beacon_extract)
        assert refused.status == "failed" and "another load is in progress" in refused.message
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(crime)).scalar() == 0
        assert load_extract(store, BEACON, beacon_extract).status == "loaded"
    finally:
        store.cache.close()
        store.engine.dispose()


def test_validate_writes_nothing_to_beacon(sqlite_empty, beacon_extract, tmp_path):
    report = tmp_path / "quarantine.csv"
    with open(beacon_extract / "parties.csv", "a", encoding="utf-8") as fh:
        fh.write("INV9999,NF/99999/26,N5001,victim,false,,\n")
    code = ingest_main(["validate", "--mapping", str(BEACON), "--source", str(beacon_extract), "--report", str(report),
                        "--database-url", str(sqlite_empty.engine.url), "--cache-dir", str(tmp_path / "c")])
    assert code == 0
    assert _count(sqlite_empty, crime) == 0 and _count(sqlite_empty, source_key) == 0
    rows = _rows(report)
    assert [(r["file"], r["line"]) for r in rows] == [("parties.csv", "55")]
    assert "unknown reference: crime_ref 'NF/99999/26'" in rows[0]["reason"]
    with sqlite_empty.engine.connect() as conn:
        assert conn.execute(select(source_load.c.status)).scalars().all() == ["validated"]
    result = validate_extract(sqlite_empty, BEACON, beacon_extract)
    assert result.counts["crimes"]["inserted"] == 30  # what a load would do


def test_command_line_load_and_history(sqlite_empty, beacon_extract, tmp_path, capsys):
    args = ["--database-url", str(sqlite_empty.engine.url), "--cache-dir", str(tmp_path / "c")]
    assert ingest_main(["load", "--mapping", str(BEACON), "--source", str(beacon_extract), *args]) == 0
    assert ingest_main(["load", "--mapping", str(BEACON), "--source", str(beacon_extract), *args]) == 0
    assert ingest_main(["loads", *args]) == 0
    out = capsys.readouterr().out
    assert "tasks of 30 changed crimes re-derived" in out and "(changed 0; 0 crimes)" in out
    with sqlite_empty.engine.connect() as conn:
        counts = [json.loads(c) for c in conn.execute(select(source_load.c.counts).order_by(source_load.c.id)).scalars()]
    assert counts[1]["crimes"]["unchanged"] == 30


def test_niche_style_and_beacon_shape_give_the_same_rows(sqlite_empty, second_sqlite):
    niche = load_extract(sqlite_empty, NICHE, SAMPLES / "niche-style")
    beacon = load_extract(second_sqlite, BEACON, SAMPLES / "beacon-extract")
    assert niche.status == beacon.status == "loaded"
    assert niche.totals()["quarantined"] == beacon.totals()["quarantined"] == 0
    assert niche.counts == {name: c for name, c in beacon.counts.items() if name in niche.counts}
    left, right = canonical(sqlite_empty), canonical(second_sqlite)
    assert left == right
    # The Windows-1252 occurrences file's accented text arrived intact.
    assert any("('location', '" in str(r) and "Café Row" in str(r) for r in left["crime"])


def _typed_parquet(src, dst):
    """The beacon-shaped CSV extract as Parquet with typed columns (dates, times, booleans, numbers)."""
    dst.mkdir()
    for path in src.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in frame.columns:
            if col.endswith(("_on", "_date")) or col == "date_of_birth":
                frame[col] = pd.to_datetime(frame[col].replace("", None)).dt.date
            elif col.endswith("_at") or col == "at":
                frame[col] = pd.to_datetime(frame[col].replace("", None))
            elif col in ("is_staff", "is_student", "domestic_abuse", "hate_crime", "enhanced_rights"):
                frame[col] = frame[col].eq("true")
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), dst / f"{path.stem}.parquet")


def test_parquet_extract(sqlite_empty, second_sqlite, tmp_path):
    _typed_parquet(SAMPLES / "beacon-extract", tmp_path / "parquet")
    result = load_extract(sqlite_empty, BEACON, tmp_path / "parquet")
    assert result.status == "loaded" and result.totals()["quarantined"] == 0, result.quarantined[:3]
    load_extract(second_sqlite, BEACON, SAMPLES / "beacon-extract")
    assert canonical(sqlite_empty) == canonical(second_sqlite)
    assert load_extract(sqlite_empty, BEACON, tmp_path / "parquet").changed == 0


def test_postgresql_staging_tables(pg_database, tmp_path, second_sqlite):
    from data_access.db import make_engine
    from data_access.store import open_store

    staging = make_engine(pg_database)
    with staging.begin() as conn:
        conn.execute(text("CREATE SCHEMA staging"))
        for path in (SAMPLES / "beacon-extract").glob("*.csv"):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            if path.stem == "crimes":
                frame["occurred_on"] = pd.to_datetime(frame["occurred_on"]).dt.date  # a typed column, as an ETL writes
            frame.to_sql(path.stem, conn, schema="staging", index=False)
    staging.dispose()
    mapping = MAPPINGS / "etl-staging.yaml"
    store = open_store(pg_database, tmp_path / "cache", fixed_today=None)
    try:
        result = load_extract(store, mapping, pg_database)
        assert result.status == "loaded" and result.totals()["quarantined"] == 0, (result.message, result.quarantined[:3])
        assert result.source.startswith("postgresql") and result.mapping == "etl-staging"
        load_extract(second_sqlite, BEACON, SAMPLES / "beacon-extract")
        assert canonical(store) == canonical(second_sqlite)
        assert load_extract(store, mapping, pg_database).changed == 0
    finally:
        store.cache.close()
        store.engine.dispose()


def test_audit_and_cache_bookkeeping(sqlite_empty, beacon_extract):
    result = load_extract(sqlite_empty, BEACON, beacon_extract)
    with sqlite_empty.engine.connect() as conn:
        detail = conn.execute(select(audit_log.c.detail).where(audit_log.c.object_type == "source_load")).scalar()
        org_version = conn.execute(select(meta.c.value).where(meta.c.key == "org_version")).scalar()
    assert json.loads(detail)["inserted"] == result.totals()["inserted"]
    assert org_version == f"ingest-{result.load_id}"


@pytest.mark.parametrize("missing", ["no-such-folder"])
def test_missing_folder_fails_cleanly(sqlite_empty, tmp_path, missing):
    result = load_extract(sqlite_empty, BEACON, tmp_path / missing)
    assert result.status == "failed" and "does not exist" in result.message


def test_command_line_refuses_a_broken_mapping(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text("mapping: m\ntables:\n  crimes:\n    files: c.csv\n    renam: {A: b}\n", encoding="utf-8")
    code = ingest_main(["load", "--mapping", str(broken), "--source", str(tmp_path),
                        "--database-url", f"sqlite:///{tmp_path / 'x.db'}", "--cache-dir", str(tmp_path / "c")])
    assert code == 2
    assert f"{broken} line 5: unknown key 'renam'" in capsys.readouterr().err


def test_whole_table_lookups_match_keyed_lookups(sqlite_empty, second_sqlite, beacon_extract, monkeypatch):
    """A large extract reads a table's source keys in one query, a small one by key: the loads agree."""
    load_extract(second_sqlite, BEACON, beacon_extract)
    monkeypatch.setattr(loader, "WHOLE_ENTITY", 5)
    load_extract(sqlite_empty, BEACON, beacon_extract)
    assert canonical(sqlite_empty) == canonical(second_sqlite)
    crimes = _rows(beacon_extract / "crimes.csv")
    crimes[2]["summary"] = "changed"
    _write(beacon_extract / "crimes.csv", crimes)
    result = load_extract(sqlite_empty, BEACON, beacon_extract)
    assert result.changed == 1 and result.counts["crimes"]["updated"] == 1


@pytest.mark.parametrize("shape", ["csv", "parquet"])
def test_a_table_loaded_a_slice_at_a_time_gives_the_rows_of_a_whole_load(shape, sqlite_empty, second_sqlite,
                                                                         beacon_extract, tmp_path, monkeypatch):
    """A large table is read, checked and written in slices: the loads agree, counts and all."""
    source = beacon_extract
    if shape == "parquet":
        _typed_parquet(beacon_extract, tmp_path / "parquet")
        source = tmp_path / "parquet"
    whole = load_extract(second_sqlite, BEACON, source)
    monkeypatch.setattr(loader, "READ_SLICE", 4)
    sliced = load_extract(sqlite_empty, BEACON, source)
    assert sliced.status == "loaded" and sliced.counts == whole.counts, sliced.message
    assert len(_rows(beacon_extract / "crime_events.csv")) > 4 * 3  # several slices, not one
    assert canonical(sqlite_empty) == canonical(second_sqlite)
    assert load_extract(sqlite_empty, BEACON, source).changed == 0


def test_a_key_repeated_in_a_later_slice_is_quarantined_naming_the_first_line(sqlite_empty, beacon_extract,
                                                                               monkeypatch):
    events = _rows(beacon_extract / "crime_events.csv")
    again = dict(events[1])  # line 3 of the file, repeated at the end
    _write(beacon_extract / "crime_events.csv", events + [again])
    monkeypatch.setattr(loader, "READ_SLICE", 4)
    result = load_extract(sqlite_empty, BEACON, beacon_extract)
    assert result.status == "loaded", result.message
    found = [q for q in result.quarantined if q["source_table"] == "crime_events"]
    assert [(q["line"], q["reason"]) for q in found] == [
        (len(events) + 2, f"duplicate key: {events[1]['event_ref']!r} also on line 3 of crime_events.csv")]
    assert found[0]["raw_row"].startswith(events[1]["event_ref"] + ",")
    c = result.counts["crime_events"]
    assert c["read"] == len(events) + 1 and c["inserted"] == len(events) and c["quarantined"] == 1


@pytest.mark.parametrize("slice_rows", [4, 1000])
def test_a_key_first_on_a_refused_row_is_loaded_from_its_good_row(slice_rows, sqlite_empty, beacon_extract,
                                                                  monkeypatch):
    events = _rows(beacon_extract / "crime_events.csv")
    refused = dict(events[-1], event_ref="E-TWICE", kind="coffee")  # an unknown kind: refused for that
    good = dict(events[-1], event_ref="E-TWICE")
    _write(beacon_extract / "crime_events.csv", events[:-1] + [refused, events[-1], good])
    monkeypatch.setattr(loader, "READ_SLICE", slice_rows)
    result = load_extract(sqlite_empty, BEACON, beacon_extract)
    assert result.status == "loaded", result.message
    found = [(q["line"], q["reason"][:22]) for q in result.quarantined if q["source_table"] == "crime_events"]
    assert found == [(len(events) + 1, "unknown code: kind 'co")]
    assert result.counts["crime_events"]["inserted"] == len(events) + 1


def test_every_repeat_of_a_key_names_its_first_line_whichever_slice_it_falls_in(sqlite_empty, beacon_extract,
                                                                                monkeypatch):
    events = _rows(beacon_extract / "crime_events.csv")
    _write(beacon_extract / "crime_events.csv", events + [dict(events[1]), dict(events[1])])
    monkeypatch.setattr(loader, "READ_SLICE", 4)
    result = load_extract(sqlite_empty, BEACON, beacon_extract)
    reasons = {q["line"]: q["reason"] for q in result.quarantined if q["source_table"] == "crime_events"}
    expected = f"duplicate key: {events[1]['event_ref']!r} also on line 3 of crime_events.csv"
    assert reasons == {len(events) + 2: expected, len(events) + 3: expected}

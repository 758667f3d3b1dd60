"""Every quarantine reason: the row is kept out with its file, line and reason, and the rest of the extract loads."""

import csv
from datetime import timedelta
import io

import pytest

from data_access.ingest.loader import load_extract
from tests.conftest import TODAY
from tests.ingest.conftest import MAPPINGS

BEACON = MAPPINGS / "beacon-extract.yaml"


def _first_row(folder, name) -> dict:
    with open(folder / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return next(csv.DictReader(fh))


def _line(row: dict) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(row.values())
    return buf.getvalue().encode("utf-8")


def _append(folder, name, data: bytes) -> int:
    """Append to a sample file; the line number the new record starts on."""
    path = folder / f"{name}.csv"
    before = path.read_bytes()
    path.write_bytes(before + data)
    return before.count(b"\n") + 1


def _row(folder, name, **changes) -> bytes:
    return _line({**_first_row(folder, name), **changes})


CASES = {
    "bad byte": ("persons", lambda f: _row(f, "persons", person_ref="N9001").replace(b"N9001,", b"N9001,Jos\xff")
                 .replace(b"Jos\xff" + _first_row(f, "persons")["forename"].encode(), b"Jos\xff"),
                 "bad byte: 0xFF in forename is not utf-8"),
    "wrong width": ("parties", lambda f: _row(f, "parties", party_ref="INV9001").rstrip(b"\n") + b",extra\n",
                    "wrong width: 8 fields, the header has 7"),
    "unclosed quote": ("crime_links", lambda f: b'NF/26000/26,NF/26001/26,"same victim\n', "unclosed quote"),
    "bad character": ("persons", lambda f: _row(f, "persons", person_ref="N9002", surname="Nul\x00l"),
                      "bad character: a NUL byte"),
    "missing value": ("persons", lambda f: _row(f, "persons", person_ref="N9003", surname=""),
                      "missing value: surname is required"),
    "bad date": ("persons", lambda f: _row(f, "persons", person_ref="N9004", date_of_birth="31/02/2000"),
                 "bad date: date_of_birth '31/02/2000' does not match %Y-%m-%d"),
    "bad datetime": ("crime_events", lambda f: _row(f, "crime_events", event_ref="E9001", at="yesterday"),
                     "bad datetime: at 'yesterday' does not match ISO 8601"),
    "bad integer": ("crime_events", lambda f: _row(f, "crime_events", event_ref="E9002", value="2.5"),
                    "bad integer: value '2.5' is not a whole number"),
    "bad number": ("officers", lambda f: _row(f, "officers", officer_ref="S9001", collar="C9001",
                                              weekly_hours="forty"),
                   "bad number: weekly_hours 'forty' is not a number"),
    "bad boolean": ("parties", lambda f: _row(f, "parties", party_ref="INV9002", enhanced_rights="maybe"),
                    "bad boolean: enhanced_rights 'maybe' is not true/false"),
    "unknown code": ("parties", lambda f: _row(f, "parties", party_ref="INV9003", role="bystander"),
                     "unknown code: role 'bystander' is not in victim, suspect, offender, witness and the mapping "
                     "does not convert it"),
    "unknown offence code": ("crimes", lambda f: _row(f, "crimes", crime_ref="NF/9001/26", offence_code="105/1"),
                             "unknown code: offence_code '105/1' is not in the offence catalogue"),
    "unknown outcome": ("crimes", lambda f: _row(f, "crimes", crime_ref="NF/9002/26", outcome_code="23"),
                        "unknown code: outcome_code 23 is not in 0, 1, 2"),
    "value too long": ("persons", lambda f: _row(f, "persons", person_ref="N9005", pnc_id="X" * 30),
                       "value too long: pnc_id has 30 characters, at most 20 fit"),
    "duplicate key": ("persons", lambda f: _row(f, "persons"), "duplicate key: 'N5001' also on line 2 of persons.csv"),
    "party with unknown crime": ("parties", lambda f: _row(f, "parties", party_ref="INV9004", crime_ref="NF/0/00"),
                                 "unknown reference: crime_ref 'NF/0/00' names no crimes record"),
    "party with unknown person": ("parties", lambda f: _row(f, "parties", party_ref="INV9005", person_ref="N0"),
                                  "unknown reference: person_ref 'N0' names no persons record"),
    "event with unknown crime": ("crime_events", lambda f: _row(f, "crime_events", event_ref="E9003",
                                                                crime_ref="NF/0/00"),
                                 "unknown reference: crime_ref 'NF/0/00' names no crimes record"),
    "event with unknown kind": ("crime_events", lambda f: _row(f, "crime_events", event_ref="E9004", kind="coffee"),
                                "unknown code: kind 'coffee'"),
    "bail event naming nobody": ("crime_events", lambda f: _row(f, "crime_events", event_ref="E9005",
                                                                kind="bail_granted", person_ref=""),
                                 "missing value: person_ref is required for a bail_granted event"),
    "date in the future": ("crimes", lambda f: _row(f, "crimes", crime_ref="NF/9004/26", occurred_on="2030-01-02"),
                           f"date in the future: occurred_on 2030-01-02 is after the load's day {TODAY}"),
    "event after the load's day": ("crime_events", lambda f: _row(f, "crime_events", event_ref="E9006",
                                                                  at=f"{TODAY + timedelta(days=1)} 00:00"),
                                   f"date in the future: at {TODAY + timedelta(days=1)} is after the load's day {TODAY}"),
    "duplicate collar": ("officers", lambda f: _row(f, "officers", officer_ref="S9002"),
                         "duplicate value: collar 'C4100' is also on line 2 of officers.csv"),
    "crime with a quarantined officer": ("crimes", lambda f: _row(f, "crimes", crime_ref="NF/9003/26",
                                                                  oic_ref="S9001"),
                                         "unknown reference: oic_ref 'S9001' names no officers record"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_quarantine_reason(case, sqlite_empty, beacon_extract):
    table, make, reason = CASES[case]
    line = _append(beacon_extract, table, make(beacon_extract))
    result = load_extract(sqlite_empty, BEACON, beacon_extract)
    assert result.status == "loaded", result.message
    found = [q for q in result.quarantined if q["source_table"] == table]
    assert [(q["file"], q["line"]) for q in found] == [(f"{table}.csv", line)], result.quarantined
    assert found[0]["reason"].startswith(reason), found[0]["reason"]
    assert found[0]["raw_row"]
    # Everything else loaded: the sample has 30 crimes and no other fault.
    assert result.counts["crimes"]["inserted"] == 30
    assert result.counts[table]["quarantined"] == 1
    c = result.counts[table]
    assert c["read"] == c["inserted"] + c["updated"] + c["unchanged"] + c["deleted"] + c["quarantined"]


def test_missing_column_quarantines_every_row(sqlite_empty, beacon_extract):
    path = beacon_extract / "crime_links.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["crime_ref", "linked_crime_ref"])
        writer.writerows([r["crime_ref"], r["linked_crime_ref"]] for r in rows)
    result = load_extract(sqlite_empty, BEACON, beacon_extract)
    assert result.counts["crime_links"]["quarantined"] == len(rows)
    assert {q["reason"] for q in result.quarantined} == {
        "missing column: reason (the file has no column the mapping gives it)"}


def test_deleting_a_record_still_named_is_quarantined(sqlite_empty, beacon_extract):
    load_extract(sqlite_empty, BEACON, beacon_extract)
    oic = _first_row(beacon_extract, "crimes")["oic_ref"]
    # An incremental extract: only the officer's deletion.
    (beacon_extract / "officers.csv").write_text(f"officer_ref,deleted\n{oic},true\n", encoding="utf-8")
    result = load_extract(sqlite_empty, BEACON, beacon_extract)
    found = [q for q in result.quarantined if q["source_table"] == "officers"]
    assert len(found) == 1 and found[0]["reason"].startswith(f"still referenced: {oic!r} cannot be deleted"), found
    assert result.counts["officers"]["deleted"] == 0


def test_unplaced_unit(sqlite_empty, beacon_extract):
    _append(beacon_extract, "org_units", b"T9,,team,Floating team,response\n")
    line = _append(beacon_extract, "officers", _row(beacon_extract, "officers", officer_ref="S9002", collar="C9002",
                                                    unit_ref="T9", line_manager_ref="", tutor_ref=""))
    result = load_extract(sqlite_empty, BEACON, beacon_extract)
    found = [q for q in result.quarantined if q["source_table"] == "officers"]
    assert [(q["line"], q["reason"]) for q in found] == [(line, "unplaced unit: unit_ref 'T9' has no force above it")]


def test_windows_1252_file_read_as_utf8_quarantines_lines_not_the_load(sqlite_empty, tmp_path):
    from tests.ingest.conftest import SAMPLES
    import shutil

    folder = tmp_path / "niche"
    shutil.copytree(SAMPLES / "niche-style", folder)
    mapping = (MAPPINGS / "niche-style.yaml").read_text(encoding="utf-8").replace("encoding: cp1252", "encoding: utf-8")
    (tmp_path / "m.yaml").write_text(mapping, encoding="utf-8")
    result = load_extract(sqlite_empty, tmp_path / "m.yaml", folder)
    assert result.status == "loaded"
    bad = [q for q in result.quarantined if q["source_table"] == "crimes"]
    assert bad and all(q["reason"] == "bad byte: 0xE9 in LOCATION is not utf-8" for q in bad)
    assert "\\xe9" in bad[0]["raw_row"]
    assert result.counts["crimes"]["inserted"] == 30 - len(bad)


def test_unreadable_files_are_reported_not_fatal(sqlite_empty, beacon_extract):
    (beacon_extract / "crime_links.csv").write_bytes(b"")
    (beacon_extract / "training.parquet").write_bytes(b"not parquet at all")
    result = load_extract(sqlite_empty, BEACON, beacon_extract)
    assert result.status == "loaded"
    found = {(q["file"], q["line"], q["reason"].split(":")[0]) for q in result.quarantined}
    assert found == {("crime_links.csv", 1, "unreadable file"), ("training.parquet", 1, "unreadable file")}
    assert result.counts["crimes"]["inserted"] == 30


def test_the_end_of_the_load_day_is_not_the_future(sqlite_empty, beacon_extract):
    _append(beacon_extract, "crime_events", _row(beacon_extract, "crime_events", event_ref="E9007",
                                                 at=f"{TODAY} 23:59"))
    result = load_extract(sqlite_empty, BEACON, beacon_extract)
    assert result.status == "loaded" and not result.quarantined, result.quarantined


def test_a_collar_another_officer_holds_is_quarantined_not_fatal(sqlite_empty, beacon_extract, tmp_path):
    assert load_extract(sqlite_empty, BEACON, beacon_extract).status == "loaded"
    later = tmp_path / "later"
    later.mkdir()
    header = (beacon_extract / "officers.csv").read_bytes().split(b"\n")[0] + b"\n"
    (later / "officers.csv").write_bytes(header + _row(beacon_extract, "officers", officer_ref="S9003"))
    line = 2
    again = load_extract(sqlite_empty, BEACON, later)
    assert again.status == "loaded", again.message
    assert [(q["line"], q["reason"]) for q in again.quarantined] == [
        (line, "duplicate value: collar 'C4100' is held by another officers record already loaded "
               "(change that record first)")]
    assert again.changed == 0

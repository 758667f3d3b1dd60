"""Importers against files in the real layouts written here, and (where the shared folder is present) against
every real shared file."""

import csv

import pytest
from sqlalchemy import func, select

from data_access.errors import AccessDenied
from data_access.schema import audit_log
from data_access.forces import FORCES, classify
from data_access.importers import import_file, import_path
from data_access.importers.__main__ import main as cli_main
from data_access.schema_strategic import (
    IMPORTED_TABLES,
    bench_recorded_crime,
    bench_stop_search,
    bench_street_crime,
    bench_workforce,
    import_batch,
    import_quarantine,
)
from tests.helpers import actor_for
from tests.strategic_data import LOOKUP, SHARED_FILES, drop_demo_data, needs_odfpy, needs_public_data, public_dir
from tests.strategic_files import (
    STREET_HEADER,
    all_forces,
    recorded_crime_csv,
    stop_search_csv,
    street_csv,
    street_row,
    use_of_force_csv,
    workforce_csv,
    workforce_ods,
)


def _counts(store) -> dict:
    with store.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                for t in (*IMPORTED_TABLES, import_batch, import_quarantine)}


def _admin(store):
    return actor_for(store, "admin")


_street = street_csv


@needs_public_data
@pytest.mark.parametrize("relative,kind,reasons", SHARED_FILES, ids=[f[0].rsplit("/", 1)[-1] for f in SHARED_FILES])
def test_every_shared_file_loads_or_quarantines_every_row(store, relative, kind, reasons):
    if relative.endswith(".ods"):
        needs_odfpy()
    report = import_path(store, _admin(store), kind, public_dir() / relative)
    assert report["status"] == "loaded", report["message"]
    assert report["rows_loaded"] + report["rows_quarantined"] == report["rows_read"] > 0
    assert report["rows_duplicated"] == 0
    assert set(report["reasons"]) == reasons
    assert not report["notes"].get("unknown_force_names")
    with store.engine.connect() as conn:
        quarantined = conn.execute(select(func.count()).select_from(import_quarantine)
                                   .where(import_quarantine.c.batch_id == report["batch_id"])).scalar()
    assert quarantined == report["rows_quarantined"]


def test_street_rows_keep_asb_without_crime_ids_and_map_every_outcome_label(sqlite_store, tmp_path):
    drop_demo_data(sqlite_store)
    path = tmp_path / "police-uk-2017-01-merseyside-street.csv"
    path.write_bytes(street_csv(street_row(), street_row(),  # two identical ASB lines: two real incidents
                                street_row("c1", crime_type="Burglary", outcome="Local resolution"),
                                street_row("c2", crime_type="Burglary", outcome="Offender given a caution"),
                                street_row("c3", crime_type="Burglary", outcome="Under investigation")))
    report = import_path(sqlite_store, _admin(sqlite_store), "street", path)
    assert (report["rows_read"], report["rows_loaded"], report["rows_duplicated"]) == (5, 5, 0)
    with sqlite_store.engine.connect() as conn:
        asb = conn.execute(select(func.count()).where(bench_street_crime.c.crime_type == "Anti-social behaviour",
                                                      bench_street_crime.c.crime_id.is_(None),
                                                      bench_street_crime.c.outcome_label.is_(None))).scalar()
        codes = dict(conn.execute(select(bench_street_crime.c.crime_id, bench_street_crime.c.outcome_code)
                                  .where(bench_street_crime.c.crime_id.is_not(None))).all())
    assert asb == 2 and codes == {"c1": 8, "c2": 3, "c3": 0}


@needs_public_data
def test_shared_street_files_keep_asb_rows_without_crime_ids(sqlite_store):
    drop_demo_data(sqlite_store)
    base = public_dir()
    for name in ("police-uk-2017-01-merseyside-street.csv", "police-uk-2018-12-merseyside-street.csv"):
        import_path(sqlite_store, _admin(sqlite_store), "street", base / "police_uk/street" / name)
    with sqlite_store.engine.connect() as conn:
        asb = dict(conn.execute(select(bench_street_crime.c.month, func.count())
                                .where(bench_street_crime.c.crime_type == "Anti-social behaviour",
                                       bench_street_crime.c.crime_id.is_(None))
                                .group_by(bench_street_crime.c.month)).all())
        labels = {r[0] for r in conn.execute(select(bench_street_crime.c.outcome_label).distinct())}
        unmapped = conn.execute(select(func.count()).select_from(bench_street_crime)
                                .where(bench_street_crime.c.outcome_group == "unknown")).scalar()
    assert asb == {"2017-01": 3420, "2018-12": 2020}
    assert "Local resolution" in labels and "Offender given a caution" in labels
    assert unmapped == 0  # every label of both years maps to an outcome code


def test_stop_search_utc_times_become_local_time_and_stay_in_the_published_month(sqlite_store, tmp_path):
    drop_demo_data(sqlite_store)
    path = tmp_path / "2019-06-greater-manchester-stop-and-search.csv"
    path.write_bytes(stop_search_csv(("2019-05-31T23:01:00+00:00", "A no further action disposal"),
                                     ("2019-06-12T10:30:00+00:00", "Arrest"),
                                     ("2019-06-12T10:30:00+00:00", "Arrest")))
    report = import_path(sqlite_store, _admin(sqlite_store), "stop-search", path)
    assert (report["rows_loaded"], report["rows_duplicated"]) == (3, 0)
    with sqlite_store.engine.connect() as conn:
        rows = conn.execute(select(bench_stop_search.c.month, bench_stop_search.c.occurred_at,
                                   bench_stop_search.c.force_code, bench_stop_search.c.arrest)).all()
    assert {r.month for r in rows} == {"2019-06"} and {r.force_code for r in rows} == {"greater-manchester"}
    assert min(r.occurred_at for r in rows).isoformat() == "2019-06-01T00:01:00"  # 23:01 UTC is 00:01 BST
    assert sum(r.arrest for r in rows) == 2


@needs_public_data
def test_stop_search_utc_times_stay_in_the_published_month(sqlite_store):
    drop_demo_data(sqlite_store)
    path = public_dir() / SHARED_FILES[2][0]
    import_path(sqlite_store, _admin(sqlite_store), "stop-search", path)
    with sqlite_store.engine.connect() as conn:
        months = {r[0] for r in conn.execute(select(bench_stop_search.c.month).distinct())}
        earliest = conn.execute(select(func.min(bench_stop_search.c.occurred_at))).scalar()
        arrests = conn.execute(select(func.count()).where(bench_stop_search.c.arrest.is_(True))).scalar()
    assert months == {"2019-06"} and earliest.month == 6  # 23:01 UTC on 31 May is 00:01 on 1 June in London
    assert arrests == 98


def test_recorded_crime_keeps_repeated_lines_and_negative_adjustments_written(sqlite_store):
    drop_demo_data(sqlite_store)
    data = recorded_crime_csv(
        ("2017/18", 1, "Action Fraud", "Fraud offences recorded by Action Fraud", "Fraud offences",
         "Fraud: action fraud", "AF", 66776),
        ("2017/18", 1, "Avon and Somerset", "Homicide", "Homicide", "Homicide", "1", 2),
        ("2017/18", 1, "Avon and Somerset", "Homicide", "Homicide", "Homicide", "1", 2),
        ("2017/18", 2, "Kent", "Criminal damage to a dwelling", "Criminal damage and arson", "Criminal damage",
         "58C", -1))
    report = import_file(sqlite_store, _admin(sqlite_store), "recorded-crime", data, "prc-pfa-tables201718.csv")
    assert report["notes"]["negative_counts"] == {"Criminal damage": 1}
    assert report["reasons"] == {"not a territorial police force": 1}
    assert (report["rows_loaded"], report["rows_duplicated"]) == (3, 0)  # the repeated line is a second count
    with sqlite_store.engine.connect() as conn:
        homicide = conn.execute(select(func.sum(bench_recorded_crime.c.offences)).where(
            bench_recorded_crime.c.force_code == "avon-and-somerset")).scalar()
    assert homicide == 4


@needs_public_data
def test_recorded_crime_keeps_repeated_lines_and_negative_adjustments(sqlite_store):
    drop_demo_data(sqlite_store)
    report = import_path(sqlite_store, _admin(sqlite_store), "recorded-crime", public_dir() / SHARED_FILES[3][0])
    assert report["notes"]["negative_counts"]
    with sqlite_store.engine.connect() as conn:
        forces = conn.execute(select(func.count(func.distinct(bench_recorded_crime.c.force_code)))).scalar()
        homicide = conn.execute(select(func.count()).where(
            bench_recorded_crime.c.force_code == "avon-and-somerset", bench_recorded_crime.c.quarter == 1,
            bench_recorded_crime.c.offence_description == "Homicide")).scalar()
    assert forces == 43 and homicide == 4


def test_reimporting_the_same_file_changes_nothing(store, tmp_path):
    path = tmp_path / "april2017-march2018.csv"
    path.write_bytes(use_of_force_csv(all_forces(2000, 37)))
    first = import_path(store, _admin(store), "use-of-force", path)
    before = _counts(store)
    version = store.data_version()
    again = import_path(store, _admin(store), "use-of-force", path)
    assert again["status"] == "already_imported" and again["rows_loaded"] == 0
    assert again["rows_duplicated"] == first["rows_read"]
    assert _counts(store) == before and store.data_version() == version


def test_workbook_after_the_tidied_csv_finds_its_figures_already_loaded_written(sqlite_store, tmp_path):
    needs_odfpy()
    drop_demo_data(sqlite_store)
    fte = {code: (v, v + 10.5, v + 20.25) for code, v in all_forces(1000, 50).items()}
    (tmp_path / "2018.csv").write_bytes(workforce_csv(fte))
    (tmp_path / "police-workforce-sep18-tables.ods").write_bytes(workforce_ods(fte))
    first = import_path(sqlite_store, _admin(sqlite_store), "workforce", tmp_path / "2018.csv")
    report = import_path(sqlite_store, _admin(sqlite_store), "workforce",
                         tmp_path / "police-workforce-sep18-tables.ods")
    assert (first["rows_read"], first["rows_loaded"], first["rows_quarantined"]) == (57, 43, 14)
    assert (report["rows_read"], report["rows_duplicated"], report["rows_loaded"]) == (57, 43, 0)
    assert set(report["reasons"]) == {"regional total, not a force", "total row, not a force",
                                      "not a territorial police force"}
    with sqlite_store.engine.connect() as conn:
        met = conn.execute(select(bench_workforce.c.officer_fte).where(
            bench_workforce.c.force_code == "metropolitan")).scalars().all()
    assert sorted(met) == list(fte["metropolitan"])


@needs_public_data
def test_workbook_after_the_tidied_csvs_finds_its_figures_already_loaded(sqlite_store):
    needs_odfpy()
    drop_demo_data(sqlite_store)
    base = public_dir() / "home_office/workforce"
    import_path(sqlite_store, _admin(sqlite_store), "workforce", base / "officer-fte/2018.csv")
    report = import_path(sqlite_store, _admin(sqlite_store), "workforce", base / "police-workforce-sep18-tables.ods")
    assert report["rows_duplicated"] == 43 and report["rows_loaded"] == 0
    with sqlite_store.engine.connect() as conn:
        met = conn.execute(select(bench_workforce.c.officer_fte).where(
            bench_workforce.c.force_code == "metropolitan")).scalars().all()
    assert len(met) == 3 and round(max(met), 2) == 30871.22


@needs_public_data
def test_lookup_file_is_rejected_with_the_expected_layout_and_matches_every_force(sqlite_store):
    path = public_dir() / LOOKUP
    report = import_path(sqlite_store, _admin(sqlite_store), "street", path)
    assert report["status"] == "rejected"
    assert "expected a data.police.uk street-level crime file" in report["message"]
    with open(path, encoding="utf-8-sig", newline="") as fh:
        names = {row["PFA16NM"] for row in csv.DictReader(fh)}
    assert len(names) == 43
    assert {classify(n)[0] for n in names} == {code for code, _n, _r in FORCES}


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_line_endings_bom_and_line_numbers(sqlite_store, newline):
    drop_demo_data(sqlite_store)
    data = _street(",2017-01,Merseyside Police,Merseyside Police,-2.87,53.48,On or near X,E01006448,K,Anti-social behaviour,,",
                   "abc,2017-01,Merseyside Police,Merseyside Police,-2.87,53.48,On or near X,E01006448,K,Burglary",
                   "def,2017-13,Merseyside Police,Merseyside Police,,,No location,,,Burglary,Under investigation,",
                   "ghi,2017-01,Merseyside Police,Merseyside Police,,,No location,,,Burglary,Under investigation,",
                   newline=newline, bom=True)
    report = import_file(sqlite_store, _admin(sqlite_store), "street", data, f"bom-{len(newline)}.csv")
    assert (report["rows_read"], report["rows_loaded"], report["rows_quarantined"]) == (4, 2, 2)
    with sqlite_store.engine.connect() as conn:
        bad = conn.execute(select(import_quarantine.c.line_number, import_quarantine.c.reason)
                           .order_by(import_quarantine.c.line_number)).all()
        no_coords = conn.execute(select(bench_street_crime.c.longitude).where(
            bench_street_crime.c.crime_id == "ghi")).scalar_one()
    assert [(n, r.split(":")[0]) for n, r in bad] == [(3, "truncated row"), (4, "bad date")]
    assert no_coords is None


def test_padded_counts_unknown_labels_and_unknown_forces_are_reported(sqlite_store):
    drop_demo_data(sqlite_store)
    street = _street("a1,2018-12,Merseyside Police,Merseyside Police,-2.8,53.4,X,E1,L,Burglary,Offender sent to the moon,",
                     "a2,2018-12,Atlantis Police,Atlantis Police,-2.8,53.4,X,E1,L,Burglary,Local resolution,")
    report = import_file(sqlite_store, _admin(sqlite_store), "street", street, "labels.csv")
    assert report["notes"]["unknown_outcome_labels"] == {"Offender sent to the moon": 1}
    assert report["rows_loaded"] == 1 and report["reasons"] == {"unknown force name": 1}
    prc = ("Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,Offence Subgroup,"
           "Offence Code,Number of Offences\n"
           "2018/19,1,Avon & Somerset Constabulary,Burglary,Theft offences,Domestic burglary,28,\" 1,204 \"\n"
           "2018/19,2,Kent,Burglary,Theft offences,Domestic burglary,28, many \n"
           "2018/19,5,Kent,Burglary,Theft offences,Domestic burglary,28,3\n"
           "2018/20,1,Kent,Burglary,Theft offences,Domestic burglary,28,3\n"
           "2018/19,1,Kent,Burglary,Theft offences\n")
    report = import_file(sqlite_store, _admin(sqlite_store), "recorded-crime", prc.encode(), "prc.csv")
    assert report["rows_loaded"] == 1
    assert report["reasons"] == {"non-numeric count": 1, "bad date": 2, "truncated row": 1}
    with sqlite_store.engine.connect() as conn:
        row = conn.execute(select(bench_recorded_crime.c.force_code, bench_recorded_crime.c.offences)).one()
    assert tuple(row) == ("avon-and-somerset", 1204)


def test_wrong_headers_are_rejected_saying_what_was_expected(sqlite_store):
    admin = _admin(sqlite_store)
    before = _counts(sqlite_store)
    cases = {"street": b"a,b,c\n1,2,3\n", "recorded-crime": b"Force,Count\nKent,3\n",
             "workforce": b"Force,Officers\nKent,3\n", "use-of-force": b"Region,Police Force,Total\nR,Kent,3\n",
             "stop-search": b"Type,Date,Outcome,Object of search\n", "costs": b"force,cost\n", "tactics": b"x\n",
             "outcomes": b"Crime ID,Month\n"}
    for kind, data in cases.items():
        report = import_file(sqlite_store, admin, kind, data, f"{kind}.csv")
        assert report["status"] == "rejected", kind
        assert report["message"].startswith("unsupported layout"), (kind, report["message"])
    assert import_file(sqlite_store, admin, "workforce", b"PK\x03\x04junk", "x.ods")["status"] == "rejected"
    after = _counts(sqlite_store)
    assert {k: v for k, v in after.items() if k != "import_batch"} == \
        {k: v for k, v in before.items() if k != "import_batch"}  # a rejected file loads nothing


def test_older_street_layout_outcomes_costs_and_tactics(sqlite_store):
    admin = _admin(sqlite_store)
    old = _street("2010-12,Merseyside Police,Merseyside Police,334000,390000,X,Burglary,",
                  header="Month,Reported by,Falls within,Easting,Northing,Location,Crime type,Context")
    assert import_file(sqlite_store, admin, "street", old, "old.csv")["rows_loaded"] == 1
    outcomes = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n"
                "c1,2019-01,Kent Police,Kent Police,,,X,,,Suspect charged\n"
                "c1,2019-01,Kent Police,Kent Police,,,X,,,Suspect charged\n"
                ",2019-01,Kent Police,Kent Police,,,X,,,Suspect charged\n")
    report = import_file(sqlite_store, admin, "outcomes", outcomes.encode(), "outcomes.csv")
    assert (report["rows_loaded"], report["rows_duplicated"], report["rows_quarantined"]) == (1, 1, 1)
    costs = ("force,area,financial_year,cost_gbp\nKent,burglary,2012/13,1000\nKent,robbery,2017/18,5\n"
             "Kent,burglary,2017-18,5\nKent,burglary,2018/19,lots\n")
    report = import_file(sqlite_store, admin, "costs", costs.encode(), "costs.csv")
    assert report["rows_loaded"] == 1
    assert report["reasons"] == {"unknown area": 1, "bad date": 1, "non-numeric count": 1}
    tactics = "force,area,tactic,in_use\nKent,burglary,Drone patrols,yes\nKent,burglary,Dogs,perhaps\n"
    report = import_file(sqlite_store, admin, "tactics", tactics.encode(), "tactics.csv")
    assert (report["rows_loaded"], report["rows_quarantined"]) == (1, 1)


def test_stop_search_needs_a_force(sqlite_store):
    data = b"Type,Date,Outcome,Object of search\nPerson search,2019-06-01T10:00:00+00:00,Arrest,Drugs\n"
    admin = _admin(sqlite_store)
    assert import_file(sqlite_store, admin, "stop-search", data, "search.csv")["status"] == "rejected"
    ok = import_file(sqlite_store, admin, "stop-search", data, "search.csv", force="Kent Police")
    assert ok["rows_loaded"] == 1
    bad = b"Type,Date,Outcome,Object of search\nPerson search,yesterday,Arrest,Drugs\n"
    assert import_file(sqlite_store, admin, "stop-search", bad, "2019-06-kent-stop-and-search.csv")["reasons"] == \
        {"bad date": 1}


@pytest.mark.parametrize("username", ["leader", "analyst", "officer", "sergeant"])
def test_only_administrators_import(sqlite_store, username):
    with pytest.raises(AccessDenied):
        import_file(sqlite_store, actor_for(sqlite_store, username), "street", _street(), "x.csv")


def test_imports_are_audited(sqlite_store):

    report = import_file(sqlite_store, _admin(sqlite_store), "tactics",
                         b"force,area,tactic,in_use\nKent,burglary,Drones,yes\n", "t.csv")
    with sqlite_store.engine.connect() as conn:
        row = conn.execute(select(audit_log.c.username, audit_log.c.object_id)
                           .where((audit_log.c.action == "import") & (audit_log.c.username == "admin"))).one()
    assert tuple(row) == ("admin", str(report["batch_id"]))


def test_command_line(tmp_path, capsys):
    good = tmp_path / "april2017-march2018.csv"
    good.write_text("Region,Police Force,Total\nR,Kent,3\nR,Total South East,9\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("nothing,useful\n")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli_main(["use-of-force", str(good), "--database-url", url]) == 0
    assert "read 2, loaded 1, quarantined 1" in capsys.readouterr().out
    assert cli_main(["use-of-force", str(bad), "--database-url", url, "--year", "2017/18"]) == 2
    assert "unsupported layout" in capsys.readouterr().out


def test_administrator_removes_an_import_and_can_load_the_file_again(store):
    from data_access.errors import BadRequest
    from data_access.strategic import has_synthetic
    from data_access.strategic_imports import batch_summary, remove_batch

    admin = _admin(store)
    with store.engine.connect() as conn:
        demo = conn.execute(select(import_batch.c.id).where(import_batch.c.synthetic.is_(True))).scalar_one()
    with pytest.raises(AccessDenied):
        remove_batch(store, actor_for(store, "leader"), demo)
    summary = batch_summary(store, admin, demo)
    assert summary["synthetic"] and summary["rows"] > 1000
    assert remove_batch(store, admin, demo)["rows"] == summary["rows"]
    assert not has_synthetic(store)  # the screens stop saying "demo data"
    with store.engine.connect() as conn:
        assert all(conn.execute(select(func.count()).select_from(t).where(t.c.batch_id == demo)).scalar() == 0
                   for t in IMPORTED_TABLES)
        assert conn.execute(select(import_batch.c.status).where(import_batch.c.id == demo)).scalar() == "removed"
        assert conn.execute(select(func.count()).select_from(audit_log).where(
            audit_log.c.object_type == "import_batch", audit_log.c.object_id == str(demo))).scalar() == 1
    with pytest.raises(BadRequest):
        remove_batch(store, admin, demo)  # once only
    with pytest.raises(BadRequest):
        remove_batch(store, admin, "x")
    data = b"Region,Police Force,Total\nR,Kent,12\n"
    first = import_file(store, admin, "use-of-force", data, "april2018-march2019.csv")
    remove_batch(store, admin, first["batch_id"])
    again = import_file(store, admin, "use-of-force", data, "april2018-march2019.csv")
    assert again["status"] == "loaded" and again["rows_loaded"] == 1


def test_an_import_whose_rows_a_later_import_skipped_is_removed_only_after_it(sqlite_store):
    from data_access.errors import BadRequest
    from data_access.strategic_imports import batch_summary, remove_batch

    drop_demo_data(sqlite_store)
    admin = _admin(sqlite_store)
    first = import_file(sqlite_store, admin, "use-of-force", b"Region,Police Force,Total\nR,Kent,12\n",
                        "april2018-march2019.csv")
    later = import_file(sqlite_store, admin, "use-of-force", b"Region,Police Force,Total\nR,Kent,12\nR,Dorset,7\n",
                        "uof-2018-19-revised-april2018-march2019.csv")
    assert later["rows_duplicated"] == 1  # Kent's row stays the first import's
    assert str(later["batch_id"]) in batch_summary(sqlite_store, admin, first["batch_id"])["blocked"]
    with pytest.raises(BadRequest, match="Remove those first"):
        remove_batch(sqlite_store, admin, first["batch_id"])
    with sqlite_store.engine.connect() as conn:  # the refusal changed nothing
        assert conn.execute(select(import_batch.c.status).where(import_batch.c.id == first["batch_id"])).scalar() \
            == "loaded"
    remove_batch(sqlite_store, admin, later["batch_id"])
    assert remove_batch(sqlite_store, admin, first["batch_id"])["rows"] == 1


def test_removal_is_blocked_only_by_imports_that_hold_its_rows(sqlite_store):
    from data_access.strategic_imports import batch_summary, remove_batch

    drop_demo_data(sqlite_store)
    admin = _admin(sqlite_store)
    head = b"Region,Police Force,Total\n"
    kent = import_file(sqlite_store, admin, "use-of-force", head + b"R,Kent,12\n", "april2018-march2019.csv")
    dorset = import_file(sqlite_store, admin, "use-of-force", head + b"R,Dorset,7\n", "april2017-march2018.csv")
    revised = import_file(sqlite_store, admin, "use-of-force", head + b"R,Kent,12\nR,Gwent,3\n",
                          "revised-april2018-march2019.csv")
    assert revised["rows_duplicated"] == 1  # Kent's row stays the first import's
    assert batch_summary(sqlite_store, admin, dorset["batch_id"])["blocked"] is None
    assert remove_batch(sqlite_store, admin, dorset["batch_id"])["rows"] == 1  # nothing of it was skipped later
    assert str(revised["batch_id"]) in batch_summary(sqlite_store, admin, kent["batch_id"])["blocked"]


STREET_HEAD = STREET_HEADER + "\n"


def test_dates_in_the_future_are_quarantined_or_refused(sqlite_store):
    admin = _admin(sqlite_store)
    street = STREET_HEAD + ("a1,2031-01,Kent Police,Kent Police,0.5,51.2,On or near X,E01,X 001A,Burglary,,\n"
                            "a2,2019-01,Kent Police,Kent Police,0.5,51.2,On or near X,E01,X 001A,Burglary,,\n")
    report = import_file(sqlite_store, admin, "street", street.encode(), "2019-01-kent-street.csv")
    assert (report["rows_loaded"], report["reasons"]) == (1, {"bad date": 1})
    sas = ("Type,Date,Outcome,Object of search\nPerson search,2031-06-01T10:00:00+00:00,Arrest,Drugs\n"
           "Person search,2019-06-01T10:00:00+00:00,Arrest,Drugs\n")
    report = import_file(sqlite_store, admin, "stop-search", sas.encode(), "2019-06-kent-stop-and-search.csv")
    assert (report["rows_loaded"], report["reasons"]) == (1, {"bad date": 1})
    prc = ("Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,Offence Subgroup,"
           "Offence Code,Number of Offences\n2031/32,1,Kent,Burglary,Theft offences,Domestic burglary,28,5\n")
    assert import_file(sqlite_store, admin, "recorded-crime", prc.encode(), "prc.csv")["reasons"] == {"bad date": 1}
    uof = import_file(sqlite_store, admin, "use-of-force", b"Region,Police Force,Total\nR,Kent,12\n",
                      "april2031-march2032.csv")
    assert uof["status"] == "rejected" and "in the future" in uof["message"]


@pytest.mark.parametrize("kind, text, name", [
    ("costs", "force,area,financial_year,cost_gbp\nKent,burglary,2015/16,1,250\n", "costs.csv"),
    ("use-of-force", "Region,Police Force,Total\nR,Kent,1,234\n", "april2017-march2018.csv"),
    ("workforce", "Force/Region,September 2017,March 2018\nKent,3,456.0,3,500.0\n", "fte.csv"),
])
def test_a_row_with_a_shifted_column_is_quarantined_not_loaded_wrong(sqlite_store, kind, text, name):
    report = import_file(sqlite_store, _admin(sqlite_store), kind, text.encode(), name)
    assert report["rows_loaded"] == 0 and report["reasons"] == {"too many fields": 1}


def test_a_header_without_rows_is_refused_and_a_runaway_quote_is_quarantined_to_the_end(sqlite_store):
    admin = _admin(sqlite_store)
    empty = import_file(sqlite_store, admin, "street", STREET_HEAD.encode(), "2019-01-kent-street.csv")
    assert empty["status"] == "rejected" and "no data rows" in empty["message"]
    good = "a0,2019-01,Kent Police,Kent Police,0.5,51.2,On or near X,E01,X 001A,Burglary,,\n"
    # A quote that runs on past the csv module's field limit: every line from it to the end is quarantined.
    broken = STREET_HEAD + good + 'a1,2019-01,Kent Police,Kent Police,0.5,51.2,"On or near X\n' + \
        ("x" * 1000 + "\n") * 140 + good.replace("a0", "a2")
    report = import_file(sqlite_store, admin, "street", broken.encode(), "2019-01-kent-street-2.csv")
    assert report["status"] == "loaded" and report["rows_loaded"] == 1
    assert report["rows_quarantined"] == 142 and report["rows_read"] == 143  # every physical line after the header
    assert report["message"] == "lines 3-144: unclosed quote; 142 line(s) quarantined"
    with sqlite_store.engine.connect() as conn:
        lines = conn.execute(select(import_quarantine.c.line_number).where(
            import_quarantine.c.batch_id == report["batch_id"])).scalars().all()
    assert sorted(lines) == list(range(3, 145))

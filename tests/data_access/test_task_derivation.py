"""Tasks derived from events in the database: idempotent, closed by source events, reconciled, re-derived on rule changes."""

import dataclasses
import os
import stat
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from data_access.freshness import LOADED_KEY, freshness
from data_access.db import set_meta
from data_access.reconciliation import main as reconciliation_main
from data_access.reconciliation import reconcile
from data_access.records import get_record
from data_access.schema import audit_log, bail, task
from data_access.schema_events import crime_event
from data_access.task_derivation import derive_tasks, rederive_on_rule_change
from data_access.tasks import complete_task
from scoring.settings import load_settings
from tests.helpers import actor_for, open_task_of, put_on_bail


def _source_event(conn, crime_id, kind, at, ref, **values):
    conn.execute(crime_event.insert().values(crime_id=crime_id, kind=kind, at=at, origin="source", source_ref=ref,
                                             recorded_at=at, **values))


def _task(store, task_id):
    with store.engine.connect() as conn:
        return conn.execute(select(task).where(task.c.id == task_id)).mappings().one()


def _at(store, days=0, hour=9):
    return datetime.combine(store.today() + timedelta(days=days), time(hour))


def test_deriving_again_with_nothing_new_writes_nothing(store):
    with store.engine.begin() as conn:
        counts = derive_tasks(conn, store.settings, store.today(), None)
    assert counts["crimes"] > 0
    assert (counts["inserted"], counts["updated"], counts["deleted"]) == (0, 0, 0)
    assert (counts["bail_inserted"], counts["bail_updated"], counts["bail_deleted"]) == (0, 0, 0)


def test_deriving_in_small_batches_gives_the_tasks_one_pass_gives(store, monkeypatch):
    fields = (task.c.crime_id, task.c.task_key, task.c.due_date, task.c.status, task.c.completion, task.c.rule_id)
    with store.engine.connect() as conn:
        trans = conn.begin()
        try:
            before = set(conn.execute(select(*fields)).all())
            bails = conn.execute(select(func.count()).select_from(bail)).scalar()
            conn.execute(task.delete())
            conn.execute(bail.delete())
            monkeypatch.setattr("data_access.task_derivation.DERIVE_BATCH", 37)
            counts = derive_tasks(conn, store.settings, store.today(), None)
            after = set(conn.execute(select(*fields)).all())
        finally:
            trans.rollback()
    assert counts["crimes"] > 37 * 3
    assert counts["inserted"] == len(before) and after == before
    assert counts["bail_inserted"] == bails


def test_a_review_recorded_in_the_source_closes_the_task_and_opens_the_next(store):
    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, "supervisor_review")
    sergeant = actor_for(store, "sergeant")
    with store.engine.begin() as conn:
        _source_event(conn, t["crime_id"], "supervisor_review", _at(store, hour=8), "SRC/REV/1",
                      officer_id=sergeant.officer_id)
        derive_tasks(conn, store.settings, store.today(), [t["crime_id"]])
        nxt = conn.execute(select(task).where((task.c.crime_id == t["crime_id"]) & (task.c.status == "open") &
                                              (task.c.kind == "supervisor_review"))).mappings().one()
    done = _task(store, t["id"])
    assert done["status"] == "done" and done["completed_in"] == "source"
    assert done["completed_by"] == sergeant.officer_id and done["completion"] == "review_done"
    assert nxt["rule_id"] == "REV-PERIODIC"
    assert nxt["due_date"] == store.today() + timedelta(days=store.settings.review_interval_days)
    record = get_record(store, sergeant, t["crime_ref"])
    held = next(x for x in record["tasks"] if x["id"] == t["id"])["held_by"]
    assert held == "recorded in the records system"


def test_a_beacon_completion_is_pending_until_the_source_confirms_it_and_counts_once(store):
    officer = actor_for(store, "officer")
    sergeant = actor_for(store, "sergeant")
    t = open_task_of(store, officer.officer_id, "supervisor_review")
    complete_task(store, sergeant, t["id"], "review_done")
    with store.engine.connect() as conn:
        ev = conn.execute(select(crime_event).where((crime_event.c.crime_id == t["crime_id"]) &
                                                    (crime_event.c.origin == "beacon"))).mappings().one()
    assert ev["kind"] == "supervisor_review" and ev["reconciliation"] == "pending"
    assert _task(store, t["id"])["completed_in"] == "beacon"
    held = next(x for x in get_record(store, sergeant, t["crime_ref"])["tasks"] if x["id"] == t["id"])["held_by"]
    assert "not yet in the records system" in held
    # The next load brings the same review from the records system, stamped with the same time (a later
    # stamp could fall on tomorrow when the test runs late in the evening, and tomorrow is not read yet).
    with store.engine.begin() as conn:
        _source_event(conn, t["crime_id"], "supervisor_review", ev["at"], "SRC/REV/2",
                      officer_id=sergeant.officer_id)
        assert reconcile(conn, store.settings, store.today(), [t["crime_id"]]) == {"confirmed": 1}
        derive_tasks(conn, store.settings, store.today(), [t["crime_id"]])
        reviews = conn.execute(select(task).where((task.c.crime_id == t["crime_id"]) &
                                                  (task.c.kind == "supervisor_review"))).mappings().all()
    assert _task(store, t["id"])["completed_in"] == "source"
    # One review, one follow-on: the Beacon event and the source's are the same review.
    assert sum(r["status"] == "open" for r in reviews) == 1
    assert sum(r["completed_at"] is not None and r["completed_at"].date() == store.today() for r in reviews) == 1


def test_a_beacon_completion_the_source_never_shows_is_flagged_missing(store):
    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, "victim_contact")
    complete_task(store, actor_for(store, "sergeant"), t["id"], "victim_contacted")
    later = store.today() + timedelta(days=store.settings.reconcile_window_days + 1)
    with store.engine.begin() as conn:
        assert reconcile(conn, store.settings, store.today()) == {}
        assert reconcile(conn, store.settings, later) == {"missing": 1}


def test_a_bail_extension_the_source_records_as_ended_is_contradicted(store):
    officer = actor_for(store, "officer")
    t = put_on_bail(store, open_task_of(store, officer.officer_id, "bail"), "initial",
                    store.today() - timedelta(days=80), store.today() + timedelta(days=3))
    complete_task(store, actor_for(store, "inspector"), t["id"], "bail_extended")
    with store.engine.begin() as conn:
        person = conn.execute(select(bail.c.person_id).where(bail.c.id == t["bail_id"])).scalar_one()
        _source_event(conn, t["crime_id"], "bail_ended", _at(store, hour=23), "SRC/BAIL/END", person_id=person)
        assert reconcile(conn, store.settings, store.today(), [t["crime_id"]]) == {"contradicted": 1}


def test_a_changed_rule_setting_moves_the_due_dates_it_governs_and_is_audited(store):
    assert rederive_on_rule_change(store) is None  # the force was derived under these settings
    with store.engine.connect() as conn:
        before = dict(conn.execute(select(task.c.id, task.c.due_date).where(
            (task.c.rule_id == "VC-UPDATE") & (task.c.status == "open"))).all())
        other = dict(conn.execute(select(task.c.id, task.c.due_date).where(
            (task.c.rule_id == "OEL-14") & (task.c.status == "open"))).all())
    changed = dataclasses.replace(store, settings=load_settings({"victim_update_days": 14}))
    counts = rederive_on_rule_change(changed)
    assert counts["updated"] >= len(before) > 0
    with store.engine.connect() as conn:
        after = dict(conn.execute(select(task.c.id, task.c.due_date).where(task.c.id.in_(list(before)))).all())
        other_after = dict(conn.execute(select(task.c.id, task.c.due_date).where(task.c.id.in_(list(other)))).all())
        audit = conn.execute(select(audit_log.c.detail).where(audit_log.c.object_type == "rules")).scalars().all()
    assert all(after[i] == before[i] - timedelta(days=14) for i in before)
    assert other_after == other
    assert len(audit) == 1 and '"victim_update_days": "14"' in audit[0]
    assert rederive_on_rule_change(changed) is None


def test_freshness_warns_once_the_last_load_is_older_than_the_setting(store):
    # Midnight today: under stale_load_hours (26) ago at any time of the day the test runs.
    with store.engine.begin() as conn:
        set_meta(conn, LOADED_KEY, _at(store, hour=0).isoformat())
    fresh = freshness(store)
    assert not fresh["stale"] and fresh["short"] == f"Loaded {store.today().day} {store.today():%b} 00:00"
    hours = store.settings.stale_load_hours + 1
    with store.engine.begin() as conn:
        set_meta(conn, LOADED_KEY, (_at(store, hour=0) - timedelta(hours=hours)).isoformat())
    fresh = freshness(store)
    assert fresh["stale"] and "Records last loaded" in fresh["label"]


def test_a_crime_links_to_its_record_in_the_source_system_when_configured(store):
    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id)
    assert get_record(store, officer, t["crime_ref"])["source_url"] is None
    linked = dataclasses.replace(store, settings=load_settings(
        {"crime_record_url": "https://records.example.police.uk/crime/{crime_ref}"}))
    url = get_record(linked, officer, t["crime_ref"])["source_url"]
    assert url.startswith("https://records.example.police.uk/crime/") and "/" not in url.rsplit("/crime/", 1)[1]


def test_only_an_administrator_exports_completions_and_the_file_is_private(sqlite_store, tmp_path, monkeypatch,
                                                                          capsys):
    store = sqlite_store
    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, "victim_contact")
    complete_task(store, actor_for(store, "sergeant"), t["id"], "victim_contacted")
    monkeypatch.setenv("DATABASE_URL", str(store.engine.url))
    monkeypatch.setenv("BEACON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BEACON_TODAY", store.today().isoformat())
    out = tmp_path / "completions.csv"
    assert reconciliation_main(["export", "--as", "officer", "--out", str(out)]) == 2
    assert reconciliation_main(["export", "--as", "admin", "--out", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("event_ref,crime_ref,kind,at")
    assert len(lines) == 2 and t["crime_ref"] in lines[1] and ",victim_contact," in lines[1]
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with store.engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(audit_log)
                         .where(audit_log.c.object_type == "completions_export")).scalar_one()
    assert n == 1


@pytest.mark.parametrize("kind", ["supervisor_review", "oel_update", "victim_contact"])
def test_the_completion_button_and_the_source_event_close_the_same_way(store, kind):
    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, kind)
    actor = actor_for(store, "sergeant")
    action = {"supervisor_review": "review_done", "oel_update": "log_updated",
              "victim_contact": "victim_contacted"}[kind]
    result = complete_task(store, actor, t["id"], action)
    follow = _task(store, result["follow_on"])
    assert follow["status"] == "open" and follow["kind"] == kind and follow["due_date"] > store.today()

"""Background jobs: the worker thread, what the starter can read, and failures that must end a job."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from data_access import jobs
from data_access.errors import AccessDenied, BadRequest
from data_access.schema import audit_log, job, job_upload
from tests.helpers import actor_for


def _wait(store, job_id):
    jobs.runner(store).wait(job_id, timeout=60)
    return jobs.state(store, actor_for(store, "admin"), job_id)


def test_a_job_reports_progress_then_its_result(sqlite_store):
    admin = actor_for(sqlite_store, "admin")
    gate, seen = threading.Event(), []

    def work(progress):
        progress(40, "half way")
        gate.wait(30)
        return {"rows": 3}

    job_id = jobs.start(sqlite_store, admin, "test", work)
    jobs.runner(sqlite_store).submit_task(lambda: seen.append(jobs.state(sqlite_store, admin, job_id)))
    gate.set()
    done = _wait(sqlite_store, job_id)
    assert done == {"id": job_id, "kind": "test", "status": "succeeded", "finished": True, "percent": 100,
                    "label": "finished", "result": {"rows": 3}, "message": None}
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(select(audit_log.c.action).where(audit_log.c.object_type == "job")).scalar() == "write"


@pytest.mark.parametrize("error, words", [(BadRequest("bad file"), "refused: bad file"),
                                          (RuntimeError("disk full"), "RuntimeError: disk full")])
def test_a_failing_job_ends_failed_with_its_reason(sqlite_store, error, words):
    def work(progress):
        raise error

    state = _wait(sqlite_store, jobs.start(sqlite_store, actor_for(sqlite_store, "admin"), "test", work))
    assert state["status"] == "failed" and state["finished"] and state["message"] == words


def test_a_job_whose_result_cannot_be_recorded_still_ends(sqlite_store, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(jobs, "_finish", broken)
    job_id = jobs.start(sqlite_store, actor_for(sqlite_store, "admin"), "test", lambda progress: {})
    with pytest.raises(RuntimeError):
        jobs.runner(sqlite_store).wait(job_id, timeout=60)
    state = jobs.state(sqlite_store, actor_for(sqlite_store, "admin"), job_id)
    assert state["finished"] and state["status"] == "failed"


def test_jobs_lost_with_the_server_are_reported_not_polled_for_ever(sqlite_store):
    admin = actor_for(sqlite_store, "admin")
    from data_access.clock import now_local
    with sqlite_store.engine.begin() as conn:
        old = now_local() - timedelta(hours=13)
        running = conn.execute(job.insert().values(kind="t", account_id=admin.user_id, status="running",
                                                   created_at=old, started_at=old)).inserted_primary_key[0]
        queued = conn.execute(job.insert().values(kind="t", account_id=admin.user_id, status="queued",
                                                  created_at=old)).inserted_primary_key[0]
        waiting = conn.execute(job.insert().values(kind="t", account_id=admin.user_id, status="queued",
                                                   created_at=now_local() - timedelta(hours=2))).inserted_primary_key[0]
    assert "interrupted" in jobs.state(sqlite_store, admin, running)["message"]
    assert "never started" in jobs.state(sqlite_store, admin, queued)["message"]
    assert not jobs.state(sqlite_store, admin, waiting)["finished"]  # behind a long job: still waiting
    # A worker reaching the one reported "never started" records that ending and does not run it late.
    ran = []
    jobs._run(sqlite_store, jobs.runner(sqlite_store), queued, lambda progress: ran.append(1))
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(select(job.c.status).where(job.c.id == queued)).scalar_one() == "failed"
    assert ran == []


def test_uploads_of_jobs_cut_off_mid_run_are_swept_and_waiting_ones_kept(sqlite_store):
    admin = actor_for(sqlite_store, "admin")
    from data_access.clock import now_local
    now = now_local()
    rows = {"cut off": ("running", now - timedelta(hours=1)), "ended": ("failed", now - timedelta(hours=1)),
            "waiting": ("queued", now - timedelta(hours=2)), "never started": ("queued", now - timedelta(hours=13))}
    ids = {}
    with sqlite_store.engine.begin() as conn:
        for name, (status, created) in rows.items():
            ids[name] = conn.execute(job.insert().values(kind="t", account_id=admin.user_id, status=status,
                                                         created_at=created)).inserted_primary_key[0]
            conn.execute(job_upload.insert().values(job_id=ids[name], data=b"a,b\n1,2\n"))
    assert jobs.sweep_uploads(sqlite_store) == 3
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(select(job_upload.c.job_id)).scalars().all() == [ids["waiting"]]
    assert jobs.sweep_uploads(sqlite_store) == 0


def test_only_the_starter_reads_a_job(sqlite_store):
    job_id = jobs.start(sqlite_store, actor_for(sqlite_store, "admin"), "test", lambda progress: {})
    jobs.runner(sqlite_store).wait(job_id, timeout=60)
    for other in ("leader", "analyst", "officer"):
        with pytest.raises(AccessDenied):
            jobs.state(sqlite_store, actor_for(sqlite_store, other), job_id)
    for forged in (None, "x", 10**12, -1):
        with pytest.raises(AccessDenied):
            jobs.state(sqlite_store, actor_for(sqlite_store, "admin"), forged)


def test_a_named_task_is_queued_once_while_it_waits(sqlite_store):
    runner = jobs.runner(sqlite_store)
    gate, ran = threading.Event(), []
    blocker = runner.submit_task(lambda: gate.wait(30))
    first = runner.submit_task(lambda: ran.append(1), once="refresh")
    second = runner.submit_task(lambda: ran.append(2), once="refresh")
    gate.set()
    blocker.result(30), first.result(30), second.result(30)
    assert first is second and ran == [1]


def test_housekeeping_runs_each_task_now_and_again_until_stopped(sqlite_store):
    seen = []

    def snapshot(store):
        seen.append(store)

    stop = jobs.start_housekeeping(sqlite_store, [snapshot], every_seconds=0.05)
    deadline = threading.Event()
    for _ in range(200):
        if len(seen) >= 3:
            break
        deadline.wait(0.05)
    stop.set()
    assert len(seen) >= 3 and all(s is sqlite_store for s in seen)


def test_a_new_day_snapshot_is_taken_by_housekeeping_without_anyone_opening_the_tab(sqlite_store):
    from data_access.demand import ensure_snapshot
    from data_access.schema import worklist_snapshot

    tomorrow = sqlite_store.today() + timedelta(days=1)
    sqlite_store.fixed_today = tomorrow

    def days():
        with sqlite_store.engine.connect() as conn:
            return {str(d)[:10] for d in conn.execute(select(worklist_snapshot.c.snapshot_on).distinct()).scalars()}

    assert tomorrow.isoformat() not in days()
    stop = jobs.start_housekeeping(sqlite_store, [ensure_snapshot], every_seconds=3600)
    waited = threading.Event()
    for _ in range(600):
        if tomorrow.isoformat() in days():
            break
        waited.wait(0.05)
    stop.set()
    assert tomorrow.isoformat() in days()

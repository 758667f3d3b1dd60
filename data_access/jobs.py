"""Background jobs: long work started from the screen runs on the job thread or a Celery worker; its state is kept for polling."""

# By default a job runs in the web process on one worker thread, not in a forked process: a fork copies
# the parent's open SQLite and diskcache connections and any lock another request thread held at that
# moment, which can leave the child waiting for ever. With BEACON_CELERY_BROKER_URL set, the web process
# only records the job and sends its kind and plain arguments to the Celery workers (data_access/job_queue.py).
# Either way the job row (status, result) is in the database and the progress in Redis (or the diskcache
# beside the result cache), so any web process can answer a poll.

import importlib
import json
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import diskcache
from sqlalchemy import select

from data_access.audit import write_audit
from data_access.clock import now_local
from data_access.errors import AccessDenied, BadRequest
from data_access.permissions import require
from data_access.schema import job, job_upload

log = logging.getLogger(__name__)

# A running job with no progress for this long was cut off (the process stopped); a queued one waits
# behind others, so it is given much longer before it is counted as lost.
STALE_AFTER = timedelta(minutes=30)
QUEUED_TOO_LONG = timedelta(hours=12)
PROGRESS_TTL_SECONDS = 24 * 3600

# Each kind of job is a function fn(store, actor, progress, **args) -> JSON result, registered by name, so
# the job thread and a Celery worker run the same code from the same plain arguments. actor is the starter's
# account as it is when the job starts (None once it is inactive): the kind checks it may still do the work.
KINDS: dict = {}
# The modules that register kinds, imported by a worker before it runs any job.
KIND_MODULES = ("data_access.strategic_imports", "data_access.fsu", "data_access.records_admin")


def job_kind(name: str):
    """Register the decorated function as the job kind name."""
    def register(fn):
        KINDS[name] = fn
        return fn
    return register


def job_kinds() -> dict:
    """Every registered job kind, its modules imported."""
    for module in KIND_MODULES:
        importlib.import_module(module)
    return KINDS


class JobRunner:
    """One worker thread per store: jobs run one at a time, in the order they were started."""

    def __init__(self, progress_dir: Path | str, shared=None):
        # One at a time: on two cores a second import only slows the first, and SQLite has one writer.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="beacon-job")
        self._progress = diskcache.Cache(str(progress_dir))
        # The result cache's Redis, when it has one: a poll reaching another host then sees the progress too.
        self._shared = shared
        self._futures: dict[int, Future] = {}
        self._tasks: dict[str, Future] = {}
        self._lock = threading.Lock()

    def submit(self, job_id: int, fn) -> None:
        with self._lock:
            # Ended jobs are kept for wait() only while others run; their state is in the database.
            self._futures = {k: f for k, f in self._futures.items() if not f.done()}
            self._futures[job_id] = self._pool.submit(fn)

    def submit_task(self, fn, once: str | None = None) -> Future:
        """Run housekeeping on the job thread with no job row; a task named once is queued once at a time."""
        with self._lock:
            if once is not None and once in self._tasks and not self._tasks[once].done():
                return self._tasks[once]
            future = self._pool.submit(fn)
            if once is not None:
                self._tasks = {k: f for k, f in self._tasks.items() if not f.done()}
                self._tasks[once] = future
        future.add_done_callback(_log_failure)
        return future

    def wait(self, job_id: int, timeout: float | None = None) -> None:
        """Block until the job ends (the command line and tests)."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout)

    def set_progress(self, job_id: int, percent: int, label: str) -> None:
        value = (max(0, min(100, int(percent))), str(label)[:200], time.time())
        if self._shared is not None:
            self._shared.set(f"job-progress:{job_id}", value, expire=PROGRESS_TTL_SECONDS)
        else:
            self._progress.set(f"job:{job_id}", value, expire=PROGRESS_TTL_SECONDS)

    def progress(self, job_id: int):
        if self._shared is not None:
            return self._shared.get(f"job-progress:{job_id}")
        return self._progress.get(f"job:{job_id}", default=None)


def _log_failure(future: Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("background task failed", exc_info=future.exception())


_runner_lock = threading.Lock()


def runner(store) -> JobRunner:
    """The store's job runner, made on first use."""
    with _runner_lock:
        found = getattr(store, "_job_runner", None)
        if found is None:
            found = JobRunner(Path(store.cache.directory) / "jobs", shared=store.cache.shared_store())
            store._job_runner = found
        return found


def start_housekeeping(store, tasks, every_seconds: float = 600) -> threading.Event:
    """Every every_seconds, queue each task(store) on the job thread; set the returned event to stop."""
    # Daily work then happens while the app runs, not when the first person of the day asks for it.
    stop = threading.Event()
    jobs = runner(store)

    def loop():
        while True:
            for task in tasks:
                jobs.submit_task(lambda task=task: task(store), once=f"housekeeping:{task.__name__}")
            if stop.wait(every_seconds):
                return

    threading.Thread(target=loop, name="beacon-housekeeping", daemon=True).start()
    return stop


def sweep_uploads(store) -> int:
    """Delete the uploads no job will read again (housekeeping); returns how many."""
    # A job reads its upload before it claims the row, so once a job has left 'queued' its upload is spent;
    # run_recorded deletes it at the end, but not when its worker was killed mid-job. A job queued past
    # QUEUED_TOO_LONG is never run (see _run).
    spent = select(job.c.id).where((job.c.status != "queued") | (job.c.created_at < now_local() - QUEUED_TOO_LONG))
    with store.engine.begin() as conn:
        return conn.execute(job_upload.delete().where(job_upload.c.job_id.in_(spent))).rowcount


def _record(store, actor, kind: str, upload: bytes | None = None) -> int:
    """A queued job row for actor (and its uploaded file); returns the job id."""
    with store.engine.begin() as conn:
        job_id = int(conn.execute(job.insert().values(
            kind=kind, account_id=actor.user_id, status="queued", created_at=now_local(),
        )).inserted_primary_key[0])
        if upload is not None:
            conn.execute(job_upload.insert().values(job_id=job_id, data=upload))
        write_audit(conn, actor, "write", "job", job_id, detail={"kind": kind, "status": "queued"})
    runner(store).set_progress(job_id, 0, "waiting to start")
    return job_id


def submit(store, actor, label: str, kind: str, args: dict | None = None, upload: bytes | None = None) -> int:
    """Record a job labelled label for actor and run the registered kind with args (plain JSON) and the upload;
    on the Celery workers when configured, else on the job thread. Returns the job id."""
    if kind not in job_kinds():
        raise ValueError(f"no job kind {kind!r}")
    args = json.loads(json.dumps(args or {}))  # what a Celery message carries: no closures, no objects
    job_id = _record(store, actor, label, upload)
    queue = getattr(store, "job_queue", None)
    if queue is not None:
        try:
            queue.send(job_id, kind, args)
        except Exception as exc:  # noqa: BLE001 - the broker is down: the job ends failed, not queued for ever
            log.exception("job %s could not be sent to the workers", job_id)
            _finish(store, job_id, "failed", message=f"not started: the job queue is unreachable ({type(exc).__name__})")
            runner(store).set_progress(job_id, 100, "failed")
            with store.engine.begin() as conn:
                conn.execute(job_upload.delete().where(job_upload.c.job_id == job_id))
    else:
        jobs = runner(store)
        jobs.submit(job_id, lambda: run_recorded(store, job_id, kind, args))
    return job_id


def run_recorded(store, job_id: int, kind: str, args: dict) -> None:
    """Run a recorded job of a registered kind: what the job thread and a Celery worker both do."""
    from data_access.accounts import load_actor

    with store.engine.connect() as conn:
        row = conn.execute(select(job.c.account_id).where(job.c.id == job_id)).first()
        upload = conn.execute(select(job_upload.c.data).where(job_upload.c.job_id == job_id)).scalar()
    if row is None:
        log.error("job %s is not recorded: nothing run", job_id)
        return
    extra = {} if upload is None else {"upload": bytes(upload)}

    def work(progress):
        fn = job_kinds().get(kind)
        if fn is None:  # a worker older than the web process that sent it
            raise RuntimeError(f"this worker has no job kind {kind!r}")
        return fn(store, load_actor(store, row.account_id), progress, **args, **extra)

    try:
        _run(store, runner(store), job_id, work)
    finally:
        if upload is not None:
            with store.engine.begin() as conn:
                conn.execute(job_upload.delete().where(job_upload.c.job_id == job_id))


def start(store, actor, kind: str, work) -> int:
    """Record a job for actor and run work(progress(percent, label)) on this process's job thread; returns the job id."""
    # work returns a JSON-serialisable result, which the job row keeps for the page. A closure cannot
    # travel to another process: work meant for the Celery workers is a registered kind (submit).
    job_id = _record(store, actor, kind)
    jobs = runner(store)
    jobs.submit(job_id, lambda: _run(store, jobs, job_id, work))
    return job_id


def _finish(store, job_id: int, status: str, result=None, message: str | None = None) -> None:
    with store.engine.begin() as conn:
        conn.execute(job.update().where(job.c.id == job_id).values(
            status=status, finished_at=now_local(), message=message,
            result=None if result is None else json.dumps(result, default=str)))


def _run(store, jobs: JobRunner, job_id: int, work) -> None:
    now = now_local()
    with store.engine.begin() as conn:
        # A job queued longer than QUEUED_TOO_LONG was already reported "never started" (and perhaps started
        # again by hand): a worker returning after an outage records that ending instead of running it late.
        expired = conn.execute(job.update().where(job.c.id == job_id, job.c.status == "queued",
                                                  job.c.created_at < now - QUEUED_TOO_LONG).values(
            status="failed", finished_at=now, message="never started: the server stopped before it ran")).rowcount
        claimed = 0 if expired else conn.execute(
            job.update().where(job.c.id == job_id, job.c.status == "queued")
            .values(status="running", started_at=now)).rowcount
    if expired:
        jobs.set_progress(job_id, 100, "failed")
        log.warning("job %s waited over %s in the queue: not run", job_id, QUEUED_TOO_LONG)
        return
    if not claimed:
        # A message delivered again after its worker stopped: the job was started once, and is not run twice
        # (a poll reports it interrupted when its progress stops).
        log.warning("job %s was already started: not run again", job_id)
        return
    try:
        jobs.set_progress(job_id, 0, "started")
        result = work(lambda percent, label: jobs.set_progress(job_id, percent, label))
    except (AccessDenied, BadRequest) as exc:
        ending = ("failed", None, f"refused: {exc}")
    except Exception as exc:  # noqa: BLE001 - a job must end failed, never stay running
        log.exception("job %s failed", job_id)
        ending = ("failed", None, f"{type(exc).__name__}: {exc}"[:500])
    else:
        ending = ("succeeded", result, None)
    try:
        _finish(store, job_id, *ending)
    finally:
        # Even if the row could not be written, the page stops waiting: the progress says it ended.
        jobs.set_progress(job_id, 100, "finished" if ending[0] == "succeeded" else "failed")


def state(store, actor, job_id) -> dict:
    """Status, progress and result of a job the actor started; any other id answers 403."""
    try:
        job_id = int(job_id)
    except (TypeError, ValueError):
        raise AccessDenied("no such job") from None
    with store.engine.connect() as conn:
        row = conn.execute(select(job).where(job.c.id == job_id)).mappings().first()
    # Someone else's job and a job that does not exist look the same, so probing reveals nothing.
    require(actor, "job.read", row is not None and actor is not None and row["account_id"] == actor.user_id,
            reason="no such job")
    finished = row["status"] in ("succeeded", "failed")
    seen = runner(store).progress(job_id)
    percent, label, last_sign = (seen if seen else (0, "", None))
    status, message = row["status"], row["message"]
    if not finished and label in ("finished", "failed"):
        # The end is written to the row first, then to the progress: a row still open has lost its ending.
        status, finished, message = "failed", True, "the job ended but its result could not be recorded"
    elif status == "running":
        quiet = (timedelta(seconds=time.time() - last_sign) if last_sign
                 else now_local() - row["started_at"])
        if quiet > STALE_AFTER:
            status, finished, message = "failed", True, "interrupted: the server stopped while it ran"
    elif status == "queued" and now_local() - row["created_at"] > QUEUED_TOO_LONG:
        status, finished, message = "failed", True, "never started: the server stopped before it ran"
    return {
        "id": job_id, "kind": row["kind"], "status": status, "finished": finished,
        "percent": 100 if finished else percent, "label": "finished" if finished else label,
        "result": json.loads(row["result"]) if row["result"] else None, "message": message,
    }

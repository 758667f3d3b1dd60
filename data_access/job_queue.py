"""Background jobs on Celery workers: the Celery app (Redis broker and results), the worker's tasks, and the sender."""

import threading

from celery import Celery

from data_access import jobs
from data_access.cache import redis_prefix
from data_access.clock import FORCE_TIMEZONE
from data_access.schedule import SCHEDULED

JOB_TASK = "beacon.job"
# An unacknowledged message (its job still running, or its worker gone) is delivered again after this long.
# It is longer than any job, so a running job is not handed to a second worker; and a job delivered again
# after its worker stopped mid-run is not run twice (jobs._run claims a job once).
VISIBILITY_TIMEOUT_SECONDS = 12 * 3600
RESULTS_KEPT_SECONDS = 24 * 3600


def make_celery(config) -> Celery:
    """A Celery app on the configured broker and result backend, its keys under the deployment's Redis prefix."""
    # The prefix is the result cache's, so deployments sharing a Redis server never take each other's jobs.
    prefix = redis_prefix(config.database_url, config.redis_prefix)
    app = Celery("beacon", broker=config.celery_broker_url, backend=config.celery_broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        # A message is acknowledged when its job ends, not when a worker takes it, so a worker stopped before
        # it ran a job leaves the job to another; a worker process holds one message at a time.
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT_SECONDS, "global_keyprefix": prefix},
        result_backend_transport_options={"global_keyprefix": prefix},
        result_expires=RESULTS_KEPT_SECONDS,
        # Beat's cron fields are the force's wall clock, as every other time in Beacon.
        timezone=str(FORCE_TIMEZONE), enable_utc=True,
        broker_connection_retry_on_startup=True,
    )
    return app


def register_tasks(app: Celery, config) -> None:
    """The worker's tasks: a job recorded by a web process, and each scheduled job (data_access.schedule)."""
    store_of = _store_opener(config)

    # The job row holds a job's ending and result, so the backend keeps nothing for it.
    @app.task(name=JOB_TASK, ignore_result=True)
    def run_job(job_id, kind, args):
        jobs.run_recorded(store_of(), int(job_id), str(kind), dict(args))

    for name, fn in SCHEDULED.items():
        # Acknowledged when taken: a load that ran the worker out of memory must not be handed straight back to
        # it (a job started on screen has its claim on the job row instead); beat runs it again at its next time.
        app.task(name=name, acks_late=False, reject_on_worker_lost=False)(_scheduled(fn, store_of))


def _scheduled(fn, store_of):
    def task(*args):
        return fn(store_of(), *args)

    task.__name__, task.__doc__, task.__module__ = fn.__name__, fn.__doc__, fn.__module__
    return task


def _store_opener(config):
    """The worker process's store, opened by its first task: after the fork, so no connection is shared."""
    lock, opened = threading.Lock(), []

    def store_of():
        with lock:
            if not opened:
                from data_access.store import open_store_from

                opened.append(open_store_from(config))
            return opened[0]

    return store_of


class JobQueue:
    """A web process's side of the queue: sends a recorded job's kind and plain arguments to the workers."""

    def __init__(self, config):
        self.app = make_celery(config)

    def send(self, job_id: int, kind: str, args: dict) -> None:
        # A broker that does not answer is tried twice more, then the job is recorded as not started.
        self.app.send_task(JOB_TASK, args=[job_id, kind, args], retry=True,
                           retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5})

"""Jobs on a real Celery worker process over the test Redis: started in one web process, followed from another."""

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

import tests.celery_kinds  # noqa: F401  (the test kinds, known to the sender as to the worker)
from config import Config
from data_access import jobs
from data_access.schema import job_upload, user_account
from data_access.store import open_store_from
from tests.conftest import TODAY, login, make_app
from tests.helpers import actor_for
from tests.strategic_data import drop_demo_data

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.timeout(300)


class Deployment:
    """One SQLite database, one Redis prefix and one Celery worker process; web stores open on demand."""

    def __init__(self, seeded_sqlite, tmp_path: Path, redis_url: str):
        self.tmp, self.redis_url = tmp_path, redis_url
        self.db = tmp_path / "beacon.db"
        shutil.copy(seeded_sqlite, self.db)
        # Under a prefix of its own, so parallel test runs on the same Redis never take each other's jobs.
        self.prefix = f"beacon-test-{uuid.uuid4().hex[:12]}:"
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{self.db}", "BEACON_DATA_DIR": str(tmp_path),
                    "SECRET_KEY": "test-secret", "BEACON_REDIS_URL": redis_url, "BEACON_REDIS_PREFIX": self.prefix,
                    "BEACON_CELERY_BROKER_URL": redis_url, "BEACON_TODAY": TODAY.isoformat(),
                    "BEACON_GENERATE_ON_EMPTY": "0", "PYTHONPATH": str(ROOT)}
        self.stores = []
        self.worker = None
        self.log = tmp_path / "worker.log"

    def store(self, name: str):
        """A web process's store: its own engine and cache folder, the shared database and Redis."""
        config = Config(database_url=f"sqlite:///{self.db}", secret_key="test-secret", data_dir=self.tmp,
                        cache_dir=self.tmp / f"cache-{name}", redis_url=self.redis_url, redis_prefix=self.prefix,
                        celery_broker_url=self.redis_url, today=TODAY, generate_on_empty=False, testing=True)
        store = open_store_from(config)
        self.stores.append(store)
        return store

    def start_worker(self) -> None:
        """The worker as README documents it, with the test kinds included."""
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker", "worker", "--concurrency", "1", "--loglevel", "INFO",
             "--include", "tests.celery_kinds", "--without-gossip", "--without-mingle",
             "--hostname", f"{self.prefix.rstrip(':')}@%h"],
            cwd=ROOT, env={**self.env, "BEACON_CACHE_DIR": str(self.tmp / "cache-worker")},
            stdout=self.log.open("w"), stderr=subprocess.STDOUT)

    def worker_log(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def close(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.send_signal(signal.SIGQUIT)  # cold shutdown: a waiting test job is not waited for
            try:
                self.worker.wait(60)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait()
        for store in self.stores:
            store.cache.close()
            store.engine.dispose()
        client = redis.Redis.from_url(self.redis_url)
        keys = list(client.scan_iter(match=f"{self.prefix}*"))
        if keys:
            client.delete(*keys)


@pytest.fixture
def deployment(seeded_sqlite, tmp_path, redis_url):
    d = Deployment(seeded_sqlite, tmp_path, redis_url)
    yield d
    d.close()


def _until(check, deployment, what: str):
    """Poll check() until it returns something truthy; the worker's log explains a failure."""
    pause = threading.Event()
    while True:
        found = check()
        if found:
            return found
        assert deployment.worker.poll() is None, f"the worker stopped while {what}:\n{deployment.worker_log()}"
        pause.wait(0.2)


def _ended(store, actor, job_id, deployment):
    return _until(lambda: (s := jobs.state(store, actor, job_id))["finished"] and s, deployment, f"job {job_id} ran")


def _post_with_state(client, app, output, values, triggered):
    from tests.dash_requests import find_callback, payload

    body = payload(app, output, values, triggered)
    _, entry = find_callback(app, output)
    body["state"] = [{"id": d["id"], "property": d["property"], "value": values.get(f"{d['id']}.{d['property']}")}
                     for d in entry.get("state", [])]
    return client.post("/_dash-update-component", json=body)


def test_an_import_uploaded_through_one_web_process_is_run_by_the_worker_and_followed_through_another(deployment):
    one_store, two_store = deployment.store("one"), deployment.store("two")
    one = make_app(one_store, deployment.tmp / "one")
    two = make_app(two_store, deployment.tmp / "two")
    drop_demo_data(one_store)
    deployment.start_worker()
    one_client, two_client = one.server.test_client(), two.server.test_client()
    login(one_client, "admin")
    login(two_client, "admin")
    csv_text = "Region,Police Force,Total\nR,Kent,12\nR,Total South East,99\n"
    resp = _post_with_state(one_client, one, "st-import-job.data",
                            {"st-upload.contents": "data:text/csv;base64," + base64.b64encode(csv_text.encode()).decode(),
                             "st-upload.filename": "april2018-march2019.csv", "st-import-kind.value": "use-of-force"},
                            ["st-upload.contents"])
    assert resp.status_code == 200, resp.data[:300]
    job_id = resp.get_json()["response"]["st-import-job"]["data"]

    def followed():
        done = _post_with_state(two_client, two, "st-progress.value@",
                                {"st-import-poll.n_intervals": 1, "st-import-job.data": job_id},
                                ["st-import-poll.n_intervals"]).get_json()["response"]
        return done if done["st-import-poll"]["disabled"] else None

    done = _until(followed, deployment, "the import ran")
    assert done["st-progress"]["label"] == "done", deployment.worker_log()
    assert "Read 2, loaded 1, quarantined 1" in json.dumps(done["st-import-result"])
    # The worker ran it, not either web process's job thread; the upload it carried is gone.
    assert f"beacon.job[" in deployment.worker_log()
    assert not jobs.runner(one_store)._futures and not jobs.runner(two_store)._futures
    with one_store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(job_upload)).scalar() == 0
    # A scheduled job runs on the same worker, its answer through the Redis result backend.
    from data_access.schedule import DIGEST_TASK

    sent = one_store.job_queue.app.send_task(DIGEST_TASK)
    assert sent.get(timeout=240)["status"] == "no_relay"  # no mail relay configured in the tests


def test_a_failing_job_is_reported_failed_with_its_reason_to_every_web_process(deployment):
    one_store, two_store = deployment.store("one"), deployment.store("two")
    analyst = actor_for(one_store, "analyst")
    deployment.start_worker()
    fails = jobs.submit(one_store, analyst, "test", "test-fail", {"reason": "disk full"})
    state = _ended(two_store, actor_for(two_store, "analyst"), fails, deployment)
    assert state["status"] == "failed" and state["message"] == "RuntimeError: disk full"
    # A refresh queued behind a running job, whose account loses the permission before it starts: refused.
    release = f"{deployment.prefix}release"
    blocker = jobs.submit(one_store, analyst, "test", "test-wait", {"redis_url": deployment.redis_url, "key": release})
    _until(lambda: jobs.state(two_store, analyst, blocker)["label"] == "waiting for release", deployment,
           "the blocker started")
    from data_access import fsu

    refresh = fsu.start_refresh(one_store, analyst)
    with one_store.engine.begin() as conn:
        conn.execute(user_account.update().where(user_account.c.id == analyst.user_id).values(can_view_fsu=False))
    redis.Redis.from_url(deployment.redis_url).rpush(release, "go")
    assert _ended(two_store, analyst, blocker, deployment)["status"] == "succeeded"
    state = _ended(two_store, analyst, refresh, deployment)
    assert state["status"] == "failed" and state["message"] == \
        "refused: the frequent-service-user permission is required"


WEB_PROCESS = """
import sys
import tests.celery_kinds
from config import from_env
from data_access import jobs
from data_access.store import open_store_from
from tests.helpers import actor_for

store = open_store_from(from_env())
print(jobs.submit(store, actor_for(store, "admin"), "test", "test-wait",
                  {"redis_url": sys.argv[1], "key": sys.argv[2]}), flush=True)
sys.stdin.read()  # serving, until it is stopped
"""


def test_a_job_outlives_the_web_process_that_started_it(deployment):
    release = f"{deployment.prefix}release"
    web = subprocess.Popen([sys.executable, "-c", WEB_PROCESS, deployment.redis_url, release], cwd=ROOT,
                           env={**deployment.env, "BEACON_CACHE_DIR": str(deployment.tmp / "cache-web")},
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        job_id = int(web.stdout.readline())
        deployment.start_worker()
        other = deployment.store("after-restart")
        admin = actor_for(other, "admin")
        _until(lambda: jobs.state(other, admin, job_id)["status"] == "running", deployment, "the job started")
    finally:
        web.kill()  # the web process goes while its job runs
        web.wait()
    redis.Redis.from_url(deployment.redis_url).rpush(release, "after the restart")
    state = _ended(other, admin, job_id, deployment)
    assert state["status"] == "succeeded", deployment.worker_log()
    assert state["result"] == {"released": "after the restart", "by": "admin"}


def test_the_beat_schedule_names_tasks_the_worker_has():
    from data_access.job_queue import make_celery, register_tasks
    from data_access.schedule import beat_schedule

    config = Config(database_url="sqlite://", secret_key="test-secret", data_dir=Path("."), testing=True,
                    redis_url="redis://127.0.0.1:6379/15", celery_broker_url="redis://127.0.0.1:6379/15",
                    source="/srv/extract/full", hourly_source="/srv/extract/hourly", digest_hour=6,
                    pack_as="leader", fsu_as="analyst")
    app = make_celery(config)
    register_tasks(app, config)
    schedule = beat_schedule(config)
    assert set(schedule) == {"full-load", "hourly-load", "digest", "monthly-pack", "fsu-refresh"}
    assert all(entry["task"] in app.tasks for entry in schedule.values())
    # Which extract, never where: a staging URL and its password stay out of the broker's messages.
    assert schedule["full-load"]["args"] == ("full",) and schedule["hourly-load"]["args"] == ("hourly",)
    assert schedule["monthly-pack"]["args"] == ("leader",)
    # Runs held up by an outage are dropped before the next one is due, so they never pile up.
    assert schedule["hourly-load"]["options"]["expires"] < 3600 and schedule["digest"]["options"]["expires"] < 3600
    assert schedule["full-load"]["options"]["expires"] < 24 * 3600
    # Nothing configured, nothing scheduled; a time that is not cron names its setting.
    bare = Config(database_url="sqlite://", secret_key="test-secret", data_dir=Path("."), testing=True)
    assert beat_schedule(bare) == {}
    with pytest.raises(ValueError, match="BEACON_REDIS_URL"):  # the progress must be where every process reads it
        Config(database_url="sqlite://", secret_key="x", data_dir=Path("."), celery_broker_url="redis://h/1")
    with pytest.raises(ValueError, match="BEACON_FSU_CRON"):
        beat_schedule(Config(database_url="sqlite://", secret_key="x", data_dir=Path("."), fsu_as="analyst",
                             fsu_cron="3 am"))

"""State that several processes share is read from the database, so a change made through one is seen by all."""

import shutil

from sqlalchemy import select

from data_access.db import set_meta
from data_access.org import load_tree
from data_access.schema import org_unit
from data_access.store import bump_version, open_store
from tests.conftest import TODAY


def _two_processes(seeded_sqlite, tmp_path, **redis):
    """Two stores on one database, each with its own engine and cache folder: two workers of one force."""
    path = tmp_path / "beacon.db"
    shutil.copy(seeded_sqlite, path)
    url = f"sqlite:///{path}"
    return [open_store(url, tmp_path / f"cache{i}", fixed_today=TODAY, **redis) for i in (1, 2)]


def _close(*stores):
    for store in stores:
        store.cache.close()
        store.engine.dispose()


def test_an_organisation_change_through_one_process_reaches_the_others_tree(seeded_sqlite, tmp_path):
    one, two = _two_processes(seeded_sqlite, tmp_path)
    team = int(load_tree(one).teams().index[0])
    before = load_tree(one).unit(team)["name"]
    assert load_tree(one) is load_tree(one)  # memoised while the organisation is unchanged
    # What a load that changes units does (data_access/ingest/loader.py): the rows and org_version together.
    with two.engine.begin() as conn:
        conn.execute(org_unit.update().where(org_unit.c.id == team).values(name=before + " (renamed)"))
        set_meta(conn, "org_version", "ingest-test")
        bump_version(conn)
    assert load_tree(two).unit(team)["name"] == before + " (renamed)"
    assert load_tree(one).unit(team)["name"] == before + " (renamed)"
    with one.engine.connect() as conn:
        assert conn.execute(select(org_unit.c.name).where(org_unit.c.id == team)).scalar() == before + " (renamed)"
    _close(one, two)


def test_a_write_through_one_process_invalidates_the_others_cached_reads(seeded_sqlite, tmp_path):
    one, two = _two_processes(seeded_sqlite, tmp_path)
    calls = []

    def read(store):
        return store.cache.get_or_compute("count", store.data_version(), "all",
                                          lambda: calls.append(store) or len(calls))

    assert read(one) == 1 and read(one) == 1
    with two.engine.begin() as conn:
        bump_version(conn)
    assert read(one) == 2  # the version every process reads moved, so the old value is not used
    _close(one, two)


def test_workers_of_one_database_share_the_redis_cache(seeded_sqlite, tmp_path, redis_url):
    one, two = _two_processes(seeded_sqlite, tmp_path, redis_url=redis_url)
    assert one.cache.backend == two.cache.backend == "redis"
    # The default prefix comes from the database address, the same for every worker of the force.
    assert one.cache._cache.prefix == two.cache._cache.prefix
    one.cache.clear()
    assert one.cache.get_or_compute("n", one.data_version(), "s", lambda: "from one") == "from one"
    assert two.cache.get_or_compute("n", two.data_version(), "s", lambda: "from two") == "from one"
    one.cache.clear()
    _close(one, two)


def test_a_jobs_progress_is_seen_by_a_worker_on_another_host(seeded_sqlite, tmp_path, redis_url):
    import threading

    from data_access import jobs
    from tests.helpers import actor_for

    # Separate cache folders stand for separate hosts: only the database and Redis are shared.
    one, two = _two_processes(seeded_sqlite, tmp_path, redis_url=redis_url)
    admin = actor_for(one, "admin")
    written, release = threading.Event(), threading.Event()

    def work(progress):
        progress(40, "half way")
        written.set()
        release.wait(30)
        return {"rows": 1}

    job_id = jobs.start(one, admin, "test", work)
    assert written.wait(30)
    seen = jobs.state(two, actor_for(two, "admin"), job_id)
    release.set()
    jobs.runner(one).wait(job_id, timeout=60)
    assert (seen["status"], seen["percent"], seen["label"]) == ("running", 40, "half way")
    assert jobs.state(two, actor_for(two, "admin"), job_id)["status"] == "succeeded"
    one.cache.clear()
    _close(one, two)

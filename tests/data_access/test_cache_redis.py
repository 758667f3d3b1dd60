"""The result cache on Redis: shared by processes, namespaced per database, and diskcache when Redis is absent."""

import logging
import multiprocessing
import time
import uuid

import pytest
import redis

from data_access.cache import ResultCache, redis_prefix

# Nothing listens on port 1: a Redis that is configured but unreachable.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def prefix():
    """A key prefix of this test alone, so tests never see each other's keys on the shared server."""
    return f"beacon-test:{uuid.uuid4().hex}:"


@pytest.fixture
def cache(tmp_path, redis_url, prefix):
    c = ResultCache(tmp_path / "c", redis_url=redis_url, redis_key_prefix=prefix)
    yield c
    c.clear()
    c.close()


def test_values_round_trip_through_redis_with_an_expiry(cache, redis_url, prefix):
    import pandas as pd

    assert cache.backend == "redis"
    frame = pd.DataFrame({"ref": ["A1", "B2"], "n": [1, 2]})
    cache.put({"frame": frame, "n": 3}, "n", "1", "s", expire=30)
    got = cache.peek("n", "1", "s")
    assert got["n"] == 3 and got["frame"].equals(frame)
    assert cache.peek("n", "2", "s") is None  # another data version is another key
    raw = redis.Redis.from_url(redis_url)
    ttl = raw.pttl(prefix + cache.make_key("n", "1", "s"))
    assert 0 < ttl <= 30_000
    assert 0 < cache.seconds_left("n", "1", "s") <= 30 and cache.seconds_left("n", "2", "s") is None
    cache.put("default", "m", "1", "s")
    assert 0 < raw.pttl(prefix + cache.make_key("m", "1", "s")) <= cache.ttl * 1000
    raw.close()


def test_add_is_granted_once_and_release_needs_the_token(cache):
    assert cache._cache.add("lock:k", "mine", expire=30)
    assert not cache._cache.add("lock:k", "theirs", expire=30)
    cache._cache.release("lock:k", "theirs")  # not the holder: the lock stays
    assert not cache._cache.add("lock:k", "again", expire=30)
    cache._cache.release("lock:k", "mine")
    assert cache._cache.add("lock:k", "again", expire=30)


def test_a_failed_compute_releases_the_key(cache):
    def boom():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cache.get_or_compute("n", "1", "s", boom)
    assert cache.get_or_compute("n", "1", "s", lambda: "ok") == "ok"
    assert cache.get_or_compute("n", "1", "s", lambda: "not again") == "ok"


def test_clear_deletes_only_this_deployments_keys(tmp_path, redis_url, prefix):
    mine = ResultCache(tmp_path / "a", redis_url=redis_url, redis_key_prefix=prefix + "a:")
    theirs = ResultCache(tmp_path / "b", redis_url=redis_url, redis_key_prefix=prefix + "b:")
    mine.put("x", "n", "1", "s")
    theirs.put("y", "n", "1", "s")
    mine.clear()
    assert mine.peek("n", "1", "s") is None
    assert theirs.peek("n", "1", "s") == "y"
    theirs.clear()
    mine.close()
    theirs.close()


def test_two_databases_on_one_redis_do_not_share_keys(tmp_path, redis_url):
    one, two = redis_prefix("sqlite:////srv/a/beacon.db"), redis_prefix("postgresql://u:secret@db/beacon")
    assert one != two
    assert redis_prefix("postgresql://u:other@db/beacon") == two  # a new password keeps the cache
    assert redis_prefix("sqlite:///x.db", "force-a") == "force-a:"
    a = ResultCache(tmp_path / "a", redis_url=redis_url, redis_key_prefix=one + uuid.uuid4().hex + ":")
    b = ResultCache(tmp_path / "b", redis_url=redis_url, redis_key_prefix=two + uuid.uuid4().hex + ":")
    a.put("force A", "worklist", "7", "team:1")
    b.put("force B", "worklist", "7", "team:1")
    assert a.peek("worklist", "7", "team:1") == "force A"
    assert b.peek("worklist", "7", "team:1") == "force B"
    for c in (a, b):
        c.clear()
        c.close()


def _process_reader(directory, url, prefix, counter, go):
    cache = ResultCache(directory, redis_url=url, redis_key_prefix=prefix)
    assert cache.backend == "redis"
    go.wait()

    def compute():
        with counter.get_lock():
            counter.value += 1
        time.sleep(0.5)  # hold the lock while the others miss
        return "v"

    assert cache.get_or_compute("n", "1", "s", compute) == "v"
    cache.close()


def test_concurrent_misses_in_several_processes_compute_once_through_redis(tmp_path, redis_url, prefix):
    ctx = multiprocessing.get_context("spawn")
    counter, go = ctx.Value("i", 0), ctx.Barrier(3)
    # Each process its own folder: only Redis is shared between them, as between hosts.
    procs = [ctx.Process(target=_process_reader, args=(str(tmp_path / f"c{i}"), redis_url, prefix, counter, go))
             for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert counter.value == 1
    ResultCache(tmp_path / "x", redis_url=redis_url, redis_key_prefix=prefix).clear()


def test_unset_redis_means_diskcache(tmp_path):
    cache = ResultCache(tmp_path / "c")
    assert cache.backend == "diskcache"
    assert cache.get_or_compute("n", "1", "s", lambda: "v") == "v"
    cache.close()


def test_unreachable_redis_at_start_falls_back_to_diskcache_with_a_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="data_access.cache"):
        cache = ResultCache(tmp_path / "c", redis_url="redis://:hunter2@127.0.0.1:1/0")
    assert cache.backend == "diskcache"
    assert "unreachable" in caplog.text and "hunter2" not in caplog.text
    assert cache.get_or_compute("n", "1", "s", lambda: "v") == "v"
    assert cache.peek("n", "1", "s") == "v"
    cache.close()


def test_redis_failing_at_run_time_computes_without_the_cache(cache, caplog):
    # Redis goes away after start-up: every call reaches a dead address.
    cache._cache._client = redis.Redis.from_url(DEAD_REDIS, socket_connect_timeout=1)
    calls = []
    with caplog.at_level(logging.WARNING, logger="data_access.cache"):
        for _ in range(2):
            assert cache.get_or_compute("n", "1", "s", lambda: calls.append(1) or "v") == "v"
        cache.put("x", "m", "1", "s")
        assert cache.peek("m", "1", "s") is None
        cache.clear()
    assert len(calls) == 2
    assert "computing without the cache" in caplog.text


def test_a_value_that_cannot_be_unpickled_is_a_miss(cache, redis_url, prefix):
    raw = redis.Redis.from_url(redis_url)
    raw.set(prefix + cache.make_key("n", "1", "s"), b"not a pickle", px=30_000)
    raw.close()
    assert cache.get_or_compute("n", "1", "s", lambda: "fresh") == "fresh"


def test_the_store_uses_redis_when_configured(tmp_path, redis_url, prefix):
    from config import Config
    from data_access.store import open_store_from

    cfg = Config(database_url=f"sqlite:///{tmp_path / 'b.db'}", secret_key="k", data_dir=tmp_path,
                 redis_url=redis_url, redis_prefix=prefix)
    store = open_store_from(cfg)
    assert store.cache.backend == "redis"
    assert store.cache._cache.prefix == prefix
    store.cache.close()
    store.engine.dispose()
    cfg = Config(database_url=f"sqlite:///{tmp_path / 'b.db'}", secret_key="k", data_dir=tmp_path)
    store = open_store_from(cfg)
    assert store.cache.backend == "diskcache"
    store.cache.close()
    store.engine.dispose()

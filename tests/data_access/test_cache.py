"""The result cache computes a value once when many callers miss the same key together."""

import multiprocessing
import threading
import time

from data_access.cache import ResultCache


def _slow(calls, value="v", seconds=0.3):
    def compute():
        calls.append(1)
        time.sleep(seconds)
        return value
    return compute


def test_concurrent_misses_of_one_key_compute_once(tmp_path):
    cache = ResultCache(tmp_path / "c")
    calls, results = [], []
    start = threading.Barrier(8)

    def reader():
        start.wait()
        results.append(cache.get_or_compute("n", "1", "s", _slow(calls)))

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert results == ["v"] * 8
    cache.close()


def test_different_keys_do_not_wait_for_each_other(tmp_path):
    cache = ResultCache(tmp_path / "c")
    calls = []
    threads = [threading.Thread(target=cache.get_or_compute, args=("n", str(v), "s", _slow(calls)))
               for v in range(4)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 4
    assert time.perf_counter() - t0 < 0.3 * 4 * 0.75  # overlapped, not one after another
    cache.close()


def test_a_failed_compute_releases_the_key_for_the_next_caller(tmp_path):
    cache = ResultCache(tmp_path / "c")

    def boom():
        raise RuntimeError("database gone")

    try:
        cache.get_or_compute("n", "1", "s", boom)
    except RuntimeError:
        pass
    assert cache.get_or_compute("n", "1", "s", lambda: "ok") == "ok"
    cache.close()


def test_a_holder_that_never_finishes_blocks_others_only_for_the_lock_time(tmp_path):
    cache = ResultCache(tmp_path / "c", lock_seconds=0.5)
    key = cache.make_key("n", "1", "s")
    # A crashed holder: its lock key stays, nobody will ever release it.
    cache._cache.add("lock:" + key, "dead:holder", expire=0.5)
    t0 = time.perf_counter()
    assert cache.get_or_compute("n", "1", "s", lambda: "mine") == "mine"
    assert time.perf_counter() - t0 < 3
    cache.close()


def _process_reader(directory, counter, go):
    cache = ResultCache(directory)
    go.wait()

    def compute():
        with counter.get_lock():
            counter.value += 1
        time.sleep(0.5)
        return "v"

    assert cache.get_or_compute("n", "1", "s", compute) == "v"
    cache.close()


def test_concurrent_misses_in_several_processes_compute_once(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    counter, go = ctx.Value("i", 0), ctx.Event()
    ResultCache(tmp_path / "c").close()  # the folder and index exist before the readers open them
    procs = [ctx.Process(target=_process_reader, args=(str(tmp_path / "c"), counter, go)) for _ in range(3)]
    for p in procs:
        p.start()
    time.sleep(1.5)  # every process imported and opened the cache
    go.set()
    for p in procs:
        p.join(30)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert counter.value == 1

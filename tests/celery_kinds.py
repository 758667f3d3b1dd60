"""Job kinds for the Celery tests only: one that waits until the test releases it, one that fails."""

import redis

from data_access import jobs


@jobs.job_kind("test-wait")
def wait_for_release(store, actor, progress, redis_url: str, key: str) -> dict:
    """Say it is waiting, then wait for a value pushed to key (the test's signal)."""
    progress(50, "waiting for release")
    pushed = redis.Redis.from_url(redis_url).blpop([key], timeout=170)
    if pushed is None:
        raise RuntimeError("never released")
    return {"released": pushed[1].decode(), "by": actor.username}


@jobs.job_kind("test-fail")
def fail(store, actor, progress, reason: str) -> dict:
    """Fail with reason, as a job meeting a full disk would."""
    raise RuntimeError(reason)

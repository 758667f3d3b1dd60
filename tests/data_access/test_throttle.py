"""The sign-in throttle: per account and per address, back-off not lock-out, atomic on both databases."""

import threading

from data_access.throttle import (ACCOUNT_FREE_FAILURES, ADDRESS_FREE_FAILURES, FIRST_WAIT_SECONDS,
                                  MAX_WAIT_SECONDS, forgive, reserve_attempt, wait_after)

T0 = 1_800_000_000.0


def test_waits_double_and_are_capped():
    assert wait_after(ACCOUNT_FREE_FAILURES - 1, ACCOUNT_FREE_FAILURES) == 0
    assert wait_after(ACCOUNT_FREE_FAILURES, ACCOUNT_FREE_FAILURES) == FIRST_WAIT_SECONDS
    assert wait_after(ACCOUNT_FREE_FAILURES + 1, ACCOUNT_FREE_FAILURES) == 2 * FIRST_WAIT_SECONDS
    assert wait_after(ACCOUNT_FREE_FAILURES + 60, ACCOUNT_FREE_FAILURES) == MAX_WAIT_SECONDS


def test_an_account_waits_after_its_free_failures_then_may_try_again(store):
    for i in range(ACCOUNT_FREE_FAILURES):
        assert reserve_attempt(store, "sergeant", "10.0.0.1", now=T0 + i) == 0
    assert reserve_attempt(store, "sergeant", "10.0.0.2", now=T0 + 10) > 0  # another address changes nothing
    # Back-off, not lock-out: once the wait has passed the account may try again.
    assert reserve_attempt(store, "sergeant", "10.0.0.1", now=T0 + 10 + FIRST_WAIT_SECONDS) == 0
    forgive(store, "sergeant", "10.0.0.1")
    assert reserve_attempt(store, "sergeant", "10.0.0.1", now=T0 + 11 + FIRST_WAIT_SECONDS) == 0


def test_one_password_sprayed_across_accounts_is_slowed_by_address(store):
    for i in range(ADDRESS_FREE_FAILURES):
        assert reserve_attempt(store, f"user{i}", "203.0.113.9", now=T0 + i) == 0
    assert reserve_attempt(store, "someone-else", "203.0.113.9", now=T0 + ADDRESS_FREE_FAILURES) > 0
    # The accounts sprayed are not themselves held up for their owners elsewhere.
    assert reserve_attempt(store, "user1", "10.1.1.1", now=T0 + 100) == 0


def test_failures_older_than_the_window_are_forgotten(store):
    for i in range(ACCOUNT_FREE_FAILURES - 1):
        reserve_attempt(store, "officer", "10.0.0.1", now=T0 + i)
    assert reserve_attempt(store, "officer", "10.0.0.1", now=T0 + 3600) == 0
    assert reserve_attempt(store, "officer", "10.0.0.1", now=T0 + 3601) == 0


def test_concurrent_attempts_cannot_pass_the_limit(store):
    allowed = []
    lock = threading.Lock()
    start = threading.Barrier(12)

    def attempt():
        start.wait()
        ok = reserve_attempt(store, "inspector", "10.9.9.9", now=T0) == 0
        with lock:
            allowed.append(ok)

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == ACCOUNT_FREE_FAILURES

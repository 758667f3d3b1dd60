"""The sign-in throttle: per account, per address and per pair, back-off not lock-out, atomic on both databases."""

import threading

from sqlalchemy import func, select

from data_access.schema import login_throttle
from data_access.throttle import (ACCOUNT_FREE_FAILURES, ADDRESS_FREE_FAILURES, FAILURE_WINDOW_SECONDS,
                                  FIRST_WAIT_SECONDS, MAX_WAIT_SECONDS, PAIR_FREE_FAILURES, failed, forgive,
                                  prune, reserve_attempt, wait_after)

T0 = 1_800_000_000.0


def _fail(store, username, address, now):
    """One wrong password: reserved, then settled as a failure; returns what the reservation said."""
    wait = reserve_attempt(store, username, address, now=now)
    if not wait:
        failed(store, username, address, now=now)
    return wait


def test_waits_double_and_are_capped():
    assert wait_after(PAIR_FREE_FAILURES - 1, PAIR_FREE_FAILURES) == 0
    assert wait_after(PAIR_FREE_FAILURES, PAIR_FREE_FAILURES) == FIRST_WAIT_SECONDS
    assert wait_after(PAIR_FREE_FAILURES + 1, PAIR_FREE_FAILURES) == 2 * FIRST_WAIT_SECONDS
    assert wait_after(PAIR_FREE_FAILURES + 60, PAIR_FREE_FAILURES) == MAX_WAIT_SECONDS


def test_guesses_from_one_address_wait_but_the_owner_elsewhere_signs_in(store):
    for i in range(PAIR_FREE_FAILURES):
        assert _fail(store, "sergeant", "10.0.0.66", T0 + i) == 0
    assert reserve_attempt(store, "sergeant", "10.0.0.66", now=T0 + 10) > 0
    # Five guesses from one address do not lock the owner out from their own tablet.
    assert reserve_attempt(store, "sergeant", "10.0.0.1", now=T0 + 10) == 0
    forgive(store, "sergeant", "10.0.0.1")
    # Back-off, not lock-out: once the wait has passed the guessing address may try again.
    assert reserve_attempt(store, "sergeant", "10.0.0.66", now=T0 + 10 + FIRST_WAIT_SECONDS) == 0


def test_guesses_spread_over_many_addresses_slow_the_account(store):
    for i in range(ACCOUNT_FREE_FAILURES):
        assert _fail(store, "inspector", f"198.51.100.{i}", T0 + i) == 0
    assert reserve_attempt(store, "inspector", "198.51.100.250", now=T0 + ACCOUNT_FREE_FAILURES) > 0


def test_one_password_sprayed_across_accounts_is_slowed_by_address(store):
    for i in range(ADDRESS_FREE_FAILURES):
        assert _fail(store, f"user{i}", "203.0.113.9", T0 + i) == 0
    assert reserve_attempt(store, "someone-else", "203.0.113.9", now=T0 + ADDRESS_FREE_FAILURES) > 0
    # The accounts sprayed are not themselves held up for their owners elsewhere.
    assert reserve_attempt(store, "user1", "10.1.1.1", now=T0 + ADDRESS_FREE_FAILURES) == 0


def test_successful_sign_ins_leave_no_count_and_old_failures_are_forgotten(store):
    # A busy station: many good sign-ins from one address, with a typo now and then.
    now = T0
    for i in range(300):
        now += 60
        assert reserve_attempt(store, f"officer{i % 40}", "10.20.30.40", now=now) == 0, i
        if i % 25 == 0:
            failed(store, f"officer{i % 40}", "10.20.30.40", now=now)
        else:
            forgive(store, f"officer{i % 40}", "10.20.30.40")
    with store.engine.connect() as conn:
        address = conn.execute(select(login_throttle.c.failures).where(
            login_throttle.c.key == "address:10.20.30.40")).scalar_one()
    assert address <= 1


def test_failures_older_than_the_window_are_forgotten_and_pruned(store):
    for i in range(PAIR_FREE_FAILURES - 1):
        _fail(store, "officer", "10.0.0.1", T0 + i)
    later = T0 + FAILURE_WINDOW_SECONDS + 60
    assert _fail(store, "officer", "10.0.0.1", later) == 0
    assert _fail(store, "officer", "10.0.0.1", later + 1) == 0
    assert prune(store, now=later + 2 * FAILURE_WINDOW_SECONDS) >= 3
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(login_throttle)).scalar_one() == 0


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
    assert sum(allowed) == PAIR_FREE_FAILURES


def test_attempts_under_the_allowance_never_block_one_that_read_the_clock_a_moment_earlier(store):
    # Two people at one station: the second read the time first but took the rows' lock second.
    assert reserve_attempt(store, "officer", "10.0.0.7", now=T0 + 0.002) == 0
    assert reserve_attempt(store, "officer2", "10.0.0.7", now=T0 + 0.001) == 0
    forgive(store, "officer", "10.0.0.7", now=T0 + 0.3)
    assert reserve_attempt(store, "sergeant", "10.0.0.7", now=T0 + 0.2) == 0

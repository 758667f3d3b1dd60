"""Password hashes: the configured Argon2id cost, and stored hashes moved to it at their next sign-in."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from config import password_hash_cost
from data_access.accounts import authenticate, hash_password
from data_access.schema import user_account


def _stored(store, username: str) -> str:
    with store.engine.connect() as conn:
        return conn.execute(select(user_account.c.password_hash).where(user_account.c.username == username)).scalar()


def test_new_hashes_use_owasps_argon2id_minimum_by_default(monkeypatch):
    for name in ("BEACON_ARGON2_TIME_COST", "BEACON_ARGON2_MEMORY_KIB", "BEACON_ARGON2_PARALLELISM"):
        monkeypatch.delenv(name, raising=False)
    assert password_hash_cost() == {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
    assert hash_password("x").startswith("$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.parametrize("name, value", [("BEACON_ARGON2_TIME_COST", "0"), ("BEACON_ARGON2_PARALLELISM", "0"),
                                         ("BEACON_ARGON2_MEMORY_KIB", "4")])
def test_a_cost_argon2_cannot_use_is_refused_with_its_setting_named(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match="BEACON_ARGON2_"):
        password_hash_cost()


def test_a_hash_of_another_cost_still_signs_in_and_is_rehashed_at_the_configured_cost(sqlite_store):
    older = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash("a long passphrase")
    with sqlite_store.engine.begin() as conn:
        conn.execute(user_account.update().where(user_account.c.username == "officer").values(password_hash=older))
    assert authenticate(sqlite_store, "officer", "a long passphrase").username == "officer"
    moved = _stored(sqlite_store, "officer")
    assert moved != older and moved.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert authenticate(sqlite_store, "officer", "a long passphrase") is not None
    assert authenticate(sqlite_store, "officer", "wrong") is None
    assert _stored(sqlite_store, "officer") == moved  # a failed attempt changes nothing

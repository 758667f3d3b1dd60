"""diskcache-backed memoisation keyed by data version and scope."""

import hashlib
import os
import time
import uuid
from pathlib import Path

import diskcache

from data_access.files import private_dir, private_file


class ResultCache:
    """Memoise expensive reads; keys always include the data version and the scope key."""

    def __init__(self, directory: Path | str, ttl_seconds: int = 3600, lock_seconds: float = 120.0,
                 poll_seconds: float = 0.01):
        self.directory = Path(directory)
        # Cached reads hold crime references and names: the folder and its index are private.
        private_dir(self.directory)
        self._cache = diskcache.Cache(str(self.directory), size_limit=512 * 1024 * 1024)
        for index in self.directory.glob("cache.db*"):
            private_file(index)
        self.ttl = ttl_seconds
        # A holder that crashed leaves its lock to expire after lock_seconds; nobody waits longer than that.
        self.lock_seconds = lock_seconds
        self.poll_seconds = poll_seconds

    @staticmethod
    def make_key(name: str, version: str, scope_key: str, *extra) -> str:
        raw = "|".join([name, version, scope_key, *map(str, extra)])
        return hashlib.sha256(raw.encode()).hexdigest()

    def get_or_compute(self, name: str, version: str, scope_key: str, compute, *extra, expire: float | None = None):
        """Return the cached value for this (name, version, scope, extra), computed once even when many miss at once."""
        key = self.make_key(name, version, scope_key, *extra)
        value = self._cache.get(key, default=None)
        if value is not None:
            return value
        lock_key = "lock:" + key
        token = f"{os.getpid()}:{uuid.uuid4().hex}"
        deadline = time.monotonic() + self.lock_seconds
        # Whoever adds the lock key computes; the others poll for the value it stores (any process).
        while not self._cache.add(lock_key, token, expire=self.lock_seconds, retry=True):
            time.sleep(self.poll_seconds)
            value = self._cache.get(key, default=None)
            if value is not None:
                return value
            if time.monotonic() > deadline:
                # The holder is stuck or slow beyond its lock's life: compute rather than wait on.
                value = compute()
                self._cache.set(key, value, expire=expire or self.ttl)
                return value
        try:
            # The holder before us may have stored the value between our miss and our lock.
            value = self._cache.get(key, default=None)
            if value is None:
                value = compute()
                self._cache.set(key, value, expire=expire or self.ttl)
            return value
        finally:
            self._release(lock_key, token)

    def _release(self, lock_key: str, token: str) -> None:
        # Only our own lock: after an expiry another caller may hold the key now.
        with self._cache.transact(retry=True):
            if self._cache.get(lock_key, default=None) == token:
                self._cache.delete(lock_key, retry=True)

    def peek(self, name: str, version: str, scope_key: str, *extra):
        """The cached value for this key, or None; never computes."""
        return self._cache.get(self.make_key(name, version, scope_key, *extra), default=None)

    def put(self, value, name: str, version: str, scope_key: str, *extra, expire: float | None = None) -> None:
        self._cache.set(self.make_key(name, version, scope_key, *extra), value, expire=expire or self.ttl)

    def clear(self) -> None:
        self._cache.clear()

    def close(self) -> None:
        self._cache.close()

"""diskcache-backed memoisation keyed by data version and scope."""

import hashlib
from pathlib import Path

import diskcache

from data_access.files import private_dir, private_file


class ResultCache:
    """Memoise expensive reads; keys always include the data version and the scope key."""

    def __init__(self, directory: Path | str, ttl_seconds: int = 3600):
        self.directory = Path(directory)
        # Cached reads hold crime references and names: the folder and its index are private.
        private_dir(self.directory)
        self._cache = diskcache.Cache(str(self.directory), size_limit=512 * 1024 * 1024)
        for index in self.directory.glob("cache.db*"):
            private_file(index)
        self.ttl = ttl_seconds

    @staticmethod
    def make_key(name: str, version: str, scope_key: str, *extra) -> str:
        raw = "|".join([name, version, scope_key, *map(str, extra)])
        return hashlib.sha256(raw.encode()).hexdigest()

    def get_or_compute(self, name: str, version: str, scope_key: str, compute, *extra, expire: float | None = None):
        """Return the cached value for this (name, version, scope, extra), computing it once (kept expire s)."""
        key = self.make_key(name, version, scope_key, *extra)
        value = self._cache.get(key, default=None)
        if value is None:
            value = compute()
            self._cache.set(key, value, expire=expire or self.ttl)
        return value

    def peek(self, name: str, version: str, scope_key: str, *extra):
        """The cached value for this key, or None; never computes."""
        return self._cache.get(self.make_key(name, version, scope_key, *extra), default=None)

    def put(self, value, name: str, version: str, scope_key: str, *extra, expire: float | None = None) -> None:
        self._cache.set(self.make_key(name, version, scope_key, *extra), value, expire=expire or self.ttl)

    def clear(self) -> None:
        self._cache.clear()

    def close(self) -> None:
        self._cache.close()

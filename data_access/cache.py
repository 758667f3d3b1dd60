"""Memoisation keyed by data version and scope: Redis when configured, else diskcache in the data folder."""

import hashlib
import logging
import os
import pickle
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path

import diskcache

from data_access.files import private_dir, private_file

log = logging.getLogger(__name__)


class _DiskBackend:
    """The cache folder on this machine: shared by this host's processes only."""

    kind = "diskcache"

    def __init__(self, directory: Path):
        self._cache = diskcache.Cache(str(directory), size_limit=512 * 1024 * 1024)
        for index in directory.glob("cache.db*"):
            private_file(index)

    def get(self, key: str):
        return self._cache.get(key, default=None)

    def set(self, key: str, value, expire: float) -> None:
        self._cache.set(key, value, expire=expire)

    def add(self, key: str, value, expire: float) -> bool:
        return self._cache.add(key, value, expire=expire, retry=True)

    def seconds_left(self, key: str) -> float | None:
        _value, expires_at = self._cache.get(key, default=None, expire_time=True)
        return None if expires_at is None else expires_at - time.time()

    def release(self, key: str, token: str) -> None:
        # Only our own lock: after an expiry another caller may hold the key now.
        with self._cache.transact(retry=True):
            if self._cache.get(key, default=None) == token:
                self._cache.delete(key, retry=True)

    def clear(self) -> None:
        self._cache.clear()

    def close(self) -> None:
        self._cache.close()


# Deletes the lock only while it still holds our token, in one step on the server.
_RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class _RedisBackend:
    """A Redis server shared by every process and host; every key starts with this deployment's prefix.

    A Redis error never breaks a page: a read misses, a write is dropped and a lock is taken as granted,
    so the caller computes without the cache, and the error is logged (at most once a minute).
    """

    kind = "redis"

    def __init__(self, url: str, prefix: str):
        import redis

        self._errors = (redis.RedisError, OSError)
        self._client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.prefix = prefix
        self._release_script = self._client.register_script(_RELEASE_SCRIPT)
        self._last_warning = 0.0
        self._warn_lock = threading.Lock()

    def ping(self) -> None:
        self._client.ping()

    def _failed(self, what: str, exc: Exception) -> None:
        with self._warn_lock:
            now = time.monotonic()
            if now - self._last_warning < 60:
                return
            self._last_warning = now
        log.warning("Redis cache %s failed (%s): computing without the cache", what, exc)

    def get(self, key: str):
        try:
            raw = self._client.get(self.prefix + key)
        except self._errors as exc:
            self._failed("read", exc)
            return None
        if raw is None:
            return None
        # Only Beacon writes under its prefix, so the bytes are its own pickles; one written by another
        # release (during a rolling upgrade) may name a class that moved, and then counts as a miss.
        try:
            return pickle.loads(raw)
        except Exception as exc:  # noqa: BLE001 - whatever unpickling raised, recomputing is the answer
            self._failed("unpickle", exc)
            return None

    def set(self, key: str, value, expire: float) -> None:
        try:
            self._client.set(self.prefix + key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
                             px=max(1, int(expire * 1000)))
        except self._errors as exc:
            self._failed("write", exc)

    def add(self, key: str, value, expire: float) -> bool:
        try:
            return bool(self._client.set(self.prefix + key, value, nx=True, px=max(1, int(expire * 1000))))
        except self._errors as exc:
            self._failed("lock", exc)
            return True

    def seconds_left(self, key: str) -> float | None:
        try:
            ms = self._client.pttl(self.prefix + key)
        except self._errors as exc:
            self._failed("read", exc)
            return None
        return None if ms < 0 else ms / 1000

    def release(self, key: str, token: str) -> None:
        try:
            self._release_script(keys=[self.prefix + key], args=[token], client=self._client)
        except self._errors as exc:
            self._failed("unlock", exc)

    def clear(self) -> None:
        """Delete this deployment's keys only: other deployments may share the server."""
        try:
            batch = []
            for key in self._client.scan_iter(match=_glob_escape(self.prefix) + "*", count=500):
                batch.append(key)
                if len(batch) >= 500:
                    self._client.unlink(*batch)
                    batch = []
            if batch:
                self._client.unlink(*batch)
        except self._errors as exc:
            self._failed("clear", exc)

    def close(self) -> None:
        self._client.close()


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


def redis_prefix(database_url: str, prefix: str | None = None) -> str:
    """The key prefix of one deployment: the configured one, else a hash of its database's address."""
    if prefix:
        return prefix if prefix.endswith(":") else prefix + ":"
    from sqlalchemy import make_url

    # Without the password, so changing it keeps the cache; two databases never share a prefix.
    where = make_url(database_url).render_as_string(hide_password=True)
    return "beacon:" + hashlib.sha256(where.encode()).hexdigest()[:16] + ":"


class _LocalMemo:
    """The last few large values this process used, by their full cache key (so a new version misses)."""

    def __init__(self, size: int):
        self._size = size
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: str, value) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)


class ResultCache:
    """Memoise expensive reads; keys always include the data version and the scope key."""

    def __init__(self, directory: Path | str, ttl_seconds: int = 3600, lock_seconds: float = 120.0,
                 poll_seconds: float = 0.01, redis_url: str | None = None, redis_key_prefix: str = "beacon:"):
        # The folder also holds background-job progress (data_access/jobs.py), whichever backend caches.
        self.directory = Path(directory)
        # Cached reads hold crime references and names: the folder and its index are private.
        private_dir(self.directory)
        self._cache = None
        if redis_url:
            backend = _RedisBackend(redis_url, redis_key_prefix)
            try:
                backend.ping()
                self._cache = backend
            except Exception as exc:  # noqa: BLE001 - any failure to reach Redis means the same fallback
                backend.close()
                # Every key carries the data version, so a per-host cache is slower, never stale.
                log.warning("Redis at %s is unreachable (%s): caching in %s on this host instead",
                            _safe_url(redis_url), exc, self.directory)
        if self._cache is None:
            self._cache = _DiskBackend(self.directory)
        self.ttl = ttl_seconds
        # A holder that crashed leaves its lock to expire after lock_seconds; nobody waits longer than that.
        self.lock_seconds = lock_seconds
        self.poll_seconds = poll_seconds
        # Paging a large grid reads the same frame block after block: unpickling it each time would cost
        # more than the block. Keyed like the shared cache, so it never outlives the data it came from.
        self._local = _LocalMemo(size=8)
        # Orders of a frame's rows under one sort and filter: many per frame, so kept apart from the frames.
        self._derived = _LocalMemo(size=32)

    @property
    def backend(self) -> str:
        """'redis' or 'diskcache': where values are kept."""
        return self._cache.kind

    def shared_store(self):
        """The Redis backend (get, set with expire) when values are kept there, for other shared state; else None."""
        return self._cache if self._cache.kind == "redis" else None

    @staticmethod
    def make_key(name: str, version: str, scope_key: str, *extra) -> str:
        raw = "|".join([name, version, scope_key, *map(str, extra)])
        return hashlib.sha256(raw.encode()).hexdigest()

    def get_or_compute(self, name: str, version: str, scope_key: str, compute, *extra, expire: float | None = None):
        """Return the cached value for this (name, version, scope, extra), computed once even when many miss at once."""
        key = self.make_key(name, version, scope_key, *extra)
        value = self._cache.get(key)
        if value is not None:
            return value
        lock_key = "lock:" + key
        token = f"{os.getpid()}:{uuid.uuid4().hex}"
        deadline = time.monotonic() + self.lock_seconds
        # Whoever adds the lock key computes; the others poll for the value it stores (any process).
        while not self._cache.add(lock_key, token, expire=self.lock_seconds):
            time.sleep(self.poll_seconds)
            value = self._cache.get(key)
            if value is not None:
                return value
            if time.monotonic() > deadline:
                # The holder is stuck or slow beyond its lock's life: compute rather than wait on.
                value = compute()
                self._cache.set(key, value, expire=expire or self.ttl)
                return value
        try:
            # The holder before us may have stored the value between our miss and our lock.
            value = self._cache.get(key)
            if value is None:
                value = compute()
                self._cache.set(key, value, expire=expire or self.ttl)
            return value
        finally:
            self._cache.release(lock_key, token)

    def get_or_compute_local(self, name: str, version: str, scope_key: str, compute, *extra):
        """get_or_compute with this process's memo in front: for large values read many times in a row."""
        key = self.make_key(name, version, scope_key, *extra)
        value = self._local.get(key)
        if value is None:
            value = self.get_or_compute(name, version, scope_key, compute, *extra)
            self._local.put(key, value)
        return value

    def memo(self, key: str, compute):
        """A value derived from cached ones, kept only in this process's memo under a caller-made key."""
        value = self._derived.get(key)
        if value is None:
            value = compute()
            self._derived.put(key, value)
        return value

    def peek(self, name: str, version: str, scope_key: str, *extra):
        """The cached value for this key, or None; never computes."""
        return self._cache.get(self.make_key(name, version, scope_key, *extra))

    def seconds_left(self, name: str, version: str, scope_key: str, *extra) -> float | None:
        """How long this entry has before it expires (None when absent or without expiry)."""
        return self._cache.seconds_left(self.make_key(name, version, scope_key, *extra))

    def put(self, value, name: str, version: str, scope_key: str, *extra, expire: float | None = None) -> None:
        self._cache.set(self.make_key(name, version, scope_key, *extra), value, expire=expire or self.ttl)

    def clear(self) -> None:
        self._cache.clear()
        self._local = _LocalMemo(size=8)
        self._derived = _LocalMemo(size=32)

    def close(self) -> None:
        self._cache.close()


def _safe_url(url: str) -> str:
    """The Redis address without its password, for logs."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{':' + str(parts.port) if parts.port else ''}{parts.path}"

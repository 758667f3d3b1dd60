"""Runtime configuration read from the environment."""

import os
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from data_access.files import private_dir

ROOT = Path(__file__).resolve().parent
DEMO_EXTRACT = "demo-extract"  # folder in the data folder where the demo force's extract is kept


def _default_data_dir() -> Path:
    return Path(os.environ.get("BEACON_DATA_DIR", ROOT / "instance"))


def _secret_key(data_dir: Path) -> str:
    """Return SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = data_dir / "secret_key"
    if not path.exists():
        private_dir(data_dir, own=False)
        # The key signs every session cookie. Written whole to a temporary file (0600, mkstemp), then linked
        # into place in one step: of workers starting together one link wins, and the others read its key,
        # never a half-written or empty file.
        fd, tmp = tempfile.mkstemp(prefix=".secret_key-", dir=data_dir)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it and start again to generate a new key")
    return key


@dataclass
class Config:
    """Settings for one app instance; every field has an environment variable."""

    database_url: str = ""
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8050
    data_dir: Path = field(default_factory=_default_data_dir)
    cache_dir: Path | None = None
    # PostgreSQL connections each process keeps (pool) and may add when busy, and the longest a statement
    # from a page may run, in ms (0: no limit); loads, generation and runs lift the limit (db.long_statements).
    db_pool_size: int = 5
    db_max_overflow: int = 10
    db_statement_timeout_ms: int = 30_000
    # The bearer token a Prometheus scraper sends for /metrics; None: only an administrator's session reads it.
    metrics_token: str | None = None
    # A Redis server for the result cache, shared by every process and host; None: diskcache in cache_dir.
    redis_url: str | None = None
    # Keys' prefix on that server; None: one made from the database address, so deployments never collide.
    redis_prefix: str | None = None
    session_minutes: int = 720
    idle_minutes: int = 60
    housekeeping_minutes: int = 10
    threads: int = 8
    secure_cookies: bool = False
    max_upload_mb: int = 300
    # Every request but an administrator's upload: callbacks and forms are small.
    max_request_kb: int = 512
    # How many reverse proxies in front of Beacon to believe about the client's address (X-Forwarded-For).
    trusted_proxies: int = 0
    demo_preset: str = "demo"
    generate_on_empty: bool = True
    testing: bool = False
    rules_file: str | None = None
    # Where the force's extract is dropped (a folder, or a postgresql:// URL of its staging tables), and the
    # mapping its records system needs; the Force records tab loads from here.
    source: str | None = None
    source_mapping: str = str(ROOT / "mappings" / "beacon-extract.yaml")
    # A fixed 'today' for training, demonstrations and tests; None follows the calendar.
    today: date | None = None
    # The SMTP relay the daily digest goes through; no host means no digest (data_access/digest.py).
    smtp_host: str = ""
    smtp_port: int = 0  # 0: the usual port of the TLS mode (25, 587 or 465)
    smtp_tls: str = "starttls"  # none | starttls | ssl
    smtp_sender: str = ""
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_attempts: int = 3
    # Beacon's address as its users reach it, for the link in the digest; empty: http://HOST:PORT/.
    public_url: str = ""
    # Force-local hour from which the housekeeping thread sends the day's digests; None: only the command does.
    digest_hour: int | None = None
    # A Redis URL: jobs started on screen then run on Celery workers (worker.py), and beat runs the schedule.
    celery_broker_url: str | None = None
    # When beat runs each scheduled job, as cron fields in the force's time zone; empty: not scheduled.
    full_load_cron: str = "30 2 * * *"
    hourly_load_cron: str = "10 6-23 * * *"
    # The folder or staging URL the hourly incremental extract is written to; None: BEACON_SOURCE.
    hourly_source: str | None = None
    pack_cron: str = "0 7 * * 1-5"
    fsu_cron: str = "0 3 * * *"
    # The accounts the scheduled monthly pack and frequent-service-user refresh run as; None: not scheduled.
    pack_as: str | None = None
    fsu_as: str | None = None

    def __post_init__(self):
        self.data_dir = Path(self.data_dir)
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'beacon.db'}"
        if self.cache_dir is None:
            self.cache_dir = self.data_dir / "cache"
        self.cache_dir = Path(self.cache_dir)
        if not self.secret_key:
            self.secret_key = _secret_key(self.data_dir)
        if self.db_pool_size < 1 or self.db_max_overflow < 0 or self.db_statement_timeout_ms < 0:
            raise ValueError("BEACON_DB_POOL_SIZE must be at least 1, BEACON_DB_MAX_OVERFLOW and "
                             "BEACON_DB_STATEMENT_TIMEOUT_MS at least 0")
        if self.metrics_token is not None and len(self.metrics_token) < 16:
            raise ValueError("BEACON_METRICS_TOKEN must be at least 16 characters (a random string)")
        if self.housekeeping_minutes < 1:
            raise ValueError("BEACON_HOUSEKEEPING_MINUTES must be at least 1")
        if self.smtp_tls not in ("none", "starttls", "ssl"):
            raise ValueError(f"BEACON_SMTP_TLS must be none, starttls or ssl, not {self.smtp_tls!r}")
        if self.smtp_attempts < 1:
            raise ValueError("BEACON_SMTP_ATTEMPTS must be at least 1")
        if self.digest_hour is not None and not 0 <= self.digest_hour <= 23:
            raise ValueError("BEACON_DIGEST_HOUR must be an hour from 0 to 23")
        if self.celery_broker_url and not self.redis_url:
            # The workers write a job's progress where every web process reads it.
            raise ValueError("BEACON_CELERY_BROKER_URL needs BEACON_REDIS_URL as well (it may name the same server)")


def from_env() -> Config:
    """Build a Config from environment variables (see README, Configuration)."""
    data_dir = _default_data_dir()
    return Config(
        database_url=os.environ.get("DATABASE_URL", ""),
        secret_key=os.environ.get("SECRET_KEY", ""),
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8050")),
        data_dir=data_dir,
        cache_dir=Path(os.environ["BEACON_CACHE_DIR"]) if os.environ.get("BEACON_CACHE_DIR") else None,
        db_pool_size=int(os.environ.get("BEACON_DB_POOL_SIZE", "5")),
        db_max_overflow=int(os.environ.get("BEACON_DB_MAX_OVERFLOW", "10")),
        db_statement_timeout_ms=int(os.environ.get("BEACON_DB_STATEMENT_TIMEOUT_MS", "30000")),
        metrics_token=os.environ.get("BEACON_METRICS_TOKEN", "").strip() or None,
        redis_url=os.environ.get("BEACON_REDIS_URL", "").strip() or None,
        redis_prefix=os.environ.get("BEACON_REDIS_PREFIX", "").strip() or None,
        session_minutes=int(os.environ.get("BEACON_SESSION_MINUTES", "720")),
        idle_minutes=int(os.environ.get("BEACON_IDLE_MINUTES", "60")),
        housekeeping_minutes=int(os.environ.get("BEACON_HOUSEKEEPING_MINUTES", "10")),
        threads=int(os.environ.get("BEACON_THREADS", "8")),
        secure_cookies=os.environ.get("BEACON_SECURE_COOKIES", "0") == "1",
        max_upload_mb=int(os.environ.get("BEACON_MAX_UPLOAD_MB", "300")),
        max_request_kb=int(os.environ.get("BEACON_MAX_REQUEST_KB", "512")),
        trusted_proxies=int(os.environ.get("BEACON_TRUSTED_PROXIES", "0")),
        demo_preset=os.environ.get("BEACON_DEMO_PRESET", "demo"),
        generate_on_empty=os.environ.get("BEACON_GENERATE_ON_EMPTY", "1") != "0",
        rules_file=os.environ.get("BEACON_RULES_FILE") or None,
        source=os.environ.get("BEACON_SOURCE", "").strip() or None,
        source_mapping=os.environ.get("BEACON_SOURCE_MAPPING") or str(ROOT / "mappings" / "beacon-extract.yaml"),
        today=_fixed_today(os.environ.get("BEACON_TODAY", "")),
        smtp_host=os.environ.get("BEACON_SMTP_HOST", "").strip(),
        smtp_port=int(os.environ.get("BEACON_SMTP_PORT", "0") or 0),
        smtp_tls=os.environ.get("BEACON_SMTP_TLS", "starttls").strip().lower() or "starttls",
        smtp_sender=os.environ.get("BEACON_SMTP_SENDER", "").strip(),
        smtp_user=os.environ.get("BEACON_SMTP_USER", ""),
        smtp_password=os.environ.get("BEACON_SMTP_PASSWORD", ""),
        smtp_attempts=int(os.environ.get("BEACON_SMTP_ATTEMPTS", "3")),
        public_url=os.environ.get("BEACON_PUBLIC_URL", "").strip(),
        digest_hour=int(os.environ["BEACON_DIGEST_HOUR"]) if os.environ.get("BEACON_DIGEST_HOUR", "").strip()
        else None,
        celery_broker_url=os.environ.get("BEACON_CELERY_BROKER_URL", "").strip() or None,
        full_load_cron=os.environ.get("BEACON_FULL_LOAD_CRON", "30 2 * * *").strip(),
        hourly_load_cron=os.environ.get("BEACON_HOURLY_LOAD_CRON", "10 6-23 * * *").strip(),
        hourly_source=os.environ.get("BEACON_HOURLY_SOURCE", "").strip() or None,
        pack_cron=os.environ.get("BEACON_PACK_CRON", "0 7 * * 1-5").strip(),
        fsu_cron=os.environ.get("BEACON_FSU_CRON", "0 3 * * *").strip(),
        pack_as=os.environ.get("BEACON_PACK_AS", "").strip() or None,
        fsu_as=os.environ.get("BEACON_FSU_AS", "").strip() or None,
    )


def password_hash_cost() -> dict:
    """Argon2id cost of new password hashes (BEACON_ARGON2_*): OWASP's recommended minimum by default."""
    # OWASP's Password Storage Cheat Sheet: Argon2id, 19 MiB, 2 iterations, 1 lane. argon2-cffi's own default
    # (64 MiB, 3 iterations, 4 lanes) costs ~150 ms of CPU a check, ~7 times as much: at a shift change's ten
    # sign-ins a second that alone fills two cores. Stored hashes move to the configured cost at their next sign-in.
    cost = {"time_cost": int(os.environ.get("BEACON_ARGON2_TIME_COST", "2")),
            "memory_cost": int(os.environ.get("BEACON_ARGON2_MEMORY_KIB", "19456")),
            "parallelism": int(os.environ.get("BEACON_ARGON2_PARALLELISM", "1"))}
    if cost["time_cost"] < 1 or cost["parallelism"] < 1 or cost["memory_cost"] < 8 * cost["parallelism"]:
        raise ValueError("BEACON_ARGON2_*: at least 1 iteration and 1 lane, and 8 KiB of memory a lane")
    return cost


def _fixed_today(value: str) -> date | None:
    """BEACON_TODAY as a date (YYYY-MM-DD), or None when unset."""
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"BEACON_TODAY must be a date like 2026-03-18, not {value!r}") from exc

"""The Store: one engine, one cache and the rule settings, shared by every data_access call."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Integer, String, cast, func, select
from sqlalchemy.engine import Engine

from config import DEMO_EXTRACT

from data_access.cache import ResultCache, redis_prefix as key_prefix
from data_access.clock import now_local
from data_access.db import PoolSettings, create_schema, make_engine, set_meta
from data_access.meta_memo import meta_values
from data_access.single_read import single_read
from data_access.schema import meta, officer_version, team_version
from data_access.startup_lock import startup_lock
from data_access.forces import FORCE_NAMES
from scoring.rules_file import read_rules_file
from scoring.settings import RuleSettings, load_settings
from scoring.settings_fsu import FsuSettings
from scoring.settings_productivity import ProductivitySettings
from scoring.settings_strategic import StrategicSettings


@dataclass
class Store:
    """Database engine, result cache and rule settings for one deployment."""

    engine: Engine
    cache: ResultCache
    settings: RuleSettings = field(default_factory=load_settings)
    # Fixed 'today' for tests and benchmarks; None means the real date.
    fixed_today: date | None = None
    # A capability's settings from the rules file's section; None keeps its defaults.
    productivity_settings: ProductivitySettings | None = None
    fsu_settings: FsuSettings | None = None
    strategic: StrategicSettings | None = None
    # The force's extract (folder or staging URL) and its mapping file, for loads started on screen.
    source: str | None = None
    source_mapping: str | None = None
    hourly_source: str | None = None  # the hourly incremental extract, when it is not source
    # The SMTP relay of the daily digest (data_access.mail.MailSettings); None: not configured.
    mail: object | None = None
    # Where jobs go when Celery workers run them (data_access.job_queue.JobQueue); None: the job thread.
    job_queue: object | None = None

    def today(self) -> date:
        return self.fixed_today or now_local().date()

    def data_version(self) -> str:
        """Current data version; every write bumps it so cached reads are never stale."""
        return meta_values(self.engine).get("data_version", "0")

    def data_as_of(self) -> str | None:
        """When the data last changed (ISO timestamp)."""
        return meta_values(self.engine).get("data_as_of")


def bump_version(conn) -> str:
    """Increment the data version inside the caller's transaction and stamp data_as_of."""
    # One atomic UPDATE, so two concurrent writers can never both write the same next version.
    bumped = conn.execute(meta.update().where(meta.c.key == "data_version").values(
        value=cast(cast(meta.c.value, Integer) + 1, String(200)))).rowcount
    if not bumped:
        set_meta(conn, "data_version", "1")
    set_meta(conn, "data_as_of", now_local().isoformat(timespec="seconds"))
    return conn.execute(select(meta.c.value).where(meta.c.key == "data_version")).scalar_one()


def _bump_counters(conn, table, key_col, keys) -> None:
    for key in sorted({int(k) for k in keys if k is not None}):
        bumped = conn.execute(table.update().where(key_col == key).values(version=table.c.version + 1)).rowcount
        if not bumped:
            conn.execute(table.insert().values({key_col.name: key, "version": 1}))


def bump_team_versions(conn, team_ids) -> None:
    """Mark these teams' tasks changed, inside the caller's transaction (see team_version)."""
    _bump_counters(conn, team_version, team_version.c.team_id, team_ids)


def bump_officer_versions(conn, officer_ids) -> None:
    """Mark these officers' tasks changed, inside the caller's transaction (see officer_version)."""
    _bump_counters(conn, officer_version, officer_version.c.officer_id, officer_ids)


def tasks_version(store, team_ids, whole_force: bool = False) -> str:
    """Changes whenever a task of one of these teams, the organisation or the whole data set changes."""
    query = select(func.coalesce(func.sum(team_version.c.version), 0))
    if not whole_force:
        query = query.where(team_version.c.team_id.in_(sorted(int(t) for t in team_ids)))
    with single_read(store.engine) as conn:
        total = conn.execute(query).scalar()
    m = meta_values(store.engine)
    return f"teams:{m.get('generated_at')}:{m.get('org_version')}:{total}"


def officer_tasks_version(store, officer_id: int) -> str:
    """Changes whenever a task this officer is in charge of, the organisation or the whole data set changes."""
    with single_read(store.engine) as conn:
        mine = conn.execute(select(officer_version.c.version)
                            .where(officer_version.c.officer_id == int(officer_id))).scalar()
    m = meta_values(store.engine)
    return f"officer:{m.get('generated_at')}:{m.get('org_version')}:{mine or 0}"


def bump_productivity_version(conn) -> None:
    """Mark productivity and availability inputs changed, inside the caller's transaction."""
    # One atomic UPDATE, as bump_version: two concurrent writers never write the same next version.
    bumped = conn.execute(meta.update().where(meta.c.key == "productivity_version").values(
        value=cast(cast(meta.c.value, Integer) + 1, String(200)))).rowcount
    if not bumped:
        set_meta(conn, "productivity_version", "1")


def productivity_version(store) -> str:
    """Changes with productivity or availability inputs, the organisation or the whole data set; never with a task."""
    m = meta_values(store.engine)
    return f"prod:{m.get('generated_at')}:{m.get('org_version')}:{m.get('productivity_version')}"


def open_store(database_url: str, cache_dir: Path | str, rules_file: str | None = None,
               fixed_today: date | None = None, redis_url: str | None = None,
               redis_prefix: str | None = None, pool: PoolSettings | None = None) -> Store:
    """Connect to the database, create missing tables, and open the cache (Redis when redis_url is given)."""
    rules = read_rules_file(rules_file)
    if rules.strategic is not None and rules.strategic.home_force and rules.strategic.home_force not in FORCE_NAMES:
        raise ValueError(f"strategic setting home_force: {rules.strategic.home_force!r} is not a force code "
                         f"(e.g. 'merseyside')")
    engine = make_engine(database_url, pool)
    # Several workers may start at once on a new database; two CREATE TABLEs of one table collide.
    with startup_lock(engine):
        create_schema(engine)
    cache = ResultCache(cache_dir, redis_url=redis_url, redis_key_prefix=key_prefix(database_url, redis_prefix))
    return Store(engine=engine, cache=cache, settings=rules.core, fixed_today=fixed_today,
                 productivity_settings=rules.productivity, fsu_settings=rules.fsu, strategic=rules.strategic)


def open_store_from(config) -> Store:
    """The store a configuration names (config.Config): database, cache folder, rules file and fixed today.

    Every entry point (the app, the generator, the importers, the frequent-service-user run, the
    benchmarks) opens its store here, so none of them can miss a setting the others honour.
    """
    store = open_store(config.database_url, config.cache_dir, config.rules_file, fixed_today=config.today,
                       redis_url=config.redis_url, redis_prefix=config.redis_prefix,
                       pool=PoolSettings(config.db_pool_size, config.db_max_overflow, config.db_statement_timeout_ms))
    demo = Path(config.data_dir) / DEMO_EXTRACT
    # Without a configured extract, the demo's own (kept by the first start) is the one to load again.
    store.source = config.source or (str(demo) if demo.is_dir() else None)
    store.source_mapping = config.source_mapping
    store.hourly_source = config.hourly_source
    from data_access.mail import mail_settings

    store.mail = mail_settings(config)
    if config.celery_broker_url:
        from data_access.job_queue import JobQueue

        store.job_queue = JobQueue(config)
    return store

"""The scheduled jobs (loads of the force's extract, the digest, the monthly pack, the FSU refresh) and when beat runs them."""

# Each scheduled job does what its command line does (python -m data_access.ingest load, ... digest send,
# ... packs monthly, ... fsu_run), so a force may run either Celery beat or the documented cron entries.

import logging

from data_access.errors import BadRequest

log = logging.getLogger(__name__)

LOAD_TASK = "beacon.scheduled.load"
DIGEST_TASK = "beacon.scheduled.digest"
PACK_TASK = "beacon.scheduled.monthly_pack"
FSU_TASK = "beacon.scheduled.fsu_refresh"


def scheduled_load(store, which: str) -> dict:
    """Load the full (or hourly) extract through the configured mapping, as the system (python -m data_access.ingest load)."""
    from data_access.ingest.loader import load_extract, shown_source
    from data_access.permissions import SYSTEM

    # The task names which extract, never where it is: a staging URL's password stays out of messages and logs.
    source = (store.hourly_source or store.source) if which == "hourly" else store.source
    if not source:
        raise RuntimeError(f"no extract configured for the {which} load (BEACON_SOURCE)")
    result = load_extract(store, store.source_mapping, source, SYSTEM)
    log.info("scheduled %s load #%s of %s: %s: %s", which, result.load_id, shown_source(source), result.status,
             result.message)
    if result.status == "failed":
        # The load history says why; failing the task as well makes the worker's log and monitoring say so.
        raise RuntimeError(f"load #{result.load_id} failed: {result.message}")
    return {"load_id": result.load_id, "status": result.status, "quarantined": len(result.quarantined)}


def scheduled_digest(store) -> dict:
    """Send the day's digests not yet sent (python -m data_access.digest send)."""
    from data_access.digest import send_digests

    return send_digests(store)


def scheduled_pack(store, username: str) -> dict:
    """Make this month's pack as username if today is the month's first working day (python -m data_access.packs monthly)."""
    from data_access.packs import make_monthly_pack

    result = make_monthly_pack(store, _account(store, username, "BEACON_PACK_AS"))
    return {k: v for k, v in result.items() if k != "pdf"}


def scheduled_fsu(store, username: str) -> dict:
    """Run the frequent-service-user refresh as username (python -m data_access.fsu_run)."""
    from data_access import fsu

    return fsu.run_now(store, _account(store, username, "BEACON_FSU_AS"))


def _account(store, username: str, setting: str):
    from data_access.accounts import actor_by_username

    actor = actor_by_username(store, username)
    if actor is None:
        raise BadRequest(f"{setting}: no active account {username!r}")
    return actor


# A scheduled run still queued this long after beat sent it (the workers were down) is dropped, not run late:
# after an outage the next hour's (or day's) run does the work once, rather than a backlog of runs in a row.
HOURLY_EXPIRES_SECONDS = 55 * 60
DAILY_EXPIRES_SECONDS = 12 * 3600

SCHEDULED = {LOAD_TASK: scheduled_load, DIGEST_TASK: scheduled_digest, PACK_TASK: scheduled_pack,
             FSU_TASK: scheduled_fsu}


def beat_schedule(config) -> dict:
    """Celery beat's entries for the configuration: a job whose time or account is not set is not scheduled."""
    entries = {}

    def add(name: str, cron: str, setting: str, task: str, *args, expires: int = DAILY_EXPIRES_SECONDS) -> None:
        if cron:
            entries[name] = {"task": task, "schedule": crontab_of(cron, setting), "args": args,
                             "options": {"expires": expires}}

    if config.source:
        # A nightly full extract and an hourly incremental one go through the same loader (docs/data-contract.md).
        add("full-load", config.full_load_cron, "BEACON_FULL_LOAD_CRON", LOAD_TASK, "full")
        add("hourly-load", config.hourly_load_cron, "BEACON_HOURLY_LOAD_CRON", LOAD_TASK, "hourly",
            expires=HOURLY_EXPIRES_SECONDS)
    if config.digest_hour is not None:
        # On the hour from BEACON_DIGEST_HOUR: the first sends, the later ones retry only what failed.
        add("digest", f"0 {config.digest_hour}-23 * * *", "BEACON_DIGEST_HOUR", DIGEST_TASK,
            expires=HOURLY_EXPIRES_SECONDS)
    if config.pack_as:
        # Every weekday morning; the pack itself decides whether today is the month's first working day.
        add("monthly-pack", config.pack_cron, "BEACON_PACK_CRON", PACK_TASK, config.pack_as)
    if config.fsu_as:
        add("fsu-refresh", config.fsu_cron, "BEACON_FSU_CRON", FSU_TASK, config.fsu_as)
    return entries


def crontab_of(cron: str, setting: str):
    """A Celery crontab from five cron fields (minute hour day-of-month month day-of-week)."""
    from celery.schedules import crontab

    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"{setting} must be five cron fields, such as '30 2 * * *', not {cron!r}")
    minute, hour, day_of_month, month, day_of_week = fields
    try:
        return crontab(minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month,
                       day_of_week=day_of_week)
    except Exception as exc:  # noqa: BLE001 - celery's ParseException and ValueError alike
        raise ValueError(f"{setting}: {cron!r} is not a cron time: {exc}") from None

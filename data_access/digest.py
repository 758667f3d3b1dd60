"""The daily digest: each person's choice, the scheduled send through the relay, and its record.

    python -m data_access.digest send [--database-url URL]     (run by the scheduler, once a day or more)
    python -m data_access.digest status [--database-url URL]
    python -m data_access.digest addresses FILE.csv             (columns username, email: work addresses)

The configuration is the app's (config.from_env: DATABASE_URL, BEACON_SMTP_HOST, ...). Running send again
the same day sends nothing twice: it only retries the digests that failed.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from data_access.actor import Actor
from data_access.audit import write_audit
from data_access.clock import now_local
from data_access.errors import BadRequest
from data_access.mail import MailSettings, build_message, send_with_retries
from data_access.permissions import SYSTEM, require
from data_access.schema import crime, task, user_account
from data_access.schema_digest import digest_preference, digest_send
from scoring.digest import build_digest, digest_message, state_of

# A simple shape check: the relay decides deliverability; this only stops typing slips and header tricks.
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# A run that claimed a digest and died leaves it 'sending'; after this long another run may take it over.
STALE_CLAIM = timedelta(minutes=30)
# Digests failing one after another mean the relay is down, not one address: stop the run after this many.
FAILURES_BEFORE_STOPPING = 3


def _mail(store) -> MailSettings:
    return store.mail if isinstance(store.mail, MailSettings) else MailSettings()


# ----- each person's choice ------------------------------------------------------------------------
def my_settings(store, actor: Actor) -> dict:
    """The reader's own digest choice, address, the force's default and whether the relay is set up."""
    require(actor, "digest.own")
    with store.engine.connect() as conn:
        row = conn.execute(select(digest_preference)
                           .where(digest_preference.c.account_id == actor.user_id)).mappings().first()
    default_on = store.settings.digest_default_on
    chosen = None if row is None else row["opt_in"]
    return {"opt_in": default_on if chosen is None else bool(chosen), "chosen": chosen,
            "email": (row["email"] if row else None) or "", "default_on": default_on,
            "has_tasks": actor.officer_id is not None, "relay_configured": _mail(store).configured}


def save_my_settings(store, actor: Actor, opt_in, email) -> dict:
    """Record the reader's own choice and address (audited); opting in needs a valid address."""
    require(actor, "digest.own")
    if not isinstance(opt_in, bool):
        raise BadRequest("the digest choice is on or off")
    if email is None:
        email = ""
    if not isinstance(email, str):
        raise BadRequest("the address must be text")
    email = email.strip()
    if email and (len(email) > 254 or not EMAIL.match(email)):
        raise BadRequest("that does not look like an email address")
    if opt_in and not email:
        raise BadRequest("give the address the digest should go to")
    now = now_local()
    with store.engine.begin() as conn:
        before = conn.execute(select(digest_preference)
                              .where(digest_preference.c.account_id == actor.user_id)).mappings().first()
        values = {"opt_in": opt_in, "email": email or None, "updated_at": now}
        if before is None:
            conn.execute(digest_preference.insert().values(account_id=actor.user_id, **values))
        else:
            conn.execute(digest_preference.update()
                         .where(digest_preference.c.account_id == actor.user_id).values(**values))
        write_audit(conn, actor, "write", "digest_preference", actor.username,
                    detail={"opt_in": opt_in, "address_changed": (before["email"] if before else None) != (email or None)})
    return my_settings(store, actor)


def set_addresses(store, actor: Actor, addresses: dict[str, str]) -> int:
    """Record work addresses by username (an administrator's load), leaving each person's choice as it is."""
    require(actor, "account.admin")
    clean = {}
    for username, email in addresses.items():
        email = (email or "").strip()
        if len(email) > 254 or not EMAIL.match(email):
            raise BadRequest(f"{username}: {email!r} does not look like an email address")
        clean[(username or "").strip().lower()] = email
    now = now_local()
    with store.engine.begin() as conn:
        ids = dict(conn.execute(select(user_account.c.username, user_account.c.id)
                                .where(user_account.c.username.in_(sorted(clean)))).all())
        unknown = sorted(set(clean) - set(ids))
        if unknown:
            raise BadRequest(f"no account named {', '.join(unknown[:10])}")
        have = set(conn.execute(select(digest_preference.c.account_id)
                                .where(digest_preference.c.account_id.in_(list(ids.values())))).scalars())
        for username, email in clean.items():
            if ids[username] in have:
                conn.execute(digest_preference.update().where(digest_preference.c.account_id == ids[username])
                             .values(email=email, updated_at=now))
            else:
                conn.execute(digest_preference.insert().values(account_id=ids[username], opt_in=None, email=email,
                                                               updated_at=now))
        write_audit(conn, actor, "write", "digest_preference", f"{len(clean)} addresses",
                    detail={"usernames": sorted(clean)[:200]})
    return len(clean)


# ----- what goes in a digest -----------------------------------------------------------------------
def _open_tasks_of(conn, officer_id: int) -> list[dict]:
    # Crime reference, kind, dates: never the task detail or anyone on the crime (the mail leaves Beacon).
    rows = conn.execute(
        select(task.c.id.label("task_id"), crime.c.crime_ref, task.c.kind, task.c.due_date, task.c.created_at)
        .select_from(task.join(crime, crime.c.id == task.c.crime_id))
        .where((task.c.status == "open") & (task.c.oic_id == officer_id))).mappings().all()
    return [{"task_id": r["task_id"], "crime_ref": r["crime_ref"], "kind": r["kind"], "due_date": r["due_date"],
             "created_on": r["created_at"].date() if r["created_at"] else None} for r in rows]


def _last_digest_on(conn, account_id: int, before: date) -> date | None:
    """The day the next digest starts from: the last one delivered, else the eve of the first that was not."""
    mine = (digest_send.c.account_id == account_id) & (digest_send.c.digest_on < before)
    last = conn.execute(select(func.max(digest_send.c.digest_on))
                        .where(mine & digest_send.c.status.in_(["sent", "nothing"]))).scalar()
    if last is not None:
        return last
    # Never delivered: start from before the first attempt, so what a failed first digest held is not lost.
    first = conn.execute(select(func.min(digest_send.c.digest_on)).where(mine)).scalar()
    return first - timedelta(days=1) if first is not None else None


def recipients(store) -> list[dict]:
    """Active accounts of people with investigations who have (or by the force's default get) the digest."""
    default_on = store.settings.digest_default_on
    wants = digest_preference.c.opt_in.is_(True)
    if default_on:
        wants = or_(wants, digest_preference.c.opt_in.is_(None))
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(user_account.c.id, user_account.c.username, user_account.c.officer_id, digest_preference.c.email)
            .select_from(user_account.join(digest_preference, digest_preference.c.account_id == user_account.c.id))
            .where(and_(user_account.c.active.is_(True), user_account.c.officer_id.isnot(None),
                        digest_preference.c.email.isnot(None), wants))
            .order_by(user_account.c.id)).mappings().all()
    return [dict(r) for r in rows]


# ----- sending -------------------------------------------------------------------------------------
def _claim(store, account_id: int, today: date, now: datetime) -> int | None:
    """Take today's digest of this account for this run; None when it is done or another run holds it."""
    try:
        with store.engine.begin() as conn:
            row = conn.execute(select(digest_send).where(
                (digest_send.c.account_id == account_id) & (digest_send.c.digest_on == today))).mappings().first()
            if row is None:
                return int(conn.execute(digest_send.insert().values(
                    account_id=account_id, digest_on=today, status="sending", items=0, attempts=0,
                    started_at=now)).inserted_primary_key[0])
            retry = row["status"] == "failed" or (row["status"] == "sending" and row["started_at"] < now - STALE_CLAIM)
            if not retry:
                return None
            # Guarded by the status and time read, so of two runs retrying at once only one takes it.
            taken = conn.execute(digest_send.update().where(
                (digest_send.c.id == row["id"]) & (digest_send.c.status == row["status"])
                & (digest_send.c.started_at == row["started_at"])).values(status="sending", started_at=now)).rowcount
            return int(row["id"]) if taken else None
    except IntegrityError:
        return None  # another run inserted today's row first


def _finish(store, send_id: int, account: dict, status: str, since: date, items: int, attempts: int,
            error: str | None, today: date) -> None:
    with store.engine.begin() as conn:
        prior = conn.execute(select(digest_send.c.attempts).where(digest_send.c.id == send_id)).scalar() or 0
        conn.execute(digest_send.update().where(digest_send.c.id == send_id).values(
            status=status, since_on=since, items=items, attempts=prior + attempts, finished_at=now_local(),
            error=error))
        if status in ("sent", "nothing"):
            # Earlier failed digests are covered by this one, which starts from the last delivered day.
            conn.execute(digest_send.update().where(
                (digest_send.c.account_id == account["id"]) & (digest_send.c.status == "failed")
                & (digest_send.c.digest_on < today)).values(status="superseded"))
        if status != "nothing":
            domain = (account["email"] or "").rpartition("@")[2]
            write_audit(conn, SYSTEM, "digest_sent" if status == "sent" else "digest_failed", "account",
                        account["username"], scope="system",
                        detail={"digest_on": today, "since": since, "items": items, "attempts": attempts,
                                "to_domain": domain, **({"error": error} if error else {})})


def send_digests(store, actor: Actor = SYSTEM, wait_seconds: float = 5.0) -> dict:
    """Make and send today's digest for everyone who has it; counts by outcome, or the reason nothing was sent."""
    require(actor, "digest.send")
    mail = _mail(store)
    today = store.today()
    if not mail.configured:
        with store.engine.begin() as conn:
            write_audit(conn, actor, "digest_skipped", "digest", today.isoformat(), scope="system",
                        detail={"reason": f"no mail relay configured ({mail.missing()} not set)"})
        return {"status": "no_relay", "missing": mail.missing()}
    counts = {"sent": 0, "nothing": 0, "failed": 0, "skipped": 0}
    in_a_row = 0
    for account in recipients(store):
        if in_a_row >= FAILURES_BEFORE_STOPPING:
            # The relay is down or refusing everything: leave the rest unclaimed for the next run.
            counts["not_tried"] = counts.get("not_tried", 0) + 1
            continue
        now = now_local()
        send_id = _claim(store, account["id"], today, now)
        if send_id is None:
            counts["skipped"] += 1
            continue
        with store.engine.connect() as conn:
            since = _last_digest_on(conn, account["id"], today)
            tasks = _open_tasks_of(conn, account["officer_id"])
        digest = build_digest(tasks, today, since, store.settings)
        if digest.empty:
            # Nothing turned amber or red and nothing falls due: no mail, but the day counts as told.
            _finish(store, send_id, account, "nothing", digest.since, 0, 0, None, today)
            counts["nothing"] += 1
            continue
        subject, body = digest_message(digest, mail.public_url)
        attempts, error = send_with_retries(mail, build_message(mail, account["email"], subject, body), wait_seconds)
        status = "failed" if error else "sent"
        _finish(store, send_id, account, status, digest.since, digest.size, attempts, error, today)
        counts[status] += 1
        in_a_row = in_a_row + 1 if error else 0
    return {"status": "done", "today": today.isoformat(), **counts}


def digest_due(now: datetime, hour: int | None) -> bool:
    """True when the housekeeping thread should try today's digests (from the configured force-local hour)."""
    return hour is not None and now.hour >= hour


def housekeeping_task(hour: int):
    """The housekeeping step that sends the day's digests from the given hour (BEACON_DIGEST_HOUR)."""
    def send_daily_digests(store) -> None:
        # Every web process runs it; the per-day claim in digest_send lets only one send each digest.
        if digest_due(now_local(), hour) and _mail(store).configured:
            send_digests(store)
    return send_daily_digests


# ----- what the administrator sees -----------------------------------------------------------------
def digest_status(store, actor: Actor) -> dict:
    """The relay in use (or what is missing), and the latest day's digests by outcome with the failures."""
    require(actor, "digest.status", reason="only administrators may see the digest's state")
    mail = _mail(store)
    with store.engine.connect() as conn:
        day = conn.execute(select(func.max(digest_send.c.digest_on))).scalar()
        counts, failed = {}, []
        if day is not None:
            counts = dict(conn.execute(select(digest_send.c.status, func.count()).where(digest_send.c.digest_on == day)
                                       .group_by(digest_send.c.status)).all())
            failed = [dict(r) for r in conn.execute(
                select(user_account.c.username, digest_send.c.attempts, digest_send.c.error)
                .select_from(digest_send.join(user_account, user_account.c.id == digest_send.c.account_id))
                .where((digest_send.c.digest_on == day) & (digest_send.c.status == "failed"))
                .order_by(user_account.c.username)).mappings().all()]
    return {"configured": mail.configured, "relay": mail.relay if mail.configured else None,
            "missing": mail.missing(), "subscribers": len(recipients(store)), "day": day,
            "counts": {k: int(v) for k, v in counts.items()}, "failed": failed}


# ----- the browser's notifications -----------------------------------------------------------------
def my_red_tasks(store, actor: Actor) -> list[dict]:
    """The reader's own overdue tasks as task id, crime reference and kind: what the browser may notify."""
    require(actor, "worklist.read")
    if actor.officer_id is None:
        return []
    today = store.today()
    with store.engine.connect() as conn:
        tasks = _open_tasks_of(conn, actor.officer_id)
    from scoring.digest import kind_words

    return sorted(({"key": t["task_id"], "ref": t["crime_ref"], "kind": kind_words(t["kind"])}
                   for t in tasks if state_of(t["kind"], t["due_date"], today, store.settings) == "red"),
                  key=lambda t: t["key"])


def main(argv=None) -> int:
    from data_access.cli import add_store_options, store_from_args

    ap = argparse.ArgumentParser(prog="python -m data_access.digest", description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["send", "status", "addresses"])
    ap.add_argument("file", nargs="?", help="addresses: a CSV file with the columns username and email")
    add_store_options(ap)
    args = ap.parse_args(argv)
    store = store_from_args(args)
    if args.command == "addresses":
        import csv

        if not args.file:
            ap.error("addresses needs a CSV file with the columns username and email")
        with open(args.file, newline="", encoding="utf-8-sig") as fh:
            rows = {r["username"]: r["email"] for r in csv.DictReader(fh)}
        try:
            print(f"{set_addresses(store, SYSTEM, rows)} addresses recorded")
        except BadRequest as exc:
            print(str(exc), file=sys.stderr)
            return 2
        return 0
    if args.command == "status":
        status = digest_status(store, SYSTEM)
        print(f"relay: {status['relay'] or 'not configured (' + status['missing'] + ' not set)'}; "
              f"{status['subscribers']} people receive the digest")
        if status["day"]:
            print(f"latest day {status['day']}: " + ", ".join(f"{n} {k}" for k, n in sorted(status["counts"].items())))
        for f in status["failed"]:
            print(f"  failed: {f['username']} after {f['attempts']} attempts: {f['error']}")
        return 0
    result = send_digests(store)
    if result["status"] == "no_relay":
        print(f"no digest sent: no mail relay configured ({result['missing']} not set)", file=sys.stderr)
        return 2
    print(f"digests for {result['today']}: {result['sent']} sent, {result['failed']} failed (retried next run), "
          f"{result['nothing']} with nothing to say, {result['skipped']} already done"
          + (f", {result['not_tried']} left for the next run (the relay kept refusing)" if "not_tried" in result else ""))
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())

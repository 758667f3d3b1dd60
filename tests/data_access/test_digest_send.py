"""The digest job against a real SMTP server (aiosmtpd on a free loopback port): who gets mail, what it says."""

import dataclasses
import email
import json
import re
import socket
from datetime import datetime, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import case, func, select

from data_access import digest
from data_access.errors import AccessDenied, BadRequest
from data_access.mail import MailSettings
from data_access.permissions import SYSTEM
from data_access.schema import audit_log, crime, crime_person, person, task
from data_access.schema_digest import digest_send
from tests.helpers import actor_for, crime_of


class Inbox:
    """An SMTP handler keeping every accepted message; refuses the next `refuse` messages with 554."""

    def __init__(self):
        self.messages = []
        self.refuse = 0
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.refuse:
            self.refuse -= 1
            return "554 5.7.1 Message refused by policy"
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"to": list(envelope.rcpt_tos), "msg": msg, "body": msg.get_content()})
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def relay():
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


def _configure(store, relay, attempts=3):
    store.mail = MailSettings(host="127.0.0.1", port=relay.port, tls="none", sender="beacon@force.example",
                              attempts=attempts, public_url="https://beacon.force.example/")


def _set_tasks(store, username, days_due: list[int], kind="oel_update") -> list[int]:
    """Push the person's open tasks well away, then add one task per offset from today; their ids."""
    who = actor_for(store, username)
    today = store.today()
    old = datetime(2026, 1, 1, 9)
    with store.engine.begin() as conn:
        conn.execute(task.update().where((task.c.oic_id == who.officer_id) & (task.c.status == "open"))
                     .values(due_date=today + timedelta(days=60), created_at=old))
        # One of their own crimes; a supervisor in charge of none gets the task on the force's first crime.
        mine_first = case((crime.c.oic_id == who.officer_id, 0), else_=1)
        c = conn.execute(select(crime.c.id, crime.c.team_id).order_by(mine_first, crime.c.id).limit(1)).one()
        ids = []
        for i, offset in enumerate(days_due):
            ids.append(int(conn.execute(task.insert().values(
                crime_id=c.id, team_id=c.team_id, oic_id=who.officer_id, kind=kind, rule_id="TEST",
                due_date=today + timedelta(days=offset), status="open", created_at=old,
                detail=f"test task {i}", task_key=f"TEST:{i}")).inserted_primary_key[0]))
    return ids


def _opt(store, username, opt_in, address=None):
    who = actor_for(store, username)
    return digest.save_my_settings(store, who, opt_in, address or f"{username}@force.example")


def _audits(store, action):
    with store.engine.connect() as conn:
        return conn.execute(select(audit_log).where(audit_log.c.action == action)
                            .order_by(audit_log.c.id)).mappings().all()


def _sends(store, username):
    who = actor_for(store, username)
    with store.engine.connect() as conn:
        return conn.execute(select(digest_send).where(digest_send.c.account_id == who.user_id)
                            .order_by(digest_send.c.digest_on)).mappings().all()


def _names_on_crimes(store, crime_refs) -> set[str]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(person.c.forename, person.c.surname).select_from(
            person.join(crime_person, crime_person.c.person_id == person.c.id)
            .join(crime, crime.c.id == crime_person.c.crime_id)).where(crime.c.crime_ref.in_(crime_refs))).all()
    return {f"{f} {s}" for f, s in rows} | {s for _f, s in rows if len(s) >= 4}


def test_an_officer_who_opted_in_gets_a_digest_that_says_what_to_do_today(store, relay):
    _configure(store, relay)
    _set_tasks(store, "officer", [-1, 0, 7])  # turned red today, due today, turned amber today
    _set_tasks(store, "officer2", [-1])
    _opt(store, "officer", True)
    _opt(store, "officer2", False)  # opted out: has an address, gets nothing
    result = digest.send_digests(store, SYSTEM, wait_seconds=0)
    assert result["sent"] == 1 and result["failed"] == 0
    assert len(relay.messages) == 1
    got = relay.messages[0]
    assert got["to"] == ["officer@force.example"]
    assert got["msg"]["From"] == "beacon@force.example"
    body = got["body"]
    ref = crime_of(store, actor_for(store, "officer").officer_id)
    today = store.today()
    assert "Due by the end of" in body and f"{ref}  Log update  due {today:%a} {today.day} {today:%b %Y}" in body
    assert "Now overdue" in body and "Now due soon" in body
    assert "Open Beacon: https://beacon.force.example/" in body
    # Nothing personal leaves the system: no one on the crime, no task detail.
    for name in _names_on_crimes(store, [ref]):
        assert not re.search(rf"\b{re.escape(name)}\b", body + str(got["msg"]["Subject"])), name
    assert "test task" not in body
    sent = _audits(store, "digest_sent")
    assert [a["object_id"] for a in sent] == ["officer"]
    assert json.loads(sent[0]["detail"])["items"] == 3
    assert [s["status"] for s in _sends(store, "officer")] == ["sent"]
    assert _sends(store, "officer2") == []


def test_default_off_sends_nothing_to_someone_who_never_chose(store, relay):
    _configure(store, relay)
    _set_tasks(store, "officer", [-1])
    digest.save_my_settings(store, actor_for(store, "officer"), False, "officer@force.example")
    from data_access.schema_digest import digest_preference

    with store.engine.begin() as conn:  # an address on record, no choice made
        conn.execute(digest_preference.update().values(opt_in=None))
    assert digest.send_digests(store, SYSTEM, wait_seconds=0)["sent"] == 0
    # The force's setting turns it on for those who have not chosen.
    store.settings = dataclasses.replace(store.settings, digest_default_on=True)
    assert digest.my_settings(store, actor_for(store, "officer"))["opt_in"] is True
    assert digest.send_digests(store, SYSTEM, wait_seconds=0)["sent"] == 1
    assert [m["to"] for m in relay.messages] == [["officer@force.example"]]


def test_a_day_with_nothing_to_say_sends_no_mail_and_counts_as_told(store, relay):
    _configure(store, relay)
    _set_tasks(store, "officer", [-10, 30])  # red long ago, green: nothing new, nothing due
    _opt(store, "officer", True)
    first = digest.send_digests(store, SYSTEM, wait_seconds=0)
    assert first["nothing"] == 1 and first["sent"] == 0 and relay.messages == []
    assert [s["status"] for s in _sends(store, "officer")] == ["nothing"]
    # A second run the same day does nothing twice.
    assert digest.send_digests(store, SYSTEM, wait_seconds=0)["skipped"] == 1
    assert _audits(store, "digest_sent") == []


def test_a_refusing_relay_is_retried_then_reported_and_the_next_run_sends(store, relay):
    _configure(store, relay, attempts=3)
    _set_tasks(store, "officer", [-1, 0])
    _opt(store, "officer", True)
    relay.refuse = 3
    result = digest.send_digests(store, SYSTEM, wait_seconds=0)
    assert result["failed"] == 1 and relay.attempts == 3 and relay.messages == []
    failed = _audits(store, "digest_failed")
    assert len(failed) == 1 and "554" in json.loads(failed[0]["detail"])["error"]
    row = _sends(store, "officer")[0]
    assert row["status"] == "failed" and row["attempts"] == 3
    status = digest.digest_status(store, actor_for(store, "admin"))
    assert status["counts"] == {"failed": 1} and status["failed"][0]["username"] == "officer"
    # The relay accepts again: the next run sends the same day's digest, once.
    again = digest.send_digests(store, SYSTEM, wait_seconds=0)
    assert again["sent"] == 1 and len(relay.messages) == 1
    assert [s["status"] for s in _sends(store, "officer")] == ["sent"]
    assert digest.send_digests(store, SYSTEM, wait_seconds=0)["skipped"] == 1 and len(relay.messages) == 1


def test_a_digest_that_failed_is_carried_by_the_next_days_digest(store, relay):
    _configure(store, relay, attempts=2)
    today = store.today()
    _set_tasks(store, "officer", [-1])  # turns red today, the day the digest fails
    _opt(store, "officer", True)
    relay.refuse = 2
    assert digest.send_digests(store, SYSTEM, wait_seconds=0)["failed"] == 1
    # Next day: the task that turned red on the failed day is still reported, since nothing reached the person.
    store.fixed_today = today + timedelta(days=1)
    assert digest.send_digests(store, SYSTEM, wait_seconds=0)["sent"] == 1
    ref = crime_of(store, actor_for(store, "officer").officer_id)
    body = relay.messages[0]["body"]
    assert "Now overdue" in body and ref in body
    assert [s["status"] for s in _sends(store, "officer")] == ["superseded", "sent"]


def test_no_relay_configured_means_no_digest_and_a_note_for_the_administrator(store):
    store.mail = MailSettings()
    _set_tasks(store, "officer", [-1])
    _opt(store, "officer", True)
    assert digest.send_digests(store, SYSTEM, wait_seconds=0) == {
        "status": "no_relay", "missing": "BEACON_SMTP_HOST and BEACON_SMTP_SENDER"}
    assert len(_audits(store, "digest_skipped")) == 1
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(digest_send)).scalar_one() == 0
    status = digest.digest_status(store, actor_for(store, "admin"))
    assert status["configured"] is False and status["subscribers"] == 1
    with pytest.raises(AccessDenied):
        digest.digest_status(store, actor_for(store, "officer"))


def test_only_the_scheduled_job_sends(store):
    with pytest.raises(AccessDenied):
        digest.send_digests(store, actor_for(store, "admin"))


def test_the_choice_is_checked_and_audited(store):
    officer = actor_for(store, "officer")
    with pytest.raises(BadRequest):
        digest.save_my_settings(store, officer, True, "")
    with pytest.raises(BadRequest):
        digest.save_my_settings(store, officer, True, "officer@force.example\r\nBcc: x@evil.example")
    with pytest.raises(BadRequest):
        digest.save_my_settings(store, officer, "yes", "officer@force.example")
    saved = digest.save_my_settings(store, officer, True, " officer@force.example ")
    assert saved["opt_in"] is True and saved["email"] == "officer@force.example"
    writes = [a for a in _audits(store, "write") if a["object_type"] == "digest_preference"]
    assert [a["object_id"] for a in writes] == ["officer"]


def test_the_command_line_sends_through_the_configured_relay(sqlite_store, relay, monkeypatch, tmp_path):
    _set_tasks(sqlite_store, "officer", [-1])
    _opt(sqlite_store, "officer", True)
    url = str(sqlite_store.engine.url)
    for name, value in {"DATABASE_URL": url, "BEACON_DATA_DIR": str(tmp_path), "SECRET_KEY": "x",
                        "BEACON_TODAY": sqlite_store.today().isoformat(), "BEACON_SMTP_HOST": "127.0.0.1",
                        "BEACON_SMTP_PORT": str(relay.port), "BEACON_SMTP_TLS": "none",
                        "BEACON_SMTP_SENDER": "beacon@force.example", "BEACON_PUBLIC_URL": "https://b.example/"}.items():
        monkeypatch.setenv(name, value)
    assert digest.main(["send"]) == 0
    assert len(relay.messages) == 1 and "https://b.example/" in relay.messages[0]["body"]
    monkeypatch.setenv("BEACON_SMTP_HOST", "")
    assert digest.main(["send"]) == 2


def test_the_browser_is_told_only_crime_references_and_kinds_of_the_readers_red_tasks(store):
    red = _set_tasks(store, "officer", [-1, -3, 2])
    got = digest.my_red_tasks(store, actor_for(store, "officer"))
    assert [g["key"] for g in got] == sorted(red[:2])
    assert set(got[0]) == {"key", "ref", "kind"}
    assert digest.my_red_tasks(store, actor_for(store, "admin")) == []


def test_a_relay_that_is_down_stops_the_run_after_three_failures_and_leaves_the_rest(sqlite_store):
    store = sqlite_store
    store.mail = MailSettings(host="127.0.0.1", port=_free_port(), tls="none", sender="beacon@force.example",
                              attempts=1)  # nobody listens on that port
    people = ["officer", "officer2", "sergeant", "inspector"]
    for username in people:
        _set_tasks(store, username, [-1])
        _opt(store, username, True)
    result = digest.send_digests(store, SYSTEM, wait_seconds=0)
    assert result["failed"] == 3 and result["not_tried"] == 1
    assert sum(len(_sends(store, u)) for u in people) == 3


def test_the_housekeeping_step_sends_from_the_configured_hour(sqlite_store, relay):
    assert digest.digest_due(datetime(2026, 11, 18, 6, 0), 6)
    assert not digest.digest_due(datetime(2026, 11, 18, 5, 59), 6)
    assert not digest.digest_due(datetime(2026, 11, 18, 12, 0), None)
    store = sqlite_store
    _set_tasks(store, "officer", [-1])
    _opt(store, "officer", True)
    store.mail = MailSettings()
    digest.housekeeping_task(0)(store)  # no relay: nothing sent, and no audit row every few minutes
    assert _audits(store, "digest_skipped") == []
    _configure(store, relay)
    digest.housekeeping_task(0)(store)
    digest.housekeeping_task(0)(store)
    assert len(relay.messages) == 1


def test_an_administrator_records_work_addresses_so_the_forces_default_reaches_people(sqlite_store, relay, tmp_path,
                                                                                      monkeypatch):
    store = sqlite_store
    _set_tasks(store, "officer", [-1])
    _opt(store, "officer2", False, "officer2@force.example")
    with pytest.raises(AccessDenied):
        digest.set_addresses(store, actor_for(store, "officer"), {"officer": "officer@force.example"})
    with pytest.raises(BadRequest):
        digest.set_addresses(store, SYSTEM, {"nobody-here": "x@force.example"})
    csv_file = tmp_path / "addresses.csv"
    csv_file.write_text("username,email\nofficer,officer@force.example\nofficer2,o2@force.example\n")
    monkeypatch.setenv("DATABASE_URL", str(store.engine.url))
    monkeypatch.setenv("BEACON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x")
    assert digest.main(["addresses", str(csv_file)]) == 0
    # officer2's own "off" stands; officer, who never chose, gets the force's default.
    assert digest.my_settings(store, actor_for(store, "officer2"))["opt_in"] is False
    store.settings = dataclasses.replace(store.settings, digest_default_on=True)
    _configure(store, relay)
    assert digest.send_digests(store, SYSTEM, wait_seconds=0)["sent"] == 1
    assert [m["to"] for m in relay.messages] == [["officer@force.example"]]

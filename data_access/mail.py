"""Sending mail through the force's SMTP relay, configured by environment (BEACON_SMTP_*), with retries."""

from __future__ import annotations

import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class MailSettings:
    """The relay and sender; host empty means no relay is configured, so no mail is sent."""

    host: str = ""
    port: int = 0
    tls: str = "starttls"
    sender: str = ""
    user: str = ""
    password: str = ""
    attempts: int = 3
    public_url: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)

    @property
    def relay(self) -> str:
        """The relay in words for the administrator's screen (never the password)."""
        return f"{self.host}:{self.port or DEFAULT_PORTS[self.tls]} ({self.tls})"

    def missing(self) -> str:
        """What is missing before mail can be sent, in words; empty when nothing is."""
        need = [name for name, value in (("BEACON_SMTP_HOST", self.host), ("BEACON_SMTP_SENDER", self.sender))
                if not value]
        return " and ".join(need)


def mail_settings(config) -> MailSettings:
    """The mail settings of a configuration (config.Config)."""
    link = config.public_url or f"http://{config.host}:{config.port}/"
    return MailSettings(host=config.smtp_host, port=config.smtp_port, tls=config.smtp_tls,
                        sender=config.smtp_sender, user=config.smtp_user, password=config.smtp_password,
                        attempts=config.smtp_attempts, public_url=link)


def build_message(mail: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from the configured sender."""
    msg = EmailMessage()
    msg["From"] = mail.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=mail.sender.rpartition("@")[2] or None)
    # Automated: out-of-office replies should not come back to the relay's sender.
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    return msg


def _send_once(mail: MailSettings, msg: EmailMessage) -> None:
    port = mail.port or DEFAULT_PORTS[mail.tls]
    if mail.tls == "ssl":
        client = smtplib.SMTP_SSL(mail.host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(mail.host, port, timeout=TIMEOUT_SECONDS)
    with client:
        if mail.tls == "starttls":
            client.starttls(context=ssl.create_default_context())
        if mail.user:
            client.login(mail.user, mail.password)
        refused = client.send_message(msg)
        if refused:
            # The only recipient was refused: send_message returns it rather than raising.
            raise smtplib.SMTPRecipientsRefused(refused)


def send_with_retries(mail: MailSettings, msg: EmailMessage, wait_seconds: float = 5.0) -> tuple[int, str | None]:
    """Send msg, trying up to mail.attempts times; (attempts made, None) on success, (attempts, last error) if not."""
    error = None
    for attempt in range(1, mail.attempts + 1):
        try:
            _send_once(mail, msg)
            return attempt, None
        except (smtplib.SMTPException, OSError) as exc:
            # A refusal or a relay that is down may pass: wait a little longer each time, then give up for this run.
            error = f"{type(exc).__name__}: {exc}"[:500]
            if attempt < mail.attempts and wait_seconds:
                time.sleep(wait_seconds * attempt)
    return mail.attempts, error

"""Tables of the daily digest: each person's choice and address, and a record of every digest made."""

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from data_access.schema import metadata

# One row per account that has chosen: opt_in NULL means "as the force decides" (digest_default_on).
digest_preference = Table(
    "digest_preference",
    metadata,
    Column("account_id", Integer, ForeignKey("user_account.id"), primary_key=True),
    Column("opt_in", Boolean, nullable=True),
    Column("email", String(254), nullable=True),
    Column("updated_at", DateTime, nullable=False),
)

# One row per person per force day. The last 'sent' (or 'nothing') row's day is where the next digest
# starts from, so a digest that failed is covered by the next one that is delivered: nothing is lost.
digest_send = Table(
    "digest_send",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("user_account.id"), nullable=False),
    Column("digest_on", Date, nullable=False),
    # sending (claimed by a run) | sent | nothing (nothing to say, no mail) | failed (retried next run)
    # | superseded (a failed digest whose content a later delivered one carried)
    Column("status", String(12), nullable=False),
    Column("since_on", Date, nullable=True),
    Column("items", Integer, nullable=False, default=0),
    Column("attempts", Integer, nullable=False, default=0),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    Column("error", Text, nullable=True),
    UniqueConstraint("account_id", "digest_on", name="uq_digest_send_account_day"),
)
Index("ix_digest_send_day_status", digest_send.c.digest_on, digest_send.c.status)

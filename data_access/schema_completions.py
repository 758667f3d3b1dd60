"""Completions sent from a device with an idempotency key, so a repeated send is recorded once."""

from sqlalchemy import Column, DateTime, Integer, String, Table, Text

from data_access.schema import metadata

# One row per key a device generated for a completion it queued. The key is written in the same
# transaction as the completion itself (or its conflict), and the answer is kept, so a second arrival of
# the same key (a retry after a lost response, a second tab, a second worker process) gets the first answer.
completion_request = Table(
    "completion_request",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("idem_key", String(36), nullable=False, unique=True),
    Column("user_id", Integer, nullable=False),
    Column("task_id", Integer, nullable=False),
    Column("action", String(40), nullable=False),
    Column("http_status", Integer, nullable=False),
    Column("result", Text, nullable=False),  # the JSON answer given the first time
    Column("received_at", DateTime, nullable=False),
)

"""The Force records tab's data: loads of the force's extract as background jobs, their history and quarantine."""

from __future__ import annotations

from sqlalchemy import select

from data_access import jobs
from data_access.audit import write_audit
from data_access.errors import BadRequest
from data_access.freshness import freshness
from data_access.ingest.loader import load_extract, recent_loads
from data_access.permissions import require
from data_access.reconciliation import completions_csv, export_completions, reconciliation_summary
from data_access.schema_ingest import source_quarantine

QUARANTINE_SHOWN = 500  # rows of one load's quarantine shown on screen; the command line writes them all


def source_view(store, actor) -> dict:
    """Where loads come from, when the last one succeeded, and the state of Beacon's completions."""
    require(actor, "records.load")
    with store.engine.connect() as conn:
        recon = reconciliation_summary(conn)
    return {"source": store.source, "mapping": store.source_mapping, "freshness": freshness(store),
            "reconciliation": recon}


def start_load(store, actor, dry_run: bool) -> int:
    """Start a load (or a check only) of the configured extract as the actor's background job."""
    require(actor, "records.load", reason="only an administrator loads the force's records")
    if not store.source:
        raise BadRequest("no extract is configured: set BEACON_SOURCE to the folder or staging database "
                         "the records system writes to")

    return jobs.submit(store, actor, "records:check" if dry_run else "records:load", "records-load",
                       {"dry_run": bool(dry_run)})


@jobs.job_kind("records-load")
def load_job(store, actor, progress, dry_run: bool) -> dict:
    """The load job: the configured extract loaded (or only checked), if the account may still load."""
    require(actor, "records.load", reason="only an administrator loads the force's records")
    if not store.source:
        raise BadRequest("no extract is configured: set BEACON_SOURCE")
    progress(5, "checking the extract" if dry_run else "reading, checking and loading the extract")
    result = load_extract(store, store.source_mapping, store.source, actor, dry_run=dry_run, progress=progress)
    progress(95, "recording the result")
    return {"load_id": result.load_id, "status": result.status, "message": result.message,
            "quarantined": len(result.quarantined), "derived": result.derived,
            "reconciled": result.reconciled}


def load_history(store, actor, limit: int = 20) -> list[dict]:
    """The newest loads with their totals, for the history table."""
    require(actor, "records.load")
    rows = []
    for r in recent_loads(store, limit):
        totals = {k: sum(c.get(k, 0) for c in r["counts"].values())
                  for k in ("read", "inserted", "updated", "unchanged", "deleted", "quarantined")}
        rows.append({"id": r["id"], "status": r["status"], "mapping": r["mapping"], "source": r["source"],
                     "started_at": r["started_at"], "finished_at": r["finished_at"], "started_by": r["started_by"],
                     "message": (r["message"] or "").split("\n")[0], **totals})
    return rows


def quarantine_of(store, actor, load_id) -> list[dict]:
    """One load's quarantined rows (file, line, reason); an audited read, since raw rows hold personal data."""
    require(actor, "records.load")
    if isinstance(load_id, bool) or not isinstance(load_id, (int, str)):
        raise BadRequest("a load id is a number")
    try:
        load_id = int(load_id)
    except ValueError:
        raise BadRequest("a load id is a number") from None
    if not 0 < load_id < 2**31:
        raise BadRequest("no such load")
    with store.engine.begin() as conn:
        rows = conn.execute(select(source_quarantine.c.source_table, source_quarantine.c.file,
                                   source_quarantine.c.line, source_quarantine.c.reason)
                            .where(source_quarantine.c.load_id == load_id)
                            .order_by(source_quarantine.c.file, source_quarantine.c.line, source_quarantine.c.id)
                            .limit(QUARANTINE_SHOWN)).mappings().all()
        write_audit(conn, actor, "read", "source_quarantine", load_id, detail={"rows": len(rows)})
    return [dict(r) for r in rows]


def completions_file(store, actor) -> str:
    """The completions export as CSV text (audited in export_completions)."""
    return completions_csv(export_completions(store, actor))


def job_summary(result: dict) -> str:
    """One line for a finished load job."""
    derived = result.get("derived") or {}
    extra = f"; tasks: {derived.get('inserted', 0):,} new, {derived.get('updated', 0):,} changed" if derived else ""
    return f"{result.get('message') or ''}{extra}"


"""The administrators' Imports area: uploads imported by a background job, and removing an import."""

import base64
import json

from sqlalchemy import func, select

from data_access import jobs
from data_access.audit import write_audit
from data_access.errors import BadRequest
from data_access.permissions import require
from data_access.importers import KINDS, import_file
from data_access.importers.loading import delete_batch_rows
from data_access.schema_strategic import IMPORTED_TABLES, import_batch
from data_access.store import bump_version
from data_access.strategic import warm_cache

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def _check_admin(actor) -> None:
    require(actor, "strategic.admin", reason="only administrators may import benchmark data")


def start_import(store, actor, kind: str, contents: str, file_name: str) -> int:
    """Start importing an uploaded file (a dcc.Upload data URL) for an administrator; returns the job id."""
    _check_admin(actor)
    if not isinstance(kind, str) or kind not in KINDS:
        raise BadRequest(f"unknown import kind {kind!r}")
    try:
        data = base64.b64decode((contents or "").split(",", 1)[1], validate=False)
    except (IndexError, ValueError) as exc:
        raise BadRequest("the upload could not be read") from exc
    if not data or len(data) > MAX_UPLOAD_BYTES:
        raise BadRequest("the upload is empty or too large")
    return jobs.submit(store, actor, f"import:{kind}", "import", {"kind": kind, "name": file_name or "upload"},
                       upload=data)


@jobs.job_kind("import")
def import_job(store, actor, progress, kind: str, name: str, upload: bytes) -> dict:
    """The import job: the uploaded file loaded as kind, if the account is still an administrator."""
    # The job may wait behind another: the account must still be an administrator when it starts.
    _check_admin(actor)
    report = import_file(store, actor, kind, upload, name,
                         progress=lambda fraction, text: progress(int(fraction * 100), text))
    if report["rows_loaded"]:
        progress(99, "updating the benchmark figures")
        warm_cache(store)  # the job has time to spare; the next reader of the tab then waits for nothing
    return report


def _tables_of(kind: str) -> tuple:
    return (KINDS[kind][0],) if kind in KINDS else IMPORTED_TABLES  # the demo batch fills every table


def _rests_on(later: dict) -> set | None:
    """The batches whose rows a later import skipped as its own duplicates; None when it did not record them."""
    try:
        recorded = json.loads(later["detail"] or "{}").get("rests_on")
    except (TypeError, ValueError):
        return None
    return None if recorded is None else {int(b) for b in recorded}


def _blocking(conn, batch: dict) -> list[dict]:
    """Later loaded imports that hold rows this one loaded, so removing it would take rows from them."""
    mine = {t.name for t in _tables_of(batch["kind"])}
    later = conn.execute(select(import_batch).where(
        import_batch.c.id > batch["id"], import_batch.c.status == "loaded",
        import_batch.c.rows_duplicated > 0)).mappings().all()
    blocking = []
    for b in later:
        rests_on = _rests_on(b)
        if rests_on is None:
            # Made before the owners were recorded: assume it rests on any earlier import of its tables.
            depends = bool(mine & {t.name for t in _tables_of(b["kind"])})
        else:
            depends = batch["id"] in rests_on
        if depends:
            blocking.append(dict(b))
    return blocking


def _blocked_message(batch: dict, blocking: list[dict]) -> str:
    names = ", ".join(f"{b['id']} ({b['file_name']})" for b in blocking)
    return (f"Import {batch['id']} cannot be removed yet: later import(s) {names} skipped rows they shared with "
            "earlier imports. Remove those first (newest first), then import them again once this one is gone.")


def batch_summary(store, actor, batch_id) -> dict:
    """What removing an import would take away, or why it cannot be removed yet; administrators only."""
    _check_admin(actor)
    batch = _batch(store, batch_id)
    with store.engine.connect() as conn:
        rows = sum(conn.execute(select(func.count()).select_from(t).where(t.c.batch_id == batch["id"])).scalar()
                   for t in IMPORTED_TABLES)
        blocking = _blocking(conn, batch)
    return {"id": batch["id"], "file_name": batch["file_name"], "kind": batch["kind"], "rows": rows,
            "synthetic": bool(batch["synthetic"]), "status": batch["status"],
            "blocked": _blocked_message(batch, blocking) if blocking else None}


def remove_batch(store, actor, batch_id, progress=None) -> dict:
    """Take an import's rows away from readers in one short transaction, mark it removed, then delete the rows
    in short ones (so other writers are not held up); administrators only."""
    # The batch record and its quarantined lines stay, so the history still shows what was imported and
    # by whom; the same file can then be imported again (a corrected edition, or after demo data).
    _check_admin(actor)
    batch = _batch(store, batch_id)
    with store.engine.connect() as conn:
        rows = {t.name: conn.execute(select(func.count()).select_from(t).where(t.c.batch_id == batch["id"])).scalar()
                for t in IMPORTED_TABLES}
    with store.engine.begin() as conn:
        # Claimed inside the transaction: of two administrators removing at once, one removes, one is told.
        # Readers take rows of loaded imports only, so from this commit on nobody sees its rows.
        claimed = conn.execute(import_batch.update().where(
            import_batch.c.id == batch["id"], import_batch.c.status == "loaded").values(status="removing")).rowcount
        if not claimed:
            raise BadRequest(f"import {batch['id']} is {batch['status']}, not loaded: nothing to remove")
        blocking = _blocking(conn, batch)
        if blocking:
            raise BadRequest(_blocked_message(batch, blocking))
        write_audit(conn, actor, "write", "import_batch", batch["id"],
                    detail={"removed": True, "file": batch["file_name"], "rows": rows})
        bump_version(conn)
    # Were this cut off, the next import would finish it (loading.finish_unfinished).
    delete_batch_rows(store, batch["id"], progress=progress)
    with store.engine.begin() as conn:
        conn.execute(import_batch.update().where(import_batch.c.id == batch["id"],
                                                 import_batch.c.status == "removing").values(status="removed"))
    jobs.runner(store).submit_task(lambda: warm_cache(store))  # the figures without it, before anyone asks
    return {"id": batch["id"], "file_name": batch["file_name"], "rows": sum(rows.values())}


def _batch(store, batch_id) -> dict:
    try:
        batch_id = int(batch_id)
    except (TypeError, ValueError):
        raise BadRequest("no such import") from None
    with store.engine.connect() as conn:
        row = conn.execute(select(import_batch).where(import_batch.c.id == batch_id)).mappings().first()
    if row is None:
        raise BadRequest("no such import")
    return dict(row)

"""Uploads from the administrators' Imports area, imported by a background job with a progress bar."""

import base64

from data_access import jobs
from data_access.accounts import load_actor
from data_access.errors import AccessDenied, BadRequest
from data_access.importers import KINDS, import_file
from data_access.strategic import warm_cache

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def _check_admin(actor) -> None:
    if actor is None or actor.role != "administrator":
        raise AccessDenied("only administrators may import benchmark data")


def start_import(store, actor, kind: str, contents: str, file_name: str) -> int:
    """Start importing an uploaded file (a dcc.Upload data URL) for an administrator; returns the job id."""
    _check_admin(actor)
    if kind not in KINDS:
        raise BadRequest(f"unknown import kind {kind!r}")
    try:
        data = base64.b64decode((contents or "").split(",", 1)[1], validate=False)
    except (IndexError, ValueError) as exc:
        raise BadRequest("the upload could not be read") from exc
    if not data or len(data) > MAX_UPLOAD_BYTES:
        raise BadRequest("the upload is empty or too large")
    name = file_name or "upload"

    def work(progress):
        # The job may wait behind another: the account must still be an administrator when it starts.
        current = load_actor(store, actor.user_id)
        _check_admin(current)
        report = import_file(store, current, kind, data, name,
                             progress=lambda fraction, text: progress(int(fraction * 100), text))
        if report["rows_loaded"]:
            progress(99, "updating the benchmark figures")
            warm_cache(store)  # the job has time to spare; the next reader of the tab then waits for nothing
        return report

    return jobs.start(store, actor, f"import:{kind}", work)

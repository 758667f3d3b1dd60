"""Uploads from the administrators' Imports area, staged on the server for a background import job.

A background job runs in another process with no request and so no session: the upload is staged
here first by a normal request (which knows the actor), and the job receives only a one-time token.
"""

import base64
import secrets
from pathlib import Path

import diskcache

from data_access.errors import AccessDenied, BadRequest
from data_access.importers import KINDS, import_file
from data_access.strategic import warm_cache

STAGE_SECONDS = 3600
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def _stage(store) -> diskcache.Cache:
    return diskcache.Cache(str(Path(store.cache.directory) / "strategic-uploads"))


def stage_upload(store, actor, kind: str, contents: str, file_name: str) -> str:
    """Keep an uploaded file (a dcc.Upload data URL) for an administrator; returns the job token."""
    if actor is None or actor.role != "administrator":
        raise AccessDenied("only administrators may import benchmark data")
    if kind not in KINDS:
        raise BadRequest(f"unknown import kind {kind!r}")
    try:
        data = base64.b64decode((contents or "").split(",", 1)[1], validate=False)
    except (IndexError, ValueError) as exc:
        raise BadRequest("the upload could not be read") from exc
    if not data or len(data) > MAX_UPLOAD_BYTES:
        raise BadRequest("the upload is empty or too large")
    token = secrets.token_urlsafe(24)
    with _stage(store) as cache:
        cache.set(token, {"actor": actor, "kind": kind, "data": data, "file_name": file_name or "upload"},
                  expire=STAGE_SECONDS)
    return token


def run_staged(store, token: str, progress=None) -> dict:
    """Run the import staged under token (once); an unknown or used token does nothing."""
    with _stage(store) as cache:
        job = cache.pop(token, default=None) if token else None
    if job is None:
        raise BadRequest("no staged upload for this token")
    # A forked job process must not share the parent's pooled database connections.
    store.engine.dispose(close=False)
    report = import_file(store, job["actor"], job["kind"], job["data"], job["file_name"], progress=progress)
    if report["rows_loaded"]:
        warm_cache(store)  # the job has time to spare; the next reader of the tab then waits for nothing
    return report

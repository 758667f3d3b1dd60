"""Frequent service users: permission, versioned runs, the list, one person's details and the export.

Only actors holding the can_view_fsu permission reach any of it (AccessDenied otherwise). The list,
every details view and every export are audited. A run writes a new versioned result in one
transaction, so readers keep the last good run until a new one succeeds; a failed run is recorded
with its reason and shown as failed.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import and_, select

from data_access import jobs
from data_access.actor import Actor
from data_access.audit import write_audit
from data_access.clock import now_local
from data_access.db import long_statements
from data_access.errors import AccessDenied, BadRequest
from data_access.permissions import require, role_allows
from data_access.fsu_details import details_sections
from data_access.fsu_load import listed_extras, load_window, rank_people
from data_access.org import load_tree
from data_access.schema import person
from data_access.schema_fsu import fsu_result, fsu_result_incident, fsu_run
from data_access.store import bump_version
from scoring import fsu as method
from scoring.settings_fsu import THEME_LABELS, THEMES, FsuSettings

# A run still 'running' after this long is taken to have died with its process.
STALE_RUN = timedelta(hours=2)
RESULT_COLUMNS = [c.name for c in fsu_result.columns if c.name not in ("id", "run_id", "force_id", "person_id")]
DEFAULT_FSU_SETTINGS = FsuSettings()


def fsu_settings(store) -> FsuSettings:
    """Settings in force: the rules file's frequent_service_users section, else the defaults."""
    return getattr(store, "fsu_settings", None) or DEFAULT_FSU_SETTINGS


def require_fsu(store, actor: Actor) -> int:
    """The force id the actor may see frequent-service-user data of; AccessDenied without the permission."""
    require(actor, "fsu.read", reason="the frequent-service-user permission is required")
    unit = load_tree(store).unit(actor.scope_unit_id) if actor.scope_unit_id is not None else None
    if unit is None:
        raise AccessDenied("no scope: no frequent-service-user data")
    return int(unit["force_id"] if unit.get("force_id") is not None else actor.scope_unit_id)


# ----- runs -----------------------------------------------------------------------------------
def request_run(store, actor: Actor) -> int:
    """Queue a run for the actor's force, one at a time; returns the run id."""
    require(actor, "fsu.refresh", reason="the frequent-service-user permission is required")
    force_id = require_fsu(store, actor)
    now = now_local()
    with store.engine.begin() as conn:
        busy = conn.execute(select(fsu_run.c.id).where(and_(
            fsu_run.c.force_id == force_id, fsu_run.c.status.in_(["queued", "running"]),
            fsu_run.c.requested_at > now - STALE_RUN))).first()
        if busy is not None:
            raise BadRequest("a refresh is already in progress")
        run_id = conn.execute(fsu_run.insert().values(
            force_id=force_id, status="queued", started_by=actor.user_id, requested_at=now,
        )).inserted_primary_key[0]
        write_audit(conn, actor, "write", "fsu_run", run_id, detail={"status": "queued"})
    return int(run_id)


def start_refresh(store, actor: Actor) -> int:
    """Queue a run and start it as a background job; returns the job id the screen follows."""
    run_id = request_run(store, actor)
    job_id = jobs.submit(store, actor, "fsu-refresh", "fsu-refresh", {"run_id": run_id})
    seen = jobs.state(store, actor, job_id)
    if seen["status"] == "failed" and (seen["message"] or "").startswith("not started"):
        # Never sent (the job queue was unreachable): the run must not block the next refresh as "in progress".
        _finish(store, actor, run_id, "failed", message="not started: the job queue is unreachable")
    return job_id


@jobs.job_kind("fsu-refresh")
def refresh_job(store, actor, progress, run_id: int) -> dict:
    """The refresh job: run run_id, if the account still holds the permission."""
    # The job may wait behind another: the account must still hold the permission when it starts.
    if not role_allows(actor, "fsu.refresh"):
        _finish(store, None, run_id, "failed", message="the account that queued the run lost the permission")
        raise AccessDenied("the frequent-service-user permission is required")
    return execute_run(store, actor, run_id, progress)


def run_now(store, actor: Actor, progress=None, run_date=None) -> dict:
    """Queue and run a refresh in this process (the command line and tests)."""
    return execute_run(store, actor, request_run(store, actor), progress, run_date)


@long_statements()
def execute_run(store, actor: Actor, run_id: int, progress=None, run_date=None) -> dict:
    """Compute the ranking and write it as run run_id; a failure is recorded, never half-written."""
    settings = fsu_settings(store)
    run_date = run_date or store.today()
    step = progress or (lambda _pct, _label: None)
    try:
        force_id = require_fsu(store, actor)
        start = method.window_start(run_date, settings.fsu_window_months).to_pydatetime()
        with store.engine.begin() as conn:
            conn.execute(fsu_run.update().where(fsu_run.c.id == run_id).values(
                status="running", started_at=now_local(), run_date=run_date, window_start=start.date(),
                parameters=json.dumps({k: v for k, v in settings.__dict__.items()}, default=str)))
        ranked_n, rows, linked, link_counts = compute_run(store.engine, force_id, run_date, settings, step)
        step(90, "Saving the new version")
        with store.engine.begin() as conn:
            write_results(conn, run_id, force_id, rows, linked)
            conn.execute(fsu_run.update().where(fsu_run.c.id == run_id).values(
                status="succeeded", finished_at=now_local(), people_ranked=ranked_n,
                people_listed=len(rows), link_counts=json.dumps(link_counts)))
            write_audit(conn, actor, "write", "fsu_run", run_id,
                        detail={"status": "succeeded", "ranked": ranked_n, "listed": len(rows)})
            bump_version(conn)
        step(100, "Done")
        return {"run_id": run_id, "status": "succeeded", "people_ranked": ranked_n,
                "people_listed": len(rows), "link_counts": link_counts}
    except Exception as exc:  # noqa: BLE001 - any failure must leave a failed run, not a running one
        _finish(store, actor, run_id, "failed", message=f"{type(exc).__name__}: {exc}"[:500])
        return {"run_id": run_id, "status": "failed", "message": f"{type(exc).__name__}: {exc}"[:500]}


def compute_run(engine, force_id: int, run_date, settings: FsuSettings, step) -> tuple:
    """(people ranked, listed rows with extras, their linked incidents, link counts); reads only."""
    start = method.window_start(run_date, settings.fsu_window_months).to_pydatetime()
    end = datetime.combine(run_date, datetime.min.time())
    step(5, "Reading the window's records")
    with engine.connect() as conn:
        data = load_window(conn, force_id, start, end)
    step(45, "Linking incidents to people and ranking")
    ranked, linked, link_counts = rank_people(data, settings, end)
    listed = ranked[ranked["listed"]]
    step(75, "Summarising the listed people")
    with engine.connect() as conn:
        extras = listed_extras(conn, listed, data["roles"], data["missing"], settings)
    rows = listed.join(extras)
    return len(ranked), rows, linked[linked["person_id"].isin(rows.index)], link_counts


def _finish(store, actor, run_id: int, status: str, message: str | None = None) -> None:
    with store.engine.begin() as conn:
        conn.execute(fsu_run.update().where(fsu_run.c.id == run_id).values(
            status=status, finished_at=now_local(), message=message))
        write_audit(conn, actor, "write", "fsu_run", run_id, detail={"status": status, "message": message})


def write_results(conn, run_id: int, force_id: int, rows: pd.DataFrame, linked: pd.DataFrame) -> None:
    records = []
    for pid, r in rows.iterrows():
        rec = {"run_id": run_id, "force_id": force_id, "person_id": int(pid)}
        for col in RESULT_COLUMNS:
            v = r[col]
            rec[col] = None if col == "lpa_id" and pd.isna(v) else (
                v.item() if hasattr(v, "item") else v)
        for col in ("suspect", "offender", "victim", "custody_count", "orig_calls", "subj_calls",
                    "rank_inv_custody", "rank_originator", "rank_subject", "rank_overall", "missing_count"):
            rec[col] = int(rec[col])
        for col in ("theme_da", "theme_mh", "theme_cse", "theme_ca"):
            rec[col] = bool(rec[col])
        if rec["lpa_id"] is not None:
            rec["lpa_id"] = int(rec["lpa_id"])
        records.append(rec)
    if records:
        conn.execute(fsu_result.insert(), records)
    inc = [{"run_id": run_id, "force_id": force_id, "person_id": int(p), "incident_id": int(i), "role": r,
            "hours": float(h)} for p, i, r, h in linked[["person_id", "incident_id", "role", "hours"]]
           .drop_duplicates(["person_id", "incident_id", "role"]).itertuples(index=False)]
    for start in range(0, len(inc), 5000):
        conn.execute(fsu_result_incident.insert(), inc[start:start + 5000])


# ----- reads ----------------------------------------------------------------------------------
def _runs(conn, force_id: int) -> tuple[dict | None, dict | None]:
    """(the newest succeeded run, the newest run of any status)."""
    good = conn.execute(select(fsu_run).where(and_(fsu_run.c.force_id == force_id, fsu_run.c.status == "succeeded"))
                        .order_by(fsu_run.c.id.desc()).limit(1)).mappings().first()
    latest = conn.execute(select(fsu_run).where(fsu_run.c.force_id == force_id)
                          .order_by(fsu_run.c.id.desc()).limit(1)).mappings().first()
    return (dict(good) if good else None), (dict(latest) if latest else None)


def run_status(store, actor: Actor) -> dict:
    """What the screen says about runs: the one shown, and whether a newer one is running or failed."""
    force_id = require_fsu(store, actor)
    with store.engine.connect() as conn:
        good, latest = _runs(conn, force_id)
    return {"shown": _run_public(good), "latest": _run_public(latest)}


def _run_public(run: dict | None) -> dict | None:
    if run is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in run.items()
            if k in ("id", "status", "requested_at", "started_at", "finished_at", "run_date", "window_start",
                     "people_ranked", "people_listed", "link_counts", "message")}


def _lpa_names(store) -> dict:
    units = load_tree(store).units
    return {int(i): n for i, n in units[units["kind"] == "bcu"]["name"].items()}


def _check_filters(store, lpas, themes, categories) -> tuple[list, list, list]:
    """Filter values from the browser, checked against what the screen offers; BadRequest otherwise."""
    lpas, themes, categories = lpas or [], themes or [], categories or []
    if not all(isinstance(x, list) for x in (lpas, themes, categories)):
        raise BadRequest("filters are lists")
    known = {str(i) for i in _lpa_names(store)} | {"unknown"}
    if any(str(v) not in known for v in lpas) or any(t not in THEMES for t in themes) \
            or any(c not in fsu_settings(store).fsu_priority_categories for c in categories):
        raise BadRequest("unknown filter value")
    return [str(v) for v in lpas], list(themes), list(categories)


def _result_frame(conn, run_id: int) -> pd.DataFrame:
    return pd.DataFrame(conn.execute(
        select(fsu_result, person.c.forename, person.c.surname, person.c.dob)
        .select_from(fsu_result.join(person, person.c.id == fsu_result.c.person_id))
        .where(fsu_result.c.run_id == run_id).order_by(fsu_result.c.rank_overall, fsu_result.c.person_id)
    ).mappings().all())


def list_view(store, actor: Actor, lpas=None, themes=None, categories=None) -> dict:
    """The listed people of the last good run, filtered (never re-ranked); an audited read."""
    force_id = require_fsu(store, actor)
    lpas, themes, categories = _check_filters(store, lpas, themes, categories)
    names = _lpa_names(store)
    with store.engine.begin() as conn:
        good, latest = _runs(conn, force_id)
        rows = _result_frame(conn, good["id"]) if good else pd.DataFrame()
        shown = method.filter_list(rows, lpas, themes, categories) if len(rows) else rows
        write_audit(conn, actor, "read", "fsu_list", good["id"] if good else None,
                    detail={"rows": len(shown), "lpas": lpas, "themes": themes, "categories": categories})
    out = []
    for r in shown.to_dict("records") if len(shown) else []:
        out.append({
            "person_id": int(r["person_id"]), "name": f"{r['surname'].upper()}, {r['forename']}",
            "rank_inv_custody": int(r["rank_inv_custody"]), "rank_originator": int(r["rank_originator"]),
            "rank_subject": int(r["rank_subject"]), "rank_overall": int(r["rank_overall"]),
            "harm_caused": round(float(r["harm_caused"]), 1), "harm_received": round(float(r["harm_received"]), 1),
            "lpa": "unknown" if pd.isna(r["lpa_id"]) else names.get(int(r["lpa_id"]), "unknown"),
            "themes": ", ".join(t for t, c in (("DA", "theme_da"), ("MH", "theme_mh"), ("CSE", "theme_cse"),
                                                 ("CA", "theme_ca")) if r[c])
                      + (", Missing" if r["missing_count"] else ""),
        })
    return {"rows": out, "total": len(rows), "shown_run": _run_public(good), "latest_run": _run_public(latest),
            "lpa_options": [{"label": n, "value": str(i)} for i, n in sorted(names.items(), key=lambda x: x[1])]
            + [{"label": "Unknown", "value": "unknown"}],
            "category_options": list(fsu_settings(store).fsu_priority_categories),
            "data_as_of": (good or {}).get("finished_at").isoformat() if good else None}


def summary_counts(store, actor: Actor, band_ends) -> dict:
    """Counts of the last good run's list, by overall-rank band, theme and home LPA: no names; an audited read."""
    force_id = require_fsu(store, actor)
    names = _lpa_names(store)
    with store.engine.begin() as conn:
        good, _latest = _runs(conn, force_id)
        rows = pd.DataFrame(conn.execute(
            select(fsu_result.c.rank_overall, fsu_result.c.lpa_id, fsu_result.c.theme_da, fsu_result.c.theme_mh,
                   fsu_result.c.theme_cse, fsu_result.c.theme_ca, fsu_result.c.missing_count)
            .where(fsu_result.c.run_id == good["id"])).all(),
            columns=["rank", "lpa_id", "DA", "MH", "CSE", "CA", "missing"]) if good else pd.DataFrame()
        write_audit(conn, actor, "read", "fsu_summary", good["id"] if good else None,
                    detail={"listed": len(rows), "counts_only": True})
    if not good:
        return {"run": None, "listed": 0, "bands": [], "themes": [], "lpas": []}
    flags = {"DA": rows["DA"], "MH": rows["MH"], "CSE": rows["CSE"], "CA": rows["CA"], "MISSING": rows["missing"] > 0}
    lpas = rows["lpa_id"].map(lambda v: "Unknown" if pd.isna(v) else names.get(int(v), "Unknown")).value_counts()
    return {"run": _run_public(good), "listed": len(rows),
            "bands": method.rank_band_counts(rows["rank"], band_ends),
            "themes": [(THEME_LABELS[t], int(flags[t].astype(bool).sum())) for t in THEMES],
            "lpas": sorted(((str(k), int(v)) for k, v in lpas.items()), key=lambda kv: (-kv[1], kv[0]))}


def _listed_person(conn, force_id: int, person_id) -> tuple[dict, dict]:
    """(the last good run, the person's result row); AccessDenied unless the person is on the list."""
    try:
        person_id = int(person_id)
    except (TypeError, ValueError):
        raise BadRequest("a person id is a number") from None
    good, _ = _runs(conn, force_id)
    if good is None:
        raise AccessDenied("no list yet")
    row = conn.execute(select(fsu_result, person.c.forename, person.c.surname, person.c.dob, person.c.pnc_id)
                       .select_from(fsu_result.join(person, person.c.id == fsu_result.c.person_id))
                       .where(and_(fsu_result.c.run_id == good["id"], fsu_result.c.person_id == person_id))
                       ).mappings().first()
    # Unknown and unlisted people answer alike: the tool is not a person search.
    if row is None:
        raise AccessDenied("person not on the frequent-service-user list")
    return good, dict(row)


def investigation_lpas(store, actor: Actor, person_ids) -> list[dict]:
    """Investigations by LPA for each chosen listed person (others are ignored), for the chart."""
    force_id = require_fsu(store, actor)
    if not isinstance(person_ids, list) or len(person_ids) > 50:
        raise BadRequest("choose up to 50 people")
    names = _lpa_names(store)
    out = []
    with store.engine.begin() as conn:
        good, _ = _runs(conn, force_id)
        if good is None or not person_ids:
            return []
        ids = [int(p) for p in person_ids if isinstance(p, int) or (isinstance(p, str) and p.isdigit())]
        rows = conn.execute(select(fsu_result.c.person_id, fsu_result.c.investigation_lpas, person.c.forename,
                                   person.c.surname)
                            .select_from(fsu_result.join(person, person.c.id == fsu_result.c.person_id))
                            .where(and_(fsu_result.c.run_id == good["id"], fsu_result.c.person_id.in_(ids)))
                            ).mappings().all()
        write_audit(conn, actor, "read", "fsu_chart", good["id"], detail={"people": [r["person_id"] for r in rows]})
    for r in rows:
        label = f"{r['surname'].upper()}, {r['forename']}"
        for lpa, n in json.loads(r["investigation_lpas"]).items():
            out.append({"person": label, "lpa": names.get(int(lpa), "unknown"), "count": int(n)})
    return out


def person_details(store, actor: Actor, person_id) -> dict:
    """One listed person's investigations, incidents, custody, arrests and missing episodes; audited."""
    force_id = require_fsu(store, actor)
    settings = fsu_settings(store)
    with store.engine.begin() as conn:
        good, row = _listed_person(conn, force_id, person_id)
        sections = details_sections(conn, good, row, settings, _lpa_names(store))
        write_audit(conn, actor, "read", "fsu_person", row["person_id"], detail={"run": good["id"]})
    return sections


def _cell(value):
    """A CSV cell a spreadsheet will not run: text starting with = + - @ or a control is quoted with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_summary(store, actor: Actor, person_id) -> dict:
    """A CSV of one person's summary for a partner meeting, referral or CPS file; audited as an export."""
    force_id = require_fsu(store, actor)
    settings = fsu_settings(store)
    with store.engine.begin() as conn:
        good, row = _listed_person(conn, force_id, person_id)
        d = details_sections(conn, good, row, settings, _lpa_names(store))
        write_audit(conn, actor, "export", "fsu_person", row["person_id"], detail={"run": good["id"]})
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["field", "value"])
    for key, value in d["summary"]:
        w.writerow([_cell(key), _cell(value)])
    w.writerow(["statement", "Ranks count past interactions only; they predict nothing and must never reduce "
                             "the service anyone receives."])
    return {"filename": f"fsu-summary-{row['person_id']}-{good['run_date']}.csv", "content": buf.getvalue()}

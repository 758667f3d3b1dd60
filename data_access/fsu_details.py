"""The details page of one listed person: the sections the paper lists, each record linked to its source."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import and_, select

from data_access.schema import crime, crime_person, custody, deployment, incident, offence
from data_access.schema_fsu import fsu_result_incident, incident_party, missing_episode
from scoring import fsu as method
from scoring.settings_fsu import FsuSettings, source_url

UNKNOWN_RELATIONSHIP = "RELATIONSHIP UNKNOWN"


def _dt(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def details_sections(conn, run: dict, row: dict, settings: FsuSettings, lpa_names: dict) -> dict:
    """Sections for one person over the run's window; the caller checks access and audits."""
    pid = row["person_id"]
    start = datetime.combine(run["window_start"], datetime.min.time())
    end = datetime.combine(run["run_date"], datetime.min.time())
    crimes = conn.execute(
        select(crime.c.crime_ref, crime.c.recorded_at, crime.c.location, crime.c.lpa_id, crime.c.outcome_code,
               crime.c.status, offence.c.name.label("offence"), offence.c.category, offence.c.harm_days,
               crime_person.c.role, crime_person.c.relationship, crime_person.c.arrested_on)
        .select_from(crime_person.join(crime, crime.c.id == crime_person.c.crime_id)
                     .outerjoin(offence, offence.c.code == crime.c.offence_code))
        .where(and_(crime_person.c.person_id == pid, crime.c.recorded_at >= start, crime.c.recorded_at < end))
        .order_by(crime.c.recorded_at.desc(), crime.c.crime_ref)).mappings().all()
    investigations = [{
        "ref": c["crime_ref"], "url": source_url(settings, "crime", c["crime_ref"]),
        "recorded": _dt(c["recorded_at"]).date().isoformat(), "role": c["role"], "offence": c["offence"] or "Unclassified",
        "harm": c["harm_days"], "location": c["location"] or "no data",
        "lpa": lpa_names.get(c["lpa_id"], "unknown"),
        # No outcome yet (or a non-crime): the offence group stands in, as the paper does.
        "outcome": method.OUTCOME_WORDS.get(c["outcome_code"], f"Outcome {c['outcome_code']}")
        if c["outcome_code"] else f"Open: {c['category'] or 'unclassified'}",
        "relationship": c["relationship"] or UNKNOWN_RELATIONSHIP,
    } for c in crimes]
    arrests = [{"ref": c["crime_ref"], "url": source_url(settings, "crime", c["crime_ref"]),
                "arrested_on": c["arrested_on"].isoformat() if hasattr(c["arrested_on"], "isoformat")
                else str(c["arrested_on"]), "offence": c["offence"] or "Unclassified"}
               for c in crimes if c["arrested_on"] is not None]
    incidents = _incidents(conn, run, pid, settings, lpa_names)
    cust = conn.execute(select(custody.c.custody_ref, custody.c.arrived_at, custody.c.released_at, custody.c.outcome)
                        .where(and_(custody.c.person_id == pid, custody.c.arrived_at >= start,
                                    custody.c.arrived_at < end)).order_by(custody.c.arrived_at.desc())).mappings().all()
    cap = settings.fsu_custody_hours_cap
    custody_rows = []
    for c in cust:
        arrived, released = _dt(c["arrived_at"]), _dt(c["released_at"])
        # Whole minutes, as the ranking counts them (scoring.fsu.custody_hours).
        minutes = round(((released or end) - arrived).total_seconds() / 60.0)
        hours = min(max(minutes, 0), cap * 60) / 60.0
        custody_rows.append({"ref": c["custody_ref"], "url": source_url(settings, "custody", c["custody_ref"]),
                             "arrived": arrived.strftime("%Y-%m-%d %H:%M"),
                             "released": released.strftime("%Y-%m-%d %H:%M") if released else "still in custody",
                             "hours": round(hours, 1), "outcome": c["outcome"] or "no data"})
    missing = conn.execute(select(missing_episode.c.episode_ref, missing_episode.c.reported_at,
                                  missing_episode.c.found_at, missing_episode.c.risk)
                           .where(and_(missing_episode.c.person_id == pid, missing_episode.c.reported_at >= start,
                                       missing_episode.c.reported_at < end))
                           .order_by(missing_episode.c.reported_at.desc())).mappings().all()
    missing_rows = [{"ref": m["episode_ref"], "url": source_url(settings, "missing", m["episode_ref"]),
                     "reported": _dt(m["reported_at"]).strftime("%Y-%m-%d %H:%M"),
                     "found": _dt(m["found_at"]).strftime("%Y-%m-%d %H:%M") if m["found_at"] else "not recorded",
                     "risk": m["risk"] or "no data"} for m in missing]
    roles = Counter(i["role"] for i in investigations)
    outcomes = Counter(c["outcome"] for c in custody_rows)
    summary = [
        ("name", f"{row['surname'].upper()}, {row['forename']}"),
        ("date of birth", row["dob"].isoformat() if row.get("dob") else "no data"),
        ("PNC id", row.get("pnc_id") or "no data"),
        ("home LPA", lpa_names.get(row["lpa_id"], "unknown") if row["lpa_id"] is not None else "unknown"),
        ("window", f"{run['window_start']} to {run['run_date']} (exclusive)"),
        ("rank: investigations and custody", row["rank_inv_custody"]),
        ("rank: originator", row["rank_originator"]), ("rank: subject", row["rank_subject"]),
        ("rank: overall", row["rank_overall"]), ("people ranked", run.get("people_ranked")),
        *[(f"total: {t}", round(float(row[t]), 1)) for t in method.TOTALS],
        ("harm caused (CCHI days)", round(row["harm_caused"], 1)),
        ("harm received (CCHI days)", round(row["harm_received"], 1)),
        *[(f"investigations as {r}", n) for r, n in sorted(roles.items())],
        ("incidents", len(incidents["rows"])), ("custody records", len(custody_rows)),
        ("custody hours (capped)", round(sum(c["hours"] for c in custody_rows), 1)),
        ("arrests", len(arrests)), ("missing episodes", len(missing_rows)),
    ]
    return {"person_id": pid, "name": summary[0][1], "summary": summary, "investigations": investigations,
            "roles": dict(roles), "arrests": arrests, "incidents": incidents, "custody": custody_rows,
            "custody_outcomes": dict(outcomes), "missing": missing_rows,
            "run_date": str(run["run_date"]), "people_ranked": run.get("people_ranked")}


def _incidents(conn, run: dict, pid: int, settings: FsuSettings, lpa_names: dict) -> dict:
    """The person's linked incidents with resources by group, attendance, call time and callers."""
    rows = conn.execute(
        select(incident.c.id, incident.c.incident_ref, incident.c.opened_at, incident.c.incident_type,
               incident.c.grade, incident.c.location, incident.c.lpa_id, incident.c.call_seconds,
               fsu_result_incident.c.role, fsu_result_incident.c.hours)
        .select_from(fsu_result_incident.join(incident, incident.c.id == fsu_result_incident.c.incident_id))
        .where(and_(fsu_result_incident.c.run_id == run["id"], fsu_result_incident.c.person_id == pid))
        .order_by(incident.c.opened_at.desc())).mappings().all()
    ids = sorted({r["id"] for r in rows})
    deps, callers = [], {}
    for i in range(0, len(ids), 900):
        part = ids[i:i + 900]
        deps += conn.execute(select(deployment.c.incident_id, deployment.c.resource_group, deployment.c.assigned_at,
                                    deployment.c.deployed_at, deployment.c.arrived_at, deployment.c.released_at)
                             .where(deployment.c.incident_id.in_(part))).mappings().all()
        for c in conn.execute(select(incident_party.c.incident_id, incident_party.c.relationship)
                              .where(and_(incident_party.c.incident_id.in_(part),
                                          incident_party.c.role == "originator"))).mappings():
            callers[c["incident_id"]] = c["relationship"]
    units, hours, attended = Counter(), Counter(), set()
    for d in deps:
        starts = [_dt(d[k]) for k in ("assigned_at", "deployed_at", "arrived_at") if d[k] is not None]
        released = _dt(d["released_at"])
        units[d["resource_group"]] += 1
        if starts and released:
            hours[d["resource_group"]] += max((released - min(starts)).total_seconds() / 3600.0, 0.0)
        if d["arrived_at"] is not None:
            attended.add(d["incident_id"])
    out = [{"ref": r["incident_ref"], "url": source_url(settings, "incident", r["incident_ref"]),
            "opened": _dt(r["opened_at"]).strftime("%Y-%m-%d %H:%M"), "role": r["role"], "type": r["incident_type"],
            "grade": r["grade"], "location": r["location"] or "no data", "lpa": lpa_names.get(r["lpa_id"], "unknown"),
            "attended": "yes" if r["id"] in attended else "no",
            "call_minutes": round(r["call_seconds"] / 60.0, 1) if r["call_seconds"] is not None else None,
            "hours": round(r["hours"], 1),
            "caller": (callers.get(r["id"]) or UNKNOWN_RELATIONSHIP) if r["role"] == "subject" else "self"}
           for r in rows]
    call_secs = [r["call_seconds"] for r in rows if r["call_seconds"] is not None]
    return {"rows": out, "types": dict(Counter(r["incident_type"] for r in rows)),
            "grades": dict(Counter(r["grade"] for r in rows)), "attended": len(attended),
            "units": dict(units), "hours": {k: round(v, 1) for k, v in hours.items()},
            "call_minutes": round(sum(call_secs) / 60.0, 1) if call_secs else None}


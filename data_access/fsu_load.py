"""Reads for one frequent-service-user run: the window's records as frames, then the method in scoring."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime

import pandas as pd
from sqlalchemy import String, and_, select, type_coerce

from data_access.schema import (
    crime,
    crime_person,
    custody,
    deployment,
    incident,
    offence,
    person,
    person_address,
    person_alias,
)
from data_access.schema_fsu import incident_party, missing_episode
from scoring import fsu as method
from scoring.fsu_linking import link_parties, unlinked_counts
from scoring.settings_fsu import FsuSettings

IN_CHUNK = 900  # ids per IN (...) list: under SQLite's bound-parameter limit on every version


def frame(conn, stmt) -> pd.DataFrame:
    """Rows of a select as a DataFrame with the select's column names."""
    res = conn.execute(stmt)
    return pd.DataFrame(res.fetchall(), columns=list(res.keys()))


def _driver_param(dialect: str, value):
    # SQLite keeps timestamps as SQLAlchemy's text format; compare like with like.
    if dialect == "sqlite" and isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if dialect == "sqlite" and isinstance(value, date):
        return value.isoformat()
    return value


def bulk_frame(conn, stmt) -> pd.DataFrame:
    """Like frame(), through the driver's cursor: a run reads millions of values, and SQLAlchemy's
    per-row result processing costs ten times the query itself (dates stay text on SQLite)."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    dialect = conn.dialect.name
    if compiled.positiontup is not None:
        args = [_driver_param(dialect, params[k]) for k in compiled.positiontup]
    else:
        args = {k: _driver_param(dialect, v) for k, v in params.items()}
    cur = conn.connection.cursor()
    try:
        cur.execute(str(compiled), args)
        rows = cur.fetchall()
        cols = [d[0] for d in cur.description]
    finally:
        cur.close()
    return pd.DataFrame(rows, columns=cols)


def _raw(col):
    # Timestamps come back as text on SQLite and are parsed by pandas in one vectorised pass.
    return type_coerce(col, String).label(col.name)


def _ts(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="mixed", errors="coerce")


def chunked(ids) -> list:
    ids = sorted({int(i) for i in ids})
    return [ids[i:i + IN_CHUNK] for i in range(0, len(ids), IN_CHUNK)]


def load_window(conn, force_id: int, start: datetime, end: datetime) -> dict:
    """The window's crime roles, custody, incident parties, deployments, person versions, missing episodes."""
    in_window = and_(crime.c.force_id == force_id, crime.c.recorded_at >= start, crime.c.recorded_at < end)
    roles = bulk_frame(conn, select(crime_person.c.person_id, crime_person.c.crime_id, crime_person.c.role)
                  .select_from(crime_person.join(crime, crime.c.id == crime_person.c.crime_id)).where(in_window))
    cust = bulk_frame(conn, select(custody.c.person_id, _raw(custody.c.arrived_at), _raw(custody.c.released_at))
                 .where(and_(custody.c.force_id == force_id, custody.c.arrived_at >= start,
                             custody.c.arrived_at < end)))
    inc_ok = and_(incident.c.force_id == force_id, incident.c.opened_at >= start, incident.c.opened_at < end,
                  incident.c.pre_planned.is_(False))
    deps = bulk_frame(conn, select(deployment.c.incident_id, _raw(deployment.c.assigned_at), _raw(deployment.c.deployed_at),
                              _raw(deployment.c.arrived_at), _raw(deployment.c.released_at))
                 .select_from(deployment.join(incident, incident.c.id == deployment.c.incident_id)).where(inc_ok))
    parties = bulk_frame(conn, select(incident_party.c.id.label("party_id"), incident_party.c.incident_id,
                                 incident_party.c.role, incident_party.c.forename, incident_party.c.surname,
                                 _raw(incident_party.c.dob), incident_party.c.pnc_id)
                    .select_from(incident_party.join(incident, incident.c.id == incident_party.c.incident_id))
                    .where(inc_ok))
    own = bulk_frame(conn, select(person.c.id.label("person_id"), person.c.forename, person.c.surname,
                             _raw(person.c.dob), person.c.pnc_id).where(person.c.force_id == force_id))
    alias = bulk_frame(conn, select(person_alias.c.person_id, person_alias.c.forename, person_alias.c.surname,
                               _raw(person_alias.c.dob))
                  .select_from(person_alias.join(person, person.c.id == person_alias.c.person_id))
                  .where(person.c.force_id == force_id))
    alias["pnc_id"] = None
    missing = bulk_frame(conn, select(missing_episode.c.person_id)
                    .where(and_(missing_episode.c.force_id == force_id, missing_episode.c.reported_at >= start,
                                missing_episode.c.reported_at < end)))
    return {"roles": roles, "custody": cust, "deployments": deps, "parties": parties,
            "versions": pd.concat([own, alias], ignore_index=True), "missing": missing}


def rank_people(data: dict, settings: FsuSettings, end: datetime) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(ranked people with totals, scores, ranks and `listed`; linked parties with hours; link counts)."""
    cust = data["custody"]
    cust = pd.DataFrame({"person_id": cust["person_id"],
                         "hours": method.custody_hours(_ts(cust["arrived_at"]), _ts(cust["released_at"]),
                                                       settings.fsu_custody_hours_cap, as_of=end)})
    deps = data["deployments"]
    for col in ("assigned_at", "deployed_at", "arrived_at", "released_at"):
        deps[col] = _ts(deps[col])
    hours = method.incident_resource_hours(deps)
    parties = data["parties"]
    links = link_parties(parties, data["versions"])
    linked = parties[["party_id", "incident_id", "role"]].merge(links, on="party_id")
    linked = linked[linked["person_id"].notna()].astype({"person_id": "int64"})
    totals = method.compute_totals(data["roles"], cust, linked, hours)
    ranked = method.score_and_rank(totals, settings)
    linked = linked.assign(hours=linked["incident_id"].map(hours).fillna(0.0).to_numpy())
    return ranked, linked, unlinked_counts(links)


def listed_extras(conn, listed: pd.DataFrame, roles: pd.DataFrame, missing: pd.DataFrame,
                  settings: FsuSettings) -> pd.DataFrame:
    """Harm caused and received, themes, offence categories, investigation LPAs and home LPA per listed person."""
    ids = listed.index.to_numpy()
    r = roles[roles["person_id"].isin(ids)]
    crimes = []
    for part in chunked(r["crime_id"]):
        crimes.append(frame(conn, select(crime.c.id.label("crime_id"), crime.c.lpa_id, crime.c.flags,
                                         crime.c.domestic_abuse, crime.c.summary, offence.c.category,
                                         offence.c.harm_days)
                            .select_from(crime.outerjoin(offence, offence.c.code == crime.c.offence_code))
                            .where(crime.c.id.in_(part))))
    cr = pd.concat(crimes, ignore_index=True) if crimes else pd.DataFrame(
        columns=["crime_id", "lpa_id", "flags", "domestic_abuse", "summary", "category", "harm_days"])
    cr["themes"] = [method.crime_themes(f, bool(d), s, settings.fsu_theme_keywords)
                    for f, d, s in zip(cr["flags"], cr["domestic_abuse"], cr["summary"])]
    rc = r.merge(cr, on="crime_id", how="left")
    addresses = []
    for part in chunked(ids):
        addresses.append(frame(conn, select(person_address.c.person_id, person_address.c.lpa_id,
                                            person_address.c.from_date).where(person_address.c.person_id.in_(part))))
    addr = pd.concat(addresses, ignore_index=True) if addresses else pd.DataFrame(
        columns=["person_id", "lpa_id", "from_date"])
    miss = missing.groupby("person_id").size()
    rows = []
    for pid in ids.tolist():
        mine = rc[rc["person_id"] == pid]
        by_crime = mine.drop_duplicates("crime_id")
        caused = mine[mine["role"].isin(["suspect", "offender"])].drop_duplicates("crime_id")["harm_days"].sum()
        received = mine[mine["role"] == "victim"].drop_duplicates("crime_id")["harm_days"].sum()
        themes = set().union(*by_crime["themes"].dropna()) if len(by_crime) else set()
        lpas = Counter(int(x) for x in by_crime["lpa_id"].dropna())
        rows.append({"person_id": pid, "harm_caused": float(caused or 0.0), "harm_received": float(received or 0.0),
                     "theme_da": "DA" in themes, "theme_mh": "MH" in themes, "theme_cse": "CSE" in themes,
                     "theme_ca": "CA" in themes, "missing_count": int(miss.get(pid, 0)),
                     "categories": "|".join(sorted(set(by_crime["category"].dropna()))),
                     "investigation_lpas": json.dumps({str(k): v for k, v in sorted(lpas.items())}),
                     "lpa_id": home_lpa(addr[addr["person_id"] == pid])})
    return pd.DataFrame(rows).set_index("person_id")


def home_lpa(addresses: pd.DataFrame) -> int | None:
    """The LPA most of a person's recorded home addresses are in; ties go to the latest address; None unknown."""
    a = addresses.dropna(subset=["lpa_id"])
    if a.empty:
        return None
    counts = a.groupby("lpa_id").agg(n=("lpa_id", "size"),
                                     latest=("from_date", lambda s: max((d for d in s if d is not None),
                                                                        default=date.min)))
    best = counts.sort_values(["n", "latest"], ascending=False).index[0]
    return int(best)

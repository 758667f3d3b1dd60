"""Generator step for frequent service users: parties as call handlers typed them, missing episodes.

Runs after the core force is written and reads it back. The core incidents already carry who called
and who the call was about (heavy-tailed repeat callers and subjects); this step writes those people
the way a busy call handler records them: sometimes an alias spelling, a typo no record has, the
surname in capitals, no date of birth, a date of birth a day out (a near miss that must not link),
and a PNC id only now and then. It also adds missing-person episodes, a few young people going
missing again and again (the heavy tail the paper's 'missing persons' theme is for).
"""

from __future__ import annotations

import json
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from data_access import schema as S
from demo.extract import load_more
from demo.generate import PRESETS, name_variant
from data_access.schema_fsu import fsu_result_incident, fsu_run, incident_party, missing_episode

RELATIONSHIPS = ("parent", "partner", "ex-partner", "neighbour", "friend", "sibling", "professional",
                 "member of the public")
# Episodes a year per recorded crime (about 1 in 40: West Midlands records some 8,000 a year).
MISSING_PER_CRIME = 1 / 40
RISKS = ("high", "medium", "low", "absent")


def _read(engine, stmt) -> pd.DataFrame:
    with engine.connect() as conn:
        res = conn.execute(stmt)
        return pd.DataFrame(res.fetchall(), columns=list(res.keys()))


def _parties(rng, inc: pd.DataFrame, people: pd.DataFrame, aliases: pd.DataFrame) -> dict:
    """Typed originator and subject details for every incident that names a person."""
    o = inc[inc["originator_person_id"].notna()]
    s = inc[inc["subject_person_id"].notna()]
    rows = pd.DataFrame({
        "incident_id": np.concatenate([o["id"].to_numpy(), s["id"].to_numpy()]),
        "force_id": np.concatenate([o["force_id"].to_numpy(), s["force_id"].to_numpy()]),
        "role": np.array(["originator"] * len(o) + ["subject"] * len(s), dtype=object),
        "truth": np.concatenate([o["originator_person_id"].to_numpy(np.int64),
                                 s["subject_person_id"].to_numpy(np.int64)]),
    })
    n = len(rows)
    pidx = people.index.get_indexer(rows["truth"].to_numpy())
    fore = people["forename"].to_numpy(object)[pidx].copy()
    sur = people["surname"].to_numpy(object)[pidx].copy()
    dob = people["dob"].to_numpy("datetime64[D]")[pidx].copy()
    pnc = people["pnc_id"].to_numpy(object)[pidx].copy()
    u = rng.random((n, 6))
    # An alias spelling (a known version of the person) on about one typed record in eight.
    first_alias = aliases.drop_duplicates("person_id").set_index("person_id")
    aidx = first_alias.index.get_indexer(rows["truth"].to_numpy())
    use_alias = (aidx >= 0) & (u[:, 0] < 0.5)
    fore[use_alias] = first_alias["forename"].to_numpy(object)[aidx[use_alias]]
    sur[use_alias] = first_alias["surname"].to_numpy(object)[aidx[use_alias]]
    adob = first_alias["dob"].to_numpy("datetime64[D]")
    dob[use_alias] = adob[aidx[use_alias]]
    # A spelling no record has (about 4%): cannot link on name, only on a PNC id if one was typed.
    typo = np.flatnonzero(u[:, 1] < 0.04)
    ks = rng.integers(0, 1_000_000, len(typo))
    for i, k in zip(typo.tolist(), ks.tolist()):
        if k % 2:
            sur[i] = name_variant(str(sur[i]), {}, k)
        else:
            fore[i] = name_variant(str(fore[i]), {}, k)
    shout = u[:, 2] < 0.2
    sur[shout] = np.array([str(x).upper() for x in sur[shout]], dtype=object)
    is_orig = rows["role"].to_numpy() == "originator"
    no_dob = u[:, 3] < np.where(is_orig, 0.14, 0.08)
    dob[no_dob] = np.datetime64("NaT")
    # PNC ids: typed for about half of the subjects who have one, rarely for callers.
    keep_pnc = u[:, 4] < np.where(is_orig, 0.08, 0.45)
    pnc = np.where(keep_pnc, pnc, None)
    # Near misses: a date of birth one day out and no PNC id; must stay unlinked.
    near = (u[:, 5] < 0.015) & ~np.isnat(dob)
    dob[near] = dob[near] + np.timedelta64(1, "D")
    pnc[near] = None
    # Who the caller is to the subject, when the call names both.
    both = inc.set_index("id")[["originator_person_id", "subject_person_id"]]
    pair = both.reindex(rows["incident_id"].to_numpy())
    rel = np.full(n, None, dtype=object)
    has_both = is_orig & pair["subject_person_id"].notna().to_numpy()
    same = has_both & (pair["originator_person_id"].to_numpy() == pair["subject_person_id"].to_numpy())
    rel[has_both] = np.array(RELATIONSHIPS, dtype=object)[rng.integers(0, len(RELATIONSHIPS), int(has_both.sum()))]
    rel[has_both & (rng.random(n) < 0.3)] = None  # not asked or not recorded
    rel[same] = "self"
    return {"incident_id": rows["incident_id"].to_numpy(np.int64), "force_id": rows["force_id"].to_numpy(np.int64),
            "role": rows["role"].tolist(), "forename": fore.tolist(), "surname": sur.tolist(), "dob": dob,
            "pnc_id": pnc.tolist(), "relationship": rel.tolist()}


def _missing(rng, today: date, preset, people: pd.DataFrame, lpa_of: pd.Series, force_id: int) -> dict:
    """Missing-person episodes over the last year: most people once, a few many times."""
    n_eps = max(20, int(PRESETS[preset].crimes_per_year * MISSING_PER_CRIME))
    age_days = (np.datetime64(today, "D") - people["dob"].to_numpy("datetime64[D]")).astype("timedelta64[D]")
    age = age_days.astype(float) / 365.25
    young = people.index[(age >= 11) & (age < 18)].to_numpy()
    adults = people.index[(age >= 18) & (age < 70)].to_numpy()
    if not len(young) or not len(adults):
        return {}
    # A repeat minority (children in care, people in crisis) with a Pareto tail, capped at 40.
    n_repeat = max(5, n_eps // 40)
    repeat_counts = np.minimum(1 + np.floor(rng.pareto(1.2, n_repeat) * 3).astype(int), 40)
    repeat_people = rng.choice(young, size=min(n_repeat, len(young)), replace=False)
    repeat_counts = repeat_counts[: len(repeat_people)]
    n_single = max(0, n_eps - int(repeat_counts.sum()))
    single = np.where(rng.random(n_single) < 0.6, rng.choice(young, n_single), rng.choice(adults, n_single))
    who = np.concatenate([np.repeat(repeat_people, repeat_counts), single]).astype(np.int64)
    m = len(who)
    start = np.datetime64(datetime.combine(today, datetime.min.time()), "m")
    reported = start - rng.integers(6 * 60, 365 * 1440, m).astype("timedelta64[m]")
    found_after = np.round(rng.lognormal(np.log(14 * 60), 1.0, m)).astype(np.int64)
    found = reported + found_after.astype("timedelta64[m]")
    as_of = start + np.timedelta64(6 * 60, "m")
    found = np.where(found > as_of, np.datetime64("NaT"), found)
    order = np.argsort(reported, kind="stable")
    who, reported, found = who[order], reported[order], found[order]
    refs = [f"MP-{str(d)[:4]}-{i:06d}" for i, d in enumerate(reported.astype("datetime64[D]").tolist(), start=1)]
    risk = np.array(RISKS, dtype=object)[rng.choice(4, m, p=[0.12, 0.48, 0.25, 0.15])]
    lpa = lpa_of.reindex(who).to_numpy()
    return {"episode_ref": refs, "force_id": np.full(m, force_id, dtype=np.int64),
            "lpa_id": [None if pd.isna(x) else int(x) for x in lpa], "person_id": who,
            "reported_at": reported.astype("datetime64[us]"), "found_at": found.astype("datetime64[us]"),
            "risk": risk.tolist()}


def extend(engine, preset: str, seed: int, today: date, settings=None, extract_dir=None) -> dict:
    """frequent service users: typed incident parties and missing-person episodes"""
    rng = np.random.default_rng([seed, 4004])
    inc = _read(engine, select(S.incident.c.id, S.incident.c.incident_ref, S.incident.c.force_id,
                               S.incident.c.originator_person_id, S.incident.c.subject_person_id)
                .order_by(S.incident.c.id))
    people = _read(engine, select(S.person.c.id, S.person.c.forename, S.person.c.surname, S.person.c.dob,
                                  S.person.c.pnc_id).order_by(S.person.c.id)).set_index("id")
    if people.empty:
        return {"incident_party": 0, "missing_episode": 0}
    people["dob"] = pd.to_datetime(people["dob"])
    aliases = _read(engine, select(S.person_alias.c.person_id, S.person_alias.c.forename, S.person_alias.c.surname,
                                   S.person_alias.c.dob).order_by(S.person_alias.c.id))
    aliases["dob"] = pd.to_datetime(aliases["dob"])
    addresses = _read(engine, select(S.person_address.c.person_id, S.person_address.c.lpa_id)
                      .order_by(S.person_address.c.id))
    lpa_of = addresses.drop_duplicates("person_id").set_index("person_id")["lpa_id"]
    force_id = int(inc["force_id"].iloc[0]) if len(inc) else 1
    parties = _parties(rng, inc, people, aliases) if len(inc) else {}
    missing = _missing(rng, today, preset, people, lpa_of, force_id)
    counts = load_more(engine, settings, today, [(incident_party, parties), (missing_episode, missing)],
                       extract_dir, incident_ref=dict(zip(inc["id"].tolist(), inc["incident_ref"])))
    counts.update(first_run(engine, force_id, today, settings))
    return counts


def first_run(engine, force_id: int, today: date, settings=None) -> dict:
    """The first ranking, written with the data so a new deployment shows a list (the run row says so)."""
    from data_access.fsu import compute_run, write_results
    from scoring.settings_fsu import FsuSettings

    fsu_cfg = FsuSettings()  # the generator's data, the documented defaults
    ranked_n, rows, linked, link_counts = compute_run(engine, force_id, today, fsu_cfg, lambda *_: None)
    now = datetime.combine(today, datetime.min.time())
    start = method_window_start(today, fsu_cfg.fsu_window_months)
    with engine.begin() as conn:
        run_id = conn.execute(fsu_run.insert().values(
            force_id=force_id, status="succeeded", requested_at=now, started_at=now, finished_at=now,
            run_date=today, window_start=start, parameters=json.dumps(fsu_cfg.__dict__, default=str),
            people_ranked=ranked_n, people_listed=len(rows), link_counts=json.dumps(link_counts),
            message="first run, written by the generator")).inserted_primary_key[0]
        write_results(conn, run_id, force_id, rows, linked)
        n_inc = conn.execute(select(func.count()).select_from(fsu_result_incident)).scalar_one()
    return {"fsu_run": 1, "fsu_result": len(rows), "fsu_result_incident": int(n_inc)}


def method_window_start(today: date, months: int) -> date:
    from scoring.fsu import window_start

    return window_start(today, months).date()


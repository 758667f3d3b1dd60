"""The demo force's investigation events, as a records system would hold them; the task engine derives the work."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.bail import bail_end, bail_start_from_arrest

NA = -(10**9)
REVIEW_SPREAD = 40  # days back over which the latest review, contact or RUI review falls
OEL_SPREAD = 20
# Within a day, events happen in this order (an arrest before the release on bail, and so on).
ORDER = {k: i for i, k in enumerate((
    "allocated", "suspect_named", "statement", "arrest", "bail_granted", "rui", "bail_extended", "fts",
    "bail_ended", "log_entry", "supervisor_review", "rui_review", "victim_contact", "links_reviewed"))}
STAGES = ("initial", "first_extension", "second_extension", "complex", "court")
EXTENSION_RANK = {"first_extension": "Insp", "second_extension": "Supt", "complex": "ACC"}


def build_events(g) -> dict:
    """Columns of the crime_event table for the generator's open crimes."""
    cr, rng = g.cr, g.rng
    n = len(cr)
    is_open = cr["open"].to_numpy()
    oc = np.flatnonzero(is_open)
    k = len(oc)
    rec = cr["rec_day"].to_numpy()
    alloc = cr["alloc_day"].to_numpy()
    oic = cr["oic"].to_numpy()
    sergeant = dict(zip(g.teams["id"], g.teams["sergeant"]))
    sgt = np.array([sergeant[t] for t in cr["team"].to_numpy()])
    parts: list[pd.DataFrame] = []

    def add(crime_idx, kind, day, officer=None, person=None, stage=None, ends=None, rank=None):
        m = len(crime_idx)
        if not m:
            return

        def arr(x, fill, dtype):
            x = fill if x is None else x
            return np.full(m, x, dtype=dtype) if np.ndim(x) == 0 else np.asarray(x)
        parts.append(pd.DataFrame({
            "crime": np.asarray(crime_idx), "kind": kind, "day": np.asarray(day, dtype=np.int64),
            "officer": arr(officer, NA, np.int64), "person": arr(person, NA, np.int64),
            "stage": arr(stage, None, object), "ends": arr(ends, NA, np.int64), "rank": arr(rank, None, object)}))

    # Allocation, then supervisor reviews: the first soon after, the latest up to REVIEW_SPREAD days ago.
    oa = oc[alloc[oc] != NA]
    add(oa, "allocated", alloc[oa], officer=oic[oa])
    age = -alloc[oa]
    waiting = (age <= 6) | ((age <= 10) & (rng.random(len(oa)) < 0.5))
    pi = oa[~waiting]
    first_done = np.minimum(alloc[pi] + rng.integers(2, 10, len(pi)), -1)
    last = np.minimum(np.maximum(-np.floor(rng.uniform(0, REVIEW_SPREAD, len(pi))).astype(np.int64), first_done), 0)
    add(pi, "supervisor_review", first_done, officer=sgt[pi])
    later = last > first_done
    add(pi[later], "supervisor_review", last[later], officer=sgt[pi[later]])
    # The latest investigation log entry.
    last = np.minimum(np.maximum(-np.floor(rng.uniform(0, OEL_SPREAD, k)).astype(np.int64), rec[oc]), 0)
    entry = last > rec[oc]
    add(oc[entry], "log_entry", last[entry], officer=oic[oc[entry]])
    # Suspects: named, arrested; statements.
    s = g.s
    sc = s["crime"].to_numpy()
    on = is_open[sc]
    named = on & (s["status"].to_numpy() != "eliminated")
    add(sc[named], "suspect_named", s["named_day"].to_numpy()[named], officer=oic[sc[named]],
        person=s["person"].to_numpy()[named])
    arrest = s["arrest_day"].to_numpy()
    arrested = on & (arrest != NA)
    add(sc[arrested], "arrest", arrest[arrested], officer=oic[sc[arrested]], person=s["person"].to_numpy()[arrested])
    fs = cr["first_statement_day"].to_numpy()
    st_i = oc[fs[oc] != NA]
    add(st_i, "statement", fs[st_i], officer=oic[st_i])
    # Bail, RUI and failures to surrender, stage by stage.
    development = np.full(n, NA, dtype=np.int64)
    np.maximum.at(development, sc[arrested], arrest[arrested])
    _bail_events(g, add, oic, development)
    # Victim contacts: after the latest development, unless it was in the last eight days.
    victims = np.zeros(n, dtype=bool)
    victims[g.v["crime"].to_numpy()] = True
    vc = oc[victims[oc]]
    ev = development[vc]
    recent = (ev != NA) & (ev >= -8)
    last = np.minimum(np.maximum(-np.floor(rng.uniform(0, REVIEW_SPREAD, len(vc))).astype(np.int64), rec[vc]), 0)
    last = np.where(recent, np.minimum(last, ev - 1), np.where(ev != NA, np.maximum(last, ev + rng.integers(0, 4, len(vc))), last))
    last = np.minimum(last, 0)
    contacted = last > rec[vc]
    add(vc[contacted], "victim_contact", last[contacted], officer=oic[vc[contacted]])
    # Linked crimes: about a third already reviewed (never the demo officer's showcase pair).
    li = oc[g.linked[oc]]
    reviewed = (rng.random(len(li)) < 0.3) & (cr["scenario"].to_numpy()[li] != "linked")
    add(li[reviewed], "links_reviewed", np.minimum(rec[li[reviewed]] + 3, 0), officer=sgt[li[reviewed]])

    e = pd.concat(parts, ignore_index=True)
    e["order"] = e["kind"].map(ORDER)
    e = e.sort_values(["crime", "day", "order"], kind="stable", ignore_index=True)
    m = len(e)
    day = e["day"].to_numpy(np.int64)
    minute = day * 1440 + 8 * 60 + e["order"].to_numpy() * 30 + rng.integers(0, 25, m)
    # Nothing happens after the data's cut-off, nor before the crime was reported.
    crime_idx = e["crime"].to_numpy(np.int64)
    minute = np.maximum(np.minimum(minute, g.as_of - 60 + e["order"].to_numpy()), cr["rep_min"].to_numpy()[crime_idx])
    refs = cr["crime_ref"].to_numpy()[crime_idx]
    seq = e.groupby("crime").cumcount().to_numpy()
    recorded = g.datetimes(np.full(m, g.as_of))
    return {
        "id": np.arange(1, m + 1), "crime_id": cr["id"].to_numpy()[crime_idx], "kind": e["kind"].tolist(),
        "at": g.datetimes(minute), "person_id": _opt(e["person"].to_numpy(np.int64)),
        "officer_id": _opt(e["officer"].to_numpy(np.int64)), "officer_rank": e["rank"].tolist(),
        "stage": e["stage"].tolist(), "ends_on": g.dates(e["ends"].to_numpy(np.int64)),
        "value": [None] * m, "rule_id": [None] * m, "detail": [None] * m, "origin": ["source"] * m,
        "source_ref": [f"{r}/E{i + 1}" for r, i in zip(refs.tolist(), seq.tolist())],
        "reconciliation": [None] * m, "matched_event_id": [None] * m, "recorded_at": recorded,
    }


def _opt(a: np.ndarray) -> list:
    return [None if x == NA else int(x) for x in a.tolist()]


def _bail_events(g, add, oic, development) -> None:
    """Events that leave each generated bail row in its state: granted, extended, ended, RUI or FTS."""
    b, st, rng = g.bail, g.settings, g.rng
    if not len(b):
        return
    crime_idx = b["crime"].to_numpy()
    person = b["person"].to_numpy()
    arrest = b["arrest"].to_numpy()
    status = b["status"].to_numpy()
    stage = b["stage"].to_numpy()
    ends = b["ends"].to_numpy()
    on_bail = np.isin(status, ["bail", "fts", "ended"])
    i = np.flatnonzero(on_bail)
    add(crime_idx[i], "bail_granted", arrest[i], officer=oic[crime_idx[i]], person=person[i], stage="initial",
        rank="PS")
    np.maximum.at(development, crime_idx[i], arrest[i])
    r = np.flatnonzero(status == "rui")
    add(crime_idx[r], "rui", arrest[r], officer=oic[crime_idx[r]], person=person[r])
    np.maximum.at(development, crime_idx[r], arrest[r])
    last = np.minimum(np.maximum(-np.floor(rng.uniform(0, REVIEW_SPREAD, len(r))).astype(np.int64), arrest[r]), 0)
    reviewed = last > arrest[r]
    add(crime_idx[r[reviewed]], "rui_review", last[reviewed], officer=oic[crime_idx[r[reviewed]]],
        person=person[r[reviewed]])
    # Extensions: each a few days before the stage it extends would have ended.
    ext = np.flatnonzero((status == "bail") & (stage != "initial") & (stage != None))  # noqa: E711
    for j in ext.tolist():
        a = g.day(int(arrest[j]))
        start = bail_start_from_arrest(a)
        reached = STAGES.index(stage[j])
        steps = list(STAGES[1:reached + 1])
        if stage[j] == "court" and "complex" in steps:
            steps.remove("complex")
        prev = "initial"
        for nxt in steps:
            prev_end = bail_end(start, prev, a, st)
            when = min(g.offset_of(prev_end) - int(rng.integers(2, 10)), -1)
            court_end = int(ends[j]) if nxt == "court" else NA
            add(np.array([crime_idx[j]]), "bail_extended", np.array([when]), officer=None,
                person=np.array([person[j]]), stage=nxt, ends=court_end, rank=EXTENSION_RANK.get(nxt))
            development[crime_idx[j]] = max(development[crime_idx[j]], when)
            prev = nxt
    f = np.flatnonzero(status == "fts")
    add(crime_idx[f], "fts", np.minimum(ends[f], 0), officer=oic[crime_idx[f]], person=person[f])
    d = np.flatnonzero(status == "ended")
    ended = np.minimum(arrest[d] + rng.integers(5, 60, len(d)), 0)
    add(crime_idx[d], "bail_ended", ended, officer=oic[crime_idx[d]], person=person[d])
    np.maximum.at(development, crime_idx[d], ended)

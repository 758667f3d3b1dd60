"""Re-deriving crimes' tasks and bail episodes from their events with the task engine, inside the caller's transaction."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import pandas as pd
from sqlalchemy import bindparam, select

from data_access.schema import bail, crime, crime_link, crime_person, custody, offence, task
from data_access.schema_events import crime_event
from data_access.store import bump_officer_versions, bump_team_versions, bump_version
from scoring.cdi import check_crimes
from scoring.events import Event
from scoring.settings import RuleSettings
from scoring.task_engine import CrimeFacts, derive

IN_CHUNK = 900  # ids per IN (...) list: under SQLite's bound-parameter limit on every version
WRITE_CHUNK = 5000  # rows per executemany
# Crimes re-derived together: a whole force at once held every crime's events, tasks and results in memory
# (3.7 GB at west-midlands scale); a batch bounds that to a few hundred MB at no cost in time.
DERIVE_BATCH = 20_000

# Columns the engine sets on a task row; a row whose values all match is left alone.
TASK_FIELDS = ("kind", "rule_id", "basis_date", "due_date", "detail", "status", "completed_at", "completed_by",
               "completion", "event_id", "completed_in", "bail_id")
BAIL_FIELDS = ("person_id", "arrested_on", "bail_start", "stage", "ends_on", "status", "updated_at",
               "authorised_by", "authorised_rank")


def _chunks(ids: list) -> list[list]:
    return [ids[i:i + IN_CHUNK] for i in range(0, len(ids), IN_CHUNK)]


def _rows(conn, query, column, ids: list | None) -> list:
    """Rows of a query, for every crime (ids None) or for these crime ids."""
    if ids is None:
        return conn.execute(query).all()
    if ids and ids[-1] - ids[0] + 1 == len(ids) and ids == sorted(ids):
        # A run of consecutive ids (a full load's new crimes): one range query instead of hundreds of IN lists.
        return conn.execute(query.where(column.between(ids[0], ids[-1]))).all()
    rows = []
    for part in _chunks(ids):
        rows.extend(conn.execute(query.where(column.in_(part))).all())
    return rows


def _read(conn, query, column, ids: list | None) -> pd.DataFrame:
    """Rows of a query, for every crime (ids None) or for these crime ids, as one frame."""
    rows = _rows(conn, query, column, ids)
    return pd.DataFrame([r._mapping for r in rows]) if rows else pd.DataFrame()


def _frame(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The frame itself, or an empty one with these columns when the query found nothing."""
    return rows if len(rows) else pd.DataFrame(columns=columns)


def _day(value) -> date | None:
    if value is None or (not isinstance(value, (date, datetime)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return value.date() if isinstance(value, datetime) else value


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _str(value) -> str | None:
    """Text, or None for a missing value (pandas turns some missing text into NaN)."""
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def load_inputs(conn, settings: RuleSettings, crime_ids: list | None) -> tuple[dict, dict, pd.DataFrame]:
    """Each crime's facts and events, and the crime rows (team and officer in charge) they belong to."""
    cols = [crime.c.id, crime.c.team_id, crime.c.oic_id, crime.c.offence_code, crime.c.occurred_on,
            crime.c.reported_at, crime.c.recorded_at, crime.c.status, crime.c.finalised, crime.c.outcome_code,
            crime.c.outcome_date, crime.c.domestic_abuse, crime.c.victim_decision]
    cr = _frame(_read(conn, select(*cols), crime.c.id, crime_ids), [c.name for c in cols])
    # In id order, so new tasks get their ids in the same order on every database.
    cr = cr.sort_values("id", kind="stable", ignore_index=True)
    ids = [int(x) for x in cr["id"]]
    scope = None if crime_ids is None else ids
    # Sets straight from the rows: a frame of the offence table cost more than the rest of one crime's reads.
    off = conn.execute(select(offence.c.code, offence.c.summary_only, offence.c.common_assault)
                       .where(offence.c.summary_only | offence.c.common_assault)).all()
    summary = {code for code, only, _ in off if only}
    common = {code for code, _, assault in off if assault}
    parties = _frame(_read(conn, select(crime_person.c.crime_id, crime_person.c.role, crime_person.c.enhanced_rights,
                                        crime_person.c.suspect_status), crime_person.c.crime_id, scope),
                     ["crime_id", "role", "enhanced_rights", "suspect_status"])
    victims = parties[parties["role"] == "victim"]
    has_victim = set(victims["crime_id"].astype(int))
    enhanced = set(victims.loc[victims["enhanced_rights"].astype(bool), "crime_id"].astype(int))
    # A crime is linked when it stands on either side of a link, so both sides are read for the scope.
    link_query = select(crime_link.c.crime_id, crime_link.c.linked_crime_id)
    linked = set()
    for side in ((crime_link.c.crime_id,) if scope is None else (crime_link.c.crime_id, crime_link.c.linked_crime_id)):
        for a, b in _rows(conn, link_query, side, scope):
            linked.update((int(a), int(b)))
    custody_rows = _frame(_read(conn, select(custody.c.crime_id, custody.c.outcome), custody.c.crime_id, scope),
                          ["crime_id", "outcome"])
    suspects = parties[parties["role"].isin(["suspect", "offender"])][["crime_id", "suspect_status"]]
    findings: dict[int, list] = defaultdict(list)
    if len(cr):
        found = check_crimes(cr, suspects, custody_rows, settings)
        for row in found.itertuples(index=False):
            findings[int(row.crime_id)].append((row.rule_id, row.kind, str(row.explanation)))
    facts = {}
    for r in cr.itertuples(index=False):
        cid = int(r.id)
        code = r.offence_code
        facts[cid] = CrimeFacts(
            crime_id=cid, occurred_on=_day(r.occurred_on), recorded_on=_day(r.recorded_at),
            finalised=bool(r.finalised) or r.status == "finalised", outcome_date=_day(r.outcome_date),
            summary_only=code in summary, domestic_common_assault=bool(r.domestic_abuse) and code in common,
            has_victim=cid in has_victim, victim_enhanced=cid in enhanced, has_links=cid in linked,
            findings=tuple(findings.get(cid, ())))
    ev_cols = [crime_event.c.id, crime_event.c.crime_id, crime_event.c.kind, crime_event.c.at,
               crime_event.c.person_id, crime_event.c.officer_id, crime_event.c.officer_rank, crime_event.c.stage,
               crime_event.c.ends_on, crime_event.c.value, crime_event.c.rule_id, crime_event.c.origin]
    # A Beacon completion the source has since confirmed is the source's event now: counted once, from there.
    query = select(*ev_cols).where((crime_event.c.origin == "source") |
                                   (crime_event.c.reconciliation.is_(None)) |
                                   (crime_event.c.reconciliation != "confirmed"))
    events: dict[int, list] = defaultdict(list)
    # Straight from the rows, which already hold Python values: a frame only to be walked row by row again
    # cost most of a single completion's reads.
    for e in _rows(conn, query, crime_event.c.crime_id, scope):
        events[int(e.crime_id)].append(Event(
            int(e.id), e.kind, e.at, person_id=_int(e.person_id), officer_id=_int(e.officer_id),
            officer_rank=_str(e.officer_rank), stage=_str(e.stage), ends_on=_day(e.ends_on), value=_int(e.value),
            rule_id=_str(e.rule_id), origin=e.origin))
    return facts, events, cr


def _same(a, b) -> bool:
    # pandas reads a missing value back as NaN or NaT; the engine says None.
    if a is pd.NaT or (isinstance(a, float) and pd.isna(a)):
        a = None
    if b is pd.NaT or (isinstance(b, float) and pd.isna(b)):
        b = None
    if isinstance(a, pd.Timestamp):
        a = a.to_pydatetime()
    if isinstance(b, pd.Timestamp):
        b = b.to_pydatetime()
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a.replace(microsecond=0) == b.replace(microsecond=0)
    return a == b


def _existing(conn, table, cols, crime_ids: list | None) -> dict:
    out = {}
    for row in _rows(conn, select(table.c.id, table.c.crime_id, *cols), table.c.crime_id, crime_ids):
        r = dict(row._mapping)
        key = r.get("task_key") or r.get("episode_key")
        out[(int(r["crime_id"]), key)] = r
    return out


def _write(conn, table, inserts: list, updates: list, deletes: list) -> None:
    """Insert, update (by id) and delete rows in chunks."""
    for part in _chunks(deletes):
        conn.execute(table.delete().where(table.c.id.in_(part)))
    for i in range(0, len(inserts), WRITE_CHUNK):
        conn.execute(table.insert(), inserts[i:i + WRITE_CHUNK])
    if updates:
        names = [k for k in updates[0] if k != "id"]
        stmt = table.update().where(table.c.id == bindparam("_id")).values(
            {n: bindparam("_" + n) for n in names})
        for i in range(0, len(updates), WRITE_CHUNK):
            conn.execute(stmt, [{"_" + k: v for k, v in u.items()} for u in updates[i:i + WRITE_CHUNK]])


def derive_tasks(conn, settings: RuleSettings, today: date, crime_ids=None, bump: bool = True,
                 progress=None) -> dict:
    """Re-derive the tasks of these crimes (every crime when None) from their events; return counts."""
    # Every task and bail row names its crime by a foreign key (enforced on both databases), so deriving every
    # crime batch by batch covers every row there is.
    ids = sorted(int(c) for c in conn.execute(select(crime.c.id)).scalars()) if crime_ids is None else \
        sorted({int(c) for c in crime_ids})
    counts = dict.fromkeys(("crimes", "inserted", "updated", "deleted", "bail_inserted", "bail_updated",
                            "bail_deleted"), 0)
    touched = defaultdict(set)
    for start in range(0, len(ids), DERIVE_BATCH):
        if progress is not None:
            progress(start, len(ids))
        for k, v in _derive_batch(conn, settings, today, ids[start:start + DERIVE_BATCH], touched).items():
            counts[k] += v
    changed = any(counts[k] for k in counts if k != "crimes")
    if bump and changed:
        bump_team_versions(conn, touched["team"])
        bump_officer_versions(conn, touched["oic"])
        bump_version(conn)
    return counts


def _derive_batch(conn, settings: RuleSettings, today: date, ids: list, touched: dict) -> dict:
    """Re-derive one batch of crimes' tasks and bail episodes; note the teams and officers whose work changed."""
    facts, events, cr = load_inputs(conn, settings, ids)
    scope = [int(x) for x in cr["id"]]
    owner = {int(r.id): (int(r.team_id), _int(r.oic_id)) for r in cr.itertuples(index=False)}
    results = {cid: derive(f, events.get(cid, []), today, settings) for cid, f in facts.items()}

    # Bail episodes first: tasks point at their rows.
    old_bail = _existing(conn, bail, [bail.c.episode_key, *[bail.c[n] for n in BAIL_FIELDS]], scope)
    b_ins, b_upd, seen = [], [], set()
    for cid, res in results.items():
        for ep in res.bail:
            row = {"person_id": ep.person_id, "arrested_on": ep.arrested_on, "bail_start": ep.bail_start,
                   "stage": ep.stage, "ends_on": ep.ends_on, "status": ep.status, "updated_at": ep.updated_at,
                   "authorised_by": ep.authorised_by, "authorised_rank": ep.authorised_rank}
            old = old_bail.get((cid, ep.key))
            seen.add((cid, ep.key))
            if old is None:
                b_ins.append({"crime_id": cid, "episode_key": ep.key, **row})
            elif not all(_same(old[k], v) for k, v in row.items()):
                b_upd.append({"id": int(old["id"]), **row})
    b_del = [int(r["id"]) for k, r in old_bail.items() if k not in seen]
    if b_ins and any(r["person_id"] is None for r in b_ins):
        raise ValueError("a bail event names no person; the loader must quarantine it")
    _write(conn, bail, b_ins, b_upd, b_del)
    bail_ids = {(int(crime_id), key): int(bail_id)
                for bail_id, crime_id, key in _rows(conn, select(bail.c.id, bail.c.crime_id, bail.c.episode_key),
                                                     bail.c.crime_id, scope)} if (b_ins or old_bail) else {}

    old_tasks = _existing(conn, task, [task.c.task_key, task.c.team_id, task.c.oic_id,
                                       *[task.c[n] for n in TASK_FIELDS]], scope)
    t_ins, t_upd, seen = [], [], set()
    for cid, res in results.items():
        team_id, oic_id = owner[cid]
        for t in res.tasks:
            if t.completion == "crime_finalised":
                continue  # a finalised crime's unfinished deadlines simply stop being owed
            row = {"kind": t.kind, "rule_id": t.rule_id, "basis_date": t.basis, "due_date": t.due,
                   "detail": t.detail, "status": t.status, "completed_at": t.completed_at,
                   "completed_by": t.completed_by, "completion": t.completion, "event_id": t.event_id,
                   "completed_in": t.completed_in,
                   "bail_id": bail_ids.get((cid, t.bail_key)) if t.bail_key else None}
            key = (cid, t.key)
            seen.add(key)
            old = old_tasks.get(key)
            if old is None:
                # Owed from its basis day, never before the crime was recorded nor after today began (a bail
                # task's basis is the bail start, the day after arrest); the clock plays no part.
                created = datetime.combine(t.basis or today, datetime.min.time())
                created = min(max(created, datetime.combine(facts[cid].recorded_on, datetime.min.time())),
                              datetime.combine(today, datetime.min.time()))
                if t.completed_at is not None:
                    created = min(created, t.completed_at)  # an early completion: owed from then at the latest
                t_ins.append({"crime_id": cid, "team_id": team_id, "oic_id": oic_id, "task_key": t.key,
                              "created_at": created, **row})
                touched["team"].add(team_id)
                touched["oic"].add(oic_id)
            else:
                row.update(team_id=team_id, oic_id=oic_id)
                if not all(_same(old[k], v) for k, v in row.items()):
                    t_upd.append({"id": int(old["id"]), **row})
                    touched["team"].update({team_id, _int(old["team_id"])})
                    touched["oic"].update({oic_id, _int(old["oic_id"])})
    t_del = []
    for key, r in old_tasks.items():
        if key not in seen:
            t_del.append(int(r["id"]))
            touched["team"].add(_int(r["team_id"]))
            touched["oic"].add(_int(r["oic_id"]))
    _write(conn, task, t_ins, t_upd, t_del)
    return {"crimes": len(results), "inserted": len(t_ins), "updated": len(t_upd), "deleted": len(t_del),
            "bail_inserted": len(b_ins), "bail_updated": len(b_upd), "bail_deleted": len(b_del)}


# The settings the engine reads: a change to any of them moves due dates, so every crime is re-derived.
ENGINE_SETTINGS = (
    "victim_contact_days_standard", "victim_contact_days_enhanced", "victim_update_days", "bank_holiday_region",
    "first_review_days", "review_interval_days", "oel_interval_days", "named_suspect_days", "rui_review_days",
    "pace_2022_commencement", "bail_initial_months", "bail_first_extension_months", "bail_second_extension_months",
    "bail_complex_months", "bail_old_initial_days", "bail_old_extension_months", "summary_limit_months",
    "s39a_limit_years", "s39a_statement_months", "s39a_in_force", "s39a_needs_statement", "recording_limit_hours",
    "positive_outcomes", "review_interval_from", "oel_entry_kinds", "victim_update_clock_start",
    "move_due_off_non_working_days",
)
RULES_KEY = "engine_rules"


def engine_rules(settings: RuleSettings) -> dict:
    """The engine's settings in force, as text, to compare with those the tasks were last derived under."""
    from scoring.settings_base import text

    return {name: text(getattr(settings, name)) for name in ENGINE_SETTINGS}


def mark_rules(conn, settings: RuleSettings) -> None:
    """Record the settings the tasks were derived under, inside the caller's transaction."""
    from data_access.db import set_meta

    # meta values are short: the settings themselves go in the audit row, the meta value only has to differ.
    set_meta(conn, RULES_KEY, _fingerprint(engine_rules(settings)))


def _fingerprint(rules: dict) -> str:
    import hashlib
    import json

    return hashlib.sha256(json.dumps(rules, sort_keys=True).encode()).hexdigest()


def rederive_on_rule_change(store) -> dict | None:
    """Re-derive every crime when the engine's settings differ from the last derivation's; audit the change."""
    from data_access.audit import write_audit
    from data_access.db import get_meta
    from data_access.permissions import SYSTEM

    rules = engine_rules(store.settings)
    before = get_meta(store.engine, RULES_KEY)
    if before == _fingerprint(rules):
        return None
    with store.engine.begin() as conn:
        counts = derive_tasks(conn, store.settings, store.today(), None)
        changed = {k: v for k, v in rules.items() if v != engine_rules(type(store.settings)()).get(k)}
        write_audit(conn, SYSTEM, "write", "rules", "task_engine",
                    detail={"reason": "rule settings changed since the tasks were last derived" if before
                            else "first derivation under recorded rules",
                            "non_default_settings": changed, "counts": counts})
        mark_rules(conn, store.settings)
    return counts

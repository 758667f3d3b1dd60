"""Completions made in Beacon against the force's records: confirmed, contradicted or missing, and their export.

Usage: python -m data_access.reconciliation export --as USERNAME --out completions.csv
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select

from data_access.schema import crime, officer, person
from data_access.schema_events import crime_event

# A source event of one of these kinds, for the same person near the same time, says the opposite.
CONTRADICTS = {
    "bail_extended": {"bail_ended", "charge", "rui", "fts"},
    "bail_ended": {"bail_extended"},
    "charge": {"no_further_action"},
    "no_further_action": {"charge"},
}
OPEN_STATES = ("pending", "missing")


def _source_events(conn, crime_ids: list) -> dict:
    """The source's events of these crimes, by crime id, read a chunk of crimes at a time."""
    query = select(crime_event.c.id, crime_event.c.crime_id, crime_event.c.kind, crime_event.c.at,
                   crime_event.c.person_id).where(crime_event.c.origin == "source")
    found: dict[int, list] = {}
    for i in range(0, len(crime_ids), 900):
        for row in conn.execute(query.where(crime_event.c.crime_id.in_(crime_ids[i:i + 900]))).mappings():
            found.setdefault(row["crime_id"], []).append(row)
    return found


def reconcile(conn, settings, today: date, crime_ids=None) -> dict:
    """Set each unsettled Beacon completion's state against the source events; return counts by new state."""
    window = timedelta(days=settings.reconcile_window_days)
    query = select(crime_event).where((crime_event.c.origin == "beacon") &
                                      crime_event.c.reconciliation.in_(OPEN_STATES))
    if crime_ids is not None:
        ids = sorted({int(c) for c in crime_ids})
        if not ids:
            return {}
        beacon = [r for i in range(0, len(ids), 900)
                  for r in conn.execute(query.where(crime_event.c.crime_id.in_(ids[i:i + 900]))).mappings().all()]
    else:
        beacon = conn.execute(query).mappings().all()
    counts: dict[str, int] = {}
    by_crime = _source_events(conn, sorted({b["crime_id"] for b in beacon}))
    changes = []
    for b in beacon:
        source = [s for s in by_crime.get(b["crime_id"], ()) if abs(s["at"] - b["at"]) <= window]
        same_person = [s for s in source if b["person_id"] is None or s["person_id"] in (None, b["person_id"])]
        match = sorted((s for s in same_person if s["kind"] == b["kind"]), key=lambda s: abs(s["at"] - b["at"]))
        against = [s for s in same_person if s["kind"] in CONTRADICTS.get(b["kind"], ())]
        if match:
            state, matched = "confirmed", match[0]["id"]
        elif against:
            state, matched = "contradicted", against[0]["id"]
        elif (today - b["at"].date()).days > settings.reconcile_window_days:
            state, matched = "missing", None
        else:
            continue
        if state != b["reconciliation"]:
            changes.append({"_id": b["id"], "state": state, "matched": matched})
            counts[state] = counts.get(state, 0) + 1
    if changes:
        conn.execute(crime_event.update().where(crime_event.c.id == bindparam("_id"))
                     .values(reconciliation=bindparam("state"), matched_event_id=bindparam("matched")), changes)
    return counts


EXPORT_COLUMNS = ["event_ref", "crime_ref", "kind", "at", "person_ref", "officer_ref", "officer_rank", "stage",
                  "rule_id", "detail", "reconciliation"]


def completions_to_key(conn) -> list[dict]:
    """Beacon completions the records system does not yet hold, shaped as the contract's crime_events rows."""
    rows = conn.execute(
        select(crime_event, crime.c.crime_ref, officer.c.collar, person.c.pnc_id)
        .select_from(crime_event.join(crime, crime.c.id == crime_event.c.crime_id)
                     .outerjoin(officer, officer.c.id == crime_event.c.officer_id)
                     .outerjoin(person, person.c.id == crime_event.c.person_id))
        .where((crime_event.c.origin == "beacon") & crime_event.c.reconciliation.in_(OPEN_STATES))
        .order_by(crime_event.c.at, crime_event.c.id)).mappings().all()
    return [{"event_ref": f"BEACON-{r['id']}", "crime_ref": r["crime_ref"], "kind": r["kind"],
             "at": r["at"].isoformat(timespec="seconds"),
             "person_ref": "" if r["person_id"] is None else str(r["person_id"]), "officer_ref": r["collar"] or "",
             "officer_rank": r["officer_rank"] or "", "stage": r["stage"] or "", "rule_id": r["rule_id"] or "",
             "detail": r["detail"] or "", "reconciliation": r["reconciliation"]} for r in rows]


def completions_csv(rows: list[dict]) -> str:
    """The completions as CSV text for the force to load back into its records system."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def reconciliation_summary(conn) -> dict:
    """How many Beacon completions are in each state, for the imports screen."""
    rows = conn.execute(select(crime_event.c.reconciliation, crime_event.c.at)
                        .where(crime_event.c.origin == "beacon")).all()
    out = {"pending": 0, "confirmed": 0, "contradicted": 0, "missing": 0}
    for state, _ in rows:
        out[state or "pending"] = out.get(state or "pending", 0) + 1
    out["oldest_open"] = min((at for state, at in rows if state in OPEN_STATES), default=None)
    if isinstance(out["oldest_open"], datetime):
        out["oldest_open"] = out["oldest_open"].isoformat(timespec="minutes")
    return out


def export_completions(store, actor) -> list[dict]:
    """Settle what the source now shows, then the completions still to key in; an audited read."""
    from data_access.audit import write_audit
    from data_access.permissions import require

    require(actor, "records.export_completions", reason="only an administrator exports completions")
    with store.engine.begin() as conn:
        reconcile(conn, store.settings, store.today())
        rows = completions_to_key(conn)
        write_audit(conn, actor, "read", "completions_export", None, detail={"rows": len(rows)})
    return rows


def main(argv=None) -> int:
    from data_access.cli import add_store_options, named_actor, store_from_args
    from data_access.errors import AccessDenied

    ap = argparse.ArgumentParser(prog="python -m data_access.reconciliation", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("export", help="write Beacon completions not yet in the records system as CSV")
    ex.add_argument("--as", dest="username", required=True, help="an administrator's account")
    ex.add_argument("--out", required=True, help="CSV file to write ('-' for standard output)")
    add_store_options(ex)
    args = ap.parse_args(argv)
    store = store_from_args(args)
    actor = named_actor(store, args.username)
    if actor is None:
        return 2
    try:
        rows = export_completions(store, actor)
    except AccessDenied as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    text = completions_csv(rows)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        from data_access.files import private_file

        private_file(args.out)  # made 0600 before a name or crime reference is written into it
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    print(f"{len(rows)} completions written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

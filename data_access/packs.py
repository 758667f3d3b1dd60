"""The monthly pack as PDF: made on the first working day of each month, kept, and listed for download.

    python -m data_access.packs monthly --as USERNAME [--force] [--database-url URL] [--cache-dir DIR]

A scheduler runs it every weekday morning; it makes the month's pack only on the month's first working
day (scoring.calendar), or at once with --force, as the named account (a senior leader, analyst or
administrator, whose force the pack is for). Making one again replaces that month's.
"""

import argparse
import json
import sys
from pathlib import Path

import flask
from sqlalchemy import select

from data_access.audit import record_event, write_audit
from data_access.clock import now_local
from data_access.errors import AccessDenied, NotFound
from data_access.pack_figures import fsu_figures, workload_figures
from data_access.permissions import require, role_allows
from data_access.schema import org_unit
from data_access.scope import readable_team_ids, resolve_scope
from data_access.schema_packs import monthly_pack
from data_access.strategic import bcu_view, benchmark_view, check_reader, strategic_settings
from scoring.calendar import first_working_day

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def pack_due(day, settings) -> bool:
    """True on the first working day of day's month, when the scheduled job makes that month's pack."""
    return day == first_working_day(day.year, day.month, settings)


def pack_html_for(store, actor, areas: list | None = None, force: str | None = None) -> tuple[str, str, bool]:
    """(title, HTML, whether it holds FSU counts) of the monthly pack: every benchmark area unless given, for the
    deployment's force unless another is chosen; GET /strategic/pack shows it and the PDF is made from it."""
    from layouts.strategic_pack import pack_html

    check_reader(actor)
    areas = areas or list(strategic_settings(store).area_ids())
    views = [benchmark_view(store, actor, a, force) for a in areas]
    bcus = [bcu_view(store, actor, a) for a in areas]
    workload, fsu = workload_figures(store, actor), fsu_figures(store, actor)
    generated = now_local().strftime("%d %b %Y %H:%M")
    # The job runs outside a request: a small Flask app of its own finds the same templates, escaping included.
    app = flask.Flask(__name__, template_folder=str(TEMPLATES))
    name = _force_name(store, views)
    with app.app_context():
        text = pack_html(views, bcus, generated, workload, fsu, force_name=name)
    return f"Monthly performance pack - {name}", text, fsu["included"]


def _force_name(store, views: list) -> str:
    """The benchmark's force when one is chosen, else the organisation's own name (a force not in the benchmark)."""
    if views and views[0]["force"]:
        return views[0]["force_name"]
    with store.engine.connect() as conn:
        name = conn.execute(select(org_unit.c.name).where(org_unit.c.kind == "force").limit(1)).scalar()
    return name or "no force selected"


def html_to_pdf(text: str) -> bytes:
    """The pack's HTML as PDF (print styles apply, so the print button is left out)."""
    from weasyprint import HTML

    return HTML(string=text, base_url=str(TEMPLATES)).write_pdf()


def make_monthly_pack(store, actor, force: bool = False) -> dict:
    """Make and keep this month's pack on its first working day (any day with force); says what it did."""
    check_reader(actor)
    today = store.today()
    if not force and not pack_due(today, store.settings):
        return {"status": "not_due", "month": f"{today:%Y-%m}",
                "due_on": first_working_day(today.year, today.month, store.settings).isoformat()}
    title, text, includes_fsu = pack_html_for(store, actor)
    pdf = html_to_pdf(text)
    month = f"{today:%Y-%m}"
    row = {"title": title, "generated_at": now_local(), "generated_by": actor.username, "size_bytes": len(pdf),
           "pdf": pdf, "includes_fsu": includes_fsu, "team_ids": json.dumps(sorted(_pack_teams(store, actor)))}
    with store.engine.begin() as conn:
        existing = conn.execute(select(monthly_pack.c.id).where(monthly_pack.c.month == month)).scalar()
        if existing is None:
            pack_id = conn.execute(monthly_pack.insert().values(month=month, **row)).inserted_primary_key[0]
        else:
            conn.execute(monthly_pack.update().where(monthly_pack.c.id == existing).values(**row))
            pack_id = existing
        write_audit(conn, actor, "write", "monthly_pack", pack_id, detail={"month": month, "bytes": len(pdf)})
    return {"status": "made", "month": month, "id": int(pack_id), "bytes": len(pdf), "includes_fsu": includes_fsu}


def _pack_teams(store, actor) -> set:
    """The teams a pack made by actor counts (its default scope, as workload_figures reads it)."""
    scope = resolve_scope(store, actor, None)
    return set() if scope.empty or scope.level == "mine" else {int(t) for t in scope.team_ids}


def _outside_scope(store, actor, team_ids_json) -> bool:
    """True when a kept pack counts a team the reader may not read (so they may not download it)."""
    teams = {int(t) for t in json.loads(team_ids_json or "[]")}
    return bool(teams - set(readable_team_ids(store, actor)))


def list_packs(store, actor) -> list[dict]:
    """Every kept pack, newest month first, without its PDF; whether the reader may download it."""
    check_reader(actor)
    cols = [monthly_pack.c.id, monthly_pack.c.month, monthly_pack.c.title, monthly_pack.c.generated_at,
            monthly_pack.c.size_bytes, monthly_pack.c.includes_fsu, monthly_pack.c.team_ids]
    may_fsu = role_allows(actor, "fsu.read")
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(*cols).order_by(monthly_pack.c.month.desc())).mappings()]
    return [{k: v for k, v in r.items() if k != "team_ids"} | {
        "includes_fsu": bool(r["includes_fsu"]),
        "may_download": (may_fsu or not r["includes_fsu"]) and not _outside_scope(store, actor, r["team_ids"])}
        for r in rows]


def pack_pdf(store, actor, pack_id) -> tuple[str, bytes]:
    """(file name, PDF) of one kept pack; its download is audited as an export."""
    check_reader(actor)
    try:
        pack_id = int(pack_id)
    except (TypeError, ValueError):
        raise NotFound("no such pack") from None
    with store.engine.connect() as conn:
        row = conn.execute(select(monthly_pack.c.month, monthly_pack.c.pdf, monthly_pack.c.includes_fsu,
                                  monthly_pack.c.team_ids).where(monthly_pack.c.id == pack_id)).mappings().first()
    if row is None:
        raise NotFound("no such pack")
    # Its backlog tables are the maker's scope: a reader of a narrower scope would see other units' counts.
    require(actor, "strategic.read", not _outside_scope(store, actor, row["team_ids"]),
            reason="this pack counts units outside what you may read")
    # A pack made by a reader holding the FSU permission carries its counts: only such readers download it.
    if row["includes_fsu"]:
        require(actor, "fsu.read", reason="this pack holds frequent-service-user figures")
    record_event(store, actor, "export", "monthly_pack", pack_id)
    return f"beacon-monthly-pack-{row['month']}.pdf", bytes(row["pdf"])


def main(argv=None) -> int:
    from data_access.cli import add_store_options, named_actor, store_from_args

    ap = argparse.ArgumentParser(prog="python -m data_access.packs", description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["monthly"])
    ap.add_argument("--as", dest="username", required=True, help="a senior leader, analyst or administrator")
    ap.add_argument("--force", action="store_true", help="make the pack now, whatever the day")
    add_store_options(ap)
    args = ap.parse_args(argv)
    store = store_from_args(args)
    actor = named_actor(store, args.username)
    if actor is None:
        return 2
    try:
        result = make_monthly_pack(store, actor, force=args.force)
    except AccessDenied as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    if result["status"] == "not_due":
        print(f"no pack today: this month's is made on {result['due_on']}")
    else:
        print(f"pack for {result['month']} made ({result['bytes']:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The monthly pack as PDF: made on the first working day, kept, listed and downloaded by strategic readers."""

import json
import shutil
import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from data_access.errors import AccessDenied
from data_access.packs import list_packs, make_monthly_pack, pack_due, pack_pdf
from data_access.schema import audit_log
from data_access.schema_fsu import fsu_run
from data_access.schema_packs import monthly_pack
from data_access.scope import readable_team_ids
from tests.conftest import login, logout
from tests.helpers import actor_for

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext missing: apt-get install poppler-utils")


def _text(pdf: bytes, tmp_path, layout: bool = True) -> str:
    """The PDF's text: laid out as on the page (rows of a table on one line), or in reading order."""
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def _flat(pdf: bytes, tmp_path) -> str:
    """The PDF's words in reading order on one line, so a cell wrapped over two lines reads whole."""
    return " ".join(_text(pdf, tmp_path, layout=False).split())


def test_the_pack_is_due_on_the_first_working_day_only(sqlite_store):
    settings = sqlite_store.settings
    assert pack_due(date(2026, 12, 1), settings) and pack_due(date(2027, 1, 4), settings)
    assert not pack_due(date(2027, 1, 1), settings) and not pack_due(date(2026, 11, 18), settings)
    result = make_monthly_pack(sqlite_store, actor_for(sqlite_store, "leader"))  # today is 18 November
    assert result == {"status": "not_due", "month": "2026-11", "due_on": "2026-11-02"}
    assert list_packs(sqlite_store, actor_for(sqlite_store, "leader")) == []


def test_only_strategic_readers_make_or_list_packs(sqlite_store):
    for username in ("officer", "sergeant", "inspector"):
        with pytest.raises(AccessDenied):
            make_monthly_pack(sqlite_store, actor_for(sqlite_store, username), force=True)
        with pytest.raises(AccessDenied):
            list_packs(sqlite_store, actor_for(sqlite_store, username))


@needs_pdftotext
def test_a_made_pack_is_kept_listed_and_downloaded_as_a_pdf_with_the_packs_text(app, client, sqlite_store,
                                                                                   tmp_path):
    leader = actor_for(sqlite_store, "leader")
    made = make_monthly_pack(sqlite_store, leader, force=True)
    again = make_monthly_pack(sqlite_store, leader, force=True)  # a second run replaces the month's pack
    assert made["status"] == again["status"] == "made" and made["id"] == again["id"]
    (kept,) = list_packs(sqlite_store, leader)
    assert kept["month"] == "2026-11" and kept["title"].startswith("Monthly performance pack")

    login(client, "leader")
    page = client.get("/strategic/packs").get_data(as_text=True)
    assert f"/strategic/packs/{kept['id']}" in page and "2026-11" in page
    resp = client.get(f"/strategic/packs/{kept['id']}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert "beacon-monthly-pack-2026-11.pdf" in resp.headers["Content-Disposition"]
    text = _text(resp.data, tmp_path)
    assert "Monthly performance pack" in text and "BCUs" in text
    assert "Print or save as PDF" not in text  # the print button is for the browser only
    with sqlite_store.engine.connect() as conn:
        actions = conn.execute(select(audit_log.c.username, audit_log.c.action).where(
            audit_log.c.object_type == "monthly_pack")).all()
    assert ("leader", "export") in actions and actions.count(("leader", "write")) == 2
    assert client.get("/strategic/packs/999999").status_code == 404


def test_packs_are_refused_to_those_without_the_strategic_tab(app, client, sqlite_store):
    login(client, "inspector")
    assert client.get("/strategic/packs").status_code == 403
    assert client.get("/strategic/packs/1").status_code == 403


SECTIONS = ("Backlog and demand by department", "Open investigations at month end", "New crimes recorded each month",
            "Open tasks at month end", "Overdue tasks by kind", "Backlog and demand by team", "Frequent service users",
            "Cross-force benchmark", "BCUs")


def _overdue_today(store, actor) -> int:
    """Tasks overdue at today's end in the reader's scope, counted straight from the open tasks."""
    from data_access.schema import task
    from data_access.scope import resolve_scope
    from scoring.worklist import ERROR_KINDS

    teams = sorted(resolve_scope(store, actor, None).team_ids)
    late = (task.c.due_date < store.today()) | (task.c.due_date.is_(None) & task.c.kind.in_(sorted(ERROR_KINDS)))
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(task).where(
            (task.c.status == "open") & task.c.team_id.in_(teams) & late)).scalar_one()


def _line(text: str, start: str) -> str:
    (line,) = [x for x in text.splitlines() if x.strip().startswith(start)]
    return line


@needs_pdftotext
def test_the_pdf_holds_every_section_and_the_overdue_total_but_no_fsu_figures_for_a_reader_without_them(
        sqlite_store, tmp_path):
    leader = actor_for(sqlite_store, "leader")
    assert not leader.can_view_fsu
    made = make_monthly_pack(sqlite_store, leader, force=True)
    assert made["includes_fsu"] is False
    with sqlite_store.engine.connect() as conn:
        pdf = conn.execute(select(monthly_pack.c.pdf).where(monthly_pack.c.id == made["id"])).scalar_one()
    text, flat = _text(pdf, tmp_path), _flat(pdf, tmp_path)
    for heading in SECTIONS:
        assert heading in flat, heading
    for kind in ("Supervisor reviews", "Victim contacts", "Log updates", "Bail dates", "CDI errors"):
        assert kind in flat, kind  # every kind of task has its overdue row
    # This month's column ends on today: its overdue total is every open task past due (or an undated error).
    assert _line(text, "All kinds").split()[-1] == f"{_overdue_today(sqlite_store, leader):,}"
    assert "1-18 Nov 2026" in flat and "Jun 2026" in flat  # six months (setting pack_months), this one to date
    assert "Not included for this reader" in flat
    assert "Overall rank" not in flat and "people on the list" not in flat


@needs_pdftotext
def test_a_pack_made_by_an_fsu_reader_holds_the_counts_and_downloads_only_to_such_readers(app, client, sqlite_store,
                                                                                            tmp_path):
    analyst = actor_for(sqlite_store, "analyst")
    made = make_monthly_pack(sqlite_store, analyst, force=True)
    assert made["includes_fsu"] is True
    with sqlite_store.engine.connect() as conn:
        pdf = conn.execute(select(monthly_pack.c.pdf).where(monthly_pack.c.id == made["id"])).scalar_one()
        listed = conn.execute(select(fsu_run.c.people_listed).where(fsu_run.c.status == "succeeded")
                              .order_by(fsu_run.c.id.desc()).limit(1)).scalar_one()
        audited = conn.execute(select(func.count()).select_from(audit_log).where(
            (audit_log.c.object_type == "fsu_summary") & (audit_log.c.username == "analyst"))).scalar_one()
    flat = _flat(pdf, tmp_path)
    assert f"{listed:,} people on the list" in flat and "Overall rank" in flat and "Home LPA" in flat
    assert "Not included for this reader" not in flat and audited == 1
    (kept,) = list_packs(sqlite_store, actor_for(sqlite_store, "leader"))
    assert kept["includes_fsu"] and not kept["may_download"]
    login(client, "leader")
    page = client.get("/strategic/packs").get_data(as_text=True)
    assert f"/strategic/packs/{made['id']}" not in page and "for readers with that permission" in page
    assert client.get(f"/strategic/packs/{made['id']}").status_code == 403
    logout(client)
    login(client, "analyst")
    assert client.get(f"/strategic/packs/{made['id']}").status_code == 200


def test_the_printable_pack_shows_fsu_counts_only_to_a_reader_allowed_them(app, client):
    login(client, "leader")
    page = client.get("/strategic/pack").get_data(as_text=True)
    assert "Not included for this reader" in page and "Overall rank" not in page
    assert "Overdue tasks by kind" in page and "Backlog and demand by team" in page
    logout(client)
    login(client, "analyst")
    page = client.get("/strategic/pack").get_data(as_text=True)
    assert "Overall rank" in page and "Not included for this reader" not in page


def test_a_kept_pack_downloads_only_to_readers_of_every_unit_it_counts(sqlite_store):
    admin = actor_for(sqlite_store, "admin")
    made = make_monthly_pack(sqlite_store, admin, force=True)
    leader = actor_for(sqlite_store, "leader")
    (kept,) = list_packs(sqlite_store, leader)
    assert kept["may_download"]
    assert pack_pdf(sqlite_store, leader, made["id"])[1].startswith(b"%PDF")
    # The demo force has one BCU, so every reader reads every team: a pack made for a force with another BCU
    # counts a team this leader does not read.
    with sqlite_store.engine.begin() as conn:
        teams = json.loads(conn.execute(select(monthly_pack.c.team_ids)).scalar_one())
        assert set(teams) == set(readable_team_ids(sqlite_store, admin))
        conn.execute(monthly_pack.update().values(team_ids=json.dumps(teams + [max(teams) + 1000])))
    (kept,) = list_packs(sqlite_store, leader)
    assert not kept["may_download"]
    with pytest.raises(AccessDenied):
        pack_pdf(sqlite_store, leader, made["id"])

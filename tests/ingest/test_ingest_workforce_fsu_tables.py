"""The tables productivity and frequent-service-user work read (officer activity, restrictions, PSD matters, core
skills, establishment, incident parties, missing episodes, aliases, addresses) load through the same machinery,
with the org units, officers, persons and incidents they name, into an empty database."""

from sqlalchemy import func, select

from data_access.ingest.loader import load_extract
from data_access.schema import org_unit, person, person_address, person_alias
from data_access.schema_fsu import incident_party, missing_episode
from data_access.schema_productivity import (core_skill, duty_restriction, officer_activity, psd_matter,
                                             team_establishment)
from tests.ingest.conftest import MAPPINGS

BEACON = MAPPINGS / "beacon-extract.yaml"

FILES = {
    "org_units.csv": "unit_ref,parent_ref,kind,name,strand\nF1,,force,Test Constabulary,\nB1,F1,bcu,North BCU,\n"
                     "D1,B1,department,North Response,response\nT1,D1,team,Team 1,response\n",
    "officers.csv": "officer_ref,collar,forename,surname,rank,is_staff,unit_ref,line_manager_ref,tutor_ref,"
                    "is_student,start_date,weekly_hours\nS1,C1,Ann,Able,PS,false,T1,,,false,2015-01-01,40\n"
                    "S2,C2,Bob,Bright,PC,false,T1,S1,,false,2020-01-01,40\n",
    "persons.csv": "person_ref,forename,surname,date_of_birth,pnc_id\nN1,Cara,Cole,1990-02-03,90/123456A\n",
    "incidents.csv": "incident_ref,opened_at,incident_type,grade,bcu_ref\nINC-1,2026-10-01 09:00,Concern,priority,B1\n",
    "officer_activity.csv": "activity_ref,officer_ref,kind,occurred_at,bcu_ref\n"
                            "ACT-1,S2,stop_search,2026-10-02 14:00,B1\nACT-2,S2,pir,2026-10-03 10:00,\n"
                            "ACT-3,S9,use_of_force,2026-10-03 11:00,\n",
    "duty_restrictions.csv": "restriction_ref,officer_ref,kind,starts_on,ends_on\nDR-1,S2,recuperative,2026-09-01,\n",
    "psd_matters.csv": "psd_ref,officer_ref,category,opened_on,closed_on\nPSD-1,S2,performance,2026-08-01,\n",
    "core_skills.csv": "skill_ref,officer_ref,skill,achieved_on,expires_on\n"
                       "SK-1,S2,Independent patrol,2020-06-01,\nSK-2,S1,Statement taking,2016-01-01,2027-01-01\n",
    "team_establishment.csv": "establishment_ref,unit_ref,posts,from_date\nEST-1,T1,12,2026-04-01\n"
                              "EST-2,T9,8,2026-04-01\n",
    "incident_parties.csv": "incident_party_ref,incident_ref,role,forename,surname,date_of_birth,pnc_id,relationship\n"
                            "IP-1,INC-1,originator,Dee,Dunn,,,parent\nIP-2,INC-1,subject,Cara,Cole,1990-02-03,"
                            "90/123456A,\nIP-3,INC-9,subject,Eve,East,,,\n",
    "missing_episodes.csv": "episode_ref,person_ref,reported_at,found_at,risk,lpa_ref\n"
                            "MIS-1,N1,2026-09-10 20:00,2026-09-11 08:00,medium,B1\n",
    "person_aliases.csv": "alias_ref,person_ref,forename,surname,date_of_birth\nAL-1,N1,Kara,Cole,1990-03-02\n"
                          "AL-2,N9,Fay,Ford,\n",
    "person_addresses.csv": "address_ref,person_ref,address,lpa_ref,from_date\nAD-1,N1,1 Mill Lane,B1,2024-05-01\n",
}


def test_workforce_and_fsu_tables_load(sqlite_empty, tmp_path):
    folder = tmp_path / "workforce-extract"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = load_extract(sqlite_empty, BEACON, folder)
    assert result.status == "loaded", result.message
    assert [(q["source_table"], q["line"], q["reason"].split(":")[0]) for q in result.quarantined] == [
        ("officer_activity", 4, "unknown reference"), ("team_establishment", 3, "unknown reference"),
        ("incident_parties", 4, "unknown reference"), ("person_aliases", 3, "unknown reference")]
    inserted = {n: result.counts[n]["inserted"] for n in (
        "officer_activity", "duty_restrictions", "psd_matters", "core_skills", "team_establishment",
        "incident_parties", "missing_episodes", "person_aliases", "person_addresses")}
    assert inserted == {"officer_activity": 2, "duty_restrictions": 1, "psd_matters": 1, "core_skills": 2,
                        "team_establishment": 1, "incident_parties": 2, "missing_episodes": 1,
                        "person_aliases": 1, "person_addresses": 1}
    with sqlite_empty.engine.connect() as conn:
        force = conn.execute(select(org_unit.c.id).where(org_unit.c.kind == "force")).scalar()
        bcu = conn.execute(select(org_unit.c.id).where(org_unit.c.kind == "bcu")).scalar()
        team = conn.execute(select(org_unit.c.id).where(org_unit.c.kind == "team")).scalar()
        cara = conn.execute(select(person.c.id)).scalar()
        for table in (officer_activity, duty_restriction, psd_matter, core_skill, team_establishment,
                      incident_party, missing_episode):
            assert set(conn.execute(select(table.c.force_id)).scalars()) == {force}, table.name
        assert sorted(conn.execute(select(officer_activity.c.kind, officer_activity.c.bcu_id)).all(),
                      key=str) == [("pir", None), ("stop_search", bcu)]
        assert conn.execute(select(duty_restriction.c.ends_on)).scalar() is None
        assert conn.execute(select(psd_matter.c.category)).scalar() == "performance"
        assert conn.execute(select(team_establishment.c.team_id, team_establishment.c.posts)).one() == (team, 12)
        assert sorted(conn.execute(select(incident_party.c.role)).scalars()) == ["originator", "subject"]
        episode = conn.execute(select(missing_episode)).mappings().one()
        assert (episode["episode_ref"], episode["person_id"], episode["lpa_id"], episode["risk"]) == (
            "MIS-1", cara, bcu, "medium")
        assert conn.execute(select(person_alias.c.person_id, person_alias.c.forename)).one() == (cara, "Kara")
        assert conn.execute(select(person_address.c.lpa_id)).scalar() == bcu
        assert conn.execute(select(func.count()).select_from(core_skill)).scalar() == 2
    assert load_extract(sqlite_empty, BEACON, folder).changed == 0


def test_a_deleted_person_takes_their_aliases_and_addresses(sqlite_empty, tmp_path):
    folder = tmp_path / "people"
    folder.mkdir()
    for name in ("org_units.csv", "persons.csv", "person_aliases.csv", "person_addresses.csv"):
        (folder / name).write_text(FILES[name], encoding="utf-8")
    assert load_extract(sqlite_empty, BEACON, folder).status == "loaded"
    (folder / "persons.csv").write_text("person_ref,forename,surname,deleted\nN1,Cara,Cole,true\n", encoding="utf-8")
    for name in ("person_aliases.csv", "person_addresses.csv"):
        (folder / name).unlink()
    result = load_extract(sqlite_empty, BEACON, folder)
    assert result.status == "loaded", result.message
    assert result.counts["persons"]["deleted"] == 1 and not result.quarantined
    with sqlite_empty.engine.connect() as conn:
        for table in (person, person_alias, person_address):
            assert conn.execute(select(func.count()).select_from(table)).scalar() == 0, table.name

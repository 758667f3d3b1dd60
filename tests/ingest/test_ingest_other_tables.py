"""The tables other capabilities read (incidents, deployments, custody, shifts, leave, training) load through the
same machinery: keyed, checked and idempotent."""

from sqlalchemy import select

from data_access.ingest.loader import load_extract
from data_access.schema import custody, deployment, incident, leave, shift, training
from tests.ingest.conftest import MAPPINGS

BEACON = MAPPINGS / "beacon-extract.yaml"

FILES = {
    "incidents.csv": "incident_ref,opened_at,incident_type,grade,pre_planned,bcu_ref,location,call_seconds,"
                     "originator_ref,subject_ref,crime_ref\n"
                     "INC-1,2026-10-01 09:00,Domestic,priority,false,B1,Mill Lane,240,N5001,N5002,NF/26000/26\n"
                     "INC-2,2026-10-02 22:15,Concern for safety,emergency,,B1,,,,,\n"
                     "INC-3,2026-10-03 10:00,Noise,urgent,,B1,,,,,\n",
    "deployments.csv": "deployment_ref,incident_ref,officer_ref,resource_group,assigned_at,deployed_at,arrived_at,"
                       "released_at\nDEP-1,INC-1,S103,NF11,2026-10-01 09:02,2026-10-01 09:03,2026-10-01 09:15,"
                       "2026-10-01 11:00\nDEP-2,INC-3,S103,NF11,,,,\n",
    "custody.csv": "custody_ref,person_ref,crime_ref,arresting_officer_ref,arrived_at,released_at,outcome\n"
                   "CUS-1,N5002,NF/26000/26,S103,2026-10-01 12:00,2026-10-02 08:00,bail\n",
    "shifts.csv": "shift_ref,officer_ref,unit_ref,starts_at,ends_at,attended\n"
                  "SH-1,S103,T1,2026-10-01 07:00,2026-10-01 17:00,true\nSH-2,S104,T1,2026-11-20 07:00,"
                  "2026-11-20 17:00,\n",
    "leave.csv": "leave_ref,officer_ref,kind,starts_on,ends_on\nLV-1,S105,annual,2026-11-16,2026-11-20\n",
    "training.csv": "training_ref,officer_ref,course,critical,passed_on,expires_on\n"
                    "TR-1,S103,Personal safety,true,2026-01-10,2027-01-10\n",
}


def test_other_tables_load(empty_store, beacon_extract):
    for name, text in FILES.items():
        (beacon_extract / name).write_text(text, encoding="utf-8")
    result = load_extract(empty_store, BEACON, beacon_extract)
    assert result.status == "loaded", result.message
    assert [(q["source_table"], q["line"], q["reason"].split(":")[0]) for q in result.quarantined] == [
        ("incidents", 4, "unknown code"), ("deployments", 3, "unknown reference")]
    assert {n: result.counts[n]["inserted"] for n in ("incidents", "deployments", "custody", "shifts", "leave",
                                                      "training")} == {
        "incidents": 2, "deployments": 1, "custody": 1, "shifts": 2, "leave": 1, "training": 1}
    with empty_store.engine.connect() as conn:
        inc = conn.execute(select(incident).where(incident.c.incident_ref == "INC-1")).mappings().one()
        dep = conn.execute(select(deployment)).mappings().one()
        attended = dict(conn.execute(select(shift.c.starts_at, shift.c.attended)).all())
        assert inc["crime_id"] is not None and inc["force_id"] is not None and dep["incident_id"] == inc["id"]
        assert sorted(attended.values(), key=str) == [None, True]
        assert conn.execute(select(custody.c.outcome)).scalar() == "bail"
        assert conn.execute(select(leave.c.kind)).scalar() == "annual"
        assert conn.execute(select(training.c.critical)).scalar() is True
    assert load_extract(empty_store, BEACON, beacon_extract).changed == 0

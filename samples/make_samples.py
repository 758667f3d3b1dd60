"""Write the two sample extracts (samples/beacon-extract and samples/niche-style) from the same synthetic records.

    python samples/make_samples.py

Every name, place and reference is invented. The niche-style extract imitates a records system's export:
its own column names and codes, day-first dates, a combined name field, one file per event kind, and
Windows-1252 text in the occurrences file. Loading either through its mapping gives the same Beacon rows.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DAY = date(2026, 11, 2)  # the extract's last day: fixed, so the files never change

# Beacon offence code -> the code the niche-style system uses (shaped like Home Office classifications;
# illustrative, a force's mapping lists its own).
HO_CODES = {"CASLT": "105/1", "ABH": "8/6", "BURR": "28/1", "CDAM": "58/1", "SHOP": "46/1", "HARASS": "8/1"}
STATUS = {"open": "INV", "finalised": "FIN"}
ROLES = {"victim": "V", "suspect": "S", "witness": "W"}
DECISIONS = {"supports": "SUP", "withdraws": "WD", "not_asked": "NK"}
FORENAMES = ["Amira", "Ben", "Chloe", "Dev", "Eilidh", "Femi", "Gwen", "Hari", "Iona", "Jakub", "Kezia", "Luca",
             "Mared", "Nico", "Orla", "Priya", "Rhys", "Sian", "Tomasz", "Una", "Zoë", "Renée", "José"]
SURNAMES = ["Ashdown", "Brackley", "Corran", "Dunmore", "Elstow", "Farrant", "Gorsey", "Hollins", "Ilsley",
            "Jessop", "Kenward", "Lomax", "Marwick", "Norrell", "O'Dwyer", "Pentreath", "Quarles", "Ruddock"]
STREETS = ["Mill Lane", "Station Road", "Café Row", "Canal Walk", "High Street", "Orchard Close"]


def records(seed: int = 11) -> dict:
    """The sample's records in Beacon's contract shape (ISO dates)."""
    rng = random.Random(seed)
    units = [
        {"unit_ref": "F1", "parent_ref": "", "kind": "force", "name": "Sample Constabulary", "strand": ""},
        {"unit_ref": "B1", "parent_ref": "F1", "kind": "bcu", "name": "Northfield BCU", "strand": ""},
        {"unit_ref": "D1", "parent_ref": "B1", "kind": "department", "name": "Northfield Response",
         "strand": "response"},
        {"unit_ref": "T1", "parent_ref": "D1", "kind": "team", "name": "Northfield Response Team 1",
         "strand": "response"},
        {"unit_ref": "T2", "parent_ref": "D1", "kind": "team", "name": "Northfield Response Team 2",
         "strand": "response"},
    ]
    people = [("S100", "Insp", "D1", "", False, False, ""), ("S101", "PS", "T1", "S100", False, False, ""),
              ("S102", "PS", "T2", "S100", False, False, ""), ("S103", "PC", "T1", "S101", False, False, ""),
              ("S104", "PC", "T1", "S101", False, True, "S103"), ("S105", "PC", "T2", "S102", False, False, ""),
              ("S106", "PC", "T2", "S102", False, False, ""), ("S107", "staff", "T1", "S101", True, False, "")]
    officers = []
    for i, (ref, rank, unit, manager, staff, student, tutor) in enumerate(people):
        officers.append({"officer_ref": ref, "collar": f"{'S' if staff else 'C'}{4100 + i}",
                         "forename": FORENAMES[i], "surname": SURNAMES[i], "rank": rank,
                         "is_staff": str(staff).lower(), "unit_ref": unit if unit != "D1" else "T1",
                         "line_manager_ref": manager, "tutor_ref": tutor, "is_student": str(student).lower(),
                         "start_date": (date(2012, 4, 1) + timedelta(days=300 * i)).isoformat(),
                         "weekly_hours": "40" if i != 7 else "30"})
    persons, crimes, parties, events, links = [], [], [], [], []
    pcs = {"T1": ["S103", "S104"], "T2": ["S105", "S106"]}
    sergeant = {"T1": "S101", "T2": "S102"}

    def person() -> str:
        n = len(persons) + 1
        persons.append({"person_ref": f"N{5000 + n}", "forename": rng.choice(FORENAMES),
                        "surname": rng.choice(SURNAMES),
                        "date_of_birth": (date(1960, 1, 1) + timedelta(days=rng.randrange(16000))).isoformat(),
                        "pnc_id": f"{rng.randrange(80, 99)}/{rng.randrange(100000, 999999)}{chr(65 + n % 26)}"
                        if rng.random() < 0.5 else ""})
        return persons[-1]["person_ref"]

    def event(kind: str, crime_ref: str, at: datetime, prefix: str, **extra) -> None:
        events.append({"event_ref": f"{prefix}-{len(events) + 1:04d}", "crime_ref": crime_ref, "kind": kind,
                       "at": at.isoformat(sep=" ", timespec="minutes"), "person_ref": "", "officer_ref": "",
                       "officer_rank": "", "stage": "", "ends_on": "", "value": "", "rule_id": "", "detail": "",
                       **extra})

    for n in range(30):
        team = "T1" if n % 2 == 0 else "T2"
        oic = pcs[team][n % 4 // 2]
        code = rng.choice(list(HO_CODES))
        occurred = DAY - timedelta(days=rng.randrange(3, 120))
        reported = datetime.combine(occurred, datetime.min.time()) + timedelta(hours=rng.randrange(8, 40),
                                                                               minutes=rng.choice([0, 15, 30, 45]))
        recorded = reported + timedelta(hours=rng.randrange(1, 30))
        finalised = n % 5 == 4
        ref = f"NF/{26000 + n}/26"
        crimes.append({"crime_ref": ref, "offence_code": code, "occurred_on": occurred.isoformat(),
                       "reported_at": reported.isoformat(sep=" ", timespec="minutes"),
                       "recorded_at": recorded.isoformat(sep=" ", timespec="minutes"),
                       "unit_ref": team, "oic_ref": oic, "status": "finalised" if finalised else "open",
                       "outcome_code": str(rng.choice([1, 14, 16, 18])) if finalised else "0",
                       "outcome_date": (recorded.date() + timedelta(days=20)).isoformat() if finalised else "",
                       "domestic_abuse": str(code in ("CASLT", "ABH", "HARASS") and n % 3 == 0).lower(),
                       "hate_crime": str(n == 7).lower(),
                       "victim_decision": rng.choice(["supports", "withdraws", "not_asked"]),
                       "location": f"{rng.randrange(1, 90)} {rng.choice(STREETS)}, Northfield",
                       "summary": f"Sample occurrence {n + 1}"})
        at = recorded + timedelta(hours=2)
        event("allocated", ref, at, "ALC", officer_ref=oic)
        victim = person()
        parties.append({"party_ref": f"INV{len(parties) + 1:04d}", "crime_ref": ref, "person_ref": victim,
                        "role": "victim", "enhanced_rights": str(n % 3 == 0).lower(), "suspect_status": "",
                        "relationship": ""})
        event("supervisor_review", ref, at + timedelta(days=3), "REV", officer_ref=sergeant[team],
              officer_rank="DS" if team == "T2" else "PS")
        event("victim_contact", ref, at + timedelta(days=rng.randrange(1, 9)), "VC", person_ref=victim,
              officer_ref=oic)
        event("log_entry", ref, at + timedelta(days=rng.randrange(2, 14)), "LOG", officer_ref=oic,
              detail="Enquiries made; CCTV requested")
        if n % 3 != 2:
            suspect = person()
            parties.append({"party_ref": f"INV{len(parties) + 1:04d}", "crime_ref": ref, "person_ref": suspect,
                            "role": "suspect", "enhanced_rights": "false",
                            "suspect_status": "arrested" if n % 2 else "named",
                            "relationship": "ex-partner" if n % 3 == 0 else "stranger"})
            if n % 2:
                arrested = at + timedelta(days=rng.randrange(1, 6))
                event("arrest", ref, arrested, "ARR", person_ref=suspect, officer_ref=oic)
                if n % 4 == 1:
                    event("bail_granted", ref, arrested + timedelta(hours=6), "BAIL", person_ref=suspect,
                          officer_ref=sergeant[team], officer_rank="PS", stage="initial",
                          ends_on=(arrested.date() + timedelta(days=91)).isoformat())
        if n % 10 == 3:
            parties.append({"party_ref": f"INV{len(parties) + 1:04d}", "crime_ref": ref, "person_ref": person(),
                            "role": "witness", "enhanced_rights": "false", "suspect_status": "",
                            "relationship": ""})
        if n in (5, 9):
            links.append({"crime_ref": ref, "linked_crime_ref": f"NF/{26000 + n - 2}/26", "reason": "same suspect"})
    return {"org_units": units, "officers": officers, "crimes": crimes, "persons": persons, "parties": parties,
            "crime_events": events, "crime_links": links}


def _write(path: Path, rows: list, columns: list, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\r\n" if encoding == "cp1252" else "\n")
        writer.writeheader()
        writer.writerows(rows)


def write_beacon(folder: Path, recs: dict) -> None:
    """Beacon's own shape: the contract's column names, ISO dates, UTF-8."""
    for name, rows in recs.items():
        _write(folder / f"{name}.csv", rows, list(rows[0]))


def _dmy(iso: str) -> str:
    if not iso:
        return ""
    if len(iso) == 10:
        return date.fromisoformat(iso).strftime("%d/%m/%Y")
    return datetime.fromisoformat(iso).strftime("%d/%m/%Y %H:%M")


def _yn(flag: str) -> str:
    return "Y" if flag == "true" else "N"


EVENT_FILES = {"allocated": "allocations.csv", "supervisor_review": "reviews.csv",
               "victim_contact": "victim_contacts.csv", "log_entry": "log_entries.csv", "arrest": "arrests.csv",
               "bail_granted": "bail.csv"}


def write_niche(folder: Path, recs: dict) -> None:
    """A records-system-like export of the same records."""
    _write(folder / "units.csv", [{"UNIT_ID": u["unit_ref"], "PARENT_UNIT": u["parent_ref"],
                                   "UNIT_LEVEL": u["kind"].upper(), "UNIT_NAME": u["name"],
                                   "FUNCTION": {"response": "RESP", "": ""}[u["strand"]]}
                                  for u in recs["org_units"]],
           ["UNIT_ID", "PARENT_UNIT", "UNIT_LEVEL", "UNIT_NAME", "FUNCTION"])
    _write(folder / "staff.csv", [{"STAFF_NO": o["officer_ref"], "WARRANT_NO": o["collar"],
                                   "FULL_NAME": f"{o['surname']}, {o['forename']}", "RANK": o["rank"],
                                   "STAFF_TYPE": "STAFF" if o["is_staff"] == "true" else "OFFICER",
                                   "TEAM": o["unit_ref"], "LINE_MANAGER": o["line_manager_ref"],
                                   "TUTOR": o["tutor_ref"], "STUDENT": _yn(o["is_student"]),
                                   "JOINED": _dmy(o["start_date"]), "HOURS": o["weekly_hours"]}
                                  for o in recs["officers"]],
           ["STAFF_NO", "WARRANT_NO", "FULL_NAME", "RANK", "STAFF_TYPE", "TEAM", "LINE_MANAGER", "TUTOR", "STUDENT",
            "JOINED", "HOURS"])
    _write(folder / "occurrences.csv", [{
        "OCC_NO": c["crime_ref"], "HO_CLASS": HO_CODES[c["offence_code"]], "COMMITTED": _dmy(c["occurred_on"]),
        "REPORTED": _dmy(c["reported_at"]), "CREATED": _dmy(c["recorded_at"]), "OWNING_UNIT": c["unit_ref"],
        "OIC": c["oic_ref"], "STATUS": STATUS[c["status"]], "HO_OUTCOME": c["outcome_code"],
        "OUTCOME_DATE": _dmy(c["outcome_date"]), "DA_FLAG": _yn(c["domestic_abuse"]),
        "HATE_FLAG": _yn(c["hate_crime"]), "VICTIM_DECISION": DECISIONS[c["victim_decision"]],
        "LOCATION": c["location"], "MO_SUMMARY": c["summary"]} for c in recs["crimes"]],
           ["OCC_NO", "HO_CLASS", "COMMITTED", "REPORTED", "CREATED", "OWNING_UNIT", "OIC", "STATUS", "HO_OUTCOME",
            "OUTCOME_DATE", "DA_FLAG", "HATE_FLAG", "VICTIM_DECISION", "LOCATION", "MO_SUMMARY"], encoding="cp1252")
    _write(folder / "nominals.csv", [{"NOMINAL_ID": p["person_ref"],
                                      "NAME": f"{p['surname']}, {p['forename']}",
                                      "DOB": _dmy(p["date_of_birth"]), "PNC": p["pnc_id"]}
                                     for p in recs["persons"]],
           ["NOMINAL_ID", "NAME", "DOB", "PNC"])
    _write(folder / "involvements.csv", [{"INV_ID": p["party_ref"], "OCC_NO": p["crime_ref"],
                                          "NOMINAL_ID": p["person_ref"], "ROLE": ROLES[p["role"]],
                                          "ENHANCED": _yn(p["enhanced_rights"]),
                                          "SUSPECT_STATUS": p["suspect_status"].upper(),
                                          "RELATIONSHIP": p["relationship"]} for p in recs["parties"]],
           ["INV_ID", "OCC_NO", "NOMINAL_ID", "ROLE", "ENHANCED", "SUSPECT_STATUS", "RELATIONSHIP"])
    for kind, file_name in EVENT_FILES.items():
        rows = [e for e in recs["crime_events"] if e["kind"] == kind]
        _write(folder / file_name, [{"ACTION_ID": e["event_ref"], "OCC_NO": e["crime_ref"],
                                     "ACTION_DATE": _dmy(e["at"]), "NOMINAL_ID": e["person_ref"],
                                     "BY_STAFF_NO": e["officer_ref"], "BY_RANK": e["officer_rank"],
                                     "BAIL_STAGE": e["stage"].upper(), "BAIL_RETURN": _dmy(e["ends_on"]),
                                     "TEXT": e["detail"]} for e in rows],
               ["ACTION_ID", "OCC_NO", "ACTION_DATE", "NOMINAL_ID", "BY_STAFF_NO", "BY_RANK", "BAIL_STAGE",
                "BAIL_RETURN", "TEXT"])
    _write(folder / "linked_occurrences.csv", [{"OCC_NO": x["crime_ref"], "LINKED_OCC_NO": x["linked_crime_ref"],
                                                "LINK_REASON": x["reason"]} for x in recs["crime_links"]],
           ["OCC_NO", "LINKED_OCC_NO", "LINK_REASON"])


def main() -> None:
    recs = records()
    write_beacon(HERE / "beacon-extract", recs)
    write_niche(HERE / "niche-style", recs)


if __name__ == "__main__":
    main()

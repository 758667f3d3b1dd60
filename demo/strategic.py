"""Demo generator step: synthetic benchmark data for every force, flagged synthetic and labelled so on screen.

Real data comes from the importers; the demo needs something to show. Everything written here hangs
from one import batch marked synthetic, covers only the two latest financial years (so real imports
of earlier years never collide with it), and costs carry their own synthetic flag.
"""

import random
from datetime import date, datetime, timedelta

from data_access.forces import FORCES
from data_access.importers.base import ensure_forces, fin_year_of, row_key
from data_access.importers.labels import OUTCOME_LABELS
from data_access.schema_strategic import (
    bench_cost,
    bench_outcome,
    bench_recorded_crime,
    bench_stop_search,
    bench_street_crime,
    bench_tactic,
    bench_use_of_force,
    bench_workforce,
    import_batch,
    import_quarantine,
)
from scoring.settings_strategic import DEFAULT_STRATEGIC

FIRST_COST_YEAR = 2016
SALT = "synthetic-demo"
SUBGROUPS = ("Domestic burglary", "Non-domestic burglary", "Violence with injury", "Violence without injury",
             "Stalking and harassment", "Public order offences")
STREET_TYPES = ("Burglary", "Violence and sexual offences", "Anti-social behaviour", "Public order", "Vehicle crime")
LABELS = tuple(OUTCOME_LABELS)
# Tactics named in national guidance and inspection reports, per area; adoption is random per force.
TACTICS = {
    "burglary": ("Attend every residential burglary", "Forensic examination at every scene",
                 "Target hardening for repeat victims", "Cocooning neighbours after a burglary",
                 "Dedicated burglary investigation team", "Offender management of prolific burglars"),
    "domestic_abuse": ("Body-worn video at every domestic incident", "Evidence-led prosecutions",
                       "Domestic violence protection notices", "Specialist domestic abuse investigators",
                       "Clare's Law disclosure within 28 days", "MARAC referral for high-risk victims"),
    "public_contact": ("Online crime reporting", "Live web chat", "Callback within one hour for priority calls",
                       "Single online home", "Telephone investigation unit", "Video appointments"),
    "anti_social_behaviour": ("Community triggers reviewed monthly", "Problem-oriented policing plans",
                              "Joint patrols with the council", "Civil injunctions for persistent ASB",
                              "Youth diversion scheme", "Hotspot patrols"),
}


def _key(*parts) -> str:
    return row_key(SALT, *parts)


def _force_rows(rng, code, start_year, batch_id) -> dict:
    """One force's figures for the financial year starting in April of start_year."""
    fy = f"{start_year}/{(start_year + 1) % 100:02d}"
    fte = rng.uniform(800, 6000)
    base = {"batch_id": batch_id, "force_code": code}
    out = {"workforce": [base | {"row_key": _key("fte", code, fy), "as_at": date(start_year, 9, 30), "fin_year": fy,
                                 "officer_fte": round(fte, 2)}],
           "uof": [base | {"row_key": _key("uof", code, fy), "fin_year": fy,
                           "incidents": int(fte * rng.uniform(1.0, 4.5))}],
           "prc": [], "street": [], "outcome": [], "sas": []}
    for quarter in range(1, 5):
        for sub in SUBGROUPS:
            out["prc"].append(base | {"row_key": _key("prc", code, fy, quarter, sub), "fin_year": fy, "quarter": quarter,
                                      "offence_code": "SYN", "offence_description": sub, "offence_group": "Synthetic",
                                      "offence_subgroup": sub, "offences": int(fte * rng.uniform(0.05, 0.6))})
    month = f"{start_year + 1}-01"
    for i in range(rng.randint(40, 80)):
        kind = rng.choice(STREET_TYPES)
        asb = kind == "Anti-social behaviour"
        label = None if asb else rng.choice(LABELS)
        code_group = OUTCOME_LABELS.get(label.lower()) if label else None
        crime_id = None if asb else f"syn-{code}-{start_year}-{i}"
        out["street"].append(base | {"row_key": _key("street", code, month, i), "month": month, "fin_year": fy,
                                     "crime_id": crime_id, "crime_type": kind, "outcome_label": label,
                                     "outcome_code": code_group[0] if code_group else None,
                                     "outcome_group": code_group[1] if code_group else None, "lsoa_code": None,
                                     "longitude": None, "latitude": None})
        if crime_id and rng.random() < 0.2:
            out["outcome"].append(base | {"row_key": _key("outcome", crime_id), "month": month, "fin_year": fy,
                                          "crime_id": crime_id, "outcome_label": "Suspect charged",
                                          "outcome_code": 1, "outcome_group": "charged"})
    for i in range(rng.randint(20, 50)):
        arrest = rng.random() < rng.uniform(0.08, 0.2)
        out["sas"].append(base | {"row_key": _key("sas", code, month, i), "month": month, "fin_year": fy,
                                  "occurred_at": datetime(start_year + 1, 1, 1) + timedelta(hours=rng.randint(0, 700)),
                                  "search_type": "Person search", "object_of_search": "Controlled drugs",
                                  "outcome": "Arrest" if arrest else "A no further action disposal", "arrest": arrest})
    return out


def extend(engine, preset, seed, today: date, settings, extract_dir=None) -> dict:
    """Synthetic benchmark data for the two latest financial years, costs since 2016, and tactics."""
    rng = random.Random(f"strategic-{seed}")
    last = int(fin_year_of(today)[:4])
    stamp = datetime(today.year, today.month, today.day)
    with engine.begin() as conn:
        ensure_forces(conn)
        batch_id = conn.execute(import_batch.insert().values(
            kind="demo", file_name="synthetic demo data (generator)", file_hash=_key("batch", seed, today.isoformat()),
            status="loaded", message="Synthetic figures made by the demo generator; not real force data.",
            rows_read=1, rows_loaded=0, rows_quarantined=1, rows_duplicated=0, imported_by="generator",
            imported_at=stamp, synthetic=True)).inserted_primary_key[0]
        tables = {"workforce": bench_workforce, "uof": bench_use_of_force, "prc": bench_recorded_crime,
                  "street": bench_street_crime, "outcome": bench_outcome, "sas": bench_stop_search}
        rows = {name: [] for name in tables}
        for code, _name, _region in FORCES:
            for year in (last - 1, last):
                for name, part in _force_rows(rng, code, year, batch_id).items():
                    rows[name].extend(part)
        costs, tactics = [], []
        for code, _name, _region in FORCES:
            scale = rng.uniform(0.7, 1.4)
            for area in DEFAULT_STRATEGIC.area_ids():
                base = rng.uniform(2_000, 9_000) * scale
                for year in range(FIRST_COST_YEAR, last + 1):
                    fy = f"{year}/{(year + 1) % 100:02d}"
                    cost = round(base * (1.02 ** (year - FIRST_COST_YEAR)) * rng.uniform(0.9, 1.1) * 1000, -3)
                    costs.append({"batch_id": batch_id, "force_code": code, "row_key": row_key("cost", code, area, fy),
                                  "area": area, "fin_year": fy, "cost_gbp": cost, "synthetic": True})
                for tactic in TACTICS.get(area, ()):
                    tactics.append({"batch_id": batch_id, "force_code": code, "area": area, "tactic": tactic,
                                    "row_key": row_key("tactic", code, area, tactic.lower()),
                                    "in_use": rng.random() < 0.5, "note": "synthetic demo entry"})
        rows["cost"], tables["cost"] = costs, bench_cost
        rows["tactic"], tables["tactic"] = tactics, bench_tactic
        for name, table in tables.items():
            for i in range(0, len(rows[name]), 2000):
                conn.execute(table.insert(), rows[name][i:i + 2000])
        made = sum(len(r) for r in rows.values())
        # The history then reads like a real import: every generated row loaded, one example quarantined.
        conn.execute(import_batch.update().where(import_batch.c.id == batch_id).values(
            rows_read=made + 1, rows_loaded=made))
        # One example of a quarantined line, so the administrators' Imports area shows what one looks like.
        conn.execute(import_quarantine.insert().values(
            batch_id=batch_id, file_name="synthetic demo data (generator)", line_number=2,
            reason="truncated row: 3 fields, expected 12 (synthetic example)", raw_row=",2019-01,Nowhere Police"))
    counts = {table.name: len(rows[name]) for name, table in tables.items()}
    return counts | {"bench_force": len(FORCES), "import_batch": 1, "import_quarantine": 1}

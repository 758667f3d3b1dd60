"""The demo force's records written as a force's extract in Beacon's own shape, for the loader to read."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

MAPPING = Path(__file__).resolve().parent.parent / "mappings" / "beacon-extract.yaml"

# Source keys the demo's records system would use. Zero-padded, so their order is the generator's id order.
PREFIX = {"org_unit": ("U", 6), "officer": ("O", 7), "person": ("P", 9), "crime_person": ("Y", 9),
          "deployment": ("D", 9), "shift": ("S", 10), "leave": ("L", 9), "training": ("T", 9),
          "person_alias": ("N", 9), "person_address": ("H", 9), "officer_activity": ("A", 10),
          "duty_restriction": ("R", 9), "psd_matter": ("M", 9), "core_skill": ("K", 9),
          "team_establishment": ("E", 7), "incident_party": ("Q", 10)}
# Beacon table -> contract table, for the tables the loader fills.
CONTRACT = {"org_unit": "org_units", "officer": "officers", "person": "persons", "crime": "crimes",
            "crime_person": "parties", "crime_event": "crime_events", "crime_link": "crime_links",
            "incident": "incidents", "deployment": "deployments", "custody": "custody", "shift": "shifts",
            "leave": "leave", "training": "training", "person_alias": "person_aliases",
            "person_address": "person_addresses", "officer_activity": "officer_activity",
            "duty_restriction": "duty_restrictions", "psd_matter": "psd_matters", "core_skill": "core_skills",
            "team_establishment": "team_establishment", "incident_party": "incident_parties",
            "missing_episode": "missing_episodes"}


def _seq(n: int) -> np.ndarray:
    """Record ids 1..n for tables whose generator columns carry none."""
    return np.arange(1, n + 1)


def ref(table: str, ids) -> list:
    """Source keys for generator ids (None stays None)."""
    letter, width = PREFIX[table]
    return [None if i is None or (isinstance(i, float) and np.isnan(i)) else f"{letter}{int(i):0{width}d}"
            for i in pd.Series(ids, dtype=object).tolist()]


class Extract:
    """Writes each table the loader takes as one Parquet file in the contract's shape."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.crime_ref: dict[int, str] = {}
        self.incident_ref: dict[int, str] = {}

    def takes(self, table) -> bool:
        """True for a table that arrives through the loader rather than being written directly."""
        return table.name in CONTRACT

    def write(self, table, cols: dict) -> int:
        """Write one table's columns as its contract file; returns the rows written."""
        frame = getattr(self, "_" + table.name)(cols)
        frame.to_parquet(self.folder / f"{CONTRACT[table.name]}.parquet", index=False)
        return len(frame)

    def _crime_refs(self, ids) -> list:
        return [None if i is None else self.crime_ref[int(i)] for i in pd.Series(ids, dtype=object).tolist()]

    def _org_unit(self, c):
        return pd.DataFrame({"unit_ref": ref("org_unit", c["id"]), "parent_ref": ref("org_unit", c["parent_id"]),
                             "kind": c["kind"], "name": c["name"], "strand": c["strand"]})

    def _officer(self, c):
        return pd.DataFrame({
            "officer_ref": ref("officer", c["id"]), "collar": c["collar"], "forename": c["forename"],
            "surname": c["surname"], "rank": c["rank"], "is_staff": np.asarray(c["is_staff"], bool),
            "unit_ref": ref("org_unit", c["team_id"]), "line_manager_ref": ref("officer", c["line_manager_id"]),
            "tutor_ref": ref("officer", c["tutor_id"]), "is_student": np.asarray(c["is_student"], bool),
            "start_date": c["start_date"], "weekly_hours": c["weekly_hours"]})

    def _person(self, c):
        return pd.DataFrame({"person_ref": ref("person", c["id"]), "forename": c["forename"],
                             "surname": c["surname"], "date_of_birth": c["dob"], "pnc_id": c["pnc_id"]})

    def _crime(self, c):
        self.crime_ref = dict(zip(np.asarray(c["id"]).tolist(), c["crime_ref"]))
        return pd.DataFrame({
            "crime_ref": c["crime_ref"], "offence_code": c["offence_code"], "occurred_on": c["occurred_on"],
            "reported_at": c["reported_at"], "recorded_at": c["recorded_at"], "allocated_on": c["allocated_on"],
            "unit_ref": ref("org_unit", c["team_id"]), "oic_ref": ref("officer", c["oic_id"]),
            "status": c["status"], "outcome_code": c["outcome_code"], "outcome_date": c["outcome_date"],
            "domestic_abuse": np.asarray(c["domestic_abuse"], bool), "hate_crime": np.asarray(c["hate_crime"], bool),
            "flags": c["flags"], "victim_decision": c["victim_decision"],
            "first_statement_on": c["first_statement_on"], "location": c["location"], "summary": c["summary"]})

    def _crime_person(self, c):
        return pd.DataFrame({
            "party_ref": ref("crime_person", c["id"]), "crime_ref": self._crime_refs(c["crime_id"]),
            "person_ref": ref("person", c["person_id"]), "role": c["role"],
            "enhanced_rights": np.asarray(c["enhanced_rights"], bool), "suspect_status": c["suspect_status"],
            "arrested_on": c["arrested_on"], "charged_on": c["charged_on"], "relationship": c["relationship"]})

    def _crime_event(self, c):
        return pd.DataFrame({
            "event_ref": c["source_ref"], "crime_ref": self._crime_refs(c["crime_id"]), "kind": c["kind"],
            "at": c["at"], "person_ref": ref("person", c["person_id"]), "officer_ref": ref("officer", c["officer_id"]),
            "officer_rank": c["officer_rank"], "stage": c["stage"], "ends_on": c["ends_on"],
            "value": pd.array(c["value"], dtype="Int64"), "rule_id": c["rule_id"], "detail": c["detail"]})

    def _crime_link(self, c):
        return pd.DataFrame({"crime_ref": self._crime_refs(c["crime_id"]),
                             "linked_crime_ref": self._crime_refs(c["linked_crime_id"]), "reason": c["reason"]})

    def _incident(self, c):
        self.incident_ref = dict(zip(np.asarray(c["id"]).tolist(), c["incident_ref"]))
        crime_ids = pd.Series(c["crime_id"], dtype=object).tolist()
        return pd.DataFrame({
            "incident_ref": c["incident_ref"], "opened_at": c["opened_at"], "incident_type": c["incident_type"],
            "grade": c["grade"], "pre_planned": np.asarray(c["pre_planned"], bool),
            "bcu_ref": ref("org_unit", c["bcu_id"]), "location": c["location"],
            "call_seconds": pd.array(pd.Series(c["call_seconds"], dtype=object).tolist(), dtype="Int64"),
            "originator_ref": ref("person", c["originator_person_id"]),
            "subject_ref": ref("person", c["subject_person_id"]),
            "crime_ref": [None if i is None else self.crime_ref[int(i)] for i in crime_ids]})

    def _deployment(self, c):
        return pd.DataFrame({
            "deployment_ref": ref("deployment", c["id"]),
            "incident_ref": [self.incident_ref[int(i)] for i in np.asarray(c["incident_id"]).tolist()],
            "officer_ref": ref("officer", c["officer_id"]), "resource_group": c["resource_group"],
            "assigned_at": c["assigned_at"], "deployed_at": c["deployed_at"], "arrived_at": c["arrived_at"],
            "released_at": c["released_at"]})

    def _custody(self, c):
        return pd.DataFrame({
            "custody_ref": c["custody_ref"], "person_ref": ref("person", c["person_id"]),
            "crime_ref": self._crime_refs(c["crime_id"]),
            "arresting_officer_ref": ref("officer", c["arresting_officer_id"]), "arrived_at": c["arrived_at"],
            "released_at": c["released_at"], "outcome": c["outcome"]})

    def _shift(self, c):
        return pd.DataFrame({"shift_ref": ref("shift", c["id"]), "officer_ref": ref("officer", c["officer_id"]),
                             "unit_ref": ref("org_unit", c["team_id"]), "starts_at": c["starts_at"],
                             "ends_at": c["ends_at"],
                             "attended": pd.array(pd.Series(c["attended"], dtype=object).tolist(), dtype="boolean")})

    def _leave(self, c):
        return pd.DataFrame({"leave_ref": ref("leave", c["id"]), "officer_ref": ref("officer", c["officer_id"]),
                             "kind": c["kind"], "starts_on": c["starts_on"], "ends_on": c["ends_on"]})

    def _training(self, c):
        return pd.DataFrame({"training_ref": ref("training", c["id"]),
                             "officer_ref": ref("officer", c["officer_id"]), "course": c["course"],
                             "critical": np.asarray(c["critical"], bool), "passed_on": c["passed_on"],
                             "expires_on": c["expires_on"]})


    def _person_alias(self, c):
        return pd.DataFrame({"alias_ref": ref("person_alias", c["id"]), "person_ref": ref("person", c["person_id"]),
                             "forename": c["forename"], "surname": c["surname"], "date_of_birth": c["dob"]})

    def _person_address(self, c):
        return pd.DataFrame({"address_ref": ref("person_address", c["id"]),
                             "person_ref": ref("person", c["person_id"]), "address": c["address"],
                             "lpa_ref": ref("org_unit", c["lpa_id"]), "from_date": c["from_date"]})

    def _officer_activity(self, c):
        return pd.DataFrame({"activity_ref": ref("officer_activity", _seq(len(c["officer_id"]))),
                             "officer_ref": ref("officer", c["officer_id"]), "kind": c["kind"],
                             "occurred_at": c["occurred_at"], "bcu_ref": ref("org_unit", c["bcu_id"])})

    def _duty_restriction(self, c):
        return pd.DataFrame({"restriction_ref": ref("duty_restriction", _seq(len(c["officer_id"]))),
                             "officer_ref": ref("officer", c["officer_id"]), "kind": c["kind"],
                             "starts_on": c["starts_on"], "ends_on": c["ends_on"]})

    def _psd_matter(self, c):
        return pd.DataFrame({"psd_ref": ref("psd_matter", _seq(len(c["officer_id"]))),
                             "officer_ref": ref("officer", c["officer_id"]), "category": c["category"],
                             "opened_on": c["opened_on"], "closed_on": c["closed_on"]})

    def _core_skill(self, c):
        return pd.DataFrame({"skill_ref": ref("core_skill", _seq(len(c["officer_id"]))),
                             "officer_ref": ref("officer", c["officer_id"]), "skill": c["skill"],
                             "achieved_on": c["achieved_on"], "expires_on": c["expires_on"]})

    def _team_establishment(self, c):
        return pd.DataFrame({"establishment_ref": ref("team_establishment", _seq(len(c["team_id"]))),
                             "unit_ref": ref("org_unit", c["team_id"]), "posts": c["posts"],
                             "from_date": c["from_date"]})

    def _incident_party(self, c):
        return pd.DataFrame({
            "incident_party_ref": ref("incident_party", _seq(len(c["incident_id"]))),
            "incident_ref": [self.incident_ref[int(i)] for i in np.asarray(c["incident_id"]).tolist()],
            "role": c["role"], "forename": c["forename"], "surname": c["surname"], "date_of_birth": c["dob"],
            "pnc_id": c["pnc_id"], "relationship": c["relationship"]})

    def _missing_episode(self, c):
        return pd.DataFrame({"episode_ref": c["episode_ref"], "person_ref": ref("person", c["person_id"]),
                             "reported_at": c["reported_at"], "found_at": c["found_at"], "risk": c["risk"],
                             "lpa_ref": ref("org_unit", c["lpa_id"])})


def load_more(engine, settings, today, tables: list, keep_in: Path | None = None, incident_ref=None) -> dict:
    """Load more of the demo's records ([(table, columns)]) through the loader, as a force's later extract would.

    Returns rows loaded per Beacon table; the files join the kept extract in keep_in when given.
    """
    from data_access.ingest.loader import load_extract  # late: the loader imports much of data_access

    with tempfile.TemporaryDirectory(prefix="beacon-demo-more-") as scratch:
        extract = Extract(Path(scratch))
        extract.incident_ref = dict(incident_ref or {})
        written = {table.name: extract.write(table, cols) for table, cols in tables if cols}
        if not written:
            return {table.name: 0 for table, _ in tables}
        loaded = load_extract(SimpleNamespace(engine=engine, settings=settings, today=lambda: today), MAPPING,
                              scratch, derive=False)
        if loaded.status != "loaded" or loaded.quarantined:
            reasons = "; ".join(f"{q['source_table']} line {q['line']}: {q['reason']}"
                                for q in loaded.quarantined[:5])
            raise RuntimeError(f"the demo's {', '.join(written)} did not load cleanly: {loaded.message} {reasons}")
        if keep_in is not None:
            for file in Path(scratch).glob("*.parquet"):
                shutil.copy(file, Path(keep_in) / file.name)
    return {table.name: (loaded.counts[CONTRACT[table.name]]["inserted"] if table.name in written else 0)
            for table, _ in tables}

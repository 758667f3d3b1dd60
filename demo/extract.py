"""The demo force's records written as a force's extract in Beacon's own shape, for the loader to read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

MAPPING = Path(__file__).resolve().parent.parent / "mappings" / "beacon-extract.yaml"

# Source keys the demo's records system would use. Zero-padded, so their order is the generator's id order.
PREFIX = {"org_unit": ("U", 6), "officer": ("O", 7), "person": ("P", 9), "crime_person": ("Y", 9),
          "deployment": ("D", 9), "shift": ("S", 10), "leave": ("L", 9), "training": ("T", 9)}
# Beacon table -> contract table, for the tables the loader fills.
CONTRACT = {"org_unit": "org_units", "officer": "officers", "person": "persons", "crime": "crimes",
            "crime_person": "parties", "crime_event": "crime_events", "crime_link": "crime_links",
            "incident": "incidents", "deployment": "deployments", "custody": "custody", "shift": "shifts",
            "leave": "leave", "training": "training"}


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


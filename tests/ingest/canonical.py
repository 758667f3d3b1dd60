"""The canonical rows a load wrote, with Beacon's ids replaced by the source's keys, for comparing loads."""

from sqlalchemy import select

from data_access.ingest.contract import TABLES
from data_access.schema import metadata
from data_access.schema_ingest import source_key

# Beacon id columns -> the entity whose source key replaces them.
ID_COLUMNS = {"parent_id": "org_units", "force_id": "org_units", "bcu_id": "org_units", "department_id": "org_units",
              "team_id": "org_units", "line_manager_id": "officers", "tutor_id": "officers", "oic_id": "officers",
              "officer_id": "officers", "arresting_officer_id": "officers", "person_id": "persons",
              "originator_person_id": "persons", "subject_person_id": "persons", "crime_id": "crimes",
              "linked_crime_id": "crimes", "incident_id": "incidents"}
SKIP = {"id", "recorded_at"}  # the row's own id, and when the load wrote it


def canonical(store) -> dict:
    """Beacon table -> sorted rows (tuples of column=value), ids shown as source keys."""
    with store.engine.connect() as conn:
        keys = {}
        for entity, key, bid in conn.execute(select(source_key.c.entity, source_key.c.source_key,
                                                    source_key.c.beacon_id)):
            keys.setdefault(entity, {})[bid] = key
        out = {}
        for name, contract in TABLES.items():
            table = metadata.tables[contract.beacon_table]
            rows = []
            for row in conn.execute(select(table)).mappings():
                shown = {"_key": keys.get(name, {}).get(row["id"])}
                for col, value in row.items():
                    if col in SKIP:
                        continue
                    if col in ID_COLUMNS and value is not None:
                        value = keys.get(ID_COLUMNS[col], {}).get(value, f"?{value}")
                    shown[col] = value
                rows.append(tuple(sorted((k, str(v)) for k, v in shown.items())))
            out[contract.beacon_table] = sorted(rows)
    return out

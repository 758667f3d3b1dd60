"""The contract against its document, the validator and Beacon's schema: every documented column exists in each,
and the other way round."""

import re

import pytest

from data_access.ingest import contract_doc
from data_access.ingest.contract import ORDER, TABLES
from data_access.ingest.transform import checks_schema
from data_access.schema import metadata
import data_access.schema_all  # noqa: F401  (every table registered)

DOC = contract_doc.DOC.read_text(encoding="utf-8")


def _documented() -> dict:
    """Contract table -> the columns its table in docs/data-contract.md lists, in order."""
    section = contract_doc.current(DOC)
    assert section is not None, "docs/data-contract.md lost the markers of its generated section"
    tables, name = {}, None
    for line in section.splitlines():
        heading = re.match(r"### `(\w+)` \(fills `(\w+)`\)", line)
        if heading:
            name = heading.group(1)
            tables[name] = []
            continue
        row = re.match(r"\| `(\w+)` \| (\w+) \|", line)
        if row and name and row.group(2) in ("string", "integer", "number", "date", "datetime", "boolean", "code"):
            tables[name].append(row.group(1))
    return tables


def test_document_is_generated_from_the_contract():
    assert contract_doc.current(DOC) == contract_doc.render(), \
        "run: python -m data_access.ingest.contract_doc (docs/data-contract.md differs from contract.py)"


def test_every_documented_column_is_in_the_contract_and_back():
    assert _documented() == {name: TABLES[name].names for name in ORDER}


@pytest.mark.parametrize("name", ORDER)
def test_every_column_is_validated_and_stored(name):
    contract = TABLES[name]
    beacon = metadata.tables[contract.beacon_table]
    schema = checks_schema(contract, beacon, {"CASLT"})
    assert set(schema.columns) == set(contract.names)
    for col in contract.columns:
        if col.stored:
            assert col.into in beacon.c, f"{name}.{col.name} -> {contract.beacon_table}.{col.into} does not exist"
    # The other way round: every Beacon column is filled by a contract column, derived, or left to Beacon.
    filled = {c.into for c in contract.columns if c.stored} | set(contract.derived) | {"id"}
    required = {c.name for c in beacon.columns if not c.nullable and c.default is None}
    assert required <= filled, f"{contract.beacon_table} columns no source fills: {required - filled}"


def test_event_kinds_are_documented():
    from scoring.events import EVENT_KINDS

    for kind in EVENT_KINDS:
        assert f"| `{kind}` |" in DOC


def test_quarantine_reasons_are_documented():
    from tests.ingest.test_ingest_quarantine import CASES

    for _table, _make, reason in CASES.values():
        assert f"`{reason.split(':')[0]}`" in DOC
    for reason in ("missing column", "still referenced", "unplaced unit"):
        assert f"`{reason}`" in DOC

"""Mapping files: the shipped ones are valid, JSON is accepted, and every error names the file and the line."""

import json

import pytest

from data_access.ingest.mapping import MappingError, parse_mapping, read_mapping
from tests.ingest.conftest import MAPPINGS


@pytest.mark.parametrize("name", ["beacon-extract.yaml", "niche-style.yaml"])
def test_shipped_mappings_are_valid(name):
    mapping = read_mapping(MAPPINGS / name)
    assert mapping.tables["crimes"]


def test_niche_events_come_from_one_file_per_kind():
    parts = read_mapping(MAPPINGS / "niche-style.yaml").tables["crime_events"]
    kinds = {p.files[0]: p.values["kind"] for p in parts}
    assert kinds["reviews.csv"] == "supervisor_review" and kinds["bail.csv"] == "bail_granted"
    # The table's renames and codes apply to every part.
    assert all(p.rename["ACTION_ID"] == "event_ref" and p.codes["stage"]["INITIAL"] == "initial" for p in parts)
    crimes = read_mapping(MAPPINGS / "niche-style.yaml").tables["crimes"][0]
    assert crimes.encoding == "cp1252" and crimes.formats["reported_at"] == "%d/%m/%Y %H:%M"


def test_json_is_accepted():
    text = json.dumps({"mapping": "json-one", "tables": {"crimes": {"files": "c.csv", "codes": {"status": {"1": "open"}}}}})
    mapping = parse_mapping(text, "m.json")
    assert mapping.name == "json-one" and mapping.tables["crimes"][0].codes == {"status": {"1": "open"}}


def test_scalars_stay_text():
    mapping = parse_mapping("mapping: m\ntables:\n  parties:\n    files: p.csv\n    codes:\n"
                            "      enhanced_rights: {Y: 'true', N: 'false'}\n      role: {01: victim}\n")
    assert mapping.tables["parties"][0].codes == {"enhanced_rights": {"Y": "true", "N": "false"},
                                                   "role": {"01": "victim"}}


GOOD = """mapping: m
tables:
  crimes:
    files: crimes.csv
    rename: {OCC: crime_ref}
"""

ERRORS = {
    "unknown top key": (GOOD + "colour: blue\n", 6, "unknown key 'colour' in the mapping"),
    "unknown table": (GOOD + "  cats:\n    files: x.csv\n", 6, "unknown table 'cats'"),
    "unknown table key": (GOOD + "    renam: {A: b}\n", 6, "unknown key 'renam' in tables.crimes"),
    "rename to unknown column": (GOOD.replace("crime_ref", "crime_reff"), 5,
                                 "'crime_reff' is not a column of crimes"),
    "bad encoding": (GOOD + "    encoding: klingon\n", 6, "unknown encoding 'klingon'"),
    "format on a text column": (GOOD + "    formats: {summary: '%d'}\n", 6, "summary is not a date or datetime column"),
    "no files": ("mapping: m\ntables:\n  crimes:\n    rename: {A: crime_ref}\n", 4, "needs 'files'"),
    "duplicate key": (GOOD + "    rename: {B: crime_ref}\n", 6, "'rename' appears twice in tables.crimes"),
    "split without into": (GOOD + "    split:\n      NAME: {sep: ','}\n", 7, "needs 'into'"),
    "not YAML": (GOOD + "    values: {kind: [unclosed\n", 7, "not valid YAML"),
    "part without files": ("mapping: m\ntables:\n  crime_events:\n    parts:\n      - {values: {kind: arrest}}\n", 5,
                           "tables.crime_events.parts[0] needs 'files'"),
    "no name": ("tables:\n  crimes: {files: c.csv}\n", 1, "needs a 'mapping' key"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_name_the_file_and_line(case, tmp_path):
    text, line, words = ERRORS[case]
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as err:
        read_mapping(path)
    message = str(err.value)
    assert message.startswith(f"{path} line {line}: "), message
    assert words in message, message

"""Mapping files: how one source system's extract becomes the contract's tables, read and checked with line numbers.

Every scalar is read as text (so a code '01' stays '01' and 'N' does not become false); see
docs/data-contract.md for the language.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from data_access.ingest.contract import TABLES

TOP_KEYS = {"mapping", "description", "encoding", "date_format", "datetime_format", "staging", "tables"}
PART_KEYS = {"files", "encoding", "rename", "values", "codes", "formats", "split", "join", "date_format",
             "datetime_format"}
TABLE_KEYS = PART_KEYS | {"parts"}
STAGING_KEYS = {"schema", "prefix"}
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
DEFAULT_DATETIME_FORMAT = "ISO8601"  # pandas: 2026-11-18T09:30:00, 2026-11-18 09:30 and the like


class MappingError(ValueError):
    """A mapping file that is not valid; the message names the file and the line."""


@dataclass
class Part:
    """One group of files feeding a contract table, with how its columns become the contract's."""

    files: list
    encoding: str
    rename: dict
    values: dict
    codes: dict
    formats: dict
    split: dict
    join: dict
    line: int


@dataclass
class Mapping:
    """A validated mapping file."""

    name: str
    path: str
    description: str = ""
    staging_schema: str | None = None
    staging_prefix: str = ""
    tables: dict = field(default_factory=dict)  # contract table -> [Part]


class _Reader:
    """Turns PyYAML nodes into plain values (text scalars), raising MappingError at the node's line."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, node, message: str):
        line = node.start_mark.line + 1 if node is not None else 1
        raise MappingError(f"{self.path} line {line}: {message}")

    def text(self, node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{what} must be a single value")
        return node.value

    def items(self, node, what: str) -> list:
        """(key text, key node, value node) of a mapping node; duplicate keys refused."""
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of names to values")
        seen, out = set(), []
        for key_node, value_node in node.value:
            key = self.text(key_node, f"a key in {what}")
            if key in seen:
                self.fail(key_node, f"{key!r} appears twice in {what}")
            seen.add(key)
            out.append((key, key_node, value_node))
        return out

    def texts(self, node, what: str) -> list:
        if isinstance(node, yaml.ScalarNode):
            return [node.value]
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{what} must be a value or a list of values")
        return [self.text(n, f"an entry of {what}") for n in node.value]

    def text_map(self, node, what: str) -> dict:
        return {k: self.text(v, f"{what}.{k}") for k, _kn, v in self.items(node, what)}

    def keys(self, pairs, allowed: set, what: str) -> dict:
        for key, key_node, _v in pairs:
            if key not in allowed:
                self.fail(key_node, f"unknown key {key!r} in {what} (expected one of {', '.join(sorted(allowed))})")
        return {k: v for k, _kn, v in pairs}


def read_mapping(path) -> Mapping:
    """Read and check a mapping file (YAML, or JSON which is YAML); MappingError names the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: cannot read the mapping file ({exc})") from None
    return parse_mapping(text, str(path))


def parse_mapping(text: str, path: str = "<mapping>") -> Mapping:
    """Check a mapping given as text; path names it in errors."""
    r = _Reader(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise MappingError(f"{path} line {line}: not valid YAML ({exc.problem or exc})") from None
    if root is None:
        raise MappingError(f"{path} line 1: the mapping file is empty")
    top = r.keys(r.items(root, "the mapping"), TOP_KEYS, "the mapping")
    if "mapping" not in top:
        r.fail(root, "the mapping needs a 'mapping' key: its name, recorded in the load history")
    if "tables" not in top:
        r.fail(root, "the mapping needs a 'tables' key: the contract tables it supplies")
    defaults = {"encoding": "utf-8", "date_format": DEFAULT_DATE_FORMAT, "datetime_format": DEFAULT_DATETIME_FORMAT}
    for key in defaults:
        if key in top:
            defaults[key] = r.text(top[key], key)
    _check_encoding(r, top.get("encoding"), defaults["encoding"])
    m = Mapping(name=r.text(top["mapping"], "mapping"), path=path,
                description=r.text(top["description"], "description") if "description" in top else "")
    if "staging" in top:
        staging = r.keys(r.items(top["staging"], "staging"), STAGING_KEYS, "staging")
        m.staging_schema = r.text(staging["schema"], "staging.schema") if "schema" in staging else None
        m.staging_prefix = r.text(staging["prefix"], "staging.prefix") if "prefix" in staging else ""
    for name, name_node, node in r.items(top["tables"], "tables"):
        if name not in TABLES:
            r.fail(name_node, f"unknown table {name!r} (the contract's tables: {', '.join(TABLES)})")
        m.tables[name] = _parts(r, name, node, defaults)
    return m


def _check_encoding(r: _Reader, node, encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        r.fail(node, f"unknown encoding {encoding!r} (for example utf-8, cp1252, latin-1)")


def _parts(r: _Reader, table: str, node, defaults: dict) -> list:
    what = f"tables.{table}"
    spec = r.keys(r.items(node, what), TABLE_KEYS, what)
    shared = {k: v for k, v in spec.items() if k != "parts"}
    if "parts" not in spec:
        if "files" not in spec:
            r.fail(node, f"{what} needs 'files' (a file name or glob, or staging table names) or 'parts'")
        return [_part(r, table, shared, {}, node, defaults, what)]
    if not isinstance(spec["parts"], yaml.SequenceNode) or not spec["parts"].value:
        r.fail(spec["parts"], f"{what}.parts must be a list of parts, each with its own 'files'")
    parts = []
    for i, part_node in enumerate(spec["parts"].value):
        pwhat = f"{what}.parts[{i}]"
        own = r.keys(r.items(part_node, pwhat), PART_KEYS, pwhat)
        if "files" not in own and "files" not in shared:
            r.fail(part_node, f"{pwhat} needs 'files'")
        parts.append(_part(r, table, shared, own, part_node, defaults, pwhat))
    return parts


def _part(r: _Reader, table: str, shared: dict, own: dict, node, defaults: dict, what: str) -> Part:
    """One part: the table's settings with the part's own merged over them (mappings merged key by key)."""
    contract = TABLES[table]
    columns = set(contract.names)

    def merged(key: str, read) -> dict:
        out = {}
        for source in (shared, own):
            if key in source:
                out.update(read(source[key], f"{what}.{key}"))
        return out

    def column(name: str, at, context: str) -> str:
        if name not in columns:
            r.fail(at, f"{context}: {name!r} is not a column of {table} (its columns: {', '.join(contract.names)})")
        return name

    files_node = own.get("files", shared.get("files"))
    files = r.texts(files_node, f"{what}.files")
    enc_node = own.get("encoding", shared.get("encoding"))
    encoding = r.text(enc_node, "encoding") if enc_node is not None else defaults["encoding"]
    _check_encoding(r, enc_node, encoding)

    rename = merged("rename", r.text_map)
    rename_node = own.get("rename", shared.get("rename"))
    for target in rename.values():
        column(target, rename_node, f"{what}.rename")

    values = merged("values", r.text_map)
    for name in values:
        column(name, own.get("values", shared.get("values")), f"{what}.values")

    codes = {}
    for source in (shared, own):
        if "codes" in source:
            for name, name_node, value_node in r.items(source["codes"], f"{what}.codes"):
                column(name, name_node, f"{what}.codes")
                codes.setdefault(name, {}).update(r.text_map(value_node, f"{what}.codes.{name}"))

    formats = {}
    for source in (shared, own):
        if "formats" in source:
            for name, name_node, value_node in r.items(source["formats"], f"{what}.formats"):
                column(name, name_node, f"{what}.formats")
                if contract.col(name).type not in ("date", "datetime"):
                    r.fail(name_node, f"{what}.formats: {name} is not a date or datetime column")
                formats[name] = r.text(value_node, f"{what}.formats.{name}")
    for col in contract.columns:
        if col.type in ("date", "datetime") and col.name not in formats:
            key = f"{col.type}_format"
            node_fmt = own.get(key, shared.get(key))
            formats[col.name] = r.text(node_fmt, key) if node_fmt is not None else defaults[key]

    split = {}
    for source in (shared, own):
        if "split" in source:
            for name, name_node, value_node in r.items(source["split"], f"{what}.split"):
                spec = r.keys(r.items(value_node, f"{what}.split.{name}"), {"into", "sep"}, f"{what}.split.{name}")
                if "into" not in spec:
                    r.fail(value_node, f"{what}.split.{name} needs 'into': the columns it splits into")
                into = [column(c, spec["into"], f"{what}.split.{name}.into")
                        for c in r.texts(spec["into"], f"{what}.split.{name}.into")]
                sep = r.text(spec["sep"], "sep") if "sep" in spec else ","
                split[name] = (into, sep)

    join = {}
    for source in (shared, own):
        if "join" in source:
            for name, name_node, value_node in r.items(source["join"], f"{what}.join"):
                column(name, name_node, f"{what}.join")
                spec = r.keys(r.items(value_node, f"{what}.join.{name}"), {"from", "sep"}, f"{what}.join.{name}")
                if "from" not in spec:
                    r.fail(value_node, f"{what}.join.{name} needs 'from': the source columns it joins")
                sep = r.text(spec["sep"], "sep") if "sep" in spec else " "
                join[name] = (r.texts(spec["from"], f"{what}.join.{name}.from"), sep)

    return Part(files=files, encoding=encoding, rename=rename, values=values, codes=codes, formats=formats,
                split=split, join=join, line=node.start_mark.line + 1)

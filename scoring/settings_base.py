"""How a rule setting is declared, converted, checked and described: one loader for every capability."""

# A capability's settings are a frozen dataclass deriving from Settings. Each field is declared with
# rule(default, doc, source) and a precise type annotation (tuple[int, ...], tuple[tuple[str, float], ...],
# frozenset[int], date ...). The annotation alone drives the conversion of a rules-file value (JSON lists
# and objects, numbers, ISO dates) and the type check, so every section behaves the same way and every
# mistake is refused with a message naming the setting.

from __future__ import annotations

import dataclasses
import math
import typing
from datetime import date, datetime
from typing import Any, ClassVar

SOURCES = ("law", "official", "policy")


def rule(default: Any, doc: str, source: str, *, minimum: float | None = 0, choices: tuple | None = None) -> Any:
    """Declare one setting: its default, plain-English meaning, source (law, official, policy) and limits.

    minimum applies to a number (default 0: no rule here counts backwards); choices to text.
    """
    assert source in SOURCES, source
    return dataclasses.field(default=default, metadata={"doc": doc, "source": source, "minimum": minimum,
                                                         "choices": choices})


class _Unusable(ValueError):
    """A value that cannot be read as the setting's type; the message says what was expected."""


def _items(value: Any, where: str) -> list:
    # A string is a sequence too, but "Driving" is one skill, not seven letters.
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    raise _Unusable(f"{where}must be a list")


def _number(value: Any, where: str, whole: bool) -> float | int:
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool):
        raise _Unusable(f"{where}must be {kind}, not true or false")
    if isinstance(value, str):
        try:
            value = float(value.strip()) if not whole else int(value.strip())
        except ValueError:
            raise _Unusable(f"{where}must be {kind}") from None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _Unusable(f"{where}must be {kind}")
    if whole:
        if isinstance(value, float) and not value.is_integer():
            raise _Unusable(f"{where}must be {kind}")
        return int(value)
    return float(value)


def convert(hint: Any, value: Any, where: str = "") -> Any:
    """value as the annotated type hint (lists become tuples, objects become tuples of pairs), or _Unusable."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise _Unusable(f"{where}must be true or false")
    if hint is int:
        return _number(value, where, whole=True)
    if hint is float:
        return _number(value, where, whole=False)
    if hint is str:
        if isinstance(value, str):
            return value
        raise _Unusable(f"{where}must be text")
    if hint is date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise _Unusable(f"{where}must be a date like 2022-10-28")
    if origin is frozenset:
        return frozenset(convert(args[0], v, f"{where}every item ") for v in _items(value, where))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = args[0]
        if isinstance(value, dict) and typing.get_origin(item) is tuple:
            value = list(value.items())  # {"DA": "domestic"} is the pair ("DA", "domestic")
        return tuple(convert(item, v, f"{where}item {i + 1} ") for i, v in enumerate(_items(value, where)))
    if origin is tuple:
        items = _items(value, where)
        if len(items) != len(args):
            raise _Unusable(f"{where}must be a list of {len(args)} items")
        return tuple(convert(a, v, f"{where}part {i + 1} ") for i, (a, v) in enumerate(zip(args, items)))
    raise TypeError(f"no conversion for the type {hint!r}")


class Settings:
    """Base of a frozen settings dataclass: on construction every value is converted to its annotated type
    and checked against the field's limits; validate() adds the checks that span settings."""

    LABEL: ClassVar[str] = "rule"

    def __post_init__(self):
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            try:
                value = convert(hints[f.name], value)
                _check_limits(f, value)
            except _Unusable as exc:
                raise ValueError(f"setting {f.name}: cannot use {getattr(self, f.name)!r} ({exc})") from None
            object.__setattr__(self, f.name, value)
        self.validate()

    def validate(self) -> None:
        """Checks across settings; a subclass raises ValueError naming the setting."""


def _check_limits(f: dataclasses.Field, value: Any) -> None:
    minimum, choices = f.metadata.get("minimum"), f.metadata.get("choices")
    if minimum is not None and isinstance(value, (int, float)) and not isinstance(value, bool) and value < minimum:
        raise _Unusable(f"must be at least {minimum}")
    if choices is not None and value not in choices:
        raise _Unusable(f"must be one of {', '.join(map(str, choices))}")


S = typing.TypeVar("S", bound=Settings)


def load(cls: type[S], overrides: dict | None = None) -> S:
    """Defaults plus overrides (a rules-file section); an unknown name or a bad value raises ValueError naming it."""
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - {f.name for f in dataclasses.fields(cls)})
    if unknown:
        raise ValueError(f"unknown {cls.LABEL} setting(s): {', '.join(unknown)}")
    return cls(**overrides)


def text(value: Any) -> str:
    """A setting value in words, for the documentation tables and the method panels."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return ", ".join(text(v) for v in sorted(value))
    if isinstance(value, tuple):
        if not value:
            return "none"
        if all(isinstance(v, tuple) and v for v in value):
            # Records such as (theme, keyword) or (area, label, basket): "key: rest; key: rest".
            return "; ".join(f"{text(v[0])}: " + " / ".join(text(x) for x in v[1:]) for v in value)
        return ", ".join(text(v) for v in value)
    if value == "":
        return "empty"
    return str(value)


def describe(settings: Settings) -> list[dict]:
    """One dict per setting: name, default and value in force with their texts, changed, doc and source."""
    rows = []
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        default = getattr(_defaults(type(settings)), f.name)
        rows.append({"name": f.name, "default": default, "value": value, "default_text": text(default),
                     "value_text": text(value), "changed": value != default, "doc": f.metadata["doc"],
                     "source": f.metadata["source"]})
    return rows


_DEFAULTS: dict = {}


def _defaults(cls: type[S]) -> S:
    if cls not in _DEFAULTS:
        _DEFAULTS[cls] = cls()
    return _DEFAULTS[cls]


def markdown_table(cls: type[Settings]) -> str:
    """The documentation table of a settings class: header and one row per setting, defaults shown."""
    lines = ["| setting | default | source | meaning |", "|---|---|---|---|"]
    lines += [f"| `{d['name']}` | {d['default_text']} | {d['source']} | {d['doc']} |"
              for d in describe(_defaults(cls))]
    return "\n".join(lines)

"""Mapping tables (vendor map, account map, department -> cost centre, ...), versioned.

A mapping is a flat table of text keys to text values. Every change is a new version in the
state backend; a run reads the latest versions once, and every record it posts is audited
with the mapping version it used. A table is loaded from TOML (``key = "value"``) or CSV (two
columns, an optional ``key,value`` header) and can be set one entry at a time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tomllib
from collections.abc import Mapping
from pathlib import Path

import attrs

from mlconnector_sync.state import StateStore

__all__ = ["MappingDiff", "MappingError", "diff", "read_mapping_file", "store_changed"]


class MappingError(ValueError):
    """A mapping file that cannot be read, naming the file, the line and the problem."""


def read_mapping_file(path: str | Path) -> dict[str, str]:
    """A mapping table from a ``.toml`` or ``.csv`` file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise MappingError(f"{path}: cannot read: {error.strerror or error}") from None
    if path.suffix.lower() == ".csv":
        return _from_csv(path, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{path}: not valid TOML: {error}") from None
    table: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict | list):
            raise MappingError(f"{path}: {key}: a mapping value must be text, not a table or list")
        table[str(key)] = str(value)
    return table


def _from_csv(path: Path, text: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != 2:
            raise MappingError(f"{path}:{number}: expected 2 columns (key,value), found {len(row)}")
        key, value = (cell.strip() for cell in row)
        if number == 1 and (key.lower(), value.lower()) == ("key", "value"):
            continue
        if not key:
            raise MappingError(f"{path}:{number}: empty key")
        if key in table and table[key] != value:
            raise MappingError(
                f"{path}:{number}: {key} is mapped twice ({table[key]!r}, {value!r})"
            )
        table[key] = value
    return table


@attrs.frozen
class MappingDiff:
    """What changed between two versions of a table."""

    added: Mapping[str, str]
    removed: Mapping[str, str]
    changed: Mapping[str, tuple[str, str]]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff(old: Mapping[str, str], new: Mapping[str, str]) -> MappingDiff:
    """The entries added, removed and changed from ``old`` to ``new``."""
    return MappingDiff(
        added={k: v for k, v in new.items() if k not in old},
        removed={k: v for k, v in old.items() if k not in new},
        changed={k: (old[k], new[k]) for k in old.keys() & new.keys() if old[k] != new[k]},
    )


def store_changed(
    store: StateStore, tables: Mapping[str, Mapping[str, str]], *, now: dt.datetime
) -> list[str]:
    """Save each table whose entries differ from its latest stored version; returns their names."""
    saved = []
    for name, entries in tables.items():
        current = store.mapping(name)
        if current is None or current[1] != dict(entries):
            store.save_mapping(name, entries, now=now)
            saved.append(name)
    return saved

"""Browses: flat dotted rows, ``filter=<field>,<op>,<value>,literal`` clauses, and page slicing.

Filters are ANDed. String comparisons ignore case (Progress semantics); numbers compare as
decimals; dates and timestamps as dates and timestamps. ``rg`` takes
``<field>,rg,<from>,literal,<to>,literal`` and is inclusive at both ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

import attrs

from qad_client.testing import _names as n
from qad_client.testing._codec import NAMES, Kind, field_specs, parse_datetime, render
from qad_client.testing._records import Record

__all__ = ["BrowseError", "Column", "Filter", "columns", "page", "parse_filter"]
OPERATORS = ("eq", "cn", "sw", "ew", "gt", "ge", "lt", "le", "rg")
_LITERAL = ",literal"


class BrowseError(ValueError):
    """A browse request the simulator cannot answer (unknown field, bad operator or value)."""


@attrs.frozen
class Column:
    """One row key of a browse and how to read and compare it."""

    name: str
    kind: Kind | None
    get: Callable[[Record], object]


_COLUMNS: dict[type, tuple[Column, ...]] = {}


def columns(table: type[Record]) -> tuple[Column, ...]:
    """The row keys of ``table``'s browse: every scalar field plus the audit timestamp."""
    cached = _COLUMNS.get(table)
    if cached is None:
        cached = _COLUMNS[table] = _build_columns(table)
    return cached


def _build_columns(table: type[Record]) -> tuple[Column, ...]:
    names = NAMES[table]
    out = [
        Column(f"{names.row_object}.{spec.wire}", spec.kind, _getter(spec.attribute))
        for spec in field_specs(table)
        if spec.kind != "rows"
    ]
    out.append(
        Column(
            f"{names.row_object}.{n.META['modified_datetime']}",
            "datetime",
            _getter("modified_at"),
        )
    )
    if names.entity_uri:
        out.append(Column(f"{names.row_object}.{n.META['uri']}", None, _uri(names.entity_uri)))
    return tuple(out)


def _getter(attribute: str) -> Callable[[Record], object]:
    return lambda record: getattr(record, attribute)


def _uri(prefix: str) -> Callable[[Record], object]:
    return lambda record: f"{prefix}:{'.'.join(record.key())}"


@attrs.frozen
class Filter:
    """One parsed ``filter`` clause."""

    column: Column
    op: str
    low: object
    high: object = None

    def accepts(self, record: Record) -> bool:
        """Whether ``record`` passes this clause."""
        value = _comparable(self.column.kind, self.column.get(record))
        if value is None:
            return False
        low = self.low
        if self.op == "eq":
            return bool(value == low)
        if isinstance(value, str) and isinstance(low, str):
            if self.op == "cn":
                return low in value
            if self.op == "sw":
                return value.startswith(low)
            if self.op == "ew":
                return value.endswith(low)
        if self.op == "rg":
            return bool(low <= value <= self.high)  # type: ignore[operator]
        compare = {
            "gt": lambda a, b: a > b,
            "ge": lambda a, b: a >= b,
            "lt": lambda a, b: a < b,
            "le": lambda a, b: a <= b,
        }
        return bool(compare[self.op](value, low))


def parse_filter(raw: str, table: type[Record]) -> Filter:
    """Parse ``<obj>.<field>,<op>,<value>,literal`` (the ``<obj>.`` prefix is optional)."""
    name, sep, rest = raw.partition(",")
    op, sep2, rest = rest.partition(",")
    if not sep or not sep2:
        raise BrowseError(f"Filter {raw!r} is not <field>,<op>,<value>,literal.")
    column = _column(table, name.strip())
    op = op.strip().lower()
    if op not in OPERATORS:
        raise BrowseError(f"Filter operator {op!r} is not one of {', '.join(OPERATORS)}.")
    if column.kind in ("bool", None) and op != "eq":
        raise BrowseError(f"Field {column.name} only supports eq.")
    if column.kind in ("dec", "int", "bool", "date", "datetime") and op in ("cn", "sw", "ew"):
        raise BrowseError(f"Operator {op} needs a text field; {column.name} is not one.")
    if op == "rg":
        low, found, high = rest.partition(_LITERAL + ",")
        if not found:
            raise BrowseError(f"Filter {raw!r}: rg takes <from>,literal,<to>,literal.")
        return Filter(column, op, _value(column, low), _value(column, _strip(high)))
    return Filter(column, op, _value(column, _strip(rest)))


def _strip(value: str) -> str:
    return value[: -len(_LITERAL)] if value.endswith(_LITERAL) else value


def _column(table: type[Record], name: str) -> Column:
    known = columns(table)
    for column in known:
        short = column.name.partition(".")[2]
        if name in (column.name, short):
            return column
    raise BrowseError(f"Unknown browse field {name!r}.")


def _value(column: Column, text: str) -> object:
    try:
        value = _parse_filter_value(column.kind, text)
    except (ValueError, InvalidOperation) as error:
        raise BrowseError(f"Bad filter value {text!r} for {column.name}.") from error
    return _comparable(column.kind, value)


def _parse_filter_value(kind: Kind | None, text: str) -> object:
    if kind in ("dec", "int"):
        return Decimal(text)
    if kind == "bool":
        return text.strip().lower() in ("true", "yes", "1")
    if kind == "date":
        return date.fromisoformat(text.strip()[:10])
    if kind == "datetime":
        return parse_datetime(text)
    return text


def _comparable(kind: Kind | None, value: object) -> object:
    if value is None:
        return None
    if kind in ("dec", "int") and not isinstance(value, Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        return value.casefold()
    return value


def page(
    records: Iterable[Record], table: type[Record], filters: list[Filter], number: int, size: int
) -> tuple[list[dict[str, object]], bool, int]:
    """The rows of page ``number`` (1-based), whether more follow, and the matching total."""
    start = (number - 1) * size
    chosen: list[Record] = []
    total = 0
    for record in records:
        if all(f.accepts(record) for f in filters):
            if start <= total < start + size:
                chosen.append(record)
            total += 1
    cols = columns(table)
    rows = [{c.name: render(c.get(r)) for c in cols} for r in chosen]
    return rows, total > start + size, total

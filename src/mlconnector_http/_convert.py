"""Wire <-> model conversion: a fresh cattrs converter per client package, with our hooks.

Money is :class:`~decimal.Decimal` from strings, ints or floats (floats through their shortest
repr, so ``0.1`` is ``Decimal("0.1")``) and dumps as a string; datetimes must carry a zone
(naive ones are read as UTC, the vendors' documented zone); unknown enum values are kept.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any, TypeVar

import cattrs
from cattrs.preconf.json import make_converter as _make_json_converter

from mlconnector_http._exceptions import APIError

__all__ = [
    "DecodeError",
    "make_converter",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "structure",
]

T = TypeVar("T")


class DecodeError(APIError):
    """A record from the server does not fit its model; names the record and each field."""

    def __init__(self, record: str, problems: list[str]) -> None:
        super().__init__(f"{record}: " + "; ".join(problems))
        self.record = record
        self.problems = problems


def parse_decimal(value: Any) -> decimal.Decimal:
    """A Decimal from a JSON string, int or float; rejects NaN, infinities and booleans."""
    if isinstance(value, str):
        try:
            result = decimal.Decimal(value)
        except decimal.InvalidOperation:
            try:
                result = decimal.Decimal(value.strip().replace(",", ""))
            except decimal.InvalidOperation:
                raise ValueError(f"not a decimal number: {value!r}") from None
    elif isinstance(value, decimal.Decimal):
        result = value
    elif isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    elif isinstance(value, float):
        result = decimal.Decimal(repr(value))
    elif isinstance(value, int):
        result = decimal.Decimal(value)
    else:
        raise ValueError(f"expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def parse_datetime(value: Any) -> dt.datetime:
    """A timezone-aware datetime from ISO-8601 (``Z`` allowed); naive values are UTC."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    else:
        raise ValueError(f"expected an ISO-8601 datetime, got {type(value).__name__}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def parse_date(value: Any) -> dt.date:
    """A date from ``YYYY-MM-DD`` or from a full datetime (some vendors send dates that way)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        return dt.date.fromisoformat(text) if len(text) == 10 else parse_datetime(text).date()
    raise ValueError(f"expected a date, got {type(value).__name__}")


def make_converter() -> cattrs.Converter:
    """A new converter with the toolkit's hooks; each client keeps its own private one."""
    converter = _make_json_converter(forbid_extra_keys=False)
    converter.register_structure_hook(decimal.Decimal, lambda v, _: parse_decimal(v))
    converter.register_unstructure_hook(decimal.Decimal, str)
    converter.register_structure_hook(dt.datetime, lambda v, _: parse_datetime(v))
    converter.register_unstructure_hook(dt.datetime, lambda v: v.isoformat())
    converter.register_structure_hook(dt.date, lambda v, _: parse_date(v))
    converter.register_unstructure_hook(dt.date, lambda v: v.isoformat())
    return converter


def structure(converter: cattrs.Converter, data: Any, cls: type[T], *, record: str) -> T:
    """Structure ``data`` into ``cls``; a failure raises :class:`DecodeError` naming each path.

    ``record`` names the record for the message, e.g. ``"purchase order 1042"``.
    """
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as error:
        if isinstance(error, cattrs.BaseValidationError):
            problems = cattrs.transform_error(error, path=f"${cls.__name__}")
        else:
            problems = [f"{type(error).__name__}: {error}"]
        raise DecodeError(record, problems) from None

"""Wire <-> model conversion: a fresh cattrs converter per client package, with our hooks.

Money is :class:`~decimal.Decimal` from strings, ints or floats (floats through their shortest
repr, so ``0.1`` is ``Decimal("0.1")``) and dumps as a string; datetimes must carry a zone
(naive ones are read as UTC, the vendors' documented zone); unknown enum values are kept.

Everything else is strict: a ``str`` field takes a JSON string, an ``int`` field a JSON integer
(``7.9``, ``"7"``, ``true`` and ``1e999`` are refused), a ``bool`` field ``true``/``false`` (not
``"false"``), a ``float`` field a finite number. Silently coercing ``{"x": 1}`` into the text
``"{'x': 1}"`` or ``"false"`` into ``True`` would post wrong data; a vendor client that knows
its API sends numbers as strings registers its own lenient hook on its own converter.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Sequence
from typing import Any, TypeVar

import cattrs
from cattrs.preconf.json import make_converter as _make_json_converter

from mlconnector_http._exceptions import APIError

__all__ = [
    "DECODE_FAILURES",
    "UNREADABLE",
    "DecodeError",
    "decode_problems",
    "make_converter",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "structure",
]

T = TypeVar("T")

UNREADABLE: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    ArithmeticError,
    RecursionError,  # a body nested thousands deep
)
"""What a parser may raise on a body that is not what was promised."""

DECODE_FAILURES: tuple[type[Exception], ...] = (cattrs.BaseValidationError, *UNREADABLE)
"""What structuring wire data into a model may raise on data that does not fit."""


class DecodeError(APIError):
    """A record from the server does not fit its model; names the record and each field.

    ``problems`` are the human lines; ``fields`` the same as ``(path, reason)`` pairs, the path
    relative to the record (``"lines[2].amount"``, ``"id"``; ``""`` for the record as a whole).
    """

    def __init__(
        self,
        record: str,
        problems: list[str],
        *,
        fields: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(f"{record}: " + "; ".join(problems))
        self.record = record
        self.problems = problems
        self.fields: tuple[tuple[str, str], ...] = tuple(fields) or tuple(
            ("", problem) for problem in problems
        )


def _reason(error: BaseException, expected: Any) -> str:
    if isinstance(error, KeyError):
        return "required field missing"
    text = str(error) or type(error).__name__
    if expected is not None and isinstance(error, ValueError | TypeError) and not str(error):
        return f"invalid value, expected {getattr(expected, '__name__', expected)}"
    return text


def _join(path: str, step: str) -> str:
    if step.startswith("["):
        return path + step
    return f"{path}.{step}" if path else step


def decode_problems(error: BaseException, path: str = "") -> list[tuple[str, str]]:
    """``(field path, reason)`` for each leaf of a cattrs validation error, in order.

    Paths use model attribute names: ``"lines[2].amount"``, ``"tags['eu']"``, ``"id"``.
    """
    if isinstance(error, cattrs.IterableValidationError):
        with_notes, without = error.group_exceptions()
        found: list[tuple[str, str]] = []
        for sub, note in with_notes:
            found += decode_problems(sub, _join(path, f"[{note.index!r}]"))
        found += [(path, _reason(sub, None)) for sub in without]
        return found
    if isinstance(error, cattrs.ClassValidationError):
        with_names, unnamed = error.group_exceptions()
        found = []
        for sub, attribute in with_names:
            child = _join(path, attribute.name)
            if isinstance(sub, cattrs.BaseValidationError):
                found += decode_problems(sub, child)
            else:
                found.append((child, _reason(sub, attribute.type)))
        found += [(path, _reason(sub, None)) for sub in unnamed]
        return found
    return [(path, _reason(error, None))]


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


def _strict_str(value: Any, cls: Any) -> Any:
    if cls is not str:  # a str enum: its own constructor decides (open enums keep unknowns)
        return cls(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {_json_kind(value)}")
    return value


def _strict_int(value: Any, cls: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected an integer, got {_json_kind(value)}")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError(f"expected an integer, got {value!r}")
        value = int(value)
    return value if cls is int else cls(value)


def _strict_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_json_kind(value)}")
    return value


def _strict_float(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_json_kind(value)}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"expected a finite number, got {value!r}")
    return result


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"a string {value[:40]!r}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value!r}"[:60]
    if isinstance(value, dict):
        return "an object"
    return "an array" if isinstance(value, list) else type(value).__name__


def make_converter() -> cattrs.Converter:
    """A new converter with the toolkit's hooks; each client keeps its own private one."""
    converter = _make_json_converter(forbid_extra_keys=False)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook(float, _strict_float)
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
    except DECODE_FAILURES as error:
        if isinstance(error, cattrs.BaseValidationError):
            fields = decode_problems(error)
            problems = [f"{reason} @ {_join(f'${cls.__name__}', path)}" for path, reason in fields]
        else:
            problems = [f"{type(error).__name__}: {error}"]
            fields = [("", problems[0])]
        raise DecodeError(record, problems, fields=fields) from None

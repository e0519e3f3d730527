"""Argument checks shared by the resource modules (ids, UUIDs, input models)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from procurify_client._exceptions import ProcurifyConfigurationError

__all__ = ["check_id", "check_uuid", "input_model"]

T = TypeVar("T")

_UUID = re.compile(r"^[0-9a-fA-F-]{8,}$")


def check_id(what: str, value: object) -> int:
    """A positive integer id (bools and strings refused: they would build another path)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ProcurifyConfigurationError(f"{what} must be a positive int, not {value!r}")
    return value


def check_uuid(what: str, value: object) -> str:
    """A UUID as Procurify accepts it in a path: hex digits, dashes optional."""
    if not isinstance(value, str) or _UUID.match(value) is None:
        raise ProcurifyConfigurationError(
            f"{what} must be a UUID (hex digits, dashes optional), not {value!r}"
        )
    return value.lower()


def input_model(cls: type[T], given: object, fields: Mapping[str, Any]) -> T:
    """The input record to send: the one given, or one built from keyword fields (not both)."""
    name = cls.__name__
    if given is not None:
        if fields:
            raise ProcurifyConfigurationError(
                f"pass a {name} or keyword fields, not both (got {', '.join(sorted(fields))})"
            )
        if not isinstance(given, cls):
            raise ProcurifyConfigurationError(f"expected a {name}, got {type(given).__name__}")
        return given
    known = {field.name: field for field in attrs.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(fields) - set(known))
    if unknown:
        raise ProcurifyConfigurationError(
            f"unknown {name} field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(known))}"
        )
    missing = sorted(n for n, f in known.items() if f.default is attrs.NOTHING and n not in fields)
    if missing:
        raise ProcurifyConfigurationError(f"{name} needs {', '.join(missing)}")
    return cls(**fields)

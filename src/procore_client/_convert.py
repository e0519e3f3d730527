"""The package's private converter and the helpers that turn Procore JSON into models.

One converter per package (never cattrs' global one): the toolkit's Decimal/datetime/date hooks,
plus :class:`~mlconnector_http.Secret` for hook headers. Failures become
:class:`ProcoreDecodeError` naming the record and the path of each bad field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import cattrs
import httpx

from mlconnector_http import DecodeError, Secret, make_converter, structure
from procore_client._exceptions import ProcoreDecodeError

__all__ = ["converter", "json_body", "structure_list", "structure_one"]

T = TypeVar("T")


def _build() -> cattrs.Converter:
    made = make_converter()
    made.register_structure_hook(Secret, lambda value, _: Secret(str(value)))
    made.register_unstructure_hook(Secret, lambda value: value.reveal())
    return made


converter = _build()


def json_body(response: httpx.Response) -> Any:
    """The JSON body; a non-JSON 2xx raises ``ValueError`` (the toolkit reports a ServerError)."""
    return response.json()


def structure_one(data: Any, cls: type[T], *, record: str) -> T:
    """One record into ``cls``; a mismatch raises :class:`ProcoreDecodeError`."""
    try:
        return structure(converter, data, cls, record=record)
    except DecodeError as error:
        raise ProcoreDecodeError(error.record, error.problems) from None


def structure_list(data: Any, cls: type[T], *, kind: str) -> list[T]:
    """A JSON array of records; the error names the first record that does not fit by id."""
    if not isinstance(data, list):
        raise ProcoreDecodeError(f"{kind} list", [f"expected a JSON array, got {_kind(data)}"])
    try:
        return converter.structure(data, list[cls])  # type: ignore[valid-type]
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError):
        pass
    return [structure_one(item, cls, record=_label(kind, item)) for item in data]


def _label(kind: str, item: Any) -> str:
    if isinstance(item, Mapping) and "id" in item:
        return f"{kind} {item['id']}"
    return kind


def _kind(data: Any) -> str:
    return "null" if data is None else type(data).__name__

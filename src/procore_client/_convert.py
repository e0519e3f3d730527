"""The package's private converter and the helpers that turn Procore JSON into models.

One converter per package (never cattrs' global one): the toolkit's Decimal/datetime/date hooks,
plus :class:`~mlconnector_http.Secret` for hook headers. Failures become
:class:`ProcoreDecodeError` naming the record and the path of each bad field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import cattrs

from mlconnector_http import Decoder, Reject, Secret, make_converter
from procore_client._exceptions import ProcoreDecodeError

__all__ = ["converter", "decoder", "structure_entries", "structure_list", "structure_one"]

T = TypeVar("T")


def _build(detailed_validation: bool) -> cattrs.Converter:
    made = make_converter(detailed_validation=detailed_validation)
    made.register_structure_hook(Secret, lambda value, _: Secret(str(value)))
    made.register_unstructure_hook(Secret, lambda value: value.reveal())
    return made


decoder = Decoder(_build)
converter = decoder.detailed


def structure_one(data: Any, cls: type[T], *, record: str) -> T:
    """One record into ``cls``; a mismatch raises ``DecodeError``.

    Called from operation parsers: the executor turns that into :class:`ProcoreDecodeError`.
    """
    return decoder.one(data, cls, record=record)


def structure_list(data: Any, cls: type[T], *, kind: str) -> list[T]:
    """A JSON array of records; the error names the first record that does not fit by id."""
    if not isinstance(data, list):
        raise ProcoreDecodeError(f"{kind} list", [f"expected a JSON array, got {_kind(data)}"])
    return [decoder.one(item, cls, record=_label(kind, item)) for item in data]


def structure_entries(
    data: Any, cls: type[T], *, kind: str, page_url: str | None = None
) -> list[T | Reject]:
    """A JSON array of records, each one that does not fit kept as a :class:`Reject`.

    Only the envelope (not an array) raises: a bad record never costs the others.
    """
    if not isinstance(data, list):
        raise ProcoreDecodeError(f"{kind} list", [f"expected a JSON array, got {_kind(data)}"])
    return decoder.rows(data, cls, label=lambda item: _label(kind, item), page_url=page_url)


def _label(kind: str, item: Any) -> str:
    if isinstance(item, Mapping) and "id" in item:
        return f"{kind} {str(item['id'])[:100]}"
    return kind


def _kind(data: Any) -> str:
    return "null" if data is None else type(data).__name__

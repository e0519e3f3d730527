"""The package's private converter and the helpers that turn Procore JSON into models.

One converter per package (never cattrs' global one): the toolkit's Decimal/datetime/date hooks,
plus :class:`~mlconnector_http.Secret` for hook headers. Failures become
:class:`ProcoreDecodeError` naming the record and the path of each bad field.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import cattrs

from mlconnector_http import (
    DECODE_FAILURES,
    Reject,
    Secret,
    decode_each,
    make_converter,
    structure,
)
from procore_client._exceptions import ProcoreDecodeError

__all__ = ["converter", "structure_entries", "structure_list", "structure_one"]

T = TypeVar("T")


def _build() -> cattrs.Converter:
    made = make_converter()
    made.register_structure_hook(Secret, lambda value, _: Secret(str(value)))
    made.register_unstructure_hook(Secret, lambda value: value.reveal())
    return made


def _optional_of(base: type) -> Callable[[Any], bool]:
    def matches(annotation: Any) -> bool:
        return typing.get_origin(annotation) in (typing.Union, types.UnionType) and set(
            typing.get_args(annotation)
        ) == {base, type(None)}

    return matches


def _optional_hook(detailed: cattrs.Converter, base: type) -> Callable[[Any, Any], Any]:
    strict = detailed.get_structure_hook(base)

    def structure_optional(value: Any, _: Any) -> Any:
        if value is None or type(value) is base:
            return value
        return strict(value, base)  # the toolkit's strict rule: refuses 7.9, "false", {...}

    return structure_optional


def _fast(detailed: cattrs.Converter) -> cattrs.Converter:
    """The same rules without per-field error bookkeeping, for whole pages of records.

    Most model fields are ``str | None``-like; a direct hook for those skips cattrs' generic
    Optional dispatch. A value of another type goes to the detailed converter's strict hook,
    so the fast path refuses exactly what the detailed one refuses.
    A page that fails here is structured again record by record with ``converter`` to name
    the record and field.
    """
    made = detailed.copy(detailed_validation=False)
    for base in (str, int, bool):
        made.register_structure_hook_func(_optional_of(base), _optional_hook(detailed, base))
    return made


converter = _build()
_fast_converter = _fast(converter)


def structure_one(data: Any, cls: type[T], *, record: str) -> T:
    """One record into ``cls``; a mismatch raises ``DecodeError``.

    Called from operation parsers: the executor turns that into :class:`ProcoreDecodeError`.
    """
    return structure(converter, data, cls, record=record)


def structure_list(data: Any, cls: type[T], *, kind: str) -> list[T]:
    """A JSON array of records; the error names the first record that does not fit by id."""
    if not isinstance(data, list):
        raise ProcoreDecodeError(f"{kind} list", [f"expected a JSON array, got {_kind(data)}"])
    try:
        return _fast_converter.structure(data, list[cls])  # type: ignore[valid-type]
    except DECODE_FAILURES:
        pass
    return [structure_one(item, cls, record=_label(kind, item)) for item in data]


def structure_entries(
    data: Any, cls: type[T], *, kind: str, page_url: str | None = None
) -> list[T | Reject]:
    """A JSON array of records, each one that does not fit kept as a :class:`Reject`.

    Only the envelope (not an array) raises: a bad record never costs the others.
    """
    if not isinstance(data, list):
        raise ProcoreDecodeError(f"{kind} list", [f"expected a JSON array, got {_kind(data)}"])
    try:
        return list(_fast_converter.structure(data, list[cls]))  # type: ignore[valid-type]
    except DECODE_FAILURES:
        pass
    return decode_each(
        data,
        lambda _, item: structure_one(item, cls, record=_label(kind, item)),
        page_url=page_url,
    )


def _label(kind: str, item: Any) -> str:
    if isinstance(item, Mapping) and "id" in item:
        return f"{kind} {str(item['id'])[:100]}"
    return kind


def _kind(data: Any) -> str:
    return "null" if data is None else type(data).__name__

"""The package's private converter: the toolkit's hooks plus Procurify's wire names.

Models mark a renamed field with ``metadata["wire"]``; one hook factory turns that into
cattrs overrides, so renames are declared once, beside the field. Input models dump without
their ``None`` fields (left to the server's default or current value), except the fields
marked ``metadata["required"]``, which the API requires in every body. A bill's ``items`` is
a list of ids in the bill list and of line records in the detail; both are read.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from mlconnector_http import Decoder, make_converter, make_structure_fn
from procurify_client import _models as models

__all__ = ["converter", "decoder", "dump", "load"]

T = TypeVar("T")

_INPUTS: frozenset[type] = frozenset({models.VendorInput, models.AccountCodeInput})


def _ours(cls: Any) -> bool:
    return attrs.has(cls) and getattr(cls, "__module__", None) == models.__name__


def _optional_of(cls: Any) -> Any:
    """``X`` for ``X | None`` (either spelling), else ``None``."""
    if typing.get_origin(cls) not in (typing.Union, types.UnionType):
        return None
    args = [arg for arg in typing.get_args(cls) if arg is not type(None)]
    return args[0] if len(args) == 1 and len(typing.get_args(cls)) == 2 else None


def _empty_state_factory(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """``SomeIntEnum | None`` that reads ``""`` as ``None``: Procurify's own examples send
    ``"state": ""`` for "no state" (other ``X | None`` fields use the toolkit's hook)."""

    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        inner = _optional_of(cls)
        hook = conv.get_structure_hook(inner)

        def blank_or_member(value: Any, _: Any) -> Any:
            return None if value is None or value == "" else hook(value, inner)

        blank_or_member.blank_optional_of = (inner, hook)  # type: ignore[attr-defined]
        return blank_or_member

    return factory


def _int_enum_optional(cls: Any) -> bool:
    inner = _optional_of(cls)
    return isinstance(inner, type) and issubclass(inner, enum.IntEnum)


def _wire_names(cls: type) -> dict[str, str]:
    return {
        field.name: field.metadata["wire"]
        for field in attrs.fields(cls)
        if "wire" in field.metadata
    }


def _renames(cls: type) -> dict[str, Any]:
    """Per-field dump overrides: wire names, and required input fields sent even at default."""
    wires = _wire_names(cls)
    required = {f.name for f in attrs.fields(cls) if f.metadata.get("required")}
    return {
        name: override(rename=wires.get(name), omit_if_default=False if name in required else None)
        for name in wires.keys() | required
    }


def _bill_items(data: Any) -> Any:
    """Split a bill's ``items`` into ``line_ids`` (list shape) or line records (detail shape)."""
    if not isinstance(data, Mapping):
        return data
    items = data.get("items")
    if not isinstance(items, list) or not items:
        return data
    copy = dict(data)
    if all(isinstance(item, int) and not isinstance(item, bool) for item in items):
        copy["line_ids"] = items
        copy["items"] = []
    else:
        copy["line_ids"] = [item["id"] for item in items if isinstance(item, Mapping)]
    return copy


def _id_of(value: Any) -> Any:
    """An embedded record reduced to its id (``orderitem`` is an object in some answers)."""
    return value.get("id") if isinstance(value, Mapping) else value


def _bill_line(data: Any) -> Any:
    """A bill line's ``orderitem`` (an object in the detail) as its id and PO line number."""
    if not isinstance(data, Mapping):
        return data
    item = data.get("orderitem")
    number = item.get("PO_line_num") if isinstance(item, Mapping) else None
    return {**data, "orderitem": _id_of(item), "order_line_number": number}


def _structure_factory(conv: cattrs.Converter) -> Callable[[type], Callable[[Any, Any], Any]]:
    def factory(cls: type) -> Callable[[Any, Any], Any]:
        generated: Callable[[Any, Any], Any] = make_structure_fn(cls, conv, _wire_names(cls))
        if cls is models.Bill:
            return lambda data, t: generated(_bill_items(data), t)
        if cls is models.BillLine:
            return lambda data, t: generated(_bill_line(data), t)
        return generated

    return factory


def _unstructure_factory(conv: cattrs.Converter) -> Callable[[type], Callable[[Any], Any]]:
    def factory(cls: type) -> Callable[[Any], Any]:
        return make_dict_unstructure_fn(
            cls, conv, _cattrs_omit_if_default=cls in _INPUTS, **_renames(cls)
        )

    return factory


def _build(detailed_validation: bool) -> cattrs.Converter:
    conv = make_converter(detailed_validation=detailed_validation)
    conv.register_structure_hook_factory(_ours, _structure_factory(conv))
    conv.register_structure_hook_factory(_int_enum_optional, _empty_state_factory(conv))
    conv.register_unstructure_hook_factory(_ours, _unstructure_factory(conv))
    return conv


decoder = Decoder(_build)
converter = decoder.detailed


def load(data: Any, cls: type[T], *, record: str) -> T:
    """One wire record as ``cls``; a record that does not fit raises ``DecodeError``."""
    return decoder.one(data, cls, record=record)


def dump(value: Any) -> Any:
    """A model as its JSON body (wire names, Decimal as string, ``None`` inputs left out)."""
    return converter.unstructure(value)

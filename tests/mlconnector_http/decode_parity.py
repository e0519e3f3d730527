"""What the clients' fast-path parity tests share: real records with one field, at any depth,
changed to junk, and the check that the fast and the detailed converter agree on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

from mlconnector_http import DECODE_FAILURES, Decoder


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in ``value`` (the first two elements of each list)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:2]):
            found += paths(inner, (*prefix, index))
    return found


def replaced(value: Any, path: tuple[Any, ...], junk: Any) -> Any:
    """A copy of ``value`` with ``junk`` at ``path``."""
    if not path:
        return junk
    head, rest = path[0], path[1:]
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = replaced(copy[head], rest, junk)
    return copy


def outcome(converter: Any, data: Any, model: type) -> tuple[str, Any]:
    try:
        return "ok", converter.structure(data, model)
    except DECODE_FAILURES:
        return "refused", None


def check_one_junk_field(
    decoder: Decoder, records: Mapping[type, Sequence[Any]], data: st.DataObject, junk: Any
) -> None:
    """A drawn record with one drawn field set to ``junk``: both paths give the same answer."""
    model = data.draw(st.sampled_from(sorted(records, key=lambda cls: cls.__name__)))
    record = data.draw(st.sampled_from(records[model]))
    path = data.draw(st.sampled_from(paths(record)))
    changed = replaced(record, path, junk)
    fast = outcome(decoder.fast, changed, model)
    detailed = outcome(decoder.detailed, changed, model)
    assert fast[0] == detailed[0], (path, junk, fast, detailed)
    assert fast[1] == detailed[1]


def check_real_records(decoder: Decoder, records: Mapping[type, Sequence[Any]]) -> None:
    """Every real record decodes the same on both paths."""
    for model, found in records.items():
        assert found
        for record in found:
            assert decoder.fast.structure(record, model) == decoder.detailed.structure(
                record, model
            )

"""Wire <-> model for QAD, through the name tables and the package's private converter.

Reads: a record (or a browse row with its ``supplierV2.`` prefixes stripped) is renamed
through its ``Table`` and structured into a frozen model. A browse page takes a shorter way
(``browse_rows``): a row whose keys all carry the prefix, with no split audit stamp to
assemble and no lines, is read as it is by a structure function generated for the prefixed
names; any other row, and any row that function refuses, goes the long way, which names the
failing field. Writes: an input model becomes a
wire dict (amounts as plain decimal strings, dates ``YYYY-MM-DD``), ``None`` meaning "not sent".
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import math
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs

from mlconnector_http import (
    DECODE_FAILURES,
    Decoder,
    Reject,
    decode_each,
    make_converter,
    make_structure_fn,
    parse_datetime,
)
from qad_client import _models as m
from qad_client import _names as n
from qad_client._exceptions import QADDecodeError

__all__ = [
    "CONVERTER",
    "browse_rows",
    "encode_value",
    "format_datetime",
    "from_row",
    "from_wire",
    "to_wire",
]

T = TypeVar("T")

_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0", ""})

# Which table names the fields of which model; children are found through Table.children.
_MODELS: Mapping[type, n.Table] = {
    m.Supplier: n.SUPPLIER,
    m.DomainSupplier: n.MFG_SUPPLIER,
    m.Item: n.ITEM,
    m.GLAccount: n.GL_ACCOUNT,
    m.CostCentre: n.COST_CENTRE,
    m.SubAccount: n.SUB_ACCOUNT,
    m.Project: n.PROJECT,
    m.Domain: n.DOMAIN,
    m.PurchaseOrder: n.PURCHASE_ORDER,
    m.PurchaseOrderLine: n.PURCHASE_ORDER_LINE,
    m.Receipt: n.RECEIPT,
    m.ReceiptLine: n.RECEIPT_LINE,
    m.OpenReceiver: n.OPEN_RECEIVER,
    m.SupplierInvoice: n.SUPPLIER_INVOICE,
    m.MatchingLine: n.MATCHING_LINE,
    m.ExpenseLine: n.EXPENSE_LINE,
    m.SupplierPayment: n.SUPPLIER_PAYMENT,
    m.Allocation: n.ALLOCATION,
}


def _strict_bool(value: Any, _: type) -> bool:
    """``"false"`` is False: QAD browses send flags as strings, and ``bool("false")`` lies."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"expected true or false, got {value!r}")


def _text(value: Any, cls: type) -> Any:
    """A string, or a number QAD sent where its schema says text (codes like ``10``).

    Registered for ``str`` itself; a str enum subclass gets its own constructor (open enums
    keep unknown values), so this guard runs for plain text fields only.
    """
    if cls is not str:
        return cls(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | decimal.Decimal | float):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a string, got {value!r}")
    return str(value)


def _integer(value: Any, cls: type) -> Any:
    """An integer, or its decimal digits as a string (QAD sends counts and ids either way)."""
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("+-").isdigit() or len(text) > 30 or not text.isascii():
            raise ValueError(f"expected an integer, got {value[:40]!r}")
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {type(value).__name__}")
    return value if cls is int else cls(value)


_BLANK_AS_NONE = (decimal.Decimal, dt.date, dt.datetime, int)
"""Optional types where QAD's ``""`` means no value (ABL's unknown written as text)."""


def _blank_optional(cls: Any) -> bool:
    args = typing.get_args(cls)
    inner = [arg for arg in args if arg is not type(None)]
    return len(args) == 2 and len(inner) == 1 and inner[0] in _BLANK_AS_NONE


def _blank_as_none(converter: cattrs.Converter) -> Any:
    """``X | None`` that reads ``""`` as ``None``; the generated structure functions read the
    ``blank_optional_of`` mark and write the same test out inline."""

    def factory(cls: Any) -> Any:
        (inner,) = [arg for arg in typing.get_args(cls) if arg is not type(None)]
        inner_hook = converter.get_structure_hook(inner)

        def blank_or_value(value: Any, _: Any) -> Any:
            return None if value is None or value == "" else inner_hook(value, inner)

        blank_or_value.blank_optional_of = (inner, inner_hook)  # type: ignore[attr-defined]
        return blank_or_value

    return factory


def _build(detailed_validation: bool) -> cattrs.Converter:
    converter = make_converter(detailed_validation=detailed_validation)
    converter.register_structure_hook(bool, _strict_bool)
    # a class hook: cattrs dispatches class hooks before predicate hooks, so a predicate hook
    # on ``str`` never ran; ``_text`` hands str enums (subclasses) to their own constructor
    converter.register_structure_hook(str, _text)
    converter.register_structure_hook(int, _integer)
    # a factory, as the toolkit's own optional hook is one: a plain hook for ``X | None``
    # registered beside it was never dispatched to
    converter.register_structure_hook_factory(_blank_optional, _blank_as_none(converter))
    for model, table in _MODELS.items():
        renames = _renames(model, table)
        converter.register_structure_hook(model, make_structure_fn(model, converter, renames))
    return converter


def _renames(model: type, table: n.Table, prefix: str = "") -> dict[str, str]:
    """Attribute -> wire key for the fields ``table`` names, each key after ``prefix``."""
    return {
        a.name: prefix + table.wire(a.name)
        for a in attrs.fields(model)
        if a.name in table.fields or a.name in n.META
    }


# each returns an exact str, bool or int as it is: generated functions skip the call for one
Decoder.passes_exact(str, _text)
Decoder.passes_exact(bool, _strict_bool)
Decoder.passes_exact(int, _integer)
_DECODER = Decoder(_build)
CONVERTER = _DECODER.detailed


class _BadStamp(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason


def _clean(table: n.Table, data: Mapping[str, Any], path: str = "") -> dict[str, Any]:
    """Drop nulls (so defaults apply) and assemble the audit stamp from its split form.

    A stamp that is no instant (9999-12-31 plus a day of seconds) raises ``_BadStamp``: the
    record is refused rather than read without its change time, which incremental reads need.
    """
    out = {key: value for key, value in data.items() if value is not None}
    stamp = n.META["modified_at"]
    day = out.get(n.AUDIT["date"])
    if stamp not in out and isinstance(day, str) and day:
        try:
            start = parse_datetime(day[:10] + "T00:00:00+00:00")
            seconds = int(out.get(n.AUDIT["time"]) or 0)
            out[stamp] = (start + dt.timedelta(seconds=seconds)).isoformat()
        except (ValueError, TypeError):
            pass
        except OverflowError:
            where = f"{path}.modified_at" if path else "modified_at"
            raise _BadStamp(
                where, f"{day[:10]} plus {out.get(n.AUDIT['time'])} seconds is past year 9999"
            ) from None
    for attribute, child in table.children.items():
        rows = out.get(table.wire(attribute))
        if isinstance(rows, list):
            out[table.wire(attribute)] = [
                _clean(child, row, f"{path + '.' if path else ''}{attribute}[{i}]")
                if isinstance(row, Mapping)
                else row
                for i, row in enumerate(rows)
            ]
    return out


def from_wire(data: Any, cls: type[T], *, record: str) -> T:
    """A model from one wire record; one that does not fit raises ``DecodeError``.

    Called from operation parsers: the executor turns that into ``QADDecodeError``.
    """
    table = _MODELS[cls]
    if not isinstance(data, Mapping):
        raise QADDecodeError(record, [f"expected an object, got {type(data).__name__}"])
    try:
        clean = _clean(table, data)
    except _BadStamp as bad:
        raise QADDecodeError(
            record, [f"{bad.reason} @ {bad.path}"], fields=[(bad.path, bad.reason)]
        ) from None
    return _DECODER.one(clean, cls, record=record)


def from_row(row: Any, cls: type[T], *, record: str) -> T:
    """A model from a flat browse row (``"purchaseOrder.supplierCode": "S1"``)."""
    if not isinstance(row, Mapping):
        raise QADDecodeError(record, [f"expected a browse row, got {type(row).__name__}"])
    prefix = _MODELS[cls].row_object + "."
    flat = {(k[len(prefix) :] if k.startswith(prefix) else k): v for k, v in row.items()}
    return from_wire(flat, cls, record=record)


_UNSEEN = object()
_KEY_SETS = 256
"""Key sets a reader remembers the answer for (then: worked out for each row)."""


class _RowReader:
    """Browse rows of one model read as they are, when that reads them as ``from_row`` does.

    ``from_row`` strips the prefix, drops nulls, assembles a split audit stamp and cleans
    lines, a copy of every row. A row whose keys all carry the prefix, without lines, and
    without the split stamp (or with the whole stamp set beside it) needs none of that: the
    generated function reads its prefixed keys, a missing key takes its default as a dropped
    null would, and a null reaches the field's hook, which refuses it unless the field is
    optional with ``None`` for default (so the row goes the long way and gets its default).
    """

    def __init__(self, model: type, table: n.Table) -> None:
        prefix = table.row_object + "."
        self.structure: Callable[[Any, Any], Any] = make_structure_fn(
            model, _DECODER.fast, _renames(model, table, prefix)
        )
        self._prefix = prefix
        self._stamp = prefix + n.META["modified_at"]
        self._day = prefix + n.AUDIT["date"]
        self._lines = frozenset(prefix + table.wire(name) for name in table.children)
        self.known: dict[tuple[Any, ...], str | None] = {}

    def check(self, keys: tuple[Any, ...]) -> str | None:
        """``None``: rows with these keys go the long way; ``""``: they are read as they are;
        else the stamp key, which such a row must have set to be read as it is. Remembered
        in ``known`` for the first key sets."""
        prefixed = all(type(key) is str and key.startswith(self._prefix) for key in keys)
        answer: str | None = ""
        if not prefixed or not self._lines.isdisjoint(keys):
            answer = None
        elif self._day in keys:
            answer = self._stamp if self._stamp in keys else None
        if len(self.known) < _KEY_SETS:
            self.known[keys] = answer
        return answer


def _row_reader(model: type, table: n.Table) -> _RowReader | None:
    """The model's reader, or ``None`` when a field takes ``None`` but defaults to something
    else (a null read as it is would not give the default that ``from_row`` gives it)."""
    hints = typing.get_type_hints(model)
    for field in attrs.fields(model):
        takes_none = type(None) in typing.get_args(hints.get(field.name))
        if takes_none and field.default is not None:
            return None
    return _RowReader(model, table)


_READERS: dict[type, _RowReader | None] = {}


def browse_rows(
    rows: Iterable[Any],
    cls: type[T],
    *,
    record: Callable[[int], str],
    identify: Callable[[Any], object],
    page_url: str | None = None,
) -> list[T | Reject]:
    """Each browse row as ``cls``, or a :class:`Reject` as ``from_row`` would make it.

    ``record(index)`` names a rejected row in its error (``"supplierV2s page 3 row 7"``).
    """
    reader = _READERS.get(cls, _UNSEEN)
    if reader is _UNSEEN:
        reader = _READERS[cls] = _row_reader(cls, _MODELS[cls])
    if not isinstance(reader, _RowReader):
        return decode_each(
            rows,
            lambda i, row: from_row(row, cls, record=record(i)),
            identify=identify,
            page_url=page_url,
        )
    structure, check, known = reader.structure, reader.check, reader.known
    out: list[T | Reject] = []
    append = out.append
    for index, row in enumerate(rows):
        if type(row) is dict:
            keys = tuple(row)
            stamp = known.get(keys, _UNSEEN)
            if stamp is _UNSEEN:
                stamp = check(keys)
            if stamp == "" or (stamp is not None and row[stamp] is not None):
                try:
                    append(structure(row, cls))
                    continue
                except DECODE_FAILURES:
                    pass
        label = record(index)
        out += decode_each(
            (row,),
            lambda _, raw: from_row(raw, cls, record=label),  # noqa: B023 (called right here)
            identify=identify,
            page_url=page_url,
        )
    return out


def format_datetime(value: dt.datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ`` in UTC, the timestamp form QAD clients send."""
    if value.tzinfo is None:
        raise ValueError("datetime values sent to QAD must be timezone-aware")
    utc = value.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def encode_value(value: Any) -> Any:
    """One value as QAD takes it: plain decimal strings, ISO dates, enum values."""
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def to_wire(table: n.Table, obj: Any, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The wire dict of a model or input: named fields only, ``None`` left out, lines nested."""
    out: dict[str, Any] = {}
    for field in attrs.fields(type(obj)):
        name = field.name
        value = getattr(obj, name)
        if value is None or name in exclude or name in table.read_only:
            continue
        if name in table.children:
            child = table.children[name]
            out[table.wire(name)] = [to_wire(child, row) for row in value]
        elif name in table.fields:
            out[table.wire(name)] = encode_value(value)
    return out

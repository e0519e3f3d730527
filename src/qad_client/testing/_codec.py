"""Records to and from wire dicts, through the name table, with typed parsing of caller values.

Amounts and quantities are ``Decimal`` inside and JSON *strings* on the wire (``"12.50"``), so no
precision is lost; callers may send numbers or strings. Dates are ``YYYY-MM-DD`` (a full ISO
timestamp is accepted); audit timestamps are ``YYYY-MM-DDTHH:MM:SS.mmmZ``.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import attrs

from qad_client.testing import _messages as m
from qad_client.testing import _names as n
from qad_client.testing._messages import Issue
from qad_client.testing._records import (
    Allocation,
    CostCentre,
    Domain,
    ExpenseLine,
    GLAccount,
    Item,
    MatchingLine,
    MfgSupplier,
    OpenReceiver,
    POLine,
    Project,
    PurchaseOrder,
    Receipt,
    ReceiptLine,
    Record,
    Row,
    SubAccount,
    Supplier,
    SupplierInvoice,
    SupplierPayment,
    is_read_only,
)

__all__ = [
    "NAMES",
    "FieldSpec",
    "Kind",
    "Operation",
    "Values",
    "decode",
    "encode",
    "field_specs",
    "format_datetime",
    "parse_datetime",
    "render",
    "table_for_plural",
    "wire_name",
]

Operation = Literal["create", "update", "delete"]
Kind = Literal["str", "dec", "int", "bool", "date", "datetime", "rows"]

NAMES: Mapping[type, n.Names] = {
    Supplier: n.SUPPLIER,
    MfgSupplier: n.MFG_SUPPLIER,
    Item: n.ITEM,
    GLAccount: n.GL_ACCOUNT,
    CostCentre: n.COST_CENTRE,
    SubAccount: n.SUB_ACCOUNT,
    Project: n.PROJECT,
    Domain: n.DOMAIN,
    PurchaseOrder: n.PURCHASE_ORDER,
    POLine: n.PURCHASE_ORDER_LINE,
    Receipt: n.RECEIPT,
    ReceiptLine: n.RECEIPT_LINE,
    OpenReceiver: n.OPEN_RECEIVER,
    SupplierInvoice: n.SUPPLIER_INVOICE,
    MatchingLine: n.MATCHING_LINE,
    ExpenseLine: n.EXPENSE_LINE,
    SupplierPayment: n.SUPPLIER_PAYMENT,
    Allocation: n.ALLOCATION,
}

_OPERATIONS: dict[str, Operation] = {
    n.OPERATION["create"]: "create",
    n.OPERATION["update"]: "update",
    n.OPERATION["delete"]: "delete",
}
_TRUE = ("true", "yes", "y", "1")
_FALSE = ("false", "no", "n", "0")


def wire_name(table: type, attribute: str) -> str:
    """The wire name of ``attribute`` of ``table`` (used for error ``fieldName``)."""
    names = NAMES.get(table)
    if names is None:
        return n.META.get(attribute) or n.CONTROL.get(attribute, attribute)
    return names.wire(attribute)


def table_for_plural(plural: str) -> type[Record] | None:
    """The record class served at ``/api/erp/<plural>``, if any."""
    for table, names in NAMES.items():
        if names.plural == plural and issubclass(table, Record) and names.writable:
            return table
    return None


@attrs.frozen
class FieldSpec:
    """How one attribute travels: its wire name, value kind and (for line tables) row class."""

    attribute: str
    wire: str
    kind: Kind
    row: type | None
    read_only: bool


_SPECS: dict[type, tuple[FieldSpec, ...]] = {}


def field_specs(table: type) -> tuple[FieldSpec, ...]:
    """The specs of every named field of ``table``, including computed (property) ones."""
    cached = _SPECS.get(table)
    if cached is None:
        cached = _SPECS[table] = _build_specs(table)
    return cached


def _build_specs(table: type) -> tuple[FieldSpec, ...]:
    names = NAMES[table]
    attributes = {a.name: a for a in attrs.fields(attrs.resolve_types(table))}
    specs = []
    for attribute, wire in names.fields.items():
        field = attributes.get(attribute)
        if field is None:
            value = getattr(table, attribute)
            kind, row = _kind_of(typing.get_type_hints(value.fget)["return"])
            specs.append(FieldSpec(attribute, wire, kind, row, True))
            continue
        kind, row = _kind_of(field.type)
        specs.append(FieldSpec(attribute, wire, kind, row, is_read_only(field)))
    return tuple(specs)


def _kind_of(annotation: Any) -> tuple[Kind, type | None]:
    origin = typing.get_origin(annotation)
    if origin in (list, dict):
        return "rows", typing.get_args(annotation)[-1]
    if annotation in (str, Decimal, int, bool):
        simple: dict[Any, Kind] = {str: "str", Decimal: "dec", int: "int", bool: "bool"}
        return simple[annotation], None
    if date in typing.get_args(annotation) or annotation is date:
        return "date", None
    raise TypeError(f"no wire kind for {annotation!r}")


@attrs.define
class Values:
    """What a caller sent for one record, parsed to Python types and keyed by attribute.

    ``domain_code`` and ``shared_set_code`` are the record's own ``domainCode`` and
    ``sharedSetCode`` controls (empty when not sent).
    """

    table: type
    data: dict[str, object] = attrs.field(factory=dict)
    rows: dict[str, list[Values]] = attrs.field(factory=dict)
    operation: Operation = "create"
    concurrency_hash: str = ""
    domain_code: str = ""
    shared_set_code: str = ""

    def has(self, attribute: str) -> bool:
        """Whether the caller sent ``attribute`` (an empty string counts as sent)."""
        return attribute in self.data or attribute in self.rows

    def text(self, attribute: str, default: str = "") -> str:
        """A string value, or ``default`` when absent."""
        value = self.data.get(attribute, default)
        assert isinstance(value, str)
        return value

    def integer(self, attribute: str, default: int = 0) -> int:
        """An integer value, or ``default`` when absent."""
        value = self.data.get(attribute, default)
        assert isinstance(value, int)
        return value

    def lines(self, attribute: str) -> list[Values]:
        """The parsed rows of a line table (empty when absent)."""
        return self.rows.get(attribute, [])

    def assign(self, target: object, *, exclude: Iterable[str] = ()) -> None:
        """Copy every sent scalar value onto ``target`` except the ``exclude`` attributes."""
        skip = set(exclude)
        for attribute, value in self.data.items():
            if attribute not in skip:
                setattr(target, attribute, value)


def _control_text(raw: Mapping[str, Any], control: str) -> str:
    value = raw.get(n.CONTROL[control])
    return value.strip() if isinstance(value, str) else ""


def decode(
    table: type, raw: object, default: Operation = "create", *, by_url: bool = False
) -> tuple[Values, list[Issue]]:
    """Parse one record sent by a caller; bad values become issues, unknown keys are ignored.

    An empty or absent ``dataOperation`` means ``default``: what the URL says (a keyed POST
    updates), or for a line, what its document's operation is. With ``by_url`` the record's
    operation is ``default`` whatever its ``dataOperation`` says, as QAD's REST controllers
    decide by the key query parameters alone [N7]; an unknown code is still refused. Its lines
    keep their own ``dataOperation`` (QXtend's intent reads the record's, ``by_url=False``).
    """
    issues: list[Issue] = []
    if not isinstance(raw, Mapping):
        issue = Issue.of(
            table, "data_operation", raw, m.INVALID, label="Record", reason="not an object"
        )
        return Values(table), [issue]
    data: dict[str, object] = {}
    rows: dict[str, list[Values]] = {}
    sent = raw.get(n.CONTROL["data_operation"]) or n.OPERATION[default]
    line_default = _OPERATIONS.get(sent, default) if isinstance(sent, str) else default
    if by_url:
        line_default = default
    for spec in field_specs(table):
        if spec.read_only or spec.wire not in raw:
            continue
        value = raw[spec.wire]
        if spec.kind == "rows":
            assert spec.row is not None
            if not isinstance(value, list):
                issues.append(_invalid(table, spec, value, "expected a list"))
                continue
            parsed = []
            for item in value:
                child, child_issues = decode(spec.row, item, line_default)
                parsed.append(child)
                issues.extend(child_issues)
            rows[spec.attribute] = parsed
            continue
        try:
            data[spec.attribute] = _parse(spec.kind, value)
        except ValueError as error:
            issues.append(_invalid(table, spec, value, str(error)))
            continue
        if spec.wire == n.REFERENCE_FIELD and len(str(value)) > n.REFERENCE_LENGTH:
            limit = n.REFERENCE_LENGTH + 1
            issues.append(Issue.of(table, spec.attribute, value, m.TOO_LONG, limit=limit))
    operation = _OPERATIONS.get(sent) if isinstance(sent, str) else None
    if operation is not None and by_url:
        operation = default
    if operation is None:
        expected = "expected one of " + ", ".join(n.OPERATION.values())
        label = n.CONTROL["data_operation"]
        issues.append(
            Issue.of(table, "data_operation", sent, m.INVALID, label=label, reason=expected)
        )
        operation = "create"
    values = Values(
        table,
        data,
        rows,
        operation,
        concurrency_hash=_control_text(raw, "concurrency_hash"),
        domain_code=_control_text(raw, "domain"),
        shared_set_code=_control_text(raw, "shared_set"),
    )
    return values, issues


def _invalid(table: type, spec: FieldSpec, value: object, reason: str) -> Issue:
    return Issue.of(table, spec.attribute, value, m.INVALID, label=spec.wire, reason=reason)


def _parse(kind: Kind, value: object) -> object:
    if kind == "str":
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return str(value)
        raise ValueError("expected a string")
    if kind == "dec":
        if isinstance(value, bool) or value is None:
            raise ValueError("expected a number")
        try:
            number = Decimal(value) if isinstance(value, int | str | Decimal) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError("expected a number")
        return number
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        raise ValueError("expected an integer")
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _TRUE + _FALSE:
            return value.lower() in _TRUE
        raise ValueError("expected true or false")
    if kind == "date":
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                pass
        raise ValueError("expected a date YYYY-MM-DD")
    raise ValueError(f"cannot parse a {kind}")


def render(value: object) -> object:
    """One value as JSON: Decimal as a plain string, dates ISO, rows as lists of objects."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is Decimal:
        return format(value, "f")
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Row | Record):
        return encode(value)
    if isinstance(value, dict):
        return [render(v) for v in value.values()]
    if isinstance(value, list):
        return [render(v) for v in value]
    return value


def encode(record: Row | Record) -> dict[str, object]:
    """A record as the wire dict a read or write reply carries."""
    out: dict[str, object] = {}
    for spec in field_specs(type(record)):
        out[spec.wire] = render(getattr(record, spec.attribute))
    if isinstance(record, Record):
        out.update(meta(record))
    return out


def meta(record: Record) -> dict[str, object]:
    """The audit and identity fields QAD adds to stored records."""
    names = NAMES[type(record)]
    stamp = record.modified_at
    midnight = stamp.replace(hour=0, minute=0, second=0, microsecond=0)
    out: dict[str, object] = {}
    if names.entity_uri:
        out[n.META["uri"]] = f"{names.entity_uri}:{'.'.join(record.key())}"
    out[n.META["concurrency_hash"]] = record.concurrency_hash
    out[n.META["modified_date"]] = stamp.date().isoformat()
    out[n.META["modified_time"]] = int((stamp - midnight).total_seconds())
    out[n.META["modified_user"]] = record.modified_by
    out[n.META["modified_datetime"]] = format_datetime(stamp)
    return out


def format_datetime(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ`` in UTC, the form QAD clients send."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_datetime(value: str) -> datetime:
    """An ISO date or timestamp (``Z`` or offset; naive means UTC) as an aware datetime."""
    parsed = datetime.fromisoformat(value.strip())
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)

"""What the simulated Procore accepts in a write: the documented statuses and types, and one
reader per wire field that cleans a value (casting as Rails does) or names what is wrong with it.

Readers raise :class:`ValidationFailed` with the field's name, so a write answers 422 with every
problem found, as Procore does. No record is touched here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from procore_client.testing._errors import ValidationFailed
from procore_client.testing._params import cast_flag, cast_integer

__all__ = [
    "BASE_TYPES",
    "COST_CODE_FIELDS",
    "DIRECT_COST_FIELDS",
    "DIRECT_COST_LINE_LIMIT",
    "DIRECT_COST_STATUSES",
    "DIRECT_COST_TYPES",
    "PAYMENT_FIELDS",
    "PAYMENT_METHODS",
    "PO_STATUSES",
    "REQUISITION_FIELDS",
    "REQUISITION_STATUSES",
    "RESOURCE_NAMES",
    "SYNC_BATCH_LIMIT",
    "VENDOR_FIELDS",
    "WO_STATUSES",
    "Errors",
    "Reader",
    "origin_field",
    "parse_date",
    "parse_money",
    "read_fields",
]

Errors = dict[str, list[str]]

REQUISITION_STATUSES = (
    "draft",
    "under_review",
    "revise_and_resubmit",
    "approved",
    "approved_as_noted",
    "pending_owner_approval",
)
WO_STATUSES = (
    "Draft",
    "Out For Bid",
    "Out For Signature",
    "Approved",
    "Complete",
    "Terminated",
    "Void",
)
PO_STATUSES = (
    "Draft",
    "Processing",
    "Submitted",
    "Partially Received",
    "Received",
    "Approved",
    "Closed",
)
DIRECT_COST_TYPES = ("invoice", "subcontractor_invoice", "expense", "payroll")
DIRECT_COST_STATUSES = ("draft", "pending", "revise_and_resubmit", "approved")
BASE_TYPES = (
    "equipment",
    "materials",
    "commitment",
    "owner_cost",
    "professional_services",
    "other",
)
SYNC_BATCH_LIMIT = 1000
DIRECT_COST_LINE_LIMIT = 100

RESOURCE_NAMES: Mapping[str, str] = {
    "vendor": "Company Vendors",
    "project": "Projects",
    "requisition": "Requisitions",
    "direct_cost": "Direct Costs",
    "direct_cost_line_item": "Direct Cost Line Items",
    "work_order_contract": "Work Order Contracts",
    "purchase_order_contract": "Purchase Order Contracts",
    "contract_payment": "Contract Payments",
}


def parse_date(value: object, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise ValidationFailed({field: ["is not a valid date"]})


def parse_money(value: object, field: str) -> Decimal:
    if isinstance(value, bool):
        raise ValidationFailed({field: ["is not a number"]})
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed({field: ["is not a number"]}) from None


Reader = Callable[[Any, str], Any]
"""Cleans the value of one field (``None`` included) or raises ValidationFailed naming it."""


def _invalid(field: str, message: str) -> NoReturn:
    raise ValidationFailed({field: [message]})


def _text(value: Any, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    _invalid(field, "must be a string")


def _any_text(value: Any, field: str) -> str | None:
    return None if value is None else str(value)


def _flag(value: Any, field: str) -> bool | None:
    value = cast_flag(value)
    if value is None or isinstance(value, bool):
        return value
    _invalid(field, "must be true or false")


def _integer(value: Any, field: str) -> int | None:
    value = cast_integer(value)
    if value is None or type(value) is int:
        return value
    _invalid(field, "must be an integer")


def _ids(value: Any, field: str) -> list[int] | None:
    if value is None:
        return None
    if isinstance(value, list):
        cast = [cast_integer(v) for v in value]
        if all(type(v) is int for v in cast):
            return cast
    _invalid(field, "must be an array of integers")


def _object(value: Any, field: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return dict(value)
    _invalid(field, "must be an object")


def origin_field(value: Any, field: str) -> str | None:
    """An ``origin_id``: an ERP key, sent as a string or a number; empty means none."""
    if type(value) is int:
        return str(value)
    return _text(value, field) or None


def _choice(choices: tuple[str, ...]) -> Reader:
    def read(value: Any, field: str) -> str:
        if value in choices:
            return str(value)
        _invalid(field, "is not included in the list")

    return read


def read_fields(
    raw: Mapping[str, Any], readers: Mapping[str, Reader]
) -> tuple[dict[str, Any], Errors]:
    """The fields of ``raw`` that ``readers`` know, cleaned, and every problem found."""
    clean: dict[str, Any] = {}
    errors: Errors = {}
    for key, value in raw.items():
        if key in readers:
            try:
                clean[key] = readers[key](value, key)
            except ValidationFailed as failure:
                for field, messages in failure.fields.items():
                    errors.setdefault(field, []).extend(messages)
    return clean, errors


VENDOR_FIELDS: Mapping[str, Reader] = {
    "name": _text,
    "abbreviated_name": _text,
    "address": _text,
    "city": _text,
    "state_code": _text,
    "zip": _text,
    "country_code": _text,
    "business_phone": _text,
    "mobile_phone": _text,
    "fax_number": _text,
    "email_address": _text,
    "website": _text,
    "is_active": _flag,
    "authorized_bidder": _flag,
    "prequalified": _flag,
    "labor_union": _text,
    "union_member": _flag,
    "non_union_prevailing_wage": _flag,
    "license_number": _text,
    "notes": _text,
    "vendor_group_id": _integer,
    "parent_id": _integer,
    "primary_contact_id": _integer,
    "trade_ids": _ids,
    "standard_cost_code_ids": _ids,
    "bidding_distribution_ids": _ids,
    "trade_name": _text,
    "bidding": _object,
    "origin_id": origin_field,
    "origin_data": _text,
    "origin_code": origin_field,
    "keywords": _text,
}
REQUISITION_FIELDS: Mapping[str, Reader] = {
    "period_id": _integer,
    "requisition_start": parse_date,
    "requisition_end": parse_date,
    "billing_date": parse_date,
    "payment_date": parse_date,
    "submitted_at": parse_date,
    "final": _flag,
    "status": _choice(REQUISITION_STATUSES),
    "invoice_number": _any_text,
    "comment": _any_text,
    "origin_id": origin_field,
    "origin_data": _any_text,
}
COST_CODE_FIELDS: Mapping[str, Reader] = {
    "code": _text,
    "name": _text,
    "parent_id": _integer,
    "origin_id": origin_field,
    "origin_data": _any_text,
}
PAYMENT_METHODS = ("check", "credit_card", "electronic")
PAYMENT_FIELDS: Mapping[str, Reader] = {
    "date": parse_date,
    "invoice_number": _any_text,
    "check_number": _any_text,
    "invoice_date": parse_date,
    "draw_request_number": _integer,
    "notes": _any_text,
    "payment_number": _integer,
    "payment_method": _choice(PAYMENT_METHODS),
    "amount": parse_money,
    "requisition_id": _integer,
    "origin_id": origin_field,
    "origin_data": _any_text,
}
DIRECT_COST_FIELDS: Mapping[str, Reader] = {
    "direct_cost_type": _choice(DIRECT_COST_TYPES),
    "status": _choice(DIRECT_COST_STATUSES),
    "direct_cost_date": parse_date,
    "received_date": parse_date,
    "payment_date": parse_date,
    "invoice_number": _any_text,
    "description": _any_text,
    "terms": _any_text,
    "employee_id": _integer,
    "origin_id": origin_field,
    "origin_data": _any_text,
}

"""Request-body validation in the manner of DRF serializers, for vendors and account codes.

Each writable field is one :class:`Field` (wire name, record attribute, rule), so the same
table both validates input and names the wire keys; errors are DRF's ``{field: [message]}``
with DRF's own wording, and unknown or read-only keys are ignored as DRF ignores them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import attrs

from procurify_client.testing._state import ValidationFailed

__all__ = ["ACCOUNT_CODE_CREATE", "ACCOUNT_CODE_UPDATE", "VENDOR_FIELDS", "Field", "validate"]

Kind = Literal["str", "int", "bool", "choice", "emails", "ints", "score"]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TRUE = frozenset({True, "true", "True", "1", "yes", "on"})
_FALSE = frozenset({False, "false", "False", "0", "no", "off"})


@attrs.frozen
class Field:
    """One writable field: its wire name, the record attribute it sets, and its rules."""

    wire: str
    attr: str
    kind: Kind = "str"
    max_length: int | None = None
    required: bool = False
    nullable: bool = False
    allow_blank: bool = True
    choices: tuple[int, ...] = ()


def _text(wire: str, attr: str, max_length: int | None) -> Field:
    return Field(wire, attr, "str", max_length, nullable=True)


VENDOR_FIELDS: tuple[Field, ...] = (
    Field("name", "name", "str", 150, required=True, allow_blank=False),
    Field("active", "active", "bool"),
    _text("addressLineOne", "address_line_one", 300),
    _text("addressLineTwo", "address_line_two", 300),
    _text("postalCode", "postal_code", 20),
    _text("city", "city", 50),
    _text("state_province", "state_province", 40),
    _text("country", "country", 80),
    _text("phoneOne", "phone_one", 20),
    _text("phoneTwo", "phone_two", 20),
    _text("fax", "fax", 20),
    Field("email", "email", "emails", required=True),
    _text("comments", "comments", None),
    _text("contact", "contact", 50),
    _text("url", "url", 200),
    _text("external_id", "external_id", 100),
    Field("currency", "currency", "int", nullable=True),
    Field("tax", "tax", "int", nullable=True),
    Field("type", "type", "choice", required=True, choices=(1, 2, 3, 4, 5, 6, 7)),
    Field("is_1099_eligible", "is_1099_eligible", "bool", nullable=True),
    Field("is_auto_email_po_enabled", "is_auto_email_po_enabled", "bool"),
    Field("po_pdf_labels", "po_pdf_labels", "str", 200),
    Field("overall_score", "overall_score", "score", required=True, nullable=True),
)

_CODE = Field("code", "code", "str", 50, required=True, allow_blank=False)
_DESCRIPTION = Field("description", "description", "str", 200, required=True, allow_blank=False)
_ACCOUNT_TYPE = Field("account_type", "account_type", "choice", choices=(0, 1, 2, 3, 4, 5))
_PARENT = Field("parent", "parent", "int", nullable=True)
ACCOUNT_CODE_CREATE: tuple[Field, ...] = (
    _CODE,
    _DESCRIPTION,
    _ACCOUNT_TYPE,
    _PARENT,
    Field("departments", "departments", "ints"),
)
ACCOUNT_CODE_UPDATE: tuple[Field, ...] = (_CODE, _DESCRIPTION, _ACCOUNT_TYPE, _PARENT)


def validate(fields: Sequence[Field], data: object, *, partial: bool) -> dict[str, Any]:
    """Check ``data`` against ``fields``; returns ``{attr: value}`` or raises ValidationFailed.

    ``partial`` (PATCH) skips the required check for absent fields.
    """
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise ValidationFailed(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
        )
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for field in fields:
        if field.wire not in data:
            if field.required and not partial:
                errors[field.wire] = ["This field is required."]
            continue
        try:
            values[field.attr] = _clean(field, data[field.wire])
        except _FieldError as error:
            errors[field.wire] = error.detail
    if errors:
        raise ValidationFailed(errors)
    return values


class _FieldError(Exception):
    def __init__(self, detail: Any) -> None:
        super().__init__(detail)
        self.detail = detail


def _clean(field: Field, value: Any) -> Any:
    if value is None:
        if field.nullable:
            return None
        raise _FieldError(["This field may not be null."])
    if field.kind == "str":
        return _clean_str(field, value)
    if field.kind == "bool":
        if isinstance(value, bool | int | str) and value in _TRUE:
            return True
        if isinstance(value, bool | int | str) and value in _FALSE:
            return False
        raise _FieldError(["Must be a valid boolean."])
    if field.kind == "int":
        return _clean_int(value)
    if field.kind == "score":
        return _clean_score(value)
    if field.kind == "choice":
        number = _clean_int(value, quiet=True)
        if number is None or number not in field.choices:
            raise _FieldError([f'"{value}" is not a valid choice.'])
        return number
    if not isinstance(value, list):
        raise _FieldError([f'Expected a list of items but got type "{type(value).__name__}".'])
    if field.kind == "ints":
        return tuple(_clean_int(v) for v in value)
    bad = {
        str(n): ["Enter a valid email address."]
        for n, v in enumerate(value)
        if not isinstance(v, str) or _EMAIL.match(v) is None
    }
    if bad:
        raise _FieldError(bad)
    return tuple(value)


def _clean_str(field: Field, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _FieldError(["Not a valid string."])
    text = str(value).strip()
    if not text and not field.allow_blank:
        raise _FieldError(["This field may not be blank."])
    if field.max_length is not None and len(text) > field.max_length:
        raise _FieldError([f"Ensure this field has no more than {field.max_length} characters."])
    return text


def _clean_score(value: Any) -> Decimal:
    """DRF's ``DecimalField(max_digits=5, decimal_places=3)``, in DRF's words."""
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise _FieldError(["A valid number is required."])
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places > 3:
        raise _FieldError(["Ensure that there are no more than 3 decimal places."])
    if abs(number) >= 100:
        raise _FieldError(["Ensure that there are no more than 2 digits before the decimal point."])
    return number


def _clean_int(value: Any, *, quiet: bool = False) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdecimal():
        return int(value)
    if quiet:
        return None
    raise _FieldError(["A valid integer is required."])

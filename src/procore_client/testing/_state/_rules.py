"""The business rules Procore enforces, each a small named function a reader can find by name.

- :func:`check_unlocked`: a record synced with the ERP (it has an ``origin_id``) changes only its
  origin fields (requisitions, contract payments, direct costs);
- :class:`OriginIndex`: an ``origin_id`` belongs to one record of a kind per company (409);
- :func:`check_line_count`: a direct cost holds at most 100 line items;
- :func:`check_register`: an ABN has 11 digits and an EIN 9, spaces and dashes ignored;
- :func:`check_vendor_fields`: a vendor's name, country code, email and parent;
- :func:`uploads`: attachments come as multipart file parts only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from procore_client.testing._errors import (
    DuplicateOrigin,
    RecordLocked,
    RecordNotFound,
    ValidationFailed,
)
from procore_client.testing._models import BusinessRegister, Vendor
from procore_client.testing._state._fields import DIRECT_COST_LINE_LIMIT, Errors

__all__ = [
    "OriginIndex",
    "apply_register",
    "check_line_count",
    "check_register",
    "check_unlocked",
    "check_vendor_fields",
    "find_record",
    "uploads",
]

T = TypeVar("T")

_REGISTER_DIGITS = {"abn": 11, "ein": 9}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ORIGIN_FIELDS = ("origin_id", "origin_data")


def check_unlocked(origin_id: str | None, keys: Iterable[str], what: str) -> None:
    """A record synced with the ERP (it has an ``origin_id``) may change its origin fields only."""
    blocked = sorted(k for k in keys if k not in _ORIGIN_FIELDS)
    if origin_id is not None and blocked:
        raise RecordLocked(
            f"This {what} is synced with ERP and cannot be edited ({', '.join(blocked)})."
        )


def check_line_count(existing: int, lines: list[Any]) -> None:
    """A direct cost holds at most :data:`DIRECT_COST_LINE_LIMIT` line items, old and new."""
    added = sum(1 for line in lines if not (isinstance(line, dict) and "id" in line))
    if existing + added > DIRECT_COST_LINE_LIMIT:
        raise ValidationFailed(
            {"line_items": [f"a direct cost takes at most {DIRECT_COST_LINE_LIMIT} line items"]}
        )


def check_register(kind: object, identifier: object) -> tuple[str, str]:
    """A business register's type (``abn``/``ein``, any case) and its digits, or 422."""
    errors: Errors = {}
    kind_text = str(kind or "").lower()
    if kind_text not in _REGISTER_DIGITS:
        errors["type"] = ["is not included in the list"]
    digits = re.sub(r"[\s-]", "", str(identifier or ""))
    if not digits:
        errors["identifier"] = ["can't be blank"]
    elif kind_text in _REGISTER_DIGITS and (
        not digits.isdigit() or len(digits) != _REGISTER_DIGITS[kind_text]
    ):
        errors["identifier"] = [f"must be {_REGISTER_DIGITS[kind_text]} digits"]
    if errors:
        raise ValidationFailed(errors)
    return kind_text, digits


def apply_register(register: BusinessRegister, kind: str, identifier: str) -> None:
    """Set a register's type and identifier; a new identifier clears its verification."""
    if identifier != register.identifier:
        register.verification_status = None
        register.verified_at = None
    register.type = kind
    register.identifier = identifier


def check_vendor_fields(
    clean: dict[str, Any],
    errors: Errors,
    company_vendors: Mapping[int, Vendor],
    vendor_id: int | None,
) -> None:
    """A vendor's name is not blank, its country an ISO-3166 code (upper-cased in ``clean``),
    its email has an ``@``, and its parent a top-level vendor of the company other than itself."""
    if "name" in clean and not str(clean["name"] or "").strip():
        errors.setdefault("name", []).append("can't be blank")
    country = clean.get("country_code")
    if isinstance(country, str):
        if not _COUNTRY.match(country.upper()):
            errors.setdefault("country_code", []).append("is not a valid ISO-3166 code")
        else:
            clean["country_code"] = country.upper()
    email = clean.get("email_address")
    if isinstance(email, str) and email and "@" not in email:
        errors.setdefault("email_address", []).append("is invalid")
    parent_id = clean.get("parent_id")
    if isinstance(parent_id, int):
        parent = company_vendors.get(parent_id)
        if parent is None:
            errors.setdefault("parent_id", []).append("must be a vendor of this company")
        elif parent_id == vendor_id:
            errors.setdefault("parent_id", []).append("can't be the vendor itself")
        elif parent.fields.get("parent_id") is not None:
            errors.setdefault("parent_id", []).append("can't be a child vendor")


def uploads(raw: object) -> list[Mapping[str, Any]]:
    """The ``attachments[]`` of a write: file parts of a multipart body, described by the
    parser; anything else (a JSON string, say) is refused, since Procore takes only uploads."""
    if raw is None:
        return []
    items: list[Any] = raw if isinstance(raw, list) else [raw]
    files: list[Mapping[str, Any]] = [
        item for item in items if isinstance(item, dict) and "filename" in item
    ]
    if len(files) != len(items):
        raise ValidationFailed(
            {"attachments": ["must be files sent as multipart/form-data attachments[]"]}
        )
    return files


def find_record(
    index: Mapping[int, Mapping[int, T]], owner_id: int, record_id: int, model: str
) -> T:
    """The record ``record_id`` of owner ``owner_id`` in ``index``; else 404 naming ``model``."""
    found = index.get(owner_id, {}).get(record_id)
    if found is None:
        raise RecordNotFound(model, record_id)
    return found


class OriginIndex:
    """Which record owns each ``origin_id``, per company and record kind: Procore lets one
    record of a kind hold an origin id in a company (across its projects)."""

    def __init__(self) -> None:
        self._owners: dict[tuple[int, str], dict[str, int]] = {}

    def clear(self) -> None:
        """Forget every claim."""
        self._owners.clear()

    def claim(self, company_id: int, kind: str, origin_id: str | None, record_id: int) -> None:
        """Index ``origin_id`` (if any) as ``record_id``'s; taken by another record: 409."""
        if origin_id is None:
            return
        index = self._owners.setdefault((company_id, kind), {})
        owner = index.get(origin_id)
        if owner is not None and owner != record_id:
            raise DuplicateOrigin(origin_id)
        index[origin_id] = record_id

    def move(
        self, company_id: int, kind: str, old: str | None, new: str | None, record_id: int
    ) -> None:
        """Give ``record_id`` the origin id ``new`` in place of ``old`` (409 if taken)."""
        if old == new:
            return
        self.claim(company_id, kind, new, record_id)
        if old is not None:
            self._owners.get((company_id, kind), {}).pop(old, None)

    def find(self, company_id: int, kind: str, origin_id: str) -> int | None:
        """The id of the ``kind`` record in the company that owns ``origin_id``."""
        return self._owners.get((company_id, kind), {}).get(origin_id)

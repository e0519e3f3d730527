"""The simulated Procore back end: companies, projects, financial records and their rules.

No HTTP here (moto's ``models.py``): handlers translate requests into these calls and the
domain errors from ``_errors`` back into Procore's bodies. Changes made through the ``create_*``
and ``update_*`` methods are announced to subscribers (the webhook engine); the ``put_*``
methods insert silently, for seeding and test set-up.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn, TypeVar

import attrs

from mlconnector_http._clock import Clock
from procore_client.testing._errors import (
    AlreadyExists,
    DuplicateOrigin,
    Forbidden,
    RecordLocked,
    RecordNotFound,
    TooLarge,
    ValidationFailed,
)
from procore_client.testing._models import (
    BusinessRegister,
    ChangeEvent,
    Commitment,
    Company,
    ContractLineItem,
    ContractPayment,
    CostCode,
    DirectCost,
    DirectCostLineItem,
    LineItemType,
    Project,
    Requisition,
    StoredAttachment,
    Vendor,
)
from procore_client.testing._params import cast_flag, cast_integer

__all__ = [
    "BASE_TYPES",
    "DIRECT_COST_LINE_LIMIT",
    "DIRECT_COST_STATUSES",
    "DIRECT_COST_TYPES",
    "PAYMENT_METHODS",
    "PO_STATUSES",
    "REQUISITION_STATUSES",
    "RESOURCE_NAMES",
    "SYNC_BATCH_LIMIT",
    "VENDOR_FIELDS",
    "WO_STATUSES",
    "ProcoreState",
]

T = TypeVar("T")
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

_ID_BASES = {
    "project": 562_949_953_421_312,
    "vendor": 3_000_000_001,
    "commitment": 2_500_000_001,
    "contract_line_item": 5_000_000_001,
    "requisition": 7_000_000_001,
    "direct_cost": 8_000_000_001,
    "direct_cost_line_item": 9_000_000_001,
    "cost_code": 1_000_001,
    "line_item_type": 2_000_001,
    "contract_payment": 40_001,
    "business_register": 100_001,
    "company": 4_000_001,
    "attachment": 60_000_001,
}
_REGISTER_DIGITS = {"abn": 11, "ein": 9}
_NEW_LINE: Mapping[str, Any] = {
    "cost_code_id": None,
    "line_item_type_id": None,
    "description": "",
    "quantity": 1,
    "unit_cost": 0,
    "uom": "ls",
    "ref": None,
    "origin_id": None,
    "origin_data": None,
}
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _parse_date(value: object, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise ValidationFailed({field: ["is not a valid date"]})


def _parse_money(value: object, field: str) -> Decimal:
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


def _origin_field(value: Any, field: str) -> str | None:
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


def _read(raw: Mapping[str, Any], readers: Mapping[str, Reader]) -> tuple[dict[str, Any], Errors]:
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


def _check_line_count(existing: int, lines: list[Any]) -> None:
    """A direct cost holds at most :data:`DIRECT_COST_LINE_LIMIT` line items, old and new."""
    added = sum(1 for line in lines if not (isinstance(line, dict) and "id" in line))
    if existing + added > DIRECT_COST_LINE_LIMIT:
        raise ValidationFailed(
            {"line_items": [f"a direct cost takes at most {DIRECT_COST_LINE_LIMIT} line items"]}
        )


def _check_unlocked(origin_id: str | None, keys: Iterable[str], what: str) -> None:
    """A record synced with the ERP (it has an ``origin_id``) may change its origin fields only."""
    blocked = sorted(k for k in keys if k not in ("origin_id", "origin_data"))
    if origin_id is not None and blocked:
        raise RecordLocked(
            f"This {what} is synced with ERP and cannot be edited ({', '.join(blocked)})."
        )


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
    "origin_id": _origin_field,
    "origin_data": _text,
    "origin_code": _origin_field,
    "keywords": _text,
}
_REQUISITION_FIELDS: Mapping[str, Reader] = {
    "period_id": _integer,
    "requisition_start": _parse_date,
    "requisition_end": _parse_date,
    "billing_date": _parse_date,
    "payment_date": _parse_date,
    "submitted_at": _parse_date,
    "final": _flag,
    "status": _choice(REQUISITION_STATUSES),
    "invoice_number": _any_text,
    "comment": _any_text,
    "origin_id": _origin_field,
    "origin_data": _any_text,
}
_COST_CODE_FIELDS: Mapping[str, Reader] = {
    "code": _text,
    "name": _text,
    "parent_id": _integer,
    "origin_id": _origin_field,
    "origin_data": _any_text,
}
PAYMENT_METHODS = ("check", "credit_card", "electronic")
_PAYMENT_FIELDS: Mapping[str, Reader] = {
    "date": _parse_date,
    "invoice_number": _any_text,
    "check_number": _any_text,
    "invoice_date": _parse_date,
    "draw_request_number": _integer,
    "notes": _any_text,
    "payment_number": _integer,
    "payment_method": _choice(PAYMENT_METHODS),
    "amount": _parse_money,
    "requisition_id": _integer,
    "origin_id": _origin_field,
    "origin_data": _any_text,
}
_DIRECT_COST_FIELDS: Mapping[str, Reader] = {
    "direct_cost_type": _choice(DIRECT_COST_TYPES),
    "status": _choice(DIRECT_COST_STATUSES),
    "direct_cost_date": _parse_date,
    "received_date": _parse_date,
    "payment_date": _parse_date,
    "invoice_number": _any_text,
    "description": _any_text,
    "terms": _any_text,
    "employee_id": _integer,
    "origin_id": _origin_field,
    "origin_data": _any_text,
}


def _uploads(raw: object) -> list[Mapping[str, Any]]:
    """The ``attachments[]`` of a write: file parts of a multipart body, described by the
    parser; anything else (a JSON string, say) is refused, since Procore takes only uploads."""
    if raw is None:
        return []
    items: list[Any] = raw if isinstance(raw, list) else [raw]
    uploads: list[Mapping[str, Any]] = [
        item for item in items if isinstance(item, dict) and "filename" in item
    ]
    if len(uploads) != len(items):
        raise ValidationFailed(
            {"attachments": ["must be files sent as multipart/form-data attachments[]"]}
        )
    return uploads


def _find(index: Mapping[int, Mapping[int, T]], owner_id: int, record_id: int, model: str) -> T:
    """The record ``record_id`` of owner ``owner_id`` in ``index``; else 404 naming ``model``."""
    found = index.get(owner_id, {}).get(record_id)
    if found is None:
        raise RecordNotFound(model, record_id)
    return found


class ProcoreState:
    """Every company's records plus the rules Procore enforces on them.

    Not thread-safe on its own: the simulator serialises calls under its lock.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._listeners: list[Callable[[ChangeEvent], None]] = []
        self._cache_lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Forget every record (listeners stay subscribed)."""
        self.version = 0
        self._next: dict[str, int] = dict(_ID_BASES)
        self.companies: dict[int, Company] = {}
        self.projects: dict[int, Project] = {}
        self.projects_by_company: dict[int, dict[int, Project]] = {}
        self.vendors: dict[int, Vendor] = {}
        self.vendors_by_company: dict[int, dict[int, Vendor]] = {}
        self.line_item_types: dict[int, LineItemType] = {}
        self.line_item_types_by_company: dict[int, dict[int, LineItemType]] = {}
        self.cost_codes: dict[int, CostCode] = {}
        self.cost_codes_by_project: dict[int, dict[int, CostCode]] = {}
        self.commitments: dict[int, Commitment] = {}
        self.commitments_by_project: dict[int, dict[int, Commitment]] = {}
        self.requisitions: dict[int, Requisition] = {}
        self.requisitions_by_project: dict[int, dict[int, Requisition]] = {}
        self.requisitions_by_commitment: dict[int, list[Requisition]] = {}
        self.payments: dict[int, ContractPayment] = {}
        self.payments_by_commitment: dict[int, dict[int, ContractPayment]] = {}
        self.direct_costs: dict[int, DirectCost] = {}
        self.direct_costs_by_project: dict[int, dict[int, DirectCost]] = {}
        self._origins: dict[tuple[int, str], dict[str, int]] = {}
        self._cache: dict[Hashable, tuple[int, list[Any]]] = {}

    def subscribe(self, listener: Callable[[ChangeEvent], None]) -> None:
        """Call ``listener`` with every announced change."""
        self._listeners.append(listener)

    def next_id(self, kind: str) -> int:
        """A fresh id for a record of ``kind`` (ranges chosen so several exceed 2**31)."""
        value = self._next[kind]
        self._next[kind] = value + 1
        return value

    def attach(self, target: list[StoredAttachment], uploads: list[Mapping[str, Any]]) -> None:
        """Keep each upload's description on the record, in the order sent."""
        now = self.clock.now()
        target.extend(
            StoredAttachment(
                self.next_id("attachment"),
                str(upload["filename"]),
                str(upload.get("content_type") or "application/octet-stream"),
                int(upload.get("size") or 0),
                now,
            )
            for upload in uploads
        )

    def touch(self) -> None:
        """Note a mutation so cached list results are recomputed."""
        self.version += 1

    def cached(self, key: Hashable, compute: Callable[[], list[T]]) -> list[T]:
        """``compute()`` memoised per ``key`` until the next mutation (fast deep paging)."""
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == self.version:
                return hit[1]
        value = compute()
        with self._cache_lock:
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = (self.version, value)
        return value

    def _emit(
        self,
        kind: str,
        record_id: int,
        event_type: str,
        company_id: int,
        project_id: int | None,
        actor: str | None,
        related: tuple[tuple[int, str], ...] = (),
    ) -> None:
        event = ChangeEvent(
            RESOURCE_NAMES.get(kind, kind),
            record_id,
            event_type,
            company_id,
            project_id,
            self.clock.now(),
            actor,
            related,
        )
        for listener in self._listeners:
            listener(event)

    # -- companies and projects -------------------------------------------------------------

    def add_company(self, company_id: int, name: str, installed_for: Iterable[str] = ()) -> Company:
        """Create a company with the given apps installed."""
        company = Company(company_id, name, set(installed_for))
        self.companies[company_id] = company
        self.projects_by_company.setdefault(company_id, {})
        self.vendors_by_company.setdefault(company_id, {})
        self.line_item_types_by_company.setdefault(company_id, {})
        self.touch()
        return company

    def company(self, company_id: int) -> Company:
        """The company ``company_id``."""
        try:
            return self.companies[company_id]
        except KeyError:
            raise RecordNotFound("Company", company_id) from None

    def add_project(
        self,
        company_id: int,
        *,
        project_id: int | None = None,
        name: str | None = None,
        project_number: str | None = None,
        permitted_for: Iterable[str] | None = None,
        active: bool = True,
        created_at: datetime | None = None,
        origin_id: str | None = None,
    ) -> Project:
        """Create a project; ``permitted_for=None`` lets every installed app's DMSA see it."""
        self.company(company_id)
        if project_id is None:
            project_id = self.next_id("project")
            while project_id in self.projects:
                project_id = self.next_id("project")
        now = created_at or self.clock.now()
        project = Project(
            id=project_id,
            company_id=company_id,
            name=name or f"Project {project_id}",
            project_number=project_number or str(project_id)[-6:],
            created_at=now,
            updated_at=now,
            active=active,
            permitted_for=None if permitted_for is None else set(permitted_for),
            origin_id=origin_id,
        )
        self.put_project(project)
        return project

    def put_project(self, project: Project) -> None:
        """Insert a ready-made project (its origin id indexed)."""
        self._claim_origin(project.company_id, "project", project.origin_id, project.id)
        self.projects[project.id] = project
        self.projects_by_company.setdefault(project.company_id, {})[project.id] = project
        self.cost_codes_by_project.setdefault(project.id, {})
        self.commitments_by_project.setdefault(project.id, {})
        self.requisitions_by_project.setdefault(project.id, {})
        self.direct_costs_by_project.setdefault(project.id, {})
        self.touch()

    def project(self, project_id: int) -> Project:
        """The project ``project_id``."""
        try:
            return self.projects[project_id]
        except KeyError:
            raise RecordNotFound("Project", project_id) from None

    def app_installed(self, client_id: str, company_id: int) -> bool:
        """Whether ``client_id`` is installed in the company."""
        company = self.companies.get(company_id)
        return company is not None and client_id in company.installed_for

    def app_permitted(self, client_id: str, project: Project) -> bool:
        """Whether the app's DMSA was granted this project (and the app is installed)."""
        if not self.app_installed(client_id, project.company_id):
            return False
        return project.permitted_for is None or client_id in project.permitted_for

    def check_project(self, client_id: str, project_id: int) -> Project:
        """The project, if the app may read it; 404 unknown, 403 not permitted."""
        project = self.project(project_id)
        if not self.app_installed(client_id, project.company_id):
            raise Forbidden("App is not connected to this company")
        if not self.app_permitted(client_id, project):
            raise Forbidden("This project has not been granted to the app's service account")
        return project

    # -- origin ids ---------------------------------------------------------------------------

    def _claim_origin(
        self, company_id: int, kind: str, origin_id: str | None, record_id: int
    ) -> None:
        """Index ``origin_id`` (if any) as ``record_id``'s; taken by another record: 409."""
        if origin_id is None:
            return
        index = self._origins.setdefault((company_id, kind), {})
        owner = index.get(origin_id)
        if owner is not None and owner != record_id:
            raise DuplicateOrigin(origin_id)
        index[origin_id] = record_id

    def _claim_project_origin(
        self,
        kind: str,
        record: CostCode | Commitment | Requisition | ContractPayment | DirectCost,
    ) -> None:
        """:meth:`_claim_origin` for a record of a project (origin ids are unique per company)."""
        if record.origin_id is not None:
            company_id = self.project(record.project_id).company_id
            self._claim_origin(company_id, kind, record.origin_id, record.id)

    def _move_origin(
        self, company_id: int, kind: str, old: str | None, new: str | None, record_id: int
    ) -> None:
        if old == new:
            return
        self._claim_origin(company_id, kind, new, record_id)
        if old is not None:
            self._origins.get((company_id, kind), {}).pop(old, None)

    def find_origin(self, company_id: int, kind: str, origin_id: str) -> int | None:
        """The id of the ``kind`` record in the company that owns ``origin_id``."""
        return self._origins.get((company_id, kind), {}).get(origin_id)

    # -- vendors ------------------------------------------------------------------------------

    def put_vendor(self, vendor: Vendor) -> None:
        """Insert a ready-made vendor (origin id indexed, no validation, no event)."""
        self._claim_origin(vendor.company_id, "vendor", vendor.origin_id, vendor.id)
        self.vendors[vendor.id] = vendor
        self.vendors_by_company.setdefault(vendor.company_id, {})[vendor.id] = vendor
        self.touch()

    def vendor(self, company_id: int, vendor_id: int) -> Vendor:
        """The company's vendor ``vendor_id``."""
        return _find(self.vendors_by_company, company_id, vendor_id, "Vendor")

    def _clean_vendor_fields(
        self, company_id: int, raw: Mapping[str, Any], vendor_id: int | None
    ) -> dict[str, Any]:
        clean, errors = _read(raw, VENDOR_FIELDS)
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
            parent = self.vendors_by_company.get(company_id, {}).get(parent_id)
            if parent is None:
                errors.setdefault("parent_id", []).append("must be a vendor of this company")
            elif parent_id == vendor_id:
                errors.setdefault("parent_id", []).append("can't be the vendor itself")
            elif parent.fields.get("parent_id") is not None:
                errors.setdefault("parent_id", []).append("can't be a child vendor")
        if errors:
            raise ValidationFailed(errors)
        return clean

    def create_vendor(
        self, company_id: int, fields: Mapping[str, Any], *, actor: str | None = None
    ) -> Vendor:
        """Validate and create a vendor; announces ``Company Vendors``/create."""
        self.company(company_id)
        clean = self._clean_vendor_fields(company_id, fields, None)
        if not str(clean.get("name") or "").strip():
            raise ValidationFailed({"name": ["can't be blank"]})
        clean.setdefault("is_active", True)
        vendor_id = self.next_id("vendor")
        self._claim_origin(company_id, "vendor", clean.get("origin_id"), vendor_id)
        now = self.clock.now()
        vendor = Vendor(vendor_id, company_id, now, now, clean)
        self.vendors[vendor_id] = vendor
        self.vendors_by_company.setdefault(company_id, {})[vendor_id] = vendor
        self.touch()
        self._emit("vendor", vendor_id, "create", company_id, None, actor)
        return vendor

    def update_vendor(
        self,
        company_id: int,
        vendor_id: int,
        fields: Mapping[str, Any],
        *,
        actor: str | None = None,
    ) -> Vendor:
        """Validate and apply a partial update; announces ``Company Vendors``/update."""
        vendor = self.vendor(company_id, vendor_id)
        clean = self._clean_vendor_fields(company_id, fields, vendor_id)
        if "origin_id" in clean:
            self._move_origin(company_id, "vendor", vendor.origin_id, clean["origin_id"], vendor_id)
        vendor.fields.update(clean)
        self._vendor_changed(vendor, actor)
        return vendor

    def _vendor_changed(self, vendor: Vendor, actor: str | None) -> None:
        vendor.updated_at = self.clock.now()
        self.touch()
        self._emit("vendor", vendor.id, "update", vendor.company_id, None, actor)

    def sync_vendors(
        self, company_id: int, updates: list[Any], *, actor: str | None = None
    ) -> tuple[list[Vendor], list[dict[str, Any]]]:
        """Upsert up to 1000 vendors matched by ``id`` then ``origin_id``; errors per item.

        Returns the vendors written and, for each failed item, the item itself with an
        ``errors`` mapping added (Procore answers 200 either way).
        """
        self.company(company_id)
        if len(updates) > SYNC_BATCH_LIMIT:
            raise TooLarge(f"A maximum of {SYNC_BATCH_LIMIT} updates can be synced at once")
        entities: list[Vendor] = []
        errors: list[dict[str, Any]] = []
        for item in updates:
            if not isinstance(item, dict):
                errors.append({"item": item, "errors": {"base": ["must be an object"]}})
                continue
            try:
                entities.append(self._sync_one_vendor(company_id, item, actor))
            except ValidationFailed as failure:
                errors.append({**item, "errors": failure.fields})
            except DuplicateOrigin:
                errors.append({**item, "errors": {"origin_id": ["has already been taken"]}})
            except RecordNotFound:
                errors.append({**item, "errors": {"id": ["not found"]}})
        return entities, errors

    def _sync_one_vendor(self, company_id: int, item: dict[str, Any], actor: str | None) -> Vendor:
        fields = {k: v for k, v in item.items() if k not in ("id", "business_register_attributes")}
        register = item.get("business_register_attributes")
        vendor_id = cast_integer(item.get("id"))
        if vendor_id is not None:
            if not isinstance(vendor_id, int) or isinstance(vendor_id, bool):
                raise ValidationFailed({"id": ["must be an integer"]})
            self.vendor(company_id, vendor_id)
        else:
            origin = _origin_field(item.get("origin_id"), "origin_id")
            if origin is None:
                raise ValidationFailed({"base": ["id or origin_id is required"]})
            vendor_id = self.find_origin(company_id, "vendor", origin)
        checked: tuple[str, str] | None = None
        if register is not None:
            if not isinstance(register, dict):
                raise ValidationFailed({"business_register_attributes": ["must be an object"]})
            checked = self._check_register(register.get("type"), register.get("identifier"))
        if vendor_id is None:
            vendor = self.create_vendor(company_id, fields, actor=actor)
        else:
            vendor = self.update_vendor(company_id, vendor_id, fields, actor=actor)
        if checked is not None:
            kind, identifier = checked
            if vendor.business_register is None:
                vendor.business_register = BusinessRegister(
                    self.next_id("business_register"), kind, identifier
                )
            else:
                self._apply_register(vendor.business_register, kind, identifier)
        return vendor

    @staticmethod
    def _check_register(kind: object, identifier: object) -> tuple[str, str]:
        errors: dict[str, list[str]] = {}
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

    @staticmethod
    def _apply_register(register: BusinessRegister, kind: str, identifier: str) -> None:
        if identifier != register.identifier:
            register.verification_status = None
            register.verified_at = None
        register.type = kind
        register.identifier = identifier

    def create_business_register(
        self,
        company_id: int,
        vendor_id: int,
        kind: object,
        identifier: object,
        *,
        actor: str | None = None,
    ) -> BusinessRegister:
        """Attach an ABN/EIN to a vendor; a second one is a conflict (409)."""
        vendor = self.vendor(company_id, vendor_id)
        if vendor.business_register is not None:
            raise AlreadyExists("A Business Register is already associated with the Vendor.")
        clean_kind, digits = self._check_register(kind, identifier)
        vendor.business_register = BusinessRegister(
            self.next_id("business_register"), clean_kind, digits
        )
        self._vendor_changed(vendor, actor)
        return vendor.business_register

    def update_business_register(
        self,
        company_id: int,
        vendor_id: int,
        kind: object,
        identifier: object,
        *,
        actor: str | None = None,
    ) -> BusinessRegister:
        """Change a vendor's ABN/EIN; a new identifier clears its verification."""
        vendor = self.vendor(company_id, vendor_id)
        register = vendor.business_register
        if register is None:
            raise RecordNotFound("BusinessRegister", vendor_id)
        clean_kind, digits = self._check_register(kind or register.type, identifier)
        self._apply_register(register, clean_kind, digits)
        self._vendor_changed(vendor, actor)
        return register

    # -- cost codes and line item types ------------------------------------------------------

    def put_line_item_type(self, item: LineItemType) -> None:
        """Insert a ready-made line item type."""
        self._claim_origin(item.company_id, "line_item_type", item.origin_id, item.id)
        self.line_item_types[item.id] = item
        self.line_item_types_by_company.setdefault(item.company_id, {})[item.id] = item
        self.touch()

    def line_item_type(self, company_id: int, type_id: int) -> LineItemType:
        """The company's line item type ``type_id``."""
        return _find(self.line_item_types_by_company, company_id, type_id, "LineItemType")

    def add_line_item_type(
        self,
        company_id: int,
        name: str,
        code: str,
        base_type: str = "other",
        *,
        origin_id: str | None = None,
    ) -> LineItemType:
        """Create a company line item type (cost type)."""
        self.company(company_id)
        if base_type not in BASE_TYPES:
            raise ValidationFailed({"base_type": ["is not included in the list"]})
        now = self.clock.now()
        item = LineItemType(
            self.next_id("line_item_type"), company_id, name, code, base_type, now, now, origin_id
        )
        self.put_line_item_type(item)
        return item

    def put_cost_code(self, code: CostCode) -> None:
        """Insert a ready-made cost code, deriving ``full_code`` from its parent."""
        if code.parent_id is not None:
            parent = self.cost_codes.get(code.parent_id)
            if parent is not None and not code.full_code:
                code.full_code = f"{parent.full_code}-{code.code}"
        if not code.full_code:
            code.full_code = code.code
        self._claim_project_origin("cost_code", code)
        self.cost_codes[code.id] = code
        self.cost_codes_by_project.setdefault(code.project_id, {})[code.id] = code
        self.touch()

    def cost_code(self, project_id: int, code_id: int) -> CostCode:
        """The project's cost code ``code_id``."""
        return _find(self.cost_codes_by_project, project_id, code_id, "CostCode")

    def add_cost_code(
        self,
        project_id: int,
        code: str,
        name: str,
        *,
        parent_id: int | None = None,
        origin_id: str | None = None,
    ) -> CostCode:
        """Create a project cost code."""
        self.project(project_id)
        if parent_id is not None and parent_id not in self.cost_codes_by_project.get(
            project_id, {}
        ):
            raise ValidationFailed({"parent_id": ["must be a cost code of this project"]})
        now = self.clock.now()
        position = len(self.cost_codes_by_project[project_id]) + 1
        item = CostCode(
            self.next_id("cost_code"), project_id, code, name, position, now, now, parent_id
        )
        item.origin_id = origin_id
        self.put_cost_code(item)
        return item

    def create_cost_code(self, project_id: int, fields: Mapping[str, Any]) -> CostCode:
        """``POST /cost_codes``: ``code`` and ``name`` required, origin ids unique per company."""
        parsed, errors = _read(fields, _COST_CODE_FIELDS)
        for required in ("code", "name"):
            if not parsed.get(required):
                errors.setdefault(required, []).append("can't be blank")
        if errors:
            raise ValidationFailed(errors)
        item = self.add_cost_code(
            project_id,
            parsed["code"],
            parsed["name"],
            parent_id=parsed.get("parent_id"),
            origin_id=parsed.get("origin_id"),
        )
        item.origin_data = parsed.get("origin_data")
        return item

    def update_cost_code(
        self, project_id: int, code_id: int, fields: Mapping[str, Any]
    ) -> CostCode:
        """``PATCH /cost_codes/{id}``: name, code (its ``full_code`` follows), origin fields."""
        item = self.cost_code(project_id, code_id)
        parsed, errors = _read(fields, _COST_CODE_FIELDS)
        for required in ("code", "name"):
            if required in parsed and not parsed[required]:
                errors.setdefault(required, []).append("can't be blank")
        if "parent_id" in parsed:
            errors.setdefault("parent_id", []).append("cannot be changed")
        if errors:
            raise ValidationFailed(errors)
        company_id = self.project(project_id).company_id
        if "origin_id" in parsed:
            self._move_origin(company_id, "cost_code", item.origin_id, parsed["origin_id"], item.id)
        for key, value in parsed.items():
            setattr(item, key, value)
        if "code" in parsed:
            parent = None if item.parent_id is None else self.cost_codes.get(item.parent_id)
            item.full_code = item.code if parent is None else f"{parent.full_code}-{item.code}"
        item.updated_at = self.clock.now()
        self.touch()
        return item

    # -- commitments, requisitions, payments -------------------------------------------------

    def put_commitment(self, commitment: Commitment) -> None:
        """Insert a ready-made work order or purchase order contract."""
        self._claim_project_origin("commitment", commitment)
        self.commitments[commitment.id] = commitment
        self.commitments_by_project.setdefault(commitment.project_id, {})[commitment.id] = (
            commitment
        )
        self.requisitions_by_commitment.setdefault(commitment.id, [])
        self.payments_by_commitment.setdefault(commitment.id, {})
        self.touch()

    def add_commitment(
        self,
        project_id: int,
        *,
        kind: str = "WorkOrderContract",
        vendor_id: int | None = None,
        title: str = "Subcontract",
        status: str = "Approved",
        amounts: Iterable[Decimal | int | str] = (),
        origin_id: str | None = None,
    ) -> Commitment:
        """Create a commitment with one line item per amount."""
        project = self.project(project_id)
        statuses = WO_STATUSES if kind == "WorkOrderContract" else PO_STATUSES
        if kind not in ("WorkOrderContract", "PurchaseOrderContract"):
            raise ValidationFailed({"type": ["is not included in the list"]})
        if status not in statuses:
            raise ValidationFailed({"status": ["is not included in the list"]})
        if vendor_id is not None:
            self.vendor(project.company_id, vendor_id)
        now = self.clock.now()
        commitment_id = self.next_id("commitment")
        number = len(self.commitments_by_project[project_id]) + 1
        commitment = Commitment(
            commitment_id,
            project_id,
            kind,
            f"{'SC' if kind == 'WorkOrderContract' else 'PO'}-{number:03d}",
            title,
            status,
            vendor_id,
            now,
            now,
            executed=status in ("Approved", "Complete"),
            origin_id=origin_id,
        )
        commitment.line_items = [
            ContractLineItem(
                id=self.next_id("contract_line_item"),
                commitment_id=commitment_id,
                position=position,
                description=f"Line {position}",
                amount=_parse_money(amount, "amount"),
                created_at=now,
                updated_at=now,
            )
            for position, amount in enumerate(amounts, start=1)
        ]
        self.put_commitment(commitment)
        return commitment

    def commitment(
        self, project_id: int, commitment_id: int, kind: str | None = None
    ) -> Commitment:
        """The project's commitment (of ``kind`` when given)."""
        commitment = self.commitments_by_project.get(project_id, {}).get(commitment_id)
        if commitment is None or (kind is not None and commitment.kind != kind):
            raise RecordNotFound(kind or "Commitment", commitment_id)
        return commitment

    def put_requisition(self, requisition: Requisition) -> None:
        """Insert a ready-made requisition (subcontractor invoice)."""
        self._claim_project_origin("requisition", requisition)
        self.requisitions[requisition.id] = requisition
        self.requisitions_by_project.setdefault(requisition.project_id, {})[requisition.id] = (
            requisition
        )
        self.requisitions_by_commitment.setdefault(requisition.commitment_id, []).append(
            requisition
        )
        self.touch()

    def add_requisition(
        self,
        project_id: int,
        commitment_id: int,
        *,
        status: str = "draft",
        total_claimed: Decimal | int | str = 0,
        retainage_released: Decimal | int | str = 0,
        invoice_number: str | None = None,
        origin_id: str | None = None,
    ) -> Requisition:
        """Create the next requisition on a commitment (``retainage_released``: retainage
        held on earlier invoices that this one pays out)."""
        self.commitment(project_id, commitment_id)
        if status not in REQUISITION_STATUSES:
            raise ValidationFailed({"status": ["is not included in the list"]})
        previous = self.requisitions_by_commitment.get(commitment_id) or []
        now = self.clock.now()
        requisition = Requisition(
            self.next_id("requisition"),
            project_id,
            commitment_id,
            len(previous) + 1,
            status,
            now,
            now,
            invoice_number=invoice_number,
            total_claimed=_parse_money(total_claimed, "total_claimed"),
            retainage_released=_parse_money(retainage_released, "retainage_released"),
            previous_requisition_id=previous[-1].id if previous else None,
            origin_id=origin_id,
        )
        self.put_requisition(requisition)
        return requisition

    def requisition(self, project_id: int, requisition_id: int) -> Requisition:
        """The project's requisition ``requisition_id``."""
        return _find(self.requisitions_by_project, project_id, requisition_id, "Requisition")

    def update_requisition(
        self,
        project_id: int,
        requisition_id: int,
        changes: Mapping[str, Any],
        *,
        attachments: object = None,
        actor: str | None = None,
    ) -> Requisition:
        """Apply a PATCH; once ``origin_id`` is set only origin fields may change (ERP lock).
        Uploads are kept either way (they travel beside the object; a guess for invoices)."""
        requisition = self.requisition(project_id, requisition_id)
        company_id = self.project(project_id).company_id
        writable = [key for key in changes if key in _REQUISITION_FIELDS]
        _check_unlocked(requisition.origin_id, writable, "Subcontractor Invoice")
        parsed, errors = _read(changes, _REQUISITION_FIELDS)
        if errors:
            raise ValidationFailed(errors)
        uploads = _uploads(attachments)
        if "origin_id" in parsed:
            self._move_origin(
                company_id,
                "requisition",
                requisition.origin_id,
                parsed["origin_id"],
                requisition.id,
            )
        for key, value in parsed.items():
            setattr(requisition, key, value)
        self.attach(requisition.attachments, uploads)
        requisition.updated_at = self.clock.now()
        self.touch()
        self._emit("requisition", requisition.id, "update", company_id, project_id, actor)
        return requisition

    def put_payment(self, payment: ContractPayment) -> None:
        """Insert a ready-made contract payment (its origin id indexed)."""
        self._claim_project_origin("contract_payment", payment)
        self.payments[payment.id] = payment
        self.payments_by_commitment.setdefault(payment.commitment_id, {})[payment.id] = payment
        self.touch()

    def add_payment(
        self,
        project_id: int,
        commitment_id: int,
        amount: Decimal | int | str,
        *,
        paid_on: date | None = None,
        requisition_id: int | None = None,
    ) -> ContractPayment:
        """Record a payment issued on a commitment."""
        self.commitment(project_id, commitment_id)
        now = self.clock.now()
        existing = self.payments_by_commitment.get(commitment_id, {})
        payment = ContractPayment(
            self.next_id("contract_payment"),
            project_id,
            commitment_id,
            paid_on or now.date(),
            _parse_money(amount, "amount"),
            now,
            now,
            requisition_id=requisition_id,
            payment_number=len(existing) + 1,
        )
        self.put_payment(payment)
        return payment

    def payment(self, project_id: int, commitment_id: int, payment_id: int) -> ContractPayment:
        """A payment of the commitment."""
        self.commitment(project_id, commitment_id)
        return _find(self.payments_by_commitment, commitment_id, payment_id, "ContractPayment")

    def update_payment(
        self,
        project_id: int,
        commitment_id: int,
        payment_id: int,
        changes: Mapping[str, Any],
        *,
        attachments: object = None,
        actor: str | None = None,
    ) -> ContractPayment:
        """Apply a PATCH; once ``origin_id`` is set only origin fields (and attachments, which
        travel beside the object) may change (ERP lock)."""
        payment = self.payment(project_id, commitment_id, payment_id)
        writable = [key for key in changes if key in _PAYMENT_FIELDS]
        _check_unlocked(payment.origin_id, writable, "Contract Payment")
        parsed, errors = _read(changes, _PAYMENT_FIELDS)
        if errors:
            raise ValidationFailed(errors)
        uploads = _uploads(attachments)
        company_id = self.project(project_id).company_id
        if "origin_id" in parsed:
            self._move_origin(
                company_id, "contract_payment", payment.origin_id, parsed["origin_id"], payment.id
            )
        for key, value in parsed.items():
            setattr(payment, key, value)
        self.attach(payment.attachments, uploads)
        payment.updated_at = self.clock.now()
        self.touch()
        self._emit("contract_payment", payment.id, "update", company_id, project_id, actor)
        return payment

    def commitment_totals(self, commitment: Commitment) -> tuple[Decimal, Decimal]:
        """(total payments, total requisitions claimed) on a commitment."""
        paid = sum(
            (p.amount for p in self.payments_by_commitment.get(commitment.id, {}).values()),
            Decimal("0.00"),
        )
        claimed = sum(
            (r.total_claimed for r in self.requisitions_by_commitment.get(commitment.id, [])),
            Decimal("0.00"),
        )
        return paid, claimed

    # -- direct costs -------------------------------------------------------------------------

    def put_direct_cost(self, cost: DirectCost) -> None:
        """Insert a ready-made direct cost."""
        self._claim_project_origin("direct_cost", cost)
        self.direct_costs[cost.id] = cost
        self.direct_costs_by_project.setdefault(cost.project_id, {})[cost.id] = cost
        self.touch()

    def direct_cost(self, project_id: int, cost_id: int) -> DirectCost:
        """The project's direct cost ``cost_id`` (deleted ones are gone)."""
        cost = self.direct_costs_by_project.get(project_id, {}).get(cost_id)
        if cost is None or cost.deleted_at is not None:
            raise RecordNotFound("DirectCost", cost_id)
        return cost

    def _direct_cost_header(
        self, company_id: int, body: Mapping[str, Any], *, creating: bool
    ) -> dict[str, Any]:
        parsed, errors = _read(body, _DIRECT_COST_FIELDS)
        if creating and "direct_cost_type" not in body:
            errors["direct_cost_type"] = ["is not included in the list"]
        vendor_id = cast_integer(body.get("vendor_id"))
        if vendor_id is None:
            if creating:
                errors["vendor_id"] = ["can't be blank"]
        elif type(vendor_id) is int and vendor_id in self.vendors_by_company.get(company_id, {}):
            parsed["vendor_id"] = vendor_id
        else:
            errors["vendor_id"] = ["must be a vendor of this company"]
        if errors:
            raise ValidationFailed(errors)
        return parsed

    def _direct_cost_lines(
        self,
        project_id: int,
        lines: object,
        cost_id: int,
        existing: Mapping[int, DirectCostLineItem] | None = None,
    ) -> list[tuple[DirectCostLineItem, bool]]:
        """Lines from a body, each flagged new; an item with a known ``id`` replaces that line."""
        if not isinstance(lines, list):
            raise ValidationFailed({"line_items": ["must be an array"]})
        known = existing or {}
        _check_line_count(len(known), lines)
        codes = self.cost_codes_by_project.get(project_id, {})
        company_id = self.project(project_id).company_id
        types = self.line_item_types_by_company.get(company_id, {})
        now = self.clock.now()
        position = max((line.position for line in known.values()), default=0)
        built: list[tuple[DirectCostLineItem, bool]] = []
        for offset, line in enumerate(lines):
            where = f"line_items[{offset}]"
            if not isinstance(line, dict):
                raise ValidationFailed({where: ["must be an object"]})
            old = known.get(cast_integer(line["id"])) if "id" in line else None
            if "id" in line and old is None:
                raise ValidationFailed({f"{where}.id": ["not found"]})
            spec = {**(_NEW_LINE if old is None else attrs.asdict(old, recurse=False)), **line}
            code_id = cast_integer(spec.get("wbs_code_id", spec["cost_code_id"]))
            if code_id not in codes:
                raise ValidationFailed(
                    {f"{where}.wbs_code_id": ["must be a cost code of this project"]}
                )
            type_id = cast_integer(spec["line_item_type_id"])
            if type_id is not None and type_id not in types:
                raise ValidationFailed({f"{where}.line_item_type_id": ["is invalid"]})
            quantity = _parse_money(spec["quantity"], f"{where}.quantity")
            unit_cost = _parse_money(spec["unit_cost"], f"{where}.unit_cost")
            if "amount" in line:
                amount = _parse_money(line["amount"], f"{where}.amount")
            elif old is not None and "quantity" not in line and "unit_cost" not in line:
                amount = old.amount
            else:
                amount = (quantity * unit_cost).quantize(Decimal("0.01"))
            if old is None:
                position += 1
            item = DirectCostLineItem(
                id=self.next_id("direct_cost_line_item") if old is None else old.id,
                direct_cost_id=cost_id,
                cost_code_id=int(code_id),
                line_item_type_id=type_id,
                description=str(spec["description"] or ""),
                amount=amount,
                quantity=quantity,
                unit_cost=unit_cost,
                uom=str(spec["uom"] or "ls"),
                position=position if old is None else old.position,
                created_at=now if old is None else old.created_at,
                updated_at=now,
                ref=spec["ref"],
                origin_id=_origin_field(spec["origin_id"], f"{where}.origin_id"),
                origin_data=spec["origin_data"],
            )
            built.append((item, old is None))
        return built

    def create_direct_cost(
        self,
        project_id: int,
        body: Mapping[str, Any],
        *,
        attachments: object = None,
        actor: str | None = None,
    ) -> DirectCost:
        """Validate and create a direct cost with its line items and uploads; announces the
        cost and each line."""
        project = self.project(project_id)
        parsed = self._direct_cost_header(project.company_id, body, creating=True)
        if parsed.get("direct_cost_type") == "invoice" and not parsed.get("invoice_number"):
            raise ValidationFailed({"invoice_number": ["can't be blank"]})
        uploads = _uploads(attachments)
        cost_id = self.next_id("direct_cost")
        lines = [
            line
            for line, _ in self._direct_cost_lines(project_id, body.get("line_items", []), cost_id)
        ]
        origin = parsed.pop("origin_id", None)
        self._claim_origin(project.company_id, "direct_cost", origin, cost_id)
        now = self.clock.now()
        cost = DirectCost(
            cost_id,
            project_id,
            parsed.pop("vendor_id"),
            parsed.pop("direct_cost_type"),
            parsed.pop("status", "draft"),
            now,
            now,
            origin_id=origin,
            line_items=lines,
        )
        for key, value in parsed.items():
            setattr(cost, key, value)
        self.attach(cost.attachments, uploads)
        self.direct_costs[cost_id] = cost
        self.direct_costs_by_project[project_id][cost_id] = cost
        self.touch()
        self._emit("direct_cost", cost_id, "create", project.company_id, project_id, actor)
        for line in lines:
            self._emit(
                "direct_cost_line_item",
                line.id,
                "create",
                project.company_id,
                project_id,
                actor,
                ((cost_id, RESOURCE_NAMES["direct_cost"]),),
            )
        return cost

    def update_direct_cost(
        self,
        project_id: int,
        cost_id: int,
        body: Mapping[str, Any],
        *,
        attachments: object = None,
        actor: str | None = None,
    ) -> DirectCost:
        """Apply a PATCH; a direct cost with an ``origin_id`` is immutable but for origin fields
        (uploads are kept either way: a guess, as for invoices)."""
        project = self.project(project_id)
        cost = self.direct_cost(project_id, cost_id)
        _check_unlocked(cost.origin_id, body, "Direct Cost")
        parsed = self._direct_cost_header(project.company_id, body, creating=False)
        uploads = _uploads(attachments)
        changed: list[tuple[DirectCostLineItem, bool]] = []
        if "line_items" in body:
            current = {line.id: line for line in cost.line_items}
            changed = self._direct_cost_lines(project_id, body["line_items"], cost_id, current)
        if "origin_id" in parsed:
            self._move_origin(
                project.company_id, "direct_cost", cost.origin_id, parsed["origin_id"], cost_id
            )
        for key, value in parsed.items():
            setattr(cost, key, value)
        replaced = {line.id: line for line, is_new in changed if not is_new}
        cost.line_items = [replaced.get(line.id, line) for line in cost.line_items]
        cost.line_items.extend(line for line, is_new in changed if is_new)
        self.attach(cost.attachments, uploads)
        cost.updated_at = self.clock.now()
        self.touch()
        self._emit("direct_cost", cost_id, "update", project.company_id, project_id, actor)
        for line, is_new in changed:
            self._emit(
                "direct_cost_line_item",
                line.id,
                "create" if is_new else "update",
                project.company_id,
                project_id,
                actor,
                ((cost_id, RESOURCE_NAMES["direct_cost"]),),
            )
        return cost

    def delete_direct_cost(
        self, project_id: int, cost_id: int, *, actor: str | None = None
    ) -> None:
        """Soft-delete a direct cost; ERP-synced ones refuse."""
        project = self.project(project_id)
        cost = self.direct_cost(project_id, cost_id)
        if cost.origin_id is not None:
            raise RecordLocked("This Direct Cost is synced with ERP and cannot be deleted.")
        cost.deleted_at = self.clock.now()
        cost.updated_at = cost.deleted_at
        self.touch()
        self._emit("direct_cost", cost_id, "delete", project.company_id, project_id, actor)

    def announce(
        self,
        kind: str,
        record_id: int,
        event_type: str,
        company_id: int,
        project_id: int | None = None,
    ) -> None:
        """Announce a change made behind the API's back (a user editing in Procore's UI).

        ``kind`` is a key of ``RESOURCE_NAMES`` or any webhook resource name ("RFIs").
        """
        self._emit(kind, record_id, event_type, company_id, project_id, None)

"""The simulator's records: plain mutable attrs classes that the state module owns.

Money is ``Decimal`` and time is a tz-aware ``datetime`` (dates are ``date``); rendering to
Procore's wire shapes happens in ``_render`` so the rules in ``_state`` never see JSON.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

__all__ = [
    "App",
    "BusinessRegister",
    "ChangeEvent",
    "Commitment",
    "Company",
    "ContractLineItem",
    "ContractPayment",
    "CostCode",
    "DirectCost",
    "DirectCostLineItem",
    "LineItemType",
    "Project",
    "Requisition",
    "StoredAttachment",
    "Token",
    "Vendor",
]

ZERO = Decimal("0.00")


@attrs.define(eq=False)
class App:
    """A registered app (client credentials) and the service-account user it acts as."""

    client_id: str
    client_secret: str = attrs.field(repr=False)
    user_id: int
    name: str
    environments: frozenset[str] | None = None


@attrs.define(eq=False)
class Token:
    """An issued access token, bound to the app and the environment that minted it."""

    value: str = attrs.field(repr=False)
    client_id: str
    environment: str
    created_at: int
    expires_in: int
    revoked: bool = False

    def expired(self, now: float) -> bool:
        """Whether the token's lifetime has run out at epoch ``now``."""
        return now >= self.created_at + self.expires_in


@attrs.define(eq=False)
class Company:
    """A Procore company and the apps installed in it."""

    id: int
    name: str
    installed_for: set[str] = attrs.field(factory=set)
    is_active: bool = True
    zone: str = "us01"


@attrs.define(eq=False)
class Project:
    """A project; ``permitted_for`` lists the apps whose DMSA may read it (None: every app)."""

    id: int
    company_id: int
    name: str
    project_number: str
    created_at: datetime
    updated_at: datetime
    active: bool = True
    permitted_for: set[str] | None = None
    city: str | None = None
    state_code: str | None = None
    country_code: str | None = "US"
    address: str | None = None
    zip: str | None = None
    start_date: date | None = None
    completion_date: date | None = None
    total_value: Decimal | None = None
    stage: str | None = "Course of Construction"
    accounting_project_number: str | None = None
    work_scope: str | None = None
    delivery_method: str | None = None
    origin_id: str | None = None
    origin_data: str | None = None
    origin_code: str | None = None


@attrs.define(eq=False)
class BusinessRegister:
    """A vendor's tax registration (ABN or EIN): Procore's only home for a tax ID."""

    id: int
    type: str
    identifier: str
    verified_at: datetime | None = None
    verification_status: str | None = None


@attrs.define(eq=False)
class Vendor:
    """A company vendor; its writable attributes live in ``fields`` under their wire names."""

    id: int
    company_id: int
    created_at: datetime
    updated_at: datetime
    fields: dict[str, Any]
    business_register: BusinessRegister | None = None

    @property
    def name(self) -> str:
        return str(self.fields.get("name") or "")

    @property
    def origin_id(self) -> str | None:
        value = self.fields.get("origin_id")
        return None if value is None else str(value)


@attrs.define(eq=False)
class StoredAttachment:
    """A file uploaded with a write (a multipart ``attachments[]`` part): its description only,
    the bytes are not kept."""

    id: int
    filename: str
    content_type: str
    size: int
    created_at: datetime


@attrs.define(eq=False)
class LineItemType:
    """A company-level cost type ("line item type")."""

    id: int
    company_id: int
    name: str
    code: str
    base_type: str
    created_at: datetime
    updated_at: datetime
    origin_id: str | None = None
    origin_data: str | None = None


@attrs.define(eq=False)
class CostCode:
    """A project cost code; ``code`` excludes the parent's prefix, ``full_code`` adds it."""

    id: int
    project_id: int
    code: str
    name: str
    position: int
    created_at: datetime
    updated_at: datetime
    parent_id: int | None = None
    full_code: str = ""
    origin_id: str | None = None
    origin_data: str | None = None


@attrs.define(eq=False, kw_only=True)
class _Line:
    """A priced line; a lump sum (quantity 1, unit cost = amount, ``ls``) unless told otherwise."""

    id: int
    position: int
    description: str
    amount: Decimal
    created_at: datetime
    updated_at: datetime
    cost_code_id: int | None = None
    line_item_type_id: int | None = None
    quantity: Decimal = Decimal("1")
    unit_cost: Decimal = attrs.field()
    uom: str = "ls"
    origin_id: str | None = None
    origin_data: str | None = None

    @unit_cost.default
    def _lump_sum(self) -> Decimal:
        return self.amount


@attrs.define(eq=False, kw_only=True)
class ContractLineItem(_Line):
    """One schedule-of-values line of a work order or purchase order contract."""

    commitment_id: int


@attrs.define(eq=False)
class Commitment:
    """A work order contract (subcontract) or purchase order contract."""

    id: int
    project_id: int
    kind: str
    number: str
    title: str
    status: str
    vendor_id: int | None
    created_at: datetime
    updated_at: datetime
    executed: bool = False
    description: str = ""
    retainage_percent: Decimal = Decimal("10.00")
    accounting_method: str = "amount"
    contract_date: date | None = None
    private: bool = False
    deleted_at: datetime | None = None
    origin_id: str | None = None
    origin_data: str | None = None
    origin_code: str | None = None
    line_items: list[ContractLineItem] = attrs.field(factory=list)
    execution_date: date | None = None
    assignee_id: int | None = None
    payment_terms: str | None = None
    ship_to_address: str | None = None
    bill_to_address: str | None = None
    ship_via: str | None = None
    delivery_date: date | None = None
    contract_start_date: date | None = None
    contract_estimated_completion_date: date | None = None
    actual_completion_date: date | None = None
    inclusions: str | None = None
    exclusions: str | None = None

    @property
    def grand_total(self) -> Decimal:
        return sum((item.amount for item in self.line_items), ZERO)


@attrs.define(eq=False)
class Requisition:
    """A subcontractor invoice (the API keeps the name "requisition") against a commitment."""

    id: int
    project_id: int
    commitment_id: int
    number: int
    status: str
    created_at: datetime
    updated_at: datetime
    period_id: int | None = None
    billing_date: date | None = None
    payment_date: date | None = None
    requisition_start: date | None = None
    requisition_end: date | None = None
    submitted_at: date | None = None
    invoice_number: str | None = None
    final: bool = False
    comment: str | None = None
    erp_status: str = "not_ready"
    total_claimed: Decimal = ZERO
    retainage_released: Decimal = ZERO
    previous_requisition_id: int | None = None
    origin_id: str | None = None
    origin_data: str | None = None
    attachments: list[StoredAttachment] = attrs.field(factory=list)


@attrs.define(eq=False)
class ContractPayment:
    """A payment issued on a commitment."""

    id: int
    project_id: int
    commitment_id: int
    date: date
    amount: Decimal
    created_at: datetime
    updated_at: datetime
    requisition_id: int | None = None
    invoice_number: str | None = None
    check_number: str | None = None
    payment_number: int | None = None
    draw_request_number: int | None = None
    notes: str | None = None
    invoice_date: dt.date | None = None
    payment_method: str | None = None
    status: str = "paid"
    origin_id: str | None = None
    origin_data: str | None = None
    origin_code: str | None = None
    attachments: list[StoredAttachment] = attrs.field(factory=list)


@attrs.define(eq=False, kw_only=True)
class DirectCostLineItem(_Line):
    """One line of a direct cost."""

    direct_cost_id: int
    ref: str | None = None


@attrs.define(eq=False)
class DirectCost:
    """A direct cost (invoice, expense or payroll) with its line items."""

    id: int
    project_id: int
    vendor_id: int | None
    direct_cost_type: str
    status: str
    created_at: datetime
    updated_at: datetime
    invoice_number: str | None = None
    direct_cost_date: date | None = None
    description: str | None = None
    terms: str | None = None
    received_date: date | None = None
    payment_date: date | None = None
    employee_id: int | None = None
    deleted_at: datetime | None = None
    origin_id: str | None = None
    origin_data: str | None = None
    line_items: list[DirectCostLineItem] = attrs.field(factory=list)
    attachments: list[StoredAttachment] = attrs.field(factory=list)

    @property
    def grand_total(self) -> Decimal:
        return sum((item.amount for item in self.line_items), ZERO)


@attrs.frozen
class ChangeEvent:
    """A change in the simulator that webhooks may announce."""

    resource_name: str
    resource_id: int
    event_type: str
    company_id: int
    project_id: int | None
    at: datetime
    source_client_id: str | None = None
    related: tuple[tuple[int, str], ...] = ()

"""The simulator's records: plain attrs classes with Decimal amounts and no wire names.

Wire names live in ``_names.py``; the codec pairs the two. A field marked ``read_only`` is
computed by the business rules and ignored when a caller sends it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs

from qad_client.testing import _names as n

__all__ = [
    "ZERO",
    "Allocation",
    "AnalysisCode",
    "CostCentre",
    "Domain",
    "ExpenseLine",
    "GLAccount",
    "Item",
    "MatchingLine",
    "MfgSupplier",
    "OpenReceiver",
    "POLine",
    "Project",
    "PurchaseOrder",
    "Receipt",
    "ReceiptLine",
    "Record",
    "Row",
    "SharedRecord",
    "SubAccount",
    "Supplier",
    "SupplierInvoice",
    "SupplierPayment",
    "is_read_only",
]

ZERO = Decimal(0)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_READ_ONLY = "read_only"
_RO = {_READ_ONLY: True}  # field metadata: the rules compute it, callers cannot set it


def is_read_only(field: attrs.Attribute[Any]) -> bool:
    """Whether the rules own ``field`` (a caller's value for it is ignored)."""
    return bool(field.metadata.get(_READ_ONLY))


@attrs.define(kw_only=True, eq=False)
class Row:
    """A line inside a document; it has no identity or audit fields of its own."""


@attrs.define(kw_only=True, eq=False)
class Record:
    """A stored business object with an audit trail and an optimistic-lock version."""

    rowid: int = 0
    version: int = 0
    modified_at: datetime = _EPOCH
    modified_by: str = ""

    def key(self) -> tuple[str, ...]:
        """The natural key, used for the ``uri``."""
        raise NotImplementedError

    @property
    def concurrency_hash(self) -> str:
        """A token that changes on every write; stale tokens are refused on update."""
        return hashlib.sha1(f"{self.rowid}:{self.version}".encode()).hexdigest()[:16]


@attrs.define(kw_only=True, eq=False)
class Domain(Record):
    """An operational partition (sites, items, POs) and its financial entity and shared sets."""

    code: str
    entity: str
    description: str = ""
    supplier_set: str = ""
    account_set: str = ""
    sites: tuple[str, ...] = ()

    @property
    def context(self) -> str:
        """What the domain browse calls the domain code."""
        return self.code

    def key(self) -> tuple[str, ...]:
        return (self.code,)


@attrs.define(kw_only=True, eq=False)
class SharedRecord(Record):
    """A record of a shared set (supplier, GL account, analysis code), unique by code there."""

    shared_set: str = ""
    code: str = ""

    def key(self) -> tuple[str, ...]:
        return (self.shared_set, self.code)


@attrs.define(kw_only=True, eq=False)
class Supplier(SharedRecord):
    """A supplier (QAD Financials "Creditor"), kept in a supplier shared set."""

    name: str = ""
    address_name: str = ""
    business_relation: str = ""
    street1: str = ""
    street2: str = ""
    street3: str = ""
    city: str = ""
    zip: str = ""
    country: str = ""
    tax_id_federal: str = ""
    tax_id_state: str = ""
    currency: str = ""
    credit_terms: str = ""
    is_active: bool = True
    external_reference: str = ""


@attrs.define(kw_only=True, eq=False)
class MfgSupplier(Record):
    """A supplier's record in one domain: the site and daybook set it uses there [N1].

    QAD makes it when the supplier is created; it is read and changed, never created.
    """

    domain: str = ""
    code: str = ""
    site: str = ""
    daybook_set: str = ""

    def key(self) -> tuple[str, ...]:
        return (self.domain, self.code)


@attrs.define(kw_only=True, eq=False)
class Item(Record):
    """An item of one domain, with the purchase price and expense account lines default to."""

    domain: str = ""
    code: str = ""
    description1: str = ""
    description2: str = ""
    unit_of_measure: str = n.UNIT_OF_MEASURE["each"]
    item_type: str = ""
    status: str = n.ITEM_STATUS["active"]
    purchase_cost: Decimal = ZERO  # the current cost PO lines default to; not on the item's wire
    gl_account: str = ""

    @property
    def is_active(self) -> bool:
        """Items have no active flag: ``itemStatus`` says whether one can be bought."""
        return self.status.strip().upper() == n.ITEM_STATUS["active"]

    def key(self) -> tuple[str, ...]:
        return (self.domain, self.code)


@attrs.define(kw_only=True, eq=False)
class GLAccount(SharedRecord):
    """A GL account; ``analysis_type`` says which analysis codes a posting to it must carry."""

    description: str = ""
    gl_type: str = n.GL_TYPE["profit_loss"]
    analysis_type: str = n.ANALYSIS_TYPE["none"]
    allow_sub_account: bool = False
    is_active: bool = True


@attrs.define(kw_only=True, eq=False)
class AnalysisCode(SharedRecord):
    """A code postings are analysed by: cost centre, sub-account (division) or project."""

    description: str = ""
    is_active: bool = True


@attrs.define(kw_only=True, eq=False)
class CostCentre(AnalysisCode):
    """A cost centre."""


@attrs.define(kw_only=True, eq=False)
class SubAccount(AnalysisCode):
    """A sub-account (QAD Financials "Division")."""


@attrs.define(kw_only=True, eq=False)
class Project(AnalysisCode):
    """A project."""


@attrs.define(kw_only=True, eq=False)
class POLine(Record):
    """A purchase order line with what has been received and invoiced against it so far."""

    domain: str = ""
    po_number: str = ""
    line: int = 0
    site: str = ""
    item: str = ""
    description: str = ""
    quantity_ordered: Decimal = ZERO
    unit_of_measure: str = ""
    purchase_cost: Decimal = ZERO
    due_date: date | None = None
    gl_account: str = ""
    sub_account: str = ""
    cost_centre: str = ""
    project: str = ""
    quantity_received: Decimal = attrs.field(default=ZERO, metadata=_RO)
    quantity_invoiced: Decimal = attrs.field(default=ZERO, metadata=_RO)
    status: str = n.ORDER_STATUS["open"]

    def key(self) -> tuple[str, ...]:
        return (self.domain, self.po_number, str(self.line))


@attrs.define(kw_only=True, eq=False)
class PurchaseOrder(Record):
    """A purchase order header and its lines, keyed by line number."""

    domain: str = ""
    number: str = ""
    supplier: str = ""
    order_date: date | None = None
    due_date: date | None = None
    currency: str = ""
    exchange_rate: Decimal = Decimal(1)
    credit_terms: str = ""
    ship_to: str = ""
    status: str = n.ORDER_STATUS["open"]
    remarks: str = ""
    external_reference: str = ""
    lines: dict[int, POLine] = attrs.field(factory=dict)
    next_line: int = 1

    def key(self) -> tuple[str, ...]:
        return (self.domain, self.number)


@attrs.define(kw_only=True, eq=False)
class ReceiptLine(Row):
    """One PO line's quantity on a receiver."""

    po_line: int = 0
    item: str = ""
    quantity: Decimal = ZERO
    unit_of_measure: str = ""
    site: str = ""
    location: str = ""
    lot_serial: str = ""


@attrs.define(kw_only=True, eq=False)
class Receipt(Record):
    """A posted goods receipt (receiver) against one purchase order."""

    domain: str = ""
    receiver: str = ""
    po_number: str = ""
    supplier: str = ""
    receipt_date: date | None = None
    effective_date: date | None = None
    external_reference: str = ""
    lines: list[ReceiptLine] = attrs.field(factory=list)

    def key(self) -> tuple[str, ...]:
        return (self.domain, self.receiver)


@attrs.define(kw_only=True, eq=False)
class OpenReceiver(Record):
    """A receiver line waiting for invoices (QAD's pvo_mstr): what is left to match."""

    domain: str = ""
    receiver: str = ""
    po_number: str = ""
    po_line: int = 0
    supplier: str = ""
    item: str = ""
    receipt_date: date | None = None
    quantity_received: Decimal = ZERO
    quantity_matched: Decimal = ZERO
    unit_cost: Decimal = ZERO
    currency: str = ""
    is_finished: bool = False

    @property
    def open_quantity(self) -> Decimal:
        """What invoices may still match; nothing once the receiver line is finished."""
        return ZERO if self.is_finished else self.quantity_received - self.quantity_matched

    def key(self) -> tuple[str, ...]:
        return (self.domain, self.receiver, str(self.po_line))


@attrs.define(kw_only=True, eq=False)
class MatchingLine(Row):
    """An invoice line matched to one receiver line of a PO line."""

    po_number: str = ""
    po_line: int = 0
    receiver: str = ""
    quantity: Decimal = ZERO
    unit_price: Decimal = ZERO
    is_pvod_finished: bool = False


@attrs.define(kw_only=True, eq=False)
class ExpenseLine(Row):
    """An invoice line posted straight to a GL account (no PO)."""

    gl_account: str = ""
    sub_account: str = ""
    cost_centre: str = ""
    project: str = ""
    amount: Decimal = ZERO
    text: str = ""


@attrs.define(kw_only=True, eq=False)
class SupplierInvoice(Record):
    """A supplier invoice (QAD Financials "CInvoice") with its open balance."""

    id: int = 0
    domain: str = ""
    entity: str = ""
    supplier: str = ""
    reference: str = ""
    invoice_type: str = n.INVOICE_TYPE["invoice"]
    invoice_date: date | None = None
    posting_date: date | None = None
    due_date: date | None = None
    currency: str = ""
    total: Decimal = ZERO
    tax: Decimal = ZERO
    status: str = attrs.field(default=n.INVOICE_STATUS["initial"], metadata=_RO)
    is_open: bool = attrs.field(default=True, metadata=_RO)
    balance: Decimal = attrs.field(default=ZERO, metadata=_RO)
    external_reference: str = ""
    matching_lines: list[MatchingLine] = attrs.field(factory=list)
    expense_lines: list[ExpenseLine] = attrs.field(factory=list)

    def key(self) -> tuple[str, ...]:
        return (self.entity, str(self.id))


@attrs.define(kw_only=True, eq=False)
class Allocation(Row):
    """The part of a payment that settles one invoice."""

    invoice_id: int = 0
    invoice_reference: str = ""
    amount: Decimal = ZERO
    discount: Decimal = ZERO


@attrs.define(kw_only=True, eq=False)
class SupplierPayment(Record):
    """A posted supplier payment (QAD Financials "CDocument") and the invoices it settles."""

    domain: str = ""
    entity: str = ""
    number: str = ""
    supplier: str = ""
    payment_date: date | None = None
    bank_gl_account: str = ""
    currency: str = ""
    amount: Decimal = ZERO
    status: str = attrs.field(default=n.PAYMENT_STATUS["paid"], metadata=_RO)
    external_reference: str = ""
    allocations: list[Allocation] = attrs.field(factory=list)

    def key(self) -> tuple[str, ...]:
        return (self.domain, self.number)

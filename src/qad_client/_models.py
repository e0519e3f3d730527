"""Typed QAD records (what reads return) and inputs (what creates take).

Amounts and quantities are ``Decimal``, dates are ``date``, audit stamps are aware
``datetime``, and codes are strings (QAD codes such as ``"10-100"`` or ``"0010"`` are not
numbers). Status fields are open enums: a value QAD adds later is kept, not fatal.
Line fields take any iterable and keep a tuple: ``converter=tuple[Line, ...]``, which the
attrs mypy plugin types as ``Iterable[Line]`` (a generic converter function it cannot).
Wire names are not here; they live in ``_names.py``.
The read models are frozen *dict* classes (``slots=False``): a browse row becomes one by
filling its ``__dict__`` in one step, not by a frozen ``__init__``'s guarded ``setattr`` per
field (see ``docs/performance.md``); the inputs stay slotted.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Generic, Literal, TypeVar

import attrs

from mlconnector_http import FieldError, OpenStrEnum
from qad_client._names import ITEM_STATUS

__all__ = [
    "Allocation",
    "AnalysisType",
    "CostCentre",
    "Domain",
    "DomainSupplier",
    "ExpenseLine",
    "Filter",
    "FilterOp",
    "GLAccount",
    "GLType",
    "InvoiceStatus",
    "InvoiceType",
    "Item",
    "MatchingLine",
    "NewAllocation",
    "NewExpenseLine",
    "NewMatchingLine",
    "NewPurchaseOrder",
    "NewPurchaseOrderLine",
    "NewReceipt",
    "NewReceiptLine",
    "NewSupplier",
    "NewSupplierInvoice",
    "NewSupplierPayment",
    "OpenReceiver",
    "OrderStatus",
    "PathCheck",
    "PaymentStatus",
    "Project",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "Receipt",
    "ReceiptLine",
    "SubAccount",
    "Supplier",
    "SupplierInvoice",
    "SupplierPayment",
    "ValidationReport",
    "Workspace",
    "WriteResult",
]

T = TypeVar("T")
ZERO = Decimal(0)
CENT = Decimal("0.01")


# --- enums ------------------------------------------------------------------------------------


class OrderStatus(OpenStrEnum):
    """Status of a purchase order or PO line (``po_stat``)."""

    OPEN = "O"
    CLOSED = "C"
    CANCELLED = "X"


class GLType(OpenStrEnum):
    """Balance-sheet or profit-and-loss account."""

    BALANCE = "BALANCE"
    PROFIT_LOSS = "PL"


class AnalysisType(OpenStrEnum):
    """Which analysis codes a posting to a GL account must carry."""

    NONE = "None"
    COST_CENTRE = "CostCentre"
    PROJECT = "Project"
    BOTH = "Both"


class InvoiceType(OpenStrEnum):
    """Supplier invoice or credit note."""

    INVOICE = "INVOICE"
    CREDIT_NOTE = "CREDITNOTE"


class InvoiceStatus(OpenStrEnum):
    """Where a supplier invoice stands in matching and approval."""

    INITIAL = "INITIAL"
    MATCHED = "MATCHED"
    HOLD = "HOLD"
    FINAL = "FINAL"


class PaymentStatus(OpenStrEnum):
    """State of a supplier payment."""

    INITIAL = "INITIAL"
    PAID = "PAID"
    VOID = "VOID"


# --- context and results ------------------------------------------------------------------------


def _code(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value or any(c.isspace() for c in value):
        raise ValueError(f"{attribute.name} must be a non-empty code without spaces")
    if attribute.name == "domain" and "_" in value:
        raise ValueError("domain must not contain '_': it separates domain and entity")


@attrs.frozen
class Workspace:
    """The domain and entity every call runs in (``x-qad-workspace-id: {domain}_{entity}``)."""

    domain: str = attrs.field(validator=_code)
    entity: str = attrs.field(validator=_code)
    reference_fields: tuple[tuple[str, str], ...] = attrs.field(default=(), kw_only=True)
    """``(plural, free field)`` pairs: where this tenant keeps our reference, per document."""

    def reference_field(self, plural: str, default: str) -> str:
        """The free field that carries the external reference of ``plural`` here."""
        return dict(self.reference_fields).get(plural, default)

    @property
    def header(self) -> str:
        """The ``x-qad-workspace-id`` value."""
        return f"{self.domain}_{self.entity}"


@attrs.frozen
class WriteResult(Generic[T]):
    """A record QAD accepted, with the warnings and ``…Confs`` confirmations it attached.

    Neither is an error: a confirmation ("Price List will apply to all customers") comes
    beside a successful write and is surfaced here, never raised.
    """

    record: T
    warnings: tuple[FieldError, ...] = ()
    confirmations: tuple[str, ...] = ()


FilterOp = Literal["eq", "cn", "sw", "ew", "gt", "ge", "lt", "le", "rg"]


@attrs.frozen
class Filter:
    """One browse filter on a model attribute, e.g. ``Filter("supplier", "eq", "S100")``.

    ``rg`` (range) takes ``value`` as the lower and ``to`` as the upper bound. Filters are ANDed.
    """

    field: str
    op: FilterOp
    value: str
    to: str | None = None


@attrs.frozen
class PathCheck:
    """One path the client uses and how the tenant answered it."""

    resource: str
    method: str
    path: str
    status: int | None
    problem: str | None = None
    note: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the path answered as the client expects."""
        return self.problem is None


@attrs.frozen
class ValidationReport:
    """What ``client.validate()`` found: every path checked, and which ones are missing."""

    checks: tuple[PathCheck, ...]

    @property
    def ok(self) -> bool:
        """Whether every path answered."""
        return all(check.ok for check in self.checks)

    @property
    def problems(self) -> tuple[PathCheck, ...]:
        """The checks that failed, in the order they were made."""
        return tuple(check for check in self.checks if not check.ok)

    @property
    def missing(self) -> tuple[str, ...]:
        """``"<resource>: <method> <path>"`` for each path the tenant does not have (404)."""
        return tuple(
            f"{c.resource}: {c.method} {c.path}" for c in self.problems if c.status in (404, 405)
        )

    def __str__(self) -> str:
        if self.ok:
            return f"all {len(self.checks)} QAD paths answered"
        lines = [f"{len(self.problems)} of {len(self.checks)} QAD paths failed:"]
        lines += [f"  {c.resource}: {c.method} {c.path} -> {c.problem}" for c in self.problems]
        lines += [f"  {c.resource}: {c.method} {c.path}: {c.note}" for c in self.checks if c.note]
        return "\n".join(lines)


# --- master data ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=False)
class _Audited:
    """Identity and audit fields every stored QAD record carries."""

    uri: str = ""
    concurrency_hash: str = ""
    modified_at: dt.datetime | None = None
    modified_by: str = ""


@attrs.frozen(kw_only=True, slots=False)
class Domain:
    """An operational domain and its primary (financial) entity."""

    code: str
    entity: str
    description: str = ""


@attrs.frozen(kw_only=True, slots=False)
class Supplier(_Audited):
    """A supplier (QAD Financials "Creditor"), shared by the domains of its shared set."""

    code: str
    name: str = ""
    address_name: str = ""
    shared_set: str = ""
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


@attrs.frozen(kw_only=True, slots=False)
class DomainSupplier(_Audited):
    """A supplier's record in one domain (``mfgSuppliers``): its site and daybook set there."""

    code: str
    domain: str = ""
    site: str = ""
    daybook_set: str = ""


@attrs.frozen(kw_only=True, slots=False)
class Item(_Audited):
    """An item of one domain; its costs live per site and cost set, not on the item [N8]."""

    code: str
    domain: str = ""
    description: str = ""
    description2: str = ""
    unit_of_measure: str = ""
    item_type: str = ""
    status: str = ""
    gl_account: str = ""

    @property
    def is_active(self) -> bool:
        """Whether ``itemStatus`` is the active status (items have no ``isActive`` field)."""
        return self.status.strip().upper() == ITEM_STATUS["active"]


@attrs.frozen(kw_only=True, slots=False)
class GLAccount(_Audited):
    """A GL account; ``analysis_type`` says which analysis codes a posting must carry."""

    code: str
    shared_set: str = ""
    description: str = ""
    gl_type: GLType = GLType.PROFIT_LOSS
    analysis_type: AnalysisType = AnalysisType.NONE
    allow_sub_account: bool = False
    is_active: bool = True

    @property
    def requires_cost_centre(self) -> bool:
        """Whether postings to this account must name a cost centre."""
        return self.analysis_type in (AnalysisType.COST_CENTRE, AnalysisType.BOTH)

    @property
    def requires_project(self) -> bool:
        """Whether postings to this account must name a project."""
        return self.analysis_type in (AnalysisType.PROJECT, AnalysisType.BOTH)


@attrs.frozen(kw_only=True, slots=False)
class _AnalysisCode(_Audited):
    """A code postings are analysed by; the three kinds differ only in meaning."""

    code: str
    shared_set: str = ""
    description: str = ""
    is_active: bool = True


@attrs.frozen(kw_only=True, slots=False)
class CostCentre(_AnalysisCode):
    """A cost centre."""


@attrs.frozen(kw_only=True, slots=False)
class SubAccount(_AnalysisCode):
    """A sub-account (QAD Financials "Division")."""


@attrs.frozen(kw_only=True, slots=False)
class Project(_AnalysisCode):
    """A project."""


# --- purchasing -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=False)
class PurchaseOrderLine:
    """A PO line, with what has been received and invoiced against it so far."""

    line: int
    item: str = ""
    quantity_ordered: Decimal = ZERO
    purchase_cost: Decimal = ZERO
    domain: str = ""
    po_number: str = ""
    site: str = ""
    description: str = ""
    unit_of_measure: str = ""
    due_date: dt.date | None = None
    gl_account: str = ""
    sub_account: str = ""
    cost_centre: str = ""
    project: str = ""
    quantity_received: Decimal = ZERO
    quantity_invoiced: Decimal = ZERO
    status: OrderStatus = OrderStatus.OPEN


@attrs.frozen(kw_only=True, slots=False)
class PurchaseOrder(_Audited):
    """A purchase order; ``lines`` is empty in list results (browses carry headers only)."""

    number: str
    supplier: str = ""
    domain: str = ""
    order_date: dt.date | None = None
    due_date: dt.date | None = None
    currency: str = ""
    exchange_rate: Decimal | None = None
    credit_terms: str = ""
    ship_to: str = ""
    status: OrderStatus = OrderStatus.OPEN
    remarks: str = ""
    external_reference: str = ""
    lines: tuple[PurchaseOrderLine, ...] = attrs.field(
        default=(), converter=tuple[PurchaseOrderLine, ...]
    )


@attrs.frozen(kw_only=True, slots=False)
class ReceiptLine:
    """One PO line's quantity on a receiver."""

    po_line: int
    quantity: Decimal
    item: str = ""
    unit_of_measure: str = ""
    site: str = ""
    location: str = ""
    lot_serial: str = ""


@attrs.frozen(kw_only=True, slots=False)
class Receipt(_Audited):
    """A posted goods receipt (receiver) against one purchase order."""

    receiver: str
    po_number: str = ""
    supplier: str = ""
    domain: str = ""
    receipt_date: dt.date | None = None
    effective_date: dt.date | None = None
    external_reference: str = ""
    lines: tuple[ReceiptLine, ...] = attrs.field(default=(), converter=tuple[ReceiptLine, ...])


@attrs.frozen(kw_only=True, slots=False)
class OpenReceiver(_Audited):
    """A receiver line received but not yet (fully) invoiced: what invoices may still match."""

    receiver: str
    po_number: str
    po_line: int
    open_quantity: Decimal
    supplier: str = ""
    domain: str = ""
    item: str = ""
    receipt_date: dt.date | None = None
    quantity_received: Decimal = ZERO
    quantity_matched: Decimal = ZERO
    unit_cost: Decimal = ZERO
    currency: str = ""
    is_finished: bool = False


# --- payables ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=False)
class MatchingLine:
    """An invoice line matched against one receiver line of a PO line (three-way match)."""

    po_number: str
    po_line: int
    receiver: str
    quantity: Decimal
    unit_price: Decimal
    is_pvod_finished: bool = False


@attrs.frozen(kw_only=True, slots=False)
class ExpenseLine:
    """An invoice line posted straight to a GL account, with its analysis codes."""

    gl_account: str
    amount: Decimal
    sub_account: str = ""
    cost_centre: str = ""
    project: str = ""
    text: str = ""


@attrs.frozen(kw_only=True, slots=False)
class SupplierInvoice(_Audited):
    """A supplier invoice (QAD Financials "CInvoice") and its open balance."""

    id: int
    supplier: str
    reference: str
    total: Decimal
    domain: str = ""
    entity: str = ""
    invoice_type: InvoiceType = InvoiceType.INVOICE
    invoice_date: dt.date | None = None
    posting_date: dt.date | None = None
    due_date: dt.date | None = None
    currency: str = ""
    tax: Decimal = ZERO
    status: InvoiceStatus = InvoiceStatus.INITIAL
    is_open: bool = True
    balance: Decimal = ZERO
    external_reference: str = ""
    matching_lines: tuple[MatchingLine, ...] = attrs.field(
        default=(), converter=tuple[MatchingLine, ...]
    )
    expense_lines: tuple[ExpenseLine, ...] = attrs.field(
        default=(), converter=tuple[ExpenseLine, ...]
    )


@attrs.frozen(kw_only=True, slots=False)
class Allocation:
    """The part of a payment that settles one invoice."""

    amount: Decimal
    invoice_id: int | None = None
    invoice_reference: str = ""
    discount: Decimal = ZERO


@attrs.frozen(kw_only=True, slots=False)
class SupplierPayment(_Audited):
    """A supplier payment (QAD Financials "CDocument") and the invoices it settles."""

    number: str
    supplier: str
    amount: Decimal
    domain: str = ""
    entity: str = ""
    payment_date: dt.date | None = None
    bank_gl_account: str = ""
    currency: str = ""
    status: PaymentStatus = PaymentStatus.PAID
    external_reference: str = ""
    allocations: tuple[Allocation, ...] = attrs.field(default=(), converter=tuple[Allocation, ...])


# --- inputs -----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class NewSupplier:
    """A supplier to create; ``name`` is its business relation's name, ``address_name`` its
    address's (the name when not given). ``site`` and ``daybook_set`` are set on the
    supplier's record in the client's domain (``mfgSuppliers``), a second call [N1]."""

    code: str
    name: str
    currency: str
    credit_terms: str = ""
    address_name: str | None = None
    site: str | None = None
    daybook_set: str | None = None
    business_relation: str = ""
    street1: str = ""
    street2: str = ""
    street3: str = ""
    city: str = ""
    zip: str = ""
    country: str = ""
    tax_id_federal: str = ""
    tax_id_state: str = ""
    is_active: bool = True
    external_reference: str | None = None


@attrs.frozen(kw_only=True)
class NewPurchaseOrderLine:
    """A PO line to create; unset account fields default from the item in QAD.

    ``line`` is the line number to give it; ``None`` lets QAD number it (the PO's next).
    """

    item: str
    quantity_ordered: Decimal
    purchase_cost: Decimal
    line: int | None = None
    site: str | None = None
    description: str | None = None
    unit_of_measure: str | None = None
    due_date: dt.date | None = None
    gl_account: str | None = None
    sub_account: str | None = None
    cost_centre: str | None = None
    project: str | None = None


@attrs.frozen(kw_only=True)
class NewPurchaseOrder:
    """A PO header and its lines, created in one call; ``number=None`` lets QAD number it.

    ``status=None`` creates the PO open; a PO can also be created closed or cancelled.
    """

    supplier: str
    order_date: dt.date
    lines: tuple[NewPurchaseOrderLine, ...] = attrs.field(
        converter=tuple[NewPurchaseOrderLine, ...]
    )
    number: str | None = None
    status: OrderStatus | None = None
    due_date: dt.date | None = None
    currency: str | None = None
    exchange_rate: Decimal | None = None
    credit_terms: str | None = None
    ship_to: str | None = None
    remarks: str | None = None
    external_reference: str | None = None


@attrs.frozen(kw_only=True)
class NewReceiptLine:
    """The quantity received on one PO line."""

    po_line: int
    quantity: Decimal
    site: str | None = None
    location: str | None = None
    lot_serial: str | None = None


@attrs.frozen(kw_only=True)
class NewReceipt:
    """A goods receipt against one PO; ``receiver=None`` lets QAD number it."""

    po_number: str
    receipt_date: dt.date
    lines: tuple[NewReceiptLine, ...] = attrs.field(converter=tuple[NewReceiptLine, ...])
    effective_date: dt.date | None = None
    receiver: str | None = None
    external_reference: str | None = None


@attrs.frozen(kw_only=True)
class NewMatchingLine:
    """Match an invoice quantity and price against a receiver line."""

    po_number: str
    po_line: int
    receiver: str
    quantity: Decimal
    unit_price: Decimal
    is_pvod_finished: bool = False


@attrs.frozen(kw_only=True)
class NewExpenseLine:
    """A non-PO invoice line coded to a GL account and its analysis codes."""

    gl_account: str
    amount: Decimal
    sub_account: str | None = None
    cost_centre: str | None = None
    project: str | None = None
    text: str | None = None


@attrs.frozen(kw_only=True)
class NewSupplierInvoice:
    """A supplier invoice to register; ``total=None`` sends the sum of the lines plus tax."""

    supplier: str
    reference: str
    invoice_date: dt.date
    currency: str
    matching_lines: tuple[NewMatchingLine, ...] = attrs.field(
        default=(), converter=tuple[NewMatchingLine, ...]
    )
    expense_lines: tuple[NewExpenseLine, ...] = attrs.field(
        default=(), converter=tuple[NewExpenseLine, ...]
    )
    total: Decimal | None = None
    tax: Decimal = ZERO
    invoice_type: InvoiceType = InvoiceType.INVOICE
    posting_date: dt.date | None = None
    due_date: dt.date | None = None
    external_reference: str | None = None

    @property
    def lines_total(self) -> Decimal:
        """Sum of matched quantity x price (each rounded to the cent, as QAD books a line)
        and expense amounts, plus tax."""
        matched = sum(
            (
                (m.quantity * m.unit_price).quantize(CENT, ROUND_HALF_UP)
                for m in self.matching_lines
            ),
            ZERO,
        )
        expensed = sum((e.amount for e in self.expense_lines), ZERO)
        return matched + expensed + self.tax


@attrs.frozen(kw_only=True)
class NewAllocation:
    """The part of a new payment that settles one invoice (by id or by reference)."""

    amount: Decimal
    invoice_id: int | None = None
    invoice_reference: str | None = None
    discount: Decimal | None = None


@attrs.frozen(kw_only=True)
class NewSupplierPayment:
    """A supplier payment to post; ``number=None`` lets QAD number it."""

    supplier: str
    payment_date: dt.date
    bank_gl_account: str
    currency: str
    amount: Decimal
    allocations: tuple[NewAllocation, ...] = attrs.field(
        default=(), converter=tuple[NewAllocation, ...]
    )
    number: str | None = None
    external_reference: str | None = None

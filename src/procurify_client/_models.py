"""Procurify records as frozen attrs models: Decimal money, aware datetimes, open enums.

Field names are snake_case; where Procurify's wire name differs (``addressLineOne``,
``procurify_PO``, ``order_items``) the field carries it as ``metadata["wire"]`` and the
package converter renames on the way in and out. Every field the API may omit has a default,
so a record that lacks an optional field still loads; unknown keys are ignored.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import attrs

from mlconnector_http import OpenIntEnum, OpenStrEnum
from procurify_client._exceptions import ProcurifyConfigurationError

__all__ = [
    "Account",
    "AccountCode",
    "AccountCodeInput",
    "AccountType",
    "Bill",
    "BillCost",
    "BillLine",
    "BillStatus",
    "BillType",
    "Branch",
    "Currency",
    "CurrentUser",
    "Department",
    "FulfilmentStatus",
    "OrderItemStatus",
    "OrderItemType",
    "Payment",
    "PaymentStatus",
    "PriceModifier",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseOrderRef",
    "PurchaseOrderRole",
    "PurchaseOrderState",
    "PurchaseOrderTab",
    "ReceiptItem",
    "UserSummary",
    "Vendor",
    "VendorInput",
    "VendorType",
]


# -- enums ---------------------------------------------------------------------------------


class PurchaseOrderState(OpenIntEnum):
    """PO ``state``; 2 is a legacy value still found on old POs."""

    PURCHASED = 0
    CANCELLED = 1
    LEGACY = 2
    CLOSED = 3
    PAID = 4
    REOPENED = 5


class FulfilmentStatus(OpenStrEnum):
    """How much of a PO has been received."""

    EMPTY = "empty"
    PARTIAL = "partial"
    FULL = "full"


class PurchaseOrderRole(enum.StrEnum):
    """First path segment of the PO list: every purchased PO, or those still to receive."""

    PURCHASED = "purchased"
    RECEIVABLE = "receivable"


class PurchaseOrderTab(enum.StrEnum):
    """Second path segment of the PO list (the UI tab a PO shows under)."""

    ALL = "all"
    OPEN = "open"
    PARTIAL = "partial"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    PAID = "paid"


class OrderItemStatus(OpenIntEnum):
    """Status of a PO line (order item)."""

    PURCHASE_PENDING = 0
    PURCHASE_IN_USE = 1
    RECEIVE_PENDING = 2
    RECEIVED = 3
    REJECTED_FOR_PURCHASE = 4
    RECEIVE_PARTIAL = 5
    FULFILLED = 6
    APPROVAL_DENIED = 7
    REQUEST_DRAFT = 8


class OrderItemType(OpenIntEnum):
    """Kind of PO line."""

    ONE_TIME = 0
    RECURRING = 1
    BLANKET = 2


class BillStatus(OpenIntEnum):
    """AP bill status."""

    DRAFT = 0
    CONFIRMED = 1
    APPROVED = 2
    DENIED = 3
    PAID = 4
    WITHDRAWN = 5
    PAYMENT_CONFIRMED = 6
    PAYMENT_APPROVED = 7
    PAYMENT_LIMBO = 8


class BillType(OpenIntEnum):
    """What an AP bill pays for."""

    ORDER = 0
    EXPENSE = 1
    CREDIT_CARD = 2


class PaymentStatus(OpenStrEnum):
    """Payment status of the public v1 API (strings there, unlike the v2 integers)."""

    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    DENIED = "denied"
    PAID = "paid"
    PROCESSING = "processing"
    FAILED = "failed"
    SCHEDULED = "scheduled"


class VendorType(OpenIntEnum):
    """Vendor type: 3 (preferred) is Procurify's default for new vendors."""

    OTHER = 1
    HIDDEN = 2
    PREFERRED = 3
    REGULAR = 4
    EMPLOYEE = 5
    CC_PROVIDER = 6
    CHECKOUT = 7


class AccountType(OpenIntEnum):
    """Account code type."""

    ASSETS = 0
    LIABILITY = 1
    EXPENSE = 2
    INCOME = 3
    EQUITY = 4
    OTHER = 5


# -- shared pieces -------------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=False)
class Currency:
    """A currency as records embed it; ``rate`` converts to the tenant's base currency."""

    id: int | None = None
    name: str | None = None
    rate: Decimal | None = None
    base: bool | None = None


@attrs.frozen(kw_only=True, slots=False)
class UserSummary:
    """A user as records embed them (purchaser, requester, creator)."""

    id: int | None = None
    user: int | None = None
    first_name: str | None = attrs.field(default=None, metadata={"wire": "firstName"})
    last_name: str | None = attrs.field(default=None, metadata={"wire": "lastName"})
    email: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class CurrentUser:
    """The user the API credentials belong to (``/api/v3/users/me/``)."""

    id: int
    user: int | None = None
    email: str | None = None
    first_name: str | None = attrs.field(default=None, metadata={"wire": "firstName"})
    last_name: str | None = attrs.field(default=None, metadata={"wire": "lastName"})
    position: str | None = None
    is_active: bool | None = None


@attrs.frozen(kw_only=True, slots=False)
class Branch:
    """A location ("branch") as a department embeds it (``BranchSummary``)."""

    id: int | None = None
    name: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class Department:
    """A department as records embed it (``DepartmentSummary``).

    Names repeat across branches in many tenants ("Operations" at each site): ``id`` is the
    key that tells them apart; ``external_id`` is the integration's own, when set.
    """

    id: int
    name: str
    external_id: str | None = None
    active: bool | None = None
    branch: Branch | None = None


@attrs.frozen(kw_only=True, slots=False)
class Account:
    """A budget account (``AccountRead``): one account code in one department.

    A PO line is charged to one; only what identifies it is read (not the budget figures).
    """

    id: int | None = None
    account_code: AccountCode | None = None
    department: Department | None = None
    active: bool | None = None


@attrs.frozen(kw_only=True, slots=False)
class PriceModifier:
    """A PO-level tax or discount: an amount, or a percentage of the subtotal."""

    value: Decimal
    type: str | None = None


# -- vendors and account codes -------------------------------------------------------------


_SCORE_LIMIT = Decimal(100)


def _check_score(
    instance: object, attribute: attrs.Attribute[Decimal | None], value: object
) -> None:
    """``overall_score`` as the spec's pattern allows it: under 100, at most 3 decimals."""
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value < _SCORE_LIMIT:
        fits = False
    else:
        exponent = value.as_tuple().exponent
        fits = isinstance(exponent, int) and exponent >= -3
    if not fits:
        raise ProcurifyConfigurationError(
            f"VendorInput.{attribute.name} must be a Decimal from 0 to 99.999 with at most "
            f"3 decimals (Procurify's pattern), not {value!r}"
        )


@attrs.frozen(kw_only=True, slots=False)
class _VendorFields:
    """The writable vendor fields that read and write alike (``Vendor``, ``VendorInput``)."""

    active: bool | None = None
    external_id: str | None = None
    contact: str | None = None
    address_line_one: str | None = attrs.field(default=None, metadata={"wire": "addressLineOne"})
    address_line_two: str | None = attrs.field(default=None, metadata={"wire": "addressLineTwo"})
    postal_code: str | None = attrs.field(default=None, metadata={"wire": "postalCode"})
    city: str | None = None
    state_province: str | None = None
    country: str | None = None
    phone_one: str | None = attrs.field(default=None, metadata={"wire": "phoneOne"})
    phone_two: str | None = attrs.field(default=None, metadata={"wire": "phoneTwo"})
    fax: str | None = None
    url: str | None = None
    comments: str | None = None
    currency: int | None = None
    tax: int | None = None
    is_1099_eligible: bool | None = None
    is_auto_email_po_enabled: bool | None = None
    po_pdf_labels: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class Vendor(_VendorFields):
    """A vendor (``/api/v3/vendors/``); ``external_id`` is the integration's key for it."""

    id: int
    name: str
    type: VendorType | None = None
    email: tuple[str, ...] = ()
    overall_score: Decimal | None = None
    date_modified: dt.datetime | None = attrs.field(default=None, metadata={"wire": "dateModified"})


@attrs.frozen(kw_only=True, slots=False)
class VendorInput(_VendorFields):
    """What a vendor create or update sends; optional ``None`` fields are left out of the body.

    ``OptimizedVendorRequest`` requires ``email``, ``name``, ``overall_score`` and ``type``, so
    those four are always sent: with no value, ``type`` is 3 (preferred, Procurify's default for
    new vendors), ``email`` an empty list and ``overall_score`` null (the spec allows both).
    """

    name: str
    type: VendorType = attrs.field(
        default=VendorType.PREFERRED, converter=VendorType, metadata={"required": True}
    )
    email: tuple[str, ...] = attrs.field(default=(), converter=tuple, metadata={"required": True})
    overall_score: Decimal | None = attrs.field(
        default=None, validator=_check_score, metadata={"required": True}
    )


@attrs.frozen(kw_only=True, slots=False)
class AccountCode:
    """A GL account code (``/api/v3/account-codes/``); ``active`` is read-only in the API."""

    id: int
    code: str
    description: str | None = None
    account_type: AccountType | None = None
    active: bool | None = None
    parent: int | None = None
    code_length: int | None = None
    applied_accounts_count: int | None = None


@attrs.frozen(kw_only=True, slots=False)
class AccountCodeInput:
    """What an account code create or update sends (``departments`` is used on create only)."""

    code: str
    description: str
    account_type: AccountType | None = attrs.field(
        default=None, converter=attrs.converters.optional(AccountType)
    )
    parent: int | None = None
    departments: tuple[int, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(tuple)
    )


# -- purchase orders -----------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=False)
class PurchaseOrderLine:
    """One PO line (``order_items[]`` of the PO detail)."""

    id: int
    num: str | None = None
    line_number: int | None = attrs.field(default=None, metadata={"wire": "PO_line_num"})
    name: str | None = None
    sku: str | None = None
    unit: str | None = None
    quantity: Decimal | None = None
    approved_quantity: Decimal | None = None
    price: Decimal | None = None
    approved_price: Decimal | None = None
    total_cost: Decimal | None = None
    tax_amount: Decimal | None = None
    shipping_amount: Decimal | None = None
    received_pass_quantity: Decimal | None = attrs.field(
        default=None, metadata={"wire": "receivedPassQty"}
    )
    received_fail_quantity: Decimal | None = attrs.field(
        default=None, metadata={"wire": "receivedFailQty"}
    )
    account_code: str | None = attrs.field(default=None, metadata={"wire": "accountCode"})
    account: Account | None = None
    external_id: str | None = None
    status: OrderItemStatus | None = None
    type: OrderItemType | None = None
    purchase_order: int | None = None
    purchase_order_uuid: str | None = None
    currency: Currency | None = None
    last_modified: dt.datetime | None = None

    @property
    def department(self) -> Department | None:
        """The department the line is charged to (``account.department``), if sent."""
        return self.account.department if self.account is not None else None


@attrs.frozen(kw_only=True, slots=False)
class PurchaseOrder:
    """A purchase order; ``lines`` is filled by ``get`` (lists carry headers only).

    ``id`` is Procurify's PO number (``procurify_PO``); ``po_number`` the custom one (``PO_Num``).
    """

    id: int = attrs.field(metadata={"wire": "procurify_PO"})
    uuid: str
    number: str | None = None
    po_number: str | None = attrs.field(default=None, metadata={"wire": "PO_Num"})
    version: int | None = None
    state: PurchaseOrderState | None = None
    fulfilment_status: FulfilmentStatus | None = None
    date: dt.datetime | None = None
    last_modified: dt.datetime | None = None
    promise_date: dt.datetime | None = None
    closed_date: dt.datetime | None = None
    expiry_date: dt.datetime | None = None
    purchaser: UserSummary | None = None
    vendor: Vendor | None = attrs.field(default=None, metadata={"wire": "pref_vendor"})
    vendor_name: str | None = None
    payment_terms: str | None = None
    shipping_terms: str | None = None
    currency: Currency | None = attrs.field(default=None, metadata={"wire": "purchased_currency"})
    currency_rate: Decimal | None = attrs.field(
        default=None, metadata={"wire": "purchased_currency_rate"}
    )
    subtotal: Decimal | None = None
    freight: Decimal | None = None
    other: Decimal | None = None
    tax: PriceModifier | None = None
    discount: PriceModifier | None = None
    total: Decimal | None = None
    comment: str | None = None
    item_count: int | None = None
    staged_for_export: bool | None = None
    lines: tuple[PurchaseOrderLine, ...] = attrs.field(default=(), metadata={"wire": "order_items"})


# -- bills ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=False)
class PurchaseOrderRef:
    """A PO as a bill line names it."""

    id: int | None = None
    number: str | None = None
    uuid: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class CostAllocation:
    """The share of a bill line charged to one budget account (account code in a department)."""

    id: int | None = None
    budget: Account | None = None
    amount: Decimal | None = None


@attrs.frozen(kw_only=True, slots=False)
class BillLine:
    """One bill line (``items[]`` of the bill detail)."""

    id: int
    description: str | None = None
    sku: str | None = None
    unit: str | None = None
    quantity: Decimal | None = None
    unit_cost: Decimal | None = None
    total_cost: Decimal | None = None
    tax_amount: Decimal | None = None
    total_cost_with_tax: Decimal | None = None
    shipping_amount: Decimal | None = None
    purchase_order: PurchaseOrderRef | None = attrs.field(default=None, metadata={"wire": "po"})
    order_item: int | None = attrs.field(default=None, metadata={"wire": "orderitem"})
    order_line_number: int | None = None
    line_type: str | None = attrs.field(default=None, metadata={"wire": "type"})
    received_on: dt.datetime | None = None
    cost_allocations: tuple[CostAllocation, ...] = ()


@attrs.frozen(kw_only=True, slots=False)
class BillCost:
    """An extra cost on a bill (freight, fees)."""

    id: int | None = None
    name: str | None = None
    amount: Decimal | None = None


@attrs.frozen(kw_only=True, slots=False)
class Bill:
    """An AP bill; ``lines`` and ``costs`` are filled by ``get``, ``line_ids`` by both.

    The list gives ``items`` as line ids, the detail as line records; both land here.
    """

    id: int
    uuid: str
    status: BillStatus | None = None
    type: BillType | None = None
    version: int | None = None
    locked: bool | None = None
    vendor: Vendor | None = None
    currency: Currency | None = None
    invoice_number: str | None = None
    invoice_date: dt.datetime | None = None
    due_date: dt.datetime | None = None
    gl_post_date: dt.datetime | None = None
    submitted_date: dt.datetime | None = None
    last_modified: dt.datetime | None = attrs.field(
        default=None, metadata={"wire": "last_modified_datetime"}
    )
    subtotal_cost: Decimal | None = None
    tax_amount: Decimal | None = None
    total_cost: Decimal | None = None
    total_cost_with_tax: Decimal | None = None
    payment_terms: str | None = None
    payment_uuid: str | None = None
    group: int | None = None
    past_due: bool | None = None
    note: str | None = None
    line_ids: tuple[int, ...] = ()
    lines: tuple[BillLine, ...] = attrs.field(default=(), metadata={"wire": "items"})
    costs: tuple[BillCost, ...] = ()


# -- payments and receipts -----------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=False)
class Payment:
    """A payment from the public v1 API (read-only for integrations)."""

    id: int
    uuid: str | None = None
    amount: Decimal
    currency: Currency | None = None
    status: PaymentStatus | None = None
    processing_date: dt.datetime | None = None
    posted_date: dt.date | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    vendor_name: str | None = None
    gl_code: str | None = None
    payment_source_type: str | None = None
    payment_source_name: str | None = None
    vendor_payment_method_rail: str | None = None
    bill_groups: tuple[int, ...] = ()


@attrs.frozen(kw_only=True, slots=False)
class ReceiptItem:
    """One receiving action against a PO line (order item)."""

    id: int
    order_item: int
    pass_quantity: Decimal
    fail_quantity: Decimal
    total_quantity: Decimal | None = None
    received_at: dt.date | None = None
    created_at: dt.datetime | None = None
    created_by: UserSummary | None = None
    is_edited: bool | None = None

"""Procurify tenants and their records: the simulator's business rules, with no HTTP in sight.

Purchase-order lines are not stored: each PO keeps its line amounts as integers and the other
line fields are derived on demand by a :class:`LineSource`, so 100,000 POs stay cheap to hold.
"""

from __future__ import annotations

import bisect
import secrets
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, Protocol, TypeVar

import attrs

from mlconnector_http._clock import Clock
from procurify_client.testing._limits import RateLimit, Throttle

__all__ = [
    "AUDIENCE",
    "AccountCode",
    "AccountCodeQuery",
    "Bill",
    "BillItem",
    "BillQuery",
    "Currency",
    "Department",
    "LineSource",
    "Location",
    "NotFound",
    "OrderItem",
    "Payment",
    "PaymentQuery",
    "PurchaseOrder",
    "PurchaseOrderQuery",
    "ReceiptItem",
    "Tenant",
    "TokenCheck",
    "User",
    "ValidationFailed",
    "Vendor",
    "VendorQuery",
    "cents",
]

AUDIENCE = "https://api.procurify.com/"
CENT = Decimal("0.01")

PURCHASED, CANCELLED, CLOSED, PAID, REOPENED = 0, 1, 3, 4, 5
PO_COUNTED_TABS = ("open", "partial", "closed", "cancelled")
VENDOR_GROUPS: dict[str, frozenset[int] | None] = {
    "all": None,
    "default": frozenset({3}),
    "preferred": frozenset({3}),
    "purchasable": frozenset({3, 4}),
    "requestable": frozenset({1, 3}),
    "other": frozenset({1}),
    "credit_card_providers": frozenset({6}),
}

T = TypeVar("T")


def cents(value: Decimal) -> Decimal:
    """Round a money amount to cents, half up, the way invoices are totalled."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class ValidationFailed(Exception):
    """A request body broke a field rule; ``errors`` is the DRF-shaped ``{field: [message]}``."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(errors)
        self.errors = errors


class NotFound(LookupError):
    """No record with that key in this tenant."""


@attrs.frozen
class Currency:
    """A currency of the tenant; ``rate`` converts to the base currency."""

    id: int
    name: str
    description: str
    rate: Decimal
    base: bool = False


@attrs.frozen
class Location:
    """A location ("branch") that departments belong to; its address is the buyer's."""

    id: int
    name: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_changed_by: int | None = None


@attrs.frozen
class Department:
    """A department; accounts are account code x department."""

    id: int
    name: str
    location_id: int
    external_id: str | None = None
    active: bool = True


@attrs.frozen
class User:
    """A user profile; the tenant's API user is the one the credentials belong to."""

    id: int
    first_name: str
    last_name: str
    email: str
    department_id: int
    created_at: datetime
    position: str | None = None
    is_active: bool = True
    expected_return_date: date | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@attrs.frozen
class Vendor:
    """A vendor of ``/api/v3/vendors/``, in python names (the renderer knows the wire names)."""

    id: int
    name: str
    date_modified: datetime
    active: bool = True
    type: int = 3
    external_id: str | None = None
    email: tuple[str, ...] = ()
    address_line_one: str | None = None
    address_line_two: str | None = None
    postal_code: str | None = None
    city: str | None = None
    state_province: str | None = None
    country: str | None = None
    phone_one: str | None = None
    phone_two: str | None = None
    fax: str | None = None
    comments: str | None = None
    contact: str | None = None
    url: str | None = None
    currency: int | None = None
    tax: int | None = None
    is_1099_eligible: bool | None = None
    is_auto_email_po_enabled: bool = False
    po_pdf_labels: str = ""
    overall_score: Decimal | None = None
    requested_by: int | None = None
    requested_at: datetime | None = None


@attrs.frozen
class AccountCode:
    """A GL account code; ``active`` is not writable through the API."""

    id: int
    code: str
    description: str
    account_type: int = 2
    active: bool = True
    parent: int | None = None
    departments: tuple[int, ...] = ()


@attrs.frozen
class PurchaseOrder:
    """A PO header; its lines are ``line_count`` ids from ``first_line_id`` derived on demand.

    ``amounts`` holds, per line, the quantity in hundredths and the unit price in cents.
    """

    id: int
    uuid: str
    po_num: str | None
    version: int
    date: datetime
    last_modified: datetime
    promise_days: int
    vendor_id: int
    purchaser_id: int
    currency_id: int
    state: int
    fulfilment: Literal["empty", "partial", "full"]
    tax_percent: Decimal
    freight: Decimal
    other: Decimal
    discount: Decimal
    first_line_id: int
    amounts: tuple[int, ...]

    @property
    def line_count(self) -> int:
        return len(self.amounts) // 2

    @property
    def line_ids(self) -> range:
        """The ids of the PO's lines (order items), consecutive."""
        return range(self.first_line_id, self.first_line_id + self.line_count)

    @property
    def number(self) -> str:
        """The PO number users see: the custom ``PO_Num`` when set, else ``procurify_PO``."""
        return self.po_num or str(self.id)

    @property
    def promise_date(self) -> datetime:
        return self.date + timedelta(days=self.promise_days)

    @property
    def subtotal(self) -> Decimal:
        pairs = zip(self.amounts[::2], self.amounts[1::2], strict=True)
        return sum((cents(Decimal(q * p) / 10_000) for q, p in pairs), Decimal("0.00"))

    def totals(self) -> tuple[Decimal, Decimal, Decimal]:
        """Subtotal, tax and total, computed once."""
        subtotal = self.subtotal
        tax = cents(subtotal * self.tax_percent / 100)
        return subtotal, tax, subtotal + tax + self.freight + self.other - self.discount

    @property
    def tax_amount(self) -> Decimal:
        return self.totals()[1]

    @property
    def total(self) -> Decimal:
        return self.totals()[2]

    @property
    def tab(self) -> str:
        """The PO list tab (status path segment) this PO shows under, besides ``all``."""
        if self.state == CANCELLED:
            return "cancelled"
        if self.state == CLOSED:
            return "closed"
        if self.state == PAID:
            return "paid"
        return "partial" if self.fulfilment == "partial" else "open"

    @property
    def receivable(self) -> bool:
        """Whether the PO lists under the ``receivable`` role (purchased or reopened)."""
        return self.state in (PURCHASED, REOPENED)


@attrs.frozen
class OrderItem:
    """One PO line (an order item)."""

    id: int
    po_id: int
    line_num: int
    name: str
    sku: str
    unit: str
    quantity: Decimal
    price: Decimal
    account_code_id: int
    department_id: int
    requester_id: int
    external_id: str
    received_pass: Decimal
    received_fail: Decimal
    last_modified: datetime

    @property
    def total_cost(self) -> Decimal:
        return cents(self.quantity * self.price)

    @property
    def status(self) -> int:
        """Order item status: 2 receive pending, 3 received, 5 partially received."""
        received = self.received_pass + self.received_fail
        if received <= 0:
            return 2
        return 3 if received >= self.quantity else 5


@attrs.frozen
class ReceiptItem:
    """One receiving action against an order item."""

    id: int
    order_item_id: int
    pass_quantity: Decimal
    fail_quantity: Decimal
    received_at: date
    created_at: datetime
    created_by_id: int


@attrs.frozen
class BillItem:
    """One bill line, billed against a PO line (``po_id``/``order_item_id``) or not (expense)."""

    id: int
    description: str
    sku: str
    unit: str
    quantity: Decimal
    unit_cost: Decimal
    tax_percent: Decimal
    account_code_id: int
    department_id: int
    received_on: datetime
    po_id: int | None = None
    order_item_id: int | None = None

    @property
    def total_cost(self) -> Decimal:
        return cents(self.quantity * self.unit_cost)

    @property
    def tax_amount(self) -> Decimal:
        return cents(self.total_cost * self.tax_percent / 100)


@attrs.frozen
class Bill:
    """An AP bill; totals are computed from its items."""

    id: int
    uuid: str
    status: int
    type: int
    version: int
    vendor_id: int
    currency_id: int
    invoice_number: str
    invoice_date: datetime
    due_date: datetime
    last_modified: datetime
    creator_id: int
    items: tuple[BillItem, ...]
    submitted_date: datetime | None = None
    gl_post_date: datetime | None = None
    approver_id: int | None = None
    group: int | None = None
    payment_uuid: str | None = None
    note: str = ""
    payment_terms: str = "Net 30"

    @property
    def subtotal(self) -> Decimal:
        return sum((i.total_cost for i in self.items), Decimal("0.00"))

    @property
    def tax_amount(self) -> Decimal:
        return sum((i.tax_amount for i in self.items), Decimal("0.00"))

    @property
    def total_with_tax(self) -> Decimal:
        return self.subtotal + self.tax_amount


@attrs.frozen
class Payment:
    """A payment as the public v1 API lists it; ``status`` is a string there."""

    id: int
    uuid: str
    amount: Decimal
    currency_id: int
    status: str
    created_at: datetime
    updated_at: datetime
    creator_id: int
    vendor_id: int | None
    bill_groups: tuple[int, ...] = ()
    invoice_numbers: tuple[str, ...] = ()
    processing_date: datetime | None = None
    posted_date: date | None = None
    source_type: str | None = "external"
    source_name: str | None = None
    rail: str | None = None
    gl_code: str | None = None


PAYMENT_STATUSES = (
    "draft",
    "pending_approval",
    "approved",
    "denied",
    "paid",
    "processing",
    "failed",
    "scheduled",
)


@attrs.frozen
class PurchaseOrderQuery:
    """Filters of ``/api/v2/purchase_orders/{role}/{status}/`` (bounds are inclusive)."""

    role: str = "purchased"
    status: str = "all"
    date_from: datetime | None = None
    date_to: datetime | None = None
    modified_from: datetime | None = None
    modified_to: datetime | None = None
    promise_from: datetime | None = None
    promise_to: datetime | None = None
    expiry_from: datetime | None = None
    expiry_to: datetime | None = None
    total_from: Decimal | None = None
    total_to: Decimal | None = None
    vendor_id: int | None = None
    purchaser_id: int | None = None
    currency_id: int | None = None
    contract_id: int | None = None
    number: str | None = None
    has_blanket_order_items: bool | None = None
    order_by: str = "id"


@attrs.frozen
class BillQuery:
    """Filters of ``/api/v3/ap/bills/`` (bounds are inclusive)."""

    modified_from: datetime | None = None
    modified_to: datetime | None = None
    invoice_from: datetime | None = None
    invoice_to: datetime | None = None
    due_from: datetime | None = None
    due_to: datetime | None = None
    gl_post_from: datetime | None = None
    gl_post_to: datetime | None = None
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None
    last_export_from: datetime | None = None
    last_export_to: datetime | None = None
    vendor_ids: tuple[int, ...] = ()
    type: int | None = None
    currency_id: int | None = None
    approver_id: int | None = None
    creator_id: int | None = None
    user_id: int | None = None
    last_export_user_id: int | None = None
    contract_id: int | None = None
    group: int | None = None
    include_groups: tuple[int, ...] = ()
    exclude_groups: tuple[int, ...] = ()
    has_payment: bool | None = None
    has_posting_date: bool | None = None
    is_exported: bool | None = None
    search: str | None = None
    order_by: str = "id"


@attrs.frozen
class PaymentQuery:
    """Filters of ``/api/public/v1/payments/`` (bounds are inclusive)."""

    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    statuses: tuple[str, ...] = ()
    vendor_id: int | None = None
    currency_id: int | None = None
    ids: tuple[int, ...] = ()
    bill_groups: tuple[int, ...] = ()
    invoice_number: str | None = None
    processing_from: datetime | None = None
    processing_to: datetime | None = None
    amount: Decimal | None = None
    order_by: str = "id"


@attrs.frozen
class VendorQuery:
    """Filters of ``/api/v3/vendors/``; only active vendors are listed, as documented."""

    group: str = "all"
    name: str | None = None
    external_id: str | None = None
    type: int | None = None
    search: str | None = None


@attrs.frozen
class AccountCodeQuery:
    """Filters of ``/api/v3/account-codes/``."""

    active: bool | None = None
    code: str | None = None
    search: str | None = None
    is_parent: bool | None = None
    order_by: str = "id"


class LineSource(Protocol):
    """Derives the lines of a PO from its header; installed by the seeder."""

    def __call__(self, po: PurchaseOrder) -> tuple[OrderItem, ...]: ...


def _no_lines(po: PurchaseOrder) -> tuple[OrderItem, ...]:
    return ()


TokenCheck = Literal["ok", "expired", "unknown"]


def _within(value: datetime | None, low: datetime | None, high: datetime | None) -> bool:
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def _between(value: Decimal, low: Decimal | None, high: Decimal | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _bill_people_match(bill: Bill, query: BillQuery) -> bool:
    """``approver``, ``creator``, ``user`` (last modified by: the creator here) and
    ``last_export_user`` (nobody: the simulator's bills are never exported)."""
    return (
        (query.approver_id is None or bill.approver_id == query.approver_id)
        and (query.creator_id is None or bill.creator_id == query.creator_id)
        and (query.user_id is None or bill.creator_id == query.user_id)
        and query.last_export_user_id is None
        and query.contract_id is None  # nor linked to a contract
    )


def _bill_group_matches(bill: Bill, query: BillQuery) -> bool:
    """``group``, ``include_bill_group_ids`` and ``exclude_bill_group_ids``."""
    return (
        (query.group is None or bill.group == query.group)
        and (not query.include_groups or bill.group in query.include_groups)
        and (bill.group is None or bill.group not in query.exclude_groups)
    )


def _bill_flags_match(bill: Bill, query: BillQuery) -> bool:
    """``has_posting_date`` (a GL post date is set) and ``is_exported`` (never, here)."""
    return (
        query.has_posting_date is None or (bill.gl_post_date is not None) == query.has_posting_date
    ) and query.is_exported in (None, False)


class Tenant:
    """One Procurify customer domain: credentials, tokens, throttle and every record.

    Edit records through the methods below; after changing the dicts directly, call
    :meth:`changed` so cached list results and rendered bodies are rebuilt.
    """

    def __init__(
        self,
        subdomain: str,
        *,
        client_id: str,
        client_secret: str,
        clock: Clock,
        token_ttl: int,
    ) -> None:
        self.subdomain = subdomain
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        self.clock = clock
        self.throttle = Throttle(clock)
        self.tokens: dict[str, float] = {}
        self.tokens_issued = 0
        self.api_user_id = 1
        self._cache: dict[Hashable, Any] = {}
        self._memo: dict[Hashable, Any] = {}
        self.clear_data()

    # -- data --------------------------------------------------------------------------

    def clear_data(self) -> None:
        """Forget every record (reference data included); credentials and tokens stay."""
        self.currencies: dict[int, Currency] = {}
        self.locations: dict[int, Location] = {}
        self.departments: dict[int, Department] = {}
        self.users: dict[int, User] = {}
        self.vendors: dict[int, Vendor] = {}
        self.account_codes: dict[int, AccountCode] = {}
        self.purchase_orders: list[PurchaseOrder] = []
        self.bills: dict[str, Bill] = {}
        self.payments: dict[int, Payment] = {}
        self.line_source: LineSource = _no_lines
        self._po_position: dict[int, int] = {}
        self._po_by_uuid: dict[str, int] = {}
        self._first_line_ids: list[int] = []
        self._line_overrides: dict[int, tuple[OrderItem, ...]] = {}
        self.changed()

    def changed(self) -> None:
        """Note a mutation so cached query results are recomputed."""
        self._cache.clear()
        self._memo.clear()

    def load_purchase_orders(self, orders: Iterable[PurchaseOrder]) -> None:
        """Replace the POs (ascending ids and line ids) and rebuild their indexes."""
        self.purchase_orders = list(orders)
        self._po_position = {po.id: n for n, po in enumerate(self.purchase_orders)}
        self._po_by_uuid = {po.uuid: po.id for po in self.purchase_orders}
        self._first_line_ids = [po.first_line_id for po in self.purchase_orders]
        self._line_overrides.clear()
        self.changed()

    def now(self) -> datetime:
        """The tenant's clock reading, stamped on records created or edited now."""
        return self.clock.now()

    @property
    def api_user(self) -> User:
        """The user owning the API credentials (``/api/v3/users/me/``)."""
        return self.users[self.api_user_id]

    @property
    def base_currency(self) -> Currency:
        """The currency amounts are converted to."""
        return next(c for c in self.currencies.values() if c.base)

    # -- auth --------------------------------------------------------------------------

    def credentials_match(self, client_id: object, client_secret: object) -> bool:
        """Whether a token request names this tenant's application, compared in constant time."""
        if not isinstance(client_id, str) or not isinstance(client_secret, str):
            return False
        same_id = secrets.compare_digest(client_id.encode(), self.client_id.encode())
        same_secret = secrets.compare_digest(client_secret.encode(), self.client_secret.encode())
        return same_id and same_secret

    def issue_token(self, token: str) -> int:
        """Record ``token`` as valid for ``token_ttl`` seconds from now; returns the lifetime."""
        self.tokens[token] = self.clock.time() + self.token_ttl
        self.tokens_issued += 1
        return self.token_ttl

    def check_token(self, token: str) -> TokenCheck:
        """Whether a bearer token is current for this tenant."""
        expires = self.tokens.get(token)
        if expires is None:
            return "unknown"
        return "ok" if self.clock.time() < expires else "expired"

    def revoke_tokens(self) -> None:
        """Invalidate every token issued so far (a revoked application, a rotated secret)."""
        self.tokens.clear()

    def set_rate_limit(self, limit: RateLimit | None) -> None:
        """Apply ``limit`` to this tenant's requests (``None`` removes it)."""
        self.throttle.configure(limit)

    # -- lookups -----------------------------------------------------------------------

    def vendor(self, vendor_id: int) -> Vendor:
        """A vendor by id, active or not; raises :class:`NotFound`."""
        try:
            return self.vendors[vendor_id]
        except KeyError:
            raise NotFound(vendor_id) from None

    def account_code(self, code_id: int) -> AccountCode:
        """An account code by id; raises :class:`NotFound`."""
        try:
            return self.account_codes[code_id]
        except KeyError:
            raise NotFound(code_id) from None

    def purchase_order(self, key: str | int) -> PurchaseOrder:
        """A PO by Procurify PO number (int or digits) or by UUID (dashes optional)."""
        if isinstance(key, int) or key.isdecimal():
            position = self._po_position.get(int(key))
        else:
            position = self._po_position.get(self._po_by_uuid.get(_dashed_uuid(key), -1))
        if position is None:
            raise NotFound(key)
        return self.purchase_orders[position]

    def lines(self, po: PurchaseOrder) -> tuple[OrderItem, ...]:
        """The lines of ``po``."""
        override = self._line_overrides.get(po.id)
        return override if override is not None else self.line_source(po)

    def order_item(self, item_id: int) -> OrderItem:
        """A PO line by its id, found through the PO whose id range holds it."""
        position = bisect.bisect_right(self._first_line_ids, item_id) - 1
        if position >= 0:
            po = self.purchase_orders[position]
            if item_id in po.line_ids:
                return self.lines(po)[item_id - po.first_line_id]
        raise NotFound(item_id)

    def bill(self, key: str) -> Bill:
        """A bill by UUID (hex, dashes optional)."""
        try:
            return self.bills[_dashed_uuid(key)]
        except KeyError:
            raise NotFound(key) from None

    def payment(self, payment_id: int) -> Payment:
        """A payment by id; raises :class:`NotFound`."""
        try:
            return self.payments[payment_id]
        except KeyError:
            raise NotFound(payment_id) from None

    # -- queries -----------------------------------------------------------------------

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """A value derived from records (a rendered vendor, say), kept until the next mutation."""
        try:
            value: T = self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
        return value

    def _cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A query result kept until the next mutation (at most 64, so walks stay O(page))."""
        if key in self._cache:
            hit: T = self._cache[key]
            return hit
        if len(self._cache) >= 64:
            self._cache.clear()
        value = self._cache[key] = compute()
        return value

    def query_purchase_orders(self, query: PurchaseOrderQuery) -> Sequence[PurchaseOrder]:
        """The POs a list request returns, in order; cached until the next mutation."""
        return self._cached(query, lambda: self._filter_purchase_orders(query))

    def _filter_purchase_orders(self, query: PurchaseOrderQuery) -> list[PurchaseOrder]:
        found = [
            po
            for po in self.purchase_orders
            if (query.role == "purchased" or po.receivable)
            and (query.status == "all" or po.tab == query.status)
            and (query.vendor_id is None or po.vendor_id == query.vendor_id)
            and (query.purchaser_id is None or po.purchaser_id == query.purchaser_id)
            and (query.currency_id is None or po.currency_id == query.currency_id)
            and query.contract_id is None  # no PO of the simulator has a contract
            and query.has_blanket_order_items in (None, False)  # nor blanket order items
            and (query.number is None or po.number == query.number)
            and _within(po.date, query.date_from, query.date_to)
            and _within(po.last_modified, query.modified_from, query.modified_to)
            and _within(po.promise_date, query.promise_from, query.promise_to)
            and _within(None, query.expiry_from, query.expiry_to)  # no PO has an expiry date
            and _between(po.total, query.total_from, query.total_to)
        ]
        return _ordered(found, query.order_by, _PO_ORDERINGS)

    def purchase_order_counts(self, query: PurchaseOrderQuery) -> dict[str, dict[str, int]]:
        """Per role, how many POs each tab holds under the query's other filters.

        The spec's counts have no ``paid`` key, so paid POs only count towards ``all``.
        """
        base = attrs.evolve(query, role="purchased", status="all", order_by="id")

        def count() -> dict[str, dict[str, int]]:
            counts = {
                role: dict.fromkeys(("all", *PO_COUNTED_TABS), 0)
                for role in ("purchased", "receivable")
            }
            for po in self.query_purchase_orders(base):
                roles = ("purchased", "receivable") if po.receivable else ("purchased",)
                for role in roles:
                    counts[role]["all"] += 1
                    if po.tab in counts[role]:
                        counts[role][po.tab] += 1
            return counts

        return self._cached(("po-counts", base), count)

    def query_bills(self, query: BillQuery) -> Sequence[Bill]:
        """The bills a list request returns, in order; cached until the next mutation."""
        return self._cached(query, lambda: self._filter_bills(query))

    def _filter_bills(self, query: BillQuery) -> list[Bill]:
        needle = (query.search or "").casefold()
        found = [
            b
            for b in self.bills.values()
            if (not query.vendor_ids or b.vendor_id in query.vendor_ids)
            and (query.type is None or b.type == query.type)
            and (query.currency_id is None or b.currency_id == query.currency_id)
            and (query.has_payment is None or (b.payment_uuid is not None) == query.has_payment)
            and _bill_people_match(b, query)
            and _bill_group_matches(b, query)
            and _bill_flags_match(b, query)
            and _within(b.last_modified, query.modified_from, query.modified_to)
            and _within(b.invoice_date, query.invoice_from, query.invoice_to)
            and _within(b.due_date, query.due_from, query.due_to)
            and _within(b.gl_post_date, query.gl_post_from, query.gl_post_to)
            and _within(b.submitted_date, query.submitted_from, query.submitted_to)
            and _within(None, query.last_export_from, query.last_export_to)  # never exported
            and (
                not needle
                or needle in b.invoice_number.casefold()
                or needle in self.vendors[b.vendor_id].name.casefold()
            )
        ]
        return _ordered(found, query.order_by, _BILL_ORDERINGS)

    def query_payments(self, query: PaymentQuery) -> Sequence[Payment]:
        """The payments a public v1 list request returns, in order."""
        return self._cached(query, lambda: self._filter_payments(query))

    def _filter_payments(self, query: PaymentQuery) -> list[Payment]:
        found = [
            p
            for p in self.payments.values()
            if (not query.statuses or p.status in query.statuses)
            and (query.vendor_id is None or p.vendor_id == query.vendor_id)
            and (query.currency_id is None or p.currency_id == query.currency_id)
            and (not query.ids or p.id in query.ids)
            and (not query.bill_groups or set(p.bill_groups) & set(query.bill_groups))
            and (query.invoice_number is None or query.invoice_number in p.invoice_numbers)
            and _within(p.created_at, query.created_from, query.created_to)
            and _within(p.updated_at, query.updated_from, query.updated_to)
            and _within(p.processing_date, query.processing_from, query.processing_to)
            and (query.amount is None or p.amount == query.amount)
        ]
        return _ordered(found, query.order_by, _PAYMENT_ORDERINGS)

    def query_vendors(self, query: VendorQuery) -> Sequence[Vendor]:
        """Active vendors matching the filters (exact, case-sensitive name and external id)."""
        types = VENDOR_GROUPS.get(query.group)
        needle = (query.search or "").casefold()
        return [
            v
            for v in self.vendors.values()
            if v.active
            and (types is None or v.type in types)
            and (query.name is None or v.name == query.name)
            and (query.external_id is None or v.external_id == query.external_id)
            and (query.type is None or v.type == query.type)
            and (not needle or needle in v.name.casefold())
        ]

    def query_account_codes(self, query: AccountCodeQuery) -> Sequence[AccountCode]:
        """Account codes matching the filters."""
        needle = (query.search or "").casefold()
        parents = {c.parent for c in self.account_codes.values() if c.parent is not None}
        found = [
            c
            for c in self.account_codes.values()
            if (query.active is None or c.active == query.active)
            and (query.code is None or c.code == query.code)
            and (query.is_parent is None or (c.id in parents) == query.is_parent)
            and (not needle or needle in c.code.casefold() or needle in c.description.casefold())
        ]
        return _ordered(found, query.order_by, _ACCOUNT_CODE_ORDERINGS)

    def receipts(self, order_item_id: int | None) -> Sequence[ReceiptItem]:
        """Receiving actions, for one order item or (slowly, but cached) for all of them."""
        if order_item_id is not None:
            try:
                return list(self.receipts_of(self.order_item(order_item_id)))
            except NotFound:
                return []
        return self._cached(
            "receipts",
            lambda: [
                r
                for po in self.purchase_orders
                for i in self.lines(po)
                for r in self.receipts_of(i)
            ],
        )

    def receipts_of(self, item: OrderItem) -> Iterator[ReceiptItem]:
        """The receiving actions against one order item (one for a received line)."""
        if item.received_pass + item.received_fail > 0:
            po = self.purchase_order(item.po_id)
            received = po.date + timedelta(days=min(po.promise_days, 3))
            yield ReceiptItem(
                item.id,
                item.id,
                item.received_pass,
                item.received_fail,
                received.date(),
                received,
                po.purchaser_id,
            )

    # -- mutations ---------------------------------------------------------------------

    def create_vendor(self, fields: dict[str, Any]) -> Vendor:
        """Add a vendor from validated fields."""
        vendor_id = max(self.vendors, default=0) + 1
        vendor = Vendor(id=vendor_id, date_modified=self.now(), **fields)
        self.vendors[vendor_id] = vendor
        self.changed()
        return vendor

    def update_vendor(self, vendor_id: int, fields: dict[str, Any]) -> Vendor:
        """Apply validated fields to a vendor and stamp ``dateModified``."""
        vendor = attrs.evolve(self.vendor(vendor_id), date_modified=self.now(), **fields)
        self.vendors[vendor_id] = vendor
        self.changed()
        return vendor

    def replace_vendor(
        self, vendor_id: int, fields: dict[str, Any], writable: Iterable[str]
    ) -> Vendor:
        """A PUT: every ``writable`` attribute not in ``fields`` goes back to its default.

        Read-only data (id, the vendor request, ``dateModified``'s stamp) is kept.
        """
        names = set(writable)
        defaults = {f.name: f.default for f in attrs.fields(Vendor) if f.name in names}
        return self.update_vendor(vendor_id, {**defaults, **fields})

    def create_account_code(self, fields: dict[str, Any]) -> AccountCode:
        """Add an account code; codes are unique within a tenant."""
        self._check_account_code(fields, None)
        code_id = max(self.account_codes, default=0) + 1
        code = AccountCode(id=code_id, **fields)
        self.account_codes[code_id] = code
        self.changed()
        return code

    def update_account_code(self, code_id: int, fields: dict[str, Any]) -> AccountCode:
        """Apply validated fields to an account code."""
        current = self.account_code(code_id)
        self._check_account_code(fields, code_id)
        code = attrs.evolve(current, **fields)
        self.account_codes[code_id] = code
        self.changed()
        return code

    def _check_account_code(self, fields: dict[str, Any], own_id: int | None) -> None:
        errors: dict[str, list[str]] = {}
        code = fields.get("code")
        if code is not None and any(
            c.code == code and c.id != own_id for c in self.account_codes.values()
        ):
            errors["code"] = ["account code with this code already exists."]
        parent = fields.get("parent")
        if parent is not None and (parent not in self.account_codes or parent == own_id):
            errors["parent"] = [f'Invalid pk "{parent}" - object does not exist.']
        unknown = [d for d in fields.get("departments", ()) if d not in self.departments]
        if unknown:
            errors["departments"] = [f'Invalid pk "{unknown[0]}" - object does not exist.']
        if errors:
            raise ValidationFailed(errors)

    def set_account_code_active(self, code_id: int, active: bool) -> AccountCode:
        """Activate or deactivate an account code (done in the UI; the API cannot)."""
        code = attrs.evolve(self.account_code(code_id), active=active)
        self.account_codes[code_id] = code
        self.changed()
        return code

    def touch_purchase_order(self, key: str | int, **changes: Any) -> PurchaseOrder:
        """Edit a PO as a buyer would: apply ``changes``, bump ``version`` and ``last_modified``."""
        po = self.purchase_order(key)
        updated = attrs.evolve(po, version=po.version + 1, last_modified=self.now(), **changes)
        self.purchase_orders[self._po_position[po.id]] = updated
        self._line_overrides[po.id] = tuple(
            attrs.evolve(line, last_modified=updated.last_modified)
            for line in self.line_source(updated)
        )
        self.changed()
        return updated

    def touch_bill(self, key: str, **changes: Any) -> Bill:
        """Edit a bill: apply ``changes``, bump ``version`` and ``last_modified_datetime``."""
        bill = self.bill(key)
        updated = attrs.evolve(bill, version=bill.version + 1, last_modified=self.now(), **changes)
        self.bills[bill.uuid] = updated
        self.changed()
        return updated

    def touch_payment(self, payment_id: int, **changes: Any) -> Payment:
        """Edit a payment: apply ``changes`` and stamp ``updated_at``."""
        updated = attrs.evolve(self.payment(payment_id), updated_at=self.now(), **changes)
        self.payments[payment_id] = updated
        self.changed()
        return updated


def _dashed_uuid(key: str) -> str:
    """``key`` in the canonical dashed lower-case form, or ``""`` when it is not a UUID."""
    hex_digits = key.replace("-", "").lower()
    if len(hex_digits) != 32 or any(c not in "0123456789abcdef" for c in hex_digits):
        return ""
    h = hex_digits
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _ordered(items: list[T], order_by: str, keys: dict[str, Callable[[T], Any]]) -> list[T]:
    """Sort by a known ``order_by`` (``-`` for descending); unknown names keep the id order."""
    name = order_by.removeprefix("-")
    key = keys.get(name)
    if key is None or (name == "id" and not order_by.startswith("-")):
        return items
    return sorted(items, key=key, reverse=order_by.startswith("-"))


_ACCOUNT_CODE_ORDERINGS: dict[str, Callable[[AccountCode], Any]] = {
    "id": lambda c: c.id,
    "code": lambda c: (c.code, c.id),
    "description": lambda c: (c.description, c.id),
}

_PO_ORDERINGS: dict[str, Callable[[PurchaseOrder], Any]] = {
    "id": lambda po: po.id,
    "procurify_PO": lambda po: po.id,
    "date": lambda po: (po.date, po.id),
    "last_modified": lambda po: (po.last_modified, po.id),
    "promise_date": lambda po: (po.promise_date, po.id),
}
_BILL_ORDERINGS: dict[str, Callable[[Bill], Any]] = {
    "id": lambda b: b.id,
    "invoice_date": lambda b: (b.invoice_date, b.id),
    "due_date": lambda b: (b.due_date, b.id),
    "last_modified_datetime": lambda b: (b.last_modified, b.id),
}
_PAYMENT_ORDERINGS: dict[str, Callable[[Payment], Any]] = {
    "id": lambda p: p.id,
    "created_at": lambda p: (p.created_at, p.id),
    "updated_at": lambda p: (p.updated_at, p.id),
}

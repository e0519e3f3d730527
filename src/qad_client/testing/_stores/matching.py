"""The three-way match: each invoice line against its PO line and an open receiver.

A matching line names a PO of the invoice's supplier and currency, a line of it, and a
receiver of that line with quantity still open (counting earlier lines of the same call); its
price must be within tolerance of the receiver's cost, else the invoice is refused (strict) or
held with a warning. Matched quantity moves onto the receiver and PO line only when the invoice
is stored, and back when it is relined or deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from qad_client.testing import _messages as m
from qad_client.testing._codec import Values
from qad_client.testing._records import (
    ZERO,
    Domain,
    MatchingLine,
    OpenReceiver,
    PurchaseOrder,
    SupplierInvoice,
)
from qad_client.testing._stores._base import Call, key_of, lookup
from qad_client.testing._stores.purchase_orders import OrderStore
from qad_client.testing._stores.receipts import ReceiptStore, receiver_key
from qad_client.testing._stores.setup import Setup, Tolerances

__all__ = [
    "CENT",
    "ThreeWayMatch",
    "invoice_total",
    "match_line",
    "match_line_valid",
    "order_fits_invoice",
    "price_outside_tolerance",
    "within_open_quantity",
]

CENT = Decimal("0.01")


def match_line(values: Values) -> MatchingLine:
    """A matching line as sent (checked later, against the PO and its receivers)."""
    line = MatchingLine()
    values.assign(line)
    return line


def order_fits_invoice(
    order: PurchaseOrder, invoice: SupplierInvoice, match: MatchingLine, call: Call
) -> bool:
    """A matched PO belongs to the invoice's supplier and is in the invoice's currency."""
    if key_of(order.supplier) != key_of(invoice.supplier):
        call.flag(
            MatchingLine,
            "po_number",
            match.po_number,
            m.SUPPLIER_MISMATCH,
            label="Purchase order",
            value=order.number,
            owner=order.supplier,
            supplier=invoice.supplier,
        )
        return False
    if key_of(order.currency) != key_of(invoice.currency):
        call.flag(
            MatchingLine,
            "po_number",
            match.po_number,
            m.CURRENCY_MISMATCH,
            value=invoice.currency,
            label="purchase order",
            other=order.currency,
        )
        return False
    return True


def match_line_valid(order: PurchaseOrder, match: MatchingLine, call: Call) -> bool:
    """The matched line exists on the PO, with a positive quantity and a price of 0 or more."""
    if match.po_line not in order.lines:
        ref = f"{match.po_number}/{match.po_line}"
        label = "Purchase order line"
        call.flag(MatchingLine, "po_line", match.po_line, m.NOT_FOUND, label=label, value=ref)
        return False
    if match.quantity <= 0:
        call.flag(MatchingLine, "quantity", match.quantity, m.NOT_POSITIVE, label="Match quantity")
        return False
    if match.unit_price < 0:
        call.flag(
            MatchingLine, "unit_price", match.unit_price, m.NEGATIVE, label="Match unit price"
        )
        return False
    return True


def within_open_quantity(
    receiver: OpenReceiver, match: MatchingLine, pending: Mapping[str, Decimal], call: Call
) -> bool:
    """A match takes no more than its receiver still holds, counting earlier lines of the call."""
    available = receiver.open_quantity - pending.get(
        receiver_key(receiver.receiver, receiver.po_line), ZERO
    )
    if match.quantity <= available:
        return True
    call.flag(
        MatchingLine,
        "quantity",
        match.quantity,
        m.OVER_MATCH,
        quantity=match.quantity,
        open=available,
        receiver=receiver.receiver,
        po=match.po_number,
        line=match.po_line,
    )
    return False


def price_outside_tolerance(
    tolerances: Tolerances, receiver: OpenReceiver, match: MatchingLine, call: Call
) -> bool:
    """Flag a price outside tolerance: an error when strict, else a warning that holds it.

    Returns whether the invoice goes on hold.
    """
    limit = tolerances.price_limit(receiver.unit_cost)
    if abs(match.unit_price - receiver.unit_cost) <= limit:
        return False
    strict = tolerances.strict_price
    call.flag(
        MatchingLine,
        "unit_price",
        match.unit_price,
        m.PRICE_TOLERANCE if strict else m.PRICE_HOLD,
        warning=not strict,
        price=match.unit_price,
        po_price=receiver.unit_cost,
        tolerance=limit,
    )
    return not strict


def invoice_total(invoice: SupplierInvoice) -> Decimal:
    """Matched quantity x price, each line rounded to the cent as QAD books it, plus expense
    amounts, plus tax."""
    matched = sum(
        ((x.quantity * x.unit_price).quantize(CENT, ROUND_HALF_UP) for x in invoice.matching_lines),
        ZERO,
    )
    return matched + sum((x.amount for x in invoice.expense_lines), ZERO) + invoice.tax


class ThreeWayMatch:
    """Checks an invoice's matching lines and posts (or reverses) their quantities."""

    def __init__(self, setup: Setup, orders: OrderStore, receipts: ReceiptStore) -> None:
        self.setup = setup
        self.orders = orders
        self.receipts = receipts

    def check(
        self,
        domain: Domain,
        invoice: SupplierInvoice,
        matches: list[MatchingLine],
        call: Call,
    ) -> bool:
        """Each line against its receiver, quantity and price.

        Returns whether the invoice goes on hold (a price outside tolerance, not strict).
        """
        pending: dict[str, Decimal] = {}
        on_hold = False
        for match in matches:
            order = lookup(
                self.orders.purchase_orders,
                domain.code,
                match.po_number,
                call,
                MatchingLine,
                "po_number",
                "Purchase order",
            )
            if order is None or not order_fits_invoice(order, invoice, match, call):
                continue
            if not match_line_valid(order, match, call):
                continue
            match.po_number = order.number
            receiver = self._receiver_for(domain, order, match, pending, call)
            if receiver is None or not within_open_quantity(receiver, match, pending, call):
                continue
            key = receiver_key(receiver.receiver, receiver.po_line)
            pending[key] = pending.get(key, ZERO) + match.quantity
            held = price_outside_tolerance(self.setup.tolerances, receiver, match, call)
            on_hold = on_hold or held
        return on_hold

    def _receiver_for(
        self,
        domain: Domain,
        order: PurchaseOrder,
        match: MatchingLine,
        pending: Mapping[str, Decimal],
        call: Call,
    ) -> OpenReceiver | None:
        """The open receiver a matching line names; blank or closed ones are errors."""
        open_ones = [
            r
            for r in self.receipts.open_receivers(domain, order.number, match.po_line)
            if r.open_quantity > pending.get(receiver_key(r.receiver, r.po_line), ZERO)
        ]
        if not match.receiver.strip():
            if open_ones:
                call.flag(MatchingLine, "receiver", "", m.REQUIRED, label="Receiver number")
            else:
                call.flag(
                    MatchingLine,
                    "receiver",
                    "",
                    m.NO_OPEN_RECEIVER,
                    po=order.number,
                    line=match.po_line,
                    detail="",
                )
            return None
        for receiver in open_ones:
            if key_of(receiver.receiver) == key_of(match.receiver):
                match.receiver = receiver.receiver
                return receiver
        call.flag(
            MatchingLine,
            "receiver",
            match.receiver,
            m.NO_OPEN_RECEIVER,
            po=order.number,
            line=match.po_line,
            detail=f" on receiver {match.receiver}",
        )
        return None

    def post(
        self, domain: Domain, matches: Iterable[MatchingLine], call: Call, *, reverse: bool = False
    ) -> None:
        """Move each line's quantity onto its receiver and PO line (or back, ``reverse``)."""
        for match in matches:
            quantity = -match.quantity if reverse else match.quantity
            self.receipts.move_matched(domain, match, quantity, call)

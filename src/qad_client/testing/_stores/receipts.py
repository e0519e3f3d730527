"""PO receipts and the open receivers they leave for invoice matching.

A receipt is posted once against one open PO and never changed: each of its lines raises the
PO line's received quantity (within the over-receipt tolerance) and opens a receiver, indexed
by PO and by PO line so matching a bill reads only that PO's receivers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from qad_client.testing import _messages as m
from qad_client.testing._codec import Values
from qad_client.testing._records import (
    Domain,
    MatchingLine,
    OpenReceiver,
    POLine,
    PurchaseOrder,
    Receipt,
    ReceiptLine,
    Record,
)
from qad_client.testing._stores._base import (
    HUNDRED,
    Call,
    Sequences,
    Table,
    Writer,
    key_of,
    lookup,
    refuse_operation,
)
from qad_client.testing._stores.purchase_orders import OPEN, OrderStore
from qad_client.testing._stores.setup import Setup, Tolerances

__all__ = [
    "ReceiptStore",
    "check_receipt_item",
    "check_receipt_order",
    "receiver_key",
    "within_over_receipt",
]


def receiver_key(receiver: str, po_line: int) -> str:
    """How one receiver line is indexed: receiver number and PO line."""
    return f"{key_of(receiver)}#{po_line}"


# --- rules -----------------------------------------------------------------------------------


def check_receipt_order(order: PurchaseOrder, values: Values, call: Call) -> None:
    """A receipt is posted against an open PO, of the supplier it names (if it names one)."""
    if order.status != OPEN:
        call.flag(Receipt, "po_number", order.number, m.ORDER_NOT_OPEN, value=order.number)
    supplier = values.text("supplier")
    if supplier and key_of(supplier) != key_of(order.supplier):
        call.flag(
            Receipt,
            "supplier",
            supplier,
            m.SUPPLIER_MISMATCH,
            label="Purchase order",
            value=order.number,
            owner=order.supplier,
            supplier=supplier,
        )


def check_receipt_item(
    order: PurchaseOrder, po_line: POLine, line: ReceiptLine, call: Call
) -> None:
    """A receipt line that names an item names its PO line's item."""
    if line.item and key_of(line.item) != key_of(po_line.item):
        call.flag(
            ReceiptLine,
            "item",
            line.item,
            m.ITEM_MISMATCH,
            value=line.item,
            expected=po_line.item,
            po=order.number,
            line=po_line.line,
        )


def within_over_receipt(
    tolerances: Tolerances, order: PurchaseOrder, po_line: POLine, line: ReceiptLine, call: Call
) -> None:
    """What is received in all stays within the ordered quantity plus the over-receipt %."""
    allowed = po_line.quantity_ordered * (HUNDRED + tolerances.over_receipt_pct) / HUNDRED
    if po_line.quantity_received + line.quantity > allowed:
        call.flag(
            ReceiptLine,
            "quantity",
            line.quantity,
            m.OVER_RECEIPT,
            quantity=line.quantity,
            open=allowed - po_line.quantity_received,
            po=order.number,
            line=po_line.line,
        )


# --- the store -------------------------------------------------------------------------------


class ReceiptStore:
    """Every domain's receipts and open receivers, with the receivers indexed by PO and line."""

    def __init__(self, setup: Setup, sequences: Sequences, orders: OrderStore) -> None:
        self.setup = setup
        self.sequences = sequences
        self.orders = orders
        self.receipts: Table[Receipt] = Table()
        self.receivers: Table[OpenReceiver] = Table()
        self.receivers_by_line: dict[tuple[str, str, int], list[str]] = {}
        self.receivers_by_order: dict[tuple[str, str], list[str]] = {}

    @property
    def tables(self) -> Mapping[type, Table[Any]]:
        """Each record class this store keeps, and its table."""
        return {Receipt: self.receipts, OpenReceiver: self.receivers}

    @property
    def writers(self) -> Mapping[type, Writer]:
        """The write path of each record class."""
        return {Receipt: self.write_receipt}

    # --- reads ------------------------------------------------------------------------------

    def open_receivers(self, domain: Domain, po_number: str, po_line: int) -> list[OpenReceiver]:
        """The receivers of one PO line that still have quantity to match."""
        keys = self.receivers_by_line.get((key_of(domain.code), key_of(po_number), po_line), [])
        found = (self.receivers.get(domain.code, k) for k in keys)
        return [r for r in found if r is not None and r.open_quantity > 0]

    def open_receivers_of(
        self, domain: Domain | None, po_number: str = ""
    ) -> Iterator[OpenReceiver]:
        """The receivers with quantity to match: of one PO (through the index), else all."""
        if po_number and domain is not None:
            keys = self.receivers_by_order.get((key_of(domain.code), key_of(po_number)), [])
            found = (self.receivers.get(domain.code, key) for key in keys)
            yield from (r for r in found if r is not None and r.open_quantity > 0)
            return
        records = self.receivers.records(domain.code if domain is not None else "")
        yield from (r for r in records if r.open_quantity > 0)

    # --- writes -----------------------------------------------------------------------------

    def write_receipt(self, values: Values, call: Call) -> Record | None:
        """Post a receipt against one open PO; receipts cannot be changed afterwards."""
        domain = self.setup.domain_of(values, call, Receipt)
        if domain is None:
            return None
        if values.operation != "create":
            refuse_operation(Receipt, values, call, "a purchase order receipt")
            return None
        before = call.errors()
        index = self.receipts.scope(domain.code)
        receiver = values.text("receiver").strip()
        if receiver and key_of(receiver) in index:
            call.flag(
                Receipt, "receiver", receiver, m.ALREADY_EXISTS, label="Receiver", value=receiver
            )
            return None
        order = lookup(
            self.orders.purchase_orders,
            domain.code,
            values.text("po_number"),
            call,
            Receipt,
            "po_number",
            "Purchase order",
        )
        if order is None:
            return None
        check_receipt_order(order, values, call)
        receipt = self._receipt(domain, order, values, call)
        if call.errors() > before:
            return None
        receipt.receiver = receiver or self._receiver_number(domain, call)
        self.sequences.stamp_new(receipt, call.user, call.now)
        call.journal.put(index, key_of(receipt.receiver), receipt)
        for line in receipt.lines:
            self._post_receipt_line(domain, order, receipt, line, call)
        call.touch(order)
        return receipt

    def _receipt(self, domain: Domain, order: PurchaseOrder, values: Values, call: Call) -> Receipt:
        """The receipt as sent, dated today unless given, each of its lines checked."""
        receipt = Receipt(domain=domain.code)
        values.assign(receipt, exclude=("domain", "receiver", "lines"))
        receipt.po_number = order.number
        receipt.supplier = order.supplier
        receipt.receipt_date = receipt.receipt_date or call.today
        receipt.effective_date = receipt.effective_date or receipt.receipt_date
        lines = values.lines("lines")
        if not lines:
            call.flag(Receipt, "lines", "", m.NO_LINES, label="A receipt")
        seen: set[int] = set()
        for line_values in lines:
            line = self._receipt_line(order, line_values, seen, call)
            if line is not None:
                receipt.lines.append(line)
        return receipt

    def _receipt_line(
        self, order: PurchaseOrder, values: Values, seen: set[int], call: Call
    ) -> ReceiptLine | None:
        """One receipt line: a known open PO line, positive, within the open quantity."""
        number = values.integer("po_line")
        po_line = order.lines.get(number)
        if po_line is None:
            ref = f"{order.number}/{number}"
            label = "Purchase order line"
            call.flag(ReceiptLine, "po_line", number, m.NOT_FOUND, label=label, value=ref)
            return None
        if number in seen:
            call.flag(
                ReceiptLine, "po_line", number, m.DUPLICATE_LINE, po=order.number, line=number
            )
            return None
        seen.add(number)
        line = ReceiptLine(po_line=number)
        values.assign(line, exclude=("po_line",))
        check_receipt_item(order, po_line, line, call)
        line.item = po_line.item
        line.unit_of_measure = line.unit_of_measure or po_line.unit_of_measure
        line.site = line.site or po_line.site
        if po_line.status != OPEN:
            call.flag(ReceiptLine, "po_line", number, m.LINE_NOT_OPEN, po=order.number, line=number)
        if line.quantity <= 0:
            call.flag(
                ReceiptLine, "quantity", line.quantity, m.NOT_POSITIVE, label="Quantity received"
            )
            return None
        within_over_receipt(self.setup.tolerances, order, po_line, line, call)
        return line

    def _post_receipt_line(
        self,
        domain: Domain,
        order: PurchaseOrder,
        receipt: Receipt,
        line: ReceiptLine,
        call: Call,
    ) -> None:
        """Raise the PO line's received quantity and open a receiver for it."""
        po_line = order.lines[line.po_line]
        call.journal.set(po_line, "quantity_received", po_line.quantity_received + line.quantity)
        call.touch(po_line)
        receiver = OpenReceiver(
            domain=domain.code,
            receiver=receipt.receiver,
            po_number=order.number,
            po_line=line.po_line,
            supplier=order.supplier,
            item=po_line.item,
            receipt_date=receipt.receipt_date,
            quantity_received=line.quantity,
            unit_cost=po_line.purchase_cost,
            currency=order.currency,
        )
        self.sequences.stamp_new(receiver, call.user, call.now)
        key = receiver_key(receipt.receiver, line.po_line)
        call.journal.put(self.receivers.scope(domain.code), key, receiver)
        by_line = self.receivers_by_line.setdefault(
            (key_of(domain.code), key_of(order.number), line.po_line), []
        )
        call.journal.append(by_line, key)
        by_order = self.receivers_by_order.setdefault(
            (key_of(domain.code), key_of(order.number)), []
        )
        call.journal.append(by_order, key)

    def _receiver_number(self, domain: Domain, call: Call) -> str:
        while True:
            number = f"RC{self.sequences.next('rc:' + key_of(domain.code), call):06d}"
            if self.receipts.get(domain.code, number) is None:
                return number

    def move_matched(
        self, domain: Domain, match: MatchingLine, quantity: Decimal, call: Call
    ) -> None:
        """Move ``quantity`` (negative to reverse) of a match onto its receiver and PO line."""
        receiver = self.receivers.get(domain.code, receiver_key(match.receiver, match.po_line))
        order = self.orders.purchase_order(domain, match.po_number)
        assert receiver is not None
        assert order is not None
        call.journal.set(receiver, "quantity_matched", receiver.quantity_matched + quantity)
        if match.is_pvod_finished:
            call.journal.set(receiver, "is_finished", quantity > 0)
        call.touch(receiver)
        po_line = order.lines[match.po_line]
        call.journal.set(po_line, "quantity_invoiced", po_line.quantity_invoiced + quantity)
        call.touch(po_line)
        call.touch(order)

"""Purchase orders and their lines: header and line rules, item defaulting, the PO locks.

The locks: a PO keeps its supplier and currency once created; a PO with anything received
cannot be deleted, nor can a received line (close or cancel them instead); every line of a new
PO is itself a create. Lines are written with their PO or one by one (the grid).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

import attrs

from qad_client.testing import _messages as m
from qad_client.testing import _names as n
from qad_client.testing._codec import Values
from qad_client.testing._messages import Issue
from qad_client.testing._records import Domain, Item, POLine, PurchaseOrder, Record
from qad_client.testing._stores._base import (
    Call,
    Sequences,
    Table,
    Writer,
    expected_one_of,
    hash_ok,
    key_of,
    lookup,
    refuse_operation,
    unchanged,
)
from qad_client.testing._stores.accounts import AccountStore
from qad_client.testing._stores.items import ItemStore
from qad_client.testing._stores.setup import Setup, site_known
from qad_client.testing._stores.suppliers import SupplierStore

__all__ = [
    "LINE_FIELD_GROUPS",
    "OPEN",
    "ORDER_FIXED",
    "ORDER_STATUSES",
    "LineRule",
    "OrderStore",
    "check_due_date",
    "check_header",
    "check_line_cost",
    "check_line_due_date",
    "check_line_quantity",
    "check_line_site",
    "check_line_status",
    "check_order_status",
    "check_quantity_ordered",
    "default_line_from_item",
    "line_deletable",
    "new_order_line",
    "order_deletable",
]

ORDER_STATUSES = tuple(n.ORDER_STATUS.values())
OPEN = n.ORDER_STATUS["open"]
ORDER_FIXED = ("supplier", "currency")  # a PO's fields no update may change
_PO = "Purchase order"
_LINE = "Purchase order line"

# Which line rules ``fieldChangeV2`` runs for each changed field ("" for none).
LINE_FIELD_GROUPS: Mapping[str, str] = {
    "site": "site",
    "item": "item",
    "quantity_ordered": "quantity_ordered",
    "purchase_cost": "purchase_cost",
    "gl_account": "coding",
    "sub_account": "coding",
    "cost_centre": "coding",
    "project": "coding",
    "status": "status",
    "due_date": "due_date",
    "description": "",
    "unit_of_measure": "",
}


# --- rules -----------------------------------------------------------------------------------


def check_order_status(table: type, status: str, label: str, call: Call) -> None:
    """A header or line status is open, closed or cancelled."""
    if status not in ORDER_STATUSES:
        call.flag(
            table, "status", status, m.INVALID, label=label, reason=expected_one_of(ORDER_STATUSES)
        )


def check_due_date(table: type, due: date | None, ordered: date | None, call: Call) -> None:
    """A due date before the order date passes, with a warning."""
    if due and ordered and due < ordered:
        call.flag(
            table,
            "due_date",
            due.isoformat(),
            m.DUE_BEFORE_ORDER,
            warning=True,
            due=due.isoformat(),
            ordered=ordered.isoformat(),
        )


def check_header(setup: Setup, domain: Domain, order: PurchaseOrder, call: Call) -> None:
    """Header rules: known currency, terms and site, status O/C/X, positive rate."""
    setup.check_currency(order.currency, call, PurchaseOrder)
    setup.check_terms(order.credit_terms, call, PurchaseOrder)
    if not site_known(domain, order.ship_to):
        site = order.ship_to
        call.flag(PurchaseOrder, "ship_to", site, m.NOT_FOUND, label="Site", value=site)
    check_order_status(PurchaseOrder, order.status, "Order status", call)
    if order.exchange_rate <= 0:
        rate = order.exchange_rate
        call.flag(PurchaseOrder, "exchange_rate", rate, m.NOT_POSITIVE, label="Exchange rate")
    check_due_date(PurchaseOrder, order.due_date, order.order_date, call)


def check_quantity_ordered(line: POLine, call: Call) -> None:
    """A line orders a positive quantity, never less than it has received."""
    quantity = line.quantity_ordered
    if quantity <= 0:
        call.flag(POLine, "quantity_ordered", quantity, m.NOT_POSITIVE, label="Quantity ordered")
    elif quantity < line.quantity_received:
        call.flag(
            POLine,
            "quantity_ordered",
            quantity,
            m.BELOW_RECEIVED,
            quantity=quantity,
            received=line.quantity_received,
        )


def default_line_from_item(line: POLine, item: Item, values: Values) -> None:
    """Fill what the caller left blank from the item, as QAD's UI defaulting does."""
    if not values.has("description"):
        line.description = line.description or item.description1
    line.unit_of_measure = line.unit_of_measure or item.unit_of_measure
    if not values.has("purchase_cost") and not line.purchase_cost:
        line.purchase_cost = item.purchase_cost
    line.gl_account = line.gl_account or item.gl_account


LineRule = Callable[[Domain, PurchaseOrder, POLine, Call], None]


def check_line_site(domain: Domain, order: PurchaseOrder, line: POLine, call: Call) -> None:
    """A line is received at one of the domain's sites."""
    if not site_known(domain, line.site):
        call.flag(POLine, "site", line.site, m.NOT_FOUND, label="Site", value=line.site or "''")


def check_line_quantity(domain: Domain, order: PurchaseOrder, line: POLine, call: Call) -> None:
    """A line orders a positive quantity, never less than it has received."""
    check_quantity_ordered(line, call)


def check_line_cost(domain: Domain, order: PurchaseOrder, line: POLine, call: Call) -> None:
    """A line's purchase cost is 0 or more."""
    if line.purchase_cost < 0:
        cost = line.purchase_cost
        call.flag(POLine, "purchase_cost", cost, m.NEGATIVE, label="Purchase cost")


def check_line_status(domain: Domain, order: PurchaseOrder, line: POLine, call: Call) -> None:
    """A line's status is open, closed or cancelled."""
    check_order_status(POLine, line.status, "Line status", call)


def check_line_due_date(domain: Domain, order: PurchaseOrder, line: POLine, call: Call) -> None:
    """A line due before its order date passes, with a warning."""
    check_due_date(POLine, line.due_date, order.order_date, call)


def order_deletable(order: PurchaseOrder, sent: str, call: Call) -> bool:
    """PO lock: a PO with anything received cannot be deleted (close or cancel it instead)."""
    if any(line.quantity_received > 0 for line in order.lines.values()):
        call.flag(PurchaseOrder, "number", sent, m.HAS_RECEIPTS, label=_PO, value=sent)
        return False
    return True


def line_deletable(order: PurchaseOrder, line: POLine, call: Call) -> bool:
    """PO lock: a line with anything received stays."""
    if line.quantity_received > 0:
        ref = f"{order.number}/{line.line}"
        call.flag(POLine, "line", line.line, m.HAS_RECEIPTS, label=_LINE, value=ref)
        return False
    return True


def new_order_line(values: Values, call: Call) -> bool:
    """Every line of a new PO is itself a create."""
    if values.operation == "create":
        return True
    refuse_operation(POLine, values, call, "a line of a new purchase order")
    return False


# --- the store -------------------------------------------------------------------------------


class OrderStore:
    """Every domain's purchase orders, each holding its lines."""

    def __init__(
        self,
        setup: Setup,
        sequences: Sequences,
        suppliers: SupplierStore,
        items: ItemStore,
        accounts: AccountStore,
    ) -> None:
        self.setup = setup
        self.sequences = sequences
        self.suppliers = suppliers
        self.items = items
        self.accounts = accounts
        self.purchase_orders: Table[PurchaseOrder] = Table()

    @property
    def tables(self) -> Mapping[type, Table[Any]]:
        """Each record class this store keeps, and its table."""
        return {PurchaseOrder: self.purchase_orders}

    @property
    def writers(self) -> Mapping[type, Writer]:
        """The write path of each record class."""
        return {PurchaseOrder: self.write_purchase_order, POLine: self.write_po_line}

    # --- reads ------------------------------------------------------------------------------

    def purchase_order(self, domain: Domain, number: str) -> PurchaseOrder | None:
        """The purchase order ``number`` of ``domain``, if any."""
        return self.purchase_orders.get(domain.code, number)

    def lines(self, scope: str) -> Iterator[POLine]:
        """Every line of every PO of domain ``scope``."""
        for order in self.purchase_orders.records(scope):
            yield from order.lines.values()

    def lines_of(self, scope: str, po_number: str) -> Iterable[POLine]:
        """The lines of one PO of domain ``scope`` (none when it does not exist)."""
        order = self.purchase_orders.get(scope, po_number)
        return [] if order is None else order.lines.values()

    def line_template(self, domain: Domain, order: PurchaseOrder) -> POLine:
        """A new, unsaved line for ``order`` with QAD's defaults (the grid ``initialize`` call)."""
        return POLine(
            domain=domain.code,
            po_number=order.number,
            line=order.next_line,
            site=order.ship_to,
            due_date=order.due_date,
        )

    def next_po_number(self, domain: Domain, call: Call | None = None) -> str:
        """Take the next free purchase order number of ``domain``."""
        while True:
            number = f"PO{self.sequences.next('po:' + key_of(domain.code), call):06d}"
            if self.purchase_orders.get(domain.code, number) is None:
                return number

    def field_change(
        self, values: Values, attribute: str, *, default_domain: Domain | None, now: datetime
    ) -> tuple[POLine | None, list[Issue]]:
        """Default and check one changed field of an unsaved PO line (``fieldChangeV2``)."""
        call = Call("", default_domain, now)
        if attribute not in LINE_FIELD_GROUPS:
            label = "a purchase order line"
            call.flag(POLine, attribute, attribute, m.UNKNOWN_FIELD, value=attribute, label=label)
            return None, call.issues
        domain = self.setup.domain_of(values, call, POLine)
        order = self._order_of_line(domain, values, call) if domain else None
        if domain is None or order is None:
            return None, call.issues
        existing = order.lines.get(values.integer("line")) if values.has("line") else None
        line = attrs.evolve(existing) if existing else self.line_template(domain, order)
        values.assign(line, exclude=("domain", "po_number"))
        item = self.items.item(domain, line.item) if attribute == "item" else None
        if item is not None:
            line.description = item.description1
            line.unit_of_measure = item.unit_of_measure
            line.purchase_cost = item.purchase_cost
            line.gl_account = item.gl_account
        group = LINE_FIELD_GROUPS[attribute]
        if group:
            self.check_line(domain, order, line, call, only=group)
        return line, call.issues

    # --- headers ----------------------------------------------------------------------------

    def write_purchase_order(self, values: Values, call: Call) -> Record | None:
        """Create (with lines), change (header and lines) or delete a PO."""
        domain = self.setup.domain_of(values, call, PurchaseOrder)
        if domain is None:
            return None
        index = self.purchase_orders.scope(domain.code)
        number = values.text("number").strip()
        existing = index.get(key_of(number)) if number else None
        if values.operation == "create":
            if existing is not None:
                call.flag(
                    PurchaseOrder, "number", number, m.ALREADY_EXISTS, label=_PO, value=number
                )
                return None
            return self._create(domain, number, values, call)
        if existing is None:
            call.flag(PurchaseOrder, "number", number, m.NOT_FOUND, label=_PO, value=number or "''")
            return None
        if not hash_ok(existing, values, call, PurchaseOrder):
            return None
        if values.operation == "delete":
            if not order_deletable(existing, number, call):
                return None
            call.journal.pop(index, key_of(number))
            return existing
        return self._change(domain, existing, values, call)

    def _create(
        self, domain: Domain, number: str, values: Values, call: Call
    ) -> PurchaseOrder | None:
        """A new PO: header defaults from the supplier and domain, every line a create."""
        before = call.errors()
        supplier = self.suppliers.require(domain, values.text("supplier"), call, PurchaseOrder)
        if supplier is None:
            return None
        order = PurchaseOrder(domain=domain.code)
        values.assign(order, exclude=("domain", "number"))
        order.supplier = supplier.code
        order.currency = order.currency or supplier.currency
        order.credit_terms = order.credit_terms or supplier.credit_terms
        order.order_date = order.order_date or call.today
        if order.due_date is None:
            call.confirmations.append(m.DUE_DATE_DEFAULTED.format(date=order.order_date))
        order.due_date = order.due_date or order.order_date
        order.ship_to = order.ship_to or (domain.sites[0] if domain.sites else "")
        check_header(self.setup, domain, order, call)
        if call.errors() > before:
            return None
        order.number = number or self.next_po_number(domain, call)
        for line_values in values.lines("lines"):
            if new_order_line(line_values, call):
                self._line_create(domain, order, line_values, call)
        if call.errors() > before:
            return None
        self.sequences.stamp_new(order, call.user, call.now)
        call.journal.put(self.purchase_orders.scope(domain.code), key_of(order.number), order)
        return order

    def _change(
        self, domain: Domain, existing: PurchaseOrder, values: Values, call: Call
    ) -> PurchaseOrder | None:
        """The header changed (never its supplier or currency) and each line sent written."""
        before = call.errors()
        if not unchanged(existing, values, ORDER_FIXED, call, PurchaseOrder):
            return None
        draft = attrs.evolve(existing, lines=dict(existing.lines))
        values.assign(draft, exclude=("domain", "number", *ORDER_FIXED))
        check_header(self.setup, domain, draft, call)
        for line_values in values.lines("lines"):
            self._line_write(domain, draft, line_values, call, require_hash=False)
        if call.errors() > before:
            return None
        call.stamp_draft(draft, existing)
        call.journal.put(self.purchase_orders.scope(domain.code), key_of(existing.number), draft)
        return draft

    # --- lines ------------------------------------------------------------------------------

    def _order_of_line(self, domain: Domain, values: Values, call: Call) -> PurchaseOrder | None:
        number = values.text("po_number")
        return lookup(
            self.purchase_orders, domain.code, number, call, POLine, "po_number", "Purchase order"
        )

    def write_po_line(self, values: Values, call: Call) -> Record | None:
        """A line written on its own (the grid commit or ``purchaseOrderLines``)."""
        domain = self.setup.domain_of(values, call, POLine)
        order = self._order_of_line(domain, values, call) if domain else None
        if domain is None or order is None:
            return None
        line = self._line_write(domain, order, values, call, require_hash=True)
        if line is not None:
            call.touch(order)
        return line

    def _line_write(
        self,
        domain: Domain,
        order: PurchaseOrder,
        values: Values,
        call: Call,
        *,
        require_hash: bool,
    ) -> POLine | None:
        """Create, change or delete one line of ``order``; received lines stay."""
        if values.operation == "create":
            return self._line_create(domain, order, values, call)
        number = values.integer("line")
        existing = order.lines.get(number)
        if existing is None:
            ref = f"{order.number}/{number}"
            call.flag(POLine, "line", number, m.NOT_FOUND, label=_LINE, value=ref)
            return None
        if require_hash and not hash_ok(existing, values, call, POLine):
            return None
        if values.operation == "delete":
            if not line_deletable(order, existing, call):
                return None
            call.journal.pop(order.lines, number)
            return existing
        before = call.errors()
        draft = attrs.evolve(existing)
        values.assign(draft, exclude=("domain", "po_number", "line"))
        self._default_line(domain, draft, values)
        self.check_line(domain, order, draft, call)
        if call.errors() > before:
            return None
        call.stamp_draft(draft, existing)
        call.journal.put(order.lines, number, draft)
        return draft

    def _line_create(
        self, domain: Domain, order: PurchaseOrder, values: Values, call: Call
    ) -> POLine | None:
        """Add a line, numbered from the caller or the order's next number."""
        number = values.integer("line") if values.has("line") else 0
        number = number if number > 0 else order.next_line
        if number in order.lines:
            ref = f"{order.number}/{number}"
            call.flag(POLine, "line", number, m.ALREADY_EXISTS, label=_LINE, value=ref)
            return None
        before = call.errors()
        line = self.line_template(domain, order)
        line.line = number
        values.assign(line, exclude=("domain", "po_number", "line"))
        self._default_line(domain, line, values)
        self.check_line(domain, order, line, call)
        if call.errors() > before:
            return None
        self.sequences.stamp_new(line, call.user, call.now)
        call.journal.put(order.lines, number, line)
        call.journal.set(order, "next_line", max(order.next_line, number + 1))
        return line

    def _default_line(self, domain: Domain, line: POLine, values: Values) -> None:
        item = self.items.item(domain, line.item)
        if item is not None:
            default_line_from_item(line, item, values)

    def check_line(
        self,
        domain: Domain,
        order: PurchaseOrder,
        line: POLine,
        call: Call,
        *,
        only: str = "",
    ) -> None:
        """Line rules, all of them or only the ``only`` group (for ``fieldChangeV2``)."""
        rules: dict[str, LineRule] = {
            "site": check_line_site,
            "item": self._check_line_item,
            "quantity_ordered": check_line_quantity,
            "purchase_cost": check_line_cost,
            "status": check_line_status,
            "coding": self._check_line_coding,
            "due_date": check_line_due_date,
        }
        for group, rule in rules.items():
            if not only or only == group:
                rule(domain, order, line, call)

    def _check_line_item(
        self, domain: Domain, order: PurchaseOrder, line: POLine, call: Call
    ) -> None:
        """A line orders a known, active item."""
        lookup(self.items.items, domain.code, line.item, call, POLine, "item", "Item")

    def _check_line_coding(
        self, domain: Domain, order: PurchaseOrder, line: POLine, call: Call
    ) -> None:
        """A coded line (or one of a known item, coded from it) is coded as its account says."""
        known_item = self.items.item(domain, line.item) is not None
        if line.gl_account or known_item:
            self.accounts.check_coding(domain, line, call, POLine)

"""QAD as a target: purchase orders, and the coding tables a transform checks first
(supplier invoices are in :mod:`.qad_invoices`).

A PO is found by its external reference (``find_by_reference``), created with every line in
one request, and afterwards only ever updated in place: header changes, changed lines, added
lines, and lines gone from the source set to cancelled (``X``), never deleted. A Procurify PO
that is cancelled or closed cancels or closes the QAD PO. A second QAD PO is never made: a
create is only sent when the lookup found none.

QAD line numbers are the source's line numbers, so a line keeps its QAD line for good.

Only the client's public API is used: ``purchase_orders.create`` (lines numbered, the PO open,
closed or cancelled) and ``purchase_orders.save``, the one write that changes the header,
the changed lines (status included) and adds the new lines, checked against the hash the PO
was read with. :func:`plan_update` works out what that write carries.

The external reference sits in a 20-character free field (``customShort0`` by default) in
QAD, and the client refuses a longer one, so the flow derives a reference of at most 20.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

import attrs

from mlconnector_http import APIStatusError, Reject
from mlconnector_sync._flow import Match, WriteRefused, Written
from mlconnector_sync.adapters._common import refusal
from qad_client import (
    NewPurchaseOrder,
    NewPurchaseOrderLine,
    OpenReceiver,
    OrderStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    QADClient,
    QADNotFound,
)

__all__ = [
    "REFERENCE_LIMIT",
    "QADCodingTables",
    "QADPurchaseOrderSink",
    "code_key",
    "plan_update",
]

REFERENCE_LIMIT = 20  # the width of the customShort free field QAD keeps it in

OPEN, CLOSED, CANCELLED = (
    OrderStatus.OPEN.value,
    OrderStatus.CLOSED.value,
    OrderStatus.CANCELLED.value,
)


def code_key(code: str) -> str:
    """A QAD code as QAD compares it: trimmed, case-insensitive."""
    return code.strip().upper()


# -- reference tables -------------------------------------------------------------------------


class QADCodingTables:
    """Loaders for ``Flow.tables``: what QAD has, read once per unit run, as JSON-able data.

    Records the client could not decode are left out, so a PO coded to one is held rather
    than posted against a record nobody could read.
    """

    def __init__(self, client: QADClient) -> None:
        self.client = client

    def gl_accounts(self, partition: str) -> dict[str, Any]:
        """GL accounts by code: active, and which analysis codes a posting must carry."""
        found: dict[str, Any] = {}
        for account in self.client.gl_accounts.list().with_rejects():
            if not isinstance(account, Reject):
                found[code_key(account.code)] = {
                    "code": account.code,
                    "active": account.is_active,
                    "cost_centre": account.requires_cost_centre,
                    "project": account.requires_project,
                    "sub_account": account.allow_sub_account,
                }
        return found

    def cost_centres(self, partition: str) -> dict[str, Any]:
        """Cost centres by code: whether active."""
        return _actives(self.client.cost_centres.list().with_rejects())

    def projects(self, partition: str) -> dict[str, Any]:
        """Projects by code: whether active."""
        return _actives(self.client.projects.list().with_rejects())

    def sub_accounts(self, partition: str) -> dict[str, Any]:
        """Sub-accounts by code: whether active."""
        return _actives(self.client.sub_accounts.list().with_rejects())

    def suppliers(self, partition: str) -> dict[str, Any]:
        """Suppliers by code: whether active."""
        return _actives(self.client.suppliers.list().with_rejects())

    def open_receipts(self, partition: str) -> dict[str, Any]:
        """Received and not yet invoiced quantity by ``<PO number>/<line>`` (decimal strings)."""
        return self._open_by_po_line(lambda receiver: receiver.open_quantity)

    def open_receipt_amounts(self, partition: str) -> dict[str, Any]:
        """Received and not yet invoiced amount (quantity x unit cost) by ``<PO>/<line>``."""
        return self._open_by_po_line(lambda receiver: receiver.open_quantity * receiver.unit_cost)

    def _open_by_po_line(self, value: Callable[[OpenReceiver], Decimal]) -> dict[str, Any]:
        found: dict[str, Decimal] = {}
        for receiver in self.client.open_receivers.list().with_rejects():
            if not isinstance(receiver, Reject):
                slot = f"{code_key(receiver.po_number)}/{receiver.po_line}"
                found[slot] = found.get(slot, Decimal(0)) + value(receiver)
        return {slot: str(total) for slot, total in found.items()}


class _Coded(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def is_active(self) -> bool: ...


def _actives(items: Iterable[_Coded | Reject]) -> dict[str, Any]:
    return {code_key(item.code): item.is_active for item in items if not isinstance(item, Reject)}


# -- the sink --------------------------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _text(value: Any) -> str:
    return str(value or "").strip()


def _new_line(line: Mapping[str, Any]) -> NewPurchaseOrderLine:
    return NewPurchaseOrderLine(
        line=int(line["line"]),
        item=_text(line["item"]),
        quantity_ordered=Decimal(str(line["quantity"])),
        purchase_cost=Decimal(str(line["purchase_cost"])),
        description=_text(line.get("description")) or None,
        due_date=_date(line.get("due_date")),
        site=_text(line.get("site")) or None,
        gl_account=_text(line.get("gl_account")) or None,
        cost_centre=_text(line.get("cost_centre")) or None,
        project=_text(line.get("project")) or None,
        sub_account=_text(line.get("sub_account")) or None,
    )


def _line_changes(current: PurchaseOrderLine, wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``current`` that differ from the wanted line (codes compared as QAD does)."""
    new = _new_line(wanted)
    changes: dict[str, Any] = {}
    for name in ("item", "gl_account", "cost_centre", "project", "sub_account"):
        value = getattr(new, name) or ""
        if code_key(value) != code_key(getattr(current, name)):
            changes[name] = value
    if new.quantity_ordered != current.quantity_ordered:
        changes["quantity_ordered"] = new.quantity_ordered
    if new.purchase_cost != current.purchase_cost:
        changes["purchase_cost"] = new.purchase_cost
    if new.description is not None and new.description != current.description:
        changes["description"] = new.description
    if new.due_date is not None and new.due_date != current.due_date:
        changes["due_date"] = new.due_date
    if new.site is not None and code_key(new.site) != code_key(current.site):
        changes["site"] = new.site
    if current.status == CANCELLED:  # cancelled here earlier, back in the source: reopen
        changes["status"] = OrderStatus.OPEN
    return changes


def plan_update(
    current: PurchaseOrder, reference: str, document: Mapping[str, Any]
) -> tuple[PurchaseOrder, list[NewPurchaseOrderLine]] | None:
    """What to save to bring ``current`` (read with ``get``) up to ``document``.

    Returns the arguments of ``purchase_orders.save``: ``current`` with the header changed
    and only the changed lines (a line gone from the source cancelled), and the new lines;
    or ``None`` when QAD already holds the document. Raises :class:`WriteRefused` for a
    change QAD cannot make in place.
    """
    supplier = _text(document.get("supplier"))
    if supplier and code_key(supplier) != code_key(current.supplier):
        raise WriteRefused(
            f"QAD PO {current.number} is for supplier {current.supplier}, the source PO now "
            f"for {supplier}; QAD cannot change a PO's supplier: cancel the QAD PO and "
            "replay the record to post a new one",
            permanent=True,
            field="supplier",
        )
    currency = _text(document.get("currency"))
    if currency and current.currency and code_key(currency) != code_key(current.currency):
        raise WriteRefused(
            f"QAD PO {current.number} is in {current.currency}, the source PO now in "
            f"{currency}; QAD cannot change a PO's currency",
            permanent=True,
            field="currency",
        )
    header: dict[str, Any] = {}
    if current.external_reference != reference:
        header["external_reference"] = reference
    for name in ("order_date", "due_date"):
        value = _date(document.get(name))
        if value is not None and value != getattr(current, name):
            header[name] = value
    remarks = document.get("remarks")
    if remarks is not None and str(remarks) != current.remarks:
        header["remarks"] = str(remarks)
    ship_to = _text(document.get("ship_to"))
    if ship_to and code_key(ship_to) != code_key(current.ship_to):
        header["ship_to"] = ship_to
    status = str(document.get("status") or OPEN)
    if status != current.status.value:
        reopen = current.status == CANCELLED or bool(document.get("reopen"))
        if status != OPEN or reopen:
            header["status"] = OrderStatus(status)

    changed: list[PurchaseOrderLine] = []
    new: list[NewPurchaseOrderLine] = []
    lines = document.get("lines")
    if lines is not None:
        wanted = {int(line["line"]): line for line in lines}
        existing = {line.line: line for line in current.lines}
        for number, line in sorted(existing.items()):
            if number in wanted:
                changes = _line_changes(line, wanted[number])
                if changes:
                    changed.append(attrs.evolve(line, **changes))
            elif line.status == OPEN:
                changed.append(attrs.evolve(line, status=OrderStatus.CANCELLED))
        new = [_new_line(line) for n, line in sorted(wanted.items()) if n not in existing]
    if not header and not changed and not new:
        return None
    return attrs.evolve(current, **header, lines=changed), new


class QADPurchaseOrderSink:
    """Purchase orders keyed by external reference; one QAD PO per source PO, for good."""

    def __init__(self, client: QADClient) -> None:
        self.client = client

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        return [Match(po.number) for po in self.client.purchase_orders.find_by_reference(reference)]

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        lines = list(document.get("lines") or [])
        if not lines:
            raise WriteRefused("a QAD purchase order needs a line", permanent=True, field="lines")
        status = str(document.get("status") or OPEN)
        order = NewPurchaseOrder(
            supplier=_text(document["supplier"]),
            order_date=dt.date.fromisoformat(str(document["order_date"])),
            due_date=_date(document.get("due_date")),
            currency=_text(document.get("currency")) or None,
            ship_to=_text(document.get("ship_to")) or None,
            remarks=document.get("remarks"),
            external_reference=reference,
            status=None if status == OPEN else OrderStatus(status),
            lines=[_new_line(line) for line in lines],  # numbered as in the source
        )
        try:
            created = self.client.purchase_orders.create(order).record
        except APIStatusError as error:
            raise refusal(error) from error
        return Written(created.number)

    def update(self, target_id: str, reference: str, document: Mapping[str, Any]) -> Written:
        try:
            current = self.client.purchase_orders.get(target_id)
        except QADNotFound as error:
            raise WriteRefused(
                f"QAD PO {target_id} no longer exists; replay the record to post it again",
                permanent=True,
                request_id=error.request_id,
            ) from error
        except APIStatusError as error:
            raise refusal(error) from error
        plan = plan_update(current, reference, document)
        if plan is None:
            return Written(current.number)
        order, new_lines = plan
        try:
            saved = self.client.purchase_orders.save(order, new_lines=new_lines).record
        except APIStatusError as error:
            raise refusal(error) from error
        return Written(saved.number)

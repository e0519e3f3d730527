"""QAD as a target for payables: supplier invoices (with an optional companion credit note)
and supplier payments.

Every flow that posts a supplier invoice (Procurify bills, Procore subcontractor invoices and
direct costs) hands :class:`QADSupplierInvoiceSink` one document shape:

- ``supplier``, ``invoice_number`` (the supplier's number: QAD's ``reference``, which with
  the supplier and the invoice type is QAD's natural key), ``invoice_type`` (``INVOICE`` or
  ``CREDITNOTE``), ``invoice_date``, optional ``due_date``, ``currency``, ``tax`` and
  ``total`` (the lines plus tax; decimal strings);
- ``matches``: lines billed against a QAD PO's receipts, each ``{po_number, po_line}`` with
  either ``quantity`` and ``unit_price`` (a bill's quantities) or ``amount`` (a
  subcontractor's claim in money); the receivers are chosen at write time, oldest first;
- ``expenses``: ``{gl_account, amount, sub_account?, cost_centre?, project?, text?}``;
- optional ``credit_note``: ``{total, expenses}``, a credit note for the same supplier and
  number (a subcontractor invoice's retainage withheld: QAD refuses negative lines), whose
  external reference is the record's with :data:`CREDIT_SUFFIX`.

A record counts as posted only when every document exists; a lookup that finds one part
remembers it, so the create that follows sends only the missing one. An invoice number QAD
already holds for the supplier under another reference is refused, never posted twice. A
later change of lines or amounts is made in place while the QAD document is unpaid and not
final, and otherwise held for a person, naming what changed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from mlconnector_http import APIStatusError, Reject
from mlconnector_sync._flow import Match, WriteRefused, Written
from mlconnector_sync.adapters._common import refusal
from mlconnector_sync.adapters.qad_sinks import code_key
from qad_client import (
    ExpenseLine,
    InvoiceStatus,
    InvoiceType,
    MatchingLine,
    NewAllocation,
    NewExpenseLine,
    NewMatchingLine,
    NewSupplierInvoice,
    NewSupplierPayment,
    QADClient,
    QADDuplicate,
    QADNotFound,
    SupplierInvoice,
)

__all__ = [
    "CREDIT_SUFFIX",
    "QADSupplierInvoiceSink",
    "QADSupplierPaymentSink",
    "QADSupplierTable",
    "invoice_difference",
    "shared",
]

CREDIT_SUFFIX = "-RET"
_CENT = Decimal("0.01")
_QUANTITY = Decimal("1e-10")  # a part of a receipt billed by amount: ample for any cent
_ZERO = Decimal(0)


def shared(
    loader: Callable[[str], Mapping[str, Any]], *, ttl: float = 60.0
) -> Callable[[str], Mapping[str, Any]]:
    """A ``Flow.tables`` loader whose answer does not depend on the partition (QAD's master
    data is the same for every Procore project), read once per ``ttl`` seconds for all of
    them instead of once per project: a code added in QAD is seen within ``ttl``."""
    cache: dict[str, Any] = {}

    def load(partition: str) -> Mapping[str, Any]:
        if "value" not in cache or time.monotonic() - cache["at"] > ttl:
            cache["value"], cache["at"] = loader(partition), time.monotonic()
        value: Mapping[str, Any] = cache["value"]
        return value

    return load


class QADSupplierTable:
    """A ``Flow.tables`` loader: suppliers by code, whether active, and their currency."""

    def __init__(self, client: QADClient) -> None:
        self.client = client

    def suppliers(self, partition: str) -> dict[str, Any]:
        return {
            code_key(s.code): {"code": s.code, "active": s.is_active, "currency": s.currency}
            for s in self.client.suppliers.list().with_rejects()
            if not isinstance(s, Reject)
        }


# -- the document ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return str(value or "").strip()


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(_CENT)


def _expense(line: Mapping[str, Any]) -> ExpenseLine:
    return ExpenseLine(
        gl_account=_text(line["gl_account"]),
        amount=_money(line["amount"]),
        sub_account=_text(line.get("sub_account")),
        cost_centre=_text(line.get("cost_centre")),
        project=_text(line.get("project")),
        text=_text(line.get("text")),
    )


def _new_expense(line: ExpenseLine) -> NewExpenseLine:
    return NewExpenseLine(
        gl_account=line.gl_account,
        amount=line.amount,
        sub_account=line.sub_account or None,
        cost_centre=line.cost_centre or None,
        project=line.project or None,
        text=line.text or None,
    )


@attrs.frozen
class _Want:
    """What a document bills on one QAD PO line: a quantity at a price, or an amount."""

    quantity: Decimal | None
    unit_price: Decimal | None
    amount: Decimal

    def key(self) -> tuple[Decimal | None, ...]:
        """What must agree: quantity and price where billed so, else the amount."""
        if self.quantity is not None:
            return (self.quantity, self.unit_price)
        return (self.amount,)

    def shown(self) -> str:
        if self.quantity is not None:
            return f"{self.quantity} at {self.unit_price}"
        return str(self.amount)


def _wanted(part: Mapping[str, Any]) -> dict[tuple[str, int], _Want]:
    """The quantity and price (or the amount) billed per QAD PO line."""
    wanted: dict[tuple[str, int], _Want] = {}
    for match in part.get("matches") or []:
        slot = (code_key(str(match["po_number"])), int(match["po_line"]))
        before = wanted.get(slot)
        if match.get("quantity") is not None:
            quantity, price = Decimal(str(match["quantity"])), Decimal(str(match["unit_price"]))
            amount = (quantity * price).quantize(_CENT)
            if before is not None and before.quantity is not None:
                quantity += before.quantity
            wanted[slot] = _Want(quantity, price, amount + (before.amount if before else _ZERO))
        else:
            amount = _money(match["amount"]) + (before.amount if before else _ZERO)
            wanted[slot] = _Want(None, None, amount)
    return wanted


def _held(
    invoice: SupplierInvoice, like: Mapping[tuple[str, int], _Want]
) -> dict[tuple[str, int], _Want]:
    """What ``invoice`` bills per PO line, in the terms the document uses for that line."""
    held: dict[tuple[str, int], _Want] = {}
    for match in invoice.matching_lines:
        slot = (code_key(match.po_number), match.po_line)
        before = held.get(slot, _Want(_ZERO, match.unit_price, _ZERO))
        amount = (match.quantity * match.unit_price).quantize(_CENT)
        held[slot] = _Want(
            (before.quantity or _ZERO) + match.quantity, match.unit_price, before.amount + amount
        )
    return {
        slot: _Want(None, None, want.amount)
        if slot in like and like[slot].quantity is None
        else want
        for slot, want in held.items()
    }


def _expense_rows(lines: Iterable[ExpenseLine]) -> list[tuple[str, ...]]:
    return sorted(
        (
            code_key(x.gl_account),
            code_key(x.cost_centre),
            code_key(x.project),
            code_key(x.sub_account),
            str(x.amount.normalize()),
        )
        for x in lines
    )


def invoice_difference(invoice: SupplierInvoice, part: Mapping[str, Any]) -> list[str]:
    """What the document (or its credit note part) changes in a QAD invoice's lines and
    amounts, one phrase each; empty when QAD already holds it."""
    changes: list[str] = []
    total = _money(part["total"])
    if total != invoice.total:
        changes.append(f"total {invoice.total} -> {total} {invoice.currency}".rstrip())
    tax = _money(part.get("tax") or "0")
    if tax != invoice.tax:
        changes.append(f"tax {invoice.tax} -> {tax}")
    wanted = _wanted(part)
    held = _held(invoice, wanted)
    for slot in sorted(held.keys() | wanted.keys()):
        before, after = held.get(slot), wanted.get(slot)
        if before is None or after is None or before.key() != after.key():
            shown = [w.shown() if w else "none" for w in (before, after)]
            changes.append(f"PO {slot[0]} line {slot[1]}: {shown[0]} -> {shown[1]}")
    new_expenses = [_expense(x) for x in part.get("expenses") or []]
    if _expense_rows(invoice.expense_lines) != _expense_rows(new_expenses):
        shown = [f"{x.gl_account} {x.amount}" for x in invoice.expense_lines]
        wanted_shown = [f"{x.gl_account} {x.amount}" for x in new_expenses]
        changes.append(f"expense lines [{', '.join(shown)}] -> [{', '.join(wanted_shown)}]")
    return changes


@attrs.frozen
class _Receiver:
    received: dt.date
    receiver: str
    open_quantity: Decimal
    po_number: str
    unit_cost: Decimal


@attrs.define
class _Parts:
    """The documents of one record found in QAD by a lookup."""

    invoice: SupplierInvoice | None = None
    credit: SupplierInvoice | None = None


# -- the sink ------------------------------------------------------------------------------------


class QADSupplierInvoiceSink:
    """Supplier invoices (and companion credit notes) keyed by external reference, then, with
    ``adopt_by_number``, by the supplier's invoice number and type: an invoice AP keyed by
    hand before the sync knew of it is linked rather than refused. Without it, one lookup
    fewer per document, and QAD's own duplicate check still refuses a second one. See the
    module for the document."""

    def __init__(self, client: QADClient, *, adopt_by_number: bool = True) -> None:
        self.client = client
        self.adopt_by_number = adopt_by_number
        self._partial: dict[str, _Parts] = {}

    # -- lookup

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        invoices = self._find(reference, document, _kind(document))
        if len(invoices) > 1:
            return [Match(str(i.id), how) for i, how in invoices]
        parts = _Parts(invoice=invoices[0][0] if invoices else None)
        if document.get("credit_note"):
            credits = self._find(reference + CREDIT_SUFFIX, document, InvoiceType.CREDIT_NOTE)
            if len(credits) > 1:
                return [Match(str(c.id), "companion credit note") for c, _ in credits]
            parts.credit = credits[0][0] if credits else None
            if parts.invoice is not None and parts.credit is None:
                self._partial[reference] = parts
                return []
        if parts.invoice is None:
            if parts.credit is not None:
                self._partial[reference] = parts
            return []
        return [Match(str(parts.invoice.id), invoices[0][1])]

    def _find(
        self, reference: str, document: Mapping[str, Any], kind: InvoiceType
    ) -> list[tuple[SupplierInvoice, str]]:
        """By external reference; else an unlinked invoice of the same supplier, number and
        type (keyed in QAD by hand before the sync knew of it)."""
        found = self.client.supplier_invoices.find_by_reference(reference)
        if found or not self.adopt_by_number:
            return [(invoice, "reference") for invoice in found]
        same = self.client.supplier_invoices.find_by_supplier_reference(
            _text(document["supplier"]), _text(document["invoice_number"]), invoice_type=kind
        )
        if same is not None and not same.external_reference.strip():
            return [(same, "supplier invoice number")]
        return []

    # -- create

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        found = self._partial.pop(reference, _Parts())
        invoice = found.invoice or self._create(reference, document, document, _kind(document))
        credit = document.get("credit_note")
        if credit and found.credit is None:
            self._create(reference + CREDIT_SUFFIX, document, credit, InvoiceType.CREDIT_NOTE)
        return Written(str(invoice.id))

    def _create(
        self,
        reference: str,
        document: Mapping[str, Any],
        part: Mapping[str, Any],
        kind: InvoiceType,
    ) -> SupplierInvoice:
        supplier, number = _text(document["supplier"]), _text(document["invoice_number"])
        try:
            new = NewSupplierInvoice(
                supplier=supplier,
                reference=number,
                invoice_date=dt.date.fromisoformat(str(document["invoice_date"])),
                due_date=_date(document.get("due_date")),
                currency=_text(document.get("currency")),
                invoice_type=kind,
                tax=_money(part.get("tax") or "0"),
                total=_money(part["total"]),
                external_reference=reference,
                matching_lines=[_new_match(m) for m in self._receivers(part)],
                expense_lines=[_new_expense(_expense(x)) for x in part.get("expenses") or []],
            )
            return self.client.supplier_invoices.create(new).record
        except QADDuplicate as error:
            raise WriteRefused(
                f"QAD already has {kind.value} {number} of supplier {supplier} under another "
                "reference: not posted twice; link or remove the QAD document, then replay",
                permanent=True,
                field="invoice_number",
                request_id=error.request_id,
            ) from error
        except APIStatusError as error:
            raise refusal(error) from error

    def _receivers(
        self, part: Mapping[str, Any], current: SupplierInvoice | None = None
    ) -> list[MatchingLine]:
        """Matching lines for what ``part`` bills per PO line, from the receivers open now
        (plus, on an update, those the invoice already matches), oldest receipt first."""
        wanted = _wanted(part)
        pool: dict[tuple[str, int], list[_Receiver]] = {}
        if current is not None:
            for match in current.matching_lines:
                slot = (code_key(match.po_number), match.po_line)
                pool.setdefault(slot, []).append(
                    _Receiver(
                        dt.date.min, match.receiver, match.quantity, match.po_number,
                        match.unit_price,
                    )
                )  # fmt: skip
        for po_number in sorted({slot[0] for slot in wanted}):
            for row in self.client.open_receivers.list(po_number=po_number):
                slot = (code_key(row.po_number), row.po_line)
                pool.setdefault(slot, []).append(
                    _Receiver(
                        row.receipt_date or dt.date.min, row.receiver, row.open_quantity,
                        row.po_number, row.unit_cost,
                    )
                )  # fmt: skip
        lines: list[MatchingLine] = []
        for slot, want in sorted(wanted.items()):
            receivers = sorted(pool.get(slot, []), key=lambda r: (r.received, r.receiver))
            if want.quantity is not None and want.unit_price is not None:
                left = _take_quantity(slot, want.quantity, want.unit_price, receivers, lines)
                if left > 0:
                    raise WriteRefused(
                        f"PO {slot[0]} line {slot[1]}: billed {want.quantity}, only "
                        f"{want.quantity - left} received in QAD and not invoiced elsewhere",
                        permanent=False,
                        field="matches",
                    )
            else:
                left = _take_amount(slot, want.amount, receivers, lines)
                if left > 0:
                    raise WriteRefused(
                        f"receipts on QAD PO {slot[0]} line {slot[1]} cover {want.amount - left}"
                        f" of {want.amount}; the invoice waits for the rest to be received",
                        permanent=False,
                        field="matches",
                    )
        return lines

    # -- update

    def update(self, target_id: str, reference: str, document: Mapping[str, Any]) -> Written:
        current = self._get(target_id)
        self._save(current, reference, document, document)
        credit = document.get("credit_note")
        if credit:
            try:
                found = self.client.supplier_invoices.find_by_reference(reference + CREDIT_SUFFIX)
            except APIStatusError as error:
                raise refusal(error) from error
            if not found:
                self._create(reference + CREDIT_SUFFIX, document, credit, InvoiceType.CREDIT_NOTE)
            else:
                self._save(found[0], reference + CREDIT_SUFFIX, document, credit)
        return Written(str(current.id))

    def _get(self, target_id: str) -> SupplierInvoice:
        try:
            return self.client.supplier_invoices.get(int(target_id))
        except QADNotFound as error:
            raise WriteRefused(
                f"QAD supplier invoice {target_id} no longer exists; replay the record to "
                "post it again",
                permanent=True,
                request_id=error.request_id,
            ) from error
        except APIStatusError as error:
            raise refusal(error) from error

    def _save(
        self,
        current: SupplierInvoice,
        reference: str,
        document: Mapping[str, Any],
        part: Mapping[str, Any],
    ) -> None:
        """Bring one QAD document up to ``part``: in place while it is unpaid and not final,
        else held for a person with what changed."""
        changes: dict[str, Any] = {}
        if current.external_reference != reference:
            changes["external_reference"] = reference
        due = _date(document.get("due_date"))
        if due is not None and due != current.due_date:
            changes["due_date"] = due
        difference = invoice_difference(current, part)
        if difference:
            if current.balance != current.total or current.status == InvoiceStatus.FINAL:
                state = "final" if current.status == InvoiceStatus.FINAL else "paid"
                raise WriteRefused(
                    f"QAD supplier invoice {current.reference} ({current.id}) is {state} and "
                    f"the source changed: {'; '.join(difference)}",
                    permanent=True,
                    field="lines",
                    waits_on=f"a person to adjust {state} QAD supplier invoice {current.id}",
                )
            changes.update(
                matching_lines=self._receivers(part, current),
                expense_lines=[_expense(x) for x in part.get("expenses") or []],
                tax=_money(part.get("tax") or "0"),
                total=_money(part["total"]),
            )
        if not changes:
            return
        try:
            self.client.supplier_invoices.update(attrs.evolve(current, **changes))
        except APIStatusError as error:
            raise refusal(error) from error


def _kind(document: Mapping[str, Any]) -> InvoiceType:
    return InvoiceType(str(document.get("invoice_type") or InvoiceType.INVOICE.value))


def _new_match(line: MatchingLine) -> NewMatchingLine:
    return NewMatchingLine(
        po_number=line.po_number,
        po_line=line.po_line,
        receiver=line.receiver,
        quantity=line.quantity,
        unit_price=line.unit_price,
    )


def _take_quantity(
    slot: tuple[str, int],
    quantity: Decimal,
    price: Decimal,
    receivers: Sequence[_Receiver],
    into: list[MatchingLine],
) -> Decimal:
    """Draw ``quantity`` from the receivers at the billed ``price``; what is left over."""
    left = quantity
    for receiver in receivers:
        take = min(left, receiver.open_quantity)
        if take > 0:
            into.append(
                MatchingLine(
                    po_number=receiver.po_number,
                    po_line=slot[1],
                    receiver=receiver.receiver,
                    quantity=take,
                    unit_price=price,
                )
            )
            left -= take
    return left


def _take_amount(
    slot: tuple[str, int], amount: Decimal, receivers: Sequence[_Receiver], into: list[MatchingLine]
) -> Decimal:
    """Draw ``amount`` from the receivers at their unit cost, in the cents QAD books (each
    line rounded to the cent); what is left over."""
    left = amount
    for receiver in receivers:
        if receiver.unit_cost <= 0 or left <= 0:
            continue
        worth = (receiver.open_quantity * receiver.unit_cost).quantize(_CENT, ROUND_HALF_UP)
        if worth <= 0:
            continue
        if worth <= left:
            quantity, booked = receiver.open_quantity, worth
        else:
            quantity, booked = (left / receiver.unit_cost).quantize(_QUANTITY, ROUND_HALF_UP), left
        left -= booked
        into.append(
            MatchingLine(
                po_number=receiver.po_number,
                po_line=slot[1],
                receiver=receiver.receiver,
                quantity=quantity,
                unit_price=receiver.unit_cost,
            )
        )
    return left


class QADSupplierPaymentSink:
    """Supplier payments keyed by external reference, each allocated to the invoices it pays.

    QAD cannot change a posted payment's amount or allocations: an update that would is
    refused, naming both amounts.
    """

    def __init__(self, client: QADClient) -> None:
        self.client = client

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        return [Match(p.number) for p in self.client.supplier_payments.find_by_reference(reference)]

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        payment = NewSupplierPayment(
            supplier=str(document["supplier"]),
            payment_date=dt.date.fromisoformat(str(document["payment_date"])),
            bank_gl_account=str(document["bank_gl_account"]),
            currency=str(document["currency"]),
            amount=_money(document["amount"]),
            allocations=[
                NewAllocation(amount=_money(a["amount"]), invoice_id=int(a["invoice_id"]))
                for a in document["allocations"]
            ],
            external_reference=reference,
        )
        try:
            created = self.client.supplier_payments.create(payment).record
        except APIStatusError as error:
            raise refusal(error) from error
        return Written(created.number)

    def update(self, target_id: str, reference: str, document: Mapping[str, Any]) -> Written:
        try:
            current = self.client.supplier_payments.get(target_id)
        except APIStatusError as error:
            raise refusal(error) from error
        if current.amount != _money(document["amount"]):
            raise WriteRefused(
                f"QAD payment {target_id} was posted for {current.amount}; the source now says "
                f"{document['amount']}. QAD cannot change a posted payment: void it in QAD and "
                "replay the record",
                permanent=True,
                field="amount",
            )
        return Written(target_id)

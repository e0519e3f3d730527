"""QAD as a target for payables: supplier invoices (retainage on a credit note) and payments.

A source invoice becomes up to two QAD documents, both carrying external references derived
from the one reference of the record:

- the **invoice** (``<reference>``): expense lines coded to GL account, cost centre and
  project, or matching lines against a PO's receivers, plus, when retainage held earlier is
  paid out, a line to the retainage-payable account;
- the **retainage credit note** (``<reference>-RET``): the retainage withheld this period,
  on the retainage-payable account, so the supplier's open balance is the net payable while
  the expense accounts carry the gross.

QAD refuses negative invoice lines, hence the credit note. A record counts as posted only
when every part exists; a lookup that finds one part remembers it, so the create that
follows sends only the missing one. QAD cannot change a registered invoice's amounts: an
update whose amounts differ is refused, naming both.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from mlconnector_http import APIStatusError, Reject
from mlconnector_sync._flow import Match, WriteRefused, Written
from mlconnector_sync.adapters._common import refusal
from mlconnector_sync.adapters.qad_sinks import code_key
from qad_client import (
    InvoiceType,
    NewAllocation,
    NewExpenseLine,
    NewMatchingLine,
    NewSupplierInvoice,
    NewSupplierPayment,
    OpenReceiver,
    QADClient,
    QADNotFound,
    SupplierInvoice,
)

__all__ = [
    "CREDIT_SUFFIX",
    "QADSupplierInvoiceSink",
    "QADSupplierPaymentSink",
    "QADSupplierTable",
    "document_totals",
    "shared",
]

CREDIT_SUFFIX = "-RET"
_CENT = Decimal("0.01")


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


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(_CENT)


def document_totals(document: Mapping[str, Any]) -> tuple[Decimal, Decimal]:
    """(invoice total, credit note total) of an invoice document."""
    invoice = document["invoice"]
    total = sum((_money(x["amount"]) for x in invoice.get("lines") or ()), Decimal("0.00"))
    total += sum((_money(x["amount"]) for x in invoice.get("matching") or ()), Decimal("0.00"))
    credit = document.get("credit")
    credited = (
        sum((_money(x["amount"]) for x in credit["lines"]), Decimal("0.00"))
        if credit
        else Decimal("0.00")
    )
    return total, credited


def _expense(line: Mapping[str, Any]) -> NewExpenseLine:
    return NewExpenseLine(
        gl_account=str(line["gl_account"]),
        amount=_money(line["amount"]),
        cost_centre=line.get("cost_centre") or None,
        project=line.get("project") or None,
        text=line.get("text") or None,
    )


@attrs.define
class _Parts:
    """The parts of one record found in QAD by a lookup."""

    invoice: SupplierInvoice | None = None
    credit: SupplierInvoice | None = None


class QADSupplierInvoiceSink:
    """Supplier invoices (and their retainage credit notes) keyed by external reference."""

    def __init__(self, client: QADClient) -> None:
        self.client = client
        self._partial: dict[str, _Parts] = {}

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        invoices = self.client.supplier_invoices.find_by_reference(reference)
        if len(invoices) > 1:
            return [Match(str(i.id)) for i in invoices]
        parts = _Parts(invoice=invoices[0] if invoices else None)
        if document.get("credit"):
            credits = self.client.supplier_invoices.find_by_reference(reference + CREDIT_SUFFIX)
            if len(credits) > 1:
                return [Match(str(c.id), "retainage credit note") for c in credits]
            parts.credit = credits[0] if credits else None
            if parts.invoice is not None and parts.credit is None:
                self._partial[reference] = parts
                return []
        if parts.invoice is None:
            if parts.credit is not None:
                self._partial[reference] = parts
            return []
        return [Match(str(parts.invoice.id))]

    def _new(
        self,
        reference: str,
        document: Mapping[str, Any],
        part: Mapping[str, Any],
        kind: InvoiceType,
    ) -> NewSupplierInvoice:
        supplier = str(document["supplier"])
        return NewSupplierInvoice(
            supplier=supplier,
            reference=reference,
            invoice_date=dt.date.fromisoformat(str(document["invoice_date"])),
            currency=str(document["currency"]),
            expense_lines=[_expense(line) for line in part.get("lines") or ()],
            matching_lines=self._matches(supplier, part.get("matching") or ()),
            invoice_type=kind,
            external_reference=reference,
        )

    def _matches(self, supplier: str, wanted: Iterable[Mapping[str, Any]]) -> list[NewMatchingLine]:
        """Matching lines for amounts on PO lines, drawn from the receivers open right now
        (oldest first); receipts that do not cover an amount refuse the write for now."""
        open_by_po: dict[str, list[OpenReceiver]] = {}
        taken: dict[tuple[str, int], Decimal] = {}
        lines: list[NewMatchingLine] = []
        for item in wanted:
            po, po_line, amount = (
                str(item["po_number"]),
                int(item["po_line"]),
                _money(item["amount"]),
            )
            if po not in open_by_po:
                open_by_po[po] = sorted(
                    self.client.open_receivers.list(po_number=po),
                    key=lambda r: (r.receipt_date or dt.date.min, r.receiver),
                )
            left = amount
            for receiver in open_by_po[po]:
                if receiver.po_line != po_line or receiver.unit_cost <= 0 or left <= 0:
                    continue
                key = (receiver.receiver, po_line)
                available = receiver.open_quantity - taken.get(key, Decimal(0))
                quantity = min(available, left / receiver.unit_cost)
                if quantity <= 0:
                    continue
                taken[key] = taken.get(key, Decimal(0)) + quantity
                left -= quantity * receiver.unit_cost
                lines.append(
                    NewMatchingLine(
                        po_number=po,
                        po_line=po_line,
                        receiver=receiver.receiver,
                        quantity=quantity,
                        unit_price=receiver.unit_cost,
                    )
                )
            if left > 0:
                raise WriteRefused(
                    f"receipts on QAD PO {po} line {po_line} cover {amount - left} of {amount}; "
                    "the invoice waits for the rest to be received",
                    permanent=False,
                    field="matching",
                )
        return lines

    def _create(
        self,
        reference: str,
        document: Mapping[str, Any],
        part: Mapping[str, Any],
        kind: InvoiceType,
    ) -> SupplierInvoice:
        try:
            return self.client.supplier_invoices.create(
                self._new(reference, document, part, kind)
            ).record
        except APIStatusError as error:
            raise refusal(error) from error

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        found = self._partial.pop(reference, _Parts())
        invoice = found.invoice or self._create(
            reference, document, document["invoice"], InvoiceType.INVOICE
        )
        credit = document.get("credit")
        if credit and found.credit is None:
            self._create(reference + CREDIT_SUFFIX, document, credit, InvoiceType.CREDIT_NOTE)
        return Written(str(invoice.id))

    def update(self, target_id: str, reference: str, document: Mapping[str, Any]) -> Written:
        """Nothing to send when QAD holds the same amounts; a change of amounts is refused."""
        try:
            current = self.client.supplier_invoices.get(int(target_id))
        except QADNotFound as error:
            raise WriteRefused(
                f"QAD supplier invoice {target_id} no longer exists; replay the record to post "
                "it again",
                permanent=True,
                request_id=error.request_id,
            ) from error
        except APIStatusError as error:
            raise refusal(error) from error
        total, credited = document_totals(document)
        if current.total != total:
            raise WriteRefused(
                f"QAD supplier invoice {target_id} ({current.reference}) was registered for "
                f"{current.total}; the source now asks {total}. QAD cannot change a "
                "registered invoice's amounts: post the difference as its own document",
                permanent=True,
                field="total",
            )
        credit = document.get("credit")
        if credit:
            try:
                found = self.client.supplier_invoices.find_by_reference(reference + CREDIT_SUFFIX)
            except APIStatusError as error:
                raise refusal(error) from error
            if not found:
                self._create(reference + CREDIT_SUFFIX, document, credit, InvoiceType.CREDIT_NOTE)
            elif found[0].total != credited:
                raise WriteRefused(
                    f"the retainage credit note {found[0].reference} was registered for "
                    f"{found[0].total}; the source now withholds {credited}: post the "
                    "difference as its own document",
                    permanent=True,
                    field="credit",
                )
        return Written(target_id)


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

"""Payment reconciliation: Procurify's payments (read only) against QAD invoices' open balances.

Nothing is written anywhere. Bills are tied to QAD invoices through the bill flow's ledger
(the invoice each bill posted as); Procurify payments are tied to bills through the bill's
payment group (``bill.group`` in ``payment.bill_groups``). Four kinds of finding:

- ``paid_in_procurify_open_in_qad``: Procurify paid the bill in full, QAD has paid nothing;
- ``amount_difference``: both have paid, or one has, but not the same amount;
- ``unknown_bill``: a paid Procurify payment whose bill QAD does not have (no such bill in
  Procurify, or a bill this integration never posted);
- ``no_bill``: a QAD supplier invoice no posted bill stands behind (keyed by hand, or posted
  by another system), among invoices without an external reference or with the bill flow's.

Amounts are compared per invoice in its own currency and totalled per currency, never summed
across currencies.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from mlconnector_sync._ledger import State
from mlconnector_sync.flows.procurify_bills_to_qad import NAME as BILL_FLOW
from mlconnector_sync.flows.procurify_bills_to_qad import REFERENCE_PREFIX
from mlconnector_sync.state import StateStore
from procurify_client import PaymentStatus, ProcurifyClient
from qad_client import QADClient, SupplierInvoice

__all__ = ["BILL_FLOW", "KINDS", "Finding", "Reconciliation", "allocate", "reconcile"]

KINDS = ("paid_in_procurify_open_in_qad", "amount_difference", "unknown_bill", "no_bill")
ZERO = Decimal(0)


@attrs.frozen(kw_only=True)
class Finding:
    """One discrepancy, with both sides' figures where a side has them."""

    kind: str
    currency: str
    bill: str | None = None
    invoice: str | None = None
    supplier: str | None = None
    procurify_paid: Decimal | None = None
    qad_paid: Decimal | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "currency": self.currency,
            "bill": self.bill,
            "invoice": self.invoice,
            "supplier": self.supplier,
            "procurify_paid": None if self.procurify_paid is None else str(self.procurify_paid),
            "qad_paid": None if self.qad_paid is None else str(self.qad_paid),
            "detail": self.detail,
        }


@attrs.frozen(kw_only=True)
class Reconciliation:
    """The findings, how many bills were compared, and paid totals per currency."""

    findings: tuple[Finding, ...]
    compared: int
    totals: Mapping[str, Mapping[str, Decimal]]

    @property
    def clean(self) -> bool:
        return not self.findings

    def count(self, kind: str) -> int:
        return sum(1 for f in self.findings if f.kind == kind)

    def to_json(self) -> dict[str, Any]:
        return {
            "compared": self.compared,
            "counts": {kind: self.count(kind) for kind in KINDS},
            "totals": {
                currency: {side: str(amount) for side, amount in sides.items()}
                for currency, sides in sorted(self.totals.items())
            },
            "findings": [f.to_json() for f in self.findings],
        }

    def to_csv(self) -> str:
        out = io.StringIO()
        columns = [a.name for a in attrs.fields(Finding)]
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for finding in self.findings:
            writer.writerow({k: "" if v is None else v for k, v in finding.to_json().items()})
        return out.getvalue()


def _paid(invoice: SupplierInvoice) -> Decimal:
    return invoice.total - invoice.balance


def reconcile(
    procurify: ProcurifyClient, qad: QADClient, store: StateStore, *, flow: str = BILL_FLOW
) -> Reconciliation:
    """Compare Procurify's paid payments with the QAD invoices the bills posted as."""
    bills = {bill.id: bill for bill in procurify.bills.list()}
    by_group: dict[int, list[int]] = defaultdict(list)
    for bill in bills.values():
        if bill.group is not None:
            by_group[bill.group].append(bill.id)
    invoices = {str(i.id): i for i in qad.supplier_invoices.list()}
    posted = {
        row.source_id: row.target_id
        for row in store.rows(flow=flow, states=[State.POSTED])
        if row.target_id is not None
    }
    findings: list[Finding] = []
    paid_by_bill: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for payment in procurify.payments.list():
        if payment.status != PaymentStatus.PAID:
            continue
        currency = payment.currency.name if payment.currency and payment.currency.name else ""
        owners = [b for g in payment.bill_groups for b in by_group.get(g, [])]
        known = [b for b in owners if str(b) in posted and posted[str(b)] in invoices]
        if not known:
            bill_numbers = ", ".join(str(bills[b].invoice_number) for b in owners) or None
            findings.append(
                Finding(
                    kind="unknown_bill",
                    currency=currency,
                    bill=bill_numbers,
                    supplier=payment.vendor_name,
                    procurify_paid=payment.amount,
                    detail=f"Procurify payment {payment.id} for bill group(s) "
                    f"{', '.join(map(str, payment.bill_groups)) or 'none'}: "
                    + ("the bill is not in QAD" if owners else "no such bill in Procurify"),
                )
            )
            continue
        owed = {b: bills[b].total_cost_with_tax or ZERO for b in known}
        for paid_bill, amount in allocate(payment.amount, owed, paid_by_bill).items():
            paid_by_bill[paid_bill] += amount

    totals: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: {"procurify_paid": ZERO, "qad_paid": ZERO}
    )
    for bill_id, target in sorted(posted.items(), key=lambda item: int(item[0])):
        invoice = invoices.get(target)
        source = bills.get(int(bill_id))
        if invoice is None or source is None:
            continue
        ours, theirs = paid_by_bill.get(int(bill_id), ZERO), _paid(invoice)
        totals[invoice.currency]["procurify_paid"] += ours
        totals[invoice.currency]["qad_paid"] += theirs
        if ours == theirs:
            continue
        kind = (
            "paid_in_procurify_open_in_qad"
            if theirs == ZERO and ours >= invoice.total
            else "amount_difference"
        )
        findings.append(
            Finding(
                kind=kind,
                currency=invoice.currency,
                bill=source.invoice_number,
                invoice=f"{invoice.reference} ({invoice.id})",
                supplier=invoice.supplier,
                procurify_paid=ours,
                qad_paid=theirs,
                detail=f"QAD open balance {invoice.balance} of {invoice.total}; "
                f"difference {ours - theirs}",
            )
        )
    linked = set(posted.values())
    findings += _without_bill(invoices.values(), linked)
    order = {kind: n for n, kind in enumerate(KINDS)}
    findings.sort(key=lambda f: (order[f.kind], f.currency, f.bill or "", f.invoice or ""))
    return Reconciliation(findings=tuple(findings), compared=len(posted), totals=dict(totals))


def allocate(
    amount: Decimal, owed: Mapping[int, Decimal], paid: Mapping[int, Decimal]
) -> dict[int, Decimal]:
    """Split one payment over the bills it pays, oldest bill first, each up to what is still
    owed on it; what is left over goes to the last bill (an overpayment shows there)."""
    shares: dict[int, Decimal] = {}
    left = amount
    order = sorted(owed)
    for bill_id in order:
        due = max(owed[bill_id] - paid.get(bill_id, ZERO), ZERO)
        shares[bill_id] = min(left, due)
        left -= shares[bill_id]
    if left:
        shares[order[-1]] += left
    return shares


def _without_bill(invoices: Iterable[SupplierInvoice], linked: set[str]) -> list[Finding]:
    found = []
    for invoice in invoices:
        reference = invoice.external_reference.strip()
        if str(invoice.id) in linked:
            continue
        if reference and not reference.startswith(REFERENCE_PREFIX):
            continue  # another flow's document
        found.append(
            Finding(
                kind="no_bill",
                currency=invoice.currency,
                invoice=f"{invoice.reference} ({invoice.id})",
                supplier=invoice.supplier,
                qad_paid=_paid(invoice),
                detail=f"QAD invoice total {invoice.total}, open {invoice.balance}; "
                + ("keyed without an external reference" if not reference else "bill unknown"),
            )
        )
    return found

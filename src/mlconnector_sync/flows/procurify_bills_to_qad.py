"""Procurify AP bills -> QAD supplier invoices, matched against the receipts QAD holds.

An approved bill (approved or any payment status by default) posts once QAD can take it:

- each line billed against a Procurify PO becomes a matching line on the QAD PO the PO flow
  posted (QAD line number = Procurify line number), and the bill waits until QAD has
  received, and not yet invoiced, every quantity it bills; a PO this integration did not post
  holds the bill, naming the PO;
- each line without a PO, and each extra cost, becomes an expense line coded the way the PO
  flow codes lines (account code -> GL account, department -> cost centre and so on; extra
  costs through the ``costs`` mapping or ``defaults.cost_account``);
- a bill whose total is negative is a credit note: every line becomes an expense line (QAD
  matches no receipts to a credit note) and amounts are sent positive;
- an expense bill posts as expense lines; a credit-card bill is owed to the card issuer, not
  the vendor, so it posts to ``defaults.card_supplier`` and is held until that is set.

The bill's own invoice number is the QAD invoice's reference, which QAD keeps unique per
entity, supplier and type: a second guard against a double post beside the external
reference. The lines, costs and tax must add up to the bill's total to the cent, or the bill
is quarantined naming the figures. A bill denied or withdrawn after it posted is held for a
person to reverse the QAD invoice; one changed after posting updates the invoice while QAD
allows it (the sink holds it, with the difference, once the invoice is paid or final).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mlconnector_sync._flow import Context, Flow, Hold, InvalidRecord, Post, Skip, Verdict
from mlconnector_sync.adapters.procurify_sources import ProcurifyBillSource
from mlconnector_sync.adapters.qad_invoices import QADSupplierInvoiceSink
from mlconnector_sync.adapters.qad_sinks import REFERENCE_LIMIT, QADCodingTables, code_key
from mlconnector_sync.flows import procurify_pos_to_qad
from mlconnector_sync.flows._coding import (
    Missing,
    coding,
    coding_tables,
    date,
    decimal,
    members_of,
    supplier_code,
)
from procurify_client import BillStatus, BillType, ProcurifyClient
from qad_client import InvoiceType, QADClient

__all__ = ["DEFAULT_STATUSES", "NAME", "REFERENCE_PREFIX", "build", "reference", "transform"]

NAME = "procurify_bills_to_qad"
REFERENCE_PREFIX = "PFYB-"
"""How every external reference this flow writes begins."""

DEFAULT_STATUSES: frozenset[int] = frozenset(
    {
        BillStatus.APPROVED,
        BillStatus.PAID,
        BillStatus.PAYMENT_CONFIRMED,
        BillStatus.PAYMENT_APPROVED,
        BillStatus.PAYMENT_LIMBO,
    }
)
"""The bill statuses that mean approved for payment: these post."""

_REVERSED = frozenset({BillStatus.DENIED, BillStatus.WITHDRAWN})
CENT = Decimal("0.01")


def reference(source_key: str) -> str:
    """The QAD external reference: ``PFYB-<Procurify bill id>-<6 hex digits of the key>``."""
    digest = hashlib.sha256(source_key.encode()).hexdigest().upper()
    short = f"{REFERENCE_PREFIX}{source_key.rsplit(':', 1)[-1]}-{digest[:6]}"
    if len(short) <= REFERENCE_LIMIT:
        return short
    return f"{REFERENCE_PREFIX}{digest[: REFERENCE_LIMIT - len(REFERENCE_PREFIX)]}"


def _status_name(status: int) -> str:
    try:
        return BillStatus(status).name.lower()
    except ValueError:
        return str(status)


def _money(value: Any, field: str, what: str) -> Decimal:
    amount = decimal(value, field, what)
    if amount != amount.quantize(CENT):
        raise InvalidRecord(field, f"{what} has fractions of a cent: {amount}")
    return amount


class _Bill:
    """One bill being turned into an invoice document; collects lines and what is missing."""

    def __init__(self, bill: Mapping[str, Any], ctx: Context, connection: str) -> None:
        self.bill = bill
        self.ctx = ctx
        self.connection = connection
        self.missing = Missing()
        self.matches: list[dict[str, Any]] = []
        self.expenses: list[dict[str, Any]] = []
        self.claimed: dict[str, Decimal] = {}

    def expense(self, amount: Decimal, coded: Mapping[str, Any], text: str) -> None:
        self.expenses.append({**coded, "amount": str(abs(amount)), "text": text[:60]})

    def allocations(self, index: int, line: Mapping[str, Any], amount: Decimal) -> None:
        """A line without a PO (or on a credit note): an expense line per cost allocation."""
        path = f"lines[{index}]"
        label = f"line {index + 1}"
        shares = line.get("allocations")
        if not isinstance(shares, list) or not shares:
            raise InvalidRecord(f"{path}.allocations", f"{label}: no account code to post it to")
        text = str(line.get("description") or "").strip()
        total = Decimal(0)
        for number, share in enumerate(shares):
            where = f"{path}.allocations[{number}]"
            if not isinstance(share, Mapping):
                raise InvalidRecord(where, "not an object")
            code = str(share.get("account_code") or "").strip()
            if not code:
                raise InvalidRecord(f"{where}.account_code", f"{label}: no account code")
            part = _money(share.get("amount"), f"{where}.amount", f"{label}: the allocation")
            total += part
            department = share.get("department")
            coded = coding(
                code,
                department if isinstance(department, Mapping) else None,
                label,
                self.ctx,
                self.missing,
            )
            self.expense(part, coded, text)
        if total != amount:
            raise InvalidRecord(
                f"{path}.allocations",
                f"{label}: the allocations add up to {total}, the line to {amount}",
            )

    def match(self, index: int, line: Mapping[str, Any], quantity: Decimal, price: Decimal) -> None:
        """A line billed against a Procurify PO: a matching line on the QAD PO."""
        path = f"lines[{index}]"
        po = line["po"]
        po_number = str(po.get("number") or po.get("id"))
        po_line = line.get("po_line")
        if isinstance(po_line, bool) or not isinstance(po_line, int) or po_line < 1:
            raise InvalidRecord(f"{path}.po_line", f"the PO line number is {po_line!r}")
        if quantity <= 0:
            raise InvalidRecord(f"{path}.quantity", f"must be positive, not {quantity}")
        key = f"procurify:{self.connection}:po:{po.get('id')}"
        qad_po = self.ctx.posted_target(procurify_pos_to_qad.NAME, key)
        label = f"line {index + 1} (Procurify PO {po_number} line {po_line})"
        if qad_po is None:
            self.missing.add(
                f"{label}: the PO is not in QAD through this integration",
                f"QAD PO for Procurify PO {po_number}",
            )
            return
        if self.ctx.target_id is None:
            slot = f"{code_key(qad_po)}/{po_line}"
            open_quantity = Decimal(str(self.ctx.table("open_receipts").get(slot, "0")))
            left = open_quantity - self.claimed.get(slot, Decimal(0))
            if quantity > left:
                self.missing.add(
                    f"{label}: billed {quantity}, received in QAD and not yet invoiced {left}",
                    f"QAD receipt for PO {qad_po} line {po_line}",
                )
            self.claimed[slot] = self.claimed.get(slot, Decimal(0)) + quantity
        self.matches.append(
            {
                "po_number": qad_po,
                "po_line": po_line,
                "quantity": str(quantity),
                "unit_price": str(price),
            }
        )


def transform(
    bill: Mapping[str, Any],
    ctx: Context,
    *,
    connection: str,
    statuses: frozenset[int] = DEFAULT_STATUSES,
) -> Verdict:
    """A Procurify bill snapshot as a QAD supplier invoice document, or why not (yet)."""
    status = bill.get("status")
    if isinstance(status, bool) or not isinstance(status, int):
        raise InvalidRecord("status", f"a bill needs its status, not {status!r}")
    number = str(bill.get("invoice_number") or "").strip()
    if not number:
        raise InvalidRecord("invoice_number", "a bill needs the supplier's invoice number")
    posted = ctx.target_id
    if status in _REVERSED:
        if posted is None:
            return Skip(f"{_status_name(status)} in Procurify and never posted to QAD")
        return Hold(
            f"bill {number} is {_status_name(status)} in Procurify but posted to QAD as "
            f"supplier invoice {posted}: reverse it in QAD",
            waits_on=f"a person to reverse QAD supplier invoice {posted}",
        )
    if status not in statuses:
        wanted = ", ".join(sorted(_status_name(s) for s in statuses))
        return Skip(f"status {_status_name(status)} does not post (posting statuses: {wanted})")

    work = _Bill(bill, ctx, connection)
    defaults = ctx.mapping("defaults")
    if bill.get("type") == BillType.CREDIT_CARD:
        supplier = (defaults.get("card_supplier") or "").strip()
        if not supplier:
            return Hold(
                f"bill {number} was paid by credit card: it is owed to the card issuer, so "
                "set defaults.card_supplier to the issuer's QAD supplier",
                waits_on="QAD supplier for credit-card bills (defaults.card_supplier)",
            )
        if code_key(supplier) not in ctx.table("suppliers"):
            work.missing.add(
                f"QAD has no supplier {supplier} (defaults.card_supplier)",
                f"QAD supplier {supplier} for credit-card bills",
            )
    else:
        supplier = supplier_code(bill.get("vendor"), None, ctx, work.missing)

    total = _money(bill.get("total"), "total", "the bill total")
    credit = total < 0
    by_po = bill.get("type") == BillType.ORDER or bill.get("type") is None
    lines = bill.get("lines")
    if not isinstance(lines, list) or not lines:
        raise InvalidRecord("lines", "a bill needs at least one line")
    lines_total = Decimal(0)
    for index, line in enumerate(lines):
        path = f"lines[{index}]"
        if not isinstance(line, Mapping):
            raise InvalidRecord(path, "not an object")
        amount = _money(line.get("total_cost"), f"{path}.total_cost", "the line total")
        lines_total += amount
        if (credit and amount > 0) or (not credit and amount < 0):
            raise InvalidRecord(f"{path}.total_cost", f"{amount} has the other sign to the bill")
        if by_po and not credit and isinstance(line.get("po"), Mapping):
            quantity = decimal(line.get("quantity"), f"{path}.quantity", "the quantity")
            price = decimal(line.get("unit_cost"), f"{path}.unit_cost", "the unit cost")
            booked = (quantity * price).quantize(CENT, ROUND_HALF_UP)
            if booked != amount:
                raise InvalidRecord(
                    f"{path}.total_cost",
                    f"quantity {quantity} x unit cost {price} = {booked}, "
                    f"not the line total {amount}",
                )
            work.match(index, line, quantity, price)
        else:
            work.allocations(index, line, amount)
    costs_total = _costs(bill.get("costs"), work)
    tax = _money(bill.get("tax") or "0", "tax", "the tax")
    if lines_total + costs_total + tax != total:
        raise InvalidRecord(
            "total",
            f"the bill total {total} is not its lines {lines_total} + costs {costs_total} "
            f"+ tax {tax}",
        )
    if work.missing.reasons:
        return Hold(
            f"bill {number}: " + "; ".join(work.missing.reasons),
            waits_on="; ".join(work.missing.waits),
        )
    currency = str(bill.get("currency") or "").strip()
    return Post(
        {
            "supplier": supplier,
            "invoice_number": number,
            "invoice_type": (InvoiceType.CREDIT_NOTE if credit else InvoiceType.INVOICE).value,
            "invoice_date": date(bill.get("invoice_date"), "invoice_date", required=True),
            "due_date": date(bill.get("due_date"), "due_date", required=False),
            "currency": (ctx.mapping("currencies").get(currency) or currency) or None,
            "rate": None if bill.get("rate") is None else str(bill["rate"]),
            "tax": str(abs(tax)),
            "total": str(abs(total)),
            "matches": work.matches,
            "expenses": work.expenses,
        }
    )


def _costs(costs: Any, work: _Bill) -> Decimal:
    """Extra costs (freight, fees) as expense lines; their total."""
    if costs in (None, []):
        return Decimal(0)
    if not isinstance(costs, list):
        raise InvalidRecord("costs", "not a list")
    accounts = work.ctx.mapping("costs")
    fallback = (work.ctx.mapping("defaults").get("cost_account") or "").strip()
    total = Decimal(0)
    for index, cost in enumerate(costs):
        path = f"costs[{index}]"
        if not isinstance(cost, Mapping):
            raise InvalidRecord(path, "not an object")
        name = str(cost.get("name") or "").strip()
        amount = _money(cost.get("amount"), f"{path}.amount", f"cost {name or index + 1}")
        total += amount
        account = (accounts.get(name) or "").strip() or fallback
        if not account:
            work.missing.add(
                f"extra cost {name or index + 1} has no GL account: map it in costs or set "
                "defaults.cost_account",
                f"GL account for the extra cost {name or index + 1}",
            )
            continue
        coded = coding(account, None, f"cost {name or index + 1}", work.ctx, work.missing)
        work.expense(amount, coded, name)
    return total


def build(
    procurify: ProcurifyClient,
    qad: QADClient,
    *,
    connection: str,
    domain: str | None = None,
    statuses: Iterable[BillStatus | int | str] = DEFAULT_STATUSES,
) -> Flow:
    """The flow from one Procurify tenant (``connection``) into the QAD client's entity."""
    tables = coding_tables(qad, domain)
    return Flow(
        name=NAME,
        source=ProcurifyBillSource(procurify, connection=connection),
        sink=QADSupplierInvoiceSink(qad),
        transform=functools.partial(
            transform,
            connection=connection,
            statuses=members_of(BillStatus, statuses, "Procurify bill status"),
        ),
        reference=reference,
        requires=(
            "qad_suppliers_to_procurify",
            "qad_gl_accounts_to_procurify",
            procurify_pos_to_qad.NAME,
        ),
        tables={**tables, "open_receipts": QADCodingTables(qad).open_receipts},
    )

"""Procore contract payments -> QAD supplier payments, each allocated to the invoice it pays.

A payment on a commitment names the subcontractor invoice it pays (``requisition_id``); it is
held until that invoice is posted to QAD by ``procore_requisitions_to_qad``, then posts as a
QAD supplier payment from the bank account in the ``procore`` mapping (``bank_account``),
allocated to that QAD invoice. A payment that names no invoice is held for a person to
allocate: the flow never guesses which invoice a payment settles.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from mlconnector_sync._flow import Context, Flow, Hold, InvalidRecord, Post, Sink, Verdict
from mlconnector_sync.adapters.procore import (
    ProcoreDirectory,
    ProcorePaymentSource,
    ProcoreProjects,
    ProcoreWriteBack,
)
from mlconnector_sync.adapters.qad_invoices import (
    QADSupplierPaymentSink,
    QADSupplierTable,
)
from mlconnector_sync.flows import procore_requisitions_to_qad as requisitions
from mlconnector_sync.flows._coding import Missing
from mlconnector_sync.flows.procore_coding import (
    SETTINGS,
    decimal_of,
    invoice_date,
    qad_reference,
    supplier_for,
)
from procore_client import ProcoreClient
from qad_client import QADClient

__all__ = ["NAME", "build", "reference", "transform"]

NAME = "procore_payments_to_qad"


def reference(source_key: str) -> str:
    """``PCPAY-<payment id>-<digest>``: the QAD payment's external reference."""
    return qad_reference("PCPAY", source_key)


def transform(payment: Mapping[str, Any], ctx: Context, *, connection: str) -> Verdict:
    """A contract payment snapshot as a QAD payment document, or why not yet."""
    number = payment.get("payment_number") or payment.get("id")
    commitment = payment.get("commitment") or {}
    label = f"payment {number} on {commitment.get('number') or payment.get('contract_id')}"
    amount = decimal_of(payment.get("amount"), "amount")
    if amount <= 0:
        raise InvalidRecord("amount", f"a payment must be positive, not {amount}")
    paid_on = invoice_date(payment.get("date"), field="date")
    requisition_id = payment.get("requisition_id")
    if requisition_id in (None, ""):
        return Hold(
            f"{label} names no subcontractor invoice; the flow does not guess which one it pays",
            waits_on=f"a person to allocate Procore {label}",
        )
    invoice_key = f"procore:{connection}:requisition:{requisition_id}"
    invoice = ctx.posted_target(requisitions.NAME, invoice_key)
    missing = Missing()
    if invoice is None:
        missing.add(
            f"{label} pays subcontractor invoice {requisition_id}, not posted to QAD yet",
            f"QAD invoice for Procore subcontractor invoice {requisition_id}",
        )
    supplier = supplier_for(payment, ctx, missing)
    bank = (ctx.mapping(SETTINGS).get("bank_account") or "").strip()
    if not bank:
        missing.add(
            "no bank GL account for payments: set bank_account in the procore mapping",
            "procore.bank_account mapping",
        )
    if missing.reasons:
        return Hold(f"{label}: " + "; ".join(missing.reasons), "; ".join(missing.waits))
    return Post(
        {
            "supplier": supplier["code"],
            "currency": supplier["currency"],
            "payment_date": paid_on,
            "bank_gl_account": bank,
            "amount": str(amount),
            "allocations": [{"invoice_id": str(invoice), "amount": str(amount)}],
            "procore": {
                "kind": "payment",
                "project_id": (payment.get("project") or {}).get("id"),
                "id": payment.get("id"),
                "commitment_id": payment.get("contract_id"),
            },
        }
    )


def build(
    procore: ProcoreClient,
    qad: QADClient,
    *,
    connection: str,
    domain: str | None = None,
    projects: ProcoreProjects | None = None,
    directory: ProcoreDirectory | None = None,
    write_back: bool = True,
) -> Flow:
    """The flow from one Procore company (``connection``) into the QAD client's domain;
    with ``write_back`` each posted payment is marked in Procore (``origin_id``)."""
    projects = projects or ProcoreProjects.of(procore)
    directory = directory or ProcoreDirectory.of(procore)
    sink: Sink = QADSupplierPaymentSink(qad)
    return Flow(
        name=NAME,
        source=ProcorePaymentSource(
            procore, connection=connection, projects=projects, directory=directory
        ),
        sink=ProcoreWriteBack(sink, procore, label="QAD supplier payment") if write_back else sink,
        transform=functools.partial(transform, connection=connection),
        reference=reference,
        requires=(requisitions.NAME,),
        tables={"vendors": directory.vendors, "suppliers": QADSupplierTable(qad).suppliers},
    )

"""Procore subcontractor invoices (requisitions) -> QAD supplier invoices, with retainage.

An invoice in ``approved`` or ``approved_as_noted`` posts the amount payable this period:

- the work completed this period, line by line, to the GL account, cost centre and project
  its cost code and cost type map to (see :mod:`procore_coding`), or, where the commitment
  names a QAD purchase order (its ``origin_id``), matched against that PO's receipts (line
  ``n`` of the commitment is line ``n`` of the PO; the invoice holds until receipts cover it);
- the retainage withheld this period on a credit note to the retainage-payable account, and
  retainage released this period as a line to that account on the invoice: so QAD's open
  balance is Procore's ``current_payment_due``.

Before anything posts, the lines are checked against Procore's own summary: gross (the
period's claim), retainage released, and net payable must agree to the cent, or the invoice
is quarantined naming the difference. Commitments are read, never written. An invoice posted
and later sent back for revision in Procore is held for a person: QAD keeps what it posted.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from mlconnector_sync._flow import (
    Context,
    Flow,
    Hold,
    InvalidRecord,
    Post,
    Pushed,
    Sink,
    Skip,
    Verdict,
)
from mlconnector_sync.adapters.procore import (
    ProcoreDirectory,
    ProcoreProjects,
    ProcoreRequisitionSource,
    ProcoreWriteBack,
)
from mlconnector_sync.adapters.qad_invoices import (
    QADSupplierInvoiceSink,
    QADSupplierTable,
    shared,
)
from mlconnector_sync.adapters.qad_sinks import QADCodingTables, code_key
from mlconnector_sync.flows._coding import Missing
from mlconnector_sync.flows.procore_coding import (
    code_pair,
    coding_for,
    decimal_of,
    describe_invoice,
    invoice_date,
    line_text,
    qad_invoice_number,
    qad_reference,
    retainage_coding,
    supplier_for,
)
from procore_client import ProcoreClient, RequisitionStatus
from qad_client import InvoiceType, QADClient

__all__ = ["NAME", "POSTING_STATUSES", "build", "reference", "transform"]

NAME = "procore_requisitions_to_qad"

POSTING_STATUSES = frozenset(
    {RequisitionStatus.APPROVED.value, RequisitionStatus.APPROVED_AS_NOTED.value}
)

_ZERO = Decimal("0.00")


def reference(source_key: str) -> str:
    """``PCSI-<requisition id>-<digest>``: the QAD invoice's external reference."""
    return qad_reference("PCSI", source_key)


def _label(req: Mapping[str, Any]) -> str:
    project = req.get("project") or {}
    number = req.get("invoice_number") or f"#{req.get('number')}"
    return f"subcontractor invoice {number} (project {project.get('number')})"


def _commitment_po(req: Mapping[str, Any], ctx: Context, missing: Missing) -> str:
    """The QAD PO the invoice's commitment names, or ``""`` for expense lines."""
    commitment = ctx.table("commitments").get(str(req.get("commitment_id")))
    if commitment is None:
        missing.add(
            f"commitment {req.get('commitment_id')} cannot be read in Procore",
            f"Procore commitment {req.get('commitment_id')}",
        )
        return ""
    return str(commitment.get("origin_id") or "").strip()


def transform(req: Mapping[str, Any], ctx: Context) -> Verdict:
    """A requisition snapshot (with its lines) as a QAD invoice document, or why not yet."""
    if not isinstance(req.get("id"), int):
        raise InvalidRecord("id", f"a subcontractor invoice needs its id, not {req.get('id')!r}")
    status = str(req.get("status") or "")
    if status not in POSTING_STATUSES:
        if ctx.target_id is not None:
            return Hold(
                f"{_label(req)} was posted to QAD as invoice {ctx.target_id} and is now "
                f"{status or 'without a status'} in Procore; QAD keeps what it posted",
                waits_on=f"a person to reverse QAD invoice {ctx.target_id} or re-approve it",
            )
        wanted = ", ".join(sorted(POSTING_STATUSES))
        return Skip(f"status {status or 'none'} does not post (posting: {wanted})")
    project = req.get("project")
    if not isinstance(project, Mapping):
        raise InvalidRecord("project", "a subcontractor invoice needs its project")
    items = req.get("items")
    if not isinstance(items, list):
        raise InvalidRecord("items", "the invoice's lines were not read")
    missing = Missing()
    supplier = supplier_for(req, ctx, missing)
    po = _commitment_po(req, ctx, missing)
    lines: list[dict[str, Any]] = []
    matching: list[dict[str, Any]] = []
    credit: list[dict[str, Any]] = []
    gross_total = retained_total = released_total = _ZERO
    retainage: dict[str, str] | None = None
    for index, item in enumerate(items):
        field = f"items[{index}]"
        if not isinstance(item, Mapping):
            raise InvalidRecord(field, "not an object")
        gross = decimal_of(item.get("gross") or "0", f"{field}.gross")
        retained = decimal_of(item.get("retained") or "0", f"{field}.retained")
        released = decimal_of(item.get("released") or "0", f"{field}.released")
        for name, amount in (("gross", gross), ("retained", retained), ("released", released)):
            if amount < 0:
                raise InvalidRecord(f"{field}.{name}", f"must not be negative, not {amount}")
        gross_total += gross
        retained_total += retained
        released_total += released
        if not (gross or retained or released):
            continue
        code, kind = code_pair(item.get("cost_code"), item.get("cost_type"), field)
        if gross and po:
            position = item.get("position")
            if not isinstance(position, int):
                raise InvalidRecord(f"{field}.position", "a line matched to a PO needs its line")
            matching.append({"po_number": po, "po_line": position, "amount": str(gross)})
        elif gross:
            coding = coding_for(code, kind, project, ctx, missing)
            if coding is not None:
                text = line_text(project, code, kind, "work")
                lines.append({**coding, "amount": str(gross), "text": text})
        if (retained or released) and retainage is None:
            retainage = retainage_coding(project, ctx, missing) or {}
        if retained and retainage:
            text = line_text(project, code, kind, "retainage withheld")
            credit.append({**retainage, "amount": str(retained), "text": text})
        if released and retainage:
            text = line_text(project, code, kind, "retainage released")
            lines.append({**retainage, "amount": str(released), "text": text})
    _agree(req, gross_total, retained_total, released_total)
    if not (gross_total or released_total):
        return Skip("nothing payable this period (no work claimed, no retainage released)")
    if po:
        _receipts(po, matching, ctx, missing)
    if not supplier["currency"] and supplier["code"]:
        missing.add(
            f"no currency for QAD supplier {supplier['code']}: set currency in the procore mapping",
            "procore.currency mapping",
        )
    if missing.reasons:
        return Hold(f"{_label(req)}: " + "; ".join(missing.reasons), "; ".join(missing.waits))
    number = str(req.get("invoice_number") or f"#{req.get('number')}")
    return Post(
        {
            "supplier": supplier["code"],
            "invoice_number": qad_invoice_number(project, number),
            "invoice_type": InvoiceType.INVOICE.value,
            "currency": supplier["currency"],
            "invoice_date": invoice_date(
                req.get("billing_date"), req.get("period_end"), field="billing_date"
            ),
            "total": str(gross_total + released_total),
            "expenses": lines,
            "matches": matching,
            "credit_note": {"total": str(retained_total), "expenses": credit} if credit else None,
            "procore": {
                "kind": "requisition",
                "project_id": project.get("id"),
                "id": req.get("id"),
                "commitment_id": req.get("commitment_id"),
            },
            "amounts": {
                "gross": str(gross_total),
                "retainage": str(retained_total),
                "released": str(released_total),
                "net": str(gross_total - retained_total + released_total),
            },
        }
    )


def _agree(req: Mapping[str, Any], gross: Decimal, retained: Decimal, released: Decimal) -> None:
    """The lines against Procore's summary, to the cent: a mismatch is bad input."""
    claimed = decimal_of(req.get("total_claimed") or "0", "total_claimed")
    if gross != claimed:
        raise InvalidRecord(
            "items", f"the lines add up to {gross} of work; Procore's summary claims {claimed}"
        )
    summary = req.get("summary")
    if not isinstance(summary, Mapping):
        raise InvalidRecord("summary", "the invoice has no summary to check its amounts against")
    freed = decimal_of(
        summary.get("retainage_released_this_period") or "0",
        "summary.retainage_released_this_period",
    )
    if released != freed:
        raise InvalidRecord(
            "items", f"the lines release {released} of retainage; Procore's summary {freed}"
        )
    due = decimal_of(summary.get("current_payment_due"), "summary.current_payment_due")
    net = gross - retained + released
    if net != due:
        raise InvalidRecord(
            "summary.current_payment_due",
            f"gross {gross} - retainage {retained} + released {released} = {net}; Procore's "
            f"summary says {due} is payable",
        )


def _receipts(po: str, matching: list[dict[str, Any]], ctx: Context, missing: Missing) -> None:
    """Receipts settle first: hold until the PO's open receipts cover each matched line."""
    received = ctx.table("receipts")
    for line in matching:
        key = f"{code_key(po)}/{line['po_line']}"
        have = Decimal(str(received.get(key, "0")))
        if have < Decimal(line["amount"]):
            missing.add(
                f"QAD PO {po} line {line['po_line']} has {have} received and not invoiced; "
                f"the invoice bills {line['amount']}",
                f"receipts on QAD PO {po} line {line['po_line']}",
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
    with ``write_back`` each posted record is marked in Procore (``origin_id``)."""
    projects = projects or ProcoreProjects.of(procore)
    directory = directory or ProcoreDirectory.of(procore)
    coding = QADCodingTables(qad)
    source = ProcoreRequisitionSource(procore, connection=connection, projects=projects)
    # the QAD number is made here (<project>/<number>), so nobody keys it by hand first
    sink: Sink = QADSupplierInvoiceSink(qad, adopt_by_number=False)
    return Flow(
        name=NAME,
        source=source,
        sink=ProcoreWriteBack(sink, procore, label="QAD supplier invoice") if write_back else sink,
        transform=transform,
        reference=reference,
        requires=("qad_suppliers_to_procore",),
        describe=describe_invoice,
        pushed=Pushed(source=f"procore:{connection}", kinds=("Requisitions",), fetch=source.fetch),
        tables={
            "vendors": directory.vendors,
            "commitments": directory.commitments,
            "suppliers": shared(QADSupplierTable(qad).suppliers),
            "gl_accounts": shared(coding.gl_accounts),
            "cost_centres": shared(coding.cost_centres),
            "projects": shared(coding.projects),
            "receipts": coding.open_receipt_amounts,
        },
    )

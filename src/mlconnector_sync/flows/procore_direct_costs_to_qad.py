"""Procore direct costs (invoices and subcontractor invoices) -> QAD supplier invoices.

An approved direct cost of type ``invoice`` or ``subcontractor_invoice`` posts as a QAD
supplier invoice with one expense line per cost line, coded through the cost-code mapping
(see :mod:`procore_coding`); its lines must add up to the direct cost's grand total to the
cent. Expenses and payroll are not supplier invoices and are skipped. A cost posted and then
moved out of ``approved`` in Procore is held for a person.
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
    POSTING_DIRECT_COSTS,
    ProcoreDirectCostSource,
    ProcoreDirectory,
    ProcoreProjects,
    ProcoreWriteBack,
)
from mlconnector_sync.adapters.qad_invoices import (
    QADSupplierInvoiceSink,
    QADSupplierTable,
    shared,
)
from mlconnector_sync.adapters.qad_sinks import QADCodingTables
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
    supplier_for,
)
from procore_client import DirectCostStatus, ProcoreClient
from qad_client import InvoiceType, QADClient

__all__ = ["NAME", "build", "reference", "transform"]

NAME = "procore_direct_costs_to_qad"

_TYPES = frozenset(t.value for t in POSTING_DIRECT_COSTS)
_ZERO = Decimal("0.00")


def reference(source_key: str) -> str:
    """``PCDC-<direct cost id>-<digest>``: the QAD invoice's reference."""
    return qad_reference("PCDC", source_key)


def transform(cost: Mapping[str, Any], ctx: Context) -> Verdict:
    """A direct cost snapshot as a QAD invoice document, or why not yet."""
    kind = str(cost.get("type") or "")
    if kind not in _TYPES:
        return Skip(f"a direct cost of type {kind or 'none'} is not a supplier invoice")
    project = cost.get("project")
    if not isinstance(project, Mapping):
        raise InvalidRecord("project", "a direct cost needs its project")
    number = cost.get("invoice_number") or f"DC{cost.get('id')}"
    label = f"direct cost {number} (project {project.get('number')})"
    status = str(cost.get("status") or "")
    if status != DirectCostStatus.APPROVED.value:
        if ctx.target_id is not None:
            return Hold(
                f"{label} was posted to QAD as invoice {ctx.target_id} and is now {status} in "
                "Procore; QAD keeps what it posted",
                waits_on=f"a person to reverse QAD invoice {ctx.target_id} or re-approve it",
            )
        return Skip(f"status {status or 'none'} does not post (posting: approved)")
    items = cost.get("lines")
    if not isinstance(items, list) or not items:
        raise InvalidRecord("lines", "an approved direct cost needs its lines")
    missing = Missing()
    supplier = supplier_for(cost, ctx, missing)
    lines: list[dict[str, Any]] = []
    total = _ZERO
    for index, item in enumerate(items):
        field = f"lines[{index}]"
        if not isinstance(item, Mapping):
            raise InvalidRecord(field, "not an object")
        amount = decimal_of(item.get("amount"), f"{field}.amount")
        if amount < 0:
            raise InvalidRecord(
                f"{field}.amount",
                f"{amount}: QAD invoice lines are positive; enter the credit in QAD by hand",
            )
        total += amount
        if not amount:
            continue
        code, cost_type = code_pair(item.get("cost_code"), item.get("cost_type"), field)
        coding = coding_for(code, cost_type, project, ctx, missing)
        if coding is not None:
            text = line_text(project, code, cost_type, "work")
            lines.append({**coding, "amount": str(amount), "text": text})
    grand = cost.get("grand_total")
    if grand is not None and decimal_of(grand, "grand_total") != total:
        raise InvalidRecord("lines", f"the lines add up to {total}; the grand total is {grand}")
    if not total:
        return Skip("nothing payable (every line is zero)")
    if not supplier["currency"] and supplier["code"]:
        missing.add(
            f"no currency for QAD supplier {supplier['code']}: set currency in the procore mapping",
            "procore.currency mapping",
        )
    if missing.reasons:
        return Hold(f"{label}: " + "; ".join(missing.reasons), "; ".join(missing.waits))
    return Post(
        {
            "supplier": supplier["code"],
            "invoice_number": qad_invoice_number(project, str(number)),
            "invoice_type": InvoiceType.INVOICE.value,
            "currency": supplier["currency"],
            "invoice_date": invoice_date(cost.get("date"), field="date"),
            "total": str(total),
            "expenses": lines,
            "procore": {
                "kind": "direct_cost",
                "project_id": project.get("id"),
                "id": cost.get("id"),
            },
            "amounts": {
                "gross": str(total),
                "retainage": "0.00",
                "released": "0.00",
                "net": str(total),
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
    with ``write_back`` each posted record is marked in Procore (``origin_id``)."""
    projects = projects or ProcoreProjects.of(procore)
    directory = directory or ProcoreDirectory.of(procore)
    coding = QADCodingTables(qad)
    source = ProcoreDirectCostSource(procore, connection=connection, projects=projects)
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
        pushed=Pushed(source=f"procore:{connection}", kinds=("Direct Costs",), fetch=source.fetch),
        tables={
            "vendors": directory.vendors,
            "suppliers": shared(QADSupplierTable(qad).suppliers),
            "gl_accounts": shared(coding.gl_accounts),
            "cost_centres": shared(coding.cost_centres),
            "projects": shared(coding.projects),
        },
    )

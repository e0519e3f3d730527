"""Procurify as a source: purchase orders and AP bills with their lines, read incrementally.

The PO and bill lists carry headers without lines. A read lists with ``modified_since=since``
and reads each listed record's detail for its lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from mlconnector_http import DecodeError, Reject
from mlconnector_sync._flow import Rejected, SourceRecord
from mlconnector_sync._ledger import normalize
from mlconnector_sync.adapters._common import rejected, rejected_read
from procurify_client import (
    Bill,
    BillLine,
    ProcurifyClient,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderRole,
    PurchaseOrderTab,
)

__all__ = [
    "ProcurifyBillSource",
    "ProcurifyPurchaseOrderSource",
    "bill_snapshot",
    "purchase_order_snapshot",
]

_PAGE_SIZE = 100


def _department(line: PurchaseOrderLine) -> dict[str, Any] | None:
    """The department the line is charged to (``account.department`` on the wire).

    The transform maps it (by id, else name) to a QAD cost centre; a line without one is
    coded from the ``defaults`` mapping instead.
    """
    found = line.department
    if found is None:
        return None
    return {"id": found.id, "name": found.name, "external_id": found.external_id}


def _line(line: PurchaseOrderLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "line_number": line.line_number,
        "name": line.name,
        "sku": line.sku,
        "unit": line.unit,
        "quantity": line.quantity,
        "approved_quantity": line.approved_quantity,
        "price": line.price,
        "approved_price": line.approved_price,
        "total_cost": line.total_cost,
        "account_code": line.account_code,
        "department": _department(line),
        "status": line.status,
        "external_id": line.external_id,
    }


def purchase_order_snapshot(po: PurchaseOrder) -> dict[str, Any]:
    """A PO with its lines as the JSON the transform reads (money as Decimal strings).

    Only what the transform uses is kept, so a change elsewhere (a vendor's address, a
    receipt's quantity) does not make the PO look changed.
    """
    vendor = po.vendor
    snapshot: dict[str, Any] = normalize(
        {
            "id": po.id,
            "uuid": po.uuid,
            "number": po.number or po.po_number or str(po.id),
            "state": po.state,
            "version": po.version,
            "date": po.date,
            "promise_date": po.promise_date,
            "last_modified": po.last_modified,
            "vendor": None
            if vendor is None
            else {"id": vendor.id, "name": vendor.name, "external_id": vendor.external_id},
            "vendor_name": po.vendor_name,
            "currency": po.currency.name if po.currency is not None else None,
            "subtotal": po.subtotal,
            "comment": po.comment,
            "lines": [_line(line) for line in po.lines],
        }
    )
    return snapshot


class ProcurifyPurchaseOrderSource:
    """Purchase orders of one Procurify tenant (every state: a cancellation must reach QAD).

    The partition is the connection's name; keys read ``procurify:<connection>:po:<id>``,
    ``id`` being Procurify's PO number (``procurify_PO``), which never changes.
    """

    def __init__(self, client: ProcurifyClient, *, connection: str) -> None:
        self.client = client
        self.connection = connection

    def partitions(self) -> Sequence[str]:
        return [self.connection]

    def key(self, po_id: str) -> str:
        return f"procurify:{self.connection}:po:{po_id}"

    def read(self, partition: str, since: dt.datetime | None) -> Iterator[SourceRecord | Rejected]:
        listing = self.client.purchase_orders.list(
            role=PurchaseOrderRole.PURCHASED,
            status=PurchaseOrderTab.ALL,
            modified_since=since,
            page_size=_PAGE_SIZE,
        )
        for item in listing.with_rejects():
            if isinstance(item, Reject):
                yield rejected(self.key, item.record_id, item.raw, item.field, item.reason)
                continue
            try:
                detail = self.client.purchase_orders.get(item.id)
            except DecodeError as error:
                raw = {"procurify_PO": item.id, "header": normalize(_header(item))}
                yield rejected_read(self.key, str(item.id), raw, error, "PO detail")
                continue
            yield SourceRecord(
                key=self.key(str(detail.id)),
                id=str(detail.id),
                payload=purchase_order_snapshot(detail),
                modified_at=detail.last_modified or item.last_modified,
            )


def _header(po: PurchaseOrder) -> dict[str, Any]:
    return {"id": po.id, "uuid": po.uuid, "number": po.number, "state": po.state}


def _bill_line(line: BillLine) -> dict[str, Any]:
    po = line.purchase_order
    return {
        "id": line.id,
        "type": line.line_type,
        "description": line.description,
        "sku": line.sku,
        "quantity": line.quantity,
        "unit_cost": line.unit_cost,
        "total_cost": line.total_cost,
        "tax_amount": line.tax_amount,
        "po": None if po is None else {"id": po.id, "number": po.number},
        "po_line": line.order_line_number,
        "allocations": [
            {
                "account_code": None
                if share.budget is None or share.budget.account_code is None
                else share.budget.account_code.code,
                "department": None
                if share.budget is None or share.budget.department is None
                else {"id": share.budget.department.id, "name": share.budget.department.name},
                "amount": share.amount,
            }
            for share in line.cost_allocations
        ],
    }


def bill_snapshot(bill: Bill) -> dict[str, Any]:
    """A bill with its lines and extra costs as the JSON the bill transform reads."""
    vendor = bill.vendor
    currency = bill.currency
    snapshot: dict[str, Any] = normalize(
        {
            "id": bill.id,
            "uuid": bill.uuid,
            "invoice_number": bill.invoice_number,
            "status": bill.status,
            "type": bill.type,
            "version": bill.version,
            "vendor": None
            if vendor is None
            else {"id": vendor.id, "name": vendor.name, "external_id": vendor.external_id},
            "currency": None if currency is None else currency.name,
            "rate": None if currency is None else currency.rate,
            "invoice_date": bill.invoice_date,
            "due_date": bill.due_date,
            "gl_post_date": bill.gl_post_date,
            "last_modified": bill.last_modified,
            "subtotal": bill.subtotal_cost,
            "tax": bill.tax_amount,
            "total": bill.total_cost_with_tax,
            "group": bill.group,
            "lines": [_bill_line(line) for line in bill.lines],
            "costs": [{"name": c.name, "amount": c.amount} for c in bill.costs],
        }
    )
    return snapshot


class ProcurifyBillSource:
    """AP bills of one Procurify tenant, every status (a withdrawal must be seen too).

    Keys read ``procurify:<connection>:bill:<id>``; the detail is read by the bill's UUID.
    """

    def __init__(self, client: ProcurifyClient, *, connection: str) -> None:
        self.client = client
        self.connection = connection

    def partitions(self) -> Sequence[str]:
        return [self.connection]

    def key(self, bill_id: str) -> str:
        return f"procurify:{self.connection}:bill:{bill_id}"

    def read(self, partition: str, since: dt.datetime | None) -> Iterator[SourceRecord | Rejected]:
        listing = self.client.bills.list(modified_since=since, page_size=_PAGE_SIZE)
        for item in listing.with_rejects():
            if isinstance(item, Reject):
                yield rejected(self.key, item.record_id, item.raw, item.field, item.reason)
                continue
            try:
                detail = self.client.bills.get(item.uuid)
            except DecodeError as error:
                raw = {"id": item.id, "uuid": item.uuid, "invoice_number": item.invoice_number}
                yield rejected_read(self.key, str(item.id), raw, error, "bill detail")
                continue
            yield SourceRecord(
                key=self.key(str(detail.id)),
                id=str(detail.id),
                payload=bill_snapshot(detail),
                modified_at=detail.last_modified or item.last_modified,
            )

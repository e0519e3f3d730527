"""PO receipts (receivers): post a goods receipt against a PO, read and list receipts."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence

from mlconnector_http import AsyncPaginator, Flow, Operation, Page, Paginator
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._convert import to_wire
from qad_client._models import Filter, NewReceipt, Receipt, Workspace, WriteResult
from qad_client._resources._base import AsyncQADResource, QADResource

__all__ = [
    "AsyncPurchaseOrderReceipts",
    "PurchaseOrderReceipts",
    "create_receipt",
    "find_receipt",
    "find_receipts_by_reference",
    "get_receipt",
    "list_receipts",
]

TABLE = n.RECEIPT


def list_receipts(
    *,
    po_number: str | None = None,
    supplier: str | None = None,
    modified_since: dt.datetime | None = None,
    filters: Sequence[Filter] = (),
    page_size: int = ops.DEFAULT_PAGE_SIZE,
    ws: Workspace | None = None,
) -> Operation[Page[Receipt]]:
    """The receipt browse (headers only), by PO, supplier or change time."""
    chosen = ops.browse_filters(
        TABLE, filters, modified_since=modified_since, po_number=po_number, supplier=supplier
    )
    return ops.browse(TABLE, Receipt, chosen, page_size=page_size, ws=ws)


def get_receipt(ws: Workspace, receiver: str) -> Flow[Receipt]:
    """A receipt with its lines, by receiver number."""
    return ops.get_one(ws, TABLE, Receipt, {"receiver": receiver})


def find_receipt(ws: Workspace, reference: str) -> Flow[Receipt | None]:
    """The receipt carrying this external reference (with its lines), if any."""
    return ops.find_by_external_reference(ws, TABLE, Receipt, reference)


def find_receipts_by_reference(ws: Workspace, reference: str) -> Flow[list[Receipt]]:
    """Every receipt with exactly this external reference (checked here)."""
    return ops.find_by_reference(ws, TABLE, Receipt, reference)


def create_receipt(ws: Workspace, new: NewReceipt) -> Operation[WriteResult[Receipt]]:
    """Post a receipt; QAD numbers the receiver unless one is given."""
    return ops.write(ws, TABLE, Receipt, to_wire(TABLE, new), operation=n.CONTROL["create"])


class PurchaseOrderReceipts(QADResource):
    """``client.purchase_order_receipts``."""

    def list(
        self,
        *,
        po_number: str | None = None,
        supplier: str | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> Paginator[Receipt]:
        """Receipts, lazily, page by page (``get`` returns the lines)."""
        return self._paginate(
            list_receipts(
                ws=self._ws,
                po_number=po_number,
                supplier=supplier,
                modified_since=modified_since,
                filters=filters,
                page_size=page_size,
            )
        )

    def get(self, receiver: str) -> Receipt:
        """One receipt with its lines; ``QADNotFound`` if there is none."""
        return self._run(get_receipt(self._ws, receiver))

    def find_by_external_reference(self, reference: str) -> Receipt | None:
        """The receipt carrying this external reference, or ``None``.

        Built on :meth:`find_by_reference`; raises ``QADConflict`` when several carry it.
        """
        return self._run(find_receipt(self._ws, reference))

    def find_by_reference(self, reference: str) -> builtins.list[Receipt]:
        """Every receipt whose ``external_reference`` is exactly ``reference``.

        All pages of the filtered browse are read and each row is checked here, so a tenant
        that ignores the filter never hands back another record; duplicates show as 2+ items.
        """
        return self._run(find_receipts_by_reference(self._ws, reference))

    def create(self, receipt: NewReceipt) -> WriteResult[Receipt]:
        """Post a goods receipt against a PO."""
        return self._send(create_receipt(self._ws, receipt))


class AsyncPurchaseOrderReceipts(AsyncQADResource):
    """``client.purchase_order_receipts`` on the async client."""

    def list(
        self,
        *,
        po_number: str | None = None,
        supplier: str | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> AsyncPaginator[Receipt]:
        """Receipts, lazily, page by page (``get`` returns the lines)."""
        return self._paginate(
            list_receipts(
                ws=self._ws,
                po_number=po_number,
                supplier=supplier,
                modified_since=modified_since,
                filters=filters,
                page_size=page_size,
            )
        )

    async def get(self, receiver: str) -> Receipt:
        """One receipt with its lines; ``QADNotFound`` if there is none."""
        return await self._run(get_receipt(self._ws, receiver))

    async def find_by_external_reference(self, reference: str) -> Receipt | None:
        """The receipt carrying this external reference, or ``None``."""
        return await self._run(find_receipt(self._ws, reference))

    async def find_by_reference(self, reference: str) -> builtins.list[Receipt]:
        """Every receipt with exactly this ``external_reference``."""
        return await self._run(find_receipts_by_reference(self._ws, reference))

    async def create(self, receipt: NewReceipt) -> WriteResult[Receipt]:
        """Post a goods receipt against a PO."""
        return await self._send(create_receipt(self._ws, receipt))

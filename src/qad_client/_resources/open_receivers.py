"""Open receivers: receipt lines not yet fully invoiced, the pool an invoice is matched against.

Read-only (QAD keeps them from receipts and invoice matching); listed through the browse that
plays the part of QAD's legacy ``ap007`` "Open Receivers".
"""

from __future__ import annotations

from collections.abc import Sequence

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._models import Filter, OpenReceiver
from qad_client._resources._base import AsyncQADResource, QADResource

__all__ = ["AsyncOpenReceivers", "OpenReceivers", "list_open_receivers"]

TABLE = n.OPEN_RECEIVER


def list_open_receivers(
    *,
    supplier: str | None = None,
    po_number: str | None = None,
    receiver: str | None = None,
    filters: Sequence[Filter] = (),
    page_size: int = ops.DEFAULT_PAGE_SIZE,
) -> Operation[Page[OpenReceiver]]:
    """The open-receiver browse, by supplier, PO or receiver."""
    chosen = ops.browse_filters(
        TABLE, filters, supplier=supplier, po_number=po_number, receiver=receiver
    )
    return ops.browse(TABLE, OpenReceiver, chosen, page_size=page_size)


class OpenReceivers(QADResource):
    """``client.open_receivers``."""

    def list(
        self,
        *,
        supplier: str | None = None,
        po_number: str | None = None,
        receiver: str | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> Paginator[OpenReceiver]:
        """Received, not yet invoiced receipt lines, lazily."""
        return self._paginate(
            list_open_receivers(
                supplier=supplier,
                po_number=po_number,
                receiver=receiver,
                filters=filters,
                page_size=page_size,
            )
        )


class AsyncOpenReceivers(AsyncQADResource):
    """``client.open_receivers`` on the async client."""

    def list(
        self,
        *,
        supplier: str | None = None,
        po_number: str | None = None,
        receiver: str | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> AsyncPaginator[OpenReceiver]:
        """Received, not yet invoiced receipt lines, lazily."""
        return self._paginate(
            list_open_receivers(
                supplier=supplier,
                po_number=po_number,
                receiver=receiver,
                filters=filters,
                page_size=page_size,
            )
        )

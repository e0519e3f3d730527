"""Purchase orders: the v2 list by role and tab, and the v2 detail with its lines.

The list path carries two segments, ``/api/v2/purchase_orders/{role}/{status}/``; the
incremental-sync filter is the last-modified *date* (``modified_date_0``/``_1``, inclusive,
whole days), so a sync overlaps a day and de-duplicates on ``uuid``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mlconnector_http import AsyncPaginator, AsyncResource, Operation, Page, Paginator, SyncResource
from procurify_client._exceptions import ProcurifyConfigurationError
from procurify_client._models import PurchaseOrder, PurchaseOrderRole, PurchaseOrderTab
from procurify_client._query import (
    DEFAULT_PAGE_SIZE,
    Kind,
    list_params,
    page_parser,
    record_parser,
)
from procurify_client._resources._common import check_id, check_uuid

__all__ = [
    "LIST_FILTERS",
    "AsyncPurchaseOrders",
    "PurchaseOrders",
    "get_purchase_order",
    "list_purchase_orders",
]

LIST_FILTERS: Mapping[str, Kind] = {
    "date_0": Kind.DATE,
    "date_1": Kind.DATE,
    "promise_date_0": Kind.DATE,
    "promise_date_1": Kind.DATE,
    "expiry_date_0": Kind.DATE,
    "expiry_date_1": Kind.DATE,
    "total_0": Kind.DECIMAL,
    "total_1": Kind.DECIMAL,
    "pref_vendor": Kind.INT,
    "purchaser": Kind.INT,
    "requester": Kind.INT,
    "purchase_order": Kind.TEXT,
    "account_code": Kind.INT,
    "currency": Kind.INT,
    "contract": Kind.INT,
    "has_blanket_order_items": Kind.BOOL,
    "order_by": Kind.TEXT,
}


def _segment(what: str, value: object, allowed: type[PurchaseOrderRole | PurchaseOrderTab]) -> str:
    try:
        return allowed(str(value)).value
    except ValueError:
        choices = ", ".join(member.value for member in allowed)
        raise ProcurifyConfigurationError(
            f"{what} must be one of {choices}, not {value!r}"
        ) from None


def list_purchase_orders(
    role: PurchaseOrderRole | str,
    status: PurchaseOrderTab | str,
    modified_after: dt.date | None,
    modified_before: dt.date | None,
    page_size: int | None,
    filters: Mapping[str, object],
) -> Operation[Page[PurchaseOrder]]:
    """The first page of POs under ``role``/``status``, modified within the given days."""
    path = (
        f"/api/v2/purchase_orders/{_segment('role', role, PurchaseOrderRole)}/"
        f"{_segment('status', status, PurchaseOrderTab)}/"
    )
    params = list_params("purchase orders", LIST_FILTERS, filters, page_size=page_size)
    bounds = list_params(
        "purchase orders",
        {"modified_date_0": Kind.DATE, "modified_date_1": Kind.DATE},
        {"modified_date_0": modified_after, "modified_date_1": modified_before},
        page_size=None,
    )
    return Operation(
        name="purchase_orders.list",
        method="GET",
        path=path,
        params=[*bounds, *params],
        parse=page_parser(PurchaseOrder, "purchase order", key="procurify_PO"),
    )


def get_purchase_order(po_id: int | str) -> Operation[PurchaseOrder]:
    """One PO with its lines, by Procurify PO number or UUID."""
    if isinstance(po_id, str):
        key = po_id if po_id.isdecimal() else check_uuid("po_id", po_id)
    else:
        key = str(check_id("po_id", po_id))
    return Operation(
        name="purchase_orders.get",
        method="GET",
        path=f"/api/v2/purchase_orders/{key}/",
        parse=record_parser(PurchaseOrder, "purchase order", key="procurify_PO"),
    )


class PurchaseOrders(SyncResource):
    """``client.purchase_orders``."""

    def list(
        self,
        *,
        role: PurchaseOrderRole | str = PurchaseOrderRole.PURCHASED,
        status: PurchaseOrderTab | str = PurchaseOrderTab.ALL,
        modified_after: dt.date | None = None,
        modified_before: dt.date | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        **filters: Any,
    ) -> Paginator[PurchaseOrder]:
        """POs (headers only), lazily; ``modified_*`` are inclusive whole-day bounds."""
        return self._paginate(
            list_purchase_orders(role, status, modified_after, modified_before, page_size, filters)
        )

    def get(self, po_id: int | str) -> PurchaseOrder:
        """One PO with its lines."""
        return self._send(get_purchase_order(po_id))


class AsyncPurchaseOrders(AsyncResource):
    """``client.purchase_orders`` of the async client."""

    def list(
        self,
        *,
        role: PurchaseOrderRole | str = PurchaseOrderRole.PURCHASED,
        status: PurchaseOrderTab | str = PurchaseOrderTab.ALL,
        modified_after: dt.date | None = None,
        modified_before: dt.date | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        **filters: Any,
    ) -> AsyncPaginator[PurchaseOrder]:
        """POs (headers only), lazily; ``modified_*`` are inclusive whole-day bounds."""
        return self._paginate(
            list_purchase_orders(role, status, modified_after, modified_before, page_size, filters)
        )

    async def get(self, po_id: int | str) -> PurchaseOrder:
        """One PO with its lines."""
        return await self._send(get_purchase_order(po_id))

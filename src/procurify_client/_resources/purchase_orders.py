"""Purchase orders: the v2 list by role and tab, and the v2 detail with its lines.

The list path carries two segments, ``/api/v2/purchase_orders/{role}/{status}/``; the
server filters on the last-modified *date* only (``modified_date_0``/``_1``, inclusive,
whole days in the tenant's zone), so the list takes aware instants (``modified_since``,
``modified_before``), sends the days around them and drops client-side the records the days
let through.
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
    aware_bound,
    list_params,
    modified_within,
    page_parser,
    record_parser,
    widened_day,
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
    # documented but left out, so refused: ``requester`` and ``account_code`` (the simulator
    # cannot check them, and Procurify would ignore a wrong one silently)
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
    "purchase_order": Kind.TEXT,
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
    modified_since: dt.datetime | None,
    modified_before: dt.datetime | None,
    page_size: int | None,
    filters: Mapping[str, object],
) -> Operation[Page[PurchaseOrder]]:
    """The first page of POs under ``role``/``status``, modified within the given instants.

    Procurify filters by day only: the days around the instants are sent, and the records
    modified before ``modified_since`` or after ``modified_before`` are dropped client-side.
    """
    since = aware_bound("modified_since", modified_since)
    before = aware_bound("modified_before", modified_before)
    path = (
        f"/api/v2/purchase_orders/{_segment('role', role, PurchaseOrderRole)}/"
        f"{_segment('status', status, PurchaseOrderTab)}/"
    )
    params = list_params("purchase orders", LIST_FILTERS, filters, page_size=page_size)
    bounds = list_params(
        "purchase orders",
        {"modified_date_0": Kind.DATE, "modified_date_1": Kind.DATE},
        {
            "modified_date_0": widened_day(since, low=True),
            "modified_date_1": widened_day(before, low=False),
        },
        page_size=None,
    )
    return Operation(
        name="purchase_orders.list",
        method="GET",
        path=path,
        params=[*bounds, *params],
        parse=modified_within(
            page_parser(PurchaseOrder, "purchase order", key="procurify_PO"),
            lambda po: po.last_modified,
            since,
            before,
        ),
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
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        **filters: Any,
    ) -> Paginator[PurchaseOrder]:
        """POs (headers only), lazily, modified within the given aware instants (inclusive).

        Procurify filters by whole day only: the client sends the days around the instants
        and drops the records modified before ``modified_since`` (or after
        ``modified_before``) itself, so the instants are exact. A naive datetime is refused.
        """
        return self._paginate(
            list_purchase_orders(role, status, modified_since, modified_before, page_size, filters)
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
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        **filters: Any,
    ) -> AsyncPaginator[PurchaseOrder]:
        """POs (headers only), lazily, modified within the given aware instants (inclusive).

        Procurify filters by whole day only: the client sends the days around the instants
        and drops the records modified before ``modified_since`` (or after
        ``modified_before``) itself, so the instants are exact. A naive datetime is refused.
        """
        return self._paginate(
            list_purchase_orders(role, status, modified_since, modified_before, page_size, filters)
        )

    async def get(self, po_id: int | str) -> PurchaseOrder:
        """One PO with its lines."""
        return await self._send(get_purchase_order(po_id))

"""Receipt items (``/api/v3/receipt/items/``): each receiving action against a PO line.

This is the list that answers in the second pagination shape (top-level ``pagination``);
the shared page parser reads both. A sync uses it for the three-way match (bill vs receipt).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlconnector_http import AsyncPaginator, AsyncResource, Operation, Page, Paginator, SyncResource
from procurify_client._models import ReceiptItem
from procurify_client._query import DEFAULT_PAGE_SIZE, Kind, list_params, page_parser

__all__ = ["LIST_FILTERS", "AsyncReceiptItems", "ReceiptItems", "list_receipt_items"]

LIST_FILTERS: Mapping[str, Kind] = {"order_item": Kind.INT}


def list_receipt_items(
    order_item: int | None, page_size: int | None, filters: Mapping[str, object]
) -> Operation[Page[ReceiptItem]]:
    """The first page of receipt items, for one order item or all."""
    return Operation(
        name="receipt_items.list",
        method="GET",
        path="/api/v3/receipt/items/",
        params=list_params(
            "receipt items",
            LIST_FILTERS,
            {"order_item": order_item, **filters},
            page_size=page_size,
        ),
        parse=page_parser(ReceiptItem, "receipt item"),
    )


class ReceiptItems(SyncResource):
    """``client.receipt_items``."""

    def list(
        self,
        *,
        order_item: int | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        **filters: Any,
    ) -> Paginator[ReceiptItem]:
        """Receipt items, lazily, for one PO line (``order_item``) or all."""
        return self._paginate(list_receipt_items(order_item, page_size, filters))


class AsyncReceiptItems(AsyncResource):
    """``client.receipt_items`` of the async client."""

    def list(
        self,
        *,
        order_item: int | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        **filters: Any,
    ) -> AsyncPaginator[ReceiptItem]:
        """Receipt items, lazily, for one PO line (``order_item``) or all."""
        return self._paginate(list_receipt_items(order_item, page_size, filters))

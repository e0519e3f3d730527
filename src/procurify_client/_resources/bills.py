"""AP bills: the v3 list (incremental by last-modified datetime) and the v2 detail by UUID.

``last_modified_datetime_0``/``_1`` is the incremental-sync filter (a datetime, inclusive);
the date-only ``modified_date_*`` is deprecated by Procurify and deliberately not offered.
Bills cannot be created through the API (405), so this resource only reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mlconnector_http import AsyncPaginator, AsyncResource, Operation, Page, Paginator, SyncResource
from procurify_client._models import Bill
from procurify_client._query import (
    DEFAULT_PAGE_SIZE,
    Kind,
    aware_bound,
    list_params,
    page_parser,
    record_parser,
)
from procurify_client._resources._common import check_uuid

__all__ = ["LIST_FILTERS", "AsyncBills", "Bills", "get_bill", "list_bills"]

LIST_FILTERS: Mapping[str, Kind] = {
    # documented but left out, so refused: ``payment_date_0/1``, ``department``, ``location``,
    # ``account_code``, ``expense``, ``exclude_expense_bills`` and ``sync_status_v2`` (the
    # simulator cannot check them, and Procurify would ignore a wrong one silently)
    "invoice_date_0": Kind.DATE,
    "invoice_date_1": Kind.DATE,
    "due_date_0": Kind.DATE,
    "due_date_1": Kind.DATE,
    "gl_post_date_0": Kind.DATE,
    "gl_post_date_1": Kind.DATE,
    "submitted_date_0": Kind.DATE,
    "submitted_date_1": Kind.DATE,
    "last_export_date_0": Kind.DATE,
    "last_export_date_1": Kind.DATE,
    "vendor": Kind.IDS,
    "approver": Kind.INT,
    "creator": Kind.INT,
    "user": Kind.INT,
    "last_export_user": Kind.INT,
    "currency": Kind.INT,
    "contract": Kind.INT,
    "group": Kind.INT,
    "type": Kind.INT,
    "has_payment": Kind.BOOL,
    "has_posting_date": Kind.BOOL,
    "is_exported": Kind.BOOL,
    "include_bill_group_ids": Kind.CSV,
    "exclude_bill_group_ids": Kind.CSV,
    "search": Kind.TEXT,
    "order_by": Kind.TEXT,
}


def list_bills(
    modified_since: dt.datetime | None,
    modified_before: dt.datetime | None,
    page_size: int | None,
    filters: Mapping[str, object],
) -> Operation[Page[Bill]]:
    """The first page of bills modified within the given aware instants (inclusive).

    They go on the wire as ``last_modified_datetime_0``/``_1``.
    """
    bounds = list_params(
        "bills",
        {"last_modified_datetime_0": Kind.DATETIME, "last_modified_datetime_1": Kind.DATETIME},
        {
            "last_modified_datetime_0": aware_bound("modified_since", modified_since),
            "last_modified_datetime_1": aware_bound("modified_before", modified_before),
        },
        page_size=None,
    )
    return Operation(
        name="bills.list",
        method="GET",
        path="/api/v3/ap/bills/",
        params=[*bounds, *list_params("bills", LIST_FILTERS, filters, page_size=page_size)],
        parse=page_parser(Bill, "bill", key="uuid"),
    )


def get_bill(bill_uuid: str) -> Operation[Bill]:
    """One bill with its lines and costs, by UUID."""
    return Operation(
        name="bills.get",
        method="GET",
        path=f"/api/v2/ap/bills/{check_uuid('bill_uuid', bill_uuid)}/",
        parse=record_parser(Bill, "bill", key="uuid"),
    )


class Bills(SyncResource):
    """``client.bills`` (read-only: Procurify does not create bills through the API)."""

    def list(
        self,
        *,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        **filters: Any,
    ) -> Paginator[Bill]:
        """Bills (line ids only), lazily; aware datetimes, inclusive bounds."""
        return self._paginate(list_bills(modified_since, modified_before, page_size, filters))

    def get(self, bill_uuid: str) -> Bill:
        """One bill with its lines."""
        return self._send(get_bill(bill_uuid))


class AsyncBills(AsyncResource):
    """``client.bills`` of the async client."""

    def list(
        self,
        *,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        **filters: Any,
    ) -> AsyncPaginator[Bill]:
        """Bills (line ids only), lazily; aware datetimes, inclusive bounds."""
        return self._paginate(list_bills(modified_since, modified_before, page_size, filters))

    async def get(self, bill_uuid: str) -> Bill:
        """One bill with its lines."""
        return await self._send(get_bill(bill_uuid))

"""Payments from the public v1 API (``/api/public/v1/payments/``), read-only.

The v2 payments list is deprecated by Procurify (removal after June 2026); the public v1 one
has string statuses, ``*_after``/``*_before`` datetime filters and comma-joined multi-values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from mlconnector_http import AsyncPaginator, AsyncResource, Operation, Page, Paginator, SyncResource
from procurify_client._models import Payment, PaymentStatus
from procurify_client._query import DEFAULT_PAGE_SIZE, Kind, aware_bound, list_params, page_parser

__all__ = ["LIST_FILTERS", "AsyncPayments", "Payments", "list_payments"]

LIST_FILTERS: Mapping[str, Kind] = {
    "created_at_after": Kind.DATETIME,
    "created_at_before": Kind.DATETIME,
    "processing_date_after": Kind.DATETIME,
    "processing_date_before": Kind.DATETIME,
    "vendor": Kind.INT,
    "currency": Kind.TEXT,
    "ids": Kind.CSV,
    "bill_groups": Kind.CSV,
    "invoice_number": Kind.TEXT,
    "payment_amount": Kind.DECIMAL,
    "order_by": Kind.TEXT,
}

StatusFilter = PaymentStatus | str | Iterable[PaymentStatus | str] | None


def list_payments(
    modified_since: dt.datetime | None,
    modified_before: dt.datetime | None,
    status: StatusFilter,
    page_size: int | None,
    filters: Mapping[str, object],
) -> Operation[Page[Payment]]:
    """The first page of payments updated within the given aware instants, in the statuses.

    ``modified_since``/``modified_before`` go on the wire as ``updated_at_after``/``_before``.
    """
    bounds = list_params(
        "payments",
        {"updated_at_after": Kind.DATETIME, "updated_at_before": Kind.DATETIME, "status": Kind.CSV},
        {
            "updated_at_after": aware_bound("modified_since", modified_since),
            "updated_at_before": aware_bound("modified_before", modified_before),
            "status": status,
        },
        page_size=None,
    )
    return Operation(
        name="payments.list",
        method="GET",
        path="/api/public/v1/payments/",
        params=[*bounds, *list_params("payments", LIST_FILTERS, filters, page_size=page_size)],
        parse=page_parser(Payment, "payment"),
    )


class Payments(SyncResource):
    """``client.payments`` (read-only: integrations never write payments)."""

    def list(
        self,
        *,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        status: StatusFilter = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        **filters: Any,
    ) -> Paginator[Payment]:
        """Payments, lazily; aware datetimes, inclusive; ``status`` is one status or several."""
        return self._paginate(
            list_payments(modified_since, modified_before, status, page_size, filters)
        )


class AsyncPayments(AsyncResource):
    """``client.payments`` of the async client."""

    def list(
        self,
        *,
        modified_since: dt.datetime | None = None,
        modified_before: dt.datetime | None = None,
        status: StatusFilter = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        **filters: Any,
    ) -> AsyncPaginator[Payment]:
        """Payments, lazily; aware datetimes, inclusive; ``status`` is one status or several."""
        return self._paginate(
            list_payments(modified_since, modified_before, status, page_size, filters)
        )

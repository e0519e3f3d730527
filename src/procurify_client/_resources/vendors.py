"""Vendors (``/api/v3/vendors/``): list, get, create, update, and lookup by external id.

``external_id`` is where an integration keeps its own key for a vendor (e.g. the QAD
supplier code); :meth:`Vendors.find_by_external_id` is how a sync checks whether a vendor
already exists before creating it. A create (POST) is never retried; an update is a PUT of
the whole record, which is safe to send twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from mlconnector_http import AsyncPaginator, AsyncResource, Operation, Page, Paginator, SyncResource
from procurify_client._convert import dump
from procurify_client._exceptions import ProcurifyConfigurationError, ProcurifyServerError
from procurify_client._models import Vendor, VendorInput
from procurify_client._query import (
    DEFAULT_PAGE_SIZE,
    Kind,
    list_params,
    page_parser,
    record_parser,
)
from procurify_client._resources._common import check_id, input_model

__all__ = [
    "LIST_FILTERS",
    "AsyncVendors",
    "Vendors",
    "create_vendor",
    "find_vendor_by_external_id",
    "get_vendor",
    "list_vendors",
    "update_vendor",
]

PATH = "/api/v3/vendors/"

LIST_FILTERS: Mapping[str, Kind] = {
    "name": Kind.TEXT,
    "external_id": Kind.TEXT,
    "type": Kind.INT,
    "type__in": Kind.CSV,
    "exclude_other": Kind.BOOL,
    "search": Kind.TEXT,
    "order_by": Kind.TEXT,
}

_FIND_PAGE_SIZE = 100


def list_vendors(page_size: int | None, filters: Mapping[str, object]) -> Operation[Page[Vendor]]:
    """The first page of active vendors matching ``filters``."""
    return Operation(
        name="vendors.list",
        method="GET",
        path=PATH,
        params=list_params("vendors", LIST_FILTERS, filters, page_size=page_size),
        parse=page_parser(Vendor, "vendor"),
    )


def get_vendor(vendor_id: int) -> Operation[Vendor]:
    """One vendor by id."""
    return Operation(
        name="vendors.get",
        method="GET",
        path=f"{PATH}{check_id('vendor_id', vendor_id)}/",
        parse=record_parser(Vendor, "vendor"),
    )


def create_vendor(vendor: VendorInput | None, fields: Mapping[str, Any]) -> Operation[Vendor]:
    """Create a vendor; not retried (a second POST would create a second vendor)."""
    body = dump(input_model(VendorInput, vendor, fields))
    return Operation(
        name="vendors.create",
        method="POST",
        path=PATH,
        json=body,
        parse=record_parser(Vendor, "vendor"),
    )


def update_vendor(
    vendor_id: int, vendor: VendorInput | None, fields: Mapping[str, Any]
) -> Operation[Vendor]:
    """Replace a vendor's fields (PUT): the same body twice has the same effect, so retried."""
    path = f"{PATH}{check_id('vendor_id', vendor_id)}/"
    return Operation(
        name="vendors.update",
        method="PUT",
        path=path,
        json=dump(input_model(VendorInput, vendor, fields)),
        parse=record_parser(Vendor, "vendor"),
        retry_safe=True,
    )


def _check_external_id(value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ProcurifyConfigurationError(f"external_id must be a non-empty string, not {value!r}")


def find_vendor_by_external_id(external_id: str) -> Operation[Vendor | None]:
    """The active vendor whose ``external_id`` is exactly ``external_id``, or ``None``.

    Matches are checked client-side as well; if the server's answer spans more than one page
    without an exact match the filter was evidently not applied, and guessing "absent" could
    create a duplicate, so that is an error instead.
    """
    _check_external_id(external_id)
    read_page = page_parser(Vendor, "vendor")

    def parse(response: httpx.Response) -> Vendor | None:
        page = read_page(response)
        for vendor in page.items:
            if vendor.external_id == external_id:
                return vendor
        if page.next_url is not None:
            raise ProcurifyServerError(
                "the vendor list ignored the external_id filter (several pages, no exact "
                "match); refusing to report the vendor as absent",
                status_code=response.status_code,
                method=response.request.method,
                path=response.request.url.path,
            )
        return None

    return Operation(
        name="vendors.find_by_external_id",
        method="GET",
        path=PATH,
        params=list_params(
            "vendors", LIST_FILTERS, {"external_id": external_id}, page_size=_FIND_PAGE_SIZE
        ),
        parse=parse,
    )


class Vendors(SyncResource):
    """``client.vendors``."""

    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any) -> Paginator[Vendor]:
        """Active vendors, lazily, page by page (filters: see ``LIST_FILTERS``)."""
        return self._paginate(list_vendors(page_size, filters))

    def get(self, vendor_id: int) -> Vendor:
        """One vendor by id."""
        return self._send(get_vendor(vendor_id))

    def create(self, vendor: VendorInput | None = None, /, **fields: Any) -> Vendor:
        """Create a vendor from a :class:`VendorInput` or its fields as keywords."""
        return self._send(create_vendor(vendor, fields))

    def update(self, vendor_id: int, vendor: VendorInput | None = None, /, **fields: Any) -> Vendor:
        """Replace a vendor's fields from a :class:`VendorInput` or keywords."""
        return self._send(update_vendor(vendor_id, vendor, fields))

    def find_by_external_id(self, external_id: str) -> Vendor | None:
        """The vendor carrying this ``external_id``, or ``None``."""
        return self._send(find_vendor_by_external_id(external_id))


class AsyncVendors(AsyncResource):
    """``client.vendors`` of the async client."""

    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any) -> AsyncPaginator[Vendor]:
        """Active vendors, lazily, page by page (filters: see ``LIST_FILTERS``)."""
        return self._paginate(list_vendors(page_size, filters))

    async def get(self, vendor_id: int) -> Vendor:
        """One vendor by id."""
        return await self._send(get_vendor(vendor_id))

    async def create(self, vendor: VendorInput | None = None, /, **fields: Any) -> Vendor:
        """Create a vendor from a :class:`VendorInput` or its fields as keywords."""
        return await self._send(create_vendor(vendor, fields))

    async def update(
        self, vendor_id: int, vendor: VendorInput | None = None, /, **fields: Any
    ) -> Vendor:
        """Replace a vendor's fields from a :class:`VendorInput` or keywords."""
        return await self._send(update_vendor(vendor_id, vendor, fields))

    async def find_by_external_id(self, external_id: str) -> Vendor | None:
        """The vendor carrying this ``external_id``, or ``None``."""
        return await self._send(find_vendor_by_external_id(external_id))

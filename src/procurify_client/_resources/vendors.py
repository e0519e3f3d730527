"""Vendors (``/api/v3/vendors/``): list, get, create, update, and lookup by external id.

``external_id`` is where an integration keeps its own key for a vendor (e.g. the QAD
supplier code); :meth:`Vendors.find_by_external_id` is how a sync checks whether a vendor
already exists before creating it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from mlconnector_http import AsyncPaginator, AsyncResource, Operation, Paginator, SyncResource
from procurify_client._exceptions import ProcurifyConfigurationError
from procurify_client._models import Vendor, VendorInput
from procurify_client._query import DEFAULT_PAGE_SIZE, Kind, malformed
from procurify_client._resources._common import Collection

__all__ = ["LIST_FILTERS", "VENDORS", "AsyncVendors", "Vendors", "find_vendor_by_external_id"]

LIST_FILTERS: Mapping[str, Kind] = {
    "name": Kind.TEXT,
    "external_id": Kind.TEXT,
    "type": Kind.INT,
    "type__in": Kind.CSV,
    "exclude_other": Kind.BOOL,
    "search": Kind.TEXT,
    "order_by": Kind.TEXT,
}

VENDORS = Collection("vendor", "/api/v3/vendors/", Vendor, VendorInput, LIST_FILTERS)


def find_vendor_by_external_id(external_id: str) -> Operation[Vendor | None]:
    """The active vendor whose ``external_id`` is exactly ``external_id``, or ``None``.

    Matches are checked client-side as well; if the server's answer spans more than one page
    without an exact match the filter was evidently not applied, and guessing "absent" could
    create a duplicate, so that is an error instead.
    """
    given: object = external_id  # checked: a None or an int would list every vendor
    if not isinstance(given, str) or not given:
        raise ProcurifyConfigurationError(
            f"external_id must be a non-empty string, not {external_id!r}"
        )
    first_page = VENDORS.list(100, {"external_id": external_id})

    def parse(response: httpx.Response) -> Vendor | None:
        page = first_page.parse(response)
        for vendor in page.items:
            if vendor.external_id == external_id:
                return vendor
        if page.next_url is not None:
            raise malformed(
                response,
                "the vendor list ignored the external_id filter (several pages, no exact "
                "match); refusing to report the vendor as absent",
            )
        return None

    return Operation(
        name="vendors.find_by_external_id",
        method="GET",
        path=first_page.path,
        params=first_page.params,
        parse=parse,
    )


class Vendors(SyncResource):
    """``client.vendors``."""

    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any) -> Paginator[Vendor]:
        """Active vendors, lazily, page by page (filters: see ``LIST_FILTERS``)."""
        return self._paginate(VENDORS.list(page_size, filters))

    def get(self, vendor_id: int) -> Vendor:
        """One vendor by id."""
        return self._send(VENDORS.get(vendor_id))

    def create(self, vendor: VendorInput | None = None, /, **fields: Any) -> Vendor:
        """Create a vendor from a :class:`VendorInput` or its fields as keywords."""
        return self._send(VENDORS.create(vendor, fields))

    def update(self, vendor_id: int, vendor: VendorInput | None = None, /, **fields: Any) -> Vendor:
        """Replace a vendor's fields from a :class:`VendorInput` or keywords."""
        return self._send(VENDORS.update(vendor_id, vendor, fields))

    def find_by_external_id(self, external_id: str) -> Vendor | None:
        """The vendor carrying this ``external_id``, or ``None``."""
        return self._send(find_vendor_by_external_id(external_id))


class AsyncVendors(AsyncResource):
    """``client.vendors`` of the async client."""

    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any) -> AsyncPaginator[Vendor]:
        """Active vendors, lazily, page by page (filters: see ``LIST_FILTERS``)."""
        return self._paginate(VENDORS.list(page_size, filters))

    async def get(self, vendor_id: int) -> Vendor:
        """One vendor by id."""
        return await self._send(VENDORS.get(vendor_id))

    async def create(self, vendor: VendorInput | None = None, /, **fields: Any) -> Vendor:
        """Create a vendor from a :class:`VendorInput` or its fields as keywords."""
        return await self._send(VENDORS.create(vendor, fields))

    async def update(
        self, vendor_id: int, vendor: VendorInput | None = None, /, **fields: Any
    ) -> Vendor:
        """Replace a vendor's fields from a :class:`VendorInput` or keywords."""
        return await self._send(VENDORS.update(vendor_id, vendor, fields))

    async def find_by_external_id(self, external_id: str) -> Vendor | None:
        """The vendor carrying this ``external_id``, or ``None``."""
        return await self._send(find_vendor_by_external_id(external_id))

"""Vendors (``/api/v3/vendors/``): list, get, create, update (PUT), patch, and lookup by
external id.

``external_id`` is where an integration keeps its own key for a vendor (e.g. the QAD
supplier code); :meth:`Vendors.find_by_reference` is how a sync checks whether a vendor
already exists before creating it (every match, checked client-side).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from mlconnector_http import (
    AsyncPaginator,
    AsyncResource,
    Operation,
    Page,
    Paginator,
    SyncResource,
)
from procurify_client._models import Vendor, VendorInput
from procurify_client._query import DEFAULT_PAGE_SIZE, Kind
from procurify_client._resources._common import Collection

__all__ = ["LIST_FILTERS", "VENDORS", "AsyncVendors", "Vendors", "find_vendor_by_external_id"]

LIST_FILTERS: Mapping[str, Kind] = {
    # ``type__in`` (newer spec only, its values undocumented) is left out, so refused
    "name": Kind.TEXT,
    "external_id": Kind.TEXT,
    "type": Kind.INT,
    "exclude_other": Kind.BOOL,
    "search": Kind.TEXT,
    "order_by": Kind.TEXT,
}

VENDORS = Collection(
    "vendor", "/api/v3/vendors/", Vendor, VendorInput, LIST_FILTERS, reference="external_id"
)


def find_vendor_by_external_id(external_id: str) -> Operation[Page[Vendor]]:
    """The first page of the vendor list filtered on ``external_id`` (lookups walk every page).

    Refuses an empty or non-string id: Procurify ignores such a filter and lists every vendor.
    """
    return VENDORS.by_reference(external_id)


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

    def patch(self, vendor_id: int, **fields: Any) -> Vendor:
        """Change only the named fields of a vendor; the others stay as they are."""
        return self._send(VENDORS.patch(vendor_id, fields))

    def find_by_reference(self, reference: str) -> builtins.list[Vendor]:
        """Every vendor whose ``external_id`` is exactly ``reference``.

        Every page of the list filtered on ``external_id`` is read and each vendor is checked
        here, so a server that ignores the filter never hands back another vendor, and
        duplicates show as two or more items. Covers active vendors only: Procurify's v3 list
        returns active vendors and has no filter for inactive ones ("deleted" vendors go to an
        inactive list the API does not show), so an inactive vendor with this id is not found.
        """
        op = VENDORS.by_reference(reference)
        return self._paginate(op).exact_matches(
            reference, VENDORS.reference_of, VENDORS.raw_reference_of
        )

    def find_by_external_id(self, external_id: str) -> Vendor | None:
        """The vendor carrying this ``external_id``, or ``None``.

        Built on :meth:`find_by_reference`; raises ``ProcurifyConflict`` when several carry it.
        """
        return VENDORS.only(self.find_by_reference(external_id), external_id)


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

    async def patch(self, vendor_id: int, **fields: Any) -> Vendor:
        """Change only the named fields of a vendor; the others stay as they are."""
        return await self._send(VENDORS.patch(vendor_id, fields))

    async def find_by_reference(self, reference: str) -> builtins.list[Vendor]:
        """Every active vendor whose ``external_id`` is exactly ``reference`` (see the sync one)."""
        op = VENDORS.by_reference(reference)
        return await self._paginate(op).exact_matches(
            reference, VENDORS.reference_of, VENDORS.raw_reference_of
        )

    async def find_by_external_id(self, external_id: str) -> Vendor | None:
        """The vendor carrying this ``external_id``, or ``None`` (``ProcurifyConflict`` if 2+)."""
        return VENDORS.only(await self.find_by_reference(external_id), external_id)

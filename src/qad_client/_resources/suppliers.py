"""Suppliers (QAD Financials creditors): list, read, find by external reference, create, update."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from mlconnector_http import AsyncPaginator, Operation, Page, Paginator
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._convert import to_wire
from qad_client._models import Filter, NewSupplier, Supplier, Workspace, WriteResult
from qad_client._resources._base import AsyncQADResource, QADResource

__all__ = [
    "AsyncSuppliers",
    "Suppliers",
    "create_supplier",
    "find_supplier",
    "get_supplier",
    "list_suppliers",
    "update_supplier",
]

TABLE = n.SUPPLIER


def list_suppliers(
    *,
    active: bool | None = None,
    modified_since: dt.datetime | None = None,
    filters: Sequence[Filter] = (),
    page_size: int = ops.DEFAULT_PAGE_SIZE,
) -> Operation[Page[Supplier]]:
    """The supplier browse, optionally only (in)active ones or those changed since a time."""
    chosen = ops.browse_filters(TABLE, filters, modified_since=modified_since, is_active=active)
    return ops.browse(TABLE, Supplier, chosen, page_size=page_size)


def get_supplier(ws: Workspace, code: str) -> ops.Flow[Supplier]:
    """The supplier with this code in the workspace's supplier shared set."""
    return ops.get_one(ws, TABLE, Supplier, {"code": code})


def find_supplier(ws: Workspace, reference: str) -> ops.Flow[Supplier | None]:
    """The supplier carrying this external reference, if any."""
    return ops.find_by_external_reference(ws, TABLE, Supplier, reference)


def create_supplier(ws: Workspace, new: NewSupplier) -> Operation[WriteResult[Supplier]]:
    """Create a supplier; a taken code raises ``QADDuplicate``."""
    return ops.write(ws, TABLE, Supplier, to_wire(TABLE, new), operation=n.CONTROL["create"])


def update_supplier(ws: Workspace, supplier: Supplier) -> Operation[WriteResult[Supplier]]:
    """Save a changed copy of a supplier read with ``get``; a stale copy raises ``QADConflict``."""
    return ops.update(ws, TABLE, Supplier, supplier)


class Suppliers(QADResource):
    """``client.suppliers``."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> Paginator[Supplier]:
        """Suppliers, lazily, page by page."""
        return self._paginate(
            list_suppliers(
                active=active, modified_since=modified_since, filters=filters, page_size=page_size
            )
        )

    def get(self, code: str) -> Supplier:
        """One supplier by code; ``QADNotFound`` if there is none."""
        return self._run(get_supplier(self._ws, code))

    def find_by_external_reference(self, reference: str) -> Supplier | None:
        """The supplier created with this external reference, or ``None``."""
        return self._run(find_supplier(self._ws, reference))

    def create(self, supplier: NewSupplier) -> WriteResult[Supplier]:
        """Create a supplier; the result carries QAD's warnings."""
        return self._send(create_supplier(self._ws, supplier))

    def update(self, supplier: Supplier) -> WriteResult[Supplier]:
        """Save a changed copy (``attrs.evolve``) of a supplier read with ``get``."""
        return self._send(update_supplier(self._ws, supplier))


class AsyncSuppliers(AsyncQADResource):
    """``client.suppliers`` on the async client."""

    def list(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> AsyncPaginator[Supplier]:
        """Suppliers, lazily, page by page."""
        return self._paginate(
            list_suppliers(
                active=active, modified_since=modified_since, filters=filters, page_size=page_size
            )
        )

    async def get(self, code: str) -> Supplier:
        """One supplier by code; ``QADNotFound`` if there is none."""
        return await self._run(get_supplier(self._ws, code))

    async def find_by_external_reference(self, reference: str) -> Supplier | None:
        """The supplier created with this external reference, or ``None``."""
        return await self._run(find_supplier(self._ws, reference))

    async def create(self, supplier: NewSupplier) -> WriteResult[Supplier]:
        """Create a supplier; the result carries QAD's warnings."""
        return await self._send(create_supplier(self._ws, supplier))

    async def update(self, supplier: Supplier) -> WriteResult[Supplier]:
        """Save a changed copy (``attrs.evolve``) of a supplier read with ``get``."""
        return await self._send(update_supplier(self._ws, supplier))

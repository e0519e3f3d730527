"""Suppliers (QAD Financials creditors): master data that can also be created and updated."""

from __future__ import annotations

import builtins

import attrs

from mlconnector_http import AsyncAPIClient, Flow, Operation, SyncAPIClient
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._convert import to_wire
from qad_client._models import DomainSupplier, NewSupplier, Supplier, Workspace, WriteResult
from qad_client._resources.master_data import AsyncMasterData, MasterData

__all__ = [
    "AsyncSuppliers",
    "Suppliers",
    "create_supplier",
    "find_supplier",
    "find_suppliers_by_reference",
    "update_supplier",
]

TABLE = n.SUPPLIER


def find_supplier(ws: Workspace, reference: str) -> Flow[Supplier | None]:
    """The supplier carrying this external reference, if any."""
    return ops.find_by_external_reference(ws, TABLE, Supplier, reference)


def find_suppliers_by_reference(ws: Workspace, reference: str) -> Flow[list[Supplier]]:
    """Every supplier with exactly this external reference (checked here)."""
    return ops.find_by_reference(ws, TABLE, Supplier, reference)


def create_supplier(ws: Workspace, new: NewSupplier) -> Flow[WriteResult[Supplier]]:
    """Create a supplier; a taken code raises ``QADDuplicate``.

    As QAD's own loaders do [N1]: ``POST supplierV2s`` (``addressName`` is mandatory; it is
    the name unless given), then, when a site or daybook set is given, the supplier's record
    in the domain: ``GET mfgSuppliers``, change, ``POST`` it back with its keys.
    """
    record = to_wire(TABLE, new)
    record.setdefault(TABLE.wire("address_name"), new.name)
    made: WriteResult[Supplier] = yield ops.write(
        ws, TABLE, Supplier, record, operation=n.CONTROL["create"]
    )
    if new.site is None and new.daybook_set is None:
        return made
    local = n.MFG_SUPPLIER
    current: DomainSupplier = yield from ops.get_one(ws, local, DomainSupplier, {"code": new.code})
    changed = attrs.evolve(
        current,
        site=current.site if new.site is None else new.site,
        daybook_set=current.daybook_set if new.daybook_set is None else new.daybook_set,
    )
    saved: WriteResult[DomainSupplier] = yield ops.update(ws, local, DomainSupplier, changed)
    return WriteResult(
        made.record,
        (*made.warnings, *saved.warnings),
        (*made.confirmations, *saved.confirmations),
    )


def update_supplier(ws: Workspace, supplier: Supplier) -> Operation[WriteResult[Supplier]]:
    """Save a changed copy of a supplier read with ``get``; a stale copy raises ``QADConflict``."""
    return ops.update(ws, TABLE, Supplier, supplier)


class Suppliers(MasterData[Supplier]):
    """``client.suppliers``: ``list`` and ``get`` as for all master data, plus writes."""

    def __init__(self, client: SyncAPIClient, workspace: Workspace) -> None:
        super().__init__(client, workspace, TABLE, Supplier)

    def find_by_external_reference(self, reference: str) -> Supplier | None:
        """The supplier carrying this external reference, or ``None``.

        Built on :meth:`find_by_reference`; raises ``QADConflict`` when several carry it.
        """
        return self._run(find_supplier(self._ws, reference))

    def find_by_reference(self, reference: str) -> builtins.list[Supplier]:
        """Every supplier whose ``external_reference`` is exactly ``reference``.

        All pages of the filtered browse are read and each row is checked here, so a tenant
        that ignores the filter never hands back another record; duplicates show as 2+ items.
        """
        return self._run(find_suppliers_by_reference(self._ws, reference))

    def create(self, supplier: NewSupplier) -> WriteResult[Supplier]:
        """Create a supplier; the result carries QAD's warnings."""
        return self._run(create_supplier(self._ws, supplier))

    def update(self, supplier: Supplier) -> WriteResult[Supplier]:
        """Save a changed copy (``attrs.evolve``) of a supplier read with ``get``."""
        return self._send(update_supplier(self._ws, supplier))


class AsyncSuppliers(AsyncMasterData[Supplier]):
    """``client.suppliers`` on the async client."""

    def __init__(self, client: AsyncAPIClient, workspace: Workspace) -> None:
        super().__init__(client, workspace, TABLE, Supplier)

    async def find_by_external_reference(self, reference: str) -> Supplier | None:
        """The supplier carrying this external reference, or ``None``."""
        return await self._run(find_supplier(self._ws, reference))

    async def find_by_reference(self, reference: str) -> builtins.list[Supplier]:
        """Every supplier with exactly this ``external_reference``."""
        return await self._run(find_suppliers_by_reference(self._ws, reference))

    async def create(self, supplier: NewSupplier) -> WriteResult[Supplier]:
        """Create a supplier; the result carries QAD's warnings."""
        return await self._run(create_supplier(self._ws, supplier))

    async def update(self, supplier: Supplier) -> WriteResult[Supplier]:
        """Save a changed copy (``attrs.evolve``) of a supplier read with ``get``."""
        return await self._send(update_supplier(self._ws, supplier))

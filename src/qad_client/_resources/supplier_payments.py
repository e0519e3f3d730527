"""Supplier payments: post a payment allocated to open invoices, read and list payments."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence

from mlconnector_http import AsyncPaginator, Flow, Operation, Page, Paginator
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._convert import to_wire
from qad_client._models import (
    Filter,
    NewSupplierPayment,
    SupplierPayment,
    Workspace,
    WriteResult,
)
from qad_client._resources._base import AsyncQADResource, QADResource

__all__ = [
    "AsyncSupplierPayments",
    "SupplierPayments",
    "create_supplier_payment",
    "find_supplier_payment",
    "find_supplier_payments_by_reference",
    "get_supplier_payment",
    "list_supplier_payments",
]

TABLE = n.SUPPLIER_PAYMENT


def list_supplier_payments(
    *,
    supplier: str | None = None,
    modified_since: dt.datetime | None = None,
    filters: Sequence[Filter] = (),
    page_size: int = ops.DEFAULT_PAGE_SIZE,
    ws: Workspace | None = None,
) -> Operation[Page[SupplierPayment]]:
    """The payment browse (headers only), by supplier or change time."""
    chosen = ops.browse_filters(TABLE, filters, modified_since=modified_since, supplier=supplier)
    return ops.browse(TABLE, SupplierPayment, chosen, page_size=page_size, ws=ws)


def get_supplier_payment(ws: Workspace, number: str) -> Flow[SupplierPayment]:
    """A payment with its allocations, by payment number."""
    return ops.get_one(ws, TABLE, SupplierPayment, {"number": number})


def find_supplier_payment(ws: Workspace, reference: str) -> Flow[SupplierPayment | None]:
    """The payment carrying this external reference (with its allocations), if any."""
    return ops.find_by_external_reference(ws, TABLE, SupplierPayment, reference)


def find_supplier_payments_by_reference(
    ws: Workspace, reference: str
) -> Flow[list[SupplierPayment]]:
    """Every supplier payment with exactly this external reference (checked here)."""
    return ops.find_by_reference(ws, TABLE, SupplierPayment, reference)


def create_supplier_payment(
    ws: Workspace, new: NewSupplierPayment
) -> Operation[WriteResult[SupplierPayment]]:
    """Post a payment; each allocation lowers an invoice's balance and closes it at zero."""
    return ops.write(ws, TABLE, SupplierPayment, to_wire(TABLE, new), operation=n.CONTROL["create"])


class SupplierPayments(QADResource):
    """``client.supplier_payments``."""

    def list(
        self,
        *,
        supplier: str | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> Paginator[SupplierPayment]:
        """Payments, lazily, page by page (``get`` returns the allocations)."""
        return self._paginate(
            list_supplier_payments(
                ws=self._ws,
                supplier=supplier,
                modified_since=modified_since,
                filters=filters,
                page_size=page_size,
            )
        )

    def get(self, number: str) -> SupplierPayment:
        """One payment with its allocations; ``QADNotFound`` if there is none."""
        return self._run(get_supplier_payment(self._ws, number))

    def find_by_external_reference(self, reference: str) -> SupplierPayment | None:
        """The supplier payment carrying this external reference, or ``None``.

        Built on :meth:`find_by_reference`; raises ``QADConflict`` when several carry it.
        """
        return self._run(find_supplier_payment(self._ws, reference))

    def find_by_reference(self, reference: str) -> builtins.list[SupplierPayment]:
        """Every supplier payment whose ``external_reference`` is exactly ``reference``.

        All pages of the filtered browse are read and each row is checked here, so a tenant
        that ignores the filter never hands back another record; duplicates show as 2+ items.
        """
        return self._run(find_supplier_payments_by_reference(self._ws, reference))

    def create(self, payment: NewSupplierPayment) -> WriteResult[SupplierPayment]:
        """Post a supplier payment."""
        return self._send(create_supplier_payment(self._ws, payment))


class AsyncSupplierPayments(AsyncQADResource):
    """``client.supplier_payments`` on the async client."""

    def list(
        self,
        *,
        supplier: str | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> AsyncPaginator[SupplierPayment]:
        """Payments, lazily, page by page (``get`` returns the allocations)."""
        return self._paginate(
            list_supplier_payments(
                ws=self._ws,
                supplier=supplier,
                modified_since=modified_since,
                filters=filters,
                page_size=page_size,
            )
        )

    async def get(self, number: str) -> SupplierPayment:
        """One payment with its allocations; ``QADNotFound`` if there is none."""
        return await self._run(get_supplier_payment(self._ws, number))

    async def find_by_external_reference(self, reference: str) -> SupplierPayment | None:
        """The supplier payment carrying this external reference, or ``None``."""
        return await self._run(find_supplier_payment(self._ws, reference))

    async def find_by_reference(self, reference: str) -> builtins.list[SupplierPayment]:
        """Every supplier payment with exactly this ``external_reference``."""
        return await self._run(find_supplier_payments_by_reference(self._ws, reference))

    async def create(self, payment: NewSupplierPayment) -> WriteResult[SupplierPayment]:
        """Post a supplier payment."""
        return await self._send(create_supplier_payment(self._ws, payment))

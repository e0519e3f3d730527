"""Supplier invoices: register invoices matched against receivers (three-way match) or coded
to GL accounts, and read them back with their open balance.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence

from mlconnector_http import AsyncPaginator, Flow, Operation, Page, Paginator
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._convert import encode_value, to_wire
from qad_client._models import (
    Filter,
    InvoiceStatus,
    InvoiceType,
    NewSupplierInvoice,
    SupplierInvoice,
    Workspace,
    WriteResult,
)
from qad_client._resources._base import AsyncQADResource, QADResource

__all__ = [
    "AsyncSupplierInvoices",
    "SupplierInvoices",
    "create_supplier_invoice",
    "find_supplier_invoice",
    "find_supplier_invoice_by_reference",
    "find_supplier_invoices_by_reference",
    "get_supplier_invoice",
    "list_supplier_invoices",
    "update_supplier_invoice",
]

TABLE = n.SUPPLIER_INVOICE


def list_supplier_invoices(
    *,
    supplier: str | None = None,
    is_open: bool | None = None,
    status: InvoiceStatus | None = None,
    modified_since: dt.datetime | None = None,
    filters: Sequence[Filter] = (),
    page_size: int = ops.DEFAULT_PAGE_SIZE,
    ws: Workspace | None = None,
) -> Operation[Page[SupplierInvoice]]:
    """The invoice browse (headers only), by supplier, open flag, status or change time."""
    chosen = ops.browse_filters(
        TABLE,
        filters,
        modified_since=modified_since,
        supplier=supplier,
        is_open=is_open,
        status=status.value if status is not None else None,
    )
    return ops.browse(TABLE, SupplierInvoice, chosen, page_size=page_size, ws=ws)


def get_supplier_invoice(ws: Workspace, invoice_id: int) -> Flow[SupplierInvoice]:
    """An invoice with its matching and expense lines, by QAD's invoice id."""
    return ops.get_one(ws, TABLE, SupplierInvoice, {"id": str(invoice_id)})


def find_supplier_invoice(ws: Workspace, reference: str) -> Flow[SupplierInvoice | None]:
    """The invoice carrying this external reference (with its lines), if any."""
    return ops.find_by_external_reference(ws, TABLE, SupplierInvoice, reference)


def find_supplier_invoices_by_reference(
    ws: Workspace, reference: str
) -> Flow[list[SupplierInvoice]]:
    """Every supplier invoice with exactly this external reference (checked here)."""
    return ops.find_by_reference(ws, TABLE, SupplierInvoice, reference)


def find_supplier_invoice_by_reference(
    ws: Workspace, supplier: str, reference: str, invoice_type: InvoiceType | None = None
) -> Flow[SupplierInvoice | None]:
    """The invoice of ``supplier`` with the supplier's own invoice number (and, when given,
    of that type: QAD keys the number per supplier and type), if any."""
    chosen = [Filter("supplier", "eq", supplier), Filter("reference", "eq", reference)]
    if invoice_type is not None:
        chosen.append(Filter("invoice_type", "eq", invoice_type.value))
    return ops.find(ws, TABLE, SupplierInvoice, chosen)


def create_supplier_invoice(
    ws: Workspace, new: NewSupplierInvoice
) -> Operation[WriteResult[SupplierInvoice]]:
    """Register an invoice in the workspace's entity; an unmatched receipt is refused."""
    record = to_wire(TABLE, new)
    if new.total is None:
        record[TABLE.wire("total")] = encode_value(new.lines_total)
    return ops.write(ws, TABLE, SupplierInvoice, record, operation=n.CONTROL["create"])


def update_supplier_invoice(
    ws: Workspace, invoice: SupplierInvoice
) -> Operation[WriteResult[SupplierInvoice]]:
    """Save a changed copy of an invoice read with ``get``, echoing the hash it was read with."""
    return ops.update(ws, TABLE, SupplierInvoice, invoice)


class SupplierInvoices(QADResource):
    """``client.supplier_invoices``."""

    def list(
        self,
        *,
        supplier: str | None = None,
        is_open: bool | None = None,
        status: InvoiceStatus | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> Paginator[SupplierInvoice]:
        """Invoice headers, lazily, page by page (``get`` returns the lines)."""
        return self._paginate(
            list_supplier_invoices(
                ws=self._ws,
                supplier=supplier,
                is_open=is_open,
                status=status,
                modified_since=modified_since,
                filters=filters,
                page_size=page_size,
            )
        )

    def get(self, invoice_id: int) -> SupplierInvoice:
        """One invoice with its lines; ``QADNotFound`` if there is none."""
        return self._run(get_supplier_invoice(self._ws, invoice_id))

    def find_by_external_reference(self, reference: str) -> SupplierInvoice | None:
        """The supplier invoice carrying this external reference, or ``None``.

        Built on :meth:`find_by_reference`; raises ``QADConflict`` when several carry it.
        """
        return self._run(find_supplier_invoice(self._ws, reference))

    def find_by_reference(self, reference: str) -> builtins.list[SupplierInvoice]:
        """Every supplier invoice whose ``external_reference`` is exactly ``reference``.

        All pages of the filtered browse are read and each row is checked here, so a tenant
        that ignores the filter never hands back another record; duplicates show as 2+ items.
        """
        return self._run(find_supplier_invoices_by_reference(self._ws, reference))

    def find_by_supplier_reference(
        self, supplier: str, reference: str, *, invoice_type: InvoiceType | None = None
    ) -> SupplierInvoice | None:
        """The invoice of ``supplier`` numbered ``reference`` by the supplier (of
        ``invoice_type`` if given), or ``None``."""
        return self._run(
            find_supplier_invoice_by_reference(self._ws, supplier, reference, invoice_type)
        )

    def create(self, invoice: NewSupplierInvoice) -> WriteResult[SupplierInvoice]:
        """Register a supplier invoice; refusals raise ``QADValidationError`` with reasons."""
        return self._send(create_supplier_invoice(self._ws, invoice))

    def update(self, invoice: SupplierInvoice) -> WriteResult[SupplierInvoice]:
        """Save an invoice read with ``get`` and changed with ``attrs.evolve``.

        Dates and the external reference may always change; the lines, tax and ``total``
        (which must equal the lines plus tax) only while the invoice is unpaid and not final.
        Supplier, reference, type and currency never change. A refusal raises
        ``QADValidationError`` naming the fields; an invoice changed since raises
        ``QADConflict``.
        """
        return self._send(update_supplier_invoice(self._ws, invoice))


class AsyncSupplierInvoices(AsyncQADResource):
    """``client.supplier_invoices`` on the async client."""

    def list(
        self,
        *,
        supplier: str | None = None,
        is_open: bool | None = None,
        status: InvoiceStatus | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> AsyncPaginator[SupplierInvoice]:
        """Invoice headers, lazily, page by page (``get`` returns the lines)."""
        return self._paginate(
            list_supplier_invoices(
                ws=self._ws,
                supplier=supplier,
                is_open=is_open,
                status=status,
                modified_since=modified_since,
                filters=filters,
                page_size=page_size,
            )
        )

    async def get(self, invoice_id: int) -> SupplierInvoice:
        """One invoice with its lines; ``QADNotFound`` if there is none."""
        return await self._run(get_supplier_invoice(self._ws, invoice_id))

    async def find_by_external_reference(self, reference: str) -> SupplierInvoice | None:
        """The supplier invoice carrying this external reference, or ``None``."""
        return await self._run(find_supplier_invoice(self._ws, reference))

    async def find_by_reference(self, reference: str) -> builtins.list[SupplierInvoice]:
        """Every supplier invoice with exactly this ``external_reference``."""
        return await self._run(find_supplier_invoices_by_reference(self._ws, reference))

    async def find_by_supplier_reference(
        self, supplier: str, reference: str, *, invoice_type: InvoiceType | None = None
    ) -> SupplierInvoice | None:
        """The invoice of ``supplier`` numbered ``reference`` by the supplier (of
        ``invoice_type`` if given), or ``None``."""
        return await self._run(
            find_supplier_invoice_by_reference(self._ws, supplier, reference, invoice_type)
        )

    async def create(self, invoice: NewSupplierInvoice) -> WriteResult[SupplierInvoice]:
        """Register a supplier invoice; refusals raise ``QADValidationError`` with reasons."""
        return await self._send(create_supplier_invoice(self._ws, invoice))

    async def update(self, invoice: SupplierInvoice) -> WriteResult[SupplierInvoice]:
        """Save an invoice read with ``get`` and changed (see the sync client's ``update``)."""
        return await self._send(update_supplier_invoice(self._ws, invoice))

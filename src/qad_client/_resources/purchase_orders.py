"""Purchase orders: header and lines in one create or one save, plus QAD's line grid.

``create`` sends the header with every line; ``save`` sends a PO read with ``get`` back with
its changed lines (status included: a line is closed or cancelled, never deleted) and new
lines, in one write checked against the concurrency hash the PO was read with; ``update``
sends the header alone.

The grid pattern mirrors QAD's UI: ``initialize`` returns a line template numbered by QAD,
each of site, item, quantity and cost is set through ``fieldChangeV2`` (which fills the
defaults: description, unit of measure, price and accounts from the item), then the line is
committed. ``add_line`` runs those steps as one flow.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from mlconnector_http import AsyncPaginator, FieldError, Flow, Operation, Page, Paginator
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._convert import to_wire
from qad_client._exceptions import QADConfigurationError
from qad_client._models import (
    Filter,
    NewPurchaseOrder,
    NewPurchaseOrderLine,
    OrderStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    Workspace,
    WriteResult,
)
from qad_client._resources._base import AsyncQADResource, QADResource

__all__ = [
    "AsyncPurchaseOrders",
    "PurchaseOrders",
    "add_line",
    "commit_line",
    "create_purchase_order",
    "field_change",
    "find_purchase_order",
    "find_purchase_orders_by_reference",
    "get_purchase_order",
    "line_template",
    "list_purchase_orders",
    "save_purchase_order",
    "update_purchase_order",
]

TABLE = n.PURCHASE_ORDER
LINE = n.PURCHASE_ORDER_LINE

Line = dict[str, Any]


def list_purchase_orders(
    *,
    supplier: str | None = None,
    status: OrderStatus | None = None,
    modified_since: dt.datetime | None = None,
    filters: Sequence[Filter] = (),
    page_size: int = ops.DEFAULT_PAGE_SIZE,
    ws: Workspace | None = None,
) -> Operation[Page[PurchaseOrder]]:
    """The PO browse (headers only), by supplier, status or change time."""
    chosen = ops.browse_filters(
        TABLE,
        filters,
        modified_since=modified_since,
        supplier=supplier,
        status=status.value if status is not None else None,
    )
    return ops.browse(TABLE, PurchaseOrder, chosen, page_size=page_size, ws=ws)


def get_purchase_order(ws: Workspace, number: str) -> Flow[PurchaseOrder]:
    """A PO with its lines."""
    return ops.get_one(ws, TABLE, PurchaseOrder, {"number": number})


def find_purchase_order(ws: Workspace, reference: str) -> Flow[PurchaseOrder | None]:
    """The PO carrying this external reference (with its lines), if any."""
    return ops.find_by_external_reference(ws, TABLE, PurchaseOrder, reference)


def find_purchase_orders_by_reference(ws: Workspace, reference: str) -> Flow[list[PurchaseOrder]]:
    """Every purchase order with exactly this external reference (checked here)."""
    return ops.find_by_reference(ws, TABLE, PurchaseOrder, reference)


def create_purchase_order(
    ws: Workspace, new: NewPurchaseOrder
) -> Operation[WriteResult[PurchaseOrder]]:
    """Create a PO header and all its lines in one request (all or nothing)."""
    record = to_wire(TABLE, new)
    create = n.CONTROL["create"]
    lines = [{n.CONTROL["data_operation"]: create, **line} for line in record[TABLE.wire("lines")]]
    record[TABLE.wire("lines")] = lines
    return ops.write(ws, TABLE, PurchaseOrder, record, operation=create)


def update_purchase_order(
    ws: Workspace, order: PurchaseOrder
) -> Operation[WriteResult[PurchaseOrder]]:
    """Save a changed copy of a PO header read with ``get`` (lines are left as they are)."""
    return ops.update(ws, TABLE, PurchaseOrder, order, exclude=frozenset({"lines"}))


def _line_numbers(order: PurchaseOrder, new_lines: Sequence[NewPurchaseOrderLine]) -> None:
    """Refuse, before sending, a save that names a line twice or a line of another PO."""
    seen: set[int] = set()
    for line in order.lines:
        if line.po_number and line.po_number.strip().upper() != order.number.strip().upper():
            raise QADConfigurationError(
                f"line {line.line} belongs to PO {line.po_number}, not {order.number}"
            )
        if line.line in seen:
            raise QADConfigurationError(f"line {line.line} of PO {order.number} is given twice")
        seen.add(line.line)
    for new in new_lines:
        if new.line is None:
            continue
        if new.line in seen:
            raise QADConfigurationError(
                f"line {new.line} of PO {order.number} is given twice "
                "(order.lines and new_lines name each line once)"
            )
        seen.add(new.line)


def save_purchase_order(
    ws: Workspace,
    order: PurchaseOrder,
    new_lines: Sequence[NewPurchaseOrderLine] = (),
) -> Operation[WriteResult[PurchaseOrder]]:
    """One write of a PO header with the lines in ``order.lines`` (``U``) and ``new_lines`` (``C``).

    The header echoes the concurrency hash ``order`` was read with, which guards the lines too.
    """
    if not order.concurrency_hash:
        raise QADConfigurationError(
            f"purchase order {order.number} has no concurrencyHash: read it with get() "
            "(list rows do not carry one) and change that copy"
        )
    _line_numbers(order, new_lines)
    c = n.CONTROL
    record = to_wire(TABLE, order, exclude=frozenset({"lines"}))
    rows = [{c["data_operation"]: c["update"], **to_wire(LINE, line)} for line in order.lines]
    rows += [{c["data_operation"]: c["create"], **to_wire(LINE, new)} for new in new_lines]
    if rows:
        record[TABLE.wire("lines")] = rows
    return ops.write(
        ws,
        TABLE,
        PurchaseOrder,
        record,
        operation=c["update"],
        concurrency_hash=order.concurrency_hash,
        name="purchase_orders.save",
    )


def line_template(ws: Workspace, po_number: str) -> Operation[Line]:
    """``GET purchaseOrderLinesGrid?initialize=true``: a new line QAD has numbered."""
    q = n.BROWSE
    params = [
        (q["initialize"], "true"),
        (q["domain"], ws.domain),
        (LINE.wire("po_number"), po_number),
    ]

    def parse(response: httpx.Response) -> Line:
        body = response.json()
        data = body.get(n.ENVELOPE["data"]) if isinstance(body, dict) else None
        rows = data.get(LINE.plural) if isinstance(data, dict) else None
        if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
            raise ValueError("line grid initialize answered without a line template")
        return dict(rows[0])

    return Operation(
        name="purchase_orders.line_template",
        method="GET",
        path=n.PATHS["line_grid"],
        params=params,
        parse=parse,
    )


def field_change(
    ws: Workspace, field: str, line: Mapping[str, Any]
) -> Operation[tuple[Line, tuple[FieldError, ...]]]:
    """``POST fieldChangeV2?fieldName=``: QAD checks one field and fills its defaults."""
    q = n.BROWSE

    def parse(response: httpx.Response) -> tuple[Line, tuple[FieldError, ...]]:
        body = response.json()
        warnings = ops.read_submit_result(response, body, LINE)
        rows = body.get(LINE.plural)
        if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
            raise ValueError(f"fieldChangeV2 for {field} answered without the line")
        return dict(rows[0]), warnings

    return Operation(
        name="purchase_orders.field_change",
        method="POST",
        path=n.PATHS["line_field_change"],
        params=[(q["field_name"], field), (q["domain"], ws.domain)],
        json={LINE.plural: [dict(line)]},
        parse=parse,
        retry_safe=True,  # saves nothing
    )


def commit_line(
    ws: Workspace, line: Mapping[str, Any]
) -> Operation[WriteResult[PurchaseOrderLine]]:
    """``POST purchaseOrderLinesGrid``: save a line built with the grid."""
    return ops.write(
        ws,
        LINE,
        PurchaseOrderLine,
        line,
        operation=n.CONTROL["create"],
        path=n.PATHS["line_grid"],
        name="purchase_orders.commit_line",
    )


def add_line(
    ws: Workspace, po_number: str, new: NewPurchaseOrderLine
) -> Flow[WriteResult[PurchaseOrderLine]]:
    """initialize -> fieldChangeV2 per UI field -> commit; warnings of every step are kept."""
    line: Line = yield line_template(ws, po_number)
    wanted = to_wire(LINE, new)
    warnings: list[FieldError] = []
    for attribute in n.GRID["field_change_order"]:
        wire = LINE.wire(attribute)
        if wire not in wanted:
            continue
        line[wire] = wanted.pop(wire)
        changed: tuple[Line, tuple[FieldError, ...]] = yield field_change(ws, wire, line)
        line, found = changed
        warnings.extend(found)
    line.update(wanted)  # the caller's remaining fields override QAD's defaults
    saved: WriteResult[PurchaseOrderLine] = yield commit_line(ws, line)
    return WriteResult(saved.record, (*warnings, *saved.warnings), saved.confirmations)


class PurchaseOrders(QADResource):
    """``client.purchase_orders``."""

    def list(
        self,
        *,
        supplier: str | None = None,
        status: OrderStatus | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> Paginator[PurchaseOrder]:
        """PO headers, lazily, page by page (``get`` returns the lines)."""
        return self._paginate(
            list_purchase_orders(
                ws=self._ws,
                supplier=supplier,
                status=status,
                modified_since=modified_since,
                filters=filters,
                page_size=page_size,
            )
        )

    def get(self, number: str) -> PurchaseOrder:
        """One PO with its lines; ``QADNotFound`` if there is none."""
        return self._run(get_purchase_order(self._ws, number))

    def find_by_external_reference(self, reference: str) -> PurchaseOrder | None:
        """The purchase order carrying this external reference, or ``None``.

        Built on :meth:`find_by_reference`; raises ``QADConflict`` when several carry it.
        """
        return self._run(find_purchase_order(self._ws, reference))

    def find_by_reference(self, reference: str) -> builtins.list[PurchaseOrder]:
        """Every purchase order whose ``external_reference`` is exactly ``reference``.

        All pages of the filtered browse are read and each row is checked here, so a tenant
        that ignores the filter never hands back another record; duplicates show as 2+ items.
        """
        return self._run(find_purchase_orders_by_reference(self._ws, reference))

    def create(self, order: NewPurchaseOrder) -> WriteResult[PurchaseOrder]:
        """Create a PO with its lines in one call."""
        return self._send(create_purchase_order(self._ws, order))

    def update(self, order: PurchaseOrder) -> WriteResult[PurchaseOrder]:
        """Save a changed copy (``attrs.evolve``) of a PO header read with ``get``.

        The lines are left as they are; :meth:`save` changes and adds lines too.
        """
        return self._send(update_purchase_order(self._ws, order))

    def save(
        self, order: PurchaseOrder, *, new_lines: Sequence[NewPurchaseOrderLine] = ()
    ) -> WriteResult[PurchaseOrder]:
        """Save a PO read with ``get``, changed, with new lines: one write, all or nothing.

        ``order`` is the copy ``get`` returned, changed with ``attrs.evolve``: its header,
        and each line in ``order.lines``, saved as given and matched by ``line`` number,
        ``status`` included (``OrderStatus.CLOSED`` or ``CANCELLED`` closes or cancels a
        line, ``OPEN`` reopens it; a line is never deleted). Lines of the PO that
        ``order.lines`` leaves out stay as they are, so pass only the changed lines (or
        ``lines=()`` for the header alone). ``new_lines`` are added, numbered by their
        ``line`` or, without one, by QAD. The write carries the hash ``order`` was read with:
        a PO changed since raises ``QADConflict`` and nothing is saved; a refused line raises
        ``QADValidationError`` naming its fields, and nothing is saved either. A PO's
        supplier and currency cannot change. Raises ``QADConfigurationError`` before
        sending when ``order`` has no hash (a list row) or a line number is given twice.
        """
        return self._send(save_purchase_order(self._ws, order, new_lines))

    def add_line(
        self, po_number: str, line: NewPurchaseOrderLine
    ) -> WriteResult[PurchaseOrderLine]:
        """Add a line through QAD's grid (initialize, fieldChange, commit)."""
        return self._run(add_line(self._ws, po_number, line))


class AsyncPurchaseOrders(AsyncQADResource):
    """``client.purchase_orders`` on the async client."""

    def list(
        self,
        *,
        supplier: str | None = None,
        status: OrderStatus | None = None,
        modified_since: dt.datetime | None = None,
        filters: Sequence[Filter] = (),
        page_size: int = ops.DEFAULT_PAGE_SIZE,
    ) -> AsyncPaginator[PurchaseOrder]:
        """PO headers, lazily, page by page (``get`` returns the lines)."""
        return self._paginate(
            list_purchase_orders(
                ws=self._ws,
                supplier=supplier,
                status=status,
                modified_since=modified_since,
                filters=filters,
                page_size=page_size,
            )
        )

    async def get(self, number: str) -> PurchaseOrder:
        """One PO with its lines; ``QADNotFound`` if there is none."""
        return await self._run(get_purchase_order(self._ws, number))

    async def find_by_external_reference(self, reference: str) -> PurchaseOrder | None:
        """The purchase order carrying this external reference, or ``None``."""
        return await self._run(find_purchase_order(self._ws, reference))

    async def find_by_reference(self, reference: str) -> builtins.list[PurchaseOrder]:
        """Every purchase order with exactly this ``external_reference``."""
        return await self._run(find_purchase_orders_by_reference(self._ws, reference))

    async def create(self, order: NewPurchaseOrder) -> WriteResult[PurchaseOrder]:
        """Create a PO with its lines in one call."""
        return await self._send(create_purchase_order(self._ws, order))

    async def update(self, order: PurchaseOrder) -> WriteResult[PurchaseOrder]:
        """Save a changed copy (``attrs.evolve``) of a PO header read with ``get``."""
        return await self._send(update_purchase_order(self._ws, order))

    async def save(
        self, order: PurchaseOrder, *, new_lines: Sequence[NewPurchaseOrderLine] = ()
    ) -> WriteResult[PurchaseOrder]:
        """Save a PO read with ``get``, changed, with new lines: one write, all or nothing.

        See :meth:`PurchaseOrders.save`.
        """
        return await self._send(save_purchase_order(self._ws, order, new_lines))

    async def add_line(
        self, po_number: str, line: NewPurchaseOrderLine
    ) -> WriteResult[PurchaseOrderLine]:
        """Add a line through QAD's grid (initialize, fieldChange, commit)."""
        return await self._run(add_line(self._ws, po_number, line))

"""Procurify purchase orders -> QAD purchase orders, every line coded the way QAD demands.

A PO in one of the posting states (purchased or reopened by default) posts with every line:
the vendor resolves to a QAD supplier (the vendor's ``external_id``, which the suppliers flow
sets, or the ``vendors`` mapping), each line's account code to an active QAD GL account (the
same code, or the ``accounts`` mapping), plus the cost centre, project or sub-account that GL
account's analysis asks for (from the line's department through the ``departments``,
``projects`` and ``sub_accounts`` mappings, else ``defaults``). What is missing holds the PO,
naming each missing value. A PO edited after posting updates the same QAD PO in place; a
cancelled one cancels it, a closed or paid one closes it; a PO never posted that is already
closed or cancelled is skipped.

Mappings read (all optional): ``vendors`` (Procurify vendor id -> QAD supplier), ``accounts``
(account code -> GL account), ``departments`` (department id or name -> cost centre),
``projects`` (department id or name, or account code -> project), ``sub_accounts`` (account
code or department -> sub-account), ``items`` (SKU -> QAD item), ``currencies`` (Procurify
currency -> QAD currency) and ``defaults`` (``item``, ``cost_centre``, ``project``,
``sub_account``, ``site``). QAD needs an item on every PO line; Procurify lines are mostly
free text, so ``defaults.item`` (a memo item) is what most tenants set.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from mlconnector_sync._flow import Context, Flow, Hold, InvalidRecord, Post, Skip, Verdict
from mlconnector_sync.adapters.procurify_sources import ProcurifyPurchaseOrderSource
from mlconnector_sync.adapters.qad_sinks import (
    REFERENCE_LIMIT,
    QADPurchaseOrderSink,
)
from mlconnector_sync.flows._coding import (
    Missing,
    coding,
    coding_tables,
    date,
    decimal,
    first,
    members_of,
    supplier_code,
)
from procurify_client import OrderItemStatus, ProcurifyClient, PurchaseOrderState
from qad_client import OrderStatus, QADClient

__all__ = ["DEFAULT_STATUSES", "NAME", "build", "reference", "transform"]

NAME = "procurify_pos_to_qad"

DEFAULT_STATUSES: frozenset[int] = frozenset(
    {PurchaseOrderState.PURCHASED, PurchaseOrderState.REOPENED}
)
"""The Procurify PO states that mean approved and purchased: these post."""

OPEN, CLOSED, CANCELLED = (
    OrderStatus.OPEN.value,
    OrderStatus.CLOSED.value,
    OrderStatus.CANCELLED.value,
)

_CLOSING: Mapping[int, str] = {
    PurchaseOrderState.CANCELLED: CANCELLED,
    PurchaseOrderState.CLOSED: CLOSED,
    PurchaseOrderState.PAID: CLOSED,
}
_CANCELLED_LINES = frozenset(
    {OrderItemStatus.REJECTED_FOR_PURCHASE, OrderItemStatus.APPROVAL_DENIED}
)


def reference(source_key: str) -> str:
    """The QAD external reference: ``PFY-<Procurify PO number>-<6 hex digits of the key>``.

    The digits tell two Procurify tenants' PO 12 apart; at most ``REFERENCE_LIMIT`` (20)
    characters, the width of the QAD free field that carries it.
    """
    digest = hashlib.sha256(source_key.encode()).hexdigest().upper()
    short = f"PFY-{source_key.rsplit(':', 1)[-1]}-{digest[:6]}"
    return short if len(short) <= REFERENCE_LIMIT else f"PFY-{digest[: REFERENCE_LIMIT - 4]}"


def _state_name(state: int) -> str:
    try:
        return PurchaseOrderState(state).name.lower()
    except ValueError:
        return str(state)


def _line(
    index: int,
    line: Mapping[str, Any],
    ctx: Context,
    missing: Missing,
    due_date: str | None,
) -> dict[str, Any]:
    path = f"lines[{index}]"
    number = line.get("line_number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise InvalidRecord(f"{path}.line_number", f"must be a positive integer, not {number!r}")
    label = f"line {number}"
    qty_field = "approved_quantity" if line.get("approved_quantity") is not None else "quantity"
    quantity = decimal(line.get(qty_field), f"{path}.{qty_field}", f"{label}: the quantity")
    if quantity <= 0:
        raise InvalidRecord(f"{path}.{qty_field}", f"{label}: must be positive, not {quantity}")
    price_field = "approved_price" if line.get("approved_price") is not None else "price"
    price = decimal(line.get(price_field), f"{path}.{price_field}", f"{label}: the price")
    if price < 0:
        raise InvalidRecord(f"{path}.{price_field}", f"{label}: must not be negative, not {price}")
    account_code = str(line.get("account_code") or "").strip()
    if not account_code:
        raise InvalidRecord(f"{path}.account_code", f"{label}: a line needs an account code")
    defaults = ctx.mapping("defaults")
    item = first(ctx.mapping("items"), [line.get("sku")]) or (defaults.get("item") or "").strip()
    if not item:
        missing.add(
            "no QAD item for Procurify lines: set defaults.item (or map the SKU in items)",
            "QAD item for Procurify PO lines (defaults.item)",
        )
    department = line.get("department") if isinstance(line.get("department"), Mapping) else None
    document: dict[str, Any] = {
        "line": number,
        "description": str(line.get("name") or "").strip() or None,
        "quantity": str(quantity),
        "purchase_cost": str(price),
        "due_date": due_date,
        "item": item,
        **coding(account_code, department, label, ctx, missing),
    }
    site = (defaults.get("site") or "").strip()
    if site:
        document["site"] = site
    return document


def _lines(
    po: Mapping[str, Any], ctx: Context, missing: Missing, due_date: str | None
) -> list[dict[str, Any]]:
    lines = po.get("lines")
    if not isinstance(lines, list) or not lines:
        raise InvalidRecord("lines", "a purchase order needs at least one line")
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    for index, line in enumerate(lines):
        if not isinstance(line, Mapping):
            raise InvalidRecord(f"lines[{index}]", "not an object")
        if line.get("status") in _CANCELLED_LINES:
            continue  # not sent: a QAD line it was posted as is cancelled
        document = _line(index, line, ctx, missing, due_date)
        if document["line"] in seen:
            raise InvalidRecord(
                f"lines[{index}].line_number", f"line number {document['line']} appears twice"
            )
        seen.add(document["line"])
        out.append(document)
    return sorted(out, key=lambda line: int(line["line"]))


def transform(
    po: Mapping[str, Any],
    ctx: Context,
    *,
    statuses: frozenset[int] = DEFAULT_STATUSES,
) -> Verdict:
    """A Procurify PO snapshot (with lines) as a QAD PO document, or why not yet."""
    state = po.get("state")
    if isinstance(state, bool) or not isinstance(state, int):
        raise InvalidRecord("state", f"a purchase order needs its state, not {state!r}")
    number = str(po.get("number") or po.get("id") or "").strip()
    if not number:
        raise InvalidRecord("number", "a purchase order needs a number")
    posted = ctx.target_id is not None
    closing = _CLOSING.get(state)
    if state in statuses:
        status = closing or OPEN
    elif closing is not None and posted:
        status = closing
    elif closing is not None:
        return Skip(f"{_state_name(state)} in Procurify and never posted to QAD")
    else:
        wanted = ", ".join(sorted(_state_name(s) for s in statuses))
        return Skip(f"state {_state_name(state)} does not post (posting states: {wanted})")
    if status == CANCELLED and not posted:
        return Skip("cancelled in Procurify and never posted to QAD")
    if status != OPEN and posted:
        try:
            verdict = _document(po, ctx, number, status, state)
        except InvalidRecord:
            verdict = None
        if not isinstance(verdict, Post):  # closing goes through even if the lines cannot
            return Post({"status": status, "lines": None})
        return verdict
    return _document(po, ctx, number, status, state)


def _document(po: Mapping[str, Any], ctx: Context, number: str, status: str, state: int) -> Verdict:
    missing = Missing()
    order_date = date(po.get("date"), "date", required=True)
    due_date = date(po.get("promise_date"), "promise_date", required=False)
    if not isinstance(po.get("vendor"), Mapping) or po["vendor"].get("id") in (None, ""):
        raise InvalidRecord("vendor", "a purchase order needs a vendor")
    supplier = supplier_code(po["vendor"], po.get("vendor_name"), ctx, missing)
    lines = _lines(po, ctx, missing, due_date)
    if not lines and ctx.target_id is None:
        return Skip("every line of the PO is cancelled and it was never posted to QAD")
    if missing.reasons:
        return Hold(
            f"PO {number}: " + "; ".join(missing.reasons), waits_on="; ".join(missing.waits)
        )
    currency = str(po.get("currency") or "").strip()
    document: dict[str, Any] = {
        "supplier": supplier,
        "order_date": order_date,
        "due_date": due_date,
        "currency": (ctx.mapping("currencies").get(currency) or currency) or None,
        "remarks": f"Procurify PO {number}",
        "status": status,
        "reopen": state == PurchaseOrderState.REOPENED,
        "lines": lines,
    }
    site = (ctx.mapping("defaults").get("site") or "").strip()
    if site:
        document["ship_to"] = site
    return Post(document)


def build(
    procurify: ProcurifyClient,
    qad: QADClient,
    *,
    connection: str,
    domain: str | None = None,
    statuses: Iterable[PurchaseOrderState | int | str] = DEFAULT_STATUSES,
) -> Flow:
    """The flow from one Procurify tenant (``connection``) into the QAD client's domain.

    ``domain`` is the QAD domain the client writes to (its workspace's by default; a
    different one is refused, since the client decides where the POs go).
    """
    tables = coding_tables(qad, domain)
    return Flow(
        name=NAME,
        source=ProcurifyPurchaseOrderSource(procurify, connection=connection),
        sink=QADPurchaseOrderSink(qad),
        transform=functools.partial(
            transform, statuses=members_of(PurchaseOrderState, statuses, "Procurify PO state")
        ),
        reference=reference,
        requires=("qad_suppliers_to_procurify", "qad_gl_accounts_to_procurify"),
        tables=tables,
    )

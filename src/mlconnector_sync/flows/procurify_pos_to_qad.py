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

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from mlconnector_sync._flow import Context, Flow, Hold, InvalidRecord, Post, Skip, Verdict
from mlconnector_sync.adapters.procurify_sources import ProcurifyPurchaseOrderSource
from mlconnector_sync.adapters.qad_sinks import (
    REFERENCE_LIMIT,
    QADCodingTables,
    QADPurchaseOrderSink,
    code_key,
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

    The digits tell two Procurify tenants' PO 12 apart; at most 24 characters, QAD's field.
    """
    digest = hashlib.sha256(source_key.encode()).hexdigest().upper()
    short = f"PFY-{source_key.rsplit(':', 1)[-1]}-{digest[:6]}"
    return short if len(short) <= REFERENCE_LIMIT else f"PFY-{digest[: REFERENCE_LIMIT - 4]}"


def statuses_of(statuses: Iterable[PurchaseOrderState | int | str]) -> frozenset[int]:
    """Posting states from enum members, their numbers or names (``"purchased"``)."""
    chosen: set[int] = set()
    for status in statuses:
        if isinstance(status, str) and not status.strip().isdigit():
            try:
                chosen.add(int(PurchaseOrderState[status.strip().upper()]))
            except KeyError:
                names = ", ".join(s.name.lower() for s in PurchaseOrderState)
                raise ValueError(f"unknown Procurify PO state {status!r}; one of {names}") from None
        else:
            chosen.add(int(status))
    return frozenset(chosen)


def _state_name(state: int) -> str:
    try:
        return PurchaseOrderState(state).name.lower()
    except ValueError:
        return str(state)


@attrs.define
class _Missing:
    """What holds a PO: the reasons and what each waits on, in order, without repeats."""

    reasons: list[str] = attrs.field(factory=list)
    waits: list[str] = attrs.field(factory=list)

    def add(self, reason: str, waits_on: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        if waits_on not in self.waits:
            self.waits.append(waits_on)


def _decimal(value: Any, field: str, what: str) -> Decimal:
    if value is None or isinstance(value, bool | float):
        raise InvalidRecord(field, f"{what} must be a decimal string, not {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidRecord(field, f"{what} is not a decimal: {value!r}") from None
    if not number.is_finite():
        raise InvalidRecord(field, f"{what} is not a finite decimal: {value!r}")
    return number


def _date(value: Any, field: str, *, required: bool) -> str | None:
    if value in (None, ""):
        if required:
            raise InvalidRecord(field, "required")
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidRecord(field, f"not an ISO date or time: {value!r}") from None
    return moment.date().isoformat()


def _first(mapping: Mapping[str, str], keys: Iterable[Any]) -> str | None:
    for key in keys:
        if key not in (None, "") and str(key) in mapping:
            return mapping[str(key)].strip() or None
    return None


def _supplier(po: Mapping[str, Any], ctx: Context, missing: _Missing) -> str:
    vendor = po.get("vendor")
    if not isinstance(vendor, Mapping) or vendor.get("id") in (None, ""):
        raise InvalidRecord("vendor", "a purchase order needs a vendor")
    vendor_id = str(vendor["id"])
    name = str(vendor.get("name") or po.get("vendor_name") or "").strip()
    label = f"Procurify vendor {vendor_id}" + (f" ({name})" if name else "")
    code = ctx.mapping("vendors").get(vendor_id) or str(vendor.get("external_id") or "")
    code = code.strip()
    if not code:
        missing.add(
            f"{label} has no QAD supplier: no external id and no entry in the vendors mapping",
            f"QAD supplier for Procurify vendor {vendor_id}",
        )
        return ""
    known = ctx.table("suppliers").get(code_key(code))
    if known is None:
        missing.add(
            f"QAD has no supplier {code} (for {label})",
            f"QAD supplier {code} for Procurify vendor {vendor_id}",
        )
    elif not known:
        missing.add(
            f"QAD supplier {code} (for {label}) is inactive",
            f"QAD supplier {code} to be active",
        )
    return code


def _analysis(
    kind: str,
    table: str,
    code: str | None,
    for_what: str,
    ctx: Context,
    missing: _Missing,
) -> None:
    """Check a chosen analysis code exists and is active in QAD."""
    if code is None:
        return
    known = ctx.table(table).get(code_key(code))
    if known is None:
        missing.add(f"QAD has no {kind} {code} ({for_what})", f"QAD {kind} {code} ({for_what})")
    elif not known:
        missing.add(
            f"QAD {kind} {code} ({for_what}) is inactive", f"QAD {kind} {code} to be active"
        )


def _line(
    index: int,
    line: Mapping[str, Any],
    ctx: Context,
    missing: _Missing,
    due_date: str | None,
) -> dict[str, Any]:
    path = f"lines[{index}]"
    number = line.get("line_number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise InvalidRecord(f"{path}.line_number", f"must be a positive integer, not {number!r}")
    label = f"line {number}"
    qty_field = "approved_quantity" if line.get("approved_quantity") is not None else "quantity"
    quantity = _decimal(line.get(qty_field), f"{path}.{qty_field}", f"{label}: the quantity")
    if quantity <= 0:
        raise InvalidRecord(f"{path}.{qty_field}", f"{label}: must be positive, not {quantity}")
    price_field = "approved_price" if line.get("approved_price") is not None else "price"
    price = _decimal(line.get(price_field), f"{path}.{price_field}", f"{label}: the price")
    if price < 0:
        raise InvalidRecord(f"{path}.{price_field}", f"{label}: must not be negative, not {price}")
    account_code = str(line.get("account_code") or "").strip()
    if not account_code:
        raise InvalidRecord(f"{path}.account_code", f"{label}: a line needs an account code")

    department = line.get("department") if isinstance(line.get("department"), Mapping) else None
    dept_keys = [department.get("id"), department.get("name")] if department else []
    dept_label = str(department.get("name") or department.get("id")) if department else None
    defaults = ctx.mapping("defaults")

    mapped = ctx.mapping("accounts").get(account_code)
    gl_code = (mapped or account_code).strip()
    via = f" (mapped to {gl_code})" if mapped else ""
    waits_gl = f"GL account for account code {account_code} ({label})"
    account = ctx.table("gl_accounts").get(code_key(gl_code))
    document: dict[str, Any] = {
        "line": number,
        "description": str(line.get("name") or "").strip() or None,
        "quantity": str(quantity),
        "purchase_cost": str(price),
        "gl_account": gl_code,
        "due_date": due_date,
    }
    item = _first(ctx.mapping("items"), [line.get("sku")]) or (defaults.get("item") or "").strip()
    if not item:
        missing.add(
            "no QAD item for Procurify lines: set defaults.item (or map the SKU in items)",
            "QAD item for Procurify PO lines (defaults.item)",
        )
    document["item"] = item
    if account is None:
        missing.add(f"{label}: account code {account_code}{via} has no GL account in QAD", waits_gl)
        return document
    if not account.get("active", True):
        missing.add(f"{label}: GL account {gl_code} is inactive in QAD", waits_gl)
        return document
    document["gl_account"] = str(account.get("code") or gl_code)

    for_dept = f"department {dept_label}" if dept_label else f"{label}, GL account {gl_code}"
    if account.get("cost_centre"):
        centre = _first(ctx.mapping("departments"), dept_keys) or defaults.get("cost_centre")
        if not centre:
            missing.add(
                f"{label}: GL account {gl_code} needs a cost centre and "
                + (
                    f"department {dept_label} maps to none"
                    if dept_label
                    else "the line has no department"
                ),
                f"cost centre for {for_dept}",
            )
        else:
            _analysis("cost centre", "cost_centres", centre, for_dept, ctx, missing)
            document["cost_centre"] = centre
    if account.get("project"):
        project = _first(ctx.mapping("projects"), [*dept_keys, account_code]) or defaults.get(
            "project"
        )
        if not project:
            missing.add(
                f"{label}: GL account {gl_code} needs a project and none is mapped",
                f"project for {for_dept}",
            )
        else:
            _analysis("project", "projects", project, for_dept, ctx, missing)
            document["project"] = project
    if account.get("sub_account"):
        sub = _first(ctx.mapping("sub_accounts"), [account_code, *dept_keys]) or defaults.get(
            "sub_account"
        )
        if sub:
            _analysis("sub-account", "sub_accounts", sub, for_dept, ctx, missing)
            document["sub_account"] = sub
    site = (defaults.get("site") or "").strip()
    if site:
        document["site"] = site
    return document


def _lines(
    po: Mapping[str, Any], ctx: Context, missing: _Missing, due_date: str | None
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
    missing = _Missing()
    order_date = _date(po.get("date"), "date", required=True)
    due_date = _date(po.get("promise_date"), "promise_date", required=False)
    supplier = _supplier(po, ctx, missing)
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
    if domain is not None and code_key(domain) != code_key(qad.workspace.domain):
        raise ValueError(
            f"the QAD client writes to domain {qad.workspace.domain}, not {domain}: "
            "open it with for_domain() first"
        )
    tables = QADCodingTables(qad)
    return Flow(
        name=NAME,
        source=ProcurifyPurchaseOrderSource(procurify, connection=connection),
        sink=QADPurchaseOrderSink(qad),
        transform=functools.partial(transform, statuses=statuses_of(statuses)),
        reference=reference,
        requires=("qad_suppliers_to_procurify", "qad_gl_accounts_to_procurify"),
        tables={
            "gl_accounts": tables.gl_accounts,
            "cost_centres": tables.cost_centres,
            "projects": tables.projects,
            "sub_accounts": tables.sub_accounts,
            "suppliers": tables.suppliers,
        },
    )

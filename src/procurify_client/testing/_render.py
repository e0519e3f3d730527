"""Records to Procurify's JSON shapes, field names and types as the OpenAPI spec gives them.

The spec's own quirks are kept on purpose: mixed camelCase/snake_case keys, PO money as
decimal strings but bill totals as floats, ``shipping_method`` a string in the PO list and an
object in the PO detail, integer enums on v2/v3 and string enums on public v1.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from procurify_client.testing._serializers import VENDOR_FIELDS
from procurify_client.testing._state import (
    AccountCode,
    Bill,
    BillItem,
    Currency,
    OrderItem,
    Payment,
    PurchaseOrder,
    ReceiptItem,
    Tenant,
    User,
    Vendor,
)

__all__ = [
    "account_code",
    "bill_detail",
    "bill_summary",
    "iso",
    "me",
    "payment",
    "purchase_order",
    "receipt",
    "vendor",
]

JSON = dict[str, Any]
_WRITABLE_VENDOR_KEYS = tuple((f.wire, f.attr) for f in VENDOR_FIELDS)


def iso(value: datetime | None) -> str | None:
    """A timestamp as DRF writes it: ISO 8601 with ``Z`` for UTC."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _day(value: date | datetime | None) -> str | None:
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if value is not None else None


def _dec(value: Decimal, places: int = 2) -> str:
    return str(value.quantize(Decimal(1).scaleb(-places)))


def _currency(c: Currency) -> JSON:
    return {
        "id": c.id,
        "name": c.name,
        "description": c.description,
        "rate": _dec(c.rate, 6),
        "base": c.base,
        "active": True,
    }


def _currency_summary(c: Currency) -> JSON:
    return {"id": c.id, "name": c.name, "rate": _dec(c.rate, 6), "base": c.base}


def _department(t: Tenant, department_id: int) -> JSON:
    d = t.departments[department_id]
    location = t.locations[d.location_id]
    return {
        "id": d.id,
        "branch": {"id": location.id, "name": location.name},
        "external_id": d.external_id,
        "name": d.name,
        "punchout_email": None,
        "active": d.active,
    }


def _user_summary(t: Tenant, user_id: int) -> JSON:
    u = t.users[user_id]
    return {
        "id": u.id,
        "department": _department(t, u.department_id),
        "created_at": iso(u.created_at),
        "updated_at": iso(u.created_at),
        "firstName": u.first_name,
        "lastName": u.last_name,
        "email": u.email,
        "position": u.position,
        "phone": None,
        "address": None,
        "notifications": True,
        "is_active": u.is_active,
        "mobile": False,
        "profile_image": None,
        "slack_user_id": "",
        "is_sso_enabled": False,
        "last_changed_by": None,
        "user": u.id,
        "approval_delegatee": None,
        "expected_return_date": _day(u.expected_return_date),
    }


def _shared_user_summary(t: Tenant, user_id: int) -> JSON:
    """The user summary reused across one tenant revision; callers must not mutate it."""
    return t.memo(("user-summary", user_id), lambda: _user_summary(t, user_id))


def _shared_vendor(t: Tenant, vendor_id: int) -> JSON:
    """The vendor body reused across one tenant revision; callers must not mutate it."""
    return t.memo(("vendor", vendor_id), lambda: vendor(t, t.vendors[vendor_id]))


def _user_brief(t: Tenant, user_id: int) -> JSON:
    """SimpleUserSummary."""
    u = t.users[user_id]
    return {
        "id": u.id,
        "firstName": u.first_name,
        "lastName": u.last_name,
        "email": u.email,
        "position": u.position,
        "profile_image": None,
        "approval_delegatee": None,
        "expected_return_date": _day(u.expected_return_date),
    }


def _simple_user(t: Tenant, user_id: int) -> JSON:
    u = t.users[user_id]
    department = t.departments[u.department_id]
    return {
        "id": u.id,
        "firstName": u.first_name,
        "lastName": u.last_name,
        "email": u.email,
        "profile_image": None,
        "department_name": department.name,
        "branch_name": t.locations[department.location_id].name,
    }


def vendor(t: Tenant, v: Vendor) -> JSON:
    """VendorRead / VendorDetail, with the vendor request it came from and its performance."""
    body: JSON = {"id": v.id}
    for wire, attr in _WRITABLE_VENDOR_KEYS:
        value = getattr(v, attr)
        body[wire] = list(value) if isinstance(value, tuple) else value
    # written as a decimal string, read back as the float VendorRead/VendorDetail declare
    body["overall_score"] = float(v.overall_score) if v.overall_score is not None else None
    body.update(
        dateModified=iso(v.date_modified),
        payment_term_ref=None,
        shipping_term_ref=None,
        payment_method_ref=None,
        shipping_method_ref=None,
        payment_methods=[],
        default_payment_method=None,
        creditcards=[],
        vendor_request=_vendor_request(t, v),
        performance=_performance(v),
    )
    return body


def _vendor_request(t: Tenant, v: Vendor) -> JSON | None:
    """NestedVendorRequest: who asked for the vendor, approved (so no next approver)."""
    if v.requested_by is None:
        return None
    return {
        "id": v.id,
        "requester": t.users[v.requested_by].full_name,
        "submitted_date": iso(v.requested_at),
        "next_approver": None,
        "permissions": {},
    }


_WEIGHTS = (("cost", "0.3"), ("accuracy", "0.3"), ("speed", "0.2"), ("quality", "0.2"))


def _performance(v: Vendor) -> JSON | None:
    """VendorPerformance, read-only: the overall score split into its four weighted parts."""
    if v.overall_score is None:
        return None
    score = float(v.overall_score)
    return {
        "overall_score": score,
        "average_delivery_time": _dec(Decimal(3 + v.id % 5) + Decimal("0.5"), 3),
        "breakdown": {name: {"score": score, "weight": weight} for name, weight in _WEIGHTS},
    }


def account_code(c: AccountCode) -> JSON:
    """AccountCodeRead."""
    return {
        "id": c.id,
        "code": c.code,
        "description": c.description,
        "account_type": c.account_type,
        "active": c.active,
        "parent": c.parent,
        "code_length": len(c.code),
        "applied_accounts_count": len(c.departments),
    }


def _account(t: Tenant, code_id: int, department_id: int) -> JSON:
    """AccountRead: an account code's budget line in one department."""
    return {
        "id": (code_id - 1) * 100 + department_id,
        "account_code": account_code(t.account_codes[code_id]),
        "department": _department(t, department_id),
        "warning_indicator": False,
        "budget_used_approved": 0.0,
        "budget_used_purchased": 0.0,
        "start_datetime": None,
        "end_datetime": None,
        "budget": "0.00",
        "balance_approved": "0.00",
        "balance_purchased": "0.00",
        "active": True,
    }


def _line(t: Tenant, po: PurchaseOrder, line: OrderItem) -> JSON:
    """PurchaseOrderLineItemRead (also OrderItemRead inside bill items)."""
    currency = t.currencies[po.currency_id]
    code = t.account_codes[line.account_code_id]
    return {
        "id": line.id,
        "num": str(line.line_num),
        "PO_line_num": line.line_num,
        "name": line.name,
        "sku": line.sku,
        "unit": line.unit,
        "quantity": float(line.quantity),
        "approved_quantity": float(line.quantity),
        "price": _dec(line.price),
        "approved_price": _dec(line.price),
        "total_cost": _dec(line.total_cost),
        "tax_amount": _dec(line.total_cost * po.tax_percent / 100),
        "shipping_amount": "0.00",
        "receivedPassQty": float(line.received_pass),
        "receivedFailQty": float(line.received_fail),
        "account": _account(t, line.account_code_id, line.department_id),
        "accountCode": code.code,
        "currency": _currency_summary(currency),
        "approved_currency_rate": _dec(currency.rate, 6),
        "purchased_currency_rate": _dec(currency.rate, 6),
        "pref_vendor": _shared_vendor(t, po.vendor_id),
        "vendor": t.vendors[po.vendor_id].name,
        "purchase_order": po.id,
        "purchase_order_number": po.number,
        "purchase_order_uuid": po.uuid,
        "po_version": po.version,
        "orderNum": None,
        "requester": _user_brief(t, line.requester_id),
        "purchaser": _shared_user_summary(t, po.purchaser_id),
        "status": line.status,
        "type": 0,
        "external_id": line.external_id,
        "custom_fields": [],
        "attachments": [],
        "item_attachments": [],
        "catalog_item": None,
        "recurrence": None,
        "approved_datetime": iso(po.date),
        "created_at": iso(po.date),
        "updated_at": iso(line.last_modified),
        "last_modified": iso(line.last_modified),
        "active": True,
        "is_active": True,
        "lineComment": None,
        **_line_history(t, po, line),
    }


def _line_history(t: Tenant, po: PurchaseOrder, line: OrderItem) -> JSON:
    """The order-item detail no flow reads: the requisition it came from, its approval and
    receiving log, its tax and spend split, and the punchout/blanket/inventory fields a plain
    one-time line leaves empty."""
    tax = _dec(line.total_cost * po.tax_percent / 100)
    total = line.total_cost + Decimal(tax)
    rate = t.currencies[po.currency_id].rate
    approved = _log_entry(t, po, line, None)
    logs = [approved, *(_log_entry(t, po, line, r) for r in t.receipts_of(line))]
    invoiced = _invoiced(t).get(line.id)
    return {
        "PO": [po.id],
        "approved_shipping_amount": "0.00",
        "approved_tax_amount": tax,
        "blanket": None,
        "comments": [],
        "confirmation_status": None,
        "confirmation_status_description": None,
        "cost_details": {
            "subtotal": _dec(line.total_cost),
            "total_cost": _dec(total),
            "total_cost_in_base_currency": _dec(total * rate),
            "tax_amount": tax,
        },
        "dateInvoiced": iso(invoiced),
        "date_required": iso(po.promise_date),
        "flags": [],
        "has_sibling_items": po.line_count > 1,
        "hot": False,
        "inventoryItem": None,
        "last_changed_by": po.purchaser_id,
        "line_comment": "",
        "logs": logs,
        "approval_history": [approved],
        "order_description": f"{line.name} for {t.departments[line.department_id].name}",
        "order_status": 3,
        "order_uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, po.uuid)),
        "po_note": "",
        "punchout_supplier_can_update_quantity": False,
        "punchout_supplier_icon": None,
        "punchout_supplier_name": None,
        "punchout_system": None,
        "punchout_vendor_reference": None,
        "receive_log_count": len(logs) - 1,
        "receive_method": 0,
        "spend_allocation": [
            {
                "id": line.id,
                "amount": _dec(line.total_cost),
                "account": _spend_account(t, line.account_code_id, line.department_id),
            }
        ],
        "submitted_date": iso(po.date - _REQUEST_LEAD),
        "taxes": [{"id": 1, "type": "percent", "value": _dec(po.tax_percent), "name": "Tax"}]
        if po.tax_percent
        else [],
    }


_REQUEST_LEAD = timedelta(days=1)


def _log_entry(t: Tenant, po: PurchaseOrder, line: OrderItem, receipt: ReceiptItem | None) -> JSON:
    """MasterLogger: the line's final approval (``receipt`` None) or one receiving action;
    the action names are a guess (the spec's example leaves ``action`` empty)."""
    return {
        "id": line.id * 2 + (receipt is not None),
        "user": _shared_user_summary(
            t, po.purchaser_id if receipt is None else receipt.created_by_id
        ),
        "next_approver": None,
        "nextApprover": None,
        "approval_delegation": None,
        "dateTime": iso(po.date if receipt is None else receipt.created_at),
        "action": "approved" if receipt is None else "received",
        "line_qty_pass": None if receipt is None else _dec(receipt.pass_quantity, 5),
        "line_qty_fail": None if receipt is None else _dec(receipt.fail_quantity, 5),
        "order": None,
        "lineItem": line.id,
        "PO": po.id,
        "inventoryItem": None,
        "stocking_parent": None,
    }


def _invoiced(t: Tenant) -> dict[int, datetime]:
    """The first invoice date of the bills against each order item, per tenant revision."""

    def build() -> dict[int, datetime]:
        first: dict[int, datetime] = {}
        for b in t.bills.values():
            for item in b.items:
                if item.order_item_id is not None:
                    seen = first.get(item.order_item_id)
                    first[item.order_item_id] = min(seen or b.invoice_date, b.invoice_date)
        return first

    return t.memo(("invoiced",), build)


def _spend_account(t: Tenant, code_id: int, department_id: int) -> JSON:
    """SpendAccountRead: an account with its department's whole location record."""
    d = t.departments[department_id]
    return {
        "id": (code_id - 1) * 100 + department_id,
        "account_code": account_code(t.account_codes[code_id]),
        "department": {
            "id": d.id,
            "branch": _branch(t, d.location_id),
            "external_id": d.external_id,
            "name": d.name,
            "punchout_email": None,
            "active": d.active,
        },
        "active": True,
    }


def _branch(t: Tenant, location_id: int) -> JSON:
    """UnoptimizedBranchRead: a location with its settings, the same on every line."""

    def build() -> JSON:
        location = t.locations[location_id]
        return {
            "id": location.id,
            "external_id": None,
            "name": location.name,
            "url": None,
            "logo": "",
            "language": None,
            "multipleLocations": len(t.locations) > 1,
            "locationTimezone": "UTC",
            "userLimit": 100,
            "budgetOvertureToggle": False,
            "purchase_filtering": False,
            "catalog_permission": True,
            "separate_expense_approval": False,
            "standalone_travel_approval": False,
            "phoneOne": "+1-555-0100",
            "phoneTwo": None,
            "fax": None,
            "email": None,
            "fiscalYearEndDay": 31,
            "fiscalYearEndMonth": 12,
            "timezone": None,
            "beginDate": iso(location.created_at),
            "ported": False,
            "port_date": None,
            "active": True,
            "fields_cache": None,
            "activated": True,
            "setup_stage": None,
            "localCurrency": t.base_currency.id,
            "contactPerson": t.api_user_id,
            "buyerAddress": location.id,
            "shippingAddress": location.id,
        }

    return t.memo(("branch", location_id), build)


def _address(t: Tenant, location_id: int) -> JSON:
    location = t.locations[location_id]
    return {
        "id": location.id,
        "is_active": True,
        "name": location.name,
        "addressLineOne": "100 Procurement Way",
        "addressLineTwo": "",
        "postalCode": "V6B 1A1",
        "city": "Vancouver",
        "state_province": "BC",
        "country": "Canada",
        "addressAssociation": None,
        "created_at": iso(location.created_at),
        "updated_at": iso(location.updated_at or location.created_at),
        "last_changed_by": location.last_changed_by,
    }


def purchase_order(t: Tenant, po: PurchaseOrder, *, detail: bool) -> JSON:
    """PurchaseOrderDocs (list) or PurchaseOrderDetail with ``order_items`` (detail)."""
    v = t.vendors[po.vendor_id]
    currency = t.currencies[po.currency_id]
    subtotal, tax, total = po.totals()
    address = _address(t, 1)
    body: JSON = {
        "version": po.version,
        "number": po.number,
        "uuid": po.uuid,
        "purchaser": _shared_user_summary(t, po.purchaser_id),
        "procurify_PO": po.id,
        "PO_Num": po.po_num,
        "date": iso(po.date),
        "buyer_name": address["name"],
        "buyer_contact": t.api_user.full_name,
        "buyer_addressLineOne": address["addressLineOne"],
        "buyer_postalCode": address["postalCode"],
        "buyer_city": address["city"],
        "buyer_state_province": address["state_province"],
        "buyer_country": address["country"],
        "buyer_address": address,
        "receiver_name": address["name"],
        "receiver_contact": t.api_user.full_name,
        "receiver_addressLineOne": address["addressLineOne"],
        "receiver_postalCode": address["postalCode"],
        "receiver_city": address["city"],
        "receiver_state_province": address["state_province"],
        "receiver_country": address["country"],
        "receiver_address": address,
        "pref_vendor": _shared_vendor(t, v.id),
        "vendor_name": v.name,
        "vendor_contact": v.contact,
        "vendor_addressLineOne": v.address_line_one,
        "vendor_postalCode": v.postal_code,
        "vendor_city": v.city,
        "vendor_state_province": v.state_province,
        "vendor_country": v.country,
        "payment_terms": "Net 30",
        "shipping_terms": "FOB Destination",
        "shipping_method": "Ground",
        "promise_date": iso(po.promise_date),
        "subtotal": _dec(subtotal),
        "freight": _dec(po.freight),
        "tax": {"value": float(po.tax_percent), "type": "percentage"},
        "discount": {"value": float(po.discount), "type": "amount"},
        "other": _dec(po.other),
        "total": _dec(total),
        "comment": None,
        "purchased_currency": _currency_summary(currency),
        "purchased_currency_rate": _dec(currency.rate, 6),
        "active": True,
        "state": po.state,
        "fulfilment_status": po.fulfilment,
        "disclaimer_description": None,
        "disclaimer_text": None,
        "recorded_date": iso(po.date),
        "closed_date": iso(po.last_modified) if po.state in (3, 4) else None,
        "last_modified": iso(po.last_modified),
        "staged_for_export": False,
        "item_count": po.line_count,
        "most_recent_version": po.version,
        "punchout_system": None,
        "punchout_vendor_reference": None,
        "punchout_supplier_name": None,
        "punchout_supplier_icon": None,
        "purchase_agreement": None,
        "purchase_agreement_status": None,
        "has_blanket_order_items": False,
        "expiry_date": None,
        "contract": None,
    }
    if detail:
        body.update(
            shipping_method={"id": 1, "name": "Ground", "description": None, "active": True},
            payment_term={"id": 1, "name": "Net 30", "description": None, "active": True},
            shipping_term={"id": 1, "name": "FOB Destination", "description": None, "active": True},
            order_items=[_line(t, po, line) for line in t.lines(po)],
            creditcard=None,
            creditcard_is_editable=False,
            custom_fields=[],
            cost_details={
                "subtotal": _dec(subtotal),
                "total_cost": _dec(total),
                "total_cost_in_base_currency": _dec(total * currency.rate),
                "tax_amount": _dec(tax),
            },
        )
    return body


def _list_approver(t: Tenant, user_id: int | None) -> JSON | None:
    """BillListViewApproverUserDocs: a name, no id."""
    if user_id is None:
        return None
    u = t.users[user_id]
    return {
        "firstName": u.first_name,
        "lastName": u.last_name,
        "profile_image": None,
        "approval_delegatee": None,
    }


def _approver(t: Tenant, user_id: int | None) -> JSON | None:
    """ApproverRead: the approver's user and approval limit."""
    if user_id is None:
        return None
    return {
        "id": user_id,
        "user": _user_brief(t, user_id),
        "amount_limit": "100000.00",
        "item_variance_amount_limit": None,
        "item_variance_percentage_limit": None,
        "approval_level": 1,
    }


def bill_summary(t: Tenant, b: Bill) -> JSON:
    """SimpleBill, the bills list item (``total_cost_with_tax`` is a float)."""
    currency = t.currencies[b.currency_id]
    return {
        "version": b.version,
        "id": b.id,
        "status": b.status,
        "locked": b.status == 4,
        "currency": {"id": currency.id, "name": currency.name, "rate": _dec(currency.rate, 6)},
        "uuid": b.uuid,
        "items": [i.id for i in b.items],
        "vendor": {"id": b.vendor_id, "name": t.vendors[b.vendor_id].name},
        "due_date": iso(b.due_date),
        "total_cost_with_tax": float(b.total_with_tax),
        "invoice_date": iso(b.invoice_date),
        "next_approver_choices": [],
        "last_export_user": None,
        "last_modified_datetime": iso(b.last_modified),
        "last_export_date": None,
        "submitted_date": iso(b.submitted_date),
        "gl_post_date": iso(b.gl_post_date),
        "invoice_number": b.invoice_number,
        "group": b.group,
        "type": b.type,
        "user": _simple_user(t, b.creator_id),
        "approver": _list_approver(t, b.approver_id),
        "past_due": b.status not in (4, 6) and b.due_date < t.now(),
        "payment_uuid": b.payment_uuid,
        "invoice_uuid": "",
    }


def _bill_item(t: Tenant, b: Bill, item: BillItem) -> JSON:
    """ItemReadSerializer_v2: ``quantity`` a decimal string, ``unit_cost``/totals floats."""
    currency = _currency(t.currencies[b.currency_id])
    po = t.purchase_order(item.po_id) if item.po_id is not None else None
    line = t.order_item(item.order_item_id) if item.order_item_id is not None else None
    return {
        "id": item.id,
        "description": item.description,
        "orderitem": _line(t, po, line) if po is not None and line is not None else None,
        "expense": None,
        "bill": b.id,
        "vendor": _shared_vendor(t, b.vendor_id),
        "sku": item.sku,
        "po": {"number": po.number, "id": po.id, "uuid": po.uuid} if po is not None else None,
        "unit": item.unit,
        "quantity": _dec(item.quantity, 5),
        "currency": currency,
        "unit_cost": float(item.unit_cost),
        "total_cost": float(item.total_cost),
        "received_on": iso(item.received_on),
        "packing_slips": [],
        "cost_allocations": [
            {
                "id": item.id,
                "budget": _account(t, item.account_code_id, item.department_id),
                "object_id": item.id,
                "amount": _dec(item.total_cost),
                "currency": currency,
                "created_on": iso(item.received_on),
            }
        ],
        "archived": False,
        "expense_report": None,
        "same_unit_cost": True,
        "creditcard_item": None,
        "is_edited": False,
        "unit_cost_diff_log": None,
        "tax_name": "Tax" if item.tax_percent else "",
        "tax_percentage": _dec(item.tax_percent, 4),
        "tax_amount": float(item.tax_amount),
        "tax_is_inclusive": False,
        "tax": None,
        "total_cost_with_tax": float(item.total_cost + item.tax_amount),
        "shipping_amount": "0.00",
        "custom_fields": [],
        "item_type": 0 if po is not None else 1,
        "type": "order" if po is not None else "expense",
        "bill_by_cost": False,
    }


def bill_detail(t: Tenant, b: Bill) -> JSON:
    """BillRead, the bill detail with its ``items``."""
    v = t.vendors[b.vendor_id]
    currency = t.currencies[b.currency_id]
    po_ids = sorted({i.po_id for i in b.items if i.po_id is not None})
    added = []
    for po_id in po_ids:
        po = t.purchase_order(po_id)
        added.append(
            {
                "id": po.id,
                "number": po.number,
                "currency": t.currencies[po.currency_id].name,
                "total_amount": _dec(po.total),
            }
        )
    body = bill_summary(t, b)
    del body["past_due"]
    body.update(
        approver=_approver(t, b.approver_id),
        user=_user_summary(t, b.creator_id),
        vendor=_shared_vendor(t, v.id),
        currency=_currency(currency),
        approval_chain=None,
        items=[_bill_item(t, b, item) for item in b.items],
        costs=[],
        invoice_attachments=[],
        bill_statuses=[
            {
                "id": b.id,
                "user": _user_summary(t, b.creator_id),
                "date": iso(b.last_modified),
                "status": b.status,
                "bill": b.id,
            }
        ],
        comments=[],
        version_choices=[],
        tax_amount=float(b.tax_amount),
        inclusive_tax_amount=0.0,
        exclusive_tax_amount=float(b.tax_amount),
        subtotal_cost=float(b.subtotal),
        total_cost=float(b.subtotal),
        converted_total_cost=float(b.total_with_tax * currency.rate),
        bill_payment=None,
        creditcard=None,
        creditcard_name="",
        vendor_name=v.name,
        vendor_contact=v.contact or "",
        vendor_address_one=v.address_line_one or "",
        vendor_address_two=v.address_line_two or "",
        vendor_postal_code=v.postal_code or "",
        vendor_city=v.city or "",
        vendor_state_province=v.state_province or "",
        vendor_country=v.country or "",
        payment_terms=b.payment_terms,
        active=True,
        note=b.note,
        payment_method=None,
        payment_method_name="",
        added_purchase_orders=added,
        shipping_amount=0.0,
    )
    return body


def payment(t: Tenant, p: Payment) -> JSON:
    """PaymentResponse of the public v1 API (string status, ``creator`` in snake_case)."""
    creator: User = t.users[p.creator_id]
    return {
        "id": p.id,
        "uuid": p.uuid,
        "payment_source_name": p.source_name,
        "payment_source_type": p.source_type,
        "external_payment_source_id": None,
        "creator": {
            "email": creator.email,
            "first_name": creator.first_name,
            "last_name": creator.last_name,
        },
        "created_at": iso(p.created_at),
        "updated_at": iso(p.updated_at),
        "amount": _dec(p.amount),
        "currency": {"id": p.currency_id, "name": t.currencies[p.currency_id].name},
        "status": p.status,
        "processing_date": iso(p.processing_date),
        "direct_debit_bank_account_mask": None,
        "vendor_name": t.vendors[p.vendor_id].name if p.vendor_id is not None else None,
        "posted_date": _day(p.posted_date),
        "gl_code": p.gl_code,
        "vendor_payment_method_country_code": "US",
        "vendor_payment_method_rail": p.rail,
        "bill_groups": list(p.bill_groups),
    }


def receipt(t: Tenant, r: ReceiptItem) -> JSON:
    """ReceiptItemRead (quantities as decimal strings with five places)."""
    u = t.users[r.created_by_id]
    return {
        "id": r.id,
        "pass_quantity": _dec(r.pass_quantity, 5),
        "fail_quantity": _dec(r.fail_quantity, 5),
        "order_item": r.order_item_id,
        "created_at": iso(r.created_at),
        "is_edited": False,
        "created_by": {
            "id": u.id,
            "firstName": u.first_name,
            "lastName": u.last_name,
            "email": u.email,
            "role": {"name": "Superuser", "type": 0},
            "profile_image": None,
        },
        "total_quantity": _dec(r.pass_quantity + r.fail_quantity, 5),
        "received_at": _day(r.received_at),
    }


def me(t: Tenant) -> JSON:
    """UserProfileMe for the user that owns the API credentials."""
    user = t.api_user
    department = t.departments[user.department_id]
    location = t.locations[department.location_id]
    body = _user_summary(t, user.id)
    body.update(
        department={
            "id": department.id,
            "branch": {
                "id": location.id,
                "name": location.name,
                "url": None,
                "logo": "",
                "currency": _currency(t.base_currency),
                "phoneOne": "+1-555-0100",
                "fax": None,
                "email": None,
                "primary_billing_address": _address(t, location.id),
                "primary_shipping_address": _address(t, location.id),
                "shipping_addresses": [],
                "language": 1,
                "locationTimezone": "UTC",
                "headquarter": location.id == 1,
                "department_count": sum(
                    d.location_id == location.id for d in t.departments.values()
                ),
                "active": True,
                "external_id": None,
            },
            "external_id": department.external_id,
            "name": department.name,
            "active": department.active,
            "punchout_email": None,
            "is_active_for_account_code": True,
        },
        domains={
            "active": False,
            "procurify_domains": [{"subdomain": t.subdomain, "name": t.subdomain.title()}],
        },
        headquarter_logo="",
        systemaccess_cache={},
        is_approval_delegatee=False,
        pending_invite=False,
        role={"name": "Superuser", "type": 0},
    )
    return body

"""Records to Procore's v1 JSON shapes, field names and formats taken from the endpoint specs.

Money renders as a two-decimal string ("5000.00") where the specs say ``string``; times as
``2018-10-25T16:47:35Z``; dates as ``YYYY-MM-DD``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from procore_client.testing._models import (
    App,
    BusinessRegister,
    Commitment,
    Company,
    ContractLineItem,
    ContractPayment,
    CostCode,
    DirectCost,
    DirectCostLineItem,
    LineItemType,
    Project,
    Requisition,
    StoredAttachment,
    Vendor,
)
from procore_client.testing._state import ProcoreState

__all__ = [
    "ATTACHMENT_URL",
    "attachment",
    "commitment_detail",
    "commitment_row",
    "commitment_summary",
    "company",
    "company_project",
    "contract_line_item",
    "cost_code",
    "day",
    "direct_cost_detail",
    "direct_cost_item",
    "direct_cost_row",
    "iso",
    "line_item_type",
    "me",
    "money",
    "payment",
    "project",
    "register",
    "requisition",
    "vendor",
    "webhook_resource",
]

_CURRENCY = {"currency_iso_code": "USD"}
_ZERO = Decimal("0.00")


ATTACHMENT_URL = "https://storage.procore.example/attachments/{id}/{filename}"
"""Where the simulator says an upload is served: a guess (the extracts give a ``url`` and no
form); nothing answers there."""


def attachment(record: StoredAttachment, *, content_type: bool = False) -> dict[str, Any]:
    """An attachment as the extracts document it: id, url and filename (invoices add the
    content type); the size is kept by the simulator but not documented, so not rendered."""
    data: dict[str, Any] = {
        "id": record.id,
        "url": ATTACHMENT_URL.format(id=record.id, filename=record.filename),
        "filename": record.filename,
    }
    if content_type:
        data["content_type"] = record.content_type
    return data


def webhook_resource(name: str) -> dict[str, Any]:
    """A row of ``GET /webhooks/resources``: the documented fields (api_version,
    product_category, tools, create/update/delete, except) and ``name``, which the extract does
    not list but a trigger's ``resource_name`` must match. The values of the documented fields
    are guesses (the extract gives types only): ``tools`` repeats the name, each event field
    names its event, nothing is excepted."""
    return {
        "name": name,
        "api_version": "v2",
        "product_category": None,
        "tools": name,
        "create": "create",
        "update": "update",
        "delete": "delete",
        "except": [],
    }


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 UTC with a ``Z`` and whole seconds, as Procore writes timestamps."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(value: date | None) -> str | None:
    """``YYYY-MM-DD`` or None."""
    return None if value is None else value.isoformat()


def money(value: Decimal | None) -> str | None:
    """A two-decimal string, Procore's wire form for amounts."""
    return None if value is None else str(value.quantize(Decimal("0.01")))


def company(record: Company) -> dict[str, Any]:
    """``GET /rest/v1.0/companies`` item."""
    return {
        "id": record.id,
        "name": record.name,
        "is_active": record.is_active,
        "logo_url": None,
        "my_company": False,
        "pcn_business_experience": False,
    }


def me(app: App) -> dict[str, Any]:
    """``GET /rest/v1.0/me``: the app's service-account user."""
    return {"id": app.user_id, "login": f"{app.client_id}@dmsa.procore.example", "name": app.name}


def project(record: Project, owner: Company, *, compact: bool = False) -> dict[str, Any]:
    """A project as the v1.0/v1.1 project lists render it."""
    if compact:
        return {"id": record.id, "name": record.name, "display_name": _display(record)}
    return {
        "id": record.id,
        "name": record.name,
        "display_name": _display(record),
        "project_number": record.project_number,
        "is_demo": False,
        "active": record.active,
        "address": record.address,
        "city": record.city,
        "state_code": record.state_code,
        "country_code": record.country_code,
        "zip": record.zip,
        "county": None,
        "time_zone": "US/Pacific",
        "latitude": None,
        "longitude": None,
        "stage": record.stage,
        "phone": None,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
        "origin_id": record.origin_id,
        "origin_data": record.origin_data,
        "origin_code": record.origin_code,
        "owners_project_id": None,
        "total_value": money(record.total_value),
        "estimated_value": money(record.total_value),
        "estimated_budget": None if record.total_value is None else float(record.total_value),
        "start_date": day(record.start_date),
        "completion_date": day(record.completion_date),
        "projected_finish_date": day(record.completion_date),
        "parent_job_id": None,
        "parent_job": None,
        "company": {"id": owner.id, "name": owner.name},
        "custom_fields": {},
        "accounting_project_number": record.accounting_project_number,
        "project_stage": _stage(record),
        "work_scope": record.work_scope,
        "delivery_method": record.delivery_method,
        "designated_market_area": None,
        "fax": None,
        "photo_id": None,
        "priority": None,
        "project_bid_type_id": None,
        "project_owner_type_id": None,
        "project_region_id": None,
        "project_sector_id": None,
        "project_template": None,
        "sector": None,
        "store_number": None,
        "created_by": None,
    }


def company_project(record: Project) -> dict[str, Any]:
    """A project as ``GET /rest/v1.0/companies/{id}/projects`` lists it: its own shape, with
    a nested address and the stage, status and type by name."""
    return {
        "id": record.id,
        "name": record.name,
        "address": {
            "street": record.address,
            "city": record.city,
            "state_code": record.state_code,
            "zip": record.zip,
            "country_code": record.country_code,
        },
        "stage_name": record.stage,
        "status_name": "Active" if record.active else "Inactive",
        "type_name": None,
        "open_items": [],
        "created_by": None,
    }


def _stage(record: Project) -> dict[str, Any] | None:
    """The stage as the ``project_stage`` object; its id is stable per name (a simulator's)."""
    if record.stage is None:
        return None
    return {"id": sum(record.stage.encode()), "name": record.stage}


def _display(record: Project) -> str:
    return f"{record.project_number} - {record.name}"


def register(record: BusinessRegister | None) -> dict[str, Any] | None:
    """A vendor's business register (ABN/EIN)."""
    if record is None:
        return None
    return {
        "id": record.id,
        "type": record.type,
        "identifier": record.identifier,
        "verified_at": iso(record.verified_at),
        "verification_status": record.verification_status,
    }


def vendor(record: Vendor, children: int = 0, *, view: str | None = None) -> dict[str, Any]:
    """A company vendor; ``view=compact`` gives id and name, everything else the extended view."""
    fields = record.fields
    if view == "compact":
        return {"id": record.id, "name": record.name}
    data: dict[str, Any] = {
        "id": record.id,
        "name": record.name,
        "abbreviated_name": fields.get("abbreviated_name"),
        "address": fields.get("address"),
        "city": fields.get("city"),
        "state_code": fields.get("state_code"),
        "zip": fields.get("zip"),
        "country_code": fields.get("country_code"),
        "business_phone": fields.get("business_phone"),
        "mobile_phone": fields.get("mobile_phone"),
        "fax_number": fields.get("fax_number"),
        "email_address": fields.get("email_address"),
        "website": fields.get("website"),
        "is_active": fields.get("is_active", True),
        "authorized_bidder": fields.get("authorized_bidder", False),
        "prequalified": fields.get("prequalified", False),
        "labor_union": fields.get("labor_union"),
        "union_member": fields.get("union_member", False),
        "non_union_prevailing_wage": fields.get("non_union_prevailing_wage", False),
        "license_number": fields.get("license_number"),
        "notes": fields.get("notes"),
        "trade_name": fields.get("trade_name"),
        "legal_name": fields.get("legal_name", record.name),
        "keywords": fields.get("keywords"),
        "parent_id": fields.get("parent_id"),
        "vendor_group": None,
        "vendor_group_id": fields.get("vendor_group_id"),
        "primary_contact": None,
        "primary_contact_id": fields.get("primary_contact_id"),
        "trade_ids": fields.get("trade_ids", []),
        "standard_cost_code_ids": fields.get("standard_cost_code_ids", []),
        "bidding_distribution_ids": fields.get("bidding_distribution_ids", []),
        "trades": [],
        "bidding": fields.get("bidding", {}),
        "business_id": None,
        "business_register": register(record.business_register),
        "origin_id": record.origin_id,
        "origin_data": fields.get("origin_data"),
        "origin_code": fields.get("origin_code"),
        "synced_to_erp": record.origin_id is not None,
        "is_connected": False,
        "contact_count": 0,
        "children_count": children,
        "project_ids": [],
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
    }
    if record.business_register is not None:
        data["business_id"] = record.business_register.identifier
    return data


def line_item_type(record: LineItemType) -> dict[str, Any]:
    """A line item type (cost type)."""
    return {
        "id": record.id,
        "name": record.name,
        "code": record.code,
        "base_type": record.base_type,
        "origin_id": record.origin_id,
        "origin_data": record.origin_data,
    }


def cost_code(record: CostCode, owner: Project, types: list[LineItemType]) -> dict[str, Any]:
    """A project cost code with the company's line item types."""
    return {
        "id": record.id,
        "name": record.name,
        "code": record.code,
        "full_code": record.full_code,
        "sortable_code": record.full_code,
        "position": record.position,
        "parent": None if record.parent_id is None else {"id": record.parent_id},
        "biller": owner.name,
        "biller_id": owner.id,
        "biller_type": "Project",
        "budgeted": False,
        "standard_cost_code_id": None,
        "standard_cost_code_list_id": None,
        "origin_id": record.origin_id,
        "origin_data": record.origin_data,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
        "deleted_at": None,
        "line_item_types": [line_item_type(t) for t in types],
    }


def _vendor(state: ProcoreState, vendor_id: int | None) -> Vendor | None:
    return None if vendor_id is None else state.vendors.get(vendor_id)


def _vendor_ref(state: ProcoreState, vendor_id: int | None) -> dict[str, Any] | None:
    found = _vendor(state, vendor_id)
    if found is None:
        return None
    return {
        "id": found.id,
        "company": found.name,
        "origin_id": found.origin_id,
        "origin_data": found.fields.get("origin_data"),
    }


def commitment_row(
    record: Commitment, state: ProcoreState, *, compact: bool = True
) -> dict[str, Any]:
    """A WO/PO contract as its list renders it (compact view by default, as Procore does)."""
    owner = state.projects[record.project_id]
    paid, claimed = state.commitment_totals(record)
    total = record.grand_total
    data: dict[str, Any] = {
        "id": record.id,
        "number": record.number,
        "title": record.title,
        "status": record.status,
        "executed": record.executed,
        "private": record.private,
        "vendor": _vendor_ref(state, record.vendor_id),
        "project": {"id": owner.id, "name": owner.name},
        "origin_id": record.origin_id,
        "origin_data": record.origin_data,
        "origin_code": record.origin_code,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
        "deleted_at": iso(record.deleted_at),
        "grand_total": money(total),
    }
    if compact:
        return data
    data.update(
        {
            "description": record.description,
            "accounting_method": record.accounting_method,
            "contract_date": day(record.contract_date),
            "retainage_percent": money(record.retainage_percent),
            "revised_contract": money(total),
            "approved_change_orders": money(_ZERO),
            "pending_change_orders": money(_ZERO),
            "draft_change_orders_amount": money(_ZERO),
            "pending_revised_contract": money(total),
            "total_payments": money(paid),
            "total_requisitions_amount": money(claimed),
            "total_draw_requests_amount": money(_ZERO),
            "remaining_balance_outstanding": money(total - paid),
            "percentage_paid": money(paid * 100 / total if total else _ZERO),
            "requisitions_are_enabled": record.kind == "WorkOrderContract",
            "show_line_items_to_non_admins": False,
            "currency_configuration": dict(_CURRENCY),
            "execution_date": day(record.execution_date),
            "issued_on_date": None,
            "letter_of_intent_date": None,
            "approval_letter_date": None,
            "returned_date": None,
            "signed_contract_received_date": None,
            "billing_schedule_of_values_status": None,
        }
    )
    data.update(
        _purchase_order(record) if record.kind == "PurchaseOrderContract" else _work(record)
    )
    return data


def _purchase_order(record: Commitment) -> dict[str, Any]:
    """The fields only a purchase order contract documents: terms, addresses, delivery."""
    return {
        "payment_terms": record.payment_terms,
        "ship_to_address": record.ship_to_address,
        "bill_to_address": record.bill_to_address,
        "ship_via": record.ship_via,
        "delivery_date": day(record.delivery_date),
        "assignee": None if record.assignee_id is None else {"id": record.assignee_id},
    }


def _work(record: Commitment) -> dict[str, Any]:
    """The fields only a work order contract documents: its dates and scope."""
    return {
        "contract_start_date": day(record.contract_start_date),
        "contract_estimated_completion_date": day(record.contract_estimated_completion_date),
        "actual_completion_date": day(record.actual_completion_date),
        "inclusions": record.inclusions,
        "exclusions": record.exclusions,
    }


def commitment_detail(record: Commitment, state: ProcoreState) -> dict[str, Any]:
    """``GET /work_order_contracts/{id}`` (or purchase order): extended fields plus children."""
    data = commitment_row(record, state, compact=False)
    del data["billing_schedule_of_values_status"]  # the list's extended view only
    data.update({"created_by_id": None, "invoice_contacts": [], "attachments": []})
    data["line_items"] = [contract_line_item(i, record, state) for i in record.line_items]
    data["payments_issued"] = [
        {
            "id": p.id,
            "amount": money(p.amount),
            "check_number": p.check_number,
            "created_at": iso(p.created_at),
            "date": day(p.date),
            "draw_request_number": p.draw_request_number,
            "invoice_number": p.invoice_number,
            "notes": p.notes,
            "payment_number": p.payment_number,
            "origin_id": p.origin_id,
            "origin_data": p.origin_data,
        }
        for p in state.payments_by_commitment.get(record.id, {}).values()
    ]
    data["change_order_packages"] = []
    data["potential_change_orders"] = []
    data["change_order_requests"] = []
    return data


def commitment_summary(record: Commitment, state: ProcoreState) -> dict[str, Any]:
    """``GET /rest/v1.0/commitments`` item (the generic list of both contract types)."""
    found = _vendor(state, record.vendor_id)
    return {
        "id": record.id,
        "title": record.title,
        "number": record.number,
        "status": record.status,
        "description": record.description,
        "executed": record.executed,
        "delivery_date": None,
        "created_at": iso(record.created_at),
        "private": record.private,
        "vendor": None if found is None else {"id": found.id, "name": found.name},
    }


def _line(
    item: ContractLineItem | DirectCostLineItem, state: ProcoreState, owner: Company
) -> dict[str, Any]:
    """The fields a contract line and a direct cost line render alike."""
    code = state.cost_codes.get(item.cost_code_id) if item.cost_code_id is not None else None
    kind = (
        state.line_item_types.get(item.line_item_type_id)
        if item.line_item_type_id is not None
        else None
    )
    return {
        "id": item.id,
        "amount": money(item.amount),
        "total_amount": money(item.amount),
        "extended_amount": money(item.amount),
        "extended_type": "manual",
        "description": item.description,
        "quantity": money(item.quantity),
        "unit_cost": money(item.unit_cost),
        "uom": item.uom,
        "position": item.position,
        "tax_code_id": None,
        "cost_code": None
        if code is None
        else {"id": code.id, "full_code": code.full_code, "name": code.name},
        "wbs_code": None
        if code is None
        else {"id": code.id, "flat_code": code.full_code, "description": code.name},
        "line_item_type": None if kind is None else line_item_type(kind),
        "company": {"id": owner.id, "name": owner.name},
        "origin_id": item.origin_id,
        "origin_data": item.origin_data,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "currency_configuration": dict(_CURRENCY),
    }


def contract_line_item(
    item: ContractLineItem, owner: Commitment, state: ProcoreState
) -> dict[str, Any]:
    """A schedule-of-values line of a WO/PO contract."""
    project_record = state.projects[owner.project_id]
    data = _line(item, state, state.companies[project_record.company_id])
    data["holder"] = {"id": owner.id, "holder_type": owner.kind}
    data["project"] = {"id": project_record.id, "name": project_record.name}
    return data


def requisition(
    record: Requisition,
    state: ProcoreState,
    *,
    version: str,
    items: bool = False,
    policy: bool = False,
) -> dict[str, Any]:
    """A requisition (subcontractor invoice) in its v1.0 or v1.1 shape.

    v1.0 always carries ``action_policy``; v1.1 only when ``policy`` (its ``extended`` or
    ``action_policy`` view).
    """
    owner = state.commitments[record.commitment_id]
    found = _vendor(state, owner.vendor_id)
    contract_sum = owner.grand_total
    earlier = [
        r for r in state.requisitions_by_commitment.get(owner.id, []) if r.number < record.number
    ]
    previous = sum((r.total_claimed for r in earlier), _ZERO)
    released_before = sum((r.retainage_released for r in earlier), _ZERO)
    to_date = previous + record.total_claimed
    retainage = _withheld(to_date, owner) - released_before - record.retainage_released
    previous_net = previous - (_withheld(previous, owner) - released_before)
    earned = to_date - retainage
    summary = {
        "original_contract_sum": money(contract_sum),
        "net_change_by_change_orders": money(_ZERO),
        "contract_sum_to_date": money(contract_sum),
        "total_completed_and_stored_to_date": money(to_date),
        "completed_work_retainage_percent": money(owner.retainage_percent),
        "completed_work_retainage_amount": money(retainage),
        "stored_materials_retainage_percent": money(_ZERO),
        "stored_materials_retainage_amount": money(_ZERO),
        "total_retainage": money(retainage),
        "total_earned_less_retainage": money(earned),
        "less_previous_certificates_for_payment": money(previous_net),
        "current_payment_due": money(earned - previous_net),
        "balance_to_finish_including_retainage": money(contract_sum - earned),
        "tax_applicable_to_this_payment": money(_ZERO),
        "retainage_released_this_period": money(record.retainage_released),
        "formatted_period": None,
        "positive_change_order_item_total": money(_ZERO),
        "negative_change_order_item_total": money(_ZERO),
        "positive_new_change_order_item_total": money(_ZERO),
        "negative_new_change_order_item_total": money(_ZERO),
        "positive_previous_change_order_item_total": money(_ZERO),
        "negative_previous_change_order_item_total": money(_ZERO),
    }
    percent = to_date * 100 / contract_sum if contract_sum else _ZERO
    data: dict[str, Any] = {
        "id": record.id,
        "number": record.number,
        "project_id": record.project_id,
        "commitment_id": record.commitment_id,
        "commitment_type": owner.kind,
        "contract_name": owner.title,
        "vendor_name": None if found is None else found.name,
        "invoice_number": record.invoice_number,
        "status": record.status,
        "erp_status": record.erp_status,
        "billing_date": day(record.billing_date),
        "payment_date": day(record.payment_date),
        "submitted_at": day(record.submitted_at),
        "period_id": record.period_id,
        "requisition_start": day(record.requisition_start),
        "requisition_end": day(record.requisition_end),
        "percent_complete": money(percent),
        "total_claimed_amount": money(record.total_claimed),
        "final": record.final,
        "deletable": record.origin_id is None,
        "electronic_signature_id": None,
        "origin_id": record.origin_id,
        "origin_data": record.origin_data,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
        "created_by": None,
        "custom_fields": {},
        "attachments": [attachment(a, content_type=True) for a in record.attachments],
        "summary": summary,
        "currency_configuration": dict(_CURRENCY),
    }
    if version == "v1.0" or policy:
        data["action_policy"] = _action_policy(record)
    if version == "v1.0":
        data["comment"] = record.comment
        return data
    summary.update(
        {
            key: money(_ZERO)
            for key in (
                "new_materials",
                "new_materials_quantity",
                "stored_materials",
                "stored_materials_quantity",
            )
        }
    )
    data.update(
        {
            "vendor_id": owner.vendor_id,
            "invoice_type": "progress",
            "previous_requisition_id": record.previous_requisition_id,
            "move_materials_to_previous_work_completed": False,
            "summary_text": _summary_text(record, owner, state),
        }
    )
    if items:
        data["items"] = _requisition_items(record, owner, earlier, state)
        data["item_packages"] = []
    return data


def _summary_text(record: Requisition, owner: Commitment, state: ProcoreState) -> dict[str, Any]:
    """The G702 cover's text: project, general contractor, subcontractor and its address."""
    project_record = state.projects[record.project_id]
    found = _vendor(state, owner.vendor_id)
    fields = {} if found is None else found.fields
    return {
        "project_name": project_record.name,
        "project_number": project_record.project_number,
        "to_general_contractor": state.companies[project_record.company_id].name,
        "subcontractor_name": None if found is None else found.name,
        "subcontractor_street": fields.get("address"),
        "subcontractor_city": fields.get("city"),
        "subcontractor_state_code": fields.get("state_code"),
        "subcontractor_zip": fields.get("zip"),
        "subcontractor_country_code": fields.get("country_code"),
        "application_number": str(record.number),
        "contract_for": owner.title,
        "contract_date": day(owner.contract_date),
        "requisition_period_start": day(record.requisition_start),
        "requisition_period_end": day(record.requisition_end),
    }


def _action_policy(record: Requisition) -> dict[str, bool]:
    """What the caller may do with the invoice; the spec gives no keys, these are a guess."""
    open_to_edit = record.origin_id is None
    return {"update": open_to_edit, "destroy": open_to_edit}


def _withheld(amount: Decimal, owner: Commitment) -> Decimal:
    """Retainage withheld on ``amount`` of work to date (before any release)."""
    return (amount * owner.retainage_percent / 100).quantize(Decimal("0.01"))


def _shares(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` split in cents by ``weights``; the cents rounding leaves go to the largest
    remainders, so the shares add up to ``total`` exactly."""
    cents = int((total * 100).to_integral_value())
    whole = sum(weights, _ZERO)
    if not weights or whole == 0:
        return [_ZERO for _ in weights]
    exact = [Decimal(cents) * w / whole for w in weights]
    floors = [int(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[: cents - sum(floors)]:
        floors[i] += 1
    return [(Decimal(c) / 100).quantize(Decimal("0.01")) for c in floors]


Splits = tuple[list[Decimal], list[Decimal], list[Decimal]]


def _line_splits(owner: Commitment, invoices: list[Requisition]) -> list[Splits]:
    """For each invoice of the commitment, in number order: each line's work this period (the
    claim split by scheduled value), retainage withheld (split by that work) and retainage
    released (split by scheduled value), each split adding up to the invoice's own figure."""
    values = [line.amount for line in owner.line_items]
    claimed = _ZERO
    splits: list[Splits] = []
    for invoice in invoices:
        work = _shares(invoice.total_claimed, values)
        retained = _withheld(claimed + invoice.total_claimed, owner) - _withheld(claimed, owner)
        splits.append((work, _shares(retained, work), _shares(invoice.retainage_released, values)))
        claimed += invoice.total_claimed
    return splits


def _requisition_items(
    record: Requisition, owner: Commitment, earlier: list[Requisition], state: ProcoreState
) -> list[dict[str, Any]]:
    """The invoice's lines with the documented G703 columns: this period's work and retainage,
    what earlier invoices claimed and held on the same line, and the totals to date. Work and
    retainage split as :func:`_line_splits` says, so the lines add up to the summary to the
    cent; no materials are stored and no taxes apply in the simulator."""
    *before, (work, withheld, released) = _line_splits(owner, [*earlier, record])
    count = len(owner.line_items)
    prior_work = [sum((s[0][i] for s in before), _ZERO) for i in range(count)]
    prior_held = [sum((s[1][i] - s[2][i] for s in before), _ZERO) for i in range(count)]
    rows = []
    for index, line in enumerate(owner.line_items):
        this_period, kept, freed = work[index], withheld[index], released[index]
        to_date = prior_work[index] + this_period
        percent = to_date * 100 / line.amount if line.amount else _ZERO
        code = state.cost_codes.get(line.cost_code_id) if line.cost_code_id is not None else None
        kind = (
            state.line_item_types.get(line.line_item_type_id)
            if line.line_item_type_id is not None
            else None
        )
        previous_id = record.previous_requisition_id
        rows.append(
            {
                "id": record.id * 1000 + line.position,
                "item_type": "contract_item",
                "accounting_method": owner.accounting_method,
                "cost_code_id": line.cost_code_id,
                "cost_code": None
                if code is None
                else {"id": code.id, "full_code": code.full_code, "name": code.name},
                "wbs_code": None
                if code is None
                else {"id": code.id, "flat_code": code.full_code, "description": code.name},
                "line_item_type": None if kind is None else line_item_type(kind),
                "line_item_id": line.id,
                "description_of_work": line.description,
                "currency_configuration": dict(_CURRENCY),
                "scheduled_value": money(line.amount),
                "scheduled_quantity": money(line.quantity),
                "scheduled_unit_price": money(line.unit_cost),
                "uom": line.uom,
                "work_completed_from_previous_application": money(prior_work[index]),
                "work_completed_this_period": money(this_period),
                "work_completed_this_period_quantity": None,
                "work_completed_from_previous_application_quantity": None,
                "subcontractor_claimed_amount": money(this_period),
                "materials_presently_stored": money(_ZERO),
                "materials_presently_stored_quantity": money(_ZERO),
                "materials_presently_stored_from_previous_progress": money(_ZERO),
                "materials_previously_stored_quantity": money(_ZERO),
                "materials_moved": money(_ZERO),
                "materials_retainage_retained_moved": money(_ZERO),
                "total_completed_and_stored_to_date": money(to_date),
                "total_completed_and_stored_to_date_percent": money(percent),
                "total_completed_and_stored_to_date_from_previous": money(prior_work[index]),
                "work_completed_retainage_from_previous_application": money(prior_held[index]),
                "work_completed_retainage_retained_this_period": money(kept),
                "work_completed_retainage_percent_this_period": money(owner.retainage_percent),
                "work_completed_retainage_released_this_period": money(freed),
                "materials_stored_retainage_currently_retained": money(_ZERO),
                "materials_stored_retainage_percent_this_period": money(_ZERO),
                "materials_stored_retainage_new_materials": money(_ZERO),
                "materials_stored_retainage_released_this_period": money(_ZERO),
                "net_amount": money(this_period - kept + freed),
                "gross_amount": money(this_period),
                "taxes": [],
                "comment": None,
                "position": line.position,
                "line_number": str(line.position),
                "previous_progress_id": None
                if previous_id is None
                else previous_id * 1000 + line.position,
                "ssr_manual_override": False,
                "status": "approved" if record.status.startswith("approved") else "pending",
            }
        )
    return rows


def payment(record: ContractPayment) -> dict[str, Any]:
    """A contract payment (payment issued)."""
    return {
        "id": record.id,
        "project_id": record.project_id,
        "contract_id": record.commitment_id,
        "requisition_id": record.requisition_id,
        "amount": money(record.amount),
        "date": day(record.date),
        "invoice_number": record.invoice_number,
        "check_number": record.check_number,
        "payment_number": record.payment_number,
        "draw_request_number": record.draw_request_number,
        "notes": record.notes,
        "status": record.status,
        "external_payment_id": None,
        "date_payment_initiated": None,
        "date_payment_settled": None,
        "attachments": [attachment(a) for a in record.attachments],
        "origin_id": record.origin_id,
        "origin_code": record.origin_code,
        "origin_data": record.origin_data,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
    }


def direct_cost_row(record: DirectCost, state: ProcoreState) -> dict[str, Any]:
    """A direct cost as ``GET /rest/v1.1/projects/{id}/direct_costs`` lists it."""
    found = _vendor(state, record.vendor_id)
    total = record.grand_total
    return {
        "id": record.id,
        "amount": money(total),
        "grand_total": money(total),
        "direct_cost_type": record.direct_cost_type,
        "direct_cost_date": day(record.direct_cost_date),
        "invoice_number": record.invoice_number,
        "description": record.description,
        "status": record.status,
        "terms": record.terms,
        "payment_date": day(record.payment_date),
        "received_date": day(record.received_date),
        "vendor": None if found is None else found.name,
        "vendor_id": record.vendor_id,
        "vendor_name": None if found is None else found.name,
        "employee": None,
        "origin_id": record.origin_id,
        "origin_data": record.origin_data,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
        "deleted_at": iso(record.deleted_at),
        "currency_configuration": dict(_CURRENCY),
    }


def direct_cost_detail(record: DirectCost, state: ProcoreState) -> dict[str, Any]:
    """A direct cost with its line items, as the show action renders it."""
    owner = state.projects[record.project_id]
    company_record = state.companies[owner.company_id]
    data = direct_cost_row(record, state)
    found = _vendor(state, record.vendor_id)
    data.update(
        {
            "vendor": None if found is None else {"id": found.id, "name": found.name},
            "project": {"id": owner.id, "name": owner.name},
            "company": {"id": company_record.id, "name": company_record.name},
            "attachments": [attachment(a) for a in record.attachments],
            "attachments_count": len(record.attachments),
            "line_items_count": len(record.line_items),
            "line_items": [direct_cost_line(i, state, company_record) for i in record.line_items],
        }
    )
    return data


def direct_cost_item(record: DirectCost, state: ProcoreState) -> dict[str, Any]:
    """A direct cost as the v1.0 show action renders it: the header with its vendor and
    attachments, no line items (v1.0 serves those at ``.../direct_costs/{id}/line_items``)."""
    data = direct_cost_detail(record, state)
    for key in ("amount", "line_items", "project", "company"):
        del data[key]
    return data


def direct_cost_line(
    item: DirectCostLineItem, state: ProcoreState, owner: Company
) -> dict[str, Any]:
    """One line of a direct cost."""
    data = _line(item, state, owner)
    data["ref"] = item.ref
    return data

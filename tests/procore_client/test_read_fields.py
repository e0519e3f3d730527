"""The client's read models carry the documented fields a finance flow uses, typed: the ERP
project number, stage and scope of a project, a contract's dates, assignee, scope, currency and
the payments issued on it, an invoice's currency, type and action policy, a cost code's sortable
code. What the simulator renders and a model leaves out is listed here, once, with why."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest
from tests.procore_client.test_client_support import (
    CLIENT_ID,
    COMPANY,
    SECRET,
    fake_clock,
    new_client,
    new_sim,
    plain_token,
)

from procore_client import (
    AccountingMethod,
    Attachment,
    Company,
    ContractPayment,
    CostCode,
    CurrencyConfiguration,
    DirectCost,
    Project,
    PurchaseOrderContract,
    Ref,
    Requisition,
    RequisitionItem,
    Vendor,
    WorkOrderContract,
)
from procore_client.testing import ProcoreSimulator

# Rendered by the simulator, documented by Procore, and of no use to a finance flow (contact
# numbers, map data, UI settings, template and classification ids, custom fields, who created
# the record, change-order children the flows read from their own endpoints); a model that
# gains or loses a field fails here.
NOT_MODELLED: dict[type, set[str]] = {
    Project: {
        "created_by",
        "custom_fields",
        "fax",
        "latitude",
        "longitude",
        "parent_job",
        "phone",
        "photo_id",
        "priority",
        "project_bid_type_id",
        "project_owner_type_id",
        "project_region_id",
        "project_sector_id",
        "project_template",
    },
    PurchaseOrderContract: {
        "change_order_packages",
        "change_order_requests",
        "created_by_id",
        "invoice_contacts",
        "potential_change_orders",
        "show_line_items_to_non_admins",
    },
    WorkOrderContract: {
        "change_order_packages",
        "change_order_requests",
        "created_by_id",
        "invoice_contacts",
        "potential_change_orders",
        "show_line_items_to_non_admins",
    },
    Requisition: {
        "created_by",
        "custom_fields",
        "electronic_signature_id",
        "item_packages",
        "move_materials_to_previous_work_completed",
        "summary_text",
    },
    # the list renders vendor as a name and the show as an object; vendor_id/vendor_name say both
    DirectCost: {"vendor"},
    # bidding, union, trade and contact details: the vendor flow matches on name and tax id
    Vendor: {
        "bidding",
        "bidding_distribution_ids",
        "children_count",
        "contact_count",
        "keywords",
        "labor_union",
        "non_union_prevailing_wage",
        "primary_contact",
        "primary_contact_id",
        "project_ids",
        "standard_cost_code_ids",
        "trade_ids",
        "trades",
        "union_member",
        "vendor_group",
        "vendor_group_id",
    },
    Company: {"pcn_business_experience"},
}
# An invoice line's material-storage detail, quantities (amount-based lines have none), taxes
# and a UI flag: the flows post work and retainage per line.
ITEM_NOT_MODELLED = {
    "materials_moved",
    "materials_presently_stored_from_previous_progress",
    "materials_presently_stored_quantity",
    "materials_previously_stored_quantity",
    "materials_retainage_retained_moved",
    "materials_stored_retainage_new_materials",
    "materials_stored_retainage_percent_this_period",
    "ssr_manual_override",
    "taxes",
    "total_completed_and_stored_to_date_from_previous",
    "work_completed_from_previous_application_quantity",
    "work_completed_this_period_quantity",
}


@pytest.fixture
def world() -> tuple[ProcoreSimulator, Any, dict[str, int]]:
    clock = fake_clock()
    sim = new_sim(clock)
    summary = sim.seed(
        COMPANY,
        vendors=2,
        projects=1,
        requisitions_per_project=2,
        cost_codes_per_project=2,
        line_item_types=2,
        commitments_per_project=4,
        payments_per_commitment=2,
        direct_costs_per_project=1,
    )
    pid = summary.project_ids[0]
    commitments = list(sim.state.commitments_by_project[pid].values())
    ids = {
        "pid": pid,
        "po": next(c.id for c in commitments if c.kind == "PurchaseOrderContract"),
        "wo": next(c.id for c in commitments if c.kind == "WorkOrderContract"),
        "req": next(iter(sim.state.requisitions_by_project[pid])),
        "cost": next(iter(sim.state.direct_costs_by_project[pid])),
    }
    return sim, clock, ids


def test_projects_carry_the_erp_number_stage_scope_and_value(world: Any) -> None:
    sim, clock, ids = world
    stored = sim.state.projects[ids["pid"]]
    stored.accounting_project_number = "QAD-PRJ-0042"
    stored.work_scope = "Ground-up construction"
    stored.delivery_method = "Design-Build"
    stored.total_value = Decimal("1234567.89")
    stored.completion_date = dt.date(2027, 3, 31)
    sim.state.touch()
    with new_client(sim, clock) as client:
        project = next(p for p in client.projects.list() if p.id == ids["pid"])
    assert project.accounting_project_number == "QAD-PRJ-0042"
    assert project.work_scope == "Ground-up construction"
    assert project.delivery_method == "Design-Build"
    assert isinstance(project.project_stage, Ref)
    assert project.project_stage.name == stored.stage
    assert project.estimated_value == Decimal("1234567.89")
    assert project.estimated_budget == Decimal("1234567.89")
    assert project.projected_finish_date == dt.date(2027, 3, 31)
    assert project.is_demo is False


def test_contracts_carry_dates_assignee_scope_currency_and_payments_issued(world: Any) -> None:
    sim, clock, ids = world
    po = sim.state.commitments[ids["po"]]
    po.execution_date = dt.date(2026, 2, 3)
    po.assignee_id = 77
    po.payment_terms = "Net 30"
    wo = sim.state.commitments[ids["wo"]]
    wo.inclusions, wo.exclusions = "Roofing and flashing", "Scaffolding"
    sim.state.touch()
    with new_client(sim, clock) as client:
        order = client.purchase_order_contracts.get(ids["pid"], ids["po"])
        work = client.work_order_contracts.get(ids["pid"], ids["wo"])
        payments = list(client.contract_payments.list(ids["pid"], ids["po"]))
    assert order.execution_date == dt.date(2026, 2, 3)
    assert order.assignee == Ref(id=77)
    assert order.payment_terms == "Net 30"
    assert order.currency_configuration == CurrencyConfiguration(currency_iso_code="USD")
    assert order.pending_revised_contract == order.grand_total
    assert order.total_draw_requests_amount == Decimal("0.00")
    assert order.requisitions_are_enabled is False
    assert [(p.id, p.amount, p.date) for p in order.payments_issued] == [
        (p.id, p.amount, p.date) for p in payments
    ]
    assert all(isinstance(p, ContractPayment) for p in order.payments_issued)
    assert (work.inclusions, work.exclusions) == ("Roofing and flashing", "Scaffolding")
    assert work.requisitions_are_enabled is True


def test_invoices_and_costs_carry_currency_type_policy_and_line_kinds(world: Any) -> None:
    sim, clock, ids = world
    with new_client(sim, clock) as client:
        invoice = client.requisitions.get(ids["pid"], ids["req"], with_items=True)
        cost = client.direct_costs.get(ids["pid"], ids["cost"])
        codes = list(client.cost_codes.list(ids["pid"]))
    assert invoice.currency_configuration == CurrencyConfiguration(currency_iso_code="USD")
    assert invoice.invoice_type == "progress"
    assert invoice.action_policy is not None
    assert invoice.action_policy.get("update") is True
    assert invoice.items
    assert all(isinstance(item, RequisitionItem) for item in invoice.items)
    assert {item.item_type for item in invoice.items} == {"contract_item"}
    assert all(item.accounting_method is AccountingMethod.AMOUNT for item in invoice.items)
    assert [item.line_number for item in invoice.items] == [
        str(n + 1) for n in range(len(invoice.items))
    ]
    for item in invoice.items:
        assert item.total_completed_and_stored_to_date == (
            (item.work_completed_from_previous_application or Decimal(0))
            + (item.work_completed_this_period or Decimal(0))
        )
        assert isinstance(item.work_completed_retainage_from_previous_application, Decimal)
        assert isinstance(item.total_completed_and_stored_to_date_percent, Decimal)
        assert item.uom == "ls"
        assert item.wbs_code is not None
        assert item.wbs_code.id == item.cost_code_id
        assert item.cost_code is not None
        assert item.wbs_code.flat_code == item.cost_code.full_code
    assert cost.currency_configuration == CurrencyConfiguration(currency_iso_code="USD")
    assert cost.project == Ref(id=ids["pid"], name=sim.state.projects[ids["pid"]].name)
    assert (cost.attachments, cost.attachments_count) == ((), 0)
    assert all(line.currency_configuration is not None for line in cost.line_items)
    assert {code.sortable_code for code in codes} == {code.full_code for code in codes}
    assert all(isinstance(code, CostCode) and code.biller for code in codes)
    assert Attachment(id=1, url="u", filename="f").filename == "f"


def _login(sim: ProcoreSimulator) -> tuple[str, dict[str, str]]:
    with httpx.Client(transport=sim.transport()) as login:
        bearer = plain_token(login, CLIENT_ID, SECRET, "https://login.procore.com")
    return bearer, {"Authorization": f"Bearer {bearer}", "Procore-Company-Id": str(COMPANY)}


def _rendered(sim: ProcoreSimulator, ids: dict[str, int]) -> dict[type, set[str]]:
    """Every top-level field the simulator renders for each model, over its reads."""
    _, headers = _login(sim)
    pid = ids["pid"]
    reads: list[tuple[type, str, dict[str, Any]]] = [
        (Project, "/rest/v1.0/projects", {"company_id": COMPANY}),
        (Vendor, "/rest/v1.0/vendors", {"company_id": COMPANY}),
        (Company, "/rest/v1.0/companies", {"company_id": COMPANY}),
        (PurchaseOrderContract, f"/rest/v1.0/purchase_order_contracts/{ids['po']}", {}),
        (
            PurchaseOrderContract,
            "/rest/v1.0/purchase_order_contracts",
            {"view": "extended"},
        ),
        (WorkOrderContract, f"/rest/v1.0/work_order_contracts/{ids['wo']}", {}),
        (WorkOrderContract, "/rest/v1.0/work_order_contracts", {"view": "extended"}),
        (Requisition, f"/rest/v1.1/requisitions/{ids['req']}", {"view": "extended"}),
        (Requisition, f"/rest/v1.0/requisitions/{ids['req']}", {"view": "extended"}),
        (ContractPayment, "/rest/v1.0/contract_payments", {"contract_id": ids["po"]}),
        (DirectCost, f"/rest/v1.1/projects/{pid}/direct_costs/{ids['cost']}", {}),
        (DirectCost, f"/rest/v1.1/projects/{pid}/direct_costs", {}),
        (CostCode, "/rest/v1.0/cost_codes", {}),
    ]
    found: dict[type, set[str]] = {}
    with httpx.Client(
        transport=sim.transport(), base_url="https://api.procore.com", headers=headers
    ) as client:
        for model, path, query in reads:
            params = {"project_id": pid, **query} if "company_id" not in query else query
            body = client.get(path, params=params).json()
            record = body[0] if isinstance(body, list) else body
            found.setdefault(model, set()).update(record)
    return found


def test_what_a_model_leaves_out_of_the_simulator_s_answers_is_exactly_the_listed_set(
    world: Any,
) -> None:
    sim, _, ids = world
    for model, fields in _rendered(sim, ids).items():
        names = {field.name for field in attrs.fields(model)}
        assert fields - names == NOT_MODELLED.get(model, set()), model.__name__
    _, client_headers = _login(sim)
    with httpx.Client(
        transport=sim.transport(), base_url="https://api.procore.com", headers=client_headers
    ) as client:
        body = client.get(
            f"/rest/v1.1/requisitions/{ids['req']}",
            params={"project_id": ids["pid"], "view": "extended"},
        ).json()
    item_fields = {name for item in body["items"] for name in item}
    names = {field.name for field in attrs.fields(RequisitionItem)}
    assert item_fields - names == ITEM_NOT_MODELLED

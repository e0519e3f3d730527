"""Every resource against a seeded simulator: typed models, filters, writes, /sync, webhooks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from tests.procore_client.test_client_support import (
    COMPANY,
    Recorder,
    fake_clock,
    new_client,
    new_sim,
)

from mlconnector_http import FakeClock
from procore_client import (
    BusinessRegisterType,
    CommitmentStatus,
    DeliveryOutcome,
    DeliveryStatus,
    DirectCostType,
    ProcoreClient,
    ProcoreConfigurationError,
    ProcoreConflict,
    ProcoreNotFound,
    ProcoreSyncError,
    ProcoreValidationError,
    PurchaseOrderContractStatus,
    RequisitionStatus,
    SyncResult,
    TriggerEventType,
    TriggerSpec,
    Vendor,
    VendorInput,
    WorkOrderContractStatus,
)
from procore_client.testing import ProcoreSimulator


@pytest.fixture
def world() -> Iterator[tuple[ProcoreSimulator, FakeClock, ProcoreClient, Any]]:
    clock = fake_clock()
    sim = new_sim(clock)
    summary = sim.seed(
        COMPANY,
        vendors=12,
        projects=2,
        requisitions_per_project=45,
        cost_codes_per_project=4,
        line_item_types=3,
        payments_per_commitment=2,
        direct_costs_per_project=3,
    )
    with new_client(sim, clock) as client:
        yield sim, clock, client, summary


def _aware(moment: dt.datetime | None) -> bool:
    return moment is not None and moment.utcoffset() is not None


def test_companies_projects_and_me(world: Any) -> None:
    sim, _, client, summary = world
    assert [c.id for c in client.companies.list()] == sorted(sim.state.companies)
    projects = list(client.projects.list(active=True))
    assert {p.id for p in projects} == set(summary.project_ids)
    assert all(isinstance(p.total_value, Decimal) and _aware(p.updated_at) for p in projects)
    sim.add_project(COMPANY, name="Closed job", active=False)
    assert [p.name for p in client.projects.list(active=False)] == ["Closed job"]
    assert len(list(client.projects.list())) == 3
    assert client.me().name == "mlconnector-app service account"


def test_vendor_list_filters_get_create_update(world: Any) -> None:
    _, _, client, _ = world
    vendors = list(client.vendors.list())
    assert len(vendors) == 12
    assert all(isinstance(v, Vendor) and _aware(v.created_at) for v in vendors)
    created = client.vendors.create(
        VendorInput(name="Zyxwv Steel", origin_id="QAD-S-1", country_code="US", is_active=True)
    )
    assert created.origin_id == "QAD-S-1"
    assert created.synced_to_erp is True
    assert [v.id for v in client.vendors.list(origin_id="QAD-S-1")] == [created.id]
    assert [v.id for v in client.vendors.list(search="zyxwv")] == [created.id]
    updated = client.vendors.update(created.id, {"city": "Tacoma", "origin_data": None})
    assert (updated.city, updated.name) == ("Tacoma", "Zyxwv Steel")
    assert client.vendors.get(created.id).city == "Tacoma"
    with pytest.raises(ProcoreConfigurationError, match="needs a name"):
        client.vendors.create(VendorInput(city="Nowhere"))


def test_business_register_set_read_conflict_and_update(world: Any) -> None:
    _, _, client, _ = world
    vendor = client.vendors.create(VendorInput(name="Tax Co"))
    assert client.vendors.get_business_register(vendor.id) is None
    register = client.vendors.set_business_register(vendor.id, "EIN", "12-3456789")
    assert register.type is BusinessRegisterType.EIN
    assert register.identifier == "123456789"
    with pytest.raises(ProcoreConflict) as conflict:
        client.vendors.set_business_register(vendor.id, BusinessRegisterType.EIN, "98-7654321")
    assert conflict.value.status_code == 409
    assert "already associated" in conflict.value.message
    changed = client.vendors.update_business_register(vendor.id, "ein", "98 765 4321")
    assert changed.identifier == "987654321"
    assert client.vendors.get_business_register(vendor.id) == changed
    assert [v.id for v in client.vendors.list(search="98-7654321")] == [vendor.id]
    with pytest.raises(ProcoreValidationError) as bad:
        client.vendors.update_business_register(vendor.id, "ein", "123")
    assert [e.field for e in bad.value.errors] == ["identifier"]
    with pytest.raises(ProcoreConfigurationError, match="'abn' or 'ein'"):
        client.vendors.set_business_register(vendor.id, "vat", "1")


def test_sync_reports_per_item_results_instead_of_success(world: Any) -> None:
    sim, _, client, _ = world
    existing = next(iter(client.vendors.list()))
    client.vendors.create(VendorInput(name="Taken", origin_id="QAD-TAKEN"))
    result = client.vendors.sync(
        [
            VendorInput(origin_id="QAD-NEW-1", name="New One"),
            VendorInput(id=existing.id, origin_id="QAD-EXISTING", city="Reno"),
            {"name": "No key at all"},
            VendorInput(id=existing.id + 10_000, name="Ghost"),
            VendorInput(id=existing.id, origin_id="QAD-TAKEN"),
        ]
    )
    assert isinstance(result, SyncResult)
    assert not result.ok
    assert [v.origin_id for v in result.succeeded] == ["QAD-NEW-1", "QAD-EXISTING"]
    assert [(f.id, f.origin_id, [e.field for e in f.errors]) for f in result.failed] == [
        (None, None, ["base"]),
        (existing.id + 10_000, None, ["id"]),
        (existing.id, "QAD-TAKEN", ["origin_id"]),
    ]
    assert result.failed[0].errors[0].message == "id or origin_id is required"
    with pytest.raises(ProcoreSyncError, match="3 of 5 items failed") as raised:
        result.raise_for_failures()
    assert raised.value.failures == result.failed
    assert client.vendors.get(existing.id).origin_id == "QAD-EXISTING"
    assert sim.request_count(path="/rest/v1.0/vendors/sync") == 1


def test_sync_splits_2500_vendors_into_three_calls_of_at_most_1000() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    recorder = Recorder(sim.transport())
    updates = [VendorInput(origin_id=f"QAD-{i:05d}", name=f"Vendor {i}") for i in range(2500)]
    with new_client(sim, clock, transport=recorder) as client:
        result = client.vendors.sync(updates)
        again = client.vendors.sync(updates, batch_size=500)
    sync_calls = [r for r in recorder.requests if r.url.path == "/rest/v1.0/vendors/sync"]
    assert [len(_json(r)["updates"]) for r in sync_calls[:3]] == [1000, 1000, 500]
    assert {_json(r)["company_id"] for r in sync_calls} == {COMPANY}
    assert (result.ok, len(result.succeeded), result.requests) == (True, 2500, 3)
    assert (again.requests, len(again.succeeded)) == (5, 2500)
    assert {v.id for v in again.succeeded} == {v.id for v in result.succeeded}
    assert len(sim.state.vendors_by_company[COMPANY]) == 2500
    with pytest.raises(ProcoreConfigurationError, match="batch_size"):
        client.vendors.sync(updates, batch_size=1001)


def _json(request: Any) -> Any:
    import json

    return json.loads(request.content)


def test_a_sync_batch_is_resent_only_when_every_item_has_a_key() -> None:
    from procore_client._resources.vendors import sync_vendors

    keyed, unkeyed = sync_vendors(
        COMPANY, [VendorInput(origin_id="a")] * 3 + [{"name": "x"}], batch_size=3
    )
    assert keyed.retry_safe
    assert not unkeyed.retry_safe


def test_cost_codes_and_line_item_types(world: Any) -> None:
    _, _, client, summary = world
    project = summary.project_ids[0]
    codes = list(client.cost_codes.list(project))
    assert len(codes) == 4
    assert all(c.full_code for c in codes)
    assert codes[0].line_item_types
    types = list(client.line_item_types.list())
    assert len(types) == 3
    assert all(t.base_type is not None and t.base_type.is_known for t in types)
    assert [t.id for t in client.line_item_types.list(project_id=project)] == [t.id for t in types]


def test_requisitions_filters_get_and_origin_id_update(world: Any) -> None:
    _, clock, client, summary = world
    project = summary.project_ids[0]
    everything = list(client.requisitions.list(project))
    assert len(everything) == 45
    approved = list(client.requisitions.list(project, status=RequisitionStatus.APPROVED))
    assert approved
    assert {r.status for r in approved} == {RequisitionStatus.APPROVED}
    first = everything[0]
    assert isinstance(first.total_claimed_amount, Decimal)
    assert first.summary is not None
    assert isinstance(first.summary.current_payment_due, Decimal)
    by_commitment = list(client.requisitions.list(project, commitment_id=first.commitment_id))
    assert first.id in {r.id for r in by_commitment}
    marked = client.requisitions.update(project, first.id, origin_id="AP-778", origin_data="qad")
    assert (marked.origin_id, marked.origin_data) == ("AP-778", "qad")
    assert [r.id for r in client.requisitions.list(project, origin_id="AP-778")] == [first.id]
    assert client.requisitions.get(project, first.id).deletable is False
    recent = list(
        client.requisitions.list(project, modified_since=clock.now() - dt.timedelta(minutes=1))
    )
    assert [r.id for r in recent] == [first.id]
    with pytest.raises(ProcoreConfigurationError, match="origin_id= or origin_data="):
        client.requisitions.update(project, first.id)


def test_a_requisition_update_names_its_commitment_and_reads_it_first_only_when_not_given() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    summary = sim.seed(COMPANY, projects=1, requisitions_per_project=3)
    project = summary.project_ids[0]
    recorder = Recorder(sim.transport())
    with new_client(sim, clock, transport=recorder) as client:
        first = next(iter(client.requisitions.list(project)))
        assert first.commitment_id is not None
        recorder.requests.clear()
        client.requisitions.update(project, first.id, origin_data="a")
        assert [r.method for r in recorder.requests] == ["GET", "PATCH"]
        recorder.requests.clear()
        client.requisitions.update(
            project, first.id, origin_data="b", commitment_id=first.commitment_id
        )
        assert [r.method for r in recorder.requests] == ["PATCH"]
        body = _json(recorder.requests[0])
        assert (body["project_id"], body["commitment_id"]) == (project, first.commitment_id)
        with pytest.raises(ProcoreNotFound):
            client.requisitions.update(
                project, first.id, origin_data="c", commitment_id=first.commitment_id + 10**9
            )
        recorder.requests.clear()
        with pytest.raises(ProcoreConfigurationError, match="origin_id= or origin_data="):
            client.requisitions.update(project, first.id)
        assert recorder.requests == []


def test_direct_costs_with_line_items(world: Any) -> None:
    _, _, client, summary = world
    project = summary.project_ids[1]
    costs = list(client.direct_costs.list(project))
    assert len(costs) == 3
    assert all(c.line_items == () for c in costs)
    detail = client.direct_costs.get(project, costs[0].id)
    assert detail.line_items
    assert detail.direct_cost_type in set(DirectCostType)
    assert sum(i.amount or Decimal(0) for i in detail.line_items) == detail.grand_total
    assert detail.line_items[0].cost_code is not None
    with pytest.raises(ProcoreNotFound):
        client.direct_costs.get(project, 1)


def test_contracts_commitments_and_payments(world: Any) -> None:
    sim, _, client, summary = world
    project = summary.project_ids[0]
    work_orders = list(client.work_order_contracts.list(project))
    assert work_orders
    assert all(w.status in set(WorkOrderContractStatus) for w in work_orders)
    detail = client.work_order_contracts.get(project, work_orders[0].id)
    assert detail.line_items
    assert sum(i.amount or Decimal(0) for i in detail.line_items) == detail.grand_total
    assert [
        i.id for i in client.work_order_contracts.line_items(project, detail.id, page_size=1)
    ] == [i.id for i in detail.line_items]
    po = sim.add_commitment(
        project, kind="PurchaseOrderContract", status="Submitted", amounts=["10.50", 4]
    )
    orders = list(client.purchase_order_contracts.list(project, status="Submitted"))
    assert [o.id for o in orders] == [po.id]
    assert orders[0].status is PurchaseOrderContractStatus.SUBMITTED
    po_detail = client.purchase_order_contracts.get(project, po.id)
    assert po_detail.grand_total == Decimal("14.50")
    assert len(list(client.purchase_order_contracts.line_items(project, po.id))) == 2
    commitments = list(client.commitments.list(project))
    assert po.id in {c.id for c in commitments}
    assert all(c.status is None or c.status in set(CommitmentStatus) for c in commitments)
    payments = list(client.contract_payments.list(project, detail.id))
    assert len(payments) == 2
    assert all(isinstance(p.amount, Decimal) and isinstance(p.date, dt.date) for p in payments)
    assert client.contract_payments.get(project, detail.id, payments[0].id) == payments[0]


def test_unknown_status_values_are_kept_not_fatal(world: Any) -> None:
    sim, _, client, summary = world
    project = summary.project_ids[0]
    commitment = sim.add_commitment(project, status="Draft", amounts=[1])
    sim.state.commitment(project, commitment.id).status = "Pending Legal Review"
    got = client.work_order_contracts.get(project, commitment.id)
    assert got.status is not None
    assert got.status == "Pending Legal Review"
    assert not got.status.is_known
    assert got.status.name == "UNKNOWN_Pending Legal Review"


def test_ids_are_checked_before_any_request(world: Any) -> None:
    _, _, client, _ = world
    for bad in (0, -4, 2**63, True):
        with pytest.raises(ProcoreConfigurationError, match="positive 64-bit"):
            client.vendors.get(bad)
    assert client.vendors.get(next(iter(client.vendors.list())).id).id > 3_000_000_000


def test_hooks_triggers_and_deliveries(world: Any) -> None:
    sim, _, client, _ = world
    hooks = client.webhooks.hooks
    hook = hooks.create(
        "https://receiver.example/procore",
        namespace="mlconnector",
        authorization="Bearer hook-secret-0001",
    )
    assert hook.namespace == "mlconnector"
    assert hook.owned_by_company_id == COMPANY
    assert "hook-secret" not in repr(hook)
    assert [h.id for h in hooks.list()] == [hook.id]
    assert [h.id for h in hooks.list(namespace="other")] == []
    moved = hooks.update(hook.id, destination_url="https://receiver.example/v2")
    assert moved.destination_url == "https://receiver.example/v2"
    triggers = client.webhooks.triggers
    one = triggers.create(hook.id, "Company Vendors", TriggerEventType.CREATE)
    assert one.event_type is TriggerEventType.CREATE
    bulk = triggers.bulk_create(
        hook.id,
        [
            ("Company Vendors", "update"),
            TriggerSpec("Requisitions", "update"),
            ("Company Vendors", "create"),
        ],
    )
    assert [t.resource_name for t in bulk.succeeded] == ["Company Vendors", "Requisitions"]
    assert not bulk.ok
    assert len(bulk.failed) == 1
    listed = list(triggers.list(hook.id))
    assert len(listed) == 3
    triggers.delete(hook.id, one.id)
    removed = triggers.bulk_delete(hook.id, [listed[1].id, 99])
    assert [t.id for t in removed.succeeded] == [listed[1].id]
    assert len(removed.failed) == 1
    assert [t.id for t in triggers.list(hook.id)] == [listed[2].id]
    with pytest.raises(ProcoreConfigurationError, match="namespace"):
        hooks.create("https://x.example", namespace="Bad Namespace", authorization="x")
    hooks.delete(hook.id)
    assert list(hooks.list()) == []
    assert sim.hooks == []


def test_a_trigger_naming_a_resource_procore_does_not_list_is_refused_before_it_is_sent(
    world: Any,
) -> None:
    sim, clock, _, _ = world
    recorder = Recorder(sim.transport())
    with new_client(sim, clock, transport=recorder) as client:
        hook = client.webhooks.hooks.create(
            "https://receiver.example/p", namespace="mlconnector", authorization="Bearer x-1"
        )
        triggers = client.webhooks.triggers
        with pytest.raises(ProcoreConfigurationError, match="'vendor'"):
            triggers.create(hook.id, "vendor", "create")
        with pytest.raises(ProcoreConfigurationError, match="'Vendors'"):
            triggers.bulk_create(hook.id, [("Company Vendors", "create"), ("Vendors", "update")])
        assert not [r for r in recorder.requests if r.url.path.endswith("/triggers")]
        assert not [r for r in recorder.requests if r.url.path.endswith("/triggers/bulk")]
        assert triggers.create(hook.id, "Company Vendors", "create").id > 0
    assert len(sim.webhooks.triggers) == 1


def test_deliveries_page_with_the_page_start_cursor_and_filter_by_status(world: Any) -> None:
    sim, clock, client, _ = world
    hook = client.webhooks.hooks.create(
        "http://127.0.0.1:9/unreachable", namespace="mlconnector", authorization="Bearer x-12345"
    )
    client.webhooks.triggers.create(hook.id, "Company Vendors", "create")
    for n in range(5):
        client.vendors.create(VendorInput(name=f"Hooked {n}"))
    sim.deliver_pending()
    recorder = Recorder(sim.transport())
    with new_client(sim, clock, transport=recorder) as watcher:
        deliveries = list(watcher.webhooks.deliveries.list(hook.id, page_size=2))
        failing = list(watcher.webhooks.deliveries.list(hook.id, status=DeliveryStatus.FAILING))
        ok = list(watcher.webhooks.deliveries.list(hook.id, status="successful"))
    assert len(deliveries) == 5
    assert {d.outcome for d in deliveries} == {DeliveryOutcome.RETRIED}
    assert len(failing) == 5
    assert ok == []
    assert deliveries[0].event is not None
    assert deliveries[0].event.resource_name == "Company Vendors"
    assert deliveries[0].response_error is not None
    starts = [
        r.url.params.get("page_start") for r in recorder.requests if "deliveries" in r.url.path
    ]
    assert starts[:4] == [None, str(deliveries[1].id), str(deliveries[3].id), None]


def test_a_listed_page_reads_each_record_exactly_like_a_single_get(world: Any) -> None:
    _, _, client, summary = world
    for vendor in client.vendors.list(page_size=5):
        assert client.vendors.get(vendor.id) == vendor
    project = summary.project_ids[0]
    for requisition in list(client.requisitions.list(project))[:10]:
        assert client.requisitions.get(project, requisition.id) == requisition

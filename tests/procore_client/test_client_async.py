"""The async client: facade parity with the sync one, async resources, and self-pacing."""

from __future__ import annotations

import asyncio
import inspect
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.procore_client.test_client_support import (
    COMPANY,
    Events,
    VirtualClock,
    fake_clock,
    new_async_client,
    new_sim,
    run_virtual,
)

from mlconnector_http import SystemClock, Window
from procore_client import (
    AsyncProcoreClient,
    ProcoreClient,
    ProcoreConfigurationError,
    ProcoreConflict,
    VendorInput,
    procore_budget,
)
from procore_client._resources import (
    _contracts,
    commitments,
    companies,
    contract_payments,
    cost_codes,
    direct_costs,
    line_item_types,
    projects,
    purchase_order_contracts,
    requisitions,
    vendors,
    webhooks,
    work_order_contracts,
)

PAIRS = [
    (companies.Companies, companies.AsyncCompanies),
    (projects.Projects, projects.AsyncProjects),
    (vendors.Vendors, vendors.AsyncVendors),
    (cost_codes.CostCodes, cost_codes.AsyncCostCodes),
    (line_item_types.LineItemTypes, line_item_types.AsyncLineItemTypes),
    (requisitions.Requisitions, requisitions.AsyncRequisitions),
    (direct_costs.DirectCosts, direct_costs.AsyncDirectCosts),
    (contract_payments.ContractPayments, contract_payments.AsyncContractPayments),
    (
        work_order_contracts.WorkOrderContracts,
        work_order_contracts.AsyncWorkOrderContracts,
    ),
    (
        purchase_order_contracts.PurchaseOrderContracts,
        purchase_order_contracts.AsyncPurchaseOrderContracts,
    ),
    (_contracts.Contracts, _contracts.AsyncContracts),
    (commitments.Commitments, commitments.AsyncCommitments),
    (webhooks.Hooks, webhooks.AsyncHooks),
    (webhooks.Triggers, webhooks.AsyncTriggers),
    (webhooks.Deliveries, webhooks.AsyncDeliveries),
    (ProcoreClient, AsyncProcoreClient),
]
RETURNS_PAGINATOR = {"list", "line_items"}


def _public(cls: type) -> dict[str, Any]:
    """Public methods and properties the class defines or inherits from procore_client."""
    return {
        name: value
        for klass in reversed(cls.__mro__)
        if klass.__module__.startswith("procore_client")
        for name, value in vars(klass).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    }


def _shape(function: Any) -> list[tuple[str, Any, Any]]:
    signature = inspect.signature(function)
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


@pytest.mark.parametrize(("sync_cls", "async_cls"), PAIRS, ids=lambda c: c.__name__)
def test_sync_and_async_facades_have_the_same_methods_and_signatures(
    sync_cls: type, async_cls: type
) -> None:
    sync_members = _public(sync_cls)
    async_members = _public(async_cls)
    assert sync_members.keys() == async_members.keys()
    assert sync_members
    for name, member in sync_members.items():
        other = async_members[name]
        if not callable(member):
            continue
        assert _shape(member) == _shape(other), name
        if sync_cls is not ProcoreClient:
            sync_params = inspect.signature(member).parameters
            async_params = inspect.signature(other).parameters
            assert [p.annotation for p in sync_params.values()] == [
                p.annotation for p in async_params.values()
            ], name
        assert not inspect.iscoroutinefunction(member), name
        expect_coroutine = name not in RETURNS_PAGINATOR | {"for_company", "with_options"}
        assert inspect.iscoroutinefunction(other) == expect_coroutine, name


def test_client_constructors_take_the_same_arguments() -> None:
    assert _shape(ProcoreClient.__init__) == _shape(AsyncProcoreClient.__init__)
    names = [p.name for p in inspect.signature(ProcoreClient.__init__).parameters.values()]
    assert names[1:4] == ["client_id", "client_secret", "company_id"]


def test_the_constructor_is_written_once_and_documents_every_argument() -> None:
    assert "__init__" not in vars(ProcoreClient)
    assert "__init__" not in vars(AsyncProcoreClient)
    doc = inspect.getdoc(ProcoreClient.__init__) or ""
    names = [p.name for p in inspect.signature(ProcoreClient.__init__).parameters.values()]
    for name in names[1:]:
        assert f"\n    {name}: " in doc, name


def test_async_resources_read_and_write_through_the_simulator() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    summary = sim.seed(
        COMPANY,
        vendors=7,
        projects=1,
        requisitions_per_project=3,
        direct_costs_per_project=1,
        cost_codes_per_project=2,
        line_item_types=2,
    )
    project = summary.project_ids[0]

    async def main() -> None:
        async with new_async_client(sim, clock) as client:
            assert len(await client.vendors.list(page_size=3).to_list()) == 7
            pages = [len(p.items) async for p in client.vendors.list(page_size=3).pages()]
            assert pages == [3, 3, 1]
            created = await client.vendors.create(VendorInput(name="Async Inc", origin_id="A-1"))
            assert (await client.vendors.get(created.id)).origin_id == "A-1"
            await client.vendors.set_business_register(created.id, "ein", "123456789")
            with pytest.raises(ProcoreConflict):
                await client.vendors.set_business_register(created.id, "ein", "123456789")
            result = await client.vendors.sync(
                [VendorInput(origin_id=f"S-{i}", name=f"S {i}") for i in range(5)], batch_size=2
            )
            assert (result.requests, len(result.succeeded)) == (3, 5)
            invoices = [r async for r in client.requisitions.list(project)]
            assert len(invoices) == 3
            marked = await client.requisitions.update(project, invoices[0].id, origin_id="X")
            assert marked.origin_id == "X"
            cost = (await client.direct_costs.list(project).to_list())[0]
            assert (await client.direct_costs.get(project, cost.id)).line_items
            hook = await client.webhooks.hooks.create(
                "https://r.example/h", namespace="ns", authorization="Bearer abcdef"
            )
            await client.webhooks.triggers.create(hook.id, "Company Vendors", "update")
            with pytest.raises(ProcoreConfigurationError, match="'vendor'"):
                await client.webhooks.triggers.bulk_create(hook.id, [("vendor", "create")])
            assert len(await client.webhooks.triggers.list(hook.id).to_list()) == 1
            await client.webhooks.hooks.delete(hook.id)
            assert (await client.me()).id > 0

    asyncio.run(main())


def test_200_concurrent_calls_pace_themselves_under_the_spike_window_on_virtual_time() -> None:
    clock = VirtualClock()
    sim = new_sim(clock, spike_limit=25, hourly_limit=3600)
    vendor_id = sim.add_vendor(COMPANY, "Popular Vendor").id
    events = Events()

    async def main() -> list[Any]:
        budget = procore_budget(clock=clock)
        async with new_async_client(sim, clock, budget=budget, event_hook=events) as client:
            return await asyncio.gather(*(client.vendors.get(vendor_id) for _ in range(200)))

    started = time.perf_counter()
    results = run_virtual(clock, main)
    assert len(results) == 200
    assert {v.id for v in results} == {vendor_id}
    assert sim.stats.rate_limited == 0
    assert sim.request_count(path="/rest/") == 200
    assert clock.monotonic() >= 70
    assert max(e.waited for e in events.seen) >= 70
    assert time.perf_counter() - started < 30


def test_without_a_budget_the_same_burst_is_refused_by_the_simulator() -> None:
    clock = VirtualClock()
    sim = new_sim(clock, spike_limit=25, hourly_limit=3600)
    vendor_id = sim.add_vendor(COMPANY, "Popular Vendor").id

    async def main() -> list[Any]:
        async with new_async_client(sim, clock, budget=None) as client:
            calls = (client.vendors.get(vendor_id) for _ in range(60))
            return await asyncio.gather(*calls, return_exceptions=True)

    results = run_virtual(clock, main)
    assert sim.stats.rate_limited > 0
    assert any(isinstance(r, Exception) for r in results)


@pytest.mark.slow
def test_pacing_on_the_real_clock() -> None:
    clock = SystemClock()
    sim = new_sim(clock, spike_limit=5, spike_seconds=1.0, hourly_limit=None)
    vendor_id = sim.add_vendor(COMPANY, "Real Time").id
    time.sleep((1.1 - datetime.now(UTC).timestamp() % 1.0) % 1.0)

    async def main() -> list[Any]:
        budget = procore_budget([Window(5, 1.0)], clock=clock)
        async with new_async_client(sim, clock, budget=budget) as client:
            return await asyncio.gather(*(client.vendors.get(vendor_id) for _ in range(14)))

    started = time.monotonic()
    assert len(asyncio.run(main())) == 14
    assert sim.stats.rate_limited == 0
    assert time.monotonic() - started >= 1.9

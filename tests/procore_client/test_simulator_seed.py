"""Seeding: deterministic for a seed, consistent across resources, fast at benchmark volume."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from tests.procore_client.test_client_support import plain_token

import procore_client.testing as testing_module
from mlconnector_http.testing import FakeClock
from procore_client.testing import ProcoreSimulator

COMPANY = 31


def build(seed: int) -> ProcoreSimulator:
    sim = ProcoreSimulator(clock=FakeClock(datetime(2026, 4, 1, tzinfo=UTC)))
    sim.add_app("app", "pw")
    sim.add_company(COMPANY, "Seeded", installed_for=["app"])
    sim.seed(
        COMPANY,
        vendors=50,
        projects=3,
        requisitions_per_project=20,
        cost_codes_per_project=15,
        line_item_types=6,
        payments_per_commitment=1,
        direct_costs_per_project=4,
        seed=seed,
    )
    return sim


def snapshot(sim: ProcoreSimulator) -> list[tuple[object, ...]]:
    state = sim.state
    return [
        *((v.id, v.name, v.updated_at) for v in state.vendors.values()),
        *((r.id, r.status, r.total_claimed) for r in state.requisitions.values()),
        *((d.id, d.grand_total) for d in state.direct_costs.values()),
    ]


def test_same_seed_same_data_other_seed_other_data() -> None:
    assert snapshot(build(3)) == snapshot(build(3))
    assert snapshot(build(3)) != snapshot(build(4))


def test_seeded_records_reference_each_other_and_use_wide_ids() -> None:
    sim = build(1)
    state = sim.state
    assert all(p > 2**31 for p in state.projects)
    assert all(v > 2**31 for v in state.vendors)
    for requisition in state.requisitions.values():
        commitment = state.commitments[requisition.commitment_id]
        assert commitment.project_id == requisition.project_id
        assert commitment.vendor_id in state.vendors
    for cost in state.direct_costs.values():
        assert all(line.cost_code_id in state.cost_codes for line in cost.line_items)
    assert len(state.requisitions) == 60
    chains = state.requisitions_by_commitment.values()
    assert all([r.number for r in chain] == list(range(1, len(chain) + 1)) for chain in chains)


def test_seeding_does_not_fire_webhooks() -> None:
    sim = build(2)
    hook = sim.webhooks.create_hook(
        "app",
        1,
        COMPANY,
        None,
        {"api_version": "v2", "namespace": "t", "destination_url": "http://127.0.0.1:9/"},
    )
    sim.webhooks.create_trigger(hook, {"resource_name": "Company Vendors", "event_type": "create"})
    sim.seed(COMPANY, vendors=5, seed=9)
    assert sim.stats.webhook_pending == 0


def test_benchmark_volume_seeds_and_pages_cleanly() -> None:
    sim = ProcoreSimulator(clock=FakeClock(), spike_limit=None, hourly_limit=None)
    sim.add_app("app", "pw")
    sim.add_company(COMPANY, "Big", installed_for=["app"])
    summary = sim.seed(
        COMPANY,
        vendors=100_000,
        projects=50,
        requisitions_per_project=400,
        cost_codes_per_project=20,
    )
    assert summary.vendors == 100_000
    assert summary.requisitions == 20_000
    assert len(sim.state.requisitions) == 20_000
    with httpx.Client(transport=sim.transport(), base_url="https://api.procore.com") as client:
        token = plain_token(client, "app", "pw")
        client.headers.update({"Authorization": f"Bearer {token}", "Procore-Company-Id": "31"})
        last = client.get(
            "/rest/v1.0/vendors", params={"company_id": COMPANY, "per_page": 1000, "page": 100}
        )
        assert last.headers["Total"] == "100000"
        assert len(last.json()) == 1000
        assert 'rel="next"' not in last.headers["Link"]


def test_public_names_are_sorted_and_exported() -> None:
    names = testing_module.__all__
    assert names == sorted(
        names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n)
    )
    assert all(hasattr(testing_module, name) for name in names)
    assert "ProcoreSimulator" in names

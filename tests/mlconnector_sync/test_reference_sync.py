"""The reference flows end to end on the in-process simulators: linking by natural key, an
undecodable QAD record quarantined with its raw JSON while the rest post, deactivation."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from mlconnector_http import RetryPolicy
from mlconnector_http.testing import Fault
from mlconnector_sync import Engine, State
from mlconnector_sync.flows import qad_gl_accounts_to_procurify, qad_suppliers_to_procurify
from mlconnector_sync.state import MemoryStore
from procurify_client import ProcurifyClient, VendorInput
from procurify_client.testing import ProcurifySimulator
from qad_client import QADClient
from qad_client.testing import QADSimulator

SUPPLIERS = qad_suppliers_to_procurify.NAME


class World:
    def __init__(self) -> None:
        self.procurify_sim = ProcurifySimulator()
        creds = self.procurify_sim.add_tenant("acme")
        self.procurify_sim.seed(
            "acme", vendors=0, account_codes=0, purchase_orders=0, bills=0, payments=0
        )
        self.qad_sim = QADSimulator()
        url = self.qad_sim.add_tenant("acme")
        self.qad_sim.add_user("acme", "u", "p")
        self.qad_sim.seed("acme", suppliers=12, gl_accounts=6)
        retry = RetryPolicy.for_testing()
        self.procurify = ProcurifyClient(
            base_url="https://acme.procurify.com",
            client_id=creds.client_id,
            client_secret=creds.client_secret,
            transport=self.procurify_sim.transport(),
            budget=None,
            retry=retry,
        )
        self.qad = QADClient(
            tenant_url=url,
            domain="10USA",
            entity="10USACO",
            username="u",
            password="p",
            transport=self.qad_sim.transport(),
            retry=retry,
        )
        self.store = MemoryStore()
        self.engine = Engine(
            [
                qad_suppliers_to_procurify.build(
                    self.qad, self.procurify, connection="qad", domain="10USA"
                ),
                qad_gl_accounts_to_procurify.build(
                    self.qad, self.procurify, connection="qad", domain="10USA"
                ),
            ],
            self.store,
        )

    def vendors(self) -> list[object]:
        return list(self.procurify_sim.tenant("acme").vendors.values())


@pytest.fixture
def world() -> Iterator[World]:
    w = World()
    with w.procurify, w.qad:
        yield w


def test_first_sync_links_a_vendor_keyed_by_hand_and_a_second_sync_posts_nothing(
    world: World,
) -> None:
    supplier = next(iter(world.qad.suppliers.list()))
    hand = world.procurify.vendors.create(VendorInput(name=supplier.name.upper() + ", Inc."))
    report = world.engine.run_once()
    assert report.exit_code == 0
    assert report.flows[SUPPLIERS].counts == {State.POSTED: 12}
    vendors = world.vendors()
    assert len(vendors) == 12
    linked = {v.external_id: v.id for v in vendors}  # type: ignore[attr-defined]
    assert linked[supplier.code] == hand.id
    again = world.engine.run_once()
    assert all(f.changes.get("posted", 0) == 0 for f in again.flows.values())
    assert len(world.vendors()) == 12


def test_an_undecodable_supplier_is_quarantined_with_its_raw_json_and_the_rest_post(
    world: World,
) -> None:
    corrupted: list[bool] = []

    def corrupt(response: httpx.Response) -> httpx.Response:
        body = response.json()
        rows = body.get("data") if isinstance(body, dict) else None
        if (
            isinstance(rows, list)
            and rows
            and "supplierV2.supplierCode" in rows[0]
            and not corrupted
        ):
            rows[1]["supplierV2.isActive"] = {"not": "a bool"}
            corrupted.append(True)
        return httpx.Response(
            response.status_code, headers=response.headers, content=json.dumps(body).encode()
        )

    world.qad_sim.faults.add(Fault.rewrite(corrupt), method="GET", times=None)
    report = world.engine.run_once()
    assert report.exit_code == 0
    counts = report.flows[SUPPLIERS].counts
    assert counts == {State.POSTED: 11, State.QUARANTINED: 1}
    (item,) = report.flows[SUPPLIERS].exceptions
    assert item.kind == "quarantined"
    assert item.field is not None
    assert "isActive" in item.field or "is_active" in item.field
    row = world.store.rows(states=[State.QUARANTINED])[0]
    assert row.payload["$rejected"]["supplierV2.isActive"] == {"not": "a bool"}
    assert row.source_id == "SUP00002"


def test_a_supplier_deactivated_in_qad_deactivates_its_vendor(world: World) -> None:
    world.engine.run_once()
    supplier = world.qad.suppliers.get("SUP00003")
    import attrs

    world.qad.suppliers.update(attrs.evolve(supplier, is_active=False))
    report = world.engine.run_once()
    assert report.flows[SUPPLIERS].changes["posted"] == 1
    vendor = next(v for v in world.vendors() if v.external_id == "SUP00003")  # type: ignore[attr-defined]
    assert vendor.active is False  # type: ignore[attr-defined]
    assert len(world.vendors()) == 12


def test_the_ledger_records_the_request_id_of_the_write(world: World) -> None:
    counter = iter(range(1, 10_000))

    def stamp(response: httpx.Response) -> httpx.Response:
        response.headers["x-request-id"] = f"req-{next(counter)}"
        return response

    world.procurify_sim.faults.add(Fault.rewrite(stamp), method="POST", times=None)
    world.engine.run_once()
    rows = world.store.rows(flow=SUPPLIERS, states=[State.POSTED])
    assert len(rows) == 12
    assert all(r.request_id is not None and r.request_id.startswith("req-") for r in rows)
    assert len({r.request_id for r in rows}) == 12
    posted = [e for e in world.store.audit(flow=SUPPLIERS) if e.event.value == "posted"]
    assert {e.request_id for e in posted} == {r.request_id for r in rows}

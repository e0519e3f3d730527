"""The reference flows end to end on the in-process simulators: linking by natural key, an
undecodable QAD record quarantined with its raw JSON while the rest post, deactivation, and
vendor updates that keep what Procurify owns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import attrs
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


class Counted(httpx.BaseTransport):
    """The simulator's transport, noting each request's method and path."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.sent: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.method, request.url.path))
        return self.inner.handle_request(request)


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
        self.procurify_transport = Counted(self.procurify_sim.transport())
        self.procurify = ProcurifyClient(
            base_url="https://acme.procurify.com",
            client_id=creds.client_id,
            client_secret=creds.client_secret,
            transport=self.procurify_transport,
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


def test_an_update_from_qad_keeps_what_procurify_owns(world: World) -> None:
    """What a clerk set in Procurify (emails, type, phones, score...) stays when the QAD
    supplier changes, the QAD fields win, and it takes one request (a PATCH)."""
    world.engine.run_once()
    tenant = world.procurify_sim.tenant("acme")
    vendor = next(v for v in tenant.vendors.values() if v.external_id == "SUP00004")
    kept = {
        "email": ("ap@vendor.example.com", "billing@vendor.example.com"),
        "type": 4,
        "contact": "Dana Clerk",
        "state_province": "BC",
        "phone_one": "+1-555-0142",
        "fax": "+1-555-0143",
        "url": "https://vendor.example.com",
        "comments": "net 45 agreed by phone",
        "currency": 2,
        "is_1099_eligible": True,
        "is_auto_email_po_enabled": True,
        "po_pdf_labels": "PO-LABEL",
        "overall_score": Decimal("87.5"),
    }
    tenant.update_vendor(vendor.id, dict(kept))
    supplier = world.qad.suppliers.get("SUP00004")
    world.qad.suppliers.update(attrs.evolve(supplier, city="Kelowna", street2=""))
    world.procurify_transport.sent.clear()

    report = world.engine.run_once()

    assert report.flows[SUPPLIERS].changes["posted"] == 1
    after = tenant.vendor(vendor.id)
    assert {name: getattr(after, name) for name in kept} == kept
    assert after.city == "Kelowna"
    assert after.address_line_two is None
    assert (after.name, after.external_id, after.active) == (vendor.name, "SUP00004", True)
    path = f"/api/v3/vendors/{vendor.id}/"
    writes = [s for s in world.procurify_transport.sent if s[1].startswith("/api/v3/vendors")]
    assert writes == [("PATCH", path)]


def test_a_vendor_found_by_the_lookup_is_linked_without_reading_it_again(world: World) -> None:
    """A vendor linked on a first sync is read by the lookup alone, and keeps its emails."""
    supplier = world.qad.suppliers.get("SUP00005")
    hand = world.procurify.vendors.create(
        VendorInput(name=supplier.name, external_id=supplier.code, email=["ap@hand.example.com"])
    )
    world.procurify_transport.sent.clear()
    world.engine.run_once()
    after = world.procurify_sim.tenant("acme").vendor(hand.id)
    assert after.email == ("ap@hand.example.com",)
    reads = [
        s for s in world.procurify_transport.sent if s == ("GET", f"/api/v3/vendors/{hand.id}/")
    ]
    assert reads == []


def test_a_score_read_at_full_precision_is_left_as_it_is(world: World) -> None:
    """Reads give ``overall_score`` as a float of any precision (the spec's example: 5.637377),
    which a write would refuse (3 places at most): an update never sends it."""
    world.engine.run_once()
    tenant = world.procurify_sim.tenant("acme")
    vendor = next(v for v in tenant.vendors.values() if v.external_id == "SUP00006")
    tenant.update_vendor(vendor.id, {"overall_score": Decimal("5.637377")})
    supplier = world.qad.suppliers.get("SUP00006")
    world.qad.suppliers.update(attrs.evolve(supplier, city="Nelson"))
    assert world.engine.run_once().flows[SUPPLIERS].changes["posted"] == 1
    assert tenant.vendor(vendor.id).overall_score == Decimal("5.637377")

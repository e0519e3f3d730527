"""Webhooks: Procore's simulator delivers real HTTP to the receiver on loopback; the engine
turns inbox events into targeted fetches, and the scheduled poll catches what never came."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import httpx
import pytest

from mlconnector_http import Secret
from mlconnector_sync import Engine, RunReport, Schedule
from mlconnector_sync.flows import procore_direct_costs_to_qad as direct_costs
from mlconnector_sync.flows import qad_suppliers_to_procore as suppliers
from mlconnector_sync.state import MemoryStore
from mlconnector_sync.testing._contractor import CLIENT_ID, COMPANY_ID, Contractor
from mlconnector_sync.webhooks import Intake, create_app, install, serve_in_thread

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
SECRET = "Bearer s3cret-hook-value"
SOURCE = "procore:procore"


class World:
    def __init__(self, url: str, store: MemoryStore, scenario: Contractor) -> None:
        self.url = url
        self.store = store
        self.scenario = scenario
        self.procore = scenario.procore_client()
        self.qad = scenario.qad_client()
        for name, table in scenario.mappings().items():
            store.save_mapping(name, table, now=NOW)
        self.engine = Engine(
            [
                suppliers.build(self.qad, self.procore, connection="qad", domain="10USA"),
                direct_costs.build(self.procore, self.qad, connection="procore"),
            ],
            store,
        )

    def new_cost(self, project: int, invoice: str) -> int:
        codes = list(self.scenario.procore.state.cost_codes_by_project[project])
        vendor = next(iter(self.scenario.vendor_ids.values()))
        cost = self.scenario.procore.add_direct_cost(
            project,
            direct_cost_type="invoice",
            status="approved",
            vendor_id=vendor,
            invoice_number=invoice,
            direct_cost_date="2026-11-20",
            line_items=[
                {
                    "cost_code_id": codes[0],
                    "line_item_type_id": self.scenario.types["M"],
                    "amount": "123.45",
                }
            ],
        )
        return cost.id

    def qad_references(self) -> set[str]:
        return {i.external_reference for i in self.qad.supplier_invoices.list()}


@pytest.fixture
def world() -> Iterator[World]:
    scenario = Contractor(projects=2, suppliers=4, subcontracts=1)
    store = MemoryStore()
    intake = Intake(store, source=SOURCE, secrets=Secret(SECRET), own_application=CLIENT_ID)
    with serve_in_thread(create_app(intake)) as base:
        yield World(f"{base}/webhooks/procore", store, scenario)


def test_install_is_idempotent_and_refuses_unknown_resources(world: World) -> None:
    first = install(world.procore, world.url, authorization=Secret(SECRET))
    assert first.created_hook
    assert len(first.created) == 9
    again = install(world.procore, world.url, authorization=Secret(SECRET))
    assert (again.hook_id, again.created_hook, again.created) == (first.hook_id, False, ())
    assert len(again.existing) == 9
    with pytest.raises(ValueError, match="no webhook resource 'Requisition'"):
        install(world.procore, world.url, authorization=Secret(SECRET), resources=["Requisition"])
    assert len(world.scenario.procore.hooks) == 1


def test_a_delivered_event_is_fetched_alone_and_a_duplicate_changes_nothing(
    world: World,
) -> None:
    install(world.procore, world.url, authorization=Secret(SECRET))
    world.engine.run_once()  # the first full sync
    project = world.scenario.project_ids[0]
    cost = world.new_cost(project, "DC-PUSHED-1")
    deliveries = world.scenario.procore.deliver_pending()
    assert deliveries
    assert all(d.response_status == 200 for d in deliveries)
    # the write-backs of the first sync were announced too, and not stored: our own writes
    marked = [d for d in deliveries if d.payload.get("resource_id") != cost]
    assert marked
    pending = world.store.inbox_pending(SOURCE, kinds=["Direct Costs"])
    assert [e.record_id for e in pending] == [str(cost)]
    before = len(world.scenario.procore.requests)
    report = world.engine.run_once(poll=False)
    flow = report.flows[direct_costs.NAME]
    assert flow.changes["posted"] == 1
    assert flow.changes["pushed"] == len(pending)
    paths = [r.path for r in world.scenario.procore.requests[before:]]
    assert not any(p.endswith("/direct_costs") for p in paths), "no listing: a targeted fetch"
    assert any(p.endswith(f"/direct_costs/{cost}") for p in paths)
    assert direct_costs.reference(f"procore:procore:direct_cost:{cost}") in world.qad_references()
    assert world.store.inbox_pending(SOURCE, kinds=["Direct Costs"]) == []

    # Procore delivers the same event again (a retry): 2xx, stored once, nothing changes
    delivered = next(d for d in deliveries if d.payload.get("resource_id") == cost)
    with httpx.Client() as http:
        answer = http.post(
            world.url, content=json.dumps(delivered.payload), headers={"Authorization": SECRET}
        )
    assert (answer.status_code, answer.json()["stored"]) == (200, False)
    assert world.store.inbox_pending(SOURCE, kinds=["Direct Costs"]) == []
    again = world.engine.run_once(poll=False)
    assert all(f.changes.get("posted", 0) == 0 for f in again.flows.values())


def test_wrong_or_missing_secret_gets_401_and_stores_nothing(world: World) -> None:
    event = {
        "api_version": "v2",
        "id": 991,
        "timestamp": "2026-11-20T10:00:00Z",
        "event_type": "update",
        "resource_name": "Direct Costs",
        "resource_id": 8000000001,
        "company_id": COMPANY_ID,
        "project_id": world.scenario.project_ids[0],
        "ulid": "01JABCDEFGHJKMNPQRSTVWXYZ0",
    }
    body = json.dumps(event)
    with httpx.Client() as http:
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            answer = http.post(world.url, content=body, headers=headers)
            assert answer.status_code == 401
        assert world.store.inbox_pending(SOURCE) == []
        ok = http.post(world.url, content=body, headers={"Authorization": SECRET})
        dup = http.post(world.url, content=body, headers={"Authorization": SECRET})
        bad = http.post(world.url, content=b"{not json", headers={"Authorization": SECRET})
    assert (ok.status_code, ok.json()["stored"]) == (200, True)
    assert (dup.status_code, dup.json()["stored"]) == (200, False)
    assert bad.status_code == 400
    assert len(world.store.inbox_pending(SOURCE)) == 1
    assert "s3cret" not in ok.text + dup.text + bad.text


def test_a_dropped_webhook_is_caught_by_the_scheduled_poll(world: World) -> None:
    install(world.procore, world.url, authorization=Secret(SECRET))
    world.engine.run_once()
    project = world.scenario.project_ids[1]
    cost = world.new_cost(project, "DC-DROPPED-1")
    world.scenario.procore.webhooks.clear()  # the delivery never happens
    assert world.store.inbox_pending(SOURCE) == []
    quiet = world.engine.run_once(poll=False)
    assert quiet.flows[direct_costs.NAME].changes.get("posted", 0) == 0
    polled = world.engine.run_once()
    assert polled.flows[direct_costs.NAME].changes["posted"] == 1
    assert direct_costs.reference(f"procore:procore:direct_cost:{cost}") in world.qad_references()


def test_an_event_for_a_project_the_app_may_not_read_is_left_alone(world: World) -> None:
    event = {
        "api_version": "v2",
        "id": 992,
        "timestamp": "2026-11-20T10:00:00Z",
        "event_type": "create",
        "resource_name": "Direct Costs",
        "resource_id": 8000009999,
        "company_id": COMPANY_ID,
        "project_id": world.scenario.hidden_project,
    }
    with httpx.Client() as http:
        answer = http.post(world.url, content=json.dumps(event), headers={"Authorization": SECRET})
    assert answer.status_code == 200
    report = world.engine.run_once(poll=False)
    assert report.exit_code == 0, report.to_json()
    assert report.flows[direct_costs.NAME].changes.get("pushed", 0) == 0


def test_run_forever_takes_pushed_events_between_the_scheduled_polls(world: World) -> None:
    install(world.procore, world.url, authorization=Secret(SECRET))
    clock = [dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)]
    engine = Engine(world.engine.flows, world.store, now=lambda: clock[0])
    reports: list[RunReport] = []
    made: list[int] = []

    def sleep(seconds: float) -> bool:
        if not made:  # during the first wait, a user adds a cost and Procore tells us
            made.append(world.new_cost(world.scenario.project_ids[0], "DC-FOREVER-1"))
            world.scenario.procore.deliver_pending()
        clock[0] += dt.timedelta(seconds=seconds)
        return False

    def on_report(report: RunReport) -> None:
        reports.append(report)
        if len(reports) == 2:
            engine.stop()

    schedules = {f.name: Schedule(interval=dt.timedelta(hours=1)) for f in engine.flows}
    engine.run_forever(
        schedules, on_report=on_report, sleep=sleep, pushed_every=dt.timedelta(seconds=30)
    )
    first, pushed = reports
    assert pushed.started_at - first.started_at >= dt.timedelta(seconds=30)
    assert pushed.flows.keys() == {direct_costs.NAME}
    assert pushed.flows[direct_costs.NAME].changes["posted"] == 1
    assert (
        direct_costs.reference(f"procore:procore:direct_cost:{made[0]}") in world.qad_references()
    )

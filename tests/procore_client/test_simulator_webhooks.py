"""Webhook hooks, triggers and deliveries, including real POSTs to a loopback receiver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import attrs
import httpx
import pytest
from tests.procore_client.test_client_support import QuietHandler, plain_token, serving

from mlconnector_http.testing import FakeClock
from procore_client.testing import RESOURCE_NAMES, ProcoreSimulator
from procore_client.testing._errors import ValidationFailed

CLIENT_ID = "hooked-app"
SECRET = "pw"
COMPANY = 5_000_000_001
SECRET_HEADER = "Bearer receiver-secret-12345"


@attrs.define
class Receiver:
    """A tiny HTTP endpoint that records what it is sent and answers scripted statuses."""

    url: str
    received: list[tuple[dict[str, str], Any]]
    statuses: list[int]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box = Receiver("", [], [])

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length))
            box.received.append((dict(self.headers.items()), body))
            status = box.statuses.pop(0) if box.statuses else 200
            self.send_response(status)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    with serving(Handler) as origin:
        box.url = f"{origin}/procore"
        yield box


@pytest.fixture
def env() -> Iterator[tuple[ProcoreSimulator, FakeClock, httpx.Client]]:
    clock = FakeClock(datetime(2026, 2, 1, tzinfo=UTC))
    sim = ProcoreSimulator(clock=clock, spike_limit=None, webhook_backoff=2.0)
    sim.add_app(CLIENT_ID, SECRET)
    sim.add_company(COMPANY, "Acme", installed_for=[CLIENT_ID])
    client = httpx.Client(transport=sim.transport(), base_url="https://api.procore.com")
    client.headers["Authorization"] = f"Bearer {plain_token(client, CLIENT_ID, SECRET)}"
    client.headers["Procore-Company-Id"] = str(COMPANY)
    with sim:
        yield sim, clock, client
    client.close()


def _hook(client: httpx.Client, url: str, version: str = "v2", **scope: int) -> dict[str, Any]:
    scope = scope or {"company_id": COMPANY}
    answer = client.post(
        "/rest/v1.0/webhooks/hooks",
        json={
            **scope,
            "hook": {
                "api_version": version,
                "namespace": "mlconnector",
                "destination_url": url,
                "destination_headers": {"Authorization": SECRET_HEADER},
            },
        },
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert isinstance(body, dict)
    return body


def _trigger(
    client: httpx.Client, hook_id: int, name: str, event: str, version: str = "v2", **scope: int
) -> None:
    scope = scope or {"company_id": COMPANY}
    answer = client.post(
        f"/rest/v1.0/webhooks/hooks/{hook_id}/triggers",
        json={
            **scope,
            "api_version": version,
            "trigger": {"resource_name": name, "event_type": event},
        },
    )
    assert answer.status_code == 201, answer.text


def test_hook_crud_masks_the_authorization_value(env: Any) -> None:
    _, _, client = env
    hook = _hook(client, "https://example.invalid/hook")
    assert hook["destination_headers"]["Authorization"].endswith("12345")
    assert "receiver-secret" not in hook["destination_headers"]["Authorization"]
    assert hook["owned_by_company_id"] == COMPANY
    listed = client.get("/rest/v1.0/webhooks/hooks", params={"company_id": COMPANY})
    assert [h["id"] for h in listed.json()] == [hook["id"]]
    other_ns = client.get(
        "/rest/v1.0/webhooks/hooks", params={"company_id": COMPANY, "namespace": "nope"}
    )
    assert other_ns.json() == []
    url = f"/rest/v1.0/webhooks/hooks/{hook['id']}"
    patched = client.patch(
        url, json={"company_id": COMPANY, "hook": {"destination_url": "https://x.invalid/2"}}
    )
    assert patched.json()["destination_url"] == "https://x.invalid/2"
    bad = client.post(
        "/rest/v1.0/webhooks/hooks",
        json={"company_id": COMPANY, "hook": {"api_version": "v9", "destination_url": "ftp://x"}},
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"api_version", "destination_url", "namespace"}
    assert client.delete(url, params={"company_id": COMPANY}).status_code == 200
    assert client.get(url, params={"company_id": COMPANY}).status_code == 404


def test_triggers_single_bulk_list_and_delete(env: Any) -> None:
    _, _, client = env
    hook = _hook(client, "https://example.invalid/hook")
    base = f"/rest/v1.0/webhooks/hooks/{hook['id']}/triggers"
    single = client.post(
        base,
        json={
            "company_id": COMPANY,
            "api_version": "v2",
            "trigger": {"resource_name": "Company Vendors", "event_type": "create"},
        },
    )
    assert single.status_code == 201
    assert single.json()["event_type"] == "CREATE"
    bulk = client.post(
        f"{base}/bulk",
        json={
            "company_id": COMPANY,
            "api_version": "v2",
            "triggers": [
                {"resource_name": "Company Vendors", "event_type": "update"},
                {"resource_name": "Requisitions", "event_type": "update"},
                {"resource_name": "Company Vendors", "event_type": "create"},
                {"resource_name": "", "event_type": "explode"},
            ],
        },
    )
    assert bulk.status_code == 207
    assert len(bulk.json()["success"]) == 2
    assert len(bulk.json()["errors"]) == 2
    listed = client.get(base, params={"company_id": COMPANY}).json()
    assert len(listed) == 3
    first, second, third = (t["id"] for t in listed)
    removed = client.request(
        "DELETE", f"{base}/bulk", json={"company_id": COMPANY, "triggers": [first, 999]}
    )
    assert removed.status_code == 207
    assert removed.json()["success"] == [first]
    gone = client.delete(f"{base}/{second}", params={"company_id": COMPANY})
    assert gone.status_code == 200
    assert [t["id"] for t in client.get(base, params={"company_id": COMPANY}).json()] == [third]
    too_many = client.post(
        f"{base}/bulk",
        json={
            "company_id": COMPANY,
            "triggers": [{"resource_name": f"R{i}", "event_type": "create"} for i in range(501)],
        },
    )
    assert too_many.status_code == 413


def test_vendor_created_through_the_api_is_delivered_to_a_loopback_receiver(
    env: Any, receiver: Receiver
) -> None:
    sim, _, client = env
    hook = _hook(client, receiver.url)
    _trigger(client, hook["id"], RESOURCE_NAMES["vendor"], "create")
    created = client.post(
        "/rest/v1.0/vendors", json={"company_id": COMPANY, "vendor": {"name": "Hooked Inc."}}
    ).json()
    assert receiver.received == []
    made = sim.deliver_pending()
    assert [d.outcome for d in made] == ["ok"]
    headers, body = receiver.received[0]
    assert headers["Authorization"] == SECRET_HEADER
    assert body["resource_name"] == "Company Vendors"
    assert body["resource_id"] == created["id"]
    assert body["event_type"] == "create"
    assert body["company_id"] == COMPANY
    assert body["project_id"] is None
    assert body["api_version"] == "v2.0"
    assert len(body["ulid"]) == 26
    assert body["metadata"]["source_application_id"] == CLIENT_ID
    assert "related_resources" not in body


def test_failed_delivery_is_retried_with_backoff_and_recorded(env: Any, receiver: Receiver) -> None:
    sim, clock, client = env
    hook = _hook(client, receiver.url)
    _trigger(client, hook["id"], "Company Vendors", "update")
    vendor = sim.add_vendor(COMPANY, "Flaky Receiver Co")
    receiver.statuses = [500, 503]
    sim.update_vendor(COMPANY, vendor.id, city="Austin")
    first = sim.deliver_pending()
    assert [(d.outcome, d.response_status) for d in first] == [("retried", 500)]
    assert sim.deliver_pending() == []
    clock.advance(2)
    second = sim.deliver_pending()
    assert [(d.outcome, d.response_status) for d in second] == [("retried", 503)]
    clock.advance(4)
    third = sim.deliver_pending()
    assert [(d.outcome, d.attempt) for d in third] == [("ok", 3)]
    assert len(receiver.received) == 3
    assert {b["id"] for _, b in receiver.received} == {first[0].event.id}
    assert sim.stats.webhook_failures == 2
    assert sim.stats.webhook_successes == 1

    url = f"/rest/v1.0/webhooks/hooks/{hook['id']}/deliveries"
    rows = client.get(url, params={"company_id": COMPANY}).json()
    assert [r["outcome"] for r in rows] == ["retried", "retried", "ok"]
    assert rows[0]["response_status"] == 500
    assert rows[0]["event"]["resource_id"] == vendor.id
    failing = client.get(url, params={"company_id": COMPANY, "filters[status]": "failing"})
    assert [r["outcome"] for r in failing.json()] == ["retried", "retried"]
    ok = client.get(url, params={"company_id": COMPANY, "filters[status]": "successful"})
    assert [r["attempt"] for r in ok.json()] == [3]


def test_delivery_gives_up_after_the_configured_attempts(receiver: Receiver) -> None:
    sim = ProcoreSimulator(clock=FakeClock(), webhook_attempts=2, webhook_backoff=0)
    sim.add_app(CLIENT_ID, SECRET)
    sim.add_company(COMPANY, "Acme", installed_for=[CLIENT_ID])
    hook = sim.webhooks.create_hook(
        CLIENT_ID,
        1,
        COMPANY,
        None,
        {"api_version": "v2", "namespace": "t", "destination_url": receiver.url},
    )
    sim.webhooks.create_trigger(hook, {"resource_name": "Company Vendors", "event_type": "create"})
    receiver.statuses = [500, 500, 500]
    sim.add_vendor(COMPANY, "Never Delivered")
    made = sim.deliver_pending()
    assert [d.outcome for d in made] == ["retried", "failed"]
    assert sim.stats.webhook_pending == 0


def test_unreachable_receiver_records_the_connection_error() -> None:
    sim = ProcoreSimulator(clock=FakeClock(), webhook_attempts=1, webhook_timeout=1.0)
    sim.add_app(CLIENT_ID, SECRET)
    sim.add_company(COMPANY, "Acme", installed_for=[CLIENT_ID])
    hook = sim.webhooks.create_hook(
        CLIENT_ID,
        1,
        COMPANY,
        None,
        {"api_version": "v2", "namespace": "t", "destination_url": "http://127.0.0.1:9/"},
    )
    sim.webhooks.create_trigger(hook, {"resource_name": "RFIs", "event_type": "update"})
    sim.emit_event("RFIs", 42, "update", COMPANY)
    (delivery,) = sim.deliver_pending()
    assert delivery.outcome == "failed"
    assert delivery.response_status is None
    assert delivery.response_error


def test_payload_versions_three_and_four(env: Any, receiver: Receiver) -> None:
    sim, _, client = env
    project = sim.add_project(COMPANY)
    sim.add_cost_code(project.id, "01", "General")
    vendor = sim.add_vendor(COMPANY, "Versioned Vendor")
    code = next(iter(sim.state.cost_codes_by_project[project.id]))
    v3 = _hook(client, receiver.url, "v3", project_id=project.id)
    v4 = _hook(client, receiver.url + "/v4", "v4")
    _trigger(client, v3["id"], "Direct Cost Line Items", "create", "v3", project_id=project.id)
    answer = client.post(
        f"/rest/v1.1/projects/{project.id}/direct_costs",
        json={
            "direct_cost": {
                "vendor_id": vendor.id,
                "direct_cost_type": "expense",
                "line_items": [{"wbs_code_id": code, "amount": "10.00"}],
            }
        },
    )
    assert answer.status_code == 201
    client.post(
        f"/rest/v1.0/webhooks/hooks/{v4['id']}/triggers",
        json={
            "company_id": COMPANY,
            "trigger": {"resource_name": "Direct Costs", "event_type": "update"},
        },
    )
    client.patch(
        f"/rest/v1.1/projects/{project.id}/direct_costs/{answer.json()['id']}",
        json={"direct_cost": {"status": "approved"}},
    )
    sim.deliver_pending()
    bodies = [b for _, b in receiver.received]
    three = next(b for b in bodies if b.get("api_version") == "v3.0")
    assert three["related_resources"] == [{"id": answer.json()["id"], "name": "Direct Costs"}]
    assert three["project_id"] == project.id
    four = next(b for b in bodies if "reason" in b)
    assert four["reason"] == "update"
    assert four["resource_type"] == "Direct Costs"
    assert four["resource_id"] == str(answer.json()["id"])
    assert four["company_id"] == str(COMPANY)
    assert four["id"] == four["id"].upper()
    assert len(four["id"]) == 26


def test_dmsa_hides_events_of_projects_the_app_may_not_see(env: Any, receiver: Receiver) -> None:
    sim, _, client = env
    visible = sim.add_project(COMPANY)
    hidden = sim.add_project(COMPANY, permitted_for=[])
    hook = _hook(client, receiver.url)
    _trigger(client, hook["id"], "Requisitions", "update")
    for project in (visible, hidden):
        commitment = sim.add_commitment(project.id, amounts=[100])
        requisition = sim.add_requisition(project.id, commitment.id)
        sim.update_requisition(project.id, requisition.id, status="under_review")
    sim.deliver_pending()
    assert [b["project_id"] for _, b in receiver.received] == [visible.id]


def test_deliveries_page_with_page_size_and_page_start(env: Any, receiver: Receiver) -> None:
    sim, _, client = env
    hook = _hook(client, receiver.url)
    _trigger(client, hook["id"], "Company Vendors", "create")
    for index in range(7):
        sim.add_vendor(COMPANY, f"Vendor {index}")
    sim.deliver_pending()
    url = f"/rest/v1.0/webhooks/hooks/{hook['id']}/deliveries"
    seen: list[int] = []
    start: int | None = None
    while True:
        params: dict[str, Any] = {"company_id": COMPANY, "page_size": 3}
        if start is not None:
            params["page_start"] = start
        page = client.get(url, params=params).json()
        if not page:
            break
        seen.extend(d["event"]["resource_id"] for d in page)
        start = page[-1]["id"]
    assert len(seen) == len(set(seen)) == 7
    bad = client.get(url, params={"company_id": COMPANY, "filters[status]": "weird"})
    assert bad.status_code == 400


def test_background_delivery_mode(env: Any, receiver: Receiver) -> None:
    sim, _, client = env
    hook = _hook(client, receiver.url)
    _trigger(client, hook["id"], "Company Vendors", "create")
    sim.start_delivery()
    for index in range(3):
        client.post(
            "/rest/v1.0/vendors", json={"company_id": COMPANY, "vendor": {"name": f"Auto {index}"}}
        )
    assert sim.wait_for_deliveries(5.0)
    sim.stop_delivery()
    assert len(receiver.received) == 3
    assert all(h["Authorization"] == SECRET_HEADER for h, _ in receiver.received)


def test_loopback_serve_answers_token_and_api_on_one_origin(receiver: Receiver) -> None:
    sim = ProcoreSimulator(auto_deliver=True)
    sim.add_app(CLIENT_ID, SECRET)
    sim.add_company(COMPANY, "Acme", installed_for=[CLIENT_ID])
    with sim, sim.serve() as base, httpx.Client(base_url=base) as client:
        token = plain_token(client, CLIENT_ID, SECRET, base)
        client.headers.update(
            {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(COMPANY)}
        )
        hook = _hook(client, receiver.url)
        _trigger(client, hook["id"], "Company Vendors", "create")
        created = client.post(
            "/rest/v1.0/vendors", json={"company_id": COMPANY, "vendor": {"name": "Over HTTP"}}
        )
        assert created.status_code == 201
        assert "X-Rate-Limit-Remaining" in created.headers
        assert sim.wait_for_deliveries(5.0)
    assert receiver.received[0][1]["resource_id"] == created.json()["id"]


@pytest.mark.parametrize(
    ("hook", "field"),
    [
        ({"destination_url": "https://x.invalid/h"}, "namespace"),
        ({"namespace": "", "destination_url": "https://x.invalid/h"}, "namespace"),
        (
            {"namespace": "mlconnector", "destination_url": "http://hooks.example.com/"},
            "destination_url",
        ),
        ({"namespace": "mlconnector", "destination_url": "https:///nohost"}, "destination_url"),
        ({"namespace": "other", "destination_url": "https://x.invalid/h"}, "namespace"),
    ],
)
def test_a_hook_needs_the_apps_one_namespace_and_an_https_destination(
    hook: dict[str, Any], field: str
) -> None:
    sim = ProcoreSimulator(clock=FakeClock())
    sim.add_app(CLIENT_ID, SECRET)
    sim.add_company(COMPANY, "Acme", installed_for=[CLIENT_ID])
    sim.add_company(COMPANY + 1, "Beta", installed_for=[CLIENT_ID])
    first = {
        "api_version": "v2",
        "namespace": "mlconnector",
        "destination_url": "https://a.invalid/",
    }
    sim.webhooks.create_hook(CLIENT_ID, 1, COMPANY, None, first)
    with pytest.raises(ValidationFailed) as refused:
        sim.webhooks.create_hook(CLIENT_ID, 1, COMPANY + 1, None, {"api_version": "v2", **hook})
    assert set(refused.value.fields) == {field}
    other_app = sim.webhooks.create_hook(
        "another-app", 2, COMPANY, None, {**first, "namespace": "x"}
    )
    assert other_app.namespace == "x"
    loopback = {**first, "destination_url": "http://127.0.0.1:9/"}
    assert (
        sim.webhooks.create_hook(CLIENT_ID, 1, COMPANY + 1, None, loopback).namespace
        == "mlconnector"
    )

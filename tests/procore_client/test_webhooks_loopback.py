"""The simulator really POSTs webhooks to a local receiver that uses verify_and_parse."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import pytest
from tests.procore_client.test_client_support import (
    COMPANY,
    QuietHandler,
    fake_clock,
    new_client,
    new_sim,
    serving,
)

from procore_client import DeliveryOutcome, VendorInput, WebhookError, WebhookEvent
from procore_client.webhooks import verify_and_parse

CURRENT = "Bearer current-hook-secret-4711"
PREVIOUS = "Bearer previous-hook-secret-0815"


@attrs.define
class Receiver:
    """An HTTP endpoint that accepts only what verify_and_parse accepts, and dedupes."""

    url: str = ""
    accepted: list[WebhookEvent] = attrs.Factory(list)
    refused: list[tuple[int, str]] = attrs.Factory(list)
    seen_keys: set[str] = attrs.Factory(set)
    duplicates: int = 0
    lock: threading.Lock = attrs.Factory(threading.Lock)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box = Receiver()

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            try:
                event = verify_and_parse(self.headers.items(), body, [CURRENT, PREVIOUS])
            except WebhookError as error:
                status = error.status_code
                with box.lock:
                    box.refused.append((status, type(error).__name__))
            else:
                status = 204
                with box.lock:
                    if event.dedupe_key in box.seen_keys:
                        box.duplicates += 1
                    box.seen_keys.add(event.dedupe_key)
                    box.accepted.append(event)
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

    with serving(Handler) as origin:
        box.url = f"{origin}/procore/webhooks"
        yield box


def test_events_of_every_payload_version_arrive_verified_and_deduplicated(
    receiver: Receiver,
) -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    project = sim.seed(COMPANY, projects=1, cost_codes_per_project=2).project_ids[0]
    with sim, new_client(sim, clock) as client:
        hooks = client.webhooks.hooks
        for version, secret in (("v2", CURRENT), ("v3", PREVIOUS), ("v4", CURRENT)):
            hook = hooks.create(
                receiver.url,
                namespace="mlconnector",
                authorization=secret,
                api_version=version,
            )
            client.webhooks.triggers.bulk_create(
                hook.id,
                [("Company Vendors", "create"), ("Direct Cost Line Items", "create")],
                api_version=version,
            )
        vendor = client.vendors.create(VendorInput(name="Hooked Supply"))
        made = sim.deliver_pending()
        assert [d.outcome for d in made] == ["ok", "ok", "ok"]
        code = next(iter(client.cost_codes.list(project)))
        sim.add_direct_cost(
            project,
            vendor_id=vendor.id,
            direct_cost_type="expense",
            line_items=[{"wbs_code_id": code.id, "quantity": 1, "unit_cost": "12.50"}],
        )
        sim.deliver_pending()
    by_version: dict[str, list[WebhookEvent]] = {}
    for event in receiver.accepted:
        by_version.setdefault(event.payload_version.value, []).append(event)
    assert receiver.refused == []
    assert sorted(by_version) == ["v2.0", "v3.0", "v4.0"]
    vendor_events = [e for e in receiver.accepted if e.resource_type == "Company Vendors"]
    assert {e.resource_id for e in vendor_events} == {vendor.id}
    assert {e.company_id for e in vendor_events} == {COMPANY}
    assert len({e.dedupe_key for e in vendor_events}) == 1
    assert receiver.duplicates == 4
    line_events = [e for e in by_version["v3.0"] if e.resource_type == "Direct Cost Line Items"]
    assert len(line_events) == 1
    assert [r.name for r in line_events[0].related_resources] == ["Direct Costs"]
    assert line_events[0].project_id == project
    v2_vendor = next(e for e in by_version["v2.0"] if e.resource_type == "Company Vendors")
    assert v2_vendor.metadata is not None
    assert v2_vendor.metadata.source_application_id == "mlconnector-app"


def test_a_hook_with_the_wrong_secret_is_refused_and_shows_as_failing(receiver: Receiver) -> None:
    clock = fake_clock()
    sim = new_sim(clock, webhook_attempts=2, webhook_backoff=0.0)
    with sim, new_client(sim, clock) as client:
        hook = client.webhooks.hooks.create(
            receiver.url, namespace="mlconnector", authorization="Bearer stolen-guess"
        )
        client.webhooks.triggers.create(hook.id, "Company Vendors", "create")
        client.vendors.create(VendorInput(name="Nobody hears me"))
        sim.deliver_pending()
        failing = list(client.webhooks.deliveries.list(hook.id, status="failing"))
        rotated = client.webhooks.hooks.update(hook.id, authorization=PREVIOUS)
        client.vendors.create(VendorInput(name="Now they do"))
        sim.deliver_pending()
        ok = list(client.webhooks.deliveries.list(hook.id, status="successful"))
    assert receiver.refused == [(401, "WebhookAuthError"), (401, "WebhookAuthError")]
    assert [(d.outcome, d.response_status) for d in failing] == [
        (DeliveryOutcome.RETRIED, 401),
        (DeliveryOutcome.FAILED, 401),
    ]
    assert rotated.id == hook.id
    assert [d.outcome for d in ok] == [DeliveryOutcome.OK]
    assert [e.resource_type for e in receiver.accepted] == ["Company Vendors"]


def test_the_receiver_refuses_a_forged_post_without_the_header(receiver: Receiver) -> None:
    body: dict[str, Any] = {"id": 1, "ulid": "x", "api_version": "v2.0"}
    answer = httpx.post(receiver.url, json=body)
    forged = httpx.post(receiver.url, json=body, headers={"Authorization": CURRENT})
    assert (answer.status_code, forged.status_code) == (401, 400)
    assert receiver.refused == [(401, "WebhookAuthError"), (400, "WebhookPayloadError")]

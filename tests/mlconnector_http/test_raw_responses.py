"""The raw answer of any call: status, redacted headers, parsed value, request id."""

from __future__ import annotations

import asyncio

import httpx
from tests.mlconnector_http.toy import ToySimulator, create_thing, make_config

from mlconnector_http import (
    AsyncAPIClient,
    FakeClock,
    RawResponse,
    SyncAPIClient,
    capture_responses,
)
from mlconnector_http.testing import Fault


def _with_ids(response: httpx.Response) -> httpx.Response:
    headers = {
        **dict(response.headers),
        "x-request-id": "req-77",
        "set-cookie": "session=live-session-cookie",
    }
    headers.pop("content-length", None)
    return httpx.Response(response.status_code, headers=headers, content=response.read())


def test_a_successful_write_exposes_the_request_id(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    sim.faults.add(Fault.rewrite(_with_ids), path="/things/")
    with capture_responses() as seen:
        value = client._send(create_thing({"n": 1}))
    assert value == {"created": {"n": 1}}
    raw = seen.last
    assert raw is not None
    assert raw.request_id == "req-77"
    assert raw.status_code == 201
    assert raw.value == value
    assert raw.operation == "things.create"
    assert raw.headers["set-cookie"] == "[redacted]"
    assert seen.request_ids == ["req-77"]  # the token request is not recorded


def test_send_raw_returns_the_raw_answer(client: SyncAPIClient, sim: ToySimulator) -> None:
    sim.faults.add(Fault.rewrite(_with_ids), path="/things/")
    raw = client._executor.send_raw(create_thing({"n": 2}))
    assert isinstance(raw, RawResponse)
    assert raw.request_id == "req-77"
    assert raw.value == {"created": {"n": 2}}
    assert "access-token" not in repr(raw)


def test_nothing_is_recorded_outside_a_capture(client: SyncAPIClient) -> None:
    client._send(create_thing({"n": 3}))
    with capture_responses() as seen:
        pass
    assert seen.responses == []


def test_async_calls_are_captured_too(clock: FakeClock) -> None:
    sim = ToySimulator(clock=clock)
    sim.faults.add(Fault.rewrite(_with_ids), path="/things/")

    async def run() -> list[str | None]:
        async with AsyncAPIClient(make_config(clock), transport=sim.transport()) as api:
            with capture_responses() as seen:
                await api._send(create_thing({"n": 1}))
            return seen.request_ids

    assert asyncio.run(run()) == ["req-77"]

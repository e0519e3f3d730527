"""A write ends succeeded, refused, or unknown; the unknown case is its own typed error."""

from __future__ import annotations

import asyncio
import gzip
import pickle
from typing import Any

import attrs
import httpx
import pytest
from tests.mlconnector_http.toy import SECRET, ToySimulator, create_thing, list_items, make_config

from mlconnector_http import (
    APIError,
    AsyncAPIClient,
    FakeClock,
    Operation,
    RateLimited,
    ServerError,
    SyncAPIClient,
    TransportError,
    ValidationError,
    WriteOutcomeUnknown,
)
from mlconnector_http.testing import Fault


def _write(reference: str | None = "PO-1042", *, safe: bool = False) -> Operation[Any]:
    return attrs.evolve(create_thing({"n": 1}, safe=safe), reference=reference)


@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        (Fault.timeout(), "ReadTimeout"),
        (Fault.timeout_after_commit(), "ReadTimeout"),
        (Fault.drop(), "RemoteProtocolError"),
        (Fault.http_status(503), "503"),
        (Fault.http_status(500), "500"),
    ],
)
def test_a_write_sent_without_a_usable_answer_has_an_unknown_outcome(
    client: SyncAPIClient, sim: ToySimulator, fault: Fault, cause: str
) -> None:
    sim.faults.add(fault, path="/things/")
    with pytest.raises(WriteOutcomeUnknown) as caught:
        client._send(_write())
    error = caught.value
    assert error.operation == "things.create"
    assert error.reference == "PO-1042"
    assert cause in error.cause
    assert "may already exist" in str(error)
    assert "'PO-1042'" in str(error)
    assert "before any re-send" in str(error)
    assert sim.request_count(path="/things/") == 1  # never sent again blindly
    assert error.request is not None
    assert error.request.headers["authorization"] == "[redacted]"


def test_a_connection_that_never_opened_is_retried_as_before(
    sim: ToySimulator, clock: FakeClock
) -> None:
    refused: list[httpx.Request] = []

    class RefuseFirstWrite(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.method == "POST" and request.url.path == "/things/" and not refused:
                refused.append(request)
                raise httpx.ConnectError("connection refused", request=request)
            return sim.transport().handle_request(request)

    with SyncAPIClient(make_config(clock), transport=RefuseFirstWrite()) as api:
        assert api._send(_write()) == {"created": {"n": 1}}
    assert len(refused) == 1
    assert sim.request_count(path="/things/") == 1


def test_a_connection_that_never_opens_is_an_ordinary_transport_error(clock: FakeClock) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    config = make_config(clock, auth=None)
    with SyncAPIClient(config, transport=httpx.MockTransport(refuse)) as api:
        with pytest.raises(TransportError) as caught:
            api._send(_write())
    assert not isinstance(caught.value, WriteOutcomeUnknown)
    assert "api.example.test" in str(caught.value)
    assert "attempt 4 of 4" in str(caught.value)


def test_a_429_and_a_4xx_are_not_unknown(client: SyncAPIClient, sim: ToySimulator) -> None:
    sim.faults.add(Fault.http_status(429, headers={"retry-after": "1"}), path="/things/")
    assert client._send(_write()) == {"created": {"n": 1}}  # 429: nothing done, sent again
    sim.faults.add(Fault.http_status(429, headers={"retry-after": "1"}), path="/things/", times=9)
    with pytest.raises(RateLimited):
        client._send(_write())
    sim.faults.clear()
    sim.faults.add(Fault.http_status(422, body=b'{"detail": "no"}'), path="/things/")
    with pytest.raises(ValidationError):
        client._send(_write())


def test_a_retry_safe_write_is_retried_not_unknown(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    sim.faults.add(Fault.timeout(), path="/things/")
    assert client._send(_write(safe=True)) == {"created": {"n": 1}}
    assert sim.request_count(path="/things/") == 2


def test_a_write_without_a_reference_says_so(client: SyncAPIClient, sim: ToySimulator) -> None:
    sim.faults.add(Fault.timeout(), path="/things/")
    with pytest.raises(WriteOutcomeUnknown) as caught:
        client._send(_write(None))
    assert caught.value.reference is None
    assert "no reference" in str(caught.value)


def test_a_2xx_with_an_unreadable_body_on_a_write_is_unknown(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    sim.faults.add(Fault.malformed_json(201), path="/things/")
    with pytest.raises(WriteOutcomeUnknown, match="201"):
        client._send(_write())


def test_the_unknown_outcome_pickles_without_secrets(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    sim.faults.add(Fault.timeout(), path="/things/")
    with pytest.raises(WriteOutcomeUnknown) as caught:
        client._send(_write())
    data = pickle.dumps(caught.value)
    assert b"access-token-" not in data
    assert SECRET.encode() not in data
    again = pickle.loads(data)
    assert str(again) == str(caught.value)
    assert again.reference == "PO-1042"


def test_async_writes_have_the_same_three_outcomes(clock: FakeClock) -> None:
    sim = ToySimulator(clock=clock)
    sim.faults.add(Fault.timeout(), path="/things/")

    async def run() -> APIError:
        async with AsyncAPIClient(make_config(clock), transport=sim.transport()) as api:
            with pytest.raises(WriteOutcomeUnknown) as caught:
                await api._send(_write())
            return caught.value

    assert asyncio.run(run()).reference == "PO-1042"


def _bogus_encoding(response: httpx.Response) -> httpx.Response:
    headers = {"content-type": "application/json", "content-encoding": "gzip"}
    return httpx.Response(response.status_code, headers=headers, content=b"not gzip at all")


def test_a_bogus_content_encoding_is_a_typed_error(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    gzip.compress(b"")  # the codec exists; the body is simply not gzip
    sim.faults.add(Fault.rewrite(_bogus_encoding), path="/items/", times=None)
    with pytest.raises(ServerError, match="decoded"):
        list(client._paginate(list_items()))
    sim.faults.add(Fault.rewrite(_bogus_encoding), path="/things/")
    with pytest.raises(WriteOutcomeUnknown, match="decoded"):
        client._send(_write())

"""The executors over real HTTP on loopback, against the simulator kernel's threaded server."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import attrs
import httpx
import pytest
from tests.mlconnector_http.toy import SECRET, ToySimulator, list_items, make_config

from mlconnector_http import (
    APITimeoutError,
    AsyncAPIClient,
    ClientConfig,
    ClientCredentials,
    FakeClock,
    RetryPolicy,
    SyncAPIClient,
    SystemClock,
    TokenManager,
    TransportError,
)
from mlconnector_http.testing import Fault


def _loopback_config(url: str, clock: FakeClock, **kw: Any) -> ClientConfig:
    manager = TokenManager(
        ClientCredentials(token_url=f"{url}/oauth/token", client_id="toy", client_secret=SECRET),
        clock=clock,
    )
    return make_config(clock, base_url=url, auth=manager, **kw)


def test_sync_listing_over_loopback_survives_drops() -> None:
    clock = FakeClock()
    sim = ToySimulator(items=95, clock=clock)
    with sim.serve() as url:
        sim.faults.add(Fault.drop(), path="/items/", skip=1, times=1)
        with SyncAPIClient(_loopback_config(url, clock)) as api:
            assert list(api._paginate(list_items(page_size=10))) == list(range(95))
    assert sim.request_count(path="/items/") == 11


def test_async_listing_over_loopback() -> None:
    clock = FakeClock()
    sim = ToySimulator(items=40, clock=clock)

    async def main(url: str) -> list[int]:
        async with AsyncAPIClient(_loopback_config(url, clock)) as api:
            return await api._paginate(list_items(page_size=15)).to_list()

    with sim.serve() as url:
        assert asyncio.run(main(url)) == list(range(40))


def test_real_retry_after_sleep_over_loopback() -> None:
    clock = FakeClock()
    sim = ToySimulator(items=5, clock=clock)
    with sim.serve() as url:
        sim.faults.add(Fault.http_status(503, headers={"retry-after": "1"}), path="/items/")
        config = _loopback_config(url, clock, retry=RetryPolicy(max_attempts=2))
        config = attrs.evolve(config, clock=SystemClock())
        with SyncAPIClient(config) as api:
            started = time.monotonic()
            assert len(list(api._paginate(list_items()))) == 5
            elapsed = time.monotonic() - started
    assert 1.0 <= elapsed < 10.0  # slept the Retry-After second for real (bounds: a busy CI box)


def test_read_timeout_over_loopback() -> None:
    clock = FakeClock()
    sim = ToySimulator(items=5, clock=clock)
    with sim.serve() as url:
        sim.faults.add(Fault.timeout(seconds=1.0), path="/items/", times=None)
        config = _loopback_config(
            url, clock, timeout=httpx.Timeout(0.3), retry=RetryPolicy.for_testing(max_attempts=2)
        )
        with SyncAPIClient(config) as api, pytest.raises(APITimeoutError):
            list(api._paginate(list_items()))


def test_connection_refused_is_a_transport_error() -> None:
    clock = FakeClock()
    config = _loopback_config(
        "http://127.0.0.1:9", clock, retry=RetryPolicy.for_testing(max_attempts=2)
    )
    with SyncAPIClient(config) as api, pytest.raises(TransportError):
        list(api._paginate(list_items()))

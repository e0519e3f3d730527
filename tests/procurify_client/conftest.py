"""Fixtures for the Procurify client tests: a seeded simulator on a fake clock, and clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mlconnector_http import AttemptEvent, FakeClock, RetryPolicy
from procurify_client import AsyncProcurifyClient, ProcurifyClient
from procurify_client.testing import ProcurifySimulator, TenantCredentials

SUBDOMAIN = "acme"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> ProcurifySimulator:
    simulator = ProcurifySimulator(clock=clock)
    simulator.add_tenant(SUBDOMAIN)
    simulator.seed(SUBDOMAIN, purchase_orders=30, vendors=12, account_codes=8, bills=12)
    return simulator


@pytest.fixture
def creds(sim: ProcurifySimulator) -> TenantCredentials:
    return sim.credentials(SUBDOMAIN)


@pytest.fixture
def events() -> list[AttemptEvent]:
    return []


@pytest.fixture
def make_client(
    sim: ProcurifySimulator,
    creds: TenantCredentials,
    clock: FakeClock,
    events: list[AttemptEvent],
) -> Iterator[Callable[..., ProcurifyClient]]:
    made: list[ProcurifyClient] = []

    def make(**overrides: Any) -> ProcurifyClient:
        settings: dict[str, Any] = {
            "subdomain": SUBDOMAIN,
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
            "transport": sim.transport(),
            "clock": clock,
            "retry": RetryPolicy.for_testing(),
            "event_hook": events.append,
        }
        settings.update(overrides)
        client = ProcurifyClient(**settings)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., ProcurifyClient]) -> ProcurifyClient:
    return make_client()


@pytest.fixture
def make_aclient(
    sim: ProcurifySimulator,
    creds: TenantCredentials,
    clock: FakeClock,
    events: list[AttemptEvent],
) -> Callable[..., AsyncProcurifyClient]:
    """Async clients are made inside the test's own event loop (``asyncio.run``)."""

    def make(**overrides: Any) -> AsyncProcurifyClient:
        settings: dict[str, Any] = {
            "subdomain": SUBDOMAIN,
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
            "transport": sim.transport(),
            "clock": clock,
            "retry": RetryPolicy.for_testing(),
            "event_hook": events.append,
        }
        settings.update(overrides)
        return AsyncProcurifyClient(**settings)

    return make

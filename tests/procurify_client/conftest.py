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
def client_args(
    sim: ProcurifySimulator,
    creds: TenantCredentials,
    clock: FakeClock,
    events: list[AttemptEvent],
) -> dict[str, Any]:
    """Client arguments for the simulator's tenant: shared clock, no-sleep retries, events."""
    return {
        "subdomain": SUBDOMAIN,
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
        "transport": sim.transport(),
        "clock": clock,
        "retry": RetryPolicy.for_testing(),
        "event_hook": events.append,
    }


@pytest.fixture
def make_client(client_args: dict[str, Any]) -> Iterator[Callable[..., ProcurifyClient]]:
    made: list[ProcurifyClient] = []

    def make(**overrides: Any) -> ProcurifyClient:
        made.append(ProcurifyClient(**{**client_args, **overrides}))
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., ProcurifyClient]) -> ProcurifyClient:
    return make_client()


@pytest.fixture
def make_aclient(client_args: dict[str, Any]) -> Callable[..., AsyncProcurifyClient]:
    """Async clients are made inside the test's own event loop (``asyncio.run``)."""

    def make(**overrides: Any) -> AsyncProcurifyClient:
        return AsyncProcurifyClient(**{**client_args, **overrides})

    return make

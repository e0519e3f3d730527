"""Shared set-up for the QAD client tests: a seeded simulator, clients on it, a recorder."""

from __future__ import annotations

from typing import Any

import attrs
import httpx

from mlconnector_http import FakeClock, RetryPolicy
from qad_client import AsyncQADClient, QADClient
from qad_client.testing import QADSimulator, SeedResult

TENANT = "acme"
USER = "alice"
PASSWORD = "correct-horse-battery-staple"
DOMAIN = "10USA"
ENTITY = "10USACO"


class Recorder(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Passes requests to the simulator and keeps them (headers and bodies included)."""

    def __init__(self, sim: QADSimulator) -> None:
        self.inner = sim.transport()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    def paths(self) -> list[str]:
        """``METHOD path`` of every request, the tenant prefix removed."""
        return [f"{r.method} {r.url.path.removeprefix('/clouderp')}" for r in self.requests]


@attrs.define
class World:
    """One simulated tenant with a user, seeded data and a shared fake clock."""

    sim: QADSimulator
    clock: FakeClock
    url: str
    seed: SeedResult
    recorder: Recorder

    def client(self, **changes: Any) -> QADClient:
        """A password-grant client on the simulator, sharing the fake clock."""
        return QADClient(**self._options(changes))

    def async_client(self, **changes: Any) -> AsyncQADClient:
        """The async twin of :meth:`client`."""
        return AsyncQADClient(**self._options(changes))

    def _options(self, changes: dict[str, Any]) -> dict[str, Any]:
        options: dict[str, Any] = {
            "tenant_url": self.url,
            "domain": DOMAIN,
            "entity": ENTITY,
            "username": USER,
            "password": PASSWORD,
            "transport": self.recorder,
            "clock": self.clock,
            "retry": RetryPolicy.for_testing(),
        }
        return options | changes


def make_world(
    *,
    domains: dict[str, str] | None = None,
    permissions: list[str] | None = None,
    **seed: int,
) -> World:
    """A fresh simulator with tenant ``acme``, user ``alice`` and ``seed`` records."""
    clock = FakeClock()
    sim = QADSimulator(clock=clock)
    url = sim.add_tenant(TENANT, domains=domains)
    sim.add_user(TENANT, USER, PASSWORD, permissions=permissions)
    counts = {
        "suppliers": 3,
        "items": 3,
        "gl_accounts": 6,
        "cost_centres": 2,
        "sub_accounts": 2,
        "projects": 2,
        "purchase_orders": 0,
    }
    counts.update(seed)
    result = sim.seed(TENANT, **counts)
    return World(sim, clock, url, result, Recorder(sim))

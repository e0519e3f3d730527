"""Fixtures for the Procurify client tests: a seeded simulator on a fake clock, and clients."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from mlconnector_http import AttemptEvent, FakeClock, RetryPolicy
from procurify_client import AsyncProcurifyClient, ProcurifyClient
from procurify_client.testing import ProcurifySimulator, TenantCredentials

SUBDOMAIN = "acme"
SPEC_FILE = Path(__file__).parents[3] / "shared" / "api-notes" / "procurify-openapi-2024.yaml"


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


class _JSONLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML read as JSON would carry it: timestamps stay the strings the wire has."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    """Procurify's OpenAPI file (2024), parsed once."""
    with SPEC_FILE.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=_JSONLoader)
    return loaded


def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path.rstrip("/"))) + "$")


def spec_operations(spec: dict[str, Any], method: str, path: str) -> list[dict[str, Any]]:
    """The spec's operations for a concrete path (the spec strips trailing slashes); a
    literal segment wins over a parameter, as in Django's routing (``users/me`` over
    ``users/{id}``)."""
    matches = [
        (template.count("{"), item[method.lower()])
        for template, item in spec["paths"].items()
        if _template(template).match(path.rstrip("/")) and method.lower() in item
    ]
    fewest = min((count for count, _ in matches), default=0)
    return [operation for count, operation in matches if count == fewest]


def spec_operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The one spec operation for a concrete path."""
    matches = spec_operations(spec, method, path)
    assert len(matches) == 1, f"{method} {path} matches {len(matches)} spec operations"
    return matches[0]


def spec_example(spec: dict[str, Any], operation: dict[str, Any], status: int) -> Any:
    """The example the spec gives for an operation's JSON answer with ``status``."""
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    return spec["components"]["schemas"][name]["example"]

"""A bearer token never goes over plain http off loopback; loopback stays open for simulators.

Three lines of defence: every client refuses an ``http://`` base URL off loopback at
construction (its ``ConfigurationError``); a paginator refuses an ``http://`` next link off
loopback (a ``PaginationError``); and the executor refuses to attach the token to any request
that would still go out over plain http off loopback (a configuration built by hand).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from tests.mlconnector_http.toy import BASE, ToySimulator, list_items, make_config

from mlconnector_http import (
    ConfigurationError,
    FakeClock,
    Operation,
    Page,
    PaginationError,
    RetryPolicy,
    SyncAPIClient,
)
from mlconnector_http.testing import Fault
from procore_client import ProcoreClient, ProcoreConfigurationError, ProcorePaginationError
from procore_client.testing import ProcoreSimulator
from procurify_client import (
    ProcurifyClient,
    ProcurifyConfigurationError,
    ProcurifyPaginationError,
)
from procurify_client.testing import ProcurifySimulator
from qad_client import QADClient, QADConfigurationError

OFF_LOOPBACK = ["http://acme.example", "http://10.0.0.5", "http://8.8.8.8", "http://[2001:db8::1]"]
LOOPBACK = ["http://127.0.0.1:8765", "http://[::1]:8765", "http://localhost:8765"]


def procurify(base_url: str) -> ProcurifyClient:
    return ProcurifyClient(base_url=base_url, client_id="id", client_secret="secret")


def procore(base_url: str, auth_url: str | None = None) -> ProcoreClient:
    return ProcoreClient(
        client_id="id", client_secret="secret", company_id=1, base_url=base_url, auth_url=auth_url
    )


def qad(base_url: str) -> QADClient:
    return QADClient(
        tenant_url=f"{base_url}/clouderp",
        domain="10USA",
        entity="10USACO",
        username="alice",
        password="pw",
    )


@pytest.mark.parametrize("url", OFF_LOOPBACK)
def test_every_client_refuses_a_plain_http_base_url_off_loopback(url: str) -> None:
    with pytest.raises(ProcurifyConfigurationError, match="https"):
        procurify(url)
    with pytest.raises(ProcoreConfigurationError, match="https"):
        procore(url)
    with pytest.raises(ProcoreConfigurationError, match="https"):
        procore("https://api.procore.com", auth_url=url)  # the token URL too
    with pytest.raises(QADConfigurationError, match="https"):
        qad(url)


@pytest.mark.parametrize("url", LOOPBACK)
def test_every_client_accepts_plain_http_on_loopback(url: str) -> None:
    with procurify(url) as a, procore(url) as b, qad(url) as c:
        assert a.config.base_url.scheme == b.config.base_url.scheme == "http"
        assert c.config.base_url.scheme == "http"


def test_a_simulator_on_loopback_still_works_over_plain_http() -> None:
    sim = ProcurifySimulator(default_tenant="acme")
    creds = sim.add_tenant("acme")
    sim.seed("acme", vendors=3, purchase_orders=0, account_codes=0, bills=0, payments=0)
    with sim.serve() as url:
        assert url.startswith("http://127.0.0.1:")
        client = ProcurifyClient(
            base_url=url, client_id=creds.client_id, client_secret=creds.client_secret
        )
        with client:
            assert len(list(client.vendors.list())) == 3


# --- next links -------------------------------------------------------------------------------


def _next_to(target: str) -> Fault:
    def rewrite(response: httpx.Response) -> httpx.Response:
        body = json.loads(response.read())
        if not isinstance(body, dict):
            return response
        block = body.get("metadata", {}).get("pagination") or body.get("pagination") or body
        if block.get("next"):
            block["next"] = target
        headers = [(k, v) for k, v in response.headers.multi_items() if k != "content-length"]
        return httpx.Response(
            response.status_code, headers=headers, content=json.dumps(body).encode()
        )

    return Fault.rewrite(rewrite)


@pytest.mark.parametrize(
    "target",
    ["http://evil.example/api/v3/vendors/?page=2", "http://10.0.0.5/api/v3/vendors/?page=2"],
)
def test_procurify_refuses_a_plain_http_next_link_off_loopback(target: str) -> None:
    clock = FakeClock()
    sim = ProcurifySimulator(clock=clock)
    creds = sim.add_tenant("acme")
    sim.seed("acme", vendors=5, purchase_orders=0, account_codes=0, bills=0, payments=0)
    sim.faults.add(_next_to(target), path="/vendors/", times=None)
    client = ProcurifyClient(
        subdomain="acme",
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        transport=sim.transport(),
        clock=clock,
        retry=RetryPolicy.for_testing(),
    )
    with client, pytest.raises(ProcurifyPaginationError):
        list(client.vendors.list(page_size=2))
    assert all(r.url.startswith("https://acme.procurify.com/") for r in sim.requests)


def test_procore_refuses_a_plain_http_link_header_off_loopback() -> None:
    clock = FakeClock()
    sim = ProcoreSimulator(clock=clock, spike_limit=None, hourly_limit=None)
    sim.add_app("app", "secret")
    sim.add_company(1, "Acme", installed_for=["app"])
    sim.seed(1, vendors=5)

    def rewrite(response: httpx.Response) -> httpx.Response:
        headers = [(k, v) for k, v in response.headers.multi_items() if k != "link"]
        headers.append(("link", '<http://evil.example/rest/v1.0/vendors?page=2>; rel="next"'))
        return httpx.Response(response.status_code, headers=headers, content=response.read())

    sim.faults.add(Fault.rewrite(rewrite), path="/vendors", times=None)
    client = ProcoreClient(
        client_id="app",
        client_secret="secret",
        company_id=1,
        transport=sim.transport(),
        clock=clock,
        retry=RetryPolicy.for_testing(),
        budget=None,
    )
    with client, pytest.raises(ProcorePaginationError):
        list(client.vendors.list(page_size=2))
    assert not any("evil.example" in r.url for r in sim.requests)


class _Pages(httpx.BaseTransport):
    """Two pages on one origin, the first pointing at ``next_url``; keeps every request."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.params.get("page") == "2":
            return httpx.Response(200, json={"data": [3], "next": None})
        return httpx.Response(200, json={"data": [1, 2], "next": self.next_url})


def _pages(response: httpx.Response) -> Page[int]:
    body: dict[str, Any] = response.json()
    return Page(items=body["data"], next_url=body["next"])


LIST = Operation(name="items.list", method="GET", path="/items/", parse=_pages)


def test_the_toolkit_refuses_a_same_origin_plain_http_next_link_off_loopback() -> None:
    """Even on the API's own origin (a hand-built config on plain http): never in clear."""
    transport = _Pages("http://api.example.test/items/?page=2")
    config = make_config(base_url="http://api.example.test", auth=None)
    with SyncAPIClient(config, transport=transport) as api:
        with pytest.raises(PaginationError, match="plain http"):
            list(api._paginate(LIST))
    assert [r.url.params.get("page") for r in transport.requests] == [None]


def test_the_toolkit_follows_plain_http_next_links_on_loopback() -> None:
    for host in ("127.0.0.1:8080", "[::1]:8080", "localhost:8080"):
        transport = _Pages(f"http://{host}/items/?page=2")
        config = make_config(base_url=f"http://{host}", auth=None)
        with SyncAPIClient(config, transport=transport) as api:
            assert list(api._paginate(LIST)) == [1, 2, 3]


def test_an_https_next_link_to_the_api_host_over_http_is_upgraded_not_refused() -> None:
    """Django behind a TLS proxy writes ``http://`` links to its own https host."""
    transport = _Pages("http://api.example.test/items/?page=2")
    config = make_config(base_url="https://api.example.test", auth=None)
    with SyncAPIClient(config, transport=transport) as api:
        assert list(api._paginate(LIST)) == [1, 2, 3]
    assert [r.url.scheme for r in transport.requests] == ["https", "https"]


# --- the executor: the last line -------------------------------------------------------------


def test_the_executor_never_attaches_a_token_to_plain_http_off_loopback() -> None:
    """A config built by hand on ``http://`` off loopback: refused before any token is sent."""
    clock = FakeClock()
    sim = ToySimulator(clock=clock)
    config = make_config(clock, base_url="http://api.example.test")
    with SyncAPIClient(config, transport=sim.transport()) as api:
        with pytest.raises(ConfigurationError, match="plain http"):
            list(api._paginate(list_items()))
    assert not any(r.path.startswith("/items/") for r in sim.requests)
    assert sim.tokens_issued == 0  # not even fetched: it has nowhere safe to go


def test_the_executor_sends_the_token_on_loopback_and_https() -> None:
    for base in ("http://127.0.0.1:8080", BASE):
        clock = FakeClock()
        sim = ToySimulator(items=3, clock=clock)
        with SyncAPIClient(make_config(clock, base_url=base), transport=sim.transport()) as api:
            assert list(api._paginate(list_items())) == [0, 1, 2]

"""Pagination: lazy, exactly once, loop-proof, and never leaves the API's origin."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.mlconnector_http.toy import ToySimulator, list_items, make_config

from mlconnector_http import (
    APIError,
    AsyncAPIClient,
    FakeClock,
    InProcessBudget,
    PaginationError,
    SyncAPIClient,
)
from mlconnector_http.testing import Fault


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(min_value=0, max_value=300), size=st.integers(min_value=1, max_value=70))
def test_every_item_exactly_once(n: int, size: int) -> None:
    clock = FakeClock()
    sim = ToySimulator(items=n, clock=clock)
    with SyncAPIClient(make_config(clock), transport=sim.transport()) as api:
        assert list(api._paginate(list_items(page_size=size))) == list(range(n))
    pages = max(1, -(-n // size))
    assert sim.request_count(path="/items/") == pages


def test_iteration_is_lazy(client: SyncAPIClient, sim: ToySimulator) -> None:
    iterator = iter(client._paginate(list_items(page_size=5)))
    assert sim.request_count(path="/items/") == 0
    assert [next(iterator) for _ in range(6)] == list(range(6))
    assert sim.request_count(path="/items/") == 2


def test_pages_expose_next(client: SyncAPIClient) -> None:
    pages = list(client._paginate(list_items(page_size=10)).pages())
    assert [len(p.items) for p in pages] == [10, 10, 5]
    assert [p.has_next_page() for p in pages] == [True, True, False]


def _rewrite_next(target: str):  # type: ignore[no-untyped-def]
    def rewrite(response: httpx.Response) -> httpx.Response:
        body = json.loads(response.read())
        if body.get("next"):
            body["next"] = target
        return httpx.Response(response.status_code, json=body)

    return rewrite


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/items/?page=2",
        "http://api.example.test:8080/items/?page=2",
        "https://api.example.test:8443/items/?page=2",
    ],
)
def test_next_link_to_another_origin_is_refused(
    client: SyncAPIClient, sim: ToySimulator, target: str
) -> None:
    sim.faults.add(Fault.rewrite(_rewrite_next(target)), path="/items/")
    with pytest.raises(PaginationError, match="not the API origin"):
        list(client._paginate(list_items()))
    assert sim.request_count(path="/items/") == 1
    assert all(r.url.startswith("https://api.example.test/") for r in sim.requests)


def test_relative_next_link_is_joined_to_the_base(client: SyncAPIClient, sim: ToySimulator) -> None:
    sim.faults.add(Fault.rewrite(_rewrite_next("/items/?page=2&page_size=10")), path="/items/")
    assert len(list(client._paginate(list_items()))) == 25


def test_a_next_link_seen_twice_is_a_loop(client: SyncAPIClient, sim: ToySimulator) -> None:
    loop = "https://api.example.test/items/?page=2&page_size=10"
    sim.faults.add(Fault.rewrite(_rewrite_next(loop)), path="/items/", times=None)
    with pytest.raises(PaginationError, match="loop"):
        list(client._paginate(list_items()))
    assert sim.request_count(path="/items/") == 2


def test_async_paginator_matches_sync(sim: ToySimulator, clock: FakeClock) -> None:
    async def main() -> tuple[list[int], int]:
        async with AsyncAPIClient(make_config(clock), transport=sim.transport()) as api:
            items = [item async for item in api._paginate(list_items(page_size=7))]
            pages = [page async for page in api._paginate(list_items(page_size=7)).pages()]
            return items, len(pages)

    items, pages = asyncio.run(main())
    assert items == list(range(25))
    assert pages == 4


def test_relative_query_only_next_link_resolves_against_the_current_page(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    sim.faults.add(Fault.rewrite(_rewrite_next("?page=2&page_size=10")), path="/items/")
    assert len(list(client._paginate(list_items()))) == 25
    assert [r.path for r in sim.requests if r.path != "/oauth/token"] == ["/items/"] * 3


def test_a_link_back_to_the_first_page_with_reordered_params_is_a_loop(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    sim.faults.add(
        Fault.rewrite(_rewrite_next("https://api.example.test/items/?page_size=10")),
        path="/items/",
        times=None,
    )
    with pytest.raises(PaginationError, match="loop"):
        list(client._paginate(list_items()))
    assert sim.request_count(path="/items/") == 1


def test_pagination_errors_belong_to_the_vendor_family(sim: ToySimulator, clock: FakeClock) -> None:
    class AcmeError(APIError):
        pass

    class AcmePaginationError(AcmeError, PaginationError):
        pass

    sim.faults.add(Fault.rewrite(_rewrite_next("https://evil.example/")), path="/items/")
    with SyncAPIClient(make_config(clock, family=AcmeError), transport=sim.transport()) as api:
        with pytest.raises(AcmeError):
            list(api._paginate(list_items()))


def test_a_listing_reports_its_budget_wait_and_requests() -> None:
    clock = FakeClock()
    sim = ToySimulator(items=25, clock=clock)
    budget = InProcessBudget(min_interval=0.5, clock=clock)
    with SyncAPIClient(make_config(clock, budget=budget), transport=sim.transport()) as api:
        assert len(list(api._paginate(list_items(page_size=25)))) == 25  # fetches the token
        sim.clear_log()
        listing = api._paginate(list_items(page_size=10))
        started = clock.time()
        assert len(list(listing)) == 25
    assert listing.requests == sim.request_count(path="/items/") == 3
    # each page waits out the spacing on the fake clock, and nothing else moves it
    assert listing.budget_wait > 0
    assert listing.budget_wait == pytest.approx(clock.time() - started)


def test_an_unpaced_listing_waits_for_nothing(client: SyncAPIClient) -> None:
    listing = client._paginate(list_items(page_size=10))
    assert len(list(listing)) == 25
    assert (listing.budget_wait, listing.requests) == (0.0, 3)


def test_an_async_listing_reports_its_budget_wait() -> None:
    clock = FakeClock()
    sim = ToySimulator(items=25, clock=clock)
    budget = InProcessBudget(min_interval=0.5, clock=clock)

    async def run() -> tuple[float, int, float]:
        async with AsyncAPIClient(
            make_config(clock, budget=budget), transport=sim.transport()
        ) as api:
            assert len([item async for item in api._paginate(list_items(page_size=25))]) == 25
            listing = api._paginate(list_items(page_size=10))
            started = clock.time()
            assert len([item async for item in listing]) == 25
            return listing.budget_wait, listing.requests, clock.time() - started

    waited, requests, elapsed = asyncio.run(run())
    assert requests == 3
    assert waited > 0
    assert waited == pytest.approx(elapsed)

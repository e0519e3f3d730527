"""QAD's single-use refresh token with a token store shared by several workers: the worker
that waited for the store's lock uses the pair the other one got, and never spends the old
refresh token a second time."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

import httpx
from tests.mlconnector_http.test_token_store_lock import SharedStore

from .test_client_support import make_world


def _grants(requests: list[httpx.Request]) -> list[str]:
    return [
        parse_qs(request.content.decode())["grant_type"][0]
        for request in requests
        if request.url.path.endswith("/oauth/token")
    ]


def test_a_worker_waiting_for_the_lock_uses_the_rotated_pair() -> None:
    world = make_world()
    store = SharedStore()
    first, second = world.client(token_store=store), world.client(token_store=store)
    code = world.seed.suppliers[0]
    first.suppliers.get(code)
    second.suppliers.get(code)  # takes the stored token: no second login
    world.clock.advance(1790)  # both hold an access token about to expire
    # while the second worker waits for the lock, the first one refreshes
    store.before_acquire = lambda: first.suppliers.get(code)
    assert second.suppliers.get(code).code == code
    assert store.before_acquire is None  # the second worker did wait for the store's lock
    assert _grants(world.recorder.requests) == ["password", "refresh_token"]
    statuses = [r.status for r in world.sim.requests if r.path.endswith("/oauth/token")]
    assert statuses == [200, 200]


def test_the_async_client_waits_off_the_loop_and_uses_the_rotated_pair() -> None:
    world = make_world()
    store = SharedStore()
    first = world.client(token_store=store)
    code = world.seed.suppliers[0]
    first.suppliers.get(code)
    world.clock.advance(1790)
    store.before_acquire = lambda: first.suppliers.get(code)  # runs in the worker thread

    async def main() -> str:
        async with world.async_client(token_store=store) as second:
            return (await second.suppliers.get(code)).code

    assert asyncio.run(main()) == code
    assert store.before_acquire is None
    assert _grants(world.recorder.requests) == ["password", "refresh_token"]

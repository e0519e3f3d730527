"""Benchmark: list 100,000 purchase orders through ProcurifyClient vs a hand-written httpx loop.

Run: ``.venv/bin/python benchmarks/bench_procurify.py [--count N] [--page-size P]``.

Both listings run against the same in-process simulator (no sockets), so the figures measure
client overhead: request building, token handling, pacing bookkeeping, JSON decoding and, for
the client, turning every record into a typed ``PurchaseOrder`` (Decimal money, aware
datetimes, nested vendor/user/currency records). The plain loop only decodes JSON.

The client runs with its default rate budget on a ``FakeClock`` shared with the simulator:
the pacing logic runs, but its waits pass in virtual time; the virtual seconds are printed,
i.e. what the default politeness (one request per 50 ms) would add against the real API.
On the simulator the server side (rendering 100 nested records per page) dominates both
listings, so a second round replays one recorded page as every page of the listing (only
``next`` and ``current_page`` change) from a transport that does no work: that ratio is
the client's own overhead over a bare loop. Peak memory is measured in that replay round,
under ``tracemalloc`` (which slows Python down, so it is a separate pass), counting records
without keeping them: what a streaming consumer pays, with no simulator allocations mixed in.
"""

from __future__ import annotations

import argparse
import json
import math
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import httpx

from mlconnector_http import FakeClock
from procurify_client import ProcurifyClient
from procurify_client.testing import ProcurifySimulator, TenantCredentials

SUBDOMAIN = "bench"
LIST_PATH = "/api/v2/purchase_orders/purchased/all/"


class Replay(httpx.BaseTransport):
    """Serves one recorded PO list page as pages 1..n, and a token: no server work at all."""

    NEXT, CURRENT = b'"__next__"', b"987654321"

    def __init__(self, page: Any, pages: int, page_size: int, base: str) -> None:
        page["metadata"]["pagination"].update(next="__next__", current_page=987654321)
        self.template = json.dumps(page).encode()
        self.pages, self.page_size, self.base = pages, page_size, base
        self.token = json.dumps({"access_token": "t", "expires_in": 86400}).encode()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json"}
        if request.url.path == "/oauth/token":
            return httpx.Response(200, headers=headers, content=self.token)
        number = int(request.url.params.get("page", "1"))
        link = None
        if number < self.pages:
            link = f"{self.base}{LIST_PATH}?page_size={self.page_size}&page={number + 1}"
        body = self.template.replace(self.NEXT, json.dumps(link).encode()).replace(
            self.CURRENT, str(number).encode()
        )
        return httpx.Response(200, headers=headers, content=body)


def _client_listing(
    transport: httpx.BaseTransport,
    creds: TenantCredentials,
    clock: FakeClock,
    page_size: int,
) -> int:
    with ProcurifyClient(
        subdomain=SUBDOMAIN,
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        transport=transport,
        clock=clock,
    ) as client:
        return sum(1 for _ in client.purchase_orders.list(page_size=page_size))


def _login(http: httpx.Client, creds: TenantCredentials) -> dict[str, str]:
    """The headers of an API call, after a token request: what a hand-written loop sends."""
    token = http.post("/oauth/token", json=creds.token_request()).json()["access_token"]
    return {
        "Authorization": f"Bearer {token}",
        "X-Procurify-Client": "api",
        "Accept": "application/json",
    }


def _plain_listing(transport: httpx.BaseTransport, creds: TenantCredentials, page_size: int) -> int:
    with httpx.Client(transport=transport, base_url=creds.base_url) as http:
        headers = _login(http, creds)
        count = 0
        url: str | None = f"{LIST_PATH}?page_size={page_size}"
        while url is not None:
            response = http.get(url, headers=headers)
            response.raise_for_status()
            body = response.json()
            count += len(body["data"])
            url = body["metadata"]["pagination"]["next"]
        return count


def _timed(run: Callable[[], int]) -> tuple[int, float]:
    started = time.perf_counter()
    count = run()
    return count, time.perf_counter() - started


def _first_page(sim: ProcurifySimulator, creds: TenantCredentials, page_size: int) -> Any:
    with httpx.Client(transport=sim.transport(), base_url=creds.base_url) as http:
        headers = _login(http, creds)
        return http.get(LIST_PATH, params={"page_size": page_size}, headers=headers).json()


def _peak(run: Callable[[], int]) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=1000)  # the client default
    args = parser.parse_args()
    count, page_size = args.count, args.page_size

    clock = FakeClock()
    sim = ProcurifySimulator(clock=clock, max_page_size=max(1000, page_size))
    creds = sim.add_tenant(SUBDOMAIN)
    started = time.perf_counter()
    sim.seed(SUBDOMAIN, purchase_orders=count, lines_per_po=3, bills=0, payments=0)
    print(f"seeded {count:,} purchase orders in {time.perf_counter() - started:.1f}s")

    # warm the simulator's query cache so both listings see the same server cost
    _plain_listing(sim.transport(), creds, page_size)
    sim.clear_log()

    print("-- on the simulator (end to end)")
    virtual_start = clock.time()
    listed, client_seconds = _timed(
        lambda: _client_listing(sim.transport(), creds, clock, page_size)
    )
    paced = clock.time() - virtual_start
    requests = sim.request_count()
    minimum = math.ceil(count / page_size) + 1
    assert listed == count, (listed, count)
    print(
        f"ProcurifyClient: {listed:,} records in {client_seconds:.2f}s = "
        f"{listed / client_seconds:,.0f} records/s (page_size={page_size})"
    )
    print(f"  requests: {requests:,} made, {minimum:,} minimum (ceil(N/page_size) + 1 token)")
    print(f"  default pacing would add {paced:.1f}s of waiting in real time")
    sim.clear_log()
    plain_count, plain_seconds = _timed(lambda: _plain_listing(sim.transport(), creds, page_size))
    assert plain_count == count
    print(
        f"plain httpx loop: {plain_count:,} records in {plain_seconds:.2f}s = "
        f"{plain_count / plain_seconds:,.0f} records/s ({sim.request_count():,} requests)"
    )
    print(f"  client / plain time ratio: {client_seconds / plain_seconds:.2f}x")

    print("-- replaying a recorded page (client overhead only)")
    replay = Replay(
        _first_page(sim, creds, page_size),
        math.ceil(count / page_size),
        page_size,
        creds.base_url,
    )
    replayed, replay_client = _timed(lambda: _client_listing(replay, creds, clock, page_size))
    bare, replay_plain = _timed(lambda: _plain_listing(replay, creds, page_size))
    assert replayed == bare == math.ceil(count / page_size) * page_size
    print(
        f"ProcurifyClient: {replayed / replay_client:,.0f} records/s; "
        f"plain loop: {bare / replay_plain:,.0f} records/s; "
        f"ratio {replay_client / replay_plain:.2f}x "
        f"({(replay_client - replay_plain) / replayed * 1e6:.1f} us more per record)"
    )
    client_peak = _peak(lambda: _client_listing(replay, creds, clock, page_size))
    plain_peak = _peak(lambda: _plain_listing(replay, creds, page_size))
    print(
        f"peak traced memory while listing: client {client_peak:.1f} MiB, "
        f"plain loop {plain_peak:.1f} MiB"
    )


if __name__ == "__main__":
    main()

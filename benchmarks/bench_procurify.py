"""Benchmark: list 100,000 purchase orders through ProcurifyClient vs a hand-written httpx loop.

Run: ``.venv/bin/python benchmarks/bench_procurify.py [--count N] [--page-size P]``.

Both listings run against the same in-process simulator (no sockets), so the figures measure
client overhead: request building, token handling, pacing bookkeeping, JSON decoding and, for
the client, turning every record into a typed ``PurchaseOrder`` (Decimal money, aware
datetimes, nested vendor/user/currency records). The plain loop only decodes JSON.

The client runs with its default rate budget on a ``FakeClock`` shared with the simulator:
the pacing logic runs, but its waits pass in virtual time; the virtual seconds are printed,
i.e. what the default politeness (one request per 50 ms) would add against the real API.
Peak memory is measured in a second, separate pass under ``tracemalloc`` (which slows
Python down), counting records without keeping them, so it shows what a streaming consumer
pays; it includes the simulator's own allocations for the page being served.
"""

from __future__ import annotations

import argparse
import math
import time
import tracemalloc
from collections.abc import Callable

import httpx

from mlconnector_http import FakeClock
from procurify_client import ProcurifyClient
from procurify_client.testing import AUDIENCE, ProcurifySimulator, TenantCredentials

SUBDOMAIN = "bench"
LIST_PATH = "/api/v2/purchase_orders/purchased/all/"


def _client_listing(
    sim: ProcurifySimulator, creds: TenantCredentials, clock: FakeClock, page_size: int
) -> int:
    with ProcurifyClient(
        subdomain=SUBDOMAIN,
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        transport=sim.transport(),
        clock=clock,
    ) as client:
        return sum(1 for _ in client.purchase_orders.list(page_size=page_size))


def _plain_listing(sim: ProcurifySimulator, creds: TenantCredentials, page_size: int) -> int:
    with httpx.Client(transport=sim.transport(), base_url=creds.base_url) as http:
        token = http.post(
            "/oauth/token",
            json={
                "client_id": creds.client_id,
                "client_secret": creds.client_secret,
                "audience": AUDIENCE,
                "grant_type": "client_credentials",
            },
        ).json()["access_token"]
        headers = {
            "Authorization": f"Bearer {token}",
            "X-Procurify-Client": "api",
            "Accept": "application/json",
        }
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args()
    count, page_size = args.count, args.page_size

    clock = FakeClock()
    sim = ProcurifySimulator(clock=clock, max_page_size=max(1000, page_size))
    creds = sim.add_tenant(SUBDOMAIN)
    started = time.perf_counter()
    sim.seed(SUBDOMAIN, purchase_orders=count, lines_per_po=3, bills=0, payments=0)
    print(f"seeded {count:,} purchase orders in {time.perf_counter() - started:.1f}s")

    # warm the simulator's query cache so both listings see the same server cost
    _plain_listing(sim, creds, page_size)
    sim.clear_log()

    virtual_start = clock.time()
    listed, client_seconds = _timed(lambda: _client_listing(sim, creds, clock, page_size))
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
    plain_count, plain_seconds = _timed(lambda: _plain_listing(sim, creds, page_size))
    assert plain_count == count
    print(
        f"plain httpx loop: {plain_count:,} records in {plain_seconds:.2f}s = "
        f"{plain_count / plain_seconds:,.0f} records/s ({sim.request_count():,} requests)"
    )
    print(f"  client / plain time ratio: {client_seconds / plain_seconds:.2f}x")

    tracemalloc.start()
    _client_listing(sim, creds, clock, page_size)
    _, client_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    _plain_listing(sim, creds, page_size)
    _, plain_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"peak traced memory while listing: client {client_peak / 2**20:.1f} MiB, "
        f"plain loop {plain_peak / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main()

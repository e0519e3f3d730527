"""Benchmark: list 100,000 vendors and 20,000 requisitions through ProcoreClient vs plain httpx.

Run: ``.venv/bin/python benchmarks/bench_procore.py [--vendors N] [--requisitions N]
[--projects N] [--per-page P]``.

Both listings hit the same in-process ``ProcoreSimulator`` (no sockets), so the figures are
client overhead: building requests, the token, the rate budget's bookkeeping, ``Link``
parsing, JSON decoding and, for the client only, turning every record into a typed model
(Decimal money, aware datetimes, open enums, nested summaries). The plain loop decodes JSON
and counts.

The client runs against Procore's documented windows (3,600 an hour, 25 per 10 seconds) with
its default rate budget, on a ``FakeClock`` shared with the simulator: the pacing waits pass in
virtual time, the 429s the simulator had to send are counted (the goal is none), and the
virtual seconds are printed, i.e. what staying under the spike limit costs against the real
API. The plain loop, which does not pace, runs with the windows off. Peak memory is measured
in a separate pass under ``tracemalloc``,
counting records without keeping them (what a streaming consumer pays); it includes the
simulator's allocations for the page being served.
"""

from __future__ import annotations

import argparse
import math
import time
import tracemalloc
from collections.abc import Callable

import httpx

from mlconnector_http import FakeClock
from procore_client import ProcoreClient
from procore_client.testing import ProcoreSimulator

CLIENT_ID = "bench-app"
CLIENT_SECRET = "bench-secret"
COMPANY = 8_000_000_001
API = "https://api.procore.com"


def _client_listing(
    sim: ProcoreSimulator, clock: FakeClock, projects: list[int], per_page: int
) -> int:
    count = 0
    with ProcoreClient(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        company_id=COMPANY,
        transport=sim.transport(),
        clock=clock,
    ) as client:
        count += sum(1 for _ in client.vendors.list(page_size=per_page))
        for project in projects:
            count += sum(1 for _ in client.requisitions.list(project, page_size=per_page))
    return count


def _plain_listing(sim: ProcoreSimulator, projects: list[int], per_page: int) -> int:
    with httpx.Client(transport=sim.transport()) as http:
        token = http.post(
            "https://login.procore.com/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(COMPANY)}
        starts = [f"{API}/rest/v1.0/vendors?company_id={COMPANY}&per_page={per_page}"]
        starts += [
            f"{API}/rest/v1.1/requisitions?project_id={p}&per_page={per_page}" for p in projects
        ]
        count = 0
        for start in starts:
            url: str | None = start
            while url is not None:
                response = http.get(url, headers=headers)
                response.raise_for_status()
                count += len(response.json())
                url = response.links.get("next", {}).get("url")
        return count


def _timed(run: Callable[[], int]) -> tuple[int, float]:
    started = time.perf_counter()
    count = run()
    return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--vendors", type=int, default=100_000)
    parser.add_argument("--requisitions", type=int, default=20_000)
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--per-page", type=int, default=1000)
    args = parser.parse_args()
    per_page = args.per_page
    per_project = math.ceil(args.requisitions / args.projects)

    clock = FakeClock()
    sim = ProcoreSimulator(clock=clock)
    sim.add_app(CLIENT_ID, CLIENT_SECRET)
    sim.add_company(COMPANY, "Benchmark Builders", installed_for=[CLIENT_ID])
    seeded = sim.seed(
        COMPANY,
        vendors=args.vendors,
        projects=args.projects,
        requisitions_per_project=per_project,
    )
    projects = list(seeded.project_ids)
    expected = seeded.vendors + seeded.requisitions
    print(
        f"seeded {seeded.vendors:,} vendors and {seeded.requisitions:,} requisitions "
        f"in {len(projects)} projects in {seeded.seconds:.1f}s"
    )

    # warm the simulator's query cache so both listings see the same server cost
    sim.set_rate_limits(hourly=None, spike=None)
    _plain_listing(sim, projects, per_page)
    sim.set_rate_limits()
    sim.clear_log()

    virtual_start = clock.time()
    listed, client_seconds = _timed(lambda: _client_listing(sim, clock, projects, per_page))
    paced = clock.time() - virtual_start
    assert listed == expected, (listed, expected)
    api_requests = sim.request_count(path="/rest/")
    token_requests = sim.request_count(path="/oauth/")
    minimum = math.ceil(seeded.vendors / per_page) + len(projects) * math.ceil(
        per_project / per_page
    )
    print(
        f"ProcoreClient: {listed:,} records in {client_seconds:.2f}s = "
        f"{listed / client_seconds:,.0f} records/s (per_page={per_page})"
    )
    print(
        f"  requests: {api_requests:,} API + {token_requests} token, "
        f"minimum {minimum:,} API + 1 token; 429s seen: {sim.stats.rate_limited}"
    )
    print(f"  pacing under 25 per 10 s: {paced:.0f}s of waiting (virtual here, real on Procore)")

    sim.set_rate_limits(hourly=None, spike=None)
    sim.clear_log()
    plain_count, plain_seconds = _timed(lambda: _plain_listing(sim, projects, per_page))
    assert plain_count == expected
    print(
        f"plain httpx loop: {plain_count:,} records in {plain_seconds:.2f}s = "
        f"{plain_count / plain_seconds:,.0f} records/s ({sim.request_count(path='/rest/'):,} "
        "API requests)"
    )
    print(f"  client / plain time ratio: {client_seconds / plain_seconds:.2f}x")

    tracemalloc.start()
    _client_listing(sim, clock, projects, per_page)
    _, client_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    _plain_listing(sim, projects, per_page)
    _, plain_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"peak traced memory while listing: client {client_peak / 2**20:.1f} MiB, "
        f"plain loop {plain_peak / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main()

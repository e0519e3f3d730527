"""Benchmark: the contractor's 50-project month end to end (``demo --scenario contractor``).

Run: ``.venv/bin/python benchmarks/bench_contractor.py [--projects N]``.

The Procore and QAD simulators run in-process on a ``FakeClock`` shared with the clients, so
Procore's spike window (25 requests per 10 s) is obeyed in virtual time: the pacing it costs
against the real API is printed as virtual seconds, and the 429s the simulator had to send are
counted (the goal is none). The webhook receiver runs on loopback and the simulator delivers
real webhooks to it, a fifth of them lost. State is SQLite in a temporary folder.

Printed: records/s (source records through the five runs, by wall clock), requests per record
against a floor (every listing read once, one get per direct cost, one write per document on
either side: what a hand-written export with no lookups, re-runs or webhooks would send), the
share of Procore's hourly budget (3,600) used, and peak memory (a second pass under
``tracemalloc``).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from mlconnector_sync.cli._demo import run_contractor_demo


def _month(projects: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-contractor-") as folder:
        return run_contractor_demo(Path(folder), scale=1, seed=0, quiet=True, projects=projects)


def _floor(result: dict[str, Any], projects: int) -> int:
    """Requests a bare export of the same month needs at the least."""
    last = result["runs"][-1]["flows"]
    counts = {name: flow["counts"] for name, flow in last.items()}
    invoices = counts["procore_requisitions_to_qad"]["posted"]
    costs = counts["procore_direct_costs_to_qad"]["posted"]
    payments = counts["procore_payments_to_qad"]["posted"]
    vendors = counts["qad_suppliers_to_procore"]["posted"]
    commitments = 2 * projects
    reads = 1 + projects * 4 + commitments + costs + 1  # projects; 4 listings each; payments
    reads += 4  # QAD suppliers, GL accounts, cost centres, projects
    writes = 2 * invoices + costs + payments  # QAD: invoice (+ retainage credit), payments
    writes += vendors + invoices + costs  # Procore: vendors, origin_id write-backs
    return reads + writes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=50)
    args = parser.parse_args()

    started = time.perf_counter()
    result = _month(args.projects)
    wall = time.perf_counter() - started
    last = result["runs"][-1]["flows"]
    records = sum(sum(flow["counts"].values()) for flow in last.values())
    requests = result["procore"]["requests"] + result["qad"]["requests"]
    floor = _floor(result, args.projects)

    tracemalloc.start()
    _month(args.projects)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"contractor month: {args.projects} projects, {records} source records, 5 runs")
    print(f"  wall time            {wall:8.2f} s   ({records / wall:,.0f} records/s)")
    print(f"  runs                 {', '.join(f'{s:.2f}' for s in result['run_seconds'])} s")
    print(
        f"  requests             {requests:8d}   Procore {result['procore']['requests']}, "
        f"QAD {result['qad']['requests']}"
    )
    print(
        f"  requests per record  {requests / records:8.2f}   floor {floor / records:.2f} "
        f"({requests / floor:.2f}x the floor)"
    )
    print(
        f"  Procore hourly budget {result['procore']['share_of_hourly_budget']:7.0%}   "
        f"429s: {result['procore']['rate_limited_429']}, paced "
        f"{result['procore']['paced_seconds']:.0f} s of virtual time"
    )
    print(f"  webhooks             {result['webhooks']}")
    print(
        f"  money agrees         {result['money_agrees']}   vendors identical "
        f"{result['vendors_identical']}"
    )
    print(f"  peak memory          {peak / 2**20:8.1f} MiB (tracemalloc)")


if __name__ == "__main__":
    main()

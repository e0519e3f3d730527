"""Benchmark: create POs (header and lines in one call) through QADClient, then list them back.

Run: ``.venv/bin/python benchmarks/bench_qad.py [--orders N] [--lines L] [--page-size P]``.

Everything runs against the in-process simulator (no sockets), so the figures measure the
client and the simulator together: building each enveloped write, the simulator's business
rules, reading ``submitResult`` and turning every reply and browse row into typed models
(Decimal amounts, dates, open enums). The request count is compared with the minimum the
API allows: one client-id lookup, one login, one POST per order, and one browse page per
``page_size`` orders.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import time
from decimal import Decimal

from mlconnector_http import FakeClock
from qad_client import NewPurchaseOrder, NewPurchaseOrderLine, QADClient
from qad_client.testing import QADSimulator

TENANT = "bench"
USER = "bench-user"
PASSWORD = "bench-password"


def main() -> None:
    """Run both phases and print records per second and request counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()

    clock = FakeClock()
    sim = QADSimulator(clock=clock)
    url = sim.add_tenant(TENANT)
    sim.add_user(TENANT, USER, PASSWORD)
    seeded = sim.seed(TENANT, suppliers=50, items=200)
    orders = [
        NewPurchaseOrder(
            supplier=seeded.suppliers[i % len(seeded.suppliers)],
            order_date=dt.date(2026, 1, 5),
            external_reference=f"bench:{i}",
            lines=[
                NewPurchaseOrderLine(
                    item=seeded.items[(i + j) % len(seeded.items)],
                    quantity_ordered=Decimal(j + 1),
                    purchase_cost=Decimal("12.34"),
                )
                for j in range(args.lines)
            ],
        )
        for i in range(args.orders)
    ]

    with QADClient(
        tenant_url=url,
        domain="10USA",
        entity="10USACO",
        username=USER,
        password=PASSWORD,
        transport=sim.transport(),
        clock=clock,
    ) as client:
        sim.clear_log()
        started = time.perf_counter()
        lines = 0
        for order in orders:
            lines += len(client.purchase_orders.create(order).record.lines)
        create_seconds = time.perf_counter() - started
        create_requests = len(sim.requests)

        sim.clear_log()
        started = time.perf_counter()
        listed = sum(1 for _ in client.purchase_orders.list(page_size=args.page_size))
        list_seconds = time.perf_counter() - started
        list_requests = len(sim.requests)

    assert lines == args.orders * args.lines, lines
    assert listed == args.orders, listed
    create_minimum = 2 + args.orders  # securityControl + login + one POST per order
    list_minimum = max(1, math.ceil(args.orders / args.page_size))
    print(f"QAD simulator, in-process: {args.orders:,} POs x {args.lines} lines")
    print(
        f"create: {args.orders / create_seconds:,.0f} POs/s "
        f"({lines / create_seconds:,.0f} lines/s, {create_seconds:.2f} s); "
        f"requests {create_requests:,} (minimum {create_minimum:,})"
    )
    print(
        f"list:   {listed / list_seconds:,.0f} POs/s ({list_seconds:.2f} s, page size "
        f"{args.page_size}); requests {list_requests:,} (minimum {list_minimum:,})"
    )


if __name__ == "__main__":
    main()

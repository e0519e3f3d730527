"""Benchmark: the same QAD work over REST and over QXtend, on one simulated tenant, in process.

Run: ``.venv/bin/python benchmarks/bench_qxtend.py [--orders N] [--lines L] [--suppliers S]``.

Creates ``--orders`` POs of ``--lines`` lines, then lists every PO and supplier, once through
the REST front door and once through the QXtend one (the tenants are seeded alike). Printed:
wall time per record, requests per record, and the QXtend / REST ratio. A QXtend create costs
two requests (the ``A`` message and its read-back), a REST create one; listings cost one
request per page on both. The figures measure the client and the simulator together: XML
building and safe parsing against JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from decimal import Decimal

from mlconnector_http import FakeClock
from qad_client import NewPurchaseOrder, NewPurchaseOrderLine, QADClient, QXtendConnection
from qad_client.testing import QADSimulator, QXtendSimulator

TENANT = "bench"
USER, PASSWORD = "bench-user", "bench-password"


def _client(door: str, sim: QADSimulator, qx: QXtendSimulator, clock: FakeClock) -> QADClient:
    if door == "rest":
        return QADClient(
            tenant_url=sim.base_url(TENANT),
            domain="10USA",
            entity="10USACO",
            username=USER,
            password=PASSWORD,
            transport=sim.transport(),
            clock=clock,
        )
    connection = QXtendConnection(
        endpoint=qx.endpoint(),
        receiver="MLCONNECTOR",
        domain="10USA",
        entity="10USACO",
        username=USER,
        password=PASSWORD,
    )
    return QADClient.qxtend(connection, transport=qx.transport(), clock=clock)


def _run(door: str, orders: int, lines: int, suppliers: int) -> dict[str, float]:
    clock = FakeClock()
    sim = QADSimulator(clock=clock)
    sim.add_tenant(TENANT)
    sim.add_user(TENANT, USER, PASSWORD)
    seeded = sim.seed(TENANT, suppliers=suppliers, items=50)
    qx = QXtendSimulator(sim, TENANT)
    front = qx if door == "qxtend" else sim
    with _client(door, sim, qx, clock) as client:
        started = time.perf_counter()
        for i in range(orders):
            client.purchase_orders.create(
                NewPurchaseOrder(
                    supplier=seeded.suppliers[i % len(seeded.suppliers)],
                    order_date=dt.date(2026, 1, 5),
                    external_reference=f"bench:{i}",
                    lines=[
                        NewPurchaseOrderLine(
                            item=seeded.items[(i + j) % len(seeded.items)],
                            quantity_ordered=Decimal(j + 1),
                            purchase_cost=Decimal("12.34"),
                            site="10-100",
                        )
                        for j in range(lines)
                    ],
                )
            )
        created = time.perf_counter() - started
        requests_create = len(front.requests)
        started = time.perf_counter()
        listed = len(list(client.purchase_orders.list(page_size=500)))
        listed += len(list(client.suppliers.list(page_size=500)))
        listing = time.perf_counter() - started
        requests_list = len(front.requests) - requests_create
    return {
        "create_ms": 1000 * created / orders,
        "create_requests": requests_create / orders,
        "list_us": 1e6 * listing / listed,
        "list_requests": requests_list,
    }


def main() -> None:
    """Run both transports and print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--suppliers", type=int, default=5000)
    args = parser.parse_args()
    rest = _run("rest", args.orders, args.lines, args.suppliers)
    qxtend = _run("qxtend", args.orders, args.lines, args.suppliers)
    print(f"{args.orders} POs x {args.lines} lines, then list them and {args.suppliers} suppliers")
    print(f"{'':24}{'REST':>12}{'QXtend':>12}{'ratio':>8}")
    for key, label in (
        ("create_ms", "create, ms per PO"),
        ("create_requests", "create, requests per PO"),
        ("list_us", "list, us per record"),
        ("list_requests", "list, requests"),
    ):
        ratio = qxtend[key] / rest[key] if rest[key] else float("nan")
        print(f"{label:24}{rest[key]:>12.2f}{qxtend[key]:>12.2f}{ratio:>8.2f}")


if __name__ == "__main__":
    main()

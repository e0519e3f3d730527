"""Benchmark: records/s through extract, ledger and post, and the ledger's cost per record.

Run: ``.venv/bin/python benchmarks/bench_engine.py [--records N] [--suppliers N]``.

Two measurements, each on the memory store and on SQLite (a file in a temp dir):

1. Engine only: an in-memory source and sink (no HTTP), so the figure is the engine and the
   state backend alone: records/s and microseconds of ledger work per record.
2. The reference flow QAD suppliers -> Procurify vendors against the in-process simulators
   with pacing off, compared with calling the clients directly in a plain loop (list the
   suppliers, look each vendor up, create it): the ratio is the engine's overhead on a real
   flow, and requests per record are counted against that loop's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mlconnector_http import RetryPolicy
from mlconnector_sync import Engine, Flow, Match, Post, Written
from mlconnector_sync.flows import qad_suppliers_to_procurify
from mlconnector_sync.state import MemoryStore, SQLiteStore, StateStore
from mlconnector_sync.testing import MemorySource
from procurify_client import ProcurifyClient, VendorInput
from procurify_client.testing import ProcurifySimulator
from qad_client import QADClient
from qad_client.testing import QADSimulator


class NullSink:
    """A target that accepts everything at once, so only the engine and ledger are timed."""

    def __init__(self) -> None:
        self.created = 0

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        return ()

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        self.created += 1
        return Written(str(self.created))

    def update(self, target_id: str, reference: str, document: Mapping[str, Any]) -> Written:
        return Written(target_id)


def engine_only(store: StateStore, records: int, partition: str = "main") -> float:
    """Seconds for a full sync of ``records`` from a memory source into a null sink."""
    source = MemorySource([partition])
    at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    for i in range(records):
        source.put(str(i), {"name": f"n{i}", "amount": f"{i}.00"}, modified_at=at)
    flow = Flow(
        name="bench",
        source=source,
        sink=NullSink(),
        transform=lambda p, _: Post({"name": p["name"]}),
    )
    engine = Engine([flow], store)
    started = time.perf_counter()
    report = engine.run_once()
    seconds = time.perf_counter() - started
    assert report.flows["bench"].changes["posted"] == records
    return seconds


def _world(suppliers: int) -> tuple[ProcurifySimulator, QADSimulator, ProcurifyClient, QADClient]:
    procurify_sim = ProcurifySimulator()
    creds = procurify_sim.add_tenant("bench")
    procurify_sim.seed("bench", vendors=0, account_codes=0, purchase_orders=0, bills=0, payments=0)
    qad_sim = QADSimulator()
    url = qad_sim.add_tenant("bench")
    qad_sim.add_user("bench", "u", "p")
    qad_sim.seed("bench", suppliers=suppliers)
    retry = RetryPolicy.for_testing()
    procurify = ProcurifyClient(
        base_url="https://bench.procurify.com",
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        transport=procurify_sim.transport(),
        budget=None,
        retry=retry,
    )
    qad = QADClient(
        tenant_url=url,
        domain="10USA",
        entity="10USACO",
        username="u",
        password="p",
        transport=qad_sim.transport(),
        retry=retry,
    )
    return procurify_sim, qad_sim, procurify, qad


def direct_loop(suppliers: int) -> tuple[float, int]:
    """The same sync written by hand against the clients, with no ledger."""
    procurify_sim, qad_sim, procurify, qad = _world(suppliers)
    with procurify, qad:
        started = time.perf_counter()
        for supplier in qad.suppliers.list(page_size=1000):
            found = [
                v
                for v in procurify.vendors.list(external_id=supplier.code)
                if v.external_id == supplier.code
            ]
            if not found:
                procurify.vendors.create(VendorInput(name=supplier.name, external_id=supplier.code))
        seconds = time.perf_counter() - started
    return seconds, procurify_sim.request_count() + qad_sim.request_count()


def through_engine(store: StateStore, suppliers: int) -> tuple[float, int, int]:
    procurify_sim, qad_sim, procurify, qad = _world(suppliers)
    with procurify, qad:
        flow = qad_suppliers_to_procurify.build(qad, procurify, connection="qad", domain="10USA")
        engine = Engine([flow], store)
        started = time.perf_counter()
        report = engine.run_once()
        seconds = time.perf_counter() - started
    posted = report.flows[flow.name].changes.get("posted", 0)
    return seconds, procurify_sim.request_count() + qad_sim.request_count(), posted


def _postgres_worker(url: str, records: int, partition: str, start: Any) -> float:
    """One worker process: wait for the start signal, then sync its own partition."""
    from mlconnector_sync.state.postgres import PostgresStore

    store = PostgresStore(url)
    start.wait()
    try:
        return engine_only(store, records, partition)
    finally:
        store.close()


def postgres_workers(url: str, records: int, workers: int) -> float:
    """Records/s of ``workers`` processes, each syncing ``records`` of its own partition."""
    context = multiprocessing.get_context("spawn")
    start = context.Manager().Event()
    with context.Pool(workers) as pool:
        jobs = [
            pool.apply_async(_postgres_worker, (url, records, f"p{i}", start))
            for i in range(workers)
        ]
        time.sleep(3.0)  # let every worker import and connect
        began = time.perf_counter()
        start.set()
        for job in jobs:
            job.get(timeout=600)
        seconds = time.perf_counter() - began
    return workers * records / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--suppliers", type=int, default=2_000)
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"engine only, {args.records:,} records (memory source, null sink)")
        for name, store in (
            ("memory", MemoryStore()),
            ("sqlite", SQLiteStore(Path(folder) / "engine.db")),
        ):
            seconds = engine_only(store, args.records)
            per = seconds / args.records * 1e6
            print(
                f"  {name:<7} {args.records / seconds:>9,.0f} records/s  "
                f"ledger+engine {per:,.0f} µs/record"
            )
            store.close()
        if not args.no_postgres:
            from mlconnector_sync.testing.postgres import TemporaryPostgres

            server = TemporaryPostgres()
            server.start()
            try:
                for workers in (1, 4):
                    per_worker = args.records // workers
                    rate = postgres_workers(server.create_database(), per_worker, workers)
                    print(
                        f"  postgres, {workers} worker{'s' if workers > 1 else ' '} "
                        f"{rate:>9,.0f} records/s  ({per_worker:,} records each)"
                    )
            finally:
                server.stop()
        print(f"\nQAD suppliers -> Procurify vendors, {args.suppliers:,} suppliers, in-process")
        direct_s, direct_requests = direct_loop(args.suppliers)
        print(
            f"  direct client loop {args.suppliers / direct_s:>9,.0f} records/s  "
            f"{direct_requests / args.suppliers:.2f} requests/record"
        )
        for name, store in (
            ("memory", MemoryStore()),
            ("sqlite", SQLiteStore(Path(folder) / "flow.db")),
        ):
            seconds, requests, posted = through_engine(store, args.suppliers)
            print(
                f"  engine on {name:<7} {posted / seconds:>9,.0f} records/s  "
                f"{requests / posted:.2f} requests/record  "
                f"x{seconds / direct_s:.2f} the direct loop  "
                f"+{(seconds - direct_s) / posted * 1e3:.2f} ms/record"
            )
            store.close()


if __name__ == "__main__":
    main()

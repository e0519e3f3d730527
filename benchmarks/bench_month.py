"""Benchmark: a manufacturer's month through the whole Procurify -> QAD pipeline on SQLite.

Run: ``.venv/bin/python benchmarks/bench_month.py [--pos 10000] [--lines 5]``.

The manufacturer scenario with every PO purchased (``--pos`` POs of ``--lines`` lines, about
0.8 bills per PO), served on loopback from a process of its own, so the SDK's CPU and memory
are measured apart from the simulators'. SQLite state in a temp dir, client pacing off. Every
flow runs: QAD suppliers and GL accounts to Procurify, POs to QAD, bills to QAD. Bills whose
goods have not arrived wait; the warehouse then receives the rest and a second run posts them;
a third run finds nothing to do. Printed per run: wall time, records settled per second, the
SDK process's CPU seconds, the simulators' CPU seconds, requests to each system; then the
SDK's peak RSS and requests per posted record per flow against the minimum.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import resource
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from mlconnector_http import RetryPolicy
from mlconnector_sync import Engine
from mlconnector_sync._connections import BUILDERS
from mlconnector_sync._ledger import State
from mlconnector_sync.state import SQLiteStore
from mlconnector_sync.testing._scenarios import Manufacturer
from procurify_client import ProcurifyClient
from qad_client import QADClient

FLOWS = (
    "qad_suppliers_to_procurify",
    "qad_gl_accounts_to_procurify",
    "procurify_pos_to_qad",
    "procurify_bills_to_qad",
)


def _serve(pipe: Connection, pos: int, lines: int, seed: int) -> None:
    """The simulators' process: build the month, serve it, answer the benchmark's requests."""
    world = Manufacturer(
        seed=seed,
        scale=max(1, pos // 400),
        purchase_orders=pos,
        lines_per_po=lines,
        purchased_only=True,
    )
    with world.serve() as served:
        pipe.send(
            {
                "systems": served.systems,
                "fixes": world.clerk_fixes,
                "bills": len(world.procurify.tenant("acme").bills),
            }
        )
        while True:
            command = pipe.recv()
            if command == "stop":
                return
            if command == "receive":
                world.qad.receive_rest()
            counts = (world.procurify.request_count(), world.qad.request_count())
            pipe.send((counts, time.process_time()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pos", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=_serve, args=(theirs, args.pos, args.lines, args.seed), daemon=True
    )
    built = time.perf_counter()
    server.start()
    world: dict[str, Any] = ours.recv()
    print(f"scenario: {args.pos} POs x {args.lines} lines, {world['bills']} bills", end=" ")
    print(f"(built and served in {time.perf_counter() - built:.1f} s)")
    p, q = world["systems"]["procurify"], world["systems"]["qad"]
    retry = RetryPolicy(max_attempts=6, initial_delay=0.05, max_delay=0.5)
    procurify = ProcurifyClient(
        base_url=p["base_url"],
        client_id=p["client_id"],
        client_secret=p["client_secret"],
        budget=None,
        retry=retry,
        timeout=60.0,
    )
    qad = QADClient(
        tenant_url=q["tenant_url"],
        domain=q["domain"],
        entity=q["entity"],
        username=q["username"],
        password=q["password"],
        budget=None,
        retry=retry,
        timeout=60.0,
    )
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "state.db")
        now = dt.datetime.now(dt.UTC)
        for name, entries in world["fixes"].items():
            store.save_mapping(name, entries, now=now)
        flows = []
        for name in FLOWS:
            qad_first = name.startswith("qad")
            source, target = (qad, procurify) if qad_first else (procurify, qad)
            connection = "qad" if qad_first else "procurify"
            flows.append(BUILDERS[name](source, target, connection=connection, domain="10USA"))
        engine = Engine(flows, store)
        print(
            f"{'run':<30}{'wall s':>8}{'settled/s':>11}{'SDK cpu s':>11}{'sim cpu s':>11}"
            f"{'Procurify req':>15}{'QAD req':>10}"
        )
        ours.send("count")
        (before, sim_before) = ours.recv()
        for label, command in (
            ("first sync", "count"),
            ("after the warehouse receives", "receive"),
            ("nothing new", "count"),
        ):
            if command == "receive":
                ours.send("receive")
                (before, sim_before) = ours.recv()
            cpu = time.process_time()
            start = time.perf_counter()
            report = engine.run_once()
            wall = time.perf_counter() - start
            cpu = time.process_time() - cpu
            ours.send("count")
            (after, sim_after) = ours.recv()
            settled = sum(
                n
                for flow in report.flows.values()
                for event, n in flow.changes.items()
                if event in ("posted", "held", "skipped")
            )
            print(
                f"{label:<30}{wall:>8.1f}{settled / wall:>11,.0f}{cpu:>11.1f}"
                f"{sim_after - sim_before:>11.1f}{after[0] - before[0]:>15,}"
                f"{after[1] - before[1]:>10,}"
            )
            before, sim_before = after, sim_after
        counts = store.counts()
        store.close()
    ours.send("stop")
    server.join()
    for name in ("procurify_pos_to_qad", "procurify_bills_to_qad"):
        per_state = {s.value: n for s, n in counts.get(name, {}).items() if n}
        print(f"{name}: {per_state}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"SDK process peak RSS {peak:.0f} MiB (the simulators run in their own process)")
    _requests_per_record(args.pos)


def _requests_per_record(pos: int) -> None:
    """Requests per PO and bill on a fresh world, each flow alone, against the minimum."""
    print("requests per record (flow alone, first sync; minimum: detail read + one write):")
    world = Manufacturer(seed=1, scale=1, purchase_orders=min(pos, 200), purchased_only=True)
    procurify, qad = world.procurify_client(), world.qad_client()
    store = SQLiteStore(":memory:")
    now = dt.datetime.now(dt.UTC)
    for name, entries in world.clerk_fixes.items():
        store.save_mapping(name, entries, now=now)
    for name in FLOWS:
        qad_first = name.startswith("qad")
        source, target = (qad, procurify) if qad_first else (procurify, qad)
        connection = "qad" if qad_first else "procurify"
        flow = BUILDERS[name](source, target, connection=connection, domain="10USA")
        if name == "procurify_bills_to_qad":
            world.qad.receive_rest()
        world.procurify.clear_log()
        world.qad.clear_log()
        Engine([flow], store).run_once()
        posted = store.counts().get(name, {}).get(State.POSTED, 0)
        made = world.procurify.request_count() + world.qad.request_count()
        if posted:
            print(f"  {name:<30} {made / posted:5.2f} requests per posted record ({posted})")
    store.close()


if __name__ == "__main__":
    main()

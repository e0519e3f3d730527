"""``mlconnector demo``: the README's main job, against the bundled simulators on loopback."""

from __future__ import annotations

import collections
import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mlconnector_sync._config import load_config
from mlconnector_sync._connections import open_connections
from mlconnector_sync._mapping import store_changed
from mlconnector_sync._reconcile import reconcile
from mlconnector_sync._runner import Engine
from mlconnector_sync.cli._output import print_reconciliation, print_report
from mlconnector_sync.state import open_store
from mlconnector_sync.testing._scenarios import PROCURIFY_TENANT, Manufacturer, write_config

__all__ = ["run_demo"]


def run_demo(folder: Path, *, scale: int, seed: int, quiet: bool) -> dict[str, Any]:
    """Serve the manufacturer scenario and run every flow four times on SQLite: a first sync,
    a second that posts nothing, a third after the clerk's mapping fixes and a fourth after
    the warehouse's receipts release the holds; then reconcile Procurify's payments with QAD.

    Unless ``quiet``, tables and a summary go to stdout as it goes.
    """
    echo: Callable[[str], None] = (lambda _: None) if quiet else print
    started = time.perf_counter()
    world = Manufacturer(seed=seed, scale=scale)
    with world.serve() as served:
        config_path = folder / "mlconnector.toml"
        write_config(served, config_path, timeout=10.0)
        config = load_config(config_path)
        store = open_store(config.state_url)
        store_changed(store, config.mappings, now=dt.datetime.now(dt.UTC))
        runs: list[dict[str, Any]] = []
        try:
            with open_connections(config) as conns:
                engine = Engine(
                    conns.flows, store, options=config.engine, throttle_seconds=conns.meter.total
                )
                held: list[dict[str, Any]] = []
                received = 0
                for label in (
                    "first run",
                    "second run (nothing new: nothing posted)",
                    "third run, after the clerk maps the missing vendors, account code and "
                    "card issuer",
                    "fourth run, after the warehouse receives what was still due",
                ):
                    if len(runs) == 2:
                        held = [e.to_json() for e in engine.exceptions()]
                        for name, entries in world.clerk_fixes.items():
                            store.save_mapping(name, entries, now=dt.datetime.now(dt.UTC))
                    if len(runs) == 3:
                        received = world.qad.receive_rest()
                        echo(f"the warehouse receives the {received} PO lines still due in QAD")
                    echo(f"== {label}")
                    report = engine.run_once()
                    if not quiet:
                        print_report(report)
                    runs.append(report.to_json())
                exceptions = [e.to_json() for e in engine.exceptions()]
                paid = world.settle_in_qad()
                keyed = world.key_invoice_by_hand()
                echo(f"== finance pays {paid} invoices in QAD; AP keys invoice {keyed} by hand")
                reconciliation = reconcile(conns.clients["procurify"], conns.clients["qad"], store)
                if not quiet:
                    print_reconciliation(reconciliation)
        finally:
            store.close()
    vendors = world.procurify.tenant(PROCURIFY_TENANT).vendors.values()
    linked = collections.Counter(v.external_id for v in vendors if v.external_id)
    duplicates = sorted(ref for ref, n in linked.items() if n > 1)
    echo(f"Procurify vendors linked to QAD suppliers: {len(linked)}; duplicated: {len(duplicates)}")
    echo(f"held after the first runs, for a clerk to review: {len(held)}")
    for item in held[:20]:
        echo(f"  {item['kind']:<11} {item['source_key']}: {item['reason']}")
    echo(f"mappings the clerk added: {json.dumps(world.clerk_fixes)}")
    echo(f"exceptions left after the last run: {len(exceptions)}")
    for item in exceptions[:20]:
        echo(f"  {item['kind']:<11} {item['source_key']}: {item['reason']}")
    seconds = time.perf_counter() - started
    echo(f"done in {seconds:.2f}s")
    return {
        "runs": runs,
        "vendors_linked": len(linked),
        "duplicated_references": duplicates,
        "held_before_fixes": held,
        "clerk_fixes": world.clerk_fixes,
        "exceptions": exceptions,
        "receipts_posted": received,
        "reconciliation": reconciliation.to_json(),
        "planted": world.planted,
        "seconds": round(seconds, 3),
    }

"""``mlconnector demo``: the README's main job, against the bundled simulators on loopback."""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mlconnector_sync._config import load_config
from mlconnector_sync._connections import open_connections
from mlconnector_sync._runner import Engine
from mlconnector_sync.cli._output import print_report
from mlconnector_sync.state import open_store
from mlconnector_sync.testing._scenarios import PROCURIFY_TENANT, Manufacturer, write_config

__all__ = ["run_demo"]


def run_demo(folder: Path, *, scale: int, seed: int, quiet: bool) -> dict[str, Any]:
    """Serve the manufacturer scenario, run every flow twice on SQLite, report both runs.

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
        runs = []
        try:
            with open_connections(config) as conns:
                engine = Engine(
                    conns.flows, store, options=config.engine, throttle_seconds=conns.meter.total
                )
                for label in ("first run", "second run (nothing new: nothing posted)"):
                    echo(f"== {label}")
                    report = engine.run_once()
                    if not quiet:
                        print_report(report)
                    runs.append(report.to_json())
                exceptions = [e.to_json() for e in engine.exceptions()]
        finally:
            store.close()
    vendors = world.procurify.tenant(PROCURIFY_TENANT).vendors.values()
    linked = collections.Counter(v.external_id for v in vendors if v.external_id)
    duplicates = sorted(ref for ref, n in linked.items() if n > 1)
    echo(f"Procurify vendors linked to QAD suppliers: {len(linked)}; duplicated: {len(duplicates)}")
    echo(f"exceptions for a clerk to review: {len(exceptions)}")
    for item in exceptions[:20]:
        echo(f"  {item['kind']:<11} {item['source_key']}: {item['reason']}")
    seconds = time.perf_counter() - started
    echo(f"done in {seconds:.2f}s")
    return {
        "runs": runs,
        "vendors_linked": len(linked),
        "duplicated_references": duplicates,
        "exceptions": exceptions,
        "seconds": round(seconds, 3),
    }

"""``mlconnector demo``: the README's main job, against the bundled simulators on loopback."""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import time
from collections.abc import Callable
from decimal import Decimal
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

__all__ = ["run_contractor_demo", "run_demo"]


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


def run_contractor_demo(
    folder: Path,
    *,
    scale: int,
    seed: int,
    quiet: bool,
    drop_share: float = 0.2,
    projects: int | None = None,
) -> dict[str, Any]:
    """The contractor's month: Procore and QAD simulators served on loopback on a simulated
    clock (5 projects per ``scale``: 50 at the command's default; Procore's token host and API
    on separate origins), the webhook receiver on loopback with Procore delivering real
    webhooks to it (``drop_share`` of them lost on the way), SQLite state.

    Five runs: a first full sync; the month's new costs and approvals taken from the
    webhooks alone; the scheduled poll catching the lost ones; the clerk's mapping of an
    unmapped cost code releasing its holds; a run that posts nothing. Then both sides'
    money per project and cost code, and the vendor list.
    """
    from mlconnector_http import Secret
    from mlconnector_sync.flows import (
        procore_direct_costs_to_qad,
        procore_payments_to_qad,
        procore_requisitions_to_qad,
        qad_suppliers_to_procore,
    )
    from mlconnector_sync.testing._contractor import (
        CLIENT_ID,
        UNMAPPED_CODE,
        WEBHOOK_SECRET,
        Contractor,
        DroppingTransport,
        procore_totals,
        qad_totals,
    )
    from mlconnector_sync.webhooks import Intake, create_app, install, serve_in_thread

    echo: Callable[[str], None] = (lambda _: None) if quiet else print
    started = time.perf_counter()
    dropping = DroppingTransport(drop_share, seed=seed)
    world = Contractor(
        seed=seed,
        projects=projects or 5 * scale,
        webhook_attempts=1,
        webhook_transport=dropping,
    )
    stack = contextlib.ExitStack()
    served = stack.enter_context(world.serve())
    procore = stack.enter_context(world.procore_client(served))
    qad = stack.enter_context(world.qad_client(served))
    store = open_store(folder / "mlconnector.db")
    now = dt.datetime.now(dt.UTC)
    mappings = world.mappings()
    for name, table in mappings.items():
        store.save_mapping(name, table, now=now)
    flows = [
        qad_suppliers_to_procore.build(qad, procore, connection="qad", domain="10USA"),
        procore_requisitions_to_qad.build(procore, qad, connection="procore"),
        procore_direct_costs_to_qad.build(procore, qad, connection="procore"),
        procore_payments_to_qad.build(procore, qad, connection="procore"),
    ]
    engine = Engine(flows, store)
    intake = Intake(
        store, source="procore:procore", secrets=Secret(WEBHOOK_SECRET), own_application=CLIENT_ID
    )
    runs: list[dict[str, Any]] = []
    seconds: list[float] = []

    def run(label: str, *, poll: bool = True) -> None:
        echo(f"== {label}")
        began = time.perf_counter()
        report = engine.run_once(poll=poll)
        seconds.append(time.perf_counter() - began)
        if not quiet:
            print_report(report)
        runs.append({"label": label, **report.to_json()})

    try:
        with serve_in_thread(create_app(intake)) as receiver:
            url = f"{receiver}/webhooks/procore"
            hook = install(procore, url, authorization=Secret(WEBHOOK_SECRET))
            echo(f"webhook receiver on {url}; hook {hook.hook_id}, {len(hook.created)} triggers")
            run("first run: vendors, invoices with retainage, direct costs, payments")
            held = [e.to_json() for e in engine.exceptions()]
            month = world.month_of_changes()
            deliveries = world.procore.deliver_pending()
            delivered = sum(1 for d in deliveries if d.response_status == 200)
            echo(
                f"the month: {month} changes in Procore; {len(deliveries)} webhook deliveries, "
                f"{dropping.dropped} lost on the way"
            )
            run("second run: only what the webhooks pushed (targeted fetches)", poll=False)
            run("third run: the scheduled poll catches the lost webhooks")
            fix = {**mappings["cost_codes"], f"{UNMAPPED_CODE}|X": "5400"}
            store.save_mapping("cost_codes", fix, now=dt.datetime.now(dt.UTC))
            run(f"fourth run, after the clerk maps cost code {UNMAPPED_CODE}, cost type X")
            run("fifth run: nothing new, nothing posted")
        exceptions = [e.to_json() for e in engine.exceptions()]
        procore_codes, procore_payable = procore_totals(procore)
        qad_codes, qad_payable = qad_totals(qad)
        vendors = sorted((str(v.origin_id), str(v.name)) for v in procore.vendors.list())
        suppliers = sorted((s.code, s.name) for s in qad.suppliers.list())
    finally:
        store.close()
        stack.close()
    stats = world.procore.stats
    hourly = 3600
    posted = sum(r["flows"][f]["changes"].get("posted", 0) for r in runs for f in r["flows"])
    result = {
        "runs": runs,
        "held_after_first_run": held,
        "exceptions": exceptions,
        "money_agrees": qad_codes == procore_codes and qad_payable == procore_payable,
        "cost_code_rows": len(procore_codes),
        "net_payable": str(sum(procore_payable.values(), start=Decimal("0.00"))),
        "vendors_identical": vendors == suppliers,
        "webhooks": {
            "deliveries": len(deliveries),
            "delivered": delivered,
            "dropped": dropping.dropped,
        },
        "qad": {"requests": len(world.qad.requests)},
        "procore": {
            "requests": stats.requests,
            "paced_seconds": round(sum(getattr(world.clock, "slept", ())), 1),
            "rate_limited_429": world.procore.limiter.rejected,
            "share_of_hourly_budget": round(stats.requests / hourly, 3),
        },
        "posted": posted,
        "run_seconds": [round(s, 3) for s in seconds],
        "seconds": round(time.perf_counter() - started, 3),
    }
    echo(f"held after the first run, for a clerk to review: {len(held)}")
    for item in held[:10]:
        echo(f"  {item['kind']:<11} {item['source_key']}: {item['reason']}")
    echo(
        f"money per project and cost code (gross, retainage, released, net) agrees to the "
        f"cent: {result['money_agrees']} ({len(procore_codes)} rows, net payable "
        f"{result['net_payable']})"
    )
    echo(f"vendors identical on both sides: {result['vendors_identical']} ({len(vendors)})")
    echo(
        f"Procore requests: {stats.requests} ({result['procore']['share_of_hourly_budget']:.0%}"
        f" of an hour's budget), 429s: {world.procore.limiter.rejected}"
    )
    echo(f"exceptions left: {len(exceptions)}; done in {result['seconds']:.2f}s")
    return result

"""The main job until the sync layer lands: every client against its bundled simulator.

It seeds the three simulators, reads what a sync would read (Procurify POs, bills and
payments; QAD suppliers and GL accounts; Procore vendors and requisitions per project), checks
the QAD tenant answers every path the client uses, and runs the one flow that needs no ledger:
QAD suppliers pushed to Procurify vendors, matched on ``external_id`` so a second run creates
nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

import attrs

from mlconnector_http import RetryPolicy
from procore_client import ProcoreClient
from procore_client.testing import ProcoreSimulator
from procurify_client import ProcurifyClient, VendorInput
from procurify_client.testing import ProcurifySimulator
from qad_client import QADClient, Supplier
from qad_client.testing import QADSimulator

__all__ = ["DemoReport", "run_demo"]


@attrs.frozen
class DemoReport:
    """What the demo read and wrote, as (label, figure) rows, plus the wall time."""

    rows: tuple[tuple[str, str], ...]
    vendors_created: tuple[int, int]
    seconds: float

    def render(self) -> str:
        width = max(len(label) for label, _ in self.rows)
        lines = [f"  {label.ljust(width)}  {value}" for label, value in self.rows]
        return "\n".join(["mlconnector demo against the bundled simulators", *lines])


def run_demo(scale: int = 1, echo: Callable[[str], object] = print) -> DemoReport:
    """Run the demo with ``scale`` times the base data volume; ``echo`` gets progress lines."""
    started = time.perf_counter()
    rows: list[tuple[str, str]] = []
    retry = RetryPolicy(max_attempts=4, initial_delay=0.05)

    procurify_sim = ProcurifySimulator()
    creds = procurify_sim.add_tenant("acme")
    procurify_sim.seed("acme", vendors=20 * scale, purchase_orders=200 * scale, bills=80 * scale)
    qad_sim = QADSimulator()
    qad_url = qad_sim.add_tenant("acme")
    qad_sim.add_user("acme", "integration", "demo-password")
    qad_sim.seed("acme", suppliers=15 * scale, items=30 * scale, gl_accounts=10 * scale)
    procore_sim = ProcoreSimulator(spike_limit=None, hourly_limit=None)
    procore_sim.add_app("demo-app", "demo-secret")
    procore_sim.add_company(1001, "Acme Construction", installed_for=["demo-app"])
    procore_sim.seed(1001, vendors=100 * scale, projects=3, requisitions_per_project=20 * scale)

    with (
        ProcurifyClient(
            subdomain="acme",
            client_id=creds.client_id,
            client_secret=creds.client_secret,
            transport=procurify_sim.transport(),
            retry=retry,
            budget=None,
        ) as procurify,
        QADClient(
            tenant_url=qad_url,
            domain="10USA",
            entity="10USACO",
            username="integration",
            password="demo-password",
            transport=qad_sim.transport(),
            retry=retry,
        ) as qad,
        ProcoreClient(
            client_id="demo-app",
            client_secret="demo-secret",
            company_id=1001,
            transport=procore_sim.transport(),
            retry=retry,
        ) as procore,
    ):
        echo("reading Procurify ...")
        orders = list(procurify.purchase_orders.list(status="all"))
        rows.append(("Procurify purchase orders", f"{len(orders)}"))
        rows.append(
            ("  total value", f"{sum((po.total or Decimal(0) for po in orders), Decimal(0)):,}")
        )
        rows.append(("Procurify bills", f"{sum(1 for _ in procurify.bills.list())}"))
        rows.append(("Procurify payments", f"{sum(1 for _ in procurify.payments.list())}"))

        echo("reading QAD ...")
        report = qad.validate()
        answering = len(report.checks) - len(report.problems)
        rows.append(("QAD paths answering", f"{answering}/{len(report.checks)}"))
        suppliers = list(qad.suppliers.list())
        rows.append(("QAD suppliers", f"{len(suppliers)}"))
        rows.append(("QAD GL accounts", f"{sum(1 for _ in qad.gl_accounts.list())}"))

        echo("reading Procore ...")
        rows.append(("Procore vendors", f"{sum(1 for _ in procore.vendors.list())}"))
        projects = list(procore.projects.list())
        requisitions = sum(
            sum(1 for _ in procore.requisitions.list(project_id=project.id)) for project in projects
        )
        rows.append(("Procore projects", f"{len(projects)}"))
        rows.append(("Procore requisitions", f"{requisitions}"))

        echo("pushing QAD suppliers to Procurify vendors (twice) ...")
        created = (_push_suppliers(procurify, suppliers), _push_suppliers(procurify, suppliers))
        rows.append(("vendors created, run 1 / run 2", f"{created[0]} / {created[1]}"))

    return DemoReport(tuple(rows), created, time.perf_counter() - started)


def _push_suppliers(procurify: ProcurifyClient, suppliers: list[Supplier]) -> int:
    """Create a Procurify vendor for each supplier that has none; returns how many."""
    created = 0
    for supplier in suppliers:
        if procurify.vendors.find_by_external_id(supplier.code) is not None:
            continue
        procurify.vendors.create(VendorInput(name=supplier.name, external_id=supplier.code))
        created += 1
    return created

"""The reference flows run unchanged over QXtend: the same engine, flows and adapters, once with a
REST QAD client and once with a QXtend one, on two copies of the manufacturer scenario, give the
same ledger counts, the same Procurify vendors and account codes, and the same QAD purchase
orders to the cent; with the bills flow, the same supplier invoices matched to receipts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from mlconnector_http import RetryPolicy
from mlconnector_sync import Engine
from mlconnector_sync.flows import (
    procurify_bills_to_qad,
    procurify_pos_to_qad,
    qad_gl_accounts_to_procurify,
    qad_suppliers_to_procurify,
)
from mlconnector_sync.state import MemoryStore
from mlconnector_sync.testing._scenarios import (
    QAD_DOMAIN,
    QAD_ENTITY,
    QAD_PASSWORD,
    QAD_TENANT,
    QAD_USER,
    Manufacturer,
)
from procurify_client import ProcurifyClient
from qad_client import QADClient, QXtendConnection

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
CENT = Decimal("0.01")


def _qad(world: Manufacturer, door: str) -> QADClient:
    retry = RetryPolicy.for_testing()
    if door == "rest":
        return QADClient(
            tenant_url=world.qad.base_url(QAD_TENANT),
            domain=QAD_DOMAIN,
            entity=QAD_ENTITY,
            username=QAD_USER,
            password=QAD_PASSWORD,
            transport=world.qad.transport(),
            retry=retry,
        )
    connection = QXtendConnection(
        endpoint=world.qxtend.endpoint(),
        receiver=next(iter(world.qxtend.receivers)),
        domain=QAD_DOMAIN,
        entity=QAD_ENTITY,
        username=QAD_USER,
        password=QAD_PASSWORD,
    )
    return QADClient.qxtend(connection, transport=world.qxtend.transport(), retry=retry)


def _run(door: str, *, bills: bool = False) -> dict[str, Any]:
    world = Manufacturer(seed=5, scale=1)
    procurify = ProcurifyClient(
        base_url="https://acme.procurify.com",
        client_id=world.procurify_credentials.client_id,
        client_secret=world.procurify_credentials.client_secret,
        transport=world.procurify.transport(),
        budget=None,
        retry=RetryPolicy.for_testing(),
    )
    store = MemoryStore()
    store.save_mapping("defaults", world.defaults, now=NOW)
    with procurify, _qad(world, door) as qad:
        assert qad.transport_kind == door
        flows = [
            qad_suppliers_to_procurify.build(qad, procurify, connection="qad", domain=QAD_DOMAIN),
            qad_gl_accounts_to_procurify.build(qad, procurify, connection="qad", domain=QAD_DOMAIN),
            procurify_pos_to_qad.build(procurify, qad, connection="procurify"),
        ]
        if bills:
            flows.append(procurify_bills_to_qad.build(procurify, qad, connection="procurify"))
        engine = Engine(flows, store)
        first = engine.run_once()
        if bills:
            world.qad.receive_rest()  # the warehouse books what is still due: bills release
        second = engine.run_once()
        orders = [qad.purchase_orders.get(po.number) for po in qad.purchase_orders.list()]
        invoices = sorted(
            (i.supplier, i.reference, i.currency, i.total, i.status, i.balance)
            for i in qad.supplier_invoices.list()
        )
    assert first.exit_code == 0, first
    tenant = world.procurify.tenant("acme")
    lines = sorted(
        (
            po.external_reference,
            po.supplier,
            po.currency,
            line.line,
            line.quantity_ordered,
            line.purchase_cost,
            line.gl_account,
            line.cost_centre,
            line.quantity_received,
        )
        for po in orders
        for line in po.lines
    )
    total = sum((line[4] * line[5] for line in lines), Decimal(0)).quantize(CENT)
    return {
        "counts": {name: dict(f.counts) for name, f in first.flows.items()},
        "after_receipts": {name: dict(f.counts) for name, f in second.flows.items()},
        "invoices": invoices,
        "second": {name: f.changes.get("posted", 0) for name, f in second.flows.items()},
        "vendors": sorted((v.name, v.external_id) for v in tenant.vendors.values()),
        "account_codes": sorted(str(c.code) for c in tenant.account_codes.values()),
        "orders": len(orders),
        "lines": lines,
        "total": total,
        "qxtend_calls": len(world.qxtend.calls),
    }


def test_reference_flows_give_the_same_results_over_rest_and_qxtend() -> None:
    rest = _run("rest")
    qxtend = _run("qxtend")
    assert rest.pop("qxtend_calls") == 0
    assert qxtend.pop("qxtend_calls") > 0  # every QAD call of the second run went through QXtend
    assert rest["orders"] > 0
    assert rest["total"] > 0
    assert all(count == 0 for count in rest["second"].values())
    assert rest == qxtend


def test_bills_flow_matches_receipts_the_same_over_rest_and_qxtend() -> None:
    rest = _run("rest", bills=True)
    qxtend = _run("qxtend", bills=True)
    rest.pop("qxtend_calls")
    qxtend.pop("qxtend_calls")
    assert rest["invoices"]
    assert sum(i[3] for i in rest["invoices"]) > 0
    assert rest == qxtend

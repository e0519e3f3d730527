"""The manufacturer scenario's QAD: goods arrive on their own for a fixed share of PO lines,
decided by the seed and the source data when the PO is created."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from mlconnector_http import RetryPolicy, WriteOutcomeUnknown
from mlconnector_sync.testing._scenarios import (
    QAD_DOMAIN,
    QAD_ENTITY,
    QAD_PASSWORD,
    QAD_TENANT,
    QAD_USER,
    Manufacturer,
    add_timeouts_after_commit,
)
from qad_client import NewPurchaseOrder, NewPurchaseOrderLine, QADClient


def _orders(world: Manufacturer, count: int) -> dict[str, list[tuple[int, Decimal]]]:
    """Create ``count`` POs of 4 lines through the API; returns each PO's received lines."""
    qad = world.qad
    items = [i.code for i in qad.state(QAD_TENANT).items.records(QAD_DOMAIN)][:4]
    supplier = next(
        iter(
            qad.state(QAD_TENANT).suppliers.records(
                qad.state(QAD_TENANT).domain(QAD_DOMAIN).supplier_set
            )
        )
    ).code  # type: ignore[union-attr]
    with QADClient(
        tenant_url=qad.base_url(QAD_TENANT),
        domain=QAD_DOMAIN,
        entity=QAD_ENTITY,
        username=QAD_USER,
        password=QAD_PASSWORD,
        transport=qad.transport(),
        retry=RetryPolicy.for_testing(max_attempts=1),
    ) as client:
        numbers = []
        for n in range(count):
            result = client.purchase_orders.create(
                NewPurchaseOrder(
                    supplier=supplier,
                    order_date=dt.date(2026, 11, 2),
                    external_reference=f"PF-{n}",
                    lines=[
                        NewPurchaseOrderLine(
                            item=item,
                            quantity_ordered=Decimal(3 + i),
                            purchase_cost=Decimal("9.50"),
                        )
                        for i, item in enumerate(items)
                    ],
                )
            )
            numbers.append(result.record.number)
        received: dict[str, list[tuple[int, Decimal]]] = {}
        for number in numbers:
            order = client.purchase_orders.get(number)
            received[order.external_reference] = [
                (line.line, line.quantity_received)
                for line in order.lines
                if line.quantity_received
            ]
    return received


def test_goods_arrive_for_a_seeded_share_of_lines_and_the_same_seed_repeats_it() -> None:
    first = _orders(Manufacturer(seed=11, scale=1, receive_share=0.5), 20)
    again = _orders(Manufacturer(seed=11, scale=1, receive_share=0.5), 20)
    other = _orders(Manufacturer(seed=12, scale=1, receive_share=0.5), 20)
    assert first == again
    assert first != other
    lines = sum(len(v) for v in first.values())
    assert 20 <= lines <= 60  # about half of 80 lines
    for received in first.values():
        assert all(quantity == 3 + (line - 1) for line, quantity in received)  # in full


def test_the_warehouse_is_not_hit_by_the_scenarios_faults() -> None:
    world = Manufacturer(seed=3, scale=1, receive_share=1.0)
    add_timeouts_after_commit(world.qad, 1.0, random.Random(0), stall=0.0)
    with pytest.raises(WriteOutcomeUnknown):
        _orders(world, 1)
    (order,) = world.qad.state(QAD_TENANT).purchase_orders.records(QAD_DOMAIN)
    assert all(line.quantity_received == line.quantity_ordered for line in order.lines.values())
    assert world.qad.received_lines == 4

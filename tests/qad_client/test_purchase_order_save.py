"""``purchase_orders.save``: a PO header with changed, closed, cancelled and new lines in one
write, against the simulator; a stale or refused save changes nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest

from mlconnector_http import Conflict
from qad_client import (
    AnalysisType,
    NewPurchaseOrder,
    NewPurchaseOrderLine,
    OrderStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    QADClient,
    QADConfigurationError,
    QADConflict,
    QADValidationError,
)

from .test_client_support import World, make_world

D = Decimal
ORDERED = dt.date(2026, 1, 10)
PLAIN = "5000"  # the seed's GL account without analysis


def _account(client: QADClient, kind: AnalysisType) -> str:
    return next(a.code for a in client.gl_accounts.list() if a.analysis_type == kind)


def _new_line(world: World, **changes: Any) -> NewPurchaseOrderLine:
    values: dict[str, Any] = {
        "item": world.seed.items[0],
        "quantity_ordered": D("4"),
        "purchase_cost": D("12.50"),
        "gl_account": PLAIN,
    }
    return NewPurchaseOrderLine(**(values | changes))


def _placed(world: World, client: QADClient, lines: int = 4) -> PurchaseOrder:
    """A PO with ``lines`` lines, read back with ``get`` (lines in line order)."""
    made = client.purchase_orders.create(
        NewPurchaseOrder(
            supplier=world.seed.suppliers[0],
            order_date=ORDERED,
            external_reference="procurify:po:7",
            lines=[_new_line(world) for _ in range(lines)],
        )
    ).record
    return _read(client, made.number)


def _read(client: QADClient, number: str) -> PurchaseOrder:
    order = client.purchase_orders.get(number)
    return attrs.evolve(order, lines=sorted(order.lines, key=lambda line: line.line))


def _by_number(order: PurchaseOrder) -> dict[int, PurchaseOrderLine]:
    return {line.line: line for line in order.lines}


def test_one_write_changes_the_header_and_lines_and_adds_lines() -> None:
    world = make_world(gl_accounts=12)
    client = world.client()
    po = _placed(world, client)
    first, second, third, fourth = po.lines
    centred = _account(client, AnalysisType.COST_CENTRE)
    centre = world.seed.cost_centres[1]
    changed = attrs.evolve(
        po,
        remarks="rush",
        due_date=ORDERED + dt.timedelta(days=30),
        lines=[
            attrs.evolve(first, purchase_cost=D("13.7525")),
            attrs.evolve(second, gl_account=centred, cost_centre=centre),
            attrs.evolve(third, status=OrderStatus.CANCELLED),
        ],  # the fourth line is left out: it stays as it is
    )
    added = _new_line(world, item=world.seed.items[1], quantity_ordered=D("2.5"), line=10)
    unnumbered = _new_line(world, purchase_cost=D("99.99"))
    sent = len(world.recorder.requests)

    result = client.purchase_orders.save(changed, new_lines=[added, unnumbered])

    requests = world.recorder.requests[sent:]
    assert [f"{r.method} {r.url.path.removeprefix('/clouderp')}" for r in requests] == [
        "POST /api/erp/purchaseOrderHeaders"
    ]
    (header,) = json.loads(requests[0].content)["purchaseOrderHeaders"]
    assert (header["dataOperation"], header["concurrencyHash"]) == ("", po.concurrency_hash)
    assert requests[0].url.params["purchaseOrderNumber"] == po.number
    assert [
        (row["dataOperation"], row.get("purchaseOrderLine"), row.get("lineStatus"))
        for row in header["purchaseOrderLines"]
    ] == [("", 1, "O"), ("", 2, "O"), ("", 3, "X"), ("C", 10, None), ("C", None, None)]

    saved = _read(client, po.number)
    assert saved.remarks == "rush"
    assert saved.due_date == ORDERED + dt.timedelta(days=30)
    assert saved.concurrency_hash != po.concurrency_hash
    assert result.record.number == po.number
    assert _by_number(result.record) == _by_number(saved)
    lines = _by_number(saved)
    assert sorted(lines) == [1, 2, 3, 4, 10, 11]  # the unnumbered line took QAD's next number
    assert lines[1].purchase_cost == D("13.7525")
    assert lines[1].quantity_ordered == first.quantity_ordered
    assert (lines[2].gl_account, lines[2].cost_centre) == (centred, centre)
    assert lines[3].status == OrderStatus.CANCELLED
    assert lines[3].purchase_cost == third.purchase_cost
    assert lines[4] == fourth
    assert [lines[n].status for n in (1, 2, 4, 10, 11)] == [OrderStatus.OPEN] * 5
    assert (lines[10].item, lines[10].quantity_ordered) == (world.seed.items[1], D("2.5"))
    assert lines[11].purchase_cost == D("99.99")


@pytest.mark.parametrize("status", [OrderStatus.CLOSED, OrderStatus.CANCELLED])
def test_a_line_is_closed_or_cancelled_and_reopened(status: OrderStatus) -> None:
    world = make_world()
    client = world.client()
    po = _placed(world, client, lines=2)
    client.purchase_orders.save(attrs.evolve(po, lines=[attrs.evolve(po.lines[1], status=status)]))
    done = _read(client, po.number)
    assert [line.status for line in done.lines] == [OrderStatus.OPEN, status]
    assert [line.line for line in done.lines] == [1, 2]  # never deleted

    reopened = attrs.evolve(done.lines[1], status=OrderStatus.OPEN)
    client.purchase_orders.save(attrs.evolve(done, lines=[reopened]))
    assert [line.status for line in _read(client, po.number).lines] == [OrderStatus.OPEN] * 2


def test_a_header_change_alone_leaves_every_line_as_it_is() -> None:
    world = make_world()
    client = world.client()
    po = _placed(world, client, lines=2)
    saved = client.purchase_orders.save(attrs.evolve(po, remarks="header only", lines=())).record
    assert saved.remarks == "header only"
    again = _read(client, po.number)
    assert again.lines == po.lines
    assert again.remarks == "header only"


def test_a_stale_copy_is_refused_and_changes_nothing() -> None:
    world = make_world()
    client = world.client()
    po = _placed(world, client, lines=2)
    first = attrs.evolve(po.lines[0], purchase_cost=D("20.00"))
    client.purchase_orders.save(attrs.evolve(po, lines=[first]))
    after_first = _read(client, po.number)

    stale = attrs.evolve(
        po, remarks="late", lines=[attrs.evolve(po.lines[1], status=OrderStatus.CANCELLED)]
    )
    with pytest.raises(QADConflict) as caught:
        client.purchase_orders.save(stale, new_lines=[_new_line(world)])
    assert isinstance(caught.value, Conflict)
    assert caught.value.errors[0].field == "concurrencyHash"
    assert _read(client, po.number) == after_first
    assert [line.purchase_cost for line in after_first.lines] == [D("20.00"), D("12.50")]


def test_a_refused_line_refuses_the_whole_write() -> None:
    world = make_world(gl_accounts=12)
    client = world.client()
    po = _placed(world, client, lines=2)
    centred = _account(client, AnalysisType.COST_CENTRE)
    wrong = attrs.evolve(
        po,
        remarks="never",
        lines=[
            attrs.evolve(po.lines[0], purchase_cost=D("1.00")),
            attrs.evolve(po.lines[1], gl_account=centred),  # needs a cost centre
        ],
    )
    with pytest.raises(QADValidationError) as caught:
        client.purchase_orders.save(wrong, new_lines=[_new_line(world)])
    assert {e.field for e in caught.value.errors} == {"costCentreCode"}
    assert _read(client, po.number) == po
    # the hash did not move: the same copy, corrected, saves
    right = attrs.evolve(wrong.lines[1], cost_centre=world.seed.cost_centres[0])
    client.purchase_orders.save(attrs.evolve(wrong, lines=[wrong.lines[0], right]))
    assert _read(client, po.number).lines[1].cost_centre == world.seed.cost_centres[0]


def test_a_copy_without_a_hash_or_a_line_named_twice_is_refused_before_sending() -> None:
    world = make_world()
    client = world.client()
    po = _placed(world, client, lines=2)
    listed = next(row for row in client.purchase_orders.list() if row.number == po.number)
    other = attrs.evolve(po.lines[0], po_number="PO-OTHER")
    sent = len(world.recorder.requests)
    with pytest.raises(QADConfigurationError, match="no concurrencyHash"):
        client.purchase_orders.save(listed)
    with pytest.raises(QADConfigurationError, match="given twice"):
        client.purchase_orders.save(attrs.evolve(po, lines=[po.lines[0], po.lines[0]]))
    with pytest.raises(QADConfigurationError, match="given twice"):
        client.purchase_orders.save(po, new_lines=[_new_line(world, line=2)])
    with pytest.raises(QADConfigurationError, match="given twice"):
        client.purchase_orders.save(
            attrs.evolve(po, lines=()),
            new_lines=[_new_line(world, line=5), _new_line(world, line=5)],
        )
    with pytest.raises(QADConfigurationError, match="belongs to PO PO-OTHER"):
        client.purchase_orders.save(attrs.evolve(po, lines=[other]))
    assert len(world.recorder.requests) == sent


def test_a_po_is_created_with_the_given_line_numbers_and_status() -> None:
    world = make_world()
    client = world.client()
    made = client.purchase_orders.create(
        NewPurchaseOrder(
            supplier=world.seed.suppliers[0],
            order_date=ORDERED,
            status=OrderStatus.CLOSED,
            lines=[_new_line(world, line=2), _new_line(world, line=5)],
        )
    ).record
    saved = _read(client, made.number)
    assert saved.status == OrderStatus.CLOSED
    assert [line.line for line in saved.lines] == [2, 5]
    opened = client.purchase_orders.create(
        NewPurchaseOrder(
            supplier=world.seed.suppliers[0], order_date=ORDERED, lines=[_new_line(world)]
        )
    ).record
    assert opened.status == OrderStatus.OPEN
    assert [line.line for line in opened.lines] == [1]


def test_the_async_client_saves_the_same_way() -> None:
    world = make_world()
    po = _placed(world, world.client(), lines=2)

    async def run() -> PurchaseOrder:
        async with world.async_client() as client:
            current = await client.purchase_orders.get(po.number)
            line = next(x for x in current.lines if x.line == 1)
            changed = attrs.evolve(
                current, lines=[attrs.evolve(line, status=OrderStatus.CANCELLED)]
            )
            added = _new_line(world, purchase_cost=D("3.33"))
            return (await client.purchase_orders.save(changed, new_lines=[added])).record

    saved = asyncio.run(run())
    lines = _by_number(saved)
    assert sorted(lines) == [1, 2, 3]
    assert lines[1].status == OrderStatus.CANCELLED
    assert lines[3].purchase_cost == D("3.33")
    assert _by_number(_read(world.client(), po.number)) == lines

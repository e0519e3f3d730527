"""End to end against the simulator: three-way match, payments, price holds, async, loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import attrs
import pytest

from mlconnector_http import (
    APITimeoutError,
    AttemptEvent,
    RateLimited,
    RetryPolicy,
    WriteOutcomeUnknown,
)
from mlconnector_http.testing import Fault
from qad_client import (
    AsyncQADClient,
    InvoiceStatus,
    NewAllocation,
    NewMatchingLine,
    NewPurchaseOrder,
    NewPurchaseOrderLine,
    NewReceipt,
    NewReceiptLine,
    NewSupplierInvoice,
    NewSupplierPayment,
    PaymentStatus,
    QADClient,
    QADDuplicate,
    QADRateLimited,
    QADTimeoutError,
    QADValidationError,
    QADWriteOutcomeUnknown,
)
from qad_client.testing import Tolerances, rate_limited, unavailable

from .test_client_support import DOMAIN, ENTITY, PASSWORD, TENANT, USER, World, make_world

D = Decimal
DAY = dt.date(2026, 2, 2)


def _purchase_order(client: QADClient | AsyncQADClient, world: World) -> NewPurchaseOrder:
    return NewPurchaseOrder(
        supplier=world.seed.suppliers[0],
        order_date=DAY,
        external_reference="procurify:po:42",
        lines=[
            NewPurchaseOrderLine(
                item=world.seed.items[0], quantity_ordered=D("10"), purchase_cost=D("4.20")
            ),
            NewPurchaseOrderLine(
                item=world.seed.items[1], quantity_ordered=D("3"), purchase_cost=D("100")
            ),
        ],
    )


def _invoice(world: World, po: str, receiver: str, **changes: object) -> NewSupplierInvoice:
    values: dict[str, object] = {
        "supplier": world.seed.suppliers[0],
        "reference": "INV-9001",
        "invoice_date": DAY + dt.timedelta(days=3),
        "currency": "USD",
        "external_reference": "procurify:bill:7",
        "matching_lines": [
            NewMatchingLine(
                po_number=po, po_line=1, receiver=receiver, quantity=D("6"), unit_price=D("4.20")
            )
        ],
    }
    values.update(changes)
    return NewSupplierInvoice(**values)  # type: ignore[arg-type]


def test_three_way_match_from_order_to_paid_invoice() -> None:
    world = make_world()
    client = world.client()
    order = client.purchase_orders.create(_purchase_order(client, world)).record
    assert [line.line for line in order.lines] == [1, 2]

    # an invoice before the goods arrive is refused, with QAD's reason
    with pytest.raises(QADValidationError) as early:
        client.supplier_invoices.create(_invoice(world, order.number, "RC-NONE"))
    assert early.value.errors[0].field == "receiverNumber"
    assert "No open receiver for PO line" in early.value.errors[0].message
    assert client.supplier_invoices.find_by_external_reference("procurify:bill:7") is None

    receipt = client.purchase_order_receipts.create(
        NewReceipt(
            po_number=order.number,
            receipt_date=DAY + dt.timedelta(days=1),
            external_reference="procurify:receipt:3",
            lines=[NewReceiptLine(po_line=1, quantity=D("6"))],
        )
    ).record
    assert receipt.supplier == order.supplier
    assert receipt.lines[0].quantity == D("6")
    assert client.purchase_order_receipts.find_by_external_reference(
        "procurify:receipt:3"
    ) == client.purchase_order_receipts.get(receipt.receiver)
    assert [r.receiver for r in client.purchase_order_receipts.list(po_number=order.number)] == [
        receipt.receiver
    ]
    (waiting,) = client.open_receivers.list(po_number=order.number)
    assert (waiting.receiver, waiting.po_line, waiting.open_quantity) == (
        receipt.receiver,
        1,
        D("6"),
    )
    assert waiting.unit_cost == D("4.20")
    assert client.purchase_orders.get(order.number).lines[0].quantity_received == D("6")

    invoice = client.supplier_invoices.create(
        _invoice(world, order.number, receipt.receiver)
    ).record
    assert invoice.status is InvoiceStatus.MATCHED
    assert invoice.total == invoice.balance == D("25.20")
    assert invoice.is_open
    assert invoice.entity == ENTITY
    assert list(client.open_receivers.list(po_number=order.number)) == []
    assert client.purchase_orders.get(order.number).lines[0].quantity_invoiced == D("6")
    assert client.supplier_invoices.find_by_supplier_reference(
        world.seed.suppliers[0], "INV-9001"
    ) == (client.supplier_invoices.get(invoice.id))
    with pytest.raises(QADDuplicate):
        client.supplier_invoices.create(
            _invoice(world, order.number, receipt.receiver, external_reference=None)
        )

    first = client.supplier_payments.create(
        NewSupplierPayment(
            supplier=world.seed.suppliers[0],
            payment_date=DAY + dt.timedelta(days=30),
            bank_gl_account=world.seed.bank_account,
            currency="USD",
            amount=D("20"),
            allocations=[NewAllocation(invoice_id=invoice.id, amount=D("20"))],
            external_reference="procurify:payment:1",
        )
    ).record
    assert first.status is PaymentStatus.PAID
    part = client.supplier_invoices.get(invoice.id)
    assert (part.balance, part.is_open) == (D("5.20"), True)
    with pytest.raises(QADValidationError) as over:
        client.supplier_payments.create(
            NewSupplierPayment(
                supplier=world.seed.suppliers[0],
                payment_date=DAY + dt.timedelta(days=31),
                bank_gl_account=world.seed.bank_account,
                currency="USD",
                amount=D("6"),
                allocations=[NewAllocation(invoice_reference="INV-9001", amount=D("6"))],
            )
        )
    assert [e.field for e in over.value.errors] == ["amountTC"]
    client.supplier_payments.create(
        NewSupplierPayment(
            supplier=world.seed.suppliers[0],
            payment_date=DAY + dt.timedelta(days=31),
            bank_gl_account=world.seed.bank_account,
            currency="USD",
            amount=D("5.20"),
            allocations=[NewAllocation(invoice_reference="INV-9001", amount=D("5.20"))],
        )
    )
    paid = client.supplier_invoices.get(invoice.id)
    assert (paid.balance, paid.is_open) == (D("0"), False)
    assert [i.id for i in client.supplier_invoices.list(is_open=False)] == [invoice.id]
    assert list(client.supplier_invoices.list(is_open=True)) == []
    found = client.supplier_payments.find_by_external_reference("procurify:payment:1")
    assert found == client.supplier_payments.get(first.number)
    assert found is not None
    assert found.allocations[0].invoice_id == invoice.id
    assert len(list(client.supplier_payments.list(supplier=world.seed.suppliers[0]))) == 2


def test_a_price_outside_tolerance_holds_the_invoice_with_a_warning() -> None:
    world = make_world()
    world.sim.set_tolerances(TENANT, Tolerances(price_pct=D("1"), strict_price=False))
    client = world.client()
    order = client.purchase_orders.create(_purchase_order(client, world)).record
    receipt = client.purchase_order_receipts.create(
        NewReceipt(
            po_number=order.number,
            receipt_date=DAY,
            lines=[NewReceiptLine(po_line=1, quantity=D("10"))],
        )
    ).record
    close = NewMatchingLine(
        po_number=order.number,
        po_line=1,
        receiver=receipt.receiver,
        quantity=D("5"),
        unit_price=D("4.24"),  # inside 1 %
    )
    inside = client.supplier_invoices.create(
        _invoice(world, order.number, receipt.receiver, matching_lines=[close])
    )
    assert inside.warnings == ()
    assert inside.record.status is InvoiceStatus.MATCHED
    far = NewMatchingLine(
        po_number=order.number,
        po_line=1,
        receiver=receipt.receiver,
        quantity=D("5"),
        unit_price=D("5.00"),
    )
    held = client.supplier_invoices.create(
        _invoice(
            world,
            order.number,
            receipt.receiver,
            reference="INV-9002",
            external_reference=None,
            matching_lines=[far],
        )
    )
    assert held.record.status is InvoiceStatus.HOLD
    assert [w.field for w in held.warnings] == ["matchUnitPrice"]
    assert "on hold" in held.warnings[0].message


def test_the_async_client_runs_the_same_flow() -> None:
    world = make_world()

    async def run() -> None:
        async with world.async_client() as client:
            order = (await client.purchase_orders.create(_purchase_order(client, world))).record
            line = (
                await client.purchase_orders.add_line(
                    order.number,
                    NewPurchaseOrderLine(
                        item=world.seed.items[2], quantity_ordered=D("1"), purchase_cost=D("9")
                    ),
                )
            ).record
            assert line.line == 3
            receipt = (
                await client.purchase_order_receipts.create(
                    NewReceipt(
                        po_number=order.number,
                        receipt_date=DAY,
                        lines=[NewReceiptLine(po_line=1, quantity=D("6"))],
                    )
                )
            ).record
            pending = await client.open_receivers.list(supplier=order.supplier).to_list()
            assert [r.receiver for r in pending] == [receipt.receiver]
            invoice = (
                await client.supplier_invoices.create(
                    _invoice(world, order.number, receipt.receiver)
                )
            ).record
            found = await client.supplier_invoices.find_by_external_reference("procurify:bill:7")
            assert found is not None
            assert found.id == invoice.id
            assert (await client.purchase_orders.get(order.number)).lines[2].item == (
                world.seed.items[2]
            )
            numbers = [p.number async for p in client.purchase_orders.list(page_size=1)]
            assert numbers == [order.number]
            report = await client.validate()
            assert report.ok, str(report)
            other = client.for_domain(DOMAIN, ENTITY)
            assert (await other.suppliers.get(order.supplier)).code == order.supplier

    asyncio.run(run())


def test_loopback_http_against_the_served_simulator() -> None:
    world = make_world(purchase_orders=3)
    with world.sim.serve() as origin:
        url = world.sim.base_url(TENANT, origin=origin)
        assert url.startswith("http://127.0.0.1:")
        with QADClient(
            tenant_url=url,
            domain=DOMAIN,
            entity=ENTITY,
            username=USER,
            password=PASSWORD,
            clock=world.clock,
            retry=RetryPolicy.for_testing(),
            timeout=10,
        ) as client:
            numbers = [p.number for p in client.purchase_orders.list(page_size=2)]
            assert numbers == list(world.seed.purchase_orders)
            order = client.purchase_orders.get(numbers[0])
            assert len(order.lines) == 5
            assert client.validate().ok

        async def run() -> list[str]:
            async with AsyncQADClient(
                tenant_url=url,
                domain=DOMAIN,
                entity=ENTITY,
                username=USER,
                password=PASSWORD,
                clock=world.clock,
                retry=RetryPolicy.for_testing(),
            ) as client:
                return [s.code async for s in client.suppliers.list()]

        assert asyncio.run(run()) == list(world.seed.suppliers)


def test_transport_faults_and_rate_limits_map_to_qad_errors() -> None:
    world = make_world()
    events: list[AttemptEvent] = []
    client = world.client(event_hook=events.append)
    code = world.seed.suppliers[0]
    client.suppliers.get(code)
    world.sim.faults.add(rate_limited(2), path="/api/erp/", times=1)
    world.sim.faults.add(unavailable(), path="/api/erp/", times=1)
    assert client.suppliers.get(code).code == code  # 429 then 503 retried, reads are safe
    assert [(e.status, e.attempt) for e in events[-3:]] == [(429, 1), (503, 2), (200, 3)]
    assert events[-3].retry_in == 2.0  # Retry-After obeyed exactly
    world.sim.faults.add(rate_limited(600), path="/api/erp/", times=1)
    with pytest.raises(QADRateLimited) as limited:
        client.suppliers.get(code)
    assert isinstance(limited.value, RateLimited)
    assert limited.value.retry_after == 600
    world.sim.faults.add(Fault.drop(), path="/api/erp/", method="POST", times=1)
    with pytest.raises(QADWriteOutcomeUnknown) as dropped:
        client.purchase_orders.create(_purchase_order(client, world))
    assert isinstance(dropped.value, WriteOutcomeUnknown)
    assert list(client.purchase_orders.list()) == []  # a write is never sent twice blindly
    world.sim.faults.add(Fault.timeout(), path="/api/erp/", times=None)
    with pytest.raises(QADTimeoutError) as late:
        client.suppliers.get(code)
    assert isinstance(late.value, APITimeoutError)


def test_an_unpaid_invoice_takes_new_lines_and_a_paid_one_refuses_them() -> None:
    world = make_world()
    client = world.client()
    order = client.purchase_orders.create(_purchase_order(client, world)).record
    receipt = client.purchase_order_receipts.create(
        NewReceipt(
            po_number=order.number,
            receipt_date=DAY,
            lines=[NewReceiptLine(po_line=1, quantity=D("10"))],
        )
    ).record
    invoice = client.supplier_invoices.create(
        _invoice(world, order.number, receipt.receiver)
    ).record
    assert client.purchase_orders.get(order.number).lines[0].quantity_invoiced == D("6")

    current = client.supplier_invoices.get(invoice.id)
    more = attrs.evolve(
        current,
        matching_lines=[attrs.evolve(current.matching_lines[0], quantity=D("8"))],
        total=D("33.60"),
        due_date=DAY + dt.timedelta(days=60),
    )
    changed = client.supplier_invoices.update(more).record
    assert (changed.id, changed.total, changed.balance) == (invoice.id, D("33.60"), D("33.60"))
    assert changed.due_date == DAY + dt.timedelta(days=60)
    assert client.purchase_orders.get(order.number).lines[0].quantity_invoiced == D("8")
    (left,) = client.open_receivers.list(po_number=order.number)
    assert left.open_quantity == D("2")

    # more than was received: refused whole, the earlier match stands
    too_many = client.supplier_invoices.get(invoice.id)
    with pytest.raises(QADValidationError) as over:
        client.supplier_invoices.update(
            attrs.evolve(
                too_many,
                matching_lines=[attrs.evolve(too_many.matching_lines[0], quantity=D("11"))],
                total=D("46.20"),
            )
        )
    assert [e.field for e in over.value.errors] == ["matchQuantity"]
    assert client.purchase_orders.get(order.number).lines[0].quantity_invoiced == D("8")

    client.supplier_payments.create(
        NewSupplierPayment(
            supplier=world.seed.suppliers[0],
            payment_date=DAY + dt.timedelta(days=30),
            bank_gl_account=world.seed.bank_account,
            currency="USD",
            amount=D("10"),
            allocations=[NewAllocation(invoice_id=invoice.id, amount=D("10"))],
        )
    )
    paid = client.supplier_invoices.get(invoice.id)
    with pytest.raises(QADValidationError) as locked:
        client.supplier_invoices.update(attrs.evolve(paid, tax=D("1.00"), total=D("34.60")))
    assert [e.field for e in locked.value.errors] == ["totalAmountTC", "taxAmountTC"]
    assert "paid or final" in locked.value.errors[0].message
    later = attrs.evolve(paid, due_date=DAY + dt.timedelta(days=90))
    assert client.supplier_invoices.update(later).record.due_date == DAY + dt.timedelta(days=90)


def test_open_receivers_of_one_po_come_from_the_index_and_agree_with_a_full_scan() -> None:
    world = make_world()
    client = world.client()
    orders = [client.purchase_orders.create(_purchase_order(client, world)).record for _ in "ab"]
    for order in orders:
        client.purchase_order_receipts.create(
            NewReceipt(
                po_number=order.number,
                receipt_date=DAY,
                lines=[
                    NewReceiptLine(po_line=1, quantity=D("4")),
                    NewReceiptLine(po_line=2, quantity=D("1")),
                ],
            )
        )
    with pytest.raises(QADValidationError):  # refused whole: no receiver may linger in the index
        client.purchase_order_receipts.create(
            NewReceipt(
                po_number=orders[0].number,
                receipt_date=DAY,
                lines=[
                    NewReceiptLine(po_line=1, quantity=D("1")),
                    NewReceiptLine(po_line=2, quantity=D("99")),
                ],
            )
        )
    everything = list(client.open_receivers.list())
    for order in orders:
        mine = [
            (r.receiver, r.po_line, r.open_quantity)
            for r in client.open_receivers.list(po_number=order.number)
        ]
        assert mine == [
            (r.receiver, r.po_line, r.open_quantity)
            for r in everything
            if r.po_number == order.number
        ]
        assert len(mine) == 2
    assert list(client.open_receivers.list(po_number=orders[0].number.lower()))

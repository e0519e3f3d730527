"""Every QAD resource operation over QXtend, against its simulator, in process and on loopback.

The simulator's QXtend front door shares the tenant with the REST one, so what one writes the
other reads; the same business rules (three-way match, tolerances) answer both.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal as D
from typing import Any

import attrs
import httpx
import pytest

from mlconnector_http import FakeClock, Reject, RetryPolicy
from mlconnector_http.testing import Fault
from qad_client import (
    AsyncQADClient,
    NewMatchingLine,
    NewPurchaseOrder,
    NewPurchaseOrderLine,
    NewReceipt,
    NewReceiptLine,
    NewSupplier,
    NewSupplierInvoice,
    OrderStatus,
    QADAuthError,
    QADClient,
    QADConfigurationError,
    QADConflict,
    QADDecodeError,
    QADDuplicate,
    QADServerError,
    QADValidationError,
    QADWriteOutcomeUnknown,
    QXtendConnection,
)
from qad_client.testing import QADSimulator, QXtendSimulator, SeedResult, soap_fault

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
DAY = dt.date(2026, 1, 5)
TENANT = "acme"
USER, PASSWORD = "alice", "qx-password-7d1e"
ENDPOINT_PATH = "/qxilive/services/QdocWebService"


@attrs.define
class World:
    clock: FakeClock
    rest_sim: QADSimulator
    qx: QXtendSimulator
    seed: SeedResult
    client: QADClient
    rest: QADClient
    endpoint: str
    opened: list[QADClient] = attrs.field(factory=list)

    def connection(self, **changes: Any) -> QXtendConnection:
        values: dict[str, Any] = {
            "endpoint": self.endpoint,
            "receiver": "MLCONNECTOR",
            "domain": "10USA",
            "entity": "10USACO",
            "username": USER,
            "password": PASSWORD,
        }
        return QXtendConnection(**(values | changes))

    def qxtend(self, **changes: Any) -> QADClient:
        transport = self.qx.transport() if self.endpoint.startswith("https") else None
        client = QADClient.qxtend(
            self.connection(**changes),
            transport=transport,
            clock=self.clock,
            retry=RetryPolicy.for_testing(),
        )
        self.opened.append(client)
        return client


@pytest.fixture(params=["in-process", "loopback"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    clock = FakeClock(START)
    sim = QADSimulator(clock=clock)
    url = sim.add_tenant(TENANT)
    sim.add_user(TENANT, USER, PASSWORD)
    seed = sim.seed(
        TENANT,
        suppliers=4,
        items=4,
        gl_accounts=3,
        cost_centres=2,
        purchase_orders=3,
        lines_per_order=2,
    )
    qx = QXtendSimulator(sim, TENANT)
    rest = QADClient(
        tenant_url=url,
        domain="10USA",
        entity="10USACO",
        username=USER,
        password=PASSWORD,
        transport=sim.transport(),
        clock=clock,
    )
    if request.param == "in-process":
        w = World(clock, sim, qx, seed, None, rest, qx.endpoint())  # type: ignore[arg-type]
        w.client = w.qxtend()
        yield w
        for opened in w.opened:
            opened.close()
        return
    with qx.serve() as origin:
        w = World(clock, sim, qx, seed, None, rest, qx.endpoint(origin))  # type: ignore[arg-type]
        w.client = w.qxtend()
        yield w
        for opened in w.opened:
            opened.close()


def _order(world: World, **changes: Any) -> NewPurchaseOrder:
    values: dict[str, Any] = {
        "supplier": world.seed.suppliers[0],
        "order_date": DAY,
        "external_reference": "po:1",
        "lines": [
            NewPurchaseOrderLine(
                item=world.seed.items[0],
                quantity_ordered=D("10"),
                purchase_cost=D("2.50"),
                site="10-100",
            )
        ],
    }
    return NewPurchaseOrder(**(values | changes))


def test_master_data_lists_and_reads_match_rest(world: World) -> None:
    client, rest = world.client, world.rest

    def plain(rows: Any) -> list[Any]:  # a REST browse row carries no modified_by
        return [attrs.evolve(row, modified_by="") for row in rows]

    assert plain(client.suppliers.list(page_size=3)) == plain(rest.suppliers.list())
    assert len(list(client.suppliers.list(page_size=1).pages())) == 4
    assert [a.code for a in client.gl_accounts.list()] == [a.code for a in rest.gl_accounts.list()]
    assert plain(client.cost_centres.list()) == plain(rest.cost_centres.list())
    assert [i.code for i in client.items.list()] == [i.code for i in rest.items.list()]
    code = world.seed.suppliers[1]
    one = client.suppliers.get(code)
    assert attrs.evolve(one, concurrency_hash="") == attrs.evolve(
        rest.suppliers.get(code), concurrency_hash=""
    )
    assert one.concurrency_hash  # a digest of the record as read
    assert client.gl_accounts.get(world.seed.gl_accounts[0]).code == world.seed.gl_accounts[0]
    later = START + dt.timedelta(days=1)
    assert list(client.suppliers.list(modified_since=later)) == []


def test_supplier_writes_use_add_then_modify_and_a_resent_add_makes_no_second(
    world: World,
) -> None:
    client = world.client
    created = client.suppliers.create(
        NewSupplier(code="NEW-1", name="New Co", currency="USD", external_reference="v:1")
    ).record
    assert created.name == "New Co"
    assert world.rest.suppliers.find_by_external_reference("v:1") is not None  # shared state
    with pytest.raises(QADDuplicate) as again:
        client.suppliers.create(NewSupplier(code="NEW-1", name="New Co", currency="USD"))
    assert [e.field for e in again.value.errors] == ["supplierCode"]
    assert len(client.suppliers.find_by_reference("v:1")) == 1
    current = client.suppliers.get("NEW-1")
    renamed = client.suppliers.update(attrs.evolve(current, name="Renamed Co")).record
    assert world.rest.suppliers.get("NEW-1").name == "Renamed Co" == renamed.name
    operations = [(c.api, c.operations) for c in world.qx.calls if c.api == "maintainSupplier"]
    assert operations == [
        ("maintainSupplier", ("A",)),
        ("maintainSupplier", ("A",)),
        ("maintainSupplier", ("M",)),
    ]
    with pytest.raises(QADConflict, match="changed by another user"):
        client.suppliers.update(attrs.evolve(current, name="Stale"))  # read before the rename
    assert world.rest.suppliers.get("NEW-1").name == "Renamed Co"


def test_purchase_orders_create_save_update_and_find(world: World) -> None:
    client = world.client
    order = client.purchase_orders.create(_order(world)).record
    assert [(line.line, line.quantity_ordered) for line in order.lines] == [(1, D("10"))]
    assert world.rest.purchase_orders.get(order.number).lines == order.lines
    saved = client.purchase_orders.save(
        attrs.evolve(
            order, remarks="rush", lines=(attrs.evolve(order.lines[0], quantity_ordered=D("12")),)
        ),
        new_lines=[
            NewPurchaseOrderLine(
                item=world.seed.items[1],
                quantity_ordered=D("3"),
                purchase_cost=D("1.10"),
                site="10-100",
            )
        ],
    ).record
    assert saved.remarks == "rush"
    assert [(line.line, line.quantity_ordered) for line in saved.lines] == [
        (1, D("12")),
        (2, D("3")),
    ]
    (call,) = [c for c in world.qx.calls if c.api == "maintainPurchaseOrder"][-1:]
    assert call.operations == ("M",)
    header = client.purchase_orders.update(attrs.evolve(saved, status=OrderStatus.CLOSED)).record
    assert header.status == OrderStatus.CLOSED
    assert client.purchase_orders.find_by_external_reference("po:1") == client.purchase_orders.get(
        order.number
    )
    numbers = {po.number for po in client.purchase_orders.list(supplier=world.seed.suppliers[0])}
    assert order.number in numbers
    with pytest.raises(QADConfigurationError, match="not available over QXtend"):
        client.purchase_orders.add_line(
            order.number,
            NewPurchaseOrderLine(
                item=world.seed.items[0], quantity_ordered=D("1"), purchase_cost=D("1")
            ),
        )


def test_refusals_carry_rest_field_names_and_nothing_is_written(world: World) -> None:
    before = len(world.rest_sim.state(TENANT).purchase_orders.scope("10USA"))
    with pytest.raises(QADValidationError) as caught:
        world.client.purchase_orders.create(_order(world, supplier="NOPE"))
    assert "supplierCode" in [e.field for e in caught.value.errors]
    assert len(world.rest_sim.state(TENANT).purchase_orders.scope("10USA")) == before
    with pytest.raises(QADConfigurationError, match="external_reference"):
        world.client.purchase_orders.create(_order(world, external_reference=None))


def _received(world: World, **changes: Any) -> tuple[str, NewReceipt]:
    order = world.client.purchase_orders.create(_order(world)).record
    values: dict[str, Any] = {
        "po_number": order.number,
        "receipt_date": DAY,
        "external_reference": "rc:1",
        "lines": [NewReceiptLine(po_line=1, quantity=D("4"))],
    }
    return order.number, NewReceipt(**(values | changes))


def test_receipts_invoices_and_the_three_way_match(world: World) -> None:
    client = world.client
    number, new = _received(world)
    receipt = client.purchase_order_receipts.create(new).record
    assert [(line.po_line, line.quantity) for line in receipt.lines] == [(1, D("4"))]
    assert client.purchase_order_receipts.get(receipt.receiver) == receipt
    assert client.purchase_order_receipts.find_by_external_reference("rc:1") == receipt
    assert [r.receiver for r in client.purchase_order_receipts.list(po_number=number)] == [
        receipt.receiver
    ]
    (open_line,) = client.open_receivers.list(receiver=receipt.receiver)
    assert open_line.open_quantity == D("4")

    def invoice(quantity: str, reference: str) -> NewSupplierInvoice:
        return NewSupplierInvoice(
            supplier=world.seed.suppliers[0],
            reference=reference,
            invoice_date=DAY,
            currency="USD",
            external_reference=f"bill:{reference}",
            matching_lines=[
                NewMatchingLine(
                    po_number=number,
                    po_line=1,
                    receiver=receipt.receiver,
                    quantity=D(quantity),
                    unit_price=D("2.50"),
                )
            ],
        )

    with pytest.raises(QADValidationError) as over:
        client.supplier_invoices.create(invoice("5", "INV-0"))  # more than was received
    assert [e.field for e in over.value.errors] == ["matchQuantity"]
    posted = client.supplier_invoices.create(invoice("4", "INV-1")).record
    assert posted.total == D("10.00")
    assert world.rest.supplier_invoices.get(posted.id).total == D("10.00")
    found = client.supplier_invoices.find_by_supplier_reference(world.seed.suppliers[0], "INV-1")
    assert found == posted
    assert list(client.open_receivers.list(receiver=receipt.receiver)) == []
    context = [c for c in world.qx.calls if c.api == "maintainSupplierInvoice"]
    assert [c.result for c in context] == ["error", "success"]


def test_a_receipt_answered_error_but_posted_is_a_success(world: World) -> None:
    _, new = _received(world)
    world.qx.error_after_posting()
    result = world.client.purchase_order_receipts.create(new)
    assert result.record.lines[0].quantity == D("4")
    assert "the receipt is posted" in result.warnings[-1].message
    assert len(world.rest.purchase_order_receipts.find_by_reference("rc:1")) == 1


def test_a_receipt_answered_success_but_not_posted_is_refused(world: World) -> None:
    _, new = _received(world)
    world.qx.success_without_posting()
    with pytest.raises(QADServerError, match="not posted"):
        world.client.purchase_order_receipts.create(new)
    assert world.rest.purchase_order_receipts.find_by_reference("rc:1") == []


def test_a_receipt_whose_answer_was_lost_is_found_by_reading_back(world: World) -> None:
    _, new = _received(world)
    world.qx.faults.add(Fault.timeout_after_commit(0.2), path=ENDPOINT_PATH, method="POST")
    client = world.client.with_options(timeout=httpx.Timeout(0.1))  # loopback stalls 0.2 s
    receipt = client.purchase_order_receipts.create(new).record
    assert receipt.lines[0].quantity == D("4")
    world.qx.faults.add(Fault.timeout(0.2), path=ENDPOINT_PATH, method="POST")
    second = attrs.evolve(new, external_reference="rc:2")
    with pytest.raises(QADWriteOutcomeUnknown) as unknown:
        client.purchase_order_receipts.create(second)
    assert unknown.value.reference == "rc:2"
    assert world.rest.purchase_order_receipts.find_by_reference("rc:2") == []


def test_soap_faults_are_server_errors_and_unknown_outcomes_on_writes(world: World) -> None:
    world.qx.faults.add(soap_fault("Processing timeout"), path=ENDPOINT_PATH)
    with pytest.raises(QADServerError, match="ProcessException100"):
        list(world.client.suppliers.list())  # a 500: the toolkit retries 429/503 only
    assert len(list(world.client.suppliers.list())) == 4
    world.qx.faults.add(soap_fault("boom"), path=ENDPOINT_PATH)
    with pytest.raises(QADWriteOutcomeUnknown) as unknown:
        world.client.suppliers.create(
            NewSupplier(code="F-1", name="F", currency="USD", external_reference="f:1")
        )
    assert unknown.value.reference == "f:1"
    assert world.rest.suppliers.find_by_reference("f:1") == []  # the fault came first


def test_a_refused_sign_in_is_an_auth_error_and_not_retried(world: World) -> None:
    client = world.qxtend(password="wrong")
    world.qx.clear_log()
    with pytest.raises(QADAuthError, match="Session init failed"):
        list(client.suppliers.list())
    assert world.qx.request_count(path=ENDPOINT_PATH) == 1
    with pytest.raises(QADAuthError):
        client.validate()


def test_validate_reports_every_qdoc_and_what_is_missing(world: World) -> None:
    report = world.client.validate()
    assert report.ok, str(report)
    assert len(report.checks) == 5
    world.qx.add_receiver("PARTIAL", {"queryService": "ERP3_1", "maintainSupplier": "ERP3_1"})
    partial = world.qxtend(receiver="PARTIAL").validate()
    assert [c.resource for c in partial.problems] == [
        "purchase_orders",
        "purchase_order_receipts",
        "supplier_invoices",
    ]
    assert "not configured for receiver PARTIAL" in str(partial)
    unknown = world.qxtend(receiver="NOBODY").validate()
    assert not unknown.ok
    assert "Receiver" in str(unknown)


def test_the_async_client_runs_the_same_core(world: World) -> None:
    async def run() -> tuple[int, str]:
        transport = world.qx.transport() if world.endpoint.startswith("https") else None
        async with AsyncQADClient.qxtend(
            world.connection(), transport=transport, clock=world.clock
        ) as client:
            count = len([s async for s in client.suppliers.list(page_size=2)])
            created = await client.suppliers.create(
                NewSupplier(code="ASYNC-1", name="Async Co", currency="USD")
            )
            report = await client.validate()
            assert report.ok
            return count, created.record.name

    assert asyncio.run(run()) == (4, "Async Co")


def test_the_request_log_names_each_qdoc(world: World) -> None:
    world.qx.clear_log()
    world.qx.calls.clear()
    list(world.client.suppliers.list())
    world.client.suppliers.create(NewSupplier(code="LOG-1", name="Log", currency="USD"))
    assert [(c.api, c.user, c.result) for c in world.qx.calls] == [
        ("queryService", USER, "success"),
        ("maintainSupplier", USER, "success"),
        ("queryService", USER, "success"),
    ]
    assert world.qx.request_count(path=ENDPOINT_PATH, method="POST") == 3
    assert all(PASSWORD not in r.url for r in world.qx.requests)


def test_a_row_that_does_not_decode_is_a_reject_and_the_others_are_kept(world: World) -> None:
    def corrupt(response: httpx.Response) -> httpx.Response:
        body = response.read().replace(b"<active>true</active>", b"<active>maybe</active>", 1)
        headers = [(k, v) for k, v in response.headers.multi_items() if k != "content-length"]
        return httpx.Response(response.status_code, headers=headers, content=body)

    world.qx.faults.add(Fault.rewrite(corrupt), path=ENDPOINT_PATH, times=None)
    entries = list(world.client.suppliers.list().with_rejects())
    rejects = [e for e in entries if isinstance(e, Reject)]
    assert len(entries) == 4
    assert len(rejects) == 1
    assert rejects[0].field == "is_active"
    assert rejects[0].record_id == world.seed.suppliers[0]
    with pytest.raises(QADDecodeError):
        list(world.client.suppliers.list())


def test_a_create_whose_answer_was_lost_is_found_by_its_reference(world: World) -> None:
    world.qx.faults.add(Fault.timeout_after_commit(0.2), path=ENDPOINT_PATH, method="POST")
    client = world.client.with_options(timeout=httpx.Timeout(0.1))  # loopback stalls 0.2 s
    result = client.purchase_orders.create(_order(world, external_reference="po:lost"))
    assert "answer was lost" in result.warnings[0].message
    assert [po.number for po in world.rest.purchase_orders.find_by_reference("po:lost")] == [
        result.record.number
    ]

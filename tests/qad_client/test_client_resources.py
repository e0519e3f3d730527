"""QAD resources against the simulator: workspace, validate(), concurrency, business rules,
the line grid, browse paging, incremental reads and external references.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlconnector_http import Conflict, ValidationError
from mlconnector_http.testing import Fault
from qad_client import (
    AnalysisType,
    Filter,
    NewExpenseLine,
    NewMatchingLine,
    NewPurchaseOrder,
    NewPurchaseOrderLine,
    NewReceipt,
    NewReceiptLine,
    NewSupplier,
    NewSupplierInvoice,
    OrderStatus,
    QADClient,
    QADConfigurationError,
    QADConflict,
    QADDuplicate,
    QADNotFound,
    QADValidationError,
)
from qad_client import _names as n

from .test_client_support import DOMAIN, ENTITY, TENANT, World, make_world

D = Decimal
ORDERED = dt.date(2026, 1, 10)


def _line(world: World, **changes: Any) -> NewPurchaseOrderLine:
    values: dict[str, Any] = {
        "item": world.seed.items[0],
        "quantity_ordered": D("4"),
        "purchase_cost": D("12.50"),
    }
    values.update(changes)
    return NewPurchaseOrderLine(**values)


def _order(world: World, *lines: NewPurchaseOrderLine, **changes: Any) -> NewPurchaseOrder:
    values: dict[str, Any] = {
        "supplier": world.seed.suppliers[0],
        "order_date": ORDERED,
        "lines": lines or (_line(world),),
    }
    values.update(changes)
    return NewPurchaseOrder(**values)


# --- workspace --------------------------------------------------------------------------------


def test_workspace_header_on_every_call_and_domain_override() -> None:
    world = make_world(domains={DOMAIN: ENTITY, "11CAN": "11CANCO"})
    world.sim.seed(TENANT, domain="11CAN", items=2, seed=7)
    usa = world.client()
    can = usa.for_domain("11CAN", "11CANCO")
    can_item = world.sim.state(TENANT).items.records("11CAN").__iter__().__next__().code
    made = can.purchase_orders.create(_order(world, _line(world, item=can_item))).record
    assert made.domain == "11CAN"
    assert can.purchase_orders.get(made.number).lines[0].item == can_item
    with pytest.raises(QADNotFound):
        usa.purchase_orders.get(made.number)
    assert made.number not in {po.number for po in usa.purchase_orders.list()}
    # suppliers live in a shared set both domains use
    assert can.suppliers.get(world.seed.suppliers[0]).code == world.seed.suppliers[0]
    expense = NewExpenseLine(gl_account=world.seed.expense_account, amount=D("10"))
    invoice = can.supplier_invoices.create(
        NewSupplierInvoice(
            supplier=world.seed.suppliers[0],
            reference="CAN-1",
            invoice_date=ORDERED,
            currency="USD",
            expense_lines=[expense],
        )
    ).record
    assert (invoice.domain, invoice.entity) == ("11CAN", "11CANCO")
    api = [r for r in world.recorder.requests if "/api/" in r.url.path]
    assert all("x-qad-workspace-id" in r.headers for r in api)
    headers = {r.headers["x-qad-workspace-id"] for r in api}
    assert headers == {"10USA_10USACO", "11CAN_11CANCO"}
    for request in api:
        domain, entity = request.headers["x-qad-workspace-id"].split("_")
        plural = request.url.path.rpartition("/")[2]
        if "/api/erp/" in request.url.path:
            # domainCode where the resource is per domain, never on shared-set ones, and
            # never on a create: a create names no key, the header gives the domain [N7]
            creates = request.method == "POST" and "purchaseOrderNumber" not in request.url.params
            wanted = None if plural == "supplierV2s" or creates else domain
            assert request.url.params.get("domainCode") == wanted, plural
        if request.method == "POST":
            (sent,) = json.loads(request.content)[plural]
            if plural in ("purchaseOrderHeaders", "supplierInvoices"):
                assert sent["domainCode"] == domain
            if plural == "supplierInvoices":
                assert sent["entityCode"] == entity
    assert usa.domains.get("11CAN").entity == "11CANCO"
    with pytest.raises(QADValidationError, match="not the entity"):
        usa.for_domain("11CAN", "10USACO").items.get("X")


# --- validate() -------------------------------------------------------------------------------


def test_validate_checks_every_path_and_names_each_missing_one() -> None:
    world = make_world(purchase_orders=1)
    client = world.client()
    report = client.validate()
    assert report.ok, str(report)
    assert report.missing == ()
    paths = {(c.resource, c.path) for c in report.checks}
    assert ("suppliers", "api/erp/supplierV2s") in paths
    assert ("purchase_orders", "api/erp/purchaseOrderLinesGrid") in paths
    assert ("purchase_orders", "api/erp/purchaseOrderLines/fieldChangeV2") in paths
    asked = [c.path for c in report.checks if "permissionState" in c.path]
    assert len(asked) == 10  # create and write on each of the five tables the flows write
    assert (
        "api/qracore/permissionState?uri=urn:view:hybridbrowse:com.qad.erp.base.supplierV2s"
        "&action=CREATE"
    ) in asked
    assert len(report.checks) == 34

    world.sim.faults.add(Fault.http_status(404), path=r"/api/erp/items$", times=None)
    world.sim.faults.add(
        Fault.http_status(404),
        path="/api/qracore/browses",
        predicate=lambda r: r.url.params.get("browseId", "").endswith("openReceivers"),
        times=None,
    )
    report = client.validate()
    assert not report.ok
    assert report.missing == (
        "items: GET api/erp/items",
        "open_receivers: GET api/qracore/browses?browseId="
        "urn:browse:bebrowse:com.qad.erp.purchasing.openReceivers",
    )
    assert len(report.checks) == 34
    assert "2 of 34 QAD paths failed" in str(report)


def test_validate_reports_permissions_and_what_it_could_not_check() -> None:
    world = make_world(permissions=["supplierV2s", "items:read"])
    report = world.client().validate()
    assert not report.ok
    forbidden = {c.resource for c in report.problems if c.status == 403}
    assert "purchase_orders" in forbidden
    assert "suppliers" not in forbidden
    assert "items" not in forbidden
    assert report.missing == ()
    grid = next(c for c in report.checks if c.path.endswith("LinesGrid"))
    assert grid.note is not None
    assert grid.ok


def test_validate_names_each_missing_write_and_create_permission() -> None:
    readable = ["supplierV2s:read", "purchaseOrderHeaders:read", "purchaseOrderReceipts"]
    world = make_world(permissions=[*readable, "supplierInvoices", "supplierPayments", "items"])
    report = world.client().validate()
    denied = [
        (c.resource, c.problem)
        for c in report.problems
        if "permissionState" in c.path and c.status == 200
    ]
    view = "urn:view:hybridbrowse:com.qad.erp."
    assert denied == [
        ("suppliers", f"no CREATE permission on {view}base.supplierV2s"),
        ("suppliers", f"no WRITE permission on {view}base.supplierV2s"),
        ("purchase_orders", f"no CREATE permission on {view}purchasing.purchaseOrders"),
        ("purchase_orders", f"no WRITE permission on {view}purchasing.purchaseOrders"),
    ]
    assert "no CREATE permission on" in str(report)


# --- concurrency and duplicates ---------------------------------------------------------------


def test_updates_echo_the_concurrency_hash_and_a_stale_copy_conflicts() -> None:
    world = make_world()
    client = world.client()
    current = client.suppliers.get(world.seed.suppliers[0])
    assert current.concurrency_hash
    saved = client.suppliers.update(attrs.evolve(current, name="Renamed Ltd.")).record
    sent = json.loads(world.recorder.requests[-1].content)["supplierV2s"][0]
    assert sent["concurrencyHash"] == current.concurrency_hash
    assert sent["dataOperation"] == ""  # re-POSTed as read: no "U" on the wire
    keys = world.recorder.requests[-1].url.params
    assert keys["supplierCode"] == current.code
    assert saved.name == "Renamed Ltd."
    assert saved.concurrency_hash != current.concurrency_hash
    with pytest.raises(QADConflict, match="changed by another user") as caught:
        client.suppliers.update(attrs.evolve(current, city="Elsewhere"))
    assert isinstance(caught.value, Conflict)
    assert caught.value.errors[0].field == "concurrencyHash"
    assert client.suppliers.get(current.code).name == "Renamed Ltd."
    listed = next(s for s in client.suppliers.list() if s.code == current.code)
    with pytest.raises(QADConfigurationError, match="no concurrencyHash"):
        client.suppliers.update(listed)


def test_purchase_order_header_update_keeps_the_lines() -> None:
    world = make_world()
    client = world.client()
    made = client.purchase_orders.create(_order(world, _line(world), _line(world))).record
    saved = client.purchase_orders.update(attrs.evolve(made, remarks="rush")).record
    assert saved.remarks == "rush"
    assert len(client.purchase_orders.get(made.number).lines) == 2
    with pytest.raises(QADConflict):
        client.purchase_orders.update(attrs.evolve(made, remarks="late"))


def test_creating_an_existing_key_is_a_duplicate() -> None:
    world = make_world()
    client = world.client()
    with pytest.raises(QADDuplicate) as caught:
        client.suppliers.create(
            NewSupplier(code=world.seed.suppliers[0], name="Again", currency="USD")
        )
    assert caught.value.errors[0].field == "supplierCode"
    assert isinstance(caught.value, QADConflict)
    client.purchase_orders.create(_order(world, number="PO-DUP"))
    with pytest.raises(QADDuplicate, match="already exists"):
        client.purchase_orders.create(_order(world, number="PO-DUP"))


# --- business rules ---------------------------------------------------------------------------


def _analysis_account(world: World, kind: AnalysisType) -> str:
    client = world.client()
    return next(a.code for a in client.gl_accounts.list() if a.analysis_type == kind)


RULES: list[tuple[str, Callable[[World], NewPurchaseOrder], set[str]]] = [
    ("unknown supplier", lambda w: _order(w, supplier="NOPE"), {"supplierCode"}),
    ("unknown item", lambda w: _order(w, _line(w, item="NOPE")), {"itemCode"}),
    ("zero quantity", lambda w: _order(w, _line(w, quantity_ordered=D(0))), {"quantityOrdered"}),
    ("negative cost", lambda w: _order(w, _line(w, purchase_cost=D(-1))), {"purchaseCost"}),
    ("unknown site", lambda w: _order(w, _line(w, site="NOPE")), {"siteCode"}),
    ("unknown currency", lambda w: _order(w, currency="ZZZ"), {"currencyCode"}),
    ("unknown account", lambda w: _order(w, _line(w, gl_account="NOPE")), {"glAccountCode"}),
    (
        "cost centre not allowed",
        lambda w: _order(w, _line(w, gl_account="5000", cost_centre=w.seed.cost_centres[0])),
        {"costCentreCode"},
    ),
    (
        "cost centre required",
        lambda w: _order(w, _line(w, gl_account=_analysis_account(w, AnalysisType.COST_CENTRE))),
        {"costCentreCode"},
    ),
    (
        "project required",
        lambda w: _order(w, _line(w, gl_account=_analysis_account(w, AnalysisType.PROJECT))),
        {"projectCode"},
    ),
    (
        "both required",
        lambda w: _order(w, _line(w, gl_account=_analysis_account(w, AnalysisType.BOTH))),
        {"costCentreCode", "projectCode"},
    ),
]


@pytest.mark.parametrize(("rule", "build", "fields"), RULES, ids=[r[0] for r in RULES])
def test_each_purchase_order_rule_is_a_validation_error_naming_its_fields(
    rule: str, build: Callable[[World], NewPurchaseOrder], fields: set[str]
) -> None:
    world = make_world(gl_accounts=12)
    client = world.client()
    with pytest.raises(QADValidationError) as caught:
        client.purchase_orders.create(build(world))
    assert isinstance(caught.value, ValidationError)
    assert {e.field for e in caught.value.errors} == fields, rule
    assert all(e.message and e.code for e in caught.value.errors)
    assert list(client.purchase_orders.list()) == []  # nothing was saved


def test_analysis_codes_that_satisfy_the_account_are_accepted() -> None:
    world = make_world(gl_accounts=12)
    client = world.client()
    both = _analysis_account(world, AnalysisType.BOTH)
    account = client.gl_accounts.get(both)
    assert account.requires_cost_centre
    assert account.requires_project
    line = _line(
        world,
        gl_account=both,
        cost_centre=world.seed.cost_centres[0],
        project=world.seed.projects[0],
    )
    saved = client.purchase_orders.create(_order(world, line)).record.lines[0]
    assert (saved.gl_account, saved.cost_centre, saved.project) == (
        both,
        world.seed.cost_centres[0],
        world.seed.projects[0],
    )


def test_warnings_come_back_on_the_result() -> None:
    world = make_world()
    early = _line(world, due_date=ORDERED - dt.timedelta(days=3))
    result = world.client().purchase_orders.create(_order(world, early))
    assert result.record.lines[0].due_date == ORDERED - dt.timedelta(days=3)
    assert [w.field for w in result.warnings] == ["dueDate"]
    assert "before the order date" in result.warnings[0].message


def test_receipt_and_invoice_rules_name_their_fields() -> None:
    world = make_world()
    client = world.client()
    order = client.purchase_orders.create(_order(world, _line(world))).record
    receipts = client.purchase_order_receipts
    with pytest.raises(QADValidationError) as over:
        receipts.create(
            NewReceipt(
                po_number=order.number,
                receipt_date=ORDERED,
                lines=[NewReceiptLine(po_line=1, quantity=D(5))],
            )
        )
    assert [e.field for e in over.value.errors] == ["quantityReceived"]
    assert "exceeds the open quantity" in over.value.errors[0].message
    expense = NewSupplierInvoice(
        supplier=world.seed.suppliers[0],
        reference="EXP-1",
        invoice_date=ORDERED,
        currency="USD",
        expense_lines=[NewExpenseLine(gl_account="5000", amount=D("99.10"))],
        total=D("100"),
    )
    with pytest.raises(QADValidationError) as total:
        client.supplier_invoices.create(expense)
    assert [e.field for e in total.value.errors] == ["totalAmountTC"]
    saved = client.supplier_invoices.create(attrs.evolve(expense, total=None)).record
    assert saved.total == D("99.10")
    assert saved.expense_lines[0].gl_account == "5000"
    assert saved.matching_lines == ()


# --- the line grid ----------------------------------------------------------------------------


def test_add_line_runs_initialize_field_change_and_commit() -> None:
    world = make_world()
    client = world.client()
    order = client.purchase_orders.create(_order(world)).record
    world.recorder.requests.clear()
    item = world.seed.items[1]
    result = client.purchase_orders.add_line(
        order.number,
        NewPurchaseOrderLine(
            item=item,
            quantity_ordered=D("7"),
            purchase_cost=D("3.25"),
            site="10-100",
            description="Custom text",
        ),
    )
    line = result.record
    assert (line.line, line.item, line.quantity_ordered, line.purchase_cost) == (
        2,
        item,
        D("7"),
        D("3.25"),
    )
    assert line.description == "Custom text"
    assert line.gl_account == "5000"  # defaulted from the item by fieldChange
    assert line.unit_of_measure  # defaulted too
    requests = world.recorder.requests
    assert [f"{r.method} {r.url.path.rsplit('/erp/', 1)[1]}" for r in requests] == [
        "GET purchaseOrderLinesGrid",
        "POST purchaseOrderLines/fieldChangeV2",
        "POST purchaseOrderLines/fieldChangeV2",
        "POST purchaseOrderLines/fieldChangeV2",
        "POST purchaseOrderLines/fieldChangeV2",
        "POST purchaseOrderLinesGrid",
    ]
    assert requests[0].url.params["initialize"] == "true"
    assert requests[0].url.params["purchaseOrderNumber"] == order.number
    assert [r.url.params["fieldName"] for r in requests[1:5]] == [
        "siteCode",
        "itemCode",
        "quantityOrdered",
        "purchaseCost",
    ]
    committed = json.loads(requests[-1].content)["purchaseOrderLines"][0]
    assert committed["dataOperation"] == "C"
    assert committed["purchaseOrderLine"] == 2
    assert committed["description"] == "Custom text"
    assert [x.line for x in client.purchase_orders.get(order.number).lines] == [1, 2]


def test_a_field_change_refusal_stops_before_the_commit() -> None:
    world = make_world()
    client = world.client()
    order = client.purchase_orders.create(_order(world)).record
    world.recorder.requests.clear()
    with pytest.raises(QADValidationError) as caught:
        client.purchase_orders.add_line(order.number, _line(world, item="NOPE"))
    assert [e.field for e in caught.value.errors] == ["itemCode"]
    assert world.recorder.requests[-1].url.params["fieldName"] == "itemCode"
    assert not any(
        r.method == "POST" and r.url.path.endswith("LinesGrid") for r in world.recorder.requests
    )
    with pytest.raises(QADNotFound):
        client.purchase_orders.add_line("NO-SUCH-PO", _line(world))


# --- browses ----------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count=st.integers(0, 23), page_size=st.integers(1, 8))
def test_browse_paging_yields_each_record_exactly_once(count: int, page_size: int) -> None:
    world = make_world(purchase_orders=count, lines_per_order=1)
    client = world.client(client_id=world.sim.client_id(TENANT))
    numbers = [po.number for po in client.purchase_orders.list(page_size=page_size)]
    assert sorted(numbers) == sorted(world.seed.purchase_orders)
    assert len(numbers) == len(set(numbers)) == count
    browses = [r for r in world.recorder.requests if r.url.path.endswith("/browses")]
    assert len(browses) == max(1, math.ceil(count / page_size))
    pages = list(client.purchase_orders.list(page_size=page_size).pages())
    assert [len(p.items) for p in pages[:-1]] == [page_size] * (len(pages) - 1)
    assert all(p.total is None for p in pages)  # a browse page carries no count


def test_counts_come_from_browses_total_count() -> None:
    world = make_world(suppliers=7)
    client = world.client()
    assert client.suppliers.count() == 7
    first = world.seed.suppliers[1]
    assert client.suppliers.count(filters=[Filter("code", "le", first)]) == 2
    counted = [r for r in world.recorder.requests if r.url.path.endswith("/totalCount")]
    assert [r.url.params["browseId"] for r in counted] == [n.SUPPLIER.browse_id] * 2
    assert len(list(client.suppliers.list(page_size=100_000))) == 7


def test_modified_since_reads_only_what_changed() -> None:
    world = make_world()
    client = world.client()
    start = world.clock.now()
    world.clock.advance(3600)
    first = client.purchase_orders.create(_order(world)).record
    world.clock.advance(3600)
    cursor = world.clock.now()
    second = client.purchase_orders.create(_order(world)).record
    world.clock.advance(60)
    client.suppliers.update(
        attrs.evolve(client.suppliers.get(world.seed.suppliers[2]), name="Changed")
    )
    assert [p.number for p in client.purchase_orders.list(modified_since=start)] == [
        first.number,
        second.number,
    ]
    assert [p.number for p in client.purchase_orders.list(modified_since=cursor)] == [second.number]
    assert [s.code for s in client.suppliers.list(modified_since=cursor)] == [
        world.seed.suppliers[2]
    ]
    later = world.clock.now() + dt.timedelta(seconds=1)
    assert list(client.suppliers.list(modified_since=later)) == []
    browse = [r for r in world.recorder.requests if r.url.path.endswith("/browses")][-1]
    assert browse.url.params.get_list("filter")[-1].startswith(
        "supplierV2.lastModifiedDateTime,ge,"
    )


def test_list_filters_narrow_the_browse() -> None:
    world = make_world(purchase_orders=6)
    client = world.client()
    supplier = client.purchase_orders.get(world.seed.purchase_orders[0]).supplier
    chosen = list(client.purchase_orders.list(supplier=supplier, status=OrderStatus.OPEN))
    assert chosen
    assert {p.supplier for p in chosen} == {supplier}
    ranged = list(
        client.purchase_orders.list(
            filters=[Filter("number", "rg", world.seed.purchase_orders[1], "PO000003")]
        )
    )
    assert [p.number for p in ranged] == ["PO000002", "PO000003"]
    assert list(client.suppliers.list(active=False)) == []
    assert len(list(client.cost_centres.list())) == 2
    assert len(list(client.sub_accounts.list(active=True))) == 2
    assert client.projects.get(world.seed.projects[0]).code == world.seed.projects[0]
    assert client.items.get(world.seed.items[0]).is_active


def test_find_by_external_reference() -> None:
    world = make_world()
    client = world.client()
    assert client.purchase_orders.find_by_external_reference("procurify:po:1") is None
    made = client.purchase_orders.create(
        _order(world, _line(world), _line(world), external_reference="procurify:po:1")
    ).record
    found = client.purchase_orders.find_by_external_reference("procurify:po:1")
    assert found is not None
    assert found.number == made.number
    assert len(found.lines) == 2  # re-read whole, not the flat browse row
    supplier = client.suppliers.create(
        NewSupplier(code="NEW-1", name="New Co", currency="USD", external_reference="procore:v:9")
    ).record
    assert client.suppliers.find_by_external_reference("procore:v:9") == attrs.evolve(
        supplier, concurrency_hash="", modified_by=""
    )
    assert client.suppliers.find_by_external_reference("procore:v:10") is None
    with pytest.raises(QADNotFound, match="NOPE"):
        client.suppliers.get("NOPE")


def test_records_read_through_the_sync_client_are_typed() -> None:
    world = make_world(purchase_orders=1)
    client: QADClient = world.client()
    order = client.purchase_orders.get(world.seed.purchase_orders[0])
    assert isinstance(order.order_date, dt.date)
    assert isinstance(order.modified_at, dt.datetime)
    assert order.modified_at.tzinfo is not None
    assert all(isinstance(line.quantity_ordered, Decimal) for line in order.lines)
    assert order.status is OrderStatus.OPEN
    assert all(line.status is OrderStatus.OPEN for line in order.lines)


def _received(world: World) -> tuple[QADClient, str, str]:
    client = world.client()
    order = client.purchase_orders.create(
        _order(world, _line(world, quantity_ordered=D("5"), purchase_cost=D("10")))
    ).record
    receipt = client.purchase_order_receipts.create(
        NewReceipt(
            po_number=order.number,
            receipt_date=ORDERED,
            lines=[NewReceiptLine(po_line=1, quantity=D("5"))],
        )
    ).record
    return client, order.number, receipt.receiver


INVOICE_RULES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("over match", {"quantity": D("6")}, {}, "matchQuantity"),
    ("price outside tolerance", {"unit_price": D("10.50")}, {}, "matchUnitPrice"),
    ("unknown receiver", {"receiver": "RC-NOPE"}, {}, "receiverNumber"),
    ("other supplier", {}, {"supplier": 1}, "purchaseOrderNumber"),
    ("other currency", {}, {"currency": "EUR"}, "purchaseOrderNumber"),
    ("total off", {}, {"total": D("49")}, "totalAmountTC"),
]


@pytest.mark.parametrize(
    ("rule", "match", "header", "field"), INVOICE_RULES, ids=[r[0] for r in INVOICE_RULES]
)
def test_each_invoice_rule_is_a_validation_error_naming_its_field(
    rule: str, match: dict[str, Any], header: dict[str, Any], field: str
) -> None:
    world = make_world()
    client, po_number, receiver = _received(world)
    line: dict[str, Any] = {
        "po_number": po_number,
        "po_line": 1,
        "receiver": receiver,
        "quantity": D("5"),
        "unit_price": D("10"),
    }
    line.update(match)
    values: dict[str, Any] = {
        "supplier": world.seed.suppliers[0],
        "reference": "INV-R",
        "invoice_date": ORDERED,
        "currency": "USD",
        "matching_lines": [NewMatchingLine(**line)],
    }
    values.update(header)
    if "supplier" in header:
        values["supplier"] = world.seed.suppliers[header["supplier"]]
    with pytest.raises(QADValidationError) as caught:
        client.supplier_invoices.create(NewSupplierInvoice(**values))
    assert [e.field for e in caught.value.errors] == [field], rule
    assert list(client.supplier_invoices.list()) == []
    (still,) = client.open_receivers.list(receiver=receiver)
    assert still.open_quantity == D("5")  # a refused invoice matches nothing


def test_confirmations_beside_a_successful_write_are_surfaced_not_raised() -> None:
    world = make_world()
    client = world.client()
    defaulted = client.purchase_orders.create(_order(world))
    assert defaulted.confirmations == (f"Due date defaults to the order date {ORDERED}.",)
    assert defaulted.record.due_date == ORDERED
    dated = client.purchase_orders.create(_order(world, due_date=ORDERED + dt.timedelta(days=9)))
    assert dated.confirmations == ()


def test_a_supplier_create_sets_its_domain_record_in_a_second_call() -> None:
    world = make_world()
    client = world.client()
    sent = len(world.recorder.requests)
    new = NewSupplier(code="TWO1", name="Two Calls", currency="USD", daybook_set="DBS1")
    made = client.suppliers.create(new)
    assert made.record.code == "TWO1"
    calls = [
        (r.method, r.url.path.removeprefix("/clouderp"), dict(r.url.params))
        for r in world.recorder.requests[sent:]
        if "/api/erp/" in r.url.path
    ]
    view = "urn:be:com.qad.base.supplier.IMfgSupplier"
    keys = {"domainContext": DOMAIN, "supplierCode": "TWO1"}
    assert calls == [
        ("POST", "/api/erp/supplierV2s", {"viewUri": n.SUPPLIER.view_uri}),
        ("GET", "/api/erp/mfgSuppliers", keys),
        ("POST", "/api/erp/mfgSuppliers", {**keys, "viewUri": view}),
    ]
    stored = world.sim.state(TENANT).mfg_suppliers.get(DOMAIN, "TWO1")
    assert stored is not None
    assert stored.daybook_set == "DBS1"
    assert stored.site  # kept as QAD made it
    sent = len(world.recorder.requests)
    client.suppliers.create(NewSupplier(code="ONE1", name="One Call", currency="USD"))
    assert [r.url.path for r in world.recorder.requests[sent:]] == ["/clouderp/api/erp/supplierV2s"]

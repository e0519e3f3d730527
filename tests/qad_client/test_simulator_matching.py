"""The QAD simulator's three-way match, receipts and payments, driven with plain httpx."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlconnector_http.testing import FakeClock
from qad_client.testing import QADSimulator, Tolerances

from .test_simulator_support import login, problems, remove, write

OPEN_RECEIVERS = "urn:browse:bebrowse:com.qad.erp.purchasing.openReceivers"
LINES = [("ITM00001", "10", "5.00"), ("ITM00002", "4", "12.50")]


def build(tolerances: Tolerances | None = None) -> QADSimulator:
    sim = QADSimulator(clock=FakeClock(), tolerances=tolerances)
    sim.add_tenant("acme", domains={"10USA": "10USACO", "11CAN": "11CANCO"})
    sim.add_user("acme", "alice", "secret")
    sim.seed("acme", suppliers=3, items=3, cost_centres=2)
    sim.seed("acme", domain="11CAN", items=3)
    return sim


@pytest.fixture
def sim() -> QADSimulator:
    return build()


@pytest.fixture
def api(sim: QADSimulator) -> Iterator[httpx.Client]:
    with login(sim) as client:
        yield client


def saved(reply: Any, plural: str) -> dict[str, Any]:
    assert reply["submitResult"]["success"] is True, reply["submitResult"]
    record: dict[str, Any] = reply[plural][0]
    return record


def order(api: httpx.Client, supplier: str = "SUP00001", **params: str) -> str:
    lines = [
        {"itemCode": item, "quantityOrdered": qty, "purchaseCost": cost}
        for item, qty, cost in LINES
    ]
    header = {"supplierCode": supplier, "purchaseOrderLines": lines}
    number: str = saved(
        write(api, "purchaseOrderHeaders", header, **params), "purchaseOrderHeaders"
    )["purchaseOrderNumber"]
    return number


def receive(api: httpx.Client, po: str, quantities: dict[int, str], **extra: Any) -> Any:
    lines = [{"purchaseOrderLine": line, "quantityReceived": q} for line, q in quantities.items()]
    body = {"purchaseOrderNumber": po, "lines": lines, **extra}
    return write(api, "purchaseOrderReceipts", body)


def receiver(api: httpx.Client, po: str, quantities: dict[int, str]) -> str:
    number: str = saved(receive(api, po, quantities), "purchaseOrderReceipts")["receiverNumber"]
    return number


def match(po: str, line: int, rc: str, qty: str, price: str, **extra: Any) -> dict[str, Any]:
    return {
        "purchaseOrderNumber": po,
        "purchaseOrderLine": line,
        "receiverNumber": rc,
        "matchQuantity": qty,
        "matchUnitPrice": price,
        **extra,
    }


def invoice(
    api: httpx.Client,
    reference: str,
    *matches: dict[str, Any],
    supplier: str = "SUP00001",
    **extra: Any,
) -> Any:
    body = {
        "supplierCode": supplier,
        "supplierInvoiceReference": reference,
        "matchingLines": list(matches),
        **extra,
    }
    return write(api, "supplierInvoices", body)


def po_line(api: httpx.Client, po: str, line: int) -> dict[str, Any]:
    params = {"purchaseOrderNumber": po, "purchaseOrderLine": str(line)}
    found: dict[str, Any] = api.get("/api/erp/purchaseOrderLines", params=params).json()["data"][
        "purchaseOrderLines"
    ][0]
    return found


def open_receivers(api: httpx.Client) -> dict[tuple[str, int], str]:
    page = api.get("/api/qracore/browses", params={"browseId": OPEN_RECEIVERS, "pageSize": 1000})
    return {
        (r["openReceiver.receiverNumber"], r["openReceiver.purchaseOrderLine"]): r[
            "openReceiver.openQuantity"
        ]
        for r in page.json()["data"]
    }


# --- receipts ----------------------------------------------------------------------------------


def test_a_receipt_opens_a_receiver_per_line(api: httpx.Client) -> None:
    po = order(api)
    reply = receive(api, po, {1: "4", 2: "4"})
    receipt = saved(reply, "purchaseOrderReceipts")
    assert receipt["receiverNumber"] == "RC000001"
    assert receipt["supplierCode"] == "SUP00001"
    assert [x["itemCode"] for x in receipt["lines"]] == ["ITM00001", "ITM00002"]
    assert open_receivers(api) == {("RC000001", 1): "4", ("RC000001", 2): "4"}
    assert po_line(api, po, 1)["quantityReceived"] == "4"
    received = api.get(
        "/api/erp/purchaseOrderLines/isReceivedPurchaseOrderLineV2",
        params={"purchaseOrderNumber": po, "purchaseOrderLine": "1"},
    )
    assert received.json()["data"]["isReceivedPurchaseOrderLine"] is True


def test_over_receipt_is_an_error_unless_tolerated(sim: QADSimulator, api: httpx.Client) -> None:
    po = order(api)
    receiver(api, po, {1: "6"})
    over = receive(api, po, {1: "5"})
    assert problems(over) == [
        ("quantityReceived", f"Quantity 5 exceeds the open quantity 4 on PO line {po}/1.")
    ]
    sim.set_tolerances("acme", Tolerances(over_receipt_pct=Decimal(10)))
    saved(receive(api, po, {1: "5"}), "purchaseOrderReceipts")
    assert problems(receive(api, po, {1: "0.01"}))[0][0] == "quantityReceived"


def test_receipt_rules(api: httpx.Client) -> None:
    po = order(api)
    cases: list[tuple[Any, tuple[str, str]]] = [
        (
            receive(api, "NOPE", {1: "1"}),
            ("purchaseOrderNumber", "Purchase order NOPE does not exist."),
        ),
        (
            receive(api, po, {9: "1"}),
            ("purchaseOrderLine", f"Purchase order line {po}/9 does not exist."),
        ),
        (
            receive(api, po, {1: "0"}),
            ("quantityReceived", "Quantity received must be greater than zero."),
        ),
        (receive(api, po, {}), ("lines", "A receipt needs at least one line.")),
        (
            receive(api, po, {1: "1"}, supplierCode="SUP00002"),
            (
                "supplierCode",
                f"Purchase order {po} belongs to supplier SUP00001, not to supplier SUP00002.",
            ),
        ),
    ]
    for reply, expected in cases:
        assert problems(reply) == [expected]
    mismatch = write(
        api,
        "purchaseOrderReceipts",
        {
            "purchaseOrderNumber": po,
            "lines": [{"purchaseOrderLine": 1, "itemCode": "ITM00003", "quantityReceived": 1}],
        },
    )
    assert problems(mismatch)[0][0] == "itemCode"
    twice = write(
        api,
        "purchaseOrderReceipts",
        {"purchaseOrderNumber": po, "lines": [{"purchaseOrderLine": 1, "quantityReceived": 1}] * 2},
    )
    assert problems(twice) == [("purchaseOrderLine", f"PO line {po}/1 appears more than once.")]
    named = receive(api, po, {1: "1"}, receiverNumber="R-1")
    assert saved(named, "purchaseOrderReceipts")["receiverNumber"] == "R-1"
    assert "already exists" in problems(receive(api, po, {1: "1"}, receiverNumber="r-1"))[0][1]
    change = write(api, "purchaseOrderReceipts", {"purchaseOrderNumber": po}, receiverNumber="R-1")
    assert problems(change)[0][0] == "dataOperation"


def test_closed_orders_cannot_be_received_or_deleted_once_received(api: httpx.Client) -> None:
    po = order(api)
    receiver(api, po, {1: "1"})
    current = api.get("/api/erp/purchaseOrderHeaders", params={"purchaseOrderNumber": po}).json()
    record = current["data"]["purchaseOrderHeaders"][0]
    delete = {"purchaseOrderNumber": po, "concurrencyHash": record["concurrencyHash"]}
    assert "has receipts" in problems(remove(api, "purchaseOrderHeaders", **delete))[0][1]
    close = {**delete, "orderStatus": "C"}
    saved(write(api, "purchaseOrderHeaders", close, purchaseOrderNumber=po), "purchaseOrderHeaders")
    assert problems(receive(api, po, {2: "1"})) == [
        ("purchaseOrderNumber", f"Purchase order {po} is not open.")
    ]


# --- three-way match ---------------------------------------------------------------------------


def test_invoice_before_receipt_has_no_open_receiver(api: httpx.Client) -> None:
    po = order(api)
    reply = invoice(api, "INV-1", match(po, 1, "", "1", "5.00"))
    assert problems(reply) == [("receiverNumber", f"No open receiver for PO line {po}/1.")]
    named = invoice(api, "INV-1", match(po, 1, "RC000001", "1", "5.00"))
    assert problems(named) == [
        ("receiverNumber", f"No open receiver for PO line {po}/1 on receiver RC000001.")
    ]


def test_a_match_consumes_the_receiver_and_invoices_the_po_line(api: httpx.Client) -> None:
    po = order(api)
    rc = receiver(api, po, {1: "6", 2: "4"})
    reply = invoice(
        api,
        "INV-1",
        match(po, 1, rc, "4", "5.00"),
        match(po, 2, rc, "1", "12.50"),
        taxAmountTC="2.25",
    )
    created = saved(reply, "supplierInvoices")
    assert created["totalAmountTC"] == "34.75"
    assert created["balanceTC"] == "34.75"
    assert (created["status"], created["isOpen"]) == ("MATCHED", True)
    assert created["entityCode"] == "10USACO"
    assert created["dueDate"] > created["invoiceDate"]
    assert open_receivers(api) == {(rc, 1): "2", (rc, 2): "3"}
    line = po_line(api, po, 1)
    assert (line["quantityReceived"], line["quantityInvoiced"]) == ("6", "4")
    rest = invoice(api, "INV-2", match(po, 1, rc, "2", "5.00"))
    saved(rest, "supplierInvoices")
    assert (rc, 1) not in open_receivers(api)
    assert po_line(api, po, 1)["quantityInvoiced"] == "6"


def test_match_quantity_cannot_exceed_the_open_quantity(api: httpx.Client) -> None:
    po = order(api)
    rc = receiver(api, po, {1: "3"})
    over = invoice(api, "INV-1", match(po, 1, rc, "4", "5.00"))
    assert problems(over) == [
        (
            "matchQuantity",
            f"Match quantity 4 exceeds the open quantity 3 of receiver {rc} on PO line {po}/1.",
        )
    ]
    split = invoice(api, "INV-1", match(po, 1, rc, "2", "5.00"), match(po, 1, rc, "2", "5.00"))
    assert [f for f, _ in problems(split)] == ["matchQuantity"]
    assert open_receivers(api) == {(rc, 1): "3"}


def test_receiver_must_belong_to_the_po_line_and_supplier(api: httpx.Client) -> None:
    po = order(api)
    other = order(api, supplier="SUP00002")
    rc = receiver(api, po, {1: "3"})
    receiver(api, other, {1: "3"})
    wrong_line = invoice(api, "INV-1", match(po, 2, rc, "1", "12.50"))
    assert problems(wrong_line)[0] == (
        "receiverNumber",
        f"No open receiver for PO line {po}/2 on receiver {rc}.",
    )
    blank = invoice(api, "INV-1", match(po, 1, "", "1", "5.00"))
    assert problems(blank) == [("receiverNumber", "Receiver number is required.")]
    foreign = invoice(api, "INV-1", match(other, 1, "RC000002", "1", "5.00"))
    assert problems(foreign) == [
        (
            "purchaseOrderNumber",
            f"Purchase order {other} belongs to supplier SUP00002, not to supplier SUP00001.",
        )
    ]


@pytest.mark.parametrize(
    ("tolerances", "price", "outcome"),
    [
        (Tolerances(), "5.00", "MATCHED"),
        (Tolerances(), "5.01", "error"),
        (Tolerances(price_pct=Decimal(1)), "5.05", "MATCHED"),
        (Tolerances(price_pct=Decimal(1)), "4.94", "error"),
        (Tolerances(price_amount=Decimal("0.10")), "5.10", "MATCHED"),
        (Tolerances(price_amount=Decimal("0.10"), price_pct=Decimal(5)), "5.25", "MATCHED"),
        (Tolerances(strict_price=False), "6.00", "HOLD"),
    ],
)
def test_unit_price_must_be_within_tolerance(
    tolerances: Tolerances, price: str, outcome: str
) -> None:
    sim = build(tolerances)
    with login(sim) as api:
        po = order(api)
        rc = receiver(api, po, {1: "2"})
        reply = invoice(api, "INV-1", match(po, 1, rc, "1", price))
    if outcome == "error":
        ((field, message),) = problems(reply)
        assert field == "matchUnitPrice"
        assert "differs from the PO price 5.00" in message
        return
    result = reply["submitResult"]
    assert result["success"] is True
    assert reply["supplierInvoices"][0]["status"] == outcome
    if outcome == "HOLD":
        assert result["errorSeverity"] == 1
        assert result["errors"][0]["severity"] == 1


def test_pvod_finished_closes_the_receiver_line(api: httpx.Client) -> None:
    po = order(api)
    rc = receiver(api, po, {1: "4"})
    saved(
        invoice(api, "INV-1", match(po, 1, rc, "2", "5.00", isPvodFinished=True)),
        "supplierInvoices",
    )
    assert open_receivers(api) == {}
    later = invoice(api, "INV-2", match(po, 1, rc, "1", "5.00"))
    assert problems(later)[0][0] == "receiverNumber"


def test_invoice_reference_is_unique_per_entity_supplier_and_type(api: httpx.Client) -> None:
    expense = {"expenseLines": [{"glAccountCode": "5000", "amountTC": "10"}]}
    saved(invoice(api, "INV-9", **expense), "supplierInvoices")
    again = invoice(api, "inv-9", **expense)
    assert problems(again) == [
        (
            "supplierInvoiceReference",
            "Supplier invoice reference inv-9 already exists for supplier SUP00001, invoice type "
            "INVOICE in entity 10USACO (CInvoiceForDuplicateReference).",
        )
    ]
    credit = saved(invoice(api, "INV-9", invoiceType="CREDITNOTE", **expense), "supplierInvoices")
    assert (credit["supplierInvoiceReference"], credit["invoiceType"]) == ("INV-9", "CREDITNOTE")
    twice = invoice(api, "INV-9", invoiceType="CREDITNOTE", **expense)
    assert "CREDITNOTE" in problems(twice)[0][1]
    saved(invoice(api, "INV-9", supplier="SUP00002", **expense), "supplierInvoices")
    canada = {"x-qad-workspace-id": "11CAN_11CANCO"}
    body = {"supplierCode": "SUP00001", "supplierInvoiceReference": "INV-9", **expense}
    other_entity = api.post(
        "/api/erp/supplierInvoices", json={"supplierInvoices": [body]}, headers=canada
    )
    assert saved(other_entity.json(), "supplierInvoices")["entityCode"] == "11CANCO"


def test_invoice_header_rules(api: httpx.Client) -> None:
    saved(write(api, "glAccounts", {"glCode": "7000", "analysisType": "CostCentre"}), "glAccounts")
    no_lines = invoice(api, "A")
    assert problems(no_lines) == [("matchingLines", "A supplier invoice needs at least one line.")]
    needs_cc = invoice(api, "A", expenseLines=[{"glAccountCode": "7000", "amountTC": "10"}])
    assert problems(needs_cc) == [("costCentreCode", "GL account 7000 requires a cost centre.")]
    wrong_total = invoice(
        api, "A", expenseLines=[{"glAccountCode": "5000", "amountTC": "10"}], totalAmountTC="11"
    )
    assert problems(wrong_total) == [
        ("totalAmountTC", "Total 11 does not equal the sum of the lines 10.")
    ]
    no_ref = invoice(api, "", expenseLines=[{"glAccountCode": "5000", "amountTC": "10"}])
    assert problems(no_ref)[0][0] == "supplierInvoiceReference"
    entity = invoice(
        api, "A", expenseLines=[{"glAccountCode": "5000", "amountTC": "1"}], entityCode="11CANCO"
    )
    assert problems(entity)[0][0] == "entityCode"
    ok = invoice(
        api,
        "A",
        expenseLines=[{"glAccountCode": "7000", "costCentreCode": "CC0001", "amountTC": "10"}],
        totalAmountTC="10.00",
    )
    assert saved(ok, "supplierInvoices")["status"] == "INITIAL"


def test_deleting_an_invoice_reopens_its_receivers(api: httpx.Client) -> None:
    po = order(api)
    rc = receiver(api, po, {1: "4"})
    created = saved(
        invoice(api, "INV-1", match(po, 1, rc, "4", "5.00", isPvodFinished=True)),
        "supplierInvoices",
    )
    assert open_receivers(api) == {}
    key = {
        "supplierInvoiceId": created["supplierInvoiceId"],
        "concurrencyHash": created["concurrencyHash"],
    }
    by_id = {"supplierInvoiceId": str(created["supplierInvoiceId"])}
    change = write(api, "supplierInvoices", {**key, "dueDate": "2026-03-01"}, **by_id)
    changed = saved(change, "supplierInvoices")
    assert changed["dueDate"] == "2026-03-01"
    fixed = write(
        api,
        "supplierInvoices",
        {
            **key,
            "concurrencyHash": changed["concurrencyHash"],
            "totalAmountTC": "1",
        },
        **by_id,
    )
    assert problems(fixed)[0][0] == "totalAmountTC"
    echo = {**changed, "remarks": "unknown fields are ignored"}
    echoed = saved(write(api, "supplierInvoices", echo, **by_id), "supplierInvoices")
    saved(
        remove(api, "supplierInvoices", **by_id, concurrencyHash=echoed["concurrencyHash"]),
        "supplierInvoices",
    )
    assert open_receivers(api) == {(rc, 1): "4"}
    assert po_line(api, po, 1)["quantityInvoiced"] == "0"


# --- payments ----------------------------------------------------------------------------------


def payment(api: httpx.Client, *allocations: dict[str, Any], **extra: Any) -> Any:
    body = {
        "supplierCode": "SUP00001",
        "bankGLAccount": "1010",
        "allocations": list(allocations),
        **extra,
    }
    return write(api, "supplierPayments", body)


def test_payments_reduce_the_balance_and_close_the_invoice(api: httpx.Client) -> None:
    expense = {"expenseLines": [{"glAccountCode": "5000", "amountTC": "100.00"}]}
    inv = saved(invoice(api, "INV-1", **expense), "supplierInvoices")
    first = saved(
        payment(api, {"supplierInvoiceId": inv["supplierInvoiceId"], "amountTC": "40"}),
        "supplierPayments",
    )
    assert first["paymentNumber"] == "2026000001"
    assert (first["amountTC"], first["status"]) == ("40", "PAID")
    assert first["allocations"][0]["supplierInvoiceReference"] == "INV-1"
    after = api.get(
        "/api/erp/supplierInvoices", params={"supplierInvoiceId": str(inv["supplierInvoiceId"])}
    ).json()
    assert after["data"]["supplierInvoices"][0]["balanceTC"] == "60.00"
    over = payment(
        api, {"supplierInvoiceReference": "INV-1", "amountTC": "50", "discountTC": "10.01"}
    )
    assert problems(over) == [
        ("amountTC", "Allocation 60.01 exceeds the open balance 60.00 of invoice INV-1.")
    ]
    rest = payment(
        api,
        {"supplierInvoiceReference": "inv-1", "amountTC": "55", "discountTC": "5"},
        amountTC="55",
    )
    saved(rest, "supplierPayments")
    closed = api.get(
        "/api/erp/supplierInvoices", params={"supplierInvoiceReference": "INV-1"}
    ).json()
    record = closed["data"]["supplierInvoices"][0]
    assert (record["balanceTC"], record["isOpen"]) == ("0.00", False)
    again = payment(api, {"supplierInvoiceReference": "INV-1", "amountTC": "1"})
    assert problems(again) == [("supplierInvoiceReference", "Supplier invoice INV-1 is not open.")]
    delete = {
        "supplierInvoiceId": str(inv["supplierInvoiceId"]),
        "concurrencyHash": record["concurrencyHash"],
    }
    assert "has payments" in problems(remove(api, "supplierInvoices", **delete))[0][1]


def test_voiding_a_payment_restores_the_invoice(api: httpx.Client) -> None:
    expense = {"expenseLines": [{"glAccountCode": "5000", "amountTC": "30"}]}
    inv = saved(invoice(api, "INV-1", **expense), "supplierInvoices")
    paid = saved(
        payment(api, {"supplierInvoiceId": inv["supplierInvoiceId"], "amountTC": "30"}),
        "supplierPayments",
    )
    void = {"paymentNumber": paid["paymentNumber"], "concurrencyHash": paid["concurrencyHash"]}
    voided = saved(remove(api, "supplierPayments", **void), "supplierPayments")
    assert voided["status"] == "VOID"
    record = api.get(
        "/api/erp/supplierInvoices", params={"supplierInvoiceReference": "INV-1"}
    ).json()
    assert record["data"]["supplierInvoices"][0]["isOpen"] is True
    twice = remove(
        api, "supplierPayments", **{**void, "concurrencyHash": voided["concurrencyHash"]}
    )
    assert "already void" in problems(twice)[0][1]


def test_payment_rules(api: httpx.Client) -> None:
    expense = {"expenseLines": [{"glAccountCode": "5000", "amountTC": "30"}]}
    saved(invoice(api, "INV-1", **expense), "supplierInvoices")
    saved(invoice(api, "INV-2", supplier="SUP00002", **expense), "supplierInvoices")
    cases = [
        (payment(api), ("allocations", "A payment needs at least one line.")),
        (
            payment(api, {"supplierInvoiceReference": "NOPE", "amountTC": "1"}),
            ("supplierInvoiceReference", "Supplier invoice NOPE does not exist."),
        ),
        (
            payment(api, {"supplierInvoiceId": 2, "amountTC": "1"}),
            (
                "supplierInvoiceId",
                "Supplier invoice INV-2 belongs to supplier SUP00002, not to supplier SUP00001.",
            ),
        ),
        (
            payment(api, {"supplierInvoiceReference": "INV-1", "amountTC": "0"}),
            ("amountTC", "Allocation amount must be greater than zero."),
        ),
        (
            payment(
                api, {"supplierInvoiceReference": "INV-1", "amountTC": "1"}, bankGLAccount="9999"
            ),
            ("bankGLAccount", "Bank GL account 9999 does not exist."),
        ),
        (
            payment(api, {"supplierInvoiceReference": "INV-1", "amountTC": "1"}, amountTC="2"),
            ("amountTC", "Total 2 does not equal the sum of the lines 1."),
        ),
        (
            payment(
                api, {"supplierInvoiceReference": "INV-1", "amountTC": "1"}, currencyCode="EUR"
            ),
            ("supplierInvoiceReference", "Currency EUR differs from the invoice currency USD."),
        ),
    ]
    for reply, expected in cases:
        assert problems(reply) == [expected]


# --- properties --------------------------------------------------------------------------------

receipt_ops = st.tuples(st.just("receive"), st.sampled_from([1, 2]), st.integers(1, 6))
invoice_ops = st.tuples(
    st.just("invoice"),
    st.sampled_from([1, 2]),
    st.integers(0, 4),
    st.integers(1, 6),
    st.sampled_from(["exact", "near", "far"]),
    st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(receipt_ops, invoice_ops), min_size=1, max_size=12))
def test_matched_never_exceeds_received_and_every_rejection_has_a_reason(
    operations: list[tuple[Any, ...]],
) -> None:
    sim = build(Tolerances(price_pct=Decimal(1)))
    prices = {1: Decimal("5.00"), 2: Decimal("12.50")}
    receivers: list[tuple[str, int]] = []
    matched: dict[int, Decimal] = {1: Decimal(0), 2: Decimal(0)}
    with login(sim) as api:
        po = order(api)
        for index, op in enumerate(operations):
            if op[0] == "receive":
                _, line, qty = op
                reply = receive(api, po, {line: str(qty)})
                if reply["submitResult"]["success"]:
                    receivers.append((reply["purchaseOrderReceipts"][0]["receiverNumber"], line))
            else:
                _, line, pick, qty, price_kind, finished = op
                rc = receivers[pick][0] if pick < len(receivers) else ""
                delta = {"exact": Decimal(0), "near": Decimal("0.04"), "far": Decimal(1)}[
                    price_kind
                ]
                price = str(prices[line] + delta)
                item = match(po, line, rc, str(qty), price, isPvodFinished=finished)
                reply = invoice(api, f"INV-{index}", item)
                # 1% tolerance: "near" is inside it on both lines, "far" outside
                fields = {e["fieldName"] for e in reply["submitResult"]["errors"]}
                if "matchUnitPrice" in fields:
                    assert price_kind == "far"
                if reply["submitResult"]["success"]:
                    assert price_kind != "far"
                    matched[line] += Decimal(qty)
            if not reply["submitResult"]["success"]:
                assert reply["submitResult"]["errors"]
                for error in reply["submitResult"]["errors"]:
                    assert error["fieldName"]
                    assert error["message"]
                    assert error["code"]
        for line in (1, 2):
            record = po_line(api, po, line)
            assert Decimal(record["quantityInvoiced"]) == matched[line]
            assert Decimal(record["quantityInvoiced"]) <= Decimal(record["quantityReceived"])
            assert Decimal(record["quantityReceived"]) <= Decimal(record["quantityOrdered"])
    state = sim.state("acme")
    for rc in state.receivers.records("10USA"):
        assert Decimal(0) <= rc.quantity_matched <= rc.quantity_received
        assert rc.open_quantity >= 0

"""Procurify bills -> QAD supplier invoices on the manufacturer scenario, and reconciliation."""

from __future__ import annotations

import collections
import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlconnector_sync import Engine
from mlconnector_sync._connections import BUILDERS
from mlconnector_sync._flow import Hold, InvalidRecord, Post
from mlconnector_sync._ledger import State
from mlconnector_sync._reconcile import allocate, reconcile
from mlconnector_sync.flows import procurify_bills_to_qad as bills_flow
from mlconnector_sync.state import open_store
from mlconnector_sync.testing._scenarios import PROCURIFY_TENANT, Manufacturer
from procurify_client.testing._state import BillItem, cents
from qad_client import InvoiceType, NewMatchingLine, NewSupplierInvoice

FLOW = bills_flow.NAME
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
FLOWS = (
    "qad_suppliers_to_procurify",
    "qad_gl_accounts_to_procurify",
    "procurify_pos_to_qad",
    FLOW,
)


class World:
    def __init__(self, seed: int = 3) -> None:
        self.m = Manufacturer(seed=seed, scale=1)
        self.procurify = self.m.procurify_client()
        self.qad = self.m.qad_client()
        self.store = open_store("memory:")
        self.store.save_mapping("defaults", self.m.defaults, now=NOW)
        flows = []
        for name in FLOWS:
            source, target = (
                (self.qad, self.procurify) if name.startswith("qad") else (self.procurify, self.qad)
            )
            connection = "qad" if name.startswith("qad") else "procurify"
            flows.append(BUILDERS[name](source, target, connection=connection, domain="10USA"))
        self.engine = Engine(flows, self.store)

    @property
    def tenant(self) -> Any:
        return self.m.procurify.tenant(PROCURIFY_TENANT)

    def run(self) -> Any:
        report = self.engine.run_once()
        assert report.exit_code == 0, report
        return report.flows[FLOW]

    def fix(self) -> None:
        for name, entries in self.m.clerk_fixes.items():
            self.store.save_mapping(name, entries, now=NOW)
        self.m.qad.receive_rest()

    def row(self, bill_id: int) -> Any:
        return self.store.load(FLOW, [f"procurify:procurify:bill:{bill_id}"])[
            f"procurify:procurify:bill:{bill_id}"
        ]

    def edit_bill(self, bill_id: int, **changes: Any) -> None:
        (found,) = [b for b in self.tenant.bills.values() if b.id == bill_id]
        later = self.tenant.now() + dt.timedelta(minutes=5)
        self.tenant.bills[found.uuid] = attrs.evolve(found, last_modified=later, **changes)
        self.tenant.changed()


@pytest.fixture(scope="module")
def synced() -> World:
    world = World()
    world.run()
    world.run()
    world.fix()
    world.run()
    return world


def test_bills_before_their_receipts_hold_then_post_once() -> None:
    world = World()
    world.run()
    waiting = [
        row
        for row in world.store.rows(flow=FLOW, states=[State.HELD])
        if "received in QAD and not yet invoiced" in (row.reason or "")
    ]
    assert waiting
    assert all("QAD receipt for PO" in (row.waits_on or "") for row in waiting)
    assert world.run().changes.get("posted", 0) == 0
    world.fix()
    third = world.run()
    assert third.counts.get(State.HELD, 0) == 0
    assert third.changes["posted"] == third.changes["released"]
    assert all(world.row(int(r.source_id)).state == State.POSTED for r in waiting)
    assert world.run().changes.get("posted", 0) == 0


def test_money_per_supplier_and_currency_agrees_to_the_cent(synced: World) -> None:
    posted = synced.store.rows(flow=FLOW, states=[State.POSTED])
    assert len(posted) >= 5
    procurify: collections.Counter[tuple[str, str]] = collections.Counter()
    bills = {b.id: b for b in synced.tenant.bills.values()}
    card_supplier = synced.m.clerk_fixes["defaults"]["card_supplier"]
    for row in posted:
        bill = bills[int(row.source_id)]
        supplier = (
            card_supplier
            if bill.type == 2
            else str(synced.tenant.vendors[bill.vendor_id].external_id)
        )
        currency = synced.tenant.currencies[bill.currency_id].name
        procurify[(supplier, currency)] += abs(bill.total_with_tax)
    qad: collections.Counter[tuple[str, str]] = collections.Counter()
    for invoice in synced.qad.supplier_invoices.list():
        qad[(invoice.supplier, invoice.currency)] += invoice.total
    assert qad == procurify
    assert {currency for _, currency in qad} >= {"USD", "CAD"}
    credit = [i for i in synced.qad.supplier_invoices.list() if i.invoice_type == "CREDITNOTE"]
    assert len(credit) == 1


def test_a_bill_edited_before_payment_updates_the_invoice_in_place() -> None:
    world = World()
    world.run()
    world.fix()
    world.run()
    row = next(
        r
        for r in world.store.rows(flow=FLOW, states=[State.POSTED])
        if world.qad.supplier_invoices.get(int(r.target_id or 0)).expense_lines
        and not world.qad.supplier_invoices.get(int(r.target_id or 0)).matching_lines
        and world.qad.supplier_invoices.get(int(r.target_id or 0)).invoice_type
        == InvoiceType.INVOICE
    )
    bill = next(b for b in world.tenant.bills.values() if b.id == int(row.source_id))
    bigger = [attrs.evolve(bill.items[0], unit_cost=bill.items[0].unit_cost + Decimal("5.00"))]
    world.edit_bill(bill.id, items=tuple(bigger) + bill.items[1:])
    world.run()
    invoice = world.qad.supplier_invoices.get(int(row.target_id or 0))
    assert invoice.total == bill.total_with_tax + Decimal("5.00")
    assert len(list(world.qad.supplier_invoices.list())) == len(
        world.store.rows(flow=FLOW, states=[State.POSTED])
    )

    # once finance has paid it in QAD, a change is held for a person with the difference
    world.m.settle_in_qad()
    paid = world.qad.supplier_invoices.get(int(row.target_id or 0))
    if paid.balance == paid.total:  # this bill was not among those Procurify shows paid
        from qad_client import NewAllocation, NewSupplierPayment

        world.qad.supplier_payments.create(
            NewSupplierPayment(
                supplier=paid.supplier,
                payment_date=NOW.date(),
                bank_gl_account=world.m.bank_account,
                currency=paid.currency,
                amount=Decimal("1.00"),
                allocations=[NewAllocation(invoice_id=paid.id, amount=Decimal("1.00"))],
            )
        )
    smaller = [attrs.evolve(bigger[0], unit_cost=bigger[0].unit_cost - Decimal("7.00"))]
    world.edit_bill(bill.id, items=tuple(smaller) + bill.items[1:])
    world.run()
    held = world.row(bill.id)
    assert held.state == State.HELD
    assert f"total {invoice.total} -> {invoice.total - Decimal('7.00')}" in (held.reason or "")
    assert "a person to adjust paid QAD supplier invoice" in (held.waits_on or "")
    assert world.qad.supplier_invoices.get(paid.id).total == invoice.total


def test_a_second_bill_with_the_same_invoice_number_is_refused_not_posted_twice(
    synced: World,
) -> None:
    original = next(  # an expense bill: a PO bill's copy would wait for receipts instead
        b
        for b in synced.tenant.bills.values()
        if b.type == 1 and b.total_with_tax > 0 and synced.row(b.id).state == State.POSTED
    )
    copy_id = max(b.id for b in synced.tenant.bills.values()) + 1
    uuid = f"00000000-0000-4000-8000-{copy_id:012d}"
    later = synced.tenant.now() + dt.timedelta(minutes=9)
    synced.tenant.bills[uuid] = attrs.evolve(
        original, id=copy_id, uuid=uuid, last_modified=later, group=None, payment_uuid=None
    )
    synced.tenant.changed()
    before = len(list(synced.qad.supplier_invoices.list()))
    report = synced.engine.run_once()
    assert report.exit_code == 1
    row = synced.row(copy_id)
    assert (row.state, row.field) == (State.FAILED, "invoice_number")
    assert "not posted twice" in (row.reason or "")
    assert len(list(synced.qad.supplier_invoices.list())) == before
    del synced.tenant.bills[uuid]
    synced.tenant.changed()


def test_reconciliation_finds_exactly_the_planted_discrepancies() -> None:
    world = World(seed=5)
    world.run()
    world.fix()
    world.run()
    world.m.qad.receive_rest()  # for the POs the mappings released in the last run
    world.run()
    clean = reconcile(world.procurify, world.qad, world.store)
    # nothing paid in QAD yet: every bill Procurify paid shows open in QAD
    assert clean.count("paid_in_procurify_open_in_qad") == len(world.m._paid)
    world.m.settle_in_qad()
    world.m.key_invoice_by_hand()
    result = reconcile(world.procurify, world.qad, world.store)
    found: dict[str, list[str]] = collections.defaultdict(list)
    for finding in result.findings:
        found[finding.kind].append(finding.bill or finding.invoice or "")
    planted = world.m.planted
    assert found["paid_in_procurify_open_in_qad"] == planted["paid_in_procurify_open_in_qad"]
    assert found["amount_difference"] == planted["amount_difference"]
    (difference,) = [f for f in result.findings if f.kind == "amount_difference"]
    assert difference.procurify_paid is not None
    assert difference.qad_paid is not None
    assert difference.procurify_paid - difference.qad_paid == world.m.short_by
    assert len(found["unknown_bill"]) == 1
    assert [x.split(" ")[0] for x in found["no_bill"]] == planted["no_bill"]
    assert len(result.findings) == 4
    header, *rows = result.to_csv().splitlines()
    assert header.startswith("kind,currency,bill")
    assert len(rows) == 4


def _ctx(**tables: dict[str, Any]) -> Any:
    class Ctx:
        target_id = None

        def posted_target(self, flow: str, key: str) -> str | None:
            return "PO1"

        def mapping(self, name: str) -> dict[str, str]:
            return {}

        def table(self, name: str) -> dict[str, Any]:
            return tables.get(name, {})

    return Ctx()


def _bill(**changes: Any) -> dict[str, Any]:
    bill: dict[str, Any] = {
        "id": 1,
        "status": 2,
        "type": 0,
        "invoice_number": "INV-1",
        "invoice_date": "2026-01-05T00:00:00+00:00",
        "vendor": {"id": 1, "external_id": "S1"},
        "currency": "USD",
        "tax": "0.00",
        "total": "30.00",
        "lines": [
            {
                "id": 1,
                "quantity": "3",
                "unit_cost": "10.00",
                "total_cost": "30.00",
                "po": {"id": 9, "number": "PO-9"},
                "po_line": 1,
            }
        ],
        "costs": [],
    }
    bill.update(changes)
    return bill


def test_the_transform_checks_money_and_receipts() -> None:
    tables = {"suppliers": {"S1": True}, "open_receipts": {"PO1/1": "2"}}
    short = bills_flow.transform(_bill(), _ctx(**tables), connection="procurify")
    assert isinstance(short, Hold)
    assert "billed 3, received in QAD and not yet invoiced 2" in short.reason
    tables["open_receipts"] = {"PO1/1": "3"}
    ready = bills_flow.transform(_bill(), _ctx(**tables), connection="procurify")
    assert isinstance(ready, Post)
    assert ready.document["matches"] == [
        {"po_number": "PO1", "po_line": 1, "quantity": "3", "unit_price": "10.00"}
    ]
    with pytest.raises(InvalidRecord) as off:
        bills_flow.transform(_bill(total="31.00"), _ctx(**tables), connection="procurify")
    assert off.value.field == "total"
    assert "lines 30.00 + costs 0 + tax 0.00" in off.value.reason
    with pytest.raises(InvalidRecord) as cents:
        bills_flow.transform(_bill(total="30.001"), _ctx(**tables), connection="procurify")
    assert "fractions of a cent" in cents.value.reason


def test_bill_items_round_as_procurify_and_qad_book_them() -> None:
    item = BillItem(
        id=1,
        description="x",
        sku="",
        unit="Each",
        quantity=Decimal("49.14"),
        unit_cost=Decimal("371.85"),
        tax_percent=Decimal(0),
        account_code_id=1,
        department_id=1,
        received_on=NOW,
    )
    assert item.total_cost == Decimal("18272.71")


quantities = st.decimals(min_value="0.001", max_value="9999", places=3)
prices = st.decimals(min_value="0.01", max_value="99999", places=2)


@given(st.lists(st.tuples(quantities, prices), min_size=1, max_size=6), prices)
def test_a_bill_that_adds_up_posts_and_qad_books_the_same_total(
    lines: list[tuple[Decimal, Decimal]], tax: Decimal
) -> None:
    """Procurify rounds each line half up to the cent; QAD books each matched line the same
    way, so the invoice QAD computes from the document equals the bill's total."""
    bill_lines = [
        {
            "id": n,
            "quantity": str(quantity),
            "unit_cost": str(price),
            "total_cost": str(cents(quantity * price)),
            "po": {"id": 9, "number": "PO-9"},
            "po_line": n + 1,
        }
        for n, (quantity, price) in enumerate(lines)
    ]
    total = sum((cents(q * p) for q, p in lines), Decimal(0)) + tax
    receipts = {f"PO1/{n + 1}": str(q) for n, (q, _) in enumerate(lines)}
    tables = {"suppliers": {"S1": True}, "open_receipts": receipts}
    verdict = bills_flow.transform(
        _bill(lines=bill_lines, tax=str(tax), total=str(total)),
        _ctx(**tables),
        connection="procurify",
    )
    assert isinstance(verdict, Post)
    document = verdict.document
    invoice = NewSupplierInvoice(
        supplier="S1",
        reference="INV-1",
        invoice_date=NOW.date(),
        currency="USD",
        tax=Decimal(document["tax"]),
        matching_lines=[
            NewMatchingLine(
                po_number=m["po_number"],
                po_line=m["po_line"],
                receiver="RC1",
                quantity=Decimal(m["quantity"]),
                unit_price=Decimal(m["unit_price"]),
            )
            for m in document["matches"]
        ],
    )
    assert invoice.lines_total == Decimal(document["total"]) == total


@given(st.lists(prices, min_size=1, max_size=5))
def test_a_credit_note_posts_positive_expense_lines_that_add_up(amounts: list[Decimal]) -> None:
    lines = [
        {
            "id": n,
            "quantity": "-1",
            "unit_cost": str(amount),
            "total_cost": str(-amount),
            "allocations": [{"account_code": "5000", "amount": str(-amount)}],
        }
        for n, amount in enumerate(amounts)
    ]
    total = -sum(amounts, Decimal(0))
    tables = {"suppliers": {"S1": True}, "gl_accounts": {"5000": {"code": "5000"}}}
    verdict = bills_flow.transform(
        _bill(type=1, lines=lines, total=str(total)), _ctx(**tables), connection="procurify"
    )
    assert isinstance(verdict, Post)
    assert verdict.document["invoice_type"] == "CREDITNOTE"
    assert verdict.document["matches"] == []
    assert sum(Decimal(x["amount"]) for x in verdict.document["expenses"]) == -total
    assert all(Decimal(x["amount"]) > 0 for x in verdict.document["expenses"])


@given(
    st.lists(prices, min_size=1, max_size=5),
    st.decimals(min_value="0.01", max_value="500000", places=2),
)
def test_a_payment_for_several_bills_is_split_oldest_first_and_never_lost(
    totals: list[Decimal], amount: Decimal
) -> None:
    owed = {n + 1: total for n, total in enumerate(totals)}
    shares = allocate(amount, owed, {})
    assert sum(shares.values(), Decimal(0)) == amount
    assert all(share >= 0 for share in shares.values())
    if amount <= sum(totals, Decimal(0)):
        assert all(shares[b] <= owed[b] for b in owed)
        # a bill gets nothing until every older one is paid in full
        first_short = next((b for b in sorted(owed) if shares[b] < owed[b]), None)
        if first_short is not None:
            assert all(shares[b] == 0 for b in owed if b > first_short)

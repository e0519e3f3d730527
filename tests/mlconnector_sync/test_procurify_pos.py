"""Procurify purchase orders -> QAD purchase orders, end to end on the in-process simulators
(through the engine, on memory and SQLite state) and the transform on its own."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from mlconnector_http import RetryPolicy
from mlconnector_http.testing import Fault
from mlconnector_sync import (
    Engine,
    Flow,
    Hold,
    InvalidRecord,
    Post,
    Skip,
    SourceRecord,
    State,
    WriteRefused,
)
from mlconnector_sync.adapters.procurify_sources import ProcurifyPurchaseOrderSource
from mlconnector_sync.adapters.qad_sinks import (
    REFERENCE_LIMIT,
    QADCodingTables,
    QADPurchaseOrderSink,
    plan_update,
)
from mlconnector_sync.flows import procore_coding, procurify_bills_to_qad
from mlconnector_sync.flows import procurify_pos_to_qad as pos
from mlconnector_sync.flows._coding import members_of
from mlconnector_sync.state import MemoryStore, SQLiteStore, StateStore
from mlconnector_sync.testing import MemorySource
from procurify_client import ProcurifyClient, PurchaseOrderState
from procurify_client.testing import ProcurifySimulator
from procurify_client.testing._state import OrderItem, PurchaseOrder, Tenant, cents
from qad_client import OrderStatus, QADClient
from qad_client import PurchaseOrder as QADPurchaseOrder
from qad_client import PurchaseOrderLine as QADLine
from qad_client import _names as qad_names
from qad_client.testing import QADSimulator

FLOW = pos.NAME
PURCHASED, CANCELLED, CLOSED, PAID, REOPENED = 0, 1, 3, 4, 5
POSTING_STATES = (PURCHASED, REOPENED)
# Procurify account code id -> code: no analysis, needs a cost centre, needs both
ACCOUNTS = {1: "5000", 2: "60005", 3: "60001"}
DEFAULTS = {"item": "ITM00001", "cost_centre": "CC0001", "project": "PRJ0001"}
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


class AccountOverrides:
    """A Procurify line source that lets a test recode single lines (by PO id, line number):
    their account code (``accounts``) or department (``departments``)."""

    def __init__(self, inner: Callable[[PurchaseOrder], tuple[OrderItem, ...]]) -> None:
        self.inner = inner
        self.accounts: dict[tuple[int, int], int] = {}
        self.departments: dict[tuple[int, int], int] = {}

    def __call__(self, po: PurchaseOrder) -> tuple[OrderItem, ...]:
        return tuple(
            attrs.evolve(
                line,
                account_code_id=self.accounts.get((po.id, line.line_num), line.account_code_id),
                department_id=self.departments.get((po.id, line.line_num), line.department_id),
            )
            for line in self.inner(po)
        )


class World:
    def __init__(self, store: StateStore, *, purchase_orders: int = 16) -> None:
        self.procurify_sim = ProcurifySimulator()
        creds = self.procurify_sim.add_tenant("acme")
        self.tenant: Tenant = self.procurify_sim.seed(
            "acme",
            vendors=3,
            account_codes=3,
            purchase_orders=purchase_orders,
            lines_per_po=3,
            bills=0,
            payments=0,
        )
        for vendor_id in self.tenant.vendors:
            self.tenant.update_vendor(vendor_id, {"external_id": f"SUP{vendor_id:05d}"})
        for code_id, code in ACCOUNTS.items():
            self.tenant.update_account_code(code_id, {"code": code})
        self.lines = AccountOverrides(self.tenant.line_source)
        self.tenant.line_source = self.lines
        self.tenant.changed()
        self.qad_sim = QADSimulator()
        url = self.qad_sim.add_tenant("acme")
        self.qad_sim.add_user("acme", "u", "p")
        self.qad_sim.seed(
            "acme", suppliers=3, items=1, gl_accounts=6, cost_centres=2, projects=2, sub_accounts=1
        )
        retry = RetryPolicy.for_testing()
        self.procurify = ProcurifyClient(
            base_url="https://acme.procurify.com",
            client_id=creds.client_id,
            client_secret=creds.client_secret,
            transport=self.procurify_sim.transport(),
            budget=None,
            retry=retry,
        )
        self.qad = QADClient(
            tenant_url=url,
            domain="10USA",
            entity="10USACO",
            username="u",
            password="p",
            transport=self.qad_sim.transport(),
            retry=retry,
        )
        self.store = store
        self.map("defaults", DEFAULTS)
        self.flow = pos.build(self.procurify, self.qad, connection="procurify")
        self.engine = Engine([self.flow], store)

    def map(self, name: str, entries: Mapping[str, str]) -> None:
        self.store.save_mapping(name, entries, now=NOW)

    def run(self) -> Any:
        report = self.engine.run_once()
        assert report.exit_code == 0, report
        return report.flows[FLOW]

    def qad_pos(self) -> list[QADPurchaseOrder]:
        return list(self.qad.purchase_orders.list())

    def qad_po(self, procurify_id: int) -> QADPurchaseOrder:
        (found,) = self.qad.purchase_orders.find_by_reference(
            pos.reference(f"procurify:procurify:po:{procurify_id}")
        )
        order = self.qad.purchase_orders.get(found.number)
        return attrs.evolve(order, lines=sorted(order.lines, key=lambda line: line.line))

    def posting(self) -> list[PurchaseOrder]:
        return [po for po in self.tenant.purchase_orders if po.state in POSTING_STATES]

    def first_posting(self) -> PurchaseOrder:
        return self.posting()[0]


def _open(name: str, tmp_path: Path) -> StateStore:
    return MemoryStore() if name == "memory" else SQLiteStore(tmp_path / "state.db")


@pytest.fixture(params=["memory", "sqlite"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    store = _open(request.param, tmp_path)
    w = World(store)
    with w.procurify, w.qad:
        yield w
    store.close()


def _money(lines: Any, *, quantity: str, price: str) -> Decimal:
    return sum((cents(getattr(x, quantity) * getattr(x, price)) for x in lines), Decimal("0.00"))


# -- end to end --------------------------------------------------------------------------------


def test_purchased_pos_post_once_with_every_line_and_a_second_run_posts_nothing(
    world: World,
) -> None:
    posting = world.posting()
    assert posting, "the seed must hold POs in a posting state"
    report = world.run()
    others = len(world.tenant.purchase_orders) - len(posting)
    assert report.counts == {State.POSTED: len(posting), State.SKIPPED: others}
    assert len(world.qad_pos()) == len(posting)
    by_gl_procurify: dict[str, Decimal] = {}
    by_gl_qad: dict[str, Decimal] = {}
    for po in posting:
        lines = world.tenant.lines(po)
        qad = world.qad_po(po.id)
        assert qad.supplier == f"SUP{po.vendor_id:05d}"
        assert qad.status == OrderStatus.OPEN
        assert qad.remarks == f"Procurify PO {po.number}"
        assert [q.line for q in qad.lines] == [x.line_num for x in lines]
        for line, q in zip(lines, qad.lines, strict=True):
            assert q.quantity_ordered == line.quantity
            assert q.purchase_cost == line.price  # exactly, to the cent
            assert isinstance(q.purchase_cost, Decimal)
            code = ACCOUNTS[line.account_code_id]
            assert q.gl_account == code
            assert q.cost_centre == ("CC0001" if code in ("60005", "60001") else "")
            assert q.project == ("PRJ0001" if code == "60001" else "")
            by_gl_procurify[code] = by_gl_procurify.get(code, Decimal(0)) + line.total_cost
            by_gl_qad[q.gl_account] = by_gl_qad.get(q.gl_account, Decimal(0)) + cents(
                q.quantity_ordered * q.purchase_cost
            )
        total = _money(qad.lines, quantity="quantity_ordered", price="purchase_cost")
        assert total == po.subtotal
    assert by_gl_qad == by_gl_procurify
    assert len(by_gl_qad) == len(ACCOUNTS)
    assert sum(by_gl_qad.values()) == sum(po.subtotal for po in posting)

    again = world.run()
    assert again.changes.get("posted", 0) == 0
    assert again.changes.get("posting", 0) == 0
    assert len(world.qad_pos()) == len(posting)


def test_an_unmapped_account_code_holds_the_po_and_the_next_run_after_the_mapping_posts_it(
    world: World,
) -> None:
    world.tenant.update_account_code(3, {"code": "7777"})
    report = world.run()
    uses_it = [
        po for po in world.posting() if any(x.account_code_id == 3 for x in world.tenant.lines(po))
    ]
    assert uses_it
    assert report.counts[State.HELD] == len(uses_it)
    assert report.counts[State.POSTED] == len(world.posting()) - len(uses_it)
    held = {item.source_id: item for item in report.exceptions if item.kind == "held"}
    assert set(held) == {str(po.id) for po in uses_it}
    po = uses_it[0]
    numbers = [x.line_num for x in world.tenant.lines(po) if x.account_code_id == 3]
    item = held[str(po.id)]
    assert item.reason is not None
    assert "7777" in item.reason
    assert item.waits_on is not None
    for number in numbers:
        assert f"GL account for account code 7777 (line {number})" in item.waits_on
    assert len(world.qad_pos()) == len(world.posting()) - len(uses_it)

    world.map("accounts", {"7777": "5000"})
    released = world.run()
    assert released.changes["released"] == len(uses_it)
    assert released.changes["posted"] == len(uses_it)
    assert released.counts[State.POSTED] == len(world.posting())
    qad = world.qad_po(po.id)
    assert [q.gl_account for q in qad.lines if q.line in numbers] == ["5000"] * len(numbers)
    assert len(world.qad_pos()) == len(world.posting())


def test_an_edited_po_updates_the_same_qad_po_in_place(world: World) -> None:
    world.run()
    po = world.first_posting()
    before = world.qad_po(po.id)
    count = len(world.qad_pos())

    # a price change on line 1 and an added line 4
    amounts = list(po.amounts)
    amounts[1] += 1234  # +12.34 on line 1's unit price (cents)
    amounts += [250, 9_999]  # line 4: 2.50 at 99.99
    po = world.tenant.touch_purchase_order(po.id, amounts=tuple(amounts))
    report = world.run()
    assert report.changes["posted"] == 1
    after = world.qad_po(po.id)
    assert after.number == before.number
    assert len(world.qad_pos()) == count
    lines = world.tenant.lines(po)
    assert [q.line for q in after.lines] == [1, 2, 3, 4]
    for line, q in zip(lines, after.lines, strict=True):
        assert (q.quantity_ordered, q.purchase_cost) == (line.quantity, line.price)
    assert after.lines[0].purchase_cost == before.lines[0].purchase_cost + Decimal("12.34")
    assert after.lines[3].quantity_ordered == Decimal("2.50")
    assert after.lines[3].purchase_cost == Decimal("99.99")

    # line 4 cancelled in Procurify (gone from the PO) and line 2 recoded to another account
    line2 = lines[1]
    recode = 2 if line2.account_code_id != 2 else 3
    world.lines.accounts[(po.id, 2)] = recode
    po = world.tenant.touch_purchase_order(po.id, amounts=tuple(amounts[:6]))
    world.run()
    final = world.qad_po(po.id)
    assert final.number == before.number
    assert len(world.qad_pos()) == count
    assert [q.line for q in final.lines] == [1, 2, 3, 4]  # cancelled, never deleted
    assert final.lines[3].status == OrderStatus.CANCELLED
    assert [q.status for q in final.lines[:3]] == [OrderStatus.OPEN] * 3
    assert final.lines[1].gl_account == ACCOUNTS[recode]
    assert final.lines[1].cost_centre == "CC0001"  # both recodes need one
    assert final.lines[1].project == ("PRJ0001" if ACCOUNTS[recode] == "60001" else "")
    open_total = _money(
        [q for q in final.lines if q.status == OrderStatus.OPEN],
        quantity="quantity_ordered",
        price="purchase_cost",
    )
    assert open_total == po.subtotal


def test_a_lines_department_maps_to_its_qad_cost_centre_through_the_simulators(
    world: World,
) -> None:
    # departments 1 Operations, 2 Finance, 3 IT, 4 Receiving; 1 mapped by id, 2 by name
    world.map("departments", {"1": "CC0002", "Finance": "CC0002"})
    po = world.first_posting()
    world.lines.accounts[(po.id, 1)] = 2  # 60005: needs a cost centre
    world.lines.departments[(po.id, 1)] = 3  # IT: not mapped, coded from the defaults
    world.tenant.changed()
    world.run()
    checked: set[int] = set()
    for posted in world.posting():
        qad = world.qad_po(posted.id)
        for line, q in zip(world.tenant.lines(posted), qad.lines, strict=True):
            if ACCOUNTS[line.account_code_id] == "5000":  # takes no analysis
                assert q.cost_centre == ""
                continue
            expected = "CC0002" if line.department_id in (1, 2) else "CC0001"
            assert q.cost_centre == expected, (posted.id, line.line_num, line.department_id)
            checked.add(line.department_id)
    assert checked == {1, 2, 3, 4}
    before = world.qad_po(po.id)
    assert before.lines[0].cost_centre == "CC0001"

    # the line moves to Finance in Procurify: the same QAD line takes Finance's cost centre
    world.lines.departments[(po.id, 1)] = 2
    world.tenant.touch_purchase_order(po.id)
    assert world.run().changes["posted"] == 1
    after = world.qad_po(po.id)
    assert after.number == before.number
    assert after.lines[0].cost_centre == "CC0002"
    assert after.lines[1:] == before.lines[1:]


def test_a_header_change_reaches_the_qad_po(world: World) -> None:
    world.run()
    po = world.first_posting()
    before = world.qad_po(po.id)
    world.tenant.touch_purchase_order(po.id, promise_days=po.promise_days + 7)
    world.run()
    after = world.qad_po(po.id)
    assert after.number == before.number
    assert before.due_date is not None
    assert after.due_date == before.due_date + dt.timedelta(days=7)
    assert all(q.due_date == after.due_date for q in after.lines)


def test_a_cancelled_po_cancels_the_qad_po_and_a_closed_one_closes_it(world: World) -> None:
    world.run()
    first, second = world.posting()[:2]
    world.tenant.touch_purchase_order(first.id, state=CANCELLED)
    world.tenant.touch_purchase_order(second.id, state=CLOSED)
    count = len(world.qad_pos())
    report = world.run()
    assert report.changes["posted"] == 2
    assert world.qad_po(first.id).status == OrderStatus.CANCELLED
    assert world.qad_po(second.id).status == OrderStatus.CLOSED
    assert len(world.qad_pos()) == count
    # reopened in Procurify: the QAD PO opens again
    world.tenant.touch_purchase_order(second.id, state=REOPENED)
    world.run()
    assert world.qad_po(second.id).status == OrderStatus.OPEN


def test_a_qad_timeout_after_commit_leaves_exactly_one_qad_po(world: World) -> None:
    rule = world.qad_sim.faults.add(
        Fault.timeout_after_commit(seconds=0.0), path="purchaseOrderHeaders", method="POST"
    )
    report = world.run()
    assert rule.fired == 1
    assert report.changes["unknown"] == 1
    assert report.counts[State.POSTED] == len(world.posting())
    qad = world.qad_pos()
    assert len(qad) == len(world.posting())
    references = Counter(po.external_reference for po in qad)
    assert set(references.values()) == {1}
    assert world.run().changes.get("posted", 0) == 0
    assert len(world.qad_pos()) == len(world.posting())


def test_the_source_reads_only_pos_modified_since_the_time_not_the_whole_day(
    world: World,
) -> None:
    source = ProcurifyPurchaseOrderSource(world.procurify, connection="procurify")
    po = world.first_posting()
    earlier = world.tenant.touch_purchase_order(po.id)
    since = earlier.last_modified + dt.timedelta(microseconds=1)
    assert world.tenant.purchase_orders[0].last_modified < since
    later = world.tenant.touch_purchase_order(world.posting()[1].id)
    assert later.last_modified.date() == earlier.last_modified.date()
    read = list(source.read("procurify", since))
    assert [r.id for r in read] == [str(later.id)]
    assert isinstance(read[0], SourceRecord)
    assert len(read[0].payload["lines"]) == 3
    assert read[0].payload["lines"][0]["approved_price"] == str(world.tenant.lines(later)[0].price)
    everything = list(source.read("procurify", None))
    assert len(everything) == len(world.tenant.purchase_orders)


# -- exact money through QAD -------------------------------------------------------------------

_amounts = st.tuples(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.9999"), places=4),
    st.integers(min_value=2, max_value=4),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2),
).map(lambda t: (t[0].quantize(Decimal(1).scaleb(-t[1])), t[2]))


def _payload(po_id: int, lines: list[tuple[Decimal, Decimal]]) -> dict[str, Any]:
    return {
        "id": po_id,
        "number": str(po_id),
        "state": PURCHASED,
        "date": "2026-11-02T10:00:00+00:00",
        "promise_date": "2026-11-20T10:00:00+00:00",
        "vendor": {"id": 1, "name": "Acme", "external_id": "SUP00001"},
        "currency": "USD",
        "lines": [
            {
                "line_number": n,
                "name": f"line {n}",
                "quantity": str(quantity),
                "approved_price": str(price),
                "account_code": "60005",
                "status": 2,
            }
            for n, (price, quantity) in enumerate(lines, start=1)
        ],
    }


@pytest.fixture(scope="module")
def qad_world() -> Iterator[tuple[QADSimulator, QADClient]]:
    sim = QADSimulator()
    url = sim.add_tenant("acme")
    sim.add_user("acme", "u", "p")
    sim.seed("acme", suppliers=1, items=1, gl_accounts=6, cost_centres=1, projects=1)
    client = QADClient(
        tenant_url=url,
        domain="10USA",
        entity="10USACO",
        username="u",
        password="p",
        transport=sim.transport(),
        retry=RetryPolicy.for_testing(),
    )
    with client:
        yield sim, client


_counter = iter(range(1, 10**9))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.lists(_amounts, min_size=1, max_size=4),
    second=st.lists(_amounts, min_size=1, max_size=4),
)
def test_generated_prices_and_quantities_survive_to_qad_exactly_on_create_and_update(
    qad_world: tuple[QADSimulator, QADClient],
    first: list[tuple[Decimal, Decimal]],
    second: list[tuple[Decimal, Decimal]],
) -> None:
    _, client = qad_world
    source = MemorySource()
    flow = _memory_flow(client, source)
    engine = Engine([flow], MemoryStore(), mappings={"defaults": DEFAULTS})
    po_id = next(_counter)
    at = NOW
    for lines in (first, second):
        at += dt.timedelta(minutes=1)
        source.put(str(po_id), _payload(po_id, lines), modified_at=at)
        report = engine.run_once()
        assert report.flows[FLOW].counts == {State.POSTED: 1}
        (found,) = client.purchase_orders.find_by_reference(pos.reference(f"mem:main:{po_id}"))
        qad = client.purchase_orders.get(found.number)
        live = [q for q in qad.lines if q.status == OrderStatus.OPEN]
        assert [(q.purchase_cost, q.quantity_ordered) for q in live] == lines
        assert all(isinstance(q.purchase_cost, Decimal) for q in live)
        cancelled = [q.line for q in qad.lines if q.status == OrderStatus.CANCELLED]
        assert cancelled == list(range(len(lines) + 1, len(qad.lines) + 1))


# -- the transform on its own ------------------------------------------------------------------


@attrs.define
class FakeContext:
    mappings: dict[str, dict[str, str]] = attrs.field(factory=dict)
    tables: dict[str, dict[str, Any]] = attrs.field(
        factory=lambda: {
            "gl_accounts": {
                "5000": {"code": "5000", "active": True, "cost_centre": False, "project": False},
                "60005": {"code": "60005", "active": True, "cost_centre": True, "project": False},
                "60001": {"code": "60001", "active": True, "cost_centre": True, "project": True},
                "6999": {"code": "6999", "active": False, "cost_centre": False, "project": False},
            },
            "suppliers": {"SUP00001": True, "SUP00009": False},
            "cost_centres": {"CC0001": True, "CC0002": True},
            "projects": {"PRJ0001": True},
            "sub_accounts": {},
        }
    )
    target_id: str | None = None

    def posted_target(self, flow: str, source_key: str) -> str | None:
        return None

    def mapping(self, name: str) -> Mapping[str, str]:
        return self.mappings.get(name, {})

    def table(self, name: str) -> Mapping[str, Any]:
        return self.tables[name]


def _po(**changes: Any) -> dict[str, Any]:
    po = _payload(812, [(Decimal("10.00"), Decimal("2")), (Decimal("3.50"), Decimal("1"))])
    po["lines"][0]["account_code"] = "5000"
    po.update(changes)
    return po


def _ctx(**mappings: dict[str, str]) -> FakeContext:
    return FakeContext(mappings={"defaults": {"item": "MEMO", "cost_centre": "CC0001"}, **mappings})


def test_a_vendor_without_a_qad_supplier_holds_the_po_naming_the_vendor() -> None:
    po = _po(vendor={"id": 812, "name": "Northwind", "external_id": None})
    verdict = pos.transform(po, _ctx())
    assert isinstance(verdict, Hold)
    assert verdict.waits_on == "QAD supplier for Procurify vendor 812"
    assert "Northwind" in verdict.reason
    mapped = pos.transform(po, _ctx(vendors={"812": "SUP00001"}))
    assert isinstance(mapped, Post)
    assert mapped.document["supplier"] == "SUP00001"
    inactive = pos.transform(po, _ctx(vendors={"812": "SUP00009"}))
    assert isinstance(inactive, Hold)
    assert "inactive" in inactive.reason


def test_the_vendors_mapping_overrides_the_external_id() -> None:
    po = _po(vendor={"id": 5, "name": "Acme", "external_id": "SUP00009"})
    verdict = pos.transform(po, _ctx(vendors={"5": "SUP00001"}))
    assert isinstance(verdict, Post)
    assert verdict.document["supplier"] == "SUP00001"


def test_a_cost_centre_comes_from_the_department_and_its_absence_names_the_department() -> None:
    po = _po()
    po["lines"][1]["department"] = {"id": 7, "name": "Engineering"}
    held = pos.transform(po, FakeContext(mappings={"defaults": {"item": "MEMO"}}))
    assert isinstance(held, Hold)
    assert held.waits_on == "cost centre for department Engineering"
    by_name = pos.transform(po, _ctx(departments={"Engineering": "CC0002"}))
    assert isinstance(by_name, Post)
    assert by_name.document["lines"][1]["cost_centre"] == "CC0002"
    assert "cost_centre" not in by_name.document["lines"][0]  # 5000 takes no analysis
    by_id = pos.transform(po, _ctx(departments={"7": "CC0001"}))
    assert isinstance(by_id, Post)
    assert by_id.document["lines"][1]["cost_centre"] == "CC0001"
    unknown = pos.transform(po, _ctx(departments={"7": "CC0404"}))
    assert isinstance(unknown, Hold)
    assert "CC0404" in unknown.waits_on
    fallback = pos.transform(po, _ctx(defaults={"item": "MEMO", "cost_centre": "CC0002"}))
    assert isinstance(fallback, Post)
    assert fallback.document["lines"][1]["cost_centre"] == "CC0002"


def test_a_project_is_required_where_the_account_asks_for_one() -> None:
    po = _po()
    po["lines"][1]["account_code"] = "60001"
    held = pos.transform(po, _ctx(defaults={"item": "MEMO", "cost_centre": "CC0001"}))
    assert isinstance(held, Hold)
    assert "project for line 2, GL account 60001" in held.waits_on
    posted = pos.transform(
        po, _ctx(defaults={"item": "MEMO", "cost_centre": "CC0001"}, projects={"60001": "PRJ0001"})
    )
    assert isinstance(posted, Post)
    assert posted.document["lines"][1]["project"] == "PRJ0001"


def test_every_missing_value_is_named_once_in_one_hold() -> None:
    po = _po(vendor={"id": 3, "name": "X", "external_id": ""})
    po["lines"][0]["account_code"] = "6100"
    po["lines"][1]["account_code"] = "6999"
    verdict = pos.transform(po, FakeContext())
    assert isinstance(verdict, Hold)
    assert verdict.waits_on.split("; ") == [
        "QAD supplier for Procurify vendor 3",
        "QAD item for Procurify PO lines (defaults.item)",
        "GL account for account code 6100 (line 1)",
        "GL account for account code 6999 (line 2)",
    ]
    assert "6999 is inactive" in verdict.reason


def test_an_account_mapping_overrides_the_code() -> None:
    po = _po()
    po["lines"][0]["account_code"] = "6100"
    verdict = pos.transform(po, _ctx(accounts={"6100": "5000"}))
    assert isinstance(verdict, Post)
    assert verdict.document["lines"][0]["gl_account"] == "5000"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda po: po.update(lines=[]), "lines"),
        (lambda po: po.pop("lines"), "lines"),
        (lambda po: po["lines"][1].update(quantity="0"), "lines[1].quantity"),
        (lambda po: po["lines"][1].update(quantity="-2"), "lines[1].quantity"),
        (lambda po: po["lines"][0].update(approved_quantity="0"), "lines[0].approved_quantity"),
        (lambda po: po["lines"][1].update(approved_price="abc"), "lines[1].approved_price"),
        (lambda po: po["lines"][1].update(approved_price=1.5), "lines[1].approved_price"),
        (lambda po: po["lines"][1].update(approved_price="NaN"), "lines[1].approved_price"),
        (lambda po: po["lines"][1].update(approved_price="-1"), "lines[1].approved_price"),
        (lambda po: po["lines"][0].update(account_code=""), "lines[0].account_code"),
        (lambda po: po["lines"][1].update(line_number=1), "lines[1].line_number"),
        (lambda po: po["lines"][1].update(line_number=None), "lines[1].line_number"),
        (lambda po: po.update(vendor=None), "vendor"),
        (lambda po: po.update(date="yesterday"), "date"),
        (lambda po: po.update(state="open"), "state"),
    ],
)
def test_bad_input_is_invalid_naming_the_field(
    change: Callable[[dict[str, Any]], object], field: str
) -> None:
    po = _po()
    change(po)
    with pytest.raises(InvalidRecord) as caught:
        pos.transform(po, _ctx())
    assert caught.value.field == field


def test_states_outside_the_posting_ones_are_skipped_unless_they_close_a_posted_po() -> None:
    for state in (CLOSED, PAID, CANCELLED, 2):
        assert isinstance(pos.transform(_po(state=state), _ctx()), Skip)
    posted = FakeContext(mappings={"defaults": {"item": "MEMO"}}, target_id="PO000001")
    cancelled = pos.transform(_po(state=CANCELLED), posted)
    assert isinstance(cancelled, Post)
    assert cancelled.document["status"] == "X"
    closed = pos.transform(_po(state=PAID), posted)
    assert isinstance(closed, Post)
    assert closed.document["status"] == "C"
    # a closing goes through even when the lines could not be coded now
    broken = _po(state=CLOSED)
    broken["lines"][0]["account_code"] = "6100"
    closing = pos.transform(broken, posted)
    assert closing == Post({"status": "C", "lines": None})
    only_purchased = pos.transform(_po(state=REOPENED), _ctx(), statuses=frozenset({PURCHASED}))
    assert isinstance(only_purchased, Skip)


def test_statuses_are_taken_by_member_number_or_name() -> None:
    chosen = members_of(PurchaseOrderState, ["purchased", 5, "3"], "Procurify PO state")
    assert chosen == {PURCHASED, REOPENED, CLOSED}
    with pytest.raises(ValueError, match="unknown Procurify PO state 'approved'"):
        members_of(PurchaseOrderState, ["approved"], "Procurify PO state")


def test_rejected_lines_are_left_out_and_the_rest_post() -> None:
    po = _po()
    po["lines"][0]["status"] = 4  # rejected for purchase
    verdict = pos.transform(po, _ctx(defaults={"item": "MEMO", "cost_centre": "CC0001"}))
    assert isinstance(verdict, Post)
    assert [line["line"] for line in verdict.document["lines"]] == [2]


@given(
    price=st.decimals(min_value=Decimal(0), max_value=Decimal("1e9"), places=4),
    quantity=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("1e6"), places=4),
)
def test_the_document_carries_the_source_amounts_as_exact_decimal_strings(
    price: Decimal, quantity: Decimal
) -> None:
    po = _po()
    po["lines"][0].update(approved_price=str(price), quantity=str(quantity))
    verdict = pos.transform(po, _ctx(defaults={"item": "MEMO", "cost_centre": "CC0001"}))
    assert isinstance(verdict, Post)
    line = verdict.document["lines"][0]
    assert Decimal(line["purchase_cost"]) == price
    assert line["purchase_cost"] == str(price)
    assert Decimal(line["quantity"]) == quantity


def test_the_reference_is_short_stable_and_tells_tenants_apart() -> None:
    key = "procurify:acme:po:123456"
    assert pos.reference(key) == pos.reference(key)
    assert pos.reference(key).startswith("PFY-123456-")
    assert pos.reference(key) != pos.reference("procurify:other:po:123456")
    long_key = "procurify:acme:po:" + "9" * 40
    assert len(pos.reference(long_key)) <= REFERENCE_LIMIT
    assert len(pos.reference(key)) <= REFERENCE_LIMIT


def test_a_line_gone_from_the_source_is_cancelled_never_deleted() -> None:
    current = QADPurchaseOrder(
        number="PO1",
        supplier="SUP00001",
        currency="USD",
        concurrency_hash="h",
        external_reference="R",
        lines=[
            QADLine(line=1, item="MEMO", quantity_ordered=Decimal(1), purchase_cost=Decimal(2)),
            QADLine(line=2, item="MEMO", quantity_ordered=Decimal(1), purchase_cost=Decimal(3)),
        ],
    )
    wanted = {"line": 1, "item": "MEMO", "quantity": "1", "purchase_cost": "2.00"}
    plan = plan_update(current, "R", {"supplier": "SUP00001", "lines": [wanted]})
    assert plan is not None
    order, new_lines = plan
    assert attrs.evolve(order, lines=current.lines) == current  # the header as it was
    assert [(line.line, line.status) for line in order.lines] == [(2, OrderStatus.CANCELLED)]
    assert order.lines[0] == attrs.evolve(current.lines[1], status=OrderStatus.CANCELLED)
    assert new_lines == []
    added = plan_update(
        current,
        "R",
        {"supplier": "SUP00001", "lines": [wanted, wanted | {"line": 3, "purchase_cost": "4"}]},
    )
    assert added is not None
    order, new_lines = added
    assert [(line.line, line.status) for line in order.lines] == [(2, OrderStatus.CANCELLED)]
    assert [(new.line, new.purchase_cost) for new in new_lines] == [(3, Decimal(4))]
    unchanged = plan_update(
        current,
        "R",
        {"supplier": "SUP00001", "lines": [wanted, wanted | {"line": 2, "purchase_cost": "3"}]},
    )
    assert unchanged is None


def test_a_supplier_change_after_posting_is_refused_not_a_second_po() -> None:
    current = QADPurchaseOrder(number="PO1", supplier="SUP00001", concurrency_hash="h")
    with pytest.raises(WriteRefused) as caught:
        plan_update(current, "R", {"supplier": "SUP00002", "lines": None})
    assert caught.value.permanent
    assert caught.value.field == "supplier"


def test_the_sink_refuses_a_po_without_lines(
    qad_world: tuple[QADSimulator, QADClient],
) -> None:
    sim, client = qad_world
    sent = len(sim.requests)
    sink = QADPurchaseOrderSink(client)
    with pytest.raises(WriteRefused) as caught:
        sink.create("R", {"supplier": "S", "order_date": "2026-01-01", "lines": []})
    assert caught.value.field == "lines"
    assert len(sim.requests) == sent


def _memory_flow(client: QADClient, source: MemorySource, **kwargs: Any) -> Flow:
    tables = QADCodingTables(client)
    return Flow(
        name=FLOW,
        source=source,
        sink=QADPurchaseOrderSink(client),
        transform=functools.partial(pos.transform, **kwargs),
        reference=pos.reference,
        tables={
            "gl_accounts": tables.gl_accounts,
            "cost_centres": tables.cost_centres,
            "projects": tables.projects,
            "sub_accounts": tables.sub_accounts,
            "suppliers": tables.suppliers,
        },
    )


def test_qad_lines_keep_the_source_line_numbers_when_a_line_is_rejected_before_posting(
    qad_world: tuple[QADSimulator, QADClient],
) -> None:
    _, client = qad_world
    source = MemorySource()
    engine = Engine([_memory_flow(client, source)], MemoryStore(), mappings={"defaults": DEFAULTS})
    po_id = next(_counter)
    amounts = [
        (Decimal("1.25"), Decimal(1)),
        (Decimal("2.50"), Decimal(2)),
        (Decimal("3.75"), Decimal(3)),
    ]
    payload = _payload(po_id, amounts)
    payload["lines"][1]["status"] = 4  # rejected for purchase: not ordered
    source.put(str(po_id), payload, modified_at=NOW)
    assert engine.run_once().flows[FLOW].counts == {State.POSTED: 1}
    (found,) = client.purchase_orders.find_by_reference(pos.reference(f"mem:main:{po_id}"))
    qad = client.purchase_orders.get(found.number)
    assert [(q.line, q.purchase_cost) for q in qad.lines] == [
        (1, Decimal("1.25")),
        (3, Decimal("3.75")),
    ]

    payload["lines"][1]["status"] = 2  # approved after all: line 2 is added as line 2
    source.put(str(po_id), payload, modified_at=NOW + dt.timedelta(minutes=1))
    assert engine.run_once().flows[FLOW].changes["posted"] == 1
    again = client.purchase_orders.get(found.number)
    assert again.number == qad.number
    lines = sorted(again.lines, key=lambda q: q.line)
    assert [(q.line, q.purchase_cost, q.status) for q in lines] == [
        (1, Decimal("1.25"), OrderStatus.OPEN),
        (2, Decimal("2.50"), OrderStatus.OPEN),
        (3, Decimal("3.75"), OrderStatus.OPEN),
    ]


def test_a_po_closed_in_procurify_posts_closed_when_closed_pos_are_configured_to_post(
    qad_world: tuple[QADSimulator, QADClient],
) -> None:
    _, client = qad_world
    source = MemorySource()
    flow = _memory_flow(client, source, statuses=frozenset({PURCHASED, CLOSED}))
    engine = Engine([flow], MemoryStore(), mappings={"defaults": DEFAULTS})
    po_id = next(_counter)
    source.put(
        str(po_id),
        _payload(po_id, [(Decimal("9.99"), Decimal(1))]) | {"state": CLOSED},
        modified_at=NOW,
    )
    assert engine.run_once().flows[FLOW].counts == {State.POSTED: 1}
    (found,) = client.purchase_orders.find_by_reference(pos.reference(f"mem:main:{po_id}"))
    assert client.purchase_orders.get(found.number).status == OrderStatus.CLOSED


@given(st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=60))
def test_every_qad_reference_fits_the_free_field_and_is_deterministic(record_id: str) -> None:
    assert REFERENCE_LIMIT == qad_names.REFERENCE_LENGTH == 20
    key = f"src:tenant:x:{record_id}"
    made = [
        pos.reference(key),
        procurify_bills_to_qad.reference(key),
        *(procore_coding.qad_reference(p, key) for p in ("PCSI", "PCDC", "PCPAY")),
    ]
    assert all(len(ref) <= 20 for ref in made[:2]), made
    assert all(len(ref + "-RET") <= 20 for ref in made[2:]), made  # room for a credit note
    assert made[1].startswith("PFYB-")
    assert made == [
        pos.reference(key),
        procurify_bills_to_qad.reference(key),
        *(procore_coding.qad_reference(p, key) for p in ("PCSI", "PCDC", "PCPAY")),
    ]

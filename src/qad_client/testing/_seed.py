"""Deterministic seed data of any size: the same ``seed`` always yields the same tenant.

Codes are sequential and readable (``SUP00001``, ``ITM00001``, ``CC0001`` ...); names, prices
and analysis types come from ``random.Random(seed)``. Three GL accounts always exist: ``1010``
(bank), ``2100`` (AP control) and ``5000`` (purchases, no analysis), which every seeded item
uses so seeded orders need no analysis codes. Seeding twice skips codes that already exist.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

import attrs

from qad_client.testing import _names as n
from qad_client.testing._records import (
    AnalysisCode,
    CostCentre,
    Domain,
    GLAccount,
    Item,
    POLine,
    Project,
    PurchaseOrder,
    Record,
    SubAccount,
    Supplier,
)
from qad_client.testing._state import ANALYSIS_TYPES, Table, TenantState

__all__ = ["BANK_ACCOUNT", "EXPENSE_ACCOUNT", "PAYABLES_ACCOUNT", "SeedResult", "seed_tenant"]

BANK_ACCOUNT = "1010"
PAYABLES_ACCOUNT = "2100"
EXPENSE_ACCOUNT = "5000"
_USER = "seed"

R = TypeVar("R", bound=Record)
A = TypeVar("A", bound=AnalysisCode)

_FIRST = (
    "Acme",
    "Summit",
    "Northern",
    "Pacific",
    "Granite",
    "Harbor",
    "Liberty",
    "Pioneer",
    "Cascade",
    "Evergreen",
    "Keystone",
    "Meridian",
    "Redwood",
    "Silverline",
    "Trident",
)
_SECOND = (
    "Supply",
    "Industries",
    "Metals",
    "Components",
    "Logistics",
    "Fasteners",
    "Plastics",
    "Electric",
    "Packaging",
    "Tooling",
    "Chemicals",
    "Textiles",
)
_SUFFIX = ("Inc.", "LLC", "Co.", "Ltd.", "Corp.")
_CITIES = (
    ("Chicago", "IL"),
    ("Dallas", "TX"),
    ("Denver", "CO"),
    ("Atlanta", "GA"),
    ("Portland", "OR"),
    ("Columbus", "OH"),
    ("Phoenix", "AZ"),
    ("Boston", "MA"),
)
_NOUNS = (
    "Bolt",
    "Bracket",
    "Valve",
    "Gasket",
    "Bearing",
    "Sensor",
    "Cable",
    "Panel",
    "Hinge",
    "Filter",
    "Pump",
    "Spring",
    "Washer",
    "Relay",
    "Coupling",
)
_ADJECTIVES = ("Steel", "Brass", "Nylon", "Heavy-duty", "Compact", "Hex", "Sealed", "Flexible")
_UNITS = ("EA", "EA", "EA", "BOX", "KG", "M")
_AREAS = ("Finance", "Operations", "Sales", "Maintenance", "Engineering", "Quality", "IT")


@attrs.frozen
class SeedResult:
    """The codes a :meth:`QADSimulator.seed` call created, for tests to pick from."""

    domain: str
    suppliers: tuple[str, ...]
    items: tuple[str, ...]
    gl_accounts: tuple[str, ...]
    cost_centres: tuple[str, ...]
    sub_accounts: tuple[str, ...]
    projects: tuple[str, ...]
    purchase_orders: tuple[str, ...]
    bank_account: str = BANK_ACCOUNT
    expense_account: str = EXPENSE_ACCOUNT


def seed_tenant(
    state: TenantState,
    domain: Domain,
    *,
    now: datetime,
    rng_seed: int,
    suppliers: int,
    items: int,
    gl_accounts: int,
    cost_centres: int,
    sub_accounts: int,
    projects: int,
    purchase_orders: int,
    lines_per_order: int,
) -> SeedResult:
    """Fill ``domain`` (and its shared sets) with generated, valid records."""
    rng = random.Random(rng_seed)
    accounts = domain.account_set

    def put(table: Table[R], scope: str, code: str, record: R) -> str:
        if table.get(scope, code) is None:
            state.insert(record, user=_USER, now=now)
        return code

    gl_table = state.gl_accounts
    fixed = [
        GLAccount(
            shared_set=accounts, code=BANK_ACCOUNT, description="Bank", gl_type=n.GL_TYPE["balance"]
        ),
        GLAccount(
            shared_set=accounts,
            code=PAYABLES_ACCOUNT,
            description="Accounts payable",
            gl_type=n.GL_TYPE["balance"],
        ),
        GLAccount(shared_set=accounts, code=EXPENSE_ACCOUNT, description="Purchases"),
    ]
    gl_codes = [put(gl_table, accounts, a.code, a) for a in fixed]
    for i in range(1, gl_accounts + 1):
        code = f"6{i:04d}"
        account = GLAccount(
            shared_set=accounts,
            code=code,
            description=f"{rng.choice(_AREAS)} expense {i}",
            analysis_type=rng.choice(ANALYSIS_TYPES),
            allow_sub_account=rng.random() < 0.3,
        )
        gl_codes.append(put(gl_table, accounts, code, account))

    def codes(table: Table[A], cls: type[A], prefix: str, width: int, count: int) -> list[str]:
        made = []
        for i in range(1, count + 1):
            code = f"{prefix}{i:0{width}d}"
            record = cls(shared_set=accounts, code=code, description=f"{rng.choice(_AREAS)} {i}")
            made.append(put(table, accounts, code, record))
        return made

    cc_codes = codes(state.cost_centres, CostCentre, "CC", 4, cost_centres)
    sub_codes = codes(state.sub_accounts, SubAccount, "SUB", 4, sub_accounts)
    project_codes = codes(state.projects, Project, "PRJ", 4, projects)

    supplier_codes = []
    terms = sorted(state.credit_terms) or [""]
    for i in range(1, suppliers + 1):
        code = f"SUP{i:05d}"
        city, region = rng.choice(_CITIES)
        supplier = Supplier(
            shared_set=domain.supplier_set,
            code=code,
            name=f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} {rng.choice(_SUFFIX)}",
            business_relation=code,
            street1=f"{rng.randint(1, 9999)} {rng.choice(_FIRST)} Ave",
            city=city,
            zip=f"{rng.randint(10000, 99999)}",
            country="US",
            tax_id_federal=f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}",
            tax_id_state=region,
            currency=state.base_currency,
            credit_terms=rng.choice(terms),
        )
        supplier_codes.append(put(state.suppliers, domain.supplier_set, code, supplier))

    item_codes = []
    for i in range(1, items + 1):
        code = f"ITM{i:05d}"
        item = Item(
            domain=domain.code,
            code=code,
            description1=f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}",
            description2=f"Part {i}",
            unit_of_measure=rng.choice(_UNITS),
            item_type="PURCHASED",
            purchase_cost=Decimal(rng.randint(100, 50000)) / 100,
            gl_account=EXPENSE_ACCOUNT,
        )
        item_codes.append(put(state.items, domain.code, code, item))

    po_numbers = []
    if purchase_orders and (not supplier_codes or not item_codes):
        raise ValueError("seeding purchase orders needs at least one supplier and one item")
    start = now.date()
    for _ in range(purchase_orders):
        po_numbers.append(
            _order(state, domain, rng, supplier_codes, item_codes, start, lines_per_order, now)
        )
    return SeedResult(
        domain=domain.code,
        suppliers=tuple(supplier_codes),
        items=tuple(item_codes),
        gl_accounts=tuple(gl_codes),
        cost_centres=tuple(cc_codes),
        sub_accounts=tuple(sub_codes),
        projects=tuple(project_codes),
        purchase_orders=tuple(po_numbers),
    )


def _order(
    state: TenantState,
    domain: Domain,
    rng: random.Random,
    suppliers: list[str],
    items: list[str],
    start: date,
    lines: int,
    now: datetime,
) -> str:
    supplier = state.suppliers.get(domain.supplier_set, rng.choice(suppliers))
    assert supplier is not None
    ordered = start - timedelta(days=rng.randint(0, 60))
    order = PurchaseOrder(
        domain=domain.code,
        number=state.next_po_number(domain),
        supplier=supplier.code,
        order_date=ordered,
        due_date=ordered + timedelta(days=rng.randint(7, 45)),
        currency=supplier.currency,
        credit_terms=supplier.credit_terms,
        ship_to=domain.sites[0] if domain.sites else "",
        next_line=lines + 1,
    )
    for number in range(1, lines + 1):
        item = state.items.get(domain.code, rng.choice(items))
        assert item is not None
        order.lines[number] = POLine(
            domain=domain.code,
            po_number=order.number,
            line=number,
            site=order.ship_to,
            item=item.code,
            description=item.description1,
            quantity_ordered=Decimal(rng.randint(1, 100)),
            unit_of_measure=item.unit_of_measure,
            purchase_cost=item.purchase_cost,
            due_date=order.due_date,
            gl_account=item.gl_account,
        )
    state.insert(order, user=_USER, now=now)
    return order.number

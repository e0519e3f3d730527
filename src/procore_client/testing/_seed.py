"""Deterministic bulk data: the same ``seed`` always yields the same records and ids.

Built for volume (100,000 vendors and 20,000 requisitions in a couple of seconds): records are
constructed directly and inserted with the state's silent ``put_*`` methods, so seeding neither
validates nor announces webhooks.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

import attrs

from procore_client.testing._models import (
    BusinessRegister,
    Commitment,
    ContractLineItem,
    ContractPayment,
    CostCode,
    DirectCost,
    DirectCostLineItem,
    LineItemType,
    Project,
    Requisition,
    Vendor,
)
from procore_client.testing._state import BASE_TYPES, PO_STATUSES, WO_STATUSES, ProcoreState

__all__ = ["SeedSummary", "seed_company"]

_FIRST = (
    "Summit", "Granite", "Harbor", "Pioneer", "Keystone", "Redwood", "Atlas", "Beacon",
    "Cascade", "Frontier", "Ironwood", "Liberty", "Meridian", "Northstar", "Sterling", "Union",
)  # fmt: skip
_TRADE = (
    "Concrete", "Electric", "Plumbing", "Steel", "Drywall", "Roofing", "Glazing", "Paving",
    "Mechanical", "Excavation", "Masonry", "Painting", "Landscaping", "Fire Protection",
)  # fmt: skip
_SUFFIX = ("LLC", "Inc.", "Co.", "Group", "Partners", "& Sons", "Corp.", "Ltd.")
_CITIES = (
    ("Austin", "TX", "78701"),
    ("Denver", "CO", "80202"),
    ("Portland", "OR", "97201"),
    ("Phoenix", "AZ", "85004"),
    ("Atlanta", "GA", "30303"),
    ("Chicago", "IL", "60601"),
    ("Seattle", "WA", "98101"),
    ("Boston", "MA", "02108"),
)
_DIVISIONS = (
    "General Requirements", "Existing Conditions", "Concrete", "Masonry", "Metals",
    "Wood & Plastics", "Thermal & Moisture", "Openings", "Finishes", "Specialties",
    "Equipment", "Furnishings", "Special Construction", "Conveying", "Fire Suppression",
    "Plumbing", "HVAC", "Electrical", "Communications", "Earthwork",
)  # fmt: skip
_REQUISITION_WEIGHTS = (
    ("approved", 45),
    ("draft", 15),
    ("under_review", 15),
    ("revise_and_resubmit", 5),
    ("approved_as_noted", 10),
    ("pending_owner_approval", 10),
)
_CENT = Decimal("0.01")


@attrs.frozen
class SeedSummary:
    """What :func:`seed_company` created and how long it took."""

    company_id: int
    project_ids: tuple[int, ...]
    vendors: int
    line_item_types: int
    cost_codes: int
    commitments: int
    requisitions: int
    payments: int
    direct_costs: int
    seconds: float


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randrange(low * 100, high * 100)) / 100).quantize(_CENT)


def seed_company(
    state: ProcoreState,
    company_id: int,
    *,
    vendors: int = 0,
    projects: int = 0,
    requisitions_per_project: int = 0,
    cost_codes_per_project: int = 0,
    line_item_types: int = 0,
    commitments_per_project: int | None = None,
    payments_per_commitment: int = 0,
    direct_costs_per_project: int = 0,
    seed: int = 0,
    permitted_for: Iterable[str] | None = None,
    origin_ids: bool = False,
    span_days: int = 365,
) -> SeedSummary:
    """Fill an existing company with deterministic records (see ``ProcoreSimulator.seed``)."""
    started = time.perf_counter()
    state.company(company_id)
    rng = random.Random(seed)
    anchor = state.clock.now()
    span = max(span_days, 1) * 86_400
    permitted = None if permitted_for is None else set(permitted_for)

    def stamps() -> tuple[timedelta, timedelta]:
        age = rng.randrange(span)
        return timedelta(seconds=age), timedelta(seconds=rng.randrange(age + 1))

    vendor_ids: list[int] = []
    for index in range(vendors):
        vendor_id = state.next_id("vendor")
        age, since = stamps()
        city, region, postcode = _CITIES[index % len(_CITIES)]
        name = f"{rng.choice(_FIRST)} {rng.choice(_TRADE)} {rng.choice(_SUFFIX)} {index + 1:06d}"
        fields: dict[str, object] = {
            "name": name,
            "city": city,
            "state_code": region,
            "zip": postcode,
            "country_code": "US",
            "business_phone": f"555-{rng.randrange(1000, 9999)}",
            "email_address": f"ap{index + 1}@vendor{vendor_id % 100_000}.example",
            "is_active": rng.random() > 0.05,
            "origin_code": f"V{index + 1:06d}",
        }
        if origin_ids:
            fields["origin_id"] = f"erp-vendor-{index + 1}"
        vendor = Vendor(vendor_id, company_id, anchor - age, anchor - age + since, fields)
        if rng.random() < 0.3:
            vendor.business_register = BusinessRegister(
                state.next_id("business_register"), "ein", f"{rng.randrange(10**8, 10**9)}"
            )
        state.put_vendor(vendor)
        vendor_ids.append(vendor_id)
    if not vendor_ids:
        vendor_ids = list(state.vendors_by_company.get(company_id, {}))

    type_ids: list[int] = []
    for index in range(line_item_types):
        created = anchor - timedelta(days=span_days)
        base = BASE_TYPES[index % len(BASE_TYPES)]
        item = LineItemType(
            state.next_id("line_item_type"),
            company_id,
            base.replace("_", " ").title() if index < len(BASE_TYPES) else f"Type {index + 1}",
            f"{base[:1].upper()}{index + 1}",
            base,
            created,
            created,
            f"erp-type-{index + 1}" if origin_ids else None,
        )
        state.put_line_item_type(item)
        type_ids.append(item.id)

    project_ids: list[int] = []
    totals = {"cost_codes": 0, "commitments": 0, "requisitions": 0, "payments": 0, "direct": 0}
    for p_index in range(projects):
        age, since = stamps()
        project_id = state.next_id("project")
        while project_id in state.projects:
            project_id = state.next_id("project")
        city, region, postcode = _CITIES[p_index % len(_CITIES)]
        created = anchor - age
        project = Project(
            id=project_id,
            company_id=company_id,
            name=f"{rng.choice(_FIRST)} {('Tower', 'Plaza', 'Campus', 'Center')[p_index % 4]} "
            f"{p_index + 1}",
            project_number=f"{24000 + p_index + 1}",
            created_at=created,
            updated_at=created + since,
            permitted_for=None if permitted is None else set(permitted),
            city=city,
            state_code=region,
            zip=postcode,
            start_date=created.date(),
            completion_date=(created + timedelta(days=540)).date(),
            total_value=_money(rng, 1_000_000, 50_000_000),
            origin_id=f"erp-job-{p_index + 1}" if origin_ids else None,
        )
        state.put_project(project)
        project_ids.append(project_id)
        code_ids = _seed_cost_codes(state, rng, project, cost_codes_per_project, origin_ids)
        totals["cost_codes"] += len(code_ids)

        wanted = commitments_per_project
        if wanted is None:
            wanted = math.ceil(requisitions_per_project / 40) if requisitions_per_project else 0
        commitments = _seed_commitments(
            state, rng, project, wanted, vendor_ids, code_ids, type_ids, origin_ids
        )
        totals["commitments"] += len(commitments)
        totals["requisitions"] += _seed_requisitions(
            state, rng, project, commitments, requisitions_per_project, origin_ids
        )
        for commitment in commitments:
            for number in range(1, payments_per_commitment + 1):
                day = (commitment.created_at + timedelta(days=30 * number)).date()
                payment = ContractPayment(
                    state.next_id("contract_payment"),
                    project_id,
                    commitment.id,
                    day,
                    _money(rng, 1_000, 50_000),
                    commitment.created_at,
                    commitment.updated_at,
                    payment_number=number,
                    check_number=f"{rng.randrange(10_000, 99_999)}",
                    invoice_number=f"INV-{commitment.id % 10_000}-{number}",
                )
                state.put_payment(payment)
                totals["payments"] += 1
        for d_index in range(direct_costs_per_project if code_ids else 0):
            d_age, d_since = stamps()
            d_created = anchor - d_age
            cost = DirectCost(
                state.next_id("direct_cost"),
                project_id,
                rng.choice(vendor_ids) if vendor_ids else None,
                ("invoice", "expense", "payroll")[d_index % 3],
                rng.choice(("draft", "pending", "approved")),
                d_created,
                d_created + d_since,
                invoice_number=f"DC-{project_id % 10_000}-{d_index + 1}",
                direct_cost_date=d_created.date(),
                received_date=d_created.date(),
                payment_date=(d_created + timedelta(days=30)).date(),
                description=f"Direct cost {d_index + 1}",
                origin_id=f"erp-dc-{project_id}-{d_index + 1}" if origin_ids else None,
            )
            cost.line_items = [
                DirectCostLineItem(
                    id=state.next_id("direct_cost_line_item"),
                    direct_cost_id=cost.id,
                    amount=_money(rng, 50, 5_000),
                    cost_code_id=rng.choice(code_ids),
                    line_item_type_id=rng.choice(type_ids) if type_ids else None,
                    position=position,
                    description=f"Line {position}",
                    created_at=cost.created_at,
                    updated_at=cost.updated_at,
                )
                for position in range(1, rng.randrange(2, 5))
            ]
            state.put_direct_cost(cost)
            totals["direct"] += 1
    return SeedSummary(
        company_id,
        tuple(project_ids),
        vendors,
        len(type_ids),
        totals["cost_codes"],
        totals["commitments"],
        totals["requisitions"],
        totals["payments"],
        totals["direct"],
        time.perf_counter() - started,
    )


def _seed_cost_codes(
    state: ProcoreState, rng: random.Random, project: Project, count: int, origin_ids: bool
) -> list[int]:
    ids: list[int] = []
    parents = max(math.ceil(count / 10), 1) if count else 0
    parent_ids: list[int] = []
    for index in range(count):
        is_parent = index < parents
        if is_parent:
            code = f"{index + 1:02d}"
            name = _DIVISIONS[index % len(_DIVISIONS)]
            parent_id = None
        else:
            parent_id = parent_ids[index % len(parent_ids)]
            code = f"{100 + index:03d}"
            name = f"{rng.choice(_TRADE)} work {index + 1}"
        item = CostCode(
            state.next_id("cost_code"),
            project.id,
            code,
            name,
            index + 1,
            project.created_at,
            project.updated_at,
            parent_id,
            origin_id=f"erp-cc-{project.id}-{index + 1}" if origin_ids else None,
        )
        state.put_cost_code(item)
        ids.append(item.id)
        if is_parent:
            parent_ids.append(item.id)
    leaves = ids[parents:]
    return leaves or ids


def _seed_commitments(
    state: ProcoreState,
    rng: random.Random,
    project: Project,
    count: int,
    vendor_ids: list[int],
    code_ids: list[int],
    type_ids: list[int],
    origin_ids: bool,
) -> list[Commitment]:
    made: list[Commitment] = []
    for index in range(count):
        purchase = index % 4 == 3
        kind = "PurchaseOrderContract" if purchase else "WorkOrderContract"
        statuses = PO_STATUSES if purchase else WO_STATUSES
        status = "Approved" if rng.random() < 0.8 else rng.choice(statuses)
        commitment = Commitment(
            state.next_id("commitment"),
            project.id,
            kind,
            f"{'PO' if purchase else 'SC'}-{index + 1:03d}",
            f"{rng.choice(_TRADE)} {'purchase order' if purchase else 'subcontract'}",
            status,
            rng.choice(vendor_ids) if vendor_ids else None,
            project.created_at,
            project.updated_at,
            executed=status in ("Approved", "Complete"),
            contract_date=project.created_at.date(),
            origin_id=f"erp-contract-{project.id}-{index + 1}" if origin_ids else None,
        )
        commitment.line_items = [
            ContractLineItem(
                id=state.next_id("contract_line_item"),
                commitment_id=commitment.id,
                position=position,
                description=f"Scope item {position}",
                amount=_money(rng, 20_000, 400_000),
                cost_code_id=rng.choice(code_ids) if code_ids else None,
                line_item_type_id=rng.choice(type_ids) if type_ids else None,
                created_at=commitment.created_at,
                updated_at=commitment.updated_at,
            )
            for position in range(1, 4)
        ]
        state.put_commitment(commitment)
        made.append(commitment)
    return made


def _seed_requisitions(
    state: ProcoreState,
    rng: random.Random,
    project: Project,
    commitments: list[Commitment],
    count: int,
    origin_ids: bool,
) -> int:
    eligible = [c for c in commitments if c.kind == "WorkOrderContract"] or commitments
    if not eligible or count <= 0:
        return 0
    statuses = [s for s, _ in _REQUISITION_WEIGHTS]
    weights = [w for _, w in _REQUISITION_WEIGHTS]
    per = [count // len(eligible)] * len(eligible)
    for index in range(count % len(eligible)):
        per[index] += 1
    anchor = state.clock.now()
    for commitment, amount in zip(eligible, per, strict=True):
        previous: int | None = None
        step = max((anchor - commitment.created_at) / max(amount, 1), timedelta(hours=1))
        for number in range(1, amount + 1):
            created = commitment.created_at + step * (number - 1)
            updated = min(created + step / 2, anchor)
            start = created.date()
            requisition = Requisition(
                state.next_id("requisition"),
                project.id,
                commitment.id,
                number,
                rng.choices(statuses, weights)[0],
                created,
                updated,
                period_id=number,
                billing_date=start,
                requisition_start=start,
                requisition_end=(created + step).date(),
                submitted_at=start,
                invoice_number=f"{commitment.number}-{number:03d}",
                total_claimed=_money(rng, 500, 20_000),
                previous_requisition_id=previous,
                origin_id=f"erp-inv-{commitment.id}-{number}" if origin_ids else None,
            )
            state.put_requisition(requisition)
            previous = requisition.id
    return count

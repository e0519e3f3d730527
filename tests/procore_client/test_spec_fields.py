"""The Procore spec check on read shapes: each record the simulator renders carries every field
Procore's endpoint extract documents for it, and no undocumented one beyond those listed here.

The extracts (``spec/``, MIT, from a 2026 Procore OpenAPI catalogue) are copied from
``api-notes/procore-endpoints``. A renderer change that drops a documented field, or a new
field the spec does not name, fails here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.procore_client.test_client_support import (
    CLIENT_ID,
    COMPANY,
    SECRET,
    fake_clock,
    new_sim,
    plain_token,
)

SPEC = Path(__file__).parent / "spec"

# operationId -> (path template, query); {pid}, {po}, {wo}, {req}, {cost}, {vendor}, {code},
# {type}, {payment} are filled from a seeded simulator.
OPERATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "RestV10CompaniesGet": ("/rest/v1.0/companies", {}),
    "RestV10MeGet": ("/rest/v1.0/me", {}),
    "RestV10WebhooksResourcesGet": ("/rest/v1.0/webhooks/resources", {"company_id": COMPANY}),
    "RestV10CompanyBaseUrlGet": ("/rest/v1.0/company_base_url", {}),
    "RestV10ProjectsGet": ("/rest/v1.0/projects", {"company_id": COMPANY}),
    "RestV10CompaniesCompanyIdProjectsGet": (f"/rest/v1.0/companies/{COMPANY}/projects", {}),
    "RestV10CostCodesIdGet": ("/rest/v1.0/cost_codes/{code}", {"project_id": "{pid}"}),
    "RestV10LineItemTypesGet": ("/rest/v1.0/line_item_types", {"company_id": COMPANY}),
    "RestV10LineItemTypesIdGet": ("/rest/v1.0/line_item_types/{type}", {"company_id": COMPANY}),
    "RestV10PurchaseOrderContractsGet": (
        "/rest/v1.0/purchase_order_contracts",
        {"project_id": "{pid}", "view": "extended"},
    ),
    "RestV10PurchaseOrderContractsIdGet": (
        "/rest/v1.0/purchase_order_contracts/{po}",
        {"project_id": "{pid}"},
    ),
    "RestV10WorkOrderContractsIdGet": (
        "/rest/v1.0/work_order_contracts/{wo}",
        {"project_id": "{pid}"},
    ),
    "RestV10CommitmentsGet": ("/rest/v1.0/commitments", {"project_id": "{pid}"}),
    "RestV10RequisitionsGet": ("/rest/v1.0/requisitions", {"project_id": "{pid}"}),
    "RestV10RequisitionsIdGet": ("/rest/v1.0/requisitions/{req}", {"project_id": "{pid}"}),
    "RestV11RequisitionsGet": (
        "/rest/v1.1/requisitions",
        {"project_id": "{pid}", "view": "extended"},
    ),
    "RestV11RequisitionsIdGet": (
        "/rest/v1.1/requisitions/{req}",
        {"project_id": "{pid}", "view": "extended"},
    ),
    "RestV10ContractPaymentsIdGet": (
        "/rest/v1.0/contract_payments/{payment}",
        {"project_id": "{pid}", "contract_id": "{po}"},
    ),
    "RestV10ContractPaymentsGet": (
        "/rest/v1.0/contract_payments",
        {"project_id": "{pid}", "contract_id": "{po}"},
    ),
    "RestV10ProjectsProjectIdDirectCostsGet": ("/rest/v1.0/projects/{pid}/direct_costs", {}),
    "RestV10ProjectsProjectIdDirectCostsIdGet": (
        "/rest/v1.0/projects/{pid}/direct_costs/{cost}",
        {},
    ),
    "RestV11ProjectsProjectIdDirectCostsGet": ("/rest/v1.1/projects/{pid}/direct_costs", {}),
    "RestV11ProjectsProjectIdDirectCostsIdGet": (
        "/rest/v1.1/projects/{pid}/direct_costs/{cost}",
        {},
    ),
}

# Fields the simulator renders that the operation's schema does not list, each with why.
KNOWN_EXTRA: dict[str, dict[str, str]] = {
    "RestV10WebhooksResourcesGet": {
        "name": "the resource name a trigger's resource_name must match; the extract lists no "
        "field holding it (tools may be it: UNCONFIRMED), so the client reads name",
    },
    "RestV11RequisitionsGet": {
        "action_policy": "v1.1 offers view=action_policy (and extended) but its schema omits "
        "the field; v1.0's schema documents it",
    },
    "RestV11RequisitionsIdGet": {
        "action_policy": "as for the v1.1 list: the view enum names it, the schema does not",
    },
    "RestV11ProjectsProjectIdDirectCostsIdGet": {
        "amount": "the list documents it and the show action is the list row plus details; "
        "the show schema leaves it out",
    },
    "RestV11ProjectsProjectIdDirectCostsIdPatch": {
        "amount": "the update answers with the show shape, as for the show action",
    },
}

# Extracts whose 200 schema names no fields (an empty or untyped items object), so the
# simulator's shape for them cannot be checked; a spec that gains fields fails here.
UNDOCUMENTED = {
    "RestV10CostCodesGet",
    "RestV10PurchaseOrderContractsPurchaseOrderContractIdLineItemsGet",
    "RestV10VendorsGet",
    "RestV10VendorsIdGet",
    "RestV10WorkOrderContractsGet",
    "RestV10WorkOrderContractsWorkOrderContractIdLineItemsGet",
    "RestV11ProjectsGet",
}


def documented(operation: str, status: str = "200") -> set[str]:
    """The top-level fields of ``operation``'s record for ``status``, as its extract lists
    them."""
    spec = json.loads((SPEC / f"{operation}.json").read_text())
    schema = spec["responses"][status]["schema"]
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    return set(schema.get("properties", {}))


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[httpx.Client, dict[str, Any]]]:
    sim = new_sim(fake_clock())
    summary = sim.seed(
        COMPANY,
        vendors=2,
        projects=1,
        requisitions_per_project=2,
        cost_codes_per_project=2,
        line_item_types=2,
        commitments_per_project=4,
        payments_per_commitment=1,
        direct_costs_per_project=1,
    )
    pid = summary.project_ids[0]
    with httpx.Client(transport=sim.transport()) as login:
        bearer = plain_token(login, CLIENT_ID, SECRET, "https://login.procore.com")
    headers = {"Authorization": f"Bearer {bearer}", "Procore-Company-Id": str(COMPANY)}
    with httpx.Client(
        transport=sim.transport(), base_url="https://api.procore.com", headers=headers
    ) as client:
        commitments = sim.state.commitments_by_project[pid].values()
        po = next(c.id for c in commitments if c.kind == "PurchaseOrderContract")
        requisition = next(iter(sim.state.requisitions_by_project[pid].values()))
        ids = {
            "pid": pid,
            "po": po,
            "payment": next(iter(sim.state.payments_by_commitment[po])),
            "wo": next(c.id for c in commitments if c.kind == "WorkOrderContract"),
            "req": requisition.id,
            "req_commitment": requisition.commitment_id,
            "cost": next(iter(sim.state.direct_costs_by_project[pid])),
            "code": next(iter(sim.state.cost_codes_by_project[pid])),
            "type": next(iter(sim.state.line_item_types_by_company[COMPANY])),
        }
        yield client, ids


def _record(client: httpx.Client, ids: dict[str, Any], operation: str) -> dict[str, Any]:
    path, query = OPERATIONS[operation]
    params = {k: str(v).format(**ids) for k, v in query.items()}
    answer = client.get(path.format(**ids), params=params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    record = body[0] if isinstance(body, list) else body
    assert isinstance(record, dict)
    return record


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_the_simulator_renders_every_documented_field_and_no_unlisted_one(
    world: tuple[httpx.Client, dict[str, Any]], operation: str
) -> None:
    client, ids = world
    fields = documented(operation)
    assert fields, f"{operation}: the extract documents no fields; move it to UNDOCUMENTED"
    rendered = set(_record(client, ids, operation))
    assert sorted(fields - rendered) == [], f"{operation} omits documented fields"
    assert rendered - fields == set(KNOWN_EXTRA.get(operation, {})), operation


def test_every_extract_is_either_checked_or_known_to_document_no_fields() -> None:
    reads = {p.stem for p in SPEC.glob("*Get.json") if "WebhooksHooks" not in p.stem}
    checkable = {op for op in reads if documented(op)}
    assert checkable == set(OPERATIONS)
    assert reads - checkable == UNDOCUMENTED


@pytest.mark.parametrize("version", ["v1.0", "v1.1"])
def test_a_requisition_patch_answers_in_the_documented_v11_shape(
    world: tuple[httpx.Client, dict[str, Any]], version: str
) -> None:
    client, ids = world
    operation = f"RestV1{version[-1]}RequisitionsIdPatch"
    body = {"project_id": ids["pid"], "commitment_id": ids["req_commitment"], "requisition": {}}
    answer = client.patch(f"/rest/{version}/requisitions/{ids['req']}", json=body)
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == documented(operation)


@pytest.mark.parametrize(
    ("operation", "path", "body"),
    [
        (
            "RestV10ContractPaymentsIdPatch",
            "/rest/v1.0/contract_payments/{payment}",
            {"project_id": "{pid}", "contract_id": "{po}", "contract_payment": {}},
        ),
        (
            "RestV11ProjectsProjectIdDirectCostsIdPatch",
            "/rest/v1.1/projects/{pid}/direct_costs/{cost}",
            {"direct_cost": {}},
        ),
    ],
)
def test_a_write_back_patch_answers_in_its_documented_shape(
    world: tuple[httpx.Client, dict[str, Any]], operation: str, path: str, body: dict[str, Any]
) -> None:
    client, ids = world
    filled = {k: int(v.format(**ids)) if isinstance(v, str) else v for k, v in body.items()}
    answer = client.patch(path.format(**ids), json=filled)
    assert answer.status_code == 200, answer.text
    fields, rendered = documented(operation), set(answer.json())
    assert sorted(fields - rendered) == [], f"{operation} omits documented fields"
    assert rendered - fields == set(KNOWN_EXTRA.get(operation, {})), operation


# Nested records checked the same way: operation -> field holding a record (or a list of them).
NESTED: dict[str, tuple[str, ...]] = {
    "RestV10RequisitionsGet": ("summary",),
    "RestV10RequisitionsIdGet": ("summary",),
    "RestV11RequisitionsGet": ("items", "summary", "summary_text"),
    "RestV11RequisitionsIdGet": ("items", "summary", "summary_text"),
}
_ITEM_EXTRAS = {
    "cost_code": "the line's cost code by name, which the flows map to a GL account; the "
    "schema lists only cost_code_id and wbs_code",
    "line_item_type": "the line's cost type, the other half of the GL mapping; absent from "
    "the schema",
}
_SUMMARY_EXTRA = {
    "retainage_released_this_period": "released retainage is paid out on this invoice; the "
    "G702 columns hold it but the summary schema has no field for it",
}
KNOWN_NESTED_EXTRA: dict[tuple[str, str], dict[str, str]] = {
    **{(op, "summary"): _SUMMARY_EXTRA for op in NESTED},
    ("RestV11RequisitionsGet", "items"): _ITEM_EXTRAS,
    ("RestV11RequisitionsIdGet", "items"): _ITEM_EXTRAS,
}


def documented_nested(operation: str, field: str) -> set[str]:
    """The fields of the record nested under ``field`` in ``operation``'s 200 record."""
    spec = json.loads((SPEC / f"{operation}.json").read_text())
    schema = spec["responses"]["200"]["schema"]
    schema = schema.get("items", schema) if schema.get("type") == "array" else schema
    nested = schema["properties"][field]
    return set(nested.get("items", nested).get("properties", {}))


@pytest.mark.parametrize(
    ("operation", "field"), [(op, field) for op, fields in NESTED.items() for field in fields]
)
def test_nested_records_carry_every_documented_field_and_no_unlisted_one(
    world: tuple[httpx.Client, dict[str, Any]], operation: str, field: str
) -> None:
    client, ids = world
    value = _record(client, ids, operation)[field]
    nested = value[0] if isinstance(value, list) else value
    assert isinstance(nested, dict), f"{operation}.{field} is empty"
    fields, rendered = documented_nested(operation, field), set(nested)
    assert sorted(fields - rendered) == [], f"{operation}.{field} omits documented fields"
    extra = set(KNOWN_NESTED_EXTRA.get((operation, field), {}))
    assert rendered - fields == extra, f"{operation}.{field}"


def test_cost_code_writes_answer_in_their_documented_shapes(
    world: tuple[httpx.Client, dict[str, Any]],
) -> None:
    client, ids = world
    body = {"project_id": ids["pid"], "cost_code": {"code": "77", "name": "Spec check"}}
    created = client.post("/rest/v1.0/cost_codes", json=body)
    assert created.status_code == 201, created.text
    assert set(created.json()) == documented("RestV10CostCodesPost", "201")
    changed = client.patch(
        f"/rest/v1.0/cost_codes/{created.json()['id']}",
        json={"project_id": ids["pid"], "cost_code": {"name": "Spec check 2"}},
    )
    assert changed.status_code == 200, changed.text
    assert set(changed.json()) == documented("RestV10CostCodesIdPatch")

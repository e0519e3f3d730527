"""The Procore spec check on requests: the client's calls, recorded against the simulator, each
match an operation of Procore's endpoint extracts (``spec/``): a documented method and path,
only documented query parameters, every required one, and the required body fields.

A client change that sends an undocumented parameter or drops a required field fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
from tests.procore_client.test_client_support import (
    COMPANY,
    Recorder,
    fake_clock,
    new_client,
    new_sim,
)

from procore_client import VendorInput

SPEC = Path(__file__).parent / "spec"

# Known contradictions between an extract and what Procore answers or documents elsewhere.
# company_id on webhook calls: the extracts mark company_id AND project_id both required where
# the description says "either" (webhooks/resources lists project_id alone, required, and says
# "You must supply either a company_id or project_id"); the check wants one of the two.
EITHER = {"company_id", "project_id"}
_EITHER_TEXT = "either a company_id or project_id"
# Calls the client makes whose operation no extract in spec/ holds (a figure, not an excuse).
UNEXTRACTED: set[tuple[str, str]] = set()


def _operations() -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(SPEC.glob("*.json"))]


def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", r"[0-9]+", re.escape(path)) + "$")


def _match(method: str, path: str) -> dict[str, Any] | None:
    for operation in _operations():
        if operation["method"] == method and _template(operation["path"]).match(path):
            return operation
    return None


def _allowed(name: str, documented: set[str]) -> bool:
    """A query name the extract lists (``filters[id][]`` matches ``filters[id]`` and back)."""
    return name in documented or name.removesuffix("[]") in documented or f"{name}[]" in documented


def _problems(request: httpx.Request) -> list[str]:
    method, path = request.method, request.url.path
    if (method, path) in UNEXTRACTED:
        return []
    operation = _match(method, path)
    if operation is None:
        return [f"{method} {path}: no documented operation"]
    problems: list[str] = []
    query = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    if _EITHER_TEXT in query.get("project_id", {}).get("description", ""):
        query.setdefault("company_id", {"name": "company_id", "required": True})
    sent = {name for name, _ in request.url.params.multi_items()}
    problems += [
        f"{operation['operationId']}: undocumented query {n}"
        for n in sorted(sent)
        if not _allowed(n, set(query))
    ]
    body: dict[str, Any] = {}
    if request.content:
        body = json.loads(request.content)
    required = {n for n, p in query.items() if p.get("required")}
    if required >= EITHER:
        required -= EITHER
        if not (EITHER & (sent | set(body))):
            problems.append(f"{operation['operationId']}: neither company_id nor project_id")
    problems += [
        f"{operation['operationId']}: missing required query {n}"
        for n in sorted(required)
        if n not in sent and n not in body
    ]
    schema = (operation.get("requestBody") or {}).get("schema") or {}
    problems += [
        f"{operation['operationId']}: body lacks required {n}"
        for n in schema.get("required", [])
        if n not in body and n not in sent
    ]
    return problems


def test_every_call_the_client_makes_is_a_documented_operation_with_its_required_fields() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
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
    commitments = sim.state.commitments_by_project[pid].values()
    po = next(c.id for c in commitments if c.kind == "PurchaseOrderContract")
    wo = next(c.id for c in commitments if c.kind == "WorkOrderContract")
    recorder = Recorder(sim.transport())
    with new_client(sim, clock, transport=recorder) as client:
        client.me()
        list(client.companies.list())
        list(client.projects.list())
        vendor = next(iter(client.vendors.list()))
        client.vendors.get(vendor.id)
        made = client.vendors.create(VendorInput(name="Spec Co", origin_id="Q-1"))
        client.vendors.update(made.id, VendorInput(name="Spec Co 2"))
        client.vendors.sync([VendorInput(name="Synced", origin_id="Q-2")])
        list(client.cost_codes.list(pid))
        list(client.line_item_types.list())
        list(client.purchase_order_contracts.list(pid))
        client.purchase_order_contracts.get(pid, po)
        list(client.purchase_order_contracts.line_items(pid, po))
        list(client.work_order_contracts.list(pid))
        client.work_order_contracts.get(pid, wo)
        list(client.work_order_contracts.line_items(pid, wo))
        list(client.commitments.list(pid))
        requisition = next(iter(client.requisitions.list(pid)))
        client.requisitions.get(pid, requisition.id, with_items=True)
        client.requisitions.update(
            pid, requisition.id, origin_id="AP-1", commitment_id=requisition.commitment_id
        )
        payment = next(iter(client.contract_payments.list(pid, po)))
        client.contract_payments.get(pid, po, payment.id)
        client.contract_payments.update(pid, po, payment.id, origin_id="AP-PAY-1")
        cost = next(iter(client.direct_costs.list(pid)))
        client.direct_costs.get(pid, cost.id)
        client.direct_costs.update(pid, cost.id, origin_id="AP-DC-1")
        hook = client.webhooks.hooks.create(
            "https://hooks.invalid/procore", namespace="mlconnector", authorization="Bearer x"
        )
        list(client.webhooks.hooks.list(namespace="mlconnector"))
        client.webhooks.hooks.update(hook.id, destination_url="https://hooks.invalid/2")
        trigger = client.webhooks.triggers.create(hook.id, "Company Vendors", "create")
        list(client.webhooks.triggers.list(hook.id))
        client.webhooks.triggers.delete(hook.id, trigger.id)
        client.webhooks.triggers.bulk_create(hook.id, [("Company Vendors", "update")])
        list(client.webhooks.deliveries.list(hook.id))
        client.webhooks.hooks.delete(hook.id)
    calls = [r for r in recorder.requests if r.url.host == "api.procore.com"]
    problems = [p for r in calls for p in _problems(r)]
    assert problems == []
    checked = {op["operationId"] for r in calls if (op := _match(r.method, r.url.path))}
    assert len(checked) == 36


def test_the_check_flags_an_undocumented_parameter_and_a_missing_required_field() -> None:
    request = httpx.Request(
        "PATCH",
        "https://api.procore.com/rest/v1.1/requisitions/5?bogus=1",
        json={"project_id": 1, "requisition": {}},
    )
    assert _problems(request) == [
        "RestV11RequisitionsIdPatch: undocumented query bogus",
        "RestV11RequisitionsIdPatch: body lacks required commitment_id",
    ]
    unknown = httpx.Request("GET", "https://api.procore.com/rest/v1.0/budgets")
    assert _problems(unknown) == ["GET /rest/v1.0/budgets: no documented operation"]

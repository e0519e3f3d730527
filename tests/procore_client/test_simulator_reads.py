"""Simulator reads with a shape of their own: ``companies/{id}/projects`` rows and the v1.0
direct cost item reads, driven with plain httpx."""

from __future__ import annotations

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


@pytest.fixture
def world() -> Any:
    sim = new_sim(fake_clock())
    summary = sim.seed(
        COMPANY,
        vendors=2,
        projects=3,
        cost_codes_per_project=2,
        direct_costs_per_project=3,
    )
    with httpx.Client(transport=sim.transport()) as login:
        bearer = plain_token(login, CLIENT_ID, SECRET, "https://login.procore.com")
    headers = {"Authorization": f"Bearer {bearer}", "Procore-Company-Id": str(COMPANY)}
    with httpx.Client(
        transport=sim.transport(), base_url="https://api.procore.com", headers=headers
    ) as client:
        yield sim, client, summary.project_ids


def test_company_projects_rows_nest_the_address_and_name_stage_and_status(world: Any) -> None:
    sim, client, pids = world
    first, hidden, closed = (sim.state.projects[pid] for pid in pids)
    first.address, first.city, first.zip = "1 Main St", "Portland", "97201"
    hidden.permitted_for = {"other-app"}
    closed.active = False
    sim.state.touch()
    answer = client.get(f"/rest/v1.0/companies/{COMPANY}/projects")
    assert answer.status_code == 200
    assert "Link" not in answer.headers
    rows = answer.json()
    assert [row["id"] for row in rows] == [first.id]
    row = rows[0]
    assert row["address"] == {
        "street": "1 Main St",
        "city": "Portland",
        "state_code": first.state_code,
        "zip": "97201",
        "country_code": first.country_code,
    }
    assert (row["stage_name"], row["status_name"]) == (first.stage, "Active")
    assert "project_number" not in row
    assert "stage" not in row
    flat = client.get("/rest/v1.0/projects", params={"company_id": COMPANY}).json()
    assert flat[0]["address"] == "1 Main St"
    assert client.get("/rest/v1.0/companies/9/projects").status_code == 403


def test_v10_direct_cost_item_reads_list_filter_and_show_the_header_alone(world: Any) -> None:
    sim, client, pids = world
    pid = pids[0]
    costs = list(sim.state.direct_costs_by_project[pid].values())
    base = f"/rest/v1.0/projects/{pid}/direct_costs"
    listed = client.get(base).json()
    assert [row["id"] for row in listed] == [c.id for c in costs]
    newer = client.get(f"/rest/v1.1/projects/{pid}/direct_costs").json()
    assert listed == newer
    wanted = costs[1]
    wanted.invoice_number = "INV-V10"
    sim.state.touch()
    found = client.get(base, params={"filters[invoice_number]": "INV-V10"}).json()
    assert [row["id"] for row in found] == [wanted.id]
    shown = client.get(f"{base}/{wanted.id}").json()
    assert "line_items" not in shown
    assert shown["line_items_count"] == len(wanted.line_items) > 0
    assert shown["grand_total"] == listed[1]["grand_total"]
    assert shown["vendor"]["id"] == wanted.vendor_id
    sim.state.delete_direct_cost(pid, wanted.id)
    assert client.get(f"{base}/{wanted.id}").status_code == 404
    sim.state.projects[pids[1]].permitted_for = {"other-app"}
    assert client.get(f"/rest/v1.0/projects/{pids[1]}/direct_costs").status_code == 403

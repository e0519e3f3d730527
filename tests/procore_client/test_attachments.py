"""Uploads sent as multipart ``attachments[]`` are kept on the record and rendered as the
extracts document them (id, url, filename; invoices add content_type), over real loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.procore_client.test_client_support import (
    CLIENT_ID,
    COMPANY,
    SECRET,
    fake_clock,
    new_client,
    new_sim,
    plain_token,
)

from procore_client import Attachment
from procore_client.testing import ProcoreSimulator

PDF = "application/pdf"


@pytest.fixture
def world() -> Iterator[tuple[ProcoreSimulator, Any, httpx.Client, dict[str, int]]]:
    clock = fake_clock()
    sim = new_sim(clock)
    summary = sim.seed(
        COMPANY,
        vendors=2,
        projects=1,
        requisitions_per_project=2,
        cost_codes_per_project=2,
        commitments_per_project=2,
        payments_per_commitment=1,
    )
    pid = summary.project_ids[0]
    requisition = next(iter(sim.state.requisitions_by_project[pid].values()))
    contract = next(iter(sim.state.commitments_by_project[pid]))
    ids = {
        "pid": pid,
        "req": requisition.id,
        "req_contract": requisition.commitment_id,
        "contract": contract,
        "payment": next(iter(sim.state.payments_by_commitment[contract])),
        "vendor": next(iter(sim.state.vendors_by_company[COMPANY])),
    }
    with sim.serve() as base_url, httpx.Client(base_url=base_url) as plain:
        bearer = plain_token(plain, CLIENT_ID, SECRET, base_url)
        plain.headers.update(
            {"Authorization": f"Bearer {bearer}", "Procore-Company-Id": str(COMPANY)}
        )
        yield sim, clock, plain, ids


def test_a_synced_payment_still_takes_uploads_and_lists_them(world: Any) -> None:
    sim, _, client, ids = world
    url = f"/rest/v1.0/contract_payments/{ids['payment']}"
    scope = {"project_id": str(ids["pid"]), "contract_id": str(ids["contract"])}
    synced = client.patch(url, json={**scope, "contract_payment": {"origin_id": "AP-PAY-2"}})
    assert synced.status_code == 200
    uploaded = client.patch(
        url,
        data={**scope, "contract_payment[origin_data]": "remittance attached"},
        files=[
            ("attachments[]", ("remittance.pdf", b"%PDF-1.4 remit", PDF)),
            ("attachments[]", ("check.png", b"\x89PNG....", "image/png")),
        ],
    )
    assert uploaded.status_code == 200, uploaded.text
    listed = uploaded.json()["attachments"]
    assert [a["filename"] for a in listed] == ["remittance.pdf", "check.png"]
    assert all(set(a) == {"id", "url", "filename"} for a in listed)
    assert len({a["id"] for a in listed}) == 2
    assert all(a["url"].endswith(f"/{a['id']}/{a['filename']}") for a in listed)
    shown = client.get(url, params=scope).json()
    assert shown["attachments"] == listed
    stored = sim.state.payments[ids["payment"]].attachments
    assert [(a.content_type, a.size) for a in stored] == [(PDF, 14), ("image/png", 8)]
    locked = client.patch(
        url,
        data={**scope, "contract_payment[notes]": "late"},
        files=[("attachments[]", ("x.pdf", b"x", PDF))],
    )
    assert locked.status_code == 422
    assert len(sim.state.payments[ids["payment"]].attachments) == 2


def test_direct_cost_uploads_are_counted_in_both_versions_and_json_strings_refused(
    world: Any,
) -> None:
    _, _, client, ids = world
    base = f"/rest/v1.1/projects/{ids['pid']}/direct_costs"
    created = client.post(
        base,
        data={
            "direct_cost[vendor_id]": str(ids["vendor"]),
            "direct_cost[direct_cost_type]": "expense",
        },
        files=[("attachments[]", ("receipt.pdf", b"%PDF receipt", PDF))],
    )
    assert created.status_code == 201, created.text
    cost = created.json()
    assert cost["attachments_count"] == 1
    assert cost["attachments"][0]["filename"] == "receipt.pdf"
    patched = client.patch(
        f"{base}/{cost['id']}",
        data={"direct_cost[description]": "fuel"},
        files=[("attachments[]", ("second.pdf", b"%PDF 2", PDF))],
    )
    assert patched.status_code == 200
    item = client.get(f"/rest/v1.0/projects/{ids['pid']}/direct_costs/{cost['id']}").json()
    assert [a["filename"] for a in item["attachments"]] == ["receipt.pdf", "second.pdf"]
    assert item["attachments_count"] == 2
    refused = client.patch(
        f"{base}/{cost['id']}", json={"attachments": ["receipt.pdf"], "direct_cost": {}}
    )
    assert refused.status_code == 422
    assert "attachments" in refused.json()["errors"]


def test_the_client_reads_an_invoice_s_uploads_as_attachments(world: Any) -> None:
    sim, clock, client, ids = world
    answer = client.patch(
        f"/rest/v1.0/requisitions/{ids['req']}",
        data={
            "project_id": str(ids["pid"]),
            "commitment_id": str(ids["req_contract"]),
            "requisition[origin_data]": "waiver attached",
        },
        files=[("attachments[]", ("lien-waiver.pdf", b"%PDF waiver", PDF))],
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["attachments"][0]["content_type"] == PDF
    with new_client(sim, clock) as typed:
        invoice = typed.requisitions.get(ids["pid"], ids["req"])
    assert len(invoice.attachments) == 1
    only = invoice.attachments[0]
    assert isinstance(only, Attachment)
    assert (only.filename, only.content_type) == ("lien-waiver.pdf", PDF)
    assert only.id == sim.state.requisitions[ids["req"]].attachments[0].id

"""Contract payment write-back: ``PATCH /rest/v1.0/contract_payments/{id}`` in the simulator
(project_id and contract_id required, the ERP lock once ``origin_id`` is set, origin ids unique
per company) and ``client.contract_payments.update`` over real loopback HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.procore_client.test_client_support import (
    CLIENT_ID,
    COMPANY,
    SECRET,
    fake_clock,
    new_async_client,
    new_client,
    new_sim,
    plain_token,
)

from procore_client import ProcoreConfigurationError, ProcoreNotFound
from procore_client.testing import ProcoreSimulator


@pytest.fixture
def world() -> Iterator[tuple[ProcoreSimulator, httpx.Client, dict[str, int]]]:
    sim = new_sim(fake_clock())
    summary = sim.seed(
        COMPANY, vendors=2, projects=1, commitments_per_project=2, payments_per_commitment=2
    )
    pid = summary.project_ids[0]
    contract = next(iter(sim.state.commitments_by_project[pid]))
    first, second = list(sim.state.payments_by_commitment[contract])[:2]
    with httpx.Client(transport=sim.transport()) as login:
        bearer = plain_token(login, CLIENT_ID, SECRET, "https://login.procore.com")
    headers = {"Authorization": f"Bearer {bearer}", "Procore-Company-Id": str(COMPANY)}
    with httpx.Client(
        transport=sim.transport(), base_url="https://api.procore.com", headers=headers
    ) as client:
        yield sim, client, {"pid": pid, "contract": contract, "first": first, "second": second}


def _patch(client: httpx.Client, ids: dict[str, int], payment: str, **body: Any) -> httpx.Response:
    return client.patch(f"/rest/v1.0/contract_payments/{ids[payment]}", json=body)


def test_the_patch_needs_project_and_contract_and_checks_fields(
    world: tuple[ProcoreSimulator, httpx.Client, dict[str, int]],
) -> None:
    _, client, ids = world
    change = {"contract_payment": {"origin_data": "x"}}
    without_project = _patch(client, ids, "first", contract_id=ids["contract"], **change)
    assert without_project.status_code == 400
    assert "project_id" in without_project.text
    without_contract = _patch(client, ids, "first", project_id=ids["pid"], **change)
    assert without_contract.status_code == 400
    assert "contract_id" in without_contract.text
    other = _patch(
        client, ids, "first", project_id=ids["pid"], contract_id=ids["contract"] + 1, **change
    )
    assert other.status_code == 404
    bad = _patch(
        client,
        ids,
        "first",
        project_id=ids["pid"],
        contract_id=ids["contract"],
        contract_payment={"payment_method": "cash", "amount": "lots"},
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"payment_method", "amount"}


def test_once_synced_only_origin_fields_change_and_origin_ids_stay_unique(
    world: tuple[ProcoreSimulator, httpx.Client, dict[str, int]],
) -> None:
    sim, client, ids = world
    scope = {"project_id": ids["pid"], "contract_id": ids["contract"]}
    edited = _patch(client, ids, "first", **scope, contract_payment={"amount": "12.50"})
    assert edited.status_code == 200
    assert edited.json()["amount"] == "12.50"
    synced = _patch(
        client,
        ids,
        "first",
        **scope,
        contract_payment={"origin_id": "AP-PAY-1", "origin_data": "posted"},
    )
    assert synced.status_code == 200
    assert (synced.json()["origin_id"], synced.json()["origin_data"]) == ("AP-PAY-1", "posted")
    locked = _patch(client, ids, "first", **scope, contract_payment={"amount": "99.00"})
    assert locked.status_code == 422
    assert "amount" in locked.json()["message"]
    stored = sim.state.payments[ids["first"]]
    assert str(stored.amount) == "12.50"
    again = _patch(client, ids, "first", **scope, contract_payment={"origin_data": "again"})
    assert again.status_code == 200
    taken = _patch(client, ids, "second", **scope, contract_payment={"origin_id": "AP-PAY-1"})
    assert taken.status_code == 409
    assert sim.state.payments[ids["second"]].origin_id is None


def test_the_client_writes_origin_fields_back_over_loopback() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    summary = sim.seed(
        COMPANY, vendors=1, projects=1, commitments_per_project=1, payments_per_commitment=1
    )
    pid = summary.project_ids[0]
    contract = next(iter(sim.state.commitments_by_project[pid]))
    payment_id = next(iter(sim.state.payments_by_commitment[contract]))
    with sim.serve() as base_url, new_client(sim, clock, transport=None, base_url=base_url) as c:
        written = c.contract_payments.update(
            pid, contract, payment_id, origin_id="QAD-PAY-7", origin_data="check 7"
        )
        assert (written.id, written.origin_id, written.origin_data) == (
            payment_id,
            "QAD-PAY-7",
            "check 7",
        )
        read = c.contract_payments.get(pid, contract, payment_id)
        assert (read.origin_id, read.origin_data) == ("QAD-PAY-7", "check 7")
        repeated = c.contract_payments.update(pid, contract, payment_id, origin_id="QAD-PAY-7")
        assert repeated.origin_id == "QAD-PAY-7"
        with pytest.raises(ProcoreConfigurationError):
            c.contract_payments.update(pid, contract, payment_id)
    patches = [r for r in sim.requests if r.method == "PATCH"]
    assert len(patches) == 2
    assert all(httpx.URL(r.url).host == "127.0.0.1" for r in patches)


def test_the_async_client_writes_back_and_a_wrong_contract_is_not_found() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    summary = sim.seed(
        COMPANY, vendors=1, projects=1, commitments_per_project=2, payments_per_commitment=1
    )
    pid = summary.project_ids[0]
    contract, other = list(sim.state.commitments_by_project[pid])[:2]
    payment_id = next(iter(sim.state.payments_by_commitment[contract]))

    async def run() -> str | None:
        async with new_async_client(sim, clock) as client:
            written = await client.contract_payments.update(
                pid, contract, payment_id, origin_id="QAD-PAY-8"
            )
            with pytest.raises(ProcoreNotFound):
                await client.contract_payments.update(pid, other, payment_id, origin_id="X")
            return written.origin_id

    assert asyncio.run(run()) == "QAD-PAY-8"
    assert sim.state.payments[payment_id].origin_id == "QAD-PAY-8"

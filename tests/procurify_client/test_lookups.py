"""Procurify lookups by reference: every match, checked here, and unknown creates resolved."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mlconnector_http.testing import Fault
from procurify_client import (
    AsyncProcurifyClient,
    ProcurifyClient,
    ProcurifyConfigurationError,
    ProcurifyConflict,
    ProcurifyDecodeError,
    ProcurifyError,
    ProcurifyWriteOutcomeUnknown,
    Vendor,
)
from procurify_client.testing import ProcurifySimulator

VENDORS = "^/api/v3/vendors/$"


def _rewrite(change: Callable[[list[dict[str, Any]]], None]) -> Fault:
    def rewrite(response: httpx.Response) -> httpx.Response:
        body = json.loads(response.read())
        change(body["data"])
        return httpx.Response(response.status_code, json=body)

    return Fault.rewrite(rewrite)


def test_find_by_reference_returns_only_exact_matches(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    made = client.vendors.create(name="Lookup One", external_id="QAD-S-1")
    client.vendors.create(name="Lookup Two", external_id="QAD-S-2")
    assert [v.id for v in client.vendors.find_by_reference("QAD-S-1")] == [made.id]
    assert client.vendors.find_by_reference("QAD-S-404") == []
    found = client.vendors.find_by_external_id("QAD-S-1")
    assert found is not None
    assert found.id == made.id


def test_a_near_miss_from_the_server_is_not_a_match(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    client.vendors.create(name="Lookup One", external_id="QAD-S-1")

    def lower(rows: list[dict[str, Any]]) -> None:
        for row in rows:
            row["external_id"] = str(row["external_id"]).lower()

    sim.faults.add(_rewrite(lower), path=VENDORS, method="GET")
    assert client.vendors.find_by_reference("QAD-S-1") == []


def test_duplicates_show_and_the_single_lookup_refuses_to_pick(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    client.vendors.create(name="Twin A", external_id="QAD-DUP")
    client.vendors.create(name="Twin B", external_id="QAD-DUP")
    assert len(client.vendors.find_by_reference("QAD-DUP")) == 2
    with pytest.raises(ProcurifyConflict, match="2 vendors"):
        client.vendors.find_by_external_id("QAD-DUP")


def test_an_unreadable_match_raises(client: ProcurifyClient, sim: ProcurifySimulator) -> None:
    client.vendors.create(name="Lookup One", external_id="QAD-S-1")

    def corrupt(rows: list[dict[str, Any]]) -> None:
        rows[0]["name"] = ["not", "text"]

    sim.faults.add(_rewrite(corrupt), path=VENDORS, method="GET")
    with pytest.raises(ProcurifyDecodeError):
        client.vendors.find_by_reference("QAD-S-1")


def test_account_codes_are_found_by_code(client: ProcurifyClient) -> None:
    made = client.account_codes.create(code="6100-LK", description="Lookups")
    assert [c.id for c in client.account_codes.find_by_reference("6100-LK")] == [made.id]
    assert client.account_codes.find_by_reference("6100-L") == []


def test_an_empty_reference_is_refused(client: ProcurifyClient) -> None:
    with pytest.raises(ProcurifyConfigurationError):
        client.vendors.find_by_reference("")


@pytest.mark.parametrize(
    ("create", "reference"),
    [
        (lambda c: c.vendors.create(name="Maybe", external_id="QAD-S-9"), "QAD-S-9"),
        (lambda c: c.account_codes.create(code="6999", description="Maybe"), "6999"),
    ],
)
def test_a_create_that_timed_out_after_commit_is_unknown_with_its_reference(
    client: ProcurifyClient,
    sim: ProcurifySimulator,
    create: Callable[[ProcurifyClient], Any],
    reference: str,
) -> None:
    sim.faults.add(Fault.timeout_after_commit(), method="POST", path="^/api/v3/")
    with pytest.raises(ProcurifyWriteOutcomeUnknown) as caught:
        create(client)
    assert isinstance(caught.value, ProcurifyError)
    assert caught.value.reference == reference


def test_async_lookup_matches_sync(
    client: ProcurifyClient, make_aclient: Callable[..., AsyncProcurifyClient]
) -> None:
    made = client.vendors.create(name="Lookup One", external_id="QAD-S-1")

    async def run() -> list[Vendor]:
        async with make_aclient() as aclient:
            return await aclient.vendors.find_by_reference("QAD-S-1")

    assert [v.id for v in asyncio.run(run())] == [made.id]

"""Lookups by external reference: every match, checked here, and the unknown write resolved."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mlconnector_http import WriteOutcomeUnknown
from mlconnector_http.testing import Fault
from qad_client import (
    NewSupplier,
    QADConfigurationError,
    QADConflict,
    QADError,
    QADWriteOutcomeUnknown,
    Supplier,
)

from .test_client_support import World, make_world

BROWSE = "/api/qracore/browses"


def _supplier(code: str, reference: str | None) -> NewSupplier:
    return NewSupplier(
        code=code, name=f"Supplier {code}", currency="USD", external_reference=reference
    )


def _rows(change: Callable[[dict[str, Any]], None]) -> Fault:
    def rewrite(response: httpx.Response) -> httpx.Response:
        body = json.loads(response.read())
        for row in body.get("data") or []:
            change(row)
        return httpx.Response(response.status_code, json=body)

    return Fault.rewrite(rewrite)


def _world_with_suppliers() -> World:
    world = make_world()
    with world.client() as client:
        client.suppliers.create(_supplier("LK1", "qad:ref:1"))
        client.suppliers.create(_supplier("LK2", "qad:ref:2"))
    return world


def test_find_by_reference_returns_the_match_and_nothing_else() -> None:
    world = _world_with_suppliers()
    with world.client() as client:
        found = client.suppliers.find_by_reference("qad:ref:1")
        assert [s.code for s in found] == ["LK1"]
        assert client.suppliers.find_by_reference("qad:ref:9") == []
        assert client.suppliers.find_by_external_reference("qad:ref:2") is not None


def test_a_server_that_ignores_the_filter_never_hands_back_another_record() -> None:
    world = _world_with_suppliers()

    def near_miss(row: dict[str, Any]) -> None:
        for key, value in list(row.items()):
            if key.endswith("customShort0") and value == "qad:ref:1":
                row[key] = "QAD:REF:1"  # what a case-insensitive filter would also return

    world.sim.faults.add(_rows(near_miss), path=BROWSE)
    with world.client() as client:
        assert client.suppliers.find_by_reference("qad:ref:1") == []


def test_duplicates_are_visible_and_the_single_lookup_refuses_to_pick() -> None:
    world = _world_with_suppliers()

    def twin(response: httpx.Response) -> httpx.Response:
        body = json.loads(response.read())
        copy = {
            k: ("LK1B" if k.endswith("supplierCode") else v) for k, v in body["data"][0].items()
        }
        body["data"].append(copy)  # a second supplier carrying the same reference
        return httpx.Response(response.status_code, json=body)

    world.sim.faults.add(Fault.rewrite(twin), path=BROWSE, times=2)
    with world.client() as client:
        assert len(client.suppliers.find_by_reference("qad:ref:1")) >= 2
        with pytest.raises(QADConflict, match="2"):
            client.suppliers.find_by_external_reference("qad:ref:1")


def test_an_unreadable_match_is_an_error_not_an_absence() -> None:
    world = _world_with_suppliers()

    def break_match(row: dict[str, Any]) -> None:
        if any(k.endswith("customShort0") and v == "qad:ref:1" for k, v in row.items()):
            row["supplierV2.businessRelationName"] = {"not": "text"}

    world.sim.faults.add(_rows(break_match), path=BROWSE)
    with world.client() as client, pytest.raises(QADError):
        client.suppliers.find_by_reference("qad:ref:1")


def test_a_create_that_timed_out_after_commit_is_unknown_and_found_by_reference() -> None:
    world = make_world()
    world.sim.faults.add(Fault.timeout_after_commit(), path="/api/erp/", method="POST")
    with world.client() as client:
        with pytest.raises(QADWriteOutcomeUnknown) as caught:
            client.suppliers.create(_supplier("LK9", "qad:ref:9"))
        assert isinstance(caught.value, WriteOutcomeUnknown)
        assert caught.value.reference == "qad:ref:9"
        assert "may already exist" in str(caught.value)
        found = client.suppliers.find_by_reference("qad:ref:9")
    assert [s.code for s in found] == ["LK9"]


def test_an_empty_reference_is_refused_before_any_request() -> None:
    world = make_world()
    with world.client() as client, pytest.raises(QADConfigurationError):
        client.suppliers.find_by_reference("")


def test_the_async_lookup_matches_the_sync_one() -> None:
    world = _world_with_suppliers()

    async def run() -> list[Supplier]:
        async with world.async_client() as client:
            return await client.suppliers.find_by_reference("qad:ref:2")

    assert [s.code for s in asyncio.run(run())] == ["LK2"]

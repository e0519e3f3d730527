"""Procore vendor lookups by origin_id, unknown creates, and batches that keep what succeeded."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from tests.procore_client.test_client_support import fake_clock, new_client, new_sim

from mlconnector_http.testing import Fault
from procore_client import (
    ProcoreBatchError,
    ProcoreWriteOutcomeUnknown,
    VendorInput,
)
from procore_client.testing import service_unavailable


def test_find_by_reference_checks_origin_id_exactly() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    with new_client(sim, clock) as client:
        made = client.vendors.create(VendorInput(name="Origin One", origin_id="qad:S1"))
        client.vendors.create(VendorInput(name="Origin Two", origin_id="qad:S2"))
        assert [v.id for v in client.vendors.find_by_reference("qad:S1")] == [made.id]

        def near_miss(response: httpx.Response) -> httpx.Response:
            rows = json.loads(response.read())
            for row in rows:
                row["origin_id"] = "QAD:s1"
            return httpx.Response(response.status_code, json=rows)

        sim.faults.add(Fault.rewrite(near_miss), path="/rest/v1.0/vendors", method="GET")
        assert client.vendors.find_by_reference("qad:S1") == []


def test_a_create_answered_503_is_unknown_with_its_origin_id() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    with new_client(sim, clock) as client:
        sim.faults.add(service_unavailable(retry_after=1), path="/rest/v1.0/vendors", times=1)
        with pytest.raises(ProcoreWriteOutcomeUnknown) as caught:
            client.vendors.create(VendorInput(name="Maybe", origin_id="qad:S9"))
    assert caught.value.reference == "qad:S9"
    assert caught.value.status_code == 503


def test_a_failed_later_sync_batch_keeps_the_earlier_results() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    updates: list[Any] = [VendorInput(name=f"Batch {n}", origin_id=f"qad:B{n}") for n in range(5)]
    with new_client(sim, clock) as client:
        sim.faults.add(
            Fault.timeout(), path="/rest/v1.0/vendors/sync", method="PATCH", skip=2, times=None
        )
        with pytest.raises(ProcoreBatchError) as caught:
            client.vendors.sync(updates, batch_size=2)
    error = caught.value
    assert error.failed_batch == 2
    assert error.batches == 3
    assert error.pending == 1
    assert sorted(v.origin_id for v in error.completed.succeeded) == [f"qad:B{n}" for n in range(4)]


def test_a_failed_later_bulk_trigger_call_keeps_the_earlier_results() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    with new_client(sim, clock) as client:
        hook = client.webhooks.hooks.create(
            "https://hooks.example.com/in", namespace="mlc", authorization="Bearer x"
        )
        specs = [("Company Vendors", "create")] * 500 + [("Company Vendors", "update")]
        sim.faults.add(
            service_unavailable(retry_after=1), path="/triggers/bulk", method="POST", skip=1
        )
        with pytest.raises(ProcoreBatchError) as caught:
            client.webhooks.triggers.bulk_create(hook.id, specs)
    assert caught.value.failed_batch == 1
    assert isinstance(caught.value.error, ProcoreWriteOutcomeUnknown)
    assert len(caught.value.completed.succeeded) + len(caught.value.completed.failed) == 500

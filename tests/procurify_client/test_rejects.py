"""Procurify listings keep every good record next to a reject for each undecodable one."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mlconnector_http import Reject
from mlconnector_http.testing import Fault
from procurify_client import (
    AsyncProcurifyClient,
    ProcurifyClient,
    ProcurifyDecodeError,
    ProcurifyError,
    Vendor,
)
from procurify_client.testing import ProcurifySimulator

BAD = {"id": 7.9, "name": {"x": 1}, "active": "false"}


def _poison(position: int, change: Callable[[dict[str, Any]], Any]) -> Fault:
    def rewrite(response: httpx.Response) -> httpx.Response:
        body = json.loads(response.read())
        change(body["data"][position])
        text = json.dumps(body).replace("Infinity", "1e999")
        return httpx.Response(
            response.status_code, content=text, headers={"content-type": "application/json"}
        )

    return Fault.rewrite(rewrite)


def _wrong_types(record: dict[str, Any]) -> None:
    record.update(BAD)


def test_one_bad_vendor_on_page_one_of_two_costs_no_other(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    sim.faults.add(_poison(2, _wrong_types), path="/api/v3/vendors/")
    pages = list(client.vendors.list(page_size=6).pages(with_rejects=True))
    assert len(pages) == 2
    assert len(pages[0].items) == 5
    assert len(pages[0].rejects) == 1
    entries = list(client.vendors.list(page_size=6).with_rejects())
    rejects = [e for e in entries if isinstance(e, Reject)]
    assert len(rejects) == 0  # the fault struck once, on the first listing only
    assert all(isinstance(e, Vendor) for e in entries)


def test_with_rejects_names_the_record_and_field(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    sim.faults.add(_poison(2, _wrong_types), path="/api/v3/vendors/")
    entries = list(client.vendors.list(page_size=6).with_rejects())
    assert len(entries) == 12
    (reject,) = [e for e in entries if isinstance(e, Reject)]
    assert entries.index(reject) == 2
    assert reject.record_id == "7.9"
    assert reject.raw["name"] == {"x": 1}
    assert reject.field in ("id", "name", "active")
    assert {"id", "name", "active"} - {reject.field} <= {
        f for f in ("id", "name", "active") if f in reject.reason
    }
    assert reject.page_url is not None
    assert "/api/v3/vendors/" in reject.page_url
    assert len([e for e in entries if isinstance(e, Vendor)]) == 11


def test_plain_iteration_raises_the_vendor_decode_error_after_the_good_ones(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    sim.faults.add(_poison(2, _wrong_types), path="/api/v3/vendors/")
    vendors = iter(client.vendors.list(page_size=6))
    seen = [next(vendors), next(vendors)]
    with pytest.raises(ProcurifyDecodeError, match=r"vendor 7\.9") as caught:
        next(vendors)
    assert all(isinstance(v, Vendor) for v in seen)
    assert isinstance(caught.value, ProcurifyError)
    assert sorted(path for path, _ in caught.value.fields) == ["active", "id", "name"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("id", 7.9), ("id", True), ("id", 1e999), ("name", {"x": 1}), ("active", "false")],
)
def test_wrong_json_types_are_refused_not_coerced(
    client: ProcurifyClient, sim: ProcurifySimulator, field: str, value: Any
) -> None:
    sim.faults.add(_poison(0, lambda r: r.update({field: value})), path="/api/v3/vendors/")
    entries = list(client.vendors.list(page_size=6).with_rejects())
    assert isinstance(entries[0], Reject)
    assert entries[0].field == field


def test_a_blank_state_stays_readable(client: ProcurifyClient, sim: ProcurifySimulator) -> None:
    """Procurify's own spec examples send ``state: ""``: it reads as no state, not a reject."""
    sim.faults.add(_poison(0, lambda r: r.update({"state": ""})), path="/api/v2/purchase_orders/")
    entries = list(client.purchase_orders.list(page_size=7).with_rejects())
    assert not any(isinstance(e, Reject) for e in entries)
    assert entries[0].state is None  # type: ignore[union-attr]


def test_async_listing_keeps_the_good_vendors(
    make_aclient: Callable[..., AsyncProcurifyClient], sim: ProcurifySimulator
) -> None:
    sim.faults.add(_poison(2, _wrong_types), path="/api/v3/vendors/")

    async def run() -> list[Vendor | Reject]:
        async with make_aclient() as client:
            return [e async for e in client.vendors.list(page_size=6).with_rejects()]

    entries = asyncio.run(run())
    assert len(entries) == 12
    assert isinstance(entries[2], Reject)

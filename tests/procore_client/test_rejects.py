"""Procore listings keep every good record next to a reject for each undecodable one."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from tests.procore_client.test_client_support import COMPANY, fake_clock, new_client, new_sim

from mlconnector_http import Reject
from mlconnector_http.testing import Fault
from procore_client import ProcoreDecodeError, ProcorePaginationError, Vendor


def _rewrite(change: Callable[[Any], Any], headers: dict[str, str] | None = None) -> Fault:
    def rewrite(response: httpx.Response) -> httpx.Response:
        body = change(json.loads(response.read()))
        merged = {k.lower(): v for k, v in response.headers.items()}
        merged.pop("content-length", None)
        for name, value in (headers or {}).items():
            merged.pop(name.lower(), None)
            if value:
                merged[name.lower()] = value
        text = json.dumps(body).replace("Infinity", "1e999")
        return httpx.Response(response.status_code, content=text, headers=merged)

    return Fault.rewrite(rewrite)


def _poison(position: int, **fields: Any) -> Fault:
    def change(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows[position].update(fields)
        return rows

    return _rewrite(change)


def test_one_bad_vendor_on_page_one_of_two_costs_no_other() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.seed(COMPANY, vendors=12)
    sim.faults.add(_poison(1, id=1e999, synced_to_erp="false"), path="/rest/v1.0/vendors")
    with new_client(sim, clock) as client:
        entries = list(client.vendors.list(page_size=6).with_rejects())
    assert len(entries) == 12
    rejects = [e for e in entries if isinstance(e, Reject)]
    assert len(rejects) == 1
    assert entries[1] is rejects[0]
    assert rejects[0].field in ("id", "synced_to_erp")
    assert len([e for e in entries[:6] if isinstance(e, Vendor)]) == 5


def test_plain_iteration_raises_the_decode_error_at_the_bad_vendor() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.seed(COMPANY, vendors=12)
    sim.faults.add(_poison(3, name={"x": 1}), path="/rest/v1.0/vendors")
    with new_client(sim, clock) as client:
        vendors = iter(client.vendors.list(page_size=6))
        seen = [next(vendors) for _ in range(3)]
        with pytest.raises(ProcoreDecodeError) as caught:
            next(vendors)
    assert all(isinstance(v, Vendor) for v in seen)
    assert caught.value.fields[0][0] == "name"


def test_a_huge_total_header_is_no_overflow() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.seed(COMPANY, vendors=3)
    huge = {"Total": "9" * 400, "Link": ""}

    def strip_link(rows: Any) -> Any:
        return rows

    sim.faults.add(_rewrite(strip_link, huge), path="/rest/v1.0/vendors", times=None)
    with new_client(sim, clock) as client:
        pages = list(client.vendors.list(page_size=6).pages())
    assert [len(p.items) for p in pages] == [3]
    assert pages[0].total is None


def test_empty_pages_with_a_total_that_never_ends_are_refused() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.seed(COMPANY, vendors=0)

    def empty(rows: Any) -> Any:
        return []

    sim.faults.add(
        _rewrite(empty, {"Total": "100000", "Link": ""}), path="/rest/v1.0/vendors", times=None
    )
    with new_client(sim, clock) as client:
        with pytest.raises(ProcorePaginationError, match="empty pages"):
            list(client.vendors.list(page_size=1))
    assert sim.request_count(path="/rest/v1.0/vendors") == 3

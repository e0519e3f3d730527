"""The fast decoding path refuses and accepts Procurify records exactly as the detailed one.

Real record shapes from the simulator (POs with nested vendor, purchaser and currency; bills
with both ``items`` shapes; vendors), each with one field changed to junk at any depth.
"""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlconnector_http import DECODE_FAILURES
from procurify_client import Bill, PurchaseOrder, Vendor
from procurify_client._convert import decoder
from procurify_client.testing import ProcurifySimulator

SUBDOMAIN = "fast"
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**65), max_value=2**65),
    st.floats(),
    st.text(max_size=4),
    st.sampled_from(["", "1.5", "2026-01-02T03:04:05Z", "x", {"id": 1}, [1, 2], [], {}]),
)


def _records() -> dict[type, list[Any]]:
    sim = ProcurifySimulator()
    creds = sim.add_tenant(SUBDOMAIN)
    sim.seed(SUBDOMAIN, purchase_orders=4, vendors=4, bills=6, payments=0)
    with httpx.Client(transport=sim.transport(), base_url=creds.base_url) as http:
        token = http.post("/oauth/token", json=creds.token_request()).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "X-Procurify-Client": "api"}
        get = lambda path: http.get(path, headers=headers).json()["data"]  # noqa: E731
        bills = get("/api/v3/ap/bills/")
        detail = get(f"/api/v2/ap/bills/{bills[0]['uuid']}/")
        return {
            PurchaseOrder: get("/api/v2/purchase_orders/purchased/all/"),
            Bill: [*bills, detail],
            Vendor: get("/api/v3/vendors/"),
        }


RECORDS = _records()


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:2]):
            found += _paths(inner, (*prefix, index))
    return found


def _replaced(value: Any, path: tuple[Any, ...], junk: Any) -> Any:
    if not path:
        return junk
    head, rest = path[0], path[1:]
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replaced(copy[head], rest, junk)
    return copy


def _outcome(converter: Any, data: Any, model: type) -> tuple[str, Any]:
    try:
        return "ok", converter.structure(data, model)
    except DECODE_FAILURES:
        return "refused", None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), junk=JUNK)
def test_fast_and_detailed_agree_on_real_records_with_one_junk_field(
    data: st.DataObject, junk: Any
) -> None:
    model = data.draw(st.sampled_from(sorted(RECORDS, key=lambda cls: cls.__name__)))
    record = data.draw(st.sampled_from(RECORDS[model]))
    path = data.draw(st.sampled_from(_paths(record)))
    changed = _replaced(record, path, junk)
    fast = _outcome(decoder.fast, changed, model)
    detailed = _outcome(decoder.detailed, changed, model)
    assert fast[0] == detailed[0], (path, junk, fast, detailed)
    assert fast[1] == detailed[1]


def test_every_real_record_decodes_on_the_fast_path() -> None:
    for model, records in RECORDS.items():
        for record in records:
            assert decoder.fast.structure(record, model) == decoder.detailed.structure(
                record, model
            )

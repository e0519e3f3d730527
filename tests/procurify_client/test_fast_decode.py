"""The fast decoding path refuses and accepts Procurify records exactly as the detailed one.

Real record shapes from the simulator (POs with nested vendor, purchaser and currency; bills
with both ``items`` shapes; vendors), each with one field changed to junk at any depth.
"""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.mlconnector_http.decode_parity import check_one_junk_field, check_real_records

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


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), junk=JUNK)
def test_fast_and_detailed_agree_on_real_records_with_one_junk_field(
    data: st.DataObject, junk: Any
) -> None:
    check_one_junk_field(decoder, RECORDS, data, junk)


def test_every_real_record_decodes_on_the_fast_path() -> None:
    check_real_records(decoder, RECORDS)

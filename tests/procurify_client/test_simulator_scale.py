"""The Procurify simulator holds 100,000 purchase orders and still answers page by page."""

from __future__ import annotations

import httpx

from mlconnector_http import FakeClock
from procurify_client.testing import ProcurifySimulator

POS = "/api/v2/purchase_orders/purchased/all/"


def test_one_hundred_thousand_purchase_orders() -> None:
    simulator = ProcurifySimulator(clock=FakeClock())
    creds = simulator.add_tenant("acme")
    tenant = simulator.seed("acme", purchase_orders=100_000, lines_per_po=3, bills=500)

    with httpx.Client(transport=simulator.transport(), base_url=creds.base_url) as http:
        token = http.post("/oauth/token", json=creds.token_request()).json()["access_token"]
        http.headers.update({"Authorization": f"Bearer {token}", "X-Procurify-Client": "api"})
        last = http.get(POS, params={"page_size": 1000, "page": "last"}).json()
        detail = http.get("/api/v2/purchase_orders/100000/").json()["data"]
        receipts = http.get("/api/v3/receipt/items/", params={"order_item": 300_000}).json()

    block = last["metadata"]["pagination"]
    assert (block["count"], block["num_pages"], block["next"]) == (100_000, 100, None)
    assert [po["procurify_PO"] for po in last["data"]] == list(range(99_001, 100_001))
    assert [line["id"] for line in detail["order_items"]] == [299_998, 299_999, 300_000]
    assert len(receipts["data"]) == (1 if tenant.purchase_orders[-1].fulfilment == "full" else 0)

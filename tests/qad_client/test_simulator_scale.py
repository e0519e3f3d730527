"""The QAD simulator at benchmark size: 10,000 purchase orders of 5 lines, created then listed
(how long that takes is measured by ``benchmarks/bench_qad.py``, not asserted here)."""

from __future__ import annotations

import httpx
import pytest

from mlconnector_http.testing import FakeClock
from qad_client.testing import QADSimulator

ORDERS = "urn:browse:bebrowse:com.qad.erp.purchasing.purchaseOrders"
LINES = "urn:browse:bebrowse:com.qad.erp.purchasing.purchaseOrderLines"


@pytest.mark.slow
def test_ten_thousand_orders_are_created_and_listed() -> None:
    sim = QADSimulator(clock=FakeClock())
    base = sim.add_tenant("acme")
    sim.add_user("acme", "alice", "secret")
    seeded = sim.seed("acme", suppliers=50, items=200)
    with httpx.Client(transport=sim.transport(), base_url=base) as api:
        form = {"grant_type": "password", "client_id": sim.client_id("acme")}
        grant = api.post("/oauth/token", data={**form, "username": "alice", "password": "secret"})
        api.headers["authorization"] = f"Bearer {grant.json()['access_token']}"
        api.headers["x-qad-workspace-id"] = "10USA_10USACO"
        for batch in range(100):
            orders = []
            for i in range(batch * 100, batch * 100 + 100):
                lines = [
                    {"itemCode": seeded.items[(i + j) % 200], "quantityOrdered": j + 1}
                    for j in range(5)
                ]
                supplier = seeded.suppliers[i % 50]
                orders.append({"supplierCode": supplier, "purchaseOrderLines": lines})
            reply = api.post(
                "/api/erp/purchaseOrderHeaders", json={"purchaseOrderHeaders": orders}
            ).json()
            assert reply["submitResult"]["success"] is True
        numbers: list[str] = []
        page = 1
        while True:
            params = {"browseId": ORDERS, "page": page, "pageSize": 1000}
            params["pageAction"] = "first" if page == 1 else "next"
            body = api.get("/api/qracore/browses", params=params).json()
            numbers += [row["purchaseOrder.purchaseOrderNumber"] for row in body["data"]]
            if body["auxillaryData"]["HasMoreParams"] == "false":
                break
            page += 1
        lines_count = api.get("/api/qracore/browses/totalCount", params={"browseId": LINES})
        last = api.get("/api/erp/purchaseOrderHeaders", params={"purchaseOrderNumber": "PO010000"})
    assert len(numbers) == len(set(numbers)) == 10_000
    assert numbers[0] == "PO000001"
    assert lines_count.json()["data"] == 50_000
    assert len(last.json()["data"]["purchaseOrderHeaders"][0]["purchaseOrderLines"]) == 5

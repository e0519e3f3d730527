"""The Procurify simulator driven with plain httpx, the way the typed client will drive it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlconnector_http import FakeClock
from mlconnector_http.testing import Fault
from procurify_client import testing
from procurify_client.testing import ROUTES, ProcurifySimulator, TenantCredentials

BASE = "https://acme.procurify.com"
POS = "/api/v2/purchase_orders/purchased/all/"
SEED: dict[str, Any] = {
    "vendors": 12,
    "account_codes": 6,
    "purchase_orders": 40,
    "lines_per_po": 2,
    "bills": 15,
    "payments": 8,
}


def token_body(creds: TenantCredentials, **overrides: Any) -> dict[str, Any]:
    """The documented token request, with fields changed (``None`` leaves one out)."""
    body: dict[str, Any] = {**creds.token_request(), **overrides}
    return {k: v for k, v in body.items() if v is not None}


def login(http: httpx.Client, creds: TenantCredentials) -> httpx.Client:
    """Fetch a token and set the two documented headers on ``http``."""
    answer = http.post("/oauth/token", json=token_body(creds))
    assert answer.status_code == 200, answer.text
    http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    http.headers["X-Procurify-Client"] = "api"
    return http


def pagination(body: dict[str, Any]) -> dict[str, Any]:
    """The pagination block of either shape."""
    block = body["metadata"]["pagination"] if "metadata" in body else body["pagination"]
    assert isinstance(block, dict)
    return block


def walk(http: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list, following ``next`` links verbatim."""
    items: list[dict[str, Any]] = []
    answer = http.get(path, params=params)
    for _ in range(10_000):
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items.extend(body["data"])
        link = pagination(body)["next"]
        if link is None:
            return items
        answer = http.get(link)
    raise AssertionError("pagination did not end")


@pytest.fixture
def sim(clock: FakeClock) -> ProcurifySimulator:
    """The simulator under test (``clock`` and ``creds`` come from conftest)."""
    simulator = ProcurifySimulator(clock=clock)
    simulator.add_tenant("acme", client_id="acme-id", client_secret="acme-secret")
    simulator.seed("acme", **SEED)
    return simulator


@pytest.fixture
def http(sim: ProcurifySimulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=sim.transport(), base_url=BASE) as client:
        yield client


@pytest.fixture
def api(http: httpx.Client, creds: TenantCredentials) -> httpx.Client:
    return login(http, creds)


# -- auth ---------------------------------------------------------------------------------


def test_token_has_the_documented_shape(
    sim: ProcurifySimulator, http: httpx.Client, creds: TenantCredentials
) -> None:
    answer = http.post("/oauth/token", json=token_body(creds))
    body = answer.json()
    assert answer.status_code == 200
    assert set(body) == {"access_token", "scope", "expires_in", "token_type"}
    assert body["expires_in"] == 86_400
    assert body["token_type"] == "Bearer"
    assert "urn:procurify-api:domain:acme.procurify.com" in body["scope"]
    assert answer.headers["cache-control"] == "no-store"
    assert sim.tokens_issued == 1
    assert sim.request_count(path="/oauth/token", method="POST") == 1


def test_credentials_repr_hides_the_secret(creds: TenantCredentials) -> None:
    assert "acme-secret" not in repr(creds)
    assert creds.base_url == BASE
    assert creds.token_url == f"{BASE}/oauth/token"


@pytest.mark.parametrize(
    "overrides",
    [
        {"client_secret": "wrong"},
        {"client_id": "someone-else"},
        {"client_secret": None},
    ],
)
def test_wrong_credentials_are_invalid_client(
    sim: ProcurifySimulator, http: httpx.Client, creds: TenantCredentials, overrides: Any
) -> None:
    answer = http.post("/oauth/token", json=token_body(creds, **overrides))
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"
    assert sim.tokens_issued == 0


@pytest.mark.parametrize(
    ("overrides", "status", "error"),
    [
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": None}, 400, "invalid_request"),
        ({"audience": "https://elsewhere/"}, 403, "access_denied"),
        ({"audience": None}, 403, "access_denied"),
    ],
)
def test_token_request_rules(
    http: httpx.Client, creds: TenantCredentials, overrides: Any, status: int, error: str
) -> None:
    answer = http.post("/oauth/token", json=token_body(creds, **overrides))
    assert (answer.status_code, answer.json()["error"]) == (status, error)


def test_token_request_may_be_a_form(http: httpx.Client, creds: TenantCredentials) -> None:
    answer = http.post("/oauth/token", data=token_body(creds))
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "Authentication credentials were not provided."),
        ("Bearer not-a-token", "Invalid token."),
        ("Token abc", "Invalid token header. No credentials provided."),
    ],
)
def test_api_requires_a_bearer_token(
    http: httpx.Client, authorization: str | None, message: str
) -> None:
    headers = {"X-Procurify-Client": "api"}
    if authorization:
        headers["Authorization"] = authorization
    answer = http.get("/api/v3/users/me/", headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {"detail": message}
    assert answer.headers["www-authenticate"].startswith("Bearer")


def test_missing_client_header_is_403(api: httpx.Client) -> None:
    del api.headers["X-Procurify-Client"]
    answer = api.get("/api/v3/users/me/")
    assert answer.status_code == 403
    assert "X-Procurify-Client" in answer.json()["detail"]
    assert api.get("/api/v3/users/me/", headers={"X-Procurify-Client": "web"}).status_code == 403


def test_token_expires_by_the_injected_clock(api: httpx.Client, clock: FakeClock) -> None:
    clock.advance(86_399)
    assert api.get("/api/v3/users/me/").status_code == 200
    clock.advance(1)
    answer = api.get("/api/v3/users/me/")
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Token has expired."}


def test_revoked_tokens_are_rejected(sim: ProcurifySimulator, api: httpx.Client) -> None:
    sim.revoke_tokens("acme")
    assert api.get("/api/v3/users/me/").status_code == 401


def test_a_token_only_works_on_its_own_tenant(sim: ProcurifySimulator, api: httpx.Client) -> None:
    sim.add_tenant("globex")
    other = api.get("https://globex.procurify.com/api/v3/users/me/")
    assert other.status_code == 401


def test_users_me_is_the_api_user(clock: FakeClock) -> None:
    simulator = ProcurifySimulator(clock=clock)
    creds = simulator.add_tenant("acme", email="integrations@acme.test")
    with httpx.Client(transport=simulator.transport(), base_url=creds.base_url) as http:
        body = login(http, creds).get("/api/v3/users/me/").json()
    assert body["metadata"] == {}
    assert body["data"]["email"] == "integrations@acme.test"
    assert body["data"]["department"]["name"]


# -- hosts and routing --------------------------------------------------------------------


def test_unknown_subdomain_is_404(http: httpx.Client) -> None:
    answer = http.post("https://nobody.procurify.com/oauth/token", json={})
    assert answer.status_code == 404


def test_other_hosts_go_to_the_default_tenant(clock: FakeClock) -> None:
    simulator = ProcurifySimulator(clock=clock, default_tenant="globex")
    simulator.add_tenant("acme", client_id="a", client_secret="a")
    globex = simulator.add_tenant("globex", client_id="g", client_secret="g")
    with httpx.Client(transport=simulator.transport(), base_url="http://127.0.0.1:9") as http:
        assert http.post("/oauth/token", json=token_body(globex)).status_code == 200
    assert simulator.tenant("globex").tokens_issued == 1


def test_first_tenant_is_the_default_without_configuration(clock: FakeClock) -> None:
    simulator = ProcurifySimulator(clock=clock)
    acme = simulator.add_tenant("acme")
    simulator.add_tenant("globex")
    with httpx.Client(transport=simulator.transport(), base_url="http://localhost") as http:
        assert http.post("/oauth/token", json=token_body(acme)).status_code == 200


def test_missing_trailing_slash_redirects(api: httpx.Client) -> None:
    answer = api.get("/api/v3/vendors", params={"name": "x"})
    assert answer.status_code == 301
    assert answer.headers["location"] == f"{BASE}/api/v3/vendors/?name=x"
    assert api.get("/api/v3/nothing-here").status_code == 404


def test_unknown_path_and_wrong_method(api: httpx.Client) -> None:
    assert api.get("/api/v9/whatever/").json() == {"detail": "Not found."}
    answer = api.post("/api/v3/ap/bills/", json={})
    assert answer.status_code == 405
    assert answer.json() == {"detail": 'Method "POST" not allowed.'}
    assert api.delete(f"/api/v2/ap/bills/{'0' * 32}/").status_code == 405


def test_every_api_route_is_served(api: httpx.Client, sim: ProcurifySimulator) -> None:
    tenant = sim.tenant("acme")
    examples = {
        "{role}": "receivable",
        "{status}": "open",
        "{key}": "1",
    }
    for route in ROUTES:
        if route.method != "GET":
            continue
        path = route.template
        for placeholder, value in examples.items():
            path = path.replace(placeholder, value)
        if path.startswith("/api/v2/ap/bills/"):
            path = f"/api/v2/ap/bills/{next(iter(tenant.bills))}/"
        answer = api.get(path)
        assert answer.status_code == 200, (path, answer.text)
        assert "data" in answer.json()


# -- pagination ---------------------------------------------------------------------------


def test_metadata_pagination_shape(api: httpx.Client) -> None:
    first = api.get(POS, params={"page_size": 15})
    block = first.json()["metadata"]["pagination"]
    assert block == {
        "count": 40,
        "next": f"{BASE}{POS}?page_size=15&page=2",
        "previous": None,
        "page_size": 15,
        "num_pages": 3,
        "current_page": 1,
    }
    second = api.get(block["next"]).json()["metadata"]["pagination"]
    assert second["previous"] == f"{BASE}{POS}?page_size=15"
    third = api.get(second["next"]).json()
    assert third["metadata"]["pagination"]["next"] is None
    assert third["metadata"]["pagination"]["previous"] == f"{BASE}{POS}?page_size=15&page=2"
    assert len(third["data"]) == 10


def test_po_list_metadata_counts(api: httpx.Client, sim: ProcurifySimulator) -> None:
    counts = api.get(POS, params={"page_size": 5}).json()["metadata"]["counts"]
    purchased = counts["purchased"]
    assert set(purchased) == {"all", "open", "partial", "closed", "cancelled", "page"}
    paid = len(walk(api, "/api/v2/purchase_orders/purchased/paid/", page_size=50))
    tabs = ("open", "partial", "closed", "cancelled")
    assert purchased["all"] == 40 == sum(purchased[t] for t in tabs) + paid
    assert purchased["page"] == 5
    receivable = [po for po in sim.tenant("acme").purchase_orders if po.receivable]
    assert counts["receivable"]["all"] == len(receivable)


def test_top_level_pagination_shape_for_receipts(api: httpx.Client) -> None:
    body = api.get("/api/v3/receipt/items/", params={"page_size": 3}).json()
    assert set(body) == {"pagination", "data"}
    assert body["pagination"]["next"].startswith(f"{BASE}/api/v3/receipt/items/")
    assert {"id", "order_item", "pass_quantity", "received_at"} <= set(body["data"][0])


def test_payments_use_metadata_pagination(api: httpx.Client) -> None:
    body = api.get("/api/public/v1/payments/", params={"page_size": 3}).json()
    assert body["metadata"]["pagination"]["count"] == 8
    assert isinstance(body["data"][0]["status"], str)


def test_page_rules(api: httpx.Client) -> None:
    assert api.get(POS, params={"page": 99}).json() == {"detail": "Invalid page."}
    assert api.get(POS, params={"page": "x"}).status_code == 404
    last = api.get(POS, params={"page": "last", "page_size": 15}).json()
    assert last["metadata"]["pagination"]["current_page"] == 3
    fallback = api.get(POS, params={"page_size": "junk"}).json()["metadata"]["pagination"]
    assert fallback["page_size"] == 10


def test_page_size_is_capped(clock: FakeClock) -> None:
    simulator = ProcurifySimulator(clock=clock, default_page_size=5, max_page_size=7)
    creds = simulator.add_tenant("acme")
    simulator.seed("acme", **SEED)
    with httpx.Client(transport=simulator.transport(), base_url=BASE) as http:
        body = login(http, creds).get(POS, params={"page_size": 100}).json()
    assert body["metadata"]["pagination"]["page_size"] == 7
    assert len(body["data"]) == 7


def test_empty_list_is_one_empty_page(api: httpx.Client) -> None:
    body = api.get("/api/v3/vendors/", params={"name": "no such vendor"}).json()
    assert body["data"] == []
    assert body["metadata"]["pagination"]["num_pages"] == 1
    assert body["metadata"]["pagination"]["next"] is None


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=45),
    page_size=st.integers(min_value=1, max_value=20),
    path=st.sampled_from(["/api/v3/account-codes/", POS]),
)
def test_walking_next_links_yields_each_record_once(count: int, page_size: int, path: str) -> None:
    simulator = ProcurifySimulator(clock=FakeClock())
    creds = simulator.add_tenant("acme")
    simulator.seed(
        "acme",
        vendors=1,
        account_codes=count if path != POS else 1,
        purchase_orders=count if path == POS else 0,
        bills=0,
        payments=0,
    )
    with httpx.Client(transport=simulator.transport(), base_url=BASE) as http:
        items = walk(login(http, creds), path, page_size=page_size)
    ids = [item["id"] if path != POS else item["procurify_PO"] for item in items]
    assert sorted(ids) == list(range(1, count + 1))
    assert len(ids) == len(set(ids))


# -- purchase orders ----------------------------------------------------------------------


def test_po_detail_by_number_and_uuid(api: httpx.Client) -> None:
    listed = api.get(POS).json()["data"][0]
    by_number = api.get(f"/api/v2/purchase_orders/{listed['procurify_PO']}/").json()
    by_uuid = api.get(f"/api/v2/purchase_orders/{listed['uuid']}/").json()
    assert by_number == by_uuid
    assert by_number["metadata"] == {"can_edit": True, "can_delete": False}
    po = by_number["data"]
    assert po["uuid"] == listed["uuid"]
    assert "order_items" not in listed
    assert len(po["order_items"]) == 2


def test_po_money_and_lines(api: httpx.Client) -> None:
    po = api.get("/api/v2/purchase_orders/3/").json()["data"]
    for key in ("subtotal", "freight", "other", "total"):
        assert isinstance(po[key], str)
        Decimal(po[key])
    line = po["order_items"][0]
    assert isinstance(line["quantity"], float)
    assert isinstance(line["price"], str)
    assert set(line["account"]["account_code"]) >= {"id", "code"}
    assert {"department", "id"} <= set(line["account"])
    assert line["PO_line_num"] == 1
    lines_total = sum(Decimal(item["total_cost"]) for item in po["order_items"])
    assert Decimal(po["subtotal"]) == lines_total
    tax = Decimal(po["cost_details"]["tax_amount"])
    assert Decimal(po["total"]) == lines_total + tax + Decimal(po["freight"])
    assert isinstance(po["shipping_method"], dict)


def test_po_unknown_is_404(api: httpx.Client) -> None:
    assert api.get("/api/v2/purchase_orders/999999/").json() == {"detail": "Not found."}
    assert api.get(f"/api/v2/purchase_orders/{'f' * 32}/").status_code == 404
    assert api.get("/api/v2/purchase_orders/sold/all/").status_code == 404


def _day(value: str) -> date:
    return datetime.fromisoformat(value).date()


def test_po_modified_date_range(api: httpx.Client, sim: ProcurifySimulator) -> None:
    orders = sim.tenant("acme").purchase_orders
    low, high = orders[10].last_modified.date(), orders[25].last_modified.date()
    found = walk(api, POS, modified_date_0=low.isoformat(), modified_date_1=high.isoformat())
    expected = [po.id for po in orders if low <= po.last_modified.date() <= high]
    assert [po["procurify_PO"] for po in found] == expected
    assert all(low <= _day(po["last_modified"]) <= high for po in found)


def test_po_created_date_and_vendor_filters(api: httpx.Client, sim: ProcurifySimulator) -> None:
    orders = sim.tenant("acme").purchase_orders
    vendor_id = orders[0].vendor_id
    since = orders[5].date.date()
    found = walk(api, POS, date_0=since.isoformat(), pref_vendor=vendor_id)
    expected = [po.id for po in orders if po.date.date() >= since and po.vendor_id == vendor_id]
    assert [po["procurify_PO"] for po in found] == expected
    assert all(po["pref_vendor"]["id"] == vendor_id for po in found)


def test_po_status_paths_partition_all(api: httpx.Client) -> None:
    total = 0
    for status in ("open", "partial", "closed", "cancelled", "paid"):
        found = walk(api, f"/api/v2/purchase_orders/purchased/{status}/", page_size=50)
        total += len(found)
        if status == "cancelled":
            assert all(po["state"] == 1 for po in found)
    assert total == 40
    receivable = walk(api, "/api/v2/purchase_orders/receivable/all/", page_size=50)
    assert all(po["state"] in (0, 5) for po in receivable)


def test_po_malformed_filters_are_400(api: httpx.Client) -> None:
    answer = api.get(POS, params={"modified_date_0": "2025-13-45"})
    assert answer.status_code == 400
    assert answer.json() == {"modified_date": ["Enter a valid date."]}
    assert set(api.get(POS, params={"pref_vendor": "9999"}).json()) == {"pref_vendor"}


def test_unknown_query_parameters_are_ignored(api: httpx.Client) -> None:
    plain = api.get(POS).json()
    noisy = api.get(POS, params={"last_modified_0": "2030-01-01", "colour": "blue"}).json()
    assert noisy["data"] == plain["data"]
    assert noisy["metadata"]["pagination"]["count"] == 40
    assert "colour=blue" in noisy["metadata"]["pagination"]["next"]


def test_touching_a_po_moves_it_into_the_modified_window(
    api: httpx.Client, sim: ProcurifySimulator, clock: FakeClock
) -> None:
    today = clock.now().date().isoformat()
    assert walk(api, POS, modified_date_0=today) == []
    touched = sim.tenant("acme").touch_purchase_order(7)
    found = walk(api, POS, modified_date_0=today)
    assert [po["procurify_PO"] for po in found] == [7]
    assert found[0]["version"] == touched.version
    detail = api.get("/api/v2/purchase_orders/7/").json()["data"]
    assert {line["last_modified"] for line in detail["order_items"]} == {found[0]["last_modified"]}


# -- bills, payments, receipts ------------------------------------------------------------


def test_bill_list_shape(api: httpx.Client) -> None:
    body = api.get("/api/v3/ap/bills/").json()
    assert set(body["metadata"]) == {"pagination", "summary", "permissions"}
    bill = body["data"][0]
    assert isinstance(bill["total_cost_with_tax"], float)
    assert isinstance(bill["items"], list)
    assert set(bill["vendor"]) == {"id", "name"}


def test_bill_detail_lines(api: httpx.Client, sim: ProcurifySimulator) -> None:
    tenant = sim.tenant("acme")
    bill = next(b for b in tenant.bills.values() if b.type == 0)
    answer = api.get(f"/api/v2/ap/bills/{bill.uuid.replace('-', '')}/")
    data = answer.json()["data"]
    assert answer.status_code == 200
    assert data["uuid"] == bill.uuid
    item = data["items"][0]
    assert isinstance(item["quantity"], str)
    assert isinstance(item["unit_cost"], float)
    assert item["po"]["id"] == bill.items[0].po_id
    assert item["orderitem"]["id"] == bill.items[0].order_item_id
    assert item["cost_allocations"][0]["budget"]["account_code"]["code"]
    assert Decimal(item["quantity"]) == bill.items[0].quantity
    assert api.get(f"/api/v2/ap/bills/{'a' * 32}/").status_code == 404
    assert api.get("/api/v2/ap/bills/not-hex/").status_code == 404


def test_bill_last_modified_datetime_range(api: httpx.Client, sim: ProcurifySimulator) -> None:
    bills = sorted(sim.tenant("acme").bills.values(), key=lambda b: b.last_modified)
    low, high = bills[3].last_modified, bills[9].last_modified
    found = walk(
        api,
        "/api/v3/ap/bills/",
        last_modified_datetime_0=low.isoformat(),
        last_modified_datetime_1=high.isoformat(),
    )
    assert sorted(b["uuid"] for b in found) == sorted(b.uuid for b in bills[3:10])
    bad = api.get("/api/v3/ap/bills/", params={"last_modified_datetime_0": "yesterday"})
    assert bad.json() == {"last_modified_datetime": ["Enter a valid date/time."]}


def test_bills_ignore_the_undocumented_status_filter(api: httpx.Client) -> None:
    every = api.get("/api/v3/ap/bills/").json()["metadata"]["pagination"]["count"]
    approved = api.get("/api/v3/ap/bills/", params={"status": "approved"}).json()
    assert approved["metadata"]["pagination"]["count"] == every == 15


def test_bill_vendor_filters(api: httpx.Client, sim: ProcurifySimulator) -> None:
    bills = list(sim.tenant("acme").bills.values())
    vendors = sorted({bills[0].vendor_id, bills[1].vendor_id})
    found = walk(api, "/api/v3/ap/bills/", **{"vendor[]": vendors})
    assert {b["vendor"]["id"] for b in found} == set(vendors)
    assert len(found) == sum(b.vendor_id in vendors for b in bills)


def test_payment_filters(api: httpx.Client, sim: ProcurifySimulator) -> None:
    payments = sorted(sim.tenant("acme").payments.values(), key=lambda p: p.updated_at)
    since = payments[2].updated_at
    found = walk(
        api,
        "/api/public/v1/payments/",
        updated_at_after=since.isoformat(),
        status="paid,processing",
        order_by="-updated_at",
    )
    expected = [
        p.id
        for p in reversed(payments)
        if p.updated_at >= since and p.status in {"paid", "processing"}
    ]
    assert [p["id"] for p in found] == expected
    bad = api.get("/api/public/v1/payments/", params={"status": "paid,lost"})
    assert bad.status_code == 400
    assert "status" in bad.json()


def test_paid_bills_link_to_their_payment(sim: ProcurifySimulator) -> None:
    tenant = sim.tenant("acme")
    paid = [b for b in tenant.bills.values() if b.payment_uuid is not None]
    assert paid
    payments = {p.uuid: p for p in tenant.payments.values()}
    for bill in paid:
        payment = payments[bill.payment_uuid or ""]
        assert payment.bill_groups == (bill.group,)
        assert payment.amount == bill.total_with_tax


def test_receipts_for_an_order_item(api: httpx.Client, sim: ProcurifySimulator) -> None:
    tenant = sim.tenant("acme")
    po = next(p for p in tenant.purchase_orders if p.fulfilment == "full")
    line = tenant.lines(po)[0]
    body = api.get("/api/v3/receipt/items/", params={"order_item": line.id}).json()
    assert [r["order_item"] for r in body["data"]] == [line.id]
    assert Decimal(body["data"][0]["pass_quantity"]) == line.quantity
    assert api.get("/api/v3/receipt/items/", params={"order_item": 10**9}).json()["data"] == []


# -- vendors and account codes ------------------------------------------------------------


_VENDOR_REQUIRED = {"name": "ok", "email": [], "type": 3, "overall_score": None}


def test_vendor_create_read_update(api: httpx.Client, clock: FakeClock) -> None:
    created = api.post(
        "/api/v3/vendors/",
        json={
            "name": "Zeta Tools",
            "external_id": "QAD-77",
            "email": ["ap@zeta.test"],
            "type": 3,
            "overall_score": "8.25",
            "x": 1,
        },
    )
    assert created.status_code == 201
    vendor = created.json()["data"]
    assert created.json()["metadata"] == {}
    assert vendor["email"] == ["ap@zeta.test"]
    assert (vendor["type"], vendor["overall_score"]) == (3, 8.25)
    url = f"/api/v3/vendors/{vendor['id']}/"
    assert api.get(url).json()["data"] == vendor
    clock.advance(60)
    patched = api.patch(url, json={"city": "Calgary"}).json()["data"]
    assert (patched["city"], patched["name"]) == ("Calgary", "Zeta Tools")
    assert patched["dateModified"] > vendor["dateModified"]
    replaced = api.put(
        url, json={**_VENDOR_REQUIRED, "name": "Zeta Tools Ltd.", "external_id": "QAD-77"}
    ).json()["data"]
    assert replaced["name"] == "Zeta Tools Ltd."
    # a PUT replaces the record: what it leaves out goes back to the default
    assert (replaced["city"], replaced["email"], replaced["overall_score"]) == (None, [], None)
    assert replaced["dateModified"] >= patched["dateModified"]
    found = api.get("/api/v3/vendors/", params={"external_id": "QAD-77"}).json()["data"]
    assert [v["id"] for v in found] == [vendor["id"]]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {},
            {k: ["This field is required."] for k in ("name", "email", "type", "overall_score")},
        ),
        ({"name": "  "}, {"name": ["This field may not be blank."]}),
        ({"name": "x" * 151}, {"name": ["Ensure this field has no more than 150 characters."]}),
        ({"type": 9}, {"type": ['"9" is not a valid choice.']}),
        ({"email": "a@b.test"}, {"email": ['Expected a list of items but got type "str".']}),
        (
            {"email": ["a@b.test", "nope"]},
            {"email": {"1": ["Enter a valid email address."]}},
        ),
        ({"name": None}, {"name": ["This field may not be null."]}),
        ({"active": "maybe"}, {"active": ["Must be a valid boolean."]}),
        ({"type": None}, {"type": ["This field may not be null."]}),
        ({"overall_score": "high"}, {"overall_score": ["A valid number is required."]}),
        (
            {"overall_score": "1.2345"},
            {"overall_score": ["Ensure that there are no more than 3 decimal places."]},
        ),
        (
            {"overall_score": "100"},
            {
                "overall_score": [
                    "Ensure that there are no more than 2 digits before the decimal point."
                ]
            },
        ),
    ],
)
def test_vendor_validation_errors(api: httpx.Client, body: Any, errors: Any) -> None:
    """Each case breaks one field of an otherwise complete body (DRF's {field: [messages]})."""
    answer = api.post("/api/v3/vendors/", json={**_VENDOR_REQUIRED, **body} if body else body)
    assert answer.status_code == 400
    assert answer.json() == errors


def test_vendor_put_needs_required_fields(api: httpx.Client) -> None:
    answer = api.put("/api/v3/vendors/1/", json={"city": "Oslo"})
    assert answer.status_code == 400
    assert answer.json() == {
        k: ["This field is required."] for k in ("name", "email", "type", "overall_score")
    }
    assert api.patch("/api/v3/vendors/1/", json={"city": "Oslo"}).status_code == 200


def test_vendor_request_body_rules(api: httpx.Client) -> None:
    as_text = api.post(
        "/api/v3/vendors/", content=b"name=x", headers={"content-type": "text/plain"}
    )
    assert as_text.status_code == 415
    broken = api.post(
        "/api/v3/vendors/", content=b"{", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400
    assert broken.json()["detail"].startswith("JSON parse error")
    listed = api.post("/api/v3/vendors/", json=[1])
    assert listed.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


def test_vendor_filters_and_groups(api: httpx.Client, sim: ProcurifySimulator) -> None:
    tenant = sim.tenant("acme")
    active = [v for v in tenant.vendors.values() if v.active]
    assert len(walk(api, "/api/v3/vendors/", page_size=50)) == len(active)
    target = active[0]
    by_name = walk(api, "/api/v3/vendors/", name=target.name)
    assert [v["id"] for v in by_name] == [v.id for v in active if v.name == target.name]
    assert walk(api, "/api/v3/vendors/", name=target.name.upper()) == []
    word = target.name.split()[0].lower()
    searched = walk(api, "/api/v3/vendors/", search=word)
    assert {v["id"] for v in searched} == {v.id for v in active if word in v.name.lower()}
    preferred = walk(api, "/api/v3/vendors/preferred/", page_size=50)
    assert {v["type"] for v in preferred} <= {3}
    tenant.update_vendor(target.id, {"active": False})
    assert target.id not in {v["id"] for v in walk(api, "/api/v3/vendors/", page_size=50)}
    assert api.get(f"/api/v3/vendors/{target.id}/").json()["data"]["active"] is False
    assert api.get("/api/v3/vendors/99999/").status_code == 404
    assert api.get("/api/v3/vendors/nonsense/").status_code == 404


def test_account_code_create_read_update(api: httpx.Client) -> None:
    created = api.post(
        "/api/v3/account-codes/", json={"code": "7777", "description": "Test", "departments": [1]}
    )
    assert created.status_code == 201
    code = created.json()["data"]
    assert code["applied_accounts_count"] == 1
    url = f"/api/v3/account-codes/{code['id']}/"
    assert api.get(url).json()["data"] == code
    updated = api.put(url, json={"code": "7778", "description": "Renamed", "active": False})
    assert updated.json()["data"]["description"] == "Renamed"
    assert updated.json()["data"]["active"] is True
    found = api.get("/api/v3/account-codes/", params={"code": "7778"}).json()["data"]
    assert [c["id"] for c in found] == [code["id"]]


def test_account_code_validation(api: httpx.Client) -> None:
    missing = api.post("/api/v3/account-codes/", json={"code": "1"})
    assert missing.json() == {"description": ["This field is required."]}
    duplicate = api.post("/api/v3/account-codes/", json={"code": "5010", "description": "x"})
    assert duplicate.json() == {"code": ["account code with this code already exists."]}
    orphan = api.post(
        "/api/v3/account-codes/", json={"code": "1", "description": "x", "parent": 999}
    )
    assert orphan.json() == {"parent": ['Invalid pk "999" - object does not exist.']}
    assert api.put("/api/v3/account-codes/1/", json={"code": "1"}).status_code == 400
    assert api.get("/api/v3/account-codes/424242/").status_code == 404


def test_account_code_filters(api: httpx.Client, sim: ProcurifySimulator) -> None:
    tenant = sim.tenant("acme")
    tenant.set_account_code_active(2, False)
    inactive = walk(api, "/api/v3/account-codes/", active="false")
    assert [c["id"] for c in inactive] == [
        c.id for c in tenant.account_codes.values() if not c.active
    ]
    searched = walk(api, "/api/v3/account-codes/", search="5030")
    assert [c["code"] for c in searched] == ["5030"]


# -- rate limiting ------------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after(
    sim: ProcurifySimulator, api: httpx.Client, clock: FakeClock
) -> None:
    sim.set_rate_limit("acme", 3, window_seconds=60)
    statuses = [api.get("/api/v3/users/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api.get("/api/v3/users/me/")
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert "throttled" in refused.json()["detail"]
    clock.advance(retry_after)
    assert api.get("/api/v3/users/me/").status_code == 200


def test_sustained_abuse_suspends_the_tenant(
    sim: ProcurifySimulator, api: httpx.Client, clock: FakeClock
) -> None:
    sim.set_rate_limit("acme", 1, window_seconds=60, suspend_after=2, suspend_seconds=600)
    statuses = [api.get("/api/v3/users/me/").status_code for _ in range(4)]
    assert statuses == [200, 429, 429, 403]
    assert "suspended" in api.get("/api/v3/users/me/").json()["detail"]
    assert api.post("/oauth/token", json={}).status_code == 403
    clock.advance(600)
    assert api.get("/api/v3/users/me/").status_code == 200


def test_manual_suspension(sim: ProcurifySimulator, api: httpx.Client) -> None:
    sim.suspend("acme", 30)
    assert api.get("/api/v3/users/me/").status_code == 403
    sim.lift_suspension("acme")
    assert api.get("/api/v3/users/me/").status_code == 200


def test_rate_limit_can_be_lifted(sim: ProcurifySimulator, api: httpx.Client) -> None:
    sim.set_rate_limit("acme", 1)
    api.get("/api/v3/users/me/")
    assert api.get("/api/v3/users/me/").status_code == 429
    sim.set_rate_limit("acme", None)
    assert api.get("/api/v3/users/me/").status_code == 200


# -- faults -------------------------------------------------------------------------------


def test_fault_503_then_recovery(sim: ProcurifySimulator, api: httpx.Client) -> None:
    rule = sim.faults.add(
        Fault.http_status(503, headers={"retry-after": "2"}), path="^/api/v3/vendors/$"
    )
    failed = api.get("/api/v3/vendors/")
    assert (failed.status_code, failed.headers["retry-after"]) == (503, "2")
    assert api.get("/api/v3/vendors/").status_code == 200
    assert rule.fired == 1


def test_fault_delay_uses_the_clock(
    sim: ProcurifySimulator, api: httpx.Client, clock: FakeClock
) -> None:
    sim.faults.add(Fault.delay(12.5), path="/users/me/")
    assert api.get("/api/v3/users/me/").status_code == 200
    assert clock.slept == [12.5]


def test_fault_drop_and_timeout(sim: ProcurifySimulator, api: httpx.Client) -> None:
    sim.faults.add(Fault.drop(), path="/users/me/")
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("/api/v3/users/me/")
    sim.faults.add(Fault.timeout(), path="/users/me/")
    with pytest.raises(httpx.ReadTimeout):
        api.get("/api/v3/users/me/")


def test_fault_malformed_json_and_html(sim: ProcurifySimulator, api: httpx.Client) -> None:
    sim.faults.add(Fault.malformed_json(), path="/ap/bills/")
    broken = api.get("/api/v3/ap/bills/")
    with pytest.raises(ValueError, match="Expecting"):
        broken.json()
    sim.faults.add(Fault.html_error(502), path="/ap/bills/")
    page = api.get("/api/v3/ap/bills/")
    assert page.status_code == 502
    assert page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", [POS, "/api/v3/receipt/items/"])
def test_next_links_pointed_at_another_host(
    sim: ProcurifySimulator, api: httpx.Client, path: str
) -> None:
    rule = sim.point_next_links_at("https://evil.example", times=1)
    link = pagination(api.get(path, params={"page_size": 2, "q": "1"}).json())["next"]
    assert link.startswith(f"https://evil.example{path}?")
    assert "page=2" in link
    assert "q=1" in link
    assert rule.fired == 1
    honest = pagination(api.get(path, params={"page_size": 2}).json())["next"]
    assert honest.startswith(BASE)


def test_next_link_loops_back_to_the_same_page(sim: ProcurifySimulator, api: httpx.Client) -> None:
    sim.loop_next_links()
    first = api.get(POS, params={"page_size": 5}).json()
    again = api.get(first["metadata"]["pagination"]["next"]).json()
    assert again["data"] == first["data"]
    assert again["metadata"]["pagination"]["current_page"] == 1


def test_next_link_faults_leave_other_answers_alone(
    sim: ProcurifySimulator, api: httpx.Client
) -> None:
    sim.point_next_links_at("https://evil.example")
    me = api.get("/api/v3/users/me/")
    assert me.status_code == 200
    assert me.json()["data"]["id"] == 1
    last = api.get(POS, params={"page": "last"}).json()
    assert last["metadata"]["pagination"]["next"] is None


# -- transports, seeding, reset -----------------------------------------------------------


def test_loopback_server_round_trip(clock: FakeClock) -> None:
    simulator = ProcurifySimulator(clock=clock)
    creds = simulator.add_tenant("acme")
    simulator.seed("acme", **SEED)
    with simulator.serve() as url, httpx.Client(base_url=url, timeout=5) as http:
        login(http, creds)
        codes = walk(http, "/api/v3/account-codes/", page_size=4)
        link = http.get("/api/v3/account-codes/", params={"page_size": 4}).json()
    assert [c["id"] for c in codes] == list(range(1, 7))
    assert link["metadata"]["pagination"]["next"].startswith(f"{url}/api/v3/account-codes/")
    assert simulator.request_count(path="/api/v3/account-codes/") == 3


def test_async_transport(sim: ProcurifySimulator, creds: TenantCredentials) -> None:
    async def fetch() -> int:
        async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as http:
            token = (await http.post("/oauth/token", json=token_body(creds))).json()
            headers = {
                "Authorization": f"Bearer {token['access_token']}",
                "X-Procurify-Client": "api",
            }
            answer = await http.get(POS, headers=headers)
            return int(answer.json()["metadata"]["pagination"]["count"])

    assert asyncio.run(fetch()) == 40


def _snapshot(seed: int | str) -> list[Any]:
    simulator = ProcurifySimulator(clock=FakeClock())
    creds = simulator.add_tenant("acme", client_id="a", client_secret="b")
    simulator.seed("acme", seed=seed, **SEED)
    with httpx.Client(transport=simulator.transport(), base_url=BASE) as http:
        login(http, creds)
        pages = [
            walk(http, POS, page_size=50),
            http.get("/api/v2/purchase_orders/5/").json(),
            walk(http, "/api/v3/ap/bills/", page_size=50),
            walk(http, "/api/public/v1/payments/", page_size=50),
            walk(http, "/api/v3/vendors/", page_size=50),
        ]
        bill = pages[2][0]["uuid"]
        pages.append(http.get(f"/api/v2/ap/bills/{bill}/").json())
    return pages


def test_seeding_is_deterministic() -> None:
    assert _snapshot(7) == _snapshot(7)
    assert _snapshot("seven") == _snapshot("seven")
    assert _snapshot(7)[0] != _snapshot(8)[0]


def test_seed_rejects_impossible_shapes(sim: ProcurifySimulator) -> None:
    with pytest.raises(ValueError, match="purchase orders need"):
        sim.seed("acme", vendors=0, purchase_orders=5)
    with pytest.raises(ValueError, match="counts"):
        sim.seed("acme", bills=-1)


def test_seeded_dates_do_not_depend_on_the_clock(sim: ProcurifySimulator) -> None:
    dates = [po.date for po in sim.tenant("acme").purchase_orders]
    assert dates == sorted(dates)
    assert all(d.year == 2025 for d in dates)


def test_reset_forgets_everything(sim: ProcurifySimulator, api: httpx.Client) -> None:
    sim.faults.add(Fault.http_status(500))
    sim.reset()
    assert sim.tenants == {}
    assert sim.requests == []
    assert api.get("/api/v3/users/me/").status_code == 404
    sim.add_tenant("acme")
    with pytest.raises(ValueError, match="already exists"):
        sim.add_tenant("ACME")


def test_public_names_are_exported() -> None:
    public = {name for name in vars(testing) if not name.startswith("_")}
    assert set(testing.__all__) == public

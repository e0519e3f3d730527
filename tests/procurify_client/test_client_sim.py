"""The Procurify client against the simulator: auth, headers, pagination, CRUD, faults."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import math
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlconnector_http import (
    AttemptEvent,
    FakeClock,
    InProcessBudget,
    MemoryTokenStore,
    NotFound,
    RetryPolicy,
)
from mlconnector_http.testing import Fault
from procurify_client import (
    AccountCodeInput,
    AsyncProcurifyClient,
    PaymentStatus,
    ProcurifyAuthError,
    ProcurifyClient,
    ProcurifyConfigurationError,
    ProcurifyError,
    ProcurifyNotFound,
    ProcurifyPaginationError,
    ProcurifyPermissionDenied,
    ProcurifyValidationError,
    ProcurifyWriteOutcomeUnknown,
    PurchaseOrderRole,
    PurchaseOrderTab,
    VendorInput,
    VendorType,
)
from procurify_client.testing import AUDIENCE, ProcurifySimulator, TenantCredentials

from .conftest import SUBDOMAIN

MakeClient = Callable[..., ProcurifyClient]
MakeAsyncClient = Callable[..., AsyncProcurifyClient]


class Recording(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Passes requests to the simulator and keeps them, headers and bodies included."""

    def __init__(self, sim: ProcurifySimulator) -> None:
        self.inner = sim.transport()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


def _statuses(sim: ProcurifySimulator) -> list[tuple[str, str, int]]:
    return [(r.method, r.path, r.status) for r in sim.requests]


# -- auth ----------------------------------------------------------------------------------


def test_one_token_serves_many_calls_then_one_more_after_expiry(
    client: ProcurifyClient, sim: ProcurifySimulator, clock: FakeClock
) -> None:
    client.me()
    list(client.vendors.list(page_size=5))
    client.purchase_orders.get(1)
    assert sim.tokens_issued == 1
    clock.advance(86_400 - 300 + 1)  # inside the leeway: refreshed before it expires
    client.me()
    assert sim.tokens_issued == 2
    clock.advance(86_400 + 1)  # long expired
    client.me()
    assert sim.tokens_issued == 3
    assert all(status != 401 for _, _, status in _statuses(sim))


def test_token_request_and_headers_on_every_call(
    make_client: MakeClient, sim: ProcurifySimulator
) -> None:
    recording = Recording(sim)
    client = make_client(transport=recording)
    client.me()
    assert len(list(client.purchase_orders.list(page_size=7))) == 30
    client.vendors.create(name="Header Check Ltd")
    client.account_codes.get(1)

    token, *calls = recording.requests
    assert (token.method, str(token.url)) == ("POST", "https://acme.procurify.com/oauth/token")
    assert token.headers["content-type"] == "application/json"
    assert "authorization" not in token.headers
    creds = sim.credentials(SUBDOMAIN)
    assert json.loads(token.content) == {
        "grant_type": "client_credentials",
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
        "audience": AUDIENCE,
    }
    access = next(iter(sim.tenant(SUBDOMAIN).tokens))
    assert len(calls) == 1 + 5 + 1 + 1
    for call in calls:
        assert call.headers["authorization"] == f"Bearer {access}"
        assert call.headers["x-procurify-client"] == "api"
        assert call.headers["accept"] == "application/json"
        assert call.headers["user-agent"] == "mlconnector/0.1.0 (+procurify_client)"
        assert call.url.path.endswith("/"), call.url.path
    assert all(r.status != 301 for r in sim.requests)


def test_a_token_store_given_to_two_clients_serves_both(
    make_client: MakeClient, sim: ProcurifySimulator
) -> None:
    store = MemoryTokenStore()
    make_client(token_store=store).me()
    make_client(token_store=store).me()
    assert sim.tokens_issued == 1
    make_client().me()  # the default store is the client's own
    assert sim.tokens_issued == 2


def test_401_refreshes_once_and_retries_once(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    client.me()
    sim.revoke_tokens()
    sim.clear_log()
    assert client.me().email is not None
    assert _statuses(sim) == [
        ("GET", "/api/v3/users/me/", 401),
        ("POST", "/oauth/token", 200),
        ("GET", "/api/v3/users/me/", 200),
    ]


def test_a_token_refused_after_refresh_is_an_error_not_a_loop(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    sim.faults.add(
        Fault.http_status(401, body=b'{"detail": "Invalid token."}'),
        path="^/api/v3/users/me/$",
        times=None,
    )
    with pytest.raises(ProcurifyAuthError, match="Invalid token"):
        client.me()
    assert _statuses(sim) == [
        ("POST", "/oauth/token", 200),
        ("GET", "/api/v3/users/me/", 401),
        ("POST", "/oauth/token", 200),
        ("GET", "/api/v3/users/me/", 401),
    ]


def test_wrong_secret_says_what_to_check(make_client: MakeClient) -> None:
    client = make_client(client_secret="not-the-secret")
    with pytest.raises(ProcurifyAuthError) as caught:
        client.me()
    text = str(caught.value)
    assert "invalid_client" in text or "Client authentication failed" in text
    assert "client_id and client_secret" in text
    assert "not-the-secret" not in text


def test_403_without_the_client_header_says_what_to_check(client: ProcurifyClient) -> None:
    headerless = client.with_options(
        headers={k: v for k, v in client.config.headers.items() if k != "X-Procurify-Client"}
    )
    with pytest.raises(ProcurifyPermissionDenied) as caught:
        headerless.me()
    text = str(caught.value)
    assert "Missing or invalid X-Procurify-Client header" in text
    assert "X-Procurify-Client: api header" in text
    assert "still active" in text
    assert "role" in text
    assert caught.value.status_code == 403


def test_403_of_a_suspended_domain_is_permission_denied(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    client.me()
    sim.suspend(SUBDOMAIN, 3600)
    with pytest.raises(ProcurifyPermissionDenied, match="suspended"):
        client.me()


# -- pagination ----------------------------------------------------------------------------


def test_metadata_pagination_shape(client: ProcurifyClient, sim: ProcurifySimulator) -> None:
    orders = list(client.purchase_orders.list(page_size=7))
    assert [po.id for po in orders] == list(range(1, 31))
    assert sim.request_count(path="/api/v2/purchase_orders/") == math.ceil(30 / 7)
    pages = list(client.purchase_orders.list(page_size=7).pages())
    assert [len(p.items) for p in pages] == [7, 7, 7, 7, 2]
    assert pages[0].total == 30


def test_top_level_pagination_shape(client: ProcurifyClient, sim: ProcurifySimulator) -> None:
    expected = sim.tenant(SUBDOMAIN).receipts(None)
    assert len(expected) > 5
    items = list(client.receipt_items.list(page_size=4))
    assert [r.id for r in items] == [r.id for r in expected]
    one = expected[0]
    only = list(client.receipt_items.list(order_item=one.order_item_id))
    assert [r.order_item for r in only] == [one.order_item_id]
    assert only[0].pass_quantity == one.pass_quantity


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(count=st.integers(0, 45), page_size=st.integers(1, 16))
def test_every_record_exactly_once_for_any_count_and_page_size(count: int, page_size: int) -> None:
    clock = FakeClock()
    sim = ProcurifySimulator(clock=clock)
    creds = sim.add_tenant(SUBDOMAIN)
    sim.seed(SUBDOMAIN, purchase_orders=count, lines_per_po=1, bills=0, payments=0)
    with ProcurifyClient(
        subdomain=SUBDOMAIN,
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        transport=sim.transport(),
        clock=clock,
        budget=None,
    ) as client:
        ids = [po.id for po in client.purchase_orders.list(page_size=page_size)]
    assert ids == [po.id for po in sim.tenant(SUBDOMAIN).purchase_orders]
    assert len(set(ids)) == count
    gets = sim.request_count(path="/api/v2/purchase_orders/", method="GET")
    assert gets == max(1, math.ceil(count / page_size))


def test_a_next_link_to_another_host_is_refused(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    sim.point_next_links_at("https://evil.example.com")
    with pytest.raises(ProcurifyPaginationError, match=r"evil\.example\.com"):
        list(client.purchase_orders.list(page_size=5))
    assert {httpx.URL(r.url).host for r in sim.requests} == {"acme.procurify.com"}
    assert sim.request_count(path="/api/v2/purchase_orders/") == 1


def test_a_next_link_loop_is_refused(client: ProcurifyClient, sim: ProcurifySimulator) -> None:
    sim.loop_next_links()
    seen: list[int] = []
    with pytest.raises(ProcurifyPaginationError, match="loop"):
        seen.extend(vendor.id for vendor in client.vendors.list(page_size=3))
    assert seen == []  # nothing yielded twice: the loop is caught on the first page
    assert sim.request_count(path="/api/v3/vendors/") == 1


# -- filters -------------------------------------------------------------------------------


def test_po_modified_filter_is_exact_to_the_instant(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    tenant = sim.tenant(SUBDOMAIN)
    moments = sorted(po.last_modified for po in tenant.purchase_orders)
    low, high = moments[3], moments[10]
    found = list(client.purchase_orders.list(modified_since=low, modified_before=high))
    expected = [po.id for po in tenant.purchase_orders if low <= po.last_modified <= high]
    assert [po.id for po in found] == expected
    assert expected
    assert all(po.last_modified is not None for po in found)


def test_po_role_tab_and_vendor_filters(client: ProcurifyClient, sim: ProcurifySimulator) -> None:
    tenant = sim.tenant(SUBDOMAIN)
    closed = list(client.purchase_orders.list(status=PurchaseOrderTab.CLOSED))
    assert [po.id for po in closed] == [
        po.id for po in tenant.purchase_orders if po.tab == "closed"
    ]
    receivable = list(client.purchase_orders.list(role=PurchaseOrderRole.RECEIVABLE))
    expected = [po.id for po in tenant.purchase_orders if po.receivable]
    assert [po.id for po in receivable] == expected
    assert 0 < len(expected) < len(tenant.purchase_orders)
    vendor_id = tenant.purchase_orders[0].vendor_id
    mine = list(client.purchase_orders.list(pref_vendor=vendor_id))
    assert mine
    assert {po.vendor.id for po in mine if po.vendor is not None} == {vendor_id}


def test_bill_filter_by_last_modified_datetime(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    tenant = sim.tenant(SUBDOMAIN)
    moments = sorted(b.last_modified for b in tenant.bills.values())
    since = moments[len(moments) // 2].astimezone(dt.timezone(dt.timedelta(hours=-7)))
    found = list(client.bills.list(modified_since=since, page_size=5))
    assert sorted(b.uuid for b in found) == sorted(
        b.uuid for b in tenant.bills.values() if b.last_modified >= since
    )
    assert all(b.last_modified is not None and b.last_modified >= since for b in found)


def test_payment_status_filter(client: ProcurifyClient, sim: ProcurifySimulator) -> None:
    tenant = sim.tenant(SUBDOMAIN)
    wanted = {"paid", "failed"}
    found = list(client.payments.list(status=[PaymentStatus.PAID, "failed"]))
    assert sorted(p.id for p in found) == sorted(
        p.id for p in tenant.payments.values() if p.status in wanted
    )
    assert {p.status for p in found} <= wanted


def test_edits_show_up_in_the_next_incremental_listing(
    client: ProcurifyClient, sim: ProcurifySimulator, clock: FakeClock
) -> None:
    tenant = sim.tenant(SUBDOMAIN)
    since = clock.now()  # every seeded record is older
    assert list(client.bills.list(modified_since=since)) == []
    assert list(client.payments.list(modified_since=since)) == []
    assert list(client.purchase_orders.list(modified_since=since)) == []
    clock.advance(3600)
    bill = tenant.touch_bill(next(iter(tenant.bills)))
    tenant.touch_payment(2, status="failed")
    tenant.touch_purchase_order(3)
    until = clock.now()
    bills = list(client.bills.list(modified_since=since, modified_before=until))
    assert [(b.uuid, b.version) for b in bills] == [(bill.uuid, bill.version)]
    payments = list(client.payments.list(modified_since=since, modified_before=until))
    assert [(p.id, p.status) for p in payments] == [(2, PaymentStatus.FAILED)]
    assert [po.id for po in client.purchase_orders.list(modified_since=since)] == [3]


def test_unknown_filters_never_reach_the_server(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    with pytest.raises(ProcurifyConfigurationError, match="unknown filter for bills: status"):
        client.bills.list(status=2)
    with pytest.raises(ProcurifyConfigurationError, match="allowed: exclude_other, external_id"):
        client.vendors.list(extrnal_id="Q-1")
    assert sim.requests == []


# -- records -------------------------------------------------------------------------------


def test_po_detail_has_lines_with_exact_money(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    tenant = sim.tenant(SUBDOMAIN)
    source = tenant.purchase_orders[4]
    po = client.purchase_orders.get(source.id)
    assert po.uuid == source.uuid
    assert po.total == source.total
    assert po.subtotal == source.subtotal
    lines = tenant.lines(source)
    assert [line.id for line in po.lines] == [line.id for line in lines]
    assert [line.price for line in po.lines] == [line.price for line in lines]
    assert client.purchase_orders.get(source.uuid).id == source.id


def test_po_detail_lines_carry_their_department(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    tenant = sim.tenant(SUBDOMAIN)
    seen: set[int] = set()
    for source in tenant.purchase_orders[:6]:
        po = client.purchase_orders.get(source.id)
        for line, item in zip(po.lines, tenant.lines(source), strict=True):
            department = tenant.departments[item.department_id]
            location = tenant.locations[department.location_id]
            assert line.department is not None
            assert (line.department.id, line.department.name) == (department.id, department.name)
            assert line.department.external_id == department.external_id
            assert line.department.active is department.active
            assert line.department.branch is not None
            assert (line.department.branch.id, line.department.branch.name) == (
                location.id,
                location.name,
            )
            seen.add(department.id)
    assert len(seen) > 1  # the lines are not all in one department


def test_bill_detail_has_lines(client: ProcurifyClient, sim: ProcurifySimulator) -> None:
    source = next(iter(sim.tenant(SUBDOMAIN).bills.values()))
    listed = next(b for b in client.bills.list() if b.uuid == source.uuid)
    bill = client.bills.get(source.uuid)
    assert listed.line_ids == bill.line_ids == tuple(i.id for i in source.items)
    assert [line.quantity for line in bill.lines] == [i.quantity for i in source.items]
    assert bill.lines[0].unit_cost == source.items[0].unit_cost


def test_missing_records_are_not_found(client: ProcurifyClient) -> None:
    with pytest.raises(ProcurifyNotFound):
        client.vendors.get(9999)
    with pytest.raises(NotFound):
        client.bills.get("00000000-0000-0000-0000-000000000000")


def test_vendor_crud_and_external_id_lookup(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    created = client.vendors.create(
        VendorInput(name="Northwind Supply", external_id="QAD-42", email=["ap@northwind.test"])
    )
    assert created.id in sim.tenant(SUBDOMAIN).vendors
    assert created.email == ("ap@northwind.test",)
    assert client.vendors.get(created.id) == created
    assert client.vendors.find_by_external_id("QAD-42") == created
    assert client.vendors.find_by_external_id("QAD-4") is None
    updated = client.vendors.update(
        created.id, name="Northwind Supply Ltd", external_id="QAD-42", type=VendorType.REGULAR
    )
    assert updated.name == "Northwind Supply Ltd"
    assert updated.type is VendorType.REGULAR
    # a PUT carries every required field, so an update without emails clears them
    assert updated.email == ()
    other = client.vendors.create(name="Second Co")
    assert other.id != created.id
    assert (other.type, other.email) == (VendorType.PREFERRED, ())
    assert any(v.id == created.id for v in client.vendors.list(search="northwind"))


def test_vendor_validation_errors_name_the_field(client: ProcurifyClient) -> None:
    with pytest.raises(ProcurifyValidationError) as caught:
        client.vendors.create(name="x" * 151)
    assert [e.field for e in caught.value.errors] == ["name"]


def test_nested_validation_errors_name_the_item(client: ProcurifyClient) -> None:
    with pytest.raises(ProcurifyValidationError) as caught:
        client.vendors.create(name="Acme", email=["ap@acme.test", "not-an-address"])
    assert [(e.field, e.message) for e in caught.value.errors] == [
        ("email[1]", "Enter a valid email address.")
    ]


def test_account_code_crud(client: ProcurifyClient) -> None:
    created = client.account_codes.create(code="7100", description="Freight in")
    assert client.account_codes.get(created.id) == created
    updated = client.account_codes.update(
        created.id, AccountCodeInput(code="7100", description="Freight inbound")
    )
    assert updated.description == "Freight inbound"
    assert [c.id for c in client.account_codes.list(code="7100")] == [created.id]
    with pytest.raises(ProcurifyError):
        client.account_codes.create(code="7100", description="duplicate")


# -- retries -------------------------------------------------------------------------------


def test_429_retry_after_is_slept_through_the_shared_clock(
    make_client: MakeClient,
    sim: ProcurifySimulator,
    clock: FakeClock,
    events: list[AttemptEvent],
) -> None:
    client = make_client(retry=RetryPolicy(), budget=None)  # a policy that really waits
    client.me()
    sim.set_rate_limit(SUBDOMAIN, 2, 60)
    client.me()
    client.me()
    assert client.me().id > 0
    throttled = [e for e in events if e.status == 429]
    assert len(throttled) == 1
    wait = throttled[0].retry_in
    assert wait is not None
    assert 1 <= wait <= 60
    assert clock.slept == [wait]  # the server's whole second count, and nothing else


def test_503_retry_after_is_honoured_exactly(
    client: ProcurifyClient, sim: ProcurifySimulator, events: list[AttemptEvent]
) -> None:
    sim.faults.add(
        Fault.http_status(503, headers={"retry-after": "7"}), path="^/api/v3/users/me/$", times=2
    )
    client.me()
    waits = [(e.status, e.retry_in) for e in events if e.operation == "users.me"]
    assert waits == [(503, 7.0), (503, 7.0), (200, None)]


def test_a_dropped_create_is_not_sent_again(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    before = len(sim.tenant(SUBDOMAIN).vendors)
    sim.faults.add(Fault.drop(), path="^/api/v3/vendors/$", method="POST")
    with pytest.raises(ProcurifyWriteOutcomeUnknown, match="POST /api/v3/vendors/"):
        client.vendors.create(name="Maybe Created Inc")
    assert sim.request_count(path="/api/v3/vendors/", method="POST") == 1
    assert len(sim.tenant(SUBDOMAIN).vendors) == before


def test_a_dropped_full_update_is_sent_again(
    client: ProcurifyClient, sim: ProcurifySimulator
) -> None:
    sim.faults.add(Fault.drop(), path="^/api/v3/vendors/1/$", method="PUT")
    vendor = client.vendors.update(1, name="Renamed Vendor")
    assert vendor.name == "Renamed Vendor"
    assert sim.request_count(path="/api/v3/vendors/1/", method="PUT") == 2


def test_a_read_timeout_on_a_read_is_retried(
    client: ProcurifyClient, sim: ProcurifySimulator, events: list[AttemptEvent]
) -> None:
    sim.faults.add(Fault.timeout(), path="^/api/v3/users/me/$")
    client.me()
    assert [e.status for e in events if e.operation == "users.me"] == [None, 200]


# -- transports and concurrency ------------------------------------------------------------


def test_over_loopback_http(sim: ProcurifySimulator, creds: TenantCredentials) -> None:
    with (
        sim.serve() as url,
        ProcurifyClient(
            base_url=url,
            client_id=creds.client_id,
            client_secret=creds.client_secret,
            budget=None,
        ) as client,
    ):
        assert client.me().email == sim.tenant(SUBDOMAIN).api_user.email
        assert len(list(client.purchase_orders.list(page_size=8))) == 30

        async def main() -> int:
            async with AsyncProcurifyClient(
                base_url=url,
                client_id=creds.client_id,
                client_secret=creds.client_secret,
                budget=None,
            ) as aclient:
                return len([v async for v in aclient.vendors.list(page_size=5)])

        assert asyncio.run(main()) == len(sim.tenant(SUBDOMAIN).vendors)


def test_fifty_tasks_finding_the_token_expired_cause_one_token_request(
    make_aclient: MakeAsyncClient, sim: ProcurifySimulator, clock: FakeClock
) -> None:
    async def main() -> list[int]:
        async with make_aclient() as client:
            await client.me()
            clock.advance(2 * 86_400)
            users = await asyncio.gather(*(client.me() for _ in range(50)))
            return [u.id for u in users]

    assert len(asyncio.run(main())) == 50
    assert sim.tokens_issued == 2
    assert sim.request_count(path="/oauth/token") == 2
    assert all(r.status == 200 for r in sim.requests)


def test_async_client_reads_and_writes(
    make_aclient: MakeAsyncClient, sim: ProcurifySimulator
) -> None:
    async def main() -> None:
        async with make_aclient() as client:
            orders = await client.purchase_orders.list(page_size=9).to_list()
            assert len(orders) == 30
            po = await client.purchase_orders.get(orders[0].id)
            assert po.lines
            vendor = await client.vendors.create(name="Async Vendor", external_id="A-1")
            assert await client.vendors.find_by_external_id("A-1") == vendor
            assert (await client.vendors.update(vendor.id, name="Async Vendor 2")).name == (
                "Async Vendor 2"
            )
            code = await client.account_codes.create(code="8100", description="Async")
            assert (await client.account_codes.get(code.id)).code == "8100"
            bills = [b async for b in client.bills.list(page_size=4)]
            assert (await client.bills.get(bills[0].uuid)).uuid == bills[0].uuid
            assert [p async for p in client.payments.list()]
            assert [r async for r in client.receipt_items.list()]

    asyncio.run(main())
    assert sim.tokens_issued == 1


def test_a_shared_budget_paces_two_clients_of_one_credential(
    make_client: MakeClient, clock: FakeClock
) -> None:
    budget = InProcessBudget(min_interval=0.5, headers=None, clock=clock)
    first, second = make_client(budget=budget), make_client(budget=budget)
    first.me()
    started = clock.time()
    second.me()
    first.me()
    assert clock.time() - started >= 1.0


def test_the_default_budget_spaces_requests(make_client: MakeClient, clock: FakeClock) -> None:
    client = make_client()
    started = clock.time()
    for _ in range(5):
        client.me()
    # six requests (a token, five calls): five gaps of at least the minimum interval
    assert clock.time() - started == pytest.approx(5 * 0.05)


def test_retry_policy_can_be_disabled(make_client: MakeClient, sim: ProcurifySimulator) -> None:
    client = make_client(retry=RetryPolicy.disabled())
    sim.faults.add(Fault.http_status(503), path="^/api/v3/users/me/$")
    with pytest.raises(ProcurifyError, match="503"):
        client.me()


# -- secrets -------------------------------------------------------------------------------


def test_a_whole_session_leaks_no_secret_or_token(
    sim: ProcurifySimulator,
    creds: TenantCredentials,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "mlconnector_http", "procurify_client", "hpack", "h11"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    errors: list[BaseException] = []
    shown: list[str] = []
    with sim.serve() as url:
        for base in (url, None):
            where: dict[str, Any] = {"base_url": url}
            if base is None:
                where = {"subdomain": SUBDOMAIN, "transport": sim.transport()}
            with ProcurifyClient(
                **where,
                client_id=creds.client_id,
                client_secret=creds.client_secret,
                clock=clock,
                retry=RetryPolicy.for_testing(),
                budget=None,
            ) as client:
                client.me()  # fetches the token
                list(client.purchase_orders.list(page_size=10))
                client.vendors.create(name=f"Secretless {base is None}")
                for failing in (
                    lambda: client.vendors.get(9999),
                    lambda: client.vendors.create(name=""),
                    lambda: client.with_options(headers={}).me(),
                ):
                    try:
                        failing()
                    except ProcurifyError as error:
                        errors.append(error)
                sim.revoke_tokens()
                client.me()  # a 401, a refresh and a retry, all logged
                shown += [repr(client), str(client), repr(client.config), str(client.config)]
        wrong = ProcurifyClient(
            base_url=url, client_id=creds.client_id, client_secret=creds.client_secret + "x"
        )
        try:
            wrong.me()
        except ProcurifyError as error:
            errors.append(error)
        finally:
            wrong.close()
    assert len(errors) == 7
    assert {type(e).__name__ for e in errors} == {
        "ProcurifyNotFound",
        "ProcurifyValidationError",
        "ProcurifyPermissionDenied",
        "ProcurifyAuthError",
    }
    shown += [repr(e) + str(e) + repr(e.args) for e in errors]
    tokens = list(sim.tenant(SUBDOMAIN).tokens)
    assert sim.tokens_issued == 4
    captured = caplog.text + "".join(shown)
    assert "GET /api/v3/users/me/" in caplog.text  # the capture did see the session
    for secret in [creds.client_secret, *tokens]:
        assert secret not in captured


def test_a_default_listing_makes_the_fewest_requests_and_reports_its_pacing(
    sim: ProcurifySimulator, make_client: Callable[..., ProcurifyClient]
) -> None:
    sim.seed(SUBDOMAIN, purchase_orders=1500, vendors=5, bills=0, payments=0)
    client = make_client()  # the default budget: 50 ms between requests, on the fake clock
    listing = client.purchase_orders.list()
    assert len(list(listing)) == 1500
    assert sim.request_count(path="/api/v2/purchase_orders/") == listing.requests == 2
    # the first page's slot is taken at once (the token request then waits its own turn);
    # the second page waits out the default 50 ms spacing after the token request
    assert listing.budget_wait == pytest.approx(0.05, abs=0.01)

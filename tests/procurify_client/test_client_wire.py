"""Exact wire checks with respx: token caching, server waits, hostile links, odd bodies."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
import respx

from mlconnector_http import AttemptEvent, FakeClock, RetryPolicy
from procurify_client import (
    AsyncProcurifyClient,
    ProcurifyClient,
    ProcurifyDecodeError,
    ProcurifyError,
    ProcurifyPaginationError,
    ProcurifyRateLimited,
    ProcurifyServerError,
    ProcurifyStatusError,
)

BASE = "https://acme.procurify.com"
SECRET = "wire-secret-0123456789"
TOKEN = {"access_token": "tok-1", "expires_in": 86400, "token_type": "Bearer", "scope": "s"}
ME = {"metadata": {}, "data": {"id": 1, "user": 1, "email": "api@acme.test"}}


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.post("/oauth/token").respond(200, json=TOKEN)
        yield router


@pytest.fixture
def events() -> list[AttemptEvent]:
    return []


@pytest.fixture
def client(events: list[AttemptEvent]) -> Iterator[ProcurifyClient]:
    with ProcurifyClient(
        subdomain="acme",
        client_id="cid",
        client_secret=SECRET,
        clock=FakeClock(),
        retry=RetryPolicy.for_testing(),
        event_hook=events.append,
        budget=None,
    ) as made:
        yield made


def test_token_request_body_and_one_token_for_many_calls(
    api: respx.MockRouter, client: ProcurifyClient
) -> None:
    me = api.get("/api/v3/users/me/").respond(200, json=ME)
    for _ in range(5):
        client.me()
    token_call = api.routes[0]
    assert token_call.call_count == 1
    assert me.call_count == 5
    request = token_call.calls.last.request
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "grant_type": "client_credentials",
        "client_id": "cid",
        "client_secret": SECRET,
        "audience": "https://api.procurify.com/",
    }
    sent = me.calls.last.request
    assert sent.headers["authorization"] == "Bearer tok-1"
    assert sent.headers["x-procurify-client"] == "api"
    assert sent.headers["accept"] == "application/json"
    assert sent.headers["user-agent"] == "mlconnector/0.1.0 (+procurify_client)"


def test_429_retry_after_is_the_wait_reported(
    api: respx.MockRouter, client: ProcurifyClient, events: list[AttemptEvent]
) -> None:
    api.get("/api/v3/users/me/").mock(
        side_effect=[
            httpx.Response(429, json={"detail": "slow down"}, headers={"Retry-After": "2"}),
            httpx.Response(200, json=ME),
        ]
    )
    client.me()
    assert [(e.status, e.retry_in) for e in events if e.operation == "users.me"] == [
        (429, 2.0),
        (200, None),
    ]


def test_a_wait_over_the_cap_is_raised_with_its_length(api: respx.MockRouter) -> None:
    api.get("/api/v3/users/me/").respond(429, headers={"Retry-After": "3600"})
    with (
        ProcurifyClient(
            subdomain="acme",
            client_id="cid",
            client_secret=SECRET,
            retry=RetryPolicy(max_server_wait=60, sleep=False),
            budget=None,
        ) as client,
        pytest.raises(ProcurifyRateLimited) as caught,
    ):
        client.me()
    assert caught.value.retry_after == 3600


def test_an_html_error_page_is_a_server_error(
    api: respx.MockRouter, client: ProcurifyClient
) -> None:
    route = api.get("/api/v3/users/me/").respond(
        502, text="<html>Bad Gateway</html>", headers={"content-type": "text/html"}
    )
    with pytest.raises(ProcurifyServerError, match="502"):
        client.me()
    assert route.call_count == 4  # the testing policy's four attempts


def test_truncated_json_on_success_is_a_server_error(
    api: respx.MockRouter, client: ProcurifyClient
) -> None:
    api.get("/api/v3/vendors/1/").respond(
        200, content=b'{"data": {"id": 1,', headers={"content-type": "application/json"}
    )
    with pytest.raises(ProcurifyServerError, match="unreadable response body"):
        client.vendors.get(1)


def test_a_record_that_does_not_fit_is_a_decode_error_naming_it(
    api: respx.MockRouter, client: ProcurifyClient
) -> None:
    api.get("/api/v3/vendors/").respond(
        200, json={"metadata": {"pagination": {"next": None}}, "data": [{"id": "x", "name": 1}]}
    )
    with pytest.raises(ProcurifyDecodeError, match=r"vendor x: .*Vendor\.id"):
        list(client.vendors.list())


def test_a_status_without_a_meaning_is_still_a_procurify_error(
    api: respx.MockRouter, client: ProcurifyClient
) -> None:
    api.get("/api/v3/users/me/").respond(405, json={"detail": 'Method "GET" not allowed.'})
    with pytest.raises(ProcurifyStatusError, match="405 GET /api/v3/users/me/"):
        client.me()


def test_a_next_link_on_another_port_is_refused(
    api: respx.MockRouter, client: ProcurifyClient
) -> None:
    page = {
        "metadata": {"pagination": {"next": f"{BASE}:8443/api/v3/vendors/?page=2", "count": 2}},
        "data": [{"id": 1, "name": "A"}],
    }
    api.get("/api/v3/vendors/").respond(200, json=page)
    with pytest.raises(ProcurifyPaginationError, match="8443"):
        list(client.vendors.list())


def test_relative_next_links_and_a_body_without_pagination(
    api: respx.MockRouter, client: ProcurifyClient
) -> None:
    api.get("/api/v3/account-codes/", params={"page": "2"}).respond(
        200, json={"data": [{"id": 2, "code": "2"}]}
    )
    api.get("/api/v3/account-codes/").respond(
        200,
        json={
            "metadata": {"pagination": {"next": "/api/v3/account-codes/?page=2", "count": 2}},
            "data": [{"id": 1, "code": "1"}],
        },
    )
    assert [c.code for c in client.account_codes.list()] == ["1", "2"]


def test_find_by_external_id_checks_every_page_when_the_filter_was_ignored(
    api: respx.MockRouter, client: ProcurifyClient
) -> None:
    first = [{"id": n, "name": f"V{n}", "external_id": f"X-{n}"} for n in range(100)]
    second = [
        {"id": 500, "name": "Close", "external_id": "q-1"},
        {"id": 501, "name": "Exact", "external_id": "Q-1"},
    ]
    route = api.get("/api/v3/vendors/")
    route.side_effect = [
        httpx.Response(
            200,
            json={
                "metadata": {"pagination": {"next": f"{BASE}/api/v3/vendors/?page=2"}},
                "data": first,
            },
        ),
        httpx.Response(200, json={"metadata": {"pagination": {"next": None}}, "data": second}),
    ]
    found = client.vendors.find_by_external_id("Q-1")
    assert found is not None
    assert found.id == 501
    assert route.call_count == 2


def test_no_secret_in_logs_reprs_or_errors_async(
    api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api.get("/api/v3/users/me/").respond(200, json=ME)
    api.get("/api/v3/vendors/9/").respond(404, json={"detail": "Not found."})
    errors: list[ProcurifyError] = []

    async def main() -> str:
        async with AsyncProcurifyClient(
            subdomain="acme", client_id="cid", client_secret=SECRET, budget=None
        ) as client:
            await client.me()
            try:
                await client.vendors.get(9)
            except ProcurifyError as error:
                errors.append(error)
            return repr(client) + str(client) + repr(client.config) + str(client.config)

    shown = asyncio.run(main())
    assert len(errors) == 1
    everything = shown + caplog.text + "".join(repr(e) + str(e) for e in errors)
    assert SECRET not in everything
    assert "tok-1" not in everything


def test_a_loop_back_to_an_earlier_page_is_refused_before_yielding(
    api: respx.MockRouter, client: ProcurifyClient
) -> None:
    page_two = {
        "metadata": {"pagination": {"next": f"{BASE}/api/v3/vendors/?page=1", "current_page": 2}},
        "data": [{"id": 2, "name": "B"}],
    }
    page_one = {
        "metadata": {"pagination": {"next": f"{BASE}/api/v3/vendors/?page=2", "current_page": 1}},
        "data": [{"id": 1, "name": "A"}],
    }
    api.get("/api/v3/vendors/", params={"page": "2"}).respond(200, json=page_two)
    api.get("/api/v3/vendors/").respond(200, json=page_one)
    seen: list[int] = []
    with pytest.raises(ProcurifyPaginationError, match="page 1 while on page 2"):
        seen.extend(v.id for v in client.vendors.list())
    assert seen == [1]

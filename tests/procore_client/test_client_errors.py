"""Errors by meaning, lenient v1 bodies, retries on 429/503 and pacing, against the simulator."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx
from tests.procore_client.test_client_support import (
    CLIENT_ID,
    COMPANY,
    SECRET,
    Events,
    fake_clock,
    new_client,
    new_sim,
)

from mlconnector_http import (
    APIError,
    AttemptEvent,
    FakeClock,
    NotFound,
    PermissionDenied,
    RetryPolicy,
    ValidationError,
    Window,
)
from mlconnector_http.testing import Fault
from procore_client import (
    ProcoreAuthError,
    ProcoreClient,
    ProcoreConflict,
    ProcoreDecodeError,
    ProcoreError,
    ProcoreNotFound,
    ProcorePermissionDenied,
    ProcoreRateLimited,
    ProcoreServerError,
    ProcoreStatusError,
    ProcoreValidationError,
    ProcoreWriteOutcomeUnknown,
    VendorInput,
    procore_budget,
)
from procore_client._exceptions import read_error_body
from procore_client.testing import bad_gateway, rate_limited, service_unavailable


class SleepOnFakeClock(Events):
    """Keeps events and, like a real sleep would, moves the fake clock by each retry wait."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock

    def __call__(self, event: AttemptEvent) -> None:
        super().__call__(event)
        if event.retry_in is not None:
            self.clock.advance(event.retry_in)


def test_a_project_not_granted_to_the_dmsa_is_403_permission_denied() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    hidden = sim.add_project(COMPANY, name="Secret tower", permitted_for=["other-app"])
    with new_client(sim, clock) as client:
        assert hidden.id not in {p.id for p in client.projects.list()}
        with pytest.raises(ProcorePermissionDenied) as caught:
            list(client.requisitions.list(hidden.id))
    error = caught.value
    assert isinstance(error, PermissionDenied)
    assert isinstance(error, ProcoreError)
    assert error.status_code == 403
    assert "not been granted" in error.message
    assert error.body == {"errors": error.message}


def test_a_company_that_disconnected_the_app_is_403() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    with new_client(sim, clock) as client:
        client.me()
        sim.uninstall_app(COMPANY, CLIENT_ID)
        with pytest.raises(ProcorePermissionDenied, match="App is not connected to this company"):
            client.me()


def test_not_found_validation_and_conflict_carry_message_fields_and_raw_body() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    with new_client(sim, clock) as client:
        with pytest.raises(ProcoreNotFound) as missing:
            client.vendors.get(123)
        assert isinstance(missing.value, NotFound)
        assert "Couldn't find Vendor" in str(missing.value)
        assert "GET /rest/v1.0/vendors/123" in str(missing.value)
        with pytest.raises(ProcoreValidationError) as invalid:
            client.vendors.create(VendorInput(name="Bad Country", country_code="USA"))
        assert isinstance(invalid.value, ValidationError)
        assert invalid.value.status_code == 422
        assert [e.field for e in invalid.value.errors] == ["country_code"]
        client.vendors.create(VendorInput(name="First", origin_id="erp-1"))
        with pytest.raises(ProcoreConflict) as duplicate:
            client.vendors.create(VendorInput(name="Second", origin_id="erp-1"))
        assert duplicate.value.status_code == 409
        assert [(e.field, e.message) for e in duplicate.value.errors] == [
            ("origin_id", "has already been taken")
        ]
        assert duplicate.value.body == {"errors": {"origin_id": ["has already been taken"]}}


def test_a_400_in_the_error_code_shape_keeps_its_code() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    project = sim.seed(COMPANY, projects=1).project_ids[0]
    with new_client(sim, clock) as client, pytest.raises(ProcoreValidationError) as caught:
        list(client.requisitions.list(project, status="paid"))
    assert caught.value.status_code == 400
    assert caught.value.code == "BAD_REQUEST"
    assert "filters[status] must be one of" in caught.value.message


@pytest.mark.parametrize(
    ("body", "code", "message", "fields"),
    [
        ({"errors": "Vendor not found"}, None, "Vendor not found", []),
        (
            {"errors": {"name": ["can't be blank"]}},
            None,
            "name can't be blank",
            [("name", "can't be blank")],
        ),
        (
            {"errors": {"base": ["Locked"], "fields": {"amount": ["is invalid"]}}},
            None,
            "Locked",
            [("amount", "is invalid")],
        ),
        (
            {"message": "Unprocessable Currency", "error": "Unprocessable Entity"},
            None,
            "Unprocessable Currency",
            [],
        ),
        (
            {"error": {"code": "BAD_REQUEST", "message": "zone missing"}},
            "BAD_REQUEST",
            "zone missing",
            [],
        ),
        (
            {
                "error": {
                    "code": "UNPROCESSABLE_ENTITY",
                    "message": "Invalid",
                    "details": [
                        {"reason_code": "BLANK", "message": "is blank", "source": "due_date"}
                    ],
                }
            },
            "UNPROCESSABLE_ENTITY",
            "Invalid",
            [("due_date", "is blank")],
        ),
        (
            {"error": {"error": "You have surpassed the max number of requests"}},
            None,
            "You have surpassed the max number of requests",
            [],
        ),
        (
            {"error": "invalid_client", "error_description": "bad client"},
            "invalid_client",
            "bad client",
            [],
        ),
        ("Service Unavailable", None, "Service Unavailable", []),
        (None, None, "", []),
        ([{"message": "a"}, "b"], None, "a; b", []),
    ],
)
def test_every_documented_v1_error_body_shape_is_read(
    body: Any, code: str | None, message: str, fields: list[tuple[str, str]]
) -> None:
    got_code, got_message, got_fields = read_error_body(body)
    assert (got_code, got_message) == (code, message)
    assert [(f.field, f.message) for f in got_fields] == fields


def test_a_429_waits_exactly_retry_after_then_succeeds() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    events = Events()
    sim.faults.add(rate_limited(retry_after=7), path="/rest/v1.0/me", times=1)
    with new_client(sim, clock, event_hook=events) as client:
        assert client.me().id > 0
    assert [(e.status, e.retry_in) for e in events.seen if e.operation == "me.get"] == [
        (429, 7.0),
        (200, None),
    ]


def test_a_429_without_retry_after_waits_until_x_rate_limit_reset() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    events = Events()
    reset = int(clock.time()) + 13
    sim.faults.add(rate_limited(retry_after=None, reset_epoch=reset), path="/rest/", times=1)
    with new_client(sim, clock, event_hook=events) as client:
        assert client.me().id > 0
    assert events.waits() == [13.0]


@pytest.mark.parametrize("jitter", [False, True])
def test_a_429_with_no_wait_hint_backs_off_exponentially_with_jitter(jitter: bool) -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    events = Events()
    sim.faults.add(rate_limited(retry_after=None), path="/rest/v1.0/me", times=3)
    retry = RetryPolicy(initial_delay=1.0, max_delay=30.0, jitter=jitter, sleep=False)
    with new_client(sim, clock, retry=retry, event_hook=events) as client:
        assert client.me().id > 0
    ceilings = [1.0, 2.0, 4.0]
    waits = events.waits()
    assert len(waits) == 3
    assert all(0 <= wait <= ceiling for wait, ceiling in zip(waits, ceilings, strict=True))
    assert (waits == ceilings) is not jitter


def test_the_real_spike_window_429_is_waited_out_to_its_reset() -> None:
    clock = fake_clock()
    clock.advance(3)
    sim = new_sim(clock, spike_limit=2, retry_after=False)
    hook = SleepOnFakeClock(clock)
    with new_client(sim, clock, event_hook=hook) as client:
        for _ in range(3):
            client.me()
    assert sim.stats.rate_limited == 1
    assert hook.waits() == [7.0]
    assert [e.status for e in hook.seen if e.operation == "me.get"] == [200, 200, 429, 200]


def test_a_503_honours_retry_after_and_a_502_page_is_retried() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    events = Events()
    sim.faults.add(service_unavailable(retry_after=3), path="/rest/", times=1)
    sim.faults.add(bad_gateway(), path="/rest/", times=1)
    with new_client(sim, clock, event_hook=events) as client:
        assert client.me().id > 0
    me_events = [e for e in events.seen if e.operation == "me.get"]
    assert [e.status for e in me_events] == [503, 502, 200]
    assert me_events[0].retry_in == 3.0
    assert me_events[1].retry_in is not None


def test_a_wait_longer_than_the_cap_raises_rate_limited_with_the_wait() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.faults.add(rate_limited(retry_after=600), path="/rest/", times=1)
    retry = RetryPolicy(max_server_wait=60, sleep=False)
    with new_client(sim, clock, retry=retry) as client, pytest.raises(ProcoreRateLimited) as caught:
        client.me()
    assert caught.value.retry_after == 600
    assert "over the 60s cap" in str(caught.value)


def test_429s_that_never_end_raise_after_the_last_attempt() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.faults.add(rate_limited(retry_after=1), path="/rest/", times=None)
    with new_client(sim, clock) as client, pytest.raises(ProcoreRateLimited) as caught:
        client.me()
    assert caught.value.retry_after == 1
    assert "surpassed the max number of requests" in caught.value.message
    assert sim.request_count(path="/rest/v1.0/me") == 4


def test_a_create_is_not_resent_after_a_503_but_an_update_is() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    with new_client(sim, clock) as client:
        vendor = client.vendors.create(VendorInput(name="Once"))
        sim.faults.add(service_unavailable(retry_after=1), path="/rest/v1.0/vendors", times=1)
        with pytest.raises(ProcoreWriteOutcomeUnknown):  # a 5xx on a create: it may exist
            client.vendors.create(VendorInput(name="Twice?"))
        sim.faults.add(service_unavailable(retry_after=1), path="/rest/v1.0/vendors", times=1)
        assert client.vendors.update(vendor.id, VendorInput(city="Austin")).city == "Austin"
    assert sim.request_count(path="/rest/v1.0/vendors", method="POST") == 2
    assert sim.request_count(path=f"/rest/v1.0/vendors/{vendor.id}", method="PATCH") == 2


def test_a_status_with_no_meaning_of_its_own_is_the_generic_status_error() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.faults.add(Fault.http_status(408, body=b'{"errors": "Request Timeout"}'), path="/rest/")
    with new_client(sim, clock) as client, pytest.raises(ProcoreStatusError) as caught:
        client.me()
    assert type(caught.value) is ProcoreStatusError
    assert not isinstance(caught.value, ProcoreAuthError)
    assert caught.value.message == "Request Timeout"


def test_an_unreadable_2xx_body_is_a_server_error_after_retries() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.faults.add(Fault.malformed_json(), path="/rest/v1.0/me", times=None)
    with new_client(sim, clock) as client, pytest.raises(ProcoreServerError) as caught:
        client.me()
    assert "unreadable response body" in str(caught.value)
    assert sim.request_count(path="/rest/v1.0/me") == 4


def test_a_record_that_does_not_fit_its_model_names_the_record_and_field() -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post("https://login.procore.com/oauth/token").respond(
            json={"access_token": "tok", "expires_in": 5400}
        )
        router.get("https://api.procore.com/rest/v1.0/vendors").respond(
            json=[{"id": 1, "name": "ok"}, {"id": 2, "created_at": "yesterday"}]
        )
        client = ProcoreClient(
            client_id=CLIENT_ID, client_secret=SECRET, company_id=COMPANY, budget=None
        )
        with client, pytest.raises(ProcoreDecodeError) as caught:
            list(client.vendors.list())
    assert caught.value.record == "vendor 2"
    assert "created_at" in str(caught.value)
    assert isinstance(caught.value, APIError)


def test_the_budget_paces_sync_calls_under_the_spike_window_without_a_429() -> None:
    clock = fake_clock()
    sim = new_sim(clock, spike_limit=25, hourly_limit=3600)
    vendor = sim.add_vendor(COMPANY, "Paced").id
    started = clock.time()
    with new_client(sim, clock, budget=procore_budget(clock=clock)) as client:
        for _ in range(60):
            client.vendors.get(vendor)
    assert sim.stats.rate_limited == 0
    assert clock.time() - started >= 20


def test_the_budget_learns_a_lower_limit_from_the_headers() -> None:
    clock = fake_clock()
    sim = new_sim(clock, spike_limit=5, hourly_limit=None)
    with new_client(sim, clock, budget=procore_budget(clock=clock)) as client:
        for _ in range(20):
            client.me()
    assert sim.stats.rate_limited == 0
    assert clock.time() - fake_clock().time() >= 40


def _paced_seconds(*, with_other_app: bool) -> float:
    """Virtual seconds our three calls take through one shared budget (spike window: 3)."""
    clock = fake_clock()
    started = clock.time()
    sim = new_sim(clock, spike_limit=3, hourly_limit=None)
    budget = procore_budget([Window(3, 10.0)], clock=clock)
    other = {"client_id": "other-app", "client_secret": "other-secret"}
    with (
        new_client(sim, clock, budget=budget) as ours,
        new_client(sim, clock, budget=budget, **other) as theirs,
    ):
        for _ in range(3):
            ours.me()
            if with_other_app:
                theirs.me()
    assert sim.stats.rate_limited == 0
    assert len(budget._states) == (2 if with_other_app else 1)
    return clock.time() - started


def test_one_budget_object_paces_each_credential_on_its_own() -> None:
    alone = _paced_seconds(with_other_app=False)
    assert alone > 0
    assert _paced_seconds(with_other_app=True) == alone


def test_errors_from_transport_failures_are_in_the_family() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.faults.add(Fault.drop(), path="/rest/v1.0/vendors", method="POST", times=1)
    with new_client(sim, clock) as client, pytest.raises(ProcoreError) as caught:
        client.vendors.create(VendorInput(name="Dropped"))
    assert "RemoteProtocolError" in str(caught.value)
    assert isinstance(caught.value.request, httpx.Request)  # type: ignore[attr-defined]

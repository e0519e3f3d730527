"""Retry decisions: Retry-After parsing, which failures retry, exact server waits, the cap."""

from __future__ import annotations

import email.utils

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.mlconnector_http.toy import ToySimulator, create_thing, list_items, make_config

from mlconnector_http import (
    APITimeoutError,
    AttemptEvent,
    FakeClock,
    RateLimited,
    RetryPolicy,
    ServerError,
    SyncAPIClient,
    ValidationError,
    WriteOutcomeUnknown,
    parse_retry_after,
)
from mlconnector_http.testing import Fault

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0.0),
        ("7", 7.0),
        ("1.5", 1.5),
        ("  30 ", 30.0),
        ("-3", 0.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        (email.utils.formatdate(NOW + 42, usegmt=True), 42.0),
        (email.utils.formatdate(NOW - 42, usegmt=True), 0.0),
    ],
)
def test_parse_retry_after_table(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


@given(st.integers(min_value=0, max_value=10**6))
def test_parse_retry_after_http_date_matches_seconds(delta: int) -> None:
    date = email.utils.formatdate(NOW + delta, usegmt=True)
    assert parse_retry_after(date, now=NOW) == pytest.approx(parse_retry_after(str(delta), now=NOW))


def test_computed_delay_grows_and_is_capped() -> None:
    policy = RetryPolicy(initial_delay=1, max_delay=5, jitter=False)
    assert [policy.computed_delay(n) for n in range(1, 6)] == [1, 2, 4, 5, 5]
    jittered = RetryPolicy(initial_delay=1, max_delay=5)
    assert all(0 <= jittered.computed_delay(3) <= 4 for _ in range(50))


def _client(
    sim: ToySimulator, clock: FakeClock, events: list[AttemptEvent], **kw: object
) -> SyncAPIClient:
    return SyncAPIClient(
        make_config(clock, event_hook=events.append, **kw), transport=sim.transport()
    )


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_retryable_statuses_are_retried(sim: ToySimulator, clock: FakeClock, status: int) -> None:
    events: list[AttemptEvent] = []
    sim.faults.add(Fault.http_status(status), path="/items/", times=2)
    with _client(sim, clock, events) as api:
        assert len(list(api._paginate(list_items(page_size=100)))) == 25
    statuses = [e.status for e in events if e.path == "/items/"]
    assert statuses == [status, status, 200]


def test_non_retryable_status_raises_at_once(sim: ToySimulator, clock: FakeClock) -> None:
    events: list[AttemptEvent] = []
    sim.faults.add(Fault.http_status(400, body=b'{"name": ["required"]}'), path="/items/")
    with _client(sim, clock, events) as api, pytest.raises(ValidationError) as caught:
        list(api._paginate(list_items()))
    assert caught.value.errors[0].field == "name"
    assert len([e for e in events if e.path == "/items/"]) == 1


def test_retry_after_seconds_obeyed_exactly_without_jitter(
    sim: ToySimulator, clock: FakeClock
) -> None:
    events: list[AttemptEvent] = []
    sim.faults.add(Fault.http_status(503, headers={"retry-after": "7"}), path="/items/")
    with _client(sim, clock, events) as api:
        list(api._paginate(list_items(page_size=100)))
    assert [e.retry_in for e in events if e.status == 503] == [7.0]


def test_retry_after_http_date_obeyed(sim: ToySimulator, clock: FakeClock) -> None:
    events: list[AttemptEvent] = []
    when = email.utils.formatdate(clock.time() + 12, usegmt=True)
    sim.faults.add(Fault.http_status(429, headers={"retry-after": when}), path="/items/")
    with _client(sim, clock, events) as api:
        list(api._paginate(list_items(page_size=100)))
    assert [e.retry_in for e in events if e.status == 429] == [pytest.approx(12.0)]


def test_server_wait_over_cap_raises_rate_limited_with_the_wait(
    sim: ToySimulator, clock: FakeClock
) -> None:
    events: list[AttemptEvent] = []
    sim.faults.add(Fault.http_status(429, headers={"retry-after": "3600"}), path="/items/")
    retry = RetryPolicy(max_server_wait=60, sleep=False)
    with _client(sim, clock, events, retry=retry) as api, pytest.raises(RateLimited) as caught:
        list(api._paginate(list_items()))
    assert caught.value.retry_after == 3600
    assert "3600" in str(caught.value)
    assert len([e for e in events if e.path == "/items/"]) == 1


def test_retries_stop_after_max_attempts(sim: ToySimulator, clock: FakeClock) -> None:
    sim.faults.add(Fault.http_status(503), path="/items/", times=None)
    with _client(sim, clock, [], retry=RetryPolicy.for_testing(max_attempts=3)) as api:
        with pytest.raises(ServerError):
            list(api._paginate(list_items()))
    assert sim.request_count(path="/items/") == 3


@pytest.mark.parametrize("fault", [Fault.drop(), Fault.timeout()])
def test_reads_retry_on_dropped_connections_and_timeouts(
    sim: ToySimulator, clock: FakeClock, fault: Fault
) -> None:
    sim.faults.add(fault, path="/items/", times=2)
    with _client(sim, clock, []) as api:
        assert len(list(api._paginate(list_items(page_size=100)))) == 25


def test_timeout_error_type(sim: ToySimulator, clock: FakeClock) -> None:
    sim.faults.add(Fault.timeout(), path="/items/", times=None)
    with _client(sim, clock, []) as api, pytest.raises(APITimeoutError) as caught:
        list(api._paginate(list_items()))
    assert "/items/" in str(caught.value)


def test_post_not_retried_unless_declared_safe(sim: ToySimulator, clock: FakeClock) -> None:
    sim.faults.add(Fault.drop(), path="/things/", times=1)
    with _client(sim, clock, []) as api:
        with pytest.raises(WriteOutcomeUnknown):  # sent, then dropped: it may have happened
            api._send(create_thing({"n": 1}))
        assert sim.request_count(path="/things/") == 1
        sim.faults.add(Fault.http_status(503), path="/things/", times=1)
        with pytest.raises(WriteOutcomeUnknown):
            api._send(create_thing({"n": 2}))
        assert sim.request_count(path="/things/") == 2
        sim.faults.add(Fault.drop(), path="/things/", times=1)
        assert api._send(create_thing({"n": 3}, safe=True)) == {"created": {"n": 3}}
        assert sim.request_count(path="/things/") == 4


def test_post_retried_after_429_because_the_server_did_not_process_it(
    sim: ToySimulator, clock: FakeClock
) -> None:
    sim.faults.add(Fault.http_status(429, headers={"retry-after": "1"}), path="/things/")
    with _client(sim, clock, []) as api:
        assert api._send(create_thing({"n": 1})) == {"created": {"n": 1}}


def test_connect_errors_are_retried_even_for_posts() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(201, json={"ok": True})

    config = make_config(auth=None)
    with SyncAPIClient(config, transport=httpx.MockTransport(handler)) as api:
        assert api._send(create_thing({"n": 1})) == {"ok": True}
    assert calls == 2


@pytest.mark.parametrize("fault", [Fault.malformed_json(), Fault.html_error(status=200)])
def test_unreadable_bodies_become_server_errors(
    sim: ToySimulator, clock: FakeClock, fault: Fault
) -> None:
    sim.faults.add(fault, path="/items/", times=None)
    with _client(sim, clock, [], retry=RetryPolicy.for_testing(max_attempts=2)) as api:
        with pytest.raises(ServerError) as caught:
            list(api._paginate(list_items()))
    assert "unreadable response body" in str(caught.value)


def test_html_error_page_is_a_server_error_with_a_readable_message(
    sim: ToySimulator, clock: FakeClock
) -> None:
    sim.faults.add(Fault.html_error(502), path="/items/", times=None)
    with _client(sim, clock, []) as api, pytest.raises(ServerError) as caught:
        list(api._paginate(list_items()))
    assert caught.value.status_code == 502
    assert "Bad Gateway" in caught.value.message


def test_retry_waits_go_through_the_clock(sim: ToySimulator, clock: FakeClock) -> None:
    sim.faults.add(Fault.http_status(503, headers={"retry-after": "30"}), path="/items/", times=2)
    before = clock.time()
    config = make_config(clock, retry=RetryPolicy(max_attempts=3))
    with SyncAPIClient(config, transport=sim.transport()) as api:
        assert len(list(api._paginate(list_items(page_size=100)))) == 25
    assert clock.time() - before == 60
    assert clock.slept == [30, 30]

"""The simulator's two rate windows, their headers on every response, and 429s."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from tests.procore_client.test_client_support import plain_token

from mlconnector_http.testing import FakeClock
from procore_client.testing import ProcoreSimulator, rate_limited

CLIENT_ID = "limited-app"
SECRET = "pw"
COMPANY = 77
START = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
HEADERS = ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset")


def setup(**options: Any) -> tuple[ProcoreSimulator, FakeClock, httpx.Client]:
    clock = FakeClock(START)
    sim = ProcoreSimulator(clock=clock, **options)
    sim.add_app(CLIENT_ID, SECRET)
    sim.add_app("neighbour", "pw2")
    sim.add_company(COMPANY, "Acme", installed_for=[CLIENT_ID, "neighbour"])
    sim.add_company(78, "Other", installed_for=[CLIENT_ID])
    client = httpx.Client(transport=sim.transport(), base_url="https://api.procore.com")
    client.headers["Authorization"] = f"Bearer {plain_token(client, CLIENT_ID, SECRET)}"
    client.headers["Procore-Company-Id"] = str(COMPANY)
    return sim, clock, client


def test_spike_window_allows_25_per_10_seconds_then_429() -> None:
    sim, clock, client = setup()
    answers = [client.get("/rest/v1.0/me") for _ in range(25)]
    assert {a.status_code for a in answers} == {200}
    assert [a.headers["X-Rate-Limit-Remaining"] for a in answers[:3]] == ["24", "23", "22"]
    assert answers[0].headers["X-Rate-Limit-Limit"] == "25"
    over = client.get("/rest/v1.0/me")
    assert over.status_code == 429
    assert over.headers["X-Rate-Limit-Remaining"] == "0"
    reset = int(over.headers["X-Rate-Limit-Reset"])
    assert reset == int(clock.time()) + 10
    assert over.headers["Retry-After"] == "10"
    assert "surpassed the max number of requests" in over.text
    clock.advance(10)
    assert client.get("/rest/v1.0/me").status_code == 200
    assert sim.stats.rate_limited == 1


def test_hourly_window_takes_over_the_headers_when_it_runs_low() -> None:
    _sim, clock, client = setup(hourly_limit=30, spike_limit=25)
    first = client.get("/rest/v1.0/me")
    assert first.headers["X-Rate-Limit-Limit"] == "25"
    for _ in range(10):
        client.get("/rest/v1.0/me")
    clock.advance(10)
    for _ in range(15):
        client.get("/rest/v1.0/me")
    low = client.get("/rest/v1.0/me")
    assert low.status_code == 200
    assert low.headers["X-Rate-Limit-Limit"] == "30"
    assert low.headers["X-Rate-Limit-Remaining"] == "3"
    clock.advance(10)
    for _ in range(3):
        assert client.get("/rest/v1.0/me").status_code == 200
    over = client.get("/rest/v1.0/me")
    assert over.status_code == 429
    assert over.headers["X-Rate-Limit-Limit"] == "30"
    hour_end = (int(clock.time()) // 3600 + 1) * 3600
    assert int(over.headers["X-Rate-Limit-Reset"]) == hour_end
    assert int(over.headers["Retry-After"]) == hour_end - int(clock.time())


def test_retry_after_can_be_switched_off() -> None:
    sim, _, client = setup(spike_limit=1)
    client.get("/rest/v1.0/me")
    assert "Retry-After" in client.get("/rest/v1.0/me").headers
    sim.set_rate_limits(spike=1, retry_after=False)
    client.get("/rest/v1.0/me")
    over = client.get("/rest/v1.0/me")
    assert over.status_code == 429
    assert "Retry-After" not in over.headers
    assert "X-Rate-Limit-Reset" in over.headers


def test_windows_count_per_app_credential() -> None:
    _sim, _, client = setup(spike_limit=2)
    client.get("/rest/v1.0/me")
    client.get("/rest/v1.0/me")
    assert client.get("/rest/v1.0/me").status_code == 429
    other = plain_token(client, "neighbour", "pw2")
    answer = client.get("/rest/v1.0/me", headers={"Authorization": f"Bearer {other}"})
    assert answer.status_code == 200


def test_per_company_buckets_when_configured() -> None:
    _sim, _, client = setup(spike_limit=1, rate_limit_per_company=True)
    assert client.get("/rest/v1.0/me").status_code == 200
    assert client.get("/rest/v1.0/me").status_code == 429
    assert client.get("/rest/v1.0/me", headers={"Procore-Company-Id": "78"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/rest/v1.0/me", {}, 200),
        ("/rest/v1.0/vendors", {}, 400),
        ("/rest/v1.0/me", {"Procore-Company-Id": ""}, 400),
        ("/rest/v1.0/me", {"Procore-Company-Id": "999"}, 403),
        ("/rest/v1.0/vendors/5", {}, 400),
        ("/rest/v1.0/nowhere", {}, 404),
        ("/rest/v1.0/me", {"Authorization": "Bearer bogus"}, 401),
    ],
)
def test_rate_headers_are_on_every_response(
    path: str, headers: dict[str, str], status: int
) -> None:
    _sim, _, client = setup()
    answer = client.get(path, headers=headers)
    assert answer.status_code == status
    for name in HEADERS:
        assert name in answer.headers


def test_token_answers_carry_rate_headers_too() -> None:
    _sim, _, client = setup()
    answer = client.post(
        "https://login.procore.com/oauth/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET},
    )
    for name in HEADERS:
        assert name in answer.headers


def test_a_token_request_past_the_window_reports_it_without_counting_a_429() -> None:
    sim, _, client = setup(spike_limit=2)
    statuses = [client.get("/rest/v1.0/me").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    answer = client.post(
        "https://login.procore.com/oauth/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET},
    )
    assert answer.status_code == 200
    assert answer.headers["X-Rate-Limit-Remaining"] == "0"
    assert sim.stats.rate_limited == 1


def test_a_forced_429_fault_ignores_the_windows() -> None:
    sim, _, client = setup()
    sim.faults.add(rate_limited(retry_after=7), path="/rest/", times=1)
    forced = client.get("/rest/v1.0/me")
    assert forced.status_code == 429
    assert forced.headers["Retry-After"] == "7"
    assert forced.headers["content-type"] == "text/plain"
    assert client.get("/rest/v1.0/me").status_code == 200


def test_disabled_windows_send_no_rate_headers() -> None:
    _sim, _, client = setup(spike_limit=None, hourly_limit=None)
    answers = [client.get("/rest/v1.0/me") for _ in range(100)]
    assert {a.status_code for a in answers} == {200}
    assert "X-Rate-Limit-Limit" not in answers[-1].headers


def test_oauth_failures_and_unknown_hosts_carry_rate_headers() -> None:
    _sim, _, client = setup()
    refused = client.post(
        "https://login.procore.com/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
    )
    unknown = client.get("https://nowhere.example/rest/v1.0/me")
    assert (refused.status_code, unknown.status_code) == (401, 404)
    for answer in (refused, unknown):
        for name in HEADERS:
            assert name in answer.headers

"""Procore 429s and rate-budget waits: ``Retry-After`` wins over an hourly reset, a wait over
the retry policy's maximum raises ``RateLimited`` instead of sleeping, and every wait over a
second is logged at INFO with its reason."""

from __future__ import annotations

import logging

import pytest

from mlconnector_http import RateLimited, RetryPolicy, Window
from procore_client import ProcoreRateLimited, procore_budget
from procore_client.testing import rate_limited, service_unavailable

from .test_client_support import fake_clock, new_client, new_sim

HOUR = 3600


def test_retry_after_1_wins_over_an_hourly_reset() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    reset = int(clock.time()) + HOUR
    sim.faults.add(rate_limited(retry_after=1, reset_epoch=reset), path="/rest/", times=1)
    retry = RetryPolicy(jitter=False)  # sleeps, on the fake clock
    with new_client(sim, clock, retry=retry, budget=procore_budget(clock=clock)) as client:
        started = clock.time()
        assert client.me().id > 0
        assert client.me().id > 0  # the budget does not hold the hour against later calls
    assert clock.time() - started < 5
    assert max(clock.slept, default=0.0) <= 1.0


def test_a_budget_wait_over_the_maximum_raises_instead_of_sleeping() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    reset = int(clock.time()) + HOUR
    sim.faults.add(rate_limited(retry_after=None, reset_epoch=reset), path="/rest/", times=1)
    retry = RetryPolicy(jitter=False)
    with new_client(sim, clock, retry=retry, budget=procore_budget(clock=clock)) as client:
        with pytest.raises(ProcoreRateLimited) as first:
            client.me()  # the server's own wait is over the cap: raised, not slept
        sent = len(sim.requests)
        with pytest.raises(ProcoreRateLimited) as second:
            client.me()  # the budget learnt the reset: raised before sending anything
    assert isinstance(second.value, RateLimited)
    assert first.value.retry_after == pytest.approx(HOUR)
    assert second.value.retry_after == pytest.approx(HOUR)
    assert "rate budget" in str(second.value)
    assert len(sim.requests) == sent
    assert clock.slept == []


def test_waits_over_a_second_are_logged_at_info_with_their_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.faults.add(service_unavailable(retry_after=5), path="/rest/", times=1)
    budget = procore_budget((Window(2, 10.0),), clock=clock)
    retry = RetryPolicy(jitter=False)
    caplog.set_level(logging.INFO)
    with new_client(sim, clock, retry=retry, budget=budget) as client:
        for _ in range(3):
            client.me()
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any(
        "retrying GET /rest/v1.0/me -> 503 in 5.0s: the server asked for it" in m for m in infos
    ), infos
    assert any("window of 2 requests per 10s full" in m for m in infos), infos


def test_short_waits_are_not_logged_at_info(caplog: pytest.LogCaptureFixture) -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.faults.add(service_unavailable(retry_after=1), path="/rest/", times=1)
    caplog.set_level(logging.INFO)
    with new_client(sim, clock, retry=RetryPolicy(jitter=False)) as client:
        client.me()
    ours = [r for r in caplog.records if r.name.split(".")[0] != "httpx"]
    assert [r.getMessage() for r in ours if r.levelno >= logging.INFO] == []

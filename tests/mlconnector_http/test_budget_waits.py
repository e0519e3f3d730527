"""InProcessBudget after a 429: ``Retry-After`` wins over the reset header; unreadable
numbers in rate-limit headers are ignored; long waits are logged with their reason."""

from __future__ import annotations

import logging

import pytest

from mlconnector_http import FakeClock, InProcessBudget, RateLimitHeaders, RetryPolicy, Window


def test_a_429_retry_after_wins_over_the_hourly_reset() -> None:
    clock = FakeClock()
    budget = InProcessBudget(clock=clock)
    reset = clock.time() + 3600
    headers = {"retry-after": "1", "x-rate-limit-remaining": "0", "x-rate-limit-reset": f"{reset}"}
    budget.observe("k", 429, headers)
    assert budget.reserve("k") == pytest.approx(1.0)


def test_a_429_without_retry_after_waits_for_the_reset() -> None:
    clock = FakeClock()
    budget = InProcessBudget(clock=clock)
    reset = clock.time() + 3600
    budget.observe("k", 429, {"x-rate-limit-remaining": "5", "x-rate-limit-reset": f"{reset}"})
    assert budget.reserve("k") == pytest.approx(3600)


def test_a_429_retry_after_is_learnt_even_when_headers_are_ignored() -> None:
    clock = FakeClock()
    budget = InProcessBudget(headers=None, clock=clock)
    budget.observe("k", 429, {"retry-after": "4"})
    assert budget.reserve("k") == pytest.approx(4.0)
    budget.observe("k", 503, {"retry-after": "9"})  # not a rate limit: the retry's business
    clock.advance(4)
    assert budget.reserve("k") == 0.0


@pytest.mark.parametrize("reset", ["inf", "nan", "9" * 400, "soon"])
def test_unreadable_reset_values_are_ignored(reset: str) -> None:
    clock = FakeClock()
    budget = InProcessBudget(headers=RateLimitHeaders(), clock=clock)
    budget.observe("k", 200, {"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset})
    assert budget.reserve("k") == 0.0
    policy = RetryPolicy()
    headers = {"x-rate-limit-reset": reset}
    assert policy.server_wait(headers, now=clock.time(), rate_headers=RateLimitHeaders()) is None


def test_a_long_budget_wait_is_logged_with_its_reason(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    logger = logging.getLogger("test_budget_waits")
    budget = InProcessBudget([Window(1, 30.0)], clock=clock, logger=logger)
    caplog.set_level(logging.INFO, logger="test_budget_waits")
    assert budget.reserve("k") == 0.0
    assert caplog.records == []
    assert budget.reserve("k") == pytest.approx(30.0)
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        "rate budget: next slot on key k in 30.0s: window of 1 requests per 30s full"
    )


def test_refuse_wait_names_the_cap() -> None:
    policy = RetryPolicy(max_server_wait=120)
    assert policy.refuse_wait(120, reason="the rate budget") is None
    refused = policy.refuse_wait(3600, reason="the rate budget")
    assert refused == "the rate budget asks to wait 3600s, over the 120s cap"

"""Rate budgets: windows, spacing, per-key isolation, and learning from rate-limit headers."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from mlconnector_http import FakeClock, InProcessBudget, RateLimitHeaders, Window


def _send_times(budget: InProcessBudget, clock: FakeClock, key: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        wait = budget.reserve(key)
        clock.sleep(wait)
        times.append(clock.time())
    return times


@settings(max_examples=40, deadline=None)
@given(
    limit=st.integers(min_value=1, max_value=30),
    seconds=st.floats(min_value=0.5, max_value=60),
    n=st.integers(min_value=1, max_value=120),
)
def test_window_is_never_exceeded(limit: int, seconds: float, n: int) -> None:
    clock = FakeClock()
    budget = InProcessBudget([Window(limit, seconds)], clock=clock, headers=None)
    times = _send_times(budget, clock, "k", n)
    for i, start in enumerate(times):
        inside = [t for t in times[i:] if t < start + seconds]
        assert len(inside) <= limit


def test_reservations_without_sleeping_are_spread_too() -> None:
    clock = FakeClock()
    budget = InProcessBudget([Window(25, 10)], clock=clock, headers=None)
    waits = [budget.reserve("k") for _ in range(60)]
    assert waits[:25] == [0.0] * 25
    assert waits[25:50] == [10.0] * 25
    assert waits[50:] == [20.0] * 10


def test_min_interval_spaces_calls() -> None:
    clock = FakeClock()
    budget = InProcessBudget(min_interval=0.5, clock=clock, headers=None)
    times = _send_times(budget, clock, "k", 5)
    assert [b - a for a, b in itertools.pairwise(times)] == [0.5] * 4


def test_keys_do_not_share_or_block_each_other() -> None:
    clock = FakeClock()
    budget = InProcessBudget([Window(2, 10)], clock=clock, headers=None)
    assert [budget.reserve("tenant-a") for _ in range(3)] == [0.0, 0.0, 10.0]
    assert [budget.reserve("tenant-b") for _ in range(2)] == [0.0, 0.0]


def test_learns_from_headers_and_holds_before_the_server_says_429() -> None:
    clock = FakeClock()
    budget = InProcessBudget(clock=clock, headers=RateLimitHeaders(), margin=1)
    reset = clock.time() + 8
    budget.observe(
        "k",
        200,
        {
            "x-rate-limit-limit": "25",
            "x-rate-limit-remaining": "3",
            "x-rate-limit-reset": str(reset),
        },
    )
    waits = [budget.reserve("k") for _ in range(4)]
    assert waits[:2] == [0.0, 0.0]
    assert waits[2:] == [8.0, 8.0]


def test_a_429_with_reset_holds_everyone_until_reset() -> None:
    clock = FakeClock()
    budget = InProcessBudget(clock=clock)
    budget.observe(
        "k",
        429,
        {
            "x-rate-limit-limit": "25",
            "x-rate-limit-remaining": "5",
            "x-rate-limit-reset": str(clock.time() + 4),
        },
    )
    assert budget.reserve("k") == 4.0


def test_reset_as_delta_seconds() -> None:
    clock = FakeClock()
    headers = RateLimitHeaders(
        "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", reset_is_delta=True
    )
    budget = InProcessBudget(clock=clock, headers=headers)
    budget.observe("k", 200, {"ratelimit-remaining": "0", "ratelimit-reset": "30"})
    assert budget.reserve("k") == 30.0


def test_stale_out_of_order_headers_do_not_loosen_the_hint() -> None:
    clock = FakeClock()
    budget = InProcessBudget(clock=clock, margin=0)
    reset = str(clock.time() + 5)
    budget.observe("k", 200, {"x-rate-limit-remaining": "1", "x-rate-limit-reset": reset})
    budget.observe("k", 200, {"x-rate-limit-remaining": "9", "x-rate-limit-reset": reset})
    assert [budget.reserve("k") for _ in range(2)] == [0.0, 5.0]

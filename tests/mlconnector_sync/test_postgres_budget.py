"""PostgresBudget keeps InProcessBudget's rules, over the database (one process here; the
four-process test is in test_postgres_processes)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
import pytest

from mlconnector_http import FakeClock, InProcessBudget, RateBudget, RateLimitHeaders, Window
from mlconnector_sync.state.postgres import PostgresBudget

Step = tuple[Any, ...]


@pytest.fixture
def make_budget(postgres_url: str) -> Iterator[Any]:
    made: list[PostgresBudget] = []

    def make(*args: Any, **kwargs: Any) -> PostgresBudget:
        budget = PostgresBudget(postgres_url, *args, **kwargs)
        made.append(budget)
        return budget

    yield make
    for budget in made:
        budget.close()


def _play(budget: RateBudget, clock: FakeClock, steps: Sequence[Step]) -> list[float]:
    waits = []
    for step in steps:
        if step[0] == "reserve":
            waits.append(round(budget.reserve(step[1]), 6))
        elif step[0] == "advance":
            clock.advance(step[1])
        else:
            _, key, status, headers = step
            budget.observe(key, status, headers)
    return waits


SCENARIOS: dict[str, tuple[dict[str, Any], list[Step]]] = {
    "windows and spacing": (
        {"windows": [Window(3, 1.0), Window(5, 10.0)], "min_interval": 0.1},
        [("reserve", "a")] * 8
        + [("advance", 2.5)]
        + [("reserve", "a")] * 3
        + [("reserve", "b")] * 2
        + [("advance", 30.0), ("reserve", "a")],
    ),
    "remaining and reset headers": (
        {"windows": [Window(100, 60.0)], "margin": 1},
        [
            ("reserve", "a"),
            ("observe", "a", 200, {"x-rate-limit-remaining": "3", "x-rate-limit-reset": "1000"}),
            ("reserve", "a"),
            ("reserve", "a"),
            ("reserve", "a"),
            ("observe", "a", 200, {"x-rate-limit-remaining": "9", "x-rate-limit-reset": "1000"}),
            ("reserve", "a"),
            ("advance", 100.0),
            ("reserve", "a"),
        ],
    ),
    "a 429's Retry-After wins over the reset": (
        {"headers": RateLimitHeaders(reset_is_delta=True)},
        [
            ("reserve", "a"),
            (
                "observe",
                "a",
                429,
                {"retry-after": "2", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "3600"},
            ),
            ("reserve", "a"),
            ("advance", 5.0),
            ("observe", "a", 429, {"x-rate-limit-remaining": "5", "x-rate-limit-reset": "30"}),
            ("reserve", "a"),
            ("observe", "a", 200, {"x-rate-limit-remaining": "junk", "x-rate-limit-reset": "1"}),
            ("observe", "a", 200, {}),
            ("reserve", "a"),
        ],
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_same_waits_as_the_in_process_budget(make_budget: Any, name: str) -> None:
    options, steps = SCENARIOS[name]
    start = dt.datetime.fromtimestamp(990, dt.UTC)  # the reset headers say 1000
    here, there = FakeClock(start), FakeClock(start)
    expected = _play(InProcessBudget(clock=here, **options), here, steps)
    got = _play(make_budget(clock=there, **options), there, steps)
    assert got == pytest.approx(expected, abs=1e-6)
    assert any(wait > 0 for wait in expected)


def test_the_database_clock_paces_when_no_clock_is_given(
    make_budget: Any, caplog: pytest.LogCaptureFixture
) -> None:
    budget = make_budget([Window(2, 60.0)])
    assert budget.reserve("k") == pytest.approx(0.0, abs=0.5)
    assert budget.reserve("k") == pytest.approx(0.0, abs=0.5)
    with caplog.at_level(logging.INFO, logger="mlconnector_sync"):
        third = budget.reserve("k")
    assert 59.0 < third <= 60.0
    assert "window of 2 requests per 60s full" in caplog.text
    assert budget.reserve("other") == pytest.approx(0.0, abs=0.5)  # keys are separate


def test_old_slots_are_pruned_so_the_table_stays_bounded(
    make_budget: Any, postgres_url: str
) -> None:
    clock = FakeClock()
    budget = make_budget([Window(5, 1.0), Window(8, 4.0)], clock=clock)
    for _ in range(200):
        budget.reserve("k")
        clock.advance(0.5)
    with psycopg.connect(postgres_url) as conn:
        row = conn.execute("SELECT count(*) FROM mlconnector.budget_slots").fetchone()
    assert row is not None
    assert row[0] <= 9  # about one longest window's worth, not 200


def test_a_budget_without_windows_keeps_no_slots(make_budget: Any, postgres_url: str) -> None:
    clock = FakeClock()
    budget = make_budget(min_interval=0.5, clock=clock)
    assert [round(budget.reserve("k"), 6) for _ in range(3)] == [0.0, 0.5, 1.0]
    with psycopg.connect(postgres_url) as conn:
        row = conn.execute("SELECT count(*) FROM mlconnector.budget_slots").fetchone()
    assert row == (0,)


def test_windows_must_allow_something(postgres_url: str) -> None:
    with pytest.raises(ValueError, match="limit >= 1"):
        PostgresBudget(postgres_url, [Window(0, 1.0)])


def test_it_is_a_rate_budget_that_async_callers_run_off_the_loop(make_budget: Any) -> None:
    budget: RateBudget = make_budget()
    assert getattr(budget, "in_process", None) is False
    assert "password" not in repr(budget)

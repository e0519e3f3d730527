"""Rate budgets: pace requests per credential before the server has to say 429.

A :class:`RateBudget` is asked for a slot before every attempt and told what every response
said. :class:`InProcessBudget` keeps sliding windows and a minimum spacing per key, and learns
from rate-limit headers: when the server's remaining count (less what was sent since) reaches
the margin, every caller on that key waits for the server's reset. A budget shared between
processes implements the same protocol over a database.

Async callers: the async executor runs ``reserve``/``observe`` of a budget (and every method
of a token store) in a worker thread (:func:`asyncio.to_thread`) so a budget that does I/O
never blocks the event loop; a budget that never blocks says so with ``in_process = True``
and is called on the loop (:func:`call_off_loop`).
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar, Protocol, TypeVar

import attrs

from mlconnector_http._clock import Clock, SystemClock

__all__ = [
    "InProcessBudget",
    "RateBudget",
    "RateLimitHeaders",
    "UnlimitedBudget",
    "Window",
    "call_off_loop",
]

T = TypeVar("T")


async def call_off_loop(owner: object, call: Callable[[], T]) -> T:
    """Run ``call`` (a method of a budget or token store) from async code without blocking.

    Inline when ``owner`` declares ``in_process = True`` (it never does I/O and holds its
    lock only for microseconds), else in a worker thread.
    """
    if getattr(owner, "in_process", False) is True:
        return call()
    return await asyncio.to_thread(call)


class RateBudget(Protocol):
    """Paces requests for one credential key.

    The async executor calls both methods in a worker thread unless the budget has a class
    attribute ``in_process = True`` (see :func:`call_off_loop`): a budget over a database may
    block; one that only takes an in-process lock should set it.
    """

    def reserve(self, key: str) -> float:
        """Claim a slot for one request on ``key``; returns the seconds to wait before sending."""

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        """Learn from a response that came back for ``key``."""


@attrs.frozen
class Window:
    """At most ``limit`` requests in any ``seconds``-long span."""

    limit: int
    seconds: float


@attrs.frozen
class RateLimitHeaders:
    """Names of the headers a vendor uses to report its budget.

    ``reset`` is read as Unix epoch seconds, or as seconds from now when ``reset_is_delta``.
    """

    limit: str = "x-rate-limit-limit"
    remaining: str = "x-rate-limit-remaining"
    reset: str = "x-rate-limit-reset"
    reset_is_delta: bool = False


class UnlimitedBudget:
    """No pacing at all."""

    in_process: ClassVar[bool] = True

    def reserve(self, key: str) -> float:
        return 0.0

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        return None

    def __repr__(self) -> str:
        return "UnlimitedBudget()"


@attrs.define
class _Hint:
    remaining: int
    reset_at: float
    sent_at_observation: int


@attrs.define
class _KeyState:
    sent: dict[float, deque[float]] = attrs.field(factory=dict)
    last: float = float("-inf")
    count: int = 0
    hint: _Hint | None = None


class InProcessBudget:
    """Sliding windows + minimum spacing + header learning, per key, for one process.

    Args:
        windows: limits to respect even before the server has said anything.
        min_interval: least seconds between two sends on one key.
        headers: the vendor's rate-limit header names, or ``None`` to ignore headers.
        margin: requests kept in reserve below the server's reported remaining count.
    """

    in_process: ClassVar[bool] = True

    def __init__(
        self,
        windows: Sequence[Window] = (),
        *,
        min_interval: float = 0.0,
        headers: RateLimitHeaders | None = RateLimitHeaders(),
        margin: int = 1,
        clock: Clock | None = None,
    ) -> None:
        self.windows = tuple(windows)
        self.min_interval = min_interval
        self.headers = headers
        self.margin = margin
        self._clock = clock or SystemClock()
        self._states: dict[str, _KeyState] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"InProcessBudget(windows={list(self.windows)!r}, min_interval={self.min_interval})"

    def reserve(self, key: str) -> float:
        now = self._clock.time()
        with self._lock:
            state = self._states.setdefault(key, _KeyState())
            at = max(now, state.last + self.min_interval)
            at = self._respect_hint(state, at)
            changed = True
            while changed:
                changed = False
                for window in self.windows:
                    sent = state.sent.setdefault(window.seconds, deque())
                    while sent and sent[0] <= now - window.seconds:
                        sent.popleft()
                    if len(sent) >= window.limit and sent[-window.limit] > at - window.seconds:
                        at = sent[-window.limit] + window.seconds
                        changed = True
            for window in self.windows:
                state.sent[window.seconds].append(at)
            state.last = at
            state.count += 1
            return at - now

    def _respect_hint(self, state: _KeyState, at: float) -> float:
        hint = state.hint
        if hint is None or at >= hint.reset_at:
            return at
        sent_since = state.count - hint.sent_at_observation
        if sent_since >= hint.remaining - self.margin:
            return hint.reset_at
        return at

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        if self.headers is None:
            return
        remaining = _int(headers.get(self.headers.remaining))
        reset = _float(headers.get(self.headers.reset))
        if remaining is None or reset is None:
            return
        now = self._clock.time()
        reset_at = now + reset if self.headers.reset_is_delta else reset
        if status == 429:
            remaining = 0
        with self._lock:
            state = self._states.setdefault(key, _KeyState())
            hint = state.hint
            if hint is not None and hint.reset_at == reset_at and hint.remaining <= remaining:
                return
            state.hint = _Hint(remaining, reset_at, state.count)


def _int(raw: str | None) -> int | None:
    try:
        return None if raw is None else int(float(raw))
    except ValueError:
        return None


def _float(raw: str | None) -> float | None:
    try:
        return None if raw is None else float(raw)
    except ValueError:
        return None

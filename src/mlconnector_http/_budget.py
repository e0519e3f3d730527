"""Rate budgets: pace requests per credential before the server has to say 429.

A :class:`RateBudget` is asked for a slot before every attempt and told what every response
said. :class:`InProcessBudget` keeps sliding windows and a minimum spacing per key, and learns
from rate-limit headers: when the server's remaining count (less what was sent since) reaches
the margin, every caller on that key waits for the server's reset; after a 429 that carries
``Retry-After``, that wait wins over the reset header. A budget shared between processes
implements the same protocol over a database.

Async callers: the async executor runs ``reserve``/``observe`` of a budget (and every method
of a token store) in a worker thread (:func:`asyncio.to_thread`) so a budget that does I/O
never blocks the event loop; a budget that never blocks says so with ``in_process = True``
and is called on the loop (:func:`call_off_loop`).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
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
    "parse_retry_after",
]

T = TypeVar("T")

LOG_WAITS_OVER = 1.0
"""Waits longer than this many seconds are logged at INFO with their reason."""


async def call_off_loop(owner: object, call: Callable[[], T]) -> T:
    """Run ``call`` (a method of a budget or token store) from async code without blocking.

    Inline when ``owner`` declares ``in_process = True`` (it never does I/O and holds its
    lock only for microseconds), else in a worker thread.
    """
    if getattr(owner, "in_process", False) is True:
        return call()
    return await asyncio.to_thread(call)


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP date.

    ``now`` is Unix epoch seconds. Returns ``None`` when absent or unreadable; a date in the
    past gives ``0``.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if moment.tzinfo is None:
            return None
        return max(moment.timestamp() - now, 0.0)
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    return max(seconds, 0.0)


class RateBudget(Protocol):
    """Paces requests for one credential key.

    The async executor calls both methods in a worker thread unless the budget has a class
    attribute ``in_process = True`` (see :func:`call_off_loop`): a budget over a database may
    block; one that only takes an in-process lock should set it. A wait over the retry
    policy's ``max_server_wait`` is not slept: the executor raises ``RateLimited`` with it.
    A budget should log a wait over a second at INFO with its reason, as
    :class:`InProcessBudget` does.
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

    def read(self, status: int, headers: Mapping[str, str]) -> tuple[int, float] | None:
        """``(remaining, reset)`` from a response (remaining 0 on a 429), or ``None`` when
        either header is missing or not a finite number."""
        remaining = _int(headers.get(self.remaining))
        reset = _float(headers.get(self.reset))
        if remaining is None or reset is None:
            return None
        return (0 if status == 429 else remaining), reset

    def reset_at(self, reset: float, now: float) -> float:
        """The reset as Unix epoch seconds."""
        return now + reset if self.reset_is_delta else reset


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
        clock: time source.
        logger: where a wait over a second is logged at INFO, with its reason
            (default: the ``mlconnector_http`` logger; clients pass their package's).
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
        logger: logging.Logger | None = None,
    ) -> None:
        self.windows = tuple(windows)
        self.min_interval = min_interval
        self.headers = headers
        self.margin = margin
        self.logger = logger or logging.getLogger("mlconnector_http")
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
            reason = f"at most one request every {self.min_interval:g}s"
            hinted = self._respect_hint(state, at)
            if hinted > at:
                at = hinted
                reason = "the server reported no requests left before its reset"
            changed = True
            while changed:
                changed = False
                for window in self.windows:
                    sent = state.sent.setdefault(window.seconds, deque())
                    while sent and sent[0] <= now - window.seconds:
                        sent.popleft()
                    if len(sent) >= window.limit and sent[-window.limit] > at - window.seconds:
                        at = sent[-window.limit] + window.seconds
                        reason = f"window of {window.limit} requests per {window.seconds:g}s full"
                        changed = True
            for window in self.windows:
                state.sent[window.seconds].append(at)
            state.last = at
            state.count += 1
        wait = at - now
        if wait > LOG_WAITS_OVER:
            self.logger.info("rate budget: next slot on key %s in %.1fs: %s", key, wait, reason)
        return wait

    def _respect_hint(self, state: _KeyState, at: float) -> float:
        hint = state.hint
        if hint is None or at >= hint.reset_at:
            return at
        sent_since = state.count - hint.sent_at_observation
        if sent_since >= hint.remaining - self.margin:
            return hint.reset_at
        return at

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        """Learn the server's remaining count and reset; a 429's ``Retry-After`` wins.

        A 429 with ``Retry-After: 1`` and an hourly ``X-Rate-Limit-Reset`` means "try again
        in a second" (a spike limit), not "wait for the hour".
        """
        now = self._clock.time()
        retry_after = parse_retry_after(headers.get("retry-after"), now=now)
        if status == 429 and retry_after is not None:
            with self._lock:
                state = self._states.setdefault(key, _KeyState())
                state.hint = _Hint(0, now + retry_after, state.count)
            return
        learned = None if self.headers is None else self.headers.read(status, headers)
        if self.headers is None or learned is None:
            return
        remaining, reset = learned
        reset_at = self.headers.reset_at(reset, now)
        with self._lock:
            state = self._states.setdefault(key, _KeyState())
            hint = state.hint
            if hint is not None and hint.reset_at == reset_at and hint.remaining <= remaining:
                return
            state.hint = _Hint(remaining, reset_at, state.count)


def _int(raw: str | None) -> int | None:
    value = _float(raw)
    return None if value is None else int(value)


def _float(raw: str | None) -> float | None:
    """A finite number from a header, else ``None`` (never ``inf``/``nan``)."""
    try:
        value = None if raw is None else float(raw)
    except (ValueError, OverflowError):
        return None
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return None
    return value

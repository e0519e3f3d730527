"""One retry policy: server hint first (exact), capped; else backoff with jitter.

The retry loop itself is the ``backoff`` package (:func:`backoff.on_predicate` with
:func:`backoff.runtime`), applied by the executors; this module decides *whether* and *how long*.
"""

from __future__ import annotations

import email.utils
import random
from collections.abc import Mapping

import attrs
import httpx

from mlconnector_http._budget import RateLimitHeaders

__all__ = ["RetryPolicy", "parse_retry_after"]

_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})


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
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            return None
        return max(moment.timestamp() - now, 0.0)
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    return max(seconds, 0.0)


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """When to try a request again and how long to wait.

    Args:
        max_attempts: total attempts including the first (1 disables retries).
        initial_delay: first computed backoff, doubled each attempt up to ``max_delay``.
        max_delay: ceiling of a computed backoff.
        max_server_wait: longest server-requested wait (Retry-After, reset header) obeyed;
            a longer one raises :class:`RateLimited` carrying the wait instead of sleeping.
        retry_statuses: statuses worth another attempt.
        jitter: apply full jitter to computed waits (never to server-requested ones).
        sleep: ``False`` computes and reports waits without sleeping (see :meth:`for_testing`).
    """

    max_attempts: int = 4
    initial_delay: float = 0.5
    max_delay: float = 30.0
    max_server_wait: float = 120.0
    retry_statuses: frozenset[int] = frozenset({429, 502, 503, 504})
    jitter: bool = True
    sleep: bool = True

    @classmethod
    def for_testing(cls, max_attempts: int = 4) -> RetryPolicy:
        """Same decisions, no sleeping: for test suites that inject faults."""
        return cls(max_attempts=max_attempts, sleep=False)

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """One attempt only."""
        return cls(max_attempts=1)

    def computed_delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Backoff after the ``attempt``-th failure (1-based), jittered when enabled."""
        ceiling = min(self.max_delay, self.initial_delay * 2.0 ** (attempt - 1))
        if not self.jitter:
            return ceiling
        return float((rng or random).uniform(0, ceiling))

    def is_retryable_status(self, status: int) -> bool:
        return status in self.retry_statuses

    @staticmethod
    def is_retryable_transport(error: httpx.TransportError, *, retry_safe: bool) -> bool:
        """Connection failures before sending are always safe; the rest only when declared so."""
        if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
            return True
        return retry_safe and isinstance(
            error,
            httpx.ReadTimeout | httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError,
        )

    @staticmethod
    def method_is_safe(method: str) -> bool:
        """Reads; a write is retried only when its operation declares it safe."""
        return method.upper() in _IDEMPOTENT

    @staticmethod
    def server_wait(
        headers: Mapping[str, str], *, now: float, rate_headers: RateLimitHeaders | None = None
    ) -> float | None:
        """The wait the server asked for: ``Retry-After``, else the rate-limit reset header."""
        wait = parse_retry_after(headers.get("retry-after"), now=now)
        if wait is not None or rate_headers is None:
            return wait
        raw = headers.get(rate_headers.reset)
        if raw is None:
            return None
        try:
            reset = float(raw)
        except ValueError:
            return None
        return max(reset if rate_headers.reset_is_delta else reset - now, 0.0)

"""One retry policy: server hint first (exact), capped; else backoff with jitter.

The retry loop itself is the ``backoff`` package (:func:`backoff.on_predicate` with
:func:`backoff.runtime`), applied by the executors; this module decides *whether* and *how long*.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping

import attrs
import httpx

from mlconnector_http._budget import LOG_WAITS_OVER, RateLimitHeaders, parse_retry_after

__all__ = ["RetryPolicy", "parse_retry_after"]

_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})


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
        except (ValueError, OverflowError):
            return None
        if reset != reset or reset in (float("inf"), float("-inf")):
            return None
        return max(reset if rate_headers.reset_is_delta else reset - now, 0.0)

    def retry_wait(
        self,
        attempt: int,
        server_wait: float | None,
        *,
        what: str,
        logger: logging.Logger,
    ) -> float:
        """The wait before the next attempt: the server's, else the computed backoff.

        ``what`` says what failed (``"GET /vendors -> 503"``); a wait over a second is logged
        at INFO with its reason, so an operator sees why a sync is slow. A server wait over
        :attr:`max_server_wait` is the caller's to refuse (it raises ``RateLimited``).
        """
        if server_wait is not None:
            wait, reason = server_wait, "the server asked for it"
        else:
            wait, reason = self.computed_delay(attempt), f"backoff after attempt {attempt}"
        if wait > LOG_WAITS_OVER:
            logger.info("retrying %s in %.1fs: %s", what, wait, reason)
        return wait

    def refuse_wait(self, wait: float, *, reason: str) -> str | None:
        """Why a wait must not be slept (it is over :attr:`max_server_wait`), or ``None``.

        The caller raises ``RateLimited`` carrying the wait instead of sleeping it.
        """
        if wait > self.max_server_wait:
            return f"{reason} asks to wait {wait:g}s, over the {self.max_server_wait:g}s cap"
        return None

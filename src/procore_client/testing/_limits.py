"""Procore's two rate windows (hourly and a 10-second spike) and the headers that report them.

The ``X-Rate-Limit-*`` headers describe whichever window the app is closest to exhausting, as
Procore's 2026 rate-limiting page describes; past either window the answer is 429.
"""

from __future__ import annotations

import math

import attrs

from mlconnector_http._clock import Clock
from mlconnector_http.testing import FixedWindow, WindowState

__all__ = ["RATE_LIMIT_MESSAGE", "RateLimiter", "RateLimits", "Verdict"]

RATE_LIMIT_MESSAGE = (
    "You have surpassed the max number of requests for an hour. "
    "Please wait until your limit resets."
)


@attrs.frozen
class RateLimits:
    """Window sizes per app credential; ``None`` turns a window off."""

    hourly: int | None = 3600
    hourly_seconds: float = 3600.0
    spike: int | None = 25
    spike_seconds: float = 10.0
    retry_after: bool = True
    per_company: bool = False


@attrs.frozen
class Verdict:
    """Whether a request may proceed and the rate headers for its response."""

    allowed: bool
    headers: dict[str, str]


class RateLimiter:
    """Counts requests per key in both windows and renders Procore's headers."""

    def __init__(self, clock: Clock, limits: RateLimits | None = None) -> None:
        self.clock = clock
        self.rejected = 0
        self.configure(limits or RateLimits())

    def configure(self, limits: RateLimits) -> None:
        """Replace the windows (counts start afresh)."""
        self.limits = limits
        self._windows: list[FixedWindow] = []
        if limits.spike is not None:
            self._windows.append(FixedWindow(limits.spike, limits.spike_seconds, self.clock))
        if limits.hourly is not None:
            self._windows.append(FixedWindow(limits.hourly, limits.hourly_seconds, self.clock))

    def key(self, client_id: str, company_id: int | None) -> str:
        """The bucket a request counts against."""
        if self.limits.per_company and company_id is not None:
            return f"{client_id}:{company_id}"
        return client_id

    def hit(self, key: str) -> Verdict:
        """Count one request and decide."""
        verdict = self._verdict([window.hit(key) for window in self._windows])
        if not verdict.allowed:
            self.rejected += 1
        return verdict

    def peek(self, key: str) -> Verdict:
        """The headers for ``key`` without counting a request (nothing is refused)."""
        verdict = self._verdict([window.peek(key) for window in self._windows])
        return Verdict(True, verdict.headers)

    def _verdict(self, states: list[WindowState]) -> Verdict:
        if not states:
            return Verdict(True, {})
        exceeded = [s for s in states if not s.allowed]
        if exceeded:
            shown = max(exceeded, key=lambda s: s.reset_epoch)
        else:
            shown = min(states, key=lambda s: s.remaining)
        headers = {
            "X-Rate-Limit-Limit": str(shown.limit),
            "X-Rate-Limit-Remaining": str(shown.remaining),
            "X-Rate-Limit-Reset": str(shown.reset_epoch),
        }
        if not exceeded:
            return Verdict(True, headers)
        wait = max(1, math.ceil(shown.reset_epoch - self.clock.time()))
        if self.limits.retry_after:
            headers["Retry-After"] = str(wait)
        return Verdict(False, headers)

"""Per-tenant rate limiting and the suspension that sustained abuse earns.

Procurify documents no numbers (only that it "reserves the right to deny access"), so every
figure here is configuration: a fixed request window answering 429 with ``Retry-After``, and,
optionally, a suspension (403) once a tenant has been refused too often.
"""

from __future__ import annotations

import math

import attrs

from mlconnector_http._clock import Clock
from mlconnector_http.testing import FixedWindow

__all__ = ["RateLimit", "Throttle", "Verdict"]


@attrs.frozen
class RateLimit:
    """How much traffic a tenant may send before it is refused, then suspended.

    ``suspend_after`` 429 answers within ``abuse_window_seconds`` (default: ``window_seconds``)
    suspend the tenant for ``suspend_seconds``; ``None`` never suspends.
    """

    requests_per_window: int
    window_seconds: float = 60.0
    suspend_after: int | None = None
    abuse_window_seconds: float | None = None
    suspend_seconds: float = 3600.0

    def __attrs_post_init__(self) -> None:
        if self.requests_per_window < 1 or self.window_seconds <= 0:
            raise ValueError("requests_per_window must be >= 1 and window_seconds > 0")
        if self.suspend_after is not None and self.suspend_after < 1:
            raise ValueError("suspend_after must be >= 1 (or None to never suspend)")


@attrs.frozen
class Verdict:
    """A refusal: 429 with ``retry_after`` seconds, or 403 while suspended."""

    status: int
    retry_after: int | None = None


class Throttle:
    """The rate window, abuse counter and suspension of one tenant."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.limit: RateLimit | None = None
        self._requests: FixedWindow | None = None
        self._refusals: FixedWindow | None = None
        self.suspended_until: float | None = None

    def configure(self, limit: RateLimit | None) -> None:
        """Start counting afresh under ``limit`` (``None``: unlimited)."""
        self.limit = limit
        self._requests = self._refusals = None
        if limit is not None:
            self._requests = FixedWindow(
                limit.requests_per_window, limit.window_seconds, self._clock
            )
            if limit.suspend_after is not None:
                abuse = limit.abuse_window_seconds or limit.window_seconds
                self._refusals = FixedWindow(limit.suspend_after, abuse, self._clock)

    def suspend(self, seconds: float) -> None:
        """Refuse every request with 403 for ``seconds``."""
        self.suspended_until = self._clock.time() + seconds

    def lift(self) -> None:
        """End a suspension early."""
        self.suspended_until = None

    @property
    def suspended(self) -> bool:
        """Whether requests are being refused with 403 right now."""
        return self.suspended_until is not None and self._clock.time() < self.suspended_until

    def admit(self) -> Verdict | None:
        """Count one request; ``None`` lets it through, a :class:`Verdict` refuses it."""
        if self.suspended:
            return Verdict(403)
        if self._requests is None:
            return None
        window = self._requests.hit("requests")
        if window.allowed:
            return None
        if self._refusals is not None and self.limit is not None:
            abuse = self._refusals.hit("refusals")
            if abuse.remaining == 0:
                self.suspend(self.limit.suspend_seconds)
        retry_after = max(1, math.ceil(window.reset_epoch - self._clock.time()))
        return Verdict(429, retry_after)

"""Fixed rate windows, the way vendors count requests for their limits."""

from __future__ import annotations

import math
import threading

import attrs

from mlconnector_http._clock import Clock

__all__ = ["FixedWindow", "WindowState"]


@attrs.frozen
class WindowState:
    """What a window says about one request: whether it is allowed, and the header figures."""

    allowed: bool
    limit: int
    remaining: int
    reset_epoch: int


class FixedWindow:
    """At most ``limit`` requests per key in each ``seconds``-long window aligned to the epoch."""

    def __init__(self, limit: int, seconds: float, clock: Clock) -> None:
        self.limit = limit
        self.seconds = seconds
        self._clock = clock
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> WindowState:
        """Count one request for ``key`` and report the window's state after it."""
        now = self._clock.time()
        index = math.floor(now / self.seconds)
        reset = math.ceil((index + 1) * self.seconds)
        with self._lock:
            used = self._counts.get((key, index), 0) + 1
            self._counts[(key, index)] = used
            if len(self._counts) > 10_000:
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= index}
        return WindowState(used <= self.limit, self.limit, max(self.limit - used, 0), reset)

    def peek(self, key: str) -> WindowState:
        """The window's state for ``key`` without counting a request."""
        now = self._clock.time()
        index = math.floor(now / self.seconds)
        reset = math.ceil((index + 1) * self.seconds)
        with self._lock:
            used = self._counts.get((key, index), 0)
        return WindowState(used < self.limit, self.limit, max(self.limit - used, 0), reset)

"""Clocks: the one seam through which the toolkit and the simulators read time.

Tests swap :class:`SystemClock` for :class:`FakeClock` so token expiry, rate windows and
session timeouts can be crossed without sleeping.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "FakeClock", "SystemClock"]


class Clock(Protocol):
    """Where time comes from: a monotonic reading for waits, a wall reading for expiry."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""

    def time(self) -> float:
        """Unix epoch seconds."""

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""

    def sleep(self, seconds: float) -> None:
        """Block the calling thread for ``seconds``."""

    async def asleep(self, seconds: float) -> None:
        """Suspend the calling task for ``seconds``."""


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.0))

    def __repr__(self) -> str:
        return "SystemClock()"


class FakeClock:
    """A clock that moves only when told to; ``sleep`` advances it instantly.

    Share one instance between a client and a simulator to cross a 24 h token lifetime or a
    rate window in microseconds.
    """

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 1, 1, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("FakeClock start must be timezone-aware")
        self._epoch = start.timestamp()
        self._lock = threading.Lock()
        self.slept: list[float] = []

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._lock:
            self._epoch += seconds

    def monotonic(self) -> float:
        return self._epoch

    def time(self) -> float:
        return self._epoch

    def now(self) -> datetime:
        return datetime.fromtimestamp(0, UTC) + timedelta(seconds=self._epoch)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.slept.append(seconds)
            self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)

    def __repr__(self) -> str:
        return f"FakeClock(now={self.now().isoformat()})"

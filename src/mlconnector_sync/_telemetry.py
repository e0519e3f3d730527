"""OpenTelemetry spans and counters when ``opentelemetry-api`` is installed; nothing otherwise."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["Telemetry", "telemetry"]


class Telemetry:
    """A thin seam over the OpenTelemetry API so the engine never imports it directly."""

    def __init__(self) -> None:
        try:
            from opentelemetry import metrics, trace
        except ImportError:
            self._tracer: Any = None
            self._meter: Any = None
        else:
            self._tracer = trace.get_tracer("mlconnector_sync")
            self._meter = metrics.get_meter("mlconnector_sync")
        self._counters: dict[str, Any] = {}

    @contextlib.contextmanager
    def span(self, name: str, **attributes: str) -> Iterator[None]:
        """A span around a block (a run, a unit, a post)."""
        if self._tracer is None:
            yield
            return
        with self._tracer.start_as_current_span(name, attributes=attributes):
            yield

    def count(self, name: str, amount: float = 1, **attributes: str) -> None:
        """Add to a counter (runs, posts, retries, throttle waits, holds, quarantines)."""
        if self._meter is None:
            return
        counter = self._counters.get(name)
        if counter is None:
            counter = self._counters[name] = self._meter.create_counter(name)
        counter.add(amount, attributes=attributes)


telemetry = Telemetry()

"""Fault injection by rule: which requests fail, how, and how many times."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Literal

import attrs
import httpx

__all__ = ["Fault", "FaultInjector", "FaultRule"]

FaultKind = Literal[
    "status", "delay", "drop", "timeout", "timeout_after_commit", "malformed", "html", "rewrite"
]


@attrs.frozen
class Fault:
    """One way a request can go wrong. Build with the class methods."""

    kind: FaultKind
    status: int = 200
    headers: dict[str, str] = attrs.field(factory=dict)
    body: bytes = b""
    seconds: float = 0.0
    rewrite_fn: Callable[[httpx.Response], httpx.Response] | None = None

    @classmethod
    def http_status(
        cls, status: int, *, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Fault:
        """Answer ``status`` instead of running the handler (e.g. 503 with Retry-After)."""
        return cls("status", status=status, headers=headers or {}, body=body)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Wait ``seconds`` on the simulator's clock, then answer normally."""
        return cls("delay", seconds=seconds)

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection without an answer."""
        return cls("drop")

    @classmethod
    def timeout(cls, seconds: float = 5.0) -> Fault:
        """Never answer in time: a read timeout in-process, a stall of ``seconds`` on loopback."""
        return cls("timeout", seconds=seconds)

    @classmethod
    def timeout_after_commit(cls, seconds: float = 5.0) -> Fault:
        """Run the handler (the write takes effect), then never answer in time: the caller
        cannot know whether its write happened."""
        return cls("timeout_after_commit", seconds=seconds)

    @classmethod
    def malformed_json(cls, status: int = 200) -> Fault:
        """Answer with a JSON content type and a truncated JSON body."""
        return cls("malformed", status=status, body=b'{"data": [{"id": 1,')

    @classmethod
    def html_error(cls, status: int = 502) -> Fault:
        """Answer with an HTML error page, as a proxy in front of the API would."""
        page = b"<html><head><title>Bad Gateway</title></head><body>upstream error</body></html>"
        return cls("html", status=status, body=page)

    @classmethod
    def rewrite(cls, fn: Callable[[httpx.Response], httpx.Response]) -> Fault:
        """Run the handler, then pass its response through ``fn`` (e.g. move a ``next`` link)."""
        return cls("rewrite", rewrite_fn=fn)


@attrs.define
class FaultRule:
    """Apply ``fault`` to requests matching ``method`` and ``path`` (a regex searched in the path).

    ``skip`` matching requests pass first; then ``times`` of them fail (``None`` = every one).
    """

    fault: Fault
    path: str = ""
    method: str | None = None
    times: int | None = 1
    skip: int = 0
    predicate: Callable[[httpx.Request], bool] | None = None
    seen: int = 0
    fired: int = 0

    def matches(self, request: httpx.Request) -> bool:
        if self.method is not None and request.method.upper() != self.method.upper():
            return False
        if self.path and re.search(self.path, request.url.path) is None:
            return False
        return self.predicate is None or self.predicate(request)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times


class FaultInjector:
    """The rules of one simulator; the first live matching rule wins."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(
        self,
        fault: Fault,
        *,
        path: str = "",
        method: str | None = None,
        times: int | None = 1,
        skip: int = 0,
        predicate: Callable[[httpx.Request], bool] | None = None,
    ) -> FaultRule:
        """Add a rule and return it (its ``fired`` count tells how often it struck)."""
        rule = FaultRule(fault, path, method, times, skip, predicate)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def pick(self, request: httpx.Request) -> Fault | None:
        """The fault to apply to ``request``, counting it against its rule."""
        with self._lock:
            for rule in self._rules:
                if rule.exhausted or not rule.matches(request):
                    continue
                rule.seen += 1
                if rule.seen <= rule.skip:
                    continue
                rule.fired += 1
                return rule.fault
        return None

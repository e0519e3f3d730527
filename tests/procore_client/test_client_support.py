"""Shared set-up for the Procore client tests (no tests here): simulator, clients, virtual time.

``VirtualClock`` + ``run_virtual`` give the client and the simulator one clock that asyncio
itself runs on: ``asyncio.sleep`` jumps straight to the next timer when every task is waiting,
so many concurrent tasks can cross rate windows without sleeping and without the drift a
``FakeClock`` shows when several tasks each advance it by their own wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import selectors
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx

from mlconnector_http import AttemptEvent, FakeClock, RetryPolicy
from procore_client import AsyncProcoreClient, ProcoreClient
from procore_client.testing import ProcoreSimulator

T = TypeVar("T")

CLIENT_ID = "mlconnector-app"
SECRET = "cs-7f3a9d-very-secret-client-secret"
COMPANY = 8_000_000_123
OTHER_COMPANY = 4_611_686_018_427_387_904
START = datetime(2026, 1, 1, tzinfo=UTC)


def new_sim(clock: Any, **options: Any) -> ProcoreSimulator:
    """A simulator with our app installed in two companies (rate windows off unless asked)."""
    options.setdefault("spike_limit", None)
    options.setdefault("hourly_limit", None)
    sim = ProcoreSimulator(clock=clock, **options)
    sim.add_app(CLIENT_ID, SECRET)
    sim.add_app("other-app", "other-secret")
    sim.add_company(COMPANY, "Acme Builders", installed_for=[CLIENT_ID, "other-app"])
    sim.add_company(OTHER_COMPANY, "Beta Construction", installed_for=[CLIENT_ID])
    return sim


def client_options(sim: ProcoreSimulator, clock: Any, **overrides: Any) -> dict[str, Any]:
    """Constructor arguments for a client over ``sim`` (no real sleeping on retries)."""
    options: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "company_id": COMPANY,
        "transport": sim.transport(),
        "clock": clock,
        "retry": RetryPolicy.for_testing(),
        "budget": None,
    }
    options.update(overrides)
    return options


def new_client(sim: ProcoreSimulator, clock: Any, **overrides: Any) -> ProcoreClient:
    """A sync client over ``sim``."""
    return ProcoreClient(**client_options(sim, clock, **overrides))


def new_async_client(sim: ProcoreSimulator, clock: Any, **overrides: Any) -> AsyncProcoreClient:
    """An async client over ``sim``."""
    return AsyncProcoreClient(**client_options(sim, clock, **overrides))


def fake_clock() -> FakeClock:
    """A fake clock at the tests' start time."""
    return FakeClock(START)


class Events:
    """An ``event_hook`` that keeps every attempt."""

    def __init__(self) -> None:
        self.seen: list[AttemptEvent] = []

    def __call__(self, event: AttemptEvent) -> None:
        self.seen.append(event)

    def waits(self) -> list[float]:
        """The retry waits the client decided, in order."""
        return [e.retry_in for e in self.seen if e.retry_in is not None]


class Recorder(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps a transport and keeps every request it forwards (headers included)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
        response: httpx.Response = self.inner.handle_request(request)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
        response: httpx.Response = await self.inner.handle_async_request(request)
        return response

    def paths(self, method: str | None = None) -> list[str]:
        """Request paths in order, optionally of one method."""
        return [r.url.path for r in self.requests if method is None or r.method == method]


def plain_token(
    http: httpx.Client, client_id: str, secret: str, login: str = "https://login.procore.com"
) -> str:
    """A client-credentials token fetched with plain httpx, for tests of the simulator itself."""
    answer = http.post(
        f"{login}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert answer.status_code == 200, answer.text
    value = answer.json()["access_token"]
    assert isinstance(value, str)
    return value


def header_of(request: httpx.Request, name: str) -> str | None:
    """One header of a recorded request."""
    value = request.headers.get(name)
    return None if value is None else str(value)


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """A request handler that keeps test output quiet."""

    def log_message(self, format: str, *args: object) -> None:
        """Log nothing."""


@contextlib.contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` on a loopback port while the block runs; yields ``http://127.0.0.1:<port>``."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class VirtualClock:
    """A ``Clock`` whose time moves only when every task waits (see :func:`run_virtual`).

    ``time()`` is rounded to the microsecond so a wait that should end exactly on a rate
    window boundary does not land a float ulp before it.
    """

    def __init__(self, start: datetime = START) -> None:
        self._epoch = start.timestamp()
        self._elapsed = 0.0
        self._lock = threading.Lock()

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._elapsed += max(seconds, 0.0)

    def monotonic(self) -> float:
        return self._elapsed

    def time(self) -> float:
        return round(self._epoch + self._elapsed, 6)

    def now(self) -> datetime:
        return datetime.fromtimestamp(0, UTC) + timedelta(seconds=self.time())

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.0))


class _JumpingSelector(selectors.BaseSelector):
    """A selector that, instead of blocking until the next timer, moves the clock to it."""

    def __init__(self, clock: VirtualClock) -> None:
        self._inner = selectors.DefaultSelector()
        self._clock = clock

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._inner.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.modify(fileobj, events, data)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = self._inner.select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None:
            return self._inner.select(None)
        self._clock.advance(timeout)
        return ready

    def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
        return self._inner.get_map()

    def close(self) -> None:
        self._inner.close()


class _VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self, clock: VirtualClock) -> None:
        super().__init__(_JumpingSelector(clock))
        self._virtual = clock

    def time(self) -> float:
        return self._virtual.monotonic()


def run_virtual(clock: VirtualClock, main: Callable[[], Awaitable[T]]) -> T:
    """Run ``main()`` on an event loop whose time is ``clock``."""
    with asyncio.Runner(loop_factory=lambda: _VirtualLoop(clock)) as runner:
        return runner.run(main())  # type: ignore[arg-type]

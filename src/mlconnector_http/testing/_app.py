"""The simulator kernel: request log, fault rules, in-process transport and loopback server.

A vendor simulator subclasses :class:`Simulator` and implements :meth:`Simulator.dispatch`
(state + routes + handlers); everything transport-shaped lives here once.
"""

from __future__ import annotations

import contextlib
import http.server
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime

import attrs
import httpx

from mlconnector_http._clock import Clock, SystemClock
from mlconnector_http.testing._faults import Fault, FaultInjector
from mlconnector_http.testing._routing import NoRoute, json_response

__all__ = ["RecordedRequest", "Simulator", "SimulatorTransport"]


@attrs.frozen
class RecordedRequest:
    """One request the simulator saw, with the status it answered (0 = no answer)."""

    method: str
    url: str
    path: str
    status: int
    at: datetime
    user_agent: str = ""


@attrs.frozen
class _Outcome:
    delay: float
    response: httpx.Response | None
    error: Fault | None


class Simulator:
    """Base of every vendor simulator. Thread-safe: one lock serialises dispatch."""

    def __init__(self, *, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.faults = FaultInjector()
        self.requests: list[RecordedRequest] = []
        self.lock = threading.RLock()

    def dispatch(self, request: httpx.Request) -> httpx.Response:
        """Answer one request from the simulator's state. Subclasses implement this."""
        raise NotImplementedError

    def not_found(self, request: httpx.Request, error: NoRoute) -> httpx.Response:
        """The answer for an unknown route; subclasses may use the vendor's body shape."""
        return json_response(error.status, {"detail": "Not found."})

    def request_count(self, *, path: str = "", method: str | None = None) -> int:
        """How many requests were seen whose path starts with ``path``."""
        with self.lock:
            return sum(
                1
                for r in self.requests
                if r.path.startswith(path) and (method is None or r.method == method.upper())
            )

    def clear_log(self) -> None:
        """Forget the request log (state and rules stay)."""
        with self.lock:
            self.requests.clear()

    def transport(self) -> SimulatorTransport:
        """An httpx transport (sync and async) that answers in-process."""
        return SimulatorTransport(self)

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve over real HTTP on loopback for the duration of the block; yields the base URL."""
        server = _LoopbackServer((host, port), _handler_for(self))
        thread = threading.Thread(target=server.serve_forever, name="simulator", daemon=True)
        thread.start()
        try:
            yield f"http://{host}:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    def respond(self, request: httpx.Request) -> _Outcome:
        """Run fault rules and the handler for ``request``; used by both transports."""
        request.read()
        fault = self.faults.pick(request)
        delay = 0.0
        if fault is not None and fault.kind in ("drop", "timeout"):
            self._record(request, 0)
            return _Outcome(fault.seconds, None, fault)
        if fault is not None and fault.kind == "delay":
            delay = fault.seconds
        if fault is not None and fault.kind in ("status", "malformed", "html"):
            content_type = "text/html" if fault.kind == "html" else "application/json"
            headers = {"content-type": content_type, **fault.headers}
            response = httpx.Response(fault.status, headers=headers, content=fault.body)
        else:
            with self.lock:
                try:
                    response = self.dispatch(request)
                except NoRoute as error:
                    response = self.not_found(request, error)
            if fault is not None and fault.kind == "rewrite" and fault.rewrite_fn is not None:
                response = fault.rewrite_fn(response)
            if fault is not None and fault.kind == "timeout_after_commit":
                self._record(request, 0)
                return _Outcome(fault.seconds, None, attrs.evolve(fault, kind="timeout"))
        self._record(request, response.status_code)
        return _Outcome(delay, response, None)

    def _record(self, request: httpx.Request, status: int) -> None:
        with self.lock:
            self.requests.append(
                RecordedRequest(
                    request.method,
                    str(request.url),
                    request.url.path,
                    status,
                    self.clock.now(),
                    str(request.headers.get("user-agent", "")),
                )
            )


class SimulatorTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Answers requests from a :class:`Simulator` without a socket; works for sync and async."""

    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        outcome = self.simulator.respond(request)
        self.simulator.clock.sleep(outcome.delay)
        return _finish(request, outcome)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        outcome = self.simulator.respond(request)
        await self.simulator.clock.asleep(outcome.delay)
        return _finish(request, outcome)


def _finish(request: httpx.Request, outcome: _Outcome) -> httpx.Response:
    if outcome.error is not None and outcome.error.kind == "timeout":
        raise httpx.ReadTimeout("simulated read timeout", request=request)
    if outcome.error is not None:
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    assert outcome.response is not None
    return outcome.response


class _LoopbackServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away mid-request (killed, timed out) is not a server error."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def _handler_for(simulator: Simulator) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out as two writes; with Nagle on, the body waits for the
        # client's delayed ACK (about 40 ms on Linux) on every keep-alive response
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            """Silence the default stderr access log."""

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            host = self.headers.get("host", "127.0.0.1")
            request = httpx.Request(
                self.command,
                f"http://{host}{self.path}",
                headers=list(self.headers.items()),
                content=body,
            )
            outcome = simulator.respond(request)
            if outcome.error is not None:
                if outcome.error.kind == "timeout":
                    time.sleep(outcome.error.seconds)
                self.close_connection = True
                return
            if outcome.delay:
                time.sleep(outcome.delay)
            response = outcome.response
            assert response is not None
            content = response.read()
            self.send_response(response.status_code)
            for name, value in response.headers.multi_items():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    return Handler

"""The only I/O in the toolkit: one attempt flow (a generator) and its sync and async drivers.

:func:`attempt_flow` holds every rule of one attempt (pace, attach token, send, one refresh
and resend on 401, classify, decide on a retry). It yields effects (sleep, send, authorize,
budget) and never does I/O itself. :class:`SyncExecutor` and :class:`AsyncExecutor` drive it
with httpx, ``time``/``asyncio`` sleeps and thread/task locks, and wrap it in ``backoff`` for
retries. Nothing else in the code base talks to the network.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator
from typing import Any, Generic, TypeVar, cast

import attrs
import backoff
import httpx

from mlconnector_http._budget import call_off_loop
from mlconnector_http._config import ClientConfig, is_loopback
from mlconnector_http._convert import UNREADABLE, DecodeError
from mlconnector_http._events import AttemptEvent, RawResponse, record_response
from mlconnector_http._exceptions import (
    APIError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    RateLimited,
    ServerError,
    TransportError,
    WriteOutcomeUnknown,
    error_class,
    redact_headers,
    redact_request,
    request_id_of,
)
from mlconnector_http._operation import Flow, Operation

__all__ = ["AsyncExecutor", "SyncExecutor", "attempt_flow"]

T = TypeVar("T")


@attrs.frozen
class _Sleep:
    seconds: float


@attrs.frozen
class _Send:
    request: httpx.Request


@attrs.frozen
class _Authorize:
    stale: str | None = attrs.field(repr=False)  # the token a 401 rejected: never printed


class _Hidden(str):
    """A token as the token manager compares it, whose ``repr`` hides it: the frames a
    failed refresh passes through (``stale`` arguments) show no token in a traceback with
    locals."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'**********'"


def _hidden(token: str | None) -> str | None:
    return None if token is None else _Hidden(token)


@attrs.frozen
class _Budget:
    call: Callable[[], Any]  # reserve/observe: run off the event loop by the async driver


_Effect = _Sleep | _Send | _Authorize | _Budget
_Lost = httpx.TransportError | httpx.DecodingError  # no usable answer
_Reply = httpx.Response | _Lost | str | float | None


@attrs.frozen
class _Attempt(Generic[T]):
    value: T | None = None
    error: APIError | None = None
    retry_wait: float | None = None
    raw: RawResponse[T] | None = None
    waited: float = 0.0  # the rate budget's wait before this attempt


def _raw(
    op: Operation[T], request: httpx.Request, reply: httpx.Response, value: T
) -> RawResponse[T]:
    return RawResponse(
        operation=op.name,
        method=request.method,
        url=str(redact_request(request).url),
        status_code=reply.status_code,
        headers=redact_headers(reply.headers),
        request_id=request_id_of(reply),
        value=value,
    )


def attempt_flow(
    config: ClientConfig, op: Operation[T], attempt: int, backoff_wait: float = 0.0
) -> Generator[_Effect, _Reply, _Attempt[T]]:
    """One attempt of ``op``: every rule, no I/O.

    ``backoff_wait`` is the wait the previous attempt asked for; it is slept here, through
    the config's clock, so a fake clock shared with a simulator moves for retries too.
    """
    if backoff_wait > 0 and config.retry.sleep:
        yield _Sleep(backoff_wait)
    waited = cast(float, (yield _Budget(functools.partial(config.budget.reserve, config.key))))
    too_long = config.retry.refuse_wait(waited, reason="the rate budget")
    if too_long is not None:
        limited = error_class(config.family, RateLimited)
        refused = limited(too_long, retry_after=waited, status_code=429, method=op.method)
        return _Attempt(error=refused)
    if waited > 0:
        yield _Sleep(waited)
    token: str | None = None
    if op.authenticated and config.auth is not None:
        in_clear = _in_clear(config, op)
        if in_clear is not None:
            return _Attempt(error=in_clear)
        token = cast(str, (yield _Authorize(None)))
    request = _request(config, op, token)
    if isinstance(request, APIError):
        return _Attempt(error=request)
    started = config.clock.monotonic()
    reply = cast(httpx.Response | _Lost, (yield _Send(request)))
    if isinstance(reply, httpx.Response) and reply.status_code == 401 and token is not None:
        yield _Budget(functools.partial(config.budget.observe, config.key, 401, reply.headers))
        _report(config, op, request, attempt, reply, started, waited, error="401, refreshing")
        token = cast(str, (yield _Authorize(token)))
        again = cast(float, (yield _Budget(functools.partial(config.budget.reserve, config.key))))
        if again > 0:
            yield _Sleep(again)
        waited += again
        request = _request(config, op, token)
        if isinstance(request, APIError):
            return _Attempt(error=request)
        started = config.clock.monotonic()
        reply = cast(httpx.Response | _Lost, (yield _Send(request)))
    if isinstance(reply, httpx.Response):
        observe = config.budget.observe
        yield _Budget(functools.partial(observe, config.key, reply.status_code, reply.headers))
    result = _classify(config, op, request, reply, attempt)
    error_name = type(result.error).__name__ if result.error is not None else None
    _report(config, op, request, attempt, reply, started, waited, error_name, result.retry_wait)
    return attrs.evolve(result, waited=waited) if waited else result


def _request(
    config: ClientConfig, op: Operation[Any], token: str | None
) -> httpx.Request | APIError:
    """``op``'s request, or the family's error when it cannot be built (a value from a server
    answer that is no URL, a form value that is no text): typed, never a ``UnicodeError``."""
    try:
        return op.build(config.base_url, config.headers, token)
    except (httpx.InvalidURL, ValueError, TypeError) as bad:
        # the type only: the message of an encoding error can quote a form value (a secret)
        return error_class(config.family, ConfigurationError)(
            f"cannot build the request of {op.name}: {type(bad).__name__}"
        )


def _in_clear(config: ClientConfig, op: Operation[Any]) -> APIError | None:
    """The error for a bearer token that would go over plain http off loopback, or ``None``.

    Clients refuse such a base URL at construction and paginators such a next link; this is
    the last line, for a configuration or an operation built by hand.
    """
    try:
        url = op.build(config.base_url, {}, None).url
    except (httpx.InvalidURL, ValueError, TypeError):
        return None  # not sent at all: _request reports it
    if url.scheme != "http" or is_loopback(url.host):
        return None
    return error_class(config.family, ConfigurationError)(
        f"refusing to send the bearer token of {op.name} over plain http to {url.host}: use "
        "https (plain http is accepted only on loopback: 127.0.0.1, ::1, localhost)"
    )


def _classify(
    config: ClientConfig,
    op: Operation[T],
    request: httpx.Request,
    reply: httpx.Response | _Lost,
    attempt: int,
) -> _Attempt[T]:
    policy = config.retry
    safe = op.retry_safe or policy.method_is_safe(op.method)
    last = attempt >= policy.max_attempts
    if isinstance(reply, httpx.DecodingError):
        cause = f"the answer's body could not be decoded ({type(reply).__name__}: {reply})"
        if not safe:
            return _Attempt(error=_unknown(config, op, request, cause))
        unreadable = error_class(config.family, ServerError)(
            cause, status_code=502, method=request.method, path=request.url.path
        )
        retry = None if last else policy.computed_delay(attempt)
        return _Attempt(error=unreadable, retry_wait=retry)
    if isinstance(reply, httpx.TransportError):
        if not safe and not isinstance(reply, _NEVER_SENT):
            cause = f"{type(reply).__name__}: {reply}"
            return _Attempt(error=_unknown(config, op, request, cause))
        meaning = APITimeoutError if isinstance(reply, httpx.TimeoutException) else TransportError
        lost = error_class(config.family, meaning)(
            f"{type(reply).__name__}: {str(reply) or 'no detail'} "
            f"(host {request.url.host}, attempt {attempt} of {policy.max_attempts})",
            request=request,
        )
        if last or not policy.is_retryable_transport(reply, retry_safe=safe):
            return _Attempt(error=lost)
        what = f"{request.method} {request.url.path}: {type(reply).__name__}"
        wait = policy.retry_wait(attempt, None, what=what, logger=config.logger)
        return _Attempt(error=lost, retry_wait=wait)
    if reply.is_success:
        try:
            value = op.parse(reply)
            return _Attempt(value=value, raw=_raw(op, request, reply, value))
        except DecodeError as bad_record:
            if not safe:
                cause = f"answered {reply.status_code}, but the reply does not decode: {bad_record}"
                return _Attempt(error=_unknown(config, op, request, cause, reply))
            family_error = error_class(config.family, DecodeError)
            return _Attempt(
                error=family_error(bad_record.record, bad_record.problems, fields=bad_record.fields)
            )
        except APIError as in_body:
            # without the parser's frames: their locals hold the raw body (a token answer
            # carries the refresh token), which a traceback with locals would print
            return _Attempt(error=in_body.with_traceback(None))
        except UNREADABLE as raised:
            exc = raised if isinstance(raised, ValueError) else ValueError(repr(raised)[:200])
            if not safe:
                cause = f"answered {reply.status_code} with an unreadable body"
                return _Attempt(error=_unknown(config, op, request, cause, reply))
            what = f"{request.method} {request.url.path}: unreadable body"
            retry = (
                None
                if last or not safe
                else policy.retry_wait(attempt, None, what=what, logger=config.logger)
            )
            return _Attempt(error=_malformed(config, reply, exc), retry_wait=retry)
    status = reply.status_code
    server_wait = policy.server_wait(
        reply.headers,
        now=config.clock.time(),
        rate_headers=config.rate_headers if status == 429 else None,
    )
    error = config.error_parser(reply, config.family, server_wait)
    if status >= 500 and not safe:
        cause = f"answered {status}: {error.message}"[:300]
        return _Attempt(error=_unknown(config, op, request, cause, reply))
    retryable = policy.is_retryable_status(status) and (safe or status == 429)
    if not retryable or last:
        return _Attempt(error=error)
    if server_wait is not None and server_wait > policy.max_server_wait:
        too_long = (
            f"server asked to wait {server_wait:g}s, over the {policy.max_server_wait:g}s cap"
        )
        return _Attempt(
            error=error_class(config.family, RateLimited)(
                too_long,
                retry_after=server_wait,
                status_code=status,
                request_id=error.request_id,
                body=error.body,
                method=request.method,
                path=request.url.path,
            )
        )
    what = f"{request.method} {request.url.path} -> {status}"
    wait = policy.retry_wait(attempt, server_wait, what=what, logger=config.logger)
    return _Attempt(error=error, retry_wait=wait)


# Failures that prove the request never reached the server: a write may be sent again.
_NEVER_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.ProxyError,
    httpx.LocalProtocolError,
)


def _unknown(
    config: ClientConfig,
    op: Operation[Any],
    request: httpx.Request,
    cause: str,
    reply: httpx.Response | None = None,
) -> APIError:
    """The family's :class:`WriteOutcomeUnknown` for a write sent without a usable answer."""
    return error_class(config.family, WriteOutcomeUnknown)(
        operation=op.name,
        reference=op.reference,
        cause=cause,
        request=request,
        status_code=reply.status_code if reply is not None else None,
        request_id=request_id_of(reply) if reply is not None else None,
    )


def _malformed(config: ClientConfig, reply: httpx.Response, exc: ValueError) -> APIStatusError:
    kind = reply.headers.get("content-type", "unknown content type")
    return error_class(config.family, ServerError)(
        f"unreadable response body ({kind}): {type(exc).__name__}: {str(exc)[:200]}",
        status_code=reply.status_code,
        request_id=request_id_of(reply),
        body=reply.content[:500].decode("utf-8", "replace"),  # never the declared charset:
        # ``charset=utf-16`` on a body without a BOM would raise from ``.text``
        method=reply.request.method,
        path=reply.request.url.path,
    )


def _report(
    config: ClientConfig,
    op: Operation[Any],
    request: httpx.Request,
    attempt: int,
    reply: httpx.Response | _Lost,
    started: float,
    waited: float,
    error: str | None = None,
    retry_in: float | None = None,
) -> None:
    status = reply.status_code if isinstance(reply, httpx.Response) else None
    event = AttemptEvent(
        operation=op.name,
        method=request.method,
        path=request.url.path,
        attempt=attempt,
        status=status,
        duration=config.clock.monotonic() - started,
        waited=waited,
        error=error if status is not None else f"{type(reply).__name__}",
        request_id=request_id_of(reply) if isinstance(reply, httpx.Response) else None,
        retry_in=retry_in,
    )
    config.logger.debug(
        "%s %s -> %s attempt=%d duration=%.3fs waited=%.3fs%s%s",
        event.method,
        event.path,
        event.status if event.status is not None else "no response",
        event.attempt,
        event.duration,
        event.waited,
        f" error={event.error}" if event.error else "",
        f" retry_in={event.retry_in:.3f}s" if event.retry_in is not None else "",
    )
    if config.event_hook is not None:
        config.event_hook(event)


def _retrying(config: ClientConfig, attempt: Callable[[], Any]) -> Callable[[], Any]:
    """Wrap one attempt in ``backoff``'s loop: it decides to go on; the flow does the waiting."""
    decorate = backoff.on_predicate(
        backoff.constant,
        predicate=lambda result: result.retry_wait is not None,
        interval=0,
        max_tries=config.retry.max_attempts,
        jitter=None,
        logger=None,
    )
    return decorate(attempt)


def _finish(result: _Attempt[T], op: Operation[T], waited: float = 0.0) -> RawResponse[T]:
    """The raw answer of a successful send, or raise; ``waited`` is every attempt's budget wait.

    The answer is recorded for :func:`capture_responses`, unless the call was itself a
    credential exchange (``authenticated=False``, e.g. a token request: its value is a token).
    """
    if result.error is not None:
        raise result.error
    raw = cast(RawResponse[T], result.raw)
    if waited:
        raw = attrs.evolve(raw, waited=waited)
    if op.authenticated:
        record_response(raw)
    return raw


class _Attempts:
    """Numbers the attempts of one send and carries each one's requested wait to the next."""

    def __init__(self) -> None:
        self.number = 0
        self.wait = 0.0
        self.budget_wait = 0.0

    def start(self) -> tuple[int, float]:
        self.number += 1
        return self.number, self.wait

    def finish(self, result: _Attempt[T]) -> _Attempt[T]:
        self.wait = result.retry_wait or 0.0
        self.budget_wait += result.waited
        return result


class SyncExecutor:
    """Drives operations over an ``httpx.Client``."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        self.config = config
        self._owns_client = http_client is None
        self.http = http_client or httpx.Client(
            transport=transport, timeout=config.timeout, follow_redirects=False
        )

    def with_config(self, config: ClientConfig) -> SyncExecutor:
        """An executor with other settings over the same connection pool."""
        executor = SyncExecutor(config, http_client=self.http)
        executor._owns_client = False
        return executor

    def close(self) -> None:
        if self._owns_client:
            self.http.close()

    def send(self, op: Operation[T]) -> T:
        """Run ``op`` with pacing, auth and retries; return its parsed value or raise."""
        attempts = _Attempts()

        def attempt() -> _Attempt[T]:
            number, wait = attempts.start()
            return attempts.finish(self._drive(attempt_flow(self.config, op, number, wait)))

        result: _Attempt[T] = _retrying(self.config, attempt)()
        return _finish(result, op, attempts.budget_wait).value

    def send_raw(self, op: Operation[T]) -> RawResponse[T]:
        """Like :meth:`send`, returning the raw answer (status, redacted headers, request id)."""
        attempts = _Attempts()

        def attempt() -> _Attempt[T]:
            number, wait = attempts.start()
            return attempts.finish(self._drive(attempt_flow(self.config, op, number, wait)))

        return _finish(_retrying(self.config, attempt)(), op, attempts.budget_wait)

    def _drive(self, flow: Generator[_Effect, _Reply, _Attempt[T]]) -> _Attempt[T]:
        reply: _Reply = None
        try:
            while True:
                effect = flow.send(reply)
                if isinstance(effect, _Sleep):
                    self.config.clock.sleep(effect.seconds)
                    reply = None
                elif isinstance(effect, _Send):
                    reply = self._transmit(effect.request)
                elif isinstance(effect, _Budget):
                    reply = effect.call()
                else:
                    reply = self._authorize(_hidden(effect.stale))
        except StopIteration as stop:
            return cast(_Attempt[T], stop.value)

    def _transmit(self, request: httpx.Request) -> httpx.Response | _Lost:
        try:
            return self.http.send(request, follow_redirects=False)  # never resend credentials
        except (httpx.TransportError, httpx.DecodingError) as error:
            return error

    def run(self, flow: Flow[T]) -> T:
        """Drive a multi-step flow: send each operation it yields, throw failures back in."""
        try:
            op = next(flow)
            while True:
                try:
                    outcome = self.send(op)
                except APIError as error:
                    op = flow.throw(error)
                else:
                    op = flow.send(outcome)
        except StopIteration as stop:
            return cast(T, stop.value)

    def _authorize(self, stale: str | None) -> str:
        manager = self.config.auth
        assert manager is not None
        return manager.authorize(self.run, stale)


class AsyncExecutor:
    """Drives operations over an ``httpx.AsyncClient``."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self.config = config
        self._owns_client = http_client is None
        self.http = http_client or httpx.AsyncClient(
            transport=transport, timeout=config.timeout, follow_redirects=False
        )

    def with_config(self, config: ClientConfig) -> AsyncExecutor:
        """An executor with other settings over the same connection pool."""
        executor = AsyncExecutor(config, http_client=self.http)
        executor._owns_client = False
        return executor

    async def close(self) -> None:
        if self._owns_client:
            await self.http.aclose()

    async def send(self, op: Operation[T]) -> T:
        """Run ``op`` with pacing, auth and retries; return its parsed value or raise."""
        attempts = _Attempts()

        async def attempt() -> _Attempt[T]:
            number, wait = attempts.start()
            flow = attempt_flow(self.config, op, number, wait)
            return attempts.finish(await self._drive(flow))

        result: _Attempt[T] = await _retrying(self.config, attempt)()
        return _finish(result, op, attempts.budget_wait).value

    async def send_raw(self, op: Operation[T]) -> RawResponse[T]:
        """Like :meth:`send`, returning the raw answer (status, redacted headers, request id)."""
        attempts = _Attempts()

        async def attempt() -> _Attempt[T]:
            number, wait = attempts.start()
            flow = attempt_flow(self.config, op, number, wait)
            return attempts.finish(await self._drive(flow))

        return _finish(await _retrying(self.config, attempt)(), op, attempts.budget_wait)

    async def _drive(self, flow: Generator[_Effect, _Reply, _Attempt[T]]) -> _Attempt[T]:
        reply: _Reply = None
        try:
            while True:
                effect = flow.send(reply)
                if isinstance(effect, _Sleep):
                    await self.config.clock.asleep(effect.seconds)
                    reply = None
                elif isinstance(effect, _Send):
                    reply = await self._transmit(effect.request)
                elif isinstance(effect, _Budget):
                    reply = await call_off_loop(self.config.budget, effect.call)
                else:
                    reply = await self._authorize(_hidden(effect.stale))
        except StopIteration as stop:
            return cast(_Attempt[T], stop.value)

    async def _transmit(self, request: httpx.Request) -> httpx.Response | _Lost:
        try:
            return await self.http.send(request, follow_redirects=False)
        except (httpx.TransportError, httpx.DecodingError) as error:
            return error

    async def run(self, flow: Flow[T]) -> T:
        """Drive a multi-step flow: send each operation it yields, throw failures back in."""
        try:
            op = next(flow)
            while True:
                try:
                    outcome = await self.send(op)
                except APIError as error:
                    op = flow.throw(error)
                else:
                    op = flow.send(outcome)
        except StopIteration as stop:
            return cast(T, stop.value)

    async def _authorize(self, stale: str | None) -> str:
        manager = self.config.auth
        assert manager is not None
        return await manager.aauthorize(self.run, stale)

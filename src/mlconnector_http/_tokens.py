"""Bearer tokens: how they are obtained, cached, shared and refreshed.

A :class:`TokenProvider` knows one vendor's token endpoint (as :class:`Operation` objects);
:class:`TokenManager` owns the rules common to all: cache in a :class:`TokenStore`, refresh
``leeway`` seconds before expiry (at most half the token's lifetime early), one refresh at a
time per credential under the store's lock (process-wide for :class:`MemoryTokenStore`,
cross-process for a store over a database), the store re-read inside the lock, and after a
401 refresh only if nobody else already has.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import threading
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from types import TracebackType
from typing import ClassVar, Literal, Protocol, TypeGuard

import attrs
import httpx

from mlconnector_http._budget import call_off_loop
from mlconnector_http._clock import Clock, SystemClock
from mlconnector_http._exceptions import APIError, AuthError, ServerError, error_class
from mlconnector_http._operation import Flow, Operation
from mlconnector_http._secrets import Secret, SecretFields

__all__ = [
    "LEEWAY_FRACTION",
    "ClientCredentials",
    "MemoryTokenStore",
    "StaticToken",
    "Token",
    "TokenFlow",
    "TokenManager",
    "TokenProvider",
    "TokenStore",
    "credential_key",
    "parse_token_response",
]

LEEWAY_FRACTION = 0.5
"""A token is refreshed early by ``leeway`` seconds, but never by more than this fraction of
its lifetime: a 60 s token with a 300 s leeway is used for 30 s, not fetched for every call."""


@attrs.frozen
class Token:
    """An access token and when it stops working (epoch seconds, ``None`` = unknown)."""

    access_token: Secret
    expires_at: float | None = None
    refresh_token: Secret | None = None
    refresh_expires_at: float | None = None
    token_type: str = "Bearer"
    scope: str | None = None
    issued_at: float | None = None

    def usable(self, now: float, leeway: float) -> bool:
        """Whether the token can still be sent, keeping ``leeway`` seconds in hand.

        When the token's lifetime is known (``issued_at``), the leeway is capped at
        :data:`LEEWAY_FRACTION` of it, so a token shorter-lived than the leeway is still
        used for a while instead of being fetched again for every call.
        """
        if self.expires_at is None:
            return True
        if self.issued_at is not None:
            leeway = min(leeway, max(self.expires_at - self.issued_at, 0.0) * LEEWAY_FRACTION)
        return now < self.expires_at - leeway


class TokenStore(Protocol):
    """Where tokens live between calls (and, for a persistent store, between processes).

    Every method may do I/O: the async executor calls them in a worker thread
    (:func:`asyncio.to_thread`) unless the store has a class attribute ``in_process = True``,
    so a database-backed store never blocks the event loop. The lock's ``__enter__`` and
    ``__exit__`` may run on different threads.
    """

    def get(self, key: str) -> Token | None:
        """The stored token for a credential key."""

    def set(self, key: str, token: Token) -> None:
        """Store a token for a credential key."""

    def delete(self, key: str) -> None:
        """Forget the token for a credential key."""

    def lock(self, key: str) -> contextlib.AbstractContextManager[None]:
        """A lock held around every refresh of ``key``'s token.

        :class:`TokenManager` takes it, re-reads the store, and only refreshes if the stored
        token is still not usable; the new token is saved before the lock is released. A
        store shared between processes makes it cross-process (a PostgreSQL advisory lock),
        so a token another process refreshed while this one waited is used, and a single-use
        refresh token (QAD) is never spent twice.
        """


class _KeyLock:
    """A process-wide lock for one credential key (a context manager yielding ``None``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._lock.release()

    def try_acquire(self) -> bool:
        """Take the lock if it is free, without waiting (then leave it with ``__exit__``)."""
        return self._lock.acquire(blocking=False)


_KEY_LOCKS: dict[str, _KeyLock] = {}
_REGISTRY_LOCK = threading.Lock()


def _key_lock(key: str) -> _KeyLock:
    with _REGISTRY_LOCK:
        return _KEY_LOCKS.setdefault(key, _KeyLock())


class MemoryTokenStore:
    """Tokens in a dict, for the life of the process; its lock is process-wide per key."""

    in_process: ClassVar[bool] = True

    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Token | None:
        with self._lock:
            return self._tokens.get(key)

    def set(self, key: str, token: Token) -> None:
        with self._lock:
            self._tokens[key] = token

    def delete(self, key: str) -> None:
        with self._lock:
            self._tokens.pop(key, None)

    def lock(self, key: str) -> contextlib.AbstractContextManager[None]:
        """The process-wide lock of ``key``: shared by every store and client in the process."""
        return _key_lock(key)

    def __repr__(self) -> str:
        return f"MemoryTokenStore({len(self._tokens)} tokens)"


def credential_key(*parts: str) -> str:
    """A stable, non-secret key for a credential (never includes the secret itself)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def parse_token_response(
    response: httpx.Response, *, now: float, family: type[APIError] = APIError
) -> Token:
    """Read an RFC 6749 token response (``access_token``, ``expires_in``, ``refresh_token``).

    Anything else than a JSON object with a non-empty, header-safe ``access_token`` string and
    numeric lifetimes raises the vendor's :class:`ServerError` (never ``TypeError``, never a
    token of ``"None"``).
    """

    def malformed(what: str) -> APIError:
        return error_class(family, ServerError)(
            f"token endpoint answered {what}",
            status_code=response.status_code,
            method=response.request.method,
            path=response.request.url.path,
        )

    try:
        body = response.json()
    except (ValueError, RecursionError):
        raise malformed("a body that is not JSON") from None
    if not isinstance(body, dict):
        raise malformed("a body that is not a JSON object")
    access = body.get("access_token")
    if not _header_safe(access):
        raise malformed("without a usable access_token")
    refresh = body.get("refresh_token")
    if refresh is not None and refresh != "" and not _header_safe(refresh):
        raise malformed("a refresh_token that is not a token string")
    try:
        expires_in = _seconds(body.get("expires_in"))
        refresh_in = _seconds(body.get("refresh_expires_in"))
        created_at = _seconds(body.get("created_at"))
    except ValueError as error:
        raise malformed(str(error)) from None
    token_type = body.get("token_type")
    if token_type is not None and not isinstance(token_type, str):
        raise malformed("a token_type that is not a string")
    scope = body.get("scope")
    start = created_at if created_at is not None and created_at <= now else now
    return Token(
        access_token=Secret(access),
        expires_at=start + expires_in if expires_in is not None else None,
        refresh_token=Secret(refresh) if refresh else None,
        refresh_expires_at=now + refresh_in if refresh_in is not None else None,
        token_type=token_type or "Bearer",
        scope=scope if isinstance(scope, str) else None,
        issued_at=start,
    )


def _header_safe(value: object) -> TypeGuard[str]:
    """A token string that can go in a header: non-empty, visible ASCII only."""
    return (
        isinstance(value, str)
        and value != ""
        and len(value) <= 16_384
        and all("!" <= char <= "~" for char in value)
    )


def _seconds(value: object) -> float | None:
    """A finite number of seconds (a JSON number, or digits in a string), or ``None``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"a lifetime that is not a number ({type(value).__name__})")
    try:
        seconds = float(value)
    except (ValueError, OverflowError):
        raise ValueError("a lifetime that is not a finite number") from None
    if not math.isfinite(seconds):
        raise ValueError("a lifetime that is not a finite number")
    return seconds


TokenFlow = Flow[Token]
"""A provider's conversation with its token endpoint: a :data:`Flow` returning the token."""


class TokenProvider(Protocol):
    """One vendor's way of getting a token."""

    @property
    def key(self) -> str:
        """Credential key: equal for the same credential, whatever client holds it."""

    def token_flow(self, current: Token | None, now: float) -> TokenFlow:
        """Get a new token; ``current`` is the stored one (with its refresh token), if any.

        ``now`` (epoch seconds, from the manager's clock) anchors relative expiry times.
        """


@attrs.frozen(kw_only=True)
class ClientCredentials:
    """OAuth2 client credentials: form body (RFC 6749) or JSON body, plus extra fields.

    Args:
        token_url: absolute URL of the token endpoint.
        client_id: the application's id.
        client_secret: the application's secret.
        body: ``"form"`` or ``"json"``.
        extra: more body fields, e.g. ``{"audience": ...}``.
        family: the vendor's error base, for a malformed token response.
    """

    token_url: str
    client_id: str
    client_secret: Secret = attrs.field(converter=Secret)
    body: Literal["form", "json"] = attrs.field(
        default="form", validator=attrs.validators.in_(("form", "json"))
    )
    extra: Mapping[str, str] = attrs.field(factory=dict)
    family: type[APIError] = APIError

    @property
    def key(self) -> str:
        return credential_key(self.token_url, self.client_id)

    def token_flow(self, current: Token | None, now: float) -> TokenFlow:
        # SecretFields: the operation's repr (a traceback with locals) shows no secret
        fields = SecretFields(
            {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret.reveal(),
                **self.extra,
            }
        )

        def parse(response: httpx.Response) -> Token:
            return parse_token_response(response, now=now, family=self.family)

        if self.body == "json":
            op = _token_op(self.token_url, parse, json=fields)
        else:
            op = _token_op(self.token_url, parse, form=fields)
        token: Token = yield op
        return token


@attrs.frozen
class StaticToken:
    """A ready bearer token supplied by the caller; there is nothing to refresh."""

    token: Secret = attrs.field(converter=Secret)
    label: str = "static"
    family: type[APIError] = APIError

    @property
    def key(self) -> str:
        return credential_key(
            "static", self.label, hashlib.sha256(self.token.reveal().encode()).hexdigest()
        )

    def token_flow(self, current: Token | None, now: float) -> TokenFlow:
        """There is no other token to get: the rejection is final."""
        raise error_class(self.family, AuthError)(
            "the supplied token was rejected and there is no way to get another",
            status_code=401,
        )
        yield  # pragma: no cover - makes this a generator like every other flow

    def initial(self) -> Token:
        return Token(access_token=self.token)


def _token_op(
    url: str,
    parse: Callable[[httpx.Response], Token],
    *,
    form: SecretFields | None = None,
    json: SecretFields | None = None,
) -> Operation[Token]:
    return Operation(
        name="oauth.token",
        method="POST",
        path=url,
        form=form,
        json=json,
        parse=parse,
        retry_safe=True,
        authenticated=False,
    )


_ASYNC_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _loop_lock(key: str) -> asyncio.Lock:
    """One task per event loop and credential goes on to the store (and its lock)."""
    loop = asyncio.get_running_loop()
    with _REGISTRY_LOCK:
        return _ASYNC_LOCKS.setdefault(loop, {}).setdefault(key, asyncio.Lock())


@contextlib.asynccontextmanager
async def _held_off_loop(lock: contextlib.AbstractContextManager[None]) -> AsyncIterator[None]:
    """Hold a blocking lock from async code: acquired and released in worker threads.

    A task cancelled while the thread waits still gets the lock in that thread; it is then
    released at once, so a cancelled refresh never leaves the credential locked. A free
    process-wide lock (:class:`MemoryTokenStore`'s) is taken on the loop, without a thread.
    """
    if isinstance(lock, _KeyLock) and lock.try_acquire():
        try:
            yield
        finally:
            lock.__exit__(None, None, None)
        return
    entering = asyncio.ensure_future(asyncio.to_thread(lock.__enter__))
    try:
        await asyncio.shield(entering)
    except asyncio.CancelledError:
        entering.add_done_callback(lambda done: _release_when_acquired(lock, done))
        raise
    try:
        yield
    except BaseException as error:
        await _exit_off_loop(lock, error)
        raise
    else:
        await _exit_off_loop(lock, None)


async def _exit_off_loop(
    lock: contextlib.AbstractContextManager[None], error: BaseException | None
) -> None:
    kind = type(error) if error is not None else None
    trace = error.__traceback__ if error is not None else None
    leaving = asyncio.ensure_future(asyncio.to_thread(lock.__exit__, kind, error, trace))
    await asyncio.shield(leaving)


def _release_when_acquired(
    lock: contextlib.AbstractContextManager[None], entering: asyncio.Future[None]
) -> None:
    if entering.cancelled() or entering.exception() is not None:
        return
    threading.Thread(target=lock.__exit__, args=(None, None, None), daemon=True).start()


class TokenManager:
    """Caches and refreshes the token of one credential; shared by every client using it.

    The executors call :meth:`authorize` (sync) or :meth:`aauthorize` (async) for the token
    of every request. A token still usable in this manager's memory is used without touching
    the store; otherwise the store is read, and if its token is not usable either, the
    refresh runs under the store's :meth:`~TokenStore.lock`: the store is read again inside
    the lock (another process may have refreshed meanwhile), the provider's flow runs only
    if that token is still not usable, and the new token is saved before the lock is
    released and before it is sent. The async path runs every store and lock call in a
    worker thread unless the store is ``in_process`` (see :class:`TokenStore`).
    """

    def __init__(
        self,
        provider: TokenProvider,
        *,
        store: TokenStore | None = None,
        leeway: float = 300.0,
        clock: Clock | None = None,
        family: type[APIError] = APIError,
    ) -> None:
        self.provider = provider
        self.store: TokenStore = store or MemoryTokenStore()
        self.leeway = leeway
        self.clock: Clock = clock or SystemClock()
        self.family = family
        self._memo: Token | None = provider.initial() if isinstance(provider, StaticToken) else None

    @property
    def key(self) -> str:
        return self.provider.key

    def __repr__(self) -> str:
        return f"TokenManager(key={self.key!r}, leeway={self.leeway})"

    def _fresh(self, token: Token | None, stale: str | None) -> Token | None:
        """``token`` if it may be sent: not the one a 401 rejected, and usable by the leeway."""
        if token is None:
            return None
        if stale is not None and token.access_token.reveal() == stale:
            return None
        if not token.usable(self.clock.time(), self.leeway):
            return None
        return token

    def _remember(self, token: Token) -> str:
        self._memo = token
        return token.access_token.reveal()

    def _refresh_flow(self, current: Token | None) -> Flow[Token]:
        """The provider's flow, from the stored token; the token's issue time is stamped."""
        now = self.clock.time()
        token = yield from self.provider.token_flow(current, now)
        return token if token.issued_at is not None else attrs.evolve(token, issued_at=now)

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """The store's lock of this credential (process-wide for :class:`MemoryTokenStore`)."""
        return self.store.lock(self.key)

    def authorize(self, run: Callable[[Flow[Token]], Token], stale: str | None = None) -> str:
        """The access token to send; refreshes it when needed, driving flows with ``run``.

        ``stale`` is the token a 401 rejected: a new one is fetched only if the store still
        holds it (nobody else refreshed meanwhile).
        """
        token = self._fresh(self._memo, stale) or self._fresh(self.store.get(self.key), stale)
        if token is not None:
            return self._remember(token)
        with self.store.lock(self.key):
            current = self.store.get(self.key)
            token = self._fresh(current, stale)
            if token is None:
                token = run(self._refresh_flow(current))
                self.store.set(self.key, token)
            return self._remember(token)

    async def aauthorize(
        self, run: Callable[[Flow[Token]], Awaitable[Token]], stale: str | None = None
    ) -> str:
        """:meth:`authorize` for async callers: the store and its lock never block the loop."""
        token = self._fresh(self._memo, stale)
        if token is not None:
            return self._remember(token)
        store, key = self.store, self.key
        async with _loop_lock(key):
            token = self._fresh(self._memo, stale) or self._fresh(
                await call_off_loop(store, lambda: store.get(key)), stale
            )
            if token is not None:
                return self._remember(token)
            async with _held_off_loop(store.lock(key)):
                current = await call_off_loop(store, lambda: store.get(key))
                token = self._fresh(current, stale)
                if token is None:
                    token = await run(self._refresh_flow(current))
                    new = token
                    await call_off_loop(store, lambda: store.set(key, new))
                return self._remember(token)

"""Bearer tokens: how they are obtained, cached, shared and refreshed.

A :class:`TokenProvider` knows one vendor's token endpoint (as :class:`Operation` objects);
:class:`TokenManager` owns the rules common to all: cache in a :class:`TokenStore`, refresh
``leeway`` seconds before expiry, one refresh at a time per credential (a lock per credential
key, shared by every client instance using that credential), and after a 401 refresh only if
nobody else already has.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import weakref
from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol

import attrs
import httpx
from authlib.oauth2.rfc6749.parameters import prepare_token_request

from mlconnector_http._clock import Clock, SystemClock
from mlconnector_http._exceptions import APIError, AuthError, ServerError, error_class
from mlconnector_http._operation import Flow, Operation
from mlconnector_http._secrets import Secret

__all__ = [
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


@attrs.frozen
class Token:
    """An access token and when it stops working (epoch seconds, ``None`` = unknown)."""

    access_token: Secret
    expires_at: float | None = None
    refresh_token: Secret | None = None
    refresh_expires_at: float | None = None
    token_type: str = "Bearer"
    scope: str | None = None

    def usable(self, now: float, leeway: float) -> bool:
        """Whether the token can still be sent, keeping ``leeway`` seconds in hand."""
        return self.expires_at is None or now < self.expires_at - leeway


class TokenStore(Protocol):
    """Where tokens live between calls (and, for a persistent store, between processes)."""

    def get(self, key: str) -> Token | None:
        """The stored token for a credential key."""

    def set(self, key: str, token: Token) -> None:
        """Store a token for a credential key."""

    def delete(self, key: str) -> None:
        """Forget the token for a credential key."""


class MemoryTokenStore:
    """Tokens in a dict, for the life of the process."""

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

    def __repr__(self) -> str:
        return f"MemoryTokenStore({len(self._tokens)} tokens)"


def credential_key(*parts: str) -> str:
    """A stable, non-secret key for a credential (never includes the secret itself)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def parse_token_response(
    response: httpx.Response, *, now: float, family: type[APIError] = APIError
) -> Token:
    """Read an RFC 6749 token response (``access_token``, ``expires_in``, ``refresh_token``)."""
    try:
        body = response.json()
        access = body["access_token"]
    except (ValueError, KeyError, TypeError):
        raise error_class(family, ServerError)(
            "token endpoint answered without an access_token",
            status_code=response.status_code,
            method=response.request.method,
            path=response.request.url.path,
        ) from None
    expires_in = body.get("expires_in")
    created_at = body.get("created_at")
    start = float(created_at) if isinstance(created_at, int | float) and created_at <= now else now
    refresh = body.get("refresh_token")
    refresh_in = body.get("refresh_expires_in")
    return Token(
        access_token=Secret(access),
        expires_at=start + float(expires_in) if expires_in is not None else None,
        refresh_token=Secret(refresh) if refresh else None,
        refresh_expires_at=now + float(refresh_in) if refresh_in is not None else None,
        token_type=str(body.get("token_type") or "Bearer"),
        scope=body.get("scope"),
    )


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
        fields = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret.reveal(),
            **self.extra,
        }

        def parse(response: httpx.Response) -> Token:
            return parse_token_response(response, now=now, family=self.family)

        if self.body == "json":
            op = _token_op(self.token_url, parse, json=fields)
        else:
            form = prepare_token_request(fields.pop("grant_type"), **fields)
            op = _token_op(self.token_url, parse, form=form)
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
    url: str, parse: Callable[[httpx.Response], Token], *, form: str | None = None, json: Any = None
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


_SYNC_LOCKS: dict[str, threading.Lock] = {}
_ASYNC_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)
_REGISTRY_LOCK = threading.Lock()


def _sync_lock(key: str) -> threading.Lock:
    with _REGISTRY_LOCK:
        return _SYNC_LOCKS.setdefault(key, threading.Lock())


def _async_lock(key: str) -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    with _REGISTRY_LOCK:
        return _ASYNC_LOCKS.setdefault(loop, {}).setdefault(key, asyncio.Lock())


class TokenManager:
    """Caches and refreshes the token of one credential; shared by every client using it."""

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
        if isinstance(provider, StaticToken) and self.store.get(provider.key) is None:
            self.store.set(provider.key, provider.initial())

    @property
    def key(self) -> str:
        return self.provider.key

    def __repr__(self) -> str:
        return f"TokenManager(key={self.key!r}, leeway={self.leeway})"

    def _cached(self, stale: str | None) -> Token | None:
        token = self.store.get(self.key)
        if token is None:
            return None
        if stale is not None and token.access_token.reveal() == stale:
            return None
        if stale is None and not token.usable(self.clock.time(), self.leeway):
            return None
        return token

    def refresh_flow(self, stale: str | None) -> Flow[str]:
        """Drives the provider's token flow unless the store already holds a usable token.

        ``stale`` is the token a 401 rejected: refresh only if the store still holds it.
        Run it under the credential's lock (see the executors).
        """
        token = self._cached(stale)
        if token is not None:
            return token.access_token.reveal()
        token = yield from self.provider.token_flow(self.store.get(self.key), self.clock.time())
        self.store.set(self.key, token)
        return token.access_token.reveal()

    def lock(self) -> threading.Lock:
        """The process-wide lock of this credential, for sync callers."""
        return _sync_lock(self.key)

    def async_lock(self) -> asyncio.Lock:
        """The lock of this credential on the running event loop, for async callers."""
        return _async_lock(self.key)

"""Everything a client knows before it sends anything, in one frozen record; and the checks
every client applies to the URLs a caller configures (:func:`checked_url`)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import re
import socket
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import httpx

from mlconnector_http._budget import RateBudget, RateLimitHeaders, UnlimitedBudget
from mlconnector_http._clock import Clock, SystemClock
from mlconnector_http._events import AttemptEvent
from mlconnector_http._exceptions import (
    APIError,
    APIStatusError,
    ConfigurationError,
    error_class,
    error_from_response,
)
from mlconnector_http._retry import RetryPolicy
from mlconnector_http._tokens import TokenManager

__all__ = [
    "NOT_GIVEN",
    "ClientConfig",
    "ErrorParser",
    "NotGiven",
    "checked_datetime",
    "checked_url",
    "is_loopback",
]

ErrorParser = Callable[[httpx.Response, type[APIError], "float | None"], APIStatusError]


class NotGiven:
    """Sentinel for "use the client default" (``None`` means "disable")."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


def _default_error_parser(
    response: httpx.Response, family: type[APIError], retry_after: float | None
) -> APIStatusError:
    return error_from_response(response, family=family, retry_after=retry_after)


_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_USERINFO = re.compile(r"//[^/?#@]*@")


def _shown(text: str) -> str:
    """``text`` fit for an error message: any user info (a password) masked."""
    return repr(_USERINFO.sub("//***@", text))


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names literally, in any form a resolver accepts (``10.0.0.1``,
    ``[fd00::1]``, and the legacy ``2852039166`` or ``0xa9fea9fe`` forms); ``None`` for names."""
    bare = host.strip("[]")
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(bare))
        except (OSError, ValueError):
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_loopback(host: str) -> bool:
    """``localhost``, ``127.0.0.1`` or ``::1`` (bracketed or not): where a local simulator runs."""
    return host.lower().strip("[]") in _LOOPBACK


def checked_datetime(
    value: object, *, argument: str, family: type[APIError] = APIError
) -> dt.datetime | None:
    """``None`` or a timezone-aware datetime, for an argument such as ``modified_since``.

    A naive datetime (its zone would be a guess) or anything else is refused with the
    family's :class:`ConfigurationError` naming ``argument``.
    """
    if value is None:
        return None
    bad = error_class(family, ConfigurationError)
    if not isinstance(value, dt.datetime):
        raise bad(f"{argument} takes an aware datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise bad(
            f"{argument} got a naive datetime ({value.isoformat()}): pass an aware one "
            "(e.g. datetime.now(UTC)), so the instant is not a guess"
        )
    return value


def checked_url(
    value: object,
    *,
    setting: str,
    family: type[APIError] = APIError,
    allow_private_network: bool = False,
) -> httpx.URL:
    """A URL a caller configured, checked before anything is sent to it.

    Refused, with the family's :class:`ConfigurationError` naming ``setting``: anything but a
    ``str`` or ``httpx.URL``; whitespace or control characters inside; a URL httpx cannot
    parse; a scheme other than http(s); no host; a port outside 1-65535; a user name or
    password; a query or fragment; ``.``/``..`` path segments, plain or percent-encoded, and
    encoded slashes; plain ``http`` anywhere but loopback (tokens would travel in clear); and,
    unless ``allow_private_network``, an IP literal that is not a public address (private
    ``10/8``, ``172.16/12``, ``192.168/16``, link-local ``169.254/16`` such as a cloud
    metadata service, ``fc00::/7``, ``fe80::/10``, reserved ranges). Loopback is always
    allowed, so simulators work. Host names are not resolved: a name that resolves to a
    private address is the network's egress policy to stop.
    """
    bad = error_class(family, ConfigurationError)
    if isinstance(value, httpx.URL):
        value = str(value)
    if not isinstance(value, str):
        raise bad(f"{setting} must be a URL string, not {type(value).__name__}")
    text = value.strip()
    if any(char.isspace() or not char.isprintable() for char in text):
        raise bad(f"{setting} must not contain whitespace or control characters: {_shown(text)}")
    if "?" in text or "#" in text:
        raise bad(f"{setting} must not carry a query string or fragment: {_shown(text)}")
    try:
        url = httpx.URL(text)
        port = url.port
    except (httpx.InvalidURL, ValueError) as error:
        raise bad(f"{setting} is not a URL ({error}): {_shown(text)}") from None
    if url.scheme not in ("https", "http") or not url.host:
        raise bad(f"{setting} must be an absolute https URL (scheme and host), not {_shown(text)}")
    if url.userinfo:
        raise bad(f"{setting} must not contain a user name or password")
    if port is not None and not 0 < port < 65536:
        raise bad(f"{setting} has port {port}: a port is 1 to 65535")
    path = urllib.parse.urlsplit(text).path
    for segment in path.split("/"):
        decoded = urllib.parse.unquote(segment)
        if decoded in (".", "..") or any(c in decoded for c in "/\\"):
            raise bad(f"{setting} must not contain '.', '..' or encoded '/' path segments")
    loopback = is_loopback(url.host)
    if url.scheme == "http" and not loopback:
        raise bad(
            f"{setting} must use https: plain http is accepted only for 127.0.0.1, ::1 and "
            "localhost (a local simulator)"
        )
    address = _ip_literal(url.host)
    private = address is not None and not loopback and not address.is_global
    if private and not allow_private_network:
        raise bad(
            f"{setting} points at a private, link-local or reserved address "
            f"({url.host}); pass allow_private_network=True for an on-premises host"
        )
    return url


def _base_url(value: str | httpx.URL) -> httpx.URL:
    """``https://h/clouderp`` -> ``https://h/clouderp/`` so relative paths join below it."""
    url = httpx.URL(value)
    return url if url.path.endswith("/") else url.copy_with(path=url.path + "/")


@attrs.frozen(kw_only=True)
class ClientConfig:
    """A client's settings; ``with_options`` on a client evolves a copy of this.

    Args:
        base_url: the API origin (and path prefix) every relative path is joined to.
        headers: sent on every request (User-Agent, vendor headers).
        timeout: httpx timeout.
        retry: the retry policy.
        budget: the rate budget, shared by every client of one credential.
        budget_key: the key within the budget; defaults to the credential key.
        auth: the token manager, or ``None`` for unauthenticated APIs.
        family: the vendor's error base class.
        rate_headers: the vendor's rate-limit header names (for the reset fallback on 429).
        error_parser: builds the vendor error from an error response.
        event_hook: called with every :class:`AttemptEvent`.
        clock: time source for pacing and token expiry.
        logger: where attempts are logged.
    """

    base_url: httpx.URL = attrs.field(converter=_base_url)
    headers: Mapping[str, str] = attrs.field(factory=dict)
    timeout: httpx.Timeout = attrs.field(factory=lambda: httpx.Timeout(30.0, connect=10.0))
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    budget: RateBudget = attrs.field(factory=UnlimitedBudget)
    budget_key: str | None = None
    auth: TokenManager | None = None
    family: type[APIError] = APIError
    rate_headers: RateLimitHeaders | None = None
    error_parser: ErrorParser = _default_error_parser
    event_hook: Callable[[AttemptEvent], Any] | None = None
    clock: Clock = attrs.field(factory=SystemClock)
    logger: logging.Logger = attrs.field(factory=lambda: logging.getLogger("mlconnector_http"))

    @property
    def key(self) -> str:
        """The budget key: explicit, else the credential, else the host."""
        if self.budget_key is not None:
            return self.budget_key
        if self.auth is not None:
            return self.auth.key
        return self.base_url.host

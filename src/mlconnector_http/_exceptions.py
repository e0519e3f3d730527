"""The toolkit's exception tree; every vendor package derives its own family from it.

::

    APIError
    ├── ConfigurationError            bad arguments, found before any request
    ├── PaginationError               a next link that loops or leaves the API's origin
    ├── WriteOutcomeUnknown           a write was sent and nothing says whether it took effect
    ├── TransportError                no response (carries a redacted copy of the request)
    │   └── APITimeoutError
    └── APIStatusError                a response with an error status or an error body
        ├── AuthError                 401
        ├── PermissionDenied          403
        ├── NotFound                  404
        ├── Conflict                  409 (stale concurrency hash, duplicate)
        ├── ValidationError           400 / 422 and in-body business errors
        ├── RateLimited               429, or a wait longer than the retry cap
        └── ServerError               5xx, and bodies that are not what was promised

A vendor declares ``class ProcoreError(APIError)`` and one subclass per meaning, e.g.
``class ProcoreNotFound(ProcoreError, NotFound)``. :func:`error_class` finds the vendor's class
for a meaning, so ``except NotFound`` and ``except ProcoreError`` both work.

Errors never hold a live credential: ``request`` on an error is :func:`redact_request`'s copy
(no body, secret headers and query values replaced), and every error pickles with what it
shows and nothing more.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs
import httpx

__all__ = [
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthError",
    "ConfigurationError",
    "Conflict",
    "FieldError",
    "NotFound",
    "PaginationError",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
    "TransportError",
    "ValidationError",
    "WriteOutcomeUnknown",
    "decode_body",
    "error_class",
    "error_from_response",
    "field_errors_from_body",
    "message_from_body",
    "redact_headers",
    "redact_request",
    "request_id_of",
]

DEFAULT_REQUEST_ID_HEADERS = (
    "x-request-id",
    "x-procurify-request-id",
    "request-id",
    "x-amzn-requestid",
)


REDACTED = "[redacted]"
_SECRET_WORDS = (
    "auth",
    "token",
    "secret",
    "password",
    "passwd",
    "cookie",
    "key",
    "session",
    "signature",
    "credential",
)


def _is_secret_name(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def redact_headers(headers: Mapping[str, str] | httpx.Headers) -> dict[str, str]:
    """Headers with the value of every credential-like one (auth, token, cookie, key...) hidden."""
    items = headers.multi_items() if isinstance(headers, httpx.Headers) else headers.items()
    return {name: REDACTED if _is_secret_name(name) else value for name, value in items}


def _redact_url(url: httpx.URL) -> httpx.URL:
    if not url.query and not url.userinfo:
        return url
    params: list[tuple[str, str | int | float | bool | None]] = [
        (name, REDACTED if _is_secret_name(name) else value)
        for name, value in url.params.multi_items()
    ]
    bare = url.copy_with(query=None, username=None, password=None)
    return bare.copy_merge_params(httpx.QueryParams(params)) if params else bare


def redact_request(request: httpx.Request) -> httpx.Request:
    """A copy of ``request`` safe to keep on an error: method, URL and headers, no body.

    Credential headers and query values are replaced with ``[redacted]``; the body (a form
    with ``client_secret=``, a password grant, a document) is dropped.
    """
    return httpx.Request(
        request.method, _redact_url(request.url), headers=redact_headers(request.headers)
    )


def _rebuild(cls: type[APIError], args: tuple[Any, ...], state: dict[str, Any]) -> APIError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class APIError(Exception):
    """Base of every error raised by mlconnector clients."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self) -> Any:
        # rebuild from state, not from __init__ arguments (most subclasses take keywords)
        return _rebuild, (type(self), self.args, dict(self.__dict__))


class ConfigurationError(APIError, ValueError):
    """Arguments that cannot work; raised at construction, says how to fix them."""


class PaginationError(APIError):
    """A pagination ``next`` link that repeats or points at another origin."""


class TransportError(APIError):
    """The request got no response (connection refused, dropped, timed out)."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = None if request is None else redact_request(request)

    def __str__(self) -> str:
        if self.request is None:
            return self.message
        return f"{self.message} ({self.request.method} {self.request.url.path})"


class APITimeoutError(TransportError):
    """The server did not answer within the timeout."""


class WriteOutcomeUnknown(APIError):
    """A write that is not safe to resend was sent, and nothing says whether it took effect.

    Raised after a timeout, a dropped connection or read error once the request went out, or a
    5xx answer. The document may already exist: look it up by ``reference`` (the write's
    external reference) before anything is sent again. A connection that never opened, a 429
    and a 4xx are not this (nothing was done, or the server said no).

    Attributes:
        operation: the operation's name (``"vendors.create"``).
        reference: the external reference the write carried, or ``None``.
        cause: what happened (``"ReadTimeout: timed out"``, ``"503 Service Unavailable"``).
        request: a redacted copy of the request (no body, no credentials).
        status_code: the 5xx status, when there was an answer.
        request_id: the server's request id, when there was an answer.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        operation: str,
        reference: str | None,
        cause: str,
        request: httpx.Request | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        if message is None:
            lookup = (
                f"look it up by its reference {reference!r} before any re-send"
                if reference is not None
                else "the write carries no reference, so check the target by hand before any "
                "re-send"
            )
            message = (
                f"the outcome of {operation} is unknown ({cause}): the document may already "
                f"exist; {lookup}"
            )
        super().__init__(message)
        self.operation = operation
        self.reference = reference
        self.cause = cause
        self.request = None if request is None else redact_request(request)
        self.status_code = status_code
        self.request_id = request_id

    def __str__(self) -> str:
        where = f" ({self.request.method} {self.request.url.path})" if self.request else ""
        rid = f" [request_id={self.request_id}]" if self.request_id else ""
        return f"{self.message}{where}{rid}"


@attrs.frozen
class FieldError:
    """One problem with one field, as the server reported it."""

    field: str
    message: str
    code: str | None = None
    value: Any = None


class APIStatusError(APIError):
    """The server answered, and the answer is an error."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        request_id: str | None = None,
        body: Any = None,
        method: str | None = None,
        path: str | None = None,
        errors: tuple[FieldError, ...] = (),
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.request_id = request_id
        self.body = body
        self.method = method
        self.path = path
        self.errors = errors

    def __str__(self) -> str:
        where = f" {self.method} {self.path}" if self.method and self.path else ""
        rid = f" [request_id={self.request_id}]" if self.request_id else ""
        detail = "".join(f"\n  - {e.field}: {e.message}" for e in self.errors)
        return f"{self.status_code}{where}: {self.message}{rid}{detail}"


class AuthError(APIStatusError):
    """401: credentials missing, wrong or expired (after one refresh was tried)."""


class PermissionDenied(APIStatusError):
    """403: authenticated, but not allowed to do this."""


class NotFound(APIStatusError):
    """404: no such record, or not visible to these credentials."""


class Conflict(APIStatusError):
    """409: a duplicate, or a record changed since it was read."""


class ValidationError(APIStatusError):
    """400/422, or a 200 whose body reports business errors; ``errors`` names each field."""


class RateLimited(APIStatusError):
    """429, or a server-requested wait longer than the retry policy allows."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after

    def __str__(self) -> str:
        base = super().__str__()
        return base if self.retry_after is None else f"{base} (retry after {self.retry_after:g}s)"


class ServerError(APIStatusError):
    """5xx, or a body that is not what the API promised (HTML page, truncated JSON)."""


_BY_STATUS: Mapping[int, type[APIStatusError]] = {
    400: ValidationError,
    401: AuthError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    422: ValidationError,
    429: RateLimited,
}


_E = TypeVar("_E", bound=APIError)
_CLASS_CACHE: dict[tuple[type[APIError], type[APIError]], type[APIError]] = {}


def error_class(family: type[APIError], meaning: type[_E]) -> type[_E]:
    """The class that is both ``family`` and ``meaning``, so both ``except`` clauses catch it.

    A vendor's own declared class wins; if the vendor declared none for this meaning, one is
    made (``ProcurifyDecodeError``) so that ``except ProcurifyError`` never misses an error.
    """
    found = _CLASS_CACHE.get((family, meaning))
    if found is None:
        found = _declared(family, meaning) or _derived(family, meaning)
        _CLASS_CACHE[(family, meaning)] = found
    return found  # type: ignore[return-value]


def _declared(family: type[APIError], meaning: type[APIError]) -> type[APIError] | None:
    if issubclass(family, meaning):
        return family
    todo: list[type[APIError]] = [family]
    while todo:
        candidate = todo.pop(0)
        if _meaning_of(candidate) is meaning:
            return candidate
        todo.extend(candidate.__subclasses__())
    return None


def _derived(family: type[APIError], meaning: type[APIError]) -> type[APIError]:
    prefix = family.__name__.removesuffix("Error")
    name = prefix + meaning.__name__.removeprefix("API")
    derived = type(name, (family, meaning), {"__doc__": meaning.__doc__})
    derived.__module__ = family.__module__
    return derived


def _meaning_of(cls: type[APIError]) -> type[APIError]:
    """The most specific toolkit class ``cls`` derives from: its meaning (401, 404, decode...)."""
    return next(
        base
        for base in cls.__mro__
        if base.__module__.startswith("mlconnector_http.") and issubclass(base, APIError)
    )


def _status_meaning(status: int) -> type[APIStatusError]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return APIStatusError


_MESSAGE_KEYS = ("detail", "message", "error_description", "error", "errors", "description", "base")


_MAX_DEPTH = 20


def message_from_body(body: Any, *, limit: int = 300) -> str:
    """The human message in an error body (at most ``limit`` characters), read leniently.

    Nesting deeper than 20 levels is not followed (a hostile body cannot exhaust the stack).
    """
    return _message(body, limit, 0)


def _message(body: Any, limit: int, depth: int) -> str:
    if body is None or depth > _MAX_DEPTH:
        return ""
    if isinstance(body, str):
        return body.strip()[:limit]
    if isinstance(body, list):
        parts = (_message(item, limit, depth + 1) for item in body[:50])
        return "; ".join(filter(None, parts))[:limit]
    if isinstance(body, dict):
        for key in _MESSAGE_KEYS:
            if body.get(key):
                return _message(body[key], limit, depth + 1)
        pairs = (f"{k}: {_message(v, limit, depth + 1)}" for k, v in list(body.items())[:50])
        return "; ".join(pairs)[:limit]
    try:
        return str(body)[:limit]
    except ValueError:  # an int too long to print
        return type(body).__name__


def field_errors_from_body(body: Any) -> tuple[FieldError, ...]:
    """Field errors from ``{field: [msg]}`` or ``{"errors": {field: [msg]}}`` bodies."""
    if isinstance(body, dict) and isinstance(body.get("errors"), dict):
        body = body["errors"]
    if not isinstance(body, dict):
        return ()
    found: list[FieldError] = []
    for field, value in body.items():
        if field in ("detail", "message", "error", "code", "status"):
            continue
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            found.extend(FieldError(str(field), v) for v in value)
        elif isinstance(value, str):
            found.append(FieldError(str(field), value))
    return tuple(found)


def decode_body(response: httpx.Response) -> Any:
    """The body as JSON when it is JSON, else as text; never raises."""
    try:
        content = response.read()
    except httpx.HTTPError:
        return None
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, RecursionError):  # RecursionError: a body nested thousands deep
        return content.decode("utf-8", errors="replace")[:2000]


def request_id_of(
    response: httpx.Response, names: tuple[str, ...] = DEFAULT_REQUEST_ID_HEADERS
) -> str | None:
    """The server's request id, from the first of ``names`` present."""
    for name in names:
        value = response.headers.get(name)
        if value:
            return str(value)
    return None


def error_from_response(
    response: httpx.Response,
    *,
    family: type[APIError] = APIError,
    retry_after: float | None = None,
    request_id_headers: tuple[str, ...] = DEFAULT_REQUEST_ID_HEADERS,
) -> APIStatusError:
    """The one status -> exception map: build the ``family`` error for an error response."""
    body = decode_body(response)
    status = response.status_code
    cls = error_class(family, _status_meaning(status))
    message = message_from_body(body) or response.reason_phrase or f"HTTP {status}"
    kwargs: dict[str, Any] = {
        "status_code": status,
        "request_id": request_id_of(response, request_id_headers),
        "body": body,
        "method": response.request.method if _has_request(response) else None,
        "path": response.request.url.path if _has_request(response) else None,
        "errors": field_errors_from_body(body) if issubclass(cls, ValidationError) else (),
    }
    if issubclass(cls, RateLimited):
        return cls(message, retry_after=retry_after, **kwargs)
    return cls(message, **kwargs)


def _has_request(response: httpx.Response) -> bool:
    try:
        response.request  # noqa: B018
    except RuntimeError:
        return False
    return True

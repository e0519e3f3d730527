"""An API operation as data: a pure request description plus a pure response parser."""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs
import httpx

from mlconnector_http._exceptions import REDACTED, _is_secret_name

__all__ = ["Flow", "Operation", "Params"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
Params = Sequence[tuple[str, str]]


@attrs.frozen(kw_only=True)
class Operation(Generic[T]):
    """One call: what to send and how to read a successful answer.

    Args:
        name: dotted label for logs and events (``"vendors.create"``).
        method: HTTP method.
        path: path relative to the client's base URL, or an absolute URL on the same origin.
        params: query parameters, in order (repeatable names allowed).
        json: JSON body, or ``None``.
        form: form body (``application/x-www-form-urlencoded``), or ``None``.
        headers: extra headers for this call only.
        parse: turns a 2xx response into ``T``; may raise a vendor error for in-body failures.
        retry_safe: a write that may be sent again without a second effect (reads always are).
        authenticated: attach the bearer token (token requests themselves do not).
        reference: the external reference the write carries (the caller's idempotency key);
            named in :class:`~mlconnector_http.WriteOutcomeUnknown` so the caller can look
            the document up before sending it again.

    The repr shows what the call is, never what it carries: bodies and header values (a client
    secret, a password, a bearer token) are left out, so a traceback with locals leaks nothing.
    """

    name: str
    method: str
    path: str
    parse: Callable[[httpx.Response], T] = attrs.field(repr=False)
    params: Params = attrs.field(default=(), repr=lambda params: _params_repr(params))
    json: Any = attrs.field(default=None, repr=lambda body: _body_repr(body))
    form: Mapping[str, str] | str | None = attrs.field(
        default=None, repr=lambda body: _body_repr(body)
    )
    headers: Mapping[str, str] = attrs.field(
        factory=dict, repr=lambda headers: repr(sorted(headers))
    )
    retry_safe: bool = False
    authenticated: bool = True
    reference: str | None = None

    def build(
        self,
        base_url: httpx.URL,
        headers: Mapping[str, str],
        token: str | None,
    ) -> httpx.Request:
        """The request to send: pure, so sync and async send the very same bytes."""
        url = (
            base_url.join(self.path)
            if not self.path.startswith(("http://", "https://"))
            else httpx.URL(self.path)
        )
        if self.params:
            url = url.copy_merge_params(httpx.QueryParams(list(self.params)))
        all_headers = {**headers, **self.headers}
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        if self.form is not None:
            form = (
                self.form if isinstance(self.form, str) else str(httpx.QueryParams(dict(self.form)))
            )
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            return httpx.Request(self.method, url, headers=all_headers, content=form.encode())
        if self.json is not None:
            return httpx.Request(self.method, url, headers=all_headers, json=self.json)
        return httpx.Request(self.method, url, headers=all_headers)


def _body_repr(body: object) -> str:
    if body is None:
        return "None"
    return f"<{type(body).__name__} body, not shown>"


def _params_repr(params: Params) -> str:
    return repr([(k, REDACTED if _is_secret_name(k) else v) for k, v in params])


Flow = Generator[Operation[Any], Any, T]
"""Work that takes several requests, each maybe depending on the last.

A generator that yields operations, receives each one's parsed value, and returns the result.
A failed operation's :class:`~mlconnector_http.APIError` is thrown into the flow at the
``yield``, so a step can catch it (try another way) or let it end the flow. The executors run
flows (``executor.run(flow)``); token refreshes and multi-step resource methods are flows.
"""

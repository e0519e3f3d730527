"""Everything a client knows before it sends anything, in one frozen record."""

from __future__ import annotations

import logging
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
    error_from_response,
)
from mlconnector_http._retry import RetryPolicy
from mlconnector_http._tokens import TokenManager

__all__ = ["NOT_GIVEN", "ClientConfig", "ErrorParser", "NotGiven"]

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

"""Procurify's error family: every failure of this client is a ``ProcurifyError``.

::

    ProcurifyError (mlconnector_http.APIError)
    ├── ProcurifyConfigurationError   bad arguments, found before any request
    ├── ProcurifyDecodeError          a record that does not fit its model
    ├── ProcurifyPaginationError      a next link that loops or leaves the tenant's origin
    ├── ProcurifyWriteOutcomeUnknown  a write sent, then a timeout / drop / 5xx: look it up first
    ├── ProcurifyTransportError       no response
    │   └── ProcurifyTimeoutError     no response in time
    └── ProcurifyStatusError          an error status with no class of its own (405, 408...)
        ├── ProcurifyAuthError        401: wrong client id/secret, or a token that stays refused
        ├── ProcurifyPermissionDenied 403: the API user's role, an inactive user, a missing header
        ├── ProcurifyNotFound         404
        ├── ProcurifyConflict         409
        ├── ProcurifyValidationError  400 / 422, with one FieldError per field
        ├── ProcurifyRateLimited      429, or a server wait over the retry cap
        └── ProcurifyServerError      5xx, or a body that is not what the API promised

Each class is also the toolkit's class of the same meaning, so ``except NotFound`` and
``except ProcurifyError`` both work. :func:`parse_error` is the client's ``error_parser``: it
ends in the toolkit's one status map and adds what to check on a 401 or 403.

Error bodies are read as Django REST Framework writes them (Procurify documents none):
``{"detail": message}``, or ``{field: [messages]}`` with nested serializers and lists as
nested objects and arrays; :func:`drf_field_errors` flattens those to ``email[1]``-style paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from mlconnector_http import (
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthError,
    ConfigurationError,
    Conflict,
    DecodeError,
    FieldError,
    NotFound,
    PaginationError,
    PermissionDenied,
    RateLimited,
    ServerError,
    TransportError,
    ValidationError,
    WriteOutcomeUnknown,
    error_from_response,
)

__all__ = [
    "ProcurifyAuthError",
    "ProcurifyConfigurationError",
    "ProcurifyConflict",
    "ProcurifyDecodeError",
    "ProcurifyError",
    "ProcurifyNotFound",
    "ProcurifyPaginationError",
    "ProcurifyPermissionDenied",
    "ProcurifyRateLimited",
    "ProcurifyServerError",
    "ProcurifyStatusError",
    "ProcurifyTimeoutError",
    "ProcurifyTransportError",
    "ProcurifyValidationError",
    "ProcurifyWriteOutcomeUnknown",
    "drf_field_errors",
    "parse_error",
]


class ProcurifyError(APIError):
    """Base of every error raised by the Procurify client."""


class ProcurifyConfigurationError(ProcurifyError, ConfigurationError):
    """Arguments that cannot work (unknown filter, naive datetime...); says how to fix them."""


class ProcurifyDecodeError(ProcurifyError, DecodeError):
    """A record from Procurify does not fit its model; names the record and each field."""


class ProcurifyPaginationError(ProcurifyError, PaginationError):
    """A ``next`` link that loops or points away from the tenant's host (not followed)."""


class ProcurifyWriteOutcomeUnknown(ProcurifyError, WriteOutcomeUnknown):
    """A write was sent and nothing says whether Procurify applied it: look it up first."""


class ProcurifyTransportError(ProcurifyError, TransportError):
    """Procurify did not answer (connection refused or dropped)."""


class ProcurifyTimeoutError(ProcurifyTransportError, APITimeoutError):
    """Procurify did not answer within the timeout."""


class ProcurifyStatusError(ProcurifyError, APIStatusError):
    """Procurify answered with an error status that has no more specific class."""


class ProcurifyAuthError(ProcurifyStatusError, AuthError):
    """401: the client id/secret were refused, or a fresh token was refused too."""


class ProcurifyPermissionDenied(ProcurifyStatusError, PermissionDenied):
    """403: the API user may not do this (role, inactive user, missing client header)."""


class ProcurifyNotFound(ProcurifyStatusError, NotFound):
    """404: no such record in this tenant."""


class ProcurifyConflict(ProcurifyStatusError, Conflict):
    """409: a duplicate, or a record changed since it was read."""


class ProcurifyValidationError(ProcurifyStatusError, ValidationError):
    """400/422: the server refused the values; ``errors`` lists each field's problem."""


class ProcurifyRateLimited(ProcurifyStatusError, RateLimited):
    """429, or a server-requested wait longer than the retry policy allows."""


class ProcurifyServerError(ProcurifyStatusError, ServerError):
    """5xx, or a response body that is not the JSON Procurify promised."""


_TOKEN_HINT = (
    "check client_id and client_secret (Settings > Integrations > Procurify API), "
    "and that the application was not deleted"
)
_FORBIDDEN_HINT = (
    "check that the X-Procurify-Client: api header reaches Procurify (a proxy may strip it), "
    "that the API user who created the application is still active, and that its role "
    "grants this permission"
)


_NON_FIELD = "non_field_errors"
_MAX_DEPTH = 20
_MAX_ERRORS = 200


def _join(path: str, key: object) -> str:
    if isinstance(key, int) or (isinstance(key, str) and key.isdecimal()):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _walk(value: Any, path: str, depth: int) -> Iterator[FieldError]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        yield FieldError(path or _NON_FIELD, value)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            # a list of messages belongs to ``path``; a list of objects is one entry per item
            inner = path if isinstance(item, str) or not path else _join(path, index)
            yield from _walk(item, inner, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, _join(path, key), depth + 1)


def drf_field_errors(body: Any) -> tuple[FieldError, ...]:
    """Field errors of a DRF 400 body; ``()`` for a ``{"detail": ...}`` body.

    ``{"name": ["This field is required."]}`` gives ``name``, ``{"email": {"1": [...]}}``
    gives ``email[1]``, ``{"order_items": [{}, {"quantity": [...]}]}`` gives
    ``order_items[1].quantity``, and a bare list of messages gives ``non_field_errors``.
    """
    if isinstance(body, dict) and set(body) <= {"detail", "code"}:
        return ()
    if not isinstance(body, dict | list):
        return ()
    found: list[FieldError] = []
    for error in _walk(body, "", 0):
        found.append(error)
        if len(found) >= _MAX_ERRORS:
            break
    return tuple(found)


def parse_error(
    response: httpx.Response, family: type[APIError], retry_after: float | None
) -> APIStatusError:
    """The toolkit's error for ``response``, with what to check added to a 401/403 message."""
    error = error_from_response(response, family=family, retry_after=retry_after)
    if isinstance(error, ValidationError):
        error.errors = drf_field_errors(error.body)
    if isinstance(error, PermissionDenied):
        error.message = f"{error.message} ({_FORBIDDEN_HINT})"
    elif isinstance(error, AuthError) and error.path is not None and "/oauth/" in error.path:
        error.message = f"{error.message} ({_TOKEN_HINT})"
    error.args = (error.message,)
    return error

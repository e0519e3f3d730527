"""The QAD error family: one base, one subclass per meaning, and the parser of error replies.

::

    QADError(APIError)
    ├── QADConfigurationError      bad arguments, found before any request
    ├── QADTransportError          no response
    │   └── QADTimeoutError
    ├── QADDecodeError             a record that does not fit its model
    ├── QADWriteOutcomeUnknown     a write sent, then a timeout / drop / 5xx: look it up first
    └── QADStatusError             an error status, or a 200 whose submitResult failed
        ├── QADAuthError           401, and OAuth ``invalid_grant`` / ``invalid_client``
        ├── QADPermissionDenied    403 (never refreshed)
        ├── QADNotFound            404, or a read of a key that does not exist
        ├── QADConflict            stale ``concurrencyHash`` (409 meaning, sent as a 200)
        │   └── QADDuplicate       a create whose natural key "already exists"
        ├── QADValidationError     400/422, or ``submitResult.success = false``
        ├── QADRateLimited         429
        └── QADServerError         5xx, and bodies that are not what QAD promises

``except NotFound`` (toolkit meaning) and ``except QADError`` (this vendor) both work.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    PermissionDenied,
    RateLimited,
    ServerError,
    TransportError,
    ValidationError,
    WriteOutcomeUnknown,
    error_from_response,
)

__all__ = [
    "QADAuthError",
    "QADConfigurationError",
    "QADConflict",
    "QADDecodeError",
    "QADDuplicate",
    "QADError",
    "QADNotFound",
    "QADPermissionDenied",
    "QADRateLimited",
    "QADServerError",
    "QADStatusError",
    "QADTimeoutError",
    "QADTransportError",
    "QADValidationError",
    "QADWriteOutcomeUnknown",
    "error_entries",
    "parse_error",
]

# OAuth error codes (RFC 6749 section 5.2) that mean "these credentials do not work".
_OAUTH_AUTH_ERRORS = frozenset({"invalid_grant", "invalid_client", "unauthorized_client"})


class QADError(APIError):
    """Base of every error raised by the QAD client."""


class QADConfigurationError(QADError, ConfigurationError):
    """Arguments that cannot work (tenant URL, credentials); raised at construction."""


class QADTransportError(QADError, TransportError):
    """The request got no response from the tenant."""


class QADTimeoutError(QADTransportError, APITimeoutError):
    """The tenant did not answer within the timeout."""


class QADDecodeError(QADError, DecodeError):
    """A record from QAD does not fit its model; names the record and each field."""


class QADWriteOutcomeUnknown(QADError, WriteOutcomeUnknown):
    """A write was sent and nothing says whether QAD applied it: find it by reference first."""


class QADStatusError(QADError, APIStatusError):
    """QAD answered, and the answer is an error."""


class QADAuthError(QADStatusError, AuthError):
    """401, or the token endpoint refused the credentials."""


class QADPermissionDenied(QADStatusError, PermissionDenied):
    """403: the user lacks the permission; refreshing the token would not help."""


class QADNotFound(QADStatusError, NotFound):
    """404: an unknown path, or no record under the key that was read."""


class QADConflict(QADStatusError, Conflict):
    """The record changed since it was read (stale ``concurrencyHash``): read it again."""


class QADDuplicate(QADConflict):
    """A create whose natural key (code, PO number, invoice reference) already exists."""


class QADValidationError(QADStatusError, ValidationError):
    """QAD refused a write or a read; ``errors`` holds each ``{fieldName, message, code}``."""


class QADRateLimited(QADStatusError, RateLimited):
    """429: too many requests."""


class QADServerError(QADStatusError, ServerError):
    """5xx, or a body that is not what QAD promises (HTML from a proxy, truncated JSON)."""


def _get(entry: Mapping[Any, Any], key: str) -> Any:
    """``entry[key]`` with the key matched regardless of case (QAD is not consistent)."""
    if key in entry:
        return entry[key]
    folded = key.casefold()
    return next((v for k, v in entry.items() if str(k).casefold() == folded), None)


def error_entries(body: Any) -> tuple[FieldError, ...] | None:
    """The ``{severity, code, message, fieldName}`` items of ``{"errors": [...]}``, or None.

    The bare envelope is what a 403 answers [qad-evidence N2]; ``submitResult.errors`` has
    the same items. ``code`` is a string (an integer is read as its text); ``severity`` is an
    integer whose scale is not published, so it is not interpreted.
    """
    entries = body.get("errors") if isinstance(body, Mapping) else None
    if not isinstance(entries, list):
        return None
    found: list[FieldError] = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            found.append(FieldError("", str(entry)))
            continue
        code = _get(entry, "code")
        found.append(
            FieldError(
                field=str(_get(entry, "fieldName") or ""),
                message=str(_get(entry, "message") or ""),
                code=str(code) if code not in (None, "") else None,
                value=_get(entry, "fieldValue"),
            )
        )
    return tuple(found)


def parse_error(
    response: httpx.Response, family: type[APIError], retry_after: float | None
) -> APIStatusError:
    """The toolkit's status map, except that OAuth credential errors are auth errors.

    QAD's token endpoint answers a wrong password with 400 ``{"error": "invalid_grant"}``;
    that is an authentication failure, not a validation error of the caller's data.
    """
    error = error_from_response(response, family=family, retry_after=retry_after)
    body: Any = error.body
    if (
        response.status_code in (400, 401)
        and isinstance(body, dict)
        and body.get("error") in _OAUTH_AUTH_ERRORS
        and not isinstance(error, AuthError)
    ):
        return QADAuthError(
            error.message,
            status_code=response.status_code,
            request_id=error.request_id,
            body=body,
            method=error.method,
            path=error.path,
        )
    entries = error_entries(body)
    if entries:
        text = "; ".join(e.message for e in entries if e.message) or error.message
        return type(error)(
            text,
            status_code=error.status_code,
            request_id=error.request_id,
            body=body,
            method=error.method,
            path=error.path,
            errors=entries,
            **({"retry_after": error.retry_after} if isinstance(error, RateLimited) else {}),
        )
    return error

"""Procore's error family and the lenient reader of its v1 error bodies.

::

    ProcoreError (APIError)
    ├── ProcoreConfigurationError      bad arguments, found before any request
    ├── ProcoreDecodeError             a record that does not fit its model
    ├── ProcorePaginationError         a next link that loops or leaves the API's origin
    ├── ProcoreSyncError               raise_for_failures() on a /sync result with failed items
    ├── ProcoreBatchError              a later batch of a /sync or bulk call failed; earlier kept
    ├── ProcoreWriteOutcomeUnknown     a write sent, then a timeout / drop / 5xx: look it up first
    ├── ProcoreTransportError          no response
    │   └── ProcoreTimeoutError
    └── ProcoreStatusError             an error status (unmapped ones: 406, 408, 413 ...)
        ├── ProcoreAuthError           401 after one refresh, or the token endpoint said no
        ├── ProcorePermissionDenied    403: DMSA project not permitted, app not installed
        ├── ProcoreNotFound            404 (or no access)
        ├── ProcoreConflict            409: duplicate origin_id, second business register
        ├── ProcoreValidationError     400 / 422
        ├── ProcoreRateLimited         429, or a wait longer than the retry cap
        └── ProcoreServerError         5xx and unreadable bodies
"""

from __future__ import annotations

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
    message_from_body,
)

__all__ = [
    "ProcoreAuthError",
    "ProcoreBatchError",
    "ProcoreConfigurationError",
    "ProcoreConflict",
    "ProcoreDecodeError",
    "ProcoreError",
    "ProcoreNotFound",
    "ProcorePaginationError",
    "ProcorePermissionDenied",
    "ProcoreRateLimited",
    "ProcoreServerError",
    "ProcoreStatusError",
    "ProcoreSyncError",
    "ProcoreTimeoutError",
    "ProcoreTransportError",
    "ProcoreValidationError",
    "ProcoreWriteOutcomeUnknown",
    "parse_error",
    "read_error_body",
]


class ProcoreError(APIError):
    """Base of every error raised by :mod:`procore_client`.

    ``code`` is Procore's machine code when the body had one (``{"error": {"code": ...}}``).
    """

    code: str | None = None


class ProcoreStatusError(ProcoreError, APIStatusError):
    """Procore answered with an error status that has no more specific class."""


class ProcoreAuthError(ProcoreStatusError, AuthError):
    """401: the token was refused after one refresh, or the credentials are wrong."""


class ProcorePermissionDenied(ProcoreStatusError, PermissionDenied):
    """403: the app is not installed in the company, or the DMSA may not see the project."""


class ProcoreNotFound(ProcoreStatusError, NotFound):
    """404: no such record, or not visible to this app."""


class ProcoreConflict(ProcoreStatusError, Conflict):
    """409: a duplicate (``origin_id`` taken, a business register already set)."""


class ProcoreValidationError(ProcoreStatusError, ValidationError):
    """400/422: the request broke a field or business rule; ``errors`` names each field."""


class ProcoreRateLimited(ProcoreStatusError, RateLimited):
    """429, or Procore asked for a wait longer than the retry policy allows."""


class ProcoreServerError(ProcoreStatusError, ServerError):
    """5xx, or a body that is not what Procore documents."""


class ProcoreTransportError(ProcoreError, TransportError):
    """No response from Procore (connection refused, dropped)."""


class ProcoreTimeoutError(ProcoreTransportError, APITimeoutError):
    """Procore did not answer in time."""


class ProcoreConfigurationError(ProcoreError, ConfigurationError):
    """Arguments that cannot work; raised before any request, says how to fix them."""


class ProcoreDecodeError(ProcoreError, DecodeError):
    """A record from Procore does not fit its model; names the record and each field."""


class ProcorePaginationError(ProcoreError, PaginationError):
    """A ``Link: rel="next"`` that loops or points away from the API host (not followed)."""


class ProcoreSyncError(ProcoreError):
    """A ``/sync`` call reported failed items (raised only by ``SyncResult.raise_for_failures``)."""

    def __init__(self, message: str, *, failures: tuple[Any, ...]) -> None:
        super().__init__(message)
        self.failures = failures


class ProcoreWriteOutcomeUnknown(ProcoreError, WriteOutcomeUnknown):
    """A write was sent and nothing says whether Procore applied it: look it up by reference."""


class ProcoreBatchError(ProcoreError):
    """A batch of a batched write failed; the results of the batches before it are kept.

    ``failed_batch`` (0-based) of ``batches`` failed. ``completed`` is the combined result of
    every batch that was answered (a ``SyncResult`` or a ``BulkTriggerResult``), ``error`` the
    failure of the batch that stopped the call (a :class:`ProcoreWriteOutcomeUnknown` when that
    batch may have been applied), and ``pending`` the number of items in the failed batch and
    the ones not sent after it.
    """

    def __init__(
        self,
        *,
        completed: Any,
        error: APIError,
        failed_batch: int,
        batches: int,
        pending: int,
    ) -> None:
        super().__init__(
            f"batch {failed_batch + 1} of {batches} failed ({error}); the results of the "
            f"{failed_batch} batch(es) before it are in .completed, {pending} item(s) are not done"
        )
        self.completed = completed
        self.error = error
        self.failed_batch = failed_batch
        self.batches = batches
        self.pending = pending


_MESSAGE_LIMIT = 500


def _message(value: Any) -> str:
    return message_from_body(value, limit=_MESSAGE_LIMIT)


def _field_map(fields: dict[str, Any]) -> list[FieldError]:
    found: list[FieldError] = []
    for name, value in fields.items():
        messages = value if isinstance(value, list) else [value]
        found.extend(FieldError(str(name), _message(message)) for message in messages)
    return found


def read_error_body(body: Any) -> tuple[str | None, str, tuple[FieldError, ...]]:
    """``(code, message, field errors)`` from any v1 or v2 Procore error body, never raising.

    Shapes seen: ``{"errors": "text"}``, ``{"errors": {field: [msg]}}``, ``{"errors":
    {"base": [...], "fields": {...}}}``, ``{"message", "error"}``, ``{"error": "text"}``,
    ``{"error": {"code", "message", "details": [{"reason_code", "message", "source"}]}}``,
    ``{"error": {"error": "text"}}``, OAuth's ``{"error", "error_description"}`` and plain text.
    """
    if not isinstance(body, dict):
        return None, _message(body), ()
    code: str | None = None
    message = ""
    fields: list[FieldError] = []
    errors = body.get("errors")
    if isinstance(errors, dict):
        base = errors.get("base")
        nested = errors.get("fields")
        if isinstance(nested, dict) or base is not None:
            message = _message(base)
            fields.extend(_field_map(nested if isinstance(nested, dict) else {}))
        else:
            fields.extend(_field_map(errors))
    elif errors:
        message = _message(errors)
    error = body.get("error")
    if isinstance(error, dict):
        raw_code = error.get("code")
        code = str(raw_code) if raw_code is not None else None
        message = message or _message(error.get("message") or error.get("error"))
        for detail in error.get("details") or ():
            if isinstance(detail, dict):
                fields.append(
                    FieldError(
                        str(detail.get("source") or "base"),
                        _message(detail.get("message")),
                        code=detail.get("reason_code"),
                    )
                )
    if isinstance(body.get("message"), str) and body["message"].strip():
        message = message or body["message"].strip()
    if isinstance(error, str) and error.strip():
        description = body.get("error_description")
        if isinstance(description, str) and description.strip():
            code = code or error.strip()
            message = message or description.strip()
        message = message or error.strip()
    if not message and fields:
        message = "; ".join(f"{f.field} {f.message}" for f in fields)
    return code, message[:_MESSAGE_LIMIT], tuple(fields)


def parse_error(
    response: httpx.Response, family: type[APIError], retry_after: float | None
) -> APIStatusError:
    """The ``error_parser`` of Procore clients: the toolkit's status map, then a lenient body read.

    Keeps the raw body on ``.body`` and field errors on ``.errors`` whatever the status (a 409
    names the field that clashed as much as a 422 does).
    """
    error = error_from_response(response, family=family, retry_after=retry_after)
    code, message, fields = read_error_body(error.body)
    if message:
        error.message = message
        error.args = (message,)
    if fields and not error.errors:
        error.errors = fields
    if isinstance(error, ProcoreError):
        error.code = code
    return error

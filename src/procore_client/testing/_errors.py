"""Domain errors raised by the state and mapped to Procore's v1 error bodies by the handlers.

The state stays free of HTTP; each error says what went wrong and the handler layer picks the
status and body shape Procore uses for it (see ``to_response``).
"""

from __future__ import annotations

from typing import Any

import httpx

from mlconnector_http.testing import json_response

__all__ = [
    "AlreadyExists",
    "BadRequest",
    "DuplicateOrigin",
    "Forbidden",
    "HttpError",
    "RecordLocked",
    "RecordNotFound",
    "StateError",
    "TooLarge",
    "ValidationFailed",
    "to_response",
]


class StateError(Exception):
    """A business rule said no."""


class RecordNotFound(StateError):
    """No record of ``model`` with ``record_id`` is visible here."""

    def __init__(self, model: str, record_id: object) -> None:
        super().__init__(f"Couldn't find {model} with 'id'={record_id}")


class ValidationFailed(StateError):
    """One or more fields are invalid: ``{field: [message, ...]}``."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k} {', '.join(v)}" for k, v in fields.items()))
        self.fields = fields


class DuplicateOrigin(StateError):
    """Another record of the same type in the company already owns this ``origin_id``."""

    def __init__(self, origin_id: str) -> None:
        super().__init__(f"origin_id {origin_id!r} has already been taken")


class AlreadyExists(StateError):
    """A singular child (e.g. a vendor's business register) exists already."""


class RecordLocked(StateError):
    """The record is synced with an ERP (it has an ``origin_id``) and may not change."""


class BadRequest(StateError):
    """The request is malformed (missing parameter, bad filter, wrong type)."""


class Forbidden(StateError):
    """The app may not see this company or project."""


class TooLarge(StateError):
    """A batch exceeds its documented maximum size."""


class HttpError(Exception):
    """An exact HTTP answer a handler wants to give (status, JSON body, headers)."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def to_response(error: StateError | HttpError) -> httpx.Response:
    """Procore's status and v1 body shape for a domain error."""
    if isinstance(error, HttpError):
        return json_response(error.status, error.body, error.headers)
    if isinstance(error, RecordNotFound):
        return json_response(404, {"errors": str(error)})
    if isinstance(error, ValidationFailed):
        return json_response(422, {"errors": error.fields})
    if isinstance(error, DuplicateOrigin):
        return json_response(409, {"errors": {"origin_id": ["has already been taken"]}})
    if isinstance(error, AlreadyExists):
        return json_response(409, {"errors": str(error)})
    if isinstance(error, RecordLocked):
        return json_response(422, {"message": str(error), "error": "Unprocessable Entity"})
    if isinstance(error, Forbidden):
        return json_response(403, {"errors": str(error)})
    if isinstance(error, TooLarge):
        return json_response(413, {"errors": str(error)})
    return json_response(400, {"error": {"code": "BAD_REQUEST", "message": str(error)}})

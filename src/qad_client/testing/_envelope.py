"""The JSON bodies QAD answers with: write replies with ``submitResult``, reads, browses, errors.

``errorSeverity`` is 0 (clean), 1 (warnings only; still a success) or 3 (errors; nothing saved).
Non-200 answers use a Spring-style ``{status, error, message, path}`` body (a guess: QAD runs on
Spring, but no error body was observed) and the OAuth endpoints use RFC 6749 bodies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus

from qad_client.testing import _names as n
from qad_client.testing._codec import render, wire_name
from qad_client.testing._messages import Issue

__all__ = [
    "browse_reply",
    "error_body",
    "issue_json",
    "oauth_error",
    "read_reply",
    "submit_result",
    "write_reply",
]

_SEVERITY_ERROR = 3
_SEVERITY_WARNING = 1
_E = n.ENVELOPE


def issue_json(issue: Issue) -> dict[str, object]:
    """One entry of ``submitResult.errors``."""
    value = render(issue.value)
    return {
        _E["code"]: issue.code,
        _E["field_name"]: wire_name(issue.table, issue.field),
        _E["field_value"]: "" if value is None else str(value),
        _E["message"]: issue.message,
        _E["severity"]: issue.severity,
    }


def submit_result(issues: Sequence[Issue]) -> dict[str, object]:
    """``submitResult``: success unless an error is present; warnings ride along."""
    has_error = any(i.severity == "error" for i in issues)
    severity = _SEVERITY_ERROR if has_error else (_SEVERITY_WARNING if issues else 0)
    return {
        _E["success"]: not has_error,
        _E["error_severity"]: severity,
        _E["errors"]: [issue_json(i) for i in issues],
    }


def write_reply(
    plural: str, records: Iterable[Mapping[str, object]], issues: Sequence[Issue]
) -> dict[str, object]:
    """The 200 answer to a write: the records as saved (or as sent, on failure)."""
    return {plural: list(records), _E["submit_result"]: submit_result(issues)}


def read_reply(plural: str, records: Iterable[Mapping[str, object]]) -> dict[str, object]:
    """``{"data": {"<plural>": [...]}}``."""
    return {_E["data"]: {plural: list(records)}}


def browse_reply(
    rows: Iterable[Mapping[str, object]], *, has_more: bool, total: int
) -> dict[str, object]:
    """A browse page: flat rows plus ``auxillaryData`` whose values are strings."""
    return {
        _E["data"]: list(rows),
        _E["aux"]: {
            _E["has_more"]: "true" if has_more else "false",
            _E["total"]: str(total),
        },
    }


def error_body(status: int, message: str, path: str) -> dict[str, object]:
    """A non-200 body for the ``/api`` routes."""
    return {
        n.ERROR["status"]: status,
        n.ERROR["error"]: HTTPStatus(status).phrase,
        n.ERROR["message"]: message,
        n.ERROR["path"]: path,
    }


def oauth_error(error: str, description: str) -> dict[str, object]:
    """An RFC 6749 error body for ``/oauth/token``."""
    return {n.ERROR["oauth_error"]: error, n.ERROR["oauth_description"]: description}

"""The JSON bodies QAD answers with: write replies with ``submitResult``, reads, browses, errors.

``errorSeverity`` is 0 (clean), 1 (warnings only; still a success) or 3 (errors; nothing saved),
and each entry's ``severity`` is the same integer scale (a guess: only a 403's 1 was seen).
Non-200 answers carry the bare ``{"errors": [{severity, code, message, fieldName}]}`` envelope
a real 403 has [qad-evidence N2], with the status as the code; OAuth endpoints use RFC 6749.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus

from qad_client.testing import _names as n
from qad_client.testing._codec import render, wire_name
from qad_client.testing._messages import Issue

__all__ = [
    "browse_reply",
    "count_reply",
    "error_body",
    "issue_json",
    "oauth_error",
    "read_reply",
    "submit_result",
    "write_reply",
]

_SEVERITY_ERROR = 3
_SEVERITY_WARNING = 1
_SEVERITY_HTTP = 1  # what a real 403 carries [N2]
_E = n.ENVELOPE


def issue_json(issue: Issue) -> dict[str, object]:
    """One entry of ``submitResult.errors``."""
    value = render(issue.value)
    return {
        _E["code"]: issue.code,
        _E["field_name"]: wire_name(issue.table, issue.field),
        _E["field_value"]: "" if value is None else str(value),
        _E["message"]: issue.message,
        _E["severity"]: _SEVERITY_ERROR if issue.severity == "error" else _SEVERITY_WARNING,
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
    plural: str,
    records: Iterable[Mapping[str, object]],
    issues: Sequence[Issue],
    confirmations: Sequence[str] = (),
) -> dict[str, object]:
    """The 200 answer to a write: the records as saved (or as sent, on failure).

    Confirmations ride beside the result as ``<record>Confs`` (``priceListConfs`` [N5]).
    """
    reply: dict[str, object] = {plural: list(records), _E["submit_result"]: submit_result(issues)}
    if confirmations:
        key = plural.removesuffix("s") + "Confs"
        reply[key] = [{_E["confirmation_text"]: text} for text in confirmations]
    return reply


def read_reply(plural: str, records: Iterable[Mapping[str, object]]) -> dict[str, object]:
    """``{"data": {"<plural>": [...]}}``."""
    return {_E["data"]: {plural: list(records)}}


def browse_reply(rows: Iterable[Mapping[str, object]], *, has_more: bool) -> dict[str, object]:
    """A browse page: flat rows plus ``auxillaryData`` whose values are strings (no count)."""
    return {
        _E["data"]: list(rows),
        _E["aux"]: {_E["has_more"]: "true" if has_more else "false"},
    }


def count_reply(total: int) -> dict[str, object]:
    """``browses/totalCount``: ``{"data": <count>}`` (the reply was never captured: a guess)."""
    return {_E["data"]: total}


def error_body(status: int, message: str, field: str = "") -> dict[str, object]:
    """A non-200 body for the ``/api`` routes: one entry whose code is the status, as text."""
    entry = {
        n.ERROR["severity"]: _SEVERITY_HTTP,
        n.ERROR["code"]: str(status),
        n.ERROR["message"]: message or HTTPStatus(status).phrase,
        n.ERROR["field_name"]: field,
    }
    return {n.ERROR["errors"]: [entry]}


def oauth_error(error: str, description: str) -> dict[str, object]:
    """An RFC 6749 error body for ``/oauth/token``."""
    return {n.ERROR["oauth_error"]: error, n.ERROR["oauth_description"]: description}

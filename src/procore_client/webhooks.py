"""Incoming Procore webhooks, framework-free: check the shared header, then parse any version.

Procore does not sign webhook bodies. The only proof a POST came from Procore is the
``Authorization`` value set in the hook's ``destination_headers``, which Procore echoes on
every delivery. :func:`verify_and_parse` compares it in constant time with every accepted value
(a list allows rotation), refuses oversized or malformed bodies, and reads payload versions
v2.0, v3.0 (``related_resources``) and v4.0 (string ids, ``reason``, ``resource_type``) into one
:class:`WebhookEvent`. Deliveries repeat: deduplicate on :attr:`WebhookEvent.dedupe_key`.

Usage in any framework::

    try:
        event = verify_and_parse(request.headers, await request.body(), secrets)
    except WebhookAuthError:
        return Response(status_code=401)
    except WebhookPayloadError as error:
        return Response(status_code=error.status_code)
    inbox.put(event)  # answer within 5 s; do the work later
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NoReturn

from mlconnector_http import Secret, parse_datetime
from procore_client._exceptions import ProcoreConfigurationError, ProcoreError
from procore_client._models import (
    PayloadVersion,
    RelatedResource,
    TriggerEventType,
    WebhookEvent,
    WebhookMetadata,
)
from procore_client._paging import MAX_ID, is_int

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "PayloadVersion",
    "RelatedResource",
    "WebhookAuthError",
    "WebhookError",
    "WebhookEvent",
    "WebhookMetadata",
    "WebhookPayloadError",
    "parse_event",
    "parse_payload",
    "verify_and_parse",
    "verify_authorization",
]

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
_ULID = re.compile(r"^[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}$")

Headers = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]
ExpectedSecret = str | Secret | Sequence[str | Secret]


class WebhookError(ProcoreError):
    """A webhook request that must be refused; ``status_code`` is the answer to give."""

    status_code = 400


class WebhookAuthError(WebhookError):
    """The ``Authorization`` header is missing, repeated or not one of the accepted values."""

    status_code = 401


class WebhookPayloadError(WebhookError, ValueError):
    """The body is too large, not JSON, or not a Procore event; the message names the fields."""

    def __init__(self, message: str, *, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


def _candidates(expected_secret: ExpectedSecret) -> list[bytes]:
    if isinstance(expected_secret, str | Secret):
        values: list[str | Secret] = [expected_secret]
    elif isinstance(expected_secret, Sequence):
        values = list(expected_secret)
    else:
        raise ProcoreConfigurationError(
            "expected_secret must be a str, a Secret, or a list of them for rotation"
        )
    if not values:
        raise ProcoreConfigurationError("expected_secret is an empty list: nothing could match")
    found: list[bytes] = []
    for value in values:
        if not isinstance(value, str | Secret):
            raise ProcoreConfigurationError(
                f"expected_secret entries must be str or Secret, got {type(value).__name__}"
            )
        text = value.reveal() if isinstance(value, Secret) else value
        if not text.strip():
            raise ProcoreConfigurationError("an expected_secret is empty: it would match nothing")
        found.append(text.strip().encode("utf-8"))
    return found


def _header_values(headers: Headers, wanted: str) -> list[tuple[bytes, ...]]:
    """Each ``wanted`` header as the bytes it may have been on the wire.

    A ``bytes`` value is the wire itself. A ``str`` value was decoded by the server: ASGI
    servers (and Starlette's ``request.headers``) decode header bytes as latin-1, some
    frameworks as UTF-8; so a ``str`` is tried both ways back, and a non-ASCII secret (sent
    as UTF-8) matches whichever way the server decoded it.
    """
    pairs: Iterable[tuple[Any, Any]] = headers.items() if isinstance(headers, Mapping) else headers
    found: list[tuple[bytes, ...]] = []
    for name, value in pairs:
        text = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        if text.strip().lower() == wanted:
            found.append(_wire_forms(value))
    return found


def _wire_forms(value: Any) -> tuple[bytes, ...]:
    if isinstance(value, bytes):
        return (value.strip(),)
    text = str(value).strip()
    forms = [text.encode("utf-8")]
    try:
        as_latin1 = text.encode("latin-1")
    except UnicodeEncodeError:
        return tuple(forms)
    if as_latin1 != forms[0]:
        forms.append(as_latin1)
    return tuple(forms)


def verify_authorization(headers: Headers, expected_secret: ExpectedSecret) -> None:
    """Check the ``Authorization`` header against every accepted value in constant time.

    Every candidate is compared (no early exit) so timing says nothing about which one, if
    any, came close. Raises :class:`WebhookAuthError`; never puts a secret in a message.
    """
    candidates = _candidates(expected_secret)
    received = _header_values(headers, "authorization")
    if not received or not received[0][0]:
        raise WebhookAuthError("webhook refused: the Authorization header is missing or empty")
    if len(received) > 1:
        raise WebhookAuthError("webhook refused: more than one Authorization header")
    matched = False
    for candidate in candidates:
        for form in received[0]:
            matched |= hmac.compare_digest(form, candidate)
    if not matched:
        raise WebhookAuthError(
            "webhook refused: the Authorization header does not match the hook's secret"
            f" ({len(candidates)} accepted value{'s' if len(candidates) > 1 else ''} tried)"
        )


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def parse_payload(body: bytes | str, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> Any:
    """The body as JSON, refusing oversized bodies (413) and malformed JSON (400)."""
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    if len(raw) > max_body_bytes:
        raise WebhookPayloadError(
            f"webhook body of {len(raw)} bytes exceeds max_body_bytes={max_body_bytes}",
            status_code=413,
        )
    if not raw.strip():
        raise WebhookPayloadError("webhook body is empty")
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        kind = "not UTF-8" if isinstance(error, UnicodeDecodeError) else "not valid JSON"
        raise WebhookPayloadError(f"webhook body is {kind}: {type(error).__name__}") from None


class _Reader:
    """Reads the fields of one JSON object, collecting every problem so the error names them all."""

    def __init__(
        self, data: Mapping[str, Any], prefix: str = "", problems: list[str] | None = None
    ) -> None:
        self.data = data
        self.prefix = prefix
        self.problems = [] if problems is None else problems

    def _problem(self, name: str, text: str) -> None:
        self.problems.append(f"{self.prefix}{name}: {text}")

    def _get(self, name: str, required: bool) -> Any:
        value = self.data.get(name)
        if (value is None or value == "") and required:
            self._problem(name, "missing")
        return None if value == "" else value

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self._get(name, required)
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        if value is None:
            return None
        if is_int(value) and 0 <= value <= MAX_ID:
            return int(value)
        self._problem(name, f"expected an integer id, got {type(value).__name__}")
        return None

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, str) or is_int(value):
            return str(value)
        self._problem(name, f"expected a string, got {type(value).__name__}")
        return None

    def moment(self, name: str) -> dt.datetime | None:
        value = self._get(name, required=True)
        if value is None:
            return None
        try:
            return parse_datetime(value)
        except (ValueError, TypeError):
            self._problem(name, "not an ISO-8601 time")
            return None

    def child(self, name: str) -> _Reader | None:
        """A reader of the nested object ``name`` whose problems are reported here."""
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self._problem(name, "expected an object")
            return None
        return _Reader(value, f"{self.prefix}{name}.", self.problems)


def _version(data: Mapping[str, Any]) -> PayloadVersion | None:
    declared = data.get("api_version") or data.get("payload_version")
    if isinstance(declared, str):
        digits = declared.strip().lower().removeprefix("v")
        major = digits.split(".", 1)[0]
        if major in ("2", "3", "4"):
            return PayloadVersion(f"v{major}.0")
        return None
    if "reason" in data or "resource_type" in data:
        return PayloadVersion.V4
    if "related_resources" in data:
        return PayloadVersion.V3
    if "event_type" in data and "resource_name" in data:
        return PayloadVersion.V2
    return None


def _metadata(reader: _Reader) -> WebhookMetadata | None:
    meta = reader.child("metadata")
    if meta is None:
        return None
    return WebhookMetadata(
        source_user_id=meta.integer("source_user_id"),
        source_project_id=meta.integer("source_project_id"),
        source_company_id=meta.integer("source_company_id"),
        source_operation_id=meta.text("source_operation_id"),
        source_application_id=meta.text("source_application_id"),
    )


def _related(reader: _Reader) -> tuple[RelatedResource, ...]:
    raw = reader.data.get("related_resources")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        reader.problems.append("related_resources: expected a list")
        return ()
    found: list[RelatedResource] = []
    for index, entry in enumerate(raw):
        where = f"related_resources[{index}]"
        if not isinstance(entry, Mapping):
            reader.problems.append(f"{where}: expected an object")
            continue
        item = _Reader(entry, f"{where}.", reader.problems)
        rid = item.integer("id", required=True)
        name = item.text("name", required=True)
        if rid is not None and name is not None:
            found.append(RelatedResource(id=rid, name=name))
    return tuple(found)


def parse_event(data: Any) -> WebhookEvent:
    """One :class:`WebhookEvent` from a decoded payload of any supported version.

    Version detection: ``api_version`` (or ``payload_version``) when present; else v4 by its
    ``reason``/``resource_type`` keys, v3 by ``related_resources``, v2 by ``event_type`` +
    ``resource_name`` (v4's exact version field is UNCONFIRMED). Raises
    :class:`WebhookPayloadError` naming every bad field.
    """
    if not isinstance(data, Mapping):
        raise WebhookPayloadError(
            f"webhook payload must be a JSON object, got {type(data).__name__}"
        )
    version = _version(data)
    if version is None:
        raise WebhookPayloadError(
            "webhook payload is not a Procore v2, v3 or v4 event "
            "(no usable api_version, event_type/resource_name or reason/resource_type)"
        )
    reader = _Reader(data)
    is_v4 = version is PayloadVersion.V4
    event_id = reader.text("id", required=True)
    timestamp = reader.moment("timestamp")
    change = reader.text("reason" if is_v4 else "event_type", required=True)
    resource = reader.text("resource_type" if is_v4 else "resource_name", required=True)
    resource_id = reader.integer("resource_id", required=True)
    ulid = reader.text("ulid")
    if ulid is None and is_v4 and event_id is not None and _ULID.match(event_id):
        ulid = event_id
    company_id = reader.integer("company_id")
    project_id = reader.integer("project_id")
    user_id = reader.integer("user_id")
    metadata = _metadata(reader)
    related = _related(reader)
    extra = data.get("data")
    if extra is not None and not isinstance(extra, Mapping):
        reader.problems.append("data: expected an object")
    if (
        reader.problems
        or event_id is None
        or timestamp is None
        or change is None
        or resource is None
        or resource_id is None
    ):
        raise WebhookPayloadError(
            f"webhook payload {version.value} is malformed: " + "; ".join(reader.problems)
        )
    return WebhookEvent(
        payload_version=version,
        id=event_id,
        timestamp=timestamp,
        event_type=TriggerEventType(change),
        reason=change if is_v4 else None,
        resource_type=resource,
        resource_id=resource_id,
        ulid=ulid,
        company_id=company_id,
        project_id=project_id,
        user_id=user_id,
        metadata=metadata,
        related_resources=related,
        data=dict(extra) if isinstance(extra, Mapping) else None,
        raw=dict(data),
    )


def verify_and_parse(
    headers: Headers,
    body: bytes | str,
    expected_secret: ExpectedSecret,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> WebhookEvent:
    """Authenticate a webhook POST and read its event; raise a typed error to refuse it.

    Args:
        headers: the request headers (a mapping, or ``(name, value)`` pairs as ASGI gives).
        body: the raw request body.
        expected_secret: the hook's ``Authorization`` value, or a list of accepted values
            while rotating (old and new).
        max_body_bytes: bodies above this are refused with status 413 (default 1 MiB).

    Raises:
        WebhookAuthError: the header is missing, repeated or wrong (answer 401).
        WebhookPayloadError: oversized, not JSON, or not a Procore event (answer its
            ``status_code``).
    """
    verify_authorization(headers, expected_secret)
    return parse_event(parse_payload(body, max_body_bytes=max_body_bytes))

"""verify_and_parse: the shared-header check, body limits, and payload versions v2, v3 and v4."""

from __future__ import annotations

import contextlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlconnector_http import Secret
from procore_client import ProcoreConfigurationError, TriggerEventType
from procore_client.webhooks import (
    PayloadVersion,
    WebhookAuthError,
    WebhookEvent,
    WebhookPayloadError,
    parse_event,
    verify_and_parse,
)

SECRET = "Bearer 3f9c-hook-shared-secret"
OLD_SECRET = "Bearer 1a2b-previous-secret"
ULID = "01HZX5D3M8Q0W6B2N4K7T9V1RC"
HEADERS = {"Authorization": SECRET, "Content-Type": "application/json"}

V2 = {
    "id": 70000000001,
    "ulid": ULID,
    "timestamp": "2026-02-01T10:15:30.123456Z",
    "metadata": {
        "source_user_id": 9000000001,
        "source_project_id": 562949953421312,
        "source_operation_id": None,
        "source_company_id": 8000000123,
        "source_application_id": "mlconnector-app",
    },
    "user_id": 9000000001,
    "company_id": 8000000123,
    "project_id": 562949953421312,
    "api_version": "v2.0",
    "event_type": "update",
    "resource_name": "Requisitions",
    "resource_id": 7000000001,
}
V3 = {
    **V2,
    "api_version": "v3.0",
    "resource_name": "Direct Cost Line Items",
    "related_resources": [{"id": 8000000001, "name": "Direct Costs"}],
}
V4 = {
    "id": ULID,
    "timestamp": "2026-02-01T10:15:30Z",
    "reason": "create",
    "company_id": "8000000123",
    "project_id": None,
    "user_id": "9000000001",
    "resource_type": "Company Vendors",
    "resource_id": "3000000001",
}


def _body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def test_v2_payload() -> None:
    event = verify_and_parse(HEADERS, _body(V2), SECRET)
    assert event.payload_version is PayloadVersion.V2
    assert (event.id, event.ulid, event.dedupe_key) == ("70000000001", ULID, ULID)
    assert event.timestamp == datetime(2026, 2, 1, 10, 15, 30, 123456, tzinfo=UTC)
    assert event.event_type is TriggerEventType.UPDATE
    assert event.reason is None
    assert (event.resource_type, event.resource_name, event.resource_id) == (
        "Requisitions",
        "Requisitions",
        7000000001,
    )
    assert (event.company_id, event.project_id, event.user_id) == (
        8000000123,
        562949953421312,
        9000000001,
    )
    assert event.metadata is not None
    assert event.metadata.source_application_id == "mlconnector-app"
    assert event.metadata.source_operation_id is None
    assert event.related_resources == ()
    assert event.raw == V2


def test_v3_payload_carries_related_resources() -> None:
    event = verify_and_parse(HEADERS, _body(V3), SECRET)
    assert event.payload_version is PayloadVersion.V3
    assert [(r.id, r.name) for r in event.related_resources] == [(8000000001, "Direct Costs")]


def test_v4_payload_has_string_ids_reason_and_resource_type() -> None:
    event = verify_and_parse(HEADERS, _body(V4), SECRET)
    assert event.payload_version is PayloadVersion.V4
    assert (event.id, event.ulid, event.dedupe_key) == (ULID, ULID, ULID)
    assert (event.event_type, event.reason) == (TriggerEventType.CREATE, "create")
    assert (event.company_id, event.project_id, event.user_id, event.resource_id) == (
        8000000123,
        None,
        9000000001,
        3000000001,
    )
    assert event.metadata is None
    restored = parse_event({**V4, "reason": "restore", "data": {"name": "x"}})
    assert restored.event_type.name == "UNKNOWN_restore"
    assert restored.reason == "restore"
    assert restored.data == {"name": "x"}


@pytest.mark.parametrize("digits", ["\u00b9", "\u0663", "12\u00b2", "\uff11"])
def test_v4_ids_must_be_ascii_digits(digits: str) -> None:
    with pytest.raises(WebhookPayloadError, match="user_id"):
        verify_and_parse(HEADERS, _body({**V4, "user_id": digits}), SECRET)


def test_v2_without_a_ulid_dedupes_on_the_event_id() -> None:
    event = parse_event({k: v for k, v in V2.items() if k != "ulid"})
    assert event.dedupe_key == "70000000001"


def test_the_version_is_found_without_api_version() -> None:
    assert (
        parse_event({k: v for k, v in V2.items() if k != "api_version"}).payload_version == "v2.0"
    )
    assert (
        parse_event({k: v for k, v in V3.items() if k != "api_version"}).payload_version == "v3.0"
    )
    assert parse_event({**V4, "payload_version": "v4"}).payload_version == "v4.0"


@pytest.mark.parametrize(
    "headers",
    [
        {"authorization": SECRET},
        httpx.Headers({"AUTHORIZATION": SECRET}),
        [(b"content-type", b"application/json"), (b"authorization", SECRET.encode())],
        [("Authorization", f"  {SECRET} ")],
    ],
    ids=["lower-dict", "httpx", "asgi-bytes", "padded"],
)
def test_headers_in_any_shape(headers: Any) -> None:
    assert verify_and_parse(headers, _body(V2), SECRET).resource_id == 7000000001


def test_rotation_accepts_each_listed_secret_and_compares_every_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compared: list[bytes] = []
    real = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        compared.append(b)
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", counting)
    accepted: list[str | Secret] = [Secret(SECRET), OLD_SECRET, "Bearer third"]
    for sent in (SECRET, OLD_SECRET):
        compared.clear()
        verify_and_parse({"Authorization": sent}, _body(V2), accepted)
        assert len(compared) == 3
    compared.clear()
    with pytest.raises(WebhookAuthError, match="3 accepted values tried"):
        verify_and_parse({"Authorization": "Bearer nope"}, _body(V2), accepted)
    assert len(compared) == 3


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, "Authorization header is missing"),
        ({"Authorization": ""}, "Authorization header is missing"),
        ({"Authorization": SECRET[:-1]}, "does not match"),
        ({"Authorization": SECRET + " "}, None),
        ({"Authorization": SECRET.lower()}, "does not match"),
        ({"Authorization": "Basic " + SECRET}, "does not match"),
        ([("Authorization", SECRET), ("authorization", SECRET)], "more than one"),
    ],
)
def test_missing_wrong_or_repeated_headers_are_refused(headers: Any, fragment: str | None) -> None:
    if fragment is None:
        assert verify_and_parse(headers, _body(V2), SECRET).id == "70000000001"
        return
    with pytest.raises(WebhookAuthError, match=fragment) as caught:
        verify_and_parse(headers, b"not even json", SECRET)
    assert caught.value.status_code == 401
    assert SECRET not in str(caught.value)
    assert "3f9c" not in str(caught.value)


def test_the_header_is_checked_before_the_body_is_read() -> None:
    with pytest.raises(WebhookAuthError):
        verify_and_parse({"Authorization": "Bearer wrong"}, b"x" * (2 << 20), SECRET)


def test_oversized_bodies_are_413_and_the_limit_is_configurable() -> None:
    big = _body({**V2, "padding": "x" * (1 << 20)})
    with pytest.raises(WebhookPayloadError, match="exceeds max_body_bytes=1048576") as caught:
        verify_and_parse(HEADERS, big, SECRET)
    assert caught.value.status_code == 413
    small = _body(V2)
    with pytest.raises(WebhookPayloadError, match="max_body_bytes=100"):
        verify_and_parse(HEADERS, small, SECRET, max_body_bytes=100)
    assert verify_and_parse(HEADERS, big, SECRET, max_body_bytes=2 << 20).id == "70000000001"


def _without(payload: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != key}


MALFORMED: list[tuple[str, Any, str]] = [
    ("empty", b"", "body is empty"),
    ("blank", b"   \n", "body is empty"),
    ("not json", b"{'id': 1}", "not valid JSON"),
    ("truncated", _body(V2)[:-3], "not valid JSON"),
    ("not utf-8", b'{"id": "\xff"}', "not UTF-8"),
    ("nan", b'{"id": NaN}', "not valid JSON"),
    ("array", b"[1, 2]", "must be a JSON object, got list"),
    ("string", b'"hello"', "must be a JSON object, got str"),
    ("null", b"null", "must be a JSON object, got NoneType"),
    ("no markers", _body({"id": 1, "timestamp": "2026-01-01T00:00:00Z"}), "not a Procore"),
    ("unknown version", _body({**V2, "api_version": "v9.0"}), "not a Procore"),
    ("v2 without id", _body(_without(V2, "id")), "id: missing"),
    ("v2 without timestamp", _body(_without(V2, "timestamp")), "timestamp: missing"),
    ("v2 without event_type", _body(_without(V2, "event_type")), "event_type: missing"),
    ("v2 without resource_name", _body(_without(V2, "resource_name")), "resource_name: missing"),
    ("v2 without resource_id", _body(_without(V2, "resource_id")), "resource_id: missing"),
    ("bad timestamp", _body({**V2, "timestamp": "yesterday"}), "timestamp: not an ISO-8601"),
    ("numeric timestamp", _body({**V2, "timestamp": 1700000000}), "timestamp: not an ISO-8601"),
    ("bool id", _body({**V2, "resource_id": True}), "resource_id: expected an integer"),
    ("float id", _body({**V2, "company_id": 1.5}), "company_id: expected an integer"),
    ("negative id", _body({**V2, "resource_id": -5}), "resource_id: expected an integer"),
    ("huge id", _body({**V2, "resource_id": 2**64}), "resource_id: expected an integer"),
    ("object id", _body({**V2, "id": {"x": 1}}), "id: expected a string"),
    ("event_type list", _body({**V2, "event_type": ["update"]}), "event_type: expected a string"),
    ("metadata list", _body({**V2, "metadata": [1]}), "metadata: expected an object"),
    ("metadata bad id", _body({**V2, "metadata": {"source_user_id": "x"}}), "source_user_id"),
    (
        "related not list",
        _body({**V3, "related_resources": {"id": 1}}),
        "related_resources: expected a list",
    ),
    (
        "related bad item",
        _body({**V3, "related_resources": [1]}),
        "related_resources[0]: expected an object",
    ),
    (
        "related no name",
        _body({**V3, "related_resources": [{"id": 4}]}),
        "related_resources[0].name: missing",
    ),
    ("v4 text id", _body({**V4, "resource_id": "abc"}), "resource_id: expected an integer"),
    ("v4 without reason", _body(_without(V4, "reason")), "reason: missing"),
    (
        "v4 without resource_type",
        _body({**_without(V4, "resource_type"), "reason": "x"}),
        "resource_type: missing",
    ),
    ("v4 data not object", _body({**V4, "data": [1]}), "data: expected an object"),
]


@pytest.mark.parametrize(
    ("body", "fragment"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_every_malformed_body_is_refused_with_a_typed_error_naming_the_problem(
    body: bytes, fragment: str
) -> None:
    with pytest.raises(WebhookPayloadError) as caught:
        verify_and_parse(HEADERS, body, SECRET)
    assert fragment in str(caught.value)
    assert caught.value.status_code == 400
    assert isinstance(caught.value, ValueError)
    assert SECRET not in str(caught.value)


def test_all_problems_of_one_payload_are_named_together() -> None:
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event({"api_version": "v2.0", "resource_id": "x", "timestamp": "?"})
    message = str(caught.value)
    for name in (
        "id: missing",
        "timestamp",
        "event_type: missing",
        "resource_name: missing",
        "resource_id",
    ):
        assert name in message


@pytest.mark.parametrize(
    "expected",
    [[], "", "   ", [SECRET, ""], 42, [SECRET, 42]],
    ids=["empty-list", "empty", "blank", "one-empty", "int", "int-in-list"],
)
def test_an_unusable_expected_secret_is_a_configuration_error(expected: Any) -> None:
    with pytest.raises(ProcoreConfigurationError):
        verify_and_parse(HEADERS, _body(V2), expected)


ids = st.integers(1, 2**63 - 1)
names = st.text(st.characters(codec="utf-8"), min_size=1, max_size=30).filter(
    lambda s: s.strip() != ""
)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
changes = st.sampled_from(["create", "update", "delete"])
ulids = st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=26, max_size=26)


@st.composite
def payloads(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A payload of a random version and the fields the event must end up with."""
    version = draw(st.sampled_from(["v2.0", "v3.0", "v4.0"]))
    moment = draw(moments)
    change = draw(changes)
    resource = draw(names)
    resource_id = draw(ids)
    company = draw(ids)
    project = draw(st.none() | ids)
    user = draw(ids)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if version == "v4.0":
        event_id = draw(ulids)
        body: dict[str, Any] = {
            "id": event_id,
            "timestamp": stamp,
            "reason": change,
            "company_id": str(company),
            "project_id": None if project is None else str(project),
            "user_id": str(user),
            "resource_type": resource,
            "resource_id": str(resource_id),
        }
        expected: dict[str, Any] = {"id": event_id, "ulid": event_id, "related": ()}
    else:
        number = draw(ids)
        ulid = draw(ulids)
        related = draw(st.lists(st.tuples(ids, names), max_size=3)) if version == "v3.0" else []
        body = {
            "id": number,
            "ulid": ulid,
            "timestamp": stamp,
            "metadata": {"source_user_id": user, "source_company_id": company},
            "user_id": user,
            "company_id": company,
            "project_id": project,
            "api_version": version,
            "event_type": change,
            "resource_name": resource,
            "resource_id": resource_id,
        }
        if version == "v3.0":
            body["related_resources"] = [{"id": i, "name": n} for i, n in related]
        expected = {"id": str(number), "ulid": ulid, "related": tuple(related)}
    expected.update(
        version=version,
        timestamp=moment,
        change=change,
        resource=resource,
        resource_id=resource_id,
        company=company,
        project=project,
        user=user,
    )
    return body, expected


@settings(max_examples=300)
@given(payloads())
def test_generated_payloads_of_every_version_parse_to_one_event_shape(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    body, expected = case
    event = verify_and_parse(HEADERS, json.dumps(body).encode(), [OLD_SECRET, SECRET])
    assert isinstance(event, WebhookEvent)
    assert event.payload_version == expected["version"]
    assert event.id == expected["id"]
    assert event.dedupe_key == expected["ulid"]
    assert event.timestamp == expected["timestamp"]
    assert event.event_type == expected["change"]
    assert event.resource_type == expected["resource"]
    assert event.resource_id == expected["resource_id"]
    assert event.company_id == expected["company"]
    assert event.project_id == expected["project"]
    assert event.user_id == expected["user"]
    assert tuple((r.id, r.name) for r in event.related_resources) == expected["related"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6)
    ),
    max_leaves=20,
)
keys = st.sampled_from(list(V2) + list(V4) + ["related_resources", "payload_version", "data"])


@settings(max_examples=300)
@given(
    base=st.sampled_from([V2, V3, V4]),
    changes=st.dictionaries(keys, json_values, max_size=4),
    drop=st.sets(keys, max_size=3),
)
def test_any_mangled_payload_either_parses_or_raises_a_payload_error(
    base: dict[str, Any], changes: dict[str, Any], drop: set[str]
) -> None:
    payload = {k: v for k, v in {**base, **changes}.items() if k not in drop}
    event: WebhookEvent | None = None
    problem = ""
    try:
        event = verify_and_parse(HEADERS, json.dumps(payload).encode(), SECRET)
    except WebhookPayloadError as error:
        problem = str(error)
    if event is None:
        assert problem.startswith("webhook")
    else:
        assert event.dedupe_key
        assert event.timestamp.tzinfo is not None


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_escape_as_another_exception(body: bytes) -> None:
    with contextlib.suppress(WebhookPayloadError):
        verify_and_parse(HEADERS, body, SECRET)

"""The error tree: one status map, vendor families, lenient messages, safe strings."""

from __future__ import annotations

import httpx
import pytest

from mlconnector_http import (
    APIError,
    APIStatusError,
    AuthError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationError,
    error_class,
    error_from_response,
    message_from_body,
)


class AcmeError(APIError):
    """A vendor family for the tests."""


class AcmeNotFound(AcmeError, NotFound):
    pass


class AcmeRateLimited(AcmeError, RateLimited):
    pass


def _response(
    status: int, body: object = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    request = httpx.Request("GET", "https://api.example.test/things/9?token=abc")
    return httpx.Response(status, json=body, headers=headers, request=request)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ValidationError),
        (401, AuthError),
        (403, PermissionDenied),
        (404, NotFound),
        (409, Conflict),
        (422, ValidationError),
        (429, RateLimited),
        (500, ServerError),
        (503, ServerError),
        (418, APIStatusError),
    ],
)
def test_status_map(status: int, cls: type[APIStatusError]) -> None:
    error = error_from_response(_response(status, {"detail": "nope"}))
    assert type(error) is cls
    assert error.status_code == status
    assert error.message == "nope"


def test_vendor_family_is_used_where_it_has_a_class() -> None:
    error = error_from_response(_response(404, {"detail": "x"}), family=AcmeError)
    assert isinstance(error, AcmeNotFound)
    assert isinstance(error, NotFound)
    assert isinstance(error, AcmeError)
    limited = error_from_response(_response(429), family=AcmeError, retry_after=3)
    assert isinstance(limited, AcmeRateLimited)
    assert limited.retry_after == 3
    conflict = error_from_response(_response(409), family=AcmeError)
    assert isinstance(conflict, AcmeError)
    assert isinstance(conflict, Conflict)
    assert type(conflict).__name__ == "AcmeConflict"
    assert error_class(AcmeError, ServerError) is error_class(AcmeError, ServerError)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"detail": "Not found."}, "Not found."),
        ({"errors": "Bad thing"}, "Bad thing"),
        ({"errors": {"name": ["can't be blank"]}}, "name: can't be blank"),
        ({"message": "Over budget", "error": "x"}, "Over budget"),
        ({"error": {"code": "BAD", "message": "Company missing"}}, "Company missing"),
        ({"error": {"error": "too many"}}, "too many"),
        ("plain text", "plain text"),
        (["a", "b"], "a; b"),
        (None, ""),
    ],
)
def test_message_from_body_reads_every_shape(body: object, expected: str) -> None:
    assert message_from_body(body) == expected


def test_str_has_request_id_and_path_but_no_query_or_headers() -> None:
    error = error_from_response(
        _response(
            400,
            {"amount": ["must be positive"]},
            {"x-request-id": "rq-1", "authorization": "Bearer t0k"},
        )
    )
    text = str(error)
    assert "rq-1" in text
    assert "/things/9" in text
    assert "token=abc" not in text
    assert "t0k" not in text
    assert "amount: must be positive" in text
    assert isinstance(error, ValidationError)
    assert error.errors[0].field == "amount"


def test_body_is_kept_raw() -> None:
    body = {"errors": {"base": ["x"]}, "extra": 1}
    assert error_from_response(_response(422, body)).body == body


def test_a_status_without_a_meaning_is_not_given_a_sibling_meaning() -> None:
    class ZetaError(APIError):
        pass

    class ZetaAuth(ZetaError, AuthError):
        pass

    class ZetaStatus(ZetaError, APIStatusError):
        pass

    timeout = error_from_response(_response(408), family=ZetaError)
    assert type(timeout) is ZetaStatus
    assert type(error_from_response(_response(401), family=ZetaError)) is ZetaAuth
    assert issubclass(error_class(ZetaError, NotFound), ZetaError)


@pytest.mark.parametrize(
    "meaning",
    [APIStatusError, AuthError, Conflict, NotFound, PermissionDenied, RateLimited, ServerError],
)
def test_every_meaning_resolves_inside_any_family(meaning: type[APIError]) -> None:
    class OmegaError(APIError):
        pass

    cls = error_class(OmegaError, meaning)
    assert issubclass(cls, OmegaError)
    assert issubclass(cls, meaning)
    assert cls.__module__ == OmegaError.__module__

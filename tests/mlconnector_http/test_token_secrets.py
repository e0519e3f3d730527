"""Token requests show no secret (repr, tracebacks with locals), and malformed token answers
are the vendor's typed error, never ``TypeError`` and never a ``Bearer None`` request."""

from __future__ import annotations

import json
import pickle
import traceback
from typing import Any

import httpx
import pytest
from tests.mlconnector_http.toy import BASE, SECRET, list_items, make_config

from mlconnector_http import (
    APIError,
    ClientCredentials,
    FakeClock,
    SecretFields,
    ServerError,
    SyncAPIClient,
    TokenManager,
    parse_token_response,
)
from qad_client import PasswordLogin, QADClient, QADError

PASSWORD = "correct-horse-battery-staple"


class FamilyError(APIError):
    pass


class FamilyServerError(FamilyError, ServerError):
    pass


def _answer(body: bytes) -> httpx.Response:
    request = httpx.Request("POST", "https://auth.example/oauth/token")
    return httpx.Response(200, content=body, request=request)


@pytest.mark.parametrize("body", ["form", "json"])
def test_a_client_credentials_request_shows_no_secret(body: Any) -> None:
    provider = ClientCredentials(
        token_url="https://auth.example/oauth/token",
        client_id="app",
        client_secret=SECRET,
        body=body,
    )
    op = next(provider.token_flow(None, 0.0))
    fields = op.form if body == "form" else op.json
    assert isinstance(fields, SecretFields)
    for shown in (repr(op), repr(fields), str(fields), f"{fields}"):
        assert SECRET not in shown
    assert "client_secret" in repr(fields)  # the field names stay visible for debugging
    request = op.build(httpx.URL("https://auth.example/"), {}, None)
    assert SECRET in request.content.decode()  # still on the wire, once
    with pytest.raises(TypeError):
        pickle.dumps(fields)


def test_qad_sign_in_requests_show_no_password() -> None:
    login = PasswordLogin(
        base_url="https://acme.qad.com/clouderp/", username="alice", password=PASSWORD
    )
    flow = login.token_flow(None, 0.0)
    lookup = next(flow)
    assert isinstance(lookup.headers, SecretFields)
    assert lookup.headers["Authorization"].startswith("Basic ")
    control = {"data": {"securityControls": [{"clientId": "cid"}]}}
    sign_in = flow.send(lookup.parse(_answer(json.dumps(control).encode())))
    assert isinstance(sign_in.form, SecretFields)
    for shown in (repr(lookup), repr(lookup.headers), repr(sign_in), repr(sign_in.form)):
        assert PASSWORD not in shown
        assert "YWxpY2U6" not in shown  # base64 of "alice:"


class _Exploding(httpx.BaseTransport):
    """Fails inside the send of every token request, to get a traceback through the flow."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise RuntimeError("boom")


def _locals_of(error: BaseException) -> str:
    return "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())


def test_a_traceback_with_locals_through_a_client_credentials_refresh_shows_no_secret() -> None:
    with SyncAPIClient(make_config(FakeClock()), transport=_Exploding()) as api:
        with pytest.raises(RuntimeError) as caught:
            api._send(list_items())
    shown = _locals_of(caught.value)
    assert "token_flow" in shown or "authorize" in shown
    assert SECRET not in shown


def test_a_traceback_with_locals_through_a_qad_login_shows_no_password() -> None:
    client = QADClient(
        tenant_url="https://acme.qad.com/clouderp",
        domain="10USA",
        entity="10USACO",
        username="alice",
        password=PASSWORD,
        transport=_Exploding(),
    )
    with pytest.raises(RuntimeError) as caught:
        client.suppliers.get("S1")
    shown = _locals_of(caught.value)
    assert "security_control" in shown or "token_flow" in shown
    assert PASSWORD not in shown
    assert "YWxpY2U6" not in shown


@pytest.mark.parametrize(
    "body",
    [
        b'{"access_token": "ok", "expires_in": [1]}',
        b'{"access_token": "ok", "expires_in": {"s": 1}}',
        b'{"access_token": "ok", "expires_in": true}',
        b'{"access_token": "ok", "expires_in": "soon"}',
        b'{"access_token": "ok", "expires_in": 1e999}',
        b'{"access_token": "ok", "refresh_expires_in": [2]}',
        b'{"access_token": "ok", "created_at": ' + b"9" * 400 + b"}",
        b'{"access_token": null}',
        b'{"access_token": ""}',
        b'{"access_token": 12345}',
        b'{"access_token": ["a"]}',
        b'{"access_token": "two\\nlines"}',
        b'{"access_token": "caf\\u00e9"}',
        b'{"access_token": "ok", "refresh_token": 7}',
        b'{"access_token": "ok", "token_type": 1}',
        b"[]",
        b'"token"',
        b"null",
        b"not json",
        b"[" * 100_000,
    ],
)
def test_malformed_token_answers_are_the_family_server_error(body: bytes) -> None:
    with pytest.raises(FamilyServerError) as caught:
        parse_token_response(_answer(body), now=1000.0, family=FamilyError)
    assert caught.value.status_code == 200


def test_lifetimes_as_digit_strings_and_scope_lists_are_read_leniently() -> None:
    body = b'{"access_token": "ok", "expires_in": "3600", "scope": ["a"], "refresh_token": ""}'
    token = parse_token_response(_answer(body), now=1000.0)
    assert token.expires_at == 4600.0
    assert token.scope is None
    assert token.refresh_token is None
    assert token.issued_at == 1000.0


def test_a_null_access_token_is_never_sent_as_bearer_none() -> None:
    sent: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": None, "expires_in": 3600})
        return httpx.Response(200, json={"data": [], "next": None})

    clock = FakeClock()
    manager = TokenManager(
        ClientCredentials(
            token_url=f"{BASE}/oauth/token", client_id="toy", client_secret=SECRET, family=QADError
        ),
        clock=clock,
    )
    config = make_config(clock, auth=manager, family=QADError)
    with SyncAPIClient(config, transport=httpx.MockTransport(server)) as api:
        with pytest.raises(QADError) as caught:
            api._send(list_items())
    assert isinstance(caught.value, ServerError)
    assert [r.url.path for r in sent] == ["/oauth/token"]
    assert all("Bearer None" not in r.headers.get("authorization", "") for r in sent)

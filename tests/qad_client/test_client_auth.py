"""QAD sign-in against the simulator: client-id lookup, password grant, single-use refresh,
fallback to login, session end, 401 once, 403 never, client credentials, static tokens, secrets.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from mlconnector_http import AuthError, FakeClock, PermissionDenied, RetryPolicy, Token
from mlconnector_http.testing import Fault
from qad_client import (
    PasswordLogin,
    QADAuthError,
    QADClient,
    QADPermissionDenied,
    QADServerError,
    SecurityControl,
)
from qad_client.testing import QADSimulator, unavailable

from .test_client_support import DOMAIN, ENTITY, PASSWORD, TENANT, USER, Recorder, World, make_world


def _form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


def _token_calls(world: World) -> list[dict[str, str]]:
    return [_form(r) for r in world.recorder.requests if r.url.path.endswith("/oauth/token")]


def _grants(world: World) -> list[str]:
    return [form["grant_type"] for form in _token_calls(world)]


def _stored(client: QADClient) -> Token:
    manager = client.config.auth
    assert manager is not None
    token = manager.store.get(manager.key)
    assert token is not None
    return token


def _answer(op: Any, status: int, body: Any) -> Any:
    """What the toolkit sends back into a token flow: the parsed value of one reply."""
    request = httpx.Request(op.method, op.path)
    return op.parse(httpx.Response(status, json=body, request=request))


def test_the_flow_looks_the_client_id_up_and_bounds_tokens_by_the_session() -> None:
    login = PasswordLogin(base_url="https://acme.qad.com/clouderp/", username=USER, password="pw")
    flow = login.token_flow(None, 1000.0)
    lookup = next(flow)
    assert lookup.path.endswith("api/qracore/securityControl")
    assert lookup.headers["Authorization"].startswith("Basic ")
    control = {"clientId": "cid", "sessionLength": 480, "timeoutMinutes": 30}
    sign_in = flow.send(_answer(lookup, 200, {"data": {"securityControls": [control]}}))
    assert login.control == SecurityControl("cid", 480, 30)
    assert sign_in.form == {
        "grant_type": "password",
        "client_id": "cid",
        "username": USER,
        "password": "pw",
    }
    assert sign_in.retry_safe
    # a reply without lifetimes: the session length bounds the refresh token, the idle
    # timeout the access token
    with pytest.raises(StopIteration) as done:
        flow.send(_answer(sign_in, 200, {"access_token": "a1", "refresh_token": "r1"}))
    token = done.value.value
    assert token.expires_at == 1000.0 + 30 * 60
    assert token.refresh_expires_at == 1000.0 + 480 * 60

    renew = login.token_flow(token, 2500.0)
    refresh = next(renew)  # the client id is known now: no second lookup
    assert refresh.form == {
        "grant_type": "refresh_token",
        "refresh_token": "r1",
        "client_id": "cid",
    }
    assert not refresh.retry_safe  # a refresh token works once
    with pytest.raises(StopIteration) as renewed:
        renew.send(_answer(refresh, 200, {"access_token": "a2", "refresh_token": "r2"}))
    assert renewed.value.value.refresh_expires_at == token.refresh_expires_at  # same session


def test_a_security_control_without_a_client_id_is_a_server_error() -> None:
    world = make_world()
    empty = b'{"data": {"securityControls": []}}'
    world.sim.faults.add(
        Fault.http_status(200, headers={"content-type": "application/json"}, body=empty),
        path="securityControl",
        times=None,
    )
    with pytest.raises(QADServerError) as caught:
        world.client().suppliers.get(world.seed.suppliers[0])
    assert caught.value.status_code == 200
    assert caught.value.path is not None
    assert caught.value.path.endswith("securityControl")
    assert _grants(world) == []


def test_first_call_reads_the_client_id_then_logs_in_with_the_password() -> None:
    world = make_world()
    client = world.client()
    assert [s.code for s in client.suppliers.list()] == list(world.seed.suppliers)
    assert world.recorder.paths()[:3] == [
        "GET /api/qracore/securityControl",
        "POST /oauth/token",
        "GET /api/qracore/browses",
    ]
    lookup = world.recorder.requests[0]
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert lookup.headers["authorization"] == f"Basic {basic}"
    login = _token_calls(world)[0]
    assert login == {
        "grant_type": "password",
        "client_id": world.sim.client_id(TENANT),
        "username": USER,
        "password": PASSWORD,
    }
    browse = world.recorder.requests[2]
    assert browse.headers["authorization"].startswith("Bearer ")
    assert browse.headers["x-qad-workspace-id"] == f"{DOMAIN}_{ENTITY}"
    # the session limits were learnt too: the refresh token is good until the session ends
    token = _stored(client)
    assert token.refresh_expires_at == world.clock.time() + 480 * 60
    client.suppliers.get(world.seed.suppliers[0])
    assert world.recorder.paths().count("GET /api/qracore/securityControl") == 1


def test_a_given_client_id_skips_the_lookup() -> None:
    world = make_world()
    client = world.client(client_id=world.sim.client_id(TENANT))
    client.items.get(world.seed.items[0])
    assert world.recorder.paths()[0] == "POST /oauth/token"
    assert "GET /api/qracore/securityControl" not in world.recorder.paths()


def test_refresh_tokens_are_spent_once_and_rotated() -> None:
    world = make_world()
    client = world.client()
    code = world.seed.suppliers[0]
    client.suppliers.get(code)
    for _ in range(3):
        world.clock.advance(1750)  # inside the 60 s leeway of the 1800 s token
        client.suppliers.get(code)
    calls = _token_calls(world)
    assert [c["grant_type"] for c in calls] == ["password"] + ["refresh_token"] * 3
    spent = [c["refresh_token"] for c in calls[1:]]
    assert len(set(spent)) == 3
    assert all(c["client_id"] == world.sim.client_id(TENANT) for c in calls)
    # the simulator refuses a second use, which is why the client never replays one
    with httpx.Client(transport=world.sim.transport()) as raw:
        again = raw.post(
            world.url + "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": spent[0],
                "client_id": calls[0]["client_id"],
            },
        )
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_a_failed_refresh_falls_back_to_a_fresh_login() -> None:
    world = make_world()
    client = world.client()
    code = world.seed.suppliers[0]
    client.suppliers.get(code)
    world.sim.revoke_tokens(TENANT)  # the refresh token dies with the session
    world.clock.advance(1750)
    assert client.suppliers.get(code).code == code
    assert _grants(world) == ["password", "refresh_token", "password"]
    statuses = [r.status for r in world.sim.requests if r.path.endswith("/oauth/token")]
    assert statuses == [200, 400, 200]


def test_a_refresh_is_never_resent_and_a_failed_one_falls_back_to_login() -> None:
    world = make_world()
    client = world.client()
    code = world.seed.suppliers[0]
    client.suppliers.get(code)
    world.sim.faults.add(unavailable(), path="/oauth/token")  # the next token call only
    world.clock.advance(1750)
    assert client.suppliers.get(code).code == code
    assert _grants(world) == ["password", "refresh_token", "password"]


def test_when_the_fallback_login_fails_too_the_auth_error_is_raised() -> None:
    world = make_world()
    client = world.client()
    code = world.seed.suppliers[0]
    client.suppliers.get(code)
    world.sim.revoke_tokens(TENANT)
    world.sim.add_user(TENANT, USER, "a-new-password")
    world.clock.advance(1750)
    with pytest.raises(QADAuthError, match="Bad credentials"):
        client.suppliers.get(code)
    assert _grants(world) == ["password", "refresh_token", "password"]


def test_at_the_end_of_the_session_the_client_logs_in_without_a_doomed_refresh() -> None:
    clock = FakeClock()
    sim = QADSimulator(clock=clock, session_length=60, token_lifetime=1800)
    url = sim.add_tenant(TENANT)
    sim.add_user(TENANT, USER, PASSWORD)
    seeded = sim.seed(TENANT, suppliers=1)
    recorder = Recorder(sim)
    client = QADClient(
        tenant_url=url,
        domain=DOMAIN,
        entity=ENTITY,
        username=USER,
        password=PASSWORD,
        transport=recorder,
        clock=clock,
        retry=RetryPolicy.for_testing(),
    )
    code = seeded.suppliers[0]
    client.suppliers.get(code)  # t=0: login, session ends at t=3600
    clock.advance(1750)
    client.suppliers.get(code)  # refresh: the session still has 30 minutes
    clock.advance(1750)
    client.suppliers.get(code)  # t=3500: refresh again (token now lives only 100 s)
    clock.advance(90)
    client.suppliers.get(code)  # t=3590: 10 s of session left, so log in again
    world_grants = [
        _form(r)["grant_type"] for r in recorder.requests if r.url.path.endswith("/oauth/token")
    ]
    assert world_grants == ["password", "refresh_token", "refresh_token", "password"]
    assert all(r.status == 200 for r in sim.requests)


def test_a_401_refreshes_once_and_retries_once() -> None:
    world = make_world()
    client = world.client()
    code = world.seed.suppliers[0]
    client.suppliers.get(code)
    world.sim.revoke_tokens(TENANT)  # the cached access token is now refused
    world.recorder.requests.clear()
    assert client.suppliers.get(code).code == code
    assert world.recorder.paths() == [
        "GET /api/erp/supplierV2s",
        "POST /oauth/token",  # refresh: refused, the session was revoked
        "POST /oauth/token",  # fresh login
        "GET /api/erp/supplierV2s",
    ]


def test_a_persistent_401_is_raised_after_one_refresh_and_one_retry() -> None:
    world = make_world()
    client = world.client()
    client.suppliers.get(world.seed.suppliers[0])
    rule = world.sim.faults.add(
        Fault.http_status(401, body=b'{"error":"invalid_token"}'), path="/api/erp/", times=None
    )
    world.recorder.requests.clear()
    with pytest.raises(QADAuthError) as caught:
        client.suppliers.get(world.seed.suppliers[0])
    assert isinstance(caught.value, AuthError)
    assert rule.fired == 2
    assert world.recorder.paths() == [
        "GET /api/erp/supplierV2s",
        "POST /oauth/token",
        "GET /api/erp/supplierV2s",
    ]


def test_a_403_is_a_permission_error_and_never_a_refresh() -> None:
    world = make_world(permissions=["supplierV2s:read"])
    client = world.client()
    assert client.suppliers.get(world.seed.suppliers[0])
    with pytest.raises(QADPermissionDenied) as caught:
        list(client.purchase_orders.list())
    assert isinstance(caught.value, PermissionDenied)
    assert caught.value.status_code == 403
    assert "purchaseOrderHeaders" in caught.value.message
    assert _grants(world) == ["password"]
    assert world.recorder.paths().count("GET /api/qracore/browses") == 1


def test_wrong_password_is_an_auth_error() -> None:
    world = make_world()
    client = world.client(client_id=world.sim.client_id(TENANT), password="wrong")
    with pytest.raises(QADAuthError, match="Bad credentials") as caught:
        client.suppliers.get("X")
    assert caught.value.status_code == 400
    assert "wrong" not in str(caught.value)
    lookup = world.client(password="wrong")
    with pytest.raises(QADAuthError) as looked:
        lookup.suppliers.get("X")
    assert looked.value.status_code == 401
    assert looked.value.path is not None
    assert looked.value.path.endswith("securityControl")


def test_client_credentials_for_a_service_account() -> None:
    world = make_world()
    world.sim.add_service_account(TENANT, "svc-sync", "svc-secret")
    client = world.client(
        username=None, password=None, client_id="svc-sync", client_secret="svc-secret"
    )
    code = world.seed.items[0]
    assert client.items.get(code).code == code
    world.clock.advance(1750)
    client.items.get(code)
    calls = _token_calls(world)
    assert [c["grant_type"] for c in calls] == ["client_credentials", "client_credentials"]
    assert calls[0]["client_id"] == "svc-sync"
    assert "GET /api/qracore/securityControl" not in world.recorder.paths()


def test_a_ready_token_is_sent_as_is_and_never_refreshed() -> None:
    world = make_world()
    with httpx.Client(transport=world.sim.transport()) as raw:
        grant = raw.post(
            world.url + "/oauth/token",
            data={
                "grant_type": "password",
                "client_id": world.sim.client_id(TENANT),
                "username": USER,
                "password": PASSWORD,
            },
        ).json()
    client = world.client(username=None, password=None, token=grant["access_token"])
    assert client.suppliers.get(world.seed.suppliers[0])
    assert world.recorder.requests[0].headers["authorization"] == (
        f"Bearer {grant['access_token']}"
    )
    world.sim.revoke_tokens(TENANT)
    with pytest.raises(QADAuthError):
        client.suppliers.get(world.seed.suppliers[0])
    assert _grants(world) == []


def test_threads_sharing_a_client_refresh_once() -> None:
    world = make_world()
    client = world.client()
    code = world.seed.suppliers[0]
    client.suppliers.get(code)
    world.clock.advance(1750)
    start = threading.Barrier(8)

    def call(_: int) -> str:
        start.wait()
        return client.suppliers.get(code).code

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(call, range(8))) == [code] * 8
    assert _grants(world) == ["password", "refresh_token"]


def test_async_tasks_refresh_once() -> None:
    world = make_world()

    async def run() -> None:
        async with world.async_client() as client:
            code = world.seed.suppliers[0]
            await client.suppliers.get(code)
            world.clock.advance(1750)
            found = await asyncio.gather(*(client.suppliers.get(code) for _ in range(8)))
            assert {s.code for s in found} == {code}

    asyncio.run(run())
    assert _grants(world) == ["password", "refresh_token"]


def test_secrets_stay_out_of_logs_reprs_and_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    world = make_world()
    world.sim.add_service_account(TENANT, "svc-sync", "svc-secret-value")
    client = world.client()
    code = world.seed.suppliers[0]
    client.suppliers.get(code)
    world.clock.advance(1750)
    client.suppliers.get(code)
    token = _stored(client)
    assert token.refresh_token is not None
    secrets = [PASSWORD, "svc-secret-value", token.access_token.reveal()]
    secrets += [c.get("refresh_token", "") for c in _token_calls(world) if "refresh_token" in c]
    secrets.append(token.refresh_token.reveal())
    service = world.client(
        username=None, password=None, client_id="svc-sync", client_secret="svc-secret-value"
    )
    service.items.get(world.seed.items[0])
    failures: list[str] = []
    for bad in (
        world.client(password="not-" + PASSWORD),
        world.client(username=None, password=None, client_id="svc-sync", client_secret="nope"),
    ):
        with pytest.raises(QADAuthError) as caught:
            bad.items.get("X")
        failures += [str(caught.value), repr(caught.value), repr(caught.value.body)]
    assert caplog.records, "the toolkit logs every attempt at DEBUG"
    shown = [caplog.text, *failures]
    for obj in (client, service):
        manager = obj.config.auth
        assert manager is not None
        shown += [repr(obj), repr(obj.config), repr(manager), repr(manager.provider)]
        shown += [repr(manager.store.get(manager.key)), str(manager.store.get(manager.key))]
    for text in shown:
        for secret in secrets:
            assert secret not in text
        assert "not-" + PASSWORD not in text

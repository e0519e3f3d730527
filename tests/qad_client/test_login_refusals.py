"""A refused QAD sign-in is never retried: QAD disables a user after 10 failed logins
(Security Control's "Maximum Access Failures"), so a wrong password is sent once."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from mlconnector_http import AuthError, RetryPolicy
from qad_client import PasswordLogin, QADAuthError
from qad_client.testing import unavailable

from .test_client_support import PASSWORD, TENANT, USER, World, make_world


def _token_posts(world: World) -> int:
    return sum(1 for r in world.recorder.requests if r.url.path.endswith("/oauth/token"))


def _lookups(world: World) -> int:
    return sum(1 for r in world.recorder.requests if r.url.path.endswith("/securityControl"))


def test_the_simulator_disables_a_user_after_ten_wrong_passwords() -> None:
    world = make_world()
    client_id = world.sim.client_id(TENANT)
    form = {"grant_type": "password", "client_id": client_id, "username": USER}
    with httpx.Client(transport=world.sim.transport()) as raw:
        for _ in range(10):
            assert raw.post(f"{world.url}/oauth/token", data=form | {"password": "x"}).is_error
        right = raw.post(f"{world.url}/oauth/token", data=form | {"password": PASSWORD})
    assert right.status_code == 400  # the right password no longer helps: the user is off


def test_a_wrong_password_is_sent_once_however_often_the_client_is_called() -> None:
    world = make_world()
    client = world.client(client_id=world.sim.client_id(TENANT), password="wrong")
    code = world.seed.suppliers[0]
    for _ in range(12):
        with pytest.raises(QADAuthError) as caught:
            client.suppliers.get(code)
        assert "not tried again" in str(caught.value)
        assert isinstance(caught.value, AuthError)
        assert "wrong" not in str(caught.value)
    assert _token_posts(world) == 1
    provider = client.config.auth.provider if client.config.auth else None
    assert isinstance(provider, PasswordLogin)
    assert provider.refused
    # the copies share the refusal: for_domain does not get another try
    with pytest.raises(QADAuthError):
        client.for_domain("10USA", "10USACO").suppliers.get(code)
    assert _token_posts(world) == 1
    # 12 wrong logins would have disabled the user; one did not: the right password works
    assert world.client().suppliers.get(code).code == code


def test_a_wrong_password_on_the_client_id_lookup_is_not_retried_either() -> None:
    world = make_world()
    client = world.client(password="wrong")  # Basic auth on securityControl first
    for _ in range(5):
        with pytest.raises(QADAuthError) as caught:
            client.suppliers.get(world.seed.suppliers[0])
        assert caught.value.status_code == 401
    assert _lookups(world) == 1
    assert _token_posts(world) == 0


def test_a_wrong_client_id_is_not_retried() -> None:
    world = make_world()
    client = world.client(client_id="not-the-tenants-client-id")
    for _ in range(3):
        with pytest.raises(QADAuthError):
            client.suppliers.get(world.seed.suppliers[0])
    assert _token_posts(world) == 1


def test_a_password_changed_mid_session_is_tried_once_after_the_401() -> None:
    world = make_world()
    client = world.client()
    code = world.seed.suppliers[0]
    client.suppliers.get(code)
    world.sim.revoke_tokens(TENANT)  # the token and the refresh token die...
    world.sim.add_user(TENANT, USER, "changed-by-an-admin")  # ...and the password changed
    for _ in range(4):
        with pytest.raises(QADAuthError):
            client.suppliers.get(code)
    grants = [r for r in world.recorder.requests if r.url.path.endswith("/oauth/token")]
    assert len(grants) == 3  # the first login, one refresh, one refused login: nothing more


def test_the_async_client_does_not_retry_a_wrong_password() -> None:
    world = make_world()

    async def main() -> None:
        async with world.async_client(
            client_id=world.sim.client_id(TENANT), password="wrong"
        ) as client:
            for _ in range(5):
                with pytest.raises(QADAuthError):
                    await client.suppliers.get(world.seed.suppliers[0])

    asyncio.run(main())
    assert _token_posts(world) == 1


def test_an_unavailable_token_endpoint_is_still_retried() -> None:
    world = make_world()
    world.sim.faults.add(unavailable(), path="/oauth/token", times=1)
    client = world.client(client_id=world.sim.client_id(TENANT), retry=RetryPolicy.for_testing())
    assert client.suppliers.get(world.seed.suppliers[0]).code == world.seed.suppliers[0]
    assert _token_posts(world) == 2
    provider = client.config.auth.provider if client.config.auth else None
    assert isinstance(provider, PasswordLogin)
    assert not provider.refused

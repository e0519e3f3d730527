"""Token rules: cache, leeway, one refresh at a time, one retry on 401, stores, static tokens."""

from __future__ import annotations

import asyncio
import threading

import pytest
from tests.mlconnector_http.toy import BASE, SECRET, ToySimulator, list_items, make_config

from mlconnector_http import (
    AsyncAPIClient,
    AuthError,
    ClientConfig,
    ClientCredentials,
    FakeClock,
    MemoryTokenStore,
    RetryPolicy,
    Secret,
    StaticToken,
    SyncAPIClient,
    TokenManager,
)


def test_token_is_cached_across_calls(client: SyncAPIClient, sim: ToySimulator) -> None:
    for _ in range(5):
        list(client._paginate(list_items()))
    assert sim.tokens_issued == 1


def test_token_refreshed_leeway_seconds_before_expiry(
    client: SyncAPIClient, sim: ToySimulator, clock: FakeClock
) -> None:
    list(client._paginate(list_items(page_size=100)))
    clock.advance(sim.token_lifetime - 61)
    list(client._paginate(list_items(page_size=100)))
    assert sim.tokens_issued == 1
    clock.advance(2)
    list(client._paginate(list_items(page_size=100)))
    assert sim.tokens_issued == 2
    assert sim.request_count(path="/items/") == 3


def test_a_401_refreshes_once_and_retries_once(client: SyncAPIClient, sim: ToySimulator) -> None:
    list(client._paginate(list_items(page_size=100)))
    sim.valid_tokens.clear()
    assert len(list(client._paginate(list_items(page_size=100)))) == 25
    assert sim.tokens_issued == 2


def test_a_401_after_refresh_raises_instead_of_looping(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    sim.token_lifetime = -10
    with pytest.raises(AuthError) as caught:
        list(client._paginate(list_items()))
    assert caught.value.status_code == 401
    assert caught.value.request_id == "req-401"
    assert sim.tokens_issued == 2
    assert sim.request_count(path="/items/") == 2


def test_bad_credentials_raise_auth_error(sim: ToySimulator, clock: FakeClock) -> None:
    manager = TokenManager(
        ClientCredentials(token_url=f"{BASE}/oauth/token", client_id="toy", client_secret="wrong"),
        clock=clock,
    )
    with SyncAPIClient(make_config(clock, auth=manager), transport=sim.transport()) as api:
        with pytest.raises(AuthError) as caught:
            list(api._paginate(list_items()))
    assert "invalid_client" in str(caught.value)
    assert "wrong" not in str(caught.value)


def test_threads_finding_no_token_cause_one_token_request(
    sim: ToySimulator, clock: FakeClock
) -> None:
    config = make_config(clock)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with SyncAPIClient(config, transport=sim.transport()) as api:
                list(api._paginate(list_items(page_size=100)))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sim.tokens_issued == 1


def test_fifty_async_calls_with_an_expired_token_cause_one_token_request(
    sim: ToySimulator, clock: FakeClock
) -> None:
    async def main() -> None:
        async with AsyncAPIClient(make_config(clock), transport=sim.transport()) as api:
            await api._paginate(list_items(page_size=100)).to_list()
            clock.advance(sim.token_lifetime + 1)
            results = await asyncio.gather(
                *(api._send(list_items(page_size=100)) for _ in range(50))
            )
            assert all(len(page.items) == 25 for page in results)

    asyncio.run(main())
    assert sim.tokens_issued == 2


def test_two_managers_of_one_credential_share_the_lock(clock: FakeClock) -> None:
    def manager() -> TokenManager:
        return TokenManager(
            ClientCredentials(token_url=f"{BASE}/oauth/token", client_id="c", client_secret="x"),
            clock=clock,
        )

    other = TokenManager(
        ClientCredentials(token_url=f"{BASE}/oauth/token", client_id="d", client_secret="x"),
        clock=clock,
    )
    assert manager().lock() is manager().lock()
    assert manager().lock() is not other.lock()
    assert manager().key == manager().key != other.key
    assert "x" not in manager().key


def test_a_shared_store_lets_a_token_outlive_the_client(
    sim: ToySimulator, clock: FakeClock
) -> None:
    store = MemoryTokenStore()
    for _ in range(3):
        manager = TokenManager(
            ClientCredentials(
                token_url=f"{BASE}/oauth/token", client_id="toy", client_secret=SECRET
            ),
            store=store,
            clock=clock,
        )
        with SyncAPIClient(make_config(clock, auth=manager), transport=sim.transport()) as api:
            list(api._paginate(list_items()))
    assert sim.tokens_issued == 1


def test_static_token_is_sent_and_a_401_is_final(sim: ToySimulator, clock: FakeClock) -> None:
    sim.valid_tokens["given-token"] = clock.time() + 100
    manager = TokenManager(StaticToken("given-token"), clock=clock)
    config = ClientConfig(base_url=BASE, auth=manager, retry=RetryPolicy.for_testing(), clock=clock)
    with SyncAPIClient(config, transport=sim.transport()) as api:
        assert len(list(api._paginate(list_items(page_size=100)))) == 25
        clock.advance(200)
        with pytest.raises(AuthError):
            list(api._paginate(list_items()))
    assert sim.tokens_issued == 0


def test_secret_never_shows() -> None:
    secret = Secret("hunter2")
    assert "hunter2" not in repr(secret)
    assert "hunter2" not in str(secret)
    assert "hunter2" not in f"{secret}"
    assert "hunter2" not in repr(
        ClientCredentials(token_url="u", client_id="i", client_secret="hunter2")
    )
    assert secret.reveal() == "hunter2"

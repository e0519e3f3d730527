"""The token store's lock: held around every refresh, the store re-read inside it, and the
async path never blocking the event loop on a store, lock or budget that does I/O."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType

import httpx
import pytest
from tests.mlconnector_http.toy import BASE, SECRET, ToySimulator, list_items, make_config

from mlconnector_http import (
    AsyncAPIClient,
    ClientCredentials,
    FakeClock,
    MemoryTokenStore,
    Secret,
    SyncAPIClient,
    Token,
    TokenManager,
    TokenStore,
)


class _Lock:
    """A lock that can run ``before_acquire`` once: "another process refreshed meanwhile"."""

    def __init__(self, store: SharedStore) -> None:
        self._store = store

    def __enter__(self) -> None:
        self._store.calls.append(("lock", threading.get_ident()))
        hook, self._store.before_acquire = self._store.before_acquire, None
        if hook is not None:
            hook()
        self._store.mutex.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._store.calls.append(("unlock", threading.get_ident()))
        self._store.mutex.release()


class SharedStore:
    """A store as a database would be: not ``in_process``, so async callers go off the loop."""

    def __init__(self, *, delay: float = 0.0) -> None:
        self.tokens: dict[str, Token] = {}
        self.mutex = threading.Lock()
        self.calls: list[tuple[str, int]] = []
        self.events: list[str] = []
        self.before_acquire: Callable[[], object] | None = None
        self.delay = delay

    def get(self, key: str) -> Token | None:
        self.calls.append(("get", threading.get_ident()))
        time.sleep(self.delay)
        return self.tokens.get(key)

    def set(self, key: str, token: Token) -> None:
        self.calls.append(("set", threading.get_ident()))
        self.events.append(f"set {token.access_token.reveal()}")
        self.tokens[key] = token

    def delete(self, key: str) -> None:
        self.tokens.pop(key, None)

    def lock(self, key: str) -> contextlib.AbstractContextManager[None]:
        return _Lock(self)


class RecordingBudget:
    """A budget that does I/O (not ``in_process``): records the thread of every call."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def reserve(self, key: str) -> float:
        self.threads.append(threading.get_ident())
        return 0.0

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        self.threads.append(threading.get_ident())


class Logged(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Passes requests on and notes the bearer token of each in the store's event list."""

    def __init__(self, sim: ToySimulator, events: list[str]) -> None:
        self.inner = sim.transport()
        self.events = events

    def _note(self, request: httpx.Request) -> None:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        self.events.append(f"send {request.url.path} {bearer}".rstrip())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._note(request)
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._note(request)
        return await self.inner.handle_async_request(request)


def _manager(store: TokenStore, clock: FakeClock) -> TokenManager:
    provider = ClientCredentials(
        token_url=f"{BASE}/oauth/token", client_id="toy", client_secret=SECRET
    )
    return TokenManager(provider, store=store, leeway=60, clock=clock)


def test_memory_store_lock_is_the_process_wide_lock_of_the_key() -> None:
    one, two = MemoryTokenStore(), MemoryTokenStore()
    assert one.lock("k") is two.lock("k")
    assert one.lock("k") is not one.lock("other")
    with one.lock("k"):
        acquired = threading.Event()

        def other_thread() -> None:
            with two.lock("k"):
                acquired.set()

        worker = threading.Thread(target=other_thread)
        worker.start()
        assert not acquired.wait(0.05)  # held: the other store's lock is the same lock
    worker.join(2)
    assert acquired.is_set()


def test_a_token_refreshed_by_another_process_while_waiting_is_used(
    sim: ToySimulator, clock: FakeClock
) -> None:
    store = SharedStore()
    manager = _manager(store, clock)
    with SyncAPIClient(make_config(clock, auth=manager), transport=sim.transport()) as api:
        api._send(list_items())
        assert sim.tokens_issued == 1
        clock.advance(sim.token_lifetime)  # expired: a refresh is due

        def other_process_refreshes() -> None:
            # what a second worker did while this one waited for the (advisory) lock
            sim.tokens_issued += 1
            fresh = f"other-process-token-{sim.tokens_issued}"
            sim.valid_tokens[fresh] = clock.time() + sim.token_lifetime
            store.tokens[manager.key] = Token(Secret(fresh), expires_at=clock.time() + 3600)

        store.before_acquire = other_process_refreshes
        api._send(list_items())
    assert sim.tokens_issued == 2  # the other one's: none of our own
    assert sim.request_count(path="/oauth/token") == 1
    assert [name for name, _ in store.calls].count("set") == 1  # only the first token


def test_the_async_path_uses_the_other_process_token_too(
    sim: ToySimulator, clock: FakeClock
) -> None:
    store = SharedStore()
    manager = _manager(store, clock)

    async def main() -> None:
        async with AsyncAPIClient(
            make_config(clock, auth=manager), transport=sim.transport()
        ) as api:
            await api._send(list_items())
            clock.advance(sim.token_lifetime)

            def other_process_refreshes() -> None:
                sim.valid_tokens["theirs"] = clock.time() + sim.token_lifetime
                store.tokens[manager.key] = Token(Secret("theirs"), expires_at=clock.time() + 99)

            store.before_acquire = other_process_refreshes
            await api._send(list_items())

    asyncio.run(main())
    assert sim.request_count(path="/oauth/token") == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_new_token_is_saved_before_it_is_sent(
    mode: str, sim: ToySimulator, clock: FakeClock
) -> None:
    store = SharedStore()
    manager = _manager(store, clock)
    transport = Logged(sim, store.events)
    config = make_config(clock, auth=manager)
    if mode == "sync":
        with SyncAPIClient(config, transport=transport) as api:
            api._send(list_items())
    else:

        async def main() -> None:
            async with AsyncAPIClient(config, transport=transport) as api:
                await api._send(list_items())

        asyncio.run(main())
    assert store.events == [
        "send /oauth/token",
        "set access-token-0001",
        "send /items/ access-token-0001",
    ]
    names = [name for name, _ in store.calls]
    assert names.index("lock") < names.index("set") < names.index("unlock")


def test_async_store_lock_and_budget_calls_run_off_the_event_loop(
    sim: ToySimulator, clock: FakeClock
) -> None:
    store = SharedStore()
    budget = RecordingBudget()
    manager = _manager(store, clock)
    loop_threads: list[int] = []

    async def main() -> None:
        loop_threads.append(threading.get_ident())
        config = make_config(clock, auth=manager, budget=budget)
        async with AsyncAPIClient(config, transport=sim.transport()) as api:
            await api._send(list_items())
            clock.advance(sim.token_lifetime)
            await api._send(list_items())

    asyncio.run(main())
    assert sim.tokens_issued == 2
    names = {name for name, _ in store.calls}
    assert {"get", "set", "lock", "unlock"} <= names
    assert all(thread != loop_threads[0] for _, thread in store.calls)
    assert len(budget.threads) >= 8  # reserve and observe, token and API calls
    assert all(thread != loop_threads[0] for thread in budget.threads)


def test_a_slow_store_does_not_stall_other_tasks(sim: ToySimulator, clock: FakeClock) -> None:
    store = SharedStore(delay=0.2)
    manager = _manager(store, clock)
    ticks: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        while not stop.is_set():
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(ticker(stop))
        async with AsyncAPIClient(
            make_config(clock, auth=manager), transport=sim.transport()
        ) as api:
            await api._send(list_items())  # two slow reads of the store before the token call
        stop.set()
        await task

    asyncio.run(main())
    assert len(ticks) >= 10  # the loop kept running during 0.4 s of store reads


def test_a_cancelled_refresh_never_leaves_the_credential_locked(clock: FakeClock) -> None:
    store = SharedStore()
    manager = _manager(store, clock)
    store.mutex.acquire()  # another process holds the lock

    async def never(flow: object) -> Token:  # pragma: no cover - the lock is never obtained
        raise AssertionError("refreshed without the lock")

    async def main() -> None:
        loop, waiting = asyncio.get_running_loop(), asyncio.Event()
        store.before_acquire = lambda: loop.call_soon_threadsafe(waiting.set)
        task = asyncio.create_task(manager.aauthorize(never))
        await waiting.wait()
        task.cancel()  # while our worker thread waits for the lock
        with pytest.raises(asyncio.CancelledError):
            await task
        store.mutex.release()  # the other process is done: our thread gets it, lets go
        for _ in range(400):
            if [name for name, _ in store.calls].count("unlock") == 1:
                break
            await asyncio.sleep(0.005)

    asyncio.run(main())
    assert [name for name, _ in store.calls].count("unlock") == 1
    assert store.mutex.acquire(timeout=2)


def _eventually(check: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return False

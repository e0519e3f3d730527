"""A token whose lifetime is shorter than the refresh leeway is used for a while (the leeway
is capped at a fraction of the lifetime), not fetched again for every call."""

from __future__ import annotations

from tests.mlconnector_http.toy import BASE, SECRET, ToySimulator, list_items, make_config

from mlconnector_http import (
    LEEWAY_FRACTION,
    ClientCredentials,
    FakeClock,
    Secret,
    SyncAPIClient,
    Token,
    TokenFlow,
    TokenManager,
)


def _manager(clock: FakeClock, leeway: float) -> TokenManager:
    provider = ClientCredentials(
        token_url=f"{BASE}/oauth/token", client_id="toy", client_secret=SECRET
    )
    return TokenManager(provider, leeway=leeway, clock=clock)


def test_a_60s_token_with_a_300s_leeway_serves_many_calls(
    sim: ToySimulator, clock: FakeClock
) -> None:
    sim.token_lifetime = 60
    config = make_config(clock, auth=_manager(clock, leeway=300))
    with SyncAPIClient(config, transport=sim.transport()) as api:
        for _ in range(10):
            api._send(list_items())
        assert sim.tokens_issued == 1
        clock.advance(60 * LEEWAY_FRACTION - 1)
        api._send(list_items())
        assert sim.tokens_issued == 1
        clock.advance(2)  # past half the lifetime: renewed early, before it expires
        api._send(list_items())
        api._send(list_items())
        assert sim.tokens_issued == 2
    assert sim.request_count(path="/items/") == 13


def test_the_full_leeway_applies_to_a_long_lived_token() -> None:
    token = Token(Secret("t"), expires_at=3600.0, issued_at=0.0)
    assert token.usable(3299.0, 300)
    assert not token.usable(3301.0, 300)


def test_the_cap_needs_the_issue_time_and_a_token_without_expiry_never_expires() -> None:
    short = Token(Secret("t"), expires_at=1060.0, issued_at=1000.0)
    assert short.usable(1029.0, 300)
    assert not short.usable(1031.0, 300)
    unknown_start = Token(Secret("t"), expires_at=1060.0)
    assert not unknown_start.usable(1000.0, 300)  # nothing to cap by: the plain leeway
    assert Token(Secret("t")).usable(1e12, 300)


class _ShortLived:
    """A provider whose tokens carry no issue time: the manager stamps it."""

    key = "short-lived"

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.issued = 0

    def token_flow(self, current: Token | None, now: float) -> TokenFlow:
        self.issued += 1
        return Token(Secret(f"t{self.issued}"), expires_at=now + 60)
        yield  # pragma: no cover - a flow with no request


def test_the_manager_stamps_the_issue_time_of_a_provider_token(clock: FakeClock) -> None:
    provider = _ShortLived(clock)
    manager = TokenManager(provider, leeway=300, clock=clock)

    def run(flow: TokenFlow) -> Token:
        try:
            next(flow)
        except StopIteration as done:
            token: Token = done.value
            return token
        raise AssertionError("the flow sent a request")  # pragma: no cover

    assert [manager.authorize(run) for _ in range(5)] == ["t1"] * 5
    stored = manager.store.get(manager.key)
    assert stored is not None
    assert stored.issued_at == clock.time()
    clock.advance(31)
    assert manager.authorize(run) == "t2"

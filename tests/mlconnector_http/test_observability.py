"""Every attempt is logged and offered to the hook; no secret ever reaches a log or a repr."""

from __future__ import annotations

import logging

import pytest
from tests.mlconnector_http.toy import (
    BASE,
    SECRET,
    ToySimulator,
    create_thing,
    list_items,
    make_config,
)

from mlconnector_http import (
    APIError,
    AttemptEvent,
    ClientCredentials,
    FakeClock,
    SyncAPIClient,
    TokenManager,
)
from mlconnector_http.testing import Fault


def test_attempts_are_logged_with_their_figures(
    sim: ToySimulator, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mlconnector_http")
    events: list[AttemptEvent] = []
    sim.faults.add(Fault.http_status(503, headers={"retry-after": "2"}), path="/items/")
    with SyncAPIClient(
        make_config(clock, event_hook=events.append), transport=sim.transport()
    ) as api:
        list(api._paginate(list_items(page_size=100)))
    lines = [r.getMessage() for r in caplog.records if r.name == "mlconnector_http"]
    assert any(
        "GET /items/ -> 503 attempt=1" in line and "retry_in=2.000s" in line for line in lines
    )
    assert any("GET /items/ -> 200 attempt=2" in line for line in lines)
    assert any("POST /oauth/token -> 200" in line for line in lines)
    assert [(e.operation, e.status, e.attempt) for e in events] == [
        ("oauth.token", 200, 1),
        ("items.list", 503, 1),
        ("items.list", 200, 2),
    ]


def test_a_whole_session_never_shows_a_secret(
    sim: ToySimulator, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    shown: list[str] = []
    manager = TokenManager(
        ClientCredentials(token_url=f"{BASE}/oauth/token", client_id="toy", client_secret=SECRET),
        clock=clock,
    )
    config = make_config(clock, auth=manager, event_hook=lambda e: shown.append(repr(e)))
    with SyncAPIClient(config, transport=sim.transport()) as api:
        list(api._paginate(list_items()))
        api._send(create_thing({"n": 1}))
        sim.valid_tokens.clear()
        sim.token_lifetime = -1
        with pytest.raises(APIError) as caught:
            list(api._paginate(list_items()))
        shown += [repr(api), repr(api.config), repr(manager), repr(manager.store)]
        shown += [str(caught.value), repr(caught.value), repr(manager.store.get(manager.key))]
    shown += [r.getMessage() for r in caplog.records]
    shown += [repr(r.args) for r in caplog.records]
    tokens = list(sim.valid_tokens) + [
        f"access-token-{n:04d}" for n in range(1, sim.tokens_issued + 1)
    ]
    assert sim.tokens_issued >= 2
    capture = "\n".join(shown)
    for secret in [SECRET, *tokens]:
        assert secret not in capture

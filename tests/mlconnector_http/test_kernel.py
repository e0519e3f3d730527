"""The simulator kernel: routing, fault rules, fixed windows."""

from __future__ import annotations

import httpx
import pytest

from mlconnector_http import FakeClock
from mlconnector_http.testing import Fault, FixedWindow, NoRoute, Router, json_response


def test_router_matches_params_and_tells_404_from_405() -> None:
    router = Router()
    router.add(
        "GET", "/api/v3/vendors/{vendor_id}/", lambda req, vendor_id: json_response(200, vendor_id)
    )
    _handler, params = router.match("GET", "/api/v3/vendors/42/")
    assert params == {"vendor_id": "42"}
    with pytest.raises(NoRoute) as wrong_method:
        router.match("DELETE", "/api/v3/vendors/42/")
    assert wrong_method.value.status == 405
    with pytest.raises(NoRoute) as unknown:
        router.match("GET", "/api/v3/vendors/42")
    assert unknown.value.status == 404


def test_fault_rules_skip_then_fire_a_number_of_times() -> None:
    from tests.mlconnector_http.toy import ToySimulator

    sim = ToySimulator()
    rule = sim.faults.add(Fault.http_status(503), path="^/items/$", method="GET", skip=1, times=2)
    client = httpx.Client(transport=sim.transport(), base_url="https://x.test")
    statuses = [client.get("/items/").status_code for _ in range(5)]
    assert statuses == [401, 503, 503, 401, 401]
    assert rule.fired == 2
    assert client.post("/items/").status_code == 405


def test_fixed_window_counts_per_key_and_resets() -> None:
    clock = FakeClock()
    window = FixedWindow(3, 10, clock)
    states = [window.hit("a") for _ in range(4)]
    assert [s.allowed for s in states] == [True, True, True, False]
    assert [s.remaining for s in states] == [2, 1, 0, 0]
    assert window.hit("b").allowed
    clock.advance(10)
    assert window.hit("a").remaining == 2

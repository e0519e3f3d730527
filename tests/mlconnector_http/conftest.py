"""Fixtures over the toy simulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.mlconnector_http.toy import ToySimulator, make_config

from mlconnector_http import FakeClock, SyncAPIClient


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> ToySimulator:
    return ToySimulator(clock=clock)


@pytest.fixture
def client(sim: ToySimulator, clock: FakeClock) -> Iterator[SyncAPIClient]:
    with SyncAPIClient(make_config(clock), transport=sim.transport()) as api:
        yield api

"""Shared helpers for the simulator tests: a signed-in plain httpx client and write replies."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx

from qad_client.testing import QADSimulator

WORKSPACE = "10USA_10USACO"


def token(sim: QADSimulator, client: httpx.Client, user: str = "alice", pw: str = "secret") -> Any:
    """The password grant's reply for ``user`` on tenant ``acme``."""
    form = {
        "grant_type": "password",
        "client_id": sim.client_id("acme"),
        "username": user,
        "password": pw,
    }
    response = client.post("/oauth/token", data=form)
    assert response.status_code == 200, response.text
    return response.json()


@contextlib.contextmanager
def login(sim: QADSimulator, user: str = "alice", pw: str = "secret") -> Iterator[httpx.Client]:
    """A client on tenant ``acme`` with a bearer token and the ``10USA`` workspace."""
    with httpx.Client(transport=sim.transport(), base_url=sim.base_url("acme")) as client:
        grant = token(sim, client, user, pw)
        client.headers["authorization"] = f"Bearer {grant['access_token']}"
        client.headers["x-qad-workspace-id"] = WORKSPACE
        yield client


def write(api: httpx.Client, plural: str, *records: dict[str, Any], **params: str) -> Any:
    """``POST /api/erp/<plural>``; every answer to a write is a 200."""
    response = api.post(f"/api/erp/{plural}", json={plural: list(records)}, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def remove(api: httpx.Client, plural: str, **keys: str) -> Any:
    """``DELETE /api/erp/<plural>?<keys>&concurrencyHash``: QAD deletes with the HTTP verb [N8]."""
    response = api.delete(f"/api/erp/{plural}", params=keys)
    assert response.status_code == 200, response.text
    return response.json()


def problems(reply: Any) -> list[tuple[str, str]]:
    """``(fieldName, message)`` of each error of a refused write."""
    result = reply["submitResult"]
    assert result["success"] is False, result
    assert result["errorSeverity"] == 3
    return [(e["fieldName"], e["message"]) for e in result["errors"]]

"""Errors and operation reprs never hold a live credential; hostile error bodies stay typed."""

from __future__ import annotations

import pickle

import httpx
import pytest
from tests.mlconnector_http.toy import SECRET, ToySimulator, list_items

from mlconnector_http import (
    APIStatusError,
    Operation,
    SyncAPIClient,
    TransportError,
    error_from_response,
    message_from_body,
)
from mlconnector_http.testing import Fault


def test_an_operation_repr_shows_no_body_or_header_value() -> None:
    op = Operation(
        name="token",
        method="POST",
        path="/oauth/token",
        parse=lambda r: r,
        form={"client_secret": SECRET},
        json={"password": SECRET},
        headers={"Authorization": f"Basic {SECRET}"},
        params=[("api_key", SECRET)],
    )
    assert SECRET not in repr(op)


def test_a_transport_error_keeps_a_redacted_request_that_pickles_clean(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    sim.faults.add(Fault.timeout(), path="/oauth/token", times=None)
    with pytest.raises(TransportError) as caught:
        list(client._paginate(list_items()))
    request = caught.value.request
    assert request is not None
    assert SECRET.encode() not in request.content
    assert SECRET.encode() not in pickle.dumps(caught.value)
    assert str(pickle.loads(pickle.dumps(caught.value))) == str(caught.value)


def test_a_deeply_nested_error_body_is_a_typed_error() -> None:
    depth = 100_000
    body = ("[" * depth + "]" * depth).encode()
    response = httpx.Response(
        400, content=body, request=httpx.Request("GET", "https://api.example.test/x")
    )
    error = error_from_response(response)
    assert isinstance(error, APIStatusError)
    nested: object = "deep"
    for _ in range(5000):
        nested = {"errors": [nested]}
    assert message_from_body(nested) == ""

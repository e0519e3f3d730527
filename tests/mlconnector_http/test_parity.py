"""The sync and async halves of the toolkit offer the same public methods and signatures."""

from __future__ import annotations

import inspect

import pytest

from mlconnector_http import (
    AsyncAPIClient,
    AsyncExecutor,
    AsyncPaginator,
    AsyncResource,
    Paginator,
    SyncAPIClient,
    SyncExecutor,
    SyncResource,
)

PAIRS = [
    (SyncExecutor, AsyncExecutor),
    (SyncAPIClient, AsyncAPIClient),
    (SyncResource, AsyncResource),
    (Paginator, AsyncPaginator),
]


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, callable)
        if not name.startswith("__") or name in ("__init__",)
    }


def _shape(signature: inspect.Signature) -> list[tuple[str, object]]:
    return [(p.name, p.kind) for p in signature.parameters.values()]


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=lambda c: c.__name__)
def test_same_methods_and_parameters(sync: type, async_: type) -> None:
    sync_methods = {
        n: s for n, s in _public(sync).items() if n not in ("__iter__", "__enter__", "__exit__")
    }
    async_methods = {
        n: s
        for n, s in _public(async_).items()
        if n not in ("__aiter__", "__aenter__", "__aexit__", "to_list")
    }
    assert sync_methods.keys() == async_methods.keys()
    for name, signature in sync_methods.items():
        assert _shape(signature) == _shape(async_methods[name]), name

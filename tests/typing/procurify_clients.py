"""Typed construction of the Procurify clients, checked by ``mypy --strict`` in ``scripts/check``
(not collected by pytest, never run).

The two clients share one generic constructor; each binds its own transport and http-client
types. Each ``type: ignore[arg-type]`` marks a call the types must refuse: with
``warn_unused_ignores`` (part of strict) mypy fails if one of them stops being an error.
"""

from __future__ import annotations

from typing import assert_type

import httpx

from procurify_client import AsyncProcurifyClient, CurrentUser, ProcurifyClient
from procurify_client._resources.vendors import AsyncVendors, Vendors


def accepted() -> None:
    sync = ProcurifyClient(subdomain="acme", client_id="i", client_secret="s")
    assert_type(sync.vendors, Vendors)
    assert_type(sync.me(), CurrentUser)
    assert_type(sync.with_options(retry=None), ProcurifyClient)
    ProcurifyClient(
        subdomain="acme", client_id="i", client_secret="s", transport=httpx.HTTPTransport()
    )
    ProcurifyClient(subdomain="acme", client_id="i", client_secret="s", http_client=httpx.Client())
    asynchronous = AsyncProcurifyClient(subdomain="acme", client_id="i", client_secret="s")
    assert_type(asynchronous.vendors, AsyncVendors)
    assert_type(asynchronous.with_options(retry=None), AsyncProcurifyClient)
    AsyncProcurifyClient(
        subdomain="acme", client_id="i", client_secret="s", transport=httpx.AsyncHTTPTransport()
    )
    AsyncProcurifyClient(
        subdomain="acme", client_id="i", client_secret="s", http_client=httpx.AsyncClient()
    )


async def awaited(client: AsyncProcurifyClient) -> CurrentUser:
    return await client.me()


def refused() -> None:
    ProcurifyClient(
        subdomain="acme",
        client_id="i",
        client_secret="s",
        transport=httpx.AsyncHTTPTransport(),  # type: ignore[arg-type]
    )
    ProcurifyClient(
        subdomain="acme",
        client_id="i",
        client_secret="s",
        http_client=httpx.AsyncClient(),  # type: ignore[arg-type]
    )
    AsyncProcurifyClient(
        subdomain="acme",
        client_id="i",
        client_secret="s",
        transport=httpx.HTTPTransport(),  # type: ignore[arg-type]
    )
    AsyncProcurifyClient(
        subdomain="acme",
        client_id="i",
        client_secret="s",
        http_client=httpx.Client(),  # type: ignore[arg-type]
    )
    ProcurifyClient(subdomain="acme", client_id="i")  # type: ignore[call-arg]
    ProcurifyClient("acme", client_id="i", client_secret="s")  # type: ignore[call-arg]

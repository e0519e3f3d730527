"""Typed use of the public API, checked by ``mypy --strict`` (not run by pytest).

Each ``type: ignore[...]`` marks a call the types must refuse; with ``warn_unused_ignores``
(part of strict) mypy fails if one of them stops being an error.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx

from mlconnector_http import NotFound, Page, RetryPolicy
from procore_client import AsyncProcoreClient, ProcoreClient, SyncResult, Vendor
from procore_client.webhooks import WebhookEvent, verify_and_parse
from procurify_client import AsyncProcurifyClient, ProcurifyClient, PurchaseOrder
from qad_client import AsyncQADClient, QADClient, Supplier


def procurify(client: ProcurifyClient) -> Decimal | None:
    order: PurchaseOrder = client.purchase_orders.get(1)
    pages: list[Page[PurchaseOrder]] = list(client.purchase_orders.list().pages())
    assert pages
    return order.total


async def procurify_async(client: AsyncProcurifyClient) -> list[str]:
    return [vendor.name async for vendor in client.vendors.list()]


def procore(client: ProcoreClient) -> SyncResult[Vendor]:
    other: ProcoreClient = client.for_company(2)
    return other.vendors.sync([])


async def procore_async(client: AsyncProcoreClient) -> dt.datetime | None:
    vendor = await client.vendors.get(1)
    return vendor.updated_at


def webhook(body: bytes) -> str:
    event: WebhookEvent = verify_and_parse({"authorization": "s"}, body, ["s", "t"])
    return event.dedupe_key


def qad(client: QADClient) -> list[Supplier]:
    try:
        return list(client.suppliers.list())
    except NotFound:
        return []


async def qad_async(client: AsyncQADClient) -> Supplier | None:
    return await client.suppliers.find_by_external_reference("ref")


def refused() -> None:
    ProcurifyClient(
        subdomain="acme",
        client_id="i",
        client_secret="s",
        transport=httpx.AsyncHTTPTransport(),  # type: ignore[arg-type]
    )
    AsyncQADClient(
        tenant_url="https://acme.qad.com/clouderp",
        domain="10USA",
        entity="10USACO",
        token="t",
        http_client=httpx.Client(),  # type: ignore[arg-type]
    )
    ProcoreClient(
        client_id="i",
        client_secret="s",
        company_id=1,
        retry=RetryPolicy.for_testing(),
        transport=httpx.AsyncHTTPTransport(),  # type: ignore[arg-type]
    )

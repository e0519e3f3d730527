"""One name for one idea across the clients' lists: ``modified_since``/``modified_before``
(aware datetimes) for the incremental filter, ``page_size`` for the page size.

The wire keeps each vendor's names (Procurify ``modified_date_0``, ``updated_at_after``,
``last_modified_datetime_0``; Procore ``filters[updated_at]`` and ``per_page``; QAD a
``lastModifiedDateTime,ge`` filter). Procurify's PO list filters by day only: the client sends
the day and drops the records modified before the instant itself.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mlconnector_http import AsyncResource, FakeClock, RetryPolicy, SyncResource
from procore_client import AsyncProcoreClient, ProcoreClient, ProcoreConfigurationError
from procore_client.testing import ProcoreSimulator
from procurify_client import (
    AsyncProcurifyClient,
    ProcurifyClient,
    ProcurifyConfigurationError,
)
from procurify_client.testing import ProcurifySimulator
from qad_client import AsyncQADClient, QADClient, QADConfigurationError
from qad_client.testing import QADSimulator

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
COMPANY = 8_000_000_321
APP, SECRET = "lists-app", "lists-secret"
QAD_USER, QAD_PASSWORD = "alice", "pw-lists"
#: the spellings the lists used before: none may remain on any list method
OLD_NAMES = {
    "modified_after",
    "updated_after",
    "updated_before",
    "last_modified_after",
    "last_modified_before",
    "per_page",
}


class Recorder(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.inner.handle_request(request)


def procurify(clock: FakeClock) -> tuple[ProcurifySimulator, Recorder, ProcurifyClient]:
    sim = ProcurifySimulator(clock=clock)
    creds = sim.add_tenant("acme")
    sim.seed("acme", purchase_orders=6, vendors=3, account_codes=2, bills=3, payments=2)
    wire = Recorder(sim.transport())
    client = ProcurifyClient(
        subdomain="acme",
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        transport=wire,
        clock=clock,
        retry=RetryPolicy.for_testing(),
    )
    return sim, wire, client


def procore(clock: FakeClock) -> tuple[ProcoreSimulator, Recorder, ProcoreClient]:
    sim = ProcoreSimulator(clock=clock, spike_limit=None, hourly_limit=None)
    sim.add_app(APP, SECRET)
    sim.add_company(COMPANY, "Acme Builders", installed_for=[APP])
    sim.seed(COMPANY, vendors=5, projects=1)
    wire = Recorder(sim.transport())
    client = ProcoreClient(
        client_id=APP,
        client_secret=SECRET,
        company_id=COMPANY,
        transport=wire,
        clock=clock,
        retry=RetryPolicy.for_testing(),
    )
    return sim, wire, client


def qad(clock: FakeClock) -> tuple[QADSimulator, Recorder, QADClient]:
    sim = QADSimulator(clock=clock)
    url = sim.add_tenant("acme")
    sim.add_user("acme", QAD_USER, QAD_PASSWORD)
    sim.seed("acme", suppliers=5, gl_accounts=2)
    wire = Recorder(sim.transport())
    client = QADClient(
        tenant_url=url,
        domain="10USA",
        entity="10USACO",
        username=QAD_USER,
        password=QAD_PASSWORD,
        transport=wire,
        clock=clock,
        retry=RetryPolicy.for_testing(),
    )
    return sim, wire, client


def _resources(client: object, base: type) -> list[tuple[str, Any]]:
    return [
        (name, value)
        for name in dir(client)
        if not name.startswith("_")
        and isinstance(value := getattr(client, name, None), base)
        and callable(getattr(value, "list", None))
    ]


SYNC_AND_ASYNC: list[tuple[Callable[[], Any], Callable[[], Any]]] = [
    (
        lambda: ProcurifyClient(subdomain="acme", client_id="i", client_secret="s"),
        lambda: AsyncProcurifyClient(subdomain="acme", client_id="i", client_secret="s"),
    ),
    (
        lambda: ProcoreClient(client_id="i", client_secret="s", company_id=1),
        lambda: AsyncProcoreClient(client_id="i", client_secret="s", company_id=1),
    ),
    (
        lambda: QADClient(
            tenant_url="https://qad.example/clouderp",
            domain="10USA",
            entity="10USACO",
            username="u",
            password="p",
        ),
        lambda: AsyncQADClient(
            tenant_url="https://qad.example/clouderp",
            domain="10USA",
            entity="10USACO",
            username="u",
            password="p",
        ),
    ),
]


@pytest.mark.parametrize(("make_sync", "make_async"), SYNC_AND_ASYNC)
def test_every_list_method_spells_the_shared_arguments_alike(
    make_sync: Callable[[], Any], make_async: Callable[[], Any]
) -> None:
    sync_client, async_client = make_sync(), make_async()
    sync_lists = dict(_resources(sync_client, SyncResource))
    async_lists = dict(_resources(async_client, AsyncResource))
    assert sync_lists
    assert set(sync_lists) == set(async_lists)
    for name, resource in sync_lists.items():
        params = inspect.signature(resource.list).parameters
        async_params = inspect.signature(async_lists[name].list).parameters
        assert list(params) == list(async_params), name
        assert not OLD_NAMES & set(params), name
        assert "page_size" in params, name
        for bound in ("modified_since", "modified_before"):
            if bound in params:
                assert params[bound].annotation in ("dt.datetime | None", dt.datetime | None)
    sync_client.close()


def test_the_same_keywords_work_on_all_three_clients() -> None:
    clock = FakeClock(START)
    _, p_wire, p_client = procurify(clock)
    _, c_wire, c_client = procore(clock)
    _, q_wire, q_client = qad(clock)
    since = clock.now() - dt.timedelta(days=3650)
    with p_client, c_client, q_client:
        listings: dict[str, list[Any]] = {
            "procurify purchase orders": list(
                p_client.purchase_orders.list(modified_since=since, page_size=2)
            ),
            "procurify bills": list(p_client.bills.list(modified_since=since, page_size=2)),
            "procurify payments": list(p_client.payments.list(modified_since=since, page_size=2)),
            "procore vendors": list(c_client.vendors.list(modified_since=since, page_size=2)),
            "qad suppliers": list(q_client.suppliers.list(modified_since=since, page_size=2)),
        }
    assert all(listings.values()), {k: len(v) for k, v in listings.items()}
    sent = [r.url.params for r in p_wire.requests if r.url.path.startswith("/api/")]
    assert any("modified_date_0" in p and p["page_size"] == "2" for p in sent)
    assert any("last_modified_datetime_0" in p for p in sent)
    assert any("updated_at_after" in p for p in sent)
    vendors = [r.url.params for r in c_wire.requests if r.url.path.endswith("/vendors")]
    assert vendors[0]["per_page"] == "2"
    assert vendors[0]["filters[updated_at]"].startswith(f"{since:%Y-%m-%dT%H:%M:%S}Z...")
    browses = [r.url.params for r in q_wire.requests if r.url.path.endswith("/browses")]
    assert any("lastModifiedDateTime,ge," in f for f in browses[0].get_list("filter"))


def test_procurify_drops_pos_modified_before_the_instant_within_the_same_day() -> None:
    clock = FakeClock(START)
    sim, wire, client = procurify(clock)
    tenant = sim.tenant("acme")
    ids = [po.id for po in tenant.purchase_orders]
    clock.advance(3600)  # 10:00 UTC on 03-02, every seeded PO is older
    early = [tenant.touch_purchase_order(key).id for key in ids[:3]]
    clock.advance(3600)  # 11:00, the same day
    since = clock.now()
    clock.advance(60)
    late = tenant.touch_purchase_order(ids[3]).id
    with client:
        # page_size=1: three pages in a row of nothing but dropped records still advance
        found = [po.id for po in client.purchase_orders.list(modified_since=since, page_size=1)]
        cut = [po.id for po in client.purchase_orders.list(modified_before=since)]
    assert found == [late]
    assert set(early) <= set(cut)
    assert late not in cut
    days = {r.url.params.get("modified_date_0") for r in wire.requests} - {None}
    assert days == {"2026-03-01"}  # a whole day goes on the wire, one wider than the instant's


@pytest.mark.parametrize("argument", ["modified_since", "modified_before"])
def test_a_naive_datetime_is_refused_naming_the_argument(argument: str) -> None:
    naive = {argument: dt.datetime(2026, 3, 2, 10, 0)}
    clock = FakeClock(START)
    _, _, p_client = procurify(clock)
    _, _, c_client = procore(clock)
    _, _, q_client = qad(clock)
    with p_client, c_client, q_client:
        for listing in (p_client.purchase_orders, p_client.bills, p_client.payments):
            with pytest.raises(ProcurifyConfigurationError, match=f"{argument} got a naive"):
                list(listing.list(**naive))
        for project_list in (c_client.vendors.list, c_client.projects.list):
            with pytest.raises(ProcoreConfigurationError, match=f"{argument} got a naive"):
                list(project_list(**naive))
        if argument == "modified_since":
            with pytest.raises(QADConfigurationError, match=f"{argument} got a naive"):
                list(q_client.suppliers.list(**naive))

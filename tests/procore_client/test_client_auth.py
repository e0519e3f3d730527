"""Tokens, hosts, the company header and for_company, against the Procore simulator."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest
from tests.procore_client.test_client_support import (
    CLIENT_ID,
    COMPANY,
    OTHER_COMPANY,
    SECRET,
    Recorder,
    client_options,
    fake_clock,
    header_of,
    new_async_client,
    new_client,
    new_sim,
)

from mlconnector_http import FakeClock, MemoryTokenStore, RetryPolicy, Secret, UnlimitedBudget
from procore_client import (
    COMPANY_HEADER,
    AsyncProcoreClient,
    Environment,
    ProcoreAuthError,
    ProcoreClient,
    ProcoreConfigurationError,
    ProcoreNotFound,
    procore_budget,
)


@pytest.mark.parametrize(
    ("environment", "login_host", "api_host"),
    [
        ("production", "login.procore.com", "api.procore.com"),
        ("sandbox", "login-sandbox.procore.com", "sandbox.procore.com"),
        (
            Environment.MONTHLY_SANDBOX,
            "login-sandbox-monthly.procore.com",
            "api-monthly.procore.com",
        ),
    ],
)
def test_token_and_api_hosts_follow_the_environment(
    environment: str, login_host: str, api_host: str
) -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    with new_client(sim, clock, environment=environment) as client:
        assert client.me().login is not None
    hosts = [(r.method, httpx.URL(r.url).host, r.path) for r in sim.requests]
    assert hosts == [("POST", login_host, "/oauth/token"), ("GET", api_host, "/rest/v1.0/me")]


def test_token_request_is_a_client_credentials_form() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    recorder = Recorder(sim.transport())
    with new_client(sim, clock, transport=recorder) as client:
        client.me()
    token_request = recorder.requests[0]
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = dict(httpx.QueryParams(token_request.content.decode()))
    assert form == {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
    }


def test_explicit_urls_override_the_environment_and_a_lone_base_url_serves_auth_too() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    with sim.serve() as base_url, new_client(sim, clock, transport=None, base_url=base_url) as c:
        assert c.me().id > 0
        assert [p.name for p in c.companies.list()] == ["Acme Builders", "Beta Construction"]
    hosts = {httpx.URL(r.url).host for r in sim.requests}
    assert hosts == {"127.0.0.1"}
    options = client_options(
        sim, clock, auth_url="https://login.example", base_url="https://api.example"
    )
    with ProcoreClient(**options) as client:
        assert str(client.config.base_url) == "https://api.example"
        assert client.config.auth is not None
        assert client.config.auth.provider.token_url == "https://login.example/oauth/token"  # type: ignore[attr-defined]


def test_on_separate_loopback_origins_the_token_goes_to_the_login_origin_only() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    with sim.serve_apart() as origins:
        assert httpx.URL(origins.auth_url).port != httpx.URL(origins.base_url).port
        options = client_options(
            sim, clock, transport=None, auth_url=origins.auth_url, base_url=origins.base_url
        )
        with ProcoreClient(**options) as client:
            assert client.me().id > 0
        token_calls = [r for r in sim.requests if r.path == "/oauth/token"]
        assert [httpx.URL(r.url).port for r in token_calls] == [httpx.URL(origins.auth_url).port]
        with httpx.Client() as http:
            form = {"grant_type": "client_credentials", "client_id": CLIENT_ID}
            form["client_secret"] = SECRET
            assert http.post(f"{origins.base_url}/oauth/token", data=form).status_code == 404
            assert http.get(f"{origins.auth_url}/rest/v1.0/me").status_code == 404
        lone = client_options(sim, clock, transport=None, base_url=origins.base_url)
        with ProcoreClient(**lone) as client, pytest.raises(ProcoreNotFound, match="/oauth/token"):
            client.me()


@pytest.mark.parametrize("path", ["me", "companies"])
def test_company_header_goes_on_me_and_companies_and_every_other_call(path: str) -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.seed(COMPANY, vendors=3)
    recorder = Recorder(sim.transport())
    with new_client(sim, clock, transport=recorder) as client:
        if path == "me":
            client.me()
        else:
            list(client.companies.list())
        list(client.vendors.list())
    api_calls = [r for r in recorder.requests if r.url.path.startswith("/rest/")]
    assert [r.url.path for r in api_calls] == [f"/rest/v1.0/{path}", "/rest/v1.0/vendors"]
    assert all(header_of(r, COMPANY_HEADER) == str(COMPANY) for r in api_calls)
    assert all((header_of(r, "authorization") or "").startswith("Bearer ") for r in api_calls)
    assert dict(api_calls[1].url.params)["company_id"] == str(COMPANY)


def test_token_is_reused_then_renewed_leeway_seconds_before_its_5400_seconds_run_out() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    with new_client(sim, clock, token_leeway=120) as client:
        client.me()
        clock.advance(5400 - 121)
        client.me()
        assert sim.stats.tokens_issued == 1
        clock.advance(2)
        client.me()
        assert sim.stats.tokens_issued == 2


def test_a_401_gets_one_new_token_and_one_retry() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    with new_client(sim, clock) as client:
        client.me()
        sim.expire_tokens()
        assert client.me().id > 0
    assert sim.stats.tokens_issued == 2
    assert [r.status for r in sim.requests if r.path == "/rest/v1.0/me"] == [200, 401, 200]


def test_a_token_refused_twice_raises_instead_of_looping() -> None:
    clock = fake_clock()
    sim = new_sim(clock, token_lifetime=0)
    with (
        new_client(sim, clock, token_leeway=0) as client,
        pytest.raises(ProcoreAuthError) as caught,
    ):
        client.me()
    assert caught.value.status_code == 401
    assert "expired" in str(caught.value)
    assert sim.stats.tokens_issued == 2


def test_wrong_credentials_raise_auth_error_without_the_secret() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    with new_client(sim, clock, client_secret="wrong-secret-value") as client:
        with pytest.raises(ProcoreAuthError) as caught:
            client.me()
    assert caught.value.status_code == 401
    assert "wrong-secret-value" not in str(caught.value) + repr(caught.value)
    assert caught.value.code == "invalid_client"
    assert "Client authentication failed" in caught.value.message


def test_threads_that_find_no_token_make_one_token_request() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    errors: list[BaseException] = []
    with new_client(sim, clock) as client:
        barrier = threading.Barrier(8)

        def call() -> None:
            barrier.wait()
            try:
                client.me()
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=call) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sim.stats.tokens_issued == 1


def test_async_tasks_that_find_no_token_make_one_token_request() -> None:
    clock = fake_clock()
    sim = new_sim(clock)

    async def main() -> None:
        async with new_async_client(sim, clock) as client:
            await asyncio.gather(*(client.me() for _ in range(20)))

    asyncio.run(main())
    assert sim.stats.tokens_issued == 1


def test_for_company_shares_token_budget_and_pool_and_switches_the_header() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.seed(COMPANY, vendors=2)
    sim.seed(OTHER_COMPANY, vendors=5, seed=1)
    recorder = Recorder(sim.transport())
    budget = procore_budget(clock=clock)
    with new_client(sim, clock, transport=recorder, budget=budget) as acme:
        beta = acme.for_company(OTHER_COMPANY)
        assert (acme.company_id, beta.company_id) == (COMPANY, OTHER_COMPANY)
        assert len(list(beta.vendors.list())) == 5
        assert len(list(acme.vendors.list())) == 2
        assert beta.config.auth is acme.config.auth
        assert beta.config.budget is acme.config.budget is budget
        assert beta.config.key == acme.config.key == acme.config.auth.key  # type: ignore[union-attr]
        assert beta._executor.http is acme._executor.http
        assert (
            repr(beta)
            == f"ProcoreClient(base_url='https://api.procore.com', company_id={OTHER_COMPANY})"
        )
    assert sim.stats.tokens_issued == 1
    vendor_calls = [r for r in recorder.requests if r.url.path == "/rest/v1.0/vendors"]
    assert [header_of(r, COMPANY_HEADER) for r in vendor_calls] == [
        str(OTHER_COMPANY),
        str(COMPANY),
    ]
    assert [r.url.params["company_id"] for r in vendor_calls] == [str(OTHER_COMPANY), str(COMPANY)]
    assert budget._states.keys() == {acme.config.key}


def test_for_company_of_the_async_client_shares_the_token() -> None:
    clock = fake_clock()
    sim = new_sim(clock)

    async def main() -> tuple[int, int]:
        async with new_async_client(sim, clock) as acme:
            beta = acme.for_company(OTHER_COMPANY)
            first = [c.id async for c in acme.companies.list()]
            await beta.me()
            return len(first), beta.company_id

    assert asyncio.run(main()) == (2, OTHER_COMPANY)
    assert sim.stats.tokens_issued == 1


def test_a_shared_token_store_serves_two_clients_of_one_credential() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    store = MemoryTokenStore()
    with (
        new_client(sim, clock, token_store=store) as one,
        new_client(sim, clock, token_store=store) as two,
    ):
        one.me()
        two.me()
    assert sim.stats.tokens_issued == 1


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"environment": "staging"}, "unknown environment 'staging'"),
        ({"client_id": " "}, "client_id is empty"),
        ({"client_secret": ""}, "client_secret is empty"),
        ({"client_secret": Secret("  ")}, "client_secret is empty"),
        ({"company_id": 0}, "company_id must be a positive integer"),
        ({"company_id": True}, "company_id must be a positive integer"),
        ({"company_id": "8"}, "company_id must be a positive integer"),
        ({"token_leeway": -1}, "token_leeway must be >= 0"),
        ({"http_client": httpx.Client()}, "pass transport= or http_client=, not both"),
    ],
)
def test_bad_arguments_fail_at_construction_and_say_how_to_fix_them(
    overrides: dict[str, Any], fragment: str
) -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    with pytest.raises(ProcoreConfigurationError, match=fragment):
        ProcoreClient(**client_options(sim, clock, **overrides))
    http_client = overrides.get("http_client")
    if isinstance(http_client, httpx.Client):
        http_client.close()


def test_none_disables_retries_and_pacing_and_not_given_keeps_the_defaults() -> None:
    clock = FakeClock()
    options: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "company_id": COMPANY,
        "clock": clock,
    }
    with (
        ProcoreClient(**options) as defaults,
        ProcoreClient(**options, retry=None, budget=None, timeout=None) as bare,
    ):
        assert defaults.config.retry == RetryPolicy()
        assert defaults.config.budget.windows == procore_budget().windows  # type: ignore[attr-defined]
        assert defaults.config.timeout.read == 30.0
        assert bare.config.retry.max_attempts == 1
        assert isinstance(bare.config.budget, UnlimitedBudget)
        assert bare.config.timeout.read is None


def test_an_http_client_is_used_as_given() -> None:
    clock = fake_clock()
    sim = new_sim(clock)

    async def main() -> int:
        async with httpx.AsyncClient(transport=sim.transport()) as http:
            options = client_options(sim, clock, transport=None, http_client=http)
            async with AsyncProcoreClient(**options) as client:
                me = await client.me()
            assert not http.is_closed
            return me.id

    assert asyncio.run(main()) > 0

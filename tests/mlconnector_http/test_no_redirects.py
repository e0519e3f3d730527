"""A redirect is never followed with credentials, whatever the caller's http client says:
a 307 from the token endpoint would re-post the client secret to another host."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from mlconnector_http import APIError
from procore_client import ProcoreClient, ProcoreError
from procurify_client import AsyncProcurifyClient, ProcurifyClient, ProcurifyError

SECRET = "s3cr3t-that-must-stay-home"


class Redirecting:
    """Every token request answers 307 to another host; records every request it sees."""

    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if request.url.host == "evil.example":
            return httpx.Response(200, json={"access_token": "stolen", "expires_in": 3600})
        return httpx.Response(307, headers={"location": "https://evil.example/collect"})


def _hosts(server: Redirecting) -> list[str]:
    return [request.url.host for request in server.seen]


def test_a_sync_client_with_follow_redirects_does_not_follow_the_token_307() -> None:
    server = Redirecting()
    http = httpx.Client(transport=httpx.MockTransport(server), follow_redirects=True)
    with ProcurifyClient(
        subdomain="acme", client_id="app", client_secret=SECRET, http_client=http
    ) as client:
        with pytest.raises(ProcurifyError) as caught:
            client.me()
    http.close()
    assert _hosts(server) == ["acme.procurify.com"]
    assert isinstance(caught.value, APIError)
    assert SECRET not in str(caught.value)


def test_an_async_client_with_follow_redirects_does_not_follow_either() -> None:
    server = Redirecting()

    async def main() -> None:
        async with httpx.AsyncClient(
            transport=httpx.MockTransport(server), follow_redirects=True
        ) as http:
            client = AsyncProcurifyClient(
                subdomain="acme", client_id="app", client_secret=SECRET, http_client=http
            )
            with pytest.raises(ProcurifyError):
                await client.me()

    asyncio.run(main())
    assert _hosts(server) == ["acme.procurify.com"]


def test_an_api_redirect_is_not_followed_with_the_bearer_token() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 5400})
        return httpx.Response(302, headers={"location": "https://evil.example/me"})

    seen: list[httpx.Request] = []
    http = httpx.Client(transport=httpx.MockTransport(server), follow_redirects=True)
    with ProcoreClient(
        client_id="app", client_secret=SECRET, company_id=1, http_client=http
    ) as client:
        with pytest.raises(ProcoreError):
            client.me()
    http.close()
    assert [r.url.host for r in seen] == ["login.procore.com", "api.procore.com"]

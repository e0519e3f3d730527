"""A tiny generic API simulator and operations: the toolkit exercised with no vendor."""

from __future__ import annotations

from typing import Any

import httpx

from mlconnector_http import (
    ClientConfig,
    ClientCredentials,
    FakeClock,
    Operation,
    Page,
    RetryPolicy,
    TokenManager,
)
from mlconnector_http.testing import Router, SimRequest, Simulator, json_response

BASE = "https://api.example.test"
SECRET = "s3cr3t-client-secret-value"


class ToySimulator(Simulator):
    """Token endpoint, a paginated ``/items/`` listing, and an echoing ``/things/`` write."""

    def __init__(self, *, items: int = 25, clock: FakeClock | None = None) -> None:
        super().__init__(clock=clock)
        self.items = items
        self.token_lifetime = 3600
        self.tokens_issued = 0
        self.valid_tokens: dict[str, float] = {}
        self.router = Router()
        self.router.add("POST", "/oauth/token", self._token)
        self.router.add("GET", "/items/", self._items)
        self.router.add("POST", "/things/", self._create)

    def dispatch(self, request: httpx.Request) -> httpx.Response:
        handler, params = self.router.match(request.method, request.url.path)
        return handler(SimRequest(request), **params)

    def _token(self, req: SimRequest) -> httpx.Response:
        form = req.form()
        if form.get("client_secret") != SECRET:
            return json_response(401, {"error": "invalid_client"})
        self.tokens_issued += 1
        token = f"access-token-{self.tokens_issued:04d}"
        self.valid_tokens[token] = self.clock.time() + self.token_lifetime
        return json_response(
            200, {"access_token": token, "expires_in": self.token_lifetime, "token_type": "bearer"}
        )

    def _authorized(self, req: SimRequest) -> bool:
        header = req.headers.get("authorization", "")
        token = header.removeprefix("Bearer ")
        expires = self.valid_tokens.get(token)
        return expires is not None and self.clock.time() < expires

    def _items(self, req: SimRequest) -> httpx.Response:
        if not self._authorized(req):
            return json_response(401, {"detail": "Invalid token."}, {"x-request-id": "req-401"})
        page = int(req.query("page") or 1)
        size = int(req.query("page_size") or 10)
        start = (page - 1) * size
        rows = list(range(start, min(start + size, self.items)))
        nxt = (
            f"{req.url.scheme}://{req.url.netloc.decode()}/items/?page={page + 1}&page_size={size}"
        )
        return json_response(
            200, {"data": rows, "next": nxt if start + size < self.items else None}
        )

    def _create(self, req: SimRequest) -> httpx.Response:
        if not self._authorized(req):
            return json_response(401, {"detail": "Invalid token."})
        return json_response(201, {"created": req.json()})


def parse_items(response: httpx.Response) -> Page[int]:
    body = response.json()
    return Page(items=body["data"], next_url=body["next"])


def list_items(page_size: int = 10) -> Operation[Page[int]]:
    return Operation(
        name="items.list",
        method="GET",
        path="/items/",
        params=[("page_size", str(page_size))],
        parse=parse_items,
    )


def create_thing(payload: dict[str, Any], *, safe: bool = False) -> Operation[dict[str, Any]]:
    return Operation(
        name="things.create",
        method="POST",
        path="/things/",
        json=payload,
        parse=lambda r: r.json(),
        retry_safe=safe,
    )


def make_config(clock: FakeClock | None = None, **overrides: Any) -> ClientConfig:
    clock = clock or FakeClock()
    manager = TokenManager(
        ClientCredentials(token_url=f"{BASE}/oauth/token", client_id="toy", client_secret=SECRET),
        leeway=60,
        clock=clock,
    )
    settings: dict[str, Any] = {
        "base_url": BASE,
        "auth": manager,
        "retry": RetryPolicy.for_testing(),
        "clock": clock,
    }
    settings.update(overrides)
    return ClientConfig(**settings)

"""Every operation the client sends is in the vendor's 2024 spec, or listed once as not in it.

Each public method of the client and of its resources is called against the simulator, and
every request it sends is matched (method and path) to an operation of
``api-notes/procurify-openapi-2024.yaml``. The operations the client uses that the 2024 file
lacks are listed in ``NOT_IN_2024_SPEC`` with what they are based on, and each must be in
``docs/procurify-guesses.md``; the list must be exact. A new client method fails here until it
is called below, and a new path outside the spec fails until it is listed. The filters each
list accepts are checked against the operation's documented query parameters the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from mlconnector_http import RetryPolicy
from procurify_client import AccountCodeInput, ProcurifyClient, VendorInput
from procurify_client._resources import account_codes, bills, purchase_orders, vendors
from procurify_client.testing import ProcurifySimulator

from .conftest import spec_operations

GUESSES = Path(__file__).parents[2] / "docs" / "procurify-guesses.md"

# method and path template -> what the client's use of it is based on
NOT_IN_2024_SPEC = {
    ("GET", "/api/public/v1/payments/"): (
        "the newer spec (api-evangelist mirror, 2025-26) and Procurify's deprecation note on "
        "the 2024 file's /api/v2/ap/payments (removal after June 5, 2026)"
    ),
    ("GET", "/api/v3/receipt/items/"): (
        "the newer spec's receipt file (top-level pagination) and a third-party CLI"
    ),
    # the 2024 file gives this detail path a PUT only; DRF's router serves GET beside it
    ("GET", "/api/v3/account-codes/{id}/"): "an unconfirmed guess from DRF's detail route",
}

CALLS: dict[str, Callable[[ProcurifyClient], object]] = {
    "me": lambda c: c.me(),
    "purchase_orders.list": lambda c: list(c.purchase_orders.list(page_size=2)),
    "purchase_orders.get": lambda c: c.purchase_orders.get(1),
    "bills.list": lambda c: list(c.bills.list(page_size=2)),
    "bills.get": lambda c: c.bills.get(next(iter(c.bills.list())).uuid),
    "payments.list": lambda c: list(c.payments.list(page_size=2)),
    "receipt_items.list": lambda c: list(c.receipt_items.list(page_size=2)),
    "vendors.list": lambda c: list(c.vendors.list(page_size=2)),
    "vendors.get": lambda c: c.vendors.get(1),
    "vendors.create": lambda c: c.vendors.create(VendorInput(name="Spec Tools")),
    "vendors.update": lambda c: c.vendors.update(1, VendorInput(name="Spec Tools 2")),
    "vendors.patch": lambda c: c.vendors.patch(1, city="Kelowna", address_line_two=None),
    "vendors.find_by_reference": lambda c: c.vendors.find_by_reference("V-SPEC"),
    "vendors.find_by_external_id": lambda c: c.vendors.find_by_external_id("V-SPEC"),
    "account_codes.list": lambda c: list(c.account_codes.list(page_size=2)),
    "account_codes.get": lambda c: c.account_codes.get(1),
    "account_codes.create": lambda c: c.account_codes.create(
        AccountCodeInput(code="9999", description="Spec")
    ),
    "account_codes.update": lambda c: c.account_codes.update(
        1, AccountCodeInput(code="9998", description="Spec 2")
    ),
    "account_codes.find_by_reference": lambda c: c.account_codes.find_by_reference("9999"),
}


def _public_methods(client: ProcurifyClient) -> set[str]:
    """``me`` and the like on the client, ``resource.method`` for each resource's own methods."""
    found: set[str] = set()
    for name, member in vars(ProcurifyClient).items():
        if name.startswith("_"):
            continue
        if isinstance(member, functools.cached_property):
            cls = type(getattr(client, name))
            found |= {
                f"{name}.{method}"
                for method, value in vars(cls).items()
                if not method.startswith("_") and callable(value)
            }
        elif callable(member):
            found.add(name)
    return found


class _Recorder(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.sent: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/api/"):
            self.sent.append((request.method, request.url.path))
        return self.inner.handle_request(request)


@pytest.fixture(scope="module")
def recorded() -> tuple[set[str], dict[str, list[tuple[str, str]]]]:
    """The client's public methods, and the requests each one sends to a seeded simulator."""
    sim = ProcurifySimulator()
    creds = sim.add_tenant("spec")
    sim.seed("spec", purchase_orders=3, vendors=3, bills=3, payments=2, account_codes=3)
    recorder = _Recorder(sim.transport())
    client = ProcurifyClient(
        subdomain="spec",
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        transport=recorder,
        retry=RetryPolicy.for_testing(),
    )
    calls: dict[str, list[tuple[str, str]]] = {}
    with client:
        for name, call in CALLS.items():
            recorder.sent.clear()
            call(client)
            calls[name] = list(recorder.sent)
        return _public_methods(client), calls


def test_every_client_method_is_called_here(
    recorded: tuple[set[str], dict[str, list[tuple[str, str]]]],
) -> None:
    assert recorded[0] == set(CALLS)


def test_every_request_is_a_spec_operation_or_listed_once(
    spec: dict[str, Any], recorded: tuple[set[str], dict[str, list[tuple[str, str]]]]
) -> None:
    sent = recorded[1]
    assert all(sent.values()), {name: s for name, s in sent.items() if not s}
    outside: dict[tuple[str, str], set[str]] = {}
    checked = 0
    for name, requests in sent.items():
        for method, path in requests:
            if spec_operations(spec, method, path):
                checked += 1
                continue
            listed = [key for key in NOT_IN_2024_SPEC if key[0] == method and _is(path, key[1])]
            assert listed, f"{name}: {method} {path} is not in the 2024 spec and not listed"
            outside.setdefault(listed[0], set()).add(name)
    assert set(outside) == set(NOT_IN_2024_SPEC), "strike the operations the client dropped"
    assert checked


@pytest.mark.parametrize(("method", "path"), sorted(NOT_IN_2024_SPEC))
def test_each_operation_outside_the_spec_is_in_the_guesses_page(method: str, path: str) -> None:
    assert f"`{method} {path}`" in GUESSES.read_text(encoding="utf-8")


def _is(path: str, template: str) -> bool:
    return re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)), path) is not None


# filters the client accepts that the 2024 file does not list for the operation; each is in
# the newer spec's parameter list (api-notes/procurify.md §4)
NEWER_SPEC_FILTERS = {
    "/api/v2/purchase_orders/{role}/{status}": {
        "currency",
        "purchase_order",
        "purchaser",
        "total_0",
        "total_1",
    },
    "/api/v3/ap/bills": {"creator"},
}


@pytest.mark.parametrize(
    ("path", "accepted"),
    [
        ("/api/v2/purchase_orders/{role}/{status}", purchase_orders.LIST_FILTERS),
        ("/api/v3/ap/bills", bills.LIST_FILTERS),
        ("/api/v3/vendors", vendors.LIST_FILTERS),
        ("/api/v3/account-codes", account_codes.LIST_FILTERS),
    ],
)
def test_every_filter_the_client_accepts_is_a_documented_parameter(
    spec: dict[str, Any], path: str, accepted: Mapping[str, object]
) -> None:
    documented = {p["name"] for p in spec["paths"][path]["get"]["parameters"] if p["in"] == "query"}
    assert {"page", "page_size"} <= documented
    assert set(accepted) - documented == NEWER_SPEC_FILTERS.get(path, set())

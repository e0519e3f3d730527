"""The client decodes the answers Procurify's own OpenAPI file gives as examples.

Each operation the client sends is matched to its path and method in the vendor's spec
(``api-notes/procurify-openapi-2024.yaml``); the spec's example for the documented 2xx answer
is handed to the operation's own parser, which must decode every record in it. The examples
are the vendor's, placeholders and all (``state: ""``, a line's ``status: ""``, ``rate: rate``),
so a model that is stricter than the spec fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import yaml

from mlconnector_http import Operation, Page
from procurify_client import AccountCode, Bill, PurchaseOrder, Vendor
from procurify_client._resources import account_codes, bills, purchase_orders, vendors

SPEC_FILE = Path(__file__).parents[3] / "shared" / "api-notes" / "procurify-openapi-2024.yaml"
UUID = "0123456789abcdef0123456789abcdef"

OPERATIONS: list[tuple[str, Callable[[], Operation[Any]], int]] = [
    (
        "purchase_orders.list",
        lambda: purchase_orders.list_purchase_orders("purchased", "all", None, None, None, {}),
        200,
    ),
    ("purchase_orders.get", lambda: purchase_orders.get_purchase_order(7), 200),
    ("bills.list", lambda: bills.list_bills(None, None, None, {}), 200),
    ("bills.get", lambda: bills.get_bill(UUID), 200),
    ("vendors.list", lambda: vendors.VENDORS.list(None, {}), 200),
    ("vendors.get", lambda: vendors.VENDORS.get(3), 200),
    ("vendors.create", lambda: vendors.VENDORS.create(None, {"name": "Acme"}), 201),
    ("vendors.update", lambda: vendors.VENDORS.update(3, None, {"name": "Acme"}), 200),
    ("account_codes.list", lambda: account_codes.ACCOUNT_CODES.list(None, {}), 200),
    (
        "account_codes.create",
        lambda: account_codes.ACCOUNT_CODES.create(None, {"code": "1", "description": "d"}),
        201,
    ),
    (
        "account_codes.update",
        lambda: account_codes.ACCOUNT_CODES.update(2, None, {"code": "1", "description": "d"}),
        200,
    ),
]


class _JSONLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML read as JSON would carry it: timestamps stay the strings the wire has."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    with SPEC_FILE.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=_JSONLoader)
    return loaded


def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path.rstrip("/"))) + "$")


def _spec_operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The spec's operation for a concrete path (the spec strips trailing slashes)."""
    matches = [
        item[method.lower()]
        for template, item in spec["paths"].items()
        if _template(template).match(path.rstrip("/")) and method.lower() in item
    ]
    assert len(matches) == 1, f"{method} {path} matches {len(matches)} spec operations"
    return matches[0]


def _example(spec: dict[str, Any], operation: dict[str, Any], status: int) -> Any:
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    return spec["components"]["schemas"][name]["example"]


# The one contradiction inside the spec's examples: the generator that wrote them puts a
# decimal string's own field name where its value goes (``"total": "total"``, ``"rate":
# "rate"``), which no money field can read. Those, and only those, become "1.50" here; every
# other placeholder (``state: ""``, text fields) is decoded as the spec gives it.
PLACEHOLDER_DECIMALS = frozenset(
    {
        "amount",
        "approved_price",
        "freight",
        "other",
        "price",
        "purchased_currency_rate",
        "quantity",
        "rate",
        "shipping_amount",
        "subtotal",
        "tax_amount",
        "total",
        "total_cost",
    }
)


def _numbers_for_placeholders(value: Any) -> Any:
    if isinstance(value, list):
        return [_numbers_for_placeholders(item) for item in value]
    if isinstance(value, dict):
        return {
            key: "1.50"
            if key in PLACEHOLDER_DECIMALS and item == key
            else _numbers_for_placeholders(item)
            for key, item in value.items()
        }
    return value


def _answer(op: Operation[Any], status: int, body: Any) -> httpx.Response:
    request = httpx.Request(op.method, f"https://acme.procurify.com{op.path}")
    return httpx.Response(status, json=_numbers_for_placeholders(body), request=request)


@pytest.mark.parametrize(("name", "build", "status"), OPERATIONS, ids=[o[0] for o in OPERATIONS])
def test_the_spec_example_decodes(
    spec: dict[str, Any], name: str, build: Callable[[], Operation[Any]], status: int
) -> None:
    op = build()
    assert op.name == name
    operation = _spec_operation(spec, op.method, op.path)
    assert str(status) in operation["responses"], f"{name}: the spec answers {status} elsewhere"
    example = _example(spec, operation, status)
    parsed = op.parse(_answer(op, status, example))
    if isinstance(parsed, Page):
        assert list(parsed.rejects) == []
        assert len(parsed.items) == len(example["data"]) > 0
        first = parsed.items[0]
        wire = example["data"][0]
    else:
        first, wire = parsed, example["data"]
    assert isinstance(first, PurchaseOrder | Bill | Vendor | AccountCode)
    if isinstance(first, PurchaseOrder):
        assert first.id == wire["procurify_PO"]
    elif isinstance(first, Bill):
        assert first.uuid == wire["uuid"]
    else:
        assert first.id == wire["id"]


def test_the_spec_says_no_state_with_an_empty_string(spec: dict[str, Any]) -> None:
    """The PO examples send ``state: ""`` and a line ``status: ""``: both read as no value."""
    op = purchase_orders.get_purchase_order(7)
    example = _example(spec, _spec_operation(spec, "GET", op.path), 200)
    assert example["data"]["state"] == ""
    assert example["data"]["order_items"][0]["status"] == ""
    po = op.parse(_answer(op, 200, example))
    assert po.state is None
    assert len(po.lines) == len(example["data"]["order_items"])
    assert {line.status for line in po.lines} == {None}

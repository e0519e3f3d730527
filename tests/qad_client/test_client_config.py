"""QAD client construction: tenant URL rules, credential choices, workspace, facade parity."""

from __future__ import annotations

import inspect
from typing import Any, get_args, get_type_hints

import attrs
import pytest

import qad_client
from mlconnector_http import ClientCredentials, ConfigurationError, StaticToken
from qad_client import (
    AsyncQADClient,
    PasswordLogin,
    QADClient,
    QADConfigurationError,
    Workspace,
    tenant_base_url,
)

BASE: dict[str, Any] = {"domain": "10USA", "entity": "10USACO"}
LOGIN: dict[str, Any] = {"username": "alice", "password": "pw"}


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://acme.qad.com/clouderp", "https://acme.qad.com/clouderp/"),
        ("https://acme.qad.com/clouderp/", "https://acme.qad.com/clouderp/"),
        ("  https://acme.qad.com/clouderp  ", "https://acme.qad.com/clouderp/"),
        (
            "https://acme-nonprod.qad.com/clouderp/devl",
            "https://acme-nonprod.qad.com/clouderp/devl/",
        ),
        (
            "https://acme-nonprod.qad.com/clouderp/test/",
            "https://acme-nonprod.qad.com/clouderp/test/",
        ),
        ("https://erp.example.com:22011/qad-central", "https://erp.example.com:22011/qad-central/"),
        (
            "https://cat5-devl.adaptive.qad.com/clouderp",
            "https://cat5-devl.adaptive.qad.com/clouderp/",
        ),
        ("http://127.0.0.1:8765/acme/clouderp", "http://127.0.0.1:8765/acme/clouderp/"),
        ("http://[::1]:8765/acme/clouderp", "http://[::1]:8765/acme/clouderp/"),
        ("http://localhost/acme/clouderp", "http://localhost/acme/clouderp/"),
    ],
)
def test_accepted_tenant_urls(url: str, base: str) -> None:
    assert str(tenant_base_url(url)) == base
    assert str(QADClient(tenant_url=url, **BASE, **LOGIN).config.base_url) == base


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://acme.qad.com/clouderp", "https"),
        ("http://10.0.0.5/clouderp", "https"),
        ("http://127.0.0.2/clouderp", "https"),
        ("https://alice:pw@acme.qad.com/clouderp", "user name"),
        ("https://alice@acme.qad.com/clouderp", "user name"),
        ("https://acme.qad.com/clouderp?tenant=x", "query"),
        ("https://acme.qad.com/clouderp?", "query"),
        ("https://acme.qad.com/clouderp#top", "fragment"),
        ("https://acme.qad.com", "base URL"),
        ("https://acme.qad.com/", "base URL"),
        ("https://acme.qad.com/clouderp/devl/api/erp", "base URL"),
        ("https://erp.example.com/qad-central/api", "base URL"),
        ("ftp://acme.qad.com/clouderp", "https"),
        ("acme.qad.com/clouderp", "https"),
        ("", "https"),
    ],
)
def test_rejected_tenant_urls(url: str, reason: str) -> None:
    with pytest.raises(QADConfigurationError, match=reason) as caught:
        QADClient(tenant_url=url, **BASE, **LOGIN)
    assert isinstance(caught.value, ConfigurationError)
    assert isinstance(caught.value, ValueError)
    assert "pw" not in str(caught.value) or "pw" not in url


@pytest.mark.parametrize(
    ("credentials", "provider"),
    [
        ({"username": "alice", "password": "pw"}, PasswordLogin),
        ({"username": "alice", "password": "pw", "client_id": "app"}, PasswordLogin),
        ({"client_id": "svc", "client_secret": "s3cret"}, ClientCredentials),
        ({"token": "ready-made"}, StaticToken),
    ],
)
def test_each_way_to_sign_in(credentials: dict[str, Any], provider: type) -> None:
    client = QADClient(tenant_url="https://acme.qad.com/clouderp", **BASE, **credentials)
    assert client.config.auth is not None
    assert isinstance(client.config.auth.provider, provider)


@pytest.mark.parametrize(
    ("credentials", "message"),
    [
        ({}, "no credentials"),
        ({"username": "alice"}, "go together"),
        ({"password": "pw"}, "go together"),
        ({"client_secret": "s"}, "needs client_id"),
        ({"username": "a", "password": "p", "client_secret": "s", "client_id": "c"}, "not both"),
        ({"token": "t", "username": "a", "password": "p"}, "token= alone"),
        ({"token": "t", "client_id": "c", "client_secret": "s"}, "token= alone"),
    ],
)
def test_incompatible_credentials_fail_at_construction(
    credentials: dict[str, Any], message: str
) -> None:
    with pytest.raises(QADConfigurationError, match=message):
        QADClient(tenant_url="https://acme.qad.com/clouderp", **BASE, **credentials)


@pytest.mark.parametrize(
    ("domain", "entity"),
    [("", "10USACO"), ("10USA", ""), ("10 USA", "10USACO"), ("10_USA", "10USACO")],
)
def test_bad_workspace_is_a_configuration_error(domain: str, entity: str) -> None:
    with pytest.raises(QADConfigurationError, match="workspace"):
        QADClient(tenant_url="https://acme.qad.com/clouderp", domain=domain, entity=entity, **LOGIN)


def test_workspace_header_and_for_domain_clone() -> None:
    client = QADClient(tenant_url="https://acme.qad.com/clouderp", **BASE, **LOGIN)
    assert client.workspace == Workspace("10USA", "10USACO")
    assert client.config.headers["x-qad-workspace-id"] == "10USA_10USACO"
    assert client.config.headers["User-Agent"].startswith("mlconnector-qad-client/")
    other = client.for_domain("11CAN", "11CANCO")
    assert other.workspace.header == "11CAN_11CANCO"
    assert other.config.headers["x-qad-workspace-id"] == "11CAN_11CANCO"
    assert client.config.headers["x-qad-workspace-id"] == "10USA_10USACO"
    assert other.config.auth is client.config.auth
    assert other.suppliers is not client.suppliers
    assert other.suppliers._ws == other.workspace
    assert repr(other) == (
        "QADClient(base_url='https://acme.qad.com/clouderp/', workspace='11CAN_11CANCO')"
    )
    with pytest.raises(QADConfigurationError):
        client.for_domain("11CAN", "")


def test_retry_none_disables_retries() -> None:
    client = QADClient(tenant_url="https://acme.qad.com/clouderp", retry=None, **BASE, **LOGIN)
    assert client.config.retry.max_attempts == 1


RESOURCES = [
    "suppliers",
    "items",
    "gl_accounts",
    "cost_centres",
    "sub_accounts",
    "projects",
    "domains",
    "purchase_orders",
    "purchase_order_receipts",
    "open_receivers",
    "supplier_invoices",
    "supplier_payments",
]


def _public_methods(obj: object) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(type(obj), inspect.isfunction)
        if not name.startswith("_")
    }


def _parameters(signature: inspect.Signature) -> list[tuple[str, Any, Any, Any]]:
    return [(p.name, p.kind, p.default, p.annotation) for p in signature.parameters.values()]


@pytest.mark.parametrize("resource", RESOURCES)
def test_sync_and_async_facades_have_the_same_signatures(resource: str) -> None:
    kwargs: dict[str, Any] = {"tenant_url": "https://acme.qad.com/clouderp", **BASE, **LOGIN}
    sync_methods = _public_methods(getattr(QADClient(**kwargs), resource))
    async_resource = getattr(AsyncQADClient(**kwargs), resource)
    async_methods = _public_methods(async_resource)
    assert sync_methods, resource
    assert sync_methods.keys() == async_methods.keys()
    for name, signature in sync_methods.items():
        assert _parameters(signature) == _parameters(async_methods[name]), name
        member = getattr(async_resource, name)
        assert inspect.iscoroutinefunction(member) == (name != "list"), name


def test_every_create_takes_an_external_reference_it_can_be_found_by() -> None:
    kwargs: dict[str, Any] = {"tenant_url": "https://acme.qad.com/clouderp", **BASE, **LOGIN}
    client = QADClient(**kwargs)
    writable = [name for name in RESOURCES if hasattr(getattr(client, name), "create")]
    assert writable == [
        "suppliers",
        "purchase_orders",
        "purchase_order_receipts",
        "supplier_invoices",
        "supplier_payments",
    ]
    for name in writable:
        facade = getattr(client, name)
        (new_type,) = [t for k, t in get_type_hints(facade.create).items() if k != "return"]
        assert "external_reference" in attrs.fields_dict(new_type), name
        found = get_type_hints(facade.find_by_external_reference)["return"]
        (record_type,) = [t for t in get_args(found) if t is not type(None)]
        assert "external_reference" in attrs.fields_dict(record_type), name


def test_sync_and_async_clients_take_the_same_arguments() -> None:
    sync_init = inspect.signature(QADClient.__init__).parameters
    async_init = inspect.signature(AsyncQADClient.__init__).parameters
    assert list(sync_init) == list(async_init)
    for name, parameter in sync_init.items():
        assert parameter.kind == async_init[name].kind
        assert parameter.default == async_init[name].default
    assert set(_public_methods(QADClient.__new__(QADClient))) == set(
        _public_methods(AsyncQADClient.__new__(AsyncQADClient))
    )
    for name in RESOURCES:
        assert name in dir(QADClient)
        assert name in dir(AsyncQADClient)


def test_public_api_names_every_client_model_and_error() -> None:
    exported = set(qad_client.__all__)
    assert len(exported) == len(qad_client.__all__)
    assert {"QADClient", "AsyncQADClient", "WriteResult", "QADValidationError"} <= exported
    for name in exported:
        assert hasattr(qad_client, name)

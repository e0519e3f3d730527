"""Procurify configuration refused with a typed error naming the setting."""

from __future__ import annotations

from typing import Any

import pytest

from mlconnector_http import ConfigurationError
from procurify_client import AsyncProcurifyClient, ProcurifyClient, ProcurifyConfigurationError

CREDS: dict[str, Any] = {"client_id": "app", "client_secret": "s3cret-value"}


@pytest.mark.parametrize("client", [ProcurifyClient, AsyncProcurifyClient])
@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"subdomain": "acme\n"}, "subdomain"),
        ({"subdomain": "acme "}, "subdomain"),
        ({"subdomain": "acme.evil.example"}, "subdomain"),
        ({"subdomain": b"acme"}, "subdomain"),
        ({"base_url": "https://user:pw@acme.procurify.com"}, "base_url"),
        ({"base_url": "https://user@acme.procurify.com"}, "base_url"),
        ({"base_url": "http://acme.procurify.com"}, "base_url"),
        ({"base_url": "https://acme.procurify.com:99999"}, "base_url"),
        ({"base_url": "https://169.254.169.254"}, "base_url"),
        ({"base_url": "https://acme.procurify.com/?x=1"}, "base_url"),
        ({"base_url": b"https://acme.procurify.com"}, "base_url"),
    ],
)
def test_refused(client: type[Any], settings: dict[str, Any], named: str) -> None:
    with pytest.raises(ProcurifyConfigurationError, match=named) as caught:
        client(**settings, **CREDS)
    assert isinstance(caught.value, ConfigurationError)
    assert "pw" not in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_a_private_base_url_is_accepted_when_allowed() -> None:
    client = ProcurifyClient(base_url="https://10.0.0.8", allow_private_network=True, **CREDS)
    assert client.config.base_url.host == "10.0.0.8"


def test_the_simulator_on_loopback_is_accepted() -> None:
    client = ProcurifyClient(base_url="http://127.0.0.1:8765", **CREDS)
    assert (client.config.base_url.host, client.config.base_url.port) == ("127.0.0.1", 8765)

"""Procore host overrides refused with a typed error naming the setting."""

from __future__ import annotations

from typing import Any

import pytest

from mlconnector_http import ConfigurationError
from procore_client import AsyncProcoreClient, ProcoreClient, ProcoreConfigurationError

CREDS: dict[str, Any] = {"client_id": "app", "client_secret": "s3cret-value", "company_id": 1}


@pytest.mark.parametrize("client", [ProcoreClient, AsyncProcoreClient])
@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"auth_url": "https://login.example/x?y=1"}, "auth_url"),
        ({"auth_url": "login.example"}, "auth_url"),
        ({"auth_url": "https://user:pw@login.example"}, "auth_url"),
        ({"auth_url": "http://login.example"}, "auth_url"),
        ({"base_url": "api.example"}, "base_url"),
        ({"base_url": "https://api.example#x"}, "base_url"),
        ({"base_url": "https://[fe80::1]"}, "base_url"),
        ({"base_url": "https://api.example:70000"}, "base_url"),
        ({"base_url": "https://api.example/a/%2e%2e"}, "base_url"),
    ],
)
def test_refused(client: type[Any], settings: dict[str, Any], named: str) -> None:
    with pytest.raises(ProcoreConfigurationError, match=named) as caught:
        client(**settings, **CREDS)
    assert isinstance(caught.value, ConfigurationError)
    assert "pw" not in str(caught.value)


def test_the_token_url_is_built_from_a_checked_auth_url() -> None:
    client = ProcoreClient(auth_url="https://login.example/", **CREDS)
    assert client.config.auth is not None
    provider = client.config.auth.provider
    assert getattr(provider, "token_url", None) == "https://login.example/oauth/token"


def test_private_hosts_need_the_flag() -> None:
    client = ProcoreClient(base_url="https://10.0.0.9", allow_private_network=True, **CREDS)
    assert client.config.base_url.host == "10.0.0.9"

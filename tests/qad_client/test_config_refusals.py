"""QAD tenant URLs refused with a typed error naming ``tenant_url``."""

from __future__ import annotations

from typing import Any

import pytest

from mlconnector_http import ConfigurationError
from qad_client import AsyncQADClient, QADClient, QADConfigurationError, tenant_base_url

SETTINGS: dict[str, Any] = {
    "domain": "10USA",
    "entity": "10USACO",
    "username": "alice",
    "password": "pw-secret",
}


@pytest.mark.parametrize("client", [QADClient, AsyncQADClient])
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://acme.qad.com/x/%2e%2e/clouderp", "'..'"),
        ("https://acme.qad.com/clouderp/%2e%2e", "'..'"),
        ("https://acme.qad.com/clouderp/%2E%2E/%2e%2e", "'..'"),
        ("https://acme.qad.com:99999/clouderp", "port 99999"),
        (None, "not NoneType"),
        (b"https://acme.qad.com/clouderp", "not bytes"),
        ("https://169.254.169.254/clouderp", "private"),
        ("https://10.0.0.5:22011/qad-central", "private"),
        ("https://acme.qad.com/clouder p", "whitespace"),
    ],
)
def test_refused(client: type[Any], url: object, reason: str) -> None:
    with pytest.raises(QADConfigurationError, match=reason) as caught:
        client(tenant_url=url, **SETTINGS)
    assert isinstance(caught.value, ConfigurationError)
    assert "tenant_url" in str(caught.value)
    assert "pw-secret" not in str(caught.value)


def test_an_on_premises_host_is_accepted_when_allowed() -> None:
    url = "https://10.0.0.5:22011/qad-central"
    assert str(tenant_base_url(url, allow_private_network=True)) == url + "/"
    client = QADClient(tenant_url=url, allow_private_network=True, **SETTINGS)
    assert client.config.base_url.port == 22011

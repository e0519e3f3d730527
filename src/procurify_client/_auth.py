"""Procurify's token request: OAuth2 client credentials as a JSON body with an audience.

Procurify documents ``POST https://{tenant}.procurify.com/oauth/token`` with ``client_id``,
``client_secret``, ``audience`` and ``grant_type`` in JSON, answering a 24 h bearer token and
no refresh token; the toolkit's :class:`~mlconnector_http.ClientCredentials` does exactly that
once told the body is JSON, and :class:`~mlconnector_http.TokenManager` caches it.
"""

from __future__ import annotations

import httpx

from mlconnector_http import ClientCredentials, Secret
from procurify_client._exceptions import ProcurifyError

__all__ = ["AUDIENCE", "TOKEN_PATH", "procurify_credentials"]

AUDIENCE = "https://api.procurify.com/"
TOKEN_PATH = "/oauth/token"


def procurify_credentials(
    base_url: httpx.URL, client_id: str, client_secret: str | Secret
) -> ClientCredentials:
    """The token provider for one tenant's application (keyed by tenant URL + client id)."""
    return ClientCredentials(
        token_url=str(base_url.join(TOKEN_PATH)),
        client_id=client_id,
        client_secret=client_secret,
        body="json",
        extra={"audience": AUDIENCE},
        family=ProcurifyError,
    )

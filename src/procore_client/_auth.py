"""Procore hosts per environment and the client-credentials provider (DMSA apps).

Client credentials need no code of our own: the toolkit's :class:`ClientCredentials` posts the
RFC 6749 form to ``{auth host}/oauth/token``. Procore returns a 5400 s token with no refresh
token, so a new one is simply requested ``leeway`` seconds before expiry (and after a 401).
"""

from __future__ import annotations

import enum

import attrs

from mlconnector_http import ClientCredentials, Secret, checked_url
from procore_client._exceptions import ProcoreConfigurationError, ProcoreError
from procore_client._paging import is_text

__all__ = ["Environment", "Hosts", "credentials", "resolve_hosts"]


class Environment(enum.StrEnum):
    """A Procore environment; tokens of one are not accepted by another."""

    PRODUCTION = "production"
    SANDBOX = "sandbox"
    MONTHLY_SANDBOX = "monthly-sandbox"


@attrs.frozen
class Hosts:
    """Where tokens come from and where the API lives."""

    auth_url: str
    base_url: str


_HOSTS = {
    Environment.PRODUCTION: Hosts("https://login.procore.com", "https://api.procore.com"),
    Environment.SANDBOX: Hosts("https://login-sandbox.procore.com", "https://sandbox.procore.com"),
    Environment.MONTHLY_SANDBOX: Hosts(
        "https://login-sandbox-monthly.procore.com", "https://api-monthly.procore.com"
    ),
}


def resolve_hosts(
    environment: Environment | str,
    auth_url: str | None,
    base_url: str | None,
    *,
    allow_private_network: bool = False,
) -> Hosts:
    """The hosts of ``environment``, each overridable; a lone ``base_url`` serves auth too.

    Giving only ``base_url`` (a simulator, a proxy) sends token requests there as well. An
    override is checked by :func:`~mlconnector_http.checked_url` (https, no user info, no
    query, no private address unless ``allow_private_network``).
    """
    try:
        env = Environment(environment)
    except ValueError:
        known = ", ".join(repr(e.value) for e in Environment)
        raise ProcoreConfigurationError(
            f"unknown environment {environment!r}: use one of {known}, "
            "or pass auth_url= and base_url= explicitly"
        ) from None
    default = _HOSTS[env]
    api = _override("base_url", base_url, allow_private_network)
    login = _override("auth_url", auth_url, allow_private_network) if auth_url is not None else api
    return Hosts(login or default.auth_url, api or default.base_url)


def _override(setting: str, value: object, allow_private_network: bool) -> str | None:
    if value is None:
        return None
    url = checked_url(
        value, setting=setting, family=ProcoreError, allow_private_network=allow_private_network
    )
    return str(url).rstrip("/")


def credentials(auth_url: str, client_id: str, client_secret: str | Secret) -> ClientCredentials:
    """The client-credentials provider of one app, checked for the mistakes seen in practice."""
    if not is_text(client_id):
        raise ProcoreConfigurationError("client_id is empty: pass the app's client id")
    secret = client_secret if isinstance(client_secret, Secret) else Secret(client_secret)
    if not secret.reveal().strip():
        raise ProcoreConfigurationError("client_secret is empty: pass the app's client secret")
    return ClientCredentials(
        token_url=f"{auth_url}/oauth/token",
        client_id=client_id,
        client_secret=secret,
        body="form",
        family=ProcoreError,
    )

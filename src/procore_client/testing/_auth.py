"""Hosts, apps and client-credentials tokens: who is calling, from which environment.

Procore mints tokens on a login host and accepts them on the API host of the same environment
only; on loopback a port plays both roles under ``serve()`` and one each under ``serve_apart()``.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

import attrs

from mlconnector_http._clock import Clock
from procore_client.testing._models import App, Token

__all__ = [
    "API_HOSTS",
    "ENVIRONMENTS",
    "LOGIN_HOSTS",
    "LOOPBACK_HOSTS",
    "TOKEN_LIFETIME",
    "Authority",
    "HostRole",
    "TokenProblem",
    "host_role",
]

TOKEN_LIFETIME = 5400

LOGIN_HOSTS = {
    "login.procore.com": "production",
    "login-sandbox.procore.com": "sandbox",
    "login-sandbox-monthly.procore.com": "monthly",
}
API_HOSTS = {
    "api.procore.com": "production",
    "sandbox.procore.com": "sandbox",
    "api-monthly.procore.com": "monthly",
}
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
ENVIRONMENTS = {
    env: (f"https://{login}", f"https://{api}")
    for login, env in LOGIN_HOSTS.items()
    for api, api_env in API_HOSTS.items()
    if api_env == env
}


@attrs.frozen
class HostRole:
    """What a host serves: the token endpoint, the REST API, or both (loopback)."""

    environment: str
    login: bool
    api: bool


def host_role(host: str) -> HostRole | None:
    """The role of ``host`` (port ignored), or None for a host Procore does not answer on."""
    name = host.lower()
    if name in LOGIN_HOSTS:
        return HostRole(LOGIN_HOSTS[name], login=True, api=False)
    if name in API_HOSTS:
        return HostRole(API_HOSTS[name], login=False, api=True)
    if name in LOOPBACK_HOSTS:
        return HostRole("loopback", login=True, api=True)
    return None


@attrs.frozen
class TokenProblem:
    """Why a bearer token was refused, in Doorkeeper's words."""

    error: str
    description: str


class Authority:
    """Registered apps and the tokens issued to them."""

    def __init__(self, clock: Clock, *, token_lifetime: int = TOKEN_LIFETIME) -> None:
        self.clock = clock
        self.token_lifetime = token_lifetime
        self.apps: dict[str, App] = {}
        self.tokens: dict[str, Token] = {}
        self.tokens_issued = 0
        self._next_user = 9_000_000_001

    def clear(self) -> None:
        """Forget apps and tokens."""
        self.apps.clear()
        self.tokens.clear()
        self.tokens_issued = 0
        self._next_user = 9_000_000_001

    def add_app(
        self,
        client_id: str,
        client_secret: str,
        *,
        name: str | None = None,
        environments: Iterable[str] | None = None,
    ) -> App:
        """Register an app; ``environments`` limits where its credentials work (None: all)."""
        app = App(
            client_id,
            client_secret,
            self._next_user,
            name or f"{client_id} service account",
            None if environments is None else frozenset(environments),
        )
        self._next_user += 1
        self.apps[client_id] = app
        return app

    def client_credentials(self, form: dict[str, Any], authorization: str | None) -> App | None:
        """The app named by the body (or HTTP Basic header), if its secret matches."""
        client_id = form.get("client_id")
        client_secret = form.get("client_secret")
        if (client_id is None or client_secret is None) and authorization:
            scheme, _, encoded = authorization.partition(" ")
            if scheme.lower() == "basic":
                try:
                    decoded = base64.b64decode(encoded.strip()).decode("utf-8")
                except (ValueError, UnicodeDecodeError):
                    return None
                user, _, password = decoded.partition(":")
                client_id, client_secret = unquote(user), unquote(password)
        if not isinstance(client_id, str) or not isinstance(client_secret, str):
            return None
        app = self.apps.get(client_id)
        if app is None or not secrets.compare_digest(app.client_secret, client_secret):
            return None
        return app

    def issue(self, app: App, environment: str) -> Token:
        """Mint an access token for ``app`` valid in ``environment``."""
        token = Token(
            secrets.token_urlsafe(32),
            app.client_id,
            environment,
            int(self.clock.time()),
            self.token_lifetime,
        )
        self.tokens[token.value] = token
        self.tokens_issued += 1
        return token

    def authenticate(
        self, authorization: str | None, environment: str
    ) -> tuple[App, Token] | TokenProblem:
        """The app behind ``Authorization: Bearer ...`` or why it is refused."""
        if not authorization:
            return TokenProblem("invalid_request", "No access token was provided.")
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return TokenProblem("invalid_request", "The access token must be a Bearer token.")
        token = self.tokens.get(value.strip())
        if token is None or token.environment != environment:
            return TokenProblem("invalid_token", "The access token is invalid")
        if token.revoked:
            return TokenProblem("invalid_token", "The access token was revoked")
        if token.expired(self.clock.time()):
            return TokenProblem("invalid_token", "The access token expired")
        app = self.apps.get(token.client_id)
        if app is None:
            return TokenProblem("invalid_token", "The access token is invalid")
        return app, token

    def expire_all(self) -> None:
        """Make every issued token expired now (a server-side purge)."""
        now = int(self.clock.time())
        for token in self.tokens.values():
            token.created_at = now - token.expires_in

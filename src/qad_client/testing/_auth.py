"""Users, service accounts, sessions and tokens of one tenant (no HTTP).

A login opens a session that lives at most ``session_length`` minutes and dies after
``timeout_minutes`` without use; each access token also has its own ``expires_in``. Refresh
tokens are single-use: each refresh returns a new pair, stays inside the session's absolute
life, and a second use of the same refresh token is refused. Like QAD (Security Control's
"Maximum Access Failures"), a user is disabled after ``max_access_failures`` wrong passwords
in a row.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Literal

import attrs

__all__ = ["AuthConfig", "AuthFailure", "AuthState", "Grant", "Principal", "Session"]

Rejection = Literal["invalid_grant", "invalid_client", "invalid_token", "expired", "idle"]


@attrs.frozen
class AuthConfig:
    """Session and token lifetimes as ``securityControl`` reports them."""

    client_id: str
    session_length: int = 480
    timeout_minutes: int = 30
    token_lifetime: int = 1800


@attrs.frozen
class Principal:
    """Someone who can log in: a user (password) or a service account (client secret)."""

    name: str
    secret: str
    permissions: frozenset[str] | None
    service: bool = False

    def may(self, resource: str, *, write: bool) -> bool:
        """Whether the principal may read (or write) ``resource``; ``None`` means everything."""
        if self.permissions is None or "*" in self.permissions:
            return True
        if resource in self.permissions:
            return True
        return not write and f"{resource}:read" in self.permissions


@attrs.define
class Session:
    """One login: when it started and when it was last used."""

    principal: Principal
    started: float
    last_seen: float


@attrs.frozen
class Grant:
    """What a successful token call returns."""

    access_token: str
    refresh_token: str | None
    expires_in: int


@attrs.frozen
class AuthFailure:
    """Why a token call or a bearer token was refused."""

    reason: Rejection
    description: str


@attrs.define
class _Access:
    session: Session
    expires: float


@attrs.define
class _Refresh:
    session: Session
    used: bool = False


class AuthState:
    """The principals of a tenant and the tokens issued to them."""

    def __init__(self, config: AuthConfig) -> None:
        self.config = config
        self.users: dict[str, Principal] = {}
        self.services: dict[str, Principal] = {}
        self._access: dict[str, _Access] = {}
        self._refresh: dict[str, _Refresh] = {}
        self.max_access_failures = 10
        self.access_failures: dict[str, int] = {}
        self.disabled: set[str] = set()

    def add_user(self, username: str, password: str, permissions: Iterable[str] | None) -> None:
        """Add or replace a user who logs in with a password."""
        allowed = None if permissions is None else frozenset(permissions)
        self.users[username.lower()] = Principal(username, password, allowed)
        self.access_failures.pop(username.lower(), None)
        self.disabled.discard(username.lower())

    def add_service(self, client_id: str, secret: str, permissions: Iterable[str] | None) -> None:
        """Add or replace a service account that uses the client-credentials grant."""
        allowed = None if permissions is None else frozenset(permissions)
        self.services[client_id] = Principal(client_id, secret, allowed, service=True)

    def basic(self, username: str, password: str) -> Principal | None:
        """The user these Basic credentials name, if the password is right and the user is
        enabled; a wrong password counts as an access failure, the last allowed one disables."""
        name = username.lower()
        user = self.users.get(name)
        if user is None or name in self.disabled:
            return None
        if not secrets.compare_digest(user.secret, password):
            self.access_failures[name] = self.access_failures.get(name, 0) + 1
            if self.access_failures[name] >= self.max_access_failures:
                self.disabled.add(name)
            return None
        self.access_failures.pop(name, None)
        return user

    def password_grant(
        self, client_id: str, username: str, password: str, now: float
    ) -> Grant | AuthFailure:
        """Log a user in (``grant_type=password``)."""
        if client_id != self.config.client_id:
            return AuthFailure("invalid_client", "Unknown client_id.")
        user = self.basic(username, password)
        if user is None:
            return AuthFailure("invalid_grant", "Bad credentials")
        return self._issue(Session(user, now, now), now, refresh=True)

    def client_grant(self, client_id: str, secret: str, now: float) -> Grant | AuthFailure:
        """Log a service account in (``grant_type=client_credentials``)."""
        service = self.services.get(client_id)
        if service is None or not secrets.compare_digest(service.secret, secret):
            return AuthFailure("invalid_client", "Bad client credentials")
        return self._issue(Session(service, now, now), now, refresh=False)

    def refresh_grant(self, client_id: str, token: str, now: float) -> Grant | AuthFailure:
        """Swap a refresh token for a new pair; the old refresh token is spent."""
        if client_id and client_id != self.config.client_id:
            return AuthFailure("invalid_client", "Unknown client_id.")
        entry = self._refresh.get(token)
        if entry is None:
            return AuthFailure("invalid_grant", "Invalid refresh token")
        if entry.used:
            return AuthFailure("invalid_grant", "Refresh token has already been used")
        if now >= entry.session.started + self.config.session_length * 60:
            return AuthFailure("invalid_grant", "Refresh token expired")
        entry.used = True
        entry.session.last_seen = now
        return self._issue(entry.session, now, refresh=True)

    def check(self, token: str, now: float) -> Session | AuthFailure:
        """The session behind a bearer token, refreshing its idle timer; or why it is refused."""
        access = self._access.get(token)
        if access is None:
            return AuthFailure("invalid_token", "Invalid access token")
        session = access.session
        if now >= access.expires:
            return AuthFailure("expired", "Access token expired")
        if now >= session.started + self.config.session_length * 60:
            return AuthFailure("expired", "Session expired")
        if now >= session.last_seen + self.config.timeout_minutes * 60:
            return AuthFailure("idle", "Session timed out")
        session.last_seen = now
        return session

    def revoke_all(self) -> None:
        """Forget every token (forces every client to log in again)."""
        self._access.clear()
        self._refresh.clear()

    def _issue(self, session: Session, now: float, *, refresh: bool) -> Grant:
        left = session.started + self.config.session_length * 60 - now
        expires_in = max(int(min(self.config.token_lifetime, left)), 0)
        access = secrets.token_urlsafe(24)
        self._access[access] = _Access(session, now + expires_in)
        refresh_token = secrets.token_urlsafe(24) if refresh else None
        if refresh_token is not None:
            self._refresh[refresh_token] = _Refresh(session)
        return Grant(access, refresh_token, expires_in)

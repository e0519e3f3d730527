"""QAD sign-in: the password grant with single-use refresh tokens, and the client-id lookup.

A QAD tenant issues tokens from ``POST {base}/oauth/token`` for a *user* (``grant_type=password``
with the tenant's OAuth ``client_id``). The ``client_id`` is not a secret: when the caller does
not know it, it is read from ``GET {base}/api/qracore/securityControl`` with Basic auth, which
also tells how long a session lives. Before the access token expires the refresh token is
spent (QAD rotates it: each one works once) while the session lasts; when refreshing fails, or
the session has ended, the user signs in again.

A refused password (400/401 from ``oauth/token``, 401 from ``securityControl``) is never sent
again by the same :class:`PasswordLogin` (a client and its ``with_options``/``for_domain``
copies): QAD disables a user after "Maximum Access Failures" (10 by default) wrong passwords,
so a sync that retried would lock its own integration user out. Every later call raises
:class:`~qad_client.QADAuthError` at once, without a request; build a new client once the
password is corrected. A process that builds a new client for every run should stop after
such an error rather than try the same password again.
"""

from __future__ import annotations

import base64
from typing import Any

import attrs
import httpx

from mlconnector_http import (
    APIError,
    APIStatusError,
    Operation,
    Secret,
    SecretFields,
    Token,
    TokenFlow,
    credential_key,
    parse_token_response,
)
from qad_client import _names as n
from qad_client._exceptions import QADAuthError, QADError

__all__ = ["PasswordLogin", "SecurityControl", "security_control"]

# A refresh is not attempted this close to the end of the session: it would die in flight.
_SESSION_MARGIN = 30.0
# What a refused sign-in answers: the password (or the client id) is wrong, or the user is off.
_REFUSED = frozenset({400, 401})


@attrs.frozen
class SecurityControl:
    """The tenant's sign-in settings: OAuth client id and session limits (minutes)."""

    client_id: str
    session_length: float | None = None
    timeout_minutes: float | None = None


def _minutes(value: Any) -> float | None:
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        return None
    return minutes if minutes > 0 else None


def _basic(username: str, password: Secret) -> str:
    """The Basic ``Authorization`` value (no local variable holds it, for tracebacks)."""
    pair = f"{username}:{password.reveal()}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def security_control(base_url: str, username: str, password: Secret) -> Operation[SecurityControl]:
    """``GET api/qracore/securityControl`` with Basic auth: the client id and session limits."""
    s = n.SECURITY

    def parse(response: httpx.Response) -> SecurityControl:
        body = response.json()
        try:
            control = body[s["data"]][s["controls"]][0]
            client_id = control[s["client_id"]]
        except (KeyError, IndexError, TypeError):
            raise ValueError("securityControl answered without a clientId") from None
        # it goes into the sign-in form: a number, an object or a lone surrogate is no id
        if not isinstance(client_id, str) or not client_id.isascii() or not client_id.isprintable():
            raise ValueError("securityControl answered a clientId that is not an id string")
        if not client_id.strip():
            raise ValueError("securityControl answered an empty clientId")
        return SecurityControl(
            client_id,
            _minutes(control.get(s["session_length"])),
            _minutes(control.get(s["timeout_minutes"])),
        )

    return Operation(
        name="oauth.security_control",
        method="GET",
        path=base_url + n.PATHS["security_control"],
        headers=SecretFields({"Authorization": _basic(username, password)}),
        parse=parse,
        authenticated=False,
    )


class PasswordLogin:
    """QAD's user sign-in as a ``TokenProvider``: refresh the session, else log in again.

    Args:
        base_url: the tenant URL, ending in ``/``.
        username: the QAD user.
        password: the user's password.
        client_id: the tenant's OAuth client id; ``None`` reads it from securityControl.
    """

    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: Secret | str,
        client_id: str | None = None,
    ) -> None:
        self.base_url = base_url
        self.username = username
        self._password = Secret(password)
        self._control = SecurityControl(client_id) if client_id else None
        self._refused: APIStatusError | None = None

    @property
    def key(self) -> str:
        """Non-secret credential key: tenant plus user."""
        return credential_key(self.base_url, "password", self.username)

    @property
    def control(self) -> SecurityControl | None:
        """The tenant's sign-in settings once known."""
        return self._control

    @property
    def refused(self) -> bool:
        """Whether the password was refused: it is then never sent again."""
        return self._refused is not None

    def token_flow(self, current: Token | None, now: float) -> TokenFlow:
        """Learn the client id if needed; refresh while the session lasts; else log in.

        Raises:
            QADAuthError: the password was refused, now or by an earlier call (then without
                a request: a wrong password is never retried).
        """
        if self._refused is not None:
            raise self._refusal(self._refused)
        if self._control is None:
            try:
                self._control = yield security_control(self.base_url, self.username, self._password)
            except APIStatusError as error:
                raise self._refuse(error) from None
        control = self._control
        if current is not None and current.refresh_token is not None:
            session_ends = current.refresh_expires_at
            if session_ends is None or now < session_ends - _SESSION_MARGIN:
                try:
                    refreshed: Token = yield self._refresh(
                        control, current.refresh_token, now, session_ends
                    )
                except APIError:
                    pass  # spent, revoked or expired: log in again below
                else:
                    return refreshed
        try:
            token: Token = yield self._login(control, now)
        except APIStatusError as error:
            raise self._refuse(error) from None
        return token

    def _refuse(self, error: APIStatusError) -> APIStatusError:
        """Remember a refused sign-in (400/401) so the password is never sent again."""
        if error.status_code not in _REFUSED:
            return error
        self._refused = error
        return self._refusal(error)

    def _refusal(self, error: APIStatusError) -> QADAuthError:
        return QADAuthError(
            f"the sign-in of QAD user {self.username!r} was refused ({error.message}); it is "
            "not tried again, because QAD disables a user after repeated failed logins: "
            "correct the password, then create a new client",
            status_code=error.status_code,
            request_id=error.request_id,
            method=error.method,
            path=error.path,
        )

    def _login(self, control: SecurityControl, now: float) -> Operation[Token]:
        """The password grant; it opens a session that lasts ``session_length`` minutes."""
        o = n.OAUTH
        form = SecretFields(
            {
                o["grant_type"]: o["password_grant"],
                o["client_id"]: control.client_id,
                o["username"]: self.username,
                o["password"]: self._password.reveal(),
            }
        )
        length = control.session_length
        session_ends = now + length * 60 if length else None
        # sent twice, a login only opens a second session
        return self._token_op("oauth.login", form, control, now, session_ends, retry_safe=True)

    def _refresh(
        self, control: SecurityControl, refresh_token: Secret, now: float, ends: float | None
    ) -> Operation[Token]:
        """The refresh grant; the new pair belongs to the same session."""
        o = n.OAUTH
        form = SecretFields(
            {
                o["grant_type"]: o["refresh_grant"],
                o["refresh_token"]: refresh_token.reveal(),
                o["client_id"]: control.client_id,
            }
        )
        # a refresh token works once: never resent
        return self._token_op("oauth.refresh", form, control, now, ends, retry_safe=False)

    def _token_op(
        self,
        name: str,
        form: SecretFields,
        control: SecurityControl,
        now: float,
        session_ends: float | None,
        *,
        retry_safe: bool,
    ) -> Operation[Token]:
        """``POST oauth/token``; limits the reply leaves out come from the session settings."""
        idle = control.timeout_minutes

        def parse(response: httpx.Response) -> Token:
            token = parse_token_response(response, now=now, family=QADError)
            if token.refresh_expires_at is None and session_ends is not None:
                token = attrs.evolve(token, refresh_expires_at=session_ends)
            if token.expires_at is None and idle is not None:
                token = attrs.evolve(token, expires_at=now + idle * 60)
            return token

        return Operation(
            name=name,
            method="POST",
            path=self.base_url + n.PATHS["token"],
            form=form,
            parse=parse,
            retry_safe=retry_safe,
            authenticated=False,
        )

    def __repr__(self) -> str:
        return f"PasswordLogin(base_url={self.base_url!r}, username={self.username!r})"

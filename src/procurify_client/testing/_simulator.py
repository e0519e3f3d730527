"""The Procurify simulator: tenants by subdomain on top of the shared simulator kernel."""

from __future__ import annotations

import secrets
from datetime import datetime

import attrs
import httpx

from mlconnector_http._clock import Clock
from mlconnector_http.testing import FaultRule, NoRoute, Simulator
from procurify_client.testing._faults import next_link_loop, next_links_at
from procurify_client.testing._handlers import (
    Handlers,
    ProcurifyRequest,
    detail,
    drf_response,
    handle,
)
from procurify_client.testing._limits import RateLimit, Verdict
from procurify_client.testing._routes import build_router
from procurify_client.testing._seed import DEFAULT_START, install_reference_data, seed_tenant
from procurify_client.testing._state import AUDIENCE, Tenant

__all__ = ["ProcurifySimulator", "TenantCredentials"]

_DOMAIN = ".procurify.com"


@attrs.frozen
class TenantCredentials:
    """What a customer's admin hands an integration: the domain and an API application."""

    subdomain: str
    client_id: str
    client_secret: str = attrs.field(repr=False)
    audience: str = AUDIENCE

    @property
    def base_url(self) -> str:
        """``https://{subdomain}.procurify.com``, the tenant's API host."""
        return f"https://{self.subdomain}{_DOMAIN}"

    @property
    def token_url(self) -> str:
        """Where the client-credentials token is requested."""
        return f"{self.base_url}/oauth/token"

    def token_request(self) -> dict[str, str]:
        """The documented JSON body of a token request with these credentials."""
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "audience": self.audience,
            "grant_type": "client_credentials",
        }


class ProcurifySimulator(Simulator):
    """A fake Procurify: OAuth client credentials, v2/v3/public-v1 resources, limits and faults.

    Requests are routed to a tenant by their host, ``{subdomain}.procurify.com``. Any other
    host (``127.0.0.1`` behind :meth:`serve`, ``localhost``, ...) goes to ``default_tenant``,
    or when that is ``None`` to the first tenant added, so a loopback client needs no Host
    header; an unknown ``*.procurify.com`` subdomain answers 404.

    Everything reads time from ``clock``: token expiry, rate windows, suspensions, and the
    timestamps of records created through the API. Use :class:`~mlconnector_http.FakeClock`
    to cross the 24 h token lifetime without sleeping.

    Args:
        clock: where time comes from (default: the system clock).
        default_tenant: subdomain answering hosts that are not ``*.procurify.com``.
        token_ttl: seconds a token lives (Procurify documents 86400).
        default_page_size: ``page_size`` when the request gives none (undocumented; 10 guessed).
        max_page_size: larger ``page_size`` values are cut to this, as DRF does.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        default_tenant: str | None = None,
        token_ttl: int = 86_400,
        default_page_size: int = 10,
        max_page_size: int = 1000,
    ) -> None:
        super().__init__(clock=clock)
        if token_ttl < 1 or not 1 <= default_page_size <= max_page_size:
            raise ValueError("need token_ttl >= 1 and 1 <= default_page_size <= max_page_size")
        self.default_tenant = default_tenant
        self.token_ttl = token_ttl
        self.tenants: dict[str, Tenant] = {}
        self._router = build_router(Handlers(default_page_size, max_page_size))

    # -- tenants -----------------------------------------------------------------------

    def add_tenant(
        self,
        subdomain: str,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        email: str | None = None,
        rate_limit: RateLimit | None = None,
    ) -> TenantCredentials:
        """Create the domain ``{subdomain}.procurify.com`` with one API application.

        Missing credentials are generated. The tenant starts with reference data only
        (currencies, a location, departments, the API user ``email``); :meth:`seed` fills it.
        """
        subdomain = subdomain.lower()
        with self.lock:
            if subdomain in self.tenants:
                raise ValueError(f"tenant {subdomain!r} already exists")
            tenant = Tenant(
                subdomain,
                client_id=client_id or f"{subdomain}-{secrets.token_hex(8)}",
                client_secret=client_secret or secrets.token_urlsafe(32),
                clock=self.clock,
                token_ttl=self.token_ttl,
            )
            install_reference_data(tenant, email=email or f"api@{subdomain}.example.com")
            tenant.set_rate_limit(rate_limit)
            self.tenants[subdomain] = tenant
        return self.credentials(subdomain)

    def tenant(self, subdomain: str) -> Tenant:
        """The state of one tenant, for assertions and direct edits in tests."""
        try:
            return self.tenants[subdomain.lower()]
        except KeyError:
            raise KeyError(f"no tenant {subdomain!r}; call add_tenant() first") from None

    def credentials(self, subdomain: str) -> TenantCredentials:
        """The credentials :meth:`add_tenant` returned for ``subdomain``."""
        tenant = self.tenant(subdomain)
        return TenantCredentials(tenant.subdomain, tenant.client_id, tenant.client_secret)

    def seed(
        self,
        subdomain: str,
        *,
        seed: int | str = 0,
        vendors: int = 25,
        account_codes: int = 15,
        purchase_orders: int = 100,
        lines_per_po: int = 3,
        bills: int = 40,
        payments: int = 20,
        start: datetime = DEFAULT_START,
        days: int = 365,
    ) -> Tenant:
        """Replace a tenant's records with generated ones; equal arguments, equal data.

        Record dates fall in ``[start, start + days)``, independent of the clock. Every PO
        has exactly ``lines_per_po`` lines; bills bill PO lines (about one in ten is an
        expense bill without a PO); each payment pays one approved bill while any is left.
        """
        tenant = self.tenant(subdomain)
        with self.lock:
            seed_tenant(
                tenant,
                seed=seed,
                vendors=vendors,
                account_codes=account_codes,
                purchase_orders=purchase_orders,
                lines_per_po=lines_per_po,
                bills=bills,
                payments=payments,
                start=start,
                days=days,
            )
        return tenant

    # -- auth and limits ---------------------------------------------------------------

    @property
    def tokens_issued(self) -> int:
        """Tokens issued so far across all tenants (per tenant: ``tenant(s).tokens_issued``)."""
        return sum(t.tokens_issued for t in self.tenants.values())

    def revoke_tokens(self, subdomain: str | None = None) -> None:
        """Invalidate the tokens of one tenant, or of all, so the next call gets 401."""
        with self.lock:
            for tenant in self.tenants.values():
                if subdomain is None or tenant.subdomain == subdomain.lower():
                    tenant.revoke_tokens()

    def set_rate_limit(
        self,
        subdomain: str,
        requests_per_window: int | None,
        window_seconds: float = 60.0,
        *,
        suspend_after: int | None = None,
        abuse_window_seconds: float | None = None,
        suspend_seconds: float = 3600.0,
    ) -> None:
        """Limit a tenant to ``requests_per_window`` requests (any path) per fixed window.

        Requests over the limit get 429 with ``Retry-After`` (seconds to the window's end).
        After ``suspend_after`` 429s within ``abuse_window_seconds`` (default: the window),
        every request gets 403 for ``suspend_seconds``. ``requests_per_window=None`` lifts
        the limit.
        """
        limit = None
        if requests_per_window is not None:
            limit = RateLimit(
                requests_per_window,
                window_seconds,
                suspend_after,
                abuse_window_seconds,
                suspend_seconds,
            )
        with self.lock:
            self.tenant(subdomain).set_rate_limit(limit)

    def suspend(self, subdomain: str, seconds: float) -> None:
        """Deny a tenant's API access (403) for ``seconds``, as Procurify reserves the right to."""
        with self.lock:
            self.tenant(subdomain).throttle.suspend(seconds)

    def lift_suspension(self, subdomain: str) -> None:
        """End a tenant's suspension now."""
        with self.lock:
            self.tenant(subdomain).throttle.lift()

    # -- faults ------------------------------------------------------------------------

    def point_next_links_at(
        self, base_url: str, *, path: str = r"^/api/", times: int | None = None
    ) -> FaultRule:
        """Make the ``next`` links of GET list answers under ``path`` point at ``base_url``."""
        return self.faults.add(next_links_at(base_url), path=path, method="GET", times=times)

    def loop_next_links(self, *, path: str = r"^/api/", times: int | None = None) -> FaultRule:
        """Make the ``next`` links of GET list answers under ``path`` repeat the current page."""
        return self.faults.add(next_link_loop(), path=path, method="GET", times=times)

    # -- kernel hooks ------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every tenant, token, fault rule and logged request."""
        with self.lock:
            self.tenants.clear()
            self.faults.clear()
            self.requests.clear()

    def dispatch(self, request: httpx.Request) -> httpx.Response:
        """Route by host to a tenant, apply its throttle, then the path's handler."""
        tenant = self._tenant_for(request.url.host)
        if tenant is None:
            return detail(404, "Not found.")
        verdict = tenant.throttle.admit()
        if verdict is not None:
            return _refusal(verdict)
        req = ProcurifyRequest(request, tenant)
        try:
            handler, params = self._router.match(req.method, req.path)
        except NoRoute:
            redirect = self._slash_redirect(req)
            if redirect is not None:
                return redirect
            raise
        return handle(handler, req, params)

    def not_found(self, request: httpx.Request, error: NoRoute) -> httpx.Response:
        """DRF's answers for an unknown path (404) and a method the path lacks (405)."""
        if error.status == 405:
            return detail(405, f'Method "{request.method.upper()}" not allowed.')
        return detail(404, "Not found.")

    def _tenant_for(self, host: str) -> Tenant | None:
        host = host.lower()
        if host.endswith(_DOMAIN):
            return self.tenants.get(host.removesuffix(_DOMAIN))
        if self.default_tenant is not None:
            return self.tenants.get(self.default_tenant.lower())
        return next(iter(self.tenants.values()), None)

    def _slash_redirect(self, req: ProcurifyRequest) -> httpx.Response | None:
        """Django's APPEND_SLASH: a known path without its slash answers 301 to the slashed one."""
        if req.path.endswith("/"):
            return None
        try:
            self._router.match(req.method, req.path + "/")
        except NoRoute as error:
            if error.status == 404:
                return None
        location = str(req.url.copy_with(path=req.path + "/"))
        return drf_response(301, {}, {"location": location})


def _refusal(verdict: Verdict) -> httpx.Response:
    if verdict.status == 403:
        return detail(403, "API access for this domain has been suspended. Contact Procurify.")
    seconds = verdict.retry_after or 1
    return detail(
        429,
        f"Request was throttled. Expected available in {seconds} seconds.",
        {"retry-after": str(seconds)},
    )

"""The QAD Adaptive ERP simulator: tenants, logins, seeding, and request dispatch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import httpx

from mlconnector_http._clock import Clock
from mlconnector_http.testing import NoRoute, SimRequest, Simulator, json_response
from qad_client.testing import _envelope as env
from qad_client.testing._auth import AuthConfig, AuthState
from qad_client.testing._handlers import Context, HTTPError, Tenant
from qad_client.testing._records import Domain
from qad_client.testing._routes import build_router, locate, tenant_base, tenant_key
from qad_client.testing._seed import SeedResult, seed_tenant
from qad_client.testing._state import TenantState, Tolerances

__all__ = ["DEFAULT_CREDIT_TERMS", "DEFAULT_CURRENCIES", "QADSimulator"]

DEFAULT_CURRENCIES = ("USD", "CAD", "EUR", "GBP", "MXN")
DEFAULT_CREDIT_TERMS: Mapping[str, int] = {"IMM": 0, "N30": 30, "N45": 45, "N60": 60}


class QADSimulator(Simulator):
    """A fake QAD Adaptive ERP (``/clouderp``) serving any number of tenants.

    Add a tenant, then a user, then talk to ``add_tenant``'s base URL through
    :meth:`transport` (in-process) or :meth:`serve` (loopback HTTP, where the tenant is the
    first path segment: ``http://127.0.0.1:{port}/{tenant}/clouderp``). Time comes from
    ``clock``: share a ``FakeClock`` with the client to cross token and session lifetimes.

    Args:
        clock: where time comes from (tokens, sessions, dates, audit stamps).
        tolerances: the matching tolerances new tenants start with.
        session_length: absolute session life in minutes (``securityControl.sessionLength``).
        timeout_minutes: idle timeout in minutes (``securityControl.timeoutMinutes``).
        token_lifetime: ``expires_in`` of each access token, in seconds.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        tolerances: Tolerances | None = None,
        session_length: int = 480,
        timeout_minutes: int = 30,
        token_lifetime: int = 1800,
    ) -> None:
        super().__init__(clock=clock)
        self.default_tolerances = tolerances or Tolerances()
        self.session_length = session_length
        self.timeout_minutes = timeout_minutes
        self.token_lifetime = token_lifetime
        self.counters: Counter[str] = Counter()
        self._tenants: dict[str, Tenant] = {}
        self._router = build_router()

    # --- configuration -------------------------------------------------------------------------

    def add_tenant(
        self,
        name: str,
        *,
        env: str | None = None,
        domains: Mapping[str, str] | None = None,
        supplier_set: str = "SUPPLIERS",
        account_set: str = "ACCOUNTS",
        sites: Iterable[str] = ("10-100",),
        currencies: Iterable[str] = DEFAULT_CURRENCIES,
        base_currency: str = "USD",
        credit_terms: Mapping[str, int] | None = None,
        tolerances: Tolerances | None = None,
        client_id: str | None = None,
    ) -> str:
        """Create a tenant and return its base URL (``https://{name}.qad.com/clouderp``).

        ``env`` makes it a non-prod environment served at
        ``https://{name}-nonprod.qad.com/clouderp/{env}``; other methods then name it by the
        key ``"{name}-nonprod/{env}"``. ``domains`` maps domain to entity code (default
        ``{"10USA": "10USACO"}``); all of them share ``supplier_set`` and ``account_set``.
        """
        key = tenant_key(name, env)
        with self.lock:
            if key in self._tenants:
                raise ValueError(f"tenant {key!r} already exists")
            state = TenantState(
                tolerances=tolerances or self.default_tolerances,
                currencies=currencies,
                base_currency=base_currency,
                credit_terms=DEFAULT_CREDIT_TERMS if credit_terms is None else credit_terms,
            )
            config = AuthConfig(
                client_id=client_id or f"{name}-integration",
                session_length=self.session_length,
                timeout_minutes=self.timeout_minutes,
                token_lifetime=self.token_lifetime,
            )
            self._tenants[key] = Tenant(key, state, AuthState(config))
            for domain, entity in (domains or {"10USA": "10USACO"}).items():
                self.add_domain(
                    key,
                    domain,
                    entity,
                    supplier_set=supplier_set,
                    account_set=account_set,
                    sites=sites,
                )
        return tenant_base(key)

    def add_domain(
        self,
        tenant: str,
        code: str,
        entity: str,
        *,
        supplier_set: str = "SUPPLIERS",
        account_set: str = "ACCOUNTS",
        sites: Iterable[str] = ("10-100",),
        description: str = "",
    ) -> None:
        """Add a domain whose financial entity is ``entity`` (e.g. ``10USA`` -> ``10USACO``)."""
        domain = Domain(
            code=code,
            entity=entity,
            description=description or f"Domain {code}",
            supplier_set=supplier_set,
            account_set=account_set,
            sites=tuple(sites),
        )
        with self.lock:
            state = self._tenant(tenant).state
            state.add_domain(domain, now=self.clock.now())

    def add_user(
        self,
        tenant: str,
        username: str,
        password: str,
        *,
        permissions: Iterable[str] | None = None,
    ) -> None:
        """Add a user for the password grant and Basic auth.

        ``permissions`` lists resource plurals the user may read and write
        (``"supplierV2s"``), ``"<plural>:read"`` for read-only, or ``"*"``; ``None`` allows
        everything. PO lines follow ``purchaseOrderHeaders``; open receivers follow
        ``purchaseOrderReceipts``.
        """
        with self.lock:
            self._tenant(tenant).auth.add_user(username, password, permissions)

    def add_service_account(
        self,
        tenant: str,
        client_id: str,
        client_secret: str,
        *,
        permissions: Iterable[str] | None = None,
    ) -> None:
        """Add a service account for the ``client_credentials`` grant (no refresh token)."""
        with self.lock:
            self._tenant(tenant).auth.add_service(client_id, client_secret, permissions)

    def client_id(self, tenant: str) -> str:
        """The ``client_id`` that ``securityControl`` hands out for ``tenant``."""
        return self._tenant(tenant).auth.config.client_id

    def set_tolerances(self, tenant: str, tolerances: Tolerances) -> None:
        """Change the invoice price and over-receipt tolerances of ``tenant``."""
        with self.lock:
            self._tenant(tenant).state.tolerances = tolerances

    def seed(
        self,
        tenant: str,
        *,
        domain: str | None = None,
        suppliers: int = 0,
        items: int = 0,
        gl_accounts: int = 0,
        cost_centres: int = 0,
        sub_accounts: int = 0,
        projects: int = 0,
        purchase_orders: int = 0,
        lines_per_order: int = 5,
        seed: int = 0,
    ) -> SeedResult:
        """Fill a domain (default: the tenant's first) with deterministic generated data."""
        with self.lock:
            state = self._tenant(tenant).state
            target = state.domain(domain) if domain else next(iter(state.domains.values()), None)
            if target is None:
                raise ValueError(f"tenant {tenant!r} has no domain {domain!r}")
            return seed_tenant(
                state,
                target,
                now=self.clock.now(),
                rng_seed=seed,
                suppliers=suppliers,
                items=items,
                gl_accounts=gl_accounts,
                cost_centres=cost_centres,
                sub_accounts=sub_accounts,
                projects=projects,
                purchase_orders=purchase_orders,
                lines_per_order=lines_per_order,
            )

    def base_url(self, tenant: str, *, origin: str | None = None) -> str:
        """The tenant's base URL; with ``origin`` (from :meth:`serve`) its loopback form."""
        self._tenant(tenant)
        return tenant_base(tenant, origin)

    def state(self, tenant: str) -> TenantState:
        """The tenant's state, for assertions (change it through HTTP, not directly)."""
        return self._tenant(tenant).state

    def revoke_tokens(self, tenant: str | None = None) -> None:
        """Invalidate every token of ``tenant`` (or of all tenants)."""
        with self.lock:
            for key, found in self._tenants.items():
                if tenant is None or key == tenant:
                    found.auth.revoke_all()

    def reset(self) -> None:
        """Forget every tenant, token, fault rule, counter and logged request."""
        with self.lock:
            self._tenants.clear()
            self.counters.clear()
            self.faults.clear()
            self.requests.clear()

    def _tenant(self, key: str) -> Tenant:
        try:
            return self._tenants[key]
        except KeyError:
            raise KeyError(f"no tenant {key!r}; add it with add_tenant()") from None

    # --- HTTP ----------------------------------------------------------------------------------

    def dispatch(self, request: httpx.Request) -> httpx.Response:
        """Find the tenant and route, then run the handler; HTTP errors become their answers."""
        located = locate(request.method, request.url.host, request.url.path)
        tenant = self._tenants.get(located.key)
        if tenant is None:
            raise NoRoute(404, request.method, request.url.path)
        handler, params = self._router.match(request.method, located.rest)
        context = Context(SimRequest(request), tenant, self.clock, self.counters)
        try:
            return handler(context, **params)
        except HTTPError as error:
            return error.response()

    def not_found(self, request: httpx.Request, error: NoRoute) -> httpx.Response:
        """404/405 in the same ``{"errors": [...]}`` body as every other ``/api`` error."""
        message = "No tenant or resource at this path." if error.status == 404 else "Not allowed."
        return json_response(error.status, env.error_body(error.status, message))

"""The Procore simulator: hosts, OAuth, company scoping, rate windows, REST and webhooks.

One object plays ``login.procore.com`` and ``api.procore.com`` (and the sandbox and monthly
pairs), in-process through :meth:`transport` or over loopback: :meth:`serve_apart` gives the
token endpoint and the API separate origins as in production (the API origin answers 404 for
``/oauth/token``); :meth:`serve` keeps one origin for both, for callers with a lone base URL.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import attrs
import httpx

from mlconnector_http._clock import Clock
from mlconnector_http.testing import NoRoute, SimRequest, Simulator, json_response
from procore_client.testing._auth import (
    TOKEN_LIFETIME,
    Authority,
    HostRole,
    TokenProblem,
    host_role,
)
from procore_client.testing._errors import Forbidden, HttpError, StateError, to_response
from procore_client.testing._handlers import Call, Handlers, Settings
from procore_client.testing._limits import RATE_LIMIT_MESSAGE, RateLimiter, RateLimits, Verdict
from procore_client.testing._models import (
    App,
    ChangeEvent,
    Commitment,
    Company,
    ContractPayment,
    CostCode,
    DirectCost,
    LineItemType,
    Project,
    Requisition,
    Vendor,
)
from procore_client.testing._routes import build_router
from procore_client.testing._seed import SeedSummary, seed_company
from procore_client.testing._state import ProcoreState
from procore_client.testing._webhooks import Delivery, Hook, WebhookEngine

__all__ = ["LoopbackOrigins", "ProcoreSimulator", "SimulatorStats"]

_COMPANY_HEADER = "Procore-Company-Id"
_INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)


@attrs.frozen
class LoopbackOrigins:
    """The two loopback origins of :meth:`ProcoreSimulator.serve_apart`: token host and API."""

    auth_url: str
    base_url: str


_LOGIN_ONLY = HostRole("loopback", login=True, api=False)
_API_ONLY = HostRole("loopback", login=False, api=True)


@attrs.frozen
class SimulatorStats:
    """Counters a test can assert on."""

    requests: int
    tokens_issued: int
    rate_limited: int
    webhook_attempts: int
    webhook_successes: int
    webhook_failures: int
    webhook_pending: int


def _form(req: SimRequest) -> dict[str, Any]:
    content_type = req.headers.get("content-type", "").lower()
    raw = req.content or b""
    if "json" in content_type or raw.lstrip().startswith(b"{"):
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    if content_type.startswith("multipart/form-data"):
        header = f"Content-Type: {req.headers['content-type']}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + raw)
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                payload = part.get_payload(decode=True)
                fields[name] = payload.decode() if isinstance(payload, bytes) else ""
        return fields
    return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))


class ProcoreSimulator(Simulator):
    """A stateful fake of Procore's REST API for tests and benchmarks.

    Args:
        clock: Time source for tokens, rate windows, timestamps and webhook backoff.
        hourly_limit: Requests per app per hour (None: no hourly window).
        spike_limit: Requests per app per ``spike_seconds`` (None: no spike window).
        spike_seconds: Length of the spike window.
        hourly_seconds: Length of the "hourly" window.
        retry_after: Whether a 429 carries ``Retry-After``.
        rate_limit_per_company: Count per app and company instead of per app.
        token_lifetime: ``expires_in`` of issued tokens (Procore: 5400 s).
        max_per_page: Largest ``per_page`` honoured (larger values are clamped).
        webhook_attempts: Delivery attempts per event and hook before giving up.
        webhook_backoff: First retry delay in seconds (doubling, capped at an hour).
        webhook_timeout: Seconds to wait for a receiver.
        webhook_transport: httpx transport for deliveries (default: real HTTP).
        auto_deliver: Deliver from a background thread instead of on ``deliver_pending()``.
        seed: Seed of the webhook ULID generator.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        hourly_limit: int | None = 3600,
        spike_limit: int | None = 25,
        spike_seconds: float = 10.0,
        hourly_seconds: float = 3600.0,
        retry_after: bool = True,
        rate_limit_per_company: bool = False,
        token_lifetime: int = TOKEN_LIFETIME,
        max_per_page: int = 2000,
        webhook_attempts: int = 3,
        webhook_backoff: float = 1.0,
        webhook_timeout: float = 5.0,
        webhook_transport: httpx.BaseTransport | None = None,
        auto_deliver: bool = False,
        seed: int = 0,
    ) -> None:
        super().__init__(clock=clock)
        if webhook_attempts < 1:
            raise ValueError("webhook_attempts must be at least 1")
        self.state = ProcoreState(self.clock)
        self.authority = Authority(self.clock, token_lifetime=token_lifetime)
        self.limiter = RateLimiter(
            self.clock,
            RateLimits(
                hourly_limit,
                hourly_seconds,
                spike_limit,
                spike_seconds,
                retry_after,
                rate_limit_per_company,
            ),
        )
        self.webhooks = WebhookEngine(
            self.clock,
            max_attempts=webhook_attempts,
            backoff=webhook_backoff,
            timeout=webhook_timeout,
            transport=webhook_transport,
            seed=seed,
        )
        self.settings = Settings(max_per_page=max_per_page)
        self._loopback_roles: dict[int, HostRole] = {}
        self._router = build_router(Handlers(self.state, self.webhooks, self.settings))
        self.state.subscribe(self._on_change)
        if auto_deliver:
            self.webhooks.start()

    # -- lifecycle ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def serve_apart(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[LoopbackOrigins]:
        """Serve the API on ``port`` and the token endpoint on another port, as production does.

        Each origin answers only its own paths, so a token request sent to the API origin gets
        404, as it would from ``api.procore.com``.
        """
        with (
            self.serve(host, port) as base_url,
            self.serve(host, port + 1 if port else 0) as auth_url,
        ):
            ports = {httpx.URL(base_url).port: _API_ONLY, httpx.URL(auth_url).port: _LOGIN_ONLY}
            with self.lock:
                self._loopback_roles.update({p: r for p, r in ports.items() if p is not None})
            try:
                yield LoopbackOrigins(auth_url=auth_url, base_url=base_url)
            finally:
                with self.lock:
                    for served in ports:
                        self._loopback_roles.pop(served or 0, None)

    def reset(self) -> None:
        """Forget everything: apps, companies, records, tokens, windows, hooks, faults, log."""
        with self.lock:
            self.state.clear()
            self.authority.clear()
            self.limiter.configure(self.limiter.limits)
            self.limiter.rejected = 0
            self.webhooks.clear()
            self.faults.clear()
            self.requests.clear()

    def close(self) -> None:
        """Stop background delivery, if running."""
        self.webhooks.stop()

    def __enter__(self) -> ProcoreSimulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- apps, companies, projects ------------------------------------------------------------

    def add_app(
        self,
        client_id: str,
        client_secret: str,
        *,
        name: str | None = None,
        environments: Iterable[str] | None = None,
    ) -> App:
        """Register client credentials (``environments``: e.g. {"production", "monthly"})."""
        with self.lock:
            return self.authority.add_app(
                client_id, client_secret, name=name, environments=environments
            )

    def add_company(
        self, company_id: int, name: str, *, installed_for: Iterable[str] = ()
    ) -> Company:
        """Create a company with the given apps installed."""
        with self.lock:
            return self.state.add_company(company_id, name, installed_for)

    def install_app(self, company_id: int, client_id: str) -> None:
        """Install (connect) an app in a company."""
        with self.lock:
            self.state.company(company_id).installed_for.add(client_id)
            self.state.touch()

    def uninstall_app(self, company_id: int, client_id: str) -> None:
        """Disconnect an app from a company: its calls there answer 403."""
        with self.lock:
            self.state.company(company_id).installed_for.discard(client_id)
            self.state.touch()

    def add_project(
        self,
        company_id: int,
        *,
        project_id: int | None = None,
        name: str | None = None,
        project_number: str | None = None,
        permitted_for: Iterable[str] | None = None,
        active: bool = True,
        origin_id: str | None = None,
    ) -> Project:
        """Create a project; ``permitted_for`` lists apps whose DMSA may read it (None: all)."""
        with self.lock:
            return self.state.add_project(
                company_id,
                project_id=project_id,
                name=name,
                project_number=project_number,
                permitted_for=permitted_for,
                active=active,
                origin_id=origin_id,
            )

    def permit_project(self, project_id: int, client_id: str, permitted: bool = True) -> None:
        """Grant or withdraw one app's DMSA access to a project."""
        with self.lock:
            project = self.state.project(project_id)
            if project.permitted_for is None:
                company = self.state.company(project.company_id)
                project.permitted_for = set(company.installed_for)
            if permitted:
                project.permitted_for.add(client_id)
            else:
                project.permitted_for.discard(client_id)
            self.state.touch()

    def seed(
        self,
        company_id: int,
        *,
        vendors: int = 0,
        projects: int = 0,
        requisitions_per_project: int = 0,
        cost_codes_per_project: int = 0,
        line_item_types: int = 0,
        commitments_per_project: int | None = None,
        payments_per_commitment: int = 0,
        direct_costs_per_project: int = 0,
        seed: int = 0,
        permitted_for: Iterable[str] | None = None,
        origin_ids: bool = False,
        span_days: int = 365,
    ) -> SeedSummary:
        """Fill a company with deterministic data; no webhooks fire.

        Commitments default to one per 40 requisitions; timestamps spread over the
        ``span_days`` before the clock's now; ``origin_ids=True`` marks records as ERP-synced.
        """
        with self.lock:
            return seed_company(
                self.state,
                company_id,
                vendors=vendors,
                projects=projects,
                requisitions_per_project=requisitions_per_project,
                cost_codes_per_project=cost_codes_per_project,
                line_item_types=line_item_types,
                commitments_per_project=commitments_per_project,
                payments_per_commitment=payments_per_commitment,
                direct_costs_per_project=direct_costs_per_project,
                seed=seed,
                permitted_for=permitted_for,
                origin_ids=origin_ids,
                span_days=span_days,
            )

    # -- records (as a Procore user would make them) ------------------------------------------

    def add_vendor(self, company_id: int, name: str, **fields: Any) -> Vendor:
        """Create a vendor as a user in Procore's UI would (webhooks fire)."""
        with self.lock:
            return self.state.create_vendor(company_id, {"name": name, **fields})

    def update_vendor(self, company_id: int, vendor_id: int, **fields: Any) -> Vendor:
        """Edit a vendor as a user would (webhooks fire)."""
        with self.lock:
            return self.state.update_vendor(company_id, vendor_id, fields)

    def add_line_item_type(
        self, company_id: int, name: str, code: str, base_type: str = "other"
    ) -> LineItemType:
        """Create a company line item type (cost type)."""
        with self.lock:
            return self.state.add_line_item_type(company_id, name, code, base_type)

    def add_cost_code(
        self, project_id: int, code: str, name: str, *, parent_id: int | None = None
    ) -> CostCode:
        """Create a project cost code."""
        with self.lock:
            return self.state.add_cost_code(project_id, code, name, parent_id=parent_id)

    def add_commitment(
        self,
        project_id: int,
        *,
        kind: str = "WorkOrderContract",
        vendor_id: int | None = None,
        title: str = "Subcontract",
        status: str = "Approved",
        amounts: Iterable[Decimal | int | str] = (),
    ) -> Commitment:
        """Create a work order (or ``kind="PurchaseOrderContract"``) contract."""
        with self.lock:
            return self.state.add_commitment(
                project_id,
                kind=kind,
                vendor_id=vendor_id,
                title=title,
                status=status,
                amounts=amounts,
            )

    def add_requisition(
        self,
        project_id: int,
        commitment_id: int,
        *,
        status: str = "draft",
        total_claimed: Decimal | int | str = 0,
        retainage_released: Decimal | int | str = 0,
        invoice_number: str | None = None,
    ) -> Requisition:
        """Create the next subcontractor invoice on a commitment (``retainage_released``:
        retainage withheld on earlier invoices that this one releases)."""
        with self.lock:
            return self.state.add_requisition(
                project_id,
                commitment_id,
                status=status,
                total_claimed=total_claimed,
                retainage_released=retainage_released,
                invoice_number=invoice_number,
            )

    def update_requisition(
        self, project_id: int, requisition_id: int, **changes: Any
    ) -> Requisition:
        """Edit a requisition as a user would (webhooks fire)."""
        with self.lock:
            return self.state.update_requisition(project_id, requisition_id, changes)

    def add_payment(
        self,
        project_id: int,
        commitment_id: int,
        amount: Decimal | int | str,
        *,
        paid_on: date | None = None,
    ) -> ContractPayment:
        """Record a payment issued on a commitment."""
        with self.lock:
            return self.state.add_payment(project_id, commitment_id, amount, paid_on=paid_on)

    def add_direct_cost(self, project_id: int, **spec: Any) -> DirectCost:
        """Create a direct cost from a ``direct_cost`` body (webhooks fire)."""
        with self.lock:
            return self.state.create_direct_cost(project_id, spec)

    def emit_event(
        self,
        resource_name: str,
        resource_id: int,
        event_type: str,
        company_id: int,
        project_id: int | None = None,
    ) -> None:
        """Announce any change (e.g. "RFIs") to matching hooks, as a UI edit would."""
        with self.lock:
            self.state.announce(resource_name, resource_id, event_type, company_id, project_id)

    # -- limits and tokens --------------------------------------------------------------------

    def set_rate_limits(
        self,
        *,
        hourly: int | None = 3600,
        spike: int | None = 25,
        spike_seconds: float = 10.0,
        hourly_seconds: float = 3600.0,
        retry_after: bool = True,
        per_company: bool = False,
    ) -> None:
        """Replace both windows (counts restart); ``None`` disables a window."""
        with self.lock:
            self.limiter.configure(
                RateLimits(hourly, hourly_seconds, spike, spike_seconds, retry_after, per_company)
            )

    def expire_tokens(self) -> None:
        """Expire every issued token now (the next API call answers 401)."""
        with self.lock:
            self.authority.expire_all()

    # -- webhooks -----------------------------------------------------------------------------

    def deliver_pending(self) -> list[Delivery]:
        """POST every due webhook event now (retries included while due); returns attempts."""
        return self.webhooks.deliver_pending()

    def start_delivery(self) -> None:
        """Deliver webhooks from a background thread from now on."""
        self.webhooks.start()

    def stop_delivery(self) -> None:
        """Stop the background delivery thread."""
        self.webhooks.stop()

    def wait_for_deliveries(self, timeout: float = 5.0) -> bool:
        """Block until the background thread has emptied the queue; False on timeout."""
        return self.webhooks.wait_idle(timeout)

    @property
    def deliveries(self) -> list[Delivery]:
        """Every delivery attempt so far, oldest first."""
        return self.webhooks.all_deliveries()

    @property
    def hooks(self) -> list[Hook]:
        """Every hook of every app."""
        return self.webhooks.all_hooks()

    @property
    def stats(self) -> SimulatorStats:
        """Counters since construction or the last :meth:`reset`."""
        return SimulatorStats(
            len(self.requests),
            self.authority.tokens_issued,
            self.limiter.rejected,
            self.webhooks.attempts,
            self.webhooks.successes,
            self.webhooks.failures,
            self.webhooks.pending,
        )

    def _on_change(self, change: ChangeEvent) -> None:
        state = self.state
        project = None if change.project_id is None else state.projects.get(change.project_id)

        def hears(hook: Hook) -> bool:
            if hook.company_id != change.company_id:
                return False
            if hook.project_id is not None and hook.project_id != change.project_id:
                return False
            if not state.app_installed(hook.client_id, change.company_id):
                return False
            return project is None or state.app_permitted(hook.client_id, project)

        source = change.source_client_id
        app = None if source is None else self.authority.apps.get(source)
        self.webhooks.publish(change, hears, None if app is None else app.user_id)

    # -- HTTP ---------------------------------------------------------------------------------

    def not_found(self, request: httpx.Request, error: NoRoute) -> httpx.Response:
        """Unknown paths in Procore's plain ``errors`` shape."""
        if error.status == 405:
            return json_response(405, {"errors": "405 Method Not Allowed"})
        return json_response(404, {"errors": "404 Not Found"})

    def dispatch(self, request: httpx.Request) -> httpx.Response:
        """Route by host (login vs API, per environment), then by path; rate headers on all."""
        try:
            response = self._route(request)
        except NoRoute as error:
            response = self.not_found(request, error)
        if "X-Rate-Limit-Limit" not in response.headers:
            response.headers.update(self.limiter.peek("anonymous").headers)
        return response

    def _route(self, request: httpx.Request) -> httpx.Response:
        role = host_role(request.url.host)
        if role is not None and role.environment == "loopback":
            role = self._loopback_roles.get(request.url.port or 0, role)
        path = request.url.path
        if role is None:
            return json_response(404, {"errors": f"Unknown host {request.url.host}"})
        req = SimRequest(request)
        if path.startswith("/oauth/") and role.login:
            return self._oauth(req, role)
        if path.startswith("/rest/") and role.api:
            return self._api(req, role)
        raise NoRoute(404, request.method, path)

    def _oauth(self, req: SimRequest, role: HostRole) -> httpx.Response:
        path = req.path.rstrip("/")
        if path == "/oauth/token" and req.method == "POST":
            return self._token(req, role)
        if path == "/oauth/token/info" and req.method == "GET":
            return self._token_info(req, role)
        if path == "/oauth/revoke" and req.method == "POST":
            form = _form(req)
            token = self.authority.tokens.get(str(form.get("token") or ""))
            if token is not None:
                token.revoked = True
            return json_response(200, {})
        raise NoRoute(404, req.method, req.path)

    def _token(self, req: SimRequest, role: HostRole) -> httpx.Response:
        form = _form(req)
        grant = form.get("grant_type")
        app = self.authority.client_credentials(form, req.headers.get("authorization"))
        if app is not None and app.environments is not None and role.environment != "loopback":
            app = None if role.environment not in app.environments else app
        if grant in ("authorization_code", "refresh_token"):
            return json_response(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "The provided authorization grant is invalid, expired, "
                    "revoked, does not match the redirection URI used in the authorization "
                    "request, or was issued to another client.",
                },
            )
        if grant != "client_credentials":
            return json_response(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "The authorization grant type is not supported by the "
                    "authorization server.",
                },
            )
        if app is None:
            return json_response(
                401, {"error": "invalid_client", "error_description": _INVALID_CLIENT}
            )
        token = self.authority.issue(app, role.environment)
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        headers.update(self.limiter.peek(self.limiter.key(app.client_id, None)).headers)
        return json_response(
            200,
            {
                "access_token": token.value,
                "token_type": "bearer",
                "expires_in": token.expires_in,
                "created_at": token.created_at,
            },
            headers,
        )

    def _token_info(self, req: SimRequest, role: HostRole) -> httpx.Response:
        found = self.authority.authenticate(req.headers.get("authorization"), role.environment)
        if isinstance(found, TokenProblem):
            return self._unauthorized(found)
        app, token = found
        return json_response(
            200,
            {
                "resource_owner_id": app.user_id,
                "scopes": [],
                "expires_in_seconds": max(
                    int(token.created_at + token.expires_in - self.clock.time()), 0
                ),
                "application": {"uid": app.client_id},
                "created_at": token.created_at,
            },
        )

    def _unauthorized(self, problem: TokenProblem) -> httpx.Response:
        challenge = (
            f'Bearer realm="Doorkeeper", error="{problem.error}", '
            f'error_description="{problem.description}"'
        )
        return json_response(
            401,
            {"message": problem.description, "error": problem.error},
            {"WWW-Authenticate": challenge},
        )

    def _api(self, req: SimRequest, role: HostRole) -> httpx.Response:
        found = self.authority.authenticate(req.headers.get("authorization"), role.environment)
        if isinstance(found, TokenProblem):
            return self._unauthorized(found)
        app, _ = found
        raw_company = (req.headers.get(_COMPANY_HEADER) or "").strip()
        company_id = int(raw_company) if raw_company.isdigit() else None
        verdict = self.limiter.hit(self.limiter.key(app.client_id, company_id))
        response = self._api_answer(req, app, raw_company, company_id, verdict)
        response.headers.update(verdict.headers)
        return response

    def _api_answer(
        self,
        req: SimRequest,
        app: App,
        raw_company: str,
        company_id: int | None,
        verdict: Verdict,
    ) -> httpx.Response:
        if not verdict.allowed:
            return httpx.Response(
                429, headers={"content-type": "text/plain"}, content=RATE_LIMIT_MESSAGE.encode()
            )
        if not raw_company:
            return json_response(400, {"errors": "Missing Procore-Company-Id header!"})
        if company_id is None:
            return json_response(400, {"errors": "Invalid Procore-Company-Id header!"})
        if not self.state.app_installed(app.client_id, company_id):
            return to_response(Forbidden("App is not connected to this company"))
        try:
            handler, params = self._router.match(req.method, req.path)
        except NoRoute as error:
            return self.not_found(req.raw, error)
        try:
            response: httpx.Response = handler(Call(req, app, company_id), **params)
        except (StateError, HttpError) as error:
            return to_response(error)
        return response

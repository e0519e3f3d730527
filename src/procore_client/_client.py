"""``ProcoreClient`` / ``AsyncProcoreClient``: one constructor, everything else in the toolkit.

A Procore app (DMSA) has one client id/secret for every company that installed it. A client is
bound to one company (``Procore-Company-Id`` goes on every request, ``/me`` and ``/companies``
included); :meth:`ProcoreClient.for_company` gives a client for another company that shares
the token manager, the rate budget and the connection pool.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

import httpx

from mlconnector_http import (
    NOT_GIVEN,
    APIClient,
    AsyncAPIClient,
    AttemptEvent,
    ClientConfig,
    Clock,
    HTTPClientT,
    InProcessBudget,
    NotGiven,
    RateBudget,
    RateLimitHeaders,
    RetryPolicy,
    Secret,
    SyncAPIClient,
    SystemClock,
    TokenManager,
    TokenStore,
    TransportT,
    UnlimitedBudget,
    Window,
)
from procore_client._auth import Environment, credentials, resolve_hosts
from procore_client._exceptions import ProcoreConfigurationError, ProcoreError, parse_error
from procore_client._models import Me
from procore_client._paging import is_int
from procore_client._resources import me as me_ops

if TYPE_CHECKING:
    from procore_client._resources.commitments import AsyncCommitments, Commitments
    from procore_client._resources.companies import AsyncCompanies, Companies
    from procore_client._resources.contract_payments import (
        AsyncContractPayments,
        ContractPayments,
    )
    from procore_client._resources.cost_codes import AsyncCostCodes, CostCodes
    from procore_client._resources.direct_costs import AsyncDirectCosts, DirectCosts
    from procore_client._resources.line_item_types import AsyncLineItemTypes, LineItemTypes
    from procore_client._resources.projects import AsyncProjects, Projects
    from procore_client._resources.purchase_order_contracts import (
        AsyncPurchaseOrderContracts,
        PurchaseOrderContracts,
    )
    from procore_client._resources.requisitions import AsyncRequisitions, Requisitions
    from procore_client._resources.vendors import AsyncVendors, Vendors
    from procore_client._resources.webhooks import AsyncWebhooks, Webhooks
    from procore_client._resources.work_order_contracts import (
        AsyncWorkOrderContracts,
        WorkOrderContracts,
    )

__all__ = [
    "COMPANY_HEADER",
    "DEFAULT_WINDOWS",
    "RATE_LIMIT_HEADERS",
    "AsyncProcoreClient",
    "ProcoreClient",
    "procore_budget",
]

__version__ = "0.1.0"

LOGGER = logging.getLogger("procore_client")
"""Where the Procore clients log: attempts at DEBUG, waits over a second at INFO."""
COMPANY_HEADER = "Procore-Company-Id"
RATE_LIMIT_HEADERS = RateLimitHeaders(
    "x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"
)
DEFAULT_WINDOWS: tuple[Window, ...] = (Window(3600, 3600.0), Window(25, 10.0))
"""Procore's documented shapes: an hourly limit (3,600 in older docs, the headers say the real
figure) and a 10-second spike limit (25 in the docs' example). The headers refine both."""


def procore_budget(
    windows: tuple[Window, ...] | list[Window] = DEFAULT_WINDOWS,
    *,
    margin: int = 1,
    clock: Clock | None = None,
) -> InProcessBudget:
    """A rate budget for one Procore app: the two windows plus ``X-Rate-Limit-*`` learning.

    Pass the same instance to every client of one credential (``for_company`` does this) so
    they pace together; pass it to clients of several processes only through a shared budget.
    """
    return InProcessBudget(
        windows, headers=RATE_LIMIT_HEADERS, margin=margin, clock=clock, logger=LOGGER
    )


def _company_header(company_id: int) -> str:
    if not is_int(company_id) or company_id <= 0:
        raise ProcoreConfigurationError(
            f"company_id must be a positive integer Procore company id, got {company_id!r}"
        )
    return str(company_id)


def _company_headers(config: ClientConfig, company_id: int) -> dict[str, str]:
    """The headers of ``config`` moved to another company of the same app."""
    return {**config.headers, COMPANY_HEADER: _company_header(company_id)}


class _ProcoreBase(APIClient[TransportT, HTTPClientT]):
    """The constructor and everything else the sync and async clients share; no I/O."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str | Secret,
        company_id: int,
        environment: Environment | str = Environment.PRODUCTION,
        auth_url: str | None = None,
        base_url: str | None = None,
        transport: TransportT | None = None,
        http_client: HTTPClientT | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        retry: RetryPolicy | NotGiven | None = NOT_GIVEN,
        budget: RateBudget | NotGiven | None = NOT_GIVEN,
        token_store: TokenStore | None = None,
        token_leeway: float = 300.0,
        clock: Clock | None = None,
        event_hook: Callable[[AttemptEvent], Any] | None = None,
        allow_private_network: bool = False,
    ) -> None:
        """A client for one company of a DMSA app (sync or async: the same arguments).

        Args:
            client_id: the app's client id.
            client_secret: the app's client secret (kept as a :class:`Secret`).
            company_id: the company every call is made for (``Procore-Company-Id``).
            environment: ``"production"``, ``"sandbox"`` or ``"monthly-sandbox"``.
            auth_url: token host override (e.g. a simulator); defaults to ``base_url`` if that
                is given, else the environment's login host.
            base_url: API host override.
            transport: an ``httpx.BaseTransport`` (async: ``httpx.AsyncBaseTransport``);
                ``ProcoreSimulator().transport()`` in tests (it is both).
            http_client: a ready ``httpx.Client`` (async: ``httpx.AsyncClient``) to use instead
                of a new one.
            timeout: seconds or an ``httpx.Timeout``; ``None`` waits forever.
            retry: the retry policy; ``None`` disables retries.
            budget: the rate budget (default :func:`procore_budget`); ``None`` disables pacing.
            token_store: where tokens are cached (default: in memory, per client family).
            token_leeway: seconds before expiry at which a new token is requested.
            clock: time source shared by tokens and pacing (a ``FakeClock`` in tests).
            event_hook: called with every :class:`~mlconnector_http.AttemptEvent`.
            allow_private_network: accept an ``auth_url``/``base_url`` on a private or
                link-local IP address (refused by default; loopback is always accepted).
        """
        hosts = resolve_hosts(
            environment, auth_url, base_url, allow_private_network=allow_private_network
        )
        clock = clock or SystemClock()
        if token_leeway < 0:
            raise ProcoreConfigurationError(
                f"token_leeway must be >= 0 seconds, got {token_leeway}"
            )
        manager = TokenManager(
            credentials(hosts.auth_url, client_id, client_secret),
            store=token_store,
            leeway=token_leeway,
            clock=clock,
            family=ProcoreError,
        )
        if isinstance(timeout, NotGiven):
            timeout = httpx.Timeout(30.0, connect=10.0)
        elif not isinstance(timeout, httpx.Timeout):
            timeout = httpx.Timeout(timeout)
        if isinstance(retry, NotGiven):
            retry = RetryPolicy()
        elif retry is None:
            retry = RetryPolicy.disabled()
        if isinstance(budget, NotGiven):
            budget = procore_budget(clock=clock)
        elif budget is None:
            budget = UnlimitedBudget()
        config = ClientConfig(
            base_url=hosts.base_url,
            headers={
                COMPANY_HEADER: _company_header(company_id),
                "Accept": "application/json",
                "User-Agent": f"mlconnector-procore/{__version__}",
            },
            timeout=timeout,
            retry=retry,
            budget=budget,
            auth=manager,
            family=ProcoreError,
            rate_headers=RATE_LIMIT_HEADERS,
            error_parser=parse_error,
            event_hook=event_hook,
            clock=clock,
            logger=LOGGER,
        )
        super().__init__(config, transport=transport, http_client=http_client)

    @property
    def company_id(self) -> int:
        """The company every call is made for (``Procore-Company-Id``)."""
        return int(self.config.headers[COMPANY_HEADER])

    def for_company(self, company_id: int) -> Self:
        """A client for another company of the same app: same token, budget and connections."""
        return self.with_options(headers=_company_headers(self.config, company_id))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={str(self.config.base_url)!r}, "
            f"company_id={self.company_id})"
        )


class ProcoreClient(_ProcoreBase[httpx.BaseTransport, httpx.Client], SyncAPIClient):
    """Synchronous Procore client for one company of a DMSA app.

    Takes keyword arguments only; see ``__init__`` for them (the same as
    :class:`AsyncProcoreClient`'s).
    """

    def me(self) -> Me:
        """The service-account user the app acts as (``GET /rest/v1.0/me``)."""
        return self._send(me_ops.get_me())

    @functools.cached_property
    def companies(self) -> Companies:
        """Companies that installed the app."""
        from procore_client._resources.companies import Companies

        return Companies(self)

    @functools.cached_property
    def projects(self) -> Projects:
        """Projects of the company."""
        from procore_client._resources.projects import Projects

        return Projects(self)

    @functools.cached_property
    def vendors(self) -> Vendors:
        """Company vendors, their ``/sync`` upsert and business registers."""
        from procore_client._resources.vendors import Vendors

        return Vendors(self)

    @functools.cached_property
    def cost_codes(self) -> CostCodes:
        """Project cost codes."""
        from procore_client._resources.cost_codes import CostCodes

        return CostCodes(self)

    @functools.cached_property
    def line_item_types(self) -> LineItemTypes:
        """Cost types ("line item types")."""
        from procore_client._resources.line_item_types import LineItemTypes

        return LineItemTypes(self)

    @functools.cached_property
    def requisitions(self) -> Requisitions:
        """Subcontractor invoices."""
        from procore_client._resources.requisitions import Requisitions

        return Requisitions(self)

    @functools.cached_property
    def direct_costs(self) -> DirectCosts:
        """Direct costs (v1.1, per project)."""
        from procore_client._resources.direct_costs import DirectCosts

        return DirectCosts(self)

    @functools.cached_property
    def contract_payments(self) -> ContractPayments:
        """Payments issued on commitments."""
        from procore_client._resources.contract_payments import ContractPayments

        return ContractPayments(self)

    @functools.cached_property
    def work_order_contracts(self) -> WorkOrderContracts:
        """Work order contracts (subcontracts)."""
        from procore_client._resources.work_order_contracts import WorkOrderContracts

        return WorkOrderContracts(self)

    @functools.cached_property
    def purchase_order_contracts(self) -> PurchaseOrderContracts:
        """Purchase order contracts."""
        from procore_client._resources.purchase_order_contracts import PurchaseOrderContracts

        return PurchaseOrderContracts(self)

    @functools.cached_property
    def commitments(self) -> Commitments:
        """Commitments of either kind."""
        from procore_client._resources.commitments import Commitments

        return Commitments(self)

    @functools.cached_property
    def webhooks(self) -> Webhooks:
        """Webhook hooks, triggers and delivery history."""
        from procore_client._resources.webhooks import Webhooks

        return Webhooks(self)


class AsyncProcoreClient(_ProcoreBase[httpx.AsyncBaseTransport, httpx.AsyncClient], AsyncAPIClient):
    """Asynchronous Procore client; the same arguments and resources as :class:`ProcoreClient`."""

    async def me(self) -> Me:
        """The service-account user the app acts as (``GET /rest/v1.0/me``)."""
        return await self._send(me_ops.get_me())

    @functools.cached_property
    def companies(self) -> AsyncCompanies:
        """Companies that installed the app."""
        from procore_client._resources.companies import AsyncCompanies

        return AsyncCompanies(self)

    @functools.cached_property
    def projects(self) -> AsyncProjects:
        """Projects of the company."""
        from procore_client._resources.projects import AsyncProjects

        return AsyncProjects(self)

    @functools.cached_property
    def vendors(self) -> AsyncVendors:
        """Company vendors, their ``/sync`` upsert and business registers."""
        from procore_client._resources.vendors import AsyncVendors

        return AsyncVendors(self)

    @functools.cached_property
    def cost_codes(self) -> AsyncCostCodes:
        """Project cost codes."""
        from procore_client._resources.cost_codes import AsyncCostCodes

        return AsyncCostCodes(self)

    @functools.cached_property
    def line_item_types(self) -> AsyncLineItemTypes:
        """Cost types ("line item types")."""
        from procore_client._resources.line_item_types import AsyncLineItemTypes

        return AsyncLineItemTypes(self)

    @functools.cached_property
    def requisitions(self) -> AsyncRequisitions:
        """Subcontractor invoices."""
        from procore_client._resources.requisitions import AsyncRequisitions

        return AsyncRequisitions(self)

    @functools.cached_property
    def direct_costs(self) -> AsyncDirectCosts:
        """Direct costs (v1.1, per project)."""
        from procore_client._resources.direct_costs import AsyncDirectCosts

        return AsyncDirectCosts(self)

    @functools.cached_property
    def contract_payments(self) -> AsyncContractPayments:
        """Payments issued on commitments."""
        from procore_client._resources.contract_payments import AsyncContractPayments

        return AsyncContractPayments(self)

    @functools.cached_property
    def work_order_contracts(self) -> AsyncWorkOrderContracts:
        """Work order contracts (subcontracts)."""
        from procore_client._resources.work_order_contracts import AsyncWorkOrderContracts

        return AsyncWorkOrderContracts(self)

    @functools.cached_property
    def purchase_order_contracts(self) -> AsyncPurchaseOrderContracts:
        """Purchase order contracts."""
        from procore_client._resources.purchase_order_contracts import (
            AsyncPurchaseOrderContracts,
        )

        return AsyncPurchaseOrderContracts(self)

    @functools.cached_property
    def commitments(self) -> AsyncCommitments:
        """Commitments of either kind."""
        from procore_client._resources.commitments import AsyncCommitments

        return AsyncCommitments(self)

    @functools.cached_property
    def webhooks(self) -> AsyncWebhooks:
        """Webhook hooks, triggers and delivery history."""
        from procore_client._resources.webhooks import AsyncWebhooks

        return AsyncWebhooks(self)

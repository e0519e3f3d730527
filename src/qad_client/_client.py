"""``QADClient`` and ``AsyncQADClient``: the tenant URL, the sign-in and the workspace.

Both share one constructor (``_QADClientBase.__init__``), so the sync and the async client
cannot drift; they differ only in the toolkit base they extend and their I/O methods. Every
request carries ``x-qad-workspace-id: {domain}_{entity}``; ``for_domain`` gives a client for
another domain that shares the connections and the token.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

import attrs
import httpx

from mlconnector_http import (
    NOT_GIVEN,
    APIClient,
    AsyncAPIClient,
    AsyncPaginator,
    AttemptEvent,
    ClientConfig,
    ClientCredentials,
    Clock,
    Flow,
    HTTPClientT,
    NotGiven,
    Operation,
    Page,
    Paginator,
    RateBudget,
    RetryPolicy,
    Secret,
    StaticToken,
    SyncAPIClient,
    SystemClock,
    TokenManager,
    TokenProvider,
    TokenStore,
    TransportT,
    UnlimitedBudget,
    checked_url,
)
from qad_client import _names as n
from qad_client._auth import PasswordLogin
from qad_client._exceptions import QADConfigurationError, QADError, parse_error
from qad_client._models import (
    CostCentre,
    GLAccount,
    Item,
    Project,
    SubAccount,
    ValidationReport,
    Workspace,
)
from qad_client._validate import validate_tenant
from qad_client.qxtend._connection import QXtendConnection
from qad_client.qxtend._envelope import error_parser as qxtend_error_parser
from qad_client.qxtend._transport import QXtendTransport

if TYPE_CHECKING:
    from qad_client._resources.domains import AsyncDomains, Domains
    from qad_client._resources.master_data import AsyncMasterData, MasterData
    from qad_client._resources.open_receivers import AsyncOpenReceivers, OpenReceivers
    from qad_client._resources.purchase_order_receipts import (
        AsyncPurchaseOrderReceipts,
        PurchaseOrderReceipts,
    )
    from qad_client._resources.purchase_orders import AsyncPurchaseOrders, PurchaseOrders
    from qad_client._resources.supplier_invoices import AsyncSupplierInvoices, SupplierInvoices
    from qad_client._resources.supplier_payments import AsyncSupplierPayments, SupplierPayments
    from qad_client._resources.suppliers import AsyncSuppliers, Suppliers

__all__ = ["QXTEND_APIS", "AsyncQADClient", "QADClient", "tenant_base_url"]

T = TypeVar("T")

QXTEND_APIS = (
    ("suppliers", "supplierV2s"),
    ("purchase_orders", "purchaseOrderHeaders"),
    ("purchase_order_receipts", "purchaseOrderReceipts"),
    ("supplier_invoices", "supplierInvoices"),
)
"""The QDocs the flows write through, as (resource, REST table): ``validate()`` checks each."""

__version__ = "0.1.0"
DEFAULT_USER_AGENT = f"mlconnector-qad-client/{__version__}"
LOGGER = logging.getLogger("qad_client")
"""Where the QAD clients log: attempts at DEBUG, waits over a second at INFO."""
_BASE_SEGMENTS = ("clouderp", "qad-central")
_URL_FORMS = (
    "https://{tenant}.qad.com/clouderp, https://{tenant}-nonprod.qad.com/clouderp/{env} "
    "or https://{host}:{port}/qad-central"
)


def tenant_base_url(tenant_url: str, *, allow_private_network: bool = False) -> httpx.URL:
    """The checked tenant URL, ending in ``/`` so that API paths join below it.

    Raises:
        QADConfigurationError: not a URL string; not https (plain http only on loopback);
            user info, a query or fragment, a port outside 1-65535, ``.``/``..`` segments
            (also percent-encoded); a private or link-local IP address unless
            ``allow_private_network`` (an on-premises ``qad-central``); or a path that does
            not end at ``clouderp[/{env}]`` or ``qad-central``.
    """
    bad = QADConfigurationError
    url = checked_url(
        tenant_url,
        setting="tenant_url",
        family=QADError,
        allow_private_network=allow_private_network,
    )
    text = str(url)
    segments = [s for s in url.path.split("/") if s]
    base = next((i for i, s in enumerate(segments) if s.lower() in _BASE_SEGMENTS), None)
    # ``clouderp`` may be followed by a non-production environment's name, ``qad-central`` not
    env = 1 if base is not None and segments[base].lower() == "clouderp" else 0
    if base is None or len(segments) - base - 1 > env:
        raise bad(f"tenant_url must be the tenant's base URL, one of {_URL_FORMS}; got {text!r}")
    return url.copy_with(path="/" + "/".join(segments) + "/")


def _provider(
    base: str,
    *,
    username: str | None,
    password: str | Secret | None,
    client_id: str | None,
    client_secret: str | Secret | None,
    token: str | Secret | None,
) -> TokenProvider:
    bad = QADConfigurationError
    if token is not None:
        if username or password or client_secret:
            raise bad("give token= alone: it replaces username/password and client credentials")
        return StaticToken(Secret(token), label="qad", family=QADError)
    if client_secret is not None:
        if username or password:
            raise bad("give either username=/password= or client_id=/client_secret=, not both")
        if not client_id:
            raise bad("client_secret= needs client_id= (the service account's OAuth client)")
        return ClientCredentials(
            token_url=base + n.PATHS["token"],
            client_id=client_id,
            client_secret=Secret(client_secret),
            family=QADError,
        )
    if username or password:
        if not (username and password):
            raise bad("username= and password= go together")
        return PasswordLogin(
            base_url=base, username=username, password=Secret(password), client_id=client_id
        )
    raise bad("no credentials: give username=/password=, client_id=/client_secret= or token=")


_FREE_FIELD = re.compile(r"customShort(1?[0-9])")


def _reference_fields(chosen: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    """``reference_fields`` (client attribute -> ``customShort0..19``) as plural pairs, checked."""
    pairs: list[tuple[str, str]] = []
    for resource, field in (chosen or {}).items():
        table = n.TABLES.get(resource)
        if table is None or table.plural not in n.REFERENCE_FIELDS:
            documents = ", ".join(r for r, t in n.TABLES.items() if t.plural in n.REFERENCE_FIELDS)
            raise QADConfigurationError(
                f"reference_fields: {resource!r} carries no external reference; one of {documents}"
            )
        given: object = field  # checked: a TOML value may be anything
        if not isinstance(given, str) or not _FREE_FIELD.fullmatch(given):
            raise QADConfigurationError(
                f"reference_fields[{resource!r}] must be a free field customShort0..customShort19 "
                f"(20 characters), not {field!r}"
            )
        pairs.append((table.plural, field))
    return tuple(sorted(pairs))


def _workspace(
    domain: str, entity: str, reference_fields: Mapping[str, str] | None = None
) -> Workspace:
    fields = _reference_fields(reference_fields)
    try:
        return Workspace(domain, entity, reference_fields=fields)
    except (ValueError, TypeError) as error:
        raise QADConfigurationError(f"bad workspace: {error}") from None


class _QADClientBase(APIClient[TransportT, HTTPClientT]):
    """The constructor and everything else the sync and async client share; no I/O."""

    _workspace: Workspace
    _qxtend: QXtendTransport | None = None

    def __init__(
        self,
        *,
        tenant_url: str,
        domain: str,
        entity: str,
        username: str | None = None,
        password: str | Secret | None = None,
        client_id: str | None = None,
        client_secret: str | Secret | None = None,
        token: str | Secret | None = None,
        token_store: TokenStore | None = None,
        leeway: float = 60.0,
        timeout: float | httpx.Timeout = 30.0,
        retry: RetryPolicy | NotGiven | None = NOT_GIVEN,
        budget: RateBudget | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        event_hook: Callable[[AttemptEvent], Any] | None = None,
        clock: Clock | None = None,
        transport: TransportT | None = None,
        http_client: HTTPClientT | None = None,
        allow_private_network: bool = False,
        reference_fields: Mapping[str, str] | None = None,
    ) -> None:
        base = tenant_base_url(tenant_url, allow_private_network=allow_private_network)
        self._workspace = _workspace(domain, entity, reference_fields)
        provider = _provider(
            str(base),
            username=username,
            password=password,
            client_id=client_id,
            client_secret=client_secret,
            token=token,
        )
        clock = clock or SystemClock()
        if isinstance(retry, NotGiven):
            retry = RetryPolicy()
        config = ClientConfig(
            base_url=base,
            headers={
                "User-Agent": user_agent,
                "Accept": "application/json",
                n.HEADERS["workspace"]: self._workspace.header,
            },
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            retry=retry if retry is not None else RetryPolicy.disabled(),
            budget=budget or UnlimitedBudget(),
            auth=TokenManager(
                provider, store=token_store, leeway=leeway, clock=clock, family=QADError
            ),
            family=QADError,
            error_parser=parse_error,
            event_hook=event_hook,
            clock=clock,
            logger=LOGGER,
        )
        super().__init__(config, transport=transport, http_client=http_client)

    @classmethod
    def qxtend(
        cls,
        connection: QXtendConnection,
        *,
        timeout: float | httpx.Timeout = 30.0,
        retry: RetryPolicy | NotGiven | None = NOT_GIVEN,
        budget: RateBudget | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        event_hook: Callable[[AttemptEvent], Any] | None = None,
        clock: Clock | None = None,
        transport: TransportT | None = None,
        http_client: HTTPClientT | None = None,
    ) -> Self:
        """A client of a QAD Enterprise Edition site through QXtend Inbound (SOAP QDocs).

        The resources are the same as over REST; each call travels as QDocs instead (see
        ``qad_client.qxtend``). There is no token: the connection's credentials ride in every
        call's ``dsSessionContext``. A REST-only call (the PO line grid) raises
        ``QADConfigurationError``.

        .. versionadded:: 0.2
        """
        client = cls.__new__(cls)
        client._workspace = connection.workspace
        client._qxtend = QXtendTransport(connection)
        if isinstance(retry, NotGiven):
            retry = RetryPolicy()
        config = ClientConfig(
            base_url=connection.endpoint,
            headers={"User-Agent": user_agent, "Accept": "text/xml"},
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            retry=retry if retry is not None else RetryPolicy.disabled(),
            budget=budget or UnlimitedBudget(),
            budget_key=f"qxtend:{connection.endpoint}:{connection.receiver}:{connection.username}",
            family=QADError,
            error_parser=qxtend_error_parser,
            event_hook=event_hook,
            clock=clock or SystemClock(),
            logger=LOGGER,
        )
        APIClient.__init__(client, config, transport=transport, http_client=http_client)
        return client

    @property
    def workspace(self) -> Workspace:
        """The domain and entity this client works in."""
        return self._workspace

    @property
    def transport_kind(self) -> str:
        """``"rest"`` (Adaptive ERP ``/api/erp``) or ``"qxtend"`` (EE QXtend Inbound)."""
        return "rest" if self._qxtend is None else "qxtend"

    def for_domain(self, domain: str, entity: str) -> Self:
        """A client for another domain and entity, sharing connections and token."""
        workspace = attrs.evolve(
            _workspace(domain, entity), reference_fields=self._workspace.reference_fields
        )
        headers = {**self.config.headers, n.HEADERS["workspace"]: workspace.header}
        clone = self.with_options(headers=headers)
        clone._workspace = workspace
        return clone

    def __repr__(self) -> str:
        base = str(self.config.base_url)
        if self._qxtend is not None:
            base = str(self._qxtend.connection.endpoint)
            receiver = self._qxtend.connection.receiver
            return (
                f"{type(self).__name__}(qxtend={base!r}, receiver={receiver!r}, "
                f"workspace={self._workspace.header!r})"
            )
        return f"{type(self).__name__}(base_url={base!r}, workspace={self._workspace.header!r})"


class QADClient(_QADClientBase[httpx.BaseTransport, httpx.Client], SyncAPIClient):
    """A QAD Adaptive ERP tenant, synchronously.

    Args:
        tenant_url: the tenant's base URL: ``https://{tenant}.qad.com/clouderp``,
            ``https://{tenant}-nonprod.qad.com/clouderp/{env}`` or
            ``https://{host}:{port}/qad-central``.
        domain: the QAD domain (e.g. ``10USA``).
        entity: the domain's financial entity (e.g. ``10USACO``).
        username: a QAD user, with ``password``: signs in with the password grant.
        password: the user's password.
        client_id: the tenant's OAuth client id (read from the tenant when omitted), or the
            service account's id with ``client_secret``.
        client_secret: signs in with OAuth2 client credentials (service accounts).
        token: a ready bearer token instead of signing in.
        token_store: where tokens are kept (shared between clients of one credential).
        leeway: seconds before expiry at which a token is renewed.
        timeout: seconds, or an ``httpx.Timeout``.
        retry: the retry policy; ``None`` disables retries.
        budget: a rate budget shared by the clients of one credential.
        user_agent: the ``User-Agent`` header (QAD cloud hosts challenge bare clients).
        event_hook: called with every attempt, for metrics.
        clock: time source (a ``FakeClock`` in tests).
        transport: an httpx transport (e.g. a simulator's).
        http_client: an ``httpx.Client`` to use instead of creating one.
        allow_private_network: accept a tenant URL on a private or link-local IP address
            (an on-premises host); refused by default, loopback always accepted.
        reference_fields: where this tenant keeps our external reference, per document
            (``{"purchase_orders": "customShort3"}``); ``customShort0`` where not given.
    """

    def validate(self) -> ValidationReport:
        """Check every path this client uses on the tenant; report all that fail.

        Over QXtend: the endpoint, receiver and credentials (one query), then each QDoc the
        flows write through, with a no-op ``N`` message that writes nothing.
        """
        if self._qxtend is not None:
            return self._run(self._qxtend.validate(self._workspace, QXTEND_APIS))
        return self._run(validate_tenant(self._workspace))

    def _send(self, op: Operation[T]) -> T:
        if self._qxtend is None:
            return super()._send(op)
        return self._executor.run(self._qxtend.flow_of(op, self._workspace))

    def _run(self, flow: Flow[T]) -> T:
        if self._qxtend is None:
            return super()._run(flow)
        return self._executor.run(self._qxtend.carried(flow, self._workspace))

    def _paginate(self, op: Operation[Page[T]]) -> Paginator[T]:
        if self._qxtend is None:
            return super()._paginate(op)
        return Paginator(self._executor, self._qxtend.first_page(op, self._workspace))

    @functools.cached_property
    def suppliers(self) -> Suppliers:
        """Suppliers (creditors)."""
        from qad_client._resources.suppliers import Suppliers

        return Suppliers(self, self._workspace)

    @functools.cached_property
    def items(self) -> MasterData[Item]:
        """Items of the domain (read-only: maintained in QAD)."""
        from qad_client._resources.master_data import MasterData

        return MasterData(self, self._workspace, n.ITEM, Item)

    @functools.cached_property
    def gl_accounts(self) -> MasterData[GLAccount]:
        """GL accounts and their analysis requirements (read-only)."""
        from qad_client._resources.master_data import MasterData

        return MasterData(self, self._workspace, n.GL_ACCOUNT, GLAccount)

    @functools.cached_property
    def cost_centres(self) -> MasterData[CostCentre]:
        """Cost centres (read-only)."""
        from qad_client._resources.master_data import MasterData

        return MasterData(self, self._workspace, n.COST_CENTRE, CostCentre)

    @functools.cached_property
    def sub_accounts(self) -> MasterData[SubAccount]:
        """Sub-accounts, QAD Financials divisions (read-only)."""
        from qad_client._resources.master_data import MasterData

        return MasterData(self, self._workspace, n.SUB_ACCOUNT, SubAccount)

    @functools.cached_property
    def projects(self) -> MasterData[Project]:
        """Projects (read-only)."""
        from qad_client._resources.master_data import MasterData

        return MasterData(self, self._workspace, n.PROJECT, Project)

    @functools.cached_property
    def domains(self) -> Domains:
        """Domains and their entities."""
        from qad_client._resources.domains import Domains

        return Domains(self, self._workspace)

    @functools.cached_property
    def purchase_orders(self) -> PurchaseOrders:
        """Purchase orders and their lines."""
        from qad_client._resources.purchase_orders import PurchaseOrders

        return PurchaseOrders(self, self._workspace)

    @functools.cached_property
    def purchase_order_receipts(self) -> PurchaseOrderReceipts:
        """Goods receipts (receivers) against POs."""
        from qad_client._resources.purchase_order_receipts import PurchaseOrderReceipts

        return PurchaseOrderReceipts(self, self._workspace)

    @functools.cached_property
    def open_receivers(self) -> OpenReceivers:
        """Receipt lines not yet invoiced."""
        from qad_client._resources.open_receivers import OpenReceivers

        return OpenReceivers(self, self._workspace)

    @functools.cached_property
    def supplier_invoices(self) -> SupplierInvoices:
        """Supplier invoices (three-way match and expense lines)."""
        from qad_client._resources.supplier_invoices import SupplierInvoices

        return SupplierInvoices(self, self._workspace)

    @functools.cached_property
    def supplier_payments(self) -> SupplierPayments:
        """Supplier payments."""
        from qad_client._resources.supplier_payments import SupplierPayments

        return SupplierPayments(self, self._workspace)


class AsyncQADClient(_QADClientBase[httpx.AsyncBaseTransport, httpx.AsyncClient], AsyncAPIClient):
    """A QAD Adaptive ERP tenant, asynchronously; the arguments are those of ``QADClient``.

    ``transport`` is an async httpx transport and ``http_client`` an ``httpx.AsyncClient``.
    """

    async def validate(self) -> ValidationReport:
        """Check every path this client uses on the tenant; report all that fail."""
        if self._qxtend is not None:
            return await self._run(self._qxtend.validate(self._workspace, QXTEND_APIS))
        return await self._run(validate_tenant(self._workspace))

    async def _send(self, op: Operation[T]) -> T:
        if self._qxtend is None:
            return await super()._send(op)
        return await self._executor.run(self._qxtend.flow_of(op, self._workspace))

    async def _run(self, flow: Flow[T]) -> T:
        if self._qxtend is None:
            return await super()._run(flow)
        return await self._executor.run(self._qxtend.carried(flow, self._workspace))

    def _paginate(self, op: Operation[Page[T]]) -> AsyncPaginator[T]:
        if self._qxtend is None:
            return super()._paginate(op)
        return AsyncPaginator(self._executor, self._qxtend.first_page(op, self._workspace))

    @functools.cached_property
    def suppliers(self) -> AsyncSuppliers:
        """Suppliers (creditors)."""
        from qad_client._resources.suppliers import AsyncSuppliers

        return AsyncSuppliers(self, self._workspace)

    @functools.cached_property
    def items(self) -> AsyncMasterData[Item]:
        """Items of the domain (read-only: maintained in QAD)."""
        from qad_client._resources.master_data import AsyncMasterData

        return AsyncMasterData(self, self._workspace, n.ITEM, Item)

    @functools.cached_property
    def gl_accounts(self) -> AsyncMasterData[GLAccount]:
        """GL accounts and their analysis requirements (read-only)."""
        from qad_client._resources.master_data import AsyncMasterData

        return AsyncMasterData(self, self._workspace, n.GL_ACCOUNT, GLAccount)

    @functools.cached_property
    def cost_centres(self) -> AsyncMasterData[CostCentre]:
        """Cost centres (read-only)."""
        from qad_client._resources.master_data import AsyncMasterData

        return AsyncMasterData(self, self._workspace, n.COST_CENTRE, CostCentre)

    @functools.cached_property
    def sub_accounts(self) -> AsyncMasterData[SubAccount]:
        """Sub-accounts, QAD Financials divisions (read-only)."""
        from qad_client._resources.master_data import AsyncMasterData

        return AsyncMasterData(self, self._workspace, n.SUB_ACCOUNT, SubAccount)

    @functools.cached_property
    def projects(self) -> AsyncMasterData[Project]:
        """Projects (read-only)."""
        from qad_client._resources.master_data import AsyncMasterData

        return AsyncMasterData(self, self._workspace, n.PROJECT, Project)

    @functools.cached_property
    def domains(self) -> AsyncDomains:
        """Domains and their entities."""
        from qad_client._resources.domains import AsyncDomains

        return AsyncDomains(self, self._workspace)

    @functools.cached_property
    def purchase_orders(self) -> AsyncPurchaseOrders:
        """Purchase orders and their lines."""
        from qad_client._resources.purchase_orders import AsyncPurchaseOrders

        return AsyncPurchaseOrders(self, self._workspace)

    @functools.cached_property
    def purchase_order_receipts(self) -> AsyncPurchaseOrderReceipts:
        """Goods receipts (receivers) against POs."""
        from qad_client._resources.purchase_order_receipts import AsyncPurchaseOrderReceipts

        return AsyncPurchaseOrderReceipts(self, self._workspace)

    @functools.cached_property
    def open_receivers(self) -> AsyncOpenReceivers:
        """Receipt lines not yet invoiced."""
        from qad_client._resources.open_receivers import AsyncOpenReceivers

        return AsyncOpenReceivers(self, self._workspace)

    @functools.cached_property
    def supplier_invoices(self) -> AsyncSupplierInvoices:
        """Supplier invoices (three-way match and expense lines)."""
        from qad_client._resources.supplier_invoices import AsyncSupplierInvoices

        return AsyncSupplierInvoices(self, self._workspace)

    @functools.cached_property
    def supplier_payments(self) -> AsyncSupplierPayments:
        """Supplier payments."""
        from qad_client._resources.supplier_payments import AsyncSupplierPayments

        return AsyncSupplierPayments(self, self._workspace)

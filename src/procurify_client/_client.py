"""``ProcurifyClient`` and ``AsyncProcurifyClient``: keyword-only settings -> one ClientConfig.

Both classes share one constructor, written once on a private generic base typed by the
transport and http client each accepts; it builds the configuration with :func:`build_config`.
Everything else (retries, token cache, pacing, pagination, errors) is the toolkit's.
Resources are attached lazily, one module each.

Pacing: Procurify publishes no rate limits and no rate-limit headers, only that it may deny
access to clients whose requests are too heavy. The default budget therefore ignores headers
and spaces requests on one credential at least :data:`DEFAULT_MIN_INTERVAL` seconds apart
(at most 20 a second), which is polite without slowing a sync noticeably; pass ``budget=``
to share one budget between clients or to change it, ``budget=None`` to turn pacing off.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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
    RetryPolicy,
    Secret,
    SyncAPIClient,
    SystemClock,
    TokenManager,
    TokenStore,
    TransportT,
    UnlimitedBudget,
    checked_url,
)
from mlconnector_http import __version__ as _toolkit_version
from procurify_client._auth import procurify_credentials
from procurify_client._exceptions import (
    ProcurifyConfigurationError,
    ProcurifyError,
    parse_error,
)
from procurify_client._models import CurrentUser
from procurify_client._resources.users import get_me

if TYPE_CHECKING:
    from procurify_client._resources.account_codes import AccountCodes, AsyncAccountCodes
    from procurify_client._resources.bills import AsyncBills, Bills
    from procurify_client._resources.payments import AsyncPayments, Payments
    from procurify_client._resources.purchase_orders import AsyncPurchaseOrders, PurchaseOrders
    from procurify_client._resources.receipt_items import AsyncReceiptItems, ReceiptItems
    from procurify_client._resources.vendors import AsyncVendors, Vendors

__all__ = [
    "DEFAULT_MIN_INTERVAL",
    "DEFAULT_TOKEN_LEEWAY",
    "USER_AGENT",
    "AsyncProcurifyClient",
    "ProcurifyClient",
    "build_config",
]

USER_AGENT = f"mlconnector/{_toolkit_version} (+procurify_client)"
DEFAULT_MIN_INTERVAL = 0.05
LOGGER = logging.getLogger("procurify_client")
"""Where the Procurify clients log: attempts at DEBUG, waits over a second at INFO."""
DEFAULT_TOKEN_LEEWAY = 300.0

_SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def _base_url(subdomain: object, base_url: object, *, allow_private_network: bool) -> httpx.URL:
    if (subdomain is None) == (base_url is None):
        raise ProcurifyConfigurationError(
            "pass exactly one of subdomain= (e.g. subdomain='acme' for "
            "https://acme.procurify.com) or base_url= (e.g. a simulator's URL)"
        )
    if subdomain is not None:
        if not isinstance(subdomain, str) or _SUBDOMAIN.fullmatch(subdomain.lower()) is None:
            raise ProcurifyConfigurationError(
                f"subdomain must be the tenant's name only, e.g. 'acme' for "
                f"https://acme.procurify.com, not {subdomain!r}"
            )
        return httpx.URL(f"https://{subdomain.lower()}.procurify.com/")
    url = checked_url(
        base_url,
        setting="base_url",
        family=ProcurifyError,
        allow_private_network=allow_private_network,
    )
    if url.path not in ("", "/"):
        raise ProcurifyConfigurationError(
            "base_url is the tenant origin only (e.g. https://acme.procurify.com): "
            "Procurify paths carry their own version (/api/v2, /api/v3, /api/public/v1)"
        )
    return url


def _credential(name: str, value: object) -> None:
    text = value.reveal() if isinstance(value, Secret) else value
    if not isinstance(text, str) or not text.strip():
        raise ProcurifyConfigurationError(
            f"{name} is required (Settings > Integrations > Procurify API in the tenant)"
        )


def build_config(
    *,
    subdomain: str | None,
    base_url: str | httpx.URL | None,
    client_id: str,
    client_secret: str | Secret,
    timeout: float | httpx.Timeout | NotGiven | None,
    retry: RetryPolicy | NotGiven | None,
    budget: RateBudget | NotGiven | None,
    token_store: TokenStore | None,
    token_leeway: float,
    clock: Clock | None,
    event_hook: Callable[[AttemptEvent], Any] | None,
    allow_private_network: bool = False,
) -> ClientConfig:
    """The one constructor logic of both clients: check every argument, then configure."""
    url = _base_url(subdomain, base_url, allow_private_network=allow_private_network)
    _credential("client_id", client_id)
    _credential("client_secret", client_secret)
    if token_leeway < 0:
        raise ProcurifyConfigurationError("token_leeway must be >= 0 seconds")
    the_clock: Clock = clock if clock is not None else SystemClock()
    provider = procurify_credentials(url, client_id, client_secret)
    if isinstance(budget, NotGiven):
        budget = InProcessBudget(
            min_interval=DEFAULT_MIN_INTERVAL, headers=None, clock=the_clock, logger=LOGGER
        )
    settings: dict[str, Any] = {}
    if not isinstance(timeout, NotGiven):
        settings["timeout"] = (
            timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        )
    if not isinstance(retry, NotGiven):
        settings["retry"] = RetryPolicy.disabled() if retry is None else retry
    return ClientConfig(
        base_url=url,
        headers={
            "Accept": "application/json",
            "X-Procurify-Client": "api",
            "User-Agent": USER_AGENT,
        },
        budget=UnlimitedBudget() if budget is None else budget,
        auth=TokenManager(
            provider,
            store=token_store,
            leeway=token_leeway,
            clock=the_clock,
            family=ProcurifyError,
        ),
        family=ProcurifyError,
        rate_headers=None,
        error_parser=parse_error,
        event_hook=event_hook,
        clock=the_clock,
        logger=LOGGER,
        **settings,
    )


class _ProcurifyBase(APIClient[TransportT, HTTPClientT]):
    """The constructor both clients share (no I/O); resources live on each client."""

    def __init__(
        self,
        *,
        subdomain: str | None = None,
        base_url: str | httpx.URL | None = None,
        client_id: str,
        client_secret: str | Secret,
        transport: TransportT | None = None,
        http_client: HTTPClientT | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        retry: RetryPolicy | NotGiven | None = NOT_GIVEN,
        budget: RateBudget | NotGiven | None = NOT_GIVEN,
        token_store: TokenStore | None = None,
        token_leeway: float = DEFAULT_TOKEN_LEEWAY,
        clock: Clock | None = None,
        event_hook: Callable[[AttemptEvent], Any] | None = None,
        allow_private_network: bool = False,
    ) -> None:
        """Check every argument and configure the client (nothing is sent yet).

        Args:
            subdomain: the tenant name (``acme`` for https://acme.procurify.com); or
            base_url: the tenant origin (a proxy, the simulator); exactly one of the two.
            client_id: the API application's client id.
            client_secret: its secret (kept in a :class:`~mlconnector_http.Secret`).
            transport: an httpx transport (e.g. ``ProcurifySimulator().transport()``): an
                ``httpx.BaseTransport`` for :class:`ProcurifyClient`, an
                ``httpx.AsyncBaseTransport`` for :class:`AsyncProcurifyClient`.
            http_client: an ``httpx.Client`` (``httpx.AsyncClient`` for the async client)
                to use instead of creating one; not together with ``transport``.
            timeout: seconds or an ``httpx.Timeout``; ``None`` waits forever.
            retry: a :class:`~mlconnector_http.RetryPolicy`; ``None`` disables retries.
            budget: a rate budget to share; ``None`` disables pacing (default: see module doc).
            token_store: where tokens are cached (default: in memory, per client).
            token_leeway: refresh a token this many seconds before it expires.
            clock: time source (a ``FakeClock`` in tests).
            event_hook: called with an :class:`~mlconnector_http.AttemptEvent` per HTTP attempt.
            allow_private_network: accept a ``base_url`` on a private or link-local IP
                address (refused by default, see :func:`~mlconnector_http.checked_url`).

        Raises:
            ProcurifyConfigurationError: an argument is missing, malformed or contradictory.
        """
        config = build_config(
            subdomain=subdomain,
            base_url=base_url,
            client_id=client_id,
            client_secret=client_secret,
            timeout=timeout,
            retry=retry,
            budget=budget,
            token_store=token_store,
            token_leeway=token_leeway,
            clock=clock,
            event_hook=event_hook,
            allow_private_network=allow_private_network,
        )
        super().__init__(config, transport=transport, http_client=http_client)


class ProcurifyClient(_ProcurifyBase[httpx.BaseTransport, httpx.Client], SyncAPIClient):
    """Synchronous Procurify client: ``with ProcurifyClient(subdomain=..., ...) as client``.

    Keyword-only arguments, documented on ``__init__`` (shared with
    :class:`AsyncProcurifyClient`): ``transport`` is an ``httpx.BaseTransport`` and
    ``http_client`` an ``httpx.Client``.
    """

    def me(self) -> CurrentUser:
        """The user the credentials act as: a cheap check that everything is in order."""
        return self._send(get_me())

    @functools.cached_property
    def purchase_orders(self) -> PurchaseOrders:
        """Purchase orders: ``list`` (headers) and ``get`` (with lines)."""
        from procurify_client._resources.purchase_orders import PurchaseOrders

        return PurchaseOrders(self)

    @functools.cached_property
    def bills(self) -> Bills:
        """AP bills: ``list`` and ``get`` (with lines)."""
        from procurify_client._resources.bills import Bills

        return Bills(self)

    @functools.cached_property
    def payments(self) -> Payments:
        """Payments (public v1), read-only: ``list``."""
        from procurify_client._resources.payments import Payments

        return Payments(self)

    @functools.cached_property
    def vendors(self) -> Vendors:
        """Vendors: ``list``, ``get``, ``create``, ``update``, ``find_by_external_id``."""
        from procurify_client._resources.vendors import Vendors

        return Vendors(self)

    @functools.cached_property
    def account_codes(self) -> AccountCodes:
        """Account codes: ``list``, ``get``, ``create``, ``update``."""
        from procurify_client._resources.account_codes import AccountCodes

        return AccountCodes(self)

    @functools.cached_property
    def receipt_items(self) -> ReceiptItems:
        """Receipt items: ``list(order_item=...)``."""
        from procurify_client._resources.receipt_items import ReceiptItems

        return ReceiptItems(self)


class AsyncProcurifyClient(
    _ProcurifyBase[httpx.AsyncBaseTransport, httpx.AsyncClient], AsyncAPIClient
):
    """Asynchronous Procurify client: ``async with AsyncProcurifyClient(...) as client``.

    Keyword-only arguments, documented on ``__init__`` (shared with :class:`ProcurifyClient`):
    ``transport`` is an ``httpx.AsyncBaseTransport`` and ``http_client`` an ``httpx.AsyncClient``.
    """

    async def me(self) -> CurrentUser:
        """The user the credentials act as: a cheap check that everything is in order."""
        return await self._send(get_me())

    @functools.cached_property
    def purchase_orders(self) -> AsyncPurchaseOrders:
        """Purchase orders: ``list`` (headers) and ``get`` (with lines)."""
        from procurify_client._resources.purchase_orders import AsyncPurchaseOrders

        return AsyncPurchaseOrders(self)

    @functools.cached_property
    def bills(self) -> AsyncBills:
        """AP bills: ``list`` and ``get`` (with lines)."""
        from procurify_client._resources.bills import AsyncBills

        return AsyncBills(self)

    @functools.cached_property
    def payments(self) -> AsyncPayments:
        """Payments (public v1), read-only: ``list``."""
        from procurify_client._resources.payments import AsyncPayments

        return AsyncPayments(self)

    @functools.cached_property
    def vendors(self) -> AsyncVendors:
        """Vendors: ``list``, ``get``, ``create``, ``update``, ``find_by_external_id``."""
        from procurify_client._resources.vendors import AsyncVendors

        return AsyncVendors(self)

    @functools.cached_property
    def account_codes(self) -> AsyncAccountCodes:
        """Account codes: ``list``, ``get``, ``create``, ``update``."""
        from procurify_client._resources.account_codes import AsyncAccountCodes

        return AsyncAccountCodes(self)

    @functools.cached_property
    def receipt_items(self) -> AsyncReceiptItems:
        """Receipt items: ``list(order_item=...)``."""
        from procurify_client._resources.receipt_items import AsyncReceiptItems

        return AsyncReceiptItems(self)

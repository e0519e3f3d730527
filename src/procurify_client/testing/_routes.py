"""The paths the simulator serves, with their trailing slashes, and which need a token."""

from __future__ import annotations

import attrs

from mlconnector_http.testing import Router
from procurify_client.testing._handlers import Handlers

__all__ = ["ROUTES", "Route", "build_router"]


@attrs.frozen
class Route:
    """``method`` + ``template`` answered by the :class:`Handlers` method called ``handler``."""

    method: str
    template: str
    handler: str
    authenticated: bool = True


ROUTES: tuple[Route, ...] = (
    Route("POST", "/oauth/token", "token", authenticated=False),
    Route("GET", "/api/v3/users/me/", "users_me"),
    Route("GET", "/api/v2/purchase_orders/{role}/{status}/", "purchase_orders"),
    Route("GET", "/api/v2/purchase_orders/{key}/", "purchase_order"),
    Route("GET", "/api/v3/ap/bills/", "bills"),
    Route("GET", "/api/v2/ap/bills/{key}/", "bill"),
    Route("GET", "/api/public/v1/payments/", "payments"),
    Route("GET", "/api/v3/receipt/items/", "receipt_items"),
    Route("GET", "/api/v3/vendors/", "vendors"),
    Route("POST", "/api/v3/vendors/", "create_vendor"),
    Route("GET", "/api/v3/vendors/{key}/", "vendor_or_group"),
    Route("PUT", "/api/v3/vendors/{key}/", "replace_vendor"),
    Route("PATCH", "/api/v3/vendors/{key}/", "patch_vendor"),
    Route("GET", "/api/v3/account-codes/", "account_codes"),
    Route("POST", "/api/v3/account-codes/", "create_account_code"),
    Route("GET", "/api/v3/account-codes/{key}/", "account_code"),
    Route("PUT", "/api/v3/account-codes/{key}/", "replace_account_code"),
)


def build_router(handlers: Handlers) -> Router:
    """A router over :data:`ROUTES`, token checks wrapped around the authenticated ones."""
    router = Router()
    for route in ROUTES:
        handler = getattr(handlers, route.handler)
        if route.authenticated:
            handler = Handlers.authenticated(handler)
        router.add(route.method, route.template, handler)
    return router

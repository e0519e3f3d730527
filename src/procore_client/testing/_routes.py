"""Method + path -> handler for every REST operation the simulator serves (moto's ``urls.py``).

Paths follow Procore's 2026 spec: flat v1 financial paths with ``project_id`` in the query,
direct costs under ``/rest/v1.1/projects/{project_id}`` (the v1.0 item reads beside them).
Literal segments (``sync``, ``bulk``) are listed before the ``{id}`` templates they would
otherwise match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from mlconnector_http.testing import Router
from procore_client.testing._handlers import Handlers

__all__ = ["PATHS", "ROUTES", "build_router"]

V10 = "/rest/v1.0"
V11 = "/rest/v1.1"
HOOKS = f"{V10}/webhooks/hooks"

Route = tuple[str, str, Callable[..., Any], Mapping[str, str]]


def _routes() -> Iterator[Route]:
    h = Handlers
    yield "GET", f"{V10}/me", h.me, {}
    yield "GET", f"{V10}/companies", h.companies, {}
    yield "GET", f"{V10}/company_base_url", h.company_base_url, {}
    yield "GET", f"{V10}/companies/{{company_id}}/projects", h.company_projects, {}
    for version, prefix in (("v1.0", V10), ("v1.1", V11)):
        yield "GET", f"{prefix}/projects", h.projects, {"version": version}

    yield "GET", f"{V10}/vendors", h.vendors, {}
    yield "POST", f"{V10}/vendors", h.create_vendor, {}
    yield "PATCH", f"{V10}/vendors/sync", h.sync_vendors, {}
    yield "GET", f"{V10}/vendors/{{vendor_id}}", h.vendor, {}
    yield "PATCH", f"{V10}/vendors/{{vendor_id}}", h.update_vendor, {}
    yield "POST", f"{V10}/vendors/{{vendor_id}}/business_register", h.create_register, {}
    yield "PATCH", f"{V10}/vendors/{{vendor_id}}/business_register", h.update_register, {}

    yield "GET", f"{V10}/cost_codes", h.cost_codes, {}
    yield "POST", f"{V10}/cost_codes", h.create_cost_code, {}
    yield "GET", f"{V10}/cost_codes/{{code_id}}", h.cost_code, {}
    yield "PATCH", f"{V10}/cost_codes/{{code_id}}", h.update_cost_code, {}
    yield "GET", f"{V10}/line_item_types", h.line_item_types, {}
    yield "GET", f"{V10}/line_item_types/{{type_id}}", h.line_item_type, {}

    for version, prefix in (("v1.0", V10), ("v1.1", V11)):
        options = {"version": version}
        yield "GET", f"{prefix}/requisitions", h.requisitions, options
        yield "GET", f"{prefix}/requisitions/{{requisition_id}}", h.requisition, options
        yield "PATCH", f"{prefix}/requisitions/{{requisition_id}}", h.update_requisition, options

    for resource in ("work_order_contracts", "purchase_order_contracts"):
        options = {"resource": resource}
        yield "GET", f"{V10}/{resource}", h.contracts, options
        yield "GET", f"{V10}/{resource}/{{contract_id}}", h.contract, options
        yield "GET", f"{V10}/{resource}/{{contract_id}}/line_items", h.contract_line_items, options
    yield "GET", f"{V10}/commitments", h.commitments, {}
    yield "GET", f"{V10}/commitments/{{commitment_id}}", h.commitment, {}
    yield "GET", f"{V10}/contract_payments", h.payments, {}
    yield "GET", f"{V10}/contract_payments/{{payment_id}}", h.payment, {}
    yield "PATCH", f"{V10}/contract_payments/{{payment_id}}", h.update_payment, {}

    costs = f"{V11}/projects/{{project_id}}/direct_costs"
    yield "GET", costs, h.direct_costs, {}
    yield "POST", costs, h.create_direct_cost, {}
    yield "GET", f"{costs}/{{cost_id}}", h.direct_cost, {}
    yield "PATCH", f"{costs}/{{cost_id}}", h.update_direct_cost, {}
    yield "DELETE", f"{costs}/{{cost_id}}", h.delete_direct_cost, {}
    items = f"{V10}/projects/{{project_id}}/direct_costs"
    yield "GET", items, h.direct_costs, {}
    yield "GET", f"{items}/{{cost_id}}", h.direct_cost, {"version": "v1.0"}

    yield "GET", f"{V10}/webhooks/resources", h.webhook_resources, {}
    yield "POST", HOOKS, h.create_hook, {}
    yield "GET", HOOKS, h.hooks, {}
    yield "POST", f"{HOOKS}/{{hook_id}}/triggers/bulk", h.bulk_create_triggers, {}
    yield "DELETE", f"{HOOKS}/{{hook_id}}/triggers/bulk", h.bulk_delete_triggers, {}
    yield "POST", f"{HOOKS}/{{hook_id}}/triggers", h.create_trigger, {}
    yield "GET", f"{HOOKS}/{{hook_id}}/triggers", h.triggers, {}
    yield "DELETE", f"{HOOKS}/{{hook_id}}/triggers/{{trigger_id}}", h.delete_trigger, {}
    yield "GET", f"{HOOKS}/{{hook_id}}/deliveries", h.deliveries, {}
    yield "GET", f"{HOOKS}/{{hook_id}}", h.hook, {}
    yield "PATCH", f"{HOOKS}/{{hook_id}}", h.update_hook, {}
    yield "DELETE", f"{HOOKS}/{{hook_id}}", h.delete_hook, {}


ROUTES: tuple[Route, ...] = tuple(_routes())

PATHS = (
    "POST /oauth/token",
    "GET /oauth/token/info",
    "POST /oauth/revoke",
    *(f"{method} {template}" for method, template, _, _ in ROUTES),
)
"""Every ``METHOD /path`` the simulator answers (the OAuth ones on the login host)."""


def build_router(handlers: Handlers) -> Router:
    """The API router with every route bound to ``handlers``."""
    router = Router()
    for method, template, handler, options in ROUTES:
        router.add(method, template, partial(handler, handlers, **options))
    return router

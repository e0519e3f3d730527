"""Method + path -> handler for every REST operation the simulator serves (moto's ``urls.py``).

Paths follow Procore's 2026 spec: flat v1 financial paths with ``project_id`` in the query,
direct costs under ``/rest/v1.1/projects/{project_id}``. Literal segments (``sync``, ``bulk``)
are registered before the ``{id}`` templates they would otherwise match.
"""

from __future__ import annotations

from functools import partial

from mlconnector_http.testing import Router
from procore_client.testing._handlers import Handlers

__all__ = ["PATHS", "build_router"]

V10 = "/rest/v1.0"
V11 = "/rest/v1.1"
HOOKS = f"{V10}/webhooks/hooks"


def build_router(h: Handlers) -> Router:
    """The API router bound to ``h``."""
    router = Router()
    add = router.add
    add("GET", f"{V10}/me", h.me)
    add("GET", f"{V10}/companies", h.companies)
    add("GET", f"{V10}/company_base_url", h.company_base_url)
    add("GET", f"{V10}/companies/{{company_id}}/projects", h.company_projects)
    add("GET", f"{V10}/projects", h.projects)
    add("GET", f"{V11}/projects", h.projects_v11)

    add("GET", f"{V10}/vendors", h.vendors)
    add("POST", f"{V10}/vendors", h.create_vendor)
    add("PATCH", f"{V10}/vendors/sync", h.sync_vendors)
    add("GET", f"{V10}/vendors/{{vendor_id}}", h.vendor)
    add("PATCH", f"{V10}/vendors/{{vendor_id}}", h.update_vendor)
    add("POST", f"{V10}/vendors/{{vendor_id}}/business_register", h.create_register)
    add("PATCH", f"{V10}/vendors/{{vendor_id}}/business_register", h.update_register)

    add("GET", f"{V10}/cost_codes", h.cost_codes)
    add("GET", f"{V10}/cost_codes/{{code_id}}", h.cost_code)
    add("GET", f"{V10}/line_item_types", h.line_item_types)
    add("GET", f"{V10}/line_item_types/{{type_id}}", h.line_item_type)

    add("GET", f"{V10}/requisitions", h.requisitions)
    add("GET", f"{V11}/requisitions", h.requisitions_v11)
    add("GET", f"{V10}/requisitions/{{requisition_id}}", h.requisition)
    add("GET", f"{V11}/requisitions/{{requisition_id}}", h.requisition_v11)
    add("PATCH", f"{V10}/requisitions/{{requisition_id}}", h.update_requisition)
    add("PATCH", f"{V11}/requisitions/{{requisition_id}}", h.update_requisition_v11)

    for resource in ("work_order_contracts", "purchase_order_contracts"):
        add("GET", f"{V10}/{resource}", partial(h.contracts, resource=resource))
        add("GET", f"{V10}/{resource}/{{contract_id}}", partial(h.contract, resource=resource))
        add(
            "GET",
            f"{V10}/{resource}/{{contract_id}}/line_items",
            partial(h.contract_line_items, resource=resource),
        )
    add("GET", f"{V10}/commitments", h.commitments)
    add("GET", f"{V10}/commitments/{{commitment_id}}", h.commitment)
    add("GET", f"{V10}/contract_payments", h.payments)
    add("GET", f"{V10}/contract_payments/{{payment_id}}", h.payment)

    add("GET", f"{V11}/projects/{{project_id}}/direct_costs", h.direct_costs)
    add("POST", f"{V11}/projects/{{project_id}}/direct_costs", h.create_direct_cost)
    add("GET", f"{V11}/projects/{{project_id}}/direct_costs/{{cost_id}}", h.direct_cost)
    add("PATCH", f"{V11}/projects/{{project_id}}/direct_costs/{{cost_id}}", h.update_direct_cost)
    add("DELETE", f"{V11}/projects/{{project_id}}/direct_costs/{{cost_id}}", h.delete_direct_cost)

    add("POST", HOOKS, h.create_hook)
    add("GET", HOOKS, h.hooks)
    add("POST", f"{HOOKS}/{{hook_id}}/triggers/bulk", h.bulk_create_triggers)
    add("DELETE", f"{HOOKS}/{{hook_id}}/triggers/bulk", h.bulk_delete_triggers)
    add("POST", f"{HOOKS}/{{hook_id}}/triggers", h.create_trigger)
    add("GET", f"{HOOKS}/{{hook_id}}/triggers", h.triggers)
    add("DELETE", f"{HOOKS}/{{hook_id}}/triggers/{{trigger_id}}", h.delete_trigger)
    add("GET", f"{HOOKS}/{{hook_id}}/deliveries", h.deliveries)
    add("GET", f"{HOOKS}/{{hook_id}}", h.hook)
    add("PATCH", f"{HOOKS}/{{hook_id}}", h.update_hook)
    add("DELETE", f"{HOOKS}/{{hook_id}}", h.delete_hook)
    return router


PATHS = (
    "POST /oauth/token",
    "GET /oauth/token/info",
    "POST /oauth/revoke",
    f"GET {V10}/me",
    f"GET {V10}/companies",
    f"GET {V10}/company_base_url",
    f"GET {V10}/companies/{{company_id}}/projects",
    f"GET {V10}/projects",
    f"GET {V11}/projects",
    f"GET|POST {V10}/vendors",
    f"PATCH {V10}/vendors/sync",
    f"GET|PATCH {V10}/vendors/{{id}}",
    f"POST|PATCH {V10}/vendors/{{id}}/business_register",
    f"GET {V10}/cost_codes",
    f"GET {V10}/cost_codes/{{id}}",
    f"GET {V10}/line_item_types",
    f"GET {V10}/line_item_types/{{id}}",
    f"GET {V10}/requisitions",
    f"GET {V11}/requisitions",
    f"GET|PATCH {V10}/requisitions/{{id}}",
    f"GET|PATCH {V11}/requisitions/{{id}}",
    f"GET {V10}/work_order_contracts",
    f"GET {V10}/work_order_contracts/{{id}}",
    f"GET {V10}/work_order_contracts/{{id}}/line_items",
    f"GET {V10}/purchase_order_contracts",
    f"GET {V10}/purchase_order_contracts/{{id}}",
    f"GET {V10}/purchase_order_contracts/{{id}}/line_items",
    f"GET {V10}/commitments",
    f"GET {V10}/commitments/{{id}}",
    f"GET {V10}/contract_payments",
    f"GET {V10}/contract_payments/{{id}}",
    f"GET|POST {V11}/projects/{{project_id}}/direct_costs",
    f"GET|PATCH|DELETE {V11}/projects/{{project_id}}/direct_costs/{{id}}",
    f"GET|POST {HOOKS}",
    f"GET|PATCH|DELETE {HOOKS}/{{id}}",
    f"GET|POST {HOOKS}/{{hook_id}}/triggers",
    f"POST|DELETE {HOOKS}/{{hook_id}}/triggers/bulk",
    f"DELETE {HOOKS}/{{hook_id}}/triggers/{{id}}",
    f"GET {HOOKS}/{{hook_id}}/deliveries",
)

"""A Procurify API simulator for tests: in-process transport or loopback HTTP server.

Quick start::

    sim = ProcurifySimulator(clock=FakeClock())
    creds = sim.add_tenant("acme")
    sim.seed("acme", purchase_orders=1_000)
    http = httpx.Client(transport=sim.transport(), base_url=creds.base_url)

Laid out like a moto service: ``_state`` (records, business rules), ``_routes`` and
``_handlers`` (HTTP), ``_faults`` and ``_limits`` (misbehaviour), ``_seed`` (data).
"""

from procurify_client.testing._faults import next_link_loop, next_links_at
from procurify_client.testing._limits import RateLimit
from procurify_client.testing._routes import ROUTES, Route
from procurify_client.testing._simulator import ProcurifySimulator, TenantCredentials
from procurify_client.testing._state import (
    AUDIENCE,
    AccountCode,
    Bill,
    BillItem,
    OrderItem,
    Payment,
    PurchaseOrder,
    ReceiptItem,
    Tenant,
    Vendor,
)

__all__ = [
    "AUDIENCE",
    "ROUTES",
    "AccountCode",
    "Bill",
    "BillItem",
    "OrderItem",
    "Payment",
    "ProcurifySimulator",
    "PurchaseOrder",
    "RateLimit",
    "ReceiptItem",
    "Route",
    "Tenant",
    "TenantCredentials",
    "Vendor",
    "next_link_loop",
    "next_links_at",
]

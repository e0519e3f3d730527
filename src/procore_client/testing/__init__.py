"""A stateful Procore simulator for tests and benchmarks: ``ProcoreSimulator``.

It serves Procore's login and API hosts (in-process via ``transport()``, over loopback on two
origins via ``serve_apart()`` or on one via ``serve()``), enforces client-credentials tokens,
``Procore-Company-Id`` and DMSA project grants, both rate windows, v1 paging and filters, and
delivers webhooks over real HTTP.
"""

from procore_client.testing._auth import ENVIRONMENTS
from procore_client.testing._faults import bad_gateway, rate_limited, service_unavailable
from procore_client.testing._models import (
    App,
    BusinessRegister,
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
from procore_client.testing._routes import PATHS
from procore_client.testing._seed import SeedSummary
from procore_client.testing._simulator import LoopbackOrigins, ProcoreSimulator, SimulatorStats
from procore_client.testing._state import RESOURCE_NAMES
from procore_client.testing._webhooks import Delivery, Hook, Trigger, WebhookEvent

__all__ = [
    "ENVIRONMENTS",
    "PATHS",
    "RESOURCE_NAMES",
    "App",
    "BusinessRegister",
    "Commitment",
    "Company",
    "ContractPayment",
    "CostCode",
    "Delivery",
    "DirectCost",
    "Hook",
    "LineItemType",
    "LoopbackOrigins",
    "ProcoreSimulator",
    "Project",
    "Requisition",
    "SeedSummary",
    "SimulatorStats",
    "Trigger",
    "Vendor",
    "WebhookEvent",
    "bad_gateway",
    "rate_limited",
    "service_unavailable",
]

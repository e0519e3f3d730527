"""The simulated Procore back end: companies, projects, financial records and their rules.

No HTTP here (moto's ``models.py``): handlers translate requests into these calls and the
domain errors from ``_errors`` back into Procore's bodies. One store per resource
(``_projects``, ``_vendors``, ``_codes``, ``_contracts``, ``_direct_costs``) over a shared
``_core`` (ids, versions, events, origin ids); the rules are named functions in ``_rules`` and
the wire readers in ``_fields``. :class:`ProcoreState` (``_backend``) puts them together.
"""

from __future__ import annotations

from procore_client.testing._state._backend import ProcoreState
from procore_client.testing._state._fields import (
    BASE_TYPES,
    DIRECT_COST_LINE_LIMIT,
    DIRECT_COST_STATUSES,
    DIRECT_COST_TYPES,
    PAYMENT_METHODS,
    PO_STATUSES,
    REQUISITION_STATUSES,
    RESOURCE_NAMES,
    SYNC_BATCH_LIMIT,
    VENDOR_FIELDS,
    WO_STATUSES,
)

__all__ = [
    "BASE_TYPES",
    "DIRECT_COST_LINE_LIMIT",
    "DIRECT_COST_STATUSES",
    "DIRECT_COST_TYPES",
    "PAYMENT_METHODS",
    "PO_STATUSES",
    "REQUISITION_STATUSES",
    "RESOURCE_NAMES",
    "SYNC_BATCH_LIMIT",
    "VENDOR_FIELDS",
    "WO_STATUSES",
    "ProcoreState",
]

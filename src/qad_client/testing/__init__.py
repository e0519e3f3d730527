"""A fake QAD Adaptive ERP for tests: ``QADSimulator`` serves tenants over httpx or loopback.

The REST model is the proposal of ``qad.md`` section 10 (QAD publishes no REST reference), with
every vendor-facing name kept in ``_names.py`` so one line fixes one name.
"""

from qad_client.testing._auth import Principal
from qad_client.testing._faults import rate_limited, unavailable
from qad_client.testing._seed import SeedResult
from qad_client.testing._simulator import DEFAULT_CREDIT_TERMS, DEFAULT_CURRENCIES, QADSimulator
from qad_client.testing._state import TenantState, Tolerances

__all__ = [
    "DEFAULT_CREDIT_TERMS",
    "DEFAULT_CURRENCIES",
    "Principal",
    "QADSimulator",
    "SeedResult",
    "TenantState",
    "Tolerances",
    "rate_limited",
    "unavailable",
]

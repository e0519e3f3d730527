"""A fake QAD Adaptive ERP for tests: ``QADSimulator`` serves tenants over httpx or loopback.

QAD publishes no REST reference, so the model is the proposal of ``api-notes/qad.md`` section 10
built on the conventions public code shows. Every vendor-facing name (paths, fields, envelope
keys, browse ids, enumerated values) sits in ``_names.py``, one line each; error texts sit in
``_messages.py``. Wire conventions:

* amounts and quantities are JSON strings (``"12.50"``), accepted as strings or numbers;
* dates are ``YYYY-MM-DD``; audit stamps ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (``lastModifiedDateTime``);
* codes compare case-insensitively; a write request is all-or-nothing.

Example::

    sim = QADSimulator(clock=FakeClock())
    base_url = sim.add_tenant("acme")  # https://acme.qad.com/clouderp
    sim.add_user("acme", "alice", "secret")
    sim.seed("acme", suppliers=10, items=20)
    client = httpx.Client(transport=sim.transport(), base_url=base_url)

On loopback (``with sim.serve() as origin``) the tenant is the first path segment:
``sim.base_url("acme", origin=origin)`` is ``http://127.0.0.1:{port}/acme/clouderp``.

``QXtendSimulator(sim, "acme")`` is the same tenant's QAD Enterprise Edition front door:
SOAP QDocs at ``qx.endpoint()`` (or ``qx.endpoint(origin)`` under ``qx.serve()``), over the
same state and lock, so one business model answers both.
"""

from qad_client.testing._faults import rate_limited, unavailable
from qad_client.testing._qxtend import DEFAULT_APIS, QDocCall, QXtendSimulator, soap_fault
from qad_client.testing._seed import SeedResult
from qad_client.testing._simulator import DEFAULT_CREDIT_TERMS, DEFAULT_CURRENCIES, QADSimulator
from qad_client.testing._state import TenantState, Tolerances

__all__ = [
    "DEFAULT_APIS",
    "DEFAULT_CREDIT_TERMS",
    "DEFAULT_CURRENCIES",
    "QADSimulator",
    "QDocCall",
    "QXtendSimulator",
    "SeedResult",
    "TenantState",
    "Tolerances",
    "rate_limited",
    "soap_fault",
    "unavailable",
]

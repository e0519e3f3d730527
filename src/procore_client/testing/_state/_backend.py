"""``ProcoreState``: every store of the simulated Procore behind the one object the handlers,
the seeder, the webhook engine and users' tests talk to (moto's backend).

Each resource keeps its records and rules in its own store (``projects``, ``vendor_store``,
``codes``, ``contracts``, ``invoices``, ``payment_store``, ``costs``); the names below are the
state's public surface, each an alias of the store that owns it.
"""

from __future__ import annotations

from decimal import Decimal

from mlconnector_http._clock import Clock
from procore_client.testing._models import Commitment
from procore_client.testing._state._codes import CodeStore
from procore_client.testing._state._contracts import (
    CommitmentStore,
    PaymentStore,
    RequisitionStore,
)
from procore_client.testing._state._core import Core
from procore_client.testing._state._direct_costs import DirectCostStore
from procore_client.testing._state._projects import ProjectStore
from procore_client.testing._state._vendors import VendorStore

__all__ = ["ProcoreState"]


class ProcoreState:
    """Every company's records plus the rules Procore enforces on them.

    Changes made through the ``create_*`` and ``update_*`` methods are announced to subscribers
    (the webhook engine); the ``put_*`` methods insert silently, for seeding and test set-up.
    Not thread-safe on its own: the simulator serialises calls under its lock.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.core = core = Core(clock)
        self.directory = projects = ProjectStore(core)
        self.vendor_store = vendors = VendorStore(core, projects)
        self.codes = codes = CodeStore(core, projects)
        self.contracts = contracts = CommitmentStore(core, projects, vendors)
        self.invoices = invoices = RequisitionStore(core, projects, contracts)
        self.payment_store = payments = PaymentStore(core, projects, contracts)
        self.costs = costs = DirectCostStore(core, projects, vendors, codes)
        self._stores = (projects, vendors, codes, contracts, invoices, payments, costs)

        self.subscribe = core.subscribe
        self.next_id = core.next_id
        self.touch = core.touch
        self.cached = core.cached

        self.companies = projects.companies
        self.projects = projects.projects
        self.projects_by_company = projects.projects_by_company
        self.add_company = projects.add_company
        self.company = projects.company
        self.add_project = projects.add_project
        self.put_project = projects.put_project
        self.project = projects.project
        self.app_installed = projects.app_installed
        self.app_permitted = projects.app_permitted
        self.check_project = projects.check_project

        self.vendors = vendors.vendors
        self.vendors_by_company = vendors.vendors_by_company
        self.put_vendor = vendors.put_vendor
        self.vendor = vendors.vendor
        self.create_vendor = vendors.create_vendor
        self.update_vendor = vendors.update_vendor
        self.sync_vendors = vendors.sync_vendors
        self.create_business_register = vendors.create_business_register
        self.update_business_register = vendors.update_business_register

        self.line_item_types = codes.line_item_types
        self.line_item_types_by_company = codes.line_item_types_by_company
        self.put_line_item_type = codes.put_line_item_type
        self.line_item_type = codes.line_item_type
        self.add_line_item_type = codes.add_line_item_type
        self.cost_codes = codes.cost_codes
        self.cost_codes_by_project = codes.cost_codes_by_project
        self.put_cost_code = codes.put_cost_code
        self.cost_code = codes.cost_code
        self.add_cost_code = codes.add_cost_code
        self.create_cost_code = codes.create_cost_code
        self.update_cost_code = codes.update_cost_code

        self.commitments = contracts.commitments
        self.commitments_by_project = contracts.commitments_by_project
        self.put_commitment = contracts.put_commitment
        self.add_commitment = contracts.add_commitment
        self.commitment = contracts.commitment

        self.requisitions = invoices.requisitions
        self.requisitions_by_project = invoices.requisitions_by_project
        self.requisitions_by_commitment = invoices.requisitions_by_commitment
        self.put_requisition = invoices.put_requisition
        self.add_requisition = invoices.add_requisition
        self.requisition = invoices.requisition
        self.update_requisition = invoices.update_requisition

        self.payments = payments.payments
        self.payments_by_commitment = payments.payments_by_commitment
        self.put_payment = payments.put_payment
        self.add_payment = payments.add_payment
        self.payment = payments.payment
        self.update_payment = payments.update_payment

        self.direct_costs = costs.direct_costs
        self.direct_costs_by_project = costs.direct_costs_by_project
        self.put_direct_cost = costs.put_direct_cost
        self.direct_cost = costs.direct_cost
        self.create_direct_cost = costs.create_direct_cost
        self.update_direct_cost = costs.update_direct_cost
        self.delete_direct_cost = costs.delete_direct_cost

    @property
    def version(self) -> int:
        """The mutation counter (a cached list is reused while it stays the same)."""
        return self.core.version

    def clear(self) -> None:
        """Forget every record (listeners stay subscribed; every alias stays valid)."""
        self.core.clear()
        for store in self._stores:
            store.clear()

    def find_origin(self, company_id: int, kind: str, origin_id: str) -> int | None:
        """The id of the ``kind`` record in the company that owns ``origin_id``."""
        return self.core.origins.find(company_id, kind, origin_id)

    def commitment_totals(self, commitment: Commitment) -> tuple[Decimal, Decimal]:
        """(total payments, total requisitions claimed) on a commitment."""
        return self.payment_store.paid(commitment.id), self.invoices.claimed(commitment.id)

    def announce(
        self,
        kind: str,
        record_id: int,
        event_type: str,
        company_id: int,
        project_id: int | None = None,
    ) -> None:
        """Announce a change made behind the API's back (a user editing in Procore's UI).

        ``kind`` is a key of ``RESOURCE_NAMES`` or any webhook resource name ("RFIs").
        """
        self.core.emit(kind, record_id, event_type, company_id, project_id, None)

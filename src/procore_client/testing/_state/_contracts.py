"""Commitments (work order and purchase order contracts) and what hangs off them: subcontractor
invoices (requisitions) and the payments issued. Invoices and payments lock once ERP-synced."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from procore_client.testing._errors import RecordNotFound, ValidationFailed
from procore_client.testing._models import (
    Commitment,
    ContractLineItem,
    ContractPayment,
    Requisition,
)
from procore_client.testing._state._core import Core
from procore_client.testing._state._fields import (
    PAYMENT_FIELDS,
    PO_STATUSES,
    REQUISITION_FIELDS,
    REQUISITION_STATUSES,
    WO_STATUSES,
    parse_money,
    read_fields,
)
from procore_client.testing._state._projects import ProjectStore
from procore_client.testing._state._rules import check_unlocked, find_record, uploads
from procore_client.testing._state._vendors import VendorStore

__all__ = ["CommitmentStore", "PaymentStore", "RequisitionStore"]

_KINDS = {"WorkOrderContract": WO_STATUSES, "PurchaseOrderContract": PO_STATUSES}


class CommitmentStore:
    """Work order and purchase order contracts per project, with their schedule of values;
    the invoice and payment stores subscribe to ``opened`` to index each new commitment."""

    def __init__(self, core: Core, directory: ProjectStore, vendors: VendorStore) -> None:
        self.core = core
        self.directory = directory
        self.vendors = vendors
        self.commitments: dict[int, Commitment] = {}
        self.commitments_by_project: dict[int, dict[int, Commitment]] = {}
        self.opened: list[Callable[[int], object]] = []
        directory.opened_project.append(
            lambda project_id: self.commitments_by_project.setdefault(project_id, {})
        )

    def clear(self) -> None:
        """Forget every commitment."""
        self.commitments.clear()
        self.commitments_by_project.clear()

    def put_commitment(self, commitment: Commitment) -> None:
        """Insert a ready-made work order or purchase order contract."""
        self.directory.claim_origin("commitment", commitment)
        self.commitments[commitment.id] = commitment
        self.commitments_by_project.setdefault(commitment.project_id, {})[commitment.id] = (
            commitment
        )
        for opened in self.opened:
            opened(commitment.id)
        self.core.touch()

    def add_commitment(
        self,
        project_id: int,
        *,
        kind: str = "WorkOrderContract",
        vendor_id: int | None = None,
        title: str = "Subcontract",
        status: str = "Approved",
        amounts: Iterable[Decimal | int | str] = (),
        origin_id: str | None = None,
    ) -> Commitment:
        """Create a commitment with one line item per amount."""
        project = self.directory.project(project_id)
        if kind not in _KINDS:
            raise ValidationFailed({"type": ["is not included in the list"]})
        if status not in _KINDS[kind]:
            raise ValidationFailed({"status": ["is not included in the list"]})
        if vendor_id is not None:
            self.vendors.vendor(project.company_id, vendor_id)
        now = self.core.clock.now()
        commitment_id = self.core.next_id("commitment")
        number = len(self.commitments_by_project.setdefault(project_id, {})) + 1
        commitment = Commitment(
            commitment_id,
            project_id,
            kind,
            f"{'SC' if kind == 'WorkOrderContract' else 'PO'}-{number:03d}",
            title,
            status,
            vendor_id,
            now,
            now,
            executed=status in ("Approved", "Complete"),
            origin_id=origin_id,
        )
        commitment.line_items = [
            ContractLineItem(
                id=self.core.next_id("contract_line_item"),
                commitment_id=commitment_id,
                position=position,
                description=f"Line {position}",
                amount=parse_money(amount, "amount"),
                created_at=now,
                updated_at=now,
            )
            for position, amount in enumerate(amounts, start=1)
        ]
        self.put_commitment(commitment)
        return commitment

    def commitment(
        self, project_id: int, commitment_id: int, kind: str | None = None
    ) -> Commitment:
        """The project's commitment (of ``kind`` when given)."""
        commitment = self.commitments_by_project.get(project_id, {}).get(commitment_id)
        if commitment is None or (kind is not None and commitment.kind != kind):
            raise RecordNotFound(kind or "Commitment", commitment_id)
        return commitment


class RequisitionStore:
    """Subcontractor invoices, numbered per commitment; an ERP-synced one is locked."""

    def __init__(self, core: Core, directory: ProjectStore, contracts: CommitmentStore) -> None:
        self.core = core
        self.directory = directory
        self.contracts = contracts
        self.requisitions: dict[int, Requisition] = {}
        self.requisitions_by_project: dict[int, dict[int, Requisition]] = {}
        self.requisitions_by_commitment: dict[int, list[Requisition]] = {}
        directory.opened_project.append(
            lambda project_id: self.requisitions_by_project.setdefault(project_id, {})
        )
        contracts.opened.append(
            lambda commitment_id: self.requisitions_by_commitment.setdefault(commitment_id, [])
        )

    def clear(self) -> None:
        """Forget every invoice."""
        self.requisitions.clear()
        self.requisitions_by_project.clear()
        self.requisitions_by_commitment.clear()

    def put_requisition(self, requisition: Requisition) -> None:
        """Insert a ready-made requisition (subcontractor invoice)."""
        self.directory.claim_origin("requisition", requisition)
        self.requisitions[requisition.id] = requisition
        self.requisitions_by_project.setdefault(requisition.project_id, {})[requisition.id] = (
            requisition
        )
        self.requisitions_by_commitment.setdefault(requisition.commitment_id, []).append(
            requisition
        )
        self.core.touch()

    def add_requisition(
        self,
        project_id: int,
        commitment_id: int,
        *,
        status: str = "draft",
        total_claimed: Decimal | int | str = 0,
        retainage_released: Decimal | int | str = 0,
        invoice_number: str | None = None,
        origin_id: str | None = None,
    ) -> Requisition:
        """Create the next requisition on a commitment (``retainage_released``: retainage
        held on earlier invoices that this one pays out)."""
        self.contracts.commitment(project_id, commitment_id)
        if status not in REQUISITION_STATUSES:
            raise ValidationFailed({"status": ["is not included in the list"]})
        previous = self.requisitions_by_commitment.get(commitment_id) or []
        now = self.core.clock.now()
        requisition = Requisition(
            self.core.next_id("requisition"),
            project_id,
            commitment_id,
            len(previous) + 1,
            status,
            now,
            now,
            invoice_number=invoice_number,
            total_claimed=parse_money(total_claimed, "total_claimed"),
            retainage_released=parse_money(retainage_released, "retainage_released"),
            previous_requisition_id=previous[-1].id if previous else None,
            origin_id=origin_id,
        )
        self.put_requisition(requisition)
        return requisition

    def requisition(self, project_id: int, requisition_id: int) -> Requisition:
        """The project's requisition ``requisition_id``."""
        return find_record(self.requisitions_by_project, project_id, requisition_id, "Requisition")

    def update_requisition(
        self,
        project_id: int,
        requisition_id: int,
        changes: Mapping[str, Any],
        *,
        attachments: object = None,
        actor: str | None = None,
    ) -> Requisition:
        """Apply a PATCH; once ``origin_id`` is set only origin fields may change (ERP lock).
        Uploads are kept either way (they travel beside the object; a guess for invoices)."""
        requisition = self.requisition(project_id, requisition_id)
        company_id = self.directory.company_of(project_id)
        writable = [key for key in changes if key in REQUISITION_FIELDS]
        check_unlocked(requisition.origin_id, writable, "Subcontractor Invoice")
        parsed, errors = read_fields(changes, REQUISITION_FIELDS)
        if errors:
            raise ValidationFailed(errors)
        files = uploads(attachments)
        if "origin_id" in parsed:
            self.core.origins.move(
                company_id,
                "requisition",
                requisition.origin_id,
                parsed["origin_id"],
                requisition.id,
            )
        for key, value in parsed.items():
            setattr(requisition, key, value)
        self.core.attach(requisition.attachments, files)
        requisition.updated_at = self.core.clock.now()
        self.core.touch()
        self.core.emit("requisition", requisition.id, "update", company_id, project_id, actor)
        return requisition

    def claimed(self, commitment_id: int) -> Decimal:
        """The total claimed by every invoice on the commitment."""
        return sum(
            (r.total_claimed for r in self.requisitions_by_commitment.get(commitment_id, [])),
            Decimal("0.00"),
        )


class PaymentStore:
    """Payments issued on commitments; an ERP-synced payment changes its origin fields and
    attachments only (Procore's documented lock)."""

    def __init__(self, core: Core, directory: ProjectStore, contracts: CommitmentStore) -> None:
        self.core = core
        self.directory = directory
        self.contracts = contracts
        self.payments: dict[int, ContractPayment] = {}
        self.payments_by_commitment: dict[int, dict[int, ContractPayment]] = {}
        contracts.opened.append(
            lambda commitment_id: self.payments_by_commitment.setdefault(commitment_id, {})
        )

    def clear(self) -> None:
        """Forget every payment."""
        self.payments.clear()
        self.payments_by_commitment.clear()

    def put_payment(self, payment: ContractPayment) -> None:
        """Insert a ready-made contract payment (its origin id indexed)."""
        self.directory.claim_origin("contract_payment", payment)
        self.payments[payment.id] = payment
        self.payments_by_commitment.setdefault(payment.commitment_id, {})[payment.id] = payment
        self.core.touch()

    def add_payment(
        self,
        project_id: int,
        commitment_id: int,
        amount: Decimal | int | str,
        *,
        paid_on: date | None = None,
        requisition_id: int | None = None,
    ) -> ContractPayment:
        """Record a payment issued on a commitment."""
        self.contracts.commitment(project_id, commitment_id)
        now = self.core.clock.now()
        existing = self.payments_by_commitment.get(commitment_id, {})
        payment = ContractPayment(
            self.core.next_id("contract_payment"),
            project_id,
            commitment_id,
            paid_on or now.date(),
            parse_money(amount, "amount"),
            now,
            now,
            requisition_id=requisition_id,
            payment_number=len(existing) + 1,
        )
        self.put_payment(payment)
        return payment

    def payment(self, project_id: int, commitment_id: int, payment_id: int) -> ContractPayment:
        """A payment of the commitment."""
        self.contracts.commitment(project_id, commitment_id)
        return find_record(
            self.payments_by_commitment, commitment_id, payment_id, "ContractPayment"
        )

    def update_payment(
        self,
        project_id: int,
        commitment_id: int,
        payment_id: int,
        changes: Mapping[str, Any],
        *,
        attachments: object = None,
        actor: str | None = None,
    ) -> ContractPayment:
        """Apply a PATCH; once ``origin_id`` is set only origin fields (and attachments, which
        travel beside the object) may change (ERP lock)."""
        payment = self.payment(project_id, commitment_id, payment_id)
        writable = [key for key in changes if key in PAYMENT_FIELDS]
        check_unlocked(payment.origin_id, writable, "Contract Payment")
        parsed, errors = read_fields(changes, PAYMENT_FIELDS)
        if errors:
            raise ValidationFailed(errors)
        files = uploads(attachments)
        company_id = self.directory.company_of(project_id)
        if "origin_id" in parsed:
            self.core.origins.move(
                company_id, "contract_payment", payment.origin_id, parsed["origin_id"], payment.id
            )
        for key, value in parsed.items():
            setattr(payment, key, value)
        self.core.attach(payment.attachments, files)
        payment.updated_at = self.core.clock.now()
        self.core.touch()
        self.core.emit("contract_payment", payment.id, "update", company_id, project_id, actor)
        return payment

    def paid(self, commitment_id: int) -> Decimal:
        """The total of the payments issued on the commitment."""
        return sum(
            (p.amount for p in self.payments_by_commitment.get(commitment_id, {}).values()),
            Decimal("0.00"),
        )

"""Procore as a source (subcontractor invoices, direct costs, per active project) and as a
target (company vendors), through the public client only.

The partitions of a Procore source are the active projects the app is permitted on (a DMSA
app lists only those). Reference data a transform reads (vendors, commitments) is listed once
and kept for ``ttl`` seconds, so 50 projects do not list the company's vendors 50 times.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

from mlconnector_http import APIError, APIStatusError, DecodeError, NotFound, Reject
from mlconnector_sync._flow import Match, Rejected, Sink, SourceRecord, Written
from mlconnector_sync._ledger import normalize
from mlconnector_sync.adapters._common import normalized_name, refusal, rejected, rejected_read
from procore_client import (
    ContractPayment,
    DirectCost,
    DirectCostStatus,
    DirectCostType,
    LineItem,
    ProcoreClient,
    Ref,
    Requisition,
    Vendor,
    VendorInput,
)

__all__ = [
    "POSTING_DIRECT_COSTS",
    "ProcoreDirectCostSource",
    "ProcoreDirectory",
    "ProcorePaymentSource",
    "ProcoreProjects",
    "ProcoreRequisitionSource",
    "ProcoreVendorSink",
    "ProcoreWriteBack",
    "direct_cost_snapshot",
    "payment_snapshot",
    "register_of",
    "requisition_snapshot",
]

T = TypeVar("T")

log = logging.getLogger("mlconnector_sync")

POSTING_DIRECT_COSTS = frozenset({DirectCostType.INVOICE, DirectCostType.SUBCONTRACTOR_INVOICE})
"""The direct cost types that are supplier invoices (expenses and payroll are not)."""

_REGISTER_DIGITS = {9: "ein", 11: "abn"}


def register_of(tax_id: str) -> tuple[str, str] | None:
    """A tax id as Procore's business register holds it (``("ein", "123456789")``), or
    ``None`` when it is neither a 9-digit EIN nor an 11-digit ABN."""
    digits = re.sub(r"[\s.-]", "", tax_id or "")
    if not digits.isdigit() or len(digits) not in _REGISTER_DIGITS:
        return None
    return _REGISTER_DIGITS[len(digits)], digits


class _Cached(Generic[T]):
    """A value computed on first use and again once older than ``ttl`` seconds."""

    def __init__(self, compute: Callable[[], T], ttl: float) -> None:
        self._compute = compute
        self._ttl = ttl
        self._value: T | None = None
        self._at = 0.0

    def get(self) -> T:
        if self._value is None or time.monotonic() - self._at > self._ttl:
            self._value, self._at = self._compute(), time.monotonic()
        return self._value

    def current(self) -> T | None:
        """The value if one was computed (however old), without computing it."""
        return self._value


# -- partitions and reference data ----------------------------------------------------------


class ProcoreProjects:
    """The active projects the app is permitted on, by id: ``{"id", "number", "name"}``."""

    def __init__(self, client: ProcoreClient, *, ttl: float = 60.0) -> None:
        self.client = client
        self._projects = _Cached(self._list, ttl)

    @classmethod
    def of(cls, client: ProcoreClient) -> ProcoreProjects:
        """The one instance for ``client``, shared by every flow built on it."""
        found = _PROJECTS.get(client)
        if found is None:
            found = _PROJECTS[client] = cls(client)
        return found

    def _list(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for project in self.client.projects.list(active=True).with_rejects():
            if isinstance(project, Reject):
                continue  # a project nobody can read has no invoices anybody can post
            found[str(project.id)] = {
                "id": project.id,
                "number": project.project_number or str(project.id),
                "name": project.name or project.display_name or "",
            }
        return found

    def ids(self) -> list[str]:
        return sorted(self._projects.get(), key=int)

    def get(self, partition: str) -> dict[str, Any]:
        return self._projects.get().get(partition) or {"id": int(partition), "number": partition}


class ProcoreDirectory:
    """Loaders for ``Flow.tables``: the company's vendors and a project's commitments.

    Vendors (``{vendor id: {"name", "origin_id", "active"}}``) are listed once per ``ttl`` for
    every project; commitments (``{id: {"number", "kind", "status", "origin_id",
    "vendor_id"}}``, both contract kinds) once per project and ``ttl``. ``of(client)`` gives
    the flows built on one client one directory, so they share what it has read.
    """

    def __init__(self, client: ProcoreClient, *, ttl: float = 60.0) -> None:
        self.client = client
        self.ttl = ttl
        self._vendors = _Cached(self._list_vendors, ttl)
        self._commitments: dict[str, _Cached[dict[str, Any]]] = {}

    @classmethod
    def of(cls, client: ProcoreClient) -> ProcoreDirectory:
        """The one instance for ``client``, shared by every flow built on it."""
        found = _DIRECTORIES.get(client)
        if found is None:
            found = _DIRECTORIES[client] = cls(client)
        return found

    def _list_vendors(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for vendor in self.client.vendors.list(page_size=1000).with_rejects():
            if not isinstance(vendor, Reject):
                found[str(vendor.id)] = {
                    "name": vendor.name or "",
                    "origin_id": vendor.origin_id or "",
                    "active": vendor.is_active is not False,
                }
        return found

    def vendors(self, partition: str) -> dict[str, Any]:
        return self._vendors.get()

    def commitments(self, partition: str) -> dict[str, Any]:
        if partition not in self._commitments:
            self._commitments[partition] = _Cached(
                lambda: self._list_commitments(partition), self.ttl
            )
        return self._commitments[partition].get()

    def _list_commitments(self, partition: str) -> dict[str, Any]:
        project = int(partition)
        found: dict[str, Any] = {}
        for kind, listing in (
            ("WorkOrderContract", self.client.work_order_contracts.list(project)),
            ("PurchaseOrderContract", self.client.purchase_order_contracts.list(project)),
        ):
            for contract in listing.with_rejects():
                if isinstance(contract, Reject):
                    continue
                found[str(contract.id)] = {
                    "number": contract.number or str(contract.id),
                    "kind": kind,
                    "status": None if contract.status is None else str(contract.status.value),
                    "origin_id": contract.origin_id or "",
                    "vendor_id": None if contract.vendor is None else contract.vendor.id,
                }
        return found


_PROJECTS: weakref.WeakKeyDictionary[ProcoreClient, ProcoreProjects] = weakref.WeakKeyDictionary()
_DIRECTORIES: weakref.WeakKeyDictionary[ProcoreClient, ProcoreDirectory] = (
    weakref.WeakKeyDictionary()
)


# -- sources --------------------------------------------------------------------------------


def _ref(ref: Ref | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {"id": ref.id, "code": ref.full_code or ref.code, "name": ref.name}


def requisition_snapshot(item: Requisition, project: Mapping[str, Any]) -> dict[str, Any]:
    """A subcontractor invoice with its lines and Procore's own totals, as the transform reads
    it. ``origin_id`` and ``updated_at`` are left out: the write-back of the QAD id must not
    make the invoice look changed."""
    summary = item.summary
    data: dict[str, Any] = normalize(
        {
            "id": item.id,
            "number": item.number,
            "project": dict(project),
            "commitment_id": item.commitment_id,
            "commitment_type": item.commitment_type,
            "vendor_id": item.vendor_id,
            "vendor_name": item.vendor_name,
            "invoice_number": item.invoice_number,
            "status": None if item.status is None else item.status.value,
            "billing_date": item.billing_date,
            "period_end": item.requisition_end,
            "total_claimed": item.total_claimed_amount,
            "summary": None
            if summary is None
            else {
                "total_retainage": summary.total_retainage,
                "current_payment_due": summary.current_payment_due,
                "retainage_released_this_period": summary.retainage_released_this_period,
            },
            "items": [
                {
                    "id": line.id,
                    "position": line.position,
                    "description": line.description_of_work,
                    "cost_code": _ref(line.cost_code),
                    "cost_type": _ref(line.line_item_type),
                    "gross": line.work_completed_this_period,
                    "retained": line.work_completed_retainage_retained_this_period,
                    "released": line.work_completed_retainage_released_this_period,
                }
                for line in item.items
            ],
        }
    )
    return data


def _line(line: LineItem) -> dict[str, Any]:
    return {
        "id": line.id,
        "description": line.description,
        "cost_code": _ref(line.cost_code),
        "cost_type": _ref(line.line_item_type),
        "amount": line.amount if line.amount is not None else line.total_amount,
    }


def direct_cost_snapshot(cost: DirectCost, project: Mapping[str, Any]) -> dict[str, Any]:
    """A direct cost (with its lines when they were read) as the transform reads it."""
    data: dict[str, Any] = normalize(
        {
            "id": cost.id,
            "project": dict(project),
            "type": None if cost.direct_cost_type is None else cost.direct_cost_type.value,
            "status": None if cost.status is None else cost.status.value,
            "invoice_number": cost.invoice_number,
            "description": cost.description,
            "date": cost.direct_cost_date or cost.received_date,
            "vendor_id": cost.vendor_id,
            "vendor_name": cost.vendor_name,
            "grand_total": cost.grand_total,
            "lines": [_line(line) for line in cost.line_items] if cost.line_items else None,
        }
    )
    return data


class _ProjectSource:
    """What both Procore cost sources share: partitions and keys."""

    kind = ""

    def __init__(self, client: ProcoreClient, *, connection: str, projects: ProcoreProjects):
        self.client = client
        self.connection = connection
        self.projects = projects

    def partitions(self) -> Sequence[str]:
        return self.projects.ids()

    def key(self, record_id: str) -> str:
        return f"procore:{self.connection}:{self.kind}:{record_id}"

    def _fetched(
        self,
        partition: str,
        ids: Sequence[str],
        get: Callable[[int, int], Any],
        snapshot: Callable[[Any, Mapping[str, Any]], dict[str, Any]],
    ) -> Iterator[SourceRecord | Rejected]:
        """The named records of one project read one by one (``get(project, id)``); one
        deleted since is skipped, one that does not decode is quarantined."""
        project = self.projects.get(partition)
        for ident in ids:
            try:
                item = get(int(partition), int(ident))
            except NotFound:
                continue
            except DecodeError as error:
                raw = {"id": ident, "project_id": int(partition)}
                yield rejected_read(self.key, ident, raw, error, self.kind.replace("_", " "))
                continue
            yield SourceRecord(
                key=self.key(str(item.id)),
                id=str(item.id),
                payload=snapshot(item, project),
                modified_at=item.updated_at,
            )


class ProcoreRequisitionSource(_ProjectSource):
    """Subcontractor invoices of one project with their lines (one listing, extended view).

    Keys read ``procore:<connection>:requisition:<id>``.
    """

    kind = "requisition"

    def read(self, partition: str, since: dt.datetime | None) -> Iterator[SourceRecord | Rejected]:
        project = self.projects.get(partition)
        listing = self.client.requisitions.list(
            int(partition), modified_since=since, with_items=True
        )
        for item in listing.with_rejects():
            if isinstance(item, Reject):
                yield rejected(self.key, item.record_id, item.raw, item.field, item.reason)
                continue
            yield SourceRecord(
                key=self.key(str(item.id)),
                id=str(item.id),
                payload=requisition_snapshot(item, project),
                modified_at=item.updated_at,
            )

    def fetch(self, partition: str, ids: Sequence[str]) -> Iterator[SourceRecord | Rejected]:
        """The named invoices (with lines) of one project; one deleted since is skipped."""

        def get(project: int, ident: int) -> Requisition:
            return self.client.requisitions.get(project, ident, with_items=True)

        return self._fetched(partition, ids, get, requisition_snapshot)


class ProcoreDirectCostSource(_ProjectSource):
    """Direct costs of one project; an approved invoice (or subcontractor invoice) is read
    again for its lines, anything else is passed on as its header (the transform skips it).

    Keys read ``procore:<connection>:direct_cost:<id>``.
    """

    kind = "direct_cost"

    def read(self, partition: str, since: dt.datetime | None) -> Iterator[SourceRecord | Rejected]:
        project = self.projects.get(partition)
        for item in self.client.direct_costs.list(
            int(partition), modified_since=since
        ).with_rejects():
            if isinstance(item, Reject):
                yield rejected(self.key, item.record_id, item.raw, item.field, item.reason)
                continue
            cost = item
            if item.direct_cost_type in POSTING_DIRECT_COSTS and (
                item.status == DirectCostStatus.APPROVED
            ):
                try:
                    cost = self.client.direct_costs.get(int(partition), item.id)
                except DecodeError as error:
                    raw = {"id": item.id, "project_id": int(partition)}
                    yield rejected_read(self.key, str(item.id), raw, error, "direct cost")
                    continue
            yield SourceRecord(
                key=self.key(str(item.id)),
                id=str(item.id),
                payload=direct_cost_snapshot(cost, project),
                modified_at=item.updated_at,
            )

    def fetch(self, partition: str, ids: Sequence[str]) -> Iterator[SourceRecord | Rejected]:
        """The named direct costs of one project (with lines); one deleted since is skipped."""
        return self._fetched(partition, ids, self.client.direct_costs.get, direct_cost_snapshot)


def payment_snapshot(
    payment: ContractPayment, project: Mapping[str, Any], commitment: Mapping[str, Any]
) -> dict[str, Any]:
    """A contract payment with the commitment it is on, as the transform reads it."""
    data: dict[str, Any] = normalize(
        {
            "id": payment.id,
            "project": dict(project),
            "contract_id": payment.contract_id,
            "commitment": dict(commitment),
            "vendor_id": commitment.get("vendor_id"),
            "requisition_id": payment.requisition_id,
            "amount": payment.amount,
            "date": payment.date,
            "invoice_number": payment.invoice_number,
            "check_number": payment.check_number,
            "payment_number": payment.payment_number,
        }
    )
    return data


class ProcorePaymentSource(_ProjectSource):
    """Contract payments of one project, commitment by commitment (Procore offers no change
    filter on them: every run reads them all, and only changed ones move in the ledger).

    Keys read ``procore:<connection>:payment:<id>``.
    """

    kind = "payment"

    def __init__(
        self,
        client: ProcoreClient,
        *,
        connection: str,
        projects: ProcoreProjects,
        directory: ProcoreDirectory,
    ) -> None:
        super().__init__(client, connection=connection, projects=projects)
        self.directory = directory

    def read(self, partition: str, since: dt.datetime | None) -> Iterator[SourceRecord | Rejected]:
        project = self.projects.get(partition)
        for contract_id, commitment in self.directory.commitments(partition).items():
            listing = self.client.contract_payments.list(int(partition), int(contract_id))
            for item in listing.with_rejects():
                if isinstance(item, Reject):
                    yield rejected(self.key, item.record_id, item.raw, item.field, item.reason)
                    continue
                yield SourceRecord(
                    key=self.key(str(item.id)),
                    id=str(item.id),
                    payload=payment_snapshot(item, project, commitment),
                    modified_at=item.updated_at,
                )


# -- the vendor sink ------------------------------------------------------------------------


class _VendorIndex:
    """Vendors not linked to any QAD supplier yet, by normalised name and by tax id."""

    def __init__(self, vendors: Iterator[Vendor | Reject]) -> None:
        self.names: dict[str, list[int]] = {}
        self.taxes: dict[str, list[int]] = {}
        self.labels: dict[int, str] = {}
        for vendor in vendors:
            if isinstance(vendor, Reject) or vendor.origin_id:
                continue
            self.labels[vendor.id] = vendor.name or ""
            if vendor.name:
                self.names.setdefault(normalized_name(vendor.name), []).append(vendor.id)
            register = vendor.business_register
            if register is not None and register.identifier:
                self.taxes.setdefault(register.identifier, []).append(vendor.id)

    def unlink(self, vendor_id: int) -> None:
        for table in (self.names, self.taxes):
            for ids in table.values():
                if vendor_id in ids:
                    ids.remove(vendor_id)


class ProcoreVendorSink:
    """Company vendors keyed by ``origin_id`` (the QAD supplier code); an unlinked vendor of
    the same normalised name or tax id (business register) is linked, never duplicated, and
    when name and tax id point at different vendors both are returned for a person to choose.

    Unlinked vendors are indexed from one full listing, rebuilt once older than ``index_ttl``
    seconds, so a first sync costs one lookup per record, not two.
    """

    def __init__(self, client: ProcoreClient, *, index_ttl: float = 300.0) -> None:
        self.client = client
        self._index = _Cached(
            lambda: _VendorIndex(iter(self.client.vendors.list(page_size=1000).with_rejects())),
            index_ttl,
        )

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        found = [Match(str(v.id)) for v in self.client.vendors.find_by_reference(reference)]
        if found:
            return found
        index = self._index.get()
        name = normalized_name(str(document.get("name") or ""))
        by_name = set(index.names.get(name, [])) if name else set()
        tax = document.get("tax_id")
        by_tax = (
            set(index.taxes.get(str(tax.get("identifier")), []))
            if isinstance(tax, Mapping)
            else set()
        )
        if len(by_tax) == 1 and by_tax <= by_name:
            by_name = by_tax  # the tax id tells same-named vendors apart
        hows: dict[int, list[str]] = {}
        for vendor_id in sorted(by_name):
            hows.setdefault(vendor_id, []).append("name")
        for vendor_id in sorted(by_tax):
            hows.setdefault(vendor_id, []).append("tax id")
        return [
            Match(str(vendor_id), f"natural key ({' and '.join(how)}): {index.labels[vendor_id]!r}")
            for vendor_id, how in sorted(hows.items())
        ]

    @staticmethod
    def _input(reference: str, document: Mapping[str, Any]) -> VendorInput:
        fields = {k: v for k, v in document.items() if k != "tax_id"}
        return VendorInput(**fields, origin_id=reference)

    def _register(self, vendor: Vendor, document: Mapping[str, Any]) -> None:
        """Give the vendor the document's tax id, unless it carries it already."""
        tax = document.get("tax_id")
        if not isinstance(tax, Mapping):
            return
        kind, identifier = str(tax["type"]), str(tax["identifier"])
        current = vendor.business_register
        if current is None or not current.identifier:
            self.client.vendors.set_business_register(vendor.id, kind, identifier)
        elif current.identifier != identifier:
            self.client.vendors.update_business_register(vendor.id, kind, identifier)

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        try:
            vendor = self.client.vendors.create(self._input(reference, document))
            self._register(vendor, document)
        except APIStatusError as error:
            raise refusal(error) from error
        return Written(str(vendor.id))

    def update(self, target_id: str, reference: str, document: Mapping[str, Any]) -> Written:
        try:
            vendor = self.client.vendors.update(int(target_id), self._input(reference, document))
            self._register(vendor, document)
        except APIStatusError as error:
            raise refusal(error) from error
        index = self._index.current()
        if index is not None:
            index.unlink(vendor.id)
        return Written(str(vendor.id))


# -- marking records as synced --------------------------------------------------------------


class ProcoreWriteBack:
    """A sink that, once its target accepted a write, marks the Procore record as synced:
    ``origin_id`` (the target's id) and ``origin_data`` (what it is), so Procore shows the
    record as exported and locks it, as its own ERP integrations do.

    The document names its Procore record under ``"procore"`` (``{"kind", "project_id",
    "id", "commitment_id"}``; kinds ``requisition``, ``direct_cost`` and ``payment``). The
    write-back is idempotent and never undoes the write it follows: when Procore refuses it,
    the failure is logged with the record and the target id, and it is sent again with the
    record's next write.
    """

    def __init__(self, inner: Sink, client: ProcoreClient, *, label: str) -> None:
        self.inner = inner
        self.client = client
        self.label = label

    def lookup(self, reference: str, document: Mapping[str, Any]) -> Sequence[Match]:
        return self.inner.lookup(reference, document)

    def create(self, reference: str, document: Mapping[str, Any]) -> Written:
        written = self.inner.create(reference, document)
        self.settled(written.target_id, reference, document)
        return written

    def update(self, target_id: str, reference: str, document: Mapping[str, Any]) -> Written:
        written = self.inner.update(target_id, reference, document)
        self.settled(written.target_id, reference, document)
        return written

    def settled(self, target_id: str, reference: str, document: Mapping[str, Any]) -> None:
        """Mark the Procore record as synced to ``target_id`` (also after a write of unknown
        outcome that lookup found had taken effect)."""
        record = document.get("procore")
        if not isinstance(record, Mapping):
            return
        kind, project, ident = record.get("kind"), int(record["project_id"]), int(record["id"])
        data = f"{self.label} {target_id} ({reference})"
        try:
            if kind == "requisition":
                commitment = record.get("commitment_id")
                self.client.requisitions.update(
                    project,
                    ident,
                    origin_id=target_id,
                    origin_data=data,
                    commitment_id=int(commitment) if commitment is not None else None,
                )
            elif kind == "direct_cost":
                self.client.direct_costs.update(
                    project, ident, origin_id=target_id, origin_data=data
                )
            elif kind == "payment":
                contract = int(record["commitment_id"])
                self.client.contract_payments.update(
                    project, contract, ident, origin_id=target_id, origin_data=data
                )
        except APIError as error:
            log.warning(
                "posted %s %s as %s but could not mark it in Procore: %s",
                kind,
                ident,
                target_id,
                error,
            )

"""QAD suppliers -> Procurify vendors: reference data that keeps buyers on valid vendors.

Matched on ``external_id`` (the QAD supplier code), then on the normalised name so a vendor
keyed by hand is linked, not duplicated; a supplier QAD deactivated is deactivated in
Procurify (never deleted).

A limit of Procurify's API: its vendor list shows active vendors only, so a vendor someone
else deactivated in Procurify cannot be found by its ``external_id``; if its QAD supplier is
active, a new vendor is created. Vendors this flow deactivated itself are known from the
ledger and are reactivated in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlconnector_sync._flow import Context, Flow, InvalidRecord, Post, Skip, Verdict
from mlconnector_sync.adapters.procurify import ProcurifyVendorSink
from mlconnector_sync.adapters.qad import QADSupplierSource, code_of
from procurify_client import ProcurifyClient
from qad_client import QADClient

__all__ = ["NAME", "OWNED", "build", "reference", "transform"]

NAME = "qad_suppliers_to_procurify"

_ADDRESS = {
    "address_line_one": "street1",
    "address_line_two": "street2",
    "city": "city",
    "postal_code": "zip",
    "country": "country",
}


OWNED = frozenset({"name", "active", *_ADDRESS})
"""The vendor fields QAD is the source of; an update keeps every other one as Procurify has it."""

reference = code_of
"""The external reference in Procurify is the QAD code itself."""


def transform(supplier: Mapping[str, Any], ctx: Context) -> Verdict:
    """A QAD supplier snapshot as a Procurify vendor document."""
    name = str(supplier.get("name") or "").strip()
    if not name:
        raise InvalidRecord("name", "a supplier needs a name to become a Procurify vendor")
    if len(name) > 255:
        raise InvalidRecord("name", f"{len(name)} characters; Procurify takes at most 255")
    active = bool(supplier.get("is_active", True))
    if not active and ctx.target_id is None:
        return Skip("inactive in QAD and never synced to Procurify")
    document: dict[str, Any] = {"name": name, "active": active}
    for field, source in _ADDRESS.items():
        value = str(supplier.get(source) or "").strip()
        if value:
            document[field] = value
    return Post(document)


def build(qad: QADClient, procurify: ProcurifyClient, *, connection: str, domain: str) -> Flow:
    """The flow over one QAD domain into one Procurify tenant."""
    return Flow(
        name=NAME,
        source=QADSupplierSource(qad, connection=connection, domain=domain),
        sink=ProcurifyVendorSink(procurify, owns=OWNED),
        transform=transform,
        reference=reference,
    )

"""QAD suppliers -> Procore company vendors: one vendor list for the whole company.

A vendor is found by its ``origin_id`` (the QAD supplier code), else by natural key among the
vendors not linked yet: the normalised name and the tax id (Procore keeps it in the vendor's
business register, as an EIN or ABN). One match is linked and updated, none is created, and
an ambiguous match (two vendors of that name, or name and tax id pointing at different
vendors) is held for a person with every candidate named. A supplier QAD deactivated is
deactivated in Procore (never deleted); one never synced and inactive is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlconnector_sync._flow import Context, Flow, InvalidRecord, Post, Skip, Verdict
from mlconnector_sync.adapters.procore import ProcoreVendorSink, register_of
from mlconnector_sync.adapters.qad import QADSupplierSource, code_of
from procore_client import ProcoreClient
from qad_client import QADClient

__all__ = ["NAME", "build", "reference", "transform"]

NAME = "qad_suppliers_to_procore"

reference = code_of
"""The vendor's ``origin_id`` in Procore is the QAD supplier code itself."""


def _text(supplier: Mapping[str, Any], *names: str) -> str:
    return ", ".join(v for n in names if (v := str(supplier.get(n) or "").strip()))


def transform(supplier: Mapping[str, Any], ctx: Context) -> Verdict:
    """A QAD supplier snapshot as a Procore vendor document (``tax_id`` set apart: it goes to
    the business register)."""
    name = str(supplier.get("name") or "").strip()
    if not name:
        raise InvalidRecord("name", "a supplier needs a name to become a Procore vendor")
    if len(name) > 255:
        raise InvalidRecord("name", f"{len(name)} characters; Procore takes at most 255")
    active = bool(supplier.get("is_active", True))
    if not active and ctx.target_id is None:
        return Skip("inactive in QAD and never synced to Procore")
    document: dict[str, Any] = {"name": name, "is_active": active}
    address = _text(supplier, "street1", "street2", "street3")
    if address:
        document["address"] = address
    for field, source in (("city", "city"), ("zip", "zip")):
        value = _text(supplier, source)
        if value:
            document[field] = value
    country = _text(supplier, "country").upper()
    if len(country) == 2 and country.isalpha():
        document["country_code"] = country
    register = register_of(str(supplier.get("tax_id_federal") or ""))
    if register is not None:
        document["tax_id"] = {"type": register[0], "identifier": register[1]}
    return Post(document)


def build(qad: QADClient, procore: ProcoreClient, *, connection: str, domain: str) -> Flow:
    """The flow over one QAD domain into one Procore company's vendors."""
    return Flow(
        name=NAME,
        source=QADSupplierSource(qad, connection=connection, domain=domain),
        sink=ProcoreVendorSink(procore),
        transform=transform,
        reference=reference,
    )

"""The QAD names public evidence settles (api-notes/qad-evidence.md), held in both name tables.

QAD publishes no spec to validate exchanges against, so this is the QAD spec check: every name
the evidence confirms is the one the client and the simulator speak, and no name it
contradicts comes back. A change to either table that drifts from the evidence fails here.
"""

from __future__ import annotations

import pytest

from qad_client import _names as client
from qad_client.testing import _names as sim

# (client table, simulator table, attribute, wire name, evidence tag)
CONFIRMED = [
    (client.SUPPLIER, sim.SUPPLIER, "name", "businessRelationName", "N1"),
    (client.SUPPLIER, sim.SUPPLIER, "address_name", "addressName", "N1"),
    (client.SUPPLIER, sim.SUPPLIER, "street1", "street1", "N1"),
    (client.SUPPLIER, sim.SUPPLIER, "street2", "street2", "N1"),
    (client.SUPPLIER, sim.SUPPLIER, "street3", "street3", "N1"),
    (client.SUPPLIER, sim.SUPPLIER, "zip", "zipCode", "N1"),
    (client.SUPPLIER, sim.SUPPLIER, "tax_id_federal", "federalTax", "N1"),
    (client.SUPPLIER, sim.SUPPLIER, "tax_id_state", "stateTax", "N1"),
    (client.SUPPLIER, sim.SUPPLIER, "code", "supplierCode", "N1"),
    (client.SUPPLIER, sim.SUPPLIER, "is_active", "isActive", "N1"),
    (client.ITEM, sim.ITEM, "status", "itemStatus", "N8"),
    (client.ITEM, sim.ITEM, "code", "itemCode", "N8"),
    (client.ITEM, sim.ITEM, "description2", "description2", "N8"),
    (client.MFG_SUPPLIER, sim.MFG_SUPPLIER, "site", "siteCode", "N1"),
    (client.MFG_SUPPLIER, sim.MFG_SUPPLIER, "daybook_set", "daybookSetCode", "N1"),
]

# Wire names the evidence shows do not exist where they were guessed.
CONTRADICTED = {
    "supplierV2s": {"name", "addressStreet1", "zip", "taxIdFederal", "taxIdState"},
    "items": {"description1", "status", "isActive", "purchaseCost"},
}


@pytest.mark.parametrize(("ours", "theirs", "attribute", "wire", "tag"), CONFIRMED)
def test_confirmed_fields_are_spoken_by_client_and_simulator(
    ours: client.Table, theirs: sim.Names, attribute: str, wire: str, tag: str
) -> None:
    assert ours.wire(attribute) == wire, tag
    assert theirs.wire(attribute) == wire, tag


def test_confirmed_paths_urns_and_browses() -> None:
    for ours, theirs in ((client.SUPPLIER, sim.SUPPLIER), (client.ITEM, sim.ITEM)):
        assert ours.plural == theirs.plural
        assert ours.view_uri == theirs.entity_uri
    assert client.SUPPLIER.plural == "supplierV2s"  # N1
    assert client.SUPPLIER.view_uri == "urn:be:com.qad.base.supplier.ISupplierV2"  # N1
    assert client.ITEM.plural == "items"  # N8, N9
    assert client.ITEM.view_uri == "urn:be:com.qad.base.item.IItem"  # N12
    assert client.MFG_SUPPLIER.view_uri == "urn:be:com.qad.base.supplier.IMfgSupplier"  # N1
    project = "urn:browse:bebrowse:com.qad.erp.financials.projects"  # N10
    assert client.PROJECT.browse_id == sim.PROJECT.browse_id == project
    for table in (client.GL_ACCOUNT, client.COST_CENTRE, client.SUB_ACCOUNT):
        assert table.browse_id.startswith("urn:browse:bebrowse:com.qad.erp.financials.")  # N10
    assert client.PATHS["total_count"] == sim.PATHS["total_count"].lstrip("/")  # N8
    assert client.PATHS["permission_state"] == sim.PATHS["permission_state"].lstrip("/")  # N6
    assert sim.METADATA["fields"] == "entityFields"  # N14
    assert sim.METADATA["field_name"] == "entityFieldCode"
    assert sim.METADATA["tables"] == "entityTables"


def test_contradicted_names_are_gone_from_both_tables() -> None:
    tables = {t.plural: set(t.fields.values()) for t in client.TABLES.values()}
    sim_tables = {x.plural: set(x.fields.values()) for x in (sim.SUPPLIER, sim.ITEM)}
    for plural, gone in CONTRADICTED.items():
        assert not gone & tables[plural], plural
        assert not gone & sim_tables[plural], plural
    every = {w for t in client.TABLES.values() for w in t.fields.values()}
    assert "externalReference" not in every  # N1, N24: the reference rides in customShortN
    assert "TotalRecords" not in client.ENVELOPE.values()  # never seen; totalCount instead

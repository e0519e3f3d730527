"""The reference flows' transforms: pure functions of a snapshot and the context."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlconnector_sync import Hold, InvalidRecord, Post, Skip
from mlconnector_sync.adapters._common import normalized_name
from mlconnector_sync.flows import qad_gl_accounts_to_procurify as accounts
from mlconnector_sync.flows import qad_suppliers_to_procurify as suppliers
from procurify_client import VendorInput


class Ctx:
    def __init__(
        self, target_id: str | None = None, mappings: Mapping[str, Mapping[str, str]] = {}
    ) -> None:
        self.target_id = target_id
        self._mappings = mappings

    def posted_target(self, flow: str, source_key: str) -> str | None:
        return None

    def mapping(self, name: str) -> Mapping[str, str]:
        return self._mappings.get(name, {})

    def table(self, name: str) -> Mapping[str, object]:
        raise KeyError(name)


def test_supplier_becomes_a_vendor_with_its_address() -> None:
    verdict = suppliers.transform(
        {
            "code": "S1",
            "name": " Acme Metals ",
            "street1": "1 Main St",
            "city": "Erie",
            "is_active": True,
        },
        Ctx(),
    )
    assert verdict == Post(
        {"name": "Acme Metals", "active": True, "address_line_one": "1 Main St", "city": "Erie"}
    )
    assert suppliers.reference("qad:qad/10USA:supplier:S1") == "S1"


def test_a_deactivated_supplier_deactivates_its_vendor_and_is_skipped_if_never_synced() -> None:
    snapshot = {"code": "S1", "name": "Acme", "is_active": False}
    assert suppliers.transform(snapshot, Ctx(target_id="12")) == Post(
        {"name": "Acme", "active": False}
    )
    assert isinstance(suppliers.transform(snapshot, Ctx()), Skip)


@given(st.text(max_size=300))
def test_supplier_names_are_checked(name: str) -> None:
    snapshot = {"code": "S1", "name": name, "is_active": True}
    stripped = name.strip()
    if not stripped or len(stripped) > 255:
        with pytest.raises(InvalidRecord) as caught:
            suppliers.transform(snapshot, Ctx())
        assert caught.value.field == "name"
    else:
        verdict = suppliers.transform(snapshot, Ctx())
        assert isinstance(verdict, Post)
        assert verdict.document["name"] == stripped


def test_gl_accounts_map_type_and_overrides_and_hold_a_deactivation() -> None:
    assert accounts.transform(
        {"code": "6000", "description": "Travel", "gl_type": "PL"}, Ctx()
    ) == Post({"code": "6000", "description": "Travel", "account_type": 2})
    overridden = accounts.transform(
        {"code": "6000", "gl_type": "PL"}, Ctx(mappings={"account_types": {"6000": "3"}})
    )
    assert overridden == Post({"code": "6000", "description": "6000", "account_type": 3})
    held = accounts.transform({"code": "6000", "is_active": False}, Ctx(target_id="4"))
    assert isinstance(held, Hold)
    assert "6000" in held.waits_on
    with pytest.raises(InvalidRecord):
        accounts.transform({"code": " "}, Ctx())


@given(st.text(max_size=40))
def test_normalized_names_are_idempotent_and_fold_case_and_suffixes(name: str) -> None:
    once = normalized_name(name)
    assert normalized_name(once) == once
    assert normalized_name(name.upper()) == normalized_name(name.lower()) or not name.isascii()


def test_normalized_names_match_what_a_clerk_would() -> None:
    assert normalized_name("ACME, Inc.") == normalized_name("Acme") == "acme"
    assert normalized_name("Müller  GmbH") == "muller"
    assert normalized_name("Acme Tools") != normalized_name("Acme")


def test_a_reject_without_an_id_gets_the_same_key_in_every_process() -> None:
    import subprocess
    import sys

    code = (
        "from mlconnector_sync.adapters._common import rejected;"
        "print(rejected(lambda i: 'k:' + i, None, {'name': [1, 2]}, 'id', 'missing').key)"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": str(seed), "PATH": ""},
        ).stdout.strip()
        for seed in (1, 2, 3)
    }
    assert len(keys) == 1
    assert keys.pop().startswith("k:unidentified:")


@given(
    st.fixed_dictionaries(
        {"code": st.just("S1"), "name": st.text(min_size=1, max_size=40)},
        optional={
            key: st.one_of(st.none(), st.text(max_size=30))
            for key in ("street1", "street2", "city", "zip", "country", "state", "email")
        },
    ),
    st.sampled_from([None, "7"]),
)
def test_a_supplier_document_holds_only_the_fields_qad_owns(
    supplier: dict[str, object], target: str | None
) -> None:
    """An update keeps every vendor field outside OWNED as Procurify has it, so the transform
    must never put QAD data in one (and every owned field is a vendor field the sink knows)."""
    assert suppliers.OWNED.issubset(field.name for field in attrs.fields(VendorInput))
    try:
        verdict = suppliers.transform(supplier, Ctx(target_id=target))
    except InvalidRecord:
        return
    if isinstance(verdict, Post):
        assert set(verdict.document) <= suppliers.OWNED

"""The cost-code mapping and the subcontractor invoice transform on their own: coding values,
mapping files, holds naming what is missing, and the money check against Procore's summary."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given

from mlconnector_sync import Hold, InvalidRecord, Post, Skip
from mlconnector_sync._config import ConfigError, load_config
from mlconnector_sync._mapping import read_mapping_file
from mlconnector_sync.flows import procore_requisitions_to_qad as requisitions
from mlconnector_sync.flows.procore_coding import Coding, parse_coding

GL = {
    "5100": {"code": "5100", "active": True, "cost_centre": True, "project": False},
    "5200": {"code": "5200", "active": True, "cost_centre": False, "project": True},
    "2150": {"code": "2150", "active": True, "cost_centre": False, "project": False},
    "5900": {"code": "5900", "active": False, "cost_centre": False, "project": False},
}


class Ctx:
    def __init__(self, mappings: Mapping[str, Mapping[str, str]], target: str | None = None):
        self.mappings = mappings
        self._target = target
        self.tables: dict[str, Mapping[str, Any]] = {
            "gl_accounts": GL,
            "cost_centres": {"CC01": True, "CC09": False},
            "projects": {"PRJ0001": True},
            "suppliers": {"SUB0001": {"code": "SUB0001", "active": True, "currency": "USD"}},
            "vendors": {"31": {"name": "Summit", "origin_id": "SUB0001", "active": True}},
            "commitments": {"71": {"number": "SC-001", "origin_id": ""}},
            "receipts": {},
        }

    @property
    def target_id(self) -> str | None:
        return self._target

    def posted_target(self, flow: str, source_key: str) -> str | None:
        return None

    def mapping(self, name: str) -> Mapping[str, str]:
        return self.mappings.get(name, {})

    def table(self, name: str) -> Mapping[str, Any]:
        return self.tables[name]


MAPPINGS = {
    "cost_codes": {"*|S": "5100/CC01", "01-100|M": "5200"},
    "procore_projects": {"P-1001": "PRJ0001"},
    "procore": {"retainage_payable": "2150"},
}


def _item(code: str, kind: str, gross: str, retained: str, released: str = "0.00") -> Any:
    return {
        "id": 1,
        "position": 1,
        "description": "Scope",
        "cost_code": {"id": 9, "code": code, "name": "Division"},
        "cost_type": {"id": 8, "code": kind, "name": "Type"},
        "gross": gross,
        "retained": retained,
        "released": released,
    }


REQUISITION: dict[str, Any] = {
    "id": 7001,
    "number": 2,
    "project": {"id": 1, "number": "P-1001", "name": "Jobsite"},
    "commitment_id": 71,
    "vendor_id": 31,
    "vendor_name": "Summit",
    "invoice_number": "SC-001-02",
    "status": "approved",
    "billing_date": "2026-11-18",
    "total_claimed": "1500.00",
    "summary": {
        "total_retainage": "250.00",
        "current_payment_due": "1450.00",
        "retainage_released_this_period": "100.00",
    },
    "items": [
        _item("03-300", "S", "1000.00", "100.00", "100.00"),
        _item("01-100", "M", "500.00", "50.00"),
    ],
}


def test_an_approved_invoice_posts_gross_lines_retainage_credit_and_release() -> None:
    verdict = requisitions.transform(REQUISITION, Ctx(MAPPINGS))
    assert isinstance(verdict, Post)
    document = verdict.document
    assert document["supplier"] == "SUB0001"
    assert document["currency"] == "USD"
    assert document["invoice_number"] == "P-1001/SC-001-02"  # QAD keys it per supplier
    assert document["total"] == "1600.00"  # gross 1500 + released 100
    assert document["expenses"] == [
        {"gl_account": "5100", "cost_centre": "CC01", "amount": "1000.00",
         "text": "P-1001|03-300|S|work"},
        {"gl_account": "2150", "amount": "100.00", "text": "P-1001|03-300|S|retainage released"},
        {"gl_account": "5200", "project": "PRJ0001", "amount": "500.00",
         "text": "P-1001|01-100|M|work"},
    ]  # fmt: skip
    credit = document["credit_note"]
    assert [line["amount"] for line in credit["expenses"]] == ["100.00", "50.00"]
    assert credit["total"] == "150.00"
    assert document["amounts"] == {
        "gross": "1500.00",
        "retainage": "150.00",
        "released": "100.00",
        "net": "1450.00",
    }


def test_an_unmapped_pair_holds_naming_the_pair() -> None:
    req = copy.deepcopy(REQUISITION)
    req["items"][1] = _item("02-200", "L", "500.00", "50.00")
    verdict = requisitions.transform(req, Ctx(MAPPINGS))
    assert isinstance(verdict, Hold)
    assert "cost code 02-200, cost type L is not mapped" in verdict.reason
    assert "cost_codes mapping for 02-200|L" in verdict.waits_on


@pytest.mark.parametrize(
    ("mapping", "reason"),
    [
        ({"*|S": "5900/CC01"}, "GL account 5900 (cost code 03-300, cost type S) is inactive"),
        ({"*|S": "5800"}, "QAD has no GL account 5800"),
        ({"*|S": "5100"}, "GL account 5100 needs a cost centre and none is mapped"),
        ({"*|S": "5100/CC09"}, "QAD cost centre CC09 (cost code 03-300, cost type S) is inactive"),
    ],
)
def test_coding_qad_lacks_holds_naming_it(mapping: dict[str, str], reason: str) -> None:
    mappings = {**MAPPINGS, "cost_codes": {**MAPPINGS["cost_codes"], **mapping}}
    verdict = requisitions.transform(REQUISITION, Ctx(mappings))
    assert isinstance(verdict, Hold)
    assert reason in verdict.reason


def test_a_vendor_without_a_qad_supplier_and_no_retainage_account_hold_naming_both() -> None:
    ctx = Ctx({**MAPPINGS, "procore": {}})
    ctx.tables["vendors"] = {"31": {"name": "Summit", "origin_id": "", "active": True}}
    verdict = requisitions.transform(REQUISITION, ctx)
    assert isinstance(verdict, Hold)
    assert "Procore vendor 31 (Summit) has no QAD supplier" in verdict.reason
    assert "retainage_payable" in verdict.reason


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("total_claimed",), "1500.01", "items"),
        (("summary", "current_payment_due"), "1450.01", "summary.current_payment_due"),
        (("summary", "retainage_released_this_period"), "0.00", "items"),
    ],
)
def test_amounts_that_disagree_with_procores_summary_are_quarantined(
    path: tuple[str, ...], value: str, field: str
) -> None:
    req = copy.deepcopy(REQUISITION)
    target = req
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(InvalidRecord) as raised:
        requisitions.transform(req, Ctx(MAPPINGS))
    assert raised.value.field == field


def test_statuses_that_do_not_post_are_skipped_until_posted_then_held() -> None:
    req = {**REQUISITION, "status": "under_review"}
    assert isinstance(requisitions.transform(req, Ctx(MAPPINGS)), Skip)
    held = requisitions.transform(req, Ctx(MAPPINGS, target="4411"))
    assert isinstance(held, Hold)
    assert "QAD invoice 4411" in held.waits_on


def test_a_commitment_with_a_qad_po_matches_its_receipts_once_they_cover_the_lines() -> None:
    ctx = Ctx(MAPPINGS)
    ctx.tables["commitments"] = {"71": {"number": "SC-001", "origin_id": "PO1001"}}
    verdict = requisitions.transform(REQUISITION, ctx)
    assert isinstance(verdict, Hold)
    assert "QAD PO PO1001 line 1 has 0 received" in verdict.reason
    ctx.tables["receipts"] = {"PO1001/1": "1500.00"}
    posted = requisitions.transform(REQUISITION, ctx)
    assert isinstance(posted, Post)
    assert posted.document["matches"] == [
        {"po_number": "PO1001", "po_line": 1, "amount": "1000.00"},
        {"po_number": "PO1001", "po_line": 1, "amount": "500.00"},
    ]


codes = st.text(st.characters(whitelist_categories=("Lu", "Nd")), min_size=1, max_size=8)


@given(codes, st.one_of(st.just(""), codes), st.one_of(st.just(""), codes))
def test_coding_values_round_trip(account: str, centre: str, project: str) -> None:
    text = "/".join([account, centre, project]).rstrip("/")
    assert parse_coding(text) == Coding(account, centre, project)


@given(st.text(max_size=20))
def test_a_coding_value_parses_or_names_the_format(text: str) -> None:
    parts = [part.strip() for part in text.split("/")]
    if len(parts) > 3 or not parts[0]:
        with pytest.raises(ValueError, match=r"GL account\[/cost centre\[/project\]\]"):
            parse_coding(text)
    else:
        assert parse_coding(text).gl_account == parts[0]


def test_the_cost_code_mapping_loads_from_toml_and_csv(tmp_path: Path) -> None:
    toml = tmp_path / "cost_codes.toml"
    toml.write_text('"01-100|S" = "6100/CC01"\n"*|L" = "6200//PRJ-7"\n', encoding="utf-8")
    csv = tmp_path / "cost_codes.csv"
    csv.write_text("key,value\n01-100|S,6100/CC01\n*|L,6200//PRJ-7\n", encoding="utf-8")
    assert read_mapping_file(toml) == read_mapping_file(csv)
    assert parse_coding(read_mapping_file(csv)["*|L"]) == Coding("6200", "", "PRJ-7")


def test_write_back_is_a_setting_of_the_procore_invoice_flows_only(tmp_path: Path) -> None:
    base = """
[connections.procore]
system = "procore"
client_id = "app"
company_id = 8800
client_secret_env = "PROCORE_SECRET"
[connections.qad]
system = "qad"
tenant_url = "https://builders.qad.com/clouderp"
domain = "10USA"
entity = "10USACO"
password_env = "QAD_PASSWORD"
"""
    config = tmp_path / "mlconnector.toml"
    config.write_text(
        base
        + '[flows.procore_requisitions_to_qad]\nsource = "procore"\ntarget = "qad"\n'
        + "write_back = false\n"
        + '[flows.qad_suppliers_to_procore]\nsource = "qad"\ntarget = "procore"\n',
        encoding="utf-8",
    )
    loaded = load_config(config)
    assert loaded.flows["procore_requisitions_to_qad"].options == {"write_back": False}
    assert loaded.flows["qad_suppliers_to_procore"].options == {}
    config.write_text(
        base + '[flows.qad_suppliers_to_procore]\nsource = "qad"\ntarget = "procore"\n'
        "write_back = true\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="write_back: only for procore_direct_costs_to_qad"):
        load_config(config)

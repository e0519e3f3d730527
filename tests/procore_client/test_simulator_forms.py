"""Writes as Rails takes them: form-urlencoded bodies with bracketed keys, and numeric or
boolean strings cast where the attribute is an integer or a flag."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.procore_client.test_client_support import (
    CLIENT_ID,
    COMPANY,
    SECRET,
    fake_clock,
    new_sim,
    plain_token,
)

from procore_client.testing import ProcoreSimulator
from procore_client.testing._errors import HttpError
from procore_client.testing._params import rails_form, rails_multipart

_NAMES = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=6)
_VALUES = st.text(max_size=8)
_HASHES = st.dictionaries(_NAMES, _VALUES, min_size=1, max_size=3)
# Rows of one form share their keys: that is what Rack's "a repeated key starts the next
# hash" rule can tell apart (rows with disjoint keys would merge, in Rails too).
_ROWS = st.lists(_NAMES, min_size=1, max_size=3, unique=True).flatmap(
    lambda keys: st.lists(
        st.fixed_dictionaries(dict.fromkeys(keys, _VALUES)), min_size=1, max_size=3
    )
)
_PARAMS = st.dictionaries(
    _NAMES,
    st.one_of(_VALUES, _HASHES, st.lists(_VALUES, min_size=1, max_size=3), _ROWS),
    max_size=4,
)


def _pairs(params: dict[str, Any]) -> list[tuple[str, str]]:
    """How a browser form (or Faraday) spells nested params."""
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        if isinstance(value, dict):
            pairs.extend((f"{name}[{k}]", v) for k, v in value.items())
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    pairs.extend((f"{name}[][{k}]", v) for k, v in item.items())
                else:
                    pairs.append((f"{name}[]", item))
        else:
            pairs.append((name, value))
    return pairs


@settings(max_examples=200)
@given(params=_PARAMS)
def test_a_form_body_parses_to_the_params_it_spells(params: dict[str, Any]) -> None:
    assert rails_form(urlencode(_pairs(params)).encode()) == params


def test_a_repeated_key_in_a_list_of_hashes_starts_the_next_hash() -> None:
    body = b"li[][x]=1&li[][y]=2&li[][x]=3&h[d][Authorization]=B"
    assert rails_form(body) == {
        "li": [{"x": "1", "y": "2"}, {"x": "3"}],
        "h": {"d": {"Authorization": "B"}},
    }
    for bad in (b"a=1&a[b]=2", b"a]=1", b"a[b]=1&a[]=2"):
        with pytest.raises(HttpError):
            rails_form(bad)


@pytest.fixture
def world() -> Iterator[tuple[ProcoreSimulator, httpx.Client, Any]]:
    sim = new_sim(fake_clock())
    summary = sim.seed(
        COMPANY, vendors=2, projects=1, requisitions_per_project=2, cost_codes_per_project=2
    )
    with httpx.Client(transport=sim.transport()) as login:
        bearer = plain_token(login, CLIENT_ID, SECRET, "https://login.procore.com")
    headers = {"Authorization": f"Bearer {bearer}", "Procore-Company-Id": str(COMPANY)}
    with httpx.Client(
        transport=sim.transport(), base_url="https://api.procore.com", headers=headers
    ) as client:
        yield sim, client, summary


def test_a_form_encoded_requisition_patch_is_applied(world: Any) -> None:
    sim, client, summary = world
    pid = summary.project_ids[0]
    rid = next(iter(sim.state.requisitions_by_project[pid]))
    cid = sim.state.requisitions_by_project[pid][rid].commitment_id
    form = {"project_id": pid, "commitment_id": cid, "requisition[origin_id]": "AP-7"}
    answer = client.patch(f"/rest/v1.1/requisitions/{rid}", data=form)
    assert answer.status_code == 200, answer.text
    assert answer.json()["origin_id"] == "AP-7"
    assert sim.state.requisitions_by_project[pid][rid].origin_id == "AP-7"


def test_a_form_encoded_direct_cost_with_numeric_strings_is_created(world: Any) -> None:
    sim, client, summary = world
    pid = summary.project_ids[0]
    vendor = next(iter(sim.state.vendors_by_company[COMPANY]))
    code = next(iter(sim.state.cost_codes_by_project[pid]))
    form = [
        ("direct_cost[vendor_id]", str(vendor)),
        ("direct_cost[direct_cost_type]", "expense"),
        ("direct_cost[line_items][][wbs_code_id]", str(code)),
        ("direct_cost[line_items][][amount]", "12.50"),
        ("direct_cost[line_items][][wbs_code_id]", str(code)),
        ("direct_cost[line_items][][quantity]", "2"),
        ("direct_cost[line_items][][unit_cost]", "3"),
    ]
    answer = client.post(
        f"/rest/v1.1/projects/{pid}/direct_costs",
        content=urlencode(form),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["vendor"]["id"] == vendor
    assert [line["amount"] for line in answer.json()["line_items"]] == ["12.50", "6.00"]


def test_integer_and_boolean_strings_are_cast_and_nonsense_is_refused(world: Any) -> None:
    sim, client, _ = world
    parent = next(iter(sim.state.vendors_by_company[COMPANY]))
    body = {
        "company_id": str(COMPANY),
        "vendor": {"name": "Cast Co", "is_active": "false", "prequalified": "1"},
    }
    body["vendor"]["parent_id"] = str(parent)
    created = client.post("/rest/v1.0/vendors", json=body)
    assert created.status_code == 201, created.text
    record = created.json()
    assert (record["is_active"], record["prequalified"], record["parent_id"]) == (
        False,
        True,
        parent,
    )
    wrong = client.post(
        "/rest/v1.0/vendors",
        json={
            "company_id": COMPANY,
            "vendor": {"name": "X", "is_active": "maybe", "parent_id": "1x"},
        },
    )
    assert wrong.status_code == 422
    assert set(wrong.json()["errors"]) == {"is_active", "parent_id"}


def test_a_multipart_requisition_patch_with_attachments_is_applied(world: Any) -> None:
    sim, client, summary = world
    pid = summary.project_ids[0]
    rid = next(iter(sim.state.requisitions_by_project[pid]))
    cid = sim.state.requisitions_by_project[pid][rid].commitment_id
    answer = client.patch(
        f"/rest/v1.0/requisitions/{rid}",
        data={"project_id": str(pid), "commitment_id": str(cid), "requisition[origin_id]": "AP-9"},
        files=[
            ("attachments[]", ("invoice.pdf", b"%PDF-1.4 one", "application/pdf")),
            ("attachments[]", ("lien.pdf", b"%PDF-1.4 two!", "application/pdf")),
        ],
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["origin_id"] == "AP-9"


def test_a_multipart_body_parses_fields_and_describes_each_file() -> None:
    request = httpx.Request(
        "POST",
        "https://api.procore.com/x",
        data={"project_id": "5", "requisition[final]": "true"},
        files=[("attachments[]", ("a.pdf", b"12345", "application/pdf"))],
    )
    body = request.read()
    assert rails_multipart(request.headers["content-type"], body) == {
        "project_id": "5",
        "requisition": {"final": "true"},
        "attachments": [{"filename": "a.pdf", "content_type": "application/pdf", "size": 5}],
    }
    with pytest.raises(HttpError):
        rails_multipart("multipart/form-data; boundary=x", b"not a multipart body")

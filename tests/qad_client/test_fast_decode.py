"""A browse row read as it is (``browse_rows``) gives exactly what the long way gives.

The long way is ``from_row``: strip the prefix, drop nulls, assemble a split stamp, then the
converter (fast, and the detailed one for a field path). Real rows come from the QAD
simulator's browses; each test changes one thing in one (a value to junk, a key dropped, an
unprefixed twin, a null, a split stamp, lines) and compares the model or the reject.
"""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlconnector_http import DECODE_FAILURES, DecodeError, Reject
from qad_client import _names as n
from qad_client._convert import _DECODER, _MODELS, _READERS, _clean, browse_rows, from_row
from qad_client._models import (
    CostCentre,
    GLAccount,
    Item,
    Project,
    PurchaseOrder,
    SubAccount,
    Supplier,
)
from qad_client.testing import QADSimulator

TENANT, USER, PASSWORD = "fast", "fast-user", "fast-password"
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**65), max_value=2**65),
    st.floats(),
    st.text(max_size=4),
    st.sampled_from(
        ["", "1.5", "true", "2026-01-02", "2026-01-02T03:04:05Z", "x y", {"id": 1}, [1], []]
    ),
)


def _browse_rows() -> dict[type, list[Any]]:
    sim = QADSimulator()
    url = sim.add_tenant(TENANT)
    sim.add_user(TENANT, USER, PASSWORD)
    sim.seed(
        TENANT,
        suppliers=4,
        items=4,
        gl_accounts=4,
        cost_centres=3,
        sub_accounts=3,
        projects=3,
        purchase_orders=4,
        lines_per_order=2,
    )
    with httpx.Client(transport=sim.transport(), base_url=url + "/") as http:
        control = http.get(n.PATHS["security_control"], auth=(USER, PASSWORD)).json()
        form = {
            "grant_type": "password",
            "client_id": control["data"]["securityControls"][0]["clientId"],
            "username": USER,
            "password": PASSWORD,
        }
        token = http.post(n.PATHS["token"], data=form).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", n.HEADERS["workspace"]: "10USA_10USACO"}
        out: dict[type, list[Any]] = {}
        for model in (Supplier, Item, GLAccount, CostCentre, SubAccount, Project, PurchaseOrder):
            params = {
                "browseId": _MODELS[model].browse_id,
                "page": 1,
                "pageSize": 100,
                "pageAction": "first",
            }
            answer = http.get(n.PATHS["browses"], params=params, headers=headers)
            answer.raise_for_status()
            out[model] = answer.json()["data"]
    return out


ROWS = _browse_rows()
MODELS = sorted(ROWS, key=lambda cls: cls.__name__)


def _fast(row: Any, cls: type) -> tuple[str, Any]:
    [entry] = browse_rows([row], cls, record=lambda i: f"row {i}", identify=lambda _: None)
    if isinstance(entry, Reject):
        return "refused", (entry.field, entry.reason)
    return "ok", entry


def _long(row: Any, cls: type) -> tuple[str, Any]:
    try:
        return "ok", from_row(row, cls, record="row 0")
    except DecodeError as error:
        fields = error.fields or (("", "; ".join(error.problems)),)
        field, reason = fields[0]
        if len(fields) > 1:
            others = "; ".join(f"{path or '(record)'}: {why}" for path, why in fields[1:])
            reason = f"{reason} (also {others})"
        return "refused", (field, reason)


def _changed(data: st.DataObject, cls: type, row: dict[str, Any], junk: Any) -> dict[str, Any]:
    table = _MODELS[cls]
    prefix = table.row_object + "."
    keys = sorted(row)
    copy = dict(row)
    how = data.draw(st.sampled_from(["value", "drop", "twin", "stamp", "lines", "outsider"]))
    key = data.draw(st.sampled_from(keys))
    if how == "value":
        copy[key] = junk
    elif how == "drop":
        del copy[key]
    elif how == "twin":  # the same field without its prefix, after or instead of it
        copy[key.removeprefix(prefix)] = junk
        if data.draw(st.booleans()):
            del copy[key]
    elif how == "stamp":  # Financials' split stamp, with or without the whole one
        copy[prefix + n.AUDIT["date"]] = data.draw(st.sampled_from(["2026-03-04", "", junk]))
        copy[prefix + n.AUDIT["time"]] = data.draw(st.sampled_from([61, "3600", junk]))
        if data.draw(st.booleans()):
            copy[prefix + n.META["modified_at"]] = data.draw(st.sampled_from([None, junk]))
    elif how == "lines" and table.children:
        copy[prefix + table.wire(next(iter(table.children)))] = [junk]
    else:
        copy[data.draw(st.sampled_from(["other.x", "x", prefix + "unknown"]))] = junk
    return copy


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), junk=JUNK)
def test_read_as_it_is_or_the_long_way_the_answer_is_the_same(
    data: st.DataObject, junk: Any
) -> None:
    cls = data.draw(st.sampled_from(MODELS))
    row = _changed(data, cls, data.draw(st.sampled_from(ROWS[cls])), junk)
    assert _fast(row, cls) == _long(row, cls), row


@given(row=st.one_of(st.none(), st.integers(), st.text(max_size=3), st.lists(st.integers())))
def test_a_row_that_is_no_object_is_refused_as_before(row: Any) -> None:
    assert _fast(row, Supplier) == _long(row, Supplier)
    assert _fast(row, Supplier)[0] == "refused"


def _outcome(converter: Any, data: Any, cls: type) -> tuple[str, Any]:
    try:
        return "ok", converter.structure(data, cls)
    except DECODE_FAILURES:
        return "refused", None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), junk=JUNK)
def test_fast_and_detailed_converters_agree_on_cleaned_rows_with_one_junk_field(
    data: st.DataObject, junk: Any
) -> None:
    cls = data.draw(st.sampled_from(MODELS))
    table = _MODELS[cls]
    prefix = table.row_object + "."
    row = data.draw(st.sampled_from(ROWS[cls]))
    clean = _clean(table, {key.removeprefix(prefix): value for key, value in row.items()})
    clean[data.draw(st.sampled_from(sorted(clean)))] = junk
    fast = _outcome(_DECODER.fast, clean, cls)
    detailed = _outcome(_DECODER.detailed, clean, cls)
    assert fast == detailed, (clean, fast, detailed)


def test_every_real_row_is_read_as_it_is() -> None:
    for cls in MODELS:
        assert ROWS[cls], cls
        for row in ROWS[cls]:
            assert _fast(row, cls) == _long(row, cls)
            reader = _READERS[cls]
            assert reader is not None
            assert reader.check(tuple(row)) == "", (cls, row)
            assert reader.structure(row, cls) == from_row(row, cls, record="row")


def test_a_blank_optional_date_reads_as_none_both_ways() -> None:
    """QAD writes ABL's unknown value as ``""``: an optional date is then ``None``, not a
    refused row (a required one, or a date that is junk, is still refused)."""
    table = _MODELS[PurchaseOrder]
    prefix = table.row_object + "."
    row = dict(ROWS[PurchaseOrder][0])
    row[prefix + table.wire("due_date")] = ""
    for read in (_fast, _long):
        outcome, order = read(row, PurchaseOrder)
        assert outcome == "ok"
        assert order.due_date is None
    row[prefix + table.wire("due_date")] = "soon"
    assert _fast(row, PurchaseOrder)[0] == _long(row, PurchaseOrder)[0] == "refused"

"""QAD's envelopes on the wire: generated submitResult replies, browse pages, bad bodies (respx)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from mlconnector_http import Conflict, RetryPolicy, ServerError, ValidationError
from qad_client import (
    Filter,
    InvoiceStatus,
    NewSupplier,
    OrderStatus,
    PurchaseOrder,
    QADClient,
    QADConfigurationError,
    QADConflict,
    QADDecodeError,
    QADDuplicate,
    QADPermissionDenied,
    QADServerError,
    QADStatusError,
    QADValidationError,
    Supplier,
    Workspace,
)
from qad_client import _names as n
from qad_client import _operations as ops
from qad_client._convert import encode_value, from_row

BASE = "https://acme.qad.com/clouderp/"
WS = Workspace("10USA", "10USACO")
SUPPLIER_ROW = {
    "supplierCode": "S1",
    "businessRelationName": "Acme",
    "isActive": True,
    "concurrencyHash": "h1",
}

severities = st.sampled_from([0, 1, 2, 3, None])
words = st.text(st.characters(codec="ascii", categories=["L", "N", "Zs"]), max_size=20)
messages = st.one_of(
    words,
    words.map(lambda w: f"Record has been changed by another user. {w}"),
    words.map(lambda w: f"Supplier {w} already exists."),
)


@st.composite
def entries(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {"message": draw(messages), "fieldName": draw(words)}
    if draw(st.booleans()):
        entry["code"] = draw(st.sampled_from(["47", "403", "QAD-1008", 4001]))
    if draw(st.booleans()):
        entry["fieldValue"] = draw(words)
    severity = draw(severities)
    if severity is not None:
        entry["severity"] = severity
    return entry


def _reply(body: Any) -> httpx.Response:
    request = httpx.Request("POST", BASE + "api/erp/supplierV2s")
    return httpx.Response(200, json=body, request=request, headers={"x-request-id": "rq-1"})


def _write_op() -> Any:
    record = {"supplierCode": "S1", "name": "Acme"}
    return ops.write(WS, n.SUPPLIER, Supplier, record, operation="C")


@settings(deadline=None)
@given(
    success=st.sampled_from([True, False, "true", "false"]),
    severity=st.integers(0, 3),
    found=st.lists(entries(), max_size=5),
)
def test_generated_write_replies_are_classified(
    success: bool | str, severity: int, found: list[dict[str, Any]]
) -> None:
    body = {
        "supplierV2s": [SUPPLIER_ROW],
        "submitResult": {"success": success, "errorSeverity": severity, "errors": found},
    }
    ok = success in (True, "true")
    expected = [(str(e["fieldName"]), str(e["message"])) for e in found]
    if ok:
        result = _write_op().parse(_reply(body))
        assert result.record.code == "S1"
        assert result.record.concurrency_hash == "h1"
        assert [(w.field, w.message) for w in result.warnings] == expected
        return
    with pytest.raises(QADStatusError) as caught:
        _write_op().parse(_reply(body))
    error = caught.value
    text = " ".join(e["message"] for e in found).lower()
    if "changed by another user" in text:
        assert type(error) is QADConflict
        assert isinstance(error, Conflict)
    elif "already exists" in text:
        assert type(error) is QADDuplicate
        assert isinstance(error, Conflict)
    else:
        assert type(error) is QADValidationError
        assert isinstance(error, ValidationError)
    assert [(e.field, e.message) for e in error.errors] == expected
    assert [e.code for e in error.errors] == [
        str(e["code"]) if "code" in e else None for e in found
    ]
    assert [e.value for e in error.errors] == [e.get("fieldValue") for e in found]
    assert error.status_code == 200
    assert error.request_id == "rq-1"
    assert error.path == "/clouderp/api/erp/supplierV2s"
    for field, message in expected:
        assert message in str(error)
        if field:
            assert field in str(error)


@pytest.mark.parametrize(
    "body",
    [
        {"supplierV2s": [SUPPLIER_ROW]},
        {"supplierV2s": [], "submitResult": {"success": True, "errors": []}},
        {"submitResult": {"success": True, "errors": "nope"}},
        ["not", "an", "object"],
    ],
)
def test_a_write_reply_that_breaks_the_envelope_is_a_value_error(body: Any) -> None:
    with pytest.raises(ValueError, match=r"submitResult|echo"):
        _write_op().parse(_reply(body))


def _client(**changes: Any) -> QADClient:
    options: dict[str, Any] = {
        "tenant_url": BASE,
        "domain": "10USA",
        "entity": "10USACO",
        "token": "static-token",
        "retry": RetryPolicy.for_testing(),
    }
    options.update(changes)
    return QADClient(**options)


@respx.mock(assert_all_called=True)
def test_create_sends_the_qad_envelope(respx_mock: respx.MockRouter) -> None:
    reply = {"supplierV2s": [SUPPLIER_ROW], "submitResult": {"success": True, "errors": []}}
    route = respx_mock.post(BASE + "api/erp/supplierV2s").respond(200, json=reply)
    result = _client().suppliers.create(
        NewSupplier(code="S1", name="Acme", currency="USD", external_reference="procurify:77")
    )
    assert result.record.code == "S1"
    sent = route.calls.last.request
    assert sent.url.params["viewUri"] == n.SUPPLIER.view_uri
    assert "domainCode" not in sent.url.params  # suppliers follow the domain's shared set
    assert sent.headers["x-qad-workspace-id"] == "10USA_10USACO"
    assert sent.headers["authorization"] == "Bearer static-token"
    body = json.loads(sent.content)
    assert body["supplementaryMessages"] == []
    record = body["supplierV2s"][0]
    assert record["dataOperation"] == "C"
    assert record["concurrencyHash"] == ""
    assert record["customShort0"] == "procurify:77"
    assert record["isActive"] is True
    assert (record["businessRelationName"], record["addressName"]) == ("Acme", "Acme")
    assert "name" not in record
    assert "sharedSetCode" not in record


@respx.mock
def test_a_refused_write_is_a_validation_error_with_fields(respx_mock: respx.MockRouter) -> None:
    refused = {
        "supplierV2s": [SUPPLIER_ROW],
        "submitResult": {
            "success": False,
            "errorSeverity": 3,
            "errors": [
                {
                    "fieldName": "currencyCode",
                    "message": "Currency XXX does not exist.",
                    "code": "Q1",
                }
            ],
        },
    }
    respx_mock.post(BASE + "api/erp/supplierV2s").respond(200, json=refused)
    with pytest.raises(QADValidationError) as caught:
        _client().suppliers.create(NewSupplier(code="S1", name="Acme", currency="XXX"))
    assert caught.value.errors[0].field == "currencyCode"
    assert caught.value.errors[0].code == "Q1"
    assert "currencyCode: Currency XXX does not exist." in str(caught.value)


@respx.mock
def test_error_field_names_match_the_payload_regardless_of_case(
    respx_mock: respx.MockRouter,
) -> None:
    refused = {
        "supplierV2s": [SUPPLIER_ROW],
        "submitResult": {
            "success": False,
            "errorSeverity": 3,
            "errors": [
                {"FieldName": "AddressName", "Message": "Too long.", "Code": 47},
                {"fieldName": "CreditTermsCode", "message": "Unknown.", "code": "12"},
                {"fieldName": "NotAField", "message": "Odd.", "code": "1"},
            ],
        },
    }
    respx_mock.post(BASE + "api/erp/supplierV2s").respond(200, json=refused)
    with pytest.raises(QADValidationError) as caught:
        _client().suppliers.create(NewSupplier(code="S1", name="Acme", currency="USD"))
    found = [(e.field, e.message, e.code) for e in caught.value.errors]
    assert found == [
        ("addressName", "Too long.", "47"),
        ("creditTermsCode", "Unknown.", "12"),
        ("NotAField", "Odd.", "1"),
    ]


@respx.mock
def test_the_bare_error_envelope_parses_like_a_submit_result(
    respx_mock: respx.MockRouter,
) -> None:
    denied = {
        "errors": [{"severity": 1, "code": "403", "message": "Access is denied", "fieldName": ""}]
    }
    respx_mock.post(BASE + "api/erp/supplierV2s").respond(403, json=denied)
    with pytest.raises(QADPermissionDenied) as caught:
        _client().suppliers.create(NewSupplier(code="S1", name="Acme", currency="USD"))
    assert caught.value.message == "Access is denied"
    assert [(e.field, e.code) for e in caught.value.errors] == [("", "403")]
    respx_mock.post(BASE + "api/erp/supplierV2s").respond(200, json=denied)
    with pytest.raises(QADValidationError) as refused:
        _client().suppliers.create(NewSupplier(code="S1", name="Acme", currency="USD"))
    assert refused.value.errors[0].message == "Access is denied"


@respx.mock
def test_html_503_is_retried_and_truncated_json_is_a_server_error(
    respx_mock: respx.MockRouter,
) -> None:
    page = b"<html><body>down</body></html>"
    empty = {"data": {"supplierV2s": [SUPPLIER_ROW]}}
    route = respx_mock.get(BASE + "api/erp/supplierV2s").mock(
        side_effect=[
            httpx.Response(503, content=page, headers={"content-type": "text/html"}),
            httpx.Response(200, json=empty),
            httpx.Response(200, content=b'{"data": {"supplierV2s": [', headers={}),
        ]
    )
    assert _client().suppliers.get("S1").name == "Acme"
    assert route.call_count == 2
    with pytest.raises(QADServerError) as caught:
        _client(retry=None).suppliers.get("S1")
    assert isinstance(caught.value, ServerError)


@respx.mock
def test_browse_pages_follow_page_plus_one(respx_mock: respx.MockRouter) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        rows = [
            {"supplierV2.supplierCode": f"S{number}{i}", "supplierV2.isActive": "true"}
            for i in range(2)
        ]
        more = "true" if number < 3 else "false"
        return httpx.Response(200, json={"data": rows, "auxillaryData": {"HasMoreParams": more}})

    route = respx_mock.get(BASE + "api/qracore/browses").mock(side_effect=page)
    since = dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    found = list(
        _client().suppliers.list(
            active=True, modified_since=since, filters=[Filter("name", "sw", "Ac")], page_size=2
        )
    )
    assert [s.code for s in found] == ["S10", "S11", "S20", "S21", "S30", "S31"]
    urls = [call.request.url for call in route.calls]
    assert [u.params["page"] for u in urls] == ["1", "2", "3"]
    assert [u.params["pageAction"] for u in urls] == ["first", "next", "next"]
    assert len({u.params["callId"] for u in urls}) == 1
    for url in urls:
        assert url.params["browseId"] == "urn:browse:bebrowse:com.qad.erp.base.supplierV2s"
        assert url.params["pageSize"] == "2"
        assert url.params.get_list("filter") == [
            "supplierV2.businessRelationName,sw,Ac,literal",
            "supplierV2.isActive,eq,true,literal",
            "supplierV2.lastModifiedDateTime,ge,2026-03-01T10:30:00.000Z,literal",
        ]


@respx.mock
def test_a_browse_claiming_more_rows_without_any_stops(respx_mock: respx.MockRouter) -> None:
    body = {"data": [], "auxillaryData": {"HasMoreParams": "true"}}
    route = respx_mock.get(BASE + "api/qracore/browses").respond(200, json=body)
    assert list(_client().suppliers.list()) == []
    assert route.call_count == 1


@respx.mock
def test_a_row_that_does_not_fit_names_the_row(respx_mock: respx.MockRouter) -> None:
    rows = [
        {"supplierV2.supplierCode": "S1"},
        {"supplierV2.supplierCode": "S2", "supplierV2.isActive": "maybe"},
    ]
    respx_mock.get(BASE + "api/qracore/browses").respond(200, json={"data": rows})
    with pytest.raises(QADDecodeError, match=r"supplierV2s page 1 row 1") as caught:
        list(_client().suppliers.list())
    assert "is_active" in str(caught.value)


def test_filters_are_checked_before_anything_is_sent() -> None:
    client = _client()
    with pytest.raises(QADConfigurationError, match="cannot be filtered on 'colour'"):
        client.suppliers.list(filters=[Filter("colour", "eq", "red")])
    with pytest.raises(QADConfigurationError, match="cannot contain ','"):
        client.suppliers.list(filters=[Filter("name", "cn", "Smith, Jones")])
    with pytest.raises(QADConfigurationError, match="needs to="):
        client.suppliers.list(filters=[Filter("code", "rg", "A")])
    with pytest.raises(QADConfigurationError, match="page_size"):
        client.suppliers.list(page_size=100_001)
    with pytest.raises(QADConfigurationError, match="modified_since got a naive datetime"):
        client.suppliers.list(modified_since=dt.datetime(2026, 1, 1))


def test_range_filter_text() -> None:
    op = ops.browse(
        n.PURCHASE_ORDER, object, [Filter("order_date", "rg", "2026-01-01", "2026-01-31")]
    )
    assert (
        "filter",
        "purchaseOrder.orderDate,rg,2026-01-01,literal,2026-01-31,literal",
    ) in op.params


def test_amounts_are_sent_as_plain_decimal_strings() -> None:
    assert encode_value(Decimal("1E+3")) == "1000"
    assert encode_value(Decimal("0.10")) == "0.10"
    assert encode_value(dt.date(2026, 2, 3)) == "2026-02-03"


def test_unknown_status_values_are_kept_not_fatal() -> None:
    row = {"purchaseOrder.purchaseOrderNumber": "P1", "purchaseOrder.orderStatus": "Z"}
    order = from_row(row, PurchaseOrder, record="po P1")
    assert order.status == "Z"
    assert isinstance(order.status, OrderStatus)
    assert not order.status.is_known
    assert InvoiceStatus("HOLD") is InvoiceStatus.HOLD


@respx.mock
def test_items_live_at_items_and_are_active_by_item_status(respx_mock: respx.MockRouter) -> None:
    rows = [
        {"item.itemCode": "I1", "item.description": "Bolt", "item.itemStatus": "ACTIVE"},
        {"item.itemCode": "I2", "item.description": "Nut", "item.itemStatus": "OBSOLETE"},
    ]
    route = respx_mock.get(BASE + "api/qracore/browses").respond(200, json={"data": rows})
    client = _client()
    found = list(client.items.list(active=True))
    assert [(i.code, i.description, i.is_active) for i in found] == [
        ("I1", "Bolt", True),
        ("I2", "Nut", False),
    ]
    sent = route.calls.last.request.url.params
    assert sent["browseId"] == "urn:browse:bebrowse:com.qad.erp.base.items"
    assert sent.get_list("filter") == ["item.itemStatus,eq,ACTIVE,literal"]
    with pytest.raises(QADConfigurationError, match="isActive"):
        client.items.list(active=False)
    assert n.ITEM.path == "api/erp/items"
    assert not {"isActive", "purchaseCost", "description1"} & set(n.ITEM.fields.values())


@pytest.mark.parametrize(
    "entry",
    [
        {"message": "Supplier invoice INV-1 already exists.", "fieldName": "x"},
        {"message": "Check CInvoiceForDuplicateReference failed.", "fieldName": "x"},
        {"message": "Duplicate key.", "code": "RECORD_ALREADY_EXIST", "fieldName": "x"},
    ],
)
def test_a_duplicate_reference_is_the_duplicate_error(entry: dict[str, Any]) -> None:
    body = {"submitResult": {"success": False, "errorSeverity": 3, "errors": [entry]}}
    with pytest.raises(QADDuplicate):
        _write_op().parse(_reply(body))


def test_a_reference_longer_than_twenty_characters_is_refused_before_sending() -> None:
    client = _client()
    new = NewSupplier(code="S1", name="Acme", currency="USD", external_reference="R" * 21)
    with pytest.raises(QADConfigurationError, match="customShort0 holds 20"):
        client.suppliers.create(new)
    with pytest.raises(QADConfigurationError, match="holds 20"):
        client.suppliers.find_by_reference("R" * 21)
    assert n.SUPPLIER.wire("external_reference") == "customShort0"
    assert "externalReference" not in {w for t in n.TABLES.values() for w in t.fields.values()}


@respx.mock
def test_a_tenant_chooses_the_free_field_of_each_documents_reference(
    respx_mock: respx.MockRouter,
) -> None:
    client = _client(reference_fields={"suppliers": "customShort7"})
    row = {**SUPPLIER_ROW, "customShort7": "procurify:77", "customShort0": "theirs"}
    reply = {"supplierV2s": [row], "submitResult": {"success": True, "errors": []}}
    route = respx_mock.post(BASE + "api/erp/supplierV2s").respond(200, json=reply)
    made = client.suppliers.create(
        NewSupplier(code="S1", name="Acme", currency="USD", external_reference="procurify:77")
    )
    sent = json.loads(route.calls.last.request.content)["supplierV2s"][0]
    assert (sent["customShort7"], "customShort0" in sent) == ("procurify:77", False)
    assert made.record.external_reference == "procurify:77"
    prefixed = {f"supplierV2.{k}": v for k, v in row.items()}
    browse = respx_mock.get(BASE + "api/qracore/browses").respond(200, json={"data": [prefixed]})
    (found,) = client.suppliers.find_by_reference("procurify:77")
    assert found.external_reference == "procurify:77"
    assert browse.calls.last.request.url.params.get_list("filter") == [
        "supplierV2.customShort7,eq,procurify:77,literal"
    ]
    listed = next(iter(client.suppliers.list()))
    assert listed.external_reference == "procurify:77"
    assert client.for_domain("11CAN", "11CANCO").workspace.reference_fields == (
        ("supplierV2s", "customShort7"),
    )
    plain = next(iter(_client().suppliers.list()))
    assert plain.external_reference == "theirs"  # the default field, customShort0


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ({"items": "customShort1"}, "carries no external reference"),
        ({"suppliers": "customShort20"}, "customShort0..customShort19"),
        ({"suppliers": "externalReference"}, "customShort0..customShort19"),
    ],
)
def test_reference_fields_are_checked_at_construction(chosen: dict[str, str], message: str) -> None:
    with pytest.raises(QADConfigurationError, match=message):
        _client(reference_fields=chosen)

"""QXtend XML: built element by element, parsed without DTDs or entities, bounded, read strictly."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qad_client import (
    QADAuthError,
    QADConfigurationError,
    QADDuplicate,
    QADServerError,
    QADValidationError,
    QXtendConnection,
    UnsafeXML,
)
from qad_client.qxtend import _names as x
from qad_client.qxtend import _xml
from qad_client.qxtend._envelope import build_envelope, parse_fault, read_reply

ENDPOINT = "https://ee.example.com:8143/qxilive/services/QdocWebService"
PASSWORD = "p@ss<word>&'\"]]>"


def _connection(**changes: object) -> QXtendConnection:
    values: dict[str, object] = {
        "endpoint": ENDPOINT,
        "receiver": "QX_MLC",
        "domain": "10USA",
        "entity": "10USACO",
        "username": "alice",
        "password": PASSWORD,
    }
    values.update(changes)
    return QXtendConnection(**values)  # type: ignore[arg-type]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>"""
EXTERNAL = (
    b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"""
)
DTD_ONLY = b"""<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://evil.example/x.dtd"><x/>"""
UTF16_DOCTYPE = '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE x [<!ENTITY e "y">]><x>&e;</x>'


@pytest.mark.parametrize(
    "document",
    [
        BILLION_LAUGHS,
        EXTERNAL,
        DTD_ONLY,
        UTF16_DOCTYPE.encode("utf-16"),
        b"<a>" * (_xml.MAX_DEPTH + 1) + b"</a>" * (_xml.MAX_DEPTH + 1),
        b"<a>" + b"<b/>" * (_xml.MAX_ELEMENTS + 1) + b"</a>",
        b"not xml at all",
        b"<a><b></a>",
        b"",
    ],
    ids=[
        "entity-expansion",
        "external-entity",
        "dtd",
        "utf16-dtd",
        "deep",
        "wide",
        "text",
        "unbalanced",
        "empty",
    ],
)
def test_hostile_or_malformed_xml_is_refused_with_one_typed_error(document: bytes) -> None:
    with pytest.raises(UnsafeXML):
        _xml.parse(document)


def test_oversized_documents_are_refused_before_parsing() -> None:
    big = b"<a>" + b"x" * 200 + b"</a>"
    with pytest.raises(UnsafeXML, match="over the 100-byte limit"):
        _xml.parse(big, max_bytes=100)


def _reply(body: str, status: int = 200) -> httpx.Response:
    document = (
        f'<soapenv:Envelope xmlns:soapenv="{x.NS["soap"]}" xmlns="{x.NS["qdoc"]}" '
        f'xmlns:qcom="{x.NS["qcom"]}"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>'
    )
    request = httpx.Request("POST", ENDPOINT)
    return httpx.Response(status, content=document.encode(), request=request)


def _messages(*rows: tuple[str, str, str, str]) -> str:
    out = "<qcom:dsExceptions>"
    for number, description, severity, field in rows:
        out += (
            f"<qcom:temp_err_msg><qcom:tt_msg_nbr>{number}</qcom:tt_msg_nbr>"
            f"<qcom:tt_msg_desc>{description}</qcom:tt_msg_desc>"
            f"<qcom:tt_msg_sev>{severity}</qcom:tt_msg_sev>"
            f"<qcom:tt_msg_field>{field}</qcom:tt_msg_field>"
            "<qcom:tt_msg_context>ctx</qcom:tt_msg_context></qcom:temp_err_msg>"
        )
    return out + "</qcom:dsExceptions>"


def test_success_and_warning_answers_carry_their_messages() -> None:
    ok = read_reply(
        _reply("<maintainSupplierResponse><result>success</result></maintainSupplierResponse>"),
        "maintainSupplier",
    )
    assert (ok.result, ok.messages) == ("success", ())
    warned = read_reply(
        _reply(
            "<maintainSupplierResponse><result>warning</result>"
            + _messages(("1234", "Credit terms defaulted", "warning", "crTerms"))
            + "</maintainSupplierResponse>"
        ),
        "maintainSupplier",
    )
    assert [(m.field, m.message, m.code, m.value) for m in warned.messages] == [
        ("crTerms", "Credit terms defaulted", "1234", "ctx")
    ]


def test_error_answers_are_validation_errors_with_field_errors() -> None:
    body = (
        "<maintainPurchaseOrderResponse><result>error</result>"
        + _messages(
            ("2001", "Supplier S9 does not exist", "error", "vend"),
            ("2002", "Due date before order date", "", "dueDate"),
        )
        + "</maintainPurchaseOrderResponse>"
    )
    with pytest.raises(QADValidationError) as caught:
        read_reply(
            _reply(body),
            "maintainPurchaseOrder",
            rename=lambda f: {"vend": "supplierCode"}.get(f, f),
        )
    assert [e.field for e in caught.value.errors] == ["supplierCode", "dueDate"]
    assert "Supplier S9 does not exist" in str(caught.value)
    duplicate = (
        "<maintainSupplierResponse><result>error</result>"
        + _messages(("1003", "Supplier S1 already exists", "error", "addr"))
        + "</maintainSupplierResponse>"
    )
    with pytest.raises(QADDuplicate):
        read_reply(_reply(duplicate), "maintainSupplier")


def test_an_error_row_fails_a_success_result_too() -> None:
    body = (
        "<maintainSupplierResponse><result>success</result>"
        + _messages(("OE-132", "** Supplier already in use", "error", "addr"))
        + "</maintainSupplierResponse>"
    )
    with pytest.raises(QADValidationError):
        read_reply(_reply(body), "maintainSupplier")


@pytest.mark.parametrize(
    "body",
    [
        "<maintainSupplierResponse><result>maybe</result></maintainSupplierResponse>",
        "<maintainSupplierResponse></maintainSupplierResponse>",
        "<receivePurchaseOrderResponse><result>success</result></receivePurchaseOrderResponse>",
        '<wrong:maintainSupplierResponse xmlns:wrong="urn:other"><result>success</result>'
        "</wrong:maintainSupplierResponse>",
        "<a/><b/>",
    ],
    ids=["unknown-result", "no-result", "other-api", "wrong-namespace", "two-elements"],
)
def test_answers_that_are_not_what_qxtend_promises_are_server_errors(body: str) -> None:
    with pytest.raises(QADServerError):
        read_reply(_reply(body), "maintainSupplier")


def test_a_document_in_the_wrong_envelope_namespace_is_refused() -> None:
    document = b'<Envelope xmlns="urn:not-soap"><Body><x/></Body></Envelope>'
    reply = httpx.Response(200, content=document, request=httpx.Request("POST", ENDPOINT))
    with pytest.raises(QADServerError, match=r"not a SOAP 1\.1 envelope"):
        read_reply(reply, "maintainSupplier")


def test_hostile_answers_raise_unsafe_xml_which_the_executor_types() -> None:
    reply = httpx.Response(200, content=BILLION_LAUGHS, request=httpx.Request("POST", ENDPOINT))
    with pytest.raises(UnsafeXML):
        read_reply(reply, "maintainSupplier")
    assert isinstance(
        parse_fault(httpx.Response(500, content=BILLION_LAUGHS, request=reply.request)),
        QADServerError,
    )


def test_faults_are_server_errors_and_refused_sign_ins_auth_errors() -> None:
    fault = (
        "<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>{}</faultstring>"
        "<detail><ProcessException103/></detail></soapenv:Fault>"
    )
    timeout = parse_fault(_reply(fault.format("Processing timeout"), 500))
    assert isinstance(timeout, QADServerError)
    assert not isinstance(timeout, QADAuthError)
    assert "ProcessException103" in str(timeout)
    refused = parse_fault(_reply(fault.format("Session init failed: invalid user"), 500))
    assert isinstance(refused, QADAuthError)
    with pytest.raises(QADServerError):
        read_reply(_reply(fault.format("boom")), "maintainSupplier")


def _text_strategy() -> st.SearchStrategy[str]:
    # XML 1.0 characters only; ElementTree escapes <, >, & and quotes itself
    return st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
        max_size=40,
    ).map(str.strip)


@given(values=st.dictionaries(st.sampled_from(["addr", "name", "rmks", "city"]), _text_strategy()))
def test_envelope_values_survive_any_text_and_the_session_context_is_complete(
    values: dict[str, str],
) -> None:
    connection = _connection()
    document = build_envelope(
        connection,
        "maintainSupplier",
        "dsSupplier",
        "supplier",
        [{"operation": "A", **values}],
        domain="10USA",
    )
    root = _xml.parse(document)
    body = _xml.child(root, "Body", x.NS["soap"])
    assert body is not None
    call = _xml.child(body, "maintainSupplier", x.NS["qdoc"])
    assert call is not None
    context = _xml.child(call, x.SESSION["context"], x.NS["qcom"])
    assert context is not None
    properties = {
        _xml.text_of(_xml.child(row, x.SESSION["name"])): _xml.text_of(
            _xml.child(row, x.SESSION["value"])
        )
        for row in _xml.children(context, x.SESSION["row"])
    }
    assert properties["scopeTransaction"] == "true"
    assert properties["version"] == x.DEFAULT_VERSIONS["maintainSupplier"]
    assert properties["password"] == PASSWORD.strip()
    assert "action" not in properties
    dataset = _xml.child(call, "dsSupplier")
    assert dataset is not None
    record = _xml.child(dataset, "supplier")
    assert record is not None
    assert {_xml.local(e.tag): e.text or "" for e in record} == {"operation": "A", **values}
    header = _xml.child(root, "Header", x.NS["soap"])
    assert header is not None
    assert _xml.text_of(_xml.child(header, "To", x.NS["wsa"])) == "urn:services-qad-com:QX_MLC"


def test_financials_objects_travel_with_action_and_entity() -> None:
    document = build_envelope(
        _connection(),
        "maintainSupplierInvoice",
        "dsSupplierInvoice",
        "tCInvoiceRef",
        [{}],
        domain="10USA",
        financials=True,
    )
    text = document.decode()
    assert "<qcom:propertyName>entity</qcom:propertyName>" in text
    assert "<qcom:propertyValue>10USACO</qcom:propertyValue>" in text


@given(st.binary(max_size=300))
def test_parse_raises_nothing_but_unsafe_xml(data: bytes) -> None:
    try:
        root = _xml.parse(data)
    except UnsafeXML:
        return
    assert isinstance(root, ET.Element)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"endpoint": "https://ee.example.com/qxilive/services/Other"}, "QdocWebService"),
        ({"endpoint": "https://ee.example.com/live/services/QdocWebService"}, "qxi"),
        ({"endpoint": "http://ee.example.com/qxilive/services/QdocWebService"}, "http"),
        ({"endpoint": "https://10.0.0.5/qxilive/services/QdocWebService"}, "private"),
        ({"receiver": "QX MLC"}, "receiver"),
        ({"password": ""}, "password"),
        ({"username": ""}, "username"),
        ({"versions": {"receivePurchaseOrder": "ERP3 3"}}, "version"),
        ({"supplier_invoice_api": "<x>"}, "supplier_invoice_api"),
    ],
)
def test_bad_connections_are_refused_naming_the_setting(
    changes: dict[str, object], match: str
) -> None:
    with pytest.raises(QADConfigurationError, match=match):
        _connection(**changes)


def test_an_on_premises_endpoint_is_accepted_when_asked_for() -> None:
    connection = _connection(
        endpoint="https://10.0.0.5:22011/qxiqonddb/services/QdocWebService",
        allow_private_network=True,
        versions={"maintainRequisition": "eB2_2"},
    )
    assert connection.version("maintainRequisition") == "eB2_2"
    assert connection.version("receivePurchaseOrder") == "ERP3_3"
    assert PASSWORD not in repr(connection)
    assert PASSWORD not in str(connection)

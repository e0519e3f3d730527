"""SOAP 1.1 envelopes of QXtend Inbound: one request builder, one strict response reader.

A request is ``wsa`` addressing (``To`` the receiver) plus a body whose root is the API name,
its first child the ``dsSessionContext`` (domain, version, ``scopeTransaction=true`` so a
failing message backs out whole, the user's credentials; ``action`` and ``entity`` for
Financials objects), then the dataset. A response is read strictly: its root must be
``<api>Response`` in the QDoc namespace with ``result`` success, warning or error; every
``dsExceptions/temp_err_msg`` row becomes a :class:`~mlconnector_http.FieldError`; an error
result raises the same typed error a REST ``submitResult`` failure does. A SOAP Fault (a
``ProcessException``) is a server error, or an auth error when it says the sign-in failed.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import attrs
import httpx

from mlconnector_http import (
    APIError,
    APIStatusError,
    FieldError,
    Operation,
    error_from_response,
    request_id_of,
)
from qad_client._exceptions import (
    QADAuthError,
    QADDuplicate,
    QADServerError,
    QADStatusError,
    QADValidationError,
)
from qad_client.qxtend import _names as x
from qad_client.qxtend import _xml
from qad_client.qxtend._connection import QXtendConnection

__all__ = [
    "QDocReply",
    "SOAPOperation",
    "build_envelope",
    "parse_fault",
    "read_reply",
]

T = TypeVar("T")

Record = Mapping[str, Any]
"""A QDoc record as data: element name -> text, or -> a list of child records."""

_QDOC = x.NS["qdoc"]
_QCOM = x.NS["qcom"]
_SOAP = x.NS["soap"]
_WSA = x.NS["wsa"]
CONTENT_TYPE = "text/xml; charset=utf-8"  # SOAP 1.1 [C11]


@attrs.frozen(kw_only=True)
class SOAPOperation(Operation[T]):
    """A QXI call: POST of an envelope to the endpoint; the envelope is built at send time.

    ``envelope(page)`` returns the body; ``page`` is the Query Service page a next link
    names (``?qxtendPage=2``, a parameter of our own; the page travels in the body, the
    server ignores the parameter, and the paginator's loop guard sees each page apart). The
    password is revealed only inside ``envelope``; the repr shows none of the body.
    """

    envelope: Callable[[int | None], bytes] = attrs.field(repr=False)

    def build(
        self,
        base_url: httpx.URL,
        headers: Mapping[str, str],
        token: str | None,
    ) -> httpx.Request:
        """The POST of the envelope to the endpoint, with the page its URL names."""
        url = (
            httpx.URL(self.path)
            if self.path.startswith(("http://", "https://"))
            else base_url.join(self.path)
        )
        raw = url.params.get(x.QUERY["continue"])
        page = int(raw) if raw is not None and raw.isdigit() and len(raw) < 9 else None
        all_headers = {
            **headers,
            **self.headers,
            "Content-Type": CONTENT_TYPE,
            "SOAPAction": '""',  # [C10, C11]
        }
        return httpx.Request("POST", url, headers=all_headers, content=self.envelope(page))


def _context_row(parent: ET.Element, name: str, value: str) -> None:
    s = x.SESSION
    row = _xml.sub(parent, _QCOM, s["row"])
    _xml.sub(row, _QCOM, s["qualifier"], s["qualifier_value"])
    _xml.sub(row, _QCOM, s["name"], name)
    _xml.sub(row, _QCOM, s["value"], value)


def _records(parent: ET.Element, element: str, rows: Sequence[Record]) -> None:
    for row in rows:
        node = _xml.sub(parent, _QDOC, element)
        for name, value in row.items():
            if isinstance(value, list):
                for line in value:
                    _records(node, name, [line])
            elif value is not None:
                _xml.sub(node, _QDOC, name, str(value))


def build_envelope(
    connection: QXtendConnection,
    api: str,
    dataset: str,
    record: str,
    rows: Sequence[Record],
    *,
    domain: str,
    financials: bool = False,
    action: str = "",
) -> bytes:
    """The whole request for ``api`` carrying ``rows`` as ``<dataset><record>…``.

    The dataset is built element by element: values are text nodes (escaped by ElementTree),
    line lists become repeated child elements, never concatenated strings.
    """
    for prefix, uri in (("soapenv", _SOAP), ("qcom", _QCOM), ("wsa", _WSA), ("", _QDOC)):
        ET.register_namespace(prefix, uri)
    w = x.WSA
    root = ET.Element(_xml.qname(_SOAP, "Envelope"))
    header = _xml.sub(root, _SOAP, "Header")
    _xml.sub(header, _WSA, w["action"], "")
    _xml.sub(header, _WSA, w["to"], connection.to)
    _xml.sub(header, _WSA, w["message_id"], f"urn:uuid:{uuid.uuid4()}")
    params = _xml.sub(header, _WSA, w["reference_parameters"])
    _xml.sub(params, _QCOM, w["suppress_detail"], "true")
    reply_to = _xml.sub(header, _WSA, w["reply_to"])
    _xml.sub(reply_to, _WSA, w["address"], "urn:services-qad-com:")
    body = _xml.sub(root, _SOAP, "Body")
    call = _xml.sub(body, _QDOC, api)
    context = _xml.sub(call, _QCOM, x.SESSION["context"])
    c = x.CONTEXT
    properties = [
        (c["domain"], domain),
        (c["scope_transaction"], "true"),
        (c["version"], connection.version(api)),
        (c["mnemonics_raw"], "false"),
        (c["username"], connection.username),
        (c["password"], connection.password.reveal()),
    ]
    if financials:
        properties += [
            (c["action"], action or x.FINANCIALS_ACTION),
            (c["entity"], connection.entity),
        ]
    for name, value in properties:
        _context_row(context, name, value)
    data = _xml.sub(call, _QDOC, dataset)
    _records(data, record, rows)
    return _xml.serialize(root)


@attrs.frozen
class QDocReply:
    """A QXtend answer read strictly: its result, its messages, and the data it carried."""

    result: str
    messages: tuple[FieldError, ...]
    body: ET.Element

    @property
    def failed(self) -> bool:
        return self.result == x.RESPONSE["error"]


def _message(row: ET.Element) -> tuple[FieldError, str]:
    r = x.RESPONSE
    severity = _xml.text_of(_xml.child(row, r["severity"])).lower() or "error"
    context = _xml.text_of(_xml.child(row, r["context"]))
    number = _xml.text_of(_xml.child(row, r["number"]))
    description = _xml.text_of(_xml.child(row, r["description"]))
    return FieldError(
        field=_xml.text_of(_xml.child(row, r["field"])),
        message=description,
        code=number or None,
        value=context or None,
    ), severity


def _status(
    reply: httpx.Response, cls: type[QADStatusError], message: str, **kw: Any
) -> QADStatusError:
    return cls(
        message,
        status_code=reply.status_code,
        request_id=request_id_of(reply),
        method=reply.request.method,
        path=reply.request.url.path,
        **kw,
    )


def _body_of(reply: httpx.Response) -> ET.Element:
    """The SOAP body's one child; a body that is no envelope is a typed server error.

    XML that is malformed, too big or hostile raises :class:`~qad_client.qxtend.UnsafeXML`
    (a ``ValueError``), so the executor reports it as it does unreadable JSON: a
    ``QADServerError`` for a read, a ``QADWriteOutcomeUnknown`` for a write.
    """
    root = _xml.parse(reply.content)
    if root.tag != _xml.qname(_SOAP, "Envelope"):
        raise _status(
            reply, QADServerError, f"QXtend answer is not a SOAP 1.1 envelope: {root.tag}"
        )
    body = _xml.child(root, "Body", _SOAP)
    items = list(body) if body is not None else []
    if len(items) != 1:
        raise _status(reply, QADServerError, "QXtend answer's SOAP body must hold one element")
    return items[0]


def read_reply(
    reply: httpx.Response, api: str, rename: Callable[[str], str] | None = None
) -> QDocReply:
    """The strict reading of a 200 answer to ``api``; raises the typed error of a refusal.

    ``result=error`` (or an error-severity message) is a :class:`QADValidationError` whose
    ``errors`` are the ``temp_err_msg`` rows; an "already exists" refusal a
    :class:`QADDuplicate`. A fault inside a 200
    is a server error. Warnings of an accepted message come back in ``messages``.
    """
    element = _body_of(reply)
    if _xml.local(element.tag) == x.FAULT["fault"]:
        raise parse_fault(reply)
    expected = _xml.qname(_QDOC, api + x.RESPONSE["suffix"])
    if element.tag != expected:
        raise _status(reply, QADServerError, f"QXtend answered {element.tag}, expected {expected}")
    r = x.RESPONSE
    result = _xml.text_of(_xml.child(element, r["result"])).lower()
    if result not in (r["success"], r["warning"], r["error"]):
        raise _status(reply, QADServerError, f"QXtend answer to {api} has result {result!r}")
    messages: list[FieldError] = []
    has_error = False
    exceptions = _xml.child(element, r["exceptions"])
    for row in _xml.children(exceptions, r["row"]) if exceptions is not None else []:
        message, severity = _message(row)
        if rename is not None and message.field:
            message = attrs.evolve(message, field=rename(message.field))
        messages.append(message)
        has_error = has_error or severity == "error"
    found = QDocReply(result, tuple(messages), element)
    if result == r["error"] or has_error:
        raise refusal(reply, api, found)
    return found


def refusal(reply: httpx.Response, api: str, found: QDocReply) -> QADStatusError:
    """The typed error of a refused message, as a REST ``submitResult`` failure reads."""
    texts = " ".join(m.message.lower() for m in found.messages)
    cls: type[QADStatusError] = QADValidationError
    if any(phrase in texts for phrase in x.DUPLICATE_PHRASES):
        cls = QADDuplicate
    text = "; ".join(m.message for m in found.messages if m.message)
    return _status(
        reply,
        cls,
        text or f"QXtend refused {api} (result={found.result})",
        errors=found.messages,
        body={"api": api, "result": found.result},
    )


def parse_fault(reply: httpx.Response) -> QADStatusError:
    """A SOAP Fault (``ProcessException``) as the family's server error, or auth error."""
    try:
        element = _body_of(reply)
    except _xml.UnsafeXML as bad:
        return _status(reply, QADServerError, f"QXtend fault refused: {bad}")
    except QADServerError as unreadable:
        return unreadable
    f = x.FAULT
    if _xml.local(element.tag) != f["fault"]:
        return _status(
            reply, QADServerError, f"QXtend answered {reply.status_code} without a Fault"
        )
    code = _xml.text_of(_xml.child(element, f["code"]))
    text = _xml.text_of(_xml.child(element, f["string"]))[:500]
    detail = _xml.child(element, f["detail"])
    kind = next((_xml.local(d.tag) for d in detail), "") if detail is not None else ""
    message = f"SOAP Fault {code}: {text}" + (f" ({kind})" if kind else "")
    lowered = text.lower()
    cls: type[QADStatusError] = QADServerError
    if any(phrase in lowered for phrase in x.AUTH_FAULT_PHRASES):
        cls = QADAuthError
    return _status(reply, cls, message, body={"faultcode": code, "faultstring": text})


def error_parser(
    response: httpx.Response, family: type[APIError], retry_after: float | None
) -> APIStatusError:
    """The QXtend client's error parser: SOAP Faults read, anything else by status."""
    kind = response.headers.get("content-type", "")
    if "xml" in kind:
        return parse_fault(response)
    return error_from_response(response, family=family, retry_after=retry_after)

"""The QXtend simulator as a server: hostile or malformed requests get a SOAP Fault, the envelope's
receiver, version and session are checked, and S upserts while A and M never guess."""

from __future__ import annotations

import httpx
import pytest

from mlconnector_http import FakeClock
from qad_client import QXtendConnection
from qad_client.qxtend import _names as x
from qad_client.qxtend import _xml
from qad_client.qxtend._envelope import build_envelope
from qad_client.testing import QADSimulator, QXtendSimulator

PASSWORD = "sim-pw"


@pytest.fixture
def qx() -> QXtendSimulator:
    sim = QADSimulator(clock=FakeClock())
    sim.add_tenant("acme")
    sim.add_user("acme", "alice", PASSWORD)
    sim.seed("acme", suppliers=2)
    return QXtendSimulator(sim, "acme")


def _post(qx: QXtendSimulator, content: bytes) -> httpx.Response:
    with httpx.Client(transport=qx.transport()) as client:
        return client.post(qx.endpoint(), content=content, headers={"content-type": "text/xml"})


def _fault_text(response: httpx.Response) -> str:
    root = _xml.parse(response.content)
    return " ".join(e.text or "" for e in root.iter())


HOSTILE = [
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a"><!ENTITY b "&a;&a;">]><x>&b;</x>',
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    b"<a>" * 100 + b"</a>" * 100,
    b"<x>" + b"y" * (_xml.MAX_BYTES + 1) + b"</x>",
    b"{}",
    b'<Envelope xmlns="urn:wrong"><Body/></Envelope>',
]


@pytest.mark.parametrize("content", HOSTILE, ids=["laughs", "xxe", "deep", "huge", "json", "ns"])
def test_hostile_and_malformed_requests_get_a_soap_fault_and_change_nothing(
    qx: QXtendSimulator, content: bytes
) -> None:
    before = len(qx.rest.state("acme").suppliers.scope("SUPPLIERS"))
    response = _post(qx, content)
    assert response.status_code == 500
    assert "Fault" in response.text
    assert "passwd" not in response.text
    assert len(qx.rest.state("acme").suppliers.scope("SUPPLIERS")) == before
    assert qx.calls == []


def _connection(qx: QXtendSimulator, **changes: object) -> QXtendConnection:
    values: dict[str, object] = {
        "endpoint": qx.endpoint(),
        "receiver": "MLCONNECTOR",
        "domain": "10USA",
        "entity": "10USACO",
        "username": "alice",
        "password": PASSWORD,
    }
    values.update(changes)
    return QXtendConnection(**values)  # type: ignore[arg-type]


def _supplier(qx: QXtendSimulator, operation: str, name: str, **changes: object) -> httpx.Response:
    row = {"operation": operation, "addr": "UPS-1", "name": name, "curr": "USD"}
    content = build_envelope(
        _connection(qx, **changes),
        "maintainSupplier",
        "dsSupplier",
        "supplier",
        [row],
        domain="10USA",
    )
    return _post(qx, content)


def _result(response: httpx.Response) -> str:
    root = _xml.parse(response.content)
    found = [e.text for e in root.iter() if _xml.local(e.tag) == x.RESPONSE["result"]]
    return found[0] or ""


def test_operation_codes_add_modify_and_upsert(qx: QXtendSimulator) -> None:
    assert _result(_supplier(qx, "M", "Missing")) == "error"  # M never creates
    assert _result(_supplier(qx, "S", "Upserted")) == "success"  # S creates when missing
    assert _result(_supplier(qx, "A", "Again")) == "error"  # A never overwrites
    assert _result(_supplier(qx, "S", "Upserted twice")) == "success"  # S updates when present
    assert _result(_supplier(qx, "X", "Unknown")) == "error"
    stored = qx.rest.state("acme").suppliers.get("SUPPLIERS", "UPS-1")
    assert stored is not None
    assert stored.name == "Upserted twice"
    assert [c.operations for c in qx.calls] == [("M",), ("S",), ("A",), ("S",), ("X",)]


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"receiver": "NOBODY"}, "Receiver"),
        ({"password": "wrong"}, "Session init failed"),
        ({"versions": {"maintainSupplier": "ERP9_9"}}, "not configured"),
    ],
)
def test_the_envelope_is_checked_before_any_data(
    qx: QXtendSimulator, changes: dict[str, object], text: str
) -> None:
    response = _supplier(qx, "A", "Checked", **changes)
    assert response.status_code == 500
    assert text in _fault_text(response)
    assert qx.rest.state("acme").suppliers.get("SUPPLIERS", "UPS-1") is None


def test_reset_forgets_logs_and_faults_but_keeps_the_tenant(qx: QXtendSimulator) -> None:
    _supplier(qx, "A", "Kept")
    qx.error_after_posting("maintainSupplier")
    qx.reset()
    assert qx.calls == []
    assert qx.requests == []
    assert _result(_supplier(qx, "M", "Kept and changed")) == "success"

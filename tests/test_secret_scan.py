"""No secret anywhere an operator or an attacker can read: logs, error text, pickles, tracebacks.

Every client is driven against its simulator through success, 401 (a revoked token, a wrong
secret or password), 403, 429, 5xx, timeouts (on reads, on writes, on the sign-in itself),
dropped connections and answers that do not decode, with every logger at DEBUG into caplog.
Then the captured log text, ``str``/``repr`` of every error raised, ``pickle.dumps`` of every
error and ``traceback.TracebackException(..., capture_locals=True)`` of every error are searched
for the client secret, the password (and its Basic-auth form), and every access and refresh
token the simulators issued (read off the token answers on the wire).
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import pickle
import threading
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import attrs
import httpx
import pytest

from mlconnector_http import (
    APIError,
    APITimeoutError,
    AuthError,
    Conflict,
    DecodeError,
    FakeClock,
    NotFound,
    PermissionDenied,
    RateLimited,
    RetryPolicy,
    ServerError,
    TransportError,
    ValidationError,
    WriteOutcomeUnknown,
)
from mlconnector_http.testing import Fault
from procore_client import ProcoreClient, ProcoreError
from procore_client import VendorInput as ProcoreVendorInput
from procore_client.testing import ProcoreSimulator
from procurify_client import ProcurifyClient, ProcurifyError
from procurify_client import VendorInput as ProcurifyVendorInput
from procurify_client.testing import ProcurifySimulator
from qad_client import NewSupplier, QADClient, QADError, QXtendConnection
from qad_client.testing import QADSimulator, QXtendSimulator, soap_fault

START = datetime(2026, 1, 1, tzinfo=UTC)


class Wire(httpx.BaseTransport):
    """The simulator's transport, keeping every token the wire carried (answers and headers)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.tokens: set[str] = set()
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("authorization", "")
        response = self.inner.handle_request(request)
        content = response.read()
        with self._lock:
            if auth.startswith("Bearer "):
                self.tokens.add(auth.removeprefix("Bearer "))
            try:
                body = json.loads(content)
            except ValueError:
                body = None
            if isinstance(body, dict):
                for name in ("access_token", "refresh_token"):
                    if isinstance(body.get(name), str) and body[name]:
                        self.tokens.add(body[name])
        return response


class Scan:
    """Errors raised by the scenarios, and the texts to search."""

    def __init__(self, family: type[APIError]) -> None:
        self.family = family
        self.errors: list[BaseException] = []

    @contextlib.contextmanager
    def expect(self, meaning: type[APIError] = APIError) -> Iterator[None]:
        """The block must raise an error of the family and of ``meaning``; it is kept."""
        with pytest.raises(self.family) as caught:
            yield
        assert isinstance(caught.value, meaning), repr(caught.value)
        self.errors.append(caught.value)

    def call(self, fn: Callable[[], object]) -> None:
        """Run ``fn``; an error of the family is kept, success is fine too."""
        try:
            fn()
        except self.family as error:
            self.errors.append(error)


def _texts_of(error: BaseException) -> list[tuple[str, str]]:
    found = [
        ("str", str(error)),
        ("repr", repr(error)),
        ("pickle", pickle.dumps(error).decode("latin-1")),
        (
            "traceback",
            "".join(
                traceback.TracebackException.from_exception(error, capture_locals=True).format()
            ),
        ),
    ]
    return [(f"{type(error).__name__} {kind}", text) for kind, text in found]


def assert_no_secret(
    caplog: pytest.LogCaptureFixture, scan: Scan, secrets: set[str], *, min_errors: int
) -> None:
    secrets = {s for s in secrets if s}
    assert len(scan.errors) >= min_errors, [type(e).__name__ for e in scan.errors]
    assert caplog.records, "the toolkit logs every attempt at DEBUG"
    places = [("log", caplog.text)]
    for error in scan.errors:
        places += _texts_of(error)
    leaks = [
        f"{where}: ...{text[max(text.find(secret) - 80, 0) : text.find(secret) + 20]!r}..."
        for where, text in places
        for secret in secrets
        if secret in text
    ]
    assert not leaks, "\n".join(leaks)


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """caplog at the root at DEBUG, and every existing logger made to reach it."""
    caplog.set_level(logging.DEBUG)
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            assert logger.propagate or caplog.handler in logger.handlers, logger.name
    return caplog


# Procurify ------------------------------------------------------------------------------------


def test_procurify_leaks_no_secret_or_token(debug_logs: pytest.LogCaptureFixture) -> None:
    clock = FakeClock(START)
    sim = ProcurifySimulator(clock=clock, token_ttl=3600)
    creds = sim.add_tenant("acme")
    sim.seed("acme", purchase_orders=3, vendors=3, account_codes=2, bills=2, payments=1)
    wire = Wire(sim.transport())
    scan = Scan(ProcurifyError)

    def client(**changes: Any) -> ProcurifyClient:
        options: dict[str, Any] = {
            "subdomain": "acme",
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
            "transport": wire,
            "clock": clock,
            "retry": RetryPolicy.for_testing(),
        }
        return ProcurifyClient(**(options | changes))

    run_scenarios(
        scan,
        sim,
        clock,
        client,
        read=lambda c: list(c.vendors.list(page_size=2)),
        write=lambda c, n: c.vendors.create(
            ProcurifyVendorInput(name=f"Vendor {n}", external_id=f"E{n}")
        ),
        revoke=lambda: sim.revoke_tokens(),
        wrong=lambda: client(client_secret="wrong-" + creds.client_secret),
        token_path="/oauth/token",
        read_path="/api/",
    )
    assert wire.tokens
    assert_no_secret(debug_logs, scan, {creds.client_secret, *wire.tokens}, min_errors=14)


# Procore --------------------------------------------------------------------------------------

PROCORE_ID = "scan-app"
PROCORE_SECRET = "cs-scan-app-very-secret-7f3a9d"
COMPANY = 8_000_000_123


def test_procore_leaks_no_secret_or_token(debug_logs: pytest.LogCaptureFixture) -> None:
    clock = FakeClock(START)
    sim = ProcoreSimulator(clock=clock, spike_limit=None, hourly_limit=None, token_lifetime=3600)
    sim.add_app(PROCORE_ID, PROCORE_SECRET)
    sim.add_company(COMPANY, "Acme Builders", installed_for=[PROCORE_ID])
    sim.seed(COMPANY, vendors=3, projects=1)
    wire = Wire(sim.transport())
    scan = Scan(ProcoreError)

    def client(**changes: Any) -> ProcoreClient:
        options: dict[str, Any] = {
            "client_id": PROCORE_ID,
            "client_secret": PROCORE_SECRET,
            "company_id": COMPANY,
            "transport": wire,
            "clock": clock,
            "retry": RetryPolicy.for_testing(),
        }
        return ProcoreClient(**(options | changes))

    run_scenarios(
        scan,
        sim,
        clock,
        client,
        read=lambda c: list(c.vendors.list(page_size=2)),
        write=lambda c, n: c.vendors.create(
            ProcoreVendorInput(name=f"Vendor {n}", origin_id=f"E{n}")
        ),
        revoke=sim.expire_tokens,
        wrong=lambda: client(client_secret="wrong-" + PROCORE_SECRET),
        token_path="/oauth/token",
        read_path="/rest/",
    )
    tokens = set(sim.authority.tokens)
    assert tokens
    assert tokens & wire.tokens  # (a token answer a fault replaced never reached the client)
    assert_no_secret(debug_logs, scan, {PROCORE_SECRET, *tokens, *wire.tokens}, min_errors=14)


# QAD ------------------------------------------------------------------------------------------

QAD_USER = "alice"
QAD_PASSWORD = "correct-horse-battery-staple-scan"


def test_qad_password_grant_leaks_no_password_or_token(
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock(START)
    sim = QADSimulator(clock=clock)
    url = sim.add_tenant("acme")
    sim.add_user("acme", QAD_USER, QAD_PASSWORD)
    sim.seed("acme", suppliers=3, gl_accounts=2)
    wire = Wire(sim.transport())
    scan = Scan(QADError)

    def client(**changes: Any) -> QADClient:
        options: dict[str, Any] = {
            "tenant_url": url,
            "domain": "10USA",
            "entity": "10USACO",
            "username": QAD_USER,
            "password": QAD_PASSWORD,
            "transport": wire,
            "clock": clock,
            "retry": RetryPolicy.for_testing(),
        }
        return QADClient(**(options | changes))

    run_scenarios(
        scan,
        sim,
        clock,
        client,
        read=lambda c: list(c.suppliers.list(page_size=2)),
        write=lambda c, n: c.suppliers.create(
            NewSupplier(
                code=f"SCAN{n}", name=f"Supplier {n}", currency="USD", external_reference=f"E{n}"
            )
        ),
        revoke=sim.revoke_tokens,
        wrong=lambda: client(password="wrong-" + QAD_PASSWORD),
        token_path="/oauth/token",
        read_path="/api/",
        sign_in_paths=("/oauth/token", "/securityControl"),
    )
    basic = base64.b64encode(f"{QAD_USER}:{QAD_PASSWORD}".encode()).decode()
    assert wire.tokens
    assert_no_secret(debug_logs, scan, {QAD_PASSWORD, basic, *wire.tokens}, min_errors=14)


# QAD over QXtend ------------------------------------------------------------------------------

QXTEND_PASSWORD = "qxtend-password-in-every-envelope-4e1b"


def test_qxtend_leaks_no_password(debug_logs: pytest.LogCaptureFixture) -> None:
    """The password rides in every envelope's dsSessionContext; nothing else may carry it."""
    clock = FakeClock(START)
    sim = QADSimulator(clock=clock)
    sim.add_tenant("acme")
    sim.add_user("acme", QAD_USER, QXTEND_PASSWORD)
    sim.seed("acme", suppliers=3, gl_accounts=2)
    qx = QXtendSimulator(sim, "acme")
    scan = Scan(QADError)
    path = "/qxilive/services/QdocWebService"

    def client(password: str = QXTEND_PASSWORD) -> QADClient:
        connection = QXtendConnection(
            endpoint=qx.endpoint(),
            receiver="MLCONNECTOR",
            domain="10USA",
            entity="10USACO",
            username=QAD_USER,
            password=password,
        )
        scan.errors.append(ValueError(repr(connection) + str(connection)))
        return QADClient.qxtend(
            connection, transport=qx.transport(), clock=clock, retry=RetryPolicy.for_testing()
        )

    def write(c: QADClient, n: int) -> object:
        new = NewSupplier(code=f"QX{n}", name=f"Supplier {n}", currency="USD")
        return c.suppliers.create(attrs.evolve(new, external_reference=f"QXE{n}"))

    with client() as c:
        scan.errors.append(ValueError(repr(c)))
        list(c.suppliers.list(page_size=2))
        write(c, 1)
        with scan.expect(Conflict):
            write(c, 1)  # already exists: QADDuplicate
        current = c.suppliers.get("QX1")
        c.suppliers.update(attrs.evolve(current, name="Renamed"))
        with scan.expect(Conflict):
            c.suppliers.update(attrs.evolve(current, name="Stale"))
        for fault, meaning in (
            (soap_fault("Processing timeout"), ServerError),
            (Fault.http_status(503), ServerError),
            (Fault.http_status(403), PermissionDenied),
            (Fault.timeout(), APITimeoutError),
            (Fault.drop(), TransportError),
            (Fault.html_error(), ServerError),
            (Fault.malformed_json(), ServerError),
            (Fault.http_status(200, body=_BILLION_LAUGHS), ServerError),
        ):
            qx.faults.add(fault, path=path, times=None)
            with scan.expect(meaning):
                list(c.suppliers.list())
            qx.faults.clear()
        for n, fault in enumerate(
            (
                soap_fault("boom"),
                Fault.timeout(),
                Fault.http_status(200, body=_BILLION_LAUGHS),
            ),
            start=2,
        ):
            qx.faults.add(fault, path=path)
            with scan.expect(WriteOutcomeUnknown):
                write(c, n)
            qx.faults.clear()
        qx.faults.add(Fault.timeout_after_commit(), path=path)
        found = write(c, 9)  # the answer lost after the commit: found by its reference
        scan.errors.append(ValueError(repr(found)))
        qx.faults.clear()
    with client("wrong-" + QXTEND_PASSWORD) as refused, scan.expect(AuthError):
        list(refused.suppliers.list())
    assert all(QXTEND_PASSWORD not in r.url for r in qx.requests)
    assert_no_secret(debug_logs, scan, {QXTEND_PASSWORD}, min_errors=16)


_BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>'
)


# --- the scenarios, the same for every client -------------------------------------------------


def run_scenarios(
    scan: Scan,
    sim: Any,
    clock: FakeClock,
    client: Callable[..., Any],
    *,
    read: Callable[[Any], object],
    write: Callable[[Any, int], object],
    revoke: Callable[[], None],
    wrong: Callable[[], Any],
    token_path: str,
    read_path: str,
    sign_in_paths: tuple[str, ...] = (),
) -> None:
    faults = sim.faults
    sign_in = sign_in_paths or (token_path,)
    with client() as c:
        read(c)  # success
        write(c, 1)
        revoke()  # 401, refreshed once, then success
        read(c)
        clock.advance(7200)  # expired: fetched again (QAD: refreshed with its refresh token)
        read(c)
        for status, meaning in (
            (403, PermissionDenied),
            (404, NotFound),
            (409, Conflict),
            (422, ValidationError),
        ):
            faults.add(Fault.http_status(status, body=b'{"detail": "no"}'), path=read_path)
            with scan.expect(meaning):
                read(c)
        faults.add(Fault.http_status(429, headers={"Retry-After": "1"}), path=read_path)
        read(c)  # retried after the wait
        faults.add(Fault.http_status(429, headers={"Retry-After": "1"}), path=read_path, times=None)
        with scan.expect(RateLimited):
            read(c)
        faults.clear()
        faults.add(Fault.http_status(429, headers={"Retry-After": "100000"}), path=read_path)
        with scan.expect(RateLimited):
            read(c)  # a wait over the cap: RateLimited at once
        clock.advance(100_001)  # a budget that learned the wait has it behind it
        faults.add(Fault.http_status(503), path=read_path, times=None)
        with scan.expect(ServerError):
            read(c)
        faults.clear()
        faults.add(Fault.http_status(500), path=read_path, method="POST")
        with scan.expect(WriteOutcomeUnknown):
            write(c, 2)  # a 5xx on a write: outcome unknown
        faults.add(Fault.timeout(), path=read_path, times=None)
        with scan.expect(APITimeoutError):
            read(c)
        faults.clear()
        faults.add(Fault.timeout_after_commit(), path=read_path, method="POST")
        with scan.expect(WriteOutcomeUnknown):
            write(c, 3)
        faults.add(Fault.drop(), path=read_path, times=None)
        with scan.expect(TransportError):
            read(c)
        faults.clear()
        faults.add(Fault.malformed_json(), path=read_path, times=None)
        with scan.expect(ServerError):
            read(c)
        faults.clear()
        faults.add(Fault.html_error(), path=read_path, times=None)
        with scan.expect(ServerError):
            read(c)
        faults.clear()
        faults.add(Fault.malformed_json(), path=read_path, method="POST")
        with scan.expect(WriteOutcomeUnknown):
            write(c, 4)  # sent, answered unreadably: outcome unknown
        faults.add(Fault.rewrite(_bad_records), path=read_path, times=None)
        with scan.expect(DecodeError):
            read(c)  # a record that does not decode
        faults.clear()
        # the sign-in itself failing, with the secret or the password in flight
        before = len(scan.errors)
        sign_in_faults = (
            Fault.timeout(),
            Fault.drop(),
            Fault.http_status(500),
            Fault.http_status(429, headers={"Retry-After": "1"}),
            Fault.malformed_json(),
            Fault.html_error(),
            Fault.http_status(403),
            Fault.rewrite(_token_without_access),
        )
        for fault in sign_in_faults:
            for path in sign_in:
                for expired in (False, True):
                    revoke()  # a 401, then a refresh that fails, the stale token in hand
                    if expired:
                        clock.advance(2 * 86_400)  # every token and session has ended
                    faults.add(fault, path=path, times=None)
                    scan.call(lambda: read(c))
                    faults.clear()
        assert len(scan.errors) - before >= 2 * len(sign_in_faults)
    with wrong() as refused, scan.expect(AuthError):
        read(refused)  # 401 from the token endpoint
    with wrong() as refused:
        scan.call(lambda: read(refused))  # QAD: refused without a request


def _bad_records(response: httpx.Response) -> httpx.Response:
    """Every record of a list answer with an id that is not an integer."""
    try:
        body = json.loads(response.read())
    except ValueError:
        return response
    rows = body if isinstance(body, list) else body.get("data") if isinstance(body, dict) else None
    if not isinstance(rows, list) or not rows:
        return response
    for row in rows:
        if isinstance(row, dict):
            for key in list(row)[:3]:
                row[key] = {"junk": [1.5]}
    headers = [(k, v) for k, v in response.headers.multi_items() if k != "content-length"]
    return httpx.Response(response.status_code, headers=headers, content=json.dumps(body).encode())


def _token_without_access(response: httpx.Response) -> httpx.Response:
    """A token answer whose access token is ``null`` (the rest kept, refresh token included)."""
    try:
        body = json.loads(response.read())
    except ValueError:
        return response
    if isinstance(body, dict) and "access_token" in body:
        body["access_token"] = None
    headers = [(k, v) for k, v in response.headers.multi_items() if k != "content-length"]
    return httpx.Response(response.status_code, headers=headers, content=json.dumps(body).encode())

"""Generated junk into every list and token parser of the three clients, through the real clients.

Each example builds a real client over its vendor's simulator and installs one
``Fault.rewrite`` rule: the simulator answers as usual, then the rule replaces the answer of
the targeted calls (list pages, or the sign-in calls) with junk drawn by hypothesis: any JSON
value, deep nesting, wrong types at any path of a real answer, huge numbers, bytes that are
not UTF-8, truncated JSON, odd statuses, and junk ``Link``/``Total``/``Retry-After``/rate-limit
headers. Whatever comes back, only the vendor's own error family may escape (a
``TypeError``, ``RecursionError``, ``httpx.InvalidURL``... is a bug), every listing is bounded
and every example runs under an alarm, so a parser that loops fails the test instead of
hanging it.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import signal
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlconnector_http import FakeClock, Paginator, RetryPolicy
from mlconnector_http.testing import Fault
from procore_client import ProcoreClient, ProcoreError
from procore_client.testing import ProcoreSimulator
from procurify_client import ProcurifyClient, ProcurifyError
from procurify_client.testing import ProcurifySimulator
from qad_client import QADClient, QADError
from qad_client.testing import QADSimulator

EXAMPLE_SECONDS = 30  # one example that takes longer is a hang
MAX_ITEMS = 300  # every listing is cut here
START = datetime(2026, 1, 1, tzinfo=UTC)


class Hung(BaseException):
    """Raised by the alarm: an example ran past ``EXAMPLE_SECONDS`` (BaseException, so no
    ``except Exception`` in the code under test can swallow it)."""


@contextlib.contextmanager
def alarm(seconds: float) -> Iterator[None]:
    def ring(signum: int, frame: object) -> None:
        raise Hung(f"no answer within {seconds}s: a parser or paginator does not terminate")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- junk -------------------------------------------------------------------------------------


class Raw(str):
    """JSON text put into a body as is: numbers Python's json module would not write."""


RAW_NUMBERS = [
    "1e999",
    "-1e999",
    "1" * 400,
    "9" * 5000,  # past Python's int-string limit
    "1e-999",
    "-0",
    "1.7976931348623157e309",
    "NaN",
    "Infinity",
    "-Infinity",
    "123456789012345678901234567890.5",
]
LINK_URLS = [
    "http://[::1",
    "http://[::1]:99999/x",
    "https://evil.example/rest/v1.0/companies?page=2",
    "http://evil.example/x?page=2",
    "//evil.example/x",
    "?page=2",
    "?page=1",
    "?page=0",
    "?page=-1",
    "?page=99999999999999999999999",
    "",
    "javascript:alert(1)",
    "https://[fe80::1%25eth0]/x",
    "http://a b/",
    "\x00",
]
JUNK_TEXT = [
    "",
    " ",
    "false",
    "true",
    "null",
    "0",
    "-1",
    "7.9",
    "1e999",
    "NaN",
    "2026-13-45",
    "9999-12-31",
    "9999-12-31T23:59:59Z",
    "0000-00-00",
    "2026-01-01T00:00:00",
    "\x00",
    "\ud800",
    "é" * 3,
    "x" * 5000,
    "http://[::1",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(JUNK_TEXT),
    st.sampled_from(LINK_URLS),
    st.sampled_from(RAW_NUMBERS).map(Raw),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(max_size=10) | st.sampled_from(["id", "data", "next"]), inner, max_size=4
        )
    ),
    max_leaves=12,
)


def dump(value: Any) -> str:
    """JSON text for ``value``, with :class:`Raw` pieces verbatim and NaN/Infinity allowed."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if value is None or isinstance(value, bool | int):
        return json.dumps(value)
    if isinstance(value, float):
        return (
            json.dumps(value)
            if math.isfinite(value)
            else repr(value).replace("inf", "Infinity").replace("nan", "NaN")
        )
    if isinstance(value, list):
        return "[" + ",".join(dump(item) for item in value) + "]"
    return "{" + ",".join(f"{json.dumps(str(k))}:{dump(v)}" for k, v in value.items()) + "}"


def deep(depth: int, kind: str) -> str:
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


link_values = st.one_of(
    st.builds(
        lambda url, rel: f"<{url}>; rel={rel}",
        st.sampled_from(LINK_URLS) | st.text(max_size=30),
        st.sampled_from(['"next"', "next", '"last"', '"next last"', '""', "", '"']),
    ),
    st.sampled_from(["<", ">;", "<>", ";;;", 'rel="next"', "<" * 500, "<a>; rel=next, " * 50]),
)
HEADER_NAMES = [
    "link",
    "total",
    "per-page",
    "retry-after",
    "x-rate-limit-limit",
    "x-rate-limit-remaining",
    "x-rate-limit-reset",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "content-type",
    "content-encoding",
    "x-request-id",
]
JUNK_HEADER_VALUES = [
    "",
    "-1",
    "0",
    "1e999",
    "NaN",
    "inf",
    "1" * 400,
    "99999999999999999999",
    "3600",
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "gzip",
    "br",
    "zstd",
    "deflate, gzip",
    "bogus",
    "text/html",
    "application/json; charset=bogus",
    "application/json; charset=utf-16",
]
header_values = st.one_of(
    st.sampled_from(JUNK_HEADER_VALUES),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
    st.binary(max_size=20).filter(lambda b: b"\r" not in b and b"\n" not in b),
    link_values,
)
statuses = st.sampled_from(
    [200] * 30 + [201, 204, 301, 307, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 599]
)


def mutate(data: st.DataObject, value: Any) -> Any:
    """``value`` (a decoded JSON answer) with junk put at one path drawn down its tree."""
    if isinstance(value, dict) and value and data.draw(st.integers(0, 4)) > 0:
        key = data.draw(st.sampled_from(sorted(value, key=str)))
        return {**value, key: mutate(data, value[key])}
    if isinstance(value, list) and value and data.draw(st.integers(0, 4)) > 0:
        index = data.draw(st.integers(0, len(value) - 1))
        copy = list(value)
        copy[index] = mutate(data, value[index])
        return copy
    if isinstance(value, list) and data.draw(st.booleans()):
        return [*value, data.draw(json_values)]  # an extra record of junk
    if isinstance(value, dict) and data.draw(st.booleans()):
        return {k: v for k, v in value.items() if k != data.draw(st.sampled_from([*value, "-"]))}
    return data.draw(json_values)


def junk_body(data: st.DataObject, real: bytes) -> bytes:
    """A body drawn from the kinds of junk, most of them built on the real answer."""
    kind = data.draw(
        st.sampled_from(
            ["mutate", "mutate", "mutate", "json", "deep", "bytes", "truncated", "real"]
        ),
        label="body kind",
    )
    try:
        decoded = json.loads(real) if real else None
    except ValueError:
        decoded = None
    if kind == "mutate":
        value = decoded
        for _ in range(data.draw(st.integers(1, 3))):
            value = mutate(data, value)
        return dump(value).encode("utf-8", "surrogatepass")
    if kind == "json":
        return dump(data.draw(json_values)).encode("utf-8", "surrogatepass")
    if kind == "deep":
        depth = data.draw(st.sampled_from([50, 900, 5000, 100_000]))
        nested = deep(depth, data.draw(st.sampled_from(["list", "dict"])))
        where = data.draw(st.sampled_from(["bare", "data", "record"]))
        if where == "data":
            return ('{"data": ' + nested + "}").encode()
        if where == "record":
            return (
                '{"data": [{"id": 1, "name": ' + nested + '}], "id": 1, "x": [' + nested + "]}"
            ).encode()
        return nested.encode()
    if kind == "bytes":
        junk = data.draw(st.binary(max_size=40))
        cut = data.draw(st.integers(0, len(real)))
        return real[:cut] + b"\xff\xfe\xc3(" + junk + real[cut:]
    if kind == "truncated":
        return real[: data.draw(st.integers(0, max(len(real) - 1, 0)))]
    return real


def _header_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def junk_headers(data: st.DataObject) -> list[tuple[str, bytes]]:
    names = data.draw(st.lists(st.sampled_from(HEADER_NAMES), max_size=5), label="headers")
    return [(name, _header_bytes(data.draw(header_values))) for name in names]


def junk_response(data: st.DataObject, response: httpx.Response) -> httpx.Response:
    real = response.read()
    extra = junk_headers(data)
    replaced = {name for name, _ in extra} | {"content-length", "content-encoding"}
    headers = [
        (k.encode(), v.encode("latin-1"))
        for k, v in response.headers.multi_items()
        if k not in replaced
    ]
    headers += [(name.encode(), value) for name, value in extra]
    status = data.draw(statuses, label="status")
    return httpx.Response(status, headers=headers, content=junk_body(data, real))


TOKEN_FIELDS = {
    "access_token": st.sampled_from(
        [None, "", "tok en", "tök", "x" * 20_000, 1, [1], {"a": 1}, "Bearer"]
    ),
    "expires_in": st.sampled_from(
        [None, [1], {"s": 1}, "abc", "", True, -5, 0, 1e308, "1e999", "NaN"]
    )
    | st.sampled_from(RAW_NUMBERS).map(Raw),
    "refresh_token": st.sampled_from([None, "", 1, [1], "r t", "x" * 20_000]),
    "refresh_expires_in": st.sampled_from([None, [1], "abc", -1, Raw("1e999")]),
    "created_at": st.sampled_from([None, "x", [1], Raw("1e999"), 10**20, -1]),
    "token_type": st.sampled_from([None, 1, "", "mac", ["Bearer"]]),
    "scope": st.sampled_from([None, 1, [], "a b"]),
}


def junk_token_response(data: st.DataObject, response: httpx.Response) -> httpx.Response:
    """A token (or QAD securityControl) answer with junk in its fields, or junk of any kind."""
    real = response.read()
    try:
        decoded = json.loads(real)
    except ValueError:
        decoded = None
    if isinstance(decoded, dict) and "access_token" in decoded and data.draw(st.booleans()):
        answer = dict(decoded)
        for name in data.draw(
            st.lists(st.sampled_from(sorted(TOKEN_FIELDS)), min_size=1, max_size=3)
        ):
            if data.draw(st.integers(0, 3)) == 0:
                answer.pop(name, None)
            else:
                answer[name] = data.draw(TOKEN_FIELDS[name])
        body = dump(answer).encode("utf-8", "surrogatepass")
        headers = [(k, v) for k, v in response.headers.multi_items() if k != "content-length"]
        return httpx.Response(data.draw(statuses), headers=headers, content=body)
    return junk_response(data, response)


# --- worlds -----------------------------------------------------------------------------------


Listing = Callable[[Any], Any]  # client -> a Paginator, or a finished lookup result


class Junk:
    """A ``Fault.rewrite`` rule that turns up to ``limit`` answers of matching calls to junk."""

    def __init__(
        self,
        data: st.DataObject,
        make: Callable[[st.DataObject, httpx.Response], httpx.Response],
        limit: int,
    ) -> None:
        self.data = data
        self.make = make
        self.left = limit

    def __call__(self, response: httpx.Response) -> httpx.Response:
        if self.left <= 0:
            return response
        self.left -= 1
        return self.make(self.data, response)


def consume(result: Any, mode: str) -> None:
    """Walk a listing the way ``mode`` says, never past ``MAX_ITEMS``."""
    if not isinstance(result, Paginator):
        return  # a lookup: it already ran every page
    if mode == "iter":
        walked: Iterator[Any] = iter(result)
    elif mode == "with_rejects":
        walked = result.with_rejects()
    elif mode == "pages":
        walked = result.pages()
    else:
        walked = result.pages(with_rejects=True)
    for entry in itertools.islice(walked, MAX_ITEMS):
        str(entry)
        repr(entry)


MODES = st.sampled_from(["iter", "with_rejects", "pages", "pages_rejects"])


def check(family: type[Exception], run: Callable[[], None]) -> None:
    """Run under the alarm; the vendor's family may escape, anything else fails the example."""
    with alarm(EXAMPLE_SECONDS):
        try:
            run()
        except family as error:
            str(error)
            repr(error)


# Procurify ------------------------------------------------------------------------------------


def procurify_world() -> tuple[ProcurifySimulator, FakeClock]:
    clock = FakeClock(START)
    sim = ProcurifySimulator(clock=clock, token_ttl=3600)
    sim.add_tenant("acme")
    sim.seed("acme", purchase_orders=4, vendors=4, account_codes=3, bills=4, payments=2)
    return sim, clock


PROCURIFY_LISTS: dict[str, Listing] = {
    "vendors": lambda c: c.vendors.list(page_size=2),
    "vendors.find_by_reference": lambda c: c.vendors.find_by_reference("EXT-1"),
    "vendors.find_by_external_id": lambda c: c.vendors.find_by_external_id("EXT-1"),
    "account_codes": lambda c: c.account_codes.list(page_size=2),
    "account_codes.find_by_reference": lambda c: c.account_codes.find_by_reference("1000"),
    "bills": lambda c: c.bills.list(page_size=2),
    "payments": lambda c: c.payments.list(page_size=2),
    "purchase_orders": lambda c: c.purchase_orders.list(page_size=2),
    "receipt_items": lambda c: c.receipt_items.list(page_size=2),
}


def procurify_client(sim: ProcurifySimulator, clock: FakeClock) -> ProcurifyClient:
    creds = sim.credentials("acme")
    return ProcurifyClient(
        subdomain="acme",
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        transport=sim.transport(),
        clock=clock,
        retry=RetryPolicy.for_testing(),
    )


# Procore --------------------------------------------------------------------------------------

PROCORE_ID = "junk-app"
PROCORE_SECRET = "junk-app-secret"
COMPANY = 8_000_000_123


def procore_world() -> tuple[ProcoreSimulator, FakeClock, dict[str, int]]:
    clock = FakeClock(START)
    sim = ProcoreSimulator(clock=clock, spike_limit=None, hourly_limit=None, token_lifetime=3600)
    sim.add_app(PROCORE_ID, PROCORE_SECRET)
    sim.add_company(COMPANY, "Acme Builders", installed_for=[PROCORE_ID])
    summary = sim.seed(
        COMPANY,
        vendors=4,
        projects=1,
        requisitions_per_project=2,
        cost_codes_per_project=2,
        line_item_types=2,
        commitments_per_project=1,
        payments_per_commitment=1,
        direct_costs_per_project=2,
        origin_ids=True,
    )
    ids = {"project": summary.project_ids[0]}
    with procore_client(sim, clock) as client:
        ids["commitment"] = next(iter(client.commitments.list(ids["project"]))).id
        hook = client.webhooks.hooks.create(
            "https://receiver.example/h", namespace="junk", authorization="Bearer hook-junk"
        )
        ids["hook"] = hook.id
    return sim, clock, ids


def procore_lists(ids: dict[str, int]) -> dict[str, Listing]:
    project, contract, hook = ids["project"], ids["commitment"], ids["hook"]
    return {
        "companies": lambda c: c.companies.list(page_size=2),
        "projects": lambda c: c.projects.list(page_size=2),
        "vendors": lambda c: c.vendors.list(page_size=2),
        "vendors.find_by_reference": lambda c: c.vendors.find_by_reference("ERP-1"),
        "commitments": lambda c: c.commitments.list(project, page_size=2),
        "contract_payments": lambda c: c.contract_payments.list(project, contract, page_size=2),
        "cost_codes": lambda c: c.cost_codes.list(project, page_size=2),
        "direct_costs": lambda c: c.direct_costs.list(project, page_size=2),
        "line_item_types": lambda c: c.line_item_types.list(page_size=2),
        "purchase_order_contracts": lambda c: c.purchase_order_contracts.list(project, page_size=2),
        "purchase_order_contracts.line_items": lambda c: c.purchase_order_contracts.line_items(
            project, contract, page_size=2
        ),
        "work_order_contracts": lambda c: c.work_order_contracts.list(project, page_size=2),
        "work_order_contracts.line_items": lambda c: c.work_order_contracts.line_items(
            project, contract, page_size=2
        ),
        "requisitions": lambda c: c.requisitions.list(project, page_size=2),
        "webhooks.hooks": lambda c: c.webhooks.hooks.list(),
        "webhooks.triggers": lambda c: c.webhooks.triggers.list(hook),
        "webhooks.deliveries": lambda c: c.webhooks.deliveries.list(hook, page_size=2),
    }


def procore_client(sim: ProcoreSimulator, clock: FakeClock) -> ProcoreClient:
    return ProcoreClient(
        client_id=PROCORE_ID,
        client_secret=PROCORE_SECRET,
        company_id=COMPANY,
        transport=sim.transport(),
        clock=clock,
        retry=RetryPolicy.for_testing(),
    )


# QAD ------------------------------------------------------------------------------------------

QAD_USER = "alice"
QAD_PASSWORD = "junk-password-horse"


def qad_world() -> tuple[QADSimulator, FakeClock, str]:
    clock = FakeClock(START)
    sim = QADSimulator(clock=clock)
    url = sim.add_tenant("acme")
    sim.add_user("acme", QAD_USER, QAD_PASSWORD)
    sim.seed(
        "acme",
        suppliers=3,
        items=2,
        gl_accounts=3,
        cost_centres=2,
        sub_accounts=2,
        projects=2,
        purchase_orders=2,
        lines_per_order=2,
    )
    return sim, clock, url


QAD_LISTS: dict[str, Listing] = {
    "suppliers": lambda c: c.suppliers.list(page_size=2),
    "suppliers.find_by_reference": lambda c: c.suppliers.find_by_reference("REF-1"),
    "items": lambda c: c.items.list(page_size=2),
    "gl_accounts": lambda c: c.gl_accounts.list(page_size=2),
    "cost_centres": lambda c: c.cost_centres.list(page_size=2),
    "sub_accounts": lambda c: c.sub_accounts.list(page_size=2),
    "projects": lambda c: c.projects.list(page_size=2),
    "domains": lambda c: c.domains.list(page_size=2),
    "open_receivers": lambda c: c.open_receivers.list(page_size=2),
    "purchase_orders": lambda c: c.purchase_orders.list(page_size=2),
    "purchase_orders.find_by_reference": lambda c: c.purchase_orders.find_by_reference("REF-1"),
    "purchase_order_receipts": lambda c: c.purchase_order_receipts.list(page_size=2),
    "purchase_order_receipts.find_by_reference": lambda c: (
        c.purchase_order_receipts.find_by_reference("REF-1")
    ),
    "supplier_invoices": lambda c: c.supplier_invoices.list(page_size=2),
    "supplier_invoices.find_by_reference": lambda c: c.supplier_invoices.find_by_reference("R"),
    "supplier_payments": lambda c: c.supplier_payments.list(page_size=2),
    "supplier_payments.find_by_reference": lambda c: c.supplier_payments.find_by_reference("R"),
}


def qad_client(sim: QADSimulator, clock: FakeClock, url: str) -> QADClient:
    return QADClient(
        tenant_url=url,
        domain="10USA",
        entity="10USACO",
        username=QAD_USER,
        password=QAD_PASSWORD,
        transport=sim.transport(),
        clock=clock,
        retry=RetryPolicy.for_testing(),
    )


def _is_token_call(request: httpx.Request) -> bool:
    return request.url.path.endswith(("/oauth/token", "/securityControl"))


def _is_list_call(request: httpx.Request) -> bool:
    return request.method == "GET" and not _is_token_call(request)


# --- the tests --------------------------------------------------------------------------------

JUNK = settings(
    max_examples=int(os.environ.get("JUNK_EXAMPLES", "150")),  # raise it to hunt longer
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def procurify() -> tuple[ProcurifySimulator, FakeClock]:
    return procurify_world()


@pytest.fixture(scope="module")
def procore() -> tuple[ProcoreSimulator, FakeClock, dict[str, int]]:
    return procore_world()


@pytest.fixture(scope="module")
def qad() -> tuple[QADSimulator, FakeClock, str]:
    return qad_world()


def _run_list(
    sim: Any,
    make_client: Callable[[], Any],
    listing: Listing,
    data: st.DataObject,
    family: type[Exception],
) -> None:
    sim.faults.clear()
    rewrite = Junk(data, junk_response, data.draw(st.integers(1, 5), label="junk answers"))
    sim.faults.add(Fault.rewrite(rewrite), predicate=_is_list_call, times=None)
    mode = data.draw(MODES, label="mode")

    def run() -> None:
        with make_client() as client:
            consume(listing(client), mode)

    try:
        check(family, run)
    finally:
        sim.faults.clear()


def _run_token(
    sim: Any,
    clock: FakeClock,
    make_client: Callable[[], Any],
    listing: Listing,
    data: st.DataObject,
    family: type[Exception],
) -> None:
    """Junk in a sign-in answer: the first one, or a later one after the token expired."""
    sim.faults.clear()
    later = data.draw(st.booleans(), label="junk at a later sign-in")
    rewrite = Junk(data, junk_token_response, data.draw(st.integers(1, 4), label="junk answers"))
    sent: list[str] = []

    def targeted(request: httpx.Request) -> bool:
        sent.append(request.headers.get("authorization", ""))
        return _is_token_call(request) and not (later and len(sent) == 1)

    sim.faults.add(Fault.rewrite(rewrite), predicate=targeted, times=None)

    def run() -> None:
        with make_client() as client:
            consume(listing(client), "iter")
            clock.advance(2 * 86_400)  # every token and session has ended
            consume(listing(client), "iter")

    try:
        check(family, run)
    finally:
        sim.faults.clear()
    for header in sent:
        assert header not in ("Bearer None", "Bearer ", "Bearer"), sent


@given(data=st.data(), name=st.sampled_from(sorted(PROCURIFY_LISTS)))
@JUNK
def test_procurify_list_parsers_raise_only_procurify_errors(
    procurify: tuple[ProcurifySimulator, FakeClock], data: st.DataObject, name: str
) -> None:
    sim, clock = procurify
    _run_list(
        sim, lambda: procurify_client(sim, clock), PROCURIFY_LISTS[name], data, ProcurifyError
    )


@given(data=st.data())
@JUNK
def test_procurify_token_parser_raises_only_procurify_errors(
    procurify: tuple[ProcurifySimulator, FakeClock], data: st.DataObject
) -> None:
    sim, clock = procurify
    _run_token(
        sim,
        clock,
        lambda: procurify_client(sim, clock),
        PROCURIFY_LISTS["vendors"],
        data,
        ProcurifyError,
    )


@given(
    data=st.data(),
    name=st.sampled_from(sorted(procore_lists({"project": 1, "commitment": 1, "hook": 1}))),
)
@JUNK
def test_procore_list_parsers_raise_only_procore_errors(
    procore: tuple[ProcoreSimulator, FakeClock, dict[str, int]], data: st.DataObject, name: str
) -> None:
    sim, clock, ids = procore
    _run_list(sim, lambda: procore_client(sim, clock), procore_lists(ids)[name], data, ProcoreError)


@given(data=st.data())
@JUNK
def test_procore_token_parser_raises_only_procore_errors(
    procore: tuple[ProcoreSimulator, FakeClock, dict[str, int]], data: st.DataObject
) -> None:
    sim, clock, ids = procore
    listing = procore_lists(ids)["companies"]
    _run_token(sim, clock, lambda: procore_client(sim, clock), listing, data, ProcoreError)


@given(data=st.data(), name=st.sampled_from(sorted(QAD_LISTS)))
@JUNK
def test_qad_list_parsers_raise_only_qad_errors(
    qad: tuple[QADSimulator, FakeClock, str], data: st.DataObject, name: str
) -> None:
    sim, clock, url = qad
    _run_list(sim, lambda: qad_client(sim, clock, url), QAD_LISTS[name], data, QADError)


@given(data=st.data())
@JUNK
def test_qad_sign_in_parsers_raise_only_qad_errors(
    qad: tuple[QADSimulator, FakeClock, str], data: st.DataObject
) -> None:
    """The securityControl lookup, the password grant and the refresh grant, with junk."""
    sim, clock, url = qad
    _run_token(
        sim, clock, lambda: qad_client(sim, clock, url), QAD_LISTS["suppliers"], data, QADError
    )


def test_the_alarm_turns_a_hang_into_a_failure() -> None:
    """The guard itself: a parser that never returns is reported, not waited for."""

    def spin() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0.2)  # the alarm, sooner than EXAMPLE_SECONDS
        while True:
            pass

    with pytest.raises(Hung):
        check(ProcoreError, spin)


def test_an_escape_fails_the_check() -> None:
    """The guard itself: an exception outside the family is not swallowed."""

    def escape() -> None:
        raise TypeError("a parser bug")

    with pytest.raises(TypeError):
        check(ProcoreError, escape)


# --- what the hunt found, pinned ----------------------------------------------------------------


def _answer(status: int, content: bytes, content_type: str) -> Fault:
    def rewrite(response: httpx.Response) -> httpx.Response:
        return httpx.Response(status, headers={"content-type": content_type}, content=content)

    return Fault.rewrite(rewrite)


def test_a_body_whose_declared_charset_does_not_decode_is_a_typed_error(
    procurify: tuple[ProcurifySimulator, FakeClock],
) -> None:
    """A truncated body that says ``charset=utf-16`` (no BOM): it once raised ``UnicodeError``
    while the error for the unreadable body was being built."""
    sim, clock = procurify
    fault = _answer(200, b'{"data": [', "application/json; charset=utf-16")
    sim.faults.add(fault, predicate=_is_list_call, times=None)
    try:
        with procurify_client(sim, clock) as client, pytest.raises(ProcurifyError) as caught:
            list(client.vendors.list())
    finally:
        sim.faults.clear()
    assert "unreadable response body" in str(caught.value)


@pytest.mark.parametrize("client_id", ["\ud800", "é-client", 12345, {"id": "x"}, None, "", " "])
def test_a_security_control_client_id_that_is_no_id_string_is_a_typed_error(
    qad: tuple[QADSimulator, FakeClock, str], client_id: object
) -> None:
    """A lone surrogate once escaped as ``UnicodeEncodeError`` from building the login form; a
    number or an object was turned into text (``"{'id': 'x'}"``) and sent as the client id."""
    sim, clock, url = qad
    body = {"data": {"securityControls": [{"clientId": client_id, "sessionLength": 60}]}}
    content = json.dumps(body).encode("utf-8", "surrogatepass")
    fault = _answer(200, content, "application/json")
    sim.faults.add(fault, path="/securityControl", times=None)
    try:
        with qad_client(sim, clock, url) as client, pytest.raises(QADError) as caught:
            list(client.suppliers.list())
    finally:
        sim.faults.clear()
    assert "clientId" in str(caught.value)
    assert not any(r.path.endswith("/oauth/token") for r in sim.requests[-3:])

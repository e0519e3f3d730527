"""Pure rules of the Procurify client: configuration, filters, models, errors, facades."""

from __future__ import annotations

import datetime as dt
import inspect
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import procurify_client
from mlconnector_http import (
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthError,
    ConfigurationError,
    Conflict,
    DecodeError,
    FakeClock,
    InProcessBudget,
    NotFound,
    PaginationError,
    PermissionDenied,
    RateLimited,
    RetryPolicy,
    ServerError,
    UnlimitedBudget,
    ValidationError,
    error_class,
)
from mlconnector_http import TransportError as ToolkitTransportError
from procurify_client import (
    AccountCodeInput,
    AsyncProcurifyClient,
    Payment,
    PaymentStatus,
    ProcurifyAuthError,
    ProcurifyClient,
    ProcurifyConfigurationError,
    ProcurifyError,
    ProcurifyNotFound,
    ProcurifyPermissionDenied,
    ProcurifyValidationError,
    PurchaseOrder,
    PurchaseOrderLine,
    Vendor,
    VendorInput,
    VendorType,
)
from procurify_client._convert import dump, load
from procurify_client._exceptions import drf_field_errors, parse_error
from procurify_client._resources import (
    account_codes,
    bills,
    payments,
    purchase_orders,
    receipt_items,
    users,
    vendors,
)

CREDS: dict[str, Any] = {"client_id": "cid", "client_secret": "s3cret-value"}
BASE = httpx.URL("https://acme.procurify.com/")


def _url(op: Any) -> httpx.URL:
    return op.build(BASE, {}, None).url  # type: ignore[no-any-return]


# -- construction --------------------------------------------------------------------------


def test_subdomain_builds_the_tenant_origin_and_headers() -> None:
    with ProcurifyClient(subdomain="Acme", **CREDS) as client:
        assert str(client.config.base_url) == "https://acme.procurify.com/"
        assert client.config.headers == {
            "Accept": "application/json",
            "X-Procurify-Client": "api",
            "User-Agent": "mlconnector/0.1.0 (+procurify_client)",
        }
        assert client.config.family is ProcurifyError


@pytest.mark.parametrize(
    "where",
    [{}, {"subdomain": "acme", "base_url": "https://acme.procurify.com"}],
    ids=["neither", "both"],
)
def test_exactly_one_of_subdomain_and_base_url(where: dict[str, str]) -> None:
    with pytest.raises(ProcurifyConfigurationError, match="exactly one of subdomain"):
        ProcurifyClient(**where, **CREDS)


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ({"subdomain": "acme.procurify.com"}, "tenant's name only"),
        ({"subdomain": "https://acme"}, "tenant's name only"),
        ({"base_url": "https://acme.procurify.com/api/v3"}, "origin only"),
        ({"base_url": "ftp://acme"}, "absolute http"),
        ({"base_url": "acme.procurify.com"}, "absolute http"),
    ],
)
def test_bad_locations_say_how_to_fix_them(where: dict[str, str], message: str) -> None:
    with pytest.raises(ProcurifyConfigurationError, match=message):
        AsyncProcurifyClient(**where, **CREDS)


@pytest.mark.parametrize("field", ["client_id", "client_secret"])
def test_credentials_are_required(field: str) -> None:
    with pytest.raises(ConfigurationError, match=field):
        ProcurifyClient(subdomain="acme", **{**CREDS, field: " "})


def test_transport_and_http_client_are_exclusive() -> None:
    with httpx.Client() as http, pytest.raises(ProcurifyConfigurationError, match="not both"):
        ProcurifyClient(
            subdomain="acme", **CREDS, transport=httpx.MockTransport(print), http_client=http
        )


def test_defaults_and_their_switches() -> None:
    clock = FakeClock()
    with ProcurifyClient(subdomain="acme", **CREDS, clock=clock) as client:
        budget = client.config.budget
        assert isinstance(budget, InProcessBudget)
        assert budget.headers is None
        assert 0 < budget.min_interval <= 0.1
        assert client.config.auth is not None
        assert client.config.auth.clock is clock
        assert client.config.retry == RetryPolicy()
    with ProcurifyClient(
        subdomain="acme", **CREDS, budget=None, retry=None, timeout=5, token_leeway=60
    ) as client:
        assert isinstance(client.config.budget, UnlimitedBudget)
        assert client.config.retry.max_attempts == 1
        assert client.config.timeout == httpx.Timeout(5)
        assert client.config.auth is not None
        assert client.config.auth.leeway == 60


def test_with_options_keeps_the_credential_and_rebinds_resources() -> None:
    with ProcurifyClient(subdomain="acme", **CREDS) as client:
        vendors_before = client.vendors
        other = client.with_options(retry=RetryPolicy.disabled())
        assert other.config.retry.max_attempts == 1
        assert other.config.auth is client.config.auth
        assert other.vendors is not vendors_before
        assert other.vendors._client is other


# -- filters -------------------------------------------------------------------------------


def test_unknown_filters_are_refused_naming_them_and_the_allowed_ones() -> None:
    with pytest.raises(ProcurifyConfigurationError) as caught:
        purchase_orders.list_purchase_orders("purchased", "all", None, None, 100, {"vendor": 3})
    message = str(caught.value)
    assert "vendor" in message
    assert "pref_vendor" in message
    assert "silently ignore" in message
    with pytest.raises(ProcurifyConfigurationError, match="status"):
        bills.list_bills(None, None, 100, {"status": 2})
    with pytest.raises(ProcurifyConfigurationError, match="updated_at_after"):
        payments.list_payments(None, None, None, 100, {"updated_at_after": "x"})


def test_po_list_path_segments_are_checked() -> None:
    op = purchase_orders.list_purchase_orders("receivable", "open", None, None, 100, {})
    assert _url(op).path == "/api/v2/purchase_orders/receivable/open/"
    with pytest.raises(ProcurifyConfigurationError, match="role must be one of purchased"):
        purchase_orders.list_purchase_orders("approver", "all", None, None, 100, {})
    with pytest.raises(ProcurifyConfigurationError, match="status must be one of all"):
        purchase_orders.list_purchase_orders("purchased", "approved", None, None, 100, {})


def test_date_filters_go_out_as_whole_days() -> None:
    late_evening = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    op = purchase_orders.list_purchase_orders(
        "purchased",
        "all",
        late_evening,
        late_evening,
        100,
        {"date_0": dt.date(2026, 1, 2), "pref_vendor": 7, "has_blanket_order_items": False},
    )
    params = _url(op).params
    # 23:30 at -05:00 is 04:30 UTC on 03-02: the days sent are one wider on each side (the
    # tenant's zone is unknown); the client drops what they let through.
    assert params["modified_date_0"] == "2026-03-01"
    assert params["modified_date_1"] == "2026-03-03"
    assert params["date_0"] == "2026-01-02"
    assert params["pref_vendor"] == "7"
    assert params["has_blanket_order_items"] == "false"
    assert params["page_size"] == "100"


def test_datetime_filters_go_out_in_utc() -> None:
    moment = dt.datetime(2026, 3, 1, 23, 30, 15, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    until = dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC)
    op = bills.list_bills(moment, until, 50, {"vendor": [1, 2], "type": 0})
    params = _url(op).params
    assert params["last_modified_datetime_0"] == "2026-03-02T04:30:15Z"
    assert params["last_modified_datetime_1"] == "2026-03-05T12:00:00Z"
    assert params.get_list("vendor[]") == ["1", "2"]
    assert params["type"] == "0"
    single = _url(bills.list_bills(None, None, 50, {"vendor": 4})).params
    assert single["vendor"] == "4"
    assert "last_modified_datetime_0" not in single


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ProcurifyConfigurationError, match="naive datetime"):
        bills.list_bills(dt.datetime(2026, 1, 1), None, 100, {})
    with pytest.raises(ProcurifyConfigurationError, match="naive datetime"):
        purchase_orders.list_purchase_orders(
            "purchased", "all", dt.datetime(2026, 1, 1), None, 100, {}
        )


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"pref_vendor": "7"}, "takes an int"),
        ({"pref_vendor": True}, "takes an int"),
        ({"has_blanket_order_items": "no"}, "True or False"),
        ({"date_0": "2026-01-01"}, "takes a date"),
        ({"purchase_order": dt.date(2026, 1, 1)}, "takes a string"),
    ],
)
def test_filter_values_are_type_checked(filters: dict[str, object], message: str) -> None:
    with pytest.raises(ProcurifyConfigurationError, match=message):
        purchase_orders.list_purchase_orders("purchased", "all", None, None, 100, filters)


def test_payment_filters_use_public_v1_conventions() -> None:
    op = payments.list_payments(
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        None,
        [PaymentStatus.PAID, "failed"],
        25,
        {"ids": [3, 4], "payment_amount": 10.1},
    )
    params = _url(op).params
    assert params["updated_at_after"] == "2026-01-01T00:00:00Z"
    assert params["status"] == "paid,failed"
    assert params["ids"] == "3,4"
    assert params["payment_amount"] == "10.1"
    assert _url(payments.list_payments(None, None, "paid", 25, {})).params["status"] == "paid"


@pytest.mark.parametrize("size", [0, -1, True, "100"])
def test_page_size_must_be_positive(size: object) -> None:
    with pytest.raises(ProcurifyConfigurationError, match="page_size"):
        vendors.VENDORS.list(size, {})  # type: ignore[arg-type]


def test_every_path_keeps_its_trailing_slash() -> None:
    ops = [
        users.get_me(),
        purchase_orders.list_purchase_orders("purchased", "all", None, None, 100, {}),
        purchase_orders.get_purchase_order(12),
        purchase_orders.get_purchase_order("1f9078d5-2835-4cdb-a347-b24fa0f9c074"),
        bills.list_bills(None, None, 100, {}),
        bills.get_bill("1f9078d52835"),
        payments.list_payments(None, None, None, 100, {}),
        receipt_items.list_receipt_items(3, 100, {}),
        vendors.VENDORS.list(100, {}),
        vendors.VENDORS.get(1),
        vendors.VENDORS.create(None, {"name": "x"}),
        vendors.VENDORS.update(1, VendorInput(name="x"), {}),
        vendors.find_vendor_by_external_id("Q-1"),
        account_codes.ACCOUNT_CODES.list(100, {}),
        account_codes.ACCOUNT_CODES.get(1),
        account_codes.ACCOUNT_CODES.create(None, {"code": "1", "description": "d"}),
        account_codes.ACCOUNT_CODES.update(1, None, {"code": "1", "description": "d"}),
    ]
    for op in ops:
        assert _url(op).path.endswith("/"), op.name


@pytest.mark.parametrize(
    "call",
    [
        lambda: vendors.VENDORS.get(0),
        lambda: vendors.VENDORS.get(True),
        lambda: account_codes.ACCOUNT_CODES.get("3"),
        lambda: bills.get_bill("../../oauth/token"),
        lambda: purchase_orders.get_purchase_order("12/../13"),
        lambda: vendors.find_vendor_by_external_id(""),
    ],
)
def test_ids_cannot_build_another_path(call: Any) -> None:
    with pytest.raises(ProcurifyConfigurationError):
        call()


# -- writes --------------------------------------------------------------------------------


def test_writes_send_wire_names_and_only_safe_ones_are_retry_safe() -> None:
    create = vendors.VENDORS.create(
        None, {"name": "Acme", "address_line_one": "1 Main", "email": ["a@b.co"], "type": 4}
    )
    assert create.method == "POST"
    assert not create.retry_safe
    assert create.json == {
        "name": "Acme",
        "addressLineOne": "1 Main",
        "email": ["a@b.co"],
        "type": 4,
        "overall_score": None,
    }
    update = vendors.VENDORS.update(
        9, VendorInput(name="Acme", type=VendorType.REGULAR, overall_score=Decimal("7.5")), {}
    )
    assert update.method == "PUT"
    assert update.retry_safe
    assert json.loads(json.dumps(update.json)) == {
        "name": "Acme",
        "type": 4,
        "email": [],
        "overall_score": "7.5",
    }
    code = account_codes.ACCOUNT_CODES.update(
        2, AccountCodeInput(code="6000", description="Travel", departments=[1]), {}
    )
    assert code.retry_safe
    assert code.json == {"code": "6000", "description": "Travel"}
    assert not account_codes.ACCOUNT_CODES.create(
        None, {"code": "1", "description": "d"}
    ).retry_safe


def test_vendor_bodies_always_carry_the_required_fields() -> None:
    """OptimizedVendorRequest requires email, name, overall_score and type: defaults fill them."""
    for op in (
        vendors.VENDORS.create(None, {"name": "Acme"}),
        vendors.VENDORS.update(3, VendorInput(name="Acme"), {}),
    ):
        assert op.json == {"name": "Acme", "type": 3, "email": [], "overall_score": None}


@pytest.mark.parametrize("score", [Decimal(100), Decimal("-1"), Decimal("1.2345"), Decimal("NaN")])
def test_vendor_overall_score_out_of_the_pattern_is_refused(score: Decimal) -> None:
    with pytest.raises(ProcurifyConfigurationError, match=r"VendorInput\.overall_score"):
        VendorInput(name="Acme", overall_score=score)


def test_input_models_are_checked_before_sending() -> None:
    with pytest.raises(ProcurifyConfigurationError, match=r"unknown VendorInput field: nmae"):
        vendors.VENDORS.create(None, {"nmae": "x"})
    with pytest.raises(ProcurifyConfigurationError, match="needs name"):
        vendors.VENDORS.create(None, {"city": "x"})
    with pytest.raises(ProcurifyConfigurationError, match="not both"):
        vendors.VENDORS.create(VendorInput(name="x"), {"city": "y"})
    with pytest.raises(ProcurifyConfigurationError, match="expected a VendorInput"):
        vendors.VENDORS.create({"name": "x"}, {})  # type: ignore[arg-type]


# -- models --------------------------------------------------------------------------------

money = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: abs(d.adjusted()) < 30
)


@given(money)
def test_money_from_strings_survives_parse_and_dump_exactly(amount: Decimal) -> None:
    payment = load({"id": 1, "amount": str(amount)}, Payment, record="payment 1")
    assert payment.amount == amount
    assert str(payment.amount) == str(amount)
    assert dump(payment)["amount"] == str(amount)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_money_from_floats_is_their_shortest_repr(amount: float) -> None:
    payment = load({"id": 1, "amount": amount}, Payment, record="payment 1")
    assert payment.amount == Decimal(repr(amount))
    assert float(dump(payment)["amount"]) == amount


def test_float_money_is_not_binary_noise() -> None:
    payment = load({"id": 1, "amount": 0.1}, Payment, record="payment 1")
    assert payment.amount == Decimal("0.1")


def test_unknown_enum_values_are_kept() -> None:
    vendor = load({"id": 1, "name": "x", "type": 42}, Vendor, record="vendor 1")
    assert vendor.type is not None
    assert vendor.type == 42
    assert not vendor.type.is_known
    assert vendor.type.name == "UNKNOWN_42"
    assert dump(vendor)["type"] == 42
    payment = load({"id": 1, "amount": "1", "status": "refunded"}, Payment, record="p")
    assert payment.status == "refunded"
    assert payment.status is not None
    assert not payment.status.is_known


def test_datetimes_are_aware_and_records_name_their_wire_fields() -> None:
    po = load(
        {"procurify_PO": 7, "uuid": "u", "date": "2026-01-01T10:00:00", "PO_Num": "X-7"},
        PurchaseOrder,
        record="purchase order 7",
    )
    assert po.id == 7
    assert po.po_number == "X-7"
    assert po.date == dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC)


def test_a_po_line_reads_its_department_from_its_account() -> None:
    wire = {
        "id": 11,
        "accountCode": "6000",
        "account": {
            "id": 203,
            "active": True,
            "budget_used_approved": 7.05877,  # budget figures are not read
            "account_code": {"id": 2, "code": "6000"},
            "department": {
                "id": 5,
                "name": "Operations",
                "external_id": None,
                "active": True,
                "punchout_email": None,
                "branch": {"id": 2, "name": "Warehouse"},
            },
        },
    }
    line = load(wire, PurchaseOrderLine, record="line 11")
    assert line.department == procurify_client.Department(
        id=5, name="Operations", active=True, branch=procurify_client.Branch(id=2, name="Warehouse")
    )
    assert line.account is not None
    assert line.account.id == 203
    assert line.department is line.account.department
    assert line.account_code == "6000"
    for account in ({}, {"account": None}, {"account": {"id": 1, "department": None}}):
        assert load({"id": 1, **account}, PurchaseOrderLine, record="line 1").department is None


@pytest.mark.parametrize(
    ("department", "field"),
    [
        ({"id": "five", "name": "Ops"}, "account.department.id"),
        ({"name": "Ops"}, "account.department.id"),
        ({"id": 5}, "account.department.name"),
        ({"id": 5, "name": ["Ops"]}, "account.department.name"),
    ],
)
def test_a_department_that_does_not_decode_names_its_field(
    department: dict[str, Any], field: str
) -> None:
    wire = {"id": 1, "account": {"id": 2, "department": department}}
    with pytest.raises(DecodeError) as caught:
        load(wire, PurchaseOrderLine, record="line 1")
    assert [path for path, _ in caught.value.fields] == [field]


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "meaning",
    [
        ConfigurationError,
        DecodeError,
        PaginationError,
        ToolkitTransportError,
        APITimeoutError,
        APIStatusError,
        AuthError,
        PermissionDenied,
        NotFound,
        Conflict,
        ValidationError,
        RateLimited,
        ServerError,
    ],
    ids=lambda c: c.__name__,
)
def test_every_toolkit_meaning_has_its_procurify_class(meaning: type[APIError]) -> None:
    found = error_class(ProcurifyError, meaning)
    assert issubclass(found, ProcurifyError)
    assert issubclass(found, meaning)
    assert found.__name__ in procurify_client.__all__


def _response(status: int, body: Any, path: str) -> httpx.Response:
    return httpx.Response(
        status, json=body, request=httpx.Request("GET", f"https://acme.procurify.com{path}")
    )


def test_a_403_says_what_to_check() -> None:
    error = parse_error(
        _response(403, {"detail": "You do not have permission."}, "/api/v3/vendors/"),
        ProcurifyError,
        None,
    )
    assert isinstance(error, ProcurifyPermissionDenied)
    text = str(error)
    assert "You do not have permission." in text
    assert "X-Procurify-Client" in text
    assert "active" in text
    assert "role" in text


def test_a_refused_token_request_says_what_to_check() -> None:
    error = parse_error(
        _response(401, {"error": "invalid_client"}, "/oauth/token"), ProcurifyError, None
    )
    assert isinstance(error, ProcurifyAuthError)
    assert "client_id and client_secret" in str(error)
    plain = parse_error(
        _response(404, {"detail": "Not found."}, "/api/v3/vendors/9/"), ProcurifyError, None
    )
    assert type(plain) is ProcurifyNotFound
    assert str(plain) == "404 GET /api/v3/vendors/9/: Not found."


def test_validation_errors_name_fields() -> None:
    error = parse_error(
        _response(400, {"name": ["This field is required."]}, "/api/v3/vendors/"),
        ProcurifyError,
        None,
    )
    assert isinstance(error, ProcurifyValidationError)
    assert [(e.field, e.message) for e in error.errors] == [("name", "This field is required.")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"detail": "Not found."}, []),
        ({"detail": "Throttled.", "code": "throttled"}, []),
        (
            {"name": ["This field is required."], "type": ['"9" is not a valid choice.']},
            [("name", "This field is required."), ("type", '"9" is not a valid choice.')],
        ),
        (
            {"email": {"1": ["Enter a valid email address."]}},
            [("email[1]", "Enter a valid email address.")],
        ),
        (
            {"order_items": [{}, {"quantity": ["A valid number is required."]}]},
            [("order_items[1].quantity", "A valid number is required.")],
        ),
        ({"payment_term_ref": {"name": ["Too long."]}}, [("payment_term_ref.name", "Too long.")]),
        (["Bills cannot be created."], [("non_field_errors", "Bills cannot be created.")]),
        (
            {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]},
            [("non_field_errors", "Invalid data. Expected a dictionary, but got list.")],
        ),
        ("<html>Bad Request</html>", []),
    ],
)
def test_drf_error_bodies_become_field_paths(body: Any, expected: list[tuple[str, str]]) -> None:
    error = parse_error(_response(400, body, "/api/v3/vendors/"), ProcurifyError, None)
    assert isinstance(error, ProcurifyValidationError)
    assert [(e.field, e.message) for e in error.errors] == expected


_MESSAGES = st.text(min_size=1, max_size=12)
_KEYS = st.from_regex(r"[a-z_]{1,8}|[0-9]{1,2}", fullmatch=True)
_DRF_BODIES = st.recursive(
    st.lists(_MESSAGES, min_size=1, max_size=3),
    lambda inner: (
        st.dictionaries(_KEYS, inner, min_size=1, max_size=3)
        | st.lists(st.dictionaries(_KEYS, inner, max_size=2), min_size=1, max_size=3)
    ),
    max_leaves=12,
)


def _leaves(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value
    return [leaf for item in items for leaf in _leaves(item)]


@given(
    st.dictionaries(
        st.from_regex(r"[a-z]{1,8}", fullmatch=True), _DRF_BODIES, min_size=1, max_size=3
    )
)
def test_every_drf_message_is_kept_once_under_its_field(body: dict[str, Any]) -> None:
    errors = drf_field_errors(body)
    assert sorted(e.message for e in errors) == sorted(_leaves(body))
    for error in errors:
        assert error.field.split(".")[0].split("[")[0] in body


# -- facades -------------------------------------------------------------------------------

PAIRS = [
    (ProcurifyClient, AsyncProcurifyClient),
    (purchase_orders.PurchaseOrders, purchase_orders.AsyncPurchaseOrders),
    (bills.Bills, bills.AsyncBills),
    (payments.Payments, payments.AsyncPayments),
    (vendors.Vendors, vendors.AsyncVendors),
    (account_codes.AccountCodes, account_codes.AsyncAccountCodes),
    (receipt_items.ReceiptItems, receipt_items.AsyncReceiptItems),
]


def _public(cls: type) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls)
        if (
            not name.startswith("_")
            and (inspect.isfunction(member) or isinstance(member, property))
        )
        or (not name.startswith("_") and hasattr(member, "func"))
    }


@pytest.mark.parametrize(("sync", "asynchronous"), PAIRS, ids=lambda c: c.__name__)
def test_sync_and_async_facades_have_the_same_signatures(sync: type, asynchronous: type) -> None:
    sync_members, async_members = _public(sync), _public(asynchronous)
    assert sorted(sync_members) == sorted(async_members)
    for name, member in sync_members.items():
        other = async_members[name]
        if hasattr(member, "func"):  # cached_property resources
            assert (
                other.func.__annotations__["return"]
                == "Async" + member.func.__annotations__["return"]
            )
            continue
        if isinstance(member, property) or name in ("close",):
            continue
        mine, theirs = inspect.signature(member), inspect.signature(other)
        if name in ("with_options",):
            assert mine == theirs
            continue
        assert list(mine.parameters) == list(theirs.parameters), name
        for key, parameter in mine.parameters.items():
            twin = theirs.parameters[key]
            assert (parameter.kind, parameter.default) == (twin.kind, twin.default), name
            if key not in ("transport", "http_client"):
                assert parameter.annotation == twin.annotation, name
        returns = str(mine.return_annotation)
        expected = (
            returns.replace("Paginator", "AsyncPaginator") if "Paginator" in returns else returns
        )
        assert str(theirs.return_annotation) == expected, name
        is_list = "Paginator" in returns
        assert inspect.iscoroutinefunction(other) is not is_list, name


def test_sync_and_async_constructors_take_the_same_arguments() -> None:
    mine = inspect.signature(ProcurifyClient.__init__).parameters
    theirs = inspect.signature(AsyncProcurifyClient.__init__).parameters
    assert list(mine) == list(theirs)
    for name, parameter in mine.items():
        twin = theirs[name]
        assert (parameter.kind, parameter.default) == (twin.kind, twin.default), name
        if name not in ("transport", "http_client"):
            assert parameter.annotation == twin.annotation, name
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for n, p in mine.items() if n != "self")


def test_one_constructor_serves_both_clients_and_documents_every_argument() -> None:
    assert ProcurifyClient.__init__ is AsyncProcurifyClient.__init__
    doc = inspect.getdoc(ProcurifyClient.__init__) or ""
    for name in inspect.signature(ProcurifyClient).parameters:
        assert f"{name}: " in doc, name
    for cls in (ProcurifyClient, AsyncProcurifyClient):
        assert "__init__" in (cls.__doc__ or ""), cls


@pytest.mark.parametrize("cls", [ProcurifyClient, AsyncProcurifyClient], ids=lambda c: c.__name__)
def test_both_clients_check_their_arguments_the_same_way(cls: type[Any]) -> None:
    with pytest.raises(ProcurifyConfigurationError, match="exactly one of subdomain"):
        cls(client_id="i", client_secret="s")
    with pytest.raises(ProcurifyConfigurationError, match="client_secret is required"):
        cls(subdomain="acme", client_id="i", client_secret=" ")
    with pytest.raises(TypeError, match="positional"):
        cls("acme", client_id="i", client_secret="s")
    with pytest.raises(TypeError, match="client_secret"):
        cls(subdomain="acme", client_id="i")
    http = httpx.Client() if cls is ProcurifyClient else httpx.AsyncClient()  # never opened
    with pytest.raises(ProcurifyConfigurationError, match="not both"):
        cls(subdomain="acme", **CREDS, transport=httpx.MockTransport(print), http_client=http)

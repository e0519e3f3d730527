"""Conversion: money exact end to end, times aware, unknown enum values kept."""

from __future__ import annotations

import datetime as dt
import decimal
import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlconnector_http import (
    DecodeError,
    OpenIntEnum,
    OpenStrEnum,
    make_converter,
    parse_date,
    parse_datetime,
    parse_decimal,
    structure,
)


class Status(OpenIntEnum):
    DRAFT = 0
    APPROVED = 2


class Kind(OpenStrEnum):
    PAID = "paid"


@attrs.frozen
class Line:
    amount: decimal.Decimal
    at: dt.datetime
    on: dt.date
    status: Status
    kind: Kind


CONVERTER = make_converter()
money = st.decimals(
    allow_nan=False, allow_infinity=False, places=6, min_value=-(10**12), max_value=10**12
)


@given(money)
def test_money_survives_parse_and_dump_exactly(value: decimal.Decimal) -> None:
    wire = json.loads(json.dumps({"amount": str(value)}))
    line = structure(
        CONVERTER,
        {**wire, "at": "2026-01-01T00:00:00Z", "on": "2026-01-01", "status": 0, "kind": "paid"},
        Line,
        record="line 1",
    )
    assert line.amount == value
    assert CONVERTER.unstructure(line)["amount"] == str(value)
    assert decimal.Decimal(CONVERTER.unstructure(line)["amount"]) == value


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9))
def test_floats_parse_through_their_shortest_repr(value: float) -> None:
    assert parse_decimal(value) == decimal.Decimal(repr(value))
    assert float(parse_decimal(value)) == value


def test_float_money_is_not_binary_noise() -> None:
    assert parse_decimal(0.1) == decimal.Decimal("0.1")
    assert parse_decimal("1,234.50") == decimal.Decimal("1234.50")


@pytest.mark.parametrize("bad", ["NaN", "inf", True, None, [], "12abc"])
def test_bad_money_is_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="number"):
        parse_decimal(bad)


def test_datetimes_are_always_aware() -> None:
    assert parse_datetime("2026-03-01T10:00:00Z").tzinfo is not None
    assert parse_datetime("2026-03-01T10:00:00").utcoffset() == dt.timedelta(0)
    assert parse_datetime("2026-03-01T10:00:00-07:00").utcoffset() == dt.timedelta(hours=-7)
    assert parse_date("2026-03-01T23:00:00Z") == dt.date(2026, 3, 1)


def test_unknown_enum_values_are_kept() -> None:
    assert Status(7).name == "UNKNOWN_7"
    assert Status(7) == 7
    assert not Status(7).is_known
    assert Status(2).is_known
    assert Kind("refunded") == "refunded"
    assert not Kind("refunded").is_known


def test_decode_error_names_record_and_field() -> None:
    with pytest.raises(DecodeError) as caught:
        structure(
            CONVERTER,
            {
                "amount": "ten",
                "at": "2026-01-01T00:00:00Z",
                "on": "2026-01-01",
                "status": 0,
                "kind": "x",
            },
            Line,
            record="bill 7f3a line 2",
        )
    assert caught.value.record == "bill 7f3a line 2"
    assert "amount" in str(caught.value)


def test_a_record_that_does_not_fit_is_a_decode_error_of_the_vendor_family() -> None:
    import httpx

    from mlconnector_http import APIError, ClientConfig, Operation, SyncAPIClient

    class AcmeError(APIError):
        pass

    class AcmeDecodeError(AcmeError, DecodeError):
        pass

    def parse(response: httpx.Response) -> Line:
        return structure(CONVERTER, response.json(), Line, record="line 9")

    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"amount": "x"}))
    config = ClientConfig(base_url="https://api.example.test", family=AcmeError)
    with (
        SyncAPIClient(config, transport=transport) as api,
        pytest.raises(AcmeDecodeError) as caught,
    ):
        api._send(Operation(name="line.get", method="GET", path="/line", parse=parse))
    assert caught.value.record == "line 9"

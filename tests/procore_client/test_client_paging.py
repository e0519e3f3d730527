"""v1 paging (Link, Total, per_page), the date-range filter format, and the deliveries cursor."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
import respx
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from tests.procore_client.test_client_support import (
    CLIENT_ID,
    COMPANY,
    SECRET,
    Recorder,
    fake_clock,
    new_client,
    new_sim,
)

from mlconnector_http import PaginationError, RetryPolicy
from procore_client import ProcoreClient, ProcoreConfigurationError, ProcorePaginationError
from procore_client._paging import date_range, format_instant

_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_pages_follow_link_next_and_expose_total() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.seed(COMPANY, vendors=23)
    recorder = Recorder(sim.transport())
    with new_client(sim, clock, transport=recorder) as client:
        pages = list(client.vendors.list(page_size=10).pages())
    assert [len(p.items) for p in pages] == [10, 10, 3]
    assert {p.total for p in pages} == {23}
    assert [p.has_next_page() for p in pages] == [True, True, False]
    assert [r.url.params.get("page") for r in recorder.requests[1:]] == [None, "2", "3"]
    assert {r.url.params["per_page"] for r in recorder.requests[1:]} == {"10"}


@settings(max_examples=40, deadline=None)
@given(count=st.integers(0, 75), per_page=st.integers(1, 30))
def test_every_record_is_seen_exactly_once_for_any_count_and_page_size(
    count: int, per_page: int
) -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.seed(COMPANY, vendors=count)
    expected = sorted(sim.state.vendors_by_company.get(COMPANY, {}))
    with new_client(sim, clock) as client:
        seen = [v.id for v in client.vendors.list(page_size=per_page)]
    assert sorted(seen) == expected
    assert len(seen) == len(set(seen)) == count
    listing_calls = sim.request_count(path="/rest/v1.0/vendors")
    assert listing_calls == max(1, math.ceil(count / per_page))


def test_per_page_defaults_to_the_documented_2000_and_accepts_1_to_2000() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.seed(COMPANY, vendors=2500)
    recorder = Recorder(sim.transport())
    with new_client(sim, clock, transport=recorder) as client:
        assert [len(p.items) for p in client.vendors.list().pages()] == [2000, 500]
        assert recorder.requests[-1].url.params["per_page"] == "2000"
        first = next(iter(client.vendors.list(page_size=100).pages()))
        assert len(first.items) == 100
        for bad in (0, 2001, True):
            with pytest.raises(ProcoreConfigurationError, match="page_size"):
                client.vendors.list(page_size=bad)


@settings(max_examples=200)
@given(
    start=st.datetimes(
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7, minutes=-30))])
    ),
    length=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=300_000)),
)
def test_date_ranges_are_iso_utc_seconds_joined_by_three_dots_and_never_narrower(
    start: datetime, length: timedelta
) -> None:
    limit = datetime(9999, 12, 30, tzinfo=UTC)
    assume(length < limit - start)
    end = start + length
    [(name, value)] = date_range("updated_at", start, end)
    assert name == "filters[updated_at]"
    low, high = value.split("...")
    assert _STAMP.match(low)
    assert _STAMP.match(high)
    parsed_low = datetime.fromisoformat(low.replace("Z", "+00:00"))
    parsed_high = datetime.fromisoformat(high.replace("Z", "+00:00"))
    assert parsed_low <= start < parsed_low + timedelta(seconds=1)
    assert end <= parsed_high < end + timedelta(seconds=1)


def test_open_ranges_and_bad_datetimes() -> None:
    after = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert date_range("updated_at", after, None) == [
        ("filters[updated_at]", "2026-03-01T12:00:00Z...2999-12-31T23:59:59Z")
    ]
    assert date_range("updated_at", None, after) == [
        ("filters[updated_at]", "1970-01-01T00:00:00Z...2026-03-01T12:00:00Z")
    ]
    assert date_range("updated_at", None, None) == []
    with pytest.raises(ProcoreConfigurationError, match="no time zone"):
        format_instant(datetime(2026, 1, 1))
    with pytest.raises(ProcoreConfigurationError, match=r"ends .* before it starts"):
        date_range("updated_at", after, after - timedelta(seconds=5))


@settings(max_examples=30, deadline=None)
@given(
    offset=st.integers(0, 360 * 86400),
    width=st.integers(0, 120 * 86400),
    micro=st.integers(0, 999_999),
)
def test_updated_range_returns_exactly_the_records_inside_it(
    offset: int, width: int, micro: int
) -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    sim.seed(COMPANY, vendors=60, span_days=365)
    base = clock.now() - timedelta(days=365)
    after = base + timedelta(seconds=offset, microseconds=micro)
    before = after + timedelta(seconds=width)
    low = after.replace(microsecond=0)
    high = before.replace(microsecond=0) + (
        timedelta(seconds=1) if before.microsecond else timedelta(0)
    )
    expected = {
        v.id for v in sim.state.vendors_by_company[COMPANY].values() if low <= v.updated_at <= high
    }
    with new_client(sim, clock) as client:
        got = {v.id for v in client.vendors.list(modified_since=after, modified_before=before)}
    assert got == expected


def test_requisition_and_direct_cost_and_contract_lists_send_the_range() -> None:
    clock = fake_clock()
    sim = new_sim(clock)
    summary = sim.seed(COMPANY, projects=1, requisitions_per_project=5, direct_costs_per_project=2)
    project = summary.project_ids[0]
    recorder = Recorder(sim.transport())
    after = datetime(2025, 1, 1, tzinfo=UTC)
    with new_client(sim, clock, transport=recorder) as client:
        list(client.requisitions.list(project, modified_since=after))
        list(client.direct_costs.list(project, modified_since=after))
        list(client.work_order_contracts.list(project, modified_before=after))
        list(client.projects.list(modified_since=after))
    sent = [r.url.params.get("filters[updated_at]") for r in recorder.requests[1:]]
    assert sent == [
        "2025-01-01T00:00:00Z...2999-12-31T23:59:59Z",
        "2025-01-01T00:00:00Z...2999-12-31T23:59:59Z",
        "1970-01-01T00:00:00Z...2025-01-01T00:00:00Z",
        "2025-01-01T00:00:00Z...2999-12-31T23:59:59Z",
    ]


def _mocked_client() -> ProcoreClient:
    return ProcoreClient(
        client_id=CLIENT_ID,
        client_secret=SECRET,
        company_id=COMPANY,
        retry=RetryPolicy.for_testing(),
        budget=None,
    )


def _token(router: respx.MockRouter) -> None:
    router.post("https://login.procore.com/oauth/token").respond(
        json={"access_token": "tok", "token_type": "bearer", "expires_in": 5400}
    )


def test_without_a_link_header_total_and_per_page_lead_to_the_next_page() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page") or 1)
        rows = [{"id": i} for i in range((page - 1) * 2 + 1, min(page * 2, 5) + 1)]
        return httpx.Response(200, json=rows, headers={"Total": "5", "Per-Page": "2"})

    with respx.mock(assert_all_called=False) as router:
        _token(router)
        router.get("https://api.procore.com/rest/v1.0/companies").mock(side_effect=answer)
        with _mocked_client() as client:
            assert [c.id for c in client.companies.list(page_size=2)] == [1, 2, 3, 4, 5]


def test_a_next_link_to_another_host_is_refused() -> None:
    link = '<https://evil.example/rest/v1.0/companies?page=2>; rel="next"'
    with respx.mock(assert_all_called=False) as router:
        _token(router)
        router.get("https://api.procore.com/rest/v1.0/companies").respond(
            json=[{"id": 1}], headers={"Link": link, "Total": "2"}
        )
        with (
            _mocked_client() as client,
            pytest.raises(PaginationError, match=r"evil\.example") as e,
        ):
            list(client.companies.list())
    assert isinstance(e.value, ProcorePaginationError)


def test_a_base_url_with_a_path_prefix_keeps_it_for_every_call_and_next_link() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.params.get("page") == "2":
            return httpx.Response(200, json=[{"id": 2}])
        link = '<https://gateway.example/procore/rest/v1.0/companies?page=2>; rel="next"'
        return httpx.Response(200, json=[{"id": 1}], headers={"Link": link})

    with respx.mock(assert_all_called=False) as router:
        router.post("https://gateway.example/procore/oauth/token").respond(
            json={"access_token": "tok", "expires_in": 5400}
        )
        router.get("https://gateway.example/procore/rest/v1.0/companies").mock(side_effect=answer)
        client = ProcoreClient(
            client_id=CLIENT_ID,
            client_secret=SECRET,
            company_id=COMPANY,
            base_url="https://gateway.example/procore",
            budget=None,
        )
        with client:
            assert [c.id for c in client.companies.list()] == [1, 2]
    assert seen == ["/procore/rest/v1.0/companies"] * 2

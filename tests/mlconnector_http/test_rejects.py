"""Per-record rejects, loop guards and next-link hygiene of the toolkit's paginators."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.mlconnector_http.toy import ToySimulator, make_config

from mlconnector_http import (
    AsyncAPIClient,
    DecodeError,
    FakeClock,
    Operation,
    Page,
    PaginationError,
    Reject,
    ServerError,
    SyncAPIClient,
    decode_each,
)
from mlconnector_http.testing import Fault


def _decode(index: int, row: Any) -> int:
    if isinstance(row, bool) or not isinstance(row, int):
        raise DecodeError(f"item {index}", [f"not an int: {row!r}"], fields=[("value", "not int")])
    return row


def _parse(response: httpx.Response) -> Page[int]:
    body = response.json()
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ValueError("no data list")
    rows = [
        row["value"] if isinstance(row, dict) and "value" in row else row for row in body["data"]
    ]
    entries = decode_each(
        rows, _decode, identify=lambda row: row, page_url=str(response.request.url)
    )
    return Page.of(entries, next_url=body["next"])


def _list() -> Operation[Page[int]]:
    return Operation(
        name="items.list", method="GET", path="/items/", params=[("page_size", "10")], parse=_parse
    )


def _rewrite(change: Callable[[dict[str, Any]], None]) -> Fault:
    def rewrite(response: httpx.Response) -> httpx.Response:
        body = json.loads(response.read())
        change(body)
        return httpx.Response(response.status_code, json=body)

    return Fault.rewrite(rewrite)


def _poison(position: int, value: Any) -> Fault:
    def change(body: dict[str, Any]) -> None:
        body["data"][position] = value

    return _rewrite(change)


def test_with_rejects_keeps_every_good_record_and_the_bad_one_in_order(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    sim.faults.add(_poison(3, "three"), path="/items/")
    entries = list(client._paginate(_list()).with_rejects())
    assert len(entries) == 25
    reject = entries[3]
    assert isinstance(reject, Reject)
    assert reject.raw == "three"
    assert reject.record_id == "three"
    assert reject.field == "value"
    assert reject.reason == "not int"
    assert reject.page_url is not None
    assert reject.page_url.startswith("https://api.example.test/")
    assert [e for e in entries if not isinstance(e, Reject)] == [i for i in range(25) if i != 3]


def test_plain_iteration_yields_the_good_records_before_raising_at_the_bad_one(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    sim.faults.add(_poison(3, "three"), path="/items/")
    items = iter(client._paginate(_list()))
    assert [next(items), next(items), next(items)] == [0, 1, 2]
    with pytest.raises(DecodeError, match="item 3"):
        next(items)


def test_pages_raise_on_a_reject_unless_asked_for_them(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    sim.faults.add(_poison(0, None), path="/items/", times=None)
    with pytest.raises(DecodeError):
        list(client._paginate(_list()).pages())
    pages = list(client._paginate(_list()).pages(with_rejects=True))
    assert [len(p.rejects) for p in pages] == [1, 1, 1]
    assert [len(p.items) for p in pages] == [9, 9, 4]
    assert isinstance(pages[0].entries()[0], Reject)


def test_a_broken_envelope_still_raises(client: SyncAPIClient, sim: ToySimulator) -> None:
    def change(body: dict[str, Any]) -> None:
        body["data"] = {"not": "a list"}

    sim.faults.add(_rewrite(change), path="/items/", times=None)
    with pytest.raises(ServerError):
        list(client._paginate(_list()).with_rejects())


def test_async_with_rejects_matches_the_sync_one(clock: FakeClock) -> None:
    sim = ToySimulator(clock=clock)
    sim.faults.add(_poison(3, "three"), path="/items/")

    async def run() -> list[int | Reject]:
        async with AsyncAPIClient(make_config(clock), transport=sim.transport()) as api:
            return [entry async for entry in api._paginate(_list()).with_rejects()]

    entries = asyncio.run(run())
    assert len(entries) == 25
    assert isinstance(entries[3], Reject)


def test_empty_pages_that_keep_pointing_on_are_refused(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    def change(body: dict[str, Any]) -> None:
        page = int(httpx.URL(body["next"] or "https://x/?page=99").params["page"])
        body["data"] = []
        body["next"] = f"https://api.example.test/items/?page={page}&page_size=10"

    sim.faults.add(_rewrite(change), path="/items/", times=None)
    with pytest.raises(PaginationError, match="empty pages"):
        list(client._paginate(_list()))
    assert sim.request_count(path="/items/") == 3


def test_an_http_next_link_to_the_https_host_is_followed_as_https(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    def change(body: dict[str, Any]) -> None:
        if body["next"]:
            body["next"] = body["next"].replace("https://", "http://")

    sim.faults.add(_rewrite(change), path="/items/", times=None)
    assert list(client._paginate(_list())) == list(range(25))
    assert all(r.url.startswith("https://api.example.test/") for r in sim.requests)


@pytest.mark.parametrize("link", ["http://[::1", "https://api.example.test:99999/items/"])
def test_a_malformed_next_link_is_a_pagination_error(
    client: SyncAPIClient, sim: ToySimulator, link: str
) -> None:
    def change(body: dict[str, Any]) -> None:
        body["next"] = link

    sim.faults.add(_rewrite(change), path="/items/", times=None)
    with pytest.raises(PaginationError):
        list(client._paginate(_list()))


@given(st.lists(st.one_of(st.integers(), st.text(), st.none(), st.booleans()), max_size=30))
def test_decode_each_keeps_every_row_once_in_order(rows: list[Any]) -> None:
    entries = decode_each(rows, _decode)
    assert len(entries) == len(rows)
    for row, entry in zip(rows, entries, strict=True):
        if isinstance(entry, Reject):
            assert entry.raw is row
            assert entry.to_error().fields == (("value", "not int"),)
        else:
            assert entry == row


def test_exact_matches_checks_the_reference_and_refuses_an_unreadable_match(
    client: SyncAPIClient, sim: ToySimulator
) -> None:
    paginator = client._paginate(_list())
    assert paginator.exact_matches("7", str, str) == [7]
    sim.faults.add(_poison(7, {"value": "7"}), path="/items/")
    with pytest.raises(DecodeError):
        client._paginate(_list()).exact_matches("7", str, lambda raw: raw)
    sim.faults.add(_poison(8, "junk"), path="/items/")
    assert client._paginate(_list()).exact_matches("7", str, lambda raw: raw) == [7]

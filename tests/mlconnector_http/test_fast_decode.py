"""The fast decoding path accepts and refuses exactly what the detailed one does.

Listings structure records with a converter built without cattrs' detailed validation and
with generated per-class functions that check plain fields inline; a record it refuses is
structured again by the detailed converter to name the field. These tests hold the two to the
same answers on the toolkit's own models and on the vendors' real record shapes, and hold
:func:`loads` to the standard library's reading of a body.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import typing
import weakref
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlconnector_http import (
    DECODE_FAILURES,
    DecodeError,
    Decoder,
    OpenIntEnum,
    OpenStrEnum,
    Reject,
    loads,
    make_converter,
    make_structure_fn,
)


class Colour(OpenStrEnum):
    RED = "red"
    BLUE = "blue"


class Level(OpenIntEnum):
    LOW = 1
    HIGH = 2


class Plain(enum.Enum):
    A = "a"


@attrs.frozen(kw_only=True)
class Inner:
    code: str
    amount: Decimal | None = None


@attrs.frozen(kw_only=True)
class Record:
    id: int
    name: str
    active: bool = True
    note: str | None = None
    count: int | None = None
    flag: bool | None = None
    ratio: float | None = None
    price: Decimal = Decimal("0")
    at: dt.datetime | None = None
    day: dt.date | None = None
    colour: Colour | None = None
    level: Level = Level.LOW
    plain: Plain | None = None
    inner: Inner | None = None
    inners: tuple[Inner, ...] = ()
    tags: tuple[str, ...] = ()
    extra: dict[str, Any] = attrs.Factory(dict)
    wire_named: str | None = None


_HINTS = typing.get_type_hints(Record)

# the same fields on a dict class: the fast path fills its ``__dict__`` instead of calling
# ``__init__``; on the slotted ``Record`` it calls ``__init__``
RecordDict = attrs.make_class(
    "RecordDict",
    {f.name: attrs.field(default=f.default, type=_HINTS[f.name]) for f in attrs.fields(Record)},
    frozen=True,
    slots=False,
    kw_only=True,
)
MODELS = [Record, RecordDict]
RENAMES = {"wire_named": "wireName"}


def _build(detailed_validation: bool) -> Any:
    converter = make_converter(detailed_validation=detailed_validation)
    for model in MODELS:
        converter.register_structure_hook(model, make_structure_fn(model, converter, RENAMES))
    return converter


DECODER = Decoder(_build)

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(
        [
            "red",
            "purple",
            "a",
            "",
            "1.50",
            "1,200.00",
            " 7 ",
            "NaN",
            "2026-01-02",
            "2026-01-02T03:04:05Z",
            "2026-01-02T03:04:05",
            " 2026-01-02T03:04:05+02:00 ",
            "2026-01-02T03:04:05z",
        ]
    ),
    st.sampled_from([1, 2, 3, 7.0, 7.5, 1e999]),
    st.just({"code": "X", "amount": "1.5"}),
    st.just({"code": 5}),
    st.just([{"code": "A"}, {"code": "B", "amount": 2}]),
    st.just(["x", "y"]),
    st.just("xy"),
    st.just({}),
    st.just([]),
)

KEYS = [
    "id",
    "name",
    "active",
    "note",
    "count",
    "flag",
    "ratio",
    "price",
    "at",
    "day",
    "colour",
    "level",
    "plain",
    "inner",
    "inners",
    "tags",
    "extra",
    "wireName",
    "wire_named",
]

GOOD: dict[str, Any] = {
    "id": 7,
    "name": "Acme",
    "note": None,
    "price": "12.50",
    "at": "2026-01-02T03:04:05Z",
    "colour": "blue",
    "level": 2,
    "inner": {"code": "C", "amount": 3},
    "inners": [{"code": "D"}],
    "tags": ["a"],
    "wireName": "w",
}


def _outcome(converter: Any, data: Any, model: type) -> tuple[str, Any]:
    try:
        return "ok", converter.structure(data, model)
    except DECODE_FAILURES:
        return "refused", None


@settings(max_examples=400, deadline=None)
@given(
    changes=st.dictionaries(st.sampled_from(KEYS), JUNK, max_size=4),
    drop=st.sets(st.sampled_from(KEYS), max_size=3),
    model=st.sampled_from(MODELS),
)
def test_fast_and_detailed_agree_on_any_record(
    changes: dict[str, Any], drop: set[str], model: type
) -> None:
    data = {k: v for k, v in {**GOOD, **changes}.items() if k not in drop}
    fast = _outcome(DECODER.fast, data, model)
    detailed = _outcome(DECODER.detailed, data, model)
    assert fast[0] == detailed[0], (data, fast, detailed)
    if fast[0] == "ok":
        assert fast[1] == detailed[1]
        assert type(fast[1].colour) is type(detailed[1].colour)
        assert attrs.asdict(fast[1], recurse=False) == attrs.asdict(detailed[1], recurse=False)


COMPLETE = Decoder(_build)  # only ever sees records with every key: its one-call path


@settings(max_examples=300, deadline=None)
@given(changes=st.dictionaries(st.sampled_from(KEYS), JUNK, max_size=4))
def test_a_record_with_every_key_takes_the_one_call_path_and_still_agrees(
    changes: dict[str, Any],
) -> None:
    full = {"active": False, "count": 3, "flag": None, "ratio": 1.5, "day": "2026-01-02"}
    full |= {"plain": "a", "extra": {"k": 1}, **GOOD, **changes}
    full.pop("wire_named", None)
    fast = _outcome(COMPLETE.fast, full, RecordDict)
    detailed = _outcome(COMPLETE.detailed, full, RecordDict)
    assert fast[0] == detailed[0], (full, fast, detailed)
    assert fast[1] == detailed[1]


def test_the_one_call_path_is_the_one_taken_for_complete_records() -> None:
    hook = COMPLETE.fast.get_structure_hook(RecordDict)
    misses = hook.__globals__["__misses"]
    full = {key: GOOD.get(key) for key in KEYS if key != "wire_named"} | GOOD
    full |= {"active": True, "price": "1", "level": 1, "tags": [], "extra": {}}
    assert hook(full, RecordDict) == COMPLETE.detailed.structure(full, RecordDict)
    assert misses == [0]


PARTIAL = Decoder(_build)  # sees records that lack keys: a function per key set, then one


@settings(max_examples=200, deadline=None)
@given(
    changes=st.dictionaries(st.sampled_from(KEYS), JUNK, max_size=4),
    drop=st.sets(st.sampled_from(KEYS), min_size=1, max_size=4),
)
def test_records_that_lack_keys_read_through_their_key_sets_function_and_still_agree(
    changes: dict[str, Any], drop: set[str]
) -> None:
    hook = PARTIAL.fast.get_structure_hook(RecordDict)
    full = {"active": False, "count": 3, "flag": None, "ratio": 1.5, "day": "2026-01-02"}
    full |= {"plain": "a", "extra": {"k": 1}, **GOOD, **changes}
    data = {k: v for k, v in full.items() if k not in drop}
    fast = _outcome(PARTIAL.fast, data, RecordDict)
    detailed = _outcome(PARTIAL.detailed, data, RecordDict)
    assert fast[0] == detailed[0], (data, fast, detailed)
    assert fast[1] == detailed[1]
    if fast[0] == "ok":
        assert attrs.asdict(fast[1], recurse=False) == attrs.asdict(detailed[1], recurse=False)
    assert hook.__globals__["__misses"][0] <= 32


@given(value=JUNK, model=st.sampled_from(MODELS))
def test_a_record_that_is_no_object_is_refused_by_both(value: Any, model: type) -> None:
    assert _outcome(DECODER.fast, value, model)[0] == _outcome(DECODER.detailed, value, model)[0]


def test_the_fast_path_keeps_the_detailed_reasons_for_a_bad_record() -> None:
    bad = {**GOOD, "id": "7", "inners": [{"code": "D"}, {"code": 5}]}
    rows = DECODER.rows([GOOD, bad, GOOD], Record, label=lambda row: f"record {row['id']}")
    assert [type(entry) for entry in rows] == [Record, Reject, Record]
    reject = rows[1]
    assert isinstance(reject, Reject)
    assert (reject.record_id, reject.field) == ("7", "id")
    assert "inners[1].code" in reject.reason
    with pytest.raises(DecodeError, match=r"record 7: .*@ \$Record\.id"):
        DECODER.one(bad, Record, record="record 7")


@pytest.mark.parametrize("model", MODELS)
def test_defaults_are_the_models_own(model: Any) -> None:
    record = DECODER.one({"id": 1, "name": "n"}, model, record="record 1")
    assert record == model(id=1, name="n")
    assert record.extra == {}
    assert record.extra is not model(id=2, name="m").extra  # a fresh factory default


def test_a_filled_dict_record_is_an_ordinary_frozen_instance() -> None:
    record = DECODER.fast.structure(GOOD, RecordDict)
    assert set(vars(record)) == {f.name for f in attrs.fields(RecordDict)}
    assert record == RecordDict(**vars(record))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        record.name = "changed"
    assert attrs.evolve(record, name="other").name == "other"


JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**25), max_value=10**25),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=8),
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(value=JSON_VALUES)
def test_loads_reads_a_body_as_the_standard_library_does(value: Any) -> None:
    body = json.dumps(value).encode()
    assert loads(body) == json.loads(body)
    assert repr(loads(body)) == repr(json.loads(body))  # ints stay ints, floats floats


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": 123456789012345678901234567890}',
        b'{"id": -9223372036854775809}',
        b'{"total": NaN}',
        b'{"total": 1e999}',
        b'\xef\xbb\xbf{"id": 1}',
        b'"\\ud800"',
    ],
)
def test_what_orjson_would_misread_or_refuse_goes_to_the_standard_library(body: bytes) -> None:
    got, expected = loads(body), json.loads(body)
    assert repr(got) == repr(expected)
    if isinstance(expected, dict) and isinstance(expected.get("total"), float):
        assert math.isnan(got["total"]) or math.isinf(got["total"])


@pytest.mark.parametrize("body", [b"", b"{", b"\xff\xfe{}", b"[1,]"])
def test_a_broken_body_raises_as_the_standard_library_does(body: bytes) -> None:
    unreadable = (json.JSONDecodeError, UnicodeDecodeError)
    with pytest.raises(unreadable) as expected:
        json.loads(body)
    with pytest.raises(type(expected.value)):
        loads(body)


def test_a_listing_keeps_no_dropped_page_response_alive() -> None:
    """Decoding runs with the collector paused, and an httpx response is cyclic garbage
    (it and its stream): the paginator collects each dropped page's response, so a listing
    holds one page's body, not every body since the last full collection."""
    from procore_client import ProcoreClient
    from procore_client.testing import ProcoreSimulator

    sim = ProcoreSimulator(hourly_limit=None, spike_limit=None)
    sim.add_app("app", "secret")
    sim.add_company(8_000_000_777, "Paged Builders", installed_for=["app"])
    sim.seed(8_000_000_777, vendors=40, projects=1)
    responses: list[weakref.ref[httpx.Response]] = []
    http = httpx.Client(
        transport=sim.transport(),
        event_hooks={"response": [lambda response: responses.append(weakref.ref(response))]},
    )
    client = ProcoreClient(
        client_id="app",
        client_secret="secret",
        company_id=8_000_000_777,
        budget=None,
        http_client=http,
    )
    alive: list[int] = []
    with client, http:
        for index, _ in enumerate(client.vendors.list(page_size=4)):
            if index % 4 == 3:  # the last vendor of a page: the pages before are dropped
                alive.append(sum(ref() is not None for ref in responses[1:]))
    assert len(alive) == 10
    assert max(alive) <= 2, alive

"""QAD browses keep every good row next to a reject for each undecodable one."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from mlconnector_http import Reject
from mlconnector_http.testing import Fault
from qad_client import QADDecodeError, Supplier

from .test_client_support import make_world

BROWSE = "/api/qracore/browses"


def _poison(position: int, **fields: Any) -> Fault:
    def rewrite(response: httpx.Response) -> httpx.Response:
        body = json.loads(response.read())
        body["data"][position].update(fields)
        return httpx.Response(response.status_code, json=body)

    return Fault.rewrite(rewrite)


def test_one_bad_supplier_row_costs_no_other() -> None:
    world = make_world(suppliers=6)
    world.sim.faults.add(_poison(1, **{"supplierV2.businessRelationName": {"x": 1}}), path=BROWSE)
    with world.client() as client:
        entries = list(client.suppliers.list(page_size=3).with_rejects())
    assert len(entries) == 6
    reject = entries[1]
    assert isinstance(reject, Reject)
    assert reject.field == "name"
    assert reject.record_id == world.seed.suppliers[1]
    assert all(isinstance(e, Supplier) for i, e in enumerate(entries) if i != 1)


def test_a_stamp_past_year_9999_is_a_reject_not_an_overflow() -> None:
    world = make_world(suppliers=2)
    stamp = {
        "supplierV2.lastModifiedDate": "9999-12-31",
        "supplierV2.lastModifiedTime": "86400",
        "supplierV2.lastModifiedDateTime": None,
    }
    world.sim.faults.add(_poison(0, **stamp), path=BROWSE)
    with world.client() as client:
        entries = list(client.suppliers.list().with_rejects())
    assert isinstance(entries[0], Reject)
    assert entries[0].field == "modified_at"
    world.sim.faults.add(_poison(0, **stamp), path=BROWSE)
    with world.client() as client:
        with pytest.raises(QADDecodeError, match="9999"):
            list(client.suppliers.list())


def test_a_number_where_text_is_due_is_read_but_an_object_is_refused() -> None:
    world = make_world(suppliers=2)
    world.sim.faults.add(_poison(0, **{"supplierV2.city": 10}), path=BROWSE)
    with world.client() as client:
        first = next(iter(client.suppliers.list()))
    assert first.city == "10"
    world.sim.faults.add(_poison(0, **{"supplierV2.city": ["x"]}), path=BROWSE)
    with world.client() as client:
        entries = list(client.suppliers.list().with_rejects())
    assert isinstance(entries[0], Reject)
    assert entries[0].field == "city"

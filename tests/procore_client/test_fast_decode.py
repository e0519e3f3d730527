"""The fast decoding path refuses and accepts Procore records exactly as the detailed one.

Real record shapes from the simulator (vendors with business registers, requisitions with
their summaries, direct costs), each with one field changed to junk at any depth.
"""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlconnector_http import DECODE_FAILURES
from procore_client import DirectCost, Requisition, Vendor
from procore_client._convert import decoder
from procore_client.testing import ProcoreSimulator

COMPANY = 8_000_000_321
API = "https://api.procore.com"
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**65), max_value=2**65),
    st.floats(),
    st.text(max_size=4),
    st.sampled_from(["", "1.5", "2026-01-02T03:04:05Z", "x", {"id": 1}, [1, 2], [], {}]),
)


def _records() -> dict[type, list[Any]]:
    sim = ProcoreSimulator(hourly_limit=None, spike_limit=None)
    sim.add_app("app", "secret")
    sim.add_company(COMPANY, "Fast Builders", installed_for=["app"])
    seeded = sim.seed(
        COMPANY,
        vendors=6,
        projects=1,
        requisitions_per_project=4,
        direct_costs_per_project=4,
        cost_codes_per_project=2,
    )
    project = seeded.project_ids[0]
    with httpx.Client(transport=sim.transport(), base_url=API) as http:
        token = http.post(
            "https://login.procore.com/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "app",
                "client_secret": "secret",
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(COMPANY)}
        get = lambda path, **params: http.get(path, params=params, headers=headers).json()  # noqa: E731
        return {
            Vendor: get("/rest/v1.0/vendors", company_id=COMPANY),
            Requisition: get("/rest/v1.1/requisitions", project_id=project),
            DirectCost: get(f"/rest/v1.1/projects/{project}/direct_costs"),
        }


RECORDS = _records()


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:2]):
            found += _paths(inner, (*prefix, index))
    return found


def _replaced(value: Any, path: tuple[Any, ...], junk: Any) -> Any:
    if not path:
        return junk
    head, rest = path[0], path[1:]
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replaced(copy[head], rest, junk)
    return copy


def _outcome(converter: Any, data: Any, model: type) -> tuple[str, Any]:
    try:
        return "ok", converter.structure(data, model)
    except DECODE_FAILURES:
        return "refused", None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), junk=JUNK)
def test_fast_and_detailed_agree_on_real_records_with_one_junk_field(
    data: st.DataObject, junk: Any
) -> None:
    model = data.draw(st.sampled_from(sorted(RECORDS, key=lambda cls: cls.__name__)))
    record = data.draw(st.sampled_from(RECORDS[model]))
    path = data.draw(st.sampled_from(_paths(record)))
    changed = _replaced(record, path, junk)
    fast = _outcome(decoder.fast, changed, model)
    detailed = _outcome(decoder.detailed, changed, model)
    assert fast[0] == detailed[0], (path, junk, fast, detailed)
    assert fast[1] == detailed[1]


def test_every_real_record_decodes_on_the_fast_path() -> None:
    for model, records in RECORDS.items():
        assert records
        for record in records:
            assert decoder.fast.structure(record, model) == decoder.detailed.structure(
                record, model
            )

"""The fast decoding path refuses and accepts Procore records exactly as the detailed one.

Real record shapes from the simulator (vendors with business registers, requisitions with
their summaries, direct costs), each with one field changed to junk at any depth.
"""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.mlconnector_http.decode_parity import check_one_junk_field, check_real_records

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


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), junk=JUNK)
def test_fast_and_detailed_agree_on_real_records_with_one_junk_field(
    data: st.DataObject, junk: Any
) -> None:
    check_one_junk_field(decoder, RECORDS, data, junk)


def test_every_real_record_decodes_on_the_fast_path() -> None:
    check_real_records(decoder, RECORDS)

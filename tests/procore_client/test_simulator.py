"""The Procore simulator driven with plain httpx: hosts, auth, scoping, paging, filters, rules."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.procore_client.test_client_support import plain_token

from mlconnector_http.testing import FakeClock
from procore_client.testing import PATHS, ProcoreSimulator, service_unavailable

CLIENT_ID = "app-one"
SECRET = "s3cret-value"
COMPANY = 8_000_000_123
OTHER_COMPANY = 9
START = datetime(2026, 1, 1, tzinfo=UTC)


def fresh(**options: Any) -> tuple[ProcoreSimulator, FakeClock]:
    clock = FakeClock(START)
    options.setdefault("spike_limit", None)
    options.setdefault("hourly_limit", None)
    sim = ProcoreSimulator(clock=clock, **options)
    sim.add_app(CLIENT_ID, SECRET)
    sim.add_app("app-two", "other-secret")
    sim.add_company(COMPANY, "Acme Builders", installed_for=[CLIENT_ID, "app-two"])
    sim.add_company(OTHER_COMPANY, "Not Ours", installed_for=["app-two"])
    return sim, clock


def token(
    sim: ProcoreSimulator,
    host: str = "login.procore.com",
    client_id: str = CLIENT_ID,
    secret: str = SECRET,
) -> str:
    with httpx.Client(transport=sim.transport()) as client:
        return plain_token(client, client_id, secret, f"https://{host}")


def api(
    sim: ProcoreSimulator, bearer: str, company: int | None = COMPANY, host: str = "api.procore.com"
) -> httpx.Client:
    headers = {"Authorization": f"Bearer {bearer}"}
    if company is not None:
        headers["Procore-Company-Id"] = str(company)
    return httpx.Client(transport=sim.transport(), base_url=f"https://{host}", headers=headers)


@pytest.fixture
def env() -> Iterator[tuple[ProcoreSimulator, FakeClock, httpx.Client]]:
    sim, clock = fresh()
    with api(sim, token(sim)) as client:
        yield sim, clock, client


# -- hosts and tokens ----------------------------------------------------------------------------


def test_token_endpoint_answers_client_credentials_without_refresh_token() -> None:
    sim, clock = fresh()
    with httpx.Client(transport=sim.transport()) as client:
        answer = client.post(
            "https://login.procore.com/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": CLIENT_ID,
                "client_secret": SECRET,
            },
        )
    body = answer.json()
    assert answer.status_code == 200
    assert set(body) == {"access_token", "token_type", "expires_in", "created_at"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 5400
    assert body["created_at"] == int(clock.time())
    assert sim.stats.tokens_issued == 1


@pytest.mark.parametrize("style", ["json", "basic", "multipart"])
def test_token_endpoint_accepts_json_basic_and_multipart_bodies(style: str) -> None:
    sim, _ = fresh()
    url = "https://login-sandbox.procore.com/oauth/token"
    with httpx.Client(transport=sim.transport()) as client:
        if style == "json":
            answer = client.post(
                url,
                json={
                    "grant_type": "client_credentials",
                    "client_id": CLIENT_ID,
                    "client_secret": SECRET,
                },
            )
        elif style == "basic":
            answer = client.post(
                url, data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, SECRET)
            )
        else:
            answer = client.post(
                url,
                files={
                    "grant_type": (None, "client_credentials"),
                    "client_id": (None, CLIENT_ID),
                    "client_secret": (None, SECRET),
                },
            )
    assert answer.status_code == 200, answer.text


def test_bad_credentials_and_grants_are_refused_in_oauth_shapes() -> None:
    sim, _ = fresh()
    with httpx.Client(transport=sim.transport(), base_url="https://login.procore.com") as client:
        bad = client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": CLIENT_ID,
                "client_secret": "no",
            },
        )
        grant = client.post("/oauth/token", data={"grant_type": "password"})
        refresh = client.post("/oauth/token", data={"grant_type": "refresh_token"})
    assert bad.status_code == 401
    assert bad.json()["error"] == "invalid_client"
    assert grant.status_code == 400
    assert grant.json()["error"] == "unsupported_grant_type"
    assert refresh.json()["error"] == "invalid_grant"


def test_login_and_api_hosts_serve_only_their_own_paths() -> None:
    sim, _ = fresh()
    bearer = token(sim)
    with httpx.Client(transport=sim.transport()) as client:
        on_api = client.post(
            "https://api.procore.com/oauth/token", data={"grant_type": "client_credentials"}
        )
        on_login = client.get(
            "https://login.procore.com/rest/v1.0/me", headers={"Authorization": f"Bearer {bearer}"}
        )
        unknown = client.get("https://app.procore.com/rest/v1.0/me")
    assert on_api.status_code == 404
    assert on_login.status_code == 404
    assert unknown.status_code == 404


def test_tokens_work_only_in_the_environment_that_minted_them() -> None:
    sim, _ = fresh()
    sandbox = token(sim, host="login-sandbox.procore.com")
    monthly = token(sim, host="login-sandbox-monthly.procore.com")
    with api(sim, sandbox, host="api.procore.com") as prod:
        assert prod.get("/rest/v1.0/me").status_code == 401
    with api(sim, sandbox, host="sandbox.procore.com") as client:
        assert client.get("/rest/v1.0/me").status_code == 200
    with api(sim, monthly, host="api-monthly.procore.com") as client:
        assert client.get("/rest/v1.0/me").status_code == 200


def test_app_limited_to_environments_cannot_log_in_elsewhere() -> None:
    sim, _ = fresh()
    sim.add_app("sandbox-only", "pw", environments={"sandbox"})
    with httpx.Client(transport=sim.transport()) as client:
        form = {
            "grant_type": "client_credentials",
            "client_id": "sandbox-only",
            "client_secret": "pw",
        }
        assert client.post("https://login.procore.com/oauth/token", data=form).status_code == 401
        ok = client.post("https://login-sandbox.procore.com/oauth/token", data=form)
    assert ok.status_code == 200


def test_token_expires_after_5400_seconds_on_the_injected_clock() -> None:
    sim, clock = fresh()
    with api(sim, token(sim)) as client:
        clock.advance(5399)
        assert client.get("/rest/v1.0/me").status_code == 200
        clock.advance(1)
        expired = client.get("/rest/v1.0/me")
    assert expired.status_code == 401
    assert expired.json() == {"message": "The access token expired", "error": "invalid_token"}
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]


def test_missing_unknown_and_revoked_tokens_are_401() -> None:
    sim, _ = fresh()
    bearer = token(sim)
    with httpx.Client(transport=sim.transport(), base_url="https://api.procore.com") as client:
        assert client.get("/rest/v1.0/me").status_code == 401
        wrong = client.get("/rest/v1.0/me", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        login = "https://login.procore.com"
        info = client.get(
            f"{login}/oauth/token/info", headers={"Authorization": f"Bearer {bearer}"}
        )
        assert info.json()["expires_in_seconds"] == 5400
        client.post(f"{login}/oauth/revoke", data={"token": bearer})
        revoked = client.get(
            "/rest/v1.0/me",
            headers={"Authorization": f"Bearer {bearer}", "Procore-Company-Id": str(COMPANY)},
        )
    assert revoked.status_code == 401


def test_expire_tokens_forces_a_new_token() -> None:
    sim, _ = fresh()
    with api(sim, token(sim)) as client:
        sim.expire_tokens()
        assert client.get("/rest/v1.0/me").status_code == 401


# -- company scoping and DMSA --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/rest/v1.0/me", "/rest/v1.0/companies"])
def test_company_header_is_required_even_on_me_and_companies(path: str) -> None:
    sim, _ = fresh()
    with api(sim, token(sim), company=None) as client:
        answer = client.get(path)
    assert answer.status_code == 400
    assert answer.json() == {"errors": "Missing Procore-Company-Id header!"}


def test_company_header_naming_a_company_without_the_app_is_403() -> None:
    sim, _ = fresh()
    bearer = token(sim)
    with api(sim, bearer, company=OTHER_COMPANY) as client:
        answer = client.get("/rest/v1.0/me")
    assert answer.status_code == 403
    assert answer.json() == {"errors": "App is not connected to this company"}
    with api(sim, bearer, company=424242) as client:
        assert client.get("/rest/v1.0/me").status_code == 403
    with api(sim, bearer) as client:
        assert (
            client.get("/rest/v1.0/vendors", params={"company_id": OTHER_COMPANY}).status_code
            == 403
        )
        sim.uninstall_app(COMPANY, CLIENT_ID)
        assert client.get("/rest/v1.0/me").status_code == 403


def test_companies_lists_where_the_app_is_installed(env: Any) -> None:
    _, _, client = env
    answer = client.get("/rest/v1.0/companies")
    assert [c["id"] for c in answer.json()] == [COMPANY]
    me = client.get("/rest/v1.0/me").json()
    assert set(me) == {"id", "login", "name"}


def test_dmsa_project_not_permitted_reads_403_and_is_not_listed(env: Any) -> None:
    sim, _, client = env
    granted = sim.add_project(COMPANY, name="Granted")
    hidden = sim.add_project(COMPANY, name="Hidden", permitted_for=["app-two"])
    listed = client.get("/rest/v1.0/projects", params={"company_id": COMPANY}).json()
    assert [p["id"] for p in listed] == [granted.id]
    assert granted.id > 2**31
    denied = client.get("/rest/v1.0/requisitions", params={"project_id": hidden.id})
    assert denied.status_code == 403
    assert "errors" in denied.json()
    direct = client.get(f"/rest/v1.1/projects/{hidden.id}/direct_costs")
    assert direct.status_code == 403
    sim.permit_project(hidden.id, CLIENT_ID)
    assert (
        client.get("/rest/v1.0/requisitions", params={"project_id": hidden.id}).status_code == 200
    )
    missing = client.get("/rest/v1.0/requisitions", params={"project_id": 12345})
    assert missing.status_code == 404


def test_missing_required_query_parameter_is_400(env: Any) -> None:
    _, _, client = env
    answer = client.get("/rest/v1.0/vendors")
    assert answer.status_code == 400
    assert answer.json() == {"errors": "company_id is missing"}


def test_unknown_path_and_wrong_method(env: Any) -> None:
    _, _, client = env
    assert client.get("/rest/v1.0/nothing_here").status_code == 404
    assert client.delete("/rest/v1.0/vendors").status_code == 405


# -- pagination ----------------------------------------------------------------------------------


def _links(answer: httpx.Response) -> dict[str, str]:
    return {str(rel): link["url"] for rel, link in answer.links.items()}


def test_link_total_and_per_page_headers_follow_api_pagination(env: Any) -> None:
    sim, _, client = env
    sim.seed(COMPANY, vendors=25)
    params = {"company_id": COMPANY, "per_page": 10}
    first = client.get("/rest/v1.0/vendors", params=params)
    assert first.headers["Total"] == "25"
    assert first.headers["Per-Page"] == "10"
    assert set(_links(first)) == {"next", "last"}
    assert "page=3" in _links(first)["last"]
    middle = client.get("/rest/v1.0/vendors", params={**params, "page": 2})
    assert set(_links(middle)) == {"first", "prev", "next", "last"}
    last = client.get(_links(middle)["next"])
    assert len(last.json()) == 5
    assert set(_links(last)) == {"first", "prev"}
    beyond = client.get("/rest/v1.0/vendors", params={**params, "page": 9})
    assert beyond.json() == []
    single = client.get("/rest/v1.0/vendors", params={"company_id": COMPANY})
    assert "Link" not in single.headers
    assert single.headers["Per-Page"] == "100"


def test_per_page_is_clamped_to_the_maximum() -> None:
    sim, _ = fresh(max_per_page=7)
    sim.seed(COMPANY, vendors=10)
    with api(sim, token(sim)) as client:
        answer = client.get("/rest/v1.0/vendors", params={"company_id": COMPANY, "per_page": 5000})
    assert answer.headers["Per-Page"] == "7"
    assert len(answer.json()) == 7


def test_per_page_up_to_2000_is_served_and_reported_as_used() -> None:
    sim, _ = fresh()
    sim.seed(COMPANY, vendors=2100)
    with api(sim, token(sim)) as client:
        full = client.get("/rest/v1.0/vendors", params={"company_id": COMPANY, "per_page": 2000})
        over = client.get("/rest/v1.0/vendors", params={"company_id": COMPANY, "per_page": 5000})
    assert (full.headers["Per-Page"], len(full.json())) == ("2000", 2000)
    assert (over.headers["Per-Page"], len(over.json())) == ("2000", 2000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    count=st.integers(min_value=0, max_value=60), per_page=st.integers(min_value=1, max_value=25)
)
def test_following_next_yields_every_record_exactly_once(count: int, per_page: int) -> None:
    sim, _ = fresh()
    sim.seed(COMPANY, vendors=count, seed=count)
    expected = set(sim.state.vendors_by_company[COMPANY])
    seen: list[int] = []
    with api(sim, token(sim)) as client:
        answer = client.get(
            "/rest/v1.0/vendors", params={"company_id": COMPANY, "per_page": per_page}
        )
        assert answer.headers["Total"] == str(count)
        while True:
            seen.extend(v["id"] for v in answer.json())
            following = _links(answer).get("next")
            if following is None:
                break
            answer = client.get(following)
    assert len(seen) == len(set(seen)) == count
    assert set(seen) == expected


# -- filters -------------------------------------------------------------------------------------


def test_updated_at_range_filters_are_inclusive_and_accept_dates_and_offsets() -> None:
    sim, clock = fresh()
    early = sim.add_vendor(COMPANY, "Early Electric")
    clock.advance(86_400)
    middle = sim.add_vendor(COMPANY, "Middle Masonry")
    clock.advance(86_400)
    late = sim.add_vendor(COMPANY, "Late Landscaping")
    client = api(sim, token(sim))

    def ids(value: str) -> list[int]:
        answer = client.get(
            "/rest/v1.0/vendors", params={"company_id": COMPANY, "filters[updated_at]": value}
        )
        assert answer.status_code == 200, answer.text
        return [v["id"] for v in answer.json()]

    assert ids("2026-01-02T00:00:00Z...2026-01-03T00:00:00Z") == [middle.id, late.id]
    assert ids("2026-01-01...2026-01-01") == [early.id]
    assert ids("2026-01-02T05:00:00+05:00...2026-01-02T05:00:00+05:00") == [middle.id]
    assert ids('"2025-01-01T00:00:00Z...2027-01-01T00:00:00Z"') == [early.id, middle.id, late.id]
    bad = client.get(
        "/rest/v1.0/vendors", params={"company_id": COMPANY, "filters[updated_at]": "yesterday"}
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "BAD_REQUEST"
    client.close()


def test_vendor_filters_origin_search_and_ids(env: Any) -> None:
    sim, _, client = env
    one = sim.add_vendor(COMPANY, "Harbor Steel", origin_id="ERP-1", keywords="rebar")
    two = sim.add_vendor(COMPANY, "Cascade Glass")
    client.post(
        f"/rest/v1.0/vendors/{two.id}/business_register",
        json={
            "company_id": COMPANY,
            "business_register": {"type": "ein", "identifier": "12-3456789"},
        },
    )

    def ids(**filters: Any) -> list[int]:
        params = {"company_id": COMPANY, **{f"filters[{k}]": v for k, v in filters.items()}}
        return [v["id"] for v in client.get("/rest/v1.0/vendors", params=params).json()]

    assert ids(origin_id="ERP-1") == [one.id]
    assert ids(search="harbor") == [one.id]
    assert ids(search="REBAR") == [one.id]
    assert ids(search="123456789") == [two.id]
    answer = client.get(
        "/rest/v1.0/vendors", params=[("company_id", COMPANY), ("filters[id][]", two.id)]
    )
    assert [v["id"] for v in answer.json()] == [two.id]
    by_name = client.get("/rest/v1.0/vendors", params={"company_id": COMPANY, "sort": "name"})
    assert [v["name"] for v in by_name.json()] == ["Cascade Glass", "Harbor Steel"]


def test_requisition_status_filter_and_bad_status(env: Any) -> None:
    sim, _, client = env
    project = sim.add_project(COMPANY)
    commitment = sim.add_commitment(project.id, amounts=[1000])
    draft = sim.add_requisition(project.id, commitment.id, status="draft")
    sim.add_requisition(project.id, commitment.id, status="approved")
    found = client.get(
        "/rest/v1.0/requisitions", params={"project_id": project.id, "filters[status]": "draft"}
    )
    assert [r["id"] for r in found.json()] == [draft.id]
    wrong = client.get(
        "/rest/v1.0/requisitions", params={"project_id": project.id, "filters[status]": "Draft"}
    )
    assert wrong.status_code == 400


# -- vendors: writes and rules -------------------------------------------------------------------


def test_vendor_create_get_patch_and_validation(env: Any) -> None:
    _, _, client = env
    created = client.post(
        "/rest/v1.0/vendors",
        json={"company_id": COMPANY, "vendor": {"name": "Pioneer Paving", "country_code": "us"}},
    )
    assert created.status_code == 201
    vendor = created.json()
    assert vendor["country_code"] == "US"
    assert vendor["id"] > 2**31
    fetched = client.get(f"/rest/v1.0/vendors/{vendor['id']}", params={"company_id": COMPANY})
    assert fetched.json()["name"] == "Pioneer Paving"
    patched = client.patch(
        f"/rest/v1.0/vendors/{vendor['id']}",
        json={"company_id": COMPANY, "vendor": {"is_active": False}},
    )
    assert patched.json()["is_active"] is False
    blank = client.post("/rest/v1.0/vendors", json={"company_id": COMPANY, "vendor": {"name": ""}})
    assert blank.status_code == 422
    assert blank.json() == {"errors": {"name": ["can't be blank"]}}
    missing = client.get("/rest/v1.0/vendors/1", params={"company_id": COMPANY})
    assert missing.status_code == 404
    assert "errors" in missing.json()


def test_origin_id_is_unique_per_company(env: Any) -> None:
    sim, _, client = env
    first = client.post(
        "/rest/v1.0/vendors",
        json={"company_id": COMPANY, "vendor": {"name": "A", "origin_id": "ERP-7"}},
    )
    assert first.status_code == 201
    again = client.post(
        "/rest/v1.0/vendors",
        json={"company_id": COMPANY, "vendor": {"name": "B", "origin_id": "ERP-7"}},
    )
    assert again.status_code == 409
    assert again.json() == {"errors": {"origin_id": ["has already been taken"]}}
    other = client.post(
        "/rest/v1.0/vendors",
        json={"company_id": COMPANY, "vendor": {"name": "C", "origin_id": "ERP-8"}},
    )
    steal = client.patch(
        f"/rest/v1.0/vendors/{other.json()['id']}",
        json={"company_id": COMPANY, "vendor": {"origin_id": "ERP-7"}},
    )
    assert steal.status_code == 409
    sim.install_app(OTHER_COMPANY, CLIENT_ID)
    elsewhere = client.post(
        "/rest/v1.0/vendors",
        json={"company_id": OTHER_COMPANY, "vendor": {"name": "D", "origin_id": "ERP-7"}},
    )
    assert elsewhere.status_code == 201


def test_business_register_create_conflict_and_update(env: Any) -> None:
    sim, _, client = env
    vendor = sim.add_vendor(COMPANY, "Atlas Roofing")
    url = f"/rest/v1.0/vendors/{vendor.id}/business_register"
    body = {
        "company_id": COMPANY,
        "business_register": {"type": "abn", "identifier": "51 824 753 556"},
    }
    assert client.patch(url, json=body).status_code == 404
    created = client.post(url, json=body)
    assert created.status_code == 201
    assert created.json()["identifier"] == "51824753556"
    assert set(created.json()) == {"id", "type", "identifier", "verified_at", "verification_status"}
    second = client.post(url, json=body)
    assert second.status_code == 409
    assert second.json() == {"errors": "A Business Register is already associated with the Vendor."}
    assert vendor.business_register is not None
    vendor.business_register.verification_status = "active"
    changed = client.patch(
        url, json={"company_id": COMPANY, "business_register": {"identifier": "53-004-085-616"}}
    )
    assert changed.status_code == 200
    assert changed.json()["verification_status"] is None
    invalid = client.patch(
        url, json={"company_id": COMPANY, "business_register": {"identifier": "123"}}
    )
    assert invalid.status_code == 422


def test_sync_upserts_and_reports_errors_inside_a_200(env: Any) -> None:
    sim, _, client = env
    existing = sim.add_vendor(COMPANY, "Keystone Concrete", origin_id="K-1")
    updates = [
        {"origin_id": "K-1", "city": "Denver"},
        {
            "origin_id": "NEW-1",
            "name": "Brand New",
            "business_register_attributes": {"type": "ein", "identifier": "987654321"},
        },
        {"id": 1, "name": "Ghost"},
        {"origin_id": "NEW-2", "name": "Bad Country", "country_code": "USA"},
        {"name": "No keys"},
    ]
    answer = client.patch(
        "/rest/v1.0/vendors/sync", json={"company_id": COMPANY, "updates": updates}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert [e["origin_id"] for e in body["entities"]] == ["K-1", "NEW-1"]
    assert existing.fields["city"] == "Denver"
    assert body["entities"][1]["business_register"]["identifier"] == "987654321"
    errors = body["errors"]
    assert [e.get("name") for e in errors] == ["Ghost", "Bad Country", "No keys"]
    assert errors[0]["errors"] == {"id": ["not found"]}
    assert "country_code" in errors[1]["errors"]
    too_many = client.patch(
        "/rest/v1.0/vendors/sync",
        json={"company_id": COMPANY, "updates": [{"origin_id": str(i)} for i in range(1001)]},
    )
    assert too_many.status_code == 413


# -- financial resources -------------------------------------------------------------------------


@pytest.fixture
def seeded(env: Any) -> Any:
    sim, clock, client = env
    summary = sim.seed(
        COMPANY,
        vendors=30,
        projects=2,
        requisitions_per_project=12,
        cost_codes_per_project=12,
        line_item_types=4,
        commitments_per_project=4,
        payments_per_commitment=2,
        direct_costs_per_project=3,
    )
    return sim, clock, client, summary


def _first(client: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, (path, answer.text)
    rows = answer.json()
    assert isinstance(rows, list)
    assert rows
    assert "Total" in answer.headers
    row = rows[0]
    assert isinstance(row, dict)
    return row


def test_every_read_path_answers(seeded: Any) -> None:
    _, _, client, summary = seeded
    pid = summary.project_ids[0]
    project = _first(client, "/rest/v1.0/projects", company_id=COMPANY)
    assert project["id"] == pid
    assert _first(client, "/rest/v1.1/projects", company_id=COMPANY)["id"] == pid
    assert client.get(f"/rest/v1.0/companies/{COMPANY}/projects").status_code == 200
    assert client.get("/rest/v1.0/company_base_url").json()["zone"]

    code = _first(client, "/rest/v1.0/cost_codes", project_id=pid)
    assert (
        client.get(f"/rest/v1.0/cost_codes/{code['id']}", params={"project_id": pid}).json()[
            "full_code"
        ]
        == code["full_code"]
    )
    kind = _first(client, "/rest/v1.0/line_item_types", company_id=COMPANY)
    assert _first(client, "/rest/v1.0/line_item_types", project_id=pid)["id"] == kind["id"]
    assert (
        client.get(
            f"/rest/v1.0/line_item_types/{kind['id']}", params={"company_id": COMPANY}
        ).json()["base_type"]
        == kind["base_type"]
    )

    req10 = _first(client, "/rest/v1.0/requisitions", project_id=pid)
    assert isinstance(req10["total_claimed_amount"], str)
    req11 = _first(client, "/rest/v1.1/requisitions", project_id=pid, view="extended")
    assert req11["items"]
    assert "vendor_id" in req11
    shown = client.get(f"/rest/v1.1/requisitions/{req11['id']}", params={"project_id": pid})
    assert shown.json()["id"] == req11["id"]
    assert (
        client.get(f"/rest/v1.0/requisitions/{req10['id']}", params={"project_id": pid}).status_code
        == 200
    )

    for resource in ("work_order_contracts", "purchase_order_contracts"):
        row = _first(client, f"/rest/v1.0/{resource}", project_id=pid)
        detail = client.get(f"/rest/v1.0/{resource}/{row['id']}", params={"project_id": pid})
        assert detail.json()["line_items"]
        assert isinstance(detail.json()["grand_total"], str)
        line = _first(client, f"/rest/v1.0/{resource}/{row['id']}/line_items", project_id=pid)
        assert line["holder"]["id"] == row["id"]
    commitment = _first(client, "/rest/v1.0/commitments", project_id=pid)
    assert (
        client.get(
            f"/rest/v1.0/commitments/{commitment['id']}", params={"project_id": pid}
        ).status_code
        == 200
    )
    payment = _first(
        client, "/rest/v1.0/contract_payments", project_id=pid, contract_id=commitment["id"]
    )
    assert (
        client.get(
            f"/rest/v1.0/contract_payments/{payment['id']}",
            params={"project_id": pid, "contract_id": commitment["id"]},
        ).json()["amount"]
        == payment["amount"]
    )

    cost = _first(client, f"/rest/v1.1/projects/{pid}/direct_costs")
    detail = client.get(f"/rest/v1.1/projects/{pid}/direct_costs/{cost['id']}").json()
    assert detail["line_items"]
    assert detail["grand_total"] == cost["grand_total"]
    assert len(PATHS) > 30


def test_requisition_patch_rules_and_erp_lock(seeded: Any) -> None:
    sim, _, client, summary = seeded
    pid = summary.project_ids[0]
    rid = next(iter(sim.state.requisitions_by_project[pid]))
    url = f"/rest/v1.0/requisitions/{rid}"
    cid = sim.state.requisitions_by_project[pid][rid].commitment_id
    without = client.patch(url, json={"project_id": pid, "requisition": {"origin_data": "x"}})
    assert without.status_code == 400
    assert "commitment_id" in without.text
    wrong = {"project_id": pid, "commitment_id": cid + 10**9, "requisition": {"origin_data": "x"}}
    assert client.patch(url, json=wrong).status_code == 404
    bad = client.patch(
        url, json={"project_id": pid, "commitment_id": cid, "requisition": {"status": "paid"}}
    )
    assert bad.status_code == 422
    assert bad.json() == {"errors": {"status": ["is not included in the list"]}}
    synced = client.patch(
        url,
        json={
            "project_id": pid,
            "commitment_id": cid,
            "requisition": {"origin_id": "AP-1", "origin_data": "x"},
        },
    )
    assert synced.status_code == 200
    assert synced.json()["origin_id"] == "AP-1"
    locked = client.patch(
        url,
        json={"project_id": pid, "commitment_id": cid, "requisition": {"invoice_number": "9"}},
    )
    assert locked.status_code == 422
    assert set(locked.json()) == {"message", "error"}
    again = client.patch(
        f"/rest/v1.1/requisitions/{rid}",
        json={"project_id": pid, "commitment_id": cid, "requisition": {"origin_data": "y"}},
    )
    assert again.status_code == 200
    other = next(r for r in sim.state.requisitions_by_project[pid] if r != rid)
    other_cid = sim.state.requisitions_by_project[pid][other].commitment_id
    taken = client.patch(
        f"/rest/v1.0/requisitions/{other}",
        json={"project_id": pid, "commitment_id": other_cid, "requisition": {"origin_id": "AP-1"}},
    )
    assert taken.status_code == 409


def test_direct_cost_create_patch_lock_and_delete(seeded: Any) -> None:
    sim, _, client, summary = seeded
    pid = summary.project_ids[0]
    vendor_id = next(iter(sim.state.vendors_by_company[COMPANY]))
    code_id = max(sim.state.cost_codes_by_project[pid])
    base = f"/rest/v1.1/projects/{pid}/direct_costs"
    missing = client.post(base, json={"direct_cost": {"direct_cost_type": "invoice"}})
    assert missing.status_code == 422
    assert "vendor_id" in missing.json()["errors"]
    created = client.post(
        base,
        json={
            "direct_cost": {
                "vendor_id": vendor_id,
                "direct_cost_type": "invoice",
                "invoice_number": "INV-1",
                "direct_cost_date": "2026-01-01",
                "line_items": [
                    {"wbs_code_id": code_id, "amount": "100.50"},
                    {"wbs_code_id": code_id, "quantity": 2, "unit_cost": "10"},
                ],
            }
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["grand_total"] == "120.50"
    assert [line["amount"] for line in body["line_items"]] == ["100.50", "20.00"]
    url = f"{base}/{body['id']}"
    assert client.patch(url, json={"direct_cost": {"status": "approved"}}).status_code == 200
    assert client.patch(url, json={"direct_cost": {"origin_id": "AP-9"}}).status_code == 200
    locked = client.patch(url, json={"direct_cost": {"description": "late edit"}})
    assert locked.status_code == 422
    assert client.delete(url).status_code == 422
    fresh_cost = client.post(
        base, json={"direct_cost": {"vendor_id": vendor_id, "direct_cost_type": "expense"}}
    )
    gone = f"{base}/{fresh_cost.json()['id']}"
    assert client.delete(gone).status_code == 204
    assert client.get(gone).status_code == 404


def test_direct_costs_take_subcontractor_invoices_and_at_most_100_lines(seeded: Any) -> None:
    sim, _, client, summary = seeded
    pid = summary.project_ids[0]
    vendor_id = next(iter(sim.state.vendors_by_company[COMPANY]))
    code_id = max(sim.state.cost_codes_by_project[pid])
    base = f"/rest/v1.1/projects/{pid}/direct_costs"

    def body(lines: int) -> dict[str, Any]:
        line = {"wbs_code_id": code_id, "amount": "1.00"}
        cost = {"vendor_id": vendor_id, "direct_cost_type": "subcontractor_invoice"}
        return {"direct_cost": {**cost, "line_items": [line] * lines}}

    over = client.post(base, json=body(101))
    assert over.status_code == 422
    assert "line_items" in over.json()["errors"]
    full = client.post(base, json=body(100))
    assert full.status_code == 201, full.text
    assert full.json()["direct_cost_type"] == "subcontractor_invoice"
    assert len(full.json()["line_items"]) == 100
    url = f"{base}/{full.json()['id']}"
    first_line = full.json()["line_items"][0]["id"]
    one_more = {"wbs_code_id": code_id, "amount": "1.00"}
    added = client.patch(url, json={"direct_cost": {"line_items": [one_more]}})
    assert added.status_code == 422
    edited = client.patch(
        url, json={"direct_cost": {"line_items": [{"id": first_line, "amount": "2.00"}]}}
    )
    assert edited.status_code == 200


# -- faults and reset ----------------------------------------------------------------------------


def test_kernel_faults_inject_503_with_retry_after(env: Any) -> None:
    sim, _, client = env
    rule = sim.faults.add(service_unavailable(retry_after=3), path="/rest/v1.0/me", times=1)
    first = client.get("/rest/v1.0/me")
    assert first.status_code == 503
    assert first.headers["Retry-After"] == "3"
    assert client.get("/rest/v1.0/me").status_code == 200
    assert rule.fired == 1


def test_reset_forgets_everything(env: Any) -> None:
    sim, _, client = env
    sim.seed(COMPANY, vendors=3)
    sim.reset()
    assert sim.state.vendors == {}
    assert sim.requests == []
    assert client.get("/rest/v1.0/me").status_code == 401
    assert sim.stats.tokens_issued == 0


def test_direct_cost_patch_updates_lines_by_id_and_adds_new_ones(seeded: Any) -> None:
    sim, _, client, summary = seeded
    pid = summary.project_ids[1]
    cost_id = next(iter(sim.state.direct_costs_by_project[pid]))
    url = f"/rest/v1.1/projects/{pid}/direct_costs/{cost_id}"
    before = client.get(url).json()["line_items"]
    code_id = before[0]["cost_code"]["id"]
    answer = client.patch(
        url,
        json={
            "direct_cost": {
                "line_items": [
                    {"id": before[0]["id"], "amount": "1.00"},
                    {"wbs_code_id": code_id, "amount": "2.00", "description": "added"},
                ]
            }
        },
    )
    assert answer.status_code == 200, answer.text
    after = answer.json()["line_items"]
    assert after[0]["id"] == before[0]["id"]
    assert after[0]["amount"] == "1.00"
    assert after[0]["description"] == before[0]["description"]
    assert len(after) == len(before) + 1
    assert after[-1]["description"] == "added"
    unknown = client.patch(url, json={"direct_cost": {"line_items": [{"id": 1}]}})
    assert unknown.status_code == 422


def test_the_transport_also_serves_async_clients() -> None:
    sim, _ = fresh()
    bearer = token(sim)

    async def fetch() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=sim.transport(),
            base_url="https://api.procore.com",
            headers={"Authorization": f"Bearer {bearer}", "Procore-Company-Id": str(COMPANY)},
        ) as client:
            return await client.get("/rest/v1.0/me")

    assert asyncio.run(fetch()).status_code == 200


def test_cost_codes_are_created_and_patched_with_their_full_code_and_origin(seeded: Any) -> None:
    sim, _, client, summary = seeded
    pid = summary.project_ids[0]
    parent = next(iter(sim.state.cost_codes_by_project[pid].values()))
    blank = client.post("/rest/v1.0/cost_codes", json={"project_id": pid, "cost_code": {}})
    assert blank.status_code == 422
    assert set(blank.json()["errors"]) == {"code", "name"}
    body = {"code": "510", "name": "Steel", "parent_id": str(parent.id), "origin_id": "GL-510"}
    made = client.post("/rest/v1.0/cost_codes", json={"project_id": pid, "cost_code": body})
    assert made.status_code == 201, made.text
    assert made.json()["full_code"] == f"{parent.full_code}-510"
    assert made.json()["origin_id"] == "GL-510"
    again = client.post("/rest/v1.0/cost_codes", json={"project_id": pid, "cost_code": body})
    assert again.status_code == 409
    url = f"/rest/v1.0/cost_codes/{made.json()['id']}"
    patched = client.patch(
        url, json={"project_id": pid, "cost_code": {"code": "520", "origin_id": "GL-520"}}
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["full_code"], patched.json()["origin_id"]) == (
        f"{parent.full_code}-520",
        "GL-520",
    )
    listed = client.get(
        "/rest/v1.0/cost_codes", params={"project_id": pid, "filters[origin_id]": "GL-520"}
    )
    assert [c["id"] for c in listed.json()] == [made.json()["id"]]
    moved = client.patch(url, json={"project_id": pid, "cost_code": {"parent_id": parent.id}})
    assert moved.status_code == 422

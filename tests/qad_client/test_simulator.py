"""The QAD simulator over plain httpx: auth, tenancy, envelopes, master-data rules, browses."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlconnector_http.testing import FakeClock
from qad_client.testing import QADSimulator, Tolerances, rate_limited, unavailable

from .test_simulator_support import WORKSPACE, login, problems, remove, token, write

BROWSE = "urn:browse:bebrowse:com.qad.erp."
SUPPLIER_BROWSE = BROWSE + "base.supplierV2s"
ITEM_BROWSE = BROWSE + "base.items"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> QADSimulator:
    sim = QADSimulator(clock=clock)
    sim.add_tenant("acme", domains={"10USA": "10USACO", "11CAN": "11CANCO"})
    sim.add_user("acme", "alice", "secret")
    sim.seed("acme", suppliers=5, items=5, cost_centres=3, sub_accounts=2, projects=3)
    return sim


@pytest.fixture
def api(sim: QADSimulator) -> Iterator[httpx.Client]:
    with login(sim) as client:
        yield client


def saved(reply: Any, plural: str) -> list[dict[str, Any]]:
    assert reply["submitResult"]["success"] is True, reply["submitResult"]
    records: list[dict[str, Any]] = reply[plural]
    return records


def read(api: httpx.Client, plural: str, **params: str) -> list[dict[str, Any]]:
    response = api.get(f"/api/erp/{plural}", params=params)
    assert response.status_code == 200, response.text
    records: list[dict[str, Any]] = response.json()["data"][plural]
    return records


def total(api: httpx.Client, browse_id: str, *filters: str, path: str = "totalCount") -> Any:
    query = [("browseId", browse_id), *(("filter", f) for f in filters)]
    response = api.get(f"/api/qracore/browses/{path}", params=query)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def browse(api: httpx.Client, browse_id: str, *filters: str, **params: str | int) -> Any:
    query: list[tuple[str, str | int]] = [("browseId", browse_id), *params.items()]
    query += [("filter", f) for f in filters]
    response = api.get("/api/qracore/browses", params=query)
    assert response.status_code == 200, response.text
    return response.json()


def basic(user: str, pw: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()


# --- authentication ----------------------------------------------------------------------------


def test_security_control_answers_basic_auth_with_client_id_and_session_limits(
    sim: QADSimulator,
) -> None:
    with httpx.Client(transport=sim.transport(), base_url=sim.base_url("acme")) as client:
        ok = client.get(
            "/api/qracore/securityControl", headers={"authorization": basic("alice", "secret")}
        )
        bad = client.get(
            "/api/qracore/securityControl", headers={"authorization": basic("alice", "x")}
        )
    assert ok.status_code == 200
    assert ok.json() == {
        "data": {
            "securityControls": [
                {"clientId": sim.client_id("acme"), "sessionLength": 480, "timeoutMinutes": 30}
            ]
        }
    }
    assert bad.status_code == 401
    assert "basic" in bad.headers["www-authenticate"].lower()


def test_password_grant_returns_a_bearer_pair(sim: QADSimulator) -> None:
    with httpx.Client(transport=sim.transport(), base_url=sim.base_url("acme")) as client:
        grant = token(sim, client)
    assert set(grant) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert grant["token_type"] == "bearer"
    assert grant["expires_in"] == 1800
    assert sim.counters["token.password"] == 1


def test_password_grant_accepts_query_parameters(sim: QADSimulator) -> None:
    params = {"grant_type": "password", "client_id": sim.client_id("acme")}
    params |= {"username": "alice", "password": "secret"}
    with httpx.Client(transport=sim.transport(), base_url=sim.base_url("acme")) as client:
        response = client.post("/oauth/token", params=params)
    assert response.status_code == 200
    assert response.json()["access_token"]


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({"grant_type": "password", "username": "alice", "password": "nope"}, 400, "invalid_grant"),
        ({"grant_type": "password", "username": "bob", "password": "secret"}, 400, "invalid_grant"),
        ({"grant_type": "password", "client_id": "other"}, 401, "invalid_client"),
        ({"grant_type": "implicit"}, 400, "unsupported_grant_type"),
        ({"grant_type": "refresh_token", "refresh_token": "made-up"}, 400, "invalid_grant"),
    ],
)
def test_token_errors_use_oauth_bodies(
    sim: QADSimulator, form: dict[str, str], status: int, error: str
) -> None:
    full = {"client_id": sim.client_id("acme"), **form}
    with httpx.Client(transport=sim.transport(), base_url=sim.base_url("acme")) as client:
        response = client.post("/oauth/token", data=full)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert sim.counters["token.rejected"] == 1


def test_refresh_tokens_are_single_use_and_rotate(sim: QADSimulator) -> None:
    with httpx.Client(transport=sim.transport(), base_url=sim.base_url("acme")) as client:
        first = token(sim, client)
        form = {"grant_type": "refresh_token", "client_id": sim.client_id("acme")}
        second = client.post("/oauth/token", data={**form, "refresh_token": first["refresh_token"]})
        reused = client.post("/oauth/token", data={**form, "refresh_token": first["refresh_token"]})
        third = client.post(
            "/oauth/token", data={**form, "refresh_token": second.json()["refresh_token"]}
        )
    assert second.status_code == 200
    assert second.json()["refresh_token"] != first["refresh_token"]
    assert second.json()["access_token"] != first["access_token"]
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    assert third.status_code == 200
    assert sim.counters["token.refresh_token"] == 2


def test_client_credentials_for_service_accounts(sim: QADSimulator) -> None:
    sim.add_service_account("acme", "svc-sync", "s3cret", permissions=["supplierV2s:read"])
    form = {"grant_type": "client_credentials"}
    with httpx.Client(transport=sim.transport(), base_url=sim.base_url("acme")) as client:
        in_form = client.post(
            "/oauth/token", data={**form, "client_id": "svc-sync", "client_secret": "s3cret"}
        )
        in_header = client.post(
            "/oauth/token", data=form, headers={"authorization": basic("svc-sync", "s3cret")}
        )
        wrong = client.post(
            "/oauth/token", data={**form, "client_id": "svc-sync", "client_secret": "x"}
        )
        bearer = {"authorization": f"Bearer {in_form.json()['access_token']}"}
        reads = client.get("/api/erp/supplierV2s", params={"domainCode": "10USA"}, headers=bearer)
        writes = client.post("/api/erp/supplierV2s", json={"supplierV2s": []}, headers=bearer)
    assert in_form.status_code == 200
    assert "refresh_token" not in in_form.json()
    assert in_header.status_code == 200
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert reads.status_code == 200
    assert writes.status_code == 403


def test_api_requires_a_valid_bearer_token(sim: QADSimulator) -> None:
    url = "/api/erp/supplierV2s?domainCode=10USA"
    with httpx.Client(transport=sim.transport(), base_url=sim.base_url("acme")) as client:
        missing = client.get(url)
        bogus = client.get(url, headers={"authorization": "Bearer nope"})
        basic_on_erp = client.get(url, headers={"authorization": basic("alice", "secret")})
    for response in (missing, bogus, basic_on_erp):
        assert response.status_code == 401
        assert "bearer" in response.headers["www-authenticate"].lower()


def test_basic_auth_is_accepted_on_browses(sim: QADSimulator) -> None:
    headers = {"authorization": basic("alice", "secret"), "x-qad-workspace-id": WORKSPACE}
    with httpx.Client(
        transport=sim.transport(), base_url=sim.base_url("acme"), headers=headers
    ) as client:
        page = browse(client, SUPPLIER_BROWSE)
    assert len(page["data"]) == 5


def test_access_token_expires_after_expires_in(sim: QADSimulator, clock: FakeClock) -> None:
    with login(sim) as api:
        clock.advance(1799)
        assert api.get("/api/erp/supplierV2s").status_code == 200
        clock.advance(2)
        expired = api.get("/api/erp/supplierV2s")
    assert expired.status_code == 401
    assert expired.json()["error"] == "invalid_token"
    assert sim.counters["auth.expired"] == 1


def test_idle_session_times_out(clock: FakeClock) -> None:
    sim = QADSimulator(clock=clock, token_lifetime=4 * 3600, timeout_minutes=30)
    sim.add_tenant("acme")
    sim.add_user("acme", "alice", "secret")
    with login(sim) as api:
        for _ in range(3):
            clock.advance(29 * 60)
            assert api.get("/api/erp/supplierV2s").status_code == 200
        clock.advance(31 * 60)
        idle = api.get("/api/erp/supplierV2s")
    assert idle.status_code == 401
    assert "timed out" in idle.json()["error_description"]


def test_session_length_caps_tokens_and_refreshes(clock: FakeClock) -> None:
    sim = QADSimulator(clock=clock, session_length=60, token_lifetime=1800)
    sim.add_tenant("acme")
    sim.add_user("acme", "alice", "secret")
    form = {"grant_type": "refresh_token", "client_id": sim.client_id("acme")}
    with httpx.Client(transport=sim.transport(), base_url=sim.base_url("acme")) as client:
        grant = token(sim, client)
        clock.advance(45 * 60)
        refreshed = client.post(
            "/oauth/token", data={**form, "refresh_token": grant["refresh_token"]}
        )
        assert refreshed.status_code == 200
        assert refreshed.json()["expires_in"] == 15 * 60
        clock.advance(15 * 60)
        late = client.post(
            "/oauth/token", data={**form, "refresh_token": refreshed.json()["refresh_token"]}
        )
        headers = {"authorization": f"Bearer {refreshed.json()['access_token']}"}
        after = client.get("/api/erp/supplierV2s", headers=headers)
    assert late.status_code == 400
    assert late.json()["error"] == "invalid_grant"
    assert after.status_code == 401


def test_revoke_tokens_forces_a_new_login(sim: QADSimulator, api: httpx.Client) -> None:
    sim.revoke_tokens("acme")
    assert api.get("/api/erp/supplierV2s").status_code == 401


def test_user_without_permission_gets_403(sim: QADSimulator) -> None:
    sim.add_user("acme", "reader", "pw", permissions=["supplierV2s:read", "items"])
    with login(sim, "reader", "pw") as api:
        read_ok = api.get("/api/erp/supplierV2s")
        write_denied = api.post("/api/erp/supplierV2s", json={"supplierV2s": []})
        other_denied = api.get("/api/erp/glAccounts")
        browse_denied = api.get(
            "/api/qracore/browses", params={"browseId": BROWSE + "purchasing.purchaseOrders"}
        )
        items_ok = api.post("/api/erp/items", json={"items": []})
    assert read_ok.status_code == 200
    assert items_ok.status_code == 200
    for denied in (write_denied, other_denied, browse_denied):
        assert denied.status_code == 403
        assert denied.json()["errors"][0]["code"] == "403"
        assert "reader" in denied.json()["errors"][0]["message"]
    assert sim.counters["auth.forbidden"] == 3


def test_permission_state_answers_per_view_and_action(sim: QADSimulator) -> None:
    sim.add_user("acme", "reader", "pw", permissions=["supplierV2s:read", "items"])
    view = "urn:view:hybridbrowse:com.qad.erp."

    def ask(api: httpx.Client, uri: str, action: str) -> httpx.Response:
        return api.get("/api/qracore/permissionState", params={"uri": uri, "action": action})

    with login(sim, "reader", "pw") as api:
        answers = {
            (uri, action): ask(api, view + uri, action).json()["data"]["hasPermission"]
            for uri in ("base.supplierV2s", "base.items")
            for action in ("READ", "CREATE", "WRITE")
        }
        unknown = ask(api, view + "base.nothing", "WRITE")
        bad_action = ask(api, view + "base.items", "FLY")
    assert answers == {
        ("base.supplierV2s", "READ"): True,
        ("base.supplierV2s", "CREATE"): False,
        ("base.supplierV2s", "WRITE"): False,
        ("base.items", "READ"): True,
        ("base.items", "CREATE"): True,
        ("base.items", "WRITE"): True,
    }
    assert (unknown.status_code, bad_action.status_code) == (404, 400)


# --- tenancy and domains -----------------------------------------------------------------------


def test_tenants_are_found_by_host_base_and_environment(sim: QADSimulator) -> None:
    assert sim.add_tenant("acme", env="devl") == "https://acme-nonprod.qad.com/clouderp/devl"
    sim.add_user("acme-nonprod/devl", "dev", "pw")
    bases = {
        "https://acme.qad.com/clouderp": 200,
        "https://acme.qad.com/qad-central": 200,
        "https://acme-nonprod.qad.com/clouderp/devl": 401,
        "https://acme-nonprod.qad.com/clouderp/test": 404,
        "https://other.qad.com/clouderp": 404,
        "https://acme.qad.com/elsewhere": 404,
        "http://127.0.0.1:8080/acme/clouderp": 200,
        "http://127.0.0.1:8080/acme-nonprod/clouderp/devl": 401,
    }
    auth = {"authorization": basic("alice", "secret")}
    for base, status in bases.items():
        with httpx.Client(transport=sim.transport(), base_url=base) as client:
            response = client.get("/api/qracore/securityControl", headers=auth)
        assert response.status_code == status, base
    assert sim.base_url("acme", origin="http://127.0.0.1:9") == "http://127.0.0.1:9/acme/clouderp"
    unknown = httpx.Client(transport=sim.transport()).get("https://zzz.qad.com/clouderp/api/x")
    assert unknown.json()["errors"][0]["code"] == "404"


def test_workspace_header_sets_the_domain_and_domain_code_overrides(api: httpx.Client) -> None:
    item = {"itemCode": "LOCAL1", "description": "Only in 11CAN"}
    saved(write(api, "items", item, domainCode="11CAN"), "items")
    assert read(api, "items", itemCode="LOCAL1") == []
    assert read(api, "items", itemCode="LOCAL1", domainCode="11CAN")[0]["domainCode"] == "11CAN"
    canada = {"x-qad-workspace-id": "11CAN_11CANCO"}
    found = api.get("/api/erp/items", params={"itemCode": "local1"}, headers=canada)
    assert found.json()["data"]["items"][0]["itemCode"] == "LOCAL1"
    body_domain = {"itemCode": "LOCAL2", "domainCode": "11CAN"}
    saved(write(api, "items", body_domain, domainCode="10USA"), "items")
    assert read(api, "items", itemCode="LOCAL2", domainCode="11CAN")


def test_bad_domains_are_400_on_reads_and_field_errors_on_writes(sim: QADSimulator) -> None:
    with login(sim) as api:
        bad_header = api.get("/api/erp/items", headers={"x-qad-workspace-id": "99XX_99XXCO"})
        wrong_entity = api.get("/api/erp/items", headers={"x-qad-workspace-id": "10USA_11CANCO"})
        bad_query = api.get("/api/erp/items", params={"domainCode": "99XX"})
        unknown_write = write(api, "items", {"itemCode": "X"}, domainCode="99XX")
        del api.headers["x-qad-workspace-id"]
        no_domain_read = api.get("/api/erp/items")
        no_domain_write = write(api, "items", {"itemCode": "X"})
    for response in (bad_header, wrong_entity, bad_query, no_domain_read):
        assert response.status_code == 400
    assert ("domainCode", "Domain 99XX does not exist.") in problems(unknown_write)
    assert problems(no_domain_write) == [("domainCode", "Domain is required.")]


# --- envelope ----------------------------------------------------------------------------------


def test_successful_write_echoes_the_saved_record_with_audit_fields(
    api: httpx.Client, clock: FakeClock
) -> None:
    supplier = {
        "supplierCode": "NEW1",
        "businessRelationName": "New Supplier",
        "dataOperation": "C",
    }
    reply = write(api, "supplierV2s", {**supplier, "concurrencyHash": ""})
    assert reply["submitResult"] == {"success": True, "errorSeverity": 0, "errors": []}
    (record,) = reply["supplierV2s"]
    assert record["sharedSetCode"] == "SUPPLIERS"
    assert record["currencyCode"] == "USD"
    assert record["isActive"] is True
    assert record["uri"] == "urn:be:com.qad.base.supplier.ISupplierV2:SUPPLIERS.NEW1"
    assert record["concurrencyHash"]
    assert record["lastModifiedUser"] == "alice"
    assert record["lastModifiedDate"] == clock.now().date().isoformat()
    assert record["lastModifiedDateTime"] == "2026-01-01T00:00:00.000Z"
    assert read(api, "supplierV2s", supplierCode="new1") == [record]


def test_warnings_pass_with_error_severity_1(api: httpx.Client) -> None:
    order = {"supplierCode": "SUP00001", "orderDate": "2026-02-01", "dueDate": "2026-01-15"}
    reply = write(api, "purchaseOrderHeaders", order)
    result = reply["submitResult"]
    assert result["success"] is True
    assert result["errorSeverity"] == 1
    (warning,) = result["errors"]
    assert warning["severity"] == 1
    assert warning["fieldName"] == "dueDate"
    assert warning["code"].startswith("QAD-")
    assert reply["purchaseOrderHeaders"][0]["purchaseOrderNumber"]


def test_a_failing_record_rolls_back_the_whole_request(api: httpx.Client) -> None:
    good = {"supplierCode": "OK1", "businessRelationName": "Fine"}
    bad = {"supplierCode": "BAD1", "businessRelationName": "Broken", "currencyCode": "XXX"}
    reply = write(api, "supplierV2s", good, bad)
    assert problems(reply) == [("currencyCode", "Currency XXX does not exist.")]
    (error,) = reply["submitResult"]["errors"]
    assert error == {
        "code": error["code"],
        "fieldName": "currencyCode",
        "fieldValue": "XXX",
        "message": "Currency XXX does not exist.",
        "severity": 3,
    }
    assert reply["supplierV2s"] == [good, bad]
    assert read(api, "supplierV2s", supplierCode="OK1") == []


def test_malformed_write_bodies_are_400(api: httpx.Client) -> None:
    not_json = api.post(
        "/api/erp/supplierV2s", content=b"{nope", headers={"content-type": "application/json"}
    )
    wrong_key = api.post("/api/erp/supplierV2s", json={"suppliers": []})
    unknown = api.post("/api/erp/widgets", json={"widgets": []})
    unkeyed_delete = api.delete("/api/erp/supplierV2s")
    read_only_delete = api.delete("/api/erp/openReceivers")
    assert not_json.status_code == 400
    assert wrong_key.status_code == 400
    assert unknown.status_code == 404
    assert unkeyed_delete.status_code == 400
    assert read_only_delete.status_code == 404  # read-only tables take no writes at all


def test_a_keyed_post_updates_a_partial_key_is_400_and_delete_deletes(api: httpx.Client) -> None:
    (created,) = saved(
        write(api, "purchaseOrderHeaders", {"supplierCode": "SUP00001", "purchaseOrderLines": []}),
        "purchaseOrderHeaders",
    )
    number = created["purchaseOrderNumber"]
    keyed = {"purchaseOrderNumber": number, "viewUri": "x"}
    changed = {**created, "remarks": "changed", "dataOperation": ""}
    body = {"purchaseOrderHeaders": [changed]}
    (updated,) = saved(
        api.post("/api/erp/purchaseOrderHeaders", params=keyed, json=body).json(),
        "purchaseOrderHeaders",
    )
    assert (updated["purchaseOrderNumber"], updated["remarks"]) == (number, "changed")
    mismatch = api.post(
        "/api/erp/purchaseOrderHeaders", params={"purchaseOrderNumber": "OTHER"}, json=body
    )
    assert mismatch.status_code == 400
    assert "must match" in mismatch.json()["errors"][0]["message"]
    lines = api.post(
        "/api/erp/purchaseOrderLinesGrid", params={"purchaseOrderNumber": number}, json={}
    )
    assert lines.status_code == 400
    partial = api.get("/api/erp/purchaseOrderLines", params={"purchaseOrderNumber": number})
    assert partial.status_code == 200  # a read by any field is a list
    half = api.delete("/api/erp/purchaseOrderLines", params={"purchaseOrderNumber": number})
    assert half.status_code == 400
    assert "all be null or all non-null" in half.json()["errors"][0]["message"]
    stale = api.delete("/api/erp/purchaseOrderHeaders", params={"purchaseOrderNumber": number})
    assert problems(stale.json())[0][0] == "concurrencyHash"
    gone = api.delete(
        "/api/erp/purchaseOrderHeaders",
        params={"purchaseOrderNumber": number, "concurrencyHash": updated["concurrencyHash"]},
    )
    assert gone.json()["submitResult"]["success"] is True
    assert read(api, "purchaseOrderHeaders", purchaseOrderNumber=number) == []


def test_bad_field_values_name_the_field(api: httpx.Client) -> None:
    order = {
        "supplierCode": "SUP00001",
        "orderDate": "yesterday",
        "purchaseOrderLines": [{"itemCode": "ITM00001", "quantityOrdered": "lots"}],
        "dataOperation": "X",
    }
    fields = {name for name, _ in problems(write(api, "purchaseOrderHeaders", order))}
    assert fields == {"orderDate", "quantityOrdered", "dataOperation"}


# --- master data rules -------------------------------------------------------------------------


def test_duplicate_natural_keys_already_exist(api: httpx.Client) -> None:
    saved(write(api, "costCentres", {"costCentreCode": "OPS"}), "costCentres")
    again = write(api, "costCentres", {"costCentreCode": "ops"})
    assert problems(again) == [("costCentreCode", "Cost centre ops already exists.")]
    order = saved(
        write(api, "purchaseOrderHeaders", {"supplierCode": "SUP00001"}), "purchaseOrderHeaders"
    )
    number = order[0]["purchaseOrderNumber"]
    dup = write(
        api, "purchaseOrderHeaders", {"supplierCode": "SUP00001", "purchaseOrderNumber": number}
    )
    assert "already exists" in problems(dup)[0][1]


def test_unknown_and_inactive_masters_are_field_errors(api: httpx.Client) -> None:
    supplier = read(api, "supplierV2s", supplierCode="SUP00002")[0]
    saved(
        write(api, "supplierV2s", {**supplier, "isActive": False}, supplierCode="SUP00002"),
        "supplierV2s",
    )
    item = read(api, "items", itemCode="ITM00002")[0]
    saved(write(api, "items", {**item, "itemStatus": "INACTIVE"}, itemCode="ITM00002"), "items")
    cases = [
        ({"supplierCode": "NOPE"}, ("supplierCode", "Supplier NOPE does not exist.")),
        ({"supplierCode": "SUP00002"}, ("supplierCode", "Supplier SUP00002 is not active.")),
        (
            {
                "supplierCode": "SUP00001",
                "purchaseOrderLines": [{"itemCode": "NOPE", "quantityOrdered": 1}],
            },
            ("itemCode", "Item NOPE does not exist."),
        ),
        (
            {
                "supplierCode": "SUP00001",
                "purchaseOrderLines": [{"itemCode": "ITM00002", "quantityOrdered": 1}],
            },
            ("itemCode", "Item ITM00002 is not active."),
        ),
        (
            {
                "supplierCode": "SUP00001",
                "purchaseOrderLines": [
                    {"itemCode": "ITM00001", "quantityOrdered": 1, "glAccountCode": "9999"}
                ],
            },
            ("glAccountCode", "GL account 9999 does not exist."),
        ),
        (
            {
                "supplierCode": "SUP00001",
                "purchaseOrderLines": [{"itemCode": "ITM00001", "quantityOrdered": 0}],
            },
            ("quantityOrdered", "Quantity ordered must be greater than zero."),
        ),
    ]
    for order, expected in cases:
        assert problems(write(api, "purchaseOrderHeaders", order)) == [expected], order


@pytest.fixture
def coded(api: httpx.Client) -> httpx.Client:
    accounts = [
        {"glCode": "7000", "analysisType": "CostCentre"},
        {"glCode": "7100", "analysisType": "Project"},
        {"glCode": "7200", "analysisType": "Both", "allowSubAccount": True},
        {"glCode": "7300", "analysisType": "None"},
        {"glCode": "7400", "analysisType": "None", "isActive": False},
    ]
    saved(write(api, "glAccounts", *accounts), "glAccounts")
    saved(write(api, "projects", {"projectCode": "OLD", "isActive": False}), "projects")
    return api


@pytest.mark.parametrize(
    ("coding", "expected"),
    [
        (
            {"glAccountCode": "7000"},
            [("costCentreCode", "GL account 7000 requires a cost centre.")],
        ),
        ({"glAccountCode": "7000", "costCentreCode": "CC0001"}, []),
        (
            {"glAccountCode": "7000", "costCentreCode": "CC9"},
            [("costCentreCode", "Cost centre CC9 does not exist.")],
        ),
        ({"glAccountCode": "7100"}, [("projectCode", "GL account 7100 requires a project.")]),
        (
            {"glAccountCode": "7100", "projectCode": "OLD"},
            [("projectCode", "Project OLD is not active.")],
        ),
        (
            {"glAccountCode": "7200"},
            [
                ("costCentreCode", "GL account 7200 requires a cost centre."),
                ("projectCode", "GL account 7200 requires a project."),
            ],
        ),
        (
            {
                "glAccountCode": "7200",
                "costCentreCode": "CC0002",
                "projectCode": "PRJ0001",
                "subAccountCode": "SUB0001",
            },
            [],
        ),
        (
            {"glAccountCode": "7300", "costCentreCode": "CC0001"},
            [("costCentreCode", "GL account 7300 does not allow a cost centre.")],
        ),
        (
            {"glAccountCode": "7300", "subAccountCode": "SUB0001"},
            [("subAccountCode", "GL account 7300 does not allow a sub-account.")],
        ),
        ({"glAccountCode": "7400"}, [("glAccountCode", "GL account 7400 is not active.")]),
    ],
)
def test_gl_analysis_type_governs_account_coding(
    coded: httpx.Client, coding: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    line = {"itemCode": "ITM00001", "quantityOrdered": 2, **coding}
    reply = write(
        coded, "purchaseOrderHeaders", {"supplierCode": "SUP00001", "purchaseOrderLines": [line]}
    )
    if expected:
        assert problems(reply) == expected
    else:
        assert (
            saved(reply, "purchaseOrderHeaders")[0]["purchaseOrderLines"][0]["glAccountCode"]
            == coding["glAccountCode"]
        )


def test_gl_analysis_type_must_be_known(api: httpx.Client) -> None:
    reply = write(api, "glAccounts", {"glCode": "7999", "analysisType": "Division"})
    assert problems(reply)[0][0] == "analysisType"


def test_updates_need_the_current_concurrency_hash(api: httpx.Client) -> None:
    (created,) = saved(
        write(api, "supplierV2s", {"supplierCode": "CH1", "businessRelationName": "One"}),
        "supplierV2s",
    )
    change = {"supplierCode": "CH1"}
    (first,) = saved(
        write(
            api,
            "supplierV2s",
            {
                **change,
                "businessRelationName": "Two",
                "concurrencyHash": created["concurrencyHash"],
            },
            **change,
        ),
        "supplierV2s",
    )
    assert first["businessRelationName"] == "Two"
    assert first["concurrencyHash"] != created["concurrencyHash"]
    stale = write(
        api,
        "supplierV2s",
        {**change, "businessRelationName": "Three", "concurrencyHash": created["concurrencyHash"]},
        **change,
    )
    assert problems(stale) == [("concurrencyHash", "Record has been changed by another user.")]
    missing = write(api, "supplierV2s", {**change, "businessRelationName": "Three"}, **change)
    assert problems(missing)[0][0] == "concurrencyHash"
    assert read(api, "supplierV2s", supplierCode="CH1")[0]["businessRelationName"] == "Two"
    gone = remove(api, "supplierV2s", **change, concurrencyHash=first["concurrencyHash"])
    assert saved(gone, "supplierV2s")[0]["supplierCode"] == "CH1"
    assert read(api, "supplierV2s", supplierCode="CH1") == []
    again = write(
        api, "supplierV2s", {**change, "concurrencyHash": first["concurrencyHash"]}, **change
    )
    assert problems(again) == [("supplierCode", "Supplier CH1 does not exist.")]


@pytest.mark.parametrize("operation", ["U", "D"])
def test_the_url_not_the_body_decides_create_update_or_delete(
    api: httpx.Client, operation: str
) -> None:
    """QAD's controllers create when no key parameter is sent, update when all are, and
    delete on DELETE [N7]: a body's ``dataOperation`` asks for nothing."""
    made = write(api, "supplierV2s", {"supplierCode": "URL1", "businessRelationName": "New"})
    (created,) = saved(made, "supplierV2s")
    body = {"supplierCode": "URL1", "businessRelationName": "Changed", "dataOperation": operation}
    keyless = write(api, "supplierV2s", {**body, "concurrencyHash": created["concurrencyHash"]})
    assert problems(keyless) == [("supplierCode", "Supplier URL1 already exists.")]
    fresh = write(api, "supplierV2s", {**body, "supplierCode": "URL2"})
    assert saved(fresh, "supplierV2s")[0]["businessRelationName"] == "Changed"
    keyed = write(
        api,
        "supplierV2s",
        {**body, "concurrencyHash": created["concurrencyHash"]},
        supplierCode="URL1",
    )
    (updated,) = saved(keyed, "supplierV2s")
    assert updated["businessRelationName"] == "Changed"
    assert read(api, "supplierV2s", supplierCode="URL1") == [updated]
    bad = write(api, "supplierV2s", {**body, "supplierCode": "URL3", "dataOperation": "X"})
    assert problems(bad)[0][0] == "dataOperation"


def test_purchase_order_header_update_keeps_supplier_and_adds_lines(api: httpx.Client) -> None:
    order = {
        "supplierCode": "SUP00001",
        "purchaseOrderLines": [{"itemCode": "ITM00001", "quantityOrdered": 3}],
    }
    (po,) = saved(write(api, "purchaseOrderHeaders", order), "purchaseOrderHeaders")
    change = {
        "purchaseOrderNumber": po["purchaseOrderNumber"],
        "concurrencyHash": po["concurrencyHash"],
        "remarks": "rush",
        "purchaseOrderLines": [
            {"purchaseOrderLine": 1, "dataOperation": "U", "quantityOrdered": 4},
            {"dataOperation": "C", "itemCode": "ITM00003", "quantityOrdered": 1},
        ],
    }
    number = po["purchaseOrderNumber"]
    (updated,) = saved(
        write(api, "purchaseOrderHeaders", change, purchaseOrderNumber=number),
        "purchaseOrderHeaders",
    )
    assert updated["remarks"] == "rush"
    assert [
        (x["purchaseOrderLine"], x["quantityOrdered"]) for x in updated["purchaseOrderLines"]
    ] == [
        (1, "4"),
        (2, "1"),
    ]
    other = {**change, "concurrencyHash": updated["concurrencyHash"], "supplierCode": "SUP00003"}
    other.pop("purchaseOrderLines")
    assert problems(write(api, "purchaseOrderHeaders", other, purchaseOrderNumber=number)) == [
        ("supplierCode", "The field cannot be changed once the record exists.")
    ]


# --- the PO line grid --------------------------------------------------------------------------


def test_line_grid_initialize_field_change_commit(api: httpx.Client) -> None:
    (po,) = saved(
        write(api, "purchaseOrderHeaders", {"supplierCode": "SUP00001"}), "purchaseOrderHeaders"
    )
    number = po["purchaseOrderNumber"]
    keys = {"domainCode": "10USA", "purchaseOrderNumber": number}
    init = api.get("/api/erp/purchaseOrderLinesGrid", params={"initialize": "true", **keys})
    assert init.status_code == 200
    (line,) = init.json()["data"]["purchaseOrderLines"]
    assert line["purchaseOrderLine"] == 1
    assert line["siteCode"] == "10-100"
    item = read(api, "items", itemCode="ITM00004")[0]
    for field, value in [
        ("siteCode", "10-100"),
        ("itemCode", "ITM00004"),
        ("quantityOrdered", "6"),
        ("purchaseCost", "9.25"),
    ]:
        line[field] = value
        changed = api.post(
            "/api/erp/purchaseOrderLines/fieldChangeV2",
            params={"fieldName": field},
            json={"purchaseOrderLines": [line]},
        )
        assert changed.status_code == 200
        assert changed.json()["submitResult"]["success"] is True, field
        (line,) = changed.json()["purchaseOrderLines"]
        if field == "itemCode":
            assert line["description"] == item["description"]
            assert line["unitOfMeasure"] == item["unitOfMeasure"]
            assert "purchaseCost" not in item  # costs live per site and cost set [N8]
            assert line["purchaseCost"] not in ("", "0")  # defaulted from the item's cost
            assert line["glAccountCode"] == "5000"
    assert read(api, "purchaseOrderLines", purchaseOrderNumber=number) == []
    received = api.get("/api/erp/purchaseOrderLinesGrid", params={**keys})
    assert received.json()["data"]["purchaseOrderLines"] == []
    commit = api.post(
        "/api/erp/purchaseOrderLinesGrid",
        json={"purchaseOrderLines": [{**line, "dataOperation": "C"}]},
    )
    (stored,) = saved(commit.json(), "purchaseOrderLines")
    assert (stored["quantityOrdered"], stored["purchaseCost"]) == ("6", "9.25")
    assert read(api, "purchaseOrderLines", purchaseOrderNumber=number, purchaseOrderLine="1") == [
        stored
    ]
    again = api.post(
        "/api/erp/purchaseOrderLinesGrid",
        json={"purchaseOrderLines": [{**line, "dataOperation": "C"}]},
    )
    assert "already exists" in problems(again.json())[0][1]
    next_line = api.get("/api/erp/purchaseOrderLinesGrid", params={"initialize": "true", **keys})
    assert next_line.json()["data"]["purchaseOrderLines"][0]["purchaseOrderLine"] == 2
    is_received = api.get(
        "/api/erp/purchaseOrderLines/isReceivedPurchaseOrderLineV2",
        params={**keys, "purchaseOrderLine": "1"},
    )
    assert is_received.json() == {"data": {"isReceivedPurchaseOrderLine": False}}


def test_field_change_reports_the_changed_field_only(api: httpx.Client) -> None:
    (po,) = saved(
        write(api, "purchaseOrderHeaders", {"supplierCode": "SUP00001"}), "purchaseOrderHeaders"
    )
    line = {
        "domainCode": "10USA",
        "purchaseOrderNumber": po["purchaseOrderNumber"],
        "itemCode": "NOPE",
    }
    url = "/api/erp/purchaseOrderLines/fieldChangeV2"
    bad_item = api.post(url, params={"fieldName": "itemCode"}, json={"purchaseOrderLines": [line]})
    bad_qty = api.post(
        url,
        params={"fieldName": "quantityOrdered"},
        json={"purchaseOrderLines": [{**line, "quantityOrdered": 0}]},
    )
    unknown = api.post(url, params={"fieldName": "colour"}, json={"purchaseOrderLines": [line]})
    assert problems(bad_item.json()) == [("itemCode", "Item NOPE does not exist.")]
    assert problems(bad_qty.json()) == [
        ("quantityOrdered", "Quantity ordered must be greater than zero.")
    ]
    assert problems(unknown.json())[0][0] == "colour"
    missing_po = api.get(
        "/api/erp/purchaseOrderLinesGrid",
        params={"initialize": "true", "purchaseOrderNumber": "NOPE"},
    )
    assert missing_po.status_code == 404


def test_grid_line_updates_need_the_line_hash(api: httpx.Client) -> None:
    order = {
        "supplierCode": "SUP00001",
        "purchaseOrderLines": [{"itemCode": "ITM00001", "quantityOrdered": 3}],
    }
    (po,) = saved(write(api, "purchaseOrderHeaders", order), "purchaseOrderHeaders")
    line = po["purchaseOrderLines"][0]
    change = {**line, "quantityOrdered": "5"}
    keys = {"purchaseOrderNumber": po["purchaseOrderNumber"], "purchaseOrderLine": "1"}
    (updated,) = saved(
        api.post(
            "/api/erp/purchaseOrderLines", params=keys, json={"purchaseOrderLines": [change]}
        ).json(),
        "purchaseOrderLines",
    )
    assert updated["quantityOrdered"] == "5"
    stale = api.post(
        "/api/erp/purchaseOrderLinesGrid", params=keys, json={"purchaseOrderLines": [change]}
    )
    assert problems(stale.json()) == [
        ("concurrencyHash", "Record has been changed by another user.")
    ]


# --- browses -----------------------------------------------------------------------------------


def test_browse_pages_with_has_more_params_and_total(sim: QADSimulator, api: httpx.Client) -> None:
    sim.seed("acme", suppliers=25)
    first = browse(api, SUPPLIER_BROWSE, page=1, pageSize=10, pageAction="first")
    assert first["auxillaryData"] == {"HasMoreParams": "true"}  # no TotalRecords [N8]
    assert total(api, SUPPLIER_BROWSE) == total(api, SUPPLIER_BROWSE, path="totalCount/") == 25
    assert total(api, SUPPLIER_BROWSE, "supplierV2.supplierCode,le,SUP00003,literal") == 3
    unpermitted = api.get("/api/qracore/browses/totalCount", params={"browseId": "urn:nope"})
    assert unpermitted.status_code == 404
    row = first["data"][0]
    assert row["supplierV2.supplierCode"] == "SUP00001"
    assert all("." in key for key in row)
    codes = [r["supplierV2.supplierCode"] for r in first["data"]]
    for number in (2, 3):
        page = browse(api, SUPPLIER_BROWSE, page=number, pageSize=10, pageAction="next")
        codes += [r["supplierV2.supplierCode"] for r in page["data"]]
    assert page["auxillaryData"]["HasMoreParams"] == "false"
    assert codes == [f"SUP{i:05d}" for i in range(1, 26)]
    restart = browse(api, SUPPLIER_BROWSE, page=3, pageSize=10, pageAction="first")
    assert restart["data"] == first["data"]
    default = browse(api, SUPPLIER_BROWSE)
    assert len(default["data"]) == 25
    huge = browse(api, SUPPLIER_BROWSE, pageSize=999999)  # what a live client asks [N22]
    assert huge["auxillaryData"]["HasMoreParams"] == "false"
    assert len(huge["data"]) == 25


@pytest.mark.parametrize(
    "params",
    [
        {"pageSize": "0"},
        {"page": "0", "pageAction": "next"},
        {"page": "x"},
        {"pageAction": "last"},
        {"filter": "supplierV2.nope,eq,1,literal"},
        {"filter": "supplierV2.supplierCode,zz,1,literal"},
        {"filter": "supplierV2.isActive,gt,true,literal"},
        {"filter": "supplierCode"},
    ],
)
def test_bad_browse_requests_are_400(api: httpx.Client, params: dict[str, str]) -> None:
    response = api.get("/api/qracore/browses", params={"browseId": SUPPLIER_BROWSE, **params})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]


def test_unknown_browse_is_404(api: httpx.Client) -> None:
    response = api.get("/api/qracore/browses", params={"browseId": BROWSE + "base.widgets"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("item.itemCode,eq,itm00002,literal", ["ITM00002"]),
        ("itemCode,eq,ITM00002,literal", ["ITM00002"]),
        ("item.description,cn,WIDGET,literal", ["W1", "W2"]),
        ("item.itemCode,sw,W,literal", ["W1", "W2"]),
        ("item.itemCode,ew,2,literal", ["ITM00002", "W2"]),
        ("item.itemCode,gt,W1,literal", ["W2"]),
        ("item.itemCode,le,ITM00002,literal", ["ITM00001", "ITM00002"]),
        ("item.itemCode,rg,W0,literal,W1,literal", ["W1"]),
        ("item.itemStatus,eq,INACTIVE,literal", ["W2"]),
    ],
)
def test_browse_filters(api: httpx.Client, clause: str, expected: list[str]) -> None:
    widgets = [
        {"itemCode": "W1", "description": "Small widget"},
        {
            "itemCode": "W2",
            "description": "Big Widget",
            "itemStatus": "INACTIVE",
        },
    ]
    saved(write(api, "items", *widgets), "items")
    page = browse(api, ITEM_BROWSE, clause, pageSize=1000)
    assert [r["item.itemCode"] for r in page["data"]] == expected


def test_browse_filters_on_last_modified_and_external_reference(
    api: httpx.Client, clock: FakeClock
) -> None:
    clock.advance(600)
    saved(
        write(
            api,
            "supplierV2s",
            {"supplierCode": "LATE", "businessRelationName": "Late", "customShort0": "ext-1"},
        ),
        "supplierV2s",
    )
    since = browse(
        api, SUPPLIER_BROWSE, "supplierV2.lastModifiedDateTime,ge,2026-01-01T00:10:00Z,literal"
    )
    assert [r["supplierV2.supplierCode"] for r in since["data"]] == ["LATE"]
    assert since["data"][0]["supplierV2.lastModifiedDateTime"] == "2026-01-01T00:10:00.000Z"
    by_ref = browse(api, SUPPLIER_BROWSE, "supplierV2.customShort0,eq,EXT-1,literal")
    assert len(by_ref["data"]) == 1
    both = browse(
        api,
        SUPPLIER_BROWSE,
        "supplierV2.customShort0,eq,ext-1,literal",
        "supplierV2.lastModifiedDateTime,lt,2026-01-01T00:10:00Z,literal",
    )
    assert both["data"] == []


def test_domain_browse_lists_domains_and_entities(api: httpx.Client) -> None:
    page = browse(api, BROWSE + "base.domainV3s", "domainV3.domainContext,eq,11CAN,literal")
    (row,) = page["data"]
    assert row["domainV3.entityContext"] == "11CANCO"


def test_the_project_browse_is_under_financials(api: httpx.Client) -> None:
    browse(api, "urn:browse:bebrowse:com.qad.erp.financials.projects")


def test_every_browse_answers(api: httpx.Client) -> None:
    areas = {
        "base": ["supplierV2s", "items", "domainV3s"],
        "purchasing": [
            "purchaseOrders",
            "purchaseOrderLines",
            "purchaseOrderReceipts",
            "openReceivers",
        ],
        "financials": [
            "glAccounts",
            "costCentres",
            "subAccounts",
            "projects",
            "supplierInvoices",
            "supplierPayments",
        ],
    }
    for area, plurals in areas.items():
        for plural in plurals:
            browse(api, f"{BROWSE}{area}.{plural}")


# --- entity metadata ---------------------------------------------------------------------------


ENTITY_URIS = {
    "supplierV2s": "urn:be:com.qad.base.supplier.ISupplierV2",
    "items": "urn:be:com.qad.base.item.IItem",
    "glAccounts": "urn:be:com.qad.financials.generalledger.IGLAccount",
    "costCentres": "urn:be:com.qad.financials.generalledger.ICostCentre",
    "subAccounts": "urn:be:com.qad.financials.generalledger.ISubAccount",
    "projects": "urn:be:com.qad.financials.generalledger.IProject",
    "purchaseOrderHeaders": "urn:be:com.qad.purchasing.purchaseorders.IPurchaseOrderHeader",
    "purchaseOrderLines": "urn:be:com.qad.purchasing.purchaseorders.IPurchaseOrderLine",
    "purchaseOrderReceipts": "urn:be:com.qad.purchasing.receipts.IPurchaseOrderReceipt",
    "supplierInvoices": "urn:be:com.qad.financials.purchaseledger.supplierinvoice.ISupplierInvoice",
    "supplierPayments": "urn:be:com.qad.financials.purchaseledger.supplierpayment.ISupplierPayment",
}


@pytest.mark.parametrize(("plural", "uri"), ENTITY_URIS.items())
def test_entity_metadata_lists_fields(api: httpx.Client, plural: str, uri: str) -> None:
    response = api.get("/api/qracore/entitymetadatas", params={"entityURI": uri})
    assert response.status_code == 200
    (meta,) = response.json()["data"]["entityMetadatas"]
    assert meta["entityURI"] == uri
    assert meta["entityName"] == plural
    names = {f["entityFieldCode"] for f in meta["entityFields"]}
    assert {"uri", "concurrencyHash", "lastModifiedDateTime"} <= names
    assert all(
        f["dataType"] in {"character", "decimal", "integer", "logical", "date", "datetime-tz"}
        for f in meta["entityFields"]
    )


def test_entity_metadata_of_documents_lists_line_tables(api: httpx.Client) -> None:
    uri = ENTITY_URIS["supplierInvoices"]
    meta = api.get("/api/qracore/entitymetadatas", params={"entityURI": uri}).json()
    tables = {t["entityTableCode"]: t for t in meta["data"]["entityMetadatas"][0]["entityTables"]}
    assert set(tables) == {"matchingLines", "expenseLines"}
    fields = {f["entityFieldCode"]: f for f in tables["matchingLines"]["entityFields"]}
    assert fields["matchQuantity"]["dataType"] == "decimal"
    unknown = api.get("/api/qracore/entitymetadatas", params={"entityURI": "urn:be:nope"})
    assert unknown.status_code == 404


# --- faults, loopback, seed, reset -------------------------------------------------------------


def test_rate_limit_and_outage_faults(sim: QADSimulator, api: httpx.Client) -> None:
    rule = sim.faults.add(rate_limited(retry_after=7), path="/api/erp/", times=1)
    sim.faults.add(unavailable(retry_after=3), path="/api/qracore/browses", times=1)
    limited = api.get("/api/erp/supplierV2s")
    after = api.get("/api/erp/supplierV2s")
    down = api.get("/api/qracore/browses", params={"browseId": SUPPLIER_BROWSE})
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "7")
    assert limited.json()["errors"][0]["code"] == "429"
    assert after.status_code == 200
    assert rule.fired == 1
    assert (down.status_code, down.headers["content-type"], down.headers["retry-after"]) == (
        503,
        "text/html",
        "3",
    )


def test_loopback_round_trip(sim: QADSimulator) -> None:
    with sim.serve() as origin:
        base = sim.base_url("acme", origin=origin)
        with httpx.Client(base_url=base, timeout=5) as client:
            grant = token(sim, client)
            client.headers["authorization"] = f"Bearer {grant['access_token']}"
            reply = client.post(
                "/api/erp/supplierV2s",
                params={"domainCode": "10USA"},
                json={
                    "supplierV2s": [{"supplierCode": "LOOP", "businessRelationName": "Loopback"}]
                },
            )
            page = client.get(
                "/api/qracore/browses",
                params=[
                    ("browseId", SUPPLIER_BROWSE),
                    ("domainCode", "10USA"),
                    ("filter", "supplierCode,eq,LOOP,literal"),
                ],
            )
            missing = client.get(f"{origin}/nobody/clouderp/api/erp/supplierV2s")
    assert reply.json()["submitResult"]["success"] is True
    assert page.json()["data"][0]["supplierV2.businessRelationName"] == "Loopback"
    assert missing.status_code == 404
    assert sim.request_count(path="/acme/clouderp/api/erp") == 1


def test_seed_is_deterministic_and_sized() -> None:
    def build() -> QADSimulator:
        sim = QADSimulator(clock=FakeClock())
        sim.add_tenant("acme")
        return sim

    one, two = build(), build()
    kwargs = {"suppliers": 20, "items": 30, "gl_accounts": 10, "cost_centres": 4, "projects": 3}
    first = one.seed("acme", purchase_orders=12, lines_per_order=3, seed=7, **kwargs)
    second = two.seed("acme", purchase_orders=12, lines_per_order=3, seed=7, **kwargs)
    assert first == second
    assert len(first.suppliers) == 20
    assert len(first.gl_accounts) == 13
    domain = one.state("acme").domain("10USA")
    assert domain is not None
    rows_one = [(s.code, s.name) for s in one.state("acme").suppliers.records("SUPPLIERS")]
    rows_two = [(s.code, s.name) for s in two.state("acme").suppliers.records("SUPPLIERS")]
    assert rows_one == rows_two
    order = one.state("acme").purchase_order(domain, first.purchase_orders[0])
    assert order is not None
    assert len(order.lines) == 3
    assert one.seed("acme", suppliers=20, seed=99).suppliers == first.suppliers
    with pytest.raises(ValueError, match="supplier"):
        build().seed("acme", purchase_orders=1)


def test_reset_forgets_everything(sim: QADSimulator, api: httpx.Client) -> None:
    sim.faults.add(rate_limited())
    sim.reset()
    response = api.get("/api/erp/supplierV2s")
    assert response.status_code == 404
    assert sim.counters == {}
    assert len(sim.requests) == 1
    with pytest.raises(KeyError, match="add_tenant"):
        sim.state("acme")


def test_tolerances_are_configurable_per_tenant(sim: QADSimulator) -> None:
    tolerance = Tolerances(price_pct=sim.default_tolerances.price_pct + 5)
    sim.set_tolerances("acme", tolerance)
    assert sim.state("acme").tolerances == tolerance
    with pytest.raises(ValueError, match="already exists"):
        sim.add_tenant("acme")


# --- robustness and exports --------------------------------------------------------------------

WRITABLE = [
    "supplierV2s",
    "items",
    "glAccounts",
    "costCentres",
    "subAccounts",
    "projects",
    "purchaseOrderHeaders",
    "purchaseOrderLines",
    "purchaseOrderReceipts",
    "supplierInvoices",
    "supplierPayments",
]
FIELDS = [
    "supplierCode", "itemCode", "glCode", "costCentreCode", "purchaseOrderNumber",
    "purchaseOrderLine", "quantityOrdered", "quantityReceived", "purchaseCost", "orderDate",
    "isActive", "analysisType", "receiverNumber", "supplierInvoiceReference", "supplierInvoiceId",
    "matchQuantity", "matchUnitPrice", "amountTC", "paymentNumber", "dataOperation",
    "concurrencyHash", "domainCode", "sharedSetCode", "lines", "matchingLines", "expenseLines",
    "allocations", "purchaseOrderLines", "totalAmountTC", "bankGLAccount",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from(["", "C", "U", "D", "SUP00001", "ITM00001", "5000", "1", "2026-01-01", "x"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)
    ),
    max_leaves=8,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plural=st.sampled_from(WRITABLE),
    records=st.lists(
        st.dictionaries(st.sampled_from(FIELDS), values, max_size=6) | scalars, max_size=3
    ),
)
def test_any_write_body_gets_an_answer_with_reasons(
    api: httpx.Client, plural: str, records: list[Any]
) -> None:
    response = api.post(f"/api/erp/{plural}", json={plural: records})
    assert response.status_code == 200
    result = response.json()["submitResult"]
    for error in result["errors"]:
        assert error["fieldName"]
        assert error["message"]
    assert result["success"] is (result["errorSeverity"] < 3)


def test_exports_are_sorted_and_public() -> None:
    import qad_client.testing as package

    assert package.__all__ == sorted(package.__all__)
    public = {name for name in vars(package) if not name.startswith("_")}
    assert set(package.__all__) == public - {"annotations"}


def test_a_reference_longer_than_its_free_field_is_refused(api: httpx.Client) -> None:
    fits = {"supplierCode": "REF20", "businessRelationName": "Fits", "customShort0": "X" * 20}
    saved(write(api, "supplierV2s", fits), "supplierV2s")
    long = {"supplierCode": "REF21", "businessRelationName": "Long", "customShort0": "X" * 21}
    assert problems(write(api, "supplierV2s", long)) == [
        ("customShort0", "Field length should be less than 21.")
    ]


def test_a_supplier_has_a_domain_record_changed_through_mfg_suppliers(api: httpx.Client) -> None:
    made = {"supplierCode": "TWO1", "businessRelationName": "Two Calls"}
    saved(write(api, "supplierV2s", made), "supplierV2s")
    keys = {
        "domainContext": "10USA",
        "supplierCode": "TWO1",
        "viewUri": "urn:be:com.qad.base.supplier.IMfgSupplier",
    }
    (domain_record,) = api.get("/api/erp/mfgSuppliers", params=keys).json()["data"]["mfgSuppliers"]
    assert (domain_record["supplierCode"], domain_record["siteCode"]) == ("TWO1", "10-100")
    changed = {**domain_record, "siteCode": "10-100", "daybookSetCode": "DBS1"}
    posted = api.post("/api/erp/mfgSuppliers", params=keys, json={"mfgSuppliers": [changed]})
    (stored,) = saved(posted.json(), "mfgSuppliers")
    assert (stored["siteCode"], stored["daybookSetCode"]) == ("10-100", "DBS1")
    reread = api.get("/api/erp/mfgSuppliers", params=keys).json()["data"]["mfgSuppliers"]
    assert reread == [stored]
    unknown_site = {**stored, "siteCode": "NOWHERE"}
    refused = api.post("/api/erp/mfgSuppliers", params=keys, json={"mfgSuppliers": [unknown_site]})
    assert problems(refused.json()) == [("siteCode", "Site NOWHERE does not exist.")]
    create = api.post("/api/erp/mfgSuppliers", json={"mfgSuppliers": [{"supplierCode": "TWO1"}]})
    assert problems(create.json())[0][0] == "dataOperation"

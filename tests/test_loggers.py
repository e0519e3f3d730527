"""One logger per package: each client logs under its own package name (attempts at DEBUG,
waits over a second at INFO), the toolkit's own budget under ``mlconnector_http``."""

from __future__ import annotations

import logging

import pytest

from mlconnector_http import FakeClock, InProcessBudget, RetryPolicy
from mlconnector_http.testing import Fault
from procore_client import ProcoreClient, procore_budget
from procurify_client import ProcurifyClient
from qad_client import QADClient, QADError
from qad_client.testing import QADSimulator

CLIENTS = [
    (ProcurifyClient, {"subdomain": "acme", "client_id": "a", "client_secret": "s"}),
    (ProcoreClient, {"client_id": "a", "client_secret": "s", "company_id": 1}),
    (
        QADClient,
        {
            "tenant_url": "https://acme.qad.com/clouderp",
            "domain": "10USA",
            "entity": "10USACO",
            "token": "t",
        },
    ),
]


@pytest.mark.parametrize(("client", "settings"), CLIENTS)
def test_each_client_logs_under_its_package(client: type, settings: dict[str, object]) -> None:
    package = client.__module__.split(".")[0]
    with client(**settings) as api:
        assert api.config.logger.name == package
        budget = api.config.budget
        if isinstance(budget, InProcessBudget):
            assert budget.logger.name == package


def test_the_toolkit_budget_logs_under_mlconnector_http() -> None:
    assert InProcessBudget().logger.name == "mlconnector_http"
    assert procore_budget().logger.name == "procore_client"


def test_a_qad_retry_wait_is_logged_under_qad_client(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    sim = QADSimulator(clock=clock)
    url = sim.add_tenant("acme")
    sim.add_user("acme", "alice", "pw")
    sim.faults.add(Fault.http_status(503, headers={"Retry-After": "3"}), path="/api/erp/", times=1)
    caplog.set_level(logging.DEBUG)
    client = QADClient(
        tenant_url=url,
        domain="10USA",
        entity="10USACO",
        username="alice",
        password="pw",
        transport=sim.transport(),
        clock=clock,
        retry=RetryPolicy(jitter=False),
    )
    with client, pytest.raises(QADError):  # there is no such supplier
        client.suppliers.get("NOPE")
    ours = {r.name for r in caplog.records if r.name.split(".")[0] != "httpx"}
    assert ours == {"qad_client"}
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any("in 3.0s: the server asked for it" in m for m in infos), infos

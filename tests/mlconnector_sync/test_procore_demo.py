"""``mlconnector demo --scenario contractor`` at small scale: webhooks over loopback, a share
lost and caught by the poll, money and vendors agreeing, nothing posted twice, zero 429s."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from mlconnector_http import SystemClock
from mlconnector_sync._config import load_config
from mlconnector_sync.cli import main
from mlconnector_sync.cli._demo import run_contractor_demo
from mlconnector_sync.state import SQLiteStore
from mlconnector_sync.testing._contractor import FLOWS, WEBHOOK_SECRET, Contractor


def test_the_contractor_month_runs_end_to_end(tmp_path: Path) -> None:
    result = run_contractor_demo(tmp_path, scale=1, seed=1, quiet=True, projects=6)
    first, pushed, polled, fixed, last = result["runs"]
    assert result["money_agrees"] is True
    assert result["cost_code_rows"] >= 18
    assert result["vendors_identical"] is True
    assert result["procore"]["rate_limited_429"] == 0
    assert result["webhooks"]["dropped"] > 0
    flows = ("procore_requisitions_to_qad", "procore_direct_costs_to_qad")
    assert sum(pushed["flows"][f]["changes"].get("pushed", 0) for f in flows) > 0
    assert sum(pushed["flows"][f]["changes"].get("posted", 0) for f in flows) > 0
    assert sum(polled["flows"][f]["changes"].get("posted", 0) for f in flows) > 0
    assert fixed["flows"]["procore_requisitions_to_qad"]["changes"]["released"] > 0
    assert all(f["changes"].get("posted", 0) == 0 for f in last["flows"].values())
    assert result["exceptions"] == []
    assert first["flows"]["qad_suppliers_to_procore"]["changes"]["posted"] == 12


def test_the_served_contractor_writes_a_config_that_opens_every_procore_flow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = Contractor(projects=1, suppliers=2, clock=SystemClock())
    with world.serve() as served:
        config = tmp_path / "contractor.toml"
        config.write_text(served.config_toml(str(tmp_path / "state.db"), timeout=5.0))
        loaded = load_config(config)
        assert sorted(loaded.flows) == sorted(f for f, _, _ in FLOWS)
        assert loaded.mappings["procore"]["retainage_payable"] == "2150"
        code = main(["validate", "--config", str(config), "--json"])
        checked = json.loads(capsys.readouterr().out)
    assert code == 0
    assert checked["connections"]["procore"]["ok"] is True


def test_webhooks_install_and_serve_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = Contractor(projects=1, suppliers=2, clock=SystemClock())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/webhooks/procore"
    with world.serve() as served:
        config = tmp_path / "contractor.toml"
        state = tmp_path / "state.db"
        config.write_text(served.config_toml(str(state), timeout=5.0))
        code = main(["webhooks", "install", "--config", str(config), "--url", url, "--json"])
        installed = json.loads(capsys.readouterr().out)
        assert code == 0
        assert installed["created_hook"] is True
        assert len(installed["created"]) == 9
        code = main(["webhooks", "install", "--config", str(config), "--url", url,
                     "--resource", "Requisition"])  # fmt: skip
        assert code == 2
        assert "no webhook resource 'Requisition'" in capsys.readouterr().err

        receiver = subprocess.Popen(
            [sys.executable, "-m", "mlconnector_sync", "webhooks", "serve", "--config",
             str(config), "--port", str(port)],
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        try:
            with httpx.Client() as http:
                for _ in range(200):
                    try:
                        if http.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.05)
                event = {
                    "api_version": "v2",
                    "id": 7,
                    "timestamp": "2026-11-20T10:00:00Z",
                    "event_type": "update",
                    "resource_name": "Requisitions",
                    "resource_id": 7000000001,
                    "company_id": 8800,
                    "project_id": world.project_ids[0],
                }
                refused = http.post(url, json=event, headers={"Authorization": "Bearer no"})
                taken = http.post(url, json=event, headers={"Authorization": WEBHOOK_SECRET})
        finally:
            receiver.send_signal(signal.SIGTERM)
            receiver.wait(timeout=20)
            assert receiver.stderr is not None
            receiver.stderr.close()
    assert (refused.status_code, taken.status_code) == (401, 200)
    store = SQLiteStore(state)
    (stored,) = store.inbox_pending("procore:procore")
    store.close()
    assert (stored.kind, stored.record_id) == ("Requisitions", "7000000001")

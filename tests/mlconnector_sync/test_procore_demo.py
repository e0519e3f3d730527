"""``mlconnector demo --scenario contractor`` at small scale: webhooks over loopback, a share
lost and caught by the poll, money and vendors agreeing, nothing posted twice, zero 429s."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlconnector_http import SystemClock
from mlconnector_sync._config import load_config
from mlconnector_sync.cli import main
from mlconnector_sync.cli._demo import run_contractor_demo
from mlconnector_sync.testing._contractor import FLOWS, Contractor


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

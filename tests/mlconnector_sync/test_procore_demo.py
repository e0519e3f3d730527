"""``mlconnector demo --scenario contractor`` at small scale: webhooks over loopback, a share
lost and caught by the poll, money and vendors agreeing, nothing posted twice, zero 429s."""

from __future__ import annotations

from pathlib import Path

from mlconnector_sync.cli._demo import run_contractor_demo


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

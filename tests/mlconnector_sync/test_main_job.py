"""The README's main job (``mlconnector demo``) runs end to end and posts nothing twice."""

from __future__ import annotations

import json
import subprocess
import sys


def test_demo_syncs_posts_nothing_twice_and_releases_holds_after_the_fixes() -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-m", "mlconnector_sync", "demo", "--json"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    first, second, third, fourth = result["runs"]
    suppliers = first["flows"]["qad_suppliers_to_procurify"]
    assert suppliers["counts"]["posted"] == 400  # the default scale, 10
    assert suppliers["counts"]["failed"] == 0
    accounts = first["flows"]["qad_gl_accounts_to_procurify"]
    assert accounts["counts"]["posted"] >= 15
    assert accounts["counts"]["failed"] == accounts["counts"]["quarantined"] == 0
    assert all(f["changes"].get("posted", 0) == 0 for f in second["flows"].values())
    assert result["duplicated_references"] == []
    # the planted holds (an unmapped account code, vendors without a QAD supplier) are
    # released by the clerk's mappings, and posted once
    held = {e["source_key"] for e in result["held_before_fixes"]}
    assert held
    assert all(e["kind"] == "held" for e in result["held_before_fixes"])
    for name, kind in (("procurify_pos_to_qad", "po"), ("procurify_bills_to_qad", "bill")):
        held_here = {k for k in held if k.split(":")[2] == kind}
        assert held_here, name
        changes = [run["flows"][name]["changes"] for run in (third, fourth)]
        assert sum(c.get("released", 0) for c in changes) >= len(held_here)
        assert sum(c.get("posted", 0) for c in changes) == len(held_here)
        assert fourth["flows"][name]["counts"]["held"] == 0
    assert {k.split(":")[2] for k in held} == {"po", "bill"}
    # some bills came before their receipts: held, then posted once the warehouse received
    waiting = [e for e in result["held_before_fixes"] if "received in QAD" in e["reason"]]
    assert waiting
    assert result["receipts_posted"] > 0
    assert result["exceptions"] == []
    # the reconciliation finds the planted discrepancies and nothing else
    found = {
        kind: sorted(
            f["bill"] or f["invoice"]
            for f in result["reconciliation"]["findings"]
            if f["kind"] == kind
        )
        for kind in result["planted"]
    }
    planted = result["planted"]
    assert found["paid_in_procurify_open_in_qad"] == planted["paid_in_procurify_open_in_qad"]
    assert found["amount_difference"] == planted["amount_difference"]
    assert len(found["unknown_bill"]) == len(planted["unknown_bill"]) == 1
    assert [f.split(" ")[0] for f in found["no_bill"]] == planted["no_bill"]
    assert len(result["reconciliation"]["findings"]) == 4

"""Crash test: a runner killed with SIGKILL at random moments, restarted until done, against
simulators served by ``mlconnector simulate`` in their own process (their state survives).

Every QAD supplier and GL account must exist in Procurify exactly once, every purchased
Procurify PO in QAD exactly once (QAD writes time out after committing 5% of the time), and
the ledger must agree with what is there.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlconnector_sync.flows import (
    procore_direct_costs_to_qad,
    procore_payments_to_qad,
    procore_requisitions_to_qad,
    procurify_bills_to_qad,
    procurify_pos_to_qad,
    qad_suppliers_to_procore,
)
from mlconnector_sync.testing._contractor import UNMAPPED_CODE, procore_totals, qad_totals
from procore_client import ProcoreClient
from procurify_client import ProcurifyClient
from qad_client import QADClient

KILLS = 50
SCALE = 10  # 400 suppliers, 150 GL accounts, 200 Procurify POs
LATENCY = 0.004  # seconds per answer, so a run posts a few dozen records before its kill


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "mlconnector_sync", *args]


@contextlib.contextmanager
def _simulate(config: Path, scenario: str, *options: str) -> Iterator[dict[str, Any]]:
    """``mlconnector simulate`` in its own process with 5% of QAD writes timing out after
    they took effect, answers slowed by ``LATENCY``; yields the line it prints."""
    server = subprocess.Popen(
        _cli(
            "simulate",
            "--scenario",
            scenario,
            "--config-out",
            str(config),
            "--seed",
            "7",
            "--qad-timeout-after-commit",
            "0.05",
            "--latency",
            str(LATENCY),
            *options,
        ),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        info: dict[str, Any] = json.loads(server.stdout.readline())
        yield info
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        if server.stdout is not None:
            server.stdout.close()


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    fault_rate = getattr(request, "param", 0.0)
    options = ("--scale", str(SCALE), "--fault-rate", str(fault_rate))
    with _simulate(tmp_path / "sim.toml", "manufacturer", *options) as info:
        yield info


def _run_once(config: Path, *, kill_after: float | None) -> int | None:
    """One ``run --once``; killed after ``kill_after`` seconds unless it finished first."""
    runner = subprocess.Popen(
        _cli("run", "--config", str(config), "--once", "--json"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return runner.wait(timeout=kill_after if kill_after is not None else 600)
    except subprocess.TimeoutExpired:
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait()
        return None


def _procurify(info: dict[str, Any]) -> ProcurifyClient:
    p = info["procurify"]
    return ProcurifyClient(
        base_url=p["base_url"],
        client_id=p["client_id"],
        client_secret=p["client_secret"],
        budget=None,
    )


def crash_and_finish(config: Path, seed: int) -> tuple[int, list[int]]:
    rng = random.Random(seed)
    killed = 0
    for _ in range(KILLS):
        if _run_once(config, kill_after=rng.uniform(0.4, 1.2)) is None:
            killed += 1
    return killed, _finish(config, open_states=("pending", "posting", "failed"))


def _finish(config: Path, *, open_states: tuple[str, ...]) -> list[int]:
    """Run to the end (at most 20 runs) until no record is in ``open_states``; the exit
    codes. Failed records become due after the config's 1 s retry base."""
    codes = []
    for _ in range(20):
        code = _run_once(config, kill_after=None)
        assert code is not None
        codes.append(code)
        status = json.loads(
            subprocess.run(
                _cli("status", "--config", str(config), "--json"),
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        if code == 0 and not any(
            f["counts"][s] for f in status["flows"].values() for s in open_states
        ):
            break
        time.sleep(1.0)
    return codes


def check_target_matches_ledger(config: Path, info: dict[str, Any]) -> None:
    records = _records(config)
    with _procurify(info) as client:
        vendors = list(client.vendors.list(page_size=1000))
        codes = list(client.account_codes.list(page_size=1000))
    by_ref = collections.Counter(v.external_id for v in vendors if v.external_id)
    by_code = collections.Counter(c.code for c in codes)
    suppliers = [r for r in records if r["flow"] == "qad_suppliers_to_procurify"]
    accounts = [r for r in records if r["flow"] == "qad_gl_accounts_to_procurify"]
    with _qad(info["qad"]) as qad:
        qad_suppliers = {s.code for s in qad.suppliers.list()}
        qad_accounts = {a.code for a in qad.gl_accounts.list()}
        qad_orders = list(qad.purchase_orders.list())
        qad_invoices = list(qad.supplier_invoices.list())
    assert len(qad_suppliers) == 40 * SCALE
    assert {r["source_id"] for r in suppliers} == qad_suppliers
    assert {r["source_id"] for r in accounts} == qad_accounts
    assert {r["state"] for r in suppliers + accounts} <= {"posted", "skipped", "held"}
    vendor_ids = {v.external_id: str(v.id) for v in vendors if v.external_id}
    code_ids = {c.code: str(c.id) for c in codes}
    for row in suppliers:
        code = row["source_key"].rsplit(":", 1)[-1]
        if row["state"] == "held":
            # Procurify already had two unlinked vendors of this name: a person chooses
            assert "target documents match" in row["reason"]
            assert by_ref[code] == 0
        if row["state"] == "posted":
            assert by_ref[code] == 1, f"supplier {code} is in Procurify {by_ref[code]} times"
            assert vendor_ids[code] == row["target_id"]
    by_po_ref = collections.Counter(o.external_reference for o in qad_orders)
    po_numbers = {o.external_reference: o.number for o in qad_orders}
    orders = [r for r in records if r["flow"] == "procurify_pos_to_qad"]
    assert orders, "the PO flow ran"
    assert {r["state"] for r in orders} <= {"posted", "skipped", "held"}
    posted_orders = 0
    for row in orders:
        ref = procurify_pos_to_qad.reference(row["source_key"])
        if row["state"] == "posted":
            posted_orders += 1
            assert by_po_ref[ref] == 1, f"PO {row['source_id']} is in QAD {by_po_ref[ref]} times"
            assert po_numbers[ref] == row["target_id"]
        else:
            assert by_po_ref[ref] == 0
    assert posted_orders > 0
    by_bill_ref = collections.Counter(i.external_reference for i in qad_invoices)
    invoice_ids = {i.external_reference: str(i.id) for i in qad_invoices}
    assert max(collections.Counter((i.supplier, i.reference) for i in qad_invoices).values()) == 1
    bills = [r for r in records if r["flow"] == procurify_bills_to_qad.NAME]
    assert {r["state"] for r in bills} <= {"posted", "skipped", "held"}
    posted_bills = 0
    for row in bills:
        ref = procurify_bills_to_qad.reference(row["source_key"])
        if row["state"] == "posted":
            posted_bills += 1
            assert by_bill_ref[ref] == 1, (
                f"bill {row['source_id']} is in QAD {by_bill_ref[ref]} times"
            )
            assert invoice_ids[ref] == row["target_id"]
        else:
            assert by_bill_ref[ref] == 0
    assert posted_bills > 0
    for row in accounts:
        code = row["source_key"].rsplit(":", 1)[-1]
        if row["state"] == "posted":
            assert by_code[code] == 1, f"account {code} is in Procurify {by_code[code]} times"
            assert code_ids[code] == row["target_id"]


@pytest.mark.slow
@pytest.mark.parametrize("served", [0.02], indirect=True)
def test_sigkill_at_random_moments_never_loses_or_doubles_a_record_on_sqlite(
    served: dict[str, Any],
) -> None:
    config = Path(served["config"])
    killed, codes = crash_and_finish(config, seed=1)
    assert killed >= KILLS * 0.8, f"only {killed} of {KILLS} runs were killed mid-way"
    assert codes[-1] == 0
    check_target_matches_ledger(config, served)


@pytest.mark.slow
@pytest.mark.parametrize("served", [0.02], indirect=True)
def test_sigkill_at_random_moments_never_loses_or_doubles_a_record_on_postgres(
    served: dict[str, Any], postgres_url: str
) -> None:
    config = Path(served["config"])
    text = config.read_text()
    text = re.sub(r'(?m)^url = ".*"$', f'url = "{postgres_url}"', text, count=1)
    # workers on several machines cannot tell a dead holder from a slow one, so on PostgreSQL
    # a dead runner's lease is taken over at once only when the config says worker host
    # names are unique, as they are here
    config.write_text(
        text.replace('lease_ttl = "30s"', 'lease_ttl = "30s"\ntake_over_dead_workers = true')
    )
    killed, codes = crash_and_finish(config, seed=2)
    assert killed >= KILLS * 0.8, f"only {killed} of {KILLS} runs were killed mid-way"
    assert codes[-1] == 0
    check_target_matches_ledger(config, served)


CONTRACTOR_KILLS = 30


@pytest.fixture
def served_contractor(tmp_path: Path) -> Iterator[Path]:
    """The contractor's Procore (50 projects) and QAD served by ``simulate`` without Procore's
    rate windows (the real clock would make 80 runs take an hour), with 2% faults and 5% of
    QAD writes timing out after they took effect."""
    config = tmp_path / "contractor.toml"
    with _simulate(config, "contractor", "--unpaced", "--fault-rate", "0.02"):
        yield config


def _ledger_states(config: Path) -> collections.Counter[str]:
    """Records per state, read straight from the SQLite state (cheaper than a process)."""
    import sqlite3

    path = config.with_suffix(".db")
    if not path.exists():
        return collections.Counter()
    with contextlib.closing(sqlite3.connect(path)) as db:
        try:
            rows = db.execute("SELECT state, count(*) FROM records GROUP BY state").fetchall()
        except sqlite3.OperationalError:  # the first run has not made its tables yet
            return collections.Counter()
    return collections.Counter({state: int(count) for state, count in rows})


@pytest.mark.slow
def test_sigkill_on_the_procore_flows_never_loses_or_doubles_an_invoice_payment_or_vendor(
    served_contractor: Path,
) -> None:
    config = served_contractor
    rng = random.Random(3)
    mid_write = 0  # kills that left a write in flight or landed after some had posted
    posted = 0
    for _ in range(CONTRACTOR_KILLS):
        # a run spends its first second or two starting up and re-reading the listings
        assert _run_once(config, kill_after=rng.uniform(1.0, 4.0)) is None, "finished early"
        states = _ledger_states(config)
        mid_write += states["posting"] > 0 or states["posted"] > posted
        posted = states["posted"]
    assert mid_write >= CONTRACTOR_KILLS / 3, f"only {mid_write} kills landed among writes"
    settings = tomllib.loads(config.read_text())
    # the clerk maps the cost code nobody had mapped; its holds are released
    text = config.read_text().replace(
        "[mappings.cost_codes]\n", f'[mappings.cost_codes]\n"{UNMAPPED_CODE}|X" = "5400"\n'
    )
    config.write_text(text)
    codes = _finish(config, open_states=("pending", "posting", "failed", "held"))
    assert codes[-1] == 0
    records = _records(config)
    by_flow = collections.defaultdict(list)
    for row in records:
        by_flow[row["flow"]].append(row)
    assert {row["state"] for row in records} <= {"posted", "skipped"}, collections.Counter(
        (row["flow"], row["state"], row.get("reason")) for row in records
    )
    with (
        _contractor_client(settings["connections"]["procore"]) as procore,
        _qad(settings["connections"]["qad"]) as qad,
    ):
        vendors = collections.Counter(v.origin_id for v in procore.vendors.list() if v.origin_id)
        vendor_ids = {v.origin_id: str(v.id) for v in procore.vendors.list() if v.origin_id}
        for row in by_flow[qad_suppliers_to_procore.NAME]:
            code = row["source_key"].rsplit(":", 1)[-1]
            assert vendors[code] == 1, f"supplier {code} is in Procore {vendors[code]} times"
            assert vendor_ids[code] == row["target_id"]
        assert len(vendors) == len(by_flow[qad_suppliers_to_procore.NAME]) == 12

        invoices = list(qad.supplier_invoices.list())
        by_ref = collections.Counter(i.external_reference for i in invoices)
        assert max(by_ref.values()) == 1, "a QAD invoice or credit note twice"
        ids = {i.external_reference: str(i.id) for i in invoices}
        for flow in (procore_requisitions_to_qad, procore_direct_costs_to_qad):
            for row in by_flow[flow.NAME]:
                ref = flow.reference(row["source_key"])
                if row["state"] == "posted":
                    assert ids[ref] == row["target_id"], f"{row['source_key']} posted as {ref}"
                else:
                    assert ref not in by_ref
        payments = collections.Counter(p.external_reference for p in qad.supplier_payments.list())
        assert max(payments.values()) == 1, "a QAD payment twice"
        posted_payments = {
            procore_payments_to_qad.reference(r["source_key"])
            for r in by_flow[procore_payments_to_qad.NAME]
            if r["state"] == "posted"
        }
        assert posted_payments
        assert set(payments) == posted_payments

        marked: dict[str, str | None] = {}
        for project in procore.projects.list(active=True):
            marked |= {str(r.id): r.origin_id for r in procore.requisitions.list(project.id)}
            marked |= {str(c.id): c.origin_id for c in procore.direct_costs.list(project.id)}
            for contract in procore.work_order_contracts.list(project.id):
                paid = procore.contract_payments.list(project.id, contract.id)
                marked |= {str(p.id): p.origin_id for p in paid}
        for flow in (
            procore_requisitions_to_qad,
            procore_direct_costs_to_qad,
            procore_payments_to_qad,
        ):
            for row in by_flow[flow.NAME]:
                if row["state"] == "posted":
                    assert marked[row["source_id"]] == row["target_id"], (
                        f"{row['source_key']} is not marked as synced in Procore"
                    )
        procore_codes, procore_payable = procore_totals(procore)
        qad_codes, qad_payable = qad_totals(qad)
    assert qad_codes == procore_codes, "money per project and cost code differs"
    assert qad_payable == procore_payable


def _records(config: Path) -> list[dict[str, Any]]:
    out = subprocess.run(
        _cli("records", "--config", str(config), "--json"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows: list[dict[str, Any]] = json.loads(out)["records"]
    return rows


def _contractor_client(settings: dict[str, Any]) -> ProcoreClient:
    return ProcoreClient(
        client_id=settings["client_id"],
        client_secret=settings["client_secret"],
        company_id=settings["company_id"],
        base_url=settings["base_url"],
        auth_url=settings["auth_url"],
        allow_private_network=True,
        budget=None,
    )


def _qad(settings: dict[str, Any]) -> QADClient:
    return QADClient(
        tenant_url=settings["tenant_url"],
        domain=settings["domain"],
        entity=settings["entity"],
        username=settings["username"],
        password=settings["password"],
        allow_private_network=True,
    )

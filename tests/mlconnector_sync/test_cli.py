"""The command line's contract: exit codes, one JSON document with --json, no tracebacks,
no secrets, config errors that name the file and the setting."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from mlconnector_sync._config import ConfigError, load_config, parse_duration
from mlconnector_sync._connections import open_connections
from mlconnector_sync.cli import main
from mlconnector_sync.testing._scenarios import Manufacturer, write_config
from procurify_client import BillStatus, PurchaseOrderState


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    scenario = Manufacturer(seed=3, scale=1)
    with scenario.serve() as served:
        config = tmp_path / "sim.toml"
        write_config(served, config, timeout=5.0)
        yield scenario, served, config


def test_run_status_records_exceptions_audit_replay_as_json(
    world, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    _, served, config = world
    code, out, err = run(capsys, "run", "--config", str(config), "--once", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert set(report["flows"]) == {
        "qad_suppliers_to_procurify",
        "qad_gl_accounts_to_procurify",
        "procurify_pos_to_qad",
        "procurify_bills_to_qad",
    }
    assert report["flows"]["qad_suppliers_to_procurify"]["counts"]["posted"] == 40

    code, out, _ = run(capsys, "status", "--config", str(config), "--json")
    status = json.loads(out)
    flow = status["flows"]["qad_suppliers_to_procurify"]
    assert set(flow["counts"]) == {
        "pending",
        "held",
        "posting",
        "posted",
        "failed",
        "quarantined",
        "skipped",
    }
    assert flow["last_run"]["changes"]["posted"] == 40
    assert flow["cursor"] is not None

    code, out, _ = run(
        capsys,
        "records",
        "--config",
        str(config),
        "--flow",
        "qad_suppliers_to_procurify",
        "--state",
        "posted",
        "--json",
    )
    rows = json.loads(out)["records"]
    assert len(rows) == 40
    assert set(rows[0]) == {
        "flow",
        "source_key",
        "source_id",
        "target_id",
        "state",
        "reason",
        "attempts",
        "updated_at",
    }
    assert all(r["target_id"] and r["target_id"].isdigit() for r in rows)

    key = rows[0]["source_key"]
    code, out, _ = run(capsys, "audit", "--config", str(config), key, "--json")
    events = [e["event"] for e in json.loads(out)["events"]]
    assert events == ["extracted", "posting", "posted"]

    code, out, _ = run(capsys, "exceptions", "--config", str(config), "--json")
    assert code == 0
    assert all(
        e["kind"] in ("held", "failed", "quarantined", "stuck")
        for e in json.loads(out)["exceptions"]
    )

    code, out, _ = run(capsys, "replay", "--config", str(config), "--record", key, "--json")
    assert json.loads(out) == {
        "queued": [],
        "left": [{"source_key": key, "why": "already in the target"}],
    }
    secret = served.systems["procurify"]["client_secret"]
    password = served.systems["qad"]["password"]
    assert secret not in out
    assert password not in out


def test_unreachable_system_exits_3_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = Manufacturer(seed=1, scale=1)
    with scenario.serve() as served:
        config = tmp_path / "sim.toml"
        write_config(served, config, timeout=1.0)
    # the servers are gone now
    code, out, err = run(capsys, "run", "--config", str(config), "--once", "--json")
    assert code == 3
    assert "Traceback" not in err
    report = json.loads(out)
    assert all(f["errors"] for f in report["flows"].values())
    assert served.systems["qad"]["password"] not in out + err


_TWO_ENDS = (
    "[connections.q]\nsystem='qad'\ntenant_url='x'\ndomain='d'\nentity='e'\n"
    "password_env='NO_SUCH_VAR'\n"
    "[connections.p]\nsystem='procurify'\nsubdomain='a'\nclient_id='c'\n"
    "client_secret_env='NO_SUCH_VAR'\n"
)


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        (
            "[connections.q]\nsystem = 'qad'\ntenant_url='x'\n"
            "domain='d'\nentity='e'\npassword='p'\n",
            "connections.q.password",
        ),
        ("[connections.q]\nsystem = 'sap'\n", "connections.q.system"),
        ("[connections.q]\nsystem = 'qad'\ndomain='d'\nentity='e'\n", "connections.q.tenant_url"),
        ("[flows.nope]\nsource='a'\ntarget='b'\n", "flows.nope"),
        ("[engine]\nretry_base = 'soon'\n", "engine.retry_base"),
        ("[engine]\nbatch_size = 0\n", "engine.batch_size"),
        ("[surprise]\n", "surprise"),
        (
            "[connections.q]\nsystem='qad'\ntenant_url='x'\ndomain='d'\nentity='e'\n"
            "password_env='NO_SUCH_VAR'\nreference_fields='customShort3'\n",
            "connections.q.reference_fields",
        ),
        (
            _TWO_ENDS + "[flows.procurify_bills_to_qad]\nsource='p'\ntarget='q'\n"
            "statuses=['approved', 'sent']\n",
            "flows.procurify_bills_to_qad.statuses",
        ),
        (
            _TWO_ENDS + "[flows.qad_suppliers_to_procurify]\nsource='q'\ntarget='p'\n"
            "statuses=['approved']\n",
            "flows.qad_suppliers_to_procurify.statuses",
        ),
        ("not = [toml\n", "-"),
    ],
)
def test_bad_config_names_file_and_setting_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, setting: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.setting == setting
    code, _, err = run(capsys, "status", "--config", str(path))
    assert code == 2
    assert str(path) in err
    assert setting in err
    assert "Traceback" not in err
    assert "'p'" not in err


def test_secrets_come_from_the_environment_when_not_a_simulator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        "[state]\nurl = 's.db'\n"
        "[connections.qad]\nsystem='qad'\ntenant_url='http://127.0.0.1:9/acme/clouderp'\n"
        "domain='10USA'\nentity='10USACO'\nusername='u'\npassword_env='QAD_PW'\n"
        "[connections.procurify]\nsystem='procurify'\nbase_url='http://127.0.0.1:9'\n"
        "client_id='c'\nclient_secret_env='PF_SECRET'\n"
        "[flows.qad_suppliers_to_procurify]\nsource='qad'\ntarget='procurify'\n"
    )
    code, _, err = run(capsys, "run", "--config", str(path), "--once")
    assert code == 2
    assert "QAD_PW" in err or "PF_SECRET" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "run")[0] == 2
    assert run(capsys, "nonsense")[0] == 2
    config = tmp_path / "empty.toml"
    config.write_text("")
    assert run(capsys, "replay", "--config", str(config))[0] == 2


def test_durations() -> None:
    assert parse_duration("90s").total_seconds() == 90
    assert parse_duration("2h").total_seconds() == 7200
    with pytest.raises(ValueError, match="duration"):
        parse_duration("2 weeks")


def test_refused_credentials_exit_3_and_the_password_never_shows(
    world, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    _, served, config = world
    password = served.systems["qad"]["password"]
    config.write_text(config.read_text().replace(password, "wrong-password-123"))
    code, out, err = run(capsys, "run", "--config", str(config), "--once", "--json")
    assert code == 3
    report = json.loads(out)
    kinds = {e["kind"] for f in report["flows"].values() for e in f["errors"]}
    assert kinds
    assert all("Auth" in k for k in kinds)
    assert "wrong-password-123" not in out + err
    assert "Traceback" not in err


def test_simulate_prints_one_json_line_serves_until_sigterm_and_writes_a_config(
    tmp_path: Path,
) -> None:
    import signal
    import subprocess
    import sys

    config = tmp_path / "sim.toml"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlconnector_sync",
            "simulate",
            "--scenario",
            "manufacturer",
            "--config-out",
            str(config),
            "--seed",
            "4",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = json.loads(server.stdout.readline())
        assert set(line) == {"config", "procurify", "qad"}
        assert set(line["procurify"]) == {"base_url", "client_id", "client_secret"}
        assert set(line["qad"]) == {"tenant_url", "username", "password", "domain", "entity"}
        assert line["procurify"]["base_url"].startswith("http://127.0.0.1:")
        assert load_config(config).connections["qad"].simulator
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=20)
        if server.stdout is not None:
            server.stdout.close()
    assert code == 0


@pytest.mark.parametrize("unpaced", [False, True])
def test_simulate_serves_the_contractor_until_sigterm_and_writes_its_config(
    tmp_path: Path, unpaced: bool
) -> None:
    import signal
    import subprocess
    import sys

    config = tmp_path / "contractor.toml"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlconnector_sync",
            "simulate",
            "--scenario",
            "contractor",
            "--config-out",
            str(config),
            *(["--unpaced"] if unpaced else []),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = json.loads(server.stdout.readline())
        assert set(line) == {"config", "procore"}
        assert line["procore"].startswith("http://127.0.0.1:")
        loaded = load_config(config)
        assert {f.source for f in loaded.flows.values()} == {"procore", "qad"}
        assert "procore_requisitions_to_qad" in loaded.flows
        procore = loaded.connections["procore"].settings
        assert procore.get("rate_limit") == (None if unpaced else (24, 10.0))
        assert procore["auth_url"] != procore["base_url"] == line["procore"]
        with httpx.Client() as http:
            # token host and API are separate origins, as in production
            assert http.post(f"{procore['base_url']}/oauth/token").status_code == 404
            limits = [
                http.get(f"{procore['base_url']}/rest/v1.0/companies").headers.get(
                    "x-rate-limit-limit"
                )
                for _ in range(2)
            ]
        assert (limits[0] is None) == unpaced
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=20)
        if server.stdout is not None:
            server.stdout.close()
    assert code == 0


def test_validate_pings_every_system_and_exits_3_when_one_refuses(
    world, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    _, served, config = world
    code, out, err = run(capsys, "validate", "--config", str(config), "--json")
    assert code == 0, err
    result = json.loads(out)["connections"]
    assert set(result) == {"procurify", "qad"}
    assert all(r["ok"] for r in result.values())
    assert len(result["qad"]["checks"]) > 5
    secret = served.systems["procurify"]["client_secret"]
    config.write_text(config.read_text().replace(secret, "not-the-secret"))
    code, out, err = run(capsys, "validate", "--config", str(config), "--json")
    assert code == 3
    result = json.loads(out)["connections"]
    assert result["qad"]["ok"]
    assert not result["procurify"]["ok"]
    assert "Auth" in result["procurify"]["checks"][0]["detail"]
    assert "not-the-secret" not in out + err


def test_reconcile_reports_findings_as_json_and_csv_with_exit_code_1(
    world, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    scenario, _, config = world
    assert run(capsys, "run", "--config", str(config), "--once")[0] == 0
    scenario.settle_in_qad()
    scenario.key_invoice_by_hand()
    sheet = tmp_path / "findings.csv"
    code, out, err = run(
        capsys, "reconcile", "--config", str(config), "--json", "--csv", str(sheet)
    )
    assert code == 1, err
    result = json.loads(out)
    kinds = {f["kind"] for f in result["findings"]}
    assert "no_bill" in kinds  # the invoice keyed by hand
    assert sorted(result["counts"]) == sorted(
        ["paid_in_procurify_open_in_qad", "amount_difference", "unknown_bill", "no_bill"]
    )
    header, *rows = sheet.read_text().splitlines()
    assert header.split(",")[:3] == ["kind", "currency", "bill"]
    assert len(rows) == len(result["findings"])
    code, out, _ = run(capsys, "reconcile", "--config", str(config))
    assert code == 1
    assert "reconciliation" in out


def test_posting_statuses_come_from_the_config(tmp_path: Path) -> None:
    path = tmp_path / "statuses.toml"
    path.write_text(
        _TWO_ENDS
        + "[flows.procurify_pos_to_qad]\nsource='p'\ntarget='q'\nstatuses=['purchased']\n"
        + "[flows.procurify_bills_to_qad]\nsource='p'\ntarget='q'\nstatuses=['approved', 4]\n"
    )
    flows = load_config(path).flows
    assert flows["procurify_pos_to_qad"].options["statuses"] == {PurchaseOrderState.PURCHASED}
    assert flows["procurify_bills_to_qad"].options["statuses"] == {
        BillStatus.APPROVED,
        BillStatus.PAID,
    }


def test_the_qad_reference_field_is_chosen_per_tenant_in_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QAD_PASSWORD_FOR_TEST", "p")
    path = tmp_path / "fields.toml"
    base = (
        "[connections.q]\nsystem='qad'\ntenant_url='https://qad.example/clouderp'\n"
        "domain='d'\nentity='e'\nusername='u'\npassword_env='QAD_PASSWORD_FOR_TEST'\n"
    )
    path.write_text(base + "[connections.q.reference_fields]\npurchase_orders='customShort3'\n")
    with open_connections(load_config(path), every_connection=True) as conns:
        chosen = dict(conns.clients["q"].workspace.reference_fields)
    assert list(chosen.values()) == ["customShort3"]
    path.write_text(base + "[connections.q.reference_fields]\npurchase_orders='customLong0'\n")
    with pytest.raises(ConfigError) as caught:
        with open_connections(load_config(path), every_connection=True):
            pass
    assert caught.value.setting == "connections.q"
    assert "customShort0..customShort19" in str(caught.value)

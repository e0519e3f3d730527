"""An EE site in the config: ``transport = "qxtend"`` selects QXtend; ``mlconnector simulate --qad
qxtend`` serves the manufacturer scenario's QAD as QXtend Inbound, and ``validate`` and ``run``
work against it unchanged."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlconnector_sync._config import ConfigError, load_config
from mlconnector_sync.cli import main
from mlconnector_sync.testing._scenarios import QAD_PASSWORD, Manufacturer, write_config

SITE = """
[connections.qad]
system = "qad"
transport = "qxtend"
endpoint = "https://qad-ee.example.com:8143/qxilive/services/QdocWebService"
receiver = "QX_MLC"
domain = "10USA"
entity = "10USACO"
username = "mfg"
password_env = "QAD_EE_PASSWORD"

[connections.qad.versions]
receivePurchaseOrder = "ERP3_3"
maintainPurchaseOrder = "ERP3_2"
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_qxtend_connection_is_read_with_its_versions(tmp_path: Path) -> None:
    path = tmp_path / "ee.toml"
    path.write_text(SITE)
    qad = load_config(path).connections["qad"]
    assert qad.settings["transport"] == "qxtend"
    assert qad.settings["versions"] == {
        "receivePurchaseOrder": "ERP3_3",
        "maintainPurchaseOrder": "ERP3_2",
    }


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        (('receiver = "QX_MLC"\n', ""), "connections.qad.receiver"),
        (('transport = "qxtend"', 'transport = "soap"'), "connections.qad.transport"),
        (
            ('username = "mfg"', 'username = "mfg"\ntenant_url = "https://x.qad.com/clouderp"'),
            "connections.qad.tenant_url",
        ),
        (
            ('password_env = "QAD_EE_PASSWORD"', 'password = "in-the-file"'),
            "connections.qad.password",
        ),
        (
            ('maintainPurchaseOrder = "ERP3_2"', "maintainPurchaseOrder = 3"),
            "connections.qad.versions",
        ),
    ],
)
def test_a_bad_qxtend_connection_names_the_setting(
    tmp_path: Path, change: tuple[str, str], setting: str
) -> None:
    path = tmp_path / "ee.toml"
    path.write_text(SITE.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.setting == setting
    assert "in-the-file" not in str(caught.value)


def test_rest_connections_refuse_qxtend_settings(tmp_path: Path) -> None:
    path = tmp_path / "rest.toml"
    path.write_text(
        '[connections.qad]\nsystem = "qad"\ntenant_url = "https://acme.qad.com/clouderp"\n'
        'domain = "10USA"\nentity = "10USACO"\nreceiver = "QX"\n'
    )
    with pytest.raises(ConfigError, match="rest connection"):
        load_config(path)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Manufacturer, Path]]:
    scenario = Manufacturer(seed=3, scale=1)
    with scenario.serve(qad="qxtend") as served:
        config = tmp_path / "sim.toml"
        write_config(served, config, timeout=5.0)
        yield scenario, config


def test_validate_and_run_against_the_qxtend_front_door(
    served: tuple[Manufacturer, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, config = served
    code, out, err = run(capsys, "validate", "--config", str(config), "--json")
    assert code == 0, err
    checks = json.loads(out)["connections"]["qad"]["checks"]
    assert len(checks) == 5
    assert all(c["ok"] for c in checks)
    code, out, err = run(
        capsys,
        "run",
        "--config",
        str(config),
        "--once",
        "--json",
        "--flow",
        "qad_suppliers_to_procurify",
        "--flow",
        "procurify_pos_to_qad",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["exit_code"] == 0
    assert {c.api for c in scenario.qxtend.calls} >= {"queryService", "maintainPurchaseOrder"}
    assert scenario.qad.request_count(path="/acme/clouderp/api/erp") == scenario.qad.request_count(
        path="/acme/clouderp/api/erp/purchaseOrderReceipts"
    )  # over REST only the scenario's own warehouse posted receipts
    assert QAD_PASSWORD not in out + err


def test_simulate_serves_the_qxtend_front_door(tmp_path: Path) -> None:
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
            "--qad",
            "qxtend",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = json.loads(server.stdout.readline())
        assert line["qad"]["transport"] == "qxtend"
        assert line["qad"]["endpoint"].endswith("/qxilive/services/QdocWebService")
        qad = load_config(config).connections["qad"]
        assert qad.simulator
        assert qad.settings["receiver"] == line["qad"]["receiver"]
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=20)
        if server.stdout is not None:
            server.stdout.close()
    assert code == 0

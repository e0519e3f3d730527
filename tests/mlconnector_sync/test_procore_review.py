"""The optional approval gate on the Procore invoice flow: nothing posts until a person
accepts it (``mlconnector review list|accept|reject``), and the decision is audited."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest

from mlconnector_sync import REVIEW_WAITS, Engine, Event, State
from mlconnector_sync.cli import main
from mlconnector_sync.flows import procore_requisitions_to_qad as requisitions
from mlconnector_sync.flows import qad_suppliers_to_procore as suppliers
from mlconnector_sync.state import SQLiteStore
from mlconnector_sync.testing._contractor import Contractor

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(list(args))
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def test_invoices_wait_for_acceptance_and_the_trail_says_who_and_when(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = Contractor(projects=2, suppliers=4)
    procore, qad = scenario.procore_client(), scenario.qad_client()
    state = tmp_path / "state.db"
    config = tmp_path / "mlconnector.toml"
    config.write_text(f'[state]\nurl = "{state}"\n', encoding="utf-8")
    store = SQLiteStore(state)
    for name, table in scenario.mappings().items():
        store.save_mapping(name, table, now=NOW)
    gated = attrs.evolve(requisitions.build(procore, qad, connection="procore"), review=True)
    engine = Engine([suppliers.build(qad, procore, connection="qad", domain="10USA"), gated], store)

    first = engine.run_once().flows[requisitions.NAME]
    assert first.changes.get("posted", 0) == 0
    waiting = [e for e in first.exceptions if e.waits_on == REVIEW_WAITS]
    assert waiting
    assert list(qad.supplier_invoices.list()) == []

    code, listed = cli(capsys, "review", "list", "--config", str(config), "--json")
    assert code == 0
    items = listed["review"]
    assert isinstance(items, list)
    assert {i["source_key"] for i in items} == {e.source_key for e in waiting}
    assert all("supplier SUB" in i["summary"] and " net " in i["summary"] for i in items)

    take, drop, *rest = (str(i["source_key"]) for i in items)
    code, accepted = cli(
        capsys, "review", "accept", take, "--by", "alice", "--note", "ok", "--config",
        str(config), "--json",
    )  # fmt: skip
    assert (code, accepted["decided"]) == (0, [take])
    code, rejected = cli(
        capsys, "review", "reject", drop, "--by", "bob", "--note", "duplicate", "--config",
        str(config), "--json",
    )  # fmt: skip
    assert (code, rejected["decided"]) == (0, [drop])
    code, _ = cli(
        capsys, "review", "accept", take, "--by", "alice", "--config", str(config), "--json"
    )
    assert code == 2, "a record no longer in review is named as left, with exit 2"

    second = engine.run_once().flows[requisitions.NAME]
    assert second.changes["posted"] == 1
    assert len(list(qad.supplier_invoices.list())) >= 1
    rows = store.load(requisitions.NAME, [take, drop, *rest])
    assert rows[take].state == State.POSTED
    assert rows[drop].state == State.SKIPPED
    assert rows[drop].reason == "rejected in review by bob: duplicate"
    assert all(rows[key].waits_on == REVIEW_WAITS for key in rest)
    trail = [(e.event, e.worker, e.reason) for e in store.audit(source_key=take)]
    assert (Event.ACCEPTED, "review:alice", "accepted in review by alice: ok") in trail
    assert [e for e, _, _ in trail][-2:] == [Event.POSTING, Event.POSTED]
    third = engine.run_once().flows[requisitions.NAME]
    assert third.changes.get("posted", 0) == 0
    store.close()

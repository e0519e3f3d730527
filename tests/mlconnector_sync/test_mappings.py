"""Mapping tables: files (TOML, CSV), versions in the state, the CLI, and the audit trail
naming the mapping version a held record was released and posted with."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlconnector_sync import Context, Engine, Event, Flow, Hold, Post, State, Verdict
from mlconnector_sync._mapping import MappingError, diff, read_mapping_file
from mlconnector_sync.cli import main
from mlconnector_sync.state import StateStore
from mlconnector_sync.testing import MemorySink, MemorySource

from .conftest import TickingClock

keys = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=',"\r\n'),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@given(st.dictionaries(keys, keys, max_size=20))
def test_csv_tables_round_trip(table: dict[str, str]) -> None:
    import tempfile

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["key", "value"])
    writer.writerows(table.items())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        assert read_mapping_file(path) == table


def test_bad_mapping_files_name_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "accounts.csv"
    bad.write_text("6100,6100-00\n6100,6200\n")
    with pytest.raises(MappingError, match=r"accounts.csv:2: 6100 is mapped twice"):
        read_mapping_file(bad)
    bad.write_text("6100\n")
    with pytest.raises(MappingError, match=r"accounts.csv:1: expected 2 columns"):
        read_mapping_file(bad)
    nested = tmp_path / "m.toml"
    nested.write_text("[x]\ny = 1\n")
    with pytest.raises(MappingError, match="must be text"):
        read_mapping_file(nested)


def test_diff() -> None:
    change = diff({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "20", "d": "4"})
    assert change.added == {"d": "4"}
    assert change.removed == {"c": "3"}
    assert change.changed == {"b": ("2", "20")}
    assert diff({"a": "1"}, {"a": "1"}).empty


def _needs_currency(payload: Mapping[str, Any], ctx: Context) -> Verdict:
    currency = str(payload["currency"])
    target = ctx.mapping("currencies").get(currency)
    if target is None:
        return Hold(f"currency {currency} is not mapped", waits_on=f"currency map for {currency}")
    return Post({"name": payload["name"], "currency": target})


def test_a_hold_for_a_missing_mapping_is_released_by_the_next_version(
    store: StateStore, clock: TickingClock
) -> None:
    source, sink = MemorySource(), MemorySink()
    source.put("1", {"name": "a", "currency": "USD"}, modified_at=clock())
    source.put("2", {"name": "b", "currency": "NOK"}, modified_at=clock())
    engine = Engine(
        [Flow(name="f", source=source, sink=sink, transform=_needs_currency)], store, now=clock
    )
    v1 = store.save_mapping("currencies", {"USD": "USD"}, now=clock())
    first = engine.run_once()
    assert first.flows["f"].counts == {State.POSTED: 1, State.HELD: 1}
    v2 = store.save_mapping("currencies", {"USD": "USD", "NOK": "NOK"}, now=clock())
    engine.run_once()
    assert sink.creates == 2
    posted = [e for e in store.audit(source_key="mem:main:2") if e.event == Event.POSTED]
    assert [e.mapping_version for e in posted] == [v2]
    first_post = [e for e in store.audit(source_key="mem:main:1") if e.event == Event.POSTED]
    assert [e.mapping_version for e in first_post] == [v1]


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_mappings_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c.toml"
    (tmp_path / "accounts.csv").write_text("key,value\n6100,6100-00\n7000,7000\n")
    config.write_text('[state]\nurl = "s.db"\n[mappings]\naccounts = "accounts.csv"\n')
    code, out, _ = _cli(capsys, "mappings", "show", "--config", str(config), "accounts", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["entries"] == {"6100": "6100-00", "7000": "7000"}
    code, _, err = _cli(capsys, "mappings", "set", "--config", str(config), "accounts", "1", "2")
    assert code == 2
    assert "edit that file" in err
    config.write_text('[state]\nurl = "s.db"\n')  # from here on the table lives in the state
    first = shown["version"]
    assert (
        _cli(capsys, "mappings", "set", "--config", str(config), "accounts", "6100", "6110")[0] == 0
    )
    assert (
        _cli(capsys, "mappings", "set", "--config", str(config), "accounts", "7000", "--delete")[0]
        == 0
    )
    code, out, _ = _cli(
        capsys,
        "mappings",
        "diff",
        "--config",
        str(config),
        "accounts",
        "--from",
        str(first),
        "--json",
    )
    change = json.loads(out)
    assert change["changed"] == {"6100": {"from": "6100-00", "to": "6110"}}
    assert change["removed"] == {"7000": "7000"}
    (tmp_path / "depts.toml").write_text('Engineering = "CC100"\n')
    assert (
        _cli(
            capsys,
            "mappings",
            "load",
            "--config",
            str(config),
            "departments",
            str(tmp_path / "depts.toml"),
        )[0]
        == 0
    )
    code, out, _ = _cli(capsys, "mappings", "show", "--config", str(config), "--json")
    listing = json.loads(out)["mappings"]
    assert set(listing) == {"accounts", "departments"}
    assert len(listing["accounts"]) == 3  # from the file, then two edits
    code, _, err = _cli(capsys, "mappings", "show", "--config", str(config), "nope")
    assert code == 2
    assert "no mapping 'nope'" in err

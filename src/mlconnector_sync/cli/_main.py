"""Commands; each opens the config, does one thing through the library, and reports."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import random
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from mlconnector_http import APIError
from mlconnector_http.testing import Fault
from mlconnector_sync._config import Config, ConfigError, load_config
from mlconnector_sync._connections import open_connections
from mlconnector_sync._credentials import CredentialError, CredentialStore, new_master_key
from mlconnector_sync._ledger import State
from mlconnector_sync._replay import replay
from mlconnector_sync._report import RunReport
from mlconnector_sync._runner import Engine, default_worker
from mlconnector_sync.cli._output import ProgressBars, emit, print_report, print_rows
from mlconnector_sync.state import StateError, StateStore, open_store
from mlconnector_sync.testing._scenarios import (
    SCENARIOS,
    add_random_faults,
    add_timeouts_after_commit,
    write_config,
)

__all__ = ["main"]

EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE = 1, 2, 3

json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The TOML config file.",
)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"mlconnector: {message}", err=True)
    raise SystemExit(code)


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Known failures as a one-line message and the contract's exit code."""
    try:
        yield
    except ConfigError as error:
        _fail(str(error), EXIT_USAGE)
    except CredentialError as error:
        _fail(str(error), EXIT_USAGE)
    except StateError as error:
        _fail(f"state backend: {error}", EXIT_USAGE)
    except APIError as error:
        _fail(f"{type(error).__name__}: {error}", EXIT_UNREACHABLE)
    except OSError as error:
        _fail(f"{error}", EXIT_UNREACHABLE)


@contextlib.contextmanager
def _opened(config_path: Path) -> Iterator[tuple[Config, StateStore]]:
    with _errors():
        config = load_config(config_path)
        try:
            store = open_store(config.state_url)
        except ImportError as error:
            raise ConfigError(
                config.path, "state.url", f"{error}; install mlconnector[postgres]"
            ) from None
        except Exception as error:
            if isinstance(error, StateError):
                raise
            raise ConfigError(config.path, "state.url", f"cannot open: {error}") from None
        try:
            yield config, store
        finally:
            store.close()


def _credentials(store: StateStore) -> CredentialStore | None:
    try:
        return CredentialStore(store)
    except CredentialError:
        return None


def _engine(config: Config, store: StateStore, flows: Any, meter: Any) -> Engine:
    return Engine(
        flows,
        store,
        options=config.engine,
        mappings=config.mappings,
        throttle_seconds=meter.total,
        audit_retention=config.audit_retention,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="Log to stderr (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """mlconnector: keeps purchasing and the ledger in agreement (QAD, Procurify, Procore)."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )


@cli.command()
@config_option
@click.option("--once", is_flag=True, help="Run every enabled flow once, then exit.")
@click.option("--flow", "flows", multiple=True, help="Only this flow (repeatable).")
@json_option
def run(config_path: Path, once: bool, flows: tuple[str, ...], as_json: bool) -> None:
    """Run the enabled flows once, or on their schedules until SIGINT/SIGTERM."""
    with _opened(config_path) as (config, store), _errors():
        names = list(flows) or None
        with open_connections(config, credentials=_credentials(store), flows=names) as conns:
            engine = _engine(config, store, conns.flows, conns.meter)
            last: list[RunReport] = []
            with ProgressBars(enabled=not as_json and sys.stderr.isatty()) as bars:
                if once:
                    last.append(engine.run_once(progress=bars.update))
                else:
                    schedules = {n: config.flows[n].schedule for n in (names or config.flows)}
                    engine.run_forever(schedules, progress=bars.update, on_report=last.append)
        if not last:
            return
        report = last[-1]
        if as_json:
            emit(report.to_json())
        else:
            print_report(report)
        if report.exit_code:
            raise SystemExit(report.exit_code)


@cli.command()
@config_option
@json_option
def status(config_path: Path, as_json: bool) -> None:
    """Per flow: counts by ledger state, cursor position, last run."""
    with _opened(config_path) as (config, store):
        counts = store.counts()
        cursors = store.cursors()
        runs = store.runs(limit=50)
        result: dict[str, Any] = {"flows": {}}
        for name in sorted(set(config.flows) | set(counts)):
            per_state = counts.get(name, {})
            marks = {str(u.partition): w for u, w in cursors.items() if u.flow == name}
            last_run = next((r for r in runs if name in r.report.get("flows", {})), None)
            result["flows"][name] = {
                "counts": {s.value: per_state.get(s, 0) for s in State},
                "cursor": {p: None if w is None else w.isoformat() for p, w in marks.items()}
                or None,
                "last_run": None
                if last_run is None
                else {
                    "run_id": last_run.run_id,
                    "started_at": last_run.started_at.isoformat(),
                    "finished_at": last_run.finished_at.isoformat(),
                    "changes": last_run.report["flows"][name]["changes"],
                },
            }
        if as_json:
            emit(result)
            return
        rows = [
            [name, *(str(v["counts"][s.value]) for s in State), json.dumps(v["cursor"])]
            for name, v in result["flows"].items()
        ]
        print_rows("status", ["flow", *(s.value for s in State), "cursor"], rows)


def _record_json(row: Any) -> dict[str, Any]:
    return {
        "flow": row.flow,
        "source_key": row.source_key,
        "source_id": row.source_id,
        "target_id": row.target_id,
        "state": row.state.value,
        "reason": row.reason,
        "attempts": row.attempts,
        "updated_at": row.updated_at.isoformat(),
    }


@cli.command()
@config_option
@click.option("--flow", default=None, help="Only this flow.")
@click.option("--state", "state", type=click.Choice([s.value for s in State]), default=None)
@json_option
def records(config_path: Path, flow: str | None, state: str | None, as_json: bool) -> None:
    """One row per source record."""
    with _opened(config_path) as (_, store):
        rows = store.rows(flow=flow, states=None if state is None else [State(state)])
        found = [_record_json(r) for r in rows]
        if as_json:
            emit({"records": found})
            return
        columns = ["flow", "source_key", "target_id", "state", "attempts", "reason"]
        print_rows("records", columns, [[str(r[c] or "") for c in columns] for r in found])


@cli.command()
@config_option
@json_option
def exceptions(config_path: Path, as_json: bool) -> None:
    """Held, failed, quarantined and stuck records with their reasons, oldest first."""
    with _opened(config_path) as (config, store):
        engine = Engine([], store, options=config.engine)
        items = [e.to_json() for e in engine.exceptions()]
        if as_json:
            emit({"exceptions": items})
            return
        columns = ["since", "kind", "flow", "source_key", "field", "reason"]
        print_rows("exceptions", columns, [[str(i[c] or "") for c in columns] for i in items])


@cli.command(name="replay")
@config_option
@click.option("--record", "keys", multiple=True, help="A source key (repeatable).")
@click.option(
    "--state", "state", type=click.Choice(["failed", "quarantined", "held"]), default=None
)
@json_option
def replay_command(
    config_path: Path, keys: tuple[str, ...], state: str | None, as_json: bool
) -> None:
    """Re-queue records; the next run posts them (once) through the usual path."""
    if not keys and state is None:
        _fail("name what to replay: --record KEY or --state failed|quarantined|held", EXIT_USAGE)
    with _opened(config_path) as (_, store):
        result = replay(
            store,
            now=dt.datetime.now(dt.UTC),
            worker=default_worker(),
            keys=list(keys) or None,
            states=None if state is None else [State(state)],
        )
        document = {
            "queued": [r.source_key for r in result.queued],
            "left": [{"source_key": k, "why": why} for k, why in result.left],
        }
        if as_json:
            emit(document)
        else:
            click.echo(f"queued {len(result.queued)}; left {len(result.left)}")
            for key, why in result.left:
                click.echo(f"  {key}: {why}")


@cli.command()
@config_option
@click.argument("key")
@json_option
def audit(config_path: Path, key: str, as_json: bool) -> None:
    """A record's audit events, in order."""
    with _opened(config_path) as (_, store):
        events = [
            {
                "at": e.at.isoformat(),
                "flow": e.flow,
                "event": e.event.value,
                "from": None if e.state_from is None else e.state_from.value,
                "to": e.state_to.value,
                "worker": e.worker,
                "attempt": e.attempt,
                "reason": e.reason,
                "request_id": e.request_id,
                "target_id": e.target_id,
            }
            for e in store.audit(source_key=key)
        ]
        if as_json:
            emit({"source_key": key, "events": events})
            return
        columns = ["at", "event", "from", "to", "target_id", "reason"]
        print_rows(f"audit {key}", columns, [[str(e[c] or "") for c in columns] for e in events])


@cli.group()
def credentials() -> None:
    """The encrypted credential store (master key in MLCONNECTOR_MASTER_KEY)."""


@credentials.command(name="key")
def credentials_key() -> None:
    """Print a new master key."""
    click.echo(new_master_key())


@credentials.command(name="set")
@config_option
@click.argument("name")
def credentials_set(config_path: Path, name: str) -> None:
    """Store a secret as NAME (``connection.setting``), read from stdin or a prompt."""
    with _opened(config_path) as (_, store), _errors():
        value = click.prompt(name, hide_input=True) if sys.stdin.isatty() else sys.stdin.read()
        CredentialStore(store).set(name, value.strip())
        click.echo(f"stored {name}")


@credentials.command(name="list")
@config_option
@json_option
def credentials_list(config_path: Path, as_json: bool) -> None:
    """The names of stored secrets (never their values)."""
    with _opened(config_path) as (_, store):
        names = store.secret_names()
        if as_json:
            emit({"credentials": names})
        else:
            click.echo("\n".join(names))


@credentials.command(name="rotate")
@config_option
@click.option("--new-key", required=True, help="The new master key (then put it first in the env).")
def credentials_rotate(config_path: Path, new_key: str) -> None:
    """Re-encrypt every stored secret under a new master key."""
    with _opened(config_path) as (_, store), _errors():
        count = CredentialStore(store).rotate(new_key)
        click.echo(f"re-encrypted {count} secrets")


@cli.command()
@click.option("--scenario", type=click.Choice(["manufacturer", "contractor"]), required=True)
@click.option("--config-out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--seed", type=int, default=0)
@click.option("--scale", type=click.IntRange(min=1), default=1)
@click.option("--host", default="127.0.0.1")
@click.option("--port", type=click.IntRange(0, 65534), default=0)
@click.option("--fault-rate", type=click.FloatRange(0, 1), default=0.0)
@click.option("--qad-timeout-after-commit", type=click.FloatRange(0, 1), default=0.0)
@click.option(
    "--latency", type=click.FloatRange(0, 10), default=0.0, help="Seconds added to every answer."
)
def simulate(
    scenario: str,
    config_out: Path,
    seed: int,
    scale: int,
    host: str,
    port: int,
    fault_rate: float,
    qad_timeout_after_commit: float,
    latency: float,
) -> None:
    """Serve a scenario's simulators on loopback until SIGINT/SIGTERM; write a config."""
    if scenario not in SCENARIOS:
        _fail(
            f"scenario {scenario!r} is not available yet; available: {', '.join(SCENARIOS)}",
            EXIT_USAGE,
        )
    world = SCENARIOS[scenario](seed=seed, scale=scale)
    rng = random.Random(seed)
    stall = 1.0
    for simulator in world.simulators().values():
        add_random_faults(simulator, fault_rate, rng, stall=stall)
    add_timeouts_after_commit(world.qad, qad_timeout_after_commit, rng, stall=stall)
    if latency:
        for simulator in world.simulators().values():
            simulator.faults.add(Fault.delay(latency), times=None)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with _errors(), world.serve(host, port) as served:
        write_config(served, config_out, timeout=stall / 2)
        line = {"config": str(config_out), **served.systems}
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()
        while not stop.wait(0.2):
            pass


@cli.command()
@click.option("--scale", type=click.IntRange(min=1), default=1)
@click.option("--seed", type=int, default=0)
@json_option
def demo(scale: int, seed: int, as_json: bool) -> None:
    """The main job: the bundled simulators on loopback, every flow twice, SQLite state."""
    from mlconnector_sync.cli._demo import run_demo

    with tempfile.TemporaryDirectory(prefix="mlconnector-demo-") as folder, _errors():
        result = run_demo(Path(folder), scale=scale, seed=seed, quiet=as_json)
        if as_json:
            emit(result)


def main(argv: list[str] | None = None) -> int:
    """The console script ``mlconnector`` (and ``python -m mlconnector_sync``)."""
    try:
        cli.main(args=argv, prog_name="mlconnector", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as error:
        error.show()
        return EXIT_USAGE
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    except Exception as error:
        logging.getLogger("mlconnector_sync").debug("internal error", exc_info=True)
        click.echo(f"mlconnector: internal error: {type(error).__name__}: {error}", err=True)
        return EXIT_FAILED
    return 0

"""Commands; each opens the config, does one thing through the library, and reports."""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import logging
import random
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from mlconnector_http import APIError
from mlconnector_http.testing import Fault
from mlconnector_sync._config import Config, ConfigError, load_config
from mlconnector_sync._connections import (
    ThrottleMeter,
    check_connections,
    connection_secret,
    open_connections,
)
from mlconnector_sync._credentials import CredentialError, CredentialStore, new_master_key
from mlconnector_sync._flow import Flow
from mlconnector_sync._ledger import State
from mlconnector_sync._mapping import MappingError, diff, read_mapping_file, store_changed
from mlconnector_sync._reconcile import BILL_FLOW, reconcile
from mlconnector_sync._replay import replay
from mlconnector_sync._report import RunReport
from mlconnector_sync._review import decide, in_review
from mlconnector_sync._runner import Engine, default_worker
from mlconnector_sync.cli._output import (
    ProgressBars,
    emit,
    print_reconciliation,
    print_report,
    print_rows,
)
from mlconnector_sync.state import StateError, StateStore, open_store
from mlconnector_sync.testing._scenarios import (
    SCENARIOS,
    ServedScenario,
    add_random_faults,
    add_timeouts_after_commit,
    write_config,
)
from mlconnector_sync.webhooks import (
    DEFAULT_PATH,
    DEFAULT_RESOURCES,
    Intake,
    create_app,
    install,
    serve,
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
    except (ConfigError, CredentialError) as error:
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


def _engine(
    config: Config, store: StateStore, flows: Sequence[Flow], meter: ThrottleMeter
) -> Engine:
    _sync_mappings(config, store)
    return Engine(
        flows,
        store,
        options=config.engine,
        throttle_seconds=meter.total,
        audit_retention=config.audit_retention,
    )


def _sync_mappings(config: Config, store: StateStore) -> None:
    """Tables named in the config's [mappings] become a new stored version when they changed."""
    store_changed(store, config.mappings, now=dt.datetime.now(dt.UTC))


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
@click.option(
    "--pushed",
    is_flag=True,
    help="With --once: only what webhooks pushed into the inbox (targeted fetches, no poll).",
)
@json_option
def run(config_path: Path, once: bool, flows: tuple[str, ...], pushed: bool, as_json: bool) -> None:
    """Run the enabled flows once, or on their schedules until SIGINT/SIGTERM."""
    if pushed and not once:
        _fail("--pushed needs --once (the schedules always poll)", EXIT_USAGE)
    with _opened(config_path) as (config, store), _errors():
        names = list(flows) or None
        with open_connections(config, credentials=_credentials(store), flows=names) as conns:
            engine = _engine(config, store, conns.flows, conns.meter)
            last: list[RunReport] = []
            with ProgressBars(enabled=not as_json and sys.stderr.isatty()) as bars:
                if once:
                    last.append(engine.run_once(progress=bars.update, poll=not pushed))
                else:
                    schedules = {n: config.flows[n].schedule for n in (names or config.flows)}
                    engine.run_forever(
                        schedules,
                        progress=bars.update,
                        on_report=last.append,
                        pushed_every=config.engine.pushed_every,
                    )
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
def validate(config_path: Path, as_json: bool) -> None:
    """Ping every configured system: sign-in, identity, and QAD's entity paths and rights."""
    with _opened(config_path) as (config, store), _errors():
        if not config.connections:
            _fail(f"{config.path}: connections: none configured", EXIT_USAGE)
        with open_connections(
            config, credentials=_credentials(store), every_connection=True
        ) as conns:
            results = check_connections(conns)
        if as_json:
            emit({"connections": results})
        else:
            rows = [
                [name, "ok" if c["ok"] else "FAILED", c["check"], str(c["detail"])]
                for name, result in results.items()
                for c in result["checks"]
            ]
            print_rows("validate", ["connection", "", "check", "detail"], rows)
        if not all(r["ok"] for r in results.values()):
            raise SystemExit(EXIT_UNREACHABLE)


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


@cli.command(name="reconcile")
@config_option
@json_option
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the findings to this CSV file.",
)
def reconcile_command(config_path: Path, as_json: bool, csv_path: Path | None) -> None:
    """Compare Procurify payments with QAD invoices' open balances (reads only).

    Exit code 0 when everything agrees, 1 when there are findings.
    """
    with _opened(config_path) as (config, store), _errors():
        fc = config.flows.get(BILL_FLOW)
        if fc is None:
            _fail(f"{config.path}: flows.{BILL_FLOW}: not enabled; reconcile needs it", EXIT_USAGE)
        with open_connections(config, credentials=_credentials(store), flows=[BILL_FLOW]) as conns:
            result = reconcile(conns.clients[fc.source], conns.clients[fc.target], store)
        if csv_path is not None:
            csv_path.write_text(result.to_csv(), encoding="utf-8")
        if as_json:
            emit(result.to_json())
        else:
            print_reconciliation(result)
        if not result.clean:
            raise SystemExit(EXIT_FAILED)


@cli.group()
def webhooks() -> None:
    """Procore webhooks: the receiver (into the state's inbox) and the hook that feeds it."""


def _procore_connection(config: Config, name: str | None) -> str:
    procore = [c.name for c in config.connections.values() if c.system == "procore"]
    if name is None and len(procore) == 1:
        return procore[0]
    if name not in procore:
        _fail(
            f"{config.path}: name the Procore connection with --connection "
            f"(configured: {', '.join(procore) or 'none'})",
            EXIT_USAGE,
        )
    return str(name)


@webhooks.command(name="serve")
@config_option
@click.option("--connection", default=None, help="The Procore connection (if several).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8787, show_default=True, type=int)
@click.option("--path", default=DEFAULT_PATH, show_default=True)
def webhooks_serve(
    config_path: Path, connection: str | None, host: str, port: int, path: str
) -> None:
    """Receive Procore webhooks until SIGINT/SIGTERM: each verified event is stored once in
    the inbox and answered at once; `mlconnector run --once --pushed` fetches what they name."""
    with _opened(config_path) as (config, store), _errors():
        name = _procore_connection(config, connection)
        secret = connection_secret(config, name, "webhook_secret", _credentials(store))
        intake = Intake(
            store,
            source=f"procore:{name}",
            secrets=secret,
            own_application=str(config.connections[name].settings["client_id"]),
        )
        click.echo(f"receiving Procore webhooks on http://{host}:{port}{path}", err=True)
        serve(create_app(intake, path=path), host=host, port=port)


@webhooks.command(name="install")
@config_option
@click.option("--connection", default=None, help="The Procore connection (if several).")
@click.option("--url", required=True, help="The receiver's public URL (…/webhooks/procore).")
@click.option("--resource", "resources", multiple=True, help="A resource name (repeatable).")
@json_option
def webhooks_install(
    config_path: Path,
    connection: str | None,
    url: str,
    resources: tuple[str, ...],
    as_json: bool,
) -> None:
    """Create the hook and its triggers through Procore's API (names checked first)."""
    with _opened(config_path) as (config, store), _errors():
        name = _procore_connection(config, connection)
        credentials = _credentials(store)
        secret = connection_secret(config, name, "webhook_secret", credentials)
        with open_connections(config, credentials=credentials, every_connection=True) as conns:
            try:
                result = install(
                    conns.clients[name],
                    url,
                    authorization=secret,
                    resources=resources or DEFAULT_RESOURCES,
                )
            except ValueError as error:
                _fail(str(error), EXIT_USAGE)
        document = {
            "hook_id": result.hook_id,
            "created_hook": result.created_hook,
            "created": [list(t) for t in result.created],
            "existing": [list(t) for t in result.existing],
            "failed": list(result.failed),
        }
        if as_json:
            emit(document)
        else:
            click.echo(
                f"hook {result.hook_id} ({'created' if result.created_hook else 'updated'}): "
                f"{len(result.created)} triggers created, {len(result.existing)} already there"
            )
        if result.failed:
            raise SystemExit(EXIT_FAILED)


@cli.group()
def review() -> None:
    """The approval gate: records a flow with ``review = true`` holds until a person decides."""


def _by(value: str | None) -> str:
    return value or getpass.getuser()


@review.command(name="list")
@config_option
@click.option("--flow", default=None, help="Only this flow's records.")
@json_option
def review_list(config_path: Path, flow: str | None, as_json: bool) -> None:
    """Records waiting for a decision, oldest first, with what each would post."""
    with _opened(config_path) as (_, store):
        items = [
            {
                "flow": row.flow,
                "source_key": row.source_key,
                "since": None if row.held_since is None else row.held_since.isoformat(),
                "summary": (row.reason or "").removeprefix("awaiting review: "),
            }
            for row in in_review(store, flow=flow)
        ]
        if as_json:
            emit({"review": items})
            return
        columns = ["since", "flow", "source_key", "summary"]
        print_rows(
            "waiting for review", columns, [[str(i[c] or "") for c in columns] for i in items]
        )


def _decide(
    config_path: Path, keys: tuple[str, ...], *, accept: bool, by: str, note: str, as_json: bool
) -> None:
    with _opened(config_path) as (_, store):
        result = decide(store, keys, accept=accept, by=by, note=note, now=dt.datetime.now(dt.UTC))
        document = {
            "decided": [r.source_key for r in result.decided],
            "left": [{"source_key": k, "why": why} for k, why in result.left],
            "by": by,
        }
        if as_json:
            emit(document)
        else:
            verb = "accepted" if accept else "rejected"
            click.echo(f"{verb} {len(result.decided)} as {by}; left {len(result.left)}")
            for key, why in result.left:
                click.echo(f"  {key}: {why}")
        if result.left:
            sys.exit(EXIT_USAGE)


@review.command(name="accept")
@config_option
@click.argument("keys", nargs=-1, required=True)
@click.option("--by", default=None, help="Who accepts (default: the current user).")
@click.option("--note", default="", help="Why, for the audit trail.")
@json_option
def review_accept(
    config_path: Path, keys: tuple[str, ...], by: str | None, note: str, as_json: bool
) -> None:
    """Accept records: each posts on the next run, as accepted; who and when are audited."""
    _decide(config_path, keys, accept=True, by=_by(by), note=note, as_json=as_json)


@review.command(name="reject")
@config_option
@click.argument("keys", nargs=-1, required=True)
@click.option("--by", default=None, help="Who rejects (default: the current user).")
@click.option("--note", required=True, help="Why, for the audit trail and the record.")
@json_option
def review_reject(
    config_path: Path, keys: tuple[str, ...], by: str | None, note: str, as_json: bool
) -> None:
    """Reject records: they are skipped (until the source changes them); audited."""
    _decide(config_path, keys, accept=False, by=_by(by), note=note, as_json=as_json)


@cli.group()
def mappings() -> None:
    """Mapping tables (vendors, accounts, departments, ...), versioned in the state."""


def _table(store: StateStore, name: str, version: int | None) -> tuple[int, dict[str, str]]:
    found = store.mapping(name, version)
    if found is None:
        known = ", ".join(store.mapping_names()) or "none"
        what = f"version {version} of {name!r}" if version is not None else repr(name)
        _fail(f"no mapping {what}; stored: {known}", EXIT_USAGE)
    return found


def _refuse_file_backed(config: Config, name: str) -> None:
    """A table the config reads from a file has one source: the file."""
    if name in config.mappings:
        _fail(
            f"{config.path}: mappings.{name}: this table is read from the config's file; "
            "edit that file (it becomes a new version on the next run)",
            EXIT_USAGE,
        )


@mappings.command(name="show")
@config_option
@click.argument("name", required=False)
@click.option("--version", type=int, default=None, help="An older version.")
@json_option
def mappings_show(config_path: Path, name: str | None, version: int | None, as_json: bool) -> None:
    """A table's entries (or, without NAME, every table with its versions)."""
    with _opened(config_path) as (config, store):
        _sync_mappings(config, store)
        if name is None:
            tables = {
                n: [
                    {"version": v, "saved_at": at.isoformat()}
                    for v, at in store.mapping_versions(n)
                ]
                for n in store.mapping_names()
            }
            if as_json:
                emit({"mappings": tables})
            else:
                rows = [[n, str(len(vs)), str(vs[-1]["version"])] for n, vs in tables.items()]
                print_rows("mappings", ["name", "versions", "latest"], rows)
            return
        number, entries = _table(store, name, version)
        if as_json:
            emit({"name": name, "version": number, "entries": entries})
        else:
            print_rows(f"{name} (version {number})", ["key", "value"], sorted(entries.items()))


@mappings.command(name="load")
@config_option
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def mappings_load(config_path: Path, name: str, file: Path) -> None:
    """Replace a table with the entries of a TOML or CSV file (a new version)."""
    with _opened(config_path) as (config, store):
        _refuse_file_backed(config, name)
        try:
            entries = read_mapping_file(file)
        except MappingError as error:
            _fail(str(error), EXIT_USAGE)
        version = store.save_mapping(name, entries, now=dt.datetime.now(dt.UTC))
        click.echo(f"{name}: version {version}, {len(entries)} entries")


@mappings.command(name="set")
@config_option
@click.argument("name")
@click.argument("key")
@click.argument("value", required=False)
@click.option("--delete", is_flag=True, help="Remove KEY instead.")
def mappings_set(config_path: Path, name: str, key: str, value: str | None, delete: bool) -> None:
    """Set (or with --delete remove) one entry of a table (a new version)."""
    if (value is None) != delete:
        _fail("give a VALUE, or --delete to remove the key", EXIT_USAGE)
    with _opened(config_path) as (config, store):
        _refuse_file_backed(config, name)
        current = store.mapping(name)
        entries = dict(current[1]) if current else {}
        if delete:
            entries.pop(key, None)
        else:
            assert value is not None
            entries[key] = value
        version = store.save_mapping(name, entries, now=dt.datetime.now(dt.UTC))
        click.echo(f"{name}: version {version}")


@mappings.command(name="diff")
@config_option
@click.argument("name")
@click.option("--from", "old", type=int, default=None, help="Default: the version before --to.")
@click.option("--to", "new", type=int, default=None, help="Default: the latest version.")
@json_option
def mappings_diff(
    config_path: Path, name: str, old: int | None, new: int | None, as_json: bool
) -> None:
    """What changed in a table between two versions."""
    with _opened(config_path) as (_, store):
        to_version, to_entries = _table(store, name, new)
        if old is None:
            earlier = [v for v, _ in store.mapping_versions(name) if v < to_version]
            from_version, from_entries = (
                (earlier[-1], _table(store, name, earlier[-1])[1]) if earlier else (0, {})
            )
        else:
            from_version, from_entries = _table(store, name, old)
        change = diff(from_entries, to_entries)
        document = {
            "name": name,
            "from": from_version,
            "to": to_version,
            "added": dict(change.added),
            "removed": dict(change.removed),
            "changed": {k: {"from": a, "to": b} for k, (a, b) in change.changed.items()},
        }
        if as_json:
            emit(document)
            return
        rows = [[k, "", v, "added"] for k, v in sorted(change.added.items())]
        rows += [[k, v, "", "removed"] for k, v in sorted(change.removed.items())]
        rows += [[k, a, b, "changed"] for k, (a, b) in sorted(change.changed.items())]
        print_rows(f"{name} {from_version} -> {to_version}", ["key", "from", "to", ""], rows)


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
@click.option(
    "--qad",
    "qad_door",
    type=click.Choice(["rest", "qxtend"]),
    default="rest",
    help="Serve QAD as Adaptive REST or as an Enterprise Edition site's QXtend Inbound (SOAP).",
)
@click.option(
    "--unpaced",
    is_flag=True,
    help="Serve without the vendors' rate windows (Procore's 25 per 10 s and hourly limit) "
    "and write a config that does not pace to them: for crash and load tests.",
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
    qad_door: str,
    unpaced: bool,
) -> None:
    """Serve a scenario's simulators on loopback until SIGINT/SIGTERM; write a config.

    ``--scenario contractor`` is 50 Procore projects per scale on the real clock, under
    Procore's own rate windows unless ``--unpaced``; it has no QXtend door.
    """
    from mlconnector_sync.testing._contractor import Contractor, ServedContractor

    stall = 1.0
    served: contextlib.AbstractContextManager[ServedContractor | ServedScenario]
    if scenario == "contractor":
        if qad_door != "rest":
            _fail("--qad qxtend is only available with --scenario manufacturer", EXIT_USAGE)
        from mlconnector_http import SystemClock

        contractor = Contractor(seed=seed, projects=50 * scale, clock=SystemClock())
        if unpaced:
            contractor.unpace()
        simulators: dict[str, Any] = {"procore": contractor.procore, "qad": contractor.qad}
        served = contractor.serve(host, port)
    else:
        world = SCENARIOS[scenario](seed=seed, scale=scale)
        simulators = world.simulators(qad=qad_door)
        served = world.serve(host, port, qad=qad_door)
    rng = random.Random(seed)
    for simulator in simulators.values():
        add_random_faults(simulator, fault_rate, rng, stall=stall)
    add_timeouts_after_commit(simulators["qad"], qad_timeout_after_commit, rng, stall=stall)
    if latency:
        for simulator in simulators.values():
            simulator.faults.add(Fault.delay(latency), times=None)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with _errors(), served as systems:
        if isinstance(systems, ServedContractor):
            text = systems.config_toml(str(config_out.with_suffix(".db")), timeout=stall / 2)
            config_out.write_text(text, encoding="utf-8")
            line = {"config": str(config_out), "procore": systems.procore["base_url"]}
        else:
            write_config(systems, config_out, timeout=stall / 2)
            line = {"config": str(config_out), **systems.systems}
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()
        while not stop.wait(0.2):
            pass


@cli.command()
@click.option(
    "--scale",
    type=click.IntRange(min=1),
    default=10,
    help="Size of the month: 10 is 200 POs and about 90 bills.",
)
@click.option("--seed", type=int, default=0)
@click.option(
    "--scenario",
    type=click.Choice(["manufacturer", "contractor"]),
    default="manufacturer",
    help="manufacturer: Procurify -> QAD; contractor: Procore -> QAD with webhooks on "
    "loopback, 5 projects per --scale (50 at the default).",
)
@json_option
def demo(scale: int, seed: int, scenario: str, as_json: bool) -> None:
    """The main job: the bundled simulators on loopback, every flow four times, SQLite state,
    then the payment reconciliation (``--scenario contractor``: the Procore month)."""
    from mlconnector_sync.cli._demo import run_contractor_demo, run_demo

    with tempfile.TemporaryDirectory(prefix="mlconnector-demo-") as folder, _errors():
        if scenario == "contractor":
            contractor = run_contractor_demo(Path(folder), scale=scale, seed=seed, quiet=as_json)
            if as_json:
                emit(contractor)
            return
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

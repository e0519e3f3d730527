"""From a config to live clients and flows: the one place connections are opened."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from mlconnector_http import (
    APIError,
    AttemptEvent,
    InProcessBudget,
    RateBudget,
    RetryPolicy,
    Secret,
    TokenStore,
    Window,
)
from mlconnector_sync._config import Config, ConfigError, ConnectionConfig
from mlconnector_sync._credentials import MASTER_KEY_ENV, CredentialError, CredentialStore
from mlconnector_sync._flow import Flow
from mlconnector_sync.flows import (
    procore_direct_costs_to_qad,
    procore_payments_to_qad,
    procore_requisitions_to_qad,
    procurify_bills_to_qad,
    procurify_pos_to_qad,
    qad_gl_accounts_to_procurify,
    qad_suppliers_to_procore,
    qad_suppliers_to_procurify,
)
from procore_client import ProcoreClient
from procurify_client import ProcurifyClient
from qad_client import QADClient, QXtendConnection

__all__ = [
    "Connections",
    "ThrottleMeter",
    "check_connections",
    "connection_secret",
    "open_connections",
]

FlowBuilder = Callable[..., Flow]

BUILDERS: Mapping[str, FlowBuilder] = {
    qad_suppliers_to_procurify.NAME: qad_suppliers_to_procurify.build,
    qad_gl_accounts_to_procurify.NAME: qad_gl_accounts_to_procurify.build,
    procurify_pos_to_qad.NAME: procurify_pos_to_qad.build,
    procurify_bills_to_qad.NAME: procurify_bills_to_qad.build,
    qad_suppliers_to_procore.NAME: qad_suppliers_to_procore.build,
    procore_requisitions_to_qad.NAME: procore_requisitions_to_qad.build,
    procore_direct_costs_to_qad.NAME: procore_direct_costs_to_qad.build,
    procore_payments_to_qad.NAME: procore_payments_to_qad.build,
}


class ThrottleMeter:
    """Adds up the clients' pacing and retry waits, for the run report."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seconds = 0.0

    def __call__(self, event: AttemptEvent) -> None:
        with self._lock:
            self.seconds += event.waited + (event.retry_in or 0.0)

    def total(self) -> float:
        with self._lock:
            return self.seconds


@attrs.frozen
class Connections:
    """The open clients by connection name, and the configured flows built on them."""

    clients: Mapping[str, Any]
    flows: tuple[Flow, ...]
    meter: ThrottleMeter


def _secret(
    config: Config, conn: ConnectionConfig, name: str, credentials: CredentialStore | None
) -> Secret:
    """A connection's secret: inline for a simulator, else from its ``<name>_env`` variable
    or the encrypted credential store."""
    if conn.simulator and name in conn.settings:
        return Secret(str(conn.settings[name]))
    env = conn.settings.get(f"{name}_env")
    if env is not None:
        value = os.environ.get(str(env))
        if not value:
            raise ConfigError(
                config.path,
                f"connections.{conn.name}.{name}_env",
                f"environment variable {env} is not set",
            )
        return Secret(value)
    stored = None
    if credentials is not None:
        try:
            stored = credentials.get(f"{conn.name}.{name}")
        except CredentialError as error:
            raise ConfigError(config.path, f"connections.{conn.name}.{name}", str(error)) from None
    if stored is None:
        raise ConfigError(
            config.path,
            f"connections.{conn.name}.{name}",
            f'not set: set {name}_env = "VARIABLE" or run '
            f"`mlconnector credentials set {conn.name}.{name}` (needs {MASTER_KEY_ENV})",
        )
    return stored


def connection_secret(
    config: Config, connection: str, name: str, credentials: CredentialStore | None
) -> Secret:
    """A secret setting of a configured connection (``webhook_secret`` of a Procore one)."""
    conn = config.connections.get(connection)
    if conn is None:
        raise ConfigError(config.path, f"connections.{connection}", "no such connection")
    return _secret(config, conn, name, credentials)


class _Shared:
    """Where budgets and tokens live: in this process, or on PostgreSQL for every worker.

    What it opens on PostgreSQL (one token store, a budget per limited connection) is closed
    with ``stack``.
    """

    def __init__(self, postgres_url: str | None, stack: contextlib.ExitStack) -> None:
        self.postgres_url = postgres_url
        self._stack = stack
        self._tokens: TokenStore | None = None

    def budget(self, limit: tuple[int, float] | None) -> RateBudget | None:
        if limit is None:
            return None
        if self.postgres_url is None:
            return InProcessBudget([Window(*limit)])
        from mlconnector_sync.state.postgres import PostgresBudget

        budget = PostgresBudget(self.postgres_url, [Window(*limit)])
        self._stack.callback(budget.close)
        return budget

    def token_store(self, credentials: CredentialStore | None) -> TokenStore | None:
        if self.postgres_url is None or self._tokens is not None:
            return self._tokens
        from mlconnector_sync.state.postgres import PostgresTokenStore

        fernet = None if credentials is None else credentials.fernet
        tokens = PostgresTokenStore(self.postgres_url, fernet=fernet)
        self._stack.callback(tokens.close)
        self._tokens = tokens
        return tokens


def _client(
    config: Config,
    conn: ConnectionConfig,
    credentials: CredentialStore | None,
    meter: ThrottleMeter,
    shared: _Shared,
) -> Any:
    s = conn.settings
    common: dict[str, Any] = {"event_hook": meter}
    budget = shared.budget(s.get("rate_limit"))
    if budget is not None or conn.simulator:
        common["budget"] = budget
    store = shared.token_store(credentials)
    if store is not None:
        common["token_store"] = store
    if "timeout" in s:
        common["timeout"] = float(s["timeout"])
    if conn.simulator:
        common["retry"] = RetryPolicy(max_attempts=6, initial_delay=0.05, max_delay=0.5)
    try:
        if conn.system == "procurify":
            return ProcurifyClient(
                subdomain=s.get("subdomain"),
                base_url=s.get("base_url"),
                client_id=str(s["client_id"]),
                client_secret=_secret(config, conn, "client_secret", credentials),
                **common,
            )
        if conn.system == "qad" and s.get("transport") == "qxtend":
            common.pop("token_store", None)  # no token: credentials ride in every QDoc
            site: dict[str, Any] = {
                key: s[key] for key in ("supplier_invoice_api", "versions") if key in s
            }
            connection = QXtendConnection(
                endpoint=str(s["endpoint"]),
                receiver=str(s["receiver"]),
                domain=str(s["domain"]),
                entity=str(s["entity"]),
                username=str(s["username"]),
                password=_secret(config, conn, "password", credentials),
                allow_private_network=s.get("allow_private_network") is True,
                **site,
            )
            return QADClient.qxtend(connection, **common)
        if conn.system == "qad":
            return QADClient(
                tenant_url=str(s["tenant_url"]),
                domain=str(s["domain"]),
                entity=str(s["entity"]),
                username=s.get("username"),
                password=_secret(config, conn, "password", credentials),
                reference_fields=s.get("reference_fields"),
                **common,
            )
        if conn.system == "procore":
            return ProcoreClient(
                client_id=str(s["client_id"]),
                client_secret=_secret(config, conn, "client_secret", credentials),
                company_id=int(s["company_id"]),
                base_url=s.get("base_url"),
                auth_url=s.get("auth_url"),
                **common,
            )
    except ValueError as error:
        raise ConfigError(config.path, f"connections.{conn.name}", str(error)) from None
    raise ConfigError(
        config.path, f"connections.{conn.name}.system", f"{conn.system} has no flows here yet"
    )


@contextlib.contextmanager
def open_connections(
    config: Config,
    *,
    credentials: CredentialStore | None = None,
    flows: list[str] | None = None,
    every_connection: bool = False,
) -> Iterator[Connections]:
    """Open the clients the chosen flows need (all enabled flows by default; every configured
    connection with ``every_connection``), then close them."""
    chosen = [config.flows[n] for n in (flows or list(config.flows)) if n in config.flows]
    missing = sorted(set(flows or []) - set(config.flows))
    if missing:
        raise ConfigError(
            config.path,
            "flows",
            f"{', '.join(missing)} not enabled in the config; enabled: "
            f"{', '.join(config.flows) or 'none'}",
        )
    needed = {name for f in chosen for name in (f.source, f.target)}
    if every_connection:
        needed = set(config.connections)
    meter = ThrottleMeter()
    pg = config.state_url.startswith(("postgresql://", "postgres://"))
    with contextlib.ExitStack() as stack:
        shared = _Shared(config.state_url if pg else None, stack)
        clients = {
            name: stack.enter_context(
                _client(config, config.connections[name], credentials, meter, shared)
            )
            for name in sorted(needed)
        }
        built = []
        for fc in chosen:
            source = config.connections[fc.source]
            qad_end = source if source.system == "qad" else config.connections[fc.target]
            flow = BUILDERS[fc.name](
                clients[fc.source],
                clients[fc.target],
                connection=fc.source,
                domain=str(qad_end.settings["domain"]),
                **fc.options,
            )
            if fc.lookback is not None:
                flow = attrs.evolve(flow, lookback=fc.lookback)
            if fc.review:
                flow = attrs.evolve(flow, review=True)
            built.append(flow)
        yield Connections(clients=clients, flows=tuple(built), meter=meter)


def _check(client: Any) -> list[dict[str, Any]]:
    """What one system answered: sign-in and identity, and for QAD every path the client uses."""
    if isinstance(client, ProcurifyClient):
        user = client.me()
        return [{"check": "sign-in and user", "ok": True, "detail": f"user {user.id}"}]
    if isinstance(client, ProcoreClient):
        me = client.me()
        return [{"check": "sign-in and user", "ok": True, "detail": f"user {me.id}"}]
    if isinstance(client, QADClient):
        report = client.validate()
        return [
            {
                "check": f"{c.method} {c.resource}",
                "ok": c.ok,
                "detail": c.problem or c.note or f"answered {c.status}",
            }
            for c in report.checks
        ]
    return [{"check": "known system", "ok": False, "detail": type(client).__name__}]


def check_connections(conns: Connections) -> dict[str, dict[str, Any]]:
    """Ping every open connection; a connection that cannot be reached is one failed check."""
    results: dict[str, dict[str, Any]] = {}
    for name, client in conns.clients.items():
        try:
            checks = _check(client)
        except APIError as error:
            checks = [
                {
                    "check": "reach and sign in",
                    "ok": False,
                    "detail": f"{type(error).__name__}: {error}",
                }
            ]
        results[name] = {"ok": all(c["ok"] for c in checks), "checks": checks}
    return results

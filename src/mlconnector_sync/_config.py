"""The TOML config: connections, flows and their schedules, mappings, the state backend.

Secrets never come from the file in plain text, except in a connection marked
``simulator = true`` (what ``mlconnector simulate`` writes): a secret setting ``x`` is read
from the environment variable named by ``x_env``, or from the encrypted credential store
under ``<connection>.x``.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from mlconnector_sync._engine import EngineOptions
from mlconnector_sync._mapping import MappingError, read_mapping_file
from mlconnector_sync._runner import Schedule
from mlconnector_sync.flows._coding import members_of
from procurify_client import BillStatus, PurchaseOrderState

__all__ = [
    "QAD_TRANSPORTS",
    "QXTEND_SETTINGS",
    "SECRET_SETTINGS",
    "SYSTEMS",
    "Config",
    "ConfigError",
    "ConnectionConfig",
    "FlowConfig",
    "load_config",
    "parse_duration",
]

QXTEND_SETTINGS = (
    "endpoint",
    "receiver",
    "versions",
    "supplier_invoice_api",
    "allow_private_network",
)
"""A QAD connection with ``transport = "qxtend"`` (an EE site's QXtend Inbound) takes these."""

SYSTEMS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # system: (required settings, optional settings)
    "procurify": (("client_id",), ("subdomain", "base_url", "timeout", "rate_limit")),
    "qad": (
        ("domain", "entity"),
        (
            "tenant_url",
            "username",
            "timeout",
            "rate_limit",
            "transport",
            "reference_fields",
            *QXTEND_SETTINGS,
        ),
    ),
    "procore": (("client_id", "company_id"), ("base_url", "auth_url", "timeout", "rate_limit")),
}
SECRET_SETTINGS: Mapping[str, tuple[str, ...]] = {
    "procurify": ("client_secret",),
    "qad": ("password",),
    "procore": ("client_secret", "webhook_secret"),
}

QAD_TRANSPORTS: Mapping[str, tuple[str, ...]] = {
    # transport: the settings it requires besides domain and entity
    "rest": ("tenant_url",),
    "qxtend": ("endpoint", "receiver", "username"),
}

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class ConfigError(ValueError):
    """A setting that cannot work: names the file, the setting, what is wrong and the fix."""

    def __init__(self, path: Path | str, setting: str, problem: str) -> None:
        super().__init__(f"{path}: {setting}: {problem}")
        self.path = str(path)
        self.setting = setting
        self.problem = problem


def parse_duration(text: str) -> dt.timedelta:
    """``"90s"``, ``"15m"``, ``"2h"``, ``"1d"`` as a timedelta."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration like 90s, 15m, 2h or 1d")
    return dt.timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


@attrs.frozen(kw_only=True)
class ConnectionConfig:
    """One system of one customer, as configured (secrets resolved later, never stored here)."""

    name: str
    system: str
    settings: Mapping[str, Any]
    simulator: bool = False

    def __repr__(self) -> str:
        return f"ConnectionConfig(name={self.name!r}, system={self.system!r})"


@attrs.frozen(kw_only=True)
class FlowConfig:
    """A flow switched on in the config, with the connections it reads and writes."""

    name: str
    source: str
    target: str
    schedule: Schedule
    lookback: dt.timedelta | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict)
    """Settings of this flow alone (``write_back`` for the Procore -> QAD flows)."""
    review: bool = False
    """Whether the flow's documents wait for a person's approval before they post."""


@attrs.frozen(kw_only=True)
class Config:
    """A loaded, checked config file."""

    path: Path
    state_url: str
    engine: EngineOptions
    connections: Mapping[str, ConnectionConfig]
    flows: Mapping[str, FlowConfig]
    mappings: Mapping[str, Mapping[str, str]]
    audit_retention: dt.timedelta = dt.timedelta(days=400)


def load_config(path: str | Path) -> Config:
    """Read and check a config file; every problem raises :class:`ConfigError`."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            path, "-", "no such file; pass --config PATH of an existing file"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, "-", f"not valid TOML: {error}") from None
    known = {"state", "engine", "connections", "flows", "mappings"}
    for section in data:
        if section not in known:
            raise ConfigError(
                path, section, f"unknown section; expected {', '.join(sorted(known))}"
            )
    connections = {
        name: _connection(path, name, raw)
        for name, raw in _table(path, "connections", data.get("connections", {})).items()
    }
    flows = {
        name: _flow(path, name, raw, connections)
        for name, raw in _table(path, "flows", data.get("flows", {})).items()
        if _table(path, f"flows.{name}", raw).get("enabled", True)
    }
    return Config(
        path=path,
        state_url=_state_url(path, _table(path, "state", data.get("state", {}))),
        engine=_engine(path, _table(path, "engine", data.get("engine", {}))),
        connections=connections,
        flows=flows,
        mappings=_mappings(path, _table(path, "mappings", data.get("mappings", {}))),
        audit_retention=_duration(
            path, "engine.audit_retention", data.get("engine", {}).get("audit_retention", "400d")
        ),
    )


def _table(path: Path, setting: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(path, setting, f"must be a table, not {type(value).__name__}")
    return value


def _duration(path: Path, setting: str, value: object) -> dt.timedelta:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return dt.timedelta(seconds=value)
    try:
        return parse_duration(str(value))
    except ValueError as error:
        raise ConfigError(path, setting, str(error)) from None


def _state_url(path: Path, state: Mapping[str, Any]) -> str:
    url = state.get("url", "mlconnector.db")
    if not isinstance(url, str) or not url:
        raise ConfigError(path, "state.url", "must be a SQLite path or a postgresql:// URL")
    if url.startswith(("postgresql://", "postgres://", "memory:")):
        return url
    file = Path(url.removeprefix("sqlite:///"))
    return str(file if file.is_absolute() else (path.parent / file).resolve())


def _engine(path: Path, raw: Mapping[str, Any]) -> EngineOptions:
    allowed = {
        "batch_size",
        "lease_ttl",
        "retry_base",
        "retry_cap",
        "stuck_after",
        "audit_retention",
        "take_over_dead_workers",
        "pushed_every",
    }
    for key in raw:
        if key not in allowed:
            raise ConfigError(
                path, f"engine.{key}", f"unknown; expected {', '.join(sorted(allowed))}"
            )
    options: dict[str, Any] = {}
    if "batch_size" in raw:
        size = raw["batch_size"]
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ConfigError(path, "engine.batch_size", "must be a positive integer")
        options["batch_size"] = size
    for key in ("lease_ttl", "retry_base", "retry_cap", "stuck_after", "pushed_every"):
        if key in raw:
            options[key] = _duration(path, f"engine.{key}", raw[key])
    if "take_over_dead_workers" in raw:
        value = raw["take_over_dead_workers"]
        if not isinstance(value, bool):
            raise ConfigError(path, "engine.take_over_dead_workers", "must be true or false")
        options["take_over_dead"] = value
    return EngineOptions(**options)


def _connection(path: Path, name: str, raw: object) -> ConnectionConfig:
    table = _table(path, f"connections.{name}", raw)
    system = str(table.get("system"))
    if system not in SYSTEMS:
        raise ConfigError(
            path,
            f"connections.{name}.system",
            f"must be one of {', '.join(SYSTEMS)}, not {system!r}",
        )
    required, optional = SYSTEMS[system]
    secrets = SECRET_SETTINGS[system]
    simulator = table.get("simulator", False) is True
    allowed = {"system", "simulator", *required, *optional}
    allowed |= {f"{s}_env" for s in secrets} | (set(secrets) if simulator else set())
    for key in table:
        if key in secrets and not simulator:
            raise ConfigError(
                path,
                f"connections.{name}.{key}",
                "secrets are not read from the config file; set "
                f'{key}_env = "VARIABLE" or run `mlconnector credentials set {name}.{key}`',
            )
        if key not in allowed:
            raise ConfigError(
                path,
                f"connections.{name}.{key}",
                f"unknown for {system}; expected {', '.join(sorted(allowed))}",
            )
    for key in required:
        if key not in table:
            raise ConfigError(
                path, f"connections.{name}.{key}", f"required for a {system} connection"
            )
    if system == "qad":
        _qad_transport(path, name, table)
    settings = {k: v for k, v in table.items() if k not in ("system", "simulator")}
    if "rate_limit" in settings:
        settings["rate_limit"] = _rate_limit(
            path, f"connections.{name}.rate_limit", settings["rate_limit"]
        )
    return ConnectionConfig(name=name, system=system, settings=settings, simulator=simulator)


def _qad_transport(path: Path, name: str, table: Mapping[str, Any]) -> None:
    """A QAD connection over REST (``tenant_url``) or QXtend (``endpoint``, ``receiver``...)."""
    transport = table.get("transport", "rest")
    if transport not in QAD_TRANSPORTS:
        raise ConfigError(
            path,
            f"connections.{name}.transport",
            f"must be one of {', '.join(QAD_TRANSPORTS)}, not {transport!r}",
        )
    for key in QAD_TRANSPORTS[transport]:
        if key not in table:
            raise ConfigError(
                path, f"connections.{name}.{key}", f"required for a QAD {transport} connection"
            )
    foreign = QXTEND_SETTINGS if transport == "rest" else ("tenant_url", "reference_fields")
    for key in foreign:
        if key in table:
            raise ConfigError(
                path,
                f"connections.{name}.{key}",
                f"not a setting of a QAD {transport} connection (transport = {transport!r})",
            )
    fields = table.get("reference_fields", {})
    if not isinstance(fields, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in fields.items()
    ):
        raise ConfigError(
            path,
            f"connections.{name}.reference_fields",
            'must be a table of resource = "free field", e.g. purchase_orders = "customShort3"',
        )
    versions = table.get("versions", {})
    if not isinstance(versions, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in versions.items()
    ):
        raise ConfigError(
            path,
            f"connections.{name}.versions",
            'must be a table of QDoc name = "version", e.g. receivePurchaseOrder = "ERP3_3"',
        )


def _rate_limit(path: Path, setting: str, value: object) -> tuple[int, float]:
    """``"100/1m"``: at most 100 requests in any minute, shared by every worker on the state."""
    count, _, per = str(value).partition("/")
    try:
        limit = int(count)
        seconds = parse_duration(per).total_seconds()
    except ValueError:
        raise ConfigError(
            path, setting, f'{value!r} is not like "100/1m" (requests/period)'
        ) from None
    if limit < 1 or seconds <= 0:
        raise ConfigError(path, setting, "needs at least 1 request in a positive period")
    return limit, seconds


_FLOW_SYSTEMS: Mapping[str, tuple[str, str]] = {
    "qad_suppliers_to_procurify": ("qad", "procurify"),
    "qad_gl_accounts_to_procurify": ("qad", "procurify"),
    "procurify_pos_to_qad": ("procurify", "qad"),
    "procurify_bills_to_qad": ("procurify", "qad"),
    "qad_suppliers_to_procore": ("qad", "procore"),
    "procore_requisitions_to_qad": ("procore", "qad"),
    "procore_direct_costs_to_qad": ("procore", "qad"),
    "procore_payments_to_qad": ("procore", "qad"),
}
_WRITE_BACK_FLOWS = frozenset(
    {"procore_requisitions_to_qad", "procore_direct_costs_to_qad", "procore_payments_to_qad"}
)
"""Flows that mark posted records in the source (``write_back``, on by default)."""
_STATUS_FLOWS: Mapping[str, tuple[type[enum.IntEnum], str]] = {
    "procurify_pos_to_qad": (PurchaseOrderState, "Procurify PO state"),
    "procurify_bills_to_qad": (BillStatus, "Procurify bill status"),
}
"""Flows whose posting statuses the config may choose (``statuses = ["purchased"]``)."""


def _flow(
    path: Path, name: str, raw: object, connections: Mapping[str, ConnectionConfig]
) -> FlowConfig:
    table = _table(path, f"flows.{name}", raw)
    if name not in _FLOW_SYSTEMS:
        raise ConfigError(
            path, f"flows.{name}", f"unknown flow; available: {', '.join(_FLOW_SYSTEMS)}"
        )
    systems = _FLOW_SYSTEMS[name]
    ends = []
    for role, system in zip(("source", "target"), systems, strict=True):
        conn = str(table.get(role))
        if conn not in connections:
            raise ConfigError(path, f"flows.{name}.{role}", f"names no connection ({conn!r})")
        if connections[conn].system != system:
            raise ConfigError(
                path,
                f"flows.{name}.{role}",
                f"must be a {system} connection, {conn!r} is {connections[conn].system}",
            )
        ends.append(conn)
    if "cron" in table:
        try:
            schedule = Schedule(cron=str(table["cron"]))
        except ValueError as error:
            raise ConfigError(path, f"flows.{name}.cron", str(error)) from None
    else:
        schedule = Schedule(
            interval=_duration(path, f"flows.{name}.every", table.get("every", "15m"))
        )
    lookback = (
        _duration(path, f"flows.{name}.lookback", table["lookback"])
        if "lookback" in table
        else None
    )
    options: dict[str, Any] = {}
    if "write_back" in table:
        if name not in _WRITE_BACK_FLOWS:
            raise ConfigError(
                path,
                f"flows.{name}.write_back",
                f"only for {', '.join(sorted(_WRITE_BACK_FLOWS))}",
            )
        if not isinstance(table["write_back"], bool):
            raise ConfigError(path, f"flows.{name}.write_back", "must be true or false")
        options["write_back"] = table["write_back"]
    if "statuses" in table:
        setting = f"flows.{name}.statuses"
        if name not in _STATUS_FLOWS:
            raise ConfigError(path, setting, f"only for {', '.join(sorted(_STATUS_FLOWS))}")
        chosen = table["statuses"]
        if not isinstance(chosen, list) or not chosen:
            raise ConfigError(path, setting, "must be a non-empty list of statuses")
        kind, what = _STATUS_FLOWS[name]
        try:
            options["statuses"] = members_of(kind, chosen, what)
        except (ValueError, TypeError) as error:
            raise ConfigError(path, setting, str(error)) from None
    review = table.get("review", False)
    if not isinstance(review, bool):
        raise ConfigError(path, f"flows.{name}.review", "must be true or false")
    return FlowConfig(
        name=name,
        source=ends[0],
        target=ends[1],
        schedule=schedule,
        lookback=lookback,
        options=options,
        review=review,
    )


def _mappings(path: Path, raw: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = {}
    for name, value in raw.items():
        if isinstance(value, str):
            file = Path(value) if Path(value).is_absolute() else path.parent / value
            try:
                value = read_mapping_file(file)
            except MappingError as error:
                raise ConfigError(path, f"mappings.{name}", str(error)) from None
        table = _table(path, f"mappings.{name}", value)
        tables[name] = {str(k): str(v) for k, v in table.items()}
    return tables

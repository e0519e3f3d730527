"""What every store shares: the keyed table, one write call's context, stamps, common checks.

Keys compare case-insensitively, as Progress character fields do, and every table is indexed by
its natural key within its scope (a domain or a shared set), so a create is O(1).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

import attrs

from qad_client.testing import _messages as m
from qad_client.testing import _names as n
from qad_client.testing._codec import Values
from qad_client.testing._journal import Journal
from qad_client.testing._messages import Issue
from qad_client.testing._records import Domain, Record, SharedRecord, Supplier

__all__ = [
    "HUNDRED",
    "Call",
    "Sequences",
    "Store",
    "Table",
    "WriteResult",
    "Writer",
    "expected_one_of",
    "hash_ok",
    "key_of",
    "lookup",
    "refuse_operation",
    "same_rows",
    "scope_of",
    "unchanged",
]

T = TypeVar("T", bound=Record)
HUNDRED = Decimal(100)


def key_of(code: str) -> str:
    """How codes are compared: trimmed and case-insensitive."""
    return code.strip().upper()


def expected_one_of(values: Iterable[str]) -> str:
    """The ``reason`` of an INVALID issue for a closed list of values."""
    return "expected one of " + ", ".join(values)


def scope_of(table: type, domain: Domain | None, shared_set: str = "") -> str:
    """Where ``table``'s records seen from ``domain`` live: a shared set, else the domain."""
    if not issubclass(table, SharedRecord):
        return domain.code if domain is not None else ""
    if shared_set or domain is None:
        return shared_set
    return domain.supplier_set if table is Supplier else domain.account_set


class Table(Generic[T]):
    """Records grouped by scope (domain or shared set), each scope indexed by natural key."""

    def __init__(self) -> None:
        self.scopes: dict[str, dict[str, T]] = {}

    def get(self, scope: str, key: str) -> T | None:
        """The record at ``key`` within ``scope``, if any."""
        found = self.scopes.get(key_of(scope))
        return None if found is None else found.get(key_of(key))

    def scope(self, scope: str) -> dict[str, T]:
        """The (mutable) index of one scope, created on first use."""
        return self.scopes.setdefault(key_of(scope), {})

    def records(self, scope: str) -> Iterable[T]:
        """The records of one scope in insertion order."""
        return self.scopes.get(key_of(scope), {}).values()


@attrs.define
class WriteResult:
    """What a write request did: the records written (on success) and every issue raised."""

    success: bool
    records: list[Record]
    issues: list[Issue]
    confirmations: list[str] = attrs.field(factory=list)


class Call:
    """The context of one write request: who, when, the default domain, and its journal.

    Every change a store makes during the call goes through ``journal``, so the request can be
    rolled back whole when any record of it fails.
    """

    def __init__(self, user: str, default_domain: Domain | None, now: datetime) -> None:
        self.user = user
        self.default_domain = default_domain
        self.now = now
        self.journal = Journal()
        self.issues: list[Issue] = []
        self.confirmations: list[str] = []  # the ``…Confs`` texts of a successful write

    @property
    def today(self) -> date:
        return self.now.date()

    def flag(
        self,
        table: type,
        field: str,
        field_value: object,
        msg: m.Msg,
        /,
        *,
        warning: bool = False,
        **values: object,
    ) -> None:
        """Record an issue whose text is ``msg`` filled with ``values``."""
        self.issues.append(Issue.of(table, field, field_value, msg, warning=warning, **values))

    def errors(self) -> int:
        """How many errors (not warnings) the call has raised so far."""
        return sum(1 for i in self.issues if i.severity == "error")

    def stamp_draft(self, draft: Record, old: Record) -> None:
        """Give a changed copy of ``old`` the next version and this call's audit stamp."""
        draft.version = old.version + 1
        draft.modified_at = self.now
        draft.modified_by = self.user

    def touch(self, record: Record) -> None:
        """Bump a stored record's version and audit stamp (undone on rollback)."""
        self.journal.set(record, "version", record.version + 1)
        self.journal.set(record, "modified_at", self.now)
        self.journal.set(record, "modified_by", self.user)


Writer = Callable[[Values, Call], "Record | None"]


class Store(Protocol):
    """What ``TenantState`` composes: a store's tables and its write path per record class."""

    @property
    def tables(self) -> Mapping[type, Table[Any]]: ...

    @property
    def writers(self) -> Mapping[type, Writer]: ...


class Sequences:
    """The tenant's row ids and its named number ranges (PO, receiver, invoice, payment)."""

    def __init__(self) -> None:
        self._rowids = itertools.count(1)
        self.counters: dict[str, int] = {}

    def stamp_new(self, record: Record, user: str, now: datetime) -> None:
        """Give a new record its row id, version 1 and audit stamp."""
        record.rowid = next(self._rowids)
        record.version = 1
        record.modified_at = now
        record.modified_by = user

    def next(self, name: str, call: Call | None) -> int:
        """Take the next number of range ``name`` (through the call's journal when given)."""
        value = self.counters.get(name, 0) + 1
        if call is None:
            self.counters[name] = value
        else:
            call.journal.put(self.counters, name, value)
        return value


def hash_ok(existing: Record, values: Values, call: Call, table: type) -> bool:
    """Optimistic locking: an update or delete must echo the current concurrency hash."""
    if not values.concurrency_hash:
        call.flag(table, "concurrency_hash", "", m.HASH_REQUIRED)
        return False
    if values.concurrency_hash != existing.concurrency_hash:
        call.flag(table, "concurrency_hash", values.concurrency_hash, m.STALE)
        return False
    return True


def unchanged(
    existing: object, values: Values, attributes: Iterable[str], call: Call, table: type
) -> bool:
    """Key-like fields may be echoed on update but not changed."""
    ok = True
    for attribute in attributes:
        if not values.has(attribute):
            continue
        sent = values.data.get(attribute)
        current = getattr(existing, attribute)
        same = (
            key_of(sent) == key_of(current)
            if isinstance(sent, str) and isinstance(current, str)
            else sent == current
        )
        if not same:
            call.flag(table, attribute, sent, m.NOT_CHANGEABLE)
            ok = False
    return ok


def refuse_operation(table: type, values: Values, call: Call, label: str) -> None:
    """Flag ``dataOperation``: ``label`` does not allow the operation the record asks for."""
    operation = n.OPERATION[values.operation]
    call.flag(
        table,
        "data_operation",
        operation,
        m.UNSUPPORTED_OPERATION,
        operation=operation,
        label=label,
    )


def lookup(
    store: Table[T],
    scope: str,
    code: str,
    call: Call,
    table: type,
    field: str,
    label: str,
    *,
    required: bool = True,
) -> T | None:
    """A referenced record, flagging it when blank, unknown or inactive."""
    if not code.strip():
        if required:
            call.flag(table, field, code, m.REQUIRED, label=label)
        return None
    found = store.get(scope, code)
    if found is None:
        call.flag(table, field, code, m.NOT_FOUND, label=label, value=code)
        return None
    if not getattr(found, "is_active", True):
        call.flag(table, field, code, m.INACTIVE, label=label, value=code)
    return found


def same_rows(existing: Iterable[object], sent: list[Values]) -> bool:
    """Whether every sent line repeats the stored line at its position."""
    stored = list(existing)
    if len(stored) != len(sent):
        return False
    for row, values in zip(stored, sent, strict=True):
        for attribute, value in values.data.items():
            current = getattr(row, attribute)
            if isinstance(value, str) and isinstance(current, str):
                if key_of(value) != key_of(current):
                    return False
            elif value != current:
                return False
    return True

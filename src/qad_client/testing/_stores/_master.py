"""The one create/change/delete path of master records, unique by code within their scope.

A shared-set record (supplier, GL account, analysis code) lives in ``sharedSetCode`` or its
domain's set, an item in its domain. Each store passes the check its table adds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from qad_client.testing import _messages as m
from qad_client.testing._codec import Values
from qad_client.testing._records import Domain, Item, Record, SharedRecord
from qad_client.testing._stores._base import Call, Sequences, Table, hash_ok, key_of
from qad_client.testing._stores.setup import Setup

__all__ = ["Check", "no_check", "write_master"]

Check = Callable[[Any, "Domain | None", Call], None]


def no_check(record: object, domain: Domain | None, call: Call) -> None:
    """For tables with no rule beyond their unique code."""


def write_master(
    table: Table[Any],
    values: Values,
    call: Call,
    *,
    setup: Setup,
    sequences: Sequences,
    label: str,
    check: Check,
) -> Record | None:
    """Create, change or delete one master record; ``check`` sees it as it would be saved."""
    kind: type[SharedRecord | Item] = values.table
    scope = _scope(kind, values, call, setup)
    if scope is None:
        return None
    scope_code, domain = scope
    code = values.text("code").strip()
    if not code:
        call.flag(kind, "code", "", m.REQUIRED, label=label)
        return None
    index = table.scope(scope_code)
    existing: SharedRecord | Item | None = index.get(key_of(code))
    if values.operation == "create":
        if existing is not None:
            call.flag(kind, "code", code, m.ALREADY_EXISTS, label=label, value=code)
            return None
        record = kind()
        values.assign(record)
        setattr(record, _scope_attribute(kind), scope_code)
        record.code = code
        return _save(index, code, record, None, domain, call, sequences, check)
    if existing is None:
        call.flag(kind, "code", code, m.NOT_FOUND, label=label, value=code)
        return None
    if not hash_ok(existing, values, call, kind):
        return None
    if values.operation == "delete":
        call.journal.pop(index, key_of(code))
        return existing
    draft = attrs.evolve(existing)
    values.assign(draft, exclude=("code", _scope_attribute(kind)))
    return _save(index, code, draft, existing, domain, call, sequences, check)


def _scope_attribute(kind: type) -> str:
    return "shared_set" if issubclass(kind, SharedRecord) else "domain"


def _scope(
    kind: type, values: Values, call: Call, setup: Setup
) -> tuple[str, Domain | None] | None:
    """The scope code a master record is written in, and the domain it was named from."""
    if issubclass(kind, SharedRecord):
        return setup.shared_set_of(values, call, kind)
    found = setup.domain_of(values, call, kind)
    return None if found is None else (found.code, found)


def _save(
    index: dict[str, Any],
    code: str,
    record: SharedRecord | Item,
    existing: SharedRecord | Item | None,
    domain: Domain | None,
    call: Call,
    sequences: Sequences,
    check: Check,
) -> Record | None:
    """Check ``record`` and store it: new when ``existing`` is ``None``, else its next version."""
    before = call.errors()
    check(record, domain, call)
    if call.errors() > before:
        return None
    if existing is None:
        sequences.stamp_new(record, call.user, call.now)
    else:
        call.stamp_draft(record, existing)
    call.journal.put(index, key_of(code), record)
    return record

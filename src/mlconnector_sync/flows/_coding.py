"""What Procurify-to-QAD transforms share: the supplier behind a vendor, the GL coding behind
an account code and department, and the reasons a record waits when one of them is missing.

The mappings read are the ones the PO flow documents: ``vendors``, ``accounts``,
``departments``, ``projects``, ``sub_accounts`` and ``defaults``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from mlconnector_sync._flow import Context, InvalidRecord
from mlconnector_sync.adapters.qad_sinks import QADCodingTables, code_key
from qad_client import QADClient

__all__ = [
    "Missing",
    "coding",
    "coding_tables",
    "date",
    "decimal",
    "first",
    "members_of",
    "supplier_code",
]


@attrs.define
class Missing:
    """What holds a record: the reasons and what each waits on, in order, without repeats."""

    reasons: list[str] = attrs.field(factory=list)
    waits: list[str] = attrs.field(factory=list)

    def add(self, reason: str, waits_on: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        if waits_on not in self.waits:
            self.waits.append(waits_on)


def decimal(value: Any, field: str, what: str) -> Decimal:
    """A finite decimal from a decimal string or number (never a float or a bool)."""
    if value is None or isinstance(value, bool | float):
        raise InvalidRecord(field, f"{what} must be a decimal string, not {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidRecord(field, f"{what} is not a decimal: {value!r}") from None
    if not number.is_finite():
        raise InvalidRecord(field, f"{what} is not a finite decimal: {value!r}")
    return number


def date(value: Any, field: str, *, required: bool) -> str | None:
    """The ISO day of an ISO date or time."""
    if value in (None, ""):
        if required:
            raise InvalidRecord(field, "required")
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidRecord(field, f"not an ISO date or time: {value!r}") from None
    return moment.date().isoformat()


def first(mapping: Mapping[str, str], keys: Iterable[Any]) -> str | None:
    """The mapped value of the first key the mapping has."""
    for key in keys:
        if key not in (None, "") and str(key) in mapping:
            return mapping[str(key)].strip() or None
    return None


def supplier_code(vendor: Any, fallback_name: Any, ctx: Context, missing: Missing) -> str:
    """The QAD supplier a Procurify vendor (``{id, name, external_id}``) resolves to."""
    if not isinstance(vendor, Mapping) or vendor.get("id") in (None, ""):
        raise InvalidRecord("vendor", "a vendor is required")
    vendor_id = str(vendor["id"])
    name = str(vendor.get("name") or fallback_name or "").strip()
    label = f"Procurify vendor {vendor_id}" + (f" ({name})" if name else "")
    code = ctx.mapping("vendors").get(vendor_id) or str(vendor.get("external_id") or "")
    code = code.strip()
    if not code:
        missing.add(
            f"{label} has no QAD supplier: no external id and no entry in the vendors mapping",
            f"QAD supplier for Procurify vendor {vendor_id}",
        )
        return ""
    known = ctx.table("suppliers").get(code_key(code))
    if known is None:
        missing.add(
            f"QAD has no supplier {code} (for {label})",
            f"QAD supplier {code} for Procurify vendor {vendor_id}",
        )
    elif not known:
        missing.add(
            f"QAD supplier {code} (for {label}) is inactive",
            f"QAD supplier {code} to be active",
        )
    return code


def _analysis(
    kind: str, table: str, code: str | None, for_what: str, ctx: Context, missing: Missing
) -> None:
    """Check a chosen analysis code exists and is active in QAD."""
    if code is None:
        return
    known = ctx.table(table).get(code_key(code))
    if known is None:
        missing.add(f"QAD has no {kind} {code} ({for_what})", f"QAD {kind} {code} ({for_what})")
    elif not known:
        missing.add(
            f"QAD {kind} {code} ({for_what}) is inactive", f"QAD {kind} {code} to be active"
        )


def coding(
    account_code: str,
    department: Mapping[str, Any] | None,
    label: str,
    ctx: Context,
    missing: Missing,
) -> dict[str, Any]:
    """The GL account and the analysis codes it asks for, for one coded line.

    The account code maps to a GL account (the same code, or the ``accounts`` mapping); the
    cost centre, project or sub-account the GL account's analysis asks for comes from the
    department (``departments``, ``projects``, ``sub_accounts``), else ``defaults``. What
    is missing or inactive is added to ``missing``; ``label`` names the line in reasons.
    """
    dept_keys = [department.get("id"), department.get("name")] if department else []
    dept_label = str(department.get("name") or department.get("id")) if department else None
    defaults = ctx.mapping("defaults")
    mapped = ctx.mapping("accounts").get(account_code)
    gl_code = (mapped or account_code).strip()
    via = f" (mapped to {gl_code})" if mapped else ""
    waits_gl = f"GL account for account code {account_code} ({label})"
    found: dict[str, Any] = {"gl_account": gl_code}
    account = ctx.table("gl_accounts").get(code_key(gl_code))
    if account is None:
        missing.add(f"{label}: account code {account_code}{via} has no GL account in QAD", waits_gl)
        return found
    if not account.get("active", True):
        missing.add(f"{label}: GL account {gl_code} is inactive in QAD", waits_gl)
        return found
    found["gl_account"] = str(account.get("code") or gl_code)

    for_dept = f"department {dept_label}" if dept_label else f"{label}, GL account {gl_code}"
    if account.get("cost_centre"):
        centre = first(ctx.mapping("departments"), dept_keys) or defaults.get("cost_centre")
        if not centre:
            missing.add(
                f"{label}: GL account {gl_code} needs a cost centre and "
                + (
                    f"department {dept_label} maps to none"
                    if dept_label
                    else "the line has no department"
                ),
                f"cost centre for {for_dept}",
            )
        else:
            _analysis("cost centre", "cost_centres", centre, for_dept, ctx, missing)
            found["cost_centre"] = centre
    if account.get("project"):
        project = first(ctx.mapping("projects"), [*dept_keys, account_code]) or defaults.get(
            "project"
        )
        if not project:
            missing.add(
                f"{label}: GL account {gl_code} needs a project and none is mapped",
                f"project for {for_dept}",
            )
        else:
            _analysis("project", "projects", project, for_dept, ctx, missing)
            found["project"] = project
    if account.get("sub_account"):
        sub = first(ctx.mapping("sub_accounts"), [account_code, *dept_keys]) or defaults.get(
            "sub_account"
        )
        if sub:
            _analysis("sub-account", "sub_accounts", sub, for_dept, ctx, missing)
            found["sub_account"] = sub
    return found


def members_of(kind: type[enum.IntEnum], values: Iterable[int | str], what: str) -> frozenset[int]:
    """Enum values from members, their numbers or their names (``"purchased"``)."""
    chosen: set[int] = set()
    for value in values:
        if isinstance(value, str) and not value.strip().isdigit():
            try:
                chosen.add(int(kind[value.strip().upper()]))
            except KeyError:
                names = ", ".join(member.name.lower() for member in kind)
                raise ValueError(f"unknown {what} {value!r}; one of {names}") from None
        else:
            chosen.add(int(value))
    return frozenset(chosen)


def coding_tables(qad: QADClient, domain: str | None) -> dict[str, Callable[[str], Any]]:
    """The QAD tables :func:`coding` and :func:`supplier_code` read, as ``Flow.tables``.

    ``domain`` is the QAD domain the flow is configured for: the client's own (its
    workspace's) or ``None``; another one is refused, since the client decides where the
    documents go.
    """
    if domain is not None and code_key(domain) != code_key(qad.workspace.domain):
        raise ValueError(
            f"the QAD client writes to domain {qad.workspace.domain}, not {domain}: "
            "open it with for_domain() first"
        )
    tables = QADCodingTables(qad)
    return {
        "gl_accounts": tables.gl_accounts,
        "cost_centres": tables.cost_centres,
        "projects": tables.projects,
        "sub_accounts": tables.sub_accounts,
        "suppliers": tables.suppliers,
    }

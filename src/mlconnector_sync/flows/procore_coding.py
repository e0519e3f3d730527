"""What the Procore -> QAD flows share: the cost-code mapping, supplier and money checks.

**The cost-code mapping** (mapping table ``cost_codes``, from TOML or CSV through the config's
``[mappings]`` like any other table) maps a Procore cost code and cost type to QAD coding::

    "01-100|S" = "6100/CC01"          # cost code 01-100, cost type S -> GL 6100, centre CC01
    "*|L"      = "6200/CC02"          # any other cost code of cost type L
    "02-200|M" = "6300//PRJ-7"        # GL 6300, no cost centre, project PRJ-7

A value is ``GL account[/cost centre[/project]]``. The entry for the exact pair wins, then the
cost type's default (``*|<type>``). A GL account that QAD says needs a project gets the
entry's project, else the Procore project's (mapping ``procore_projects``: Procore project
number or id -> QAD project); one that needs a cost centre gets the entry's. A pair with no
entry, or coding QAD does not have, holds the record naming the pair.

Other tables: ``procore_vendors`` (Procore vendor id -> QAD supplier, else the vendor's
``origin_id``, which ``qad_suppliers_to_procore`` sets) and ``procore`` (settings:
``retainage_payable`` GL account, ``retainage_cost_centre``, ``currency``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from mlconnector_sync._flow import Context, InvalidRecord
from mlconnector_sync.adapters.qad_sinks import code_key
from mlconnector_sync.flows._coding import Missing, date, decimal

__all__ = [
    "COST_CODES",
    "PROJECTS",
    "SETTINGS",
    "VENDORS",
    "Coding",
    "code_pair",
    "coding_for",
    "decimal_of",
    "describe_invoice",
    "invoice_date",
    "line_text",
    "parse_coding",
    "qad_reference",
    "retainage_coding",
    "supplier_for",
]

COST_CODES = "cost_codes"
PROJECTS = "procore_projects"
VENDORS = "procore_vendors"
SETTINGS = "procore"

_CENT = Decimal("0.01")


@attrs.frozen
class Coding:
    """Where an amount lands in QAD."""

    gl_account: str
    cost_centre: str = ""
    project: str = ""


def parse_coding(text: str) -> Coding:
    """``"6100/CC01/PRJ-7"`` (cost centre and project optional) as a :class:`Coding`.

    Raises:
        ValueError: an empty GL account or more than three parts.
    """
    parts = [part.strip() for part in text.split("/")]
    if len(parts) > 3 or not parts[0]:
        raise ValueError(
            f"{text!r} is not GL account[/cost centre[/project]] (e.g. 6100/CC01/PRJ-7)"
        )
    parts += [""] * (3 - len(parts))
    return Coding(parts[0], parts[1], parts[2])


def decimal_of(value: Any, field: str) -> Decimal:
    """A money amount from a snapshot (a decimal string) in whole cents, or
    :class:`InvalidRecord`."""
    number = decimal(value, field, "an amount")
    if number != number.quantize(_CENT):
        raise InvalidRecord(field, f"is not an amount in cents: {value!r}")
    return number.quantize(_CENT)


def invoice_date(*values: Any, field: str) -> str:
    """The first of ``values`` that is a date, as ISO text; :class:`InvalidRecord` if none."""
    for value in values:
        found = date(value, field, required=False)
        if found is not None:
            return found
    raise InvalidRecord(field, "an invoice needs a date")


def qad_reference(prefix: str, source_key: str) -> str:
    """A QAD reference for a Procore record: ``<prefix>-<id>-<6 hex digits of the key>``
    (the digits tell two Procore companies' record 12 apart)."""
    digest = hashlib.sha256(source_key.encode()).hexdigest().upper()
    short = f"{prefix}-{source_key.rsplit(':', 1)[-1]}-{digest[:6]}"
    # QAD keeps the reference in a 20-character free field, and a retainage credit note adds
    # 4 ("-RET"): past 16, the id gives way to more of the digest
    return short if len(short) <= 16 else f"{prefix}-{digest[: 15 - len(prefix)]}"


def qad_invoice_number(project: Mapping[str, Any], number: str) -> str:
    """The supplier's invoice number as QAD keeps it: ``<project number>/<number>``, because
    subcontractors often number invoices per job while QAD keys them per supplier and type."""
    job = str(project.get("number") or project.get("id") or "").strip()
    return f"{job}/{number}" if job else number


def _code(ref: Any) -> str:
    return str(ref.get("code") or "").strip() if isinstance(ref, Mapping) else ""


def code_pair(cost_code: Any, cost_type: Any, field: str) -> tuple[str, str]:
    """The (cost code, cost type) of a line, or :class:`InvalidRecord` when either is absent."""
    code, kind = _code(cost_code), _code(cost_type)
    if not code:
        raise InvalidRecord(f"{field}.cost_code", "a cost line needs a cost code")
    if not kind:
        raise InvalidRecord(f"{field}.cost_type", "a cost line needs a cost type")
    return code, kind


def line_text(project: Mapping[str, Any], code: str, kind: str, what: str) -> str:
    """The QAD line text: project, cost code and cost type, readable and parseable
    (``"P-1001|01-100|S|work"``)."""
    return f"{project.get('number')}|{code}|{kind}|{what}"


def _check(coding: Coding, for_what: str, ctx: Context, missing: Missing) -> dict[str, str] | None:
    """The coding as QAD lines carry it, if QAD has it and it is complete; else why not.

    A cost centre or project goes on the line only where the GL account takes one."""
    account = ctx.table("gl_accounts").get(code_key(coding.gl_account))
    waits = f"QAD coding for {for_what}"
    if account is None:
        missing.add(f"QAD has no GL account {coding.gl_account} ({for_what})", waits)
        return None
    if not account.get("active", True):
        missing.add(f"GL account {coding.gl_account} ({for_what}) is inactive in QAD", waits)
        return None
    line = {"gl_account": str(account.get("code") or coding.gl_account)}
    for kind, table, value, needed in (
        ("cost centre", "cost_centres", coding.cost_centre, account.get("cost_centre")),
        ("project", "projects", coding.project, account.get("project")),
    ):
        if not needed:
            continue  # QAD refuses analysis codes the account does not take
        if not value:
            if needed:
                missing.add(
                    f"GL account {coding.gl_account} needs a {kind} and none is mapped "
                    f"({for_what})",
                    waits,
                )
            continue
        known = ctx.table(table).get(code_key(value))
        if known is None:
            missing.add(f"QAD has no {kind} {value} ({for_what})", waits)
        elif not known:
            missing.add(f"QAD {kind} {value} ({for_what}) is inactive", waits)
        key = "cost_centre" if kind == "cost centre" else "project"
        line[key] = value
    return line


def _project_code(project: Mapping[str, Any], ctx: Context) -> str:
    table = ctx.mapping(PROJECTS)
    for key in (project.get("number"), project.get("id")):
        if key not in (None, "") and str(key) in table:
            return table[str(key)].strip()
    return ""


def coding_for(
    code: str, kind: str, project: Mapping[str, Any], ctx: Context, missing: Missing
) -> dict[str, str] | None:
    """The QAD coding of a cost code + cost type on ``project``; ``None`` (and the reason in
    ``missing``) when the pair is unmapped or QAD lacks what it maps to."""
    table = ctx.mapping(COST_CODES)
    pair = f"{code}|{kind}"
    label = f"cost code {code}, cost type {kind}"
    text = table.get(pair) or table.get(f"*|{kind}")
    if text is None:
        missing.add(
            f"{label} is not mapped to a QAD GL account (no {pair!r} or '*|{kind}' in "
            f"the {COST_CODES} mapping)",
            f"{COST_CODES} mapping for {pair}",
        )
        return None
    try:
        coding = parse_coding(text)
    except ValueError as error:
        missing.add(f"{label}: {error}", f"{COST_CODES} mapping for {pair}")
        return None
    if not coding.project:
        coding = attrs.evolve(coding, project=_project_code(project, ctx))
    return _check(coding, label, ctx, missing)


def retainage_coding(
    project: Mapping[str, Any], ctx: Context, missing: Missing
) -> dict[str, str] | None:
    """The retainage-payable coding (``procore.retainage_payable``)."""
    settings = ctx.mapping(SETTINGS)
    account = (settings.get("retainage_payable") or "").strip()
    if not account:
        missing.add(
            "no retainage-payable GL account: set retainage_payable in the procore mapping",
            "procore.retainage_payable mapping",
        )
        return None
    coding = Coding(
        account,
        (settings.get("retainage_cost_centre") or "").strip(),
        _project_code(project, ctx),
    )
    return _check(coding, "retainage payable", ctx, missing)


def supplier_for(record: Mapping[str, Any], ctx: Context, missing: Missing) -> dict[str, Any]:
    """The QAD supplier (``{"code", "currency"}``) of a record's Procore vendor."""
    vendor_id = record.get("vendor_id")
    if vendor_id in (None, ""):
        raise InvalidRecord("vendor_id", "a payable needs a vendor")
    vendor = ctx.table("vendors").get(str(vendor_id)) or {}
    name = str(record.get("vendor_name") or vendor.get("name") or "").strip()
    label = f"Procore vendor {vendor_id}" + (f" ({name})" if name else "")
    code = (ctx.mapping(VENDORS).get(str(vendor_id)) or str(vendor.get("origin_id") or "")).strip()
    if not code:
        missing.add(
            f"{label} has no QAD supplier: no origin_id (run qad_suppliers_to_procore) and no "
            f"entry in the {VENDORS} mapping",
            f"QAD supplier for Procore vendor {vendor_id}",
        )
        return {"code": "", "currency": ""}
    known = ctx.table("suppliers").get(code_key(code))
    if known is None:
        missing.add(
            f"QAD has no supplier {code} (for {label})",
            f"QAD supplier {code} for Procore vendor {vendor_id}",
        )
        return {"code": code, "currency": ""}
    if not known.get("active", True):
        missing.add(f"QAD supplier {code} (for {label}) is inactive", f"QAD supplier {code}")
    currency = (ctx.mapping(SETTINGS).get("currency") or known.get("currency") or "").strip()
    return {"code": str(known.get("code") or code), "currency": currency}


def describe_invoice(document: Mapping[str, Any]) -> str:
    """An invoice document in one line, for the review queue."""
    amounts = document.get("amounts") or {}
    parts = [f"supplier {document.get('supplier')}", f"dated {document.get('invoice_date')}"]
    parts += [
        f"{name} {amounts[name]}"
        for name in ("gross", "retainage", "released", "net")
        if amounts.get(name) not in (None, "0.00")
    ]
    return ", ".join(parts)

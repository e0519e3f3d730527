"""QAD GL accounts -> Procurify account codes, so buyers code spend to accounts that exist.

Matched on the account code, which is both the reference and Procurify's natural key.
Procurify's API cannot write ``active``, so an account QAD deactivated is held for a person
to deactivate by hand, with the code named, instead of being left silently active.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlconnector_sync._flow import Context, Flow, Hold, InvalidRecord, Post, Skip, Verdict
from mlconnector_sync.adapters.procurify import ProcurifyAccountCodeSink
from mlconnector_sync.adapters.qad import QADGLAccountSource, code_of
from procurify_client import AccountType, ProcurifyClient
from qad_client import QADClient

__all__ = ["NAME", "build", "reference", "transform"]

NAME = "qad_gl_accounts_to_procurify"

_TYPES = {"BALANCE": AccountType.ASSETS, "PL": AccountType.EXPENSE}


reference = code_of
"""The external reference in Procurify is the QAD code itself."""


def transform(account: Mapping[str, Any], ctx: Context) -> Verdict:
    """A QAD GL account snapshot as a Procurify account code document."""
    code = str(account.get("code") or "").strip()
    if not code:
        raise InvalidRecord("code", "a GL account needs a code")
    if not account.get("is_active", True):
        if ctx.target_id is None:
            return Skip("inactive in QAD and never synced to Procurify")
        return Hold(
            f"GL account {code} was deactivated in QAD; Procurify's API cannot deactivate "
            "account codes",
            waits_on=f"a person to deactivate account code {code} in Procurify",
        )
    description = str(account.get("description") or "").strip() or code
    kind = _TYPES.get(str(account.get("gl_type")), AccountType.OTHER)
    overrides = ctx.mapping("account_types")
    if code in overrides:
        kind = AccountType(int(overrides[code]))
    return Post({"code": code, "description": description, "account_type": int(kind)})


def build(qad: QADClient, procurify: ProcurifyClient, *, connection: str, domain: str) -> Flow:
    """The flow over one QAD domain into one Procurify tenant."""
    return Flow(
        name=NAME,
        source=QADGLAccountSource(qad, connection=connection, domain=domain),
        sink=ProcurifyAccountCodeSink(procurify),
        transform=transform,
        reference=reference,
    )

"""GL accounts and analysis codes (cost centres, sub-accounts, projects) of an account set.

The rule other stores ask for is :meth:`AccountStore.check_coding`: the analysis a line must
(or must not) carry, as its GL account's analysis type demands.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qad_client.testing import _messages as m
from qad_client.testing import _names as n
from qad_client.testing._codec import Values
from qad_client.testing._records import (
    CostCentre,
    Domain,
    ExpenseLine,
    GLAccount,
    POLine,
    Project,
    Record,
    SubAccount,
)
from qad_client.testing._stores._base import Call, Sequences, Table, Writer, expected_one_of, lookup
from qad_client.testing._stores._master import no_check, write_master
from qad_client.testing._stores.setup import Setup

__all__ = ["ANALYSIS_TYPES", "AccountStore", "check_analysis_type"]

ANALYSIS_TYPES = tuple(n.ANALYSIS_TYPE.values())
_WITH_COST_CENTRE = (n.ANALYSIS_TYPE["cost_centre"], n.ANALYSIS_TYPE["both"])
_WITH_PROJECT = (n.ANALYSIS_TYPE["project"], n.ANALYSIS_TYPE["both"])
_LABELS: Mapping[type, str] = {
    GLAccount: "GL account",
    CostCentre: "Cost centre",
    SubAccount: "Sub-account",
    Project: "Project",
}


def check_analysis_type(record: GLAccount, domain: Domain | None, call: Call) -> None:
    """A GL account's analysis type is one QAD knows."""
    if record.analysis_type not in ANALYSIS_TYPES:
        call.flag(
            GLAccount,
            "analysis_type",
            record.analysis_type,
            m.INVALID,
            label="Analysis type",
            reason=expected_one_of(ANALYSIS_TYPES),
        )


def _analysis_wanted(account: GLAccount) -> dict[str, bool]:
    """Which analysis codes the account's analysis type asks for."""
    return {
        "cost_centre": account.analysis_type in _WITH_COST_CENTRE,
        "project": account.analysis_type in _WITH_PROJECT,
    }


class AccountStore:
    """The GL accounts, cost centres, sub-accounts and projects of every account set."""

    def __init__(self, setup: Setup, sequences: Sequences) -> None:
        self.setup = setup
        self.sequences = sequences
        self.gl_accounts: Table[GLAccount] = Table()
        self.cost_centres: Table[CostCentre] = Table()
        self.sub_accounts: Table[SubAccount] = Table()
        self.projects: Table[Project] = Table()

    @property
    def tables(self) -> Mapping[type, Table[Any]]:
        """Each record class this store keeps, and its table."""
        return {
            GLAccount: self.gl_accounts,
            CostCentre: self.cost_centres,
            SubAccount: self.sub_accounts,
            Project: self.projects,
        }

    @property
    def writers(self) -> Mapping[type, Writer]:
        """The write path of each record class."""
        return {
            GLAccount: self.write_gl_account,
            CostCentre: self.write_analysis_code,
            SubAccount: self.write_analysis_code,
            Project: self.write_analysis_code,
        }

    def write_gl_account(self, values: Values, call: Call) -> Record | None:
        """GL accounts need a known analysis type."""
        return self._write(values, call, check_analysis_type)

    def write_analysis_code(self, values: Values, call: Call) -> Record | None:
        """Cost centres, sub-accounts and projects carry no rules beyond their unique code."""
        return self._write(values, call, no_check)

    def _write(self, values: Values, call: Call, check: Any) -> Record | None:
        table = self.tables[values.table]
        return write_master(
            table,
            values,
            call,
            setup=self.setup,
            sequences=self.sequences,
            label=_LABELS[values.table],
            check=check,
        )

    def account(
        self,
        domain: Domain,
        code: str,
        call: Call,
        table: type,
        field: str = "gl_account",
        label: str = "GL account",
    ) -> GLAccount | None:
        """The GL account a record names, flagged when blank, unknown or inactive."""
        return lookup(self.gl_accounts, domain.account_set, code, call, table, field, label)

    def check_coding(
        self, domain: Domain, line: POLine | ExpenseLine, call: Call, table: type
    ) -> None:
        """GL account, sub-account, cost centre and project as the account's analysis demands."""
        account = self.account(domain, line.gl_account, call, table)
        if account is None:
            return
        wants = _analysis_wanted(account)
        codes: dict[str, tuple[Table[Any], str]] = {
            "cost_centre": (self.cost_centres, "cost centre"),
            "project": (self.projects, "project"),
            "sub_account": (self.sub_accounts, "sub-account"),
        }
        for attribute, (store, label) in codes.items():
            code: str = getattr(line, attribute)
            allowed = account.allow_sub_account if attribute == "sub_account" else wants[attribute]
            needed = wants.get(attribute, False)
            if needed and not code:
                call.flag(
                    table, attribute, code, m.ANALYSIS_REQUIRED, account=account.code, label=label
                )
            elif code and not allowed:
                call.flag(
                    table,
                    attribute,
                    code,
                    m.ANALYSIS_NOT_ALLOWED,
                    account=account.code,
                    label=label,
                )
            elif code:
                lookup(store, domain.account_set, code, call, table, attribute, label.capitalize())

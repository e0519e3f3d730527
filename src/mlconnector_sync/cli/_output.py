"""Terminal output: one JSON document, rich tables, and progress bars on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from mlconnector_sync._ledger import State
from mlconnector_sync._reconcile import Reconciliation
from mlconnector_sync._report import Progress as Tick
from mlconnector_sync._report import RunReport

__all__ = ["ProgressBars", "emit", "print_report", "print_rows"]


def emit(document: Any) -> None:
    """Exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, indent=2, sort_keys=True, default=str) + "\n")
    sys.stdout.flush()


def print_rows(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A titled table on stdout."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    Console(width=None if sys.stdout.isatty() else 160).print(table)


def print_report(report: RunReport) -> None:
    """A run report as a table per flow plus its exceptions."""
    columns = ["flow", *(s.value for s in State), "changes", "throttle s"]
    rows = [
        [
            name,
            *(str(flow.counts.get(s, 0)) for s in State),
            ", ".join(f"{k} {v}" for k, v in sorted(flow.changes.items())) or "-",
            f"{flow.throttle_seconds:.2f}",
        ]
        for name, flow in report.flows.items()
    ]
    print_rows(f"run {report.run_id[:8]}", columns, rows)
    for flow in report.flows.values():
        for error in flow.errors:
            Console(stderr=True).print(f"[red]{flow.flow}/{error.partition}: {error.message}")


class ProgressBars:
    """rich progress bars on stderr, one per flow, partition and phase."""

    def __init__(self, *, enabled: bool) -> None:
        self._progress = (
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            if enabled
            else None
        )
        self._tasks: dict[tuple[str, str, str], TaskID] = {}

    def __enter__(self) -> ProgressBars:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, tick: Tick) -> None:
        if self._progress is None:
            return
        key = (tick.flow, tick.partition, tick.phase)
        if key not in self._tasks:
            self._tasks[key] = self._progress.add_task(
                f"{tick.flow} {tick.partition} {tick.phase}", total=tick.total
            )
        self._progress.update(self._tasks[key], completed=tick.done, total=tick.total)


def print_reconciliation(result: Reconciliation) -> None:
    """The reconciliation's findings and its paid totals per currency, as tables."""
    print_rows(
        f"reconciliation: {len(result.findings)} finding(s) over {result.compared} posted bills",
        ["kind", "bill", "QAD invoice", "supplier", "currency", "Procurify paid", "QAD paid", ""],
        [
            [
                f.kind,
                f.bill or "",
                f.invoice or "",
                f.supplier or "",
                f.currency,
                "" if f.procurify_paid is None else str(f.procurify_paid),
                "" if f.qad_paid is None else str(f.qad_paid),
                f.detail,
            ]
            for f in result.findings
        ],
    )
    print_rows(
        "paid per currency (never summed across currencies)",
        ["currency", "Procurify paid", "QAD paid"],
        [
            [currency, str(sides["procurify_paid"]), str(sides["qad_paid"])]
            for currency, sides in sorted(result.totals.items())
        ],
    )

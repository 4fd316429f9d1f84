"""Reconcile the document's own subtotals with the sums of its rows.

Phụ lục 2 states a subtotal on every agency row, a ``TỔNG`` row per group and a
summary (section E). Not all of them add up. :func:`reconcile` lists every stated
figure that differs from the sum of the rows it totals; it never changes a row.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .tasks import TaskList

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Finding", "findings_frame", "reconcile", "reconcile_tasks"]


@dataclass(frozen=True)
class Finding:
    """One stated figure that is not the sum of its rows.

    Attributes
    ----------
    scope
        ``"agency"`` (an agency row), ``"group"`` (a TỔNG row) or ``"summary"`` (section E).
    group
        The task group.
    agency
        The agency, for an agency subtotal; ``None`` otherwise.
    column
        Tidy column name: ``approved``, ``spent_before``, ``carried_over`` or ``planned``.
    stated
        The figure the document states, million VND.
    computed
        The sum of the rows, million VND.
    difference
        ``stated - computed``.
    kind
        ``"mismatch"`` when the stated figure cannot be a rounding of the sum
        (``|difference| >= 0.5`` of the last digit the document shows), else ``"rounding"``.
    where
        Where the stated figure stands in the file.
    """

    scope: Literal["agency", "group", "summary"]
    group: str
    agency: str | None
    column: str
    stated: float
    computed: float
    difference: float
    kind: Literal["mismatch", "rounding"]
    where: str

    def to_dict(self) -> dict[str, object]:
        """The finding as a JSON-ready dict."""
        return asdict(self)

    def __str__(self) -> str:
        from .money import format_vnd

        who = f"{self.group} {self.agency}" if self.agency else f"group {self.group}"
        label = {"agency": "agency subtotal", "group": "TỔNG", "summary": "section E"}[self.scope]
        digits = 2 if not float(self.difference).is_integer() else 0
        return (
            f"{self.kind}: {label} of {who}, {self.column}: stated {format_vnd(self.stated, digits)}, "
            f"rows sum to {format_vnd(self.computed, digits)} "
            f"(difference {format_vnd(self.difference, digits)}) at {self.where}"
        )


def reconcile_tasks(tasks: TaskList) -> list[Finding]:
    """Compare every stated subtotal of a document-layout source with its rows.

    Parameters
    ----------
    tasks
        Tasks read from a document layout (text, xlsx, docx). A tidy CSV states
        no subtotals, so it gives no findings.

    Returns
    -------
    list of Finding
        In document order; empty where the document adds up.
    """
    by_id = {task.id: task for task in tasks}
    findings: list[Finding] = []
    for stated in tasks.stated:
        if stated.scope == "agency":
            ids = tasks.members.get((stated.group, stated.position), ())
        else:
            ids = tuple(t.id for t in tasks if t.group == stated.group)
        computed = math.fsum(float(getattr(by_id[i], stated.column)) for i in ids)
        value = 0.0 if stated.stated is None else stated.stated
        difference = value - computed
        if abs(difference) < 1e-6:
            continue
        half_unit = 0.5 * 10.0 ** (-stated.decimals)
        kind: Literal["mismatch", "rounding"] = (
            "mismatch" if abs(difference) >= half_unit - 1e-9 else "rounding"
        )
        findings.append(
            Finding(
                scope=stated.scope,
                group=stated.group,
                agency=stated.agency,
                column=stated.column,
                stated=value,
                computed=round(computed, 6),
                difference=round(difference, 6),
                kind=kind,
                where=stated.where,
            )
        )
    return findings


def reconcile(path: str | Path | TaskList) -> list[Finding]:
    """Read an appendix and list where its stated subtotals do not add up.

    Parameters
    ----------
    path
        A file laid out like the document (``.txt``, ``.xlsx``, ``.docx``) or a
        :class:`TaskList` already read.

    Returns
    -------
    list of Finding
        Every stated agency subtotal, TỔNG row and section-E figure that differs
        from the sum of its rows, marked ``mismatch`` or ``rounding``.

    Examples
    --------
    >>> from portfolio.readers import bundled_appendix_path
    >>> source = bundled_appendix_path().parent / "sources" / "kh325_ubnd_2023.txt"
    >>> first = reconcile(source)[0]
    >>> first.agency, first.column, first.stated, first.computed, first.kind
    ('Văn phòng Ủy ban nhân dân thành phố', 'planned', 1246.0, 1247.0, 'mismatch')
    """
    if isinstance(path, TaskList):
        return reconcile_tasks(path)
    from .readers import read_appendix

    return reconcile_tasks(read_appendix(path))


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """The findings as a table (one row each)."""
    import pandas as pd

    columns = list(Finding.__dataclass_fields__)
    return pd.DataFrame([f.to_dict() for f in findings], columns=columns)

"""A subtotal as the document states it, kept beside the tasks for the cross-checks.

A document laid out like Phụ lục 2 states subtotals (agency rows, ``TỔNG`` rows,
section E); the readers keep each as a :class:`StatedTotal` in
:attr:`portfolio.tasks.TaskList.stated`, and :func:`portfolio.reconcile` sets them
against the sums of the tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["StatedTotal"]


@dataclass(frozen=True)
class StatedTotal:
    """A subtotal as the document states it (an agency row, a TỔNG row, section E).

    Attributes
    ----------
    scope
        ``"agency"``, ``"group"`` or ``"summary"`` (section E).
    group
        The task group the figure totals.
    agency
        The agency, for ``scope == "agency"``; ``None`` otherwise.
    column
        The tidy column name (``approved``, ``spent_before``, ``carried_over``, ``planned``).
    stated
        The figure as written, in million VND (``None`` for an empty cell).
    decimals
        Digits the document shows after the decimal comma (for the rounding test).
    position
        Document order of the agency row within its group (0, 1, ...), to tell
        two rows of the same agency apart.
    where
        Where the figure stands (``"line 431"``).
    """

    scope: Literal["agency", "group", "summary"]
    group: str
    agency: str | None
    column: str
    stated: float | None
    decimals: int
    position: int
    where: str

"""Round 1 (đợt 1): the amounts already allocated this year, which round 2 (đợt 2) builds on.

Mid-year the office allocates a larger full-year envelope; what round 1 gave
each task is already notified to the agency and cannot go down. The amounts
come as an :class:`~portfolio.model.allocation.Allocation` (its first year), a
CSV with a task ``id`` column and an amount column (``amount``, ``committed``,
``allocated`` or ``đợt 1``; a ``year`` column keeps the first year's rows), or
a mapping of task id to amount (million VND).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..errors import InfeasibleError, InputError, ScenarioError
from ..money import MoneyFormatError, format_vnd, parse_amount
from ..tasks import TaskList
from ..tolerances import AMOUNT
from .allocation import Allocation
from .options import SOURCES

__all__ = ["AMOUNT_COLUMNS", "check_envelopes", "committed_amounts", "read_committed_csv"]

#: The column names a CSV of round-1 amounts may use for the amount, in order of preference.
AMOUNT_COLUMNS = ("amount", "committed", "allocated", "đợt 1", "dot 1", "round_1")
Committed = Allocation | Mapping[str, float] | str | Path | None


def read_committed_csv(path: str | Path) -> dict[str, float]:
    """Read a CSV of task ids and round-1 amounts (see the module's note).

    Raises
    ------
    InputError
        Naming the file, the row and the field for a missing column or a bad amount.
    """
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("file not found", file=file) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file as UTF-8 text: {exc}", file=file) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError("the file is empty; expected the columns id and amount", file=file)
    header = [c.strip().casefold() for c in rows[0]]
    if "id" not in header:
        raise InputError("no 'id' column (the task ids, e.g. B38)", file=file, row="line 1", field="id")
    column = next((c for c in AMOUNT_COLUMNS if c in header), None)
    if column is None:
        raise InputError(
            f"no amount column; expected one of {', '.join(AMOUNT_COLUMNS)}", file=file, row="line 1"
        )
    id_at, amount_at = header.index("id"), header.index(column)
    year_at = header.index("year") if "year" in header else None
    first_year = rows[1][year_at].strip() if year_at is not None and len(rows) > 1 else None
    out: dict[str, float] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if year_at is not None and year_at < len(cells) and cells[year_at].strip() != first_year:
            continue
        task = cells[id_at].strip() if id_at < len(cells) else ""
        text = cells[amount_at].strip() if amount_at < len(cells) else ""
        try:
            value = parse_amount(text)
        except MoneyFormatError as exc:
            raise InputError(str(exc), file=file, row=task or f"line {number}", field=column) from None
        if not task:
            raise InputError("no task id", file=file, row=f"line {number}", field="id")
        if value is None or value < 0:
            raise InputError(f"expected an amount ≥ 0, got {text!r}", file=file, row=task, field=column)
        if task in out:
            raise InputError("the task appears twice", file=file, row=task, field="id")
        out[task] = value
    return out


def committed_amounts(value: Committed) -> dict[str, float]:
    """Task id -> round-1 amount, from an Allocation, a CSV path or a mapping (``{}`` for ``None``)."""
    if value is None:
        return {}
    if isinstance(value, Allocation):
        table = value.year_table()
        return {str(k): float(v) for k, v in table["allocated"].items()}
    if isinstance(value, (str, Path)):
        return read_committed_csv(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise ScenarioError(
        f"expected an Allocation, a CSV file or a mapping of task id to amount, got {type(value).__name__}",
        field="committed",
    )


def check_envelopes(
    tasks: TaskList, committed: Mapping[str, float], envelope: Mapping[str, float], year: int
) -> None:
    """Refuse round-1 amounts that exceed the full-year envelope of their source.

    Raises
    ------
    InfeasibleError
        Naming the envelope, the round-1 total and the shortfall in million VND.
    """
    source = {t.id.upper(): t.funding_source for t in tasks}
    for s in SOURCES:
        total = float(np.sum([a for k, a in committed.items() if source.get(str(k).upper()) == s]))
        available = float(envelope[s])
        if total > available + AMOUNT:
            raise InfeasibleError(
                f"{s} envelope {year}: round 1 (đợt 1) already allocated {format_vnd(total, 2)}, "
                f"above the full-year envelope {format_vnd(available, 2)}: "
                f"short by {format_vnd(total - available, 2)} million VND",
                envelope=f"{s} {year}",
                needed=total,
                available=available,
                rule=f"{s} envelope {year}",
            )

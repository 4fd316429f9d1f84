"""Why a new task does not start (yet), in words with its numbers (``docs/model.md`` §6).

Written from :attr:`~portfolio.model.Allocation.starts`, the record of the
admission of new starts: the task's even-schedule demand, the years it would
need it, and the money its funding source has left in the first year that
cannot pay it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .money import format_amount
from .records import records

if TYPE_CHECKING:
    from .model import Allocation

__all__ = ["start_note", "start_notes"]


def _years(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def start_note(allocation: Allocation, task_id: str) -> str:
    """Why ``task_id``, a new task, does not start in the run's first year ("" if it does).

    Examples
    --------
    >>> from portfolio import optimize
    >>> start_note(optimize(), "C10")
    'not started (chưa khởi công): needs 5.442,5 a year in 2024 (recurrent); 2024 has 0 left'
    """
    starts = allocation.starts
    if task_id not in starts.index:
        return ""
    row = starts.loc[task_id].to_dict()
    return _note(allocation, task_id, row, str(allocation.tasks[task_id].funding_source), {})


def _note(
    allocation: Allocation, task_id: str, row: Mapping[Any, Any], source: str, left: dict[str, list[float]]
) -> str:
    """The note of one row of :attr:`Allocation.starts` (``left``: each source's money left, filled once)."""
    first, last = allocation.years[0], allocation.years[-1]
    if row["status"] in ("started", "by_scenario"):
        start = int(row["start_year"])
        if start <= first:
            return ""
        return f"starts in {start} (khởi công năm {start}): the first year whose money pays its schedule"
    if row["status"] == "deferred":
        return "deferred by the scenario (hoãn)"
    duration = int(round(row["schedule"] / row["per_year"])) if row["per_year"] > 0 else 1
    end = min(first + max(duration, 1) - 1, last)
    needs = format_amount(row["per_year"])
    words = f"not started (chưa khởi công): needs {needs} a year in {_years(first, end)} ({source})"
    if row["short_year"] is not None and str(row["short_year"]) != "<NA>":
        words += f"; {int(row['short_year'])} has {format_amount(row['left'])} left"
    elif row["blocks"]:
        victim = "its own schedule" if row["blocks"] == task_id else f"{row['blocks']}'s schedule"
        words += f"; starting it would leave {victim} {format_amount(row['shortfall'])} short"
    if last > first:
        if source not in left:
            table = allocation.table
            mine = table[table["funding_source"] == source]
            spent = mine.groupby(level="year")["allocated"].sum()
            left[source] = [
                max(0.0, allocation.envelopes[(source, y)] - float(spent.get(y, 0.0)))
                for y in allocation.years
            ]
        words += (
            f"; no start in {_years(first, last)} fits (left: "
            + ", ".join(
                f"{y} {format_amount(v)}" for y, v in zip(allocation.years, left[source], strict=True)
            )
            + ")"
        )
    return words


def start_notes(allocation: Allocation) -> dict[str, str]:
    """:func:`start_note` of every new task not starting in the first year, in one pass."""
    tasks = allocation.tasks
    left: dict[str, list[float]] = {}
    notes: dict[str, str] = {}
    starts = allocation.starts
    for task_id, row in zip(starts.index, records(starts), strict=True):
        note = _note(allocation, str(task_id), row._asdict(), str(tasks[str(task_id)].funding_source), left)
        if note:
            notes[str(task_id)] = note
    return notes

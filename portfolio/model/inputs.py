"""What a run starts from: the tasks, the validated options, the document's totals."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..demand import task_columns
from ..errors import PortfolioWarning, ScenarioError
from ..tasks import TaskList
from .options import SOURCES, Options

__all__ = [
    "DEFAULT_PLAN_YEAR",
    "field_path",
    "load_tasks",
    "make_options",
    "plan_year_of",
    "planned_totals",
    "warn_overdue",
]


_KEYED = {"budget", "weights", "locked", "agency_floors", "agency_caps", "tiers", "committed"}


def field_path(loc: Sequence[object]) -> str:
    """The option a pydantic location names, as the user wrote it: ``budget.recurrent``, ``deferred[2]``.

    Pydantic adds the member types of a union (``float``, ``tuple[float, ...]``) and
    validator names to a location; a user never wrote them, so they are left out.

    Examples
    --------
    >>> field_path(("budget", "recurrent", "float")), field_path(("must_fund", 1)), field_path(())
    ('budget.recurrent', 'must_fund[1]', '')
    """
    parts = [str(p) for p in loc]
    if not parts:
        return ""
    out = parts[0]
    rest = list(loc[1:])
    if parts[0] in _KEYED and rest:
        out += f".{rest.pop(0)}"
    for part in rest:
        if isinstance(part, int):
            out += f"[{part}]"
    return out


def make_options(rule: str = "proportional", budget: dict[str, Any] | None = None, **options: Any) -> Options:
    """Validate run options, turning pydantic's report into a one-line :class:`ScenarioError`."""
    try:
        return Options(rule=rule, budget=budget or {}, **options)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = field_path(first.get("loc", ()))
        message = first.get("msg", str(exc)).removeprefix("Value error, ")
        if first.get("type") == "extra_forbidden":
            message = "unknown option"
        elif first.get("type") not in ("missing", "value_error") and not isinstance(
            first.get("input"), (dict, list, tuple)
        ):
            message += f", got {first.get('input')!r}"
        raise ScenarioError(message, field=where or None) from None


def load_tasks(tasks: TaskList | str | Path | None) -> TaskList:
    """A :class:`TaskList` as given, or read from a path (``None``: the bundled appendix)."""
    if isinstance(tasks, TaskList):
        return tasks
    from ..readers import read_appendix

    return read_appendix(tasks)


#: The year planned when neither the options nor the document say (Phụ lục 2 plans 2024).
DEFAULT_PLAN_YEAR = 2024


def plan_year_of(tasks: TaskList, given: int | None = None) -> int:
    """The year to plan: ``given`` when set, else the document's, else 2024.

    A given year that differs from the year the document plans is warned about
    (the tasks are classed and their demand computed for the given year).
    """
    if given is None:
        return tasks.plan_year if tasks.plan_year is not None else DEFAULT_PLAN_YEAR
    if tasks.plan_year is not None and given != tasks.plan_year:
        warnings.warn(
            f"{tasks.source}: planning {given}, but the document plans {tasks.plan_year}",
            PortfolioWarning,
            stacklevel=3,
        )
    return given


def warn_overdue(tasks: TaskList, plan_year: int) -> None:
    """Warn once about tasks that should have ended before the plan year (overdue, MODEL §2)."""
    cols = task_columns(tasks)
    late_mask = (cols["group"] != "A") & (cols["end_year"] < plan_year)
    if not late_mask.any():
        return
    late = [str(i) for i in cols["id"][late_mask]]
    shown = ", ".join(late[:10]) + (f" and {len(late) - 10} more" if len(late) > 10 else "")
    warnings.warn(
        f"{tasks.source}: {shown}: end_year before the plan year {plan_year} (overdue); "
        "the remaining need is planned as if the task ends this year",
        PortfolioWarning,
        stacklevel=3,
    )


def planned_totals(tasks: TaskList) -> dict[str, float]:
    """The document's planned total of each source (summed in document order, as ``sum`` does)."""
    cols = task_columns(tasks)
    return {s: float(sum(cols["planned"][cols["funding_source"] == s].tolist())) for s in SOURCES}

"""What a run starts from: the tasks, the validated options, the document's totals."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..demand import task_columns
from ..errors import PortfolioWarning, ScenarioError
from ..tasks import TaskList
from .options import SOURCES, Options

__all__ = ["load_tasks", "make_options", "planned_totals", "warn_overdue"]


def make_options(rule: str = "proportional", budget: dict[str, Any] | None = None, **options: Any) -> Options:
    """Validate run options, turning pydantic's report into a one-line :class:`ScenarioError`."""
    try:
        return Options(rule=rule, budget=budget or {}, **options)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = first.get("msg", str(exc)).removeprefix("Value error, ")
        raise ScenarioError(message, field=where or None) from None


def load_tasks(tasks: TaskList | str | Path | None) -> TaskList:
    """A :class:`TaskList` as given, or read from a path (``None``: the bundled appendix)."""
    if isinstance(tasks, TaskList):
        return tasks
    from ..readers import read_appendix

    return read_appendix(tasks)


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

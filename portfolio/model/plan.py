"""The rolling multi-year plan (kế hoạch 3 năm, Luật NSNN 2015 Đ43).

Year by year from ``t0``, each year is allocated by the same ladder and rule as
a single year, with that year's envelopes; what a task received is taken off
its remaining need, so an underfunded task asks for more the next year
(``d = R / m`` with the years left). Leases are paid in every contract year,
recurring tasks every year.

A new start must be fundable to completion within the horizon (Luật Đầu tư
công Đ51 k5): after a pass, a new task that received money but not its whole
schedule through the horizon is not started; the least-covered such task (ties:
the id in natural order) is deferred and the plan is computed again, until every
started task is funded to its schedule. One task per pass, so no batch size can
change which tasks start. A task not started keeps the reason code
``not_started`` (``portfolio.model.reasons``) in every year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..demand import derive, task_columns
from ..tasks import TaskList
from .allocation import Allocation
from .instance import Instance, build_instance, make_selector
from .ladder import LadderResult, solve_ladder
from .ladder import natural_key as ladder_key
from .options import SOURCES, Options, Selector
from .results import allocation_tables
from .tolerances import AMOUNT

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["plan_years"]

def _pass(
    tasks: TaskList,
    options: Options,
    envelopes: dict[str, np.ndarray],
    years: dict[int, tuple[pd.DataFrame, Selector]],
    not_started: list[str],
) -> tuple[list[tuple[Instance, LadderResult]], dict[tuple[str, int, int], float], int]:
    """One pass over the horizon: each year's instance and ladder result, levels, solves.

    ``not_started`` are the tasks of ``options.deferred`` the plan itself deferred.
    """
    remaining: np.ndarray | None = None
    allocated = []
    levels: dict[tuple[str, int, int], float] = {}
    solves = 0
    for k in range(options.years):
        year = options.plan_year + k
        envelope = {s: float(envelopes[s][k]) for s in SOURCES}
        if year not in years:
            derived = derive(tasks, year)
            years[year] = (derived, make_selector(derived))
        derived, selector = years[year]
        inst = build_instance(
            tasks,
            options,
            envelope,
            year=year,
            remaining=remaining,
            derived=derived,
            selector=selector,
            not_started=not_started,
        )
        result = solve_ladder(inst, options.rule, options.solver)
        solves += result.solves
        allocated.append((inst, result))
        levels.update({(s, year, t): v for (s, t), v in result.levels.items()})
        kind = inst.derived["kind"].to_numpy(str)
        spent = np.where((kind == "lease") | (kind == "annual"), 0.0, result.x)
        remaining = np.maximum(0.0, inst.remaining - spent)
    return allocated, levels, solves


def _to_defer(
    allocated: list[tuple[Instance, LadderResult]], tasks: TaskList, options: Options, deferred: list[str]
) -> list[str]:
    """The new tasks to defer after a pass (none when every started one is funded to schedule)."""
    import pandas as pd

    first = allocated[0][0]
    n = first.n
    # summed per task exactly as a groupby of the stacked yearly tables does
    stacked = pd.Series(np.concatenate([result.x for _, result in allocated]))
    received = stacked.groupby(np.tile(np.arange(n), len(allocated)), sort=False).sum().to_numpy()
    ids = np.asarray(first.ids, dtype=object)
    new = first.derived["kind"].to_numpy(str) == "new"
    # the schedule through the horizon: the whole remaining need if the task
    # ends within it, else the even share of the years inside it
    end = task_columns(tasks)["end_year"]
    last_year = options.plan_year + options.years - 1
    years_in = np.minimum(end, last_year) - options.plan_year + 1
    years_total = np.maximum(1, end - options.plan_year + 1)
    schedule = first.remaining * np.clip(years_in / years_total, 0, 1)
    short = np.flatnonzero(
        new
        & (received > AMOUNT)
        & (received < schedule - AMOUNT * np.maximum(1.0, schedule))
        & ~first.derived.index.isin(deferred)
    )
    if not short.size:
        return []
    coverage = received[short] / schedule[short]
    natural = [ladder_key(str(i)) for i in ids[short]]
    order = sorted(range(short.size), key=lambda k: (round(float(coverage[k]), 9), natural[k]))
    return [str(ids[short[order[0]]])]


def plan_years(tasks: TaskList, options: Options, envelopes: dict[str, np.ndarray]) -> Allocation:
    """Allocate ``options.years`` years from ``options.plan_year`` on.

    Parameters
    ----------
    tasks
        The appendix.
    options
        The run's options (``years > 1``).
    envelopes
        Source -> one envelope per year.

    Returns
    -------
    Allocation
        With one row per task and year (the index ``(year, id)``), sensitivity per
        envelope and year and the binding rows of every year.
    """
    deferred = list(options.deferred)
    opts = options
    total_solves = 0
    years: dict[int, tuple[pd.DataFrame, Selector]] = {}
    while True:
        not_started = deferred[len(options.deferred) :]
        allocated, levels, solves = _pass(tasks, opts, envelopes, years, not_started)
        total_solves += solves
        drop = _to_defer(allocated, tasks, opts, deferred)
        if not drop:
            break
        deferred.extend(drop)
        opts = opts.model_copy(update={"deferred": tuple(deferred)})
    return Allocation(
        options=options,
        tasks=tasks,
        envelopes={
            (s, options.plan_year + k): float(envelopes[s][k]) for s in SOURCES for k in range(options.years)
        },
        levels=levels,
        solves=total_solves,
        instances=tuple(inst for inst, _ in allocated),
        **allocation_tables(allocated),
    )

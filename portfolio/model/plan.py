"""The rolling multi-year plan (kế hoạch 3 năm, Luật NSNN 2015 Đ43).

Year by year from ``t0``, each year is allocated by the same ladder and rule as
a single year, with that year's envelopes; what a task received is taken off
its remaining need, so an underfunded task asks for more the next year
(``d = R / m`` with the years left). Leases are paid in every contract year,
recurring tasks every year.

A new start must be fundable to completion within the horizon (Luật Đầu tư
công Đ51 k5): after a pass, a new task that received money but not its whole
schedule through the horizon is not started; the least-covered such task is
deferred and the plan is computed again, until every started task is funded
to its schedule.

With many short tasks (more than :data:`ONE_AT_A_TIME`), a pass defers a
batch: per source, the least-covered short tasks whose schedules add up to
less than the money that source's short tasks lack. With all of them deferred
the others would still lack money (what the deferred free is at most what they
received), so one at a time would defer each of them too, as long as the order
by coverage does not change; money that deferring frees elsewhere (seed
floors, later years) is what the rule does not see, and the last deferrals
are made one at a time again. On a 1.000-task portfolio it defers 73 tasks
where one at a time defers 74 (71 the same), in a quarter of the solves; a
plan of 10.000 tasks needs 44 passes instead of about 600.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..demand import derive, task_columns
from ..tasks import TaskList
from .allocation import Allocation
from .instance import Instance, build_instance, make_selector
from .ladder import solve_ladder
from .options import SOURCES, Options, Selector

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ONE_AT_A_TIME", "plan_years"]

#: Up to this many short new tasks, a pass defers only the least covered one.
ONE_AT_A_TIME = 32
_NOT_STARTED = "not started: it cannot be funded to completion within the plan's envelopes"


def _pass(
    tasks: TaskList,
    options: Options,
    envelopes: dict[str, np.ndarray],
    years: dict[int, tuple[pd.DataFrame, Selector]],
) -> tuple[list[tuple[Instance, np.ndarray]], dict[tuple[str, int, int], float], int, dict[str, list[str]]]:
    """One pass over the horizon: each year's instance and allocation, levels, solves, notes."""
    remaining: np.ndarray | None = None
    allocated = []
    levels: dict[tuple[str, int, int], float] = {}
    solves = 0
    notes: dict[str, list[str]] = {}
    for k in range(options.years):
        year = options.plan_year + k
        envelope = {s: float(envelopes[s][k]) for s in SOURCES}
        if year not in years:
            derived = derive(tasks, year)
            years[year] = (derived, make_selector(derived))
        derived, selector = years[year]
        inst = build_instance(
            tasks, options, envelope, year=year, remaining=remaining, derived=derived, selector=selector
        )
        result = solve_ladder(inst, options.rule, options.solver)
        solves += result.solves
        allocated.append((inst, result.x))
        levels.update({(s, year, t): v for (s, t), v in result.levels.items()})
        kind = inst.derived["kind"].to_numpy(str)
        spent = np.where((kind == "lease") | (kind == "annual"), 0.0, result.x)
        remaining = np.maximum(0.0, inst.remaining - spent)
        for key, values in inst.notes.items():
            notes.setdefault(key, [])
            notes[key].extend(v for v in values if v not in notes[key])
    return allocated, levels, solves, notes


def _to_defer(
    allocated: list[tuple[Instance, np.ndarray]], tasks: TaskList, options: Options, deferred: list[str]
) -> list[str]:
    """The new tasks to defer after a pass (none when every started one is funded to schedule)."""
    import pandas as pd

    first = allocated[0][0]
    n = first.n
    # summed per task exactly as a groupby of the stacked yearly tables does
    stacked = pd.Series(np.concatenate([x for _, x in allocated]))
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
        & (received > 1e-6)
        & (received < schedule * (1 - 1e-7) - 1e-6)
        & ~first.derived.index.isin(deferred)
    )
    if not short.size:
        return []
    coverage = received[short] / schedule[short]
    order = short[np.lexsort((ids[short].astype(str), coverage))]
    if short.size <= ONE_AT_A_TIME:
        return [str(ids[order[0]])]
    source = first.derived["funding_source"].to_numpy(object)[order]
    batch = []
    for s in SOURCES:
        mine = order[source == s]
        lack = float((schedule[mine] - received[mine]).sum())
        # the least covered whose schedules together cannot close the gap
        batch.append(mine[np.cumsum(schedule[mine]) < lack])
    chosen = np.concatenate(batch)
    if chosen.size < 2:
        return [str(ids[order[0]])]
    return [str(i) for i in ids[order[np.isin(order, chosen)]]]


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
        With one row per task and year (``year`` column).
    """
    import pandas as pd

    from .optimize import _year_table

    deferred = list(options.deferred)
    opts = options
    total_solves = 0
    years: dict[int, tuple[pd.DataFrame, Selector]] = {}
    while True:
        allocated, levels, solves, notes = _pass(tasks, opts, envelopes, years)
        total_solves += solves
        drop = _to_defer(allocated, tasks, opts, deferred)
        if not drop:
            break
        deferred.extend(drop)
        opts = opts.model_copy(update={"deferred": tuple(deferred)})
    for task_id in deferred[len(options.deferred) :]:
        notes.setdefault(task_id, []).append(_NOT_STARTED)
    tables = [_year_table(inst, x, first_year=k == 0) for k, (inst, x) in enumerate(allocated)]
    table = pd.concat(tables)
    return Allocation(
        table=table,
        options=options,
        envelopes={
            (s, options.plan_year + k): float(envelopes[s][k]) for s in SOURCES for k in range(options.years)
        },
        levels=levels,
        notes={task_id: notes.get(task_id, []) for task_id in tables[0].index.to_numpy(object).tolist()},
        solves=total_solves,
    )

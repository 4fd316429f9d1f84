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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..tasks import TaskList
from .allocation import Allocation
from .instance import build_instance
from .ladder import solve_ladder
from .options import SOURCES, Options

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["plan_years"]


def _pass(
    tasks: TaskList, options: Options, envelopes: dict[str, np.ndarray]
) -> tuple[list[pd.DataFrame], dict[tuple[str, int, int], float], int, dict[str, list[str]]]:
    from .optimize import _year_table

    remaining: np.ndarray | None = None
    tables = []
    levels: dict[tuple[str, int, int], float] = {}
    solves = 0
    notes: dict[str, list[str]] = {}
    for k in range(options.years):
        year = options.plan_year + k
        envelope = {s: float(envelopes[s][k]) for s in SOURCES}
        inst = build_instance(tasks, options, envelope, year=year, remaining=remaining)
        result = solve_ladder(inst, options.rule, options.solver)
        solves += result.solves
        tables.append(_year_table(inst, result.x, first_year=k == 0))
        levels.update({(s, year, t): v for (s, t), v in result.levels.items()})
        kind = inst.derived["kind"].to_numpy(str)
        spent = np.where(np.isin(kind, ["lease", "annual"]), 0.0, result.x)
        remaining = np.maximum(0.0, inst.remaining - spent)
        for key, values in inst.notes.items():
            notes.setdefault(key, [])
            notes[key].extend(v for v in values if v not in notes[key])
    return tables, levels, solves, notes


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

    deferred = list(options.deferred)
    opts = options
    total_solves = 0
    while True:
        tables, levels, solves, notes = _pass(tasks, opts, envelopes)
        total_solves += solves
        table = pd.concat(tables)
        last_year = opts.plan_year + opts.years - 1
        first = tables[0]
        new = first.index[(first["kind"] == "new")]
        received = table.groupby(level=0, sort=False)["allocated"].sum()
        # the schedule through the horizon: the whole remaining need if the task
        # ends within it, else the even share of the years inside it
        end = pd.Series({t.id: t.end_year for t in tasks})
        need = first["remaining_need"]
        years_in = np.minimum(end[new], last_year) - opts.plan_year + 1
        years_total = np.maximum(1, end[new] - opts.plan_year + 1)
        schedule = need[new] * np.clip(years_in / years_total, 0, 1)
        short = [
            task_id
            for task_id in new
            if received[task_id] > 1e-6
            and received[task_id] < schedule[task_id] * (1 - 1e-7) - 1e-6
            and task_id not in deferred
        ]
        if not short:
            break
        coverage = {task_id: received[task_id] / schedule[task_id] for task_id in short}
        drop = min(short, key=lambda task_id: (coverage[task_id], task_id))
        deferred.append(drop)
        opts = opts.model_copy(update={"deferred": tuple(deferred)})
    for task_id in deferred[len(options.deferred) :]:
        notes.setdefault(task_id, []).append(
            "not started: it cannot be funded to completion within the plan's envelopes"
        )
    return Allocation(
        table=table,
        options=options,
        envelopes={
            (s, options.plan_year + k): float(envelopes[s][k]) for s in SOURCES for k in range(options.years)
        },
        levels=levels,
        notes=notes,
        solves=total_solves,
    )

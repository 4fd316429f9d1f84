"""The rolling plan: the years of a horizon allocated in turn, for a given set of new starts.

Year by year from ``t0``, each year is allocated by the same ladder and rule as
a single year, with that year's envelopes; what a task received is taken off
its remaining need, so an underfunded task asks for more the next year
(``d = R / m`` with the years left). Leases are paid in every contract year,
recurring tasks every year.

Which new tasks start, and when, is decided by :mod:`.admission`; here a start
is given. A new task started in year ``y`` is a new start (tier 4) in ``y`` and a
continuing task from ``y + 1`` on (tier 3, tier 2 in its final year), its
remaining need spread evenly over the years left. A start later than the first
year the document allows keeps the task's duration: its end year moves by the
delay. Before its start, a new task gets nothing (reason ``not_started``).
A single-year run is the horizon of one year (``docs/model.md`` §6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..demand import derive, task_columns
from ..tasks import TaskList
from ..tolerances import AMOUNT
from .instance import Instance, build_instance, make_selector
from .ladder import LadderResult, solve_ladder
from .options import SOURCES, Options, Selector

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Horizon", "Pass"]

Solved = list[tuple[Instance, LadderResult]]


@dataclass
class Pass:
    """The horizon allocated for one set of starts.

    ``x`` is the allocation, one row per year; ``idle`` the money each
    (year, source) leaves unspent.
    """

    starts: dict[int, int]
    solved: Solved
    x: np.ndarray
    idle: np.ndarray
    solves: int


class Horizon:
    """The years of a run, the new tasks' schedules, and how to allocate a set of starts.

    Parameters
    ----------
    tasks
        The appendix.
    options
        The run's options (``years`` is the horizon: 1 for a single year).
    envelopes
        Source -> one envelope per year.
    """

    def __init__(self, tasks: TaskList, options: Options, envelopes: dict[str, np.ndarray]) -> None:
        self.tasks = tasks
        self.options = options
        self.first = options.plan_year
        self.last = options.plan_year + options.years - 1
        self.envelope = np.array([[float(envelopes[s][k]) for s in SOURCES] for k in range(options.years)])
        self._years: dict[int, tuple[pd.DataFrame, Selector]] = {}
        derived, _ = self.year(self.first)
        cols = task_columns(tasks)
        self.kind = derived["kind"].to_numpy(str)
        self.new = self.kind == "new"
        self.need = derived["remaining_need"].to_numpy(float)
        self.source = np.select(
            [derived["funding_source"].to_numpy(object) == s for s in SOURCES], np.arange(len(SOURCES)), -1
        )
        #: the first year each new task may start, and its duration in years from then
        self.earliest = np.maximum(cols["start_year"], self.first)
        self.duration = np.maximum(cols["end_year"], self.earliest) - self.earliest + 1
        self.ids = tuple(str(i) for i in derived.index)

    def year(self, year: int) -> tuple[pd.DataFrame, Selector]:
        """``derive(tasks, year)`` and its selector, computed once per year."""
        if year not in self._years:
            derived = derive(self.tasks, year)
            self._years[year] = (derived, make_selector(derived))
        return self._years[year]

    def end(self, task: int, start: int) -> int:
        """The end year of a new task started in ``start`` (its duration kept)."""
        return start + int(self.duration[task]) - 1

    def schedule(self, task: int, start: int) -> float:
        """What a task started in ``start`` must receive within the horizon: its even share."""
        inside = min(self.end(task, start), self.last) - start + 1
        return float(self.need[task] * min(1.0, inside / self.duration[task]))

    def per_year(self, task: int) -> float:
        """The even-schedule demand of a new task, whenever it starts (its duration is kept)."""
        return float(self.need[task] / self.duration[task])

    def _view(self, year: int, starts: dict[int, int]) -> tuple[pd.DataFrame, np.ndarray]:
        """The year's derived table with the started tasks' tiers and years left; who waits."""
        derived, _ = self.year(year)
        waiting = self.new.copy()
        moved = []
        for task, start in starts.items():
            if start <= year:
                waiting[task] = False
                if start < year or start != self.earliest[task]:
                    moved.append(task)
        if not moved:
            return derived, waiting
        view = derived.copy()
        rows = np.asarray(moved)
        ends = np.array([self.end(t, starts[t]) for t in moved])
        began = np.array([starts[t] < year for t in moved])
        kind = view["kind"].to_numpy(object).copy()
        kind[rows[began]] = "continuing"
        tier = view["tier"].to_numpy(int).copy()
        tier[rows[began]] = np.where(ends[began] <= year, 2, 3)  # finishing, else continuing
        years_left = view["years_left"].to_numpy(int).copy()
        years_left[rows] = np.maximum(1, ends - year + 1)
        view["kind"] = kind
        view["tier"] = tier
        view["years_left"] = years_left
        return view, waiting

    def allocate(
        self, starts: dict[int, int], reuse: Pass | None = None, from_year: int | None = None
    ) -> Pass:
        """Allocate every year of the horizon with the new tasks ``starts`` (task -> start year).

        ``reuse`` is a pass whose years before ``from_year`` had the same starts:
        those years are taken from it as they are.
        """
        k0 = 0 if reuse is None or from_year is None else from_year - self.first
        solved: Solved = list(reuse.solved[:k0]) if reuse is not None else []
        x = np.zeros((self.options.years, len(self.ids)))
        if k0:
            assert reuse is not None
            x[:k0] = reuse.x[:k0]
        remaining = self.need.copy()
        fixed = (self.kind == "lease") | (self.kind == "annual")
        for k in range(k0):
            remaining = np.maximum(0.0, remaining - np.where(fixed, 0.0, x[k]))
        solves = 0
        for k in range(k0, self.options.years):
            year = self.first + k
            derived, waiting = self._view(year, starts)
            inst = build_instance(
                self.tasks,
                self.options,
                {s: float(self.envelope[k, j]) for j, s in enumerate(SOURCES)},
                year=year,
                remaining=remaining,
                derived=derived,
                selector=self.year(year)[1],
                not_started=waiting,
            )
            result = solve_ladder(inst, self.options.rule, self.options.solver)
            solves += result.solves
            solved.append((inst, result))
            x[k] = result.x
            remaining = np.maximum(0.0, remaining - np.where(fixed, 0.0, result.x))
        spent = np.stack([np.bincount(self.source, weights=row, minlength=len(SOURCES)) for row in x])
        return Pass(dict(starts), solved, x, self.envelope - spent, solves)

    def short(self, run: Pass, tasks: list[int] | None = None) -> list[tuple[int, float]]:
        """The started tasks (of ``tasks``, default all) behind their schedule, with the shortfall.

        A start is on schedule when, by the end of each year of its window inside
        the horizon, it has received its even-schedule demand for every year so far
        (so money a pacing cap lets it take early counts for later years).
        """
        out = []
        for task in sorted(run.starts) if tasks is None else tasks:
            start = run.starts[task]
            k0, k1 = start - self.first, min(self.end(task, start), self.last) - self.first
            need = self.per_year(task)
            due = need * np.arange(1, k1 - k0 + 2)
            got = np.cumsum(run.x[k0 : k1 + 1, task])
            behind = float(np.max(due - got))
            if behind > AMOUNT * max(1.0, need):
                out.append((task, behind))
        return out

"""The stage problems of a run as linear programs a reader can inspect (``Allocation.stages``).

The ladder solves a few LPs per tier (``docs/model.md`` §4): the fill level of
each step, the weighted rule's utility, closest-to-plan's least change. When
only the envelopes bind, a fill step is computed in closed form instead
(:mod:`.fill`), which gives the same allocation (``tests/test_fast_path.py``).
To show the LPs themselves, :func:`solve_stages` runs each year's ladder again on
the same instance with every fill step solved as an LP, and records each stage
problem with its solution and row duals.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from solvers import LinearProblem, SolveResult, write_lp

from .ladder import solve_ladder

if TYPE_CHECKING:
    import pandas as pd

    from .instance import Instance

__all__ = ["StageProblem", "solve_stages", "write_stages"]


@dataclass(frozen=True, eq=False)
class StageProblem:
    """One LP of the ladder as it was solved.

    Attributes
    ----------
    year
        The year allocated.
    name
        Where in the ladder: ``"tier 3: level"`` (the level of a fill step),
        ``"tier 3 above demand: level"``, ``"tier 3: utility"``,
        ``"plan: least change from plan"``.
    problem
        The solver-neutral :class:`~solvers.LinearProblem` as it was solved,
        its task columns and per-task rows named by task id (``x[B38]``,
        ``coverage[B38]``), the others as built (``level``, ``envelope recurrent``,
        ``agency_cap 0: Sở Y tế``).
    result
        The :class:`~solvers.SolveResult` of the solve.
    """

    year: int
    name: str
    problem: LinearProblem
    result: SolveResult

    @property
    def objective(self) -> float:
        """The optimal objective value."""
        return float(self.result.objective or 0.0)

    @property
    def solution(self) -> pd.Series:
        """The value of every column, by column name."""
        import pandas as pd

        x = self.result.x if self.result.x is not None else np.full(self.problem.num_cols, np.nan)
        return pd.Series(x, index=pd.Index(list(self.problem.col_names), name="column"), name="value")

    @property
    def duals(self) -> pd.Series:
        """The dual value of every row, by row name (sign convention of :mod:`solvers.status`)."""
        import pandas as pd

        y = self.result.row_duals
        y = y if y is not None else np.full(self.problem.num_rows, np.nan)
        return pd.Series(y, index=pd.Index(list(self.problem.row_names), name="row"), name="dual")

    def write_lp(self, path: str | Path) -> Path:
        """Write the problem as a CPLEX LP file (readable names, via PuLP); returns the path.

        A row without entries (the envelope of a source none of the tasks draws on)
        says nothing and is left out.
        """
        return write_lp(_without_empty_rows(self.problem), path)

    def __repr__(self) -> str:
        p = self.problem
        return (
            f"StageProblem({self.year}, {self.name!r}: {p.sense.value} over {p.num_cols} columns, "
            f"{p.num_rows} rows; {self.result.status.value}, objective {self.objective:.6g})"
        )


_PER_TASK = ("coverage", "utility_pieces", "plan_change")


def _without_empty_rows(problem: LinearProblem) -> LinearProblem:
    """The same problem without the rows that have no entries."""
    filled = np.bincount(problem.a_index, minlength=problem.num_rows) > 0
    if filled.all():
        return problem
    renumber = np.cumsum(filled) - 1
    return dataclasses.replace(
        problem,
        a_index=renumber[problem.a_index],
        row_lower=problem.row_lower[filled],
        row_upper=problem.row_upper[filled],
        row_names=tuple(np.asarray(list(problem.row_names), dtype=object)[filled]),
        row_family=problem.row_family[filled],
    )


def _by_task(problem: LinearProblem, ids: tuple[str, ...]) -> LinearProblem:
    """The same problem with ``x[i]`` named ``x[ID]`` and each per-task row by its task."""
    x = problem.cols_of("x") if "x" in problem.blocks else np.zeros(0, dtype=int)
    cols = list(problem.col_names)
    rows = list(problem.row_names)
    families = {problem.families.index(f) for f in _PER_TASK if f in problem.families}
    taken = set(rows)
    for k, j in enumerate(x.tolist()):
        match = re.fullmatch(r"x\[(\d+)\]", cols[j])
        task = ids[int(match.group(1))] if match else ids[k]
        cols[j] = f"x[{task}]"
        for r in problem.a_index[problem.a_start[j] : problem.a_start[j + 1]].tolist():
            family = int(problem.row_family[r])
            name = f"{problem.families[family]}[{task}]"
            if family in families and name not in taken:
                taken.add(name)
                rows[r] = name
    return dataclasses.replace(problem, col_names=tuple(cols), row_names=tuple(rows))


def solve_stages(instances: tuple[Instance, ...], rule: str, solver: str) -> tuple[StageProblem, ...]:
    """Each year's ladder again, every fill step as an LP, recording every stage problem.

    Parameters
    ----------
    instances
        The years' instances, in order, as the run allocated them.
    rule, solver
        The run's rule and backend.

    Returns
    -------
    tuple of StageProblem
        In the order they were solved, year by year.
    """
    out: list[StageProblem] = []
    for inst in instances:
        record: list[tuple[str, LinearProblem, SolveResult]] = []
        solve_ladder(inst, rule, solver, closed_form_from=sys.maxsize, record=record)
        out.extend(
            StageProblem(inst.year, name, _by_task(problem, inst.ids), result)
            for name, problem, result in record
        )
    return tuple(out)


def write_stages(stages: tuple[StageProblem, ...], folder: str | Path) -> list[Path]:
    """Write each stage as ``YEAR_NN_name.lp`` in ``folder`` (created if missing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, stage in enumerate(stages, start=1):
        stem = "".join(c if c.isalnum() else "_" for c in stage.name.lower()).strip("_")
        while "__" in stem:
            stem = stem.replace("__", "_")
        paths.append(stage.write_lp(folder / f"{stage.year}_{k:02d}_{stem}.lp"))
    return paths

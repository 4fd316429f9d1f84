"""Solve a stage problem with its fixed columns taken out.

Every stage of the ladder carries a column per task, and after the first tiers
most of them are fixed (``lower == upper``). Taking them out before the solver
sees the problem, their contribution moved into the row bounds and the
objective's constant, gives the solver a problem the size of the tier being
rationed, and keeps the rows' activities small: with 10.000 tasks an envelope
row summing every task reaches 10^7–10^8 million VND, where HiGHS's absolute
feasibility tolerance (10^-7) is below the rounding of the sum and a solve
can end "optimal" without a feasible point.

The answer is put back in the full problem's terms: all columns, the full
row activities, the same row duals, and reduced costs ``c - Aᵀy`` for the
fixed columns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from solvers import LinearProblem, SolveResult, solve

__all__ = ["solve_without_fixed"]


def _kept_names(names: Sequence[str], keep: np.ndarray) -> Sequence[str]:
    """The kept columns' names; made only when read where the names are (``solvers.Names.take``)."""
    take = getattr(names, "take", None)
    return take(keep) if take is not None else tuple(np.asarray(names, dtype=object)[keep])


def solve_without_fixed(problem: LinearProblem, solver: str) -> tuple[SolveResult, LinearProblem]:
    """Solve ``problem`` with the fixed columns taken out.

    Parameters
    ----------
    problem
        The full stage problem.
    solver
        Backend name of :mod:`solvers`.

    Returns
    -------
    result : SolveResult
        In the full problem's terms (every column and row).
    reduced : LinearProblem
        What the solver was given (for benchmarks that re-solve it).
    """
    fixed = problem.col_lower == problem.col_upper
    if not fixed.any():
        return solve(problem, solver=solver), problem
    keep = ~fixed
    value = np.where(fixed, problem.col_lower, 0.0)
    counts = np.diff(problem.a_start)
    entry_col = np.repeat(np.arange(problem.num_cols), counts)
    shift = np.bincount(
        problem.a_index, weights=problem.a_value * value[entry_col], minlength=problem.num_rows
    )
    entries = keep[entry_col]
    a_start = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
    np.cumsum(counts[keep], out=a_start[1:])
    reduced = dataclasses.replace(
        problem,
        c=problem.c[keep],
        offset=problem.offset + float(problem.c[fixed] @ value[fixed]),
        col_lower=problem.col_lower[keep],
        col_upper=problem.col_upper[keep],
        integrality=problem.integrality[keep],
        a_start=a_start,
        a_index=problem.a_index[entries],
        a_value=problem.a_value[entries],
        row_lower=problem.row_lower - shift,
        row_upper=problem.row_upper - shift,
        col_names=_kept_names(problem.col_names, keep),
        col_block=problem.col_block[keep],
    )
    result = solve(reduced, solver=solver)  # a model left without columns is solved directly
    x = act = reduced_costs = None
    if result.x is not None:
        x = value.copy()
        x[keep] = result.x
        assert result.row_activity is not None
        act = result.row_activity + shift
    if result.row_duals is not None and result.reduced_costs is not None:
        # c - Aᵀy for every column; the solver's own values for the kept ones
        reduced_costs = problem.c - np.bincount(
            entry_col, weights=problem.a_value * result.row_duals[problem.a_index], minlength=problem.num_cols
        )
        reduced_costs[keep] = result.reduced_costs
    full = dataclasses.replace(result, x=x, row_activity=act, reduced_costs=reduced_costs)
    return full, reduced

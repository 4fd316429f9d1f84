"""Helpers shared by the backends (private)."""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import ArrayLike

from solvers.problem import LinearProblem
from solvers.status import SolveResult, Status

#: Relative MIP gap used when the caller gives ``mip_gap=None``: prove optimality
#: (up to each backend's own small absolute gap tolerance), the same for every backend.
DEFAULT_MIP_GAP = 0.0

#: Statuses after which ``x`` is never reported, even if the backend holds a point.
NO_POINT = frozenset({Status.INFEASIBLE, Status.UNBOUNDED, Status.INFEASIBLE_OR_UNBOUNDED, Status.ERROR})


def check_options(time_limit: float | None, mip_gap: float | None) -> None:
    """Reject negative or NaN options before any backend sees them."""
    if time_limit is not None and not time_limit > 0:
        raise ValueError(f"time_limit must be positive seconds, got {time_limit!r}")
    if mip_gap is not None and not mip_gap >= 0:
        raise ValueError(f"mip_gap must be >= 0, got {mip_gap!r}")


def entry_cols(problem: LinearProblem) -> np.ndarray:
    """Column index of each stored nonzero (expands the CSC pointers)."""
    return np.repeat(np.arange(problem.num_cols), np.diff(problem.a_start))


def row_activity(problem: LinearProblem, x: np.ndarray) -> np.ndarray:
    """Return ``A @ x`` computed from the CSC arrays."""
    weights = problem.a_value * x[entry_cols(problem)]
    return np.bincount(problem.a_index, weights=weights, minlength=problem.num_rows)


def clean(values: ArrayLike, sign: float = 1.0) -> np.ndarray:
    """Return a read-only float copy times ``sign``, negative zeros turned into zeros (nicer to print)."""
    if isinstance(values, list):  # a solver's list of floats: read without a second pass
        out = np.fromiter(values, np.float64, len(values))
    else:
        out = np.array(values, dtype=np.float64)
    if sign != 1.0:
        out *= sign
    out += 0.0  # -0.0 + 0.0 is 0.0
    out.setflags(write=False)
    return out


FEASIBILITY_TOL = 1e-7  # HiGHS and CBC default primal feasibility tolerance


def empty_result(problem: LinearProblem, solver: str, t0: float) -> SolveResult:
    """Solve a problem without columns directly (solvers treat it inconsistently).

    Its rows hold if ``0`` lies within their bounds up to ``FEASIBILITY_TOL``, the
    primal tolerance the backends apply to any other model.
    """
    m = problem.num_rows
    feasible = bool(
        np.all(problem.row_lower <= FEASIBILITY_TOL) and np.all(problem.row_upper >= -FEASIBILITY_TOL)
    )
    lp = not problem.is_mip
    return SolveResult(
        status=Status.OPTIMAL if feasible else Status.INFEASIBLE,
        termination="empty model (no columns)",
        solver=solver,
        x=np.zeros(0) if feasible else None,
        objective=problem.offset if feasible else None,
        row_activity=np.zeros(m) if feasible else None,
        row_duals=np.zeros(m) if feasible and lp else None,
        reduced_costs=np.zeros(0) if feasible and lp else None,
        solve_seconds=time.perf_counter() - t0,
    )

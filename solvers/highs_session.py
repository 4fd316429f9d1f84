"""One open HiGHS instance for a sequence of related solves: :class:`HighsSession`.

``highspy`` is imported when a session is opened, so ``import solvers`` works without it.
The model is passed and read back as in :class:`~solvers.highs.HighsBackend` (a
minimisation; see :mod:`solvers.highs`).
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from solvers._highs_instance import new_highs
from solvers._highs_run import minimisation_sign, pass_model, run_highs
from solvers.problem import LinearProblem
from solvers.status import SolveResult

__all__ = ["HighsSession"]


def _indices(values: ArrayLike, size: int, what: str) -> np.ndarray:
    idx = np.asarray(values, dtype=np.int64).ravel()
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        raise IndexError(f"{what} indices must lie in 0..{size - 1}")
    return idx


def _values(values: ArrayLike, size: int, what: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    arr = np.broadcast_to(arr, (size,)) if arr.ndim == 0 else arr.ravel()
    if arr.shape != (size,):
        raise ValueError(f"{what} must be a scalar or have {size} entries, got {arr.size}")
    if np.isnan(arr).any():
        raise ValueError(f"{what} contains NaN")
    return np.ascontiguousarray(arr, dtype=np.float64)


class HighsSession:
    """One open HiGHS instance for a sequence of related solves (sweeps).

    Bound and cost changes are applied in place, so HiGHS can warm-start from the
    previous basis. Use :attr:`problem` to get the current model as a
    :class:`LinearProblem` (e.g. to compare with a fresh solve).

    Parameters
    ----------
    problem : LinearProblem
        The starting model; it must have at least one column.

    Examples
    --------
    >>> import numpy as np
    >>> from solvers import ProblemBuilder
    >>> b = ProblemBuilder()
    >>> x = b.add_variables("x", 2, 0.0, [3.0, 10.0])
    >>> budget_rows = b.add_constraints("budget", [0, 0], x, [1.0, 1.0], -np.inf, 4.0)
    >>> b.set_objective(x, [3.0, 2.0], "maximize")
    >>> session = HighsSession(b.build())
    >>> for budget in (4.0, 6.0):
    ...     session.change_row_bounds(budget_rows, -np.inf, budget)
    ...     print(round(session.solve().objective, 6))
    11.0
    15.0
    """

    def __init__(self, problem: LinearProblem) -> None:
        import highspy

        if problem.num_cols == 0:
            raise ValueError("HighsSession needs a problem with at least one column")
        self._problem = problem
        self._sign = minimisation_sign(problem)
        self._c = problem.c.copy()
        self._col_lower = problem.col_lower.copy()
        self._col_upper = problem.col_upper.copy()
        self._row_lower = problem.row_lower.copy()
        self._row_upper = problem.row_upper.copy()
        # typed Any: highspy 1.15's stubs lack changeRowsBounds, which the binary has
        self._highs: Any = new_highs()
        if pass_model(self._highs, problem, self._sign) == highspy.HighsStatus.kError:
            raise ValueError("HiGHS rejected the model (passModel returned kError)")

    @property
    def problem(self) -> LinearProblem:
        """LinearProblem: The model as currently modified (a new validated copy)."""
        return dataclasses.replace(
            self._problem,
            c=self._c,
            col_lower=self._col_lower,
            col_upper=self._col_upper,
            row_lower=self._row_lower,
            row_upper=self._row_upper,
        )

    def _check(self, status: Any, call: str) -> None:
        if getattr(status, "name", "") == "kError":
            raise ValueError(f"HiGHS {call} returned kError")

    def change_col_bounds(self, cols: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> None:
        """Set the bounds of some columns.

        Parameters
        ----------
        cols : array_like of int
            Column indices.
        lower, upper : float or array_like
            New bounds, scalar or one per index.
        """
        idx = _indices(cols, self._problem.num_cols, "column")
        lo = _values(lower, idx.size, "lower")
        up = _values(upper, idx.size, "upper")
        self._col_lower[idx], self._col_upper[idx] = lo, up
        status = self._highs.changeColsBounds(idx.size, idx.astype(np.int32), lo, up)
        self._check(status, "changeColsBounds")

    def change_row_bounds(self, rows: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> None:
        """Set the bounds of some rows.

        Parameters
        ----------
        rows : array_like of int
            Row indices.
        lower, upper : float or array_like
            New bounds, scalar or one per index.
        """
        idx = _indices(rows, self._problem.num_rows, "row")
        lo = _values(lower, idx.size, "lower")
        up = _values(upper, idx.size, "upper")
        self._row_lower[idx], self._row_upper[idx] = lo, up
        status = self._highs.changeRowsBounds(idx.size, idx.astype(np.int32), lo, up)
        self._check(status, "changeRowsBounds")

    def change_costs(self, cols: ArrayLike, costs: ArrayLike) -> None:
        """Set the objective coefficients of some columns (in the problem's own sense).

        Parameters
        ----------
        cols : array_like of int
            Column indices.
        costs : float or array_like
            New coefficients, scalar or one per index.
        """
        idx = _indices(cols, self._problem.num_cols, "column")
        new = _values(costs, idx.size, "costs")
        self._c[idx] = new
        status = self._highs.changeColsCost(idx.size, idx.astype(np.int32), self._sign * new)
        self._check(status, "changeColsCost")

    def solve(self, *, time_limit: float | None = None, mip_gap: float | None = None) -> SolveResult:
        """Solve the current model, warm-starting from the previous solve.

        Parameters
        ----------
        time_limit : float, optional
            Wall-clock seconds for this solve; None means no limit.
        mip_gap : float, optional
            Relative MIP gap; None means 0 (prove optimality).

        Returns
        -------
        SolveResult
            Same conventions as :meth:`~solvers.highs.HighsBackend.solve`.
        """
        return run_highs(
            self._highs, self._problem.is_mip, self._sign, time.perf_counter(), time_limit, mip_gap
        )

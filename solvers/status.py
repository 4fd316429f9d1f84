"""Solver-neutral outcome of a solve: :class:`Status`, :class:`SolveResult`, :class:`SolverError`.

Sign convention for duals
-------------------------
Every backend reports duals as sensitivities of the optimal objective value, in the
problem's *own* sense (the value being maximised or minimised, offset included):

* ``row_duals[i]`` is ``d(optimal objective) / d(rhs_i)``, where ``rhs_i`` is whichever
  bound of row ``i`` is active (``row_lower[i]`` or ``row_upper[i]``). It is 0 for a row
  strictly between its bounds, for a free row and (normally) for a row with no entries.
* ``reduced_costs[j]`` is ``d(optimal objective) / d(active bound of column j)``, and 0
  for a column strictly between its bounds.

Examples: maximising with a binding ``<=`` budget row, more budget can only help, so the
dual is ``>= 0``; minimising a cost with a binding ``>=`` requirement row, raising the
requirement can only cost more, so the dual is ``>= 0``; in a maximisation a column held
at its upper bound with a positive reduced cost would improve the objective if the bound
were raised. Duals and reduced costs are only given for an LP solved to OPTIMAL; they
are None for MIPs (integer columns) and for every other status.

A limit (time, iterations) is never reported as OPTIMAL, even when the backend holds a
feasible point; that point is still returned in ``x`` with its ``objective``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

__all__ = ["SolveResult", "SolverError", "Status"]


class Status(str, Enum):
    """Outcome of a solve, common to every backend."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    INFEASIBLE_OR_UNBOUNDED = "infeasible_or_unbounded"
    TIME_LIMIT = "time_limit"
    ITERATION_LIMIT = "iteration_limit"
    ERROR = "error"
    UNKNOWN = "unknown"


class SolverError(RuntimeError):
    """Raised by :meth:`SolveResult.raise_for_status` when a solve did not reach OPTIMAL."""


def _readonly(values: np.ndarray | None) -> np.ndarray | None:
    if values is None:
        return None
    if isinstance(values, np.ndarray) and values.dtype == np.float64 and not values.flags.writeable:
        return values  # already frozen (a backend's own copy): nobody can change it
    arr = np.array(values, dtype=np.float64)  # private copy
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class SolveResult:
    """What a backend found.

    Parameters
    ----------
    status : Status
        Solver-neutral outcome.
    termination : str
        The backend's own words for it, e.g. ``"kOptimal"`` (HiGHS) or
        ``"Stopped on time (PuLP: Optimal/Solution Found)"`` (CBC, then PuLP's reading).
    solver : str
        Backend name, e.g. ``"highs"`` or ``"cbc"``.
    x : numpy.ndarray or None
        Column values, shape ``(n,)``; the optimum, or the best feasible point found when
        a limit stopped the solve; None when there is no feasible point.
    objective : float or None
        ``c @ x + offset`` in the problem's own sense; None when ``x`` is None.
    row_activity : numpy.ndarray or None
        ``A @ x``, shape ``(m,)``; None when ``x`` is None.
    row_duals : numpy.ndarray or None
        ``d objective / d rhs`` per row (see the module docstring); LP at OPTIMAL only.
    reduced_costs : numpy.ndarray or None
        ``d objective / d active column bound``; LP at OPTIMAL only.
    solve_seconds : float
        Wall-clock seconds of the backend call, including passing the model to the
        solver and reading the solution back.

    Notes
    -----
    Arrays are stored as read-only copies. Equality compares identity, not contents.
    """

    status: Status
    termination: str
    solver: str
    x: np.ndarray | None
    objective: float | None
    row_activity: np.ndarray | None
    row_duals: np.ndarray | None
    reduced_costs: np.ndarray | None
    solve_seconds: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
        for name in ("x", "row_activity", "row_duals", "reduced_costs"):
            object.__setattr__(self, name, _readonly(getattr(self, name)))
        if self.objective is not None:
            object.__setattr__(self, "objective", float(self.objective))

    @property
    def ok(self) -> bool:
        """bool: True only if the status is OPTIMAL."""
        return self.status is Status.OPTIMAL

    def raise_for_status(self) -> SolveResult:
        """Raise unless the solve reached OPTIMAL.

        Returns
        -------
        SolveResult
            ``self``, so that ``x = solve(p).raise_for_status().x`` reads naturally.

        Raises
        ------
        SolverError
            If ``status`` is not OPTIMAL; the message names the solver, the status and
            the backend's termination string.
        """
        if not self.ok:
            raise SolverError(
                f"solver {self.solver!r} finished with status {self.status.value!r} "
                f"(termination: {self.termination})"
            )
        return self

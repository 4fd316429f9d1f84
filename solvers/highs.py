"""HiGHS backend (``highspy``), the default, and :class:`HighsSession` for sweeps.

``highspy`` is imported inside the functions that need it, so ``import solvers`` works
without it.

Every model is passed to HiGHS as a *minimisation*: a maximisation is sent as
``minimize -c @ x - offset`` and the objective, duals and reduced costs are negated on the
way back. HiGHS' minimisation duals are ``d objective / d rhs``, so after the negation
both senses follow the convention of :mod:`solvers.status` whatever HiGHS does with
``ObjSense.kMaximize`` in a given version. (Measured with highspy 1.15.1: with
``kMaximize`` it already reports duals in the maximisation sense, e.g. +2 for a binding
``<=`` row of ``max 3x + 2y``; the negation makes us independent of that.)

Determinism: a fixed ``random_seed`` for every instance; the thread count is the process's
(see :func:`_new_highs`).

Silence: nothing HiGHS writes reaches stdout or stderr. ``output_flag`` is switched off
before a model is passed, and highspy 1.16 prints its "Running HiGHS ... Copyright"
banner while ``Highs()`` is being constructed, before any option can be set (its
constructor installs the callbacks, and that logs the banner while ``output_flag`` still
has its default). So the construction runs with file descriptors 1 and 2 sent to the null
device; they are restored as soon as it returns, even if it raises.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import functools
import os
import sys
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from solvers._common import (
    DEFAULT_MIP_GAP,
    NO_POINT,
    check_options,
    clean,
    empty_result,
)
from solvers.problem import LinearProblem, Sense
from solvers.status import SolveResult, Status

if TYPE_CHECKING:
    import highspy

__all__ = ["HIGHS_STATUS_MAP", "HighsBackend", "HighsSession", "highs_status"]

#: HiGHS model statuses (``highspy.HighsModelStatus`` member names) and their meaning here.
#: Anything else (kNotset, kModelEmpty, kObjectiveBound, kObjectiveTarget,
#: kSolutionLimit, kInterrupt, kHighsInterrupt, future codes) maps to UNKNOWN.
HIGHS_STATUS_MAP: dict[str, Status] = {
    "kOptimal": Status.OPTIMAL,
    "kInfeasible": Status.INFEASIBLE,
    "kUnbounded": Status.UNBOUNDED,
    "kUnboundedOrInfeasible": Status.INFEASIBLE_OR_UNBOUNDED,
    "kTimeLimit": Status.TIME_LIMIT,
    "kIterationLimit": Status.ITERATION_LIMIT,
    "kLoadError": Status.ERROR,
    "kModelError": Status.ERROR,
    "kPresolveError": Status.ERROR,
    "kSolveError": Status.ERROR,
    "kPostsolveError": Status.ERROR,
    "kMemoryLimit": Status.ERROR,
    "kUnknown": Status.UNKNOWN,
}

_RANDOM_SEED = 0
_FEASIBLE = 2  # HiGHS' kSolutionStatusFeasible, for primal/dual_solution_status


def highs_status(model_status: Any) -> Status:
    """Map a HiGHS model status to a :class:`Status`.

    Parameters
    ----------
    model_status : highspy.HighsModelStatus or str
        An enum member such as ``HighsModelStatus.kTimeLimit``, or its name.

    Returns
    -------
    Status
        The mapped status; UNKNOWN for anything not in :data:`HIGHS_STATUS_MAP`.
    """
    name = getattr(model_status, "name", model_status)
    return HIGHS_STATUS_MAP.get(str(name), Status.UNKNOWN)


#: one redirection of the standard descriptors at a time: two interleaved ones would
#: restore each other's null device
_FD_LOCK = threading.Lock()


@functools.cache
def _c_fflush() -> Any:
    """The C library's ``fflush``, or None where it cannot be reached this way (Windows)."""
    try:
        return ctypes.CDLL(None).fflush
    except (OSError, AttributeError, TypeError):
        return None


def _flush_c_streams() -> None:
    """Flush the C library's buffered streams, so what they hold goes where fd 1/2 point now."""
    fflush = _c_fflush()
    if fflush is not None:
        fflush(None)


def _flush_python_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):  # None, or closed
            stream.flush()


@contextlib.contextmanager
def _quiet_descriptors() -> Iterator[None]:
    """Send file descriptors 1 and 2 (C-level stdout and stderr) to the null device meanwhile.

    Python's own streams are flushed first, so nothing written before is lost, and the C
    library's streams are flushed before the descriptors come back, so text printed
    inside does not reach the terminal later. A descriptor that is not open is left as it is.
    """
    with _FD_LOCK:
        _flush_python_streams()
        saved: list[tuple[int, int]] = []
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            for fd in (1, 2):
                try:
                    saved.append((fd, os.dup(fd)))
                except OSError:  # closed: nothing can be printed there
                    continue
                os.dup2(null, fd)
            yield
        finally:
            _flush_c_streams()
            for fd, copy in saved:
                os.dup2(copy, fd)
                os.close(copy)
            os.close(null)


def _new_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing, seeded.

    The thread count is left as the process has it: HiGHS keeps one scheduler per
    process, and asking for another count once it runs makes every later ``run``
    fail (a program that used HiGHS with its defaults first would break us). The
    LPs are solved by the serial dual simplex either way, and the model never
    depends on which optimal vertex it returns.
    """
    import highspy

    with _quiet_descriptors():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", _RANDOM_SEED)
    return h


class _Spare(threading.local):
    """Per thread, the HiGHS instance its last optimal LP was solved in (kept for the next)."""

    def __init__(self) -> None:
        self.highs: Any = None
        self.pid = 0

    def take(self) -> Any:
        """The kept instance with its model cleared, or a new one (another process, none kept)."""
        h, self.highs = self.highs, None
        if h is None or self.pid != os.getpid():  # a forked child makes its own
            return _new_highs()
        h.clearModel()
        return h

    def give_back(self, h: Any) -> None:
        self.highs, self.pid = h, os.getpid()


_LP_HIGHS = _Spare()


def _pass_model(h: Any, problem: LinearProblem, sign: float) -> Any:
    """Hand ``problem`` (as a minimisation: ``sign`` -1 for a maximisation) to ``h``; its status.

    The arrays go through HiGHS's array overload of ``passModel``, which reads the numpy
    buffers directly; filling a ``highspy.HighsLp`` field by field converts each array
    element by element (2,5 ms instead of 0,15 ms for 10.000 columns).
    """
    import highspy

    return h.passModel(
        problem.num_cols,
        problem.num_rows,
        problem.a_value.size,
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize),
        sign * problem.offset,
        sign * problem.c,
        problem.col_lower,
        problem.col_upper,
        problem.row_lower,
        problem.row_upper,
        problem.a_start.astype(np.int32),
        problem.a_index.astype(np.int32),
        problem.a_value,
        # HighsVarType: 0 continuous, 1 integer
        problem.integrality.astype(np.int32),
    )


def _error(termination: str, t0: float) -> SolveResult:
    return SolveResult(
        status=Status.ERROR,
        termination=termination,
        solver=HighsBackend.name,
        x=None,
        objective=None,
        row_activity=None,
        row_duals=None,
        reduced_costs=None,
        solve_seconds=time.perf_counter() - t0,
    )


def _run(
    h: highspy.Highs,
    is_mip: bool,
    sign: float,
    t0: float,
    time_limit: float | None,
    mip_gap: float | None,
) -> SolveResult:
    """Set the per-solve options, run HiGHS and translate what it reports."""
    import highspy

    check_options(time_limit, mip_gap)
    h.setOptionValue("time_limit", float("inf") if time_limit is None else float(time_limit))
    gap = DEFAULT_MIP_GAP if mip_gap is None else float(mip_gap)
    h.setOptionValue("mip_rel_gap", gap)
    run_status = h.run()
    model_status = h.getModelStatus()
    status = highs_status(model_status)
    termination = str(model_status.name)
    if run_status == highspy.HighsStatus.kError:
        termination += " (run returned kError)"
        status = Status.ERROR if status is Status.UNKNOWN else status
    info = h.getInfo()
    has_x = status not in NO_POINT and info.primal_solution_status == _FEASIBLE
    has_duals = status is Status.OPTIMAL and not is_mip and info.dual_solution_status == _FEASIBLE
    x = act = duals = reduced = None
    objective = None
    if has_x or has_duals:
        sol = h.getSolution()
        if has_x:
            x = clean(sol.col_value)
            act = clean(sol.row_value)
            objective = sign * info.objective_function_value + 0.0
        if has_duals:
            duals = clean(sign * np.asarray(sol.row_dual, dtype=np.float64))
            reduced = clean(sign * np.asarray(sol.col_dual, dtype=np.float64))
    return SolveResult(
        status=status,
        termination=termination,
        solver=HighsBackend.name,
        x=x,
        objective=objective,
        row_activity=act,
        row_duals=duals,
        reduced_costs=reduced,
        solve_seconds=time.perf_counter() - t0,
    )


class HighsBackend:
    """Solve LPs and MILPs with HiGHS through ``highspy``.

    Attributes
    ----------
    name : str
        ``"highs"``.
    requires : str
        Python package needed: ``"highspy"``.
    supports_lp, supports_milp, supports_duals : bool
        All True.
    """

    name: ClassVar[str] = "highs"
    requires: ClassVar[str] = "highspy"
    supports_lp: ClassVar[bool] = True
    supports_milp: ClassVar[bool] = True
    supports_duals: ClassVar[bool] = True
    #: double precision with HiGHS's own feasibility and optimality tolerances (1e-7
    #: absolute), read from memory without printing
    precision: ClassVar[float] = 1e-9

    def solve(
        self,
        problem: LinearProblem,
        *,
        time_limit: float | None = None,
        mip_gap: float | None = None,
    ) -> SolveResult:
        """Solve ``problem`` in a HiGHS instance that holds no other model.

        A MIP gets a new instance. An LP gets the instance the thread's previous LP
        ended optimal in, its model cleared (``clearModel``: model, solution and basis
        go, the options stay): making and freeing an instance costs about 0,5 ms, more
        than HiGHS spends on a small LP, and the answer is the same to the last bit
        (``tests/solvers/test_solvers_reuse.py``).

        Parameters
        ----------
        problem : LinearProblem
            The model.
        time_limit : float, optional
            Wall-clock seconds; None means no limit. Reaching it gives TIME_LIMIT.
        mip_gap : float, optional
            Relative gap at which a MIP counts as optimal; None means 0 (prove
            optimality). Ignored for LPs.

        Returns
        -------
        SolveResult
            The outcome; see :mod:`solvers.status` for the dual sign convention.
        """
        t0 = time.perf_counter()
        if problem.num_cols == 0:
            return empty_result(problem, self.name, t0)
        import highspy

        sign = -1.0 if problem.sense is Sense.MAXIMIZE else 1.0
        if problem.is_mip:
            h = _new_highs()
            if _pass_model(h, problem, sign) == highspy.HighsStatus.kError:
                return _error("passModel() returned kError", t0)
            return _run(h, True, sign, t0, time_limit, mip_gap)
        h = _LP_HIGHS.take()  # an interrupted or failed solve does not give it back
        if _pass_model(h, problem, sign) == highspy.HighsStatus.kError:
            return _error("passModel() returned kError", t0)
        result = _run(h, False, sign, t0, time_limit, mip_gap)
        if result.status is Status.OPTIMAL:
            _LP_HIGHS.give_back(h)
        return result


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
        self._sign = -1.0 if problem.sense is Sense.MAXIMIZE else 1.0
        self._c = problem.c.copy()
        self._col_lower = problem.col_lower.copy()
        self._col_upper = problem.col_upper.copy()
        self._row_lower = problem.row_lower.copy()
        self._row_upper = problem.row_upper.copy()
        # typed Any: highspy 1.15's stubs lack changeRowsBounds, which the binary has
        self._highs: Any = _new_highs()
        if _pass_model(self._highs, problem, self._sign) == highspy.HighsStatus.kError:
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

    def solve(
        self, *, time_limit: float | None = None, mip_gap: float | None = None
    ) -> SolveResult:
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
            Same conventions as :meth:`HighsBackend.solve`.
        """
        return _run(
            self._highs, self._problem.is_mip, self._sign, time.perf_counter(), time_limit, mip_gap
        )

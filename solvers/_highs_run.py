"""One HiGHS solve: a :class:`LinearProblem` in, a :class:`SolveResult` out (private).

Every model is passed to HiGHS as a *minimisation*: a maximisation is sent as
``minimize -c @ x - offset`` and the objective, duals and reduced costs are negated on the
way back. HiGHS' minimisation duals are ``d objective / d rhs``, so after the negation
both senses follow the convention of :mod:`solvers.status` whatever HiGHS does with
``ObjSense.kMaximize`` in a given version. (Measured with highspy 1.15.1: with
``kMaximize`` it already reports duals in the maximisation sense, e.g. +2 for a binding
``<=`` row of ``max 3x + 2y``; the negation makes us independent of that.)
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

from solvers._common import DEFAULT_MIP_GAP, NO_POINT, check_options, clean
from solvers.problem import LinearProblem, Sense
from solvers.status import SolveResult, Status

if TYPE_CHECKING:
    import highspy

__all__ = [
    "HIGHS_STATUS_MAP",
    "SOLVER_NAME",
    "error_result",
    "highs_status",
    "minimisation_sign",
    "pass_model",
    "run_highs",
]

#: the ``solver`` of every result HiGHS gives, and the backend's registry name
SOLVER_NAME = "highs"

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


def minimisation_sign(problem: LinearProblem) -> float:
    """-1 for a maximisation, 1 for a minimisation: the factor that makes ``problem`` one to minimise."""
    return -1.0 if problem.sense is Sense.MAXIMIZE else 1.0


def pass_model(h: Any, problem: LinearProblem, sign: float) -> Any:
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


def error_result(termination: str, t0: float) -> SolveResult:
    """An ERROR result without values, timed from ``t0`` (``time.perf_counter``)."""
    return SolveResult(
        status=Status.ERROR,
        termination=termination,
        solver=SOLVER_NAME,
        x=None,
        objective=None,
        row_activity=None,
        row_duals=None,
        reduced_costs=None,
        solve_seconds=time.perf_counter() - t0,
    )


def run_highs(
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
            duals = clean(sol.row_dual, sign)
            reduced = clean(sol.col_dual, sign)
    return SolveResult(
        status=status,
        termination=termination,
        solver=SOLVER_NAME,
        x=x,
        objective=objective,
        row_activity=act,
        row_duals=duals,
        reduced_costs=reduced,
        solve_seconds=time.perf_counter() - t0,
    )

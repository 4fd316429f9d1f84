"""HiGHS backend (``highspy``), the default, and :class:`HighsSession` for sweeps.

``highspy`` is imported inside the functions that need it, so ``import solvers`` works
without it.

Every model is passed to HiGHS as a *minimisation* and the objective, duals and reduced
costs are negated back for a maximisation (:mod:`solvers._highs_run`, which also reads
HiGHS' statuses). Each instance is seeded and prints nothing, and per thread the one the
last optimal LP was solved in is kept for the next (:mod:`solvers._highs_instance`).
:class:`HighsSession` lives in :mod:`solvers.highs_session`.
"""

from __future__ import annotations

import time
from typing import ClassVar

from solvers._common import empty_result
from solvers._highs_instance import SpareHighs, new_highs
from solvers._highs_run import (
    HIGHS_STATUS_MAP,
    SOLVER_NAME,
    error_result,
    highs_status,
    minimisation_sign,
    pass_model,
    run_highs,
)
from solvers.highs_session import HighsSession
from solvers.problem import LinearProblem
from solvers.status import SolveResult, Status

__all__ = ["HIGHS_STATUS_MAP", "HighsBackend", "HighsSession", "highs_status"]

_LP_HIGHS = SpareHighs()


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

    name: ClassVar[str] = SOLVER_NAME
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

        sign = minimisation_sign(problem)
        if problem.is_mip:
            h = new_highs()
            if pass_model(h, problem, sign) == highspy.HighsStatus.kError:
                return error_result("passModel() returned kError", t0)
            return run_highs(h, True, sign, t0, time_limit, mip_gap)
        h = _LP_HIGHS.take()  # an interrupted or failed solve does not give it back
        if pass_model(h, problem, sign) == highspy.HighsStatus.kError:
            return error_result("passModel() returned kError", t0)
        result = run_highs(h, False, sign, t0, time_limit, mip_gap)
        if result.status is Status.OPTIMAL:
            _LP_HIGHS.give_back(h)
        return result

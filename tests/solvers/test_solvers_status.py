"""Status maps of both backends, SolveResult behaviour, time limits end to end."""

from __future__ import annotations

import highspy
import numpy as np
import pulp
import pytest

from solvers import ProblemBuilder, Sense, SolverError, SolveResult, Status, solve
from solvers.highs import HIGHS_STATUS_MAP, highs_status
from solvers.pulp_cbc import CBC_STATUS_MAP, cbc_status

SOLVERS = ["highs", "cbc"]


def test_highs_map_keys_are_real_highs_codes() -> None:
    members = set(highspy.HighsModelStatus.__members__)
    assert set(HIGHS_STATUS_MAP) <= members


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (highspy.HighsModelStatus.kOptimal, Status.OPTIMAL),
        (highspy.HighsModelStatus.kInfeasible, Status.INFEASIBLE),
        (highspy.HighsModelStatus.kUnbounded, Status.UNBOUNDED),
        (highspy.HighsModelStatus.kUnboundedOrInfeasible, Status.INFEASIBLE_OR_UNBOUNDED),
        (highspy.HighsModelStatus.kTimeLimit, Status.TIME_LIMIT),
        (highspy.HighsModelStatus.kIterationLimit, Status.ITERATION_LIMIT),
        (highspy.HighsModelStatus.kSolveError, Status.ERROR),
        (highspy.HighsModelStatus.kNotset, Status.UNKNOWN),
        (highspy.HighsModelStatus.kInterrupt, Status.UNKNOWN),
        (highspy.HighsModelStatus.kSolutionLimit, Status.UNKNOWN),
        ("kTimeLimit", Status.TIME_LIMIT),
        ("kSomeFutureCode", Status.UNKNOWN),
        (12345, Status.UNKNOWN),
    ],
)
def test_highs_status_map(code: object, status: Status) -> None:
    assert highs_status(code) is status


def test_only_highs_optimal_maps_to_optimal() -> None:
    for name, member in highspy.HighsModelStatus.__members__.items():
        assert (highs_status(member) is Status.OPTIMAL) == (name == "kOptimal")


def test_cbc_map_uses_pulps_codes() -> None:
    assert (pulp.LpStatusOptimal, pulp.LpSolutionOptimal) in CBC_STATUS_MAP
    assert CBC_STATUS_MAP[(pulp.LpStatusOptimal, pulp.LpSolutionOptimal)] is Status.OPTIMAL
    for lp_status, sol_status in CBC_STATUS_MAP:
        assert lp_status in pulp.LpStatus and sol_status in pulp.LpSolution


@pytest.mark.parametrize(
    ("lp_status", "sol_status", "time_limited", "status"),
    [
        (pulp.LpStatusOptimal, pulp.LpSolutionOptimal, True, Status.OPTIMAL),
        (pulp.LpStatusOptimal, pulp.LpSolutionOptimal, False, Status.OPTIMAL),
        # CBC "Stopped on time - objective value": PuLP says Optimal + Integer Feasible
        (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible, True, Status.TIME_LIMIT),
        (pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound, True, Status.TIME_LIMIT),
        # the same early stops without a time limit are not explained: UNKNOWN
        (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible, False, Status.UNKNOWN),
        (pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound, False, Status.UNKNOWN),
        (pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible, True, Status.INFEASIBLE),
        (pulp.LpStatusInfeasible, pulp.LpSolutionNoSolutionFound, True, Status.INFEASIBLE),
        (pulp.LpStatusUnbounded, pulp.LpSolutionUnbounded, True, Status.UNBOUNDED),
        (pulp.LpStatusUndefined, pulp.LpSolutionNoSolutionFound, True, Status.UNKNOWN),
        (pulp.LpStatusUndefined, pulp.LpSolutionOptimal, True, Status.UNKNOWN),
        (7, 9, True, Status.UNKNOWN),
    ],
)
def test_cbc_status_map(lp_status: int, sol_status: int, time_limited: bool, status: Status) -> None:
    assert cbc_status(lp_status, sol_status, time_limited=time_limited) is status


def _hard_knapsack() -> ProblemBuilder:
    # 300 binary items, 40 random knapsack rows: far too hard to prove in 0.2 s
    rng = np.random.default_rng(1)
    n, m = 300, 40
    weights = rng.integers(1000, 100000, (m, n)).astype(float)
    b = ProblemBuilder()
    x = b.add_variables("x", n, upper=1.0, integer=True, cost=rng.integers(1000, 100000, n))
    rows, cols = np.divmod(np.arange(m * n), n)
    b.add_constraints("w", rows, x[cols], weights.ravel(), -np.inf, weights.sum(axis=1) // 3)
    b.set_objective([], [], Sense.MAXIMIZE)
    return b


@pytest.mark.parametrize("solver", SOLVERS)
def test_time_limit_is_time_limit_not_optimal(solver: str) -> None:
    got = solve(_hard_knapsack().build(), solver, time_limit=0.2)
    assert got.status is Status.TIME_LIMIT, got.termination
    assert not got.ok
    assert (got.x is None) == (got.objective is None)
    assert got.row_duals is None
    with pytest.raises(SolverError, match="time_limit"):
        got.raise_for_status()


def test_solve_result_behaviour() -> None:
    x = np.array([1.0, 2.0])
    res = SolveResult(Status.OPTIMAL, "kOptimal", "highs", x, 3.0, None, None, None, 0.1)
    assert res.ok and res.raise_for_status() is res
    assert res.x is not None and not res.x.flags.writeable
    x[0] = 99.0  # the result holds its own copy
    assert res.x[0] == 1.0
    bad = SolveResult(Status("infeasible"), "kInfeasible", "highs", None, None, None, None, None, 0.1)
    assert bad.status is Status.INFEASIBLE and not bad.ok
    with pytest.raises(SolverError) as info:
        bad.raise_for_status()
    assert isinstance(info.value, RuntimeError)
    for word in ("highs", "infeasible", "kInfeasible"):
        assert word in str(info.value)


def test_status_values_are_lowercase_strings() -> None:
    for status in Status:
        assert status.value == status.name.lower()
        assert isinstance(status, str)

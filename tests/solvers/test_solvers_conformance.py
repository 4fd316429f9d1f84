"""Conformance suite: tiny problems with hand-computed optima, run on every backend.

In the style of cvxpy's ``solver_test_helpers``: each case builds a problem and states the
known optimum, primal point, row duals and reduced costs (worked out in the comments).
Duals follow :mod:`solvers.status`: ``d(optimal objective)/d(active bound)``, in the
problem's own sense. Every case is nondegenerate, so the duals are unique.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

from solvers import LinearProblem, ProblemBuilder, Sense, SolverError, Status, solve

PRIMAL_TOL = 1e-6
DUAL_TOL = 1e-6
OBJ_TOL = 1e-7

SOLVERS = ["highs", "cbc"]
INF = np.inf


@dataclass
class Expected:
    status: Status | dict[str, Status]
    objective: float | None = None
    x: list[float] = field(default_factory=list)
    row_duals: list[float] = field(default_factory=list)
    reduced_costs: list[float] = field(default_factory=list)

    def status_for(self, solver: str) -> Status:
        return self.status[solver] if isinstance(self.status, dict) else self.status


def _two_cols(upper_x: float = INF, **kw: float) -> tuple[ProblemBuilder, np.ndarray]:
    b = ProblemBuilder()
    return b, b.add_variables("v", 2, upper=[upper_x, INF], names=["x", "y"], **kw)


def max_le() -> tuple[LinearProblem, Expected]:
    # max 3x + 2y  s.t.  budget: x + y <= 4,  0 <= x <= 3,  y >= 0
    # x = 3 (at its bound), y = 1, objective 11.
    # budget +1 -> y = 2 -> +2            => dual(budget) = +2  (> 0: more budget helps)
    # x's upper bound +1 -> x = 4, y = 0 -> +1   => reduced cost x = +1, y basic => 0
    b, v = _two_cols(upper_x=3.0)
    b.add_constraints("budget", [0, 0], v, [1.0, 1.0], -INF, 4.0)
    b.set_objective(v, [3.0, 2.0], Sense.MAXIMIZE)
    return b.build(), Expected(Status.OPTIMAL, 11.0, [3.0, 1.0], [2.0], [1.0, 0.0])


def min_ge() -> tuple[LinearProblem, Expected]:
    # min 2x + 3y  s.t.  need: x + y >= 4,  0 <= x <= 3,  y >= 0
    # x = 3, y = 1, cost 9.  need +1 -> y = 2 -> +3          => dual(need) = +3
    # x's upper bound +1 -> x = 4, y = 0 -> cost 8 (-1)      => reduced cost x = -1
    b, v = _two_cols(upper_x=3.0)
    b.add_constraints("need", [0, 0], v, [1.0, 1.0], 4.0, INF)
    b.set_objective(v, [2.0, 3.0], Sense.MINIMIZE)
    return b.build(), Expected(Status.OPTIMAL, 9.0, [3.0, 1.0], [3.0], [-1.0, 0.0])


def equality_min() -> tuple[LinearProblem, Expected]:
    # min x + 2y  s.t.  total: x + y = 5,  cap: x <= 2 (a row),  x, y >= 0
    # x = 2, y = 3, cost 8.  total +1 -> y = 4 -> +2         => dual(total) = +2
    # cap +1 -> x = 3, y = 2 -> cost 7                        => dual(cap) = -1
    b, v = _two_cols()
    b.add_constraints("total", [0, 0], v, [1.0, 1.0], 5.0, 5.0)
    b.add_constraints("cap", [0], v[:1], [1.0], -INF, 2.0)
    b.set_objective(v, [1.0, 2.0], Sense.MINIMIZE)
    return b.build(), Expected(Status.OPTIMAL, 8.0, [2.0, 3.0], [2.0, -1.0], [0.0, 0.0])


def equality_max() -> tuple[LinearProblem, Expected]:
    # max x + y  s.t.  eq: x + 2y = 4,  0 <= x <= 2,  y >= 0
    # x = 2, y = 1, objective 3.  eq +1 -> y = 1.5 -> +0.5    => dual(eq) = +0.5
    # x's upper bound +1 -> x = 3, y = 0.5 -> 3.5             => reduced cost x = +0.5
    b, v = _two_cols(upper_x=2.0)
    b.add_constraints("eq", [0, 0], v, [1.0, 2.0], 4.0, 4.0)
    b.set_objective(v, [1.0, 1.0], Sense.MAXIMIZE)
    return b.build(), Expected(Status.OPTIMAL, 3.0, [2.0, 1.0], [0.5], [0.5, 0.0])


def ranged_upper_active() -> tuple[LinearProblem, Expected]:
    # max 2x + y  s.t.  cap: x + y <= 10,  rng: 1 <= x - y <= 2,  x, y >= 0
    # cap and the upper side of rng bind: x = 6, y = 4, objective 16.
    # duals u (cap), v (rng) solve u + v = 2, u - v = 1  =>  u = 1.5, v = +0.5
    # (rng upper +d -> x = 6 + d/2, y = 4 - d/2 -> +0.5 d)
    b, v = _two_cols()
    b.add_constraints("cap", [0, 0], v, [1.0, 1.0], -INF, 10.0)
    b.add_constraints("rng", [0, 0], v, [1.0, -1.0], 1.0, 2.0)
    b.set_objective(v, [2.0, 1.0], Sense.MAXIMIZE)
    return b.build(), Expected(Status.OPTIMAL, 16.0, [6.0, 4.0], [1.5, 0.5], [0.0, 0.0])


def ranged_lower_active() -> tuple[LinearProblem, Expected]:
    # min 2x + y  s.t.  need: x + y >= 10,  rng: 1 <= x - y <= 2,  x, y >= 0
    # need and the lower side of rng bind: x = 5.5, y = 4.5, cost 15.5.
    # duals u (need), v (rng) solve u + v = 2, u - v = 1  =>  u = 1.5, v = +0.5
    # (rng lower +d -> x = 5.5 + d/2, y = 4.5 - d/2 -> cost +0.5 d)
    b, v = _two_cols()
    b.add_constraints("need", [0, 0], v, [1.0, 1.0], 10.0, INF)
    b.add_constraints("rng", [0, 0], v, [1.0, -1.0], 1.0, 2.0)
    b.set_objective(v, [2.0, 1.0], Sense.MINIMIZE)
    return b.build(), Expected(Status.OPTIMAL, 15.5, [5.5, 4.5], [1.5, 0.5], [0.0, 0.0])


def free_column() -> tuple[LinearProblem, Expected]:
    # min w + 2x  s.t.  r1: w + x >= -3,  r2: w - x >= -5,  w free, x >= 0
    # w >= max(-3 - x, -5 + x), so x = 0, w = -3 (negative: the column really is free).
    # r1 +1 -> w = -2 -> +1 => dual(r1) = 1; r2 slack => 0.
    # x's lower bound +d -> w = -3 - d, cost -3 + d => reduced cost x = +1; w basic => 0
    b = ProblemBuilder()
    v = b.add_variables("v", 2, lower=[-INF, 0.0], names=["w", "x"])
    b.add_constraints("r", [0, 0, 1, 1], v[[0, 1, 0, 1]], [1.0, 1.0, 1.0, -1.0], [-3, -5], INF)
    b.set_objective(v, [1.0, 2.0], Sense.MINIMIZE)
    return b.build(), Expected(Status.OPTIMAL, -3.0, [-3.0, 0.0], [1.0, 0.0], [0.0, 1.0])


def column_bounds() -> tuple[LinearProblem, Expected]:
    # max 5a + 4b + 3c + d  s.t.  cap: a + b + c + d <= 10,
    #     0 <= a <= 4,  0 <= b <= 3,  0 <= c <= 8,  1 <= d <= 5
    # Fill by value: a = 4, b = 3, d = 1 (its lower bound), c = 2; objective 39.
    # cap +1 -> c + 1 => dual 3. Reduced costs: a 5 - 3 = 2, b 4 - 3 = 1 (upper bounds),
    # c basic 0, d 1 - 3 = -2 (raising d's lower bound displaces c).
    b = ProblemBuilder()
    v = b.add_variables("v", 4, lower=[0, 0, 0, 1], upper=[4, 3, 8, 5], cost=[5, 4, 3, 1])
    b.add_constraints("cap", np.zeros(4, dtype=int), v, np.ones(4), -INF, 10.0)
    b.set_objective([], [], Sense.MAXIMIZE)
    return b.build(), Expected(Status.OPTIMAL, 39.0, [4, 3, 2, 1], [3.0], [2.0, 1.0, 0.0, -2.0])


def empty_row() -> tuple[LinearProblem, Expected]:
    # max x  s.t.  cap: x <= 2,  blank: -1 <= (no entries) <= 1  (constrains 0: satisfied)
    # x = 2, objective 2, dual(cap) = 1, dual(blank) = 0, activity(blank) = 0.
    b = ProblemBuilder()
    x = b.add_variables("x", 1)
    b.add_constraints("cap", [0], x, [1.0], -INF, 2.0)
    b.add_constraints("blank", [], [], [], -1.0, 1.0, num_rows=1)
    b.set_objective(x, [1.0], Sense.MAXIMIZE)
    return b.build(), Expected(Status.OPTIMAL, 2.0, [2.0], [1.0, 0.0], [0.0])


def empty_row_infeasible() -> tuple[LinearProblem, Expected]:
    # blank: 1 <= (no entries) <= 2 cannot hold: 0 is not in [1, 2].
    b = ProblemBuilder()
    x = b.add_variables("x", 1, upper=5.0)
    b.add_constraints("blank", [], [], [], 1.0, 2.0, num_rows=1)
    b.set_objective(x, [1.0], Sense.MAXIMIZE)
    return b.build(), Expected(Status.INFEASIBLE)


def with_offset() -> tuple[LinearProblem, Expected]:
    # max 2x - 7  s.t.  cap: x <= 3  => x = 3, objective -1 (offset included), dual 2.
    b = ProblemBuilder()
    x = b.add_variables("x", 1)
    b.add_constraints("cap", [0], x, [1.0], -INF, 3.0)
    b.set_objective(x, [2.0], Sense.MAXIMIZE, offset=-7.0)
    return b.build(), Expected(Status.OPTIMAL, -1.0, [3.0], [2.0], [0.0])


def infeasible() -> tuple[LinearProblem, Expected]:
    # x + y <= -1 with x, y >= 0: no point. Both backends say so exactly (HiGHS
    # kInfeasible, CBC Infeasible/No Solution Exists), so INFEASIBLE is required.
    b, v = _two_cols()
    b.add_constraints("r", [0, 0], v, [1.0, 1.0], -INF, -1.0)
    b.set_objective(v, [1.0, 1.0], Sense.MINIMIZE)
    return b.build(), Expected(Status.INFEASIBLE)


def unbounded() -> tuple[LinearProblem, Expected]:
    # max x + y  s.t.  x - y <= 1: the ray (1, 1) is feasible and improving. Both
    # backends prove it for an LP (HiGHS kUnbounded, CBC Unbounded), so UNBOUNDED.
    b, v = _two_cols()
    b.add_constraints("r", [0, 0], v, [1.0, -1.0], -INF, 1.0)
    b.set_objective(v, [1.0, 1.0], Sense.MAXIMIZE)
    return b.build(), Expected(Status.UNBOUNDED)


def unbounded_mip() -> tuple[LinearProblem, Expected]:
    # As `unbounded` with x integer. HiGHS' MIP presolve reports
    # kUnboundedOrInfeasible, and CBC's "Unbounded" for a MIP only covers the LP
    # relaxation, so both are INFEASIBLE_OR_UNBOUNDED: the backends cannot tell here.
    b = ProblemBuilder()
    v = b.add_variables("v", 2, integer=[True, False])
    b.add_constraints("r", [0, 0], v, [1.0, -1.0], -INF, 1.0)
    b.set_objective(v, [1.0, 1.0], Sense.MAXIMIZE)
    return b.build(), Expected(Status.INFEASIBLE_OR_UNBOUNDED)


def free_row() -> tuple[LinearProblem, Expected]:
    # max x  s.t.  cap: x <= 2,  note: -inf <= x + y <= inf (free: never binds),
    #     y fixed at 0.5 with cost 0, appearing in no other row.
    # x = 2, y = 0.5, objective 2; dual(cap) = 1, dual(note) = 0; reduced costs 0
    # (y: c_y - A^T dual = 0). activity(note) = 2.5.
    b, v = _two_cols()
    b.add_constraints("cap", [0], v[:1], [1.0], -INF, 2.0)
    b.add_constraints("note", [0, 0], v, [1.0, 1.0], -INF, INF)
    b.set_objective(v[:1], [1.0], Sense.MAXIMIZE)
    problem = b.build()
    problem = problem.with_bounds(col_lower=[0.0, 0.5], col_upper=[INF, 0.5])
    return problem, Expected(Status.OPTIMAL, 2.0, [2.0, 0.5], [1.0, 0.0], [0.0, 0.0])


def knapsack() -> tuple[LinearProblem, Expected]:
    # max 10a + 13b + 7c + 8d,  3a + 4b + 2c + 3d <= 7,  binary.
    # Pairs that fit: a+b 23, b+d 21, b+c 20, a+d 18, a+c 17 (a+c+d weighs 8): best a+b = 23.
    # (The LP relaxation is 23.5: c, a, half of b.)  MIP => no duals.
    b = ProblemBuilder()
    v = b.add_variables("take", 4, upper=1.0, integer=True, cost=[10, 13, 7, 8])
    b.add_constraints("weight", np.zeros(4, dtype=int), v, [3, 4, 2, 3], -INF, 7.0)
    b.set_objective([], [], Sense.MAXIMIZE)
    return b.build(), Expected(Status.OPTIMAL, 23.0, [1, 1, 0, 0])


CASES: dict[str, Callable[[], tuple[LinearProblem, Expected]]] = {
    f.__name__: f
    for f in (
        max_le,
        min_ge,
        equality_min,
        equality_max,
        ranged_upper_active,
        ranged_lower_active,
        free_column,
        column_bounds,
        empty_row,
        empty_row_infeasible,
        free_row,
        with_offset,
        infeasible,
        unbounded,
        unbounded_mip,
        knapsack,
    )
}


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("case", list(CASES))
def test_case(case: str, solver: str) -> None:
    problem, want = CASES[case]()
    got = solve(problem, solver)
    assert got.solver == solver
    assert got.status is want.status_for(solver), got
    if want.objective is None:  # no optimum: nothing else is reported
        assert not got.ok
        assert got.x is None and got.objective is None and got.row_duals is None
        with pytest.raises(SolverError, match=solver):
            got.raise_for_status()
        return
    assert got.ok and got.raise_for_status() is got
    assert got.objective == pytest.approx(want.objective, abs=OBJ_TOL)
    assert got.x is not None and got.row_activity is not None
    np.testing.assert_allclose(got.x, want.x, atol=PRIMAL_TOL, rtol=0)
    # activity is A @ x and lies within the row bounds
    dense = np.zeros((problem.num_rows, problem.num_cols))
    cols = np.repeat(np.arange(problem.num_cols), np.diff(problem.a_start))
    dense[problem.a_index, cols] = problem.a_value
    np.testing.assert_allclose(got.row_activity, dense @ got.x, atol=PRIMAL_TOL, rtol=0)
    assert np.all(got.row_activity >= problem.row_lower - PRIMAL_TOL)
    assert np.all(got.row_activity <= problem.row_upper + PRIMAL_TOL)
    if problem.is_mip:
        assert got.row_duals is None and got.reduced_costs is None
        return
    assert got.row_duals is not None and got.reduced_costs is not None
    np.testing.assert_allclose(got.row_duals, want.row_duals, atol=DUAL_TOL, rtol=0)
    np.testing.assert_allclose(got.reduced_costs, want.reduced_costs, atol=DUAL_TOL, rtol=0)
    # the convention implies stationarity: c = A^T y + reduced costs, in both senses
    np.testing.assert_allclose(problem.c, dense.T @ got.row_duals + got.reduced_costs, atol=DUAL_TOL, rtol=0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_binding_budget_dual_is_positive_when_maximising(solver: str) -> None:
    problem, _ = max_le()
    got = solve(problem, solver)
    assert got.row_duals is not None and got.row_duals[0] > 0


@pytest.mark.parametrize("solver", SOLVERS)
def test_binding_requirement_dual_is_positive_when_minimising(solver: str) -> None:
    problem, _ = min_ge()
    got = solve(problem, solver)
    assert got.row_duals is not None and got.row_duals[0] > 0


@pytest.mark.parametrize("solver", SOLVERS)
def test_dual_predicts_change_of_optimum(solver: str) -> None:
    # finite-difference check of d objective / d rhs for every binding row of every LP case
    step = 1e-3
    for name, make in CASES.items():
        problem, want = make()
        if problem.is_mip or want.objective is None:
            continue
        base = solve(problem, solver)
        assert base.row_duals is not None and base.row_activity is not None
        for i in range(problem.num_rows):
            lo, up = problem.row_lower.copy(), problem.row_upper.copy()
            act = base.row_activity[i]
            if np.isclose(act, up[i]):
                up[i] += step
                if lo[i] == problem.row_upper[i]:
                    lo[i] += step
            elif np.isclose(act, lo[i]):
                lo[i] += step
            else:
                continue
            moved = solve(problem.with_bounds(row_lower=lo, row_upper=up), solver)
            assert moved.objective is not None and base.objective is not None
            slope = (moved.objective - base.objective) / step
            assert slope == pytest.approx(base.row_duals[i], abs=1e-6), (name, i)


@pytest.mark.parametrize("solver", SOLVERS)
def test_problem_without_columns(solver: str) -> None:
    b = ProblemBuilder()
    b.add_constraints("blank", [], [], [], -1.0, 1.0, num_rows=1)
    b.set_objective([], [], Sense.MAXIMIZE, offset=4.0)
    got = solve(b.build(), solver)
    assert got.status is Status.OPTIMAL and got.objective == 4.0
    b.add_constraints("bad", [], [], [], 1.0, 2.0, num_rows=1)
    assert solve(b.build(), solver).status is Status.INFEASIBLE


@pytest.mark.parametrize("solver", SOLVERS)
def test_mip_gap_option_accepted(solver: str) -> None:
    problem, _ = knapsack()
    got = solve(problem, solver, mip_gap=0.5)
    assert got.status is Status.OPTIMAL and got.objective is not None
    assert got.objective <= 23.0 + OBJ_TOL


@pytest.mark.parametrize("solver", SOLVERS)
def test_bad_options_rejected(solver: str) -> None:
    problem, _ = max_le()
    with pytest.raises(ValueError, match="time_limit"):
        solve(problem, solver, time_limit=-1.0)
    with pytest.raises(ValueError, match="mip_gap"):
        solve(problem, solver, mip_gap=float("nan"))


def test_large_values_precision() -> None:
    # max 2x + y + 3,  x + y <= 123456789.123,  y <= 1000.5  =>  x = 123456789.123, y = 0
    # The bundled CBC prints values with 8 significant digits (%15.8g): its x is only
    # good to ~1e-8 relative, but its objective comes from its own, longer objective line.
    b = ProblemBuilder()
    v = b.add_variables("v", 2)
    b.add_constraints("cap", [0, 0, 1], v[[0, 1, 1]], [1.0, 1.0, 1.0], -INF, [123456789.123, 1000.5])
    b.set_objective(v, [2.0, 1.0], Sense.MAXIMIZE, offset=3.0)
    problem = b.build()
    want = 2 * 123456789.123 + 3.0
    highs, cbc = solve(problem, "highs"), solve(problem, "cbc")
    assert highs.x is not None and cbc.x is not None
    assert highs.x[0] == pytest.approx(123456789.123, rel=1e-15)
    assert highs.objective == pytest.approx(want, rel=1e-15)
    assert cbc.objective == pytest.approx(want, rel=1e-12)
    assert cbc.x[0] == pytest.approx(123456789.123, rel=1e-7)

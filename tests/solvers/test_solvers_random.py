"""Random feasible bounded LPs: HiGHS and CBC agree, and both obey the dual convention."""

from __future__ import annotations

import numpy as np
import pytest

from solvers import LinearProblem, ProblemBuilder, Sense, SolveResult, Status, solve

REL_TOL = 1e-6
KKT_TOL = 1e-6


def random_lp(seed: int, n: int = 30, m: int = 20) -> LinearProblem:
    """A feasible (contains x0), bounded (box columns) LP with all kinds of rows."""
    rng = np.random.default_rng(seed)
    b = ProblemBuilder()
    lower = np.where(rng.random(n) < 0.2, -5.0, 0.0)
    upper = rng.uniform(1.0, 10.0, n)
    x = b.add_variables("x", n, lower=lower, upper=upper)
    x0 = rng.uniform(lower, upper)
    mask = rng.random((m, n)) < 0.3
    rows, cols = np.nonzero(mask)
    vals = np.round(rng.normal(size=rows.size), 3)
    act = np.bincount(rows, weights=vals * x0[cols], minlength=m)
    slack = rng.uniform(0.1, 2.0, m)
    kind = rng.integers(0, 4, m)  # 0: <=, 1: >=, 2: ranged, 3: equality
    lo = np.where((kind == 1) | (kind == 2), act - slack, -np.inf)
    up = np.where((kind == 0) | (kind == 2), act + slack, np.inf)
    lo = np.where(kind == 3, act, lo)
    up = np.where(kind == 3, act, up)
    b.add_constraints("r", rows, x[cols], vals, lo, up, num_rows=m)
    sense = Sense.MAXIMIZE if seed % 2 else Sense.MINIMIZE
    b.set_objective(x, np.round(rng.normal(size=n), 3), sense, offset=float(seed))
    return b.build()


def check_kkt(problem: LinearProblem, res: SolveResult) -> None:
    """Stationarity and complementary slackness with signs, in the problem's own sense."""
    assert res.x is not None and res.row_duals is not None and res.reduced_costs is not None
    assert res.row_activity is not None
    y, r, x, act = res.row_duals, res.reduced_costs, res.x, res.row_activity
    cols = np.repeat(np.arange(problem.num_cols), np.diff(problem.a_start))
    aty = np.bincount(cols, weights=problem.a_value * y[problem.a_index], minlength=x.size)
    np.testing.assert_allclose(problem.c, aty + r, atol=KKT_TOL)
    # a positive dual means raising the bound raises the objective: for a maximisation
    # that is the upper bound, for a minimisation the lower bound
    up_side = 1.0 if problem.sense is Sense.MAXIMIZE else -1.0
    for mult, value, lower, upper in (
        (y, act, problem.row_lower, problem.row_upper),
        (r, x, problem.col_lower, problem.col_upper),
    ):
        pushing_up = up_side * mult > KKT_TOL
        pushing_down = up_side * mult < -KKT_TOL
        np.testing.assert_allclose(value[pushing_up], upper[pushing_up], atol=1e-6)
        np.testing.assert_allclose(value[pushing_down], lower[pushing_down], atol=1e-6)


@pytest.mark.parametrize("seed", range(20))
def test_highs_and_cbc_agree(seed: int) -> None:
    problem = random_lp(seed)
    highs = solve(problem, "highs")
    cbc = solve(problem, "cbc")
    assert highs.status is Status.OPTIMAL and cbc.status is Status.OPTIMAL
    assert highs.objective is not None and cbc.objective is not None
    assert cbc.objective == pytest.approx(highs.objective, rel=REL_TOL, abs=REL_TOL)
    for res in (highs, cbc):
        check_kkt(problem, res)

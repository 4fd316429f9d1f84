"""HighsSession: in-place changes give the same optimum as a fresh solve."""

from __future__ import annotations

import numpy as np
import pytest

from solvers import HighsSession, ProblemBuilder, Sense, Status, solve

OBJ_TOL = 1e-7


def _max_le() -> tuple[ProblemBuilder, np.ndarray, np.ndarray]:
    # max 3x + 2y, budget: x + y <= 4, 0 <= x <= 3: optimum 11 at (3, 1)
    b = ProblemBuilder()
    v = b.add_variables("v", 2, upper=[3.0, np.inf])
    rows = b.add_constraints("budget", [0, 0], v, [1.0, 1.0], -np.inf, 4.0)
    b.set_objective(v, [3.0, 2.0], Sense.MAXIMIZE)
    return b, v, rows


def test_row_bound_change_matches_fresh_solve() -> None:
    b, _, rows = _max_le()
    problem = b.build()
    session = HighsSession(problem)
    first = session.solve()
    assert first.status is Status.OPTIMAL and first.objective == pytest.approx(11.0, abs=OBJ_TOL)
    # budget 4 -> 5: y = 2, optimum 3*3 + 2*2 = 13
    session.change_row_bounds(rows, -np.inf, 5.0)
    again = session.solve()
    assert again.objective == pytest.approx(13.0, abs=OBJ_TOL)
    fresh = solve(problem.with_bounds(row_upper=[5.0]))
    assert fresh.objective == pytest.approx(again.objective, abs=OBJ_TOL)
    assert again.x is not None and fresh.x is not None
    np.testing.assert_allclose(again.x, fresh.x, atol=1e-9)
    assert again.row_duals is not None and again.row_duals[0] == pytest.approx(2.0)
    assert session.problem.row_upper[0] == 5.0
    assert problem.row_upper[0] == 4.0  # the original is untouched


def test_budget_sweep_matches_fresh_solves() -> None:
    b, _, rows = _max_le()
    problem = b.build()
    session = HighsSession(problem)
    for budget in np.linspace(0.0, 10.0, 11):
        session.change_row_bounds(rows, [-np.inf], [budget])
        got = session.solve()
        want = solve(problem.with_bounds(row_upper=[budget]))
        # closed form: x = min(budget, 3), y = budget - x
        x = min(budget, 3.0)
        assert got.objective == pytest.approx(3 * x + 2 * (budget - x), abs=OBJ_TOL)
        assert want.objective == pytest.approx(got.objective, abs=OBJ_TOL)


def test_col_bounds_and_costs() -> None:
    b, v, _ = _max_le()
    problem = b.build()
    session = HighsSession(problem)
    session.change_col_bounds(v[:1], 0.0, 1.0)  # x <= 1: x = 1, y = 3, objective 9
    assert session.solve().objective == pytest.approx(9.0, abs=OBJ_TOL)
    session.change_costs(v, [1.0, 5.0])  # now y is better: y = 4, objective 20
    got = session.solve()
    assert got.objective == pytest.approx(20.0, abs=OBJ_TOL)
    fresh = solve(session.problem)
    assert fresh.objective == pytest.approx(20.0, abs=OBJ_TOL)
    assert got.row_duals is not None and got.row_duals[0] == pytest.approx(5.0)
    assert got.reduced_costs is not None
    np.testing.assert_allclose(got.reduced_costs, [-4.0, 0.0], atol=1e-9)


def test_session_on_mip() -> None:
    # knapsack: max 10a + 13b + 7c + 8d, 3a + 4b + 2c + 3d <= cap, binary
    b = ProblemBuilder()
    v = b.add_variables("take", 4, upper=1.0, integer=True, cost=[10, 13, 7, 8])
    rows = b.add_constraints("w", np.zeros(4, dtype=int), v, [3, 4, 2, 3], -np.inf, 7.0)
    b.set_objective([], [], Sense.MAXIMIZE)
    session = HighsSession(b.build())
    assert session.solve().objective == pytest.approx(23.0)
    session.change_row_bounds(rows, -np.inf, 5.0)  # a + c (w 5) = 17 beats b (13)
    got = session.solve()
    assert got.objective == pytest.approx(17.0) and got.row_duals is None


def test_bad_indices_rejected() -> None:
    b, _, _ = _max_le()
    session = HighsSession(b.build())
    with pytest.raises(IndexError):
        session.change_row_bounds([3], 0.0, 1.0)
    with pytest.raises(ValueError):
        session.change_col_bounds([0, 1], [0.0, 0.0, 0.0], 1.0)
    with pytest.raises(ValueError):
        session.change_costs([0], np.nan)

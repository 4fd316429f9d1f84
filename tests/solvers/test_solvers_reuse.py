"""LPs solved one after another in the thread's kept HiGHS: each answer is a new instance's, bit for bit."""

from __future__ import annotations

import threading

import highspy
import numpy as np

from solvers import LinearProblem, ProblemBuilder, SolveResult, Status, solve


def _lp(seed: int, budget: float = 10.0) -> LinearProblem:
    rng = np.random.default_rng(seed)
    n = 30
    b = ProblemBuilder()
    x = b.add_variables("x", n, 0.0, rng.uniform(0.5, 2.0, n))
    b.add_constraints("budget", np.zeros(n, int), x, rng.uniform(0.5, 1.5, n), -np.inf, budget)
    b.add_constraints("pairs", np.arange(n) // 2, x, np.ones(n), 0.2, 2.5)
    b.set_objective(x, rng.uniform(0.0, 3.0, n), "maximize")
    return b.build()


def _new_instance(problem: LinearProblem) -> tuple[np.ndarray, np.ndarray]:
    """``x`` and the row duals (maximisation's sign) from a new ``Highs``, as the library seeds it."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.passModel(
        problem.num_cols,
        problem.num_rows,
        problem.a_value.size,
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize),
        -problem.offset,
        -problem.c,
        problem.col_lower,
        problem.col_upper,
        problem.row_lower,
        problem.row_upper,
        problem.a_start.astype(np.int32),
        problem.a_index.astype(np.int32),
        problem.a_value,
        problem.integrality.astype(np.int32),
    )
    h.run()
    solution = h.getSolution()
    return np.array(solution.col_value) + 0.0, -np.array(solution.row_dual) + 0.0


def _same(result: SolveResult, problem: LinearProblem) -> bool:
    x, duals = _new_instance(problem)
    return np.array_equal(result.x, x) and np.array_equal(result.row_duals, duals)


def test_lps_in_turn_give_what_a_new_instance_gives() -> None:
    problems = [_lp(seed) for seed in range(12)]
    results = [solve(p) for p in problems]
    assert all(r.status is Status.OPTIMAL for r in results)
    assert all(_same(r, p) for r, p in zip(results, problems, strict=True))


def test_after_a_failed_lp_and_a_mip_the_answers_stay_the_same() -> None:
    assert solve(_lp(0)).status is Status.OPTIMAL
    assert solve(_lp(1, budget=-1.0)).status is Status.INFEASIBLE  # the pairs need money
    assert _same(solve(_lp(2)), _lp(2))
    b = ProblemBuilder()
    y = b.add_variables("y", 3, 0.0, 5.0, integer=True)
    b.add_constraints("cap", [0, 0, 0], y, [2.0, 3.0, 4.0], -np.inf, 11.0)
    b.set_objective(y, [3.0, 4.0, 5.0], "maximize")
    assert solve(b.build()).objective == 16.0  # y = (4, 1, 0)
    assert _same(solve(_lp(3)), _lp(3))


def test_threads_solving_at_once_get_the_same_answers() -> None:
    problems = [_lp(seed) for seed in range(6)]
    found: dict[int, list[SolveResult]] = {}

    def work(k: int) -> None:
        found[k] = [solve(p) for p in problems]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(_same(r, p) for k in found for r, p in zip(found[k], problems, strict=True))

"""What a run hands to the solver, and raw highspy on the same LPs (the benchmarks' anchor)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = ["captured_lps", "ladder_seconds", "raw_highspy_seconds"]


@contextmanager
def captured_lps() -> Iterator[list[Any]]:
    """Record every LinearProblem the model layer passes to ``solvers.solve``."""
    import portfolio.model.diagnose as diagnose
    import portfolio.model.reduced as reduced
    import portfolio.model.stages as stages

    seen: list[Any] = []
    real = stages.solve

    def spy(problem: Any, solver: str = "highs", **kw: Any) -> Any:
        seen.append(problem)
        return real(problem, solver=solver, **kw)

    modules = (stages, reduced, diagnose)
    for module in modules:
        module.solve = spy  # type: ignore[attr-defined]
    try:
        yield seen
    finally:
        for module in modules:
            module.solve = real  # type: ignore[attr-defined]


def raw_highspy_seconds(problems: list[Any]) -> float:
    """Seconds raw highspy needs for these LPs from their matrices (options as the library sets them)."""
    import highspy

    prepared = []
    for p in problems:
        sign = -1.0 if p.sense.value == "maximize" else 1.0
        prepared.append(
            (
                p.num_cols,
                p.num_rows,
                p.a_value.size,
                int(highspy.MatrixFormat.kColwise),
                int(highspy.ObjSense.kMinimize),
                sign * p.offset,
                np.ascontiguousarray(sign * p.c),
                np.array(p.col_lower),
                np.array(p.col_upper),
                np.array(p.row_lower),
                np.array(p.row_upper),
                p.a_start.astype(np.int32),
                p.a_index.astype(np.int32),
                np.array(p.a_value),
                p.integrality.astype(np.int32),
            )
        )
    total = 0.0
    for args in prepared:
        t0 = time.perf_counter()
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("random_seed", 0)
        h.passModel(*args)
        h.run()
        h.getSolution().col_value  # noqa: B018 (reading x is part of solving)
        total += time.perf_counter() - t0
    return total


@contextmanager
def ladder_seconds() -> Iterator[list[float]]:
    """Seconds spent in ``solve_ladder`` (every stage: LPs built and solved, closed forms, fixing)."""
    import portfolio.model.optimize as optimize
    import portfolio.model.plan as plan

    spent: list[float] = []
    real = plan.solve_ladder

    def timed(*args: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return real(*args, **kw)
        finally:
            spent.append(time.perf_counter() - t0)

    plan.solve_ladder = optimize.solve_ladder = timed  # type: ignore[assignment]
    try:
        yield spent
    finally:
        plan.solve_ladder = optimize.solve_ladder = real  # type: ignore[assignment]

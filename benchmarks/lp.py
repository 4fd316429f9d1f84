"""What a run hands to the solver, and raw highspy on the same LPs (the benchmarks' anchor)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = ["captured_lps", "ladder_seconds", "raw_highspy_seconds", "seconds_in"]


@contextmanager
def captured_lps() -> Iterator[list[Any]]:
    """Record every LinearProblem the model layer hands to ``solvers.solve``.

    The stage problems go through :func:`portfolio.model.reduced.solve_without_fixed`,
    which takes the fixed columns out and calls ``solvers.solve`` on what is left, or,
    for a fill step, are built without their fixed columns by
    :meth:`portfolio.model.stages.Stages.level`, which calls ``solvers.solve`` itself:
    that reduced problem is what the solver sees, so it is what is recorded (and re-solved
    by the anchor). The elastic LPs of :mod:`portfolio.model.elastic` (the diagnosis of an
    infeasible year) are recorded too.
    A problem left without columns never reaches HiGHS (``solvers`` answers it directly);
    it is recorded all the same and :func:`raw_highspy_seconds` skips it.
    """
    import portfolio.model.elastic as elastic
    import portfolio.model.reduced as reduced
    import portfolio.model.stages as stages

    seen: list[Any] = []
    modules = (reduced, stages, elastic)
    real = [module.solve for module in modules]

    def spy_of(solve: Any) -> Any:
        def spy(problem: Any, *args: Any, **kw: Any) -> Any:
            seen.append(problem)
            return solve(problem, *args, **kw)

        return spy

    for module, solve in zip(modules, real, strict=True):
        module.solve = spy_of(solve)  # type: ignore[attr-defined]
    try:
        yield seen
    finally:
        for module, solve in zip(modules, real, strict=True):
            module.solve = solve  # type: ignore[attr-defined]


def _quiet_first_highs() -> None:
    """Make one ``Highs`` with stdout/stderr closed: highspy 1.16 prints its banner once per
    process, from the constructor, before any option can be set."""
    import highspy

    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        highspy.Highs()
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, null):
            os.close(fd)


def raw_highspy_seconds(problems: list[Any], *, one_instance: bool = False) -> float:
    """Seconds raw highspy needs for these LPs from their matrices (options as the library sets them).

    Each LP: a new ``Highs`` (no output, ``random_seed`` 0, the process's thread count as
    the library leaves it), ``passModel`` from numpy arrays, ``run``, reading ``x``.
    Problems without columns are skipped (the library does not call HiGHS for them).
    ``one_instance``: one ``Highs`` for all of them, ``clearModel`` before each (as the
    library solves LPs since it keeps the thread's instance), instead of a new one each.
    """
    import highspy

    _quiet_first_highs()
    prepared = []
    for p in problems:
        if p.num_cols == 0:
            continue
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
    failed = 0
    kept = None
    for args in prepared:
        t0 = time.perf_counter()
        if kept is None:
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            h.setOptionValue("random_seed", 0)
            kept = h if one_instance else None
        else:
            h.clearModel()
        h.passModel(*args)
        status = h.run()
        h.getSolution().col_value  # noqa: B018 (reading x is part of solving)
        total += time.perf_counter() - t0
        failed += status == highspy.HighsStatus.kError
    if failed:  # a failing solve is fast: it would make the anchor meaningless
        raise RuntimeError(f"raw highspy failed on {failed} of {len(prepared)} LPs")
    return total


@contextmanager
def ladder_seconds() -> Iterator[list[float]]:
    """Seconds spent in ``solve_ladder`` (every stage: LPs built and solved, closed forms, fixing)."""
    import importlib

    # every run, one year or a plan, allocates its years through the horizon of portfolio.model.plan
    plan: Any = importlib.import_module("portfolio.model.plan")

    spent: list[float] = []
    with seconds_in(plan, "solve_ladder", spent):
        yield spent


@contextmanager
def seconds_in(module: Any, name: str, spent: list[float] | None = None) -> Iterator[list[float]]:
    """Seconds spent in each call of ``module.name`` (a function the module looks up at call time).

    ``spent``: a list to add them to (several functions timed together), else a new one.
    """
    spent = [] if spent is None else spent
    real = getattr(module, name)

    def timed(*args: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return real(*args, **kw)
        finally:
            spent.append(time.perf_counter() - t0)

    setattr(module, name, timed)
    try:
        yield spent
    finally:
        setattr(module, name, real)

"""Keeping a rule's optimum exactly: its optimal face as bounds and held rows.

The weighted rule maximises a utility and closest-to-plan minimises the change
from the plan; both optima are usually faces, and the ladder then picks one
point of the face by progressive filling. The face is kept without a tolerance,
by complementary slackness with the optimal dual ``y`` the solver returned:
a point is optimal exactly when it is feasible, every column whose reduced cost
is not zero sits at the bound it sits at, and every row whose dual is not zero
is held at its bound. Any optimal dual describes the same face, so the answer
does not depend on which one a solver returns.

In the tasks' terms that is only bounds and held rows:

* closest to plan: a deviation column ``pos_i`` with a reduced cost means
  ``x_i ≤ p_i``, ``neg_i`` means ``x_i ≥ p_i``;
* weighted: the utility's pieces of a task have strictly decreasing values, so at
  most one is free; the full pieces below it raise the floor, the empty ones
  above it lower the cap.
"""

from __future__ import annotations

import numpy as np

from solvers import LinearProblem, SolveResult

from ..tolerances import DUAL_SUPPORT, LEVEL_EXACT, RANK, kept_slack
from .options import SOURCES
from .stages import SEGMENTS, Kept, Stages, add_change, add_pieces, piece_values

__all__ = ["closest_face", "utility_face", "vertex_value"]


def _support(values: np.ndarray, scale: float) -> np.ndarray:
    return np.abs(values) > DUAL_SUPPORT * max(1.0, scale)


def _held(
    stages: Stages, problem: LinearProblem, result: SolveResult, scale: float
) -> tuple[np.ndarray, tuple[tuple[int, float], ...]]:
    """Envelopes and rows whose dual is not zero, with the bound each is held at."""
    inst = stages.inst
    assert result.row_duals is not None
    y = result.row_duals
    # which bound a row with a dual is held at: its upper when more room would
    # improve the objective (a positive dual when maximising, negative when minimising)
    maximise = problem.sense.value == "maximize"
    held = _support(y, scale)
    at_upper = (y > 0) == maximise
    envelope = problem.rows_of("envelope")
    held_envelope = held[envelope] & at_upper[envelope]
    families = [problem.rows_of(f) for f in dict.fromkeys(row.family for row in inst.rows)]
    rows = np.sort(np.concatenate(families)) if families else np.zeros(0, int)
    pins = tuple(
        (k, float(inst.rows[k].upper if at_upper[r] else inst.rows[k].lower))
        for k, r in enumerate(rows)  # inst.rows in order
        if held[r]
    )
    return held_envelope, pins


def _fix_columns(
    result: SolveResult, x: np.ndarray, tasks: np.ndarray, lower: np.ndarray, upper: np.ndarray, scale: float
) -> None:
    """Task columns with a reduced cost sit at their bound in every optimum: fix them there."""
    assert result.reduced_costs is not None and result.x is not None
    fixed = tasks[_support(result.reduced_costs[x[tasks]], scale) & (upper[tasks] > lower[tasks])]
    value = result.x[x[fixed]]
    at_upper = np.abs(value - upper[fixed]) < np.abs(value - lower[fixed])
    lower[fixed[at_upper]] = upper[fixed[at_upper]]
    upper[fixed[~at_upper]] = lower[fixed[~at_upper]]


def _spendable(stages: Stages, lower: np.ndarray, upper: np.ndarray, spend: np.ndarray) -> np.ndarray:
    """The most each envelope can spend under every rule, the sources in turn (recurrent first).

    One LP per source with a task: the most its tasks can receive with the envelopes,
    the rows and the sources before it spending what they can (so the answer does
    not depend on how a solver splits a row shared by two sources).
    """
    inst = stages.inst
    most = np.full(len(SOURCES), -np.inf)
    for s in range(len(SOURCES)):
        mine = np.flatnonzero(inst.source == s)
        if mine.size == 0 or spend[s] <= 0:
            most[s] = min(spend[s], 0.0) if mine.size == 0 else spend[s]
            continue
        b, x = stages.base(lower, upper, Kept(spend=most))
        b.set_objective(x[mine], np.ones(mine.size), "maximize")
        result = stages.run(b.build(), f"most spent, {SOURCES[s]}")
        most[s] = min(spend[s], float(result.objective or 0.0))
    return most


def closest_face(stages: Stages, lower: np.ndarray, upper: np.ndarray) -> tuple[Kept, float]:
    """The least total change from the plan, kept as bounds (in place) and held rows.

    Each envelope is spent as far as demand and the rows allow: an adopted budget
    is not handed back (:func:`_spendable`). Returns what later stages keep and the
    least change ``D*``.
    """
    inst = stages.inst
    room = np.bincount(inst.source, weights=upper, minlength=len(SOURCES))
    spend = np.minimum(inst.envelope, room)
    if inst.rows:  # an agency cap or an analyst row may keep money from being spent
        spend = _spendable(stages, lower, upper, spend)
    spend = spend - np.asarray([kept_slack(v, stages.precision) for v in spend])
    b, x = stages.base(lower, upper, Kept(spend=spend))
    dev = add_change(b, x, inst.planned)
    b.set_objective(dev, np.ones(dev.size), "minimize")
    problem = b.build()
    result = stages.run(problem, "least change from plan")
    assert result.reduced_costs is not None
    n = inst.n
    rc = result.reduced_costs
    below = _support(rc[dev[:n]], 1.0)  # pos_i held at 0: x_i ≤ p_i
    above = _support(rc[dev[n:]], 1.0)  # neg_i held at 0: x_i ≥ p_i
    upper[below] = np.maximum(lower[below], np.minimum(upper[below], inst.planned[below]))
    lower[above] = np.minimum(upper[above], np.maximum(lower[above], inst.planned[above]))
    _fix_columns(result, x, np.arange(n), lower, upper, 1.0)
    held_envelope, pins = _held(stages, problem, result, 1.0)
    spend = np.where(held_envelope, inst.envelope, spend)
    return Kept(spend=spend, pins=pins), float(result.objective or 0.0)


def utility_face(stages: Stages, lower: np.ndarray, upper: np.ndarray, free: np.ndarray, kept: Kept) -> Kept:
    """Maximise the concave utility of a tier's free tasks; keep its face.

    The tasks' bounds are narrowed in place to the pieces the optimum decides;
    the returned :class:`Kept` adds the rows the optimum holds.
    """
    inst = stages.inst
    anchor = lower[free].copy()
    width = (upper[free] - anchor) / SEGMENTS
    value = piece_values(inst.weight[free])
    b, x = stages.base(lower, upper, kept)
    pieces = add_pieces(b, x, free, anchor, width)
    b.set_objective(pieces, value, "maximize")
    problem = b.build()
    result = stages.run(problem, "utility")
    assert result.reduced_costs is not None and result.x is not None
    scale = float(value.max()) if value.size else 1.0
    decided = _support(result.reduced_costs[pieces], scale).reshape(free.size, SEGMENTS)
    level = result.x[pieces].reshape(free.size, SEGMENTS)
    full = decided & (level >= np.repeat(width, SEGMENTS).reshape(free.size, SEGMENTS) / 2)
    empty = decided & ~full
    lower[free] = anchor + width * full.sum(axis=1)
    upper[free] = np.maximum(lower[free], anchor + width * (SEGMENTS - empty.sum(axis=1)))
    _fix_columns(result, x, free, lower, upper, scale)
    held_envelope, pins = _held(stages, problem, result, scale)
    spend = kept.spend
    if held_envelope.any():
        base = np.full(len(SOURCES), -np.inf) if spend is None else spend
        spend = np.where(held_envelope, inst.envelope, base)
    return Kept(spend=spend, pins=tuple(dict((*kept.pins, *pins)).items()))


def vertex_value(
    problem: LinearProblem,
    result: SolveResult,
    column: int,
    precision: float,
    *,
    whole: tuple[int, int] | None = None,
) -> float | None:
    """One column's value at the optimum, recomputed exactly from what holds there.

    A backend that prints few digits (CBC: 8) reports a level a little off; the
    rows whose dual is not zero hold at their bound and the columns whose reduced
    cost is not zero sit at theirs, and solving those equations (least squares,
    exact for the consistent system of a vertex) gives the level to double
    precision. ``None`` when the system does not pin it within the backend's
    precision of the reported value (a degenerate optimum): the caller keeps that.

    ``whole``: the columns and rows of the whole stage problem when ``problem`` is
    that problem without its fixed columns (they are fixed here either way, so the
    value is the same); a stage is too large for the dense solve by its whole size.
    """
    if result.row_duals is None or result.reduced_costs is None or result.x is None:
        return None
    n, m = problem.num_cols, problem.num_rows
    if max(whole or (n, m)) > 2000:  # a dense solve; large stages keep the reported value
        return None
    y, rc, x = result.row_duals, result.reduced_costs, result.x
    maximise = problem.sense.value == "maximize"
    scale = max(1.0, float(np.abs(problem.c).max(initial=0.0)))
    held = np.flatnonzero(_support(y, scale))
    fixed = _support(rc, scale) | (problem.col_lower == problem.col_upper)
    value = np.where(
        np.abs(x - problem.col_lower) <= np.abs(x - problem.col_upper), problem.col_lower, problem.col_upper
    )
    value = np.where(fixed, value, x)
    free = np.flatnonzero(~fixed)
    if column not in free:
        return float(value[column])
    dense = np.zeros((m, n))
    dense[problem.a_index, np.repeat(np.arange(n), np.diff(problem.a_start))] = problem.a_value
    at_upper = (y[held] > 0) == maximise
    bound = np.where(at_upper, problem.row_upper[held], problem.row_lower[held])
    equal = problem.row_lower[held] == problem.row_upper[held]
    bound = np.where(equal, problem.row_lower[held], bound)
    if not np.all(np.isfinite(bound)) or not held.size:
        return None
    rhs = bound - dense[held][:, fixed] @ value[fixed]
    system = dense[held][:, free]
    solved, *_ = np.linalg.lstsq(system, rhs, rcond=None)
    k = int(np.searchsorted(free, column))
    # the equations pin the column when no direction they leave free moves it
    _, sing, vt = np.linalg.svd(system)
    rank = int((sing > RANK * max(1.0, float(sing.max(initial=0.0)))).sum())
    if np.abs(vt[rank:, k]).max(initial=0.0) > LEVEL_EXACT:
        return None
    exact = float(solved[k])
    residual = float(np.abs(system @ solved - rhs).max(initial=0.0))
    close = abs(exact - x[column]) <= 100.0 * precision * max(1.0, abs(x[column]))
    bound_size = max(1.0, float(np.abs(rhs).max(initial=0.0)))
    return exact if close and residual <= LEVEL_EXACT * bound_size else None

"""Progressive filling: the one mechanism every rule shares (``docs/model.md`` §4.1).

``FILL(S, b, w, T)`` raises a common level ``t`` for the tasks of ``S`` (each
task's floor is ``b_i + t w_i``, never above its cap ``c_i``) until a task
cannot follow; it keeps its floor and the level rises for the others. The
result is the leximin point of ``((x_i − b_i)/w_i)``: unique, whatever the
solver. Two strategies compute each step:

* closed form, when only the envelopes bind (:mod:`.fill`): one sort and
  cumulative sums per source;
* an LP ``max t`` (any backend), read only for ``t*`` (its objective) and for
  which coverage rows hold (the support of the dual). The amounts are computed
  here from the level, never read from the solver's columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..tolerances import AMOUNT, DUAL_SUPPORT, LEVEL, LEVEL_EXACT, rounding_margin, row_slack
from .faces import vertex_value
from .fill import fill_level, progressive_level
from .options import SOURCES
from .stages import Kept, Stages

__all__ = ["CLOSED_FORM_FROM", "FillResult", "progressive_fill"]

#: Fill steps with at least this many tasks use the closed form when only the
#: envelopes bind; smaller ones are solved as LPs. A speed setting only: both give
#: the same allocation (tests/test_fast_path.py flips it).
CLOSED_FORM_FROM = 1


@dataclass
class FillResult:
    """What one progressive filling reached.

    Attributes
    ----------
    stop
        Per task of ``S`` (in the order given): the level at which it stopped.
    level
        Per source: the highest level at which one of its tasks stopped.
    dual
        Per source: ``∂t/∂E``, where the source's envelope last stopped its tasks.
    """

    stop: np.ndarray
    level: dict[str, float] = field(default_factory=dict)
    dual: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Step:
    """The tasks one step of a fill raises: ``x_i ≥ min(b_i + t w_i, c_i)``."""

    idx: np.ndarray
    base: np.ndarray
    weight: np.ndarray
    cap: np.ndarray

    def floors(self, lower: np.ndarray, upper: np.ndarray, t: float) -> np.ndarray:
        """Every task's floor once this step's tasks are raised to level ``t``."""
        out = lower.copy()
        raised = np.minimum(self.base + t * self.weight, self.cap)
        out[self.idx] = np.minimum(np.maximum(lower[self.idx], raised), upper[self.idx])
        return out


def _project(
    stages: Stages, kept: Kept, lower: np.ndarray, upper: np.ndarray, step: _Step, t: float
) -> tuple[float, np.ndarray | None]:
    """Lower ``t`` until the floors it sets fit every ``≤`` side exactly (envelopes, rows).

    The solver's ``t*`` may exceed what the rows pay by its tolerance; amounts are
    computed from ``t``, so ``t`` is brought back onto the rows before use.

    Returns the level and, when it had to be lowered, which of the step's tasks the
    side that stopped it holds (a positive coefficient in it): those cannot rise
    further, the others may (the solver, which saw no side binding, cannot say so).
    """
    inst = stages.inst
    n_src = len(SOURCES)
    # the envelopes: one ``≤`` side per source, summed per source in one pass
    spend = stages.spendable
    pins = dict(kept.pins)
    sides: list[tuple[np.ndarray, float]] = []  # the agency and analyst rows
    for k, row in enumerate(inst.rows):
        high = pins.get(k, row.upper)
        if np.isfinite(high):
            sides.append((row.coef, high))

    # a side already over at the floors before this step is not this level's doing
    # (the sum of fixed amounts rounding by an ulp): only what the level adds counts
    spend = np.maximum(spend, np.bincount(inst.source, weights=lower, minlength=n_src))
    sides = [
        (coef, max(bound, float(np.where(coef > 0, coef * lower, coef * upper).sum())))
        for coef, bound in sides
    ]
    step_source = inst.source[step.idx]

    def over(level: float) -> tuple[float, float, np.ndarray | None]:
        """The worst excess over a ``≤`` side at ``level``, its slope in ``t``, its tasks of the step.

        The tasks are None when no side is over.
        """
        floors = step.floors(lower, upper, level)
        idx, raised = step.idx, step.base + level * step.weight
        rising = (raised > lower[idx]) & (raised < np.minimum(step.cap, upper[idx]))
        worst, slope, members = 0.0, 0.0, None
        excess = np.bincount(inst.source, weights=floors, minlength=n_src) - spend
        if excess.max() > worst:
            s = int(np.argmax(excess))
            worst, members = float(excess[s]), step_source == s
            slope = float((step.weight * rising)[members].sum())
        for coef, bound in sides:
            least = float(np.where(coef > 0, coef * floors, coef * upper).sum())
            over_side = least - bound
            if over_side > worst:
                c = coef[idx]
                worst, members = over_side, c > 0
                slope = float((np.where(members, c, 0.0) * step.weight * rising).sum())
        return worst, slope, members

    held: np.ndarray | None = None  # the step's tasks in the last side found over
    for _ in range(4):
        excess, slope, side = over(t)
        if excess <= 0:
            return t, held
        held = side
        if slope <= 0:
            break
        t = max(0.0, t - excess / slope)
    lo, hi = 0.0, t  # rounding at a kink: bisect
    excess, _, side = over(hi)
    if excess <= 0:
        return hi, held
    held = side
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        excess, _, side = over(mid)
        if excess <= 0:
            lo = mid
        else:
            hi, held = mid, side
    return lo, held


def _forcing(stages: Stages, kept: Kept, lower: np.ndarray, upper: np.ndarray) -> bool:
    """Whether a row still forces money onto tasks (a ``≥`` side its floors do not meet).

    Then a level a little too high, by a backend's precision, can leave the forced
    amount no room. A spending row (closest to plan) counts every task of its source,
    so a higher level of that source only helps it; but a row shared with another
    source (an agency cap) lets one source's level take the room another source's
    spending needs, so with rows a spending row its floors do not meet forces too.
    """
    inst = stages.inst
    if kept.spend is not None and inst.rows:
        spent = np.bincount(inst.source, weights=lower, minlength=len(SOURCES))
        if np.any(spent < kept.spend):
            return True
    pins = dict(kept.pins)
    for k, row in enumerate(inst.rows):
        needed = pins.get(k, row.lower)
        least = float(np.where(row.coef > 0, row.coef * lower, row.coef * upper).sum())
        if np.isfinite(needed) and least < needed:
            return True
    return False


def _completable(
    stages: Stages,
    kept: Kept,
    lower: np.ndarray,
    upper: np.ndarray,
    step: _Step,
    t: float,
    uncertainty: float,
) -> float:
    """The level, lowered by multiples of its uncertainty until the rules can be met.

    At most a few feasibility LPs, and only when a row forces money somewhere.
    """
    for k in range(8):
        level = t * (1.0 - uncertainty * (4.0**k - 1.0))
        if stages.feasible(step.floors(lower, upper, level), upper, kept):
            return level
    return level


def _closed_form(
    stages: Stages,
    lower: np.ndarray,
    idx: np.ndarray,
    base: np.ndarray,
    w: np.ndarray,
    cap: np.ndarray,
    level_cap: float,
) -> tuple[np.ndarray, dict[str, float]] | None:
    """Each task's level from its source's closed form; ``None`` if floors exceed a room."""
    inst = stages.inst
    t = np.zeros(idx.size)
    duals: dict[str, float] = {}
    rest = np.ones(inst.n, dtype=bool)
    rest[idx] = False
    for s in np.flatnonzero(np.bincount(inst.source[idx])):
        mine = inst.source[idx] == s
        others = rest & (inst.source == s)
        room = float(inst.envelope[s] - lower[others].sum() - base[mine].sum())
        margin = rounding_margin(inst.envelope[s], int(mine.sum() + others.sum()))
        lo = np.maximum(lower[idx[mine]] - base[mine], 0.0)
        hi = np.maximum(cap[mine] - base[mine], lo)
        if np.isinf(level_cap):  # equal awards: the whole progressive filling at once
            found = progressive_level(lo, hi, w[mine], room, margin)
        else:
            found = fill_level(lo, hi, w[mine], room, level_cap, margin)
        if found is None:
            return None
        t[mine], duals[SOURCES[int(s)]] = found
    return t, duals


def progressive_fill(
    stages: Stages,
    lower: np.ndarray,
    upper: np.ndarray,
    kept: Kept,
    tasks: np.ndarray,
    base: np.ndarray,
    weights: np.ndarray,
    cap: np.ndarray,
    level_cap: float,
    *,
    closed_form_from: int | None = None,
) -> FillResult:
    """Fill ``tasks`` progressively; raise their floors in ``lower`` in place.

    Parameters
    ----------
    stages
        Builds and solves the LPs of the instance.
    lower, upper
        Current bounds of every task (``lower`` is updated).
    kept
        Optima the rule keeps in every stage.
    tasks, base, weights, cap
        The tasks filled, with ``b``, ``w > 0`` and their caps ``c``.
    level_cap
        ``T`` (``inf`` for equal awards).
    closed_form_from
        Overrides :data:`CLOSED_FORM_FROM` (a speed setting).

    Returns
    -------
    FillResult
        The level at which each task stopped, and per source the level and ``∂t/∂E``.
    """
    if not tasks.size:  # nothing to raise: no level, no stop
        return FillResult(stop=np.zeros(0))
    inst = stages.inst
    threshold = CLOSED_FORM_FROM if closed_form_from is None else closed_form_from
    separable = not inst.rows and kept.empty
    tau = np.where(weights > 0, (cap - base) / np.where(weights > 0, weights, 1.0), 0.0)
    stop = np.full(tasks.size, np.nan)
    first = np.full(tasks.size, np.nan)  # the level of the first step, per task
    start = lower[tasks].copy()
    out = FillResult(stop=stop)
    live = np.arange(tasks.size)
    while live.size:
        # a source whose envelope the floors already spend lets none of its tasks rise:
        # they stop where they are (an LP would say so one task at a time, its dual
        # being degenerate at a level that cannot move)
        spent = np.bincount(inst.source, weights=lower, minlength=len(SOURCES))
        stuck = inst.envelope[inst.source[tasks[live]]] - spent[inst.source[tasks[live]]] <= AMOUNT
        if stuck.any():
            at = np.maximum(0.0, (lower[tasks[live]] - base[live]) / weights[live])
            first[live[stuck & np.isnan(first[live])]] = 0.0
            stop[live[stuck]] = np.minimum(at[stuck], tau[live][stuck])
            live = live[~stuck]
            continue
        idx, b, w, c = tasks[live], base[live], weights[live], cap[live]
        level_top = min(level_cap, float(tau[live].min()))
        if separable and live.size >= threshold:
            found = _closed_form(stages, lower, idx, b, w, c, level_cap)
            if found is None:
                raise AssertionError("the floors exceed an envelope after the feasibility check")
            levels, duals = found
            stages.solves += 1
            # a source's level below the top stopped all its tasks (its envelope binds);
            # at the top, the tasks at their own cap stop and the rest go on
            for s, dual in duals.items():
                mine = inst.source[idx] == SOURCES.index(s)
                if float(levels[mine].max()) < level_top * (1 - LEVEL):
                    out.dual[s] = dual
            done = (
                (levels < level_top * (1 - LEVEL)) | (tau[live] <= levels * (1 + LEVEL)) | np.isinf(level_cap)
            )
            done |= levels >= level_cap * (1 - LEVEL)
        else:
            level, duals, held, uncertainty = _fill_lp(stages, lower, upper, kept, idx, b, w, level_top)
            solver_level = level
            if _forcing(stages, kept, lower, upper):
                step = _Step(idx, b, w, c)
                level, stopped = _project(stages, kept, lower, upper, step, level)
                level = _completable(stages, kept, lower, upper, step, level, uncertainty)
            else:
                # the level is right to its uncertainty: lift it by that much and bring it
                # back onto the side that binds, so a binding envelope is spent exactly
                lifted = min(level_top, level * (1.0 + 4.0 * uncertainty))
                level, stopped = _project(stages, kept, lower, upper, _Step(idx, b, w, c), lifted)
            if stopped is not None and level < solver_level * (1 - LEVEL):
                # brought below the solver's level by a side it saw no reason to hold (its
                # tolerance let the level through): that side's tasks stop, the others go on
                held = held | stopped
            levels = np.full(live.size, level)
            at_top = level >= level_top * (1 - LEVEL)
            done = held | (tau[live] <= level * (1 + LEVEL)) | (at_top & (level_top >= level_cap))
            if not at_top:
                for s, dual in duals.items():
                    if np.any(held & (inst.source[idx] == SOURCES.index(s))):
                        out.dual[s] = dual
            if not done.any():  # nothing holds and the top is not reached: numerically stuck
                done[:] = True
        unset = np.isnan(first[live])
        first[live[unset]] = levels[unset]
        reach = np.where(tau[live] <= levels * (1 + LEVEL), c, b + levels * w)
        lower[idx] = np.minimum(np.maximum(lower[idx], reach), upper[idx])
        stop[live[done]] = np.minimum(levels[done], tau[live][done])
        live = live[~done]
    # a source's level: where its tasks that rose stopped (a task held at a floor of
    # its own does not set it); if none rose, where the first step stopped
    rose = lower[tasks] > start + AMOUNT
    for j in np.flatnonzero(np.bincount(inst.source[tasks])):
        mine = inst.source[tasks] == j
        out.level[SOURCES[int(j)]] = float(
            np.max(stop[mine & rose]) if (mine & rose).any() else np.max(first[mine])
        )
    return out


def _fill_lp(
    stages: Stages,
    lower: np.ndarray,
    upper: np.ndarray,
    kept: Kept,
    idx: np.ndarray,
    base: np.ndarray,
    w: np.ndarray,
    level_top: float,
) -> tuple[float, dict[str, float], np.ndarray, float]:
    """One LP step: ``max t`` with ``x_i ≥ b_i + t w_i``.

    Returns the level, the envelopes' duals, the held tasks and the level's relative uncertainty.
    """
    lp = stages.level(lower, upper, kept, idx, base, w, level_top)
    problem, result = lp.problem, lp.result
    exact = None
    if lp.level is not None:
        exact = vertex_value(problem, result, lp.level, stages.precision, whole=lp.whole)
    level = min(max(float(result.objective or 0.0) if exact is None else exact, 0.0), level_top)
    if result.row_duals is not None:
        # the room below the ``≥`` sides (envelopes kept spent, agency floors, analyst rows:
        # ``Stages.base``) is for the rounding of earlier amounts, not for the level to rise
        # into: take back what it bought, ``∂t/∂b_k = y_k`` for a side held at its bound
        low, y_sides = lp.side_lower, result.row_duals[: lp.side_lower.size]
        pulls = (y_sides < 0) & np.isfinite(low)
        bought = float((-y_sides[pulls] * row_slack(low[pulls], stages.precision)).sum())
        level = max(0.0, level - bought)
    # how far the level may be off: float rounding once recomputed exactly, else the backend's digits
    uncertainty = LEVEL_EXACT if exact is not None else stages.precision
    if level >= level_top * (1.0 - 4.0 * stages.precision):  # the top, as the backend's digits show it
        level = level_top
    duals: dict[str, float] = {}
    held = np.zeros(idx.size, dtype=bool)
    if result.row_duals is not None:
        y = result.row_duals
        held = -y[lp.coverage] * w > DUAL_SUPPORT
        envelope = problem.rows_of("envelope")
        duals = {s: max(0.0, float(y[r])) for s, r in zip(SOURCES, envelope, strict=True)}
    return level, duals, held, uncertainty

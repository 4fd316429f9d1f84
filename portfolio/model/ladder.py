"""The statutory ladder: tiers served in order, each rationed by the chosen rule.

For each tier ``k`` (1 = commitments first) and every funding source at once
(sources are separate envelopes, so the stages separate by source unless an
analyst row couples them):

1. *fill*: maximise the common level ``t_s`` of each source such that every
   rationed task gets ``x_i ≥ t_s · w_i`` (``w = d`` proportional; ``w = 1``
   equal awards, with tasks that reach their cap set aside and the level raised
   again; ``w = planned`` closest to plan), earlier tiers fixed, bounds, rows
   and envelopes respected;
2. *total*: with the level kept, maximise the tier's total;
3. the tier's allocations are fixed and the next tier starts.

The ``weighted`` rule replaces 1–2 by one concave, piecewise-linear utility per
tier. ``closest_to_plan`` first finds the least total absolute change from the
planned allocation and keeps it as a row in every stage.

A fill stage of many tasks that only the envelopes bind (no analyst rows, no
all-or-nothing starts, not closest-to-plan) is solved in closed form
(:mod:`.fill`): the simplex method needs a pivot per rationed task there. The
stage problems themselves are built in :mod:`.stages`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from solvers import ProblemBuilder

from .diagnose import diagnose
from .fill import CLOSED_FORM_FROM, fill_level, progressive_level
from .instance import Instance
from .options import SOURCES
from .stages import REL, StageModel, binding_rows, envelope_duals, rounding_margin

__all__ = ["LadderResult", "Stage", "diagnose", "solve_ladder"]


@dataclass(frozen=True)
class Stage:
    """What one stage of the ladder solved (kept for sensitivity and explanations)."""

    tier: int
    kind: str
    level: dict[str, float]
    objective: float
    envelope_dual: dict[str, float]
    binding: tuple[tuple[str, str], ...]


@dataclass
class LadderResult:
    """The allocation of one year and how it was reached."""

    x: np.ndarray
    levels: dict[tuple[str, int], float] = field(default_factory=dict)
    stages: list[Stage] = field(default_factory=list)
    closest_change: float | None = None
    solves: int = 0


def _closed_form(
    model: StageModel, active: np.ndarray, weights: np.ndarray, cap_level: float, srcs: np.ndarray
) -> tuple[np.ndarray, float, dict[str, float]] | None:
    """The fill stage's levels, objective and envelope duals without an LP (see :mod:`.fill`)."""
    inst = model.inst
    values = np.zeros(srcs.size)
    duals = dict.fromkeys(SOURCES, 0.0)
    rest = np.ones(inst.n, dtype=bool)
    rest[active] = False
    for k, src in enumerate(srcs):
        in_s = active[inst.source[active] == src]
        others = (inst.source == src) & rest
        room = float(inst.envelope[src] - model.lower[others].sum())
        margin = rounding_margin(inst.envelope[src], in_s.size + int(others.sum()))
        lower, upper, w = model.lower[in_s], model.upper[in_s], weights[in_s]
        if model.rule == "equal_awards":  # the whole progressive filling at once
            found = progressive_level(lower, upper, w, room, margin)
        else:
            found = fill_level(lower, upper, w, room, cap_level, margin)
        if found is None:
            return None
        values[k], duals[SOURCES[src]] = found
    return values, float(values.sum()), duals


def _fill_lp(
    model: StageModel, active: np.ndarray, weights: np.ndarray, cap_level: float, srcs: np.ndarray
) -> tuple[np.ndarray, float, dict[str, float], np.ndarray | None]:
    """The fill stage as an LP: levels, objective, envelope duals and coverage-row duals."""
    inst = model.inst
    model.refresh_closest()
    b, x = model.base()
    t = b.add_variables("level", srcs.size, 0.0, cap_level, names=[f"level {SOURCES[s]}" for s in srcs])
    tcol = t[np.searchsorted(srcs, inst.source[active])]
    local = np.arange(active.size)
    coverage = b.add_constraints(
        "coverage",
        np.concatenate([local, local]),
        np.concatenate([x[active], tcol]),
        np.concatenate([np.ones(active.size), -weights[active]]),
        0.0,
        np.inf,
    )
    b.set_objective(t, np.ones(srcs.size), "maximize")
    result = model.run(b.build())
    assert result.x is not None
    values = np.maximum(result.x[t], 0.0)
    coverage_duals = None if result.row_duals is None else result.row_duals[coverage]
    duals = envelope_duals(result, np.arange(len(SOURCES)))
    return values, float(result.objective or 0.0), duals, coverage_duals


def _within(lower: np.ndarray, weights: np.ndarray, level: float, room: float) -> float:
    """Lower ``level`` until the floors ``max(lower, level · weights)`` add up to at most ``room``."""
    for _ in range(3):
        floors = np.maximum(lower, level * weights)
        over = float(floors.sum()) - room
        binding = level * weights >= lower
        if over <= 0 or not binding.any():
            break
        level = max(0.0, level - over / float(weights[binding].sum()))
    return level


def _fill(model: StageModel, tier: int, weights: np.ndarray, cap_level: float, res: LadderResult) -> None:
    inst = model.inst
    members = np.flatnonzero(inst.tier == tier)
    active = members[
        (model.upper[members] > model.lower[members] + 1e-9) & (weights[members] > 0) & ~inst.binary[members]
    ]
    level = {SOURCES[s]: 1.0 for s in np.unique(inst.source[members])}
    solved: tuple[np.ndarray, float, dict[str, float], np.ndarray | None] | None = None
    duals: dict[str, float] = {}
    while active.size:
        srcs = np.unique(inst.source[active])
        quick = None
        if model.separable and model.utility is None and active.size >= CLOSED_FORM_FROM:
            quick = _closed_form(model, active, weights, cap_level, srcs)
            model.solves += quick is not None
        closed = quick is not None
        if quick is None:
            solved = _fill_lp(model, active, weights, cap_level, srcs)
        else:
            solved = (*quick, None)
        values = solved[0].copy()
        # project each level onto what its envelope can pay exactly: a solver's
        # level may exceed it by its tolerance (CBC reports ~8 digits); the
        # closed form's level already is
        rest = np.ones(inst.n, dtype=bool)
        rest[active] = False
        for k, src in enumerate(srcs if not closed else ()):
            in_s = active[inst.source[active] == src]
            others = (inst.source == src) & rest
            room = inst.envelope[src] - model.lower[others].sum()
            weight_sum = weights[in_s].sum()
            if weight_sum > 0:
                values[k] = max(0.0, min(values[k], room / weight_sum))
            margin = rounding_margin(inst.envelope[src], in_s.size + int(others.sum()))
            if margin > 0:  # large sums: keep the floors this level sets below the room (see fill_level)
                values[k] = _within(model.lower[in_s], weights[in_s], values[k], room - margin)
        for s, v in zip(srcs, values, strict=True):
            level[SOURCES[s]] = float(v)
            if SOURCES[s] in solved[2]:  # the marginal value where the source's level was last set
                duals[SOURCES[s]] = solved[2][SOURCES[s]]
        floor = values[np.searchsorted(srcs, inst.source[active])] * weights[active]
        blocked = model.upper[active] <= floor * (1 + REL) + 1e-6
        above = model.lower[active] > floor * (1 + 1e-9) + 1e-9  # a floor of its own above the level
        model.lower[active] = np.minimum(np.maximum(model.lower[active], floor), model.upper[active])
        if model.rule == "equal_awards" and blocked.any():
            model.lower[active[blocked]] = model.upper[active[blocked]]
            if closed:  # the closed form did the whole progressive filling
                break
            active = active[~blocked]
            continue
        # Progressive filling past a row that binds only some tasks (an agency cap,
        # an analyst row): the tasks whose coverage row has a dual are the ones
        # that row holds; they keep their floor and the level rises for the rest.
        if solved[3] is None:
            break
        done = values[np.searchsorted(srcs, inst.source[active])] >= cap_level - 1e-12
        spent = np.bincount(inst.source, weights=model.lower, minlength=len(SOURCES))
        exhausted = spent >= inst.envelope - 1e-7 * np.maximum(1.0, inst.envelope)
        held = (solved[3] < -1e-9) | done | above | blocked | exhausted[inst.source[active]]
        if held.all() or not (solved[3] < -1e-9).any():
            break
        active = active[~held]
    if solved is not None:
        res.stages.append(Stage(tier, "fill", dict(level), solved[1], duals, ()))
    for s, v in level.items():
        res.levels[(s, tier)] = v
    _total(model, tier, members, res)


def _solve_and_keep(
    model: StageModel,
    b: ProblemBuilder,
    x: np.ndarray,
    tier: int,
    kind: str,
    members: np.ndarray,
    res: LadderResult,
) -> None:
    """Solve a stage, record its duals and binding rows, and keep the tier's allocation."""
    problem = b.build()
    result = model.run(problem)
    assert result.x is not None
    duals = envelope_duals(result, np.arange(len(SOURCES)))
    binding = binding_rows(result, problem.row_names, problem.row_lower, problem.row_upper)
    res.stages.append(Stage(tier, kind, {}, float(result.objective or 0.0), duals, binding))
    model.fix(members, result.x[x[members]])


def _total(model: StageModel, tier: int, members: np.ndarray, res: LadderResult) -> None:
    model.refresh_closest()
    b, x = model.base()
    b.set_objective(x[members], np.ones(members.size), "maximize")
    _solve_and_keep(model, b, x, tier, "total", members, res)


def _weighted(model: StageModel, tier: int, res: LadderResult) -> None:
    """Concave utility first; among its optima, the tier shared in proportion to demand.

    With equal weights the utility alone leaves the split inside a quarter of
    demand to the solver; keeping the utility at its optimum and then rationing
    proportionally makes the answer unique (and the same on every backend).
    """
    inst = model.inst
    members = np.flatnonzero(inst.tier == tier)
    free = members[model.upper[members] > model.lower[members] + 1e-9]
    if not free.size:
        b, x = model.base()
        b.set_objective(x[members], np.ones(members.size), "maximize")
        _solve_and_keep(model, b, x, tier, "utility", members, res)
        return
    anchor = model.lower[free].copy()
    b, x = model.base()
    pieces = model.add_pieces(b, x, free, anchor)
    value = model.piece_values(free)
    b.set_objective(pieces, value, "maximize")
    problem = b.build()
    result = model.run(problem)
    best = float(result.objective or 0.0)
    duals = envelope_duals(result, np.arange(len(SOURCES)))
    res.stages.append(Stage(tier, "utility", {}, best, duals, ()))
    # keep the utility at its optimum; CBC reports about 8 digits, so it gets more room
    slack = (1e-9 if model.solver == "highs" else 1e-7) * max(1.0, abs(best))
    model.utility = (free, anchor, value, best - slack)
    try:
        _fill(model, tier, inst.demand, 1.0, res)
    finally:
        model.utility = None
    for s in np.unique(inst.source[members]):
        in_s = members[inst.source[members] == s]
        demand = inst.demand[in_s].sum()
        res.levels[(SOURCES[s], tier)] = float(model.last_x[in_s].sum() / demand) if demand > 0 else 1.0


def solve_ladder(inst: Instance, rule: str = "proportional", solver: str = "highs") -> LadderResult:
    """Allocate one year by the statutory ladder and the chosen rule.

    Parameters
    ----------
    inst
        The year's bounds, envelopes and rows.
    rule
        ``proportional``, ``equal_awards``, ``weighted`` or ``closest_to_plan``.
    solver
        Backend name of :mod:`solvers`.

    Returns
    -------
    LadderResult
        The allocation, the level reached in each (source, tier), and the stages.

    Raises
    ------
    InfeasibleError
        When commitments, locks, floors or analyst rows cannot fit an envelope.
    """
    model = StageModel(inst, rule, solver)
    res = LadderResult(x=np.zeros(inst.n))
    if rule == "closest_to_plan":
        model.refresh_closest()
        res.closest_change = model.closest
    tiers = sorted(int(t) for t in np.unique(inst.tier))
    weights = {
        "proportional": inst.demand,
        "equal_awards": np.ones(inst.n),
        "closest_to_plan": np.minimum(inst.planned, inst.upper),
    }
    for tier in tiers:
        members = np.flatnonzero(inst.tier == tier)
        if tier == 1 and rule != "closest_to_plan":
            # commitments: their floor is their demand; check they fit, keep them
            _total(model, tier, members, res)
            for s in np.unique(inst.source[members]):
                in_s = members[inst.source[members] == s]
                d = inst.demand[in_s].sum()
                res.levels[(SOURCES[s], tier)] = float(model.last_x[in_s].sum() / d) if d > 0 else 1.0
            continue
        if rule == "weighted":
            _weighted(model, tier, res)
        else:
            cap = np.inf if rule == "equal_awards" else 1.0
            _fill(model, tier, weights[rule], cap, res)
    res.x = model.last_x.copy()
    res.solves = model.solves
    return res

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
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from solvers import ProblemBuilder, SolveResult, Status, solve

from ..errors import InfeasibleError, SolveError
from ..money import format_vnd
from .instance import Instance
from .options import SOURCES

__all__ = ["LadderResult", "Stage", "solve_ladder"]

SEGMENTS = 4  # pieces of the weighted rule's concave utility
# Solvers report values to limited precision (CBC through PuLP: about 8
# significant digits); values within this relative distance of a bound snap to it.
_REL = 1e-7


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


class _Model:
    """Builds the stage problems of one instance; holds no solver state."""

    def __init__(self, inst: Instance, rule: str, solver: str) -> None:
        self.inst = inst
        self.rule = rule
        self.solver = solver
        self.lower = inst.lower.copy()
        self.upper = inst.upper.copy()
        self.closest: float | None = None
        self.solves = 0
        self.last_x: np.ndarray = inst.lower.copy()

    def base(self) -> tuple[ProblemBuilder, np.ndarray]:
        inst = self.inst
        b = ProblemBuilder()
        x = b.add_variables("x", inst.n, self.lower, self.upper, names=list(inst.ids))
        spend = -np.inf
        if self.rule == "closest_to_plan":
            # money is not handed back: spend each envelope as far as demand allows
            room = np.bincount(inst.source, weights=inst.upper, minlength=len(SOURCES))
            spend = np.minimum(inst.envelope, room) * (1 - 1e-7)
        b.add_constraints(
            "envelope",
            inst.source,
            x,
            np.ones(inst.n),
            spend,
            inst.envelope,
            names=[f"envelope {s}" for s in SOURCES],
            num_rows=len(SOURCES),
        )
        for k, row in enumerate(inst.rows):
            nz = np.flatnonzero(row.coef)
            b.add_constraints(
                row.family,
                np.zeros(nz.size, int),
                x[nz],
                row.coef[nz],
                row.lower,
                row.upper,
                names=[f"{row.family} {k}: {row.name}"],
                num_rows=1,
            )
        if inst.binary.any():
            idx = np.flatnonzero(inst.binary & (self.upper > self.lower))
            if idx.size:
                z = b.add_variables(
                    "start",
                    idx.size,
                    0,
                    1,
                    integer=True,
                    names=[f"start {inst.ids[i]}" for i in idx],
                )
                local = np.arange(idx.size)
                b.add_constraints(
                    "all_or_nothing",
                    np.concatenate([local, local]),
                    np.concatenate([x[idx], z]),
                    np.concatenate([np.ones(idx.size), -self.upper[idx]]),
                    0.0,
                    0.0,
                    names=[f"all_or_nothing {inst.ids[i]}" for i in idx],
                )
        if self.closest is not None:
            self._change(b, x, bound=self.closest * (1 + 1e-7) + 1e-3)
        return b, x

    def _change(self, b: ProblemBuilder, x: np.ndarray, bound: float | None) -> np.ndarray:
        """Deviation columns ``x − planned = pos − neg``; with ``bound``, ``Σ(pos+neg) ≤ bound``."""
        n = self.inst.n
        dev = b.add_variables("change", 2 * n, 0.0, np.inf)
        local = np.arange(n)
        b.add_constraints(
            "plan_change",
            np.concatenate([local, local, local]),
            np.concatenate([x, dev[:n], dev[n:]]),
            np.concatenate([np.ones(n), -np.ones(n), np.ones(n)]),
            self.inst.planned,
            self.inst.planned,
            names=[f"plan_change {i}" for i in self.inst.ids],
        )
        if bound is not None:
            b.add_constraints(
                "closest_to_plan",
                np.zeros(2 * n, int),
                dev,
                np.ones(2 * n),
                -np.inf,
                bound,
                names=["closest_to_plan"],
                num_rows=1,
            )
        return dev

    def refresh_closest(self) -> None:
        """Least total change from the plan given what earlier stages fixed.

        Recomputed before every stage so that a stage never spends change that a
        later tier needs: each stage keeps the total change at its least value.
        """
        if self.rule != "closest_to_plan":
            return
        self.closest = None
        b, x = self.base()
        dev = self._change(b, x, bound=None)
        b.set_objective(dev, np.ones(dev.size), "minimize")
        result = self.run(b)
        self.closest = float(result.objective or 0.0)

    def run(self, b: ProblemBuilder) -> SolveResult:
        result = solve(b.build(), solver=self.solver)
        self.solves += 1
        if result.status in (Status.INFEASIBLE, Status.INFEASIBLE_OR_UNBOUNDED):
            raise diagnose(self.inst, self.solver)
        if not result.ok:
            raise SolveError(
                f"the {self.solver} solver stopped with status {result.status.value} "
                f"({result.termination}); no allocation was produced"
            )
        assert result.x is not None
        self.last_x = np.clip(result.x[: self.inst.n], self.inst.lower, self.inst.upper)
        return result

    def fix(self, idx: np.ndarray, values: np.ndarray) -> None:
        """Keep a stage's allocation for the later stages.

        Values within ``_REL`` of a bound snap to it (a task funded in full stays
        exactly at its demand), and a source whose fixed values overshoot its
        envelope by a solver's rounding is scaled back on its unsnapped tasks.
        """
        lo, hi = self.lower[idx], self.upper[idx]
        values = np.clip(values, lo, hi)
        near = _REL * np.maximum(1.0, np.abs(values))
        values = np.where(np.abs(values - lo) <= near, lo, values)
        values = np.where(np.abs(values - hi) <= near, hi, values)  # full funding wins
        self.lower[idx] = values
        self.upper[idx] = values
        inst = self.inst
        fixed = self.lower == self.upper
        for s in range(len(SOURCES)):
            members = fixed & (inst.source == s)
            overshoot = self.lower[members].sum() - inst.envelope[s]
            if overshoot <= 1e-9:
                continue
            movable = np.flatnonzero(members & (self.lower > inst.lower))
            room = self.lower[movable] - inst.lower[movable]
            if room.sum() <= overshoot:
                continue  # a real infeasibility: the next solve reports it
            cut = overshoot * room / room.sum()
            self.lower[movable] -= cut
            self.upper[movable] -= cut
        self.last_x = np.where(fixed, self.lower, self.last_x)


def _envelope_duals(result: SolveResult, rows: np.ndarray) -> dict[str, float]:
    if result.row_duals is None:
        return {}
    return {s: float(result.row_duals[r]) for s, r in zip(SOURCES, rows, strict=True)}


def _binding(
    result: SolveResult, problem_rows: tuple[str, ...], lo: np.ndarray, hi: np.ndarray
) -> tuple[tuple[str, str], ...]:
    if result.row_activity is None:
        return ()
    act = result.row_activity
    scale = np.maximum(1.0, np.abs(act))
    tight = (np.abs(act - hi) <= 1e-7 * scale) | (np.abs(act - lo) <= 1e-7 * scale)
    out = []
    for r in np.flatnonzero(tight & (np.isfinite(lo) | np.isfinite(hi)) & (lo != hi)):
        name = problem_rows[r]
        out.append((name.split(" ")[0], name))
    return tuple(out)


def _fill(model: _Model, tier: int, weights: np.ndarray, cap_level: float, res: LadderResult) -> None:
    inst = model.inst
    members = np.flatnonzero(inst.tier == tier)
    active = members[
        (model.upper[members] > model.lower[members] + 1e-9) & (weights[members] > 0) & ~inst.binary[members]
    ]
    level = {SOURCES[s]: 1.0 for s in np.unique(inst.source[members])}
    last: SolveResult | None = None
    env_rows = np.arange(len(SOURCES))
    while active.size:
        model.refresh_closest()
        b, x = model.base()
        srcs = np.unique(inst.source[active])
        t = b.add_variables("level", srcs.size, 0.0, cap_level, names=[f"level {SOURCES[s]}" for s in srcs])
        tcol = t[np.searchsorted(srcs, inst.source[active])]
        local = np.arange(active.size)
        b.add_constraints(
            "coverage",
            np.concatenate([local, local]),
            np.concatenate([x[active], tcol]),
            np.concatenate([np.ones(active.size), -weights[active]]),
            0.0,
            np.inf,
            names=[f"coverage {inst.ids[i]}" for i in active],
        )
        b.set_objective(t, np.ones(srcs.size), "maximize")
        problem = b.build()
        last = model.run(b)
        assert last.x is not None
        values = np.maximum(last.x[t], 0.0)
        # project each level onto what its envelope can pay exactly: a solver's
        # level may exceed it by its tolerance (CBC reports ~8 digits)
        for k, src in enumerate(srcs):
            in_s = active[inst.source[active] == src]
            others = np.setdiff1d(np.flatnonzero(inst.source == src), in_s)
            room = inst.envelope[src] - model.lower[others].sum()
            weight_sum = weights[in_s].sum()
            if weight_sum > 0:
                values[k] = max(0.0, min(values[k], room / weight_sum))
        for s, v in zip(srcs, values, strict=True):
            level[SOURCES[s]] = float(v)
        floor = values[np.searchsorted(srcs, inst.source[active])] * weights[active]
        blocked = model.upper[active] <= floor * (1 + _REL) + 1e-6
        model.lower[active] = np.minimum(np.maximum(model.lower[active], floor), model.upper[active])
        if model.rule != "equal_awards" or not blocked.any():
            break
        model.lower[active[blocked]] = model.upper[active[blocked]]
        active = active[~blocked]
        del problem
    if last is not None:
        res.stages.append(
            Stage(
                tier,
                "fill",
                dict(level),
                float(last.objective or 0.0),
                _envelope_duals(last, env_rows),
                (),
            )
        )
    for s, v in level.items():
        res.levels[(s, tier)] = v
    _total(model, tier, members, res)


def _total(model: _Model, tier: int, members: np.ndarray, res: LadderResult) -> None:
    model.refresh_closest()
    b, x = model.base()
    b.set_objective(x[members], np.ones(members.size), "maximize")
    problem = b.build()
    result = model.run(b)
    assert result.x is not None
    res.stages.append(
        Stage(
            tier,
            "total",
            {},
            float(result.objective or 0.0),
            _envelope_duals(result, np.arange(len(SOURCES))),
            _binding(result, problem.row_names, problem.row_lower, problem.row_upper),
        )
    )
    model.fix(members, result.x[x[members]])


def _weighted(model: _Model, tier: int, res: LadderResult) -> None:
    inst = model.inst
    members = np.flatnonzero(inst.tier == tier)
    free = members[model.upper[members] > model.lower[members] + 1e-9]
    b, x = model.base()
    if free.size:
        width = (model.upper[free] - model.lower[free]) / SEGMENTS
        seg = b.add_variables("segment", free.size * SEGMENTS, 0.0, np.repeat(width, SEGMENTS))
        slopes = np.tile((SEGMENTS - np.arange(SEGMENTS)) / SEGMENTS, free.size)
        owner = np.repeat(np.arange(free.size), SEGMENTS)
        local = np.arange(free.size)
        b.add_constraints(
            "utility_pieces",
            np.concatenate([local, owner]),
            np.concatenate([x[free], seg]),
            np.concatenate([np.ones(free.size), -np.ones(seg.size)]),
            model.lower[free],
            model.lower[free],
            names=[f"utility_pieces {inst.ids[i]}" for i in free],
        )
        b.set_objective(seg, slopes * inst.weight[free][owner], "maximize")
    else:
        b.set_objective(x[members], np.ones(members.size), "maximize")
    problem = b.build()
    result = model.run(b)
    assert result.x is not None
    res.stages.append(
        Stage(
            tier,
            "utility",
            {},
            float(result.objective or 0.0),
            _envelope_duals(result, np.arange(len(SOURCES))),
            _binding(result, problem.row_names, problem.row_lower, problem.row_upper),
        )
    )
    model.fix(members, result.x[x[members]])
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
    model = _Model(inst, rule, solver)
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


def diagnose(inst: Instance, solver: str) -> InfeasibleError:
    """Explain an infeasible year: which envelope or row, what is needed, the shortfall.

    An elastic copy of the hard rules (each envelope and analyst row may be
    exceeded at a cost of one per million) finds the least excess; the rows
    that need it are the culprits.
    """
    n = inst.n
    b = ProblemBuilder()
    x = b.add_variables("x", n, inst.lower, inst.upper)
    names: list[str] = []
    slack_cols: list[np.ndarray] = []
    for s, source in enumerate(SOURCES):
        members = np.flatnonzero(inst.source == s)
        slack = b.add_variables("slack", 1, 0.0, np.inf, names=[f"excess {source}"])
        b.add_constraints(
            "envelope",
            np.zeros(members.size + 1, int),
            np.concatenate([x[members], slack]),
            np.concatenate([np.ones(members.size), [-1.0]]),
            -np.inf,
            inst.envelope[s],
            num_rows=1,
            names=[f"envelope {source}"],
        )
        names.append(f"envelope {source}")
        slack_cols.append(slack)
    for k, row in enumerate(inst.rows):
        nz = np.flatnonzero(row.coef)
        pair = b.add_variables("slack", 2, 0.0, np.inf, names=[f"below {k}", f"above {k}"])
        b.add_constraints(
            row.family,
            np.zeros(nz.size + 2, int),
            np.concatenate([x[nz], pair]),
            np.concatenate([row.coef[nz], [1.0, -1.0]]),
            row.lower,
            row.upper,
            num_rows=1,
            names=[f"{row.family} {k}"],
        )
        names.append(f"{row.family} {row.name!r}")
        slack_cols.append(pair)
    cols = np.concatenate(slack_cols)
    b.set_objective(cols, np.ones(cols.size), "minimize")
    result = solve(b.build(), solver=solver)
    if not result.ok or result.x is None:
        return InfeasibleError(
            f"the rules of {inst.year} cannot all be met (no diagnosis: {result.status.value})"
        )
    for name, col in zip(names, slack_cols, strict=True):
        excess = float(result.x[col].sum())
        if excess <= 1e-6:
            continue
        if name.startswith("envelope"):
            source = name.split(" ", 1)[1]
            s = SOURCES.index(source)
            members = inst.source == s
            commitments = float(inst.lower[members & (inst.tier == 1)].sum())
            others = float(inst.lower[members & (inst.tier != 1)].sum())
            available = float(inst.envelope[s])
            needed = available + excess
            detail = f"commitments need {format_vnd(commitments, 1)}"
            if others > 1e-6:
                detail += f" and other fixed floors (must-fund, locked, seed) {format_vnd(others, 1)}"
            if abs(commitments + others - needed) > 0.05:
                detail += f"; with the analyst rows {format_vnd(needed, 1)}"
            return InfeasibleError(
                f"{source} envelope {inst.year}: {detail} but the envelope is "
                f"{format_vnd(available, 1)}: short by {format_vnd(excess, 1)} million VND",
                envelope=f"{source} {inst.year}",
                needed=needed,
                available=available,
            )
        return InfeasibleError(
            f"{name} cannot be met in {inst.year} with the other rules: off by "
            f"{format_vnd(excess, 1)} million VND",
            envelope=name,
            needed=None,
            available=None,
        )
    return InfeasibleError(f"the rules of {inst.year} cannot all be met")

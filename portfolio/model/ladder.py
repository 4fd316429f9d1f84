"""The statutory ladder: tiers served in order, each rationed by the chosen rule.

For each tier ``k`` (1 = commitments first), every rule fills to demand, then
shares headroom, by :func:`.progressive.progressive_fill` (``docs/model.md``
§4.2); the weighted rule first keeps its utility's optimum, closest-to-plan
keeps the least total change from the plan. All-or-nothing new starts are
admitted after the fills in the priority order of new starts. Each rule
therefore gives one allocation, whatever the solver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solvers import get_backend

from ..tolerances import AMOUNT, FREE, kept_slack
from .diagnose import diagnose
from .faces import closest_face, utility_face
from .instance import Instance
from .options import SOURCES
from .progressive import FillResult, progressive_fill
from .stages import Kept, Stages

__all__ = ["LadderResult", "Stage", "natural_key", "solve_ladder", "start_order"]


@dataclass(frozen=True)
class Stage:
    """One fill of the ladder (kept for sensitivity and explanations).

    ``level`` and ``envelope_dual`` are per source: the level its tasks reached
    and ``∂ level / ∂ envelope`` where its envelope stopped them.
    """

    tier: int
    kind: str
    level: dict[str, float]
    envelope_dual: dict[str, float]


@dataclass
class LadderResult:
    """The allocation of one year and how it was reached."""

    x: np.ndarray
    levels: dict[tuple[str, int], float] = field(default_factory=dict)
    stages: list[Stage] = field(default_factory=list)
    closest_change: float | None = None
    solves: int = 0


def natural_key(task_id: str) -> tuple[str, int, str]:
    """Sort key of a task id in natural order (C2 before C10)."""
    match = re.fullmatch(r"([A-Za-z]*)(\d*)(.*)", task_id)
    assert match is not None
    letters, digits, rest = match.groups()
    return letters, int(digits) if digits else -1, rest


def start_order(inst: Instance, candidates: np.ndarray) -> np.ndarray:
    """The priority order of new starts: weight, then the planned amount, then the id.

    Higher weight first, then the larger amount the document planned (its own
    choice), then the id in natural order (C2 before C10).
    """
    keys = sorted(
        candidates.tolist(),
        key=lambda i: (-inst.weight[i], -inst.planned[i], natural_key(inst.ids[i])),
    )
    return np.asarray(keys, dtype=int)


class _Ladder:
    """The state of one ladder run: bounds fixed so far and the rule's kept optima."""

    def __init__(
        self,
        inst: Instance,
        rule: str,
        solver: str,
        closed_form_from: int | None,
        record: list[Any] | None = None,
    ) -> None:
        self.inst = inst
        self.rule = rule
        self.stages = Stages(inst, solver, get_backend(solver).precision, record)
        self.lower = inst.lower.copy()
        self.upper = inst.upper.copy()
        self.upper[inst.binary & (self.lower <= 0)] = 0.0  # all-or-nothing starts wait until admitted
        self.kept = Kept()
        self.closed_form_from = closed_form_from
        self.result = LadderResult(x=np.zeros(inst.n))

    @property
    def precision(self) -> float:
        return self.stages.precision

    def check_feasible(self) -> None:
        """The hard rules alone must fit (commitments, locks, floors, rows): else say which."""
        inst = self.inst
        if not inst.rows:
            spent = np.bincount(inst.source, weights=self.lower, minlength=len(SOURCES))
            if np.all(
                spent <= inst.envelope + kept_slack(0.0, self.precision) * np.maximum(1, inst.envelope)
            ):
                return
        elif self.stages.feasible(self.lower, self.upper, Kept()):
            return
        raise diagnose(inst, self.stages.solver)

    def fill(
        self, tasks: np.ndarray, base: np.ndarray, weights: np.ndarray, cap: np.ndarray, level_cap: float
    ) -> FillResult:
        keep = weights > 0
        return progressive_fill(
            self.stages,
            self.lower,
            self.upper,
            self.kept,
            tasks[keep],
            base[keep],
            weights[keep],
            cap[keep],
            level_cap,
            closed_form_from=self.closed_form_from,
        )

    def tier(self, tier: int) -> None:
        inst, lower, upper = self.inst, self.lower, self.upper
        members = np.flatnonzero(inst.tier == tier)
        free = members[(upper[members] > lower[members] + FREE) & ~inst.binary[members]]
        kept = self.kept
        self.stages.context = f"tier {tier}:"
        if self.rule == "weighted" and free.size:
            self.kept = utility_face(self.stages, lower, upper, free, kept)
        demand = inst.demand[free]
        cap = np.minimum(upper[free], np.maximum(lower[free], demand))
        if self.rule == "closest_to_plan":
            plan = np.minimum(inst.planned[free], cap)
            first = self.fill(free, np.zeros(free.size), plan, cap, 1.0)
            rest = lower[free] >= plan - AMOUNT  # at its plan (or above it by a floor), or planned at 0
            self.fill(free[rest], plan[rest], cap[rest] - plan[rest], cap[rest], 1.0)
        elif self.rule == "equal_awards":
            first = self.fill(free, np.zeros(free.size), np.ones(free.size), cap, np.inf)
        else:
            first = self.fill(free, np.zeros(free.size), demand, cap, 1.0)
        self.result.stages.append(Stage(tier, "fill", first.level, first.dual))
        # phase 2: money above demand shared in proportion to the headroom
        self.stages.context = f"tier {tier} above demand:"
        headroom = (upper[free] > cap + FREE) & (lower[free] >= cap - AMOUNT)
        top = free[headroom]
        # shared by the headroom the options give (u − d), up to the bound the rule's face allows
        self.fill(top, demand[headroom], inst.upper[top] - demand[headroom], upper[top], 1.0)
        self.admit(members)
        self.kept = kept  # a tier's utility face ends with the tier
        upper[members] = lower[members]
        for s in np.flatnonzero(np.bincount(inst.source[members])):
            mine = members[inst.source[members] == s]
            if self.rule in ("weighted",) or tier == 1 or not free.size or inst.not_started[mine].any():
                # no common level, or new tasks that do not start: the tier's coverage
                d = inst.demand[mine].sum()
                level = float(lower[mine].sum() / d) if d > 0 else 1.0
            else:
                level = first.level.get(SOURCES[int(s)], 1.0)
            self.result.levels[(SOURCES[int(s)], tier)] = level

    def admit(self, members: np.ndarray) -> None:
        """All-or-nothing starts of the tier, first fit in the priority order of new starts."""
        inst = self.inst
        waiting = members[inst.binary[members]]
        for i in start_order(inst, waiting):
            if self.inst.lower[i] > 0:  # a floor of its own: it must start
                self.lower[i] = self.upper[i] = inst.upper[i]
                continue
            self.lower[i] = self.upper[i] = inst.upper[i]
            if not self._fits(int(inst.source[i])):
                self.lower[i] = self.upper[i] = 0.0

    def _fits(self, source: int) -> bool:
        """Whether the floors still fit: the source's envelope (to the rounding of its sum), or an LP."""
        inst = self.inst
        if not inst.rows and self.kept.empty:
            spent = float(self.lower[inst.source == source].sum())
            return spent <= inst.envelope[source] + FREE * max(1.0, inst.envelope[source])
        return self.stages.feasible(self.lower, self.upper, self.kept)


def solve_ladder(
    inst: Instance,
    rule: str = "proportional",
    solver: str = "highs",
    *,
    closed_form_from: int | None = None,
    record: list[Any] | None = None,
) -> LadderResult:
    """Allocate one year by the statutory ladder and the chosen rule.

    Parameters
    ----------
    inst
        The year's bounds, envelopes and rows.
    rule
        ``proportional``, ``equal_awards``, ``weighted`` or ``closest_to_plan``.
    solver
        Backend name of :mod:`solvers`.
    closed_form_from
        Speed setting: the fill size from which the closed form is used.
    record
        If given, each stage problem solved is appended as ``(name, problem, result)``.

    Returns
    -------
    LadderResult
        The allocation, the level reached in each (source, tier), and the fills.

    Raises
    ------
    InfeasibleError
        When commitments, locks, floors or analyst rows cannot all be met.
    """
    ladder = _Ladder(inst, rule, solver, closed_form_from, record)
    ladder.check_feasible()
    if rule == "closest_to_plan":
        ladder.stages.context = "plan:"
        ladder.kept, ladder.result.closest_change = closest_face(ladder.stages, ladder.lower, ladder.upper)
    for tier in (int(t) for t in np.flatnonzero(np.bincount(inst.tier))):
        ladder.tier(tier)
    res = ladder.result
    res.x = ladder.lower.copy()
    res.solves = ladder.stages.solves
    return res

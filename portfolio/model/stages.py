"""The stage problems of the ladder: building them, solving them, keeping what they fixed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from solvers import LinearProblem, ProblemBuilder, SolveResult, Status, solve

from ..errors import SolveError
from .diagnose import diagnose
from .instance import Instance
from .options import SOURCES
from .reduced import solve_without_fixed

__all__ = ["REL", "StageModel", "binding_rows", "envelope_duals", "rounding_margin"]

# Solvers report values to limited precision (CBC through PuLP: about 8
# significant digits); values within this relative distance of a bound snap to it.
REL = 1e-7
_EPS = float(np.finfo(float).eps)


def rounding_margin(amount: float, terms: int) -> float:
    """Room to leave below a bound of ``amount`` for the rounding of a sum of ``terms`` amounts.

    A sum's rounding grows like ``sqrt(terms) · eps · |sum|``. While that stays
    below the solvers' absolute feasibility tolerance (1e-7) nothing is left (the
    appendix: about 1e-8); beyond it (10.000 tasks: envelopes of 10^7–10^8 million
    VND) the ladder keeps its sums 16 such roundings below the bound, so that a
    solver adding the same amounts in another order still finds them within it.
    """
    rounding = 16 * _EPS * abs(float(amount)) * float(np.sqrt(max(terms, 1)))
    return rounding if rounding >= 1e-7 else 0.0


SEGMENTS = 4  # pieces of the weighted rule's concave utility


class StageModel:
    """Builds the stage problems of one instance; holds no solver state."""

    def __init__(self, inst: Instance, rule: str, solver: str) -> None:
        self.inst = inst
        self.rule = rule
        self.solver = solver
        self.lower = inst.lower.copy()
        self.upper = inst.upper.copy()
        self.closest: float | None = None
        # weighted rule: (tasks, their lower bound when the utility was solved,
        # the value of each piece, the least utility to keep) once it is known
        self.utility: tuple[np.ndarray, np.ndarray, np.ndarray, float] | None = None
        self.solves = 0
        self.last_x: np.ndarray = inst.lower.copy()
        # only the envelopes tie the tasks together: a fill stage has a closed form
        self.separable = rule != "closest_to_plan" and not inst.rows and not inst.binary.any()

    def base(self) -> tuple[ProblemBuilder, np.ndarray]:
        """A problem with every task's column, the envelopes and the hard rows; the columns."""
        inst = self.inst
        b = ProblemBuilder()
        # per-task columns and rows keep the default names (x[i], coverage[i] ...):
        # they are formatted only if someone reads them (a file written for people)
        x = b.add_variables("x", inst.n, self.lower, self.upper)
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
                )
                local = np.arange(idx.size)
                b.add_constraints(
                    "all_or_nothing",
                    np.concatenate([local, local]),
                    np.concatenate([x[idx], z]),
                    np.concatenate([np.ones(idx.size), -self.upper[idx]]),
                    0.0,
                    0.0,
                )
        if self.closest is not None:
            self._change(b, x, bound=self.closest * (1 + 1e-7) + 1e-3)
        if self.utility is not None:
            free, anchor, value, least = self.utility
            pieces = self.add_pieces(b, x, free, anchor)
            b.add_constraints(
                "utility",
                np.zeros(pieces.size, int),
                pieces,
                value,
                least,
                np.inf,
                names=["utility"],
                num_rows=1,
            )
        return b, x

    def add_pieces(
        self, b: ProblemBuilder, x: np.ndarray, free: np.ndarray, anchor: np.ndarray
    ) -> np.ndarray:
        """The weighted rule's pieces: ``x_i = anchor_i + Σ_j y_ij``, ``0 ≤ y_ij ≤ (u_i − anchor_i)/J``."""
        width = (self.upper[free] - anchor) / SEGMENTS
        pieces = b.add_variables("segment", free.size * SEGMENTS, 0.0, np.repeat(width, SEGMENTS))
        owner = np.repeat(np.arange(free.size), SEGMENTS)
        local = np.arange(free.size)
        b.add_constraints(
            "utility_pieces",
            np.concatenate([local, owner]),
            np.concatenate([x[free], pieces]),
            np.concatenate([np.ones(free.size), -np.ones(pieces.size)]),
            anchor,
            anchor,
        )
        return pieces

    def piece_values(self, free: np.ndarray) -> np.ndarray:
        """Each piece's value ``w_i (J − j)/J``: every quarter of demand is worth less."""
        slopes = np.tile((SEGMENTS - np.arange(SEGMENTS)) / SEGMENTS, free.size)
        return slopes * np.repeat(self.inst.weight[free], SEGMENTS)

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
        result = self.run(b.build())
        self.closest = float(result.objective or 0.0)

    def run(self, problem: LinearProblem) -> SolveResult:
        """Solve a stage; an infeasible one is diagnosed, any other failure is a :class:`SolveError`."""
        result = solve(problem, solver=self.solver)
        if result.ok and result.x is None:
            # "optimal" without a feasible point: the rounding of sums over many
            # fixed columns exceeds the solver's tolerance; solve without them
            result, _ = solve_without_fixed(problem, self.solver)
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

        Values within ``REL`` of a bound snap to it (a task funded in full stays
        exactly at its demand), and a source whose fixed values overshoot its
        envelope by a solver's rounding is scaled back on its unsnapped tasks.
        """
        lo, hi = self.lower[idx], self.upper[idx]
        values = np.clip(values, lo, hi)
        near = REL * np.maximum(1.0, np.abs(values))
        values = np.where(np.abs(values - lo) <= near, lo, values)
        values = np.where(np.abs(values - hi) <= near, hi, values)  # full funding wins
        self.lower[idx] = values
        self.upper[idx] = values
        inst = self.inst
        fixed = self.lower == self.upper
        for s in range(len(SOURCES)):
            members = fixed & (inst.source == s)
            margin = rounding_margin(inst.envelope[s], int((inst.source == s).sum()))
            overshoot = self.lower[members].sum() - (inst.envelope[s] - margin)
            if overshoot <= (1e-9 if margin == 0 else 0.0):
                continue
            if margin > 0:
                # this stage spent the room kept for rounding: take it back from its own tasks
                # above their floors, so that no later tier finds crumbs of it
                mine = (inst.source[idx] == s) & (values > lo)
                above = values[mine] - lo[mine]
                take = min(overshoot, float(above.sum()))
                if take > 0:
                    self.lower[idx[mine]] -= take * above / above.sum()
                    self.upper[idx[mine]] = self.lower[idx[mine]]
                    overshoot -= take
                if overshoot <= margin / 2:  # what is left is the sums' own rounding
                    continue
            movable = np.flatnonzero(members & (self.lower > inst.lower))
            room = self.lower[movable] - inst.lower[movable]
            if room.sum() <= overshoot:
                continue  # a real infeasibility: the next solve reports it
            cut = overshoot * room / room.sum()
            self.lower[movable] -= cut
            self.upper[movable] -= cut
        self.last_x = np.where(fixed, self.lower, self.last_x)


def envelope_duals(result: SolveResult, rows: np.ndarray) -> dict[str, float]:
    """Source -> the dual of its envelope row (``∂ objective / ∂ envelope``)."""
    if result.row_duals is None:
        return {}
    return {s: float(result.row_duals[r]) for s, r in zip(SOURCES, rows, strict=True)}


def binding_rows(
    result: SolveResult, problem_rows: Sequence[str], lo: np.ndarray, hi: np.ndarray
) -> tuple[tuple[str, str], ...]:
    """(family, name) of the rows at one of their bounds."""
    if result.row_activity is None:
        return ()
    act = result.row_activity
    scale = np.maximum(1.0, np.abs(act))
    tight = (np.abs(act - hi) <= 1e-7 * scale) | (np.abs(act - lo) <= 1e-7 * scale)
    out = []
    for r in np.flatnonzero(tight & (np.isfinite(lo) | np.isfinite(hi)) & (lo != hi)):
        name = problem_rows[int(r)]
        out.append((name.split(" ")[0], name))
    return tuple(out)

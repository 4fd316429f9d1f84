"""The stage problems of the ladder, built from pure inputs, and their solution.

A stage problem has one column per task (bounds: what the ladder has fixed so
far and the options' bounds), the envelope of each source, the agency and
analyst rows, and the optima a rule keeps (:class:`Kept`). Nothing here holds
state between stages: the ladder passes the bounds in and reads the answer out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers import LinearProblem, ProblemBuilder, SolveResult, Status, solve

from ..errors import SolveError
from ..tolerances import rounding_margin, row_slack
from .diagnose import diagnose
from .instance import Instance
from .level_problem import level_problem
from .options import SOURCES
from .reduced import solve_without_fixed

__all__ = ["SEGMENTS", "Kept", "LevelStage", "Stages", "add_change", "add_pieces", "piece_values"]

SEGMENTS = 4  # pieces of the weighted rule's concave utility


@dataclass(frozen=True)
class Kept:
    """What a rule's earlier optimum asks of every later stage (``docs/model.md`` §4.2).

    An optimal face is kept exactly, as Gurobi keeps a hierarchical objective: the
    columns whose reduced cost is not zero become bounds (the ladder narrows the
    tasks' bounds), and the rows whose dual is not zero are held at their bound.

    Attributes
    ----------
    spend
        Least spending per source (closest to plan: an adopted envelope is not
        handed back; an envelope held at its bound spends all of it), or ``None``.
    pins
        ``(row number in inst.rows, value)``: analyst and agency rows held at a bound.
    """

    spend: np.ndarray | None = None
    pins: tuple[tuple[int, float], ...] = ()

    @property
    def empty(self) -> bool:
        """Whether nothing is kept (then only the envelopes and rows bind)."""
        return self.spend is None and not self.pins


def add_pieces(
    b: ProblemBuilder, x: np.ndarray, free: np.ndarray, anchor: np.ndarray, width: np.ndarray
) -> np.ndarray:
    """The weighted rule's pieces: ``x_i = anchor_i + Σ_j y_ij``, ``0 ≤ y_ij ≤ width_i``."""
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


def piece_values(weight: np.ndarray) -> np.ndarray:
    """Each piece's value ``ω_i (J − j)/J``: every quarter of demand is worth less."""
    slopes = np.tile((SEGMENTS - np.arange(SEGMENTS)) / SEGMENTS, weight.size)
    return slopes * np.repeat(weight, SEGMENTS)


def add_change(b: ProblemBuilder, x: np.ndarray, planned: np.ndarray) -> np.ndarray:
    """Deviation columns ``x − planned = pos − neg``; returns ``[pos, neg]``."""
    n = planned.size
    dev = b.add_variables("change", 2 * n, 0.0, np.inf)
    local = np.arange(n)
    b.add_constraints(
        "plan_change",
        np.concatenate([local, local, local]),
        np.concatenate([x, dev[:n], dev[n:]]),
        np.concatenate([np.ones(n), -np.ones(n), np.ones(n)]),
        planned,
        planned,
    )
    return dev


@dataclass(frozen=True, eq=False)
class LevelStage:
    """One fill step's LP as it was solved (:meth:`Stages.level`).

    Attributes
    ----------
    problem, result
        The problem the solver was given and its answer, in that problem's terms.
    level
        The level's column in ``problem``; ``None`` when it was fixed (a top of 0)
        and taken out.
    coverage
        The coverage rows in ``problem`` (one per task raised, in order).
    side_lower
        The ``≥`` sides of the envelope rows and ``inst.rows`` as the stage sets them.
    whole
        Columns and rows of the whole stage problem (every task a column).
    """

    problem: LinearProblem
    result: SolveResult
    level: int | None
    coverage: np.ndarray
    side_lower: np.ndarray
    whole: tuple[int, int]


def _coverage(
    b: ProblemBuilder, cols: np.ndarray, level: int, base: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """The rows ``x_i − w_i t ≥ b_i`` of the tasks' columns ``cols`` and the level's column."""
    local = np.arange(cols.size)
    return b.add_constraints(
        "coverage",
        np.concatenate([local, local]),
        np.concatenate([cols, np.full(cols.size, level)]),
        np.concatenate([np.ones(cols.size), -weight]),
        base,
        np.inf,
        num_rows=cols.size,
    )


class Stages:
    """Build and solve the stage problems of one instance on one backend.

    Parameters
    ----------
    inst
        The year's bounds, envelopes and rows.
    solver
        Backend name of :mod:`solvers`.
    precision
        The backend's declared relative precision.
    record
        If given, every stage problem solved by :meth:`run` is appended to it
        as ``(name, problem, result)`` (the name from :attr:`context` and the
        caller's ``what``); nothing else changes.

    Attributes
    ----------
    spendable
        Per source, what its tasks' amounts may sum to: the envelope less the room
        left for the rounding of a sum of that many amounts
        (:func:`~portfolio.tolerances.rounding_margin`).
    """

    def __init__(
        self, inst: Instance, solver: str, precision: float, record: list[Any] | None = None
    ) -> None:
        self.inst = inst
        self.solver = solver
        self.precision = precision
        # what each source's tasks may sum to: the envelope less the rounding of that many terms
        counts = np.bincount(inst.source, minlength=len(SOURCES))
        self.spendable = np.array(
            [float(e) - rounding_margin(e, int(c)) for e, c in zip(inst.envelope, counts, strict=True)]
        )
        self.solves = 0
        self.record = record
        self.context = ""  # where in the ladder the next stages are solved (for the record)

    def sides(self, kept: Kept, *, room: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """The bounds of every stage problem's envelope rows, then of ``inst.rows``, in that order."""
        inst = self.inst
        spend = np.full(len(SOURCES), -np.inf) if kept.spend is None else kept.spend
        low = [spend - row_slack(spend, self.precision) * room]
        high = [np.asarray(inst.envelope, dtype=float)]
        pins = dict(kept.pins)
        for k, row in enumerate(inst.rows):
            bottom, top = (pins[k], pins[k]) if k in pins else (row.lower, row.upper)
            low.append(np.array([bottom - row_slack(np.array([bottom]), self.precision)[0] * room]))
            high.append(np.array([top], dtype=float))
        return np.concatenate(low), np.concatenate(high)

    def base(
        self, lower: np.ndarray, upper: np.ndarray, kept: Kept, *, room: float = 1.0
    ) -> tuple[ProblemBuilder, np.ndarray]:
        """A problem with every task's column, the envelopes, the hard rows and the kept optima."""
        inst = self.inst
        b = ProblemBuilder()
        x = b.add_variables("x", inst.n, lower, np.maximum(lower, upper))
        low, high = self.sides(kept, room=room)
        n = len(SOURCES)
        b.add_constraints(
            "envelope",
            inst.source,
            x,
            np.ones(inst.n),
            low[:n],
            high[:n],
            names=[f"envelope {s}" for s in SOURCES],
            num_rows=n,
        )
        for k, row in enumerate(inst.rows):
            nz = np.flatnonzero(row.coef)
            b.add_constraints(
                row.family,
                np.zeros(nz.size, int),
                x[nz],
                row.coef[nz],
                low[n + k],
                high[n + k],
                names=[f"{row.family} {k}: {row.name}"],
                num_rows=1,
            )
        return b, x

    def run(self, problem: LinearProblem, what: str = "") -> SolveResult:
        """Solve a stage; an infeasible one is diagnosed, any other failure is a :class:`SolveError`."""
        result, _ = solve_without_fixed(problem, self.solver)
        self.solves += 1
        if self.record is not None:
            self.record.append((" ".join(w for w in (self.context, what) if w), problem, result))
        return self._checked(result)

    def _checked(self, result: SolveResult) -> SolveResult:
        if result.status in (Status.INFEASIBLE, Status.INFEASIBLE_OR_UNBOUNDED):
            raise diagnose(self.inst, self.solver)
        if not result.ok or result.x is None:
            raise SolveError(
                f"the {self.solver} solver stopped with status {result.status.value} "
                f"({result.termination}); no allocation was produced"
            )
        return result

    def level(
        self,
        lower: np.ndarray,
        upper: np.ndarray,
        kept: Kept,
        idx: np.ndarray,
        base: np.ndarray,
        weight: np.ndarray,
        level_top: float,
    ) -> LevelStage:
        """Solve one fill step, ``max t`` with ``x_i ≥ b_i + t w_i`` for the tasks ``idx``.

        Recorded, the whole stage problem is built and solved by :meth:`run`. Otherwise
        it is built without its fixed columns to begin with: the very problem
        :func:`.reduced.solve_without_fixed` makes of the whole one (the same arrays,
        bit for bit; ``tests/test_stages.py``), without first building the column of
        every task of the year. After the first tiers most tasks are fixed, and at
        10.000 tasks that build and its reduction cost more than the solver's own
        work on a small fill.
        """
        inst = self.inst
        sides = len(SOURCES) + len(inst.rows)
        whole = (inst.n + 1, sides + idx.size)
        low, high = self.sides(kept)
        if self.record is not None:
            b, x = self.base(lower, upper, kept)
            t = b.add_variables("level", 1, 0.0, level_top, names=["level"])
            coverage = _coverage(b, x[idx], int(t[0]), base, weight)
            b.set_objective(t, np.ones(1), "maximize")
            problem = b.build()
            return LevelStage(problem, self.run(problem, "level"), int(t[0]), coverage, low, whole)
        built = level_problem(inst, lower, upper, (low, high), idx, base, weight, level_top)
        problem = built.problem
        result = solve(problem, solver=self.solver)
        self.solves += 1
        return LevelStage(problem, self._checked(result), built.level, built.coverage, low, whole)

    def feasible(self, lower: np.ndarray, upper: np.ndarray, kept: Kept, *, strict: bool = False) -> bool:
        """Whether the rules can all be met within these bounds (an LP with no objective).

        ``strict``: with half the room below ``≥`` sides, so that a yes holds for the
        stage problems, which have all of it, whatever the backend's tolerance.
        """
        b, x = self.base(lower, upper, kept, room=0.5 if strict else 1.0)
        b.set_objective(x[:0], np.zeros(0), "minimize")
        result, _ = solve_without_fixed(b.build(), self.solver)
        self.solves += 1
        return bool(result.ok and result.x is not None)

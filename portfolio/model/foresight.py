"""Where the line of ``x(E)`` can end, as an allocation's own bounds tell (docs/model.md §5).

Within a range the marginal vector is constant, so one allocation and a rough slope
foresee where its line ends: a moving task meets its demand, cap or floor (in a
plan a later year's demand moves with what earlier years pay: ``d = R / m``); a
new start comes to fit whole in the money left idle in every year of its window
(there ``x`` jumps); going down, the idle money runs out. :mod:`.marginal` checks
each foreseen end by a run at it and half-way, and searches where it fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..tolerances import AMOUNT, RATE
from .options import SOURCES

if TYPE_CHECKING:
    from .allocation import Allocation

__all__ = ["Line", "Starts", "predicted_end", "starts_of"]


@dataclass(frozen=True)
class Line:
    """What the allocation at an envelope tells of where its line can end (docs/model.md §5).

    One entry per row of the allocation's table: ``own`` marks the rows of the
    envelope's year and source, whose bounds do not move with the envelope. Per
    (year, source) group: ``idle``, the money left unspent; ``starts``, the new starts
    that could come to fit in it.
    """

    x: np.ndarray
    lower: np.ndarray
    demand: np.ndarray
    upper: np.ndarray
    own: np.ndarray
    group: np.ndarray  # each row's (year, source): ``year index · len(SOURCES) + source``
    task: np.ndarray  # each row's task (a code) and year index, for what earlier years carry over
    year: np.ndarray
    share: np.ndarray  # ∂ demand / ∂ remaining need (1 / years left; 0 for leases and annual tasks)
    here: int  # the envelope's own group
    idle: np.ndarray  # the money each group leaves unspent
    starts: Starts
    exact: bool  # one year: a bound or a start that fits ends the line for sure


@dataclass(frozen=True)
class Starts:
    """The new starts more (or less) money could bring about: one row per task and start year.

    A new task not started may start in any year from its earliest, a started one in
    any year before its start (admission tries the earliest year first, docs/model.md
    §6). Each option needs its even-schedule demand in every year of its window inside
    the horizon: ``group`` names those (year, source) groups (−1 beyond the window),
    ``short`` what each year's need exceeds what the task receives there now, ``need``
    the demand per year (for the admission's tolerance).
    """

    group: np.ndarray
    short: np.ndarray
    need: np.ndarray

    def fit(self, idle: np.ndarray, rate: np.ndarray) -> float:
        """The first step (per million moved) at which an option's window fits in the idle money.

        ``idle`` and ``rate`` per group: the money left unspent and what it gains per
        million moved along the line. ``inf`` when none comes to fit; an option that
        fits already was refused for another reason and is not counted.
        """
        if not self.group.size:
            return np.inf
        inside = self.group >= 0
        g = np.where(inside, self.group, 0)
        tol = (AMOUNT * np.maximum(1.0, self.need))[:, None]
        deficit = np.where(inside, self.short - idle[g] - tol, -np.inf)  # > 0: short at the start
        r = rate[g]
        with np.errstate(divide="ignore", invalid="ignore"):
            grows = np.where(r > RATE, deficit / r, np.inf)  # when a short year comes to fit
            shrinks = np.where(r < -RATE, deficit / r, np.inf)  # when a year that fits stops fitting
        lower = np.where(deficit > 0, grows, 0.0).max(axis=1)
        upper = np.where(deficit > 0, np.inf, shrinks).min(axis=1)
        short = (deficit > 0).any(axis=1)
        at = np.where(short & (lower <= upper) & (lower > AMOUNT), lower, np.inf)
        return float(at.min())


def starts_of(allocation: Allocation, group: np.ndarray) -> Starts:
    """The options of :class:`Starts` for an allocation; ``group`` is each row's (year, source)."""
    from .plan import Horizon

    table, starts = allocation.table, allocation.starts
    allocated = table["allocated"].to_numpy(float)
    years = list(allocation.years)
    envelopes = {s: np.array([allocation.envelopes[(s, y)] for y in years]) for s in SOURCES}
    h = Horizon(allocation.tasks, allocation.options, envelopes)
    position = {task_id: k for k, task_id in enumerate(h.ids)}
    rows: list[tuple[list[int], list[float], float]] = []
    for task_id, record in starts.iterrows():
        if record["status"] not in ("not_started", "started"):
            continue  # deferred, or started by the scenario: not the admission's to move
        task = position[str(task_id)]
        need = h.per_year(task)
        began = h.last + 1 if record["status"] == "not_started" else int(record["start_year"])
        for start in range(int(h.earliest[task]), began):
            cells, short = [], []
            for year in range(start, min(h.end(task, start), h.last) + 1):
                row = int(table.index.get_loc((year, str(task_id))))  # type: ignore[arg-type]
                cells.append(int(group[row]))
                short.append(need - float(allocated[row]))
            rows.append((cells, short, need))
    width = max((len(cells) for cells, _, _ in rows), default=0)
    groups = np.full((len(rows), width), -1, dtype=int)
    shorts = np.zeros((len(rows), width))
    for i, (cells, short, _) in enumerate(rows):
        groups[i, : len(cells)], shorts[i, : len(cells)] = cells, short
    return Starts(groups, shorts, np.array([need for _, _, need in rows], dtype=float))


def predicted_end(line: Line, slope: np.ndarray, direction: float, reach: float) -> tuple[float, bool, bool]:
    """Where the line ``x + δ·slope`` (δ ≥ 0, per million moved) first breaks, as the bounds tell.

    The first moving task to meet its demand (from below, or under pacing from above),
    cap or floor; a waiting new start whose demand the idle money comes to fit (the
    vector jumps there); the idle money running out. Returns ``(δ, sure, jump)``:
    ``sure`` when the break is certain (a bound of the envelope's own year and
    source, or any break of a one-year run), ``jump`` when ``x`` jumps at ``δ``
    (the line holds only below it); ``δ = inf`` when nothing is foreseen.
    """
    x = line.x
    scale = np.maximum(1.0, np.abs(line.demand))
    # in a plan a later year's demand moves too: what earlier years pay is off its remaining need
    carried = np.zeros(len(x))
    paid = np.zeros(int(line.task.max(initial=-1)) + 1)
    for k in np.unique(line.year):
        mine = line.year == k
        carried[mine] = paid[line.task[mine]]
        np.add.at(paid, line.task[mine], slope[mine])
    moves = -carried * line.share
    # demand is a break either way: below it a task is rationed, above it (pacing) it shares headroom
    below = x < line.demand - AMOUNT * scale
    target = np.where(below, line.demand, line.upper)
    target_moves = np.where(below | (np.abs(line.upper - line.demand) <= AMOUNT * scale), moves, 0.0)
    floor = np.where(x > line.demand + AMOUNT * scale, line.demand, line.lower)
    floor_moves = np.where(x > line.demand + AMOUNT * scale, moves, 0.0)
    closing, opening = slope - target_moves, floor_moves - slope  # how fast the gap to each bound shrinks
    rising, falling = closing > RATE, opening > RATE
    ends = np.full(len(x), np.inf)
    ends[rising] = (target - x)[rising] / closing[rising]
    ends[falling] = (x - floor)[falling] / opening[falling]
    ends[ends <= AMOUNT] = np.inf  # at a bound already: its slope says it does not move on
    best = int(np.argmin(ends)) if len(ends) else 0
    end, sure, jump = np.inf, True, False
    if len(ends):
        end, sure = float(ends[best]), bool(line.own[best] or line.exact)
    # what the idle money of each year and source gains per million moved
    rate = -np.bincount(line.group, weights=slope, minlength=line.idle.size)
    rate[line.here] += direction
    fits = line.starts.fit(line.idle, rate)
    if fits < end:
        end, sure, jump = fits, line.exact, True
    idle, idle_rate = float(line.idle[line.here]), float(rate[line.here])
    if idle_rate < -RATE and idle > AMOUNT:  # going down: the idle money runs out
        runs_out = idle / -idle_rate
        if runs_out < end:
            end, sure, jump = runs_out, True, False
    return (end, sure, jump) if end < reach else (np.inf, True, False)

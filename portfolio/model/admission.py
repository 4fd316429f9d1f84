"""Which new tasks start, and when: maximal admission in a stated order (``docs/model.md`` §6).

A new start is admitted only if, with every start already admitted, the rolling
plan (:mod:`.plan`) funds each admitted start to its schedule through the horizon
(Luật Đầu tư công 2019 Đ51 k5: no new start without the money to complete it).
Candidates are considered one at a time in the priority order of new starts
(:func:`.ladder.start_order`: higher weight, then the larger amount the document
planned, then the id in natural order), each at the earliest year it can start;
a rejected candidate is considered again whenever a later admission changed the
plan, until a whole round admits nothing. The admitted set is therefore maximal:
no task left out could start in any year of the horizon without leaving itself
or an admitted start short. Nothing here depends on a batch size or a solver.

A single-year run is the horizon of one year: a new task starts only if its
whole demand of the year fits.

New tasks with a floor of their own (must-fund, a lock, a seed share) or named
with a positive coefficient in a row with a positive lower bound (an agency
floor, an analyst ``>=`` row, which may need them) are started by the
scenario, in the first year they may start, and rationed by the rule like any
task of their tier; deferred tasks and tasks locked at 0 (whose schedule can never
be paid) are not candidates, and their status is ``deferred``.

Two shortcuts give the same answer as the full test, without a solve, when
pacing is off (every amount is then capped by its demand). With no agency or
analyst row (money left idle then means every task of its source is at its
cap), a candidate whose even schedule fits in the money the plan leaves idle in
every year of its window is admitted: the plan changes by its schedule alone.
On the statutory ladder (new starts are the last tier, which holds only new
tasks, filled after every other tier), under a rule that fills tier by tier
(not closest-to-plan, whose least-change face spans the tiers), a candidate
whose demand exceeds the money idle in its start year is refused: that year's
new starts can all be paid in full only from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InfeasibleError
from ..tolerances import AMOUNT
from .instance import Instance, build_instance
from .ladder import start_order
from .options import SOURCES, Options
from .plan import Horizon, Pass
from .reasons import UpperReason

if TYPE_CHECKING:
    import pandas as pd

    from ..tasks import TaskList

__all__ = ["Admission", "Candidates", "admit", "candidates"]


@dataclass
class Admission:
    """The outcome of admission: the final pass and each new task's start or why it has none.

    ``starts`` maps task index -> start year (admitted or started by the scenario);
    ``by_scenario`` the starts the scenario forced; ``blocked`` a refused candidate ->
    ``(task, shortfall)`` of the last test at its earliest year (``task`` may be the
    candidate itself or an admitted start it would leave short).
    """

    horizon: Horizon
    final: Pass
    starts: dict[int, int]
    by_scenario: set[int]
    deferred: set[int]
    blocked: dict[int, tuple[int, float]] = field(default_factory=dict)
    solves: int = 0

    def table(self) -> pd.DataFrame:
        """One row per new task, indexed by id: its start, schedule and what it received.

        Columns: ``status`` (``started``, ``by_scenario``, ``not_started``, ``deferred``),
        ``start_year`` and ``end_year`` (``<NA>`` when not started), ``per_year`` (its
        even-schedule demand), ``schedule`` (what it must receive within the horizon),
        ``received``; for a task not started: ``short_year`` (the first year of its
        window whose idle money is less than ``per_year``, ``<NA>`` when every year has
        enough), ``left`` (that year's idle money of its source), ``blocks`` (the start
        it would leave short, itself or another) and ``shortfall``.
        """
        import pandas as pd

        h, run = self.horizon, self.final
        rows = []
        for position in np.flatnonzero(h.new):
            task = int(position)
            start = self.starts.get(task)
            record: dict[str, object] = {
                "id": h.ids[task],
                "status": self._status(task, start),
                "start_year": start,
                "end_year": None if start is None else h.end(task, start),
                "per_year": h.per_year(task),
                "schedule": h.schedule(task, int(start if start is not None else h.earliest[task])),
                "received": float(run.x[:, task].sum()),
                "short_year": None,
                "left": np.nan,
                "blocks": "",
                "shortfall": np.nan,
            }
            if start is None and task not in self.deferred:
                record.update(self._why_not(task))
            rows.append(record)
        frame = pd.DataFrame(rows, columns=_COLUMNS).set_index("id")
        for column in ("start_year", "end_year", "short_year"):
            frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
        return frame

    def _status(self, task: int, start: int | None) -> str:
        if task in self.by_scenario:
            return "by_scenario"
        if start is not None:
            return "started"
        return "deferred" if task in self.deferred else "not_started"

    def _why_not(self, task: int) -> dict[str, object]:
        h, run = self.horizon, self.final
        first = int(h.earliest[task])
        need = h.per_year(task)
        source = int(h.source[task])
        out: dict[str, object] = {}
        for year in range(first, min(h.end(task, first), h.last) + 1):
            left = float(run.idle[year - h.first, source])
            if left < need - AMOUNT * max(1.0, need):
                out.update(short_year=year, left=max(0.0, left))
                break
        if task in self.blocked:
            victim, shortfall = self.blocked[task]
            out.update(blocks=h.ids[victim], shortfall=shortfall)
        return out


_COLUMNS = [
    "id",
    "status",
    "start_year",
    "end_year",
    "per_year",
    "schedule",
    "received",
    "short_year",
    "left",
    "blocks",
    "shortfall",
]


@dataclass(frozen=True)
class Candidates:
    """The new tasks of a run as admission sees them (``docs/model.md`` §6).

    Attributes
    ----------
    plain
        The first year's instance before any start: its bounds say which new tasks
        the scenario starts, holds at 0 or leaves to admission.
    forced
        Started by the scenario: a floor of its own (must-fund, a lock above 0, a seed
        share), a positive coefficient in a row with a positive lower bound (an agency
        floor, an analyst ``>=`` row, which may need it), or nothing left to pay.
    deferred
        Held at 0 by the scenario in every year: deferred, or locked at 0. No schedule of
        theirs can be paid, so they are no candidates.
    order
        The candidates, in the priority order of new starts.
    """

    plain: Instance
    forced: frozenset[int]
    deferred: frozenset[int]
    order: tuple[int, ...]


def candidates(tasks: TaskList, options: Options, h: Horizon) -> Candidates:
    """Sort the new tasks of the horizon ``h`` into forced, held and candidates, in order.

    The one reading of the scenario's bounds that both the admission of a run and the
    robust starts of a Monte Carlo run (:mod:`portfolio.robust_starts`) use.
    """
    first, selector = h.year(h.first)
    plain = build_instance(
        tasks,
        options,
        {s: float(h.envelope[0, j]) for j, s in enumerate(SOURCES)},
        derived=first,
        selector=selector,
    )
    new = np.flatnonzero(h.new)
    held = (UpperReason.DEFERRAL.value, UpperReason.LOCK.value)
    deferred = frozenset(int(i) for i in new if plain.upper_reason[i] in held and plain.upper[i] <= 0)
    floored = np.zeros(h.new.size, dtype=bool)  # a row that may need them: a positive floor
    for row in plain.rows:
        if row.lower > 0:
            floored |= row.coef > 0
    forced = frozenset(int(i) for i in new if plain.lower[i] > 0 or floored[i] or h.need[i] <= 0) - deferred
    waiting = np.array(sorted(set(map(int, new)) - forced - deferred), dtype=int)
    order = tuple(int(i) for i in start_order(plain, waiting))
    return Candidates(plain, forced, deferred, order)


def admit(tasks: TaskList, options: Options, envelopes: dict[str, np.ndarray]) -> Admission:
    """Decide the new starts of a run and allocate its horizon with them.

    Parameters
    ----------
    tasks
        The appendix.
    options
        The run's options (``years`` is the horizon; 1 for a single year).
    envelopes
        Source -> one envelope per year.

    Returns
    -------
    Admission
        The starts, the final pass and the reasons for the tasks not started.
    """
    h = Horizon(tasks, options, envelopes)
    found = candidates(tasks, options, h)
    plain, forced, deferred, order = found.plain, set(found.forced), set(found.deferred), list(found.order)
    starts = {i: int(h.earliest[i]) for i in forced}
    current = h.allocate(starts)
    solves = current.solves
    fresh = True  # current.solved is the allocation of ``starts`` (not only its amounts)
    accept = not plain.rows and options.pacing <= 1
    # closest-to-plan decides its least-change face over every tier at once: a start may
    # draw money from an earlier tier, so only the ladder's other rules may refuse early
    refuse = not options.tiers and options.pacing <= 1 and options.rule != "closest_to_plan"
    # a forced start need not be whole, so a candidate may take money from it (equal awards
    # give the smaller demand its whole): where one shares the source, only a trial decides
    shared = {int(h.source[i]) for i in forced}
    blocked: dict[int, tuple[int, float]] = {}
    tested_at: dict[int, int] = {}
    version = 0
    changed = True
    while changed:
        changed = False
        for c in order:
            if c in starts or tested_at.get(c) == version:
                continue
            tested_at[c] = version
            for year in range(int(h.earliest[c]), h.last + 1):
                need = h.per_year(c)
                window = range(year - h.first, min(h.end(c, year), h.last) - h.first + 1)
                idle = current.idle[list(window), int(h.source[c])]
                fits = bool(np.all(idle >= need - AMOUNT * max(1.0, need)))
                if refuse and int(h.source[c]) not in shared and idle[0] < need - AMOUNT * max(1.0, need):
                    # its start year's tier 4 is full only if its demand fits in the idle money
                    if year == h.earliest[c]:
                        blocked[c] = (c, need - max(0.0, float(idle[0])))
                    continue
                if accept and fits:
                    current = _with_schedule(current, c, year, need, window, int(h.source[c]))
                    fresh = False
                else:
                    trial = {**starts, c: year}
                    try:
                        run = h.allocate(trial, reuse=current if fresh else None, from_year=year)
                    except InfeasibleError:  # with it started, a rule could no longer be met
                        if year == h.earliest[c]:
                            blocked[c] = (c, need)
                        continue
                    solves += run.solves
                    admitted = [t for t in trial if t not in forced]
                    short = h.short(run, admitted)
                    if short:
                        if year == h.earliest[c]:
                            blocked[c] = short[0] if c not in dict(short) else (c, dict(short)[c])
                        continue
                    current, fresh = run, True
                starts[c] = year
                blocked.pop(c, None)
                version += 1
                changed = True
                break
    if not fresh:
        current = h.allocate(starts)
        solves += current.solves
    return Admission(h, current, starts, forced, deferred, blocked, solves)


def _with_schedule(run: Pass, task: int, start: int, need: float, window: range, source: int) -> Pass:
    """``run`` with ``task`` started in ``start`` and paid its even schedule from its idle money."""
    x = run.x.copy()
    idle = run.idle.copy()
    for k in window:
        x[k, task] = need
        idle[k, source] -= need
    return Pass({**run.starts, task: start}, run.solved, x, idle, 0)

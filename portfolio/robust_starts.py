"""The robust new start: start a task only if it is completed in at least a share ``p`` of the scenarios.

The uncertain reading of Luật Đầu tư công 2019 Đ51 k5 (``docs/model.md`` §8). The
starts are one decision for every scenario, taken before the envelopes are known.
A set ``S`` of starts (task, year) *holds at* ``p`` when, for every start in it,
the rolling plan with exactly ``S`` pays that start its schedule (on schedule as in
§6) in at least ``⌈p·n⌉`` of the ``n`` scenarios (an infeasible scenario completes
nothing). Admission is §6's with "on schedule" replaced by "holds at ``p``": the
candidates in the priority order of new starts, each at the earliest year for which
``S ∪ {(c, y)}`` holds at ``p``, rounds repeated while a round admits one, so the
set is maximal. It depends on the seed (the scenarios), never on an executor or a
chunk size.

The same shortcuts as §6, scenario by scenario, give the same answer without a
solve when pacing is off: money left idle in every year of the candidate's window
means it is completed there and nothing else changes (with no agency or analyst
row); under the proportional rule, idle money in its start year below its demand
means it is not completed there (the year's new starts are rationed alike), and
when those scenarios alone leave fewer than ``⌈p·n⌉`` the candidate is refused at
that year. Every other scenario is
computed with the candidate started.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .model.admission import candidates
from .model.options import SOURCES, Options
from .model.plan import Horizon
from .scenario_runs import Outcomes, run_scenarios
from .tasks import TaskList
from .tolerances import AMOUNT, SUM_NOISE

__all__ = ["RobustStarts", "robust_starts"]


@dataclass
class RobustStarts:
    """The starts decided (task index -> year), and each candidate's share of completion when last tested.

    ``tested`` maps a task index -> ``(year, share)`` of its last test at its earliest
    year (for a started task, at its start).
    """

    starts: dict[int, int]
    forced: set[int]
    tested: dict[int, tuple[int, float]]
    runs: int


def _idle(outcomes: Outcomes, envelopes: np.ndarray, source: np.ndarray) -> np.ndarray:
    """``(n, K, sources)`` money left unspent (−inf in a failed scenario: nothing fits)."""
    spent = np.stack(
        [np.where(source == j, outcomes.x, 0.0).sum(axis=2) for j in range(len(SOURCES))], axis=2
    )
    return np.where(np.isnan(spent), -np.inf, envelopes - spent)


def robust_starts(
    tasks: TaskList,
    options: Options,
    envelopes: np.ndarray,
    probability: float,
    *,
    executor: Any = None,
    chunk_size: int = 25,
    progress: Callable[[int], None] | None = None,
) -> RobustStarts:
    """Decide the new starts that hold at ``probability`` over the scenarios ``envelopes`` ``(n, K, S)``."""
    n = envelopes.shape[0]
    need_count = math.ceil(probability * n - SUM_NOISE)  # 0,7 × 10 is 7, not 7,000000000000001
    central = {s: envelopes[0, :, j] for j, s in enumerate(SOURCES)}
    h = Horizon(tasks, options, central)
    # the same candidates as admission (docs/model.md §6)
    found = candidates(tasks, options, h)
    plain, forced, order = found.plain, set(found.forced), list(found.order)
    starts = {i: int(h.earliest[i]) for i in forced}
    new = np.flatnonzero(h.new)
    column = {int(t): j for j, t in enumerate(new)}

    def run(subset: np.ndarray, trial: dict[int, int]) -> Outcomes:
        return run_scenarios(
            tasks,
            options,
            envelopes[subset],
            trial,
            executor=executor,
            chunk_size=chunk_size,
            progress=progress,
        )

    everyone = np.arange(n)
    current = run(everyone, starts)
    runs = n
    idle = _idle(current, envelopes, h.source)
    completed = current.completed.copy()
    accept = not plain.rows and options.pacing <= 1
    # proportional rationing of the start year's new starts: all of them short, or none
    refuse = not options.tiers and options.pacing <= 1 and options.rule == "proportional"
    tested: dict[int, tuple[int, float]] = {}
    tested_at: dict[int, int] = {}
    version = 0
    changed = True
    while changed:
        changed = False
        for c in order:
            if c in starts or tested_at.get(c) == version:
                continue
            tested_at[c] = version
            need, source = h.per_year(c), int(h.source[c])
            slack = AMOUNT * max(1.0, need)
            for year in range(int(h.earliest[c]), h.last + 1):
                window = list(range(year - h.first, min(h.end(c, year), h.last) - h.first + 1))
                fits_start = idle[:, window[0], source] >= need - slack
                if refuse and int(fits_start.sum()) < need_count:
                    if year == h.earliest[c]:
                        tested[c] = (year, float(fits_start.mean()))
                    continue
                fits_all = (
                    (idle[:, window, source] >= need - slack).all(axis=1) if accept else np.zeros(n, bool)
                )
                rest = np.flatnonzero(~fits_all)
                trial = {**starts, c: year}
                outcome = run(rest, trial) if rest.size else None
                runs += rest.size
                done = completed.copy()
                done[:, column[c]] = fits_all
                if outcome is not None:
                    done[rest] = outcome.completed
                admitted = [column[t] for t in trial if t not in forced]
                shares = done[:, admitted].sum(axis=0)
                if year == h.earliest[c]:
                    tested[c] = (year, float(done[:, column[c]].mean()))
                if (shares < need_count).any():
                    continue
                tested[c] = (year, float(done[:, column[c]].mean()))
                for k in window:
                    idle[fits_all, k, source] -= need
                if outcome is not None:
                    idle[rest] = _idle(outcome, envelopes[rest], h.source)
                completed = done
                starts[c] = year
                version += 1
                changed = True
                break
    return RobustStarts(starts, forced, tested, runs)

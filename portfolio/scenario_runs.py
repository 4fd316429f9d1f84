"""Many scenarios of one run, each a different set of envelopes: by closed form or by the engine.

The default rule on one year without other options is water-filling, whose
breakpoints do not depend on the envelope (:func:`portfolio.water_filling.water_fill_starts`):
every scenario is then a few array operations, with no model built. Any other
rule, option or a plan runs the engine scenario by scenario, exactly as
:func:`portfolio.optimize` does (:func:`~portfolio.model.admission.admit` on the
scenario's envelopes), or, for a fixed set of starts, the rolling plan with those
starts (:class:`~portfolio.model.plan.Horizon`). Scenarios are sent in chunks to
any :class:`concurrent.futures.Executor`; a chunk's result depends only on its
scenarios' envelopes, so the answer is the same with or without an executor and
for any chunk size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import InfeasibleError, SolveError
from .model.admission import admit
from .model.committed import check_envelopes
from .model.options import SOURCES, Options
from .model.plan import Horizon
from .tasks import TaskList
from .tolerances import REPORT

__all__ = ["Outcomes", "ScenarioJob", "funded_in_full", "run_job", "run_scenarios"]


@dataclass
class Outcomes:
    """What each scenario gave: ``n`` scenarios, ``K`` years, ``T`` tasks, ``N`` new tasks.

    ``x``, ``demand`` ``(n, K, T)`` (NaN in a failed scenario), ``tier`` ``(n, K, T)``,
    ``completed`` ``(n, N)``: the new task was started and paid its schedule through
    the horizon; ``reason`` the message of a failed (infeasible) scenario, else ``""``.
    """

    x: np.ndarray
    demand: np.ndarray
    tier: np.ndarray
    completed: np.ndarray
    reason: np.ndarray

    @classmethod
    def empty(cls, n: int, years: int, tasks: int, new: int) -> Outcomes:
        """Room for ``n`` scenarios, every one failed until filled."""
        return cls(
            np.full((n, years, tasks), np.nan),
            np.full((n, years, tasks), np.nan),
            np.zeros((n, years, tasks), dtype=np.int8),
            np.zeros((n, new), dtype=bool),
            np.full(n, "", dtype=object),
        )

    @classmethod
    def concat(cls, parts: Sequence[Outcomes]) -> Outcomes:
        """The scenarios of ``parts`` one after another."""
        return cls(
            *(
                np.concatenate([getattr(p, f) for p in parts])
                for f in ("x", "demand", "tier", "completed", "reason")
            )
        )


@dataclass
class ScenarioJob:
    """A chunk of scenarios for a worker: everything it needs, nothing it must look up.

    ``envelopes`` is ``(n, K, sources)``; ``starts`` ``None`` decides the new starts
    in each scenario as :func:`portfolio.optimize` does, else the starts (task
    index -> year) are the same in every scenario.
    """

    tasks: TaskList
    options: Options
    envelopes: np.ndarray
    starts: dict[int, int] | None = None


def _fill(out: Outcomes, i: int, horizon: Horizon, run: Any, starts: dict[int, int]) -> None:
    for k, (inst, _) in enumerate(run.solved):
        out.demand[i, k] = inst.demand
        out.tier[i, k] = inst.tier
    out.x[i] = run.x
    short = {t for t, _ in horizon.short(run, sorted(starts))}
    new = np.flatnonzero(horizon.new)
    out.completed[i] = [int(t) in starts and int(t) not in short for t in new]


def run_job(job: ScenarioJob) -> Outcomes:
    """Run a chunk of scenarios in this process (what a worker of the executor calls)."""
    n, years, _ = job.envelopes.shape
    ids = len(job.tasks)
    horizon: Horizon | None = None
    out: Outcomes | None = None
    for i in range(n):
        envelopes = {s: job.envelopes[i, :, j] for j, s in enumerate(SOURCES)}
        try:
            if job.starts is None:
                check_envelopes(
                    job.tasks,
                    job.options.committed,
                    {s: envelopes[s][0] for s in SOURCES},
                    job.options.plan_year,
                )
                admission = admit(job.tasks, job.options, envelopes)
                horizon, run, starts = admission.horizon, admission.final, admission.starts
            else:
                if horizon is None:
                    horizon = Horizon(job.tasks, job.options, envelopes)
                horizon.envelope = job.envelopes[i]
                starts = job.starts
                run = horizon.allocate(starts)
            if out is None:
                out = Outcomes.empty(n, years, ids, int(horizon.new.sum()))
            _fill(out, i, horizon, run, starts)
        except (InfeasibleError, SolveError) as exc:
            if out is None:
                out = Outcomes.empty(n, years, ids, int(_new_count(job)))
            out.reason[i] = " ".join(str(exc).split())
    assert out is not None
    return out


def _new_count(job: ScenarioJob) -> int:
    envelopes = {s: job.envelopes[0, :, j] for j, s in enumerate(SOURCES)}
    return int(Horizon(job.tasks, job.options, envelopes).new.sum())


def chunks(n: int, size: int) -> Iterator[slice]:
    """Consecutive slices of ``range(n)`` of at most ``size`` scenarios."""
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def run_scenarios(
    tasks: TaskList,
    options: Options,
    envelopes: np.ndarray,
    starts: dict[int, int] | None,
    *,
    executor: Any = None,
    chunk_size: int = 25,
    progress: Callable[[int], None] | None = None,
) -> Outcomes:
    """Every scenario of ``envelopes`` ``(n, K, sources)`` by the engine, in chunks, in order.

    ``executor`` is any :class:`concurrent.futures.Executor` (``submit`` and futures'
    ``result``), or ``None`` to run here; ``progress(k)`` is told of each ``k``
    scenarios done.
    """
    parts = [
        ScenarioJob(tasks, options, envelopes[s], starts) for s in chunks(envelopes.shape[0], chunk_size)
    ]
    results: list[Outcomes] = []
    if executor is None:
        for job in parts:
            results.append(run_job(job))
            if progress is not None:
                progress(job.envelopes.shape[0])
        return Outcomes.concat(results)
    futures = [executor.submit(run_job, job) for job in parts]
    for job, future in zip(parts, futures, strict=True):
        results.append(future.result())
        if progress is not None:
            progress(job.envelopes.shape[0])
    return Outcomes.concat(results)


def funded_in_full(x: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """MODEL §8: ``allocated ≥ demand − 0,01`` (False in a failed scenario, whose amounts are NaN)."""
    with np.errstate(invalid="ignore"):
        return x >= demand - REPORT

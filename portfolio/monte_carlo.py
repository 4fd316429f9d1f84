"""``simulate``: Monte Carlo over the envelopes (MODEL §8, ``docs/model.md`` §8)."""

from __future__ import annotations

import numbers
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import ScenarioError
from .model.inputs import load_tasks, planned_totals, warn_overdue
from .model.instance import Instance, build_instance
from .model.ladder import start_order
from .model.optimize import run_options
from .model.options import SOURCES, budget_matrix
from .robust_starts import robust_starts
from .scenario_runs import Outcomes, run_scenarios
from .simulation import QUANTILES, Simulation
from .tasks import TaskList
from .tolerances import FILL_ROUNDING
from .uncertainty import draw_envelopes, envelope_marginals
from .water_filling import closed_form_applies, short_of_commitments, water_fill_starts

__all__ = ["simulate"]

#: a progress bar appears once a run has taken this long (seconds)
PROGRESS_AFTER = 2.0


def simulate(
    tasks: TaskList | str | Path | None = None,
    budget: dict[str, Any] | None = None,
    scenarios: int = 10_000,
    seed: int | None = 0,
    years: int = 1,
    rule: str = "proportional",
    executor: Any = None,
    progress: bool | None = None,
    *,
    correlation: Any = None,
    min_completion_probability: float | None = None,
    quantiles: tuple[float, ...] = QUANTILES,
    chunk_size: int = 25,
    **options: Any,
) -> Simulation:
    """Draw envelopes, allocate each scenario by the rule, and report what is safe and what is not.

    Parameters
    ----------
    tasks
        The appendix (the bundled one by default).
    budget
        Source -> a number, a percentage, ``("uniform", low, high)``, ``("normal", mean, sd)``,
        ``("triangular", low, mode, high)``, a scipy.stats frozen distribution, or
        observed shortfall factors to resample (``("resample", [...])`` or an array:
        each factor multiplies the default envelope, the document's planned total);
        in a plan, a list of one of these per year (:mod:`portfolio.uncertainty`).
        A source not named keeps the document's planned total.
    scenarios, seed
        How many scenarios, and the seed of :class:`numpy.random.Generator`: scenario
        ``i`` takes row ``i`` of the draws, so the same seed gives the same result
        whatever the executor or the chunk size.
    years
        The horizon (1: one year; 3: the rolling 3-year plan).
    rule
        The rationing rule, as in :func:`portfolio.optimize`.
    executor
        Any :class:`concurrent.futures.Executor` (a process pool, ``dask.distributed``
        ``Client.get_executor()``, Ray's): the scenarios the engine computes are sent
        to it in chunks of ``chunk_size``. Not used by the closed form.
    progress
        A progress bar (tqdm) on stderr once the run takes over 2 s; ``None``: when
        stderr is a terminal (never under pytest).
    correlation
        A number: the correlation of the two sources in each year; or a matrix over
        (recurrent's years, investment's years); a Gaussian copula.
    min_completion_probability
        Decide the new starts once for every scenario: a task starts only if it is
        completed (its schedule paid) in at least this share of the scenarios
        (``docs/model.md`` §8, the uncertain reading of Đ51 k5). ``None``: each
        scenario decides its starts as :func:`portfolio.optimize` does.
    quantiles
        The quantiles of the coverage tables.
    **options
        Any other option of :func:`portfolio.optimize`.

    Returns
    -------
    Simulation
        ``core_index``, ``coverage()``, ``start_probability``, ``summary()``, ``plot()``, ``to_excel()``.

    Examples
    --------
    >>> sim = simulate(budget={"recurrent": ("uniform", 300_000, 600_000)}, scenarios=1000)
    >>> round(float(sim.core_index[(2024, "B38")]), 3)   # recurrent ≥ 513.268,48: P = 0,289
    0.295
    """
    task_list = load_tasks(tasks)
    opts = run_options(task_list, None, rule, years=years, **options)
    _check(scenarios, seed, min_completion_probability, quantiles, chunk_size)
    warn_overdue(task_list, opts.plan_year)
    baseline = planned_totals(task_list)
    marginals = envelope_marginals(budget, baseline, opts.years)
    drawn = draw_envelopes(marginals, scenarios, seed, correlation)
    envelopes = np.stack([drawn[s] for s in SOURCES], axis=2)  # (n, K, sources)
    central = budget_matrix(opts, baseline, opts.years)
    inst = build_instance(task_list, opts, {s: float(central[s][0]) for s in SOURCES})
    ids = tuple(str(i) for i in inst.ids)
    kind = inst.derived["kind"].to_numpy(str)
    new_ids = tuple(i for i, k in zip(ids, kind, strict=True) if k == "new")
    closed = opts.years == 1 and min_completion_probability is None and closed_form_applies(inst, opts)
    decided = None
    with _progress_bar(scenarios, progress) as tick:
        if closed:
            outcomes = closed_form(inst, envelopes[:, 0, :], opts.plan_year)
            tick(scenarios)
        elif min_completion_probability is not None:
            robust = robust_starts(
                task_list,
                opts,
                envelopes,
                min_completion_probability,
                executor=executor,
                chunk_size=chunk_size,
            )
            outcomes = run_scenarios(
                task_list,
                opts,
                envelopes,
                robust.starts,
                executor=executor,
                chunk_size=chunk_size,
                progress=tick,
            )
            decided = _decided(ids, kind, robust, outcomes)
        else:
            outcomes = run_scenarios(
                task_list, opts, envelopes, None, executor=executor, chunk_size=chunk_size, progress=tick
            )
    if (outcomes.reason != "").any():
        import warnings

        from .errors import PortfolioWarning

        first = next(r for r in outcomes.reason if r)
        warnings.warn(
            f"{int((outcomes.reason != '').sum())} of {scenarios} scenarios are infeasible and fund no task "
            f"in full; the first: {first}",
            PortfolioWarning,
            stacklevel=2,
        )
    years_index = [opts.plan_year + k for k in range(opts.years)]
    frame = pd.DataFrame(
        envelopes.transpose(0, 2, 1).reshape(scenarios, -1),
        columns=pd.MultiIndex.from_product([list(SOURCES), years_index], names=["source", "year"]),
    ).rename_axis("scenario")
    return Simulation(
        options=opts,
        tasks=task_list,
        ids=ids,
        source=np.asarray(inst.source),
        new_ids=new_ids,
        marginals=marginals,
        envelopes=frame,
        outcomes=outcomes,
        seed=seed,
        method="closed form" if closed else "engine",
        min_completion_probability=min_completion_probability,
        decided_starts=decided,
        quantiles=tuple(quantiles),
    )


def _check(scenarios: object, seed: object, probability: object, quantiles: object, chunk: object) -> None:
    def whole(value: object) -> bool:
        return isinstance(value, numbers.Integral) and not isinstance(value, bool)

    if not whole(scenarios) or int(scenarios) < 1:  # type: ignore[call-overload]
        raise ScenarioError(f"expected a whole number of scenarios ≥ 1, got {scenarios!r}", field="scenarios")
    if seed is not None and (not whole(seed) or int(seed) < 0):  # type: ignore[call-overload]
        raise ScenarioError(f"expected a whole number ≥ 0 or None, got {seed!r}", field="seed")
    if probability is not None and (
        isinstance(probability, bool)
        or not isinstance(probability, numbers.Real)
        or not 0 < float(probability) <= 1
    ):
        raise ScenarioError(
            f"expected a share in (0, 1], got {probability!r}", field="min_completion_probability"
        )
    try:
        ok = all(0 <= float(q) <= 1 for q in quantiles)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ScenarioError(f"expected quantiles in [0, 1], got {quantiles!r}", field="quantiles")
    if not whole(chunk) or int(chunk) < 1:  # type: ignore[call-overload]
        raise ScenarioError(f"expected a whole number ≥ 1, got {chunk!r}", field="chunk_size")


def closed_form(inst: Instance, envelopes: np.ndarray, year: int) -> Outcomes:
    """Every scenario of one year by water-filling: ``envelopes`` ``(n, sources)``."""
    n, size = envelopes.shape[0], inst.demand.size
    x = np.zeros((n, size))
    kind = inst.derived["kind"].to_numpy(str)
    new = np.flatnonzero(kind == "new")
    started = np.zeros((n, new.size), dtype=bool)
    reason = np.full(n, "", dtype=object)
    for j, source in enumerate(SOURCES):
        mask = inst.source == j
        positions = np.flatnonzero(mask)
        if not positions.size:
            continue
        order = start_order(inst, positions[kind[mask] == "new"])
        tiers, levels, _, commitments, fits = water_fill_starts(
            inst.demand[mask], inst.tier[mask], envelopes[:, j], np.searchsorted(positions, order)
        )
        x[:, positions] = inst.demand[mask] * levels[:, np.searchsorted(tiers, inst.tier[mask])]
        x[:, order] = np.where(fits, inst.demand[order], 0.0)
        started[:, np.searchsorted(new, order)] = fits
        short = envelopes[:, j] < commitments - FILL_ROUNDING * max(1.0, commitments)
        for i in np.flatnonzero(short & (reason == "")):
            reason[i] = short_of_commitments(source, year, commitments, float(envelopes[i, j]))
    failed = reason != ""
    x[failed] = np.nan
    demand = np.where(failed[:, None], np.nan, inst.demand[None, :])
    return Outcomes(
        x[:, None, :],
        demand[:, None, :],
        np.broadcast_to(inst.tier.astype(np.int8), (n, 1, size)).copy(),
        started & ~failed[:, None],
        reason,
    )


def _decided(ids: tuple[str, ...], kind: np.ndarray, robust: Any, outcomes: Outcomes) -> pd.DataFrame:
    new = np.flatnonzero(kind == "new")
    share = outcomes.completed.mean(axis=0)
    rows = []
    for j, task in enumerate(new):
        t = int(task)
        start = robust.starts.get(t)
        tested = robust.tested.get(t)
        rows.append(
            {
                "id": ids[t],
                "status": "by_scenario"
                if t in robust.forced
                else "started"
                if start is not None
                else "not_started",
                "start_year": start,
                "completion": float(share[j]),
                "tested_year": None if tested is None else tested[0],
                "if_started": np.nan if tested is None or start is not None else tested[1],
            }
        )
    frame = pd.DataFrame(rows).set_index("id")
    for column in ("start_year", "tested_year"):
        frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
    return frame


@contextmanager
def _progress_bar(total: int, shown: bool | None) -> Iterator[Callable[[int], None]]:
    """A tqdm bar that appears after :data:`PROGRESS_AFTER` seconds; a no-op when not shown."""
    if shown is None:
        shown = sys.stderr.isatty() and "PYTEST_CURRENT_TEST" not in os.environ
    if not shown:
        yield lambda k: None
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, unit="scenario", delay=PROGRESS_AFTER, file=sys.stderr, leave=False) as bar:
        yield bar.update

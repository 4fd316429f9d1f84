"""The budget frontier: each tier's coverage as an envelope grows from the commitments to full demand.

For the default proportional rule with no option other than the budget, every
point is the ladder's closed form, *water-filling* (:mod:`portfolio.water_filling`):
thousands of envelopes then cost a few array operations. Any other rule or
option falls back to :func:`~portfolio.model.optimize` at each point.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InfeasibleError, ScenarioError, SolveError
from .model.inputs import load_tasks, planned_totals
from .model.instance import Instance, build_instance
from .model.ladder import start_order
from .model.optimize import optimize, run_options
from .model.options import SOURCES, Options, budget_matrix
from .tasks import TaskList
from .tolerances import FILL_ROUNDING
from .water_filling import (
    closed_form_applies,
    short_of_commitments,
    water_fill,
    water_fill_levels,
    water_fill_starts,
)

__all__ = [
    "COLUMNS",
    "Frontier",
    "closed_form_applies",
    "coverage_at",
    "frontier",
    "water_fill",
    "water_fill_levels",
    "water_fill_starts",
]

COLUMNS = ["envelope", "source", "tier", "coverage", "allocated", "failed", "reason", "point", "fraction"]


class Frontier(pd.DataFrame):
    """The table :func:`frontier` returns, with a plot and a compact display.

    A :class:`pandas.DataFrame` (one row per point, swept source and tier) that
    also knows the current envelope of each swept source (``current``: the
    run's budget, by default the document's planned total), which
    :meth:`plot` marks and the display reads off the sweep. A table derived from
    it (a slice, a ``groupby``) is a plain DataFrame.
    """

    _metadata = ["current"]
    current: dict[str, float]

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        """Each tier's coverage against the envelope, the current envelope marked; returns the Axes.

        Keyword arguments go to :func:`portfolio.plots.plot_frontier`.
        """
        from .plots import plot_frontier

        return plot_frontier(self, ax, current=getattr(self, "current", None), **kwargs)

    def _repr_html_(self) -> str:
        from .views import frontier_html

        return frontier_html(self, getattr(self, "current", None))


def coverage_at(frame: pd.DataFrame, source: str, envelope: float) -> dict[int, float]:
    """Each tier's coverage at ``envelope``, read off a sweep (linear between its points)."""
    rows = frame[(frame["source"] == source) & ~frame["failed"]]
    out: dict[int, float] = {}
    for tier, points in rows.groupby("tier", sort=True):
        points = points.sort_values("envelope", kind="stable")
        x, y = points["envelope"].to_numpy(float), points["coverage"].to_numpy(float)
        if x.size and x[0] - FILL_ROUNDING <= envelope <= x[-1] + FILL_ROUNDING:
            out[int(tier)] = float(np.interp(envelope, x, y))
    return out


def _closed_form(
    inst: Instance, swept: list[str], grid: dict[str, np.ndarray], year: int, raise_on_failure: bool
) -> list[dict[str, Any]]:
    m = next(iter(grid.values())).size
    reason = np.full(m, "", dtype=object)
    parts = []
    for source in swept:
        mask = inst.source == SOURCES.index(source)
        new = np.flatnonzero(inst.derived["kind"].to_numpy(str)[mask] == "new")
        positions = np.flatnonzero(mask)
        order = start_order(inst, positions[new])  # indices into the instance, in priority order
        tiers, levels, totals, commitments = water_fill_levels(
            inst.demand[mask], inst.tier[mask], grid[source], np.searchsorted(positions, order)
        )
        short = np.flatnonzero(grid[source] < commitments - FILL_ROUNDING * max(1.0, commitments))
        for i in short:
            if raise_on_failure:
                available = float(grid[source][i])
                raise InfeasibleError(
                    short_of_commitments(source, year, commitments, available),
                    envelope=f"{source} {year}",
                    needed=commitments,
                    available=available,
                )
            reason[i] = reason[i] or short_of_commitments(source, year, commitments, float(grid[source][i]))
        parts.append((source, tiers, levels, totals))
    failed = reason != ""
    records: list[dict[str, Any]] = []
    for source, tiers, levels, totals in parts:
        k = tiers.size
        coverage = np.where(failed[:, None], np.nan, levels)
        records.append(
            {
                "envelope": np.repeat(grid[source], k),
                "source": source,
                "tier": np.tile(tiers, m),
                "coverage": coverage.ravel(),
                "allocated": (coverage * totals[None, :]).ravel(),
                "failed": np.repeat(failed, k),
                "reason": np.repeat(reason, k),
                "point": np.repeat(np.arange(m), k),
            }
        )
    return records


def _by_optimize(
    tasks: TaskList,
    opts: Options,
    inst: Instance,
    swept: list[str],
    grid: dict[str, np.ndarray],
    raise_on_failure: bool,
) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    run = opts.model_dump()
    for i in range(next(iter(grid.values())).size):
        budget = {**opts.budget, **{s: float(grid[s][i]) for s in swept}}
        table: pd.DataFrame | None = None
        reason = ""
        try:
            allocation = optimize(tasks, **{**run, "budget": budget})
            table = allocation.year_table()
        except (InfeasibleError, SolveError) as exc:
            if raise_on_failure:
                raise
            reason = " ".join(str(exc).split())
        for source in swept:
            mask = inst.source == SOURCES.index(source)
            for tier in np.unique(inst.tier[mask]):
                coverage = allocated = np.nan
                if table is not None:
                    rows = table[(table["funding_source"] == source) & (table["tier"] == tier)]
                    allocated = float(rows["allocated"].sum())
                    demand = float(rows["demand"].sum())
                    coverage = allocated / demand if demand > 0 else 1.0
                records.append(
                    {
                        "envelope": float(grid[source][i]),
                        "source": source,
                        "tier": int(tier),
                        "coverage": coverage,
                        "allocated": allocated,
                        "failed": table is None,
                        "reason": reason,
                        "point": i,
                    }
                )
    return records


def frontier(
    tasks: TaskList | str | Path | None = None,
    *,
    source: str = "recurrent",
    points: int = 200,
    rule: str = "proportional",
    start: float | None = None,
    stop: float | None = None,
    raise_on_failure: bool = False,
    **options: Any,
) -> Frontier:
    """Sweep an envelope and record each tier's coverage and allocation.

    Parameters
    ----------
    tasks
        The appendix (the bundled one by default).
    source
        ``recurrent``, ``investment``, or ``both`` (both envelopes as one share of
        their sources' full demand; ``start``/``stop`` are then shares, 0–1).
    points
        Number of envelopes, evenly spaced from ``start`` to ``stop``.
    rule
        The rationing rule. ``proportional`` without other options uses the
        closed form (1.000 points in milliseconds); anything else solves each point.
    start, stop
        The sweep's ends; by default the commitments (sum of the source's tier-1
        demand) and the full demand of all the source's tasks.
    raise_on_failure
        Raise :class:`InfeasibleError` at the first infeasible point instead of
        marking it ``failed`` with the reason.
    **options
        Other options of :func:`~portfolio.model.optimize`; ``budget`` fixes
        the source that is not swept (default: the document's planned total).

    Returns
    -------
    Frontier
        A DataFrame with one row per point, swept source and tier: ``envelope``, ``source``,
        ``tier``, ``coverage`` (tier allocation / tier demand), ``allocated``
        (tier total), ``failed``, ``reason``, ``point`` (0 … points−1) and
        ``fraction`` (envelope / the source's full demand); ``.current`` holds
        the run's envelope of each swept source, ``.plot()`` draws it.

    Examples
    --------
    >>> f = frontier(points=3)
    >>> f.loc[f["tier"] == 3, "coverage"].round(4).tolist()
    [0.0, 0.6876, 1.0]
    """
    task_list = load_tasks(tasks)
    opts = run_options(task_list, options.pop("budget", None), rule, **options)
    if source not in (*SOURCES, "both"):
        raise ScenarioError(f"expected recurrent, investment or both, got {source!r}", field="source")
    if isinstance(points, bool) or not isinstance(points, int) or points < 1:
        raise ScenarioError(f"expected a whole number of points ≥ 1, got {points!r}", field="points")
    envelopes = budget_matrix(opts, planned_totals(task_list), opts.years)
    inst = build_instance(task_list, opts, {s: float(envelopes[s][0]) for s in SOURCES})
    swept = list(SOURCES) if source == "both" else [source]
    full, commit = {}, {}
    for s in swept:
        mask = inst.source == SOURCES.index(s)
        full[s] = float(np.maximum(inst.demand, inst.upper)[mask].sum())
        commit[s] = float(inst.demand[mask & (inst.tier == 1)].sum())
    if source == "both":
        low = max([commit[s] / full[s] for s in swept if full[s] > 0], default=0.0)
        ends = (low if start is None else start, 1.0 if stop is None else stop)
    else:
        ends = (commit[source] if start is None else start, full[source] if stop is None else stop)
    if not 0 <= ends[0] <= ends[1] < np.inf:
        raise ScenarioError(
            f"expected 0 ≤ start ≤ stop, got start {ends[0]:g}, stop {ends[1]:g}", field="start"
        )
    steps = np.linspace(ends[0], ends[1], points)
    grid = {s: steps * full[s] if source == "both" else steps for s in swept}
    if closed_form_applies(inst, opts):
        records = _closed_form(inst, swept, grid, opts.plan_year, raise_on_failure)
        frame = pd.concat([pd.DataFrame(r) for r in records], ignore_index=True)
    else:
        frame = pd.DataFrame.from_records(_by_optimize(task_list, opts, inst, swept, grid, raise_on_failure))
    frame["fraction"] = frame["envelope"] / frame["source"].map(full).replace(0.0, np.nan)
    order = frame["source"].map({s: k for k, s in enumerate(SOURCES)})
    frame = frame.assign(_order=order).sort_values(
        ["point", "_order", "tier"], kind="stable", ignore_index=True
    )
    out = Frontier(frame.astype({"tier": int, "failed": bool, "point": int})[COLUMNS])
    out.current = {s: float(envelopes[s][0]) for s in swept}
    return out

"""The budget frontier: each tier's coverage as an envelope grows from the commitments to full demand.

For the default proportional rule with no option other than the budget, the
ladder has a closed form, *water-filling*: per source, tiers in order, tier 1
(commitments) takes its demand ``D_1`` (infeasible if the envelope ``E`` is
below it); each later tier ``k`` gets the common coverage
``λ_k = min(1, remaining / D_k)`` of its total demand ``D_k`` and the money left
passes on; the new starts (tier 4) start first-fit in the priority order of new
starts, each with its whole demand (``docs/model.md`` §6). Thousands of
envelopes then cost a few array operations. Any other rule or option falls
back to :func:`~portfolio.model.optimize` at each point.
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
from .model.tolerances import AMOUNT
from .money import format_vnd
from .tasks import TaskList

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
_TOL = 1e-9


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
        if x.size and x[0] - _TOL <= envelope <= x[-1] + _TOL:
            out[int(tier)] = float(np.interp(envelope, x, y))
    return out


def water_fill_levels(
    demand: np.ndarray, tier: np.ndarray, envelopes: float | np.ndarray, starts: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The proportional ladder's coverage of each tier for many envelopes of one source at once.

    Parameters
    ----------
    demand, tier
        This year's demand and the tier of each task of the source.
    envelopes
        One envelope or an array of ``m`` envelopes (million VND).
    starts
        Positions of the new tasks in the priority order of new starts
        (:func:`~portfolio.model.ladder.start_order`), all of one tier of their
        own: they start first-fit in what the tiers before leave, each with its
        whole demand or not at all (``docs/model.md`` §6). ``None``: no admission.

    Returns
    -------
    tiers : numpy.ndarray
        The ``K`` tiers present, ascending.
    levels : numpy.ndarray
        ``(m, K)`` coverage λ of each tier (1 for tier 1 and for a tier without
        demand; for the tier of new starts, the share of its demand that starts).
    totals : numpy.ndarray
        ``K`` total demands ``D_k``.
    commitments : float
        ``D_1``: envelopes below it are infeasible (their levels are not meaningful).
    """
    tiers, levels, totals, commitments, _ = _water_fill(demand, tier, envelopes, starts)
    return tiers, levels, totals, commitments


def water_fill_starts(
    demand: np.ndarray, tier: np.ndarray, envelopes: float | np.ndarray, starts: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray]:
    """:func:`water_fill_levels` and which new tasks start (``(m, len(starts))``, in ``starts``' order)."""
    return _water_fill(demand, tier, envelopes, starts)


def _water_fill(
    demand: np.ndarray, tier: np.ndarray, envelopes: float | np.ndarray, starts: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray]:
    """:func:`water_fill_levels` and which of ``starts`` start, ``(m, len(starts))``."""
    demand = np.asarray(demand, dtype=float)
    tier = np.asarray(tier, dtype=int)
    env = np.atleast_1d(np.asarray(envelopes, dtype=float))
    order = np.zeros(0, dtype=int) if starts is None else np.asarray(starts, dtype=int)
    tiers = np.unique(tier)
    totals = np.bincount(np.searchsorted(tiers, tier), weights=demand, minlength=tiers.size)
    commitments = float(totals[tiers == 1].sum())
    levels = np.ones((env.size, tiers.size))
    started = np.zeros((env.size, order.size), dtype=bool)
    noise = _TOL * np.maximum(1.0, np.abs(env))  # below this, money left is the sums' rounding
    remaining = env - commitments
    start_tier = int(tier[order[0]]) if order.size else None
    for k in np.flatnonzero(tiers != 1):
        if totals[k] <= 0:
            continue
        remaining = np.where(np.abs(remaining) <= noise, 0.0, remaining)
        if tiers[k] == start_tier:
            for j, i in enumerate(order):  # first fit, in the priority order of new starts
                started[:, j] = remaining >= demand[i] - AMOUNT * max(1.0, demand[i])
                remaining = remaining - np.where(started[:, j], demand[i], 0.0)
            levels[:, k] = (started * demand[order]).sum(axis=1) / totals[k]
            continue
        levels[:, k] = np.where(remaining >= totals[k] - noise, 1.0, np.clip(remaining / totals[k], 0.0, 1.0))
        remaining = remaining - levels[:, k] * totals[k]
    return tiers, levels, totals, commitments, started


def _short(source: str, year: int, needed: float, available: float) -> str:
    return (
        f"{source} envelope {year}: commitments need {format_vnd(needed, 1)} but the envelope is "
        f"{format_vnd(available, 1)}: short by {format_vnd(needed - available, 1)} million VND"
    )


def water_fill(
    demand: np.ndarray,
    tier: np.ndarray,
    envelope: float,
    *,
    starts: np.ndarray | None = None,
    source: str = "recurrent",
    year: int = 2024,
) -> tuple[np.ndarray, dict[int, float]]:
    """Allocate one source's envelope by the proportional ladder in closed form.

    Parameters
    ----------
    demand, tier
        This year's demand and the tier of each task of the source (tier 1: commitments).
    envelope
        The source's envelope, million VND.
    starts
        The new tasks' positions in the priority order of new starts (see
        :func:`water_fill_levels`); ``None``: no admission.
    source, year
        Only for the message of an infeasible envelope.

    Returns
    -------
    allocation : numpy.ndarray
        ``λ_tier · demand`` for each task; a new task its demand if it starts, else 0.
    levels : dict
        Tier -> coverage λ.

    Raises
    ------
    InfeasibleError
        If the envelope is below the commitments (tier 1 demand).

    Examples
    --------
    >>> x, levels = water_fill(np.array([10.0, 20, 40]), np.array([1, 2, 3]), 50.0)
    >>> x.tolist(), levels
    ([10.0, 20.0, 20.0], {1: 1.0, 2: 1.0, 3: 0.5})
    >>> demand, tier = np.array([10.0, 20, 25, 15]), np.array([1, 2, 4, 4])
    >>> x, levels = water_fill(demand, tier, 50.0, starts=np.array([2, 3]))
    >>> x.tolist()  # 20 left for new starts: the first (25) does not fit, the second (15) does
    [10.0, 20.0, 0.0, 15.0]
    """
    tiers, levels, _, commitments, started = _water_fill(demand, tier, envelope, starts)
    if envelope < commitments - _TOL * max(1.0, commitments):
        raise InfeasibleError(
            _short(source, year, commitments, envelope),
            envelope=f"{source} {year}",
            needed=commitments,
            available=float(envelope),
        )
    demand = np.asarray(demand, dtype=float)
    allocation = demand * levels[0, np.searchsorted(tiers, np.asarray(tier))]
    if starts is not None and len(starts):
        order = np.asarray(starts, dtype=int)
        allocation[order] = np.where(started[0], demand[order], 0.0)
    return allocation, {int(t): float(v) for t, v in zip(tiers, levels[0], strict=True)}


def closed_form_applies(inst: Instance, opts: Options) -> bool:
    """True when a year's model is the bare proportional ladder, so water-filling gives its allocation."""
    return _plain(inst, opts)


def _plain(inst: Instance, opts: Options) -> bool:
    """True when the year's model is the bare ladder, so water-filling is exact."""
    commitment_floor = np.where(inst.tier == 1, inst.demand, 0.0)
    return (
        opts.rule == "proportional"
        and opts.years == 1
        and not opts.tiers
        and not inst.rows
        and not inst.binary.any()
        and np.allclose(inst.lower, commitment_floor, rtol=0, atol=1e-9)
        and np.allclose(inst.upper, inst.demand, rtol=0, atol=1e-9)
    )


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
        short = np.flatnonzero(grid[source] < commitments - _TOL * max(1.0, commitments))
        for i in short:
            if raise_on_failure:
                available = float(grid[source][i])
                raise InfeasibleError(
                    _short(source, year, commitments, available),
                    envelope=f"{source} {year}",
                    needed=commitments,
                    available=available,
                )
            reason[i] = reason[i] or _short(source, year, commitments, float(grid[source][i]))
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
    if _plain(inst, opts):
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

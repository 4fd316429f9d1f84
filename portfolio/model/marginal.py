"""Sensitivity made precise (MODEL §7): what one more million VND in an envelope buys.

For an envelope ``E`` (a source in a year) the allocation ``x(E)`` of every task
and year is piecewise linear in ``E`` between the points where a task reaches a
bound, a tier is fully covered or a row starts to bind. The *marginal vector*
is the right-hand slope ``∂x/∂E`` at the envelope (what more money buys), and
its *range* ``[holds_from, holds_until]`` is the stretch of envelopes over which
that same vector holds: for any ``δ`` with ``E + δ`` inside it,
``x(E + δ) − x(E) = δ · marginal``, which is what a finite difference shows.

It is computed from the rule itself, by re-running the allocation with the
one envelope changed (so a change in one year's envelope moves later years of a
plan too): the slope from the widest step over which ``x`` stays on one line,
the range's ends where the lines of two neighbouring pieces meet (checked, and
found by bisection when more than one piece lies between two probes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InfeasibleError
from .options import SOURCES
from .tolerances import AMOUNT, REPORT

if TYPE_CHECKING:
    import pandas as pd

    from .allocation import Allocation

__all__ = ["Piece", "marginal_tables"]

#: Probes grow by this factor from the first step until the line breaks.
_GROWTH = 8.0
#: Bisection steps when a break must be found without the lines' intersection.
_BISECT = 40


@dataclass(frozen=True)
class Piece:
    """The piece of ``x(E)`` starting at an envelope, towards more (or less) money."""

    slope: np.ndarray
    level_slope: float
    end: float


def _evaluate(
    allocation: Allocation, source: str, year: int
) -> Callable[[float], tuple[np.ndarray, dict[tuple[str, int, int], float]] | None]:
    from .optimize import optimize

    options = allocation.options.model_dump()
    options.pop("budget")
    years = allocation.years
    base = {s: [allocation.envelopes[(s, y)] for y in years] for s in SOURCES}
    cache: dict[float, tuple[np.ndarray, dict[tuple[str, int, int], float]] | None] = {}

    def run(envelope: float) -> tuple[np.ndarray, dict[tuple[str, int, int], float]] | None:
        if envelope in cache:
            return cache[envelope]
        budget: dict[str, Any] = {s: list(v) for s, v in base.items()}
        budget[source][years.index(year)] = max(0.0, envelope)
        if len(years) == 1:
            budget = {s: v[0] for s, v in budget.items()}
        try:
            again = optimize(allocation.tasks, budget=budget, **options)
        except InfeasibleError:
            out = None
        else:
            out = (again.table["allocated"].to_numpy(float), again.levels)
        cache[envelope] = out
        return out

    return run


def _piece(
    run: Callable[[float], tuple[np.ndarray, dict[tuple[str, int, int], float]] | None],
    envelope: float,
    direction: float,
    reach: float,
    level_key: tuple[str, int, int] | None,
    tol: Callable[[np.ndarray], float],
) -> Piece:
    """The piece from ``envelope`` in ``direction`` (+1 more money, −1 less), up to ``reach``.

    Slopes are worked out per million moved in ``direction`` and returned per
    million added (``∂x/∂E``).
    """
    start = run(envelope)
    assert start is not None
    x0, levels0 = start
    step = 1e-6 * max(1.0, abs(envelope))
    if reach < step:  # no room in this direction (an envelope of 0, going down)
        return Piece(np.zeros_like(x0), 0.0, envelope)
    good, slope = 0.0, None
    probe = step
    while True:
        at = run(envelope + direction * probe)
        if at is None:
            break
        candidate = (at[0] - x0) / probe
        # the slope from the last good step is known to 2·tol/good: the allowance grows with the step
        allowance = tol(at[0]) * (1 + 2 * probe / max(good, step))  # the slope is known to 2·tol/good
        if slope is not None and np.abs(at[0] - (x0 + probe * slope)).max() > allowance:
            break  # the line broke between good and probe
        good, slope = probe, candidate
        if probe >= 2 * reach:  # past every task's cap: the line holds for good
            level_slope = _level_slope(levels0, at[1], level_key, probe)
            return Piece(direction * slope, direction * level_slope, np.inf * direction)
        if probe >= reach:
            probe = 2 * reach
            continue
        probe = min(probe * _GROWTH, reach)
    if slope is None:  # the very first step crossed a break (or an infeasible side): a point
        return Piece(np.zeros_like(x0), 0.0, envelope)
    level_slope = _level_slope(levels0, run(envelope + direction * good)[1], level_key, good)  # type: ignore[index]
    lo, hi = good, probe
    # where the line of this piece meets the line of the piece that holds at ``hi``
    far = run(envelope + direction * hi)
    near = run(envelope + direction * (hi - step)) if hi - step > lo else None
    if far is not None and near is not None:
        other = (far[0] - near[0]) / step
        differ = np.abs(slope - other) > 1e-12
        if differ.any():
            meet = (far[0][differ] - x0[differ] - hi * other[differ]) / (slope[differ] - other[differ])
            guess = float(np.min(meet[(meet > lo) & (meet < hi)], initial=hi))
            on = run(envelope + direction * guess)
            after = run(envelope + direction * min(hi, guess + step))
            if (
                on is not None
                and np.abs(on[0] - (x0 + guess * slope)).max() <= tol(on[0])
                and (after is None or np.abs(after[0] - (x0 + (guess + step) * slope)).max() > tol(after[0]))
            ):
                return Piece(direction * slope, direction * level_slope, envelope + direction * guess)
    for _ in range(_BISECT):  # more than one break between the probes
        mid = 0.5 * (lo + hi)
        at = run(envelope + direction * mid)
        if at is not None and np.abs(at[0] - (x0 + mid * slope)).max() <= tol(at[0]):
            lo = mid
        else:
            hi = mid
        if hi - lo <= REPORT / 10:  # the end to a thousandth of a million
            break
    return Piece(direction * slope, direction * level_slope, envelope + direction * lo)


def _level_slope(
    before: dict[tuple[str, int, int], float],
    after: dict[tuple[str, int, int], float],
    key: tuple[str, int, int] | None,
    step: float,
) -> float:
    if key is None or step <= 0:
        return 0.0
    return (after.get(key, 0.0) - before.get(key, 0.0)) / step


def _rationed_tier(rows: pd.DataFrame) -> int | None:
    """The first tier (in ladder order) whose tasks do not all get their demand."""
    short = rows.groupby("tier")[["allocated", "demand"]].sum()
    short = short[short["allocated"] < short["demand"] - AMOUNT * np.maximum(1.0, short["demand"])]
    return int(short.index.min()) if len(short) else None


def marginal_tables(allocation: Allocation, precision: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The marginal vector of every envelope and its range.

    Returns
    -------
    marginal : DataFrame
        Indexed by ``(envelope, year, id)`` (the envelope's source and year, the
        task): ``per_million``, what the task gains over the whole run per extra
        million VND in that envelope, and in a plan ``per_million YEAR`` for each
        year of the task.
    sensitivity : DataFrame
        Indexed by ``(envelope, year)``: ``amount``, ``holds_from``,
        ``holds_until``, ``rationed_tier``, ``level`` and ``level_per_million``.
    """
    import pandas as pd

    table = allocation.table
    index = table.index
    task_year = np.asarray(index.get_level_values("year")) if "year" in (index.names or []) else None
    ids = np.asarray(index.get_level_values("id") if "id" in (index.names or []) else index).astype(str)
    if task_year is None:
        task_year = table["year"].to_numpy(int)

    def tol(x: np.ndarray) -> float:
        return 100.0 * precision * max(1.0, float(np.abs(x).max(initial=0.0))) + AMOUNT

    marginal_parts = []
    records = []
    for source in SOURCES:
        for year in allocation.years:
            amount = float(allocation.envelopes[(source, year)])
            mine = (task_year == year) & (table["funding_source"] == source).to_numpy()
            rationed = _rationed_tier(table[mine])
            key = (source, year, rationed) if rationed is not None else None
            run = _evaluate(allocation, source, year)
            demand = table.loc[task_year == year]
            reach = max(1.0, float(demand.loc[demand["funding_source"] == source, "upper"].sum()), amount)
            up = _piece(run, amount, 1.0, reach, key, tol)
            down = _piece(run, amount, -1.0, amount, key, tol)
            scale = max(1.0, float(np.abs(up.slope).max(initial=0.0)))
            same = float(np.abs(up.slope - down.slope).max(initial=0.0)) <= 1e-6 * scale
            records.append(
                {
                    "envelope": source,
                    "year": year,
                    "amount": amount,
                    "holds_from": down.end if same else amount,
                    "holds_until": up.end,
                    "rationed_tier": rationed,
                    "level": allocation.levels.get(key, 1.0) if key else 1.0,
                    "level_per_million": up.level_slope,
                }
            )
            gain = pd.DataFrame({"id": ids, "task_year": task_year, "slope": up.slope})
            part = gain.groupby("id", sort=False)["slope"].sum().rename("per_million").to_frame()
            if len(allocation.years) > 1:  # what each year of the task gains
                by_year = gain.pivot_table(index="id", columns="task_year", values="slope", sort=False)
                for y in allocation.years:
                    part[f"per_million {y}"] = by_year[y].reindex(part.index).to_numpy()
            part.insert(0, "year", year)
            part.insert(0, "envelope", source)
            marginal_parts.append(part.reset_index())
    stacked = pd.concat(marginal_parts, ignore_index=True)
    names = ["envelope", "year", "id"]
    keys = [list(dict.fromkeys(stacked[name])) for name in names]
    # levels in the order of the rows (sources, years, the document's tasks): the codes are then
    # sorted, so ``.loc[(source, year)]`` is a plain lookup, not a scan
    index = pd.MultiIndex(
        levels=keys,
        codes=[pd.Index(keys[k]).get_indexer(stacked[name]) for k, name in enumerate(names)],
        names=names,
    )
    marginal = stacked.drop(columns=names).set_axis(index)
    sensitivity = pd.DataFrame.from_records(records).set_index(["envelope", "year"])
    return marginal, sensitivity

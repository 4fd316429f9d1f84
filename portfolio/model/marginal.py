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
plan too). Within a range the vector is constant, so the allocation's own bounds
foresee where the line ends (:func:`.foresight.predicted_end`: a moving task meets a bound, a
waiting start comes to fit, the idle money runs out); two or three runs check the
line there and half-way (:func:`_quick_piece`) and give the slope from the widest
step. Where the foresight fails, a search (:func:`_piece`): steps growing eightfold
while ``x`` stays on one line, then where the lines of two neighbouring pieces meet
(each guess checked), and bisection when more than one piece lies between two probes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InfeasibleError
from ..tolerances import AMOUNT, REPORT, SLOPE_KINK, SLOPE_SAME, SLOPE_STEP
from .foresight import Line, predicted_end, starts_of
from .level_rise import level_rise
from .options import SOURCES

if TYPE_CHECKING:
    import pandas as pd

    from .allocation import Allocation

__all__ = ["Piece", "marginal_tables"]

#: Probes grow by this factor from the first step until the line breaks.
_GROWTH = 8.0
#: Guesses where two pieces' lines meet, before bisection.
_SECANT = 6
#: Bisection steps when a break must be found without the lines' intersection.
_BISECT = 40


@dataclass(frozen=True)
class Piece:
    """The piece of ``x(E)`` starting at an envelope, towards more (or less) money."""

    slope: np.ndarray
    end: float


def _evaluate(
    allocation: Allocation, source: str, year: int
) -> Callable[[float], tuple[np.ndarray, dict[tuple[str, int, int], float]] | None]:
    from .optimize import amounts_and_levels

    options = allocation.options.model_dump()
    options.pop("budget")
    rule = options.pop("rule")
    years = allocation.years
    base = {s: [allocation.envelopes[(s, y)] for y in years] for s in SOURCES}
    # the allocation itself is the run at its own envelope (one answer: a re-run gives it again)
    here = (allocation.table["allocated"].to_numpy(float), allocation.levels)
    cache: dict[float, tuple[np.ndarray, dict[tuple[str, int, int], float]] | None] = {
        float(allocation.envelopes[(source, year)]): here
    }

    def run(envelope: float) -> tuple[np.ndarray, dict[tuple[str, int, int], float]] | None:
        if envelope in cache:
            return cache[envelope]
        budget: dict[str, Any] = {s: list(v) for s, v in base.items()}
        budget[source][years.index(year)] = max(0.0, envelope)
        if len(years) == 1:
            budget = {s: v[0] for s, v in budget.items()}
        try:  # the amounts and levels only: the tables of an Allocation are not needed here
            out: tuple[np.ndarray, dict[tuple[str, int, int], float]] | None = amounts_and_levels(
                allocation.tasks, budget, rule, **options
            )
        except InfeasibleError:
            out = None
        cache[envelope] = out
        return out

    return run


def _piece(
    run: Callable[[float], tuple[np.ndarray, dict[tuple[str, int, int], float]] | None],
    envelope: float,
    direction: float,
    reach: float,
    tol: Callable[[np.ndarray], float],
    hint: tuple[float, float | None] | None = None,
) -> Piece:
    """The piece from ``envelope`` in ``direction`` (+1 more money, −1 less), up to ``reach``.

    Slopes are worked out per million moved in ``direction`` and returned per
    million added (``∂x/∂E``). ``hint`` is ``(lo, hi)`` from :func:`_quick_piece`: a
    step known to be on the line, and one known past its end (``None``: unknown).
    """
    start = run(envelope)
    assert start is not None
    x0 = start[0]
    step = SLOPE_STEP * max(1.0, abs(envelope))
    if reach < step:  # no room in this direction (an envelope of 0, going down)
        return Piece(np.zeros_like(x0), envelope)
    good, slope = 0.0, None
    probe = step
    if hint is not None:  # go on from what the quick look found
        lo, hi = hint
        known = run(envelope + direction * lo)
        assert known is not None
        good, slope = lo, (known[0] - x0) / lo
        probe = hi if hi is not None else min(lo * _GROWTH, reach) if lo < reach else 2 * reach
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
            # past every cap: the line holds for good (down to an envelope of 0)
            return Piece(direction * slope, np.inf if direction > 0 else envelope - reach)
        if probe >= reach:
            probe = 2 * reach
            continue
        probe = min(probe * _GROWTH, reach)
    if slope is None:  # the very first step crossed a break (or an infeasible side): a point
        return Piece(np.zeros_like(x0), envelope)
    lo, hi = good, probe
    # where the line of this piece meets the line of the piece that holds at ``hi``: a secant
    # search, each guess checked on the line (the slope then taken from the wider step)
    for _ in range(_SECANT):
        far = run(envelope + direction * hi)
        near = run(envelope + direction * (hi - step)) if hi - step > lo else None
        if far is None or near is None:
            break
        other = (far[0] - near[0]) / step
        differ = np.abs(slope - other) > SLOPE_SAME
        if not differ.any():
            break
        meet = (far[0][differ] - x0[differ] - hi * other[differ]) / (slope[differ] - other[differ])
        guess = float(np.min(meet[(meet > lo) & (meet < hi)], initial=hi))
        if guess >= hi - step:
            break
        on = run(envelope + direction * guess)
        if on is None or np.abs(on[0] - (x0 + guess * slope)).max() > tol(on[0]) * (1 + 2 * guess / lo):
            hi = guess
            continue
        lo, slope = guess, (on[0] - x0) / guess
        after = run(envelope + direction * min(hi, guess + step))
        if after is not None and np.abs(after[0] - (x0 + (guess + step) * slope)).max() <= tol(after[0]):
            lo = min(hi, guess + step)
            continue
        return Piece(direction * slope, envelope + direction * guess)
    for _ in range(_BISECT):  # more than one break between the probes
        mid = 0.5 * (lo + hi)
        at = run(envelope + direction * mid)
        if at is not None and np.abs(at[0] - (x0 + mid * slope)).max() <= tol(at[0]) * (1 + 2 * mid / lo):
            lo, slope = mid, (at[0] - x0) / mid  # the slope from the wider step
        else:
            hi = mid
        if hi - lo <= REPORT / 10:  # the end to a thousandth of a million
            break
    return Piece(direction * slope, envelope + direction * lo)


def _quick_piece(
    run: Callable[[float], tuple[np.ndarray, dict[tuple[str, int, int], float]] | None],
    line: Line,
    envelope: float,
    direction: float,
    reach: float,
    tol: Callable[[np.ndarray], float],
    rough: np.ndarray | None,
) -> tuple[Piece | None, tuple[float, float | None] | None]:
    """The piece in ``direction`` from two or three runs, when the bounds foresee its end.

    A small step gives a rough slope (or ``rough``, the other side's, per million moved
    in ``direction``); the line's end is foreseen from the bounds
    (:func:`.foresight.predicted_end`) and the line is checked at its end and half-way (and,
    when the end is not certain, just past it). Returns the piece, or ``None`` and
    where the search should go on (:func:`_piece`'s ``hint``; ``None``: from scratch).
    """
    x0 = line.x
    # above what the run counts as no money (AMOUNT), small beside the envelope
    small = min(reach, max(SLOPE_STEP * abs(envelope), 100 * AMOUNT))
    if reach <= 0 or small <= 0:
        return None, None
    given = rough is not None  # the other side's: checked by the caller, who compares the two
    if rough is None:
        first = run(envelope + direction * small)
        if first is None:
            return None, None
        rough = (first[0] - x0) / small
    end, sure, jump = predicted_end(line, rough, direction, reach)
    infinite = not np.isfinite(end)
    far = 2 * reach if infinite else end - (REPORT / 10 if jump else 0.0)
    if direction < 0 and infinite:
        far = reach  # down to an envelope of 0
    if far <= 2 * small:
        return None, None  # a break close by: search
    at_far, at_mid = run(envelope + direction * far), run(envelope + direction * far / 2)
    slope = (at_far[0] - x0) / far if at_far is not None else rough
    straight = at_mid is not None and np.abs(at_mid[0] - (x0 + far / 2 * slope)).max() <= 2 * tol(at_mid[0])
    if not given and small * np.abs(rough - slope).max() > 2 * tol(x0):
        straight = False
    if at_far is None or not straight:  # a break before ``far``: where to search
        if given:  # the other side's slope: does it hold for a small step?
            first = run(envelope + direction * small)
            if first is None or np.abs(first[0] - (x0 + small * rough)).max() > 4 * tol(first[0]):
                # ``envelope`` is itself a break: the caller sees the slopes differ
                return Piece(direction * (rough + 1.0), envelope), None
        # the rough slope is known to 2·tol/small: it tells half-way only when that is near
        allowance = tol(x0) * (1 + far / small)
        mid_on = at_mid is not None and np.abs(at_mid[0] - (x0 + far / 2 * rough)).max() <= allowance
        return None, (far / 2, far) if mid_on and far <= 2 * _GROWTH * small else (small, None)
    if not sure and not infinite:  # the end of a later year's bound: check that the line breaks
        past = run(envelope + direction * min(end + small, reach))
        if past is not None and np.abs(past[0] - (x0 + (end + small) * slope)).max() <= 2 * tol(past[0]):
            return None, (min(end + small, reach), None)
    # a jump belongs to the next piece: the range ends at the last envelope checked on the line
    stop = envelope + direction * (
        far if jump else end if not infinite else reach if direction < 0 else np.inf
    )
    return Piece(direction * slope, stop), None


def _rationed_tier(rows: pd.DataFrame) -> int | None:
    """The first tier (in ladder order) whose tasks do not all get their demand."""
    short = rows.groupby("tier")[["allocated", "demand"]].sum()
    short = short[short["allocated"] < short["demand"] - AMOUNT * np.maximum(1.0, short["demand"])]
    return int(short.index.min()) if len(short) else None


@dataclass(frozen=True)
class _Rise:
    tier: int | None
    level: float
    per_million: float


def _rise(allocation: Allocation, envelope: tuple[str, int], mine: np.ndarray, slope: np.ndarray) -> _Rise:
    """The rationed tier of an envelope, its level and rise, from the marginal vector (``level_rise``).

    ``mine`` marks the rows of the envelope's source and year, ``slope`` their gain per
    extra million. When no task rises, the first tier not covered, at its level, rising by 0.
    """
    rows = allocation.table[mine]
    planned = rows["planned"].to_numpy(float)
    years = list(allocation.years)
    if len(allocation.instances) == len(years):  # the plan the rule used: the document's, every year
        inst = allocation.instances[years.index(envelope[1])]
        by_id = dict(zip(inst.ids, inst.planned, strict=True))
        ids = rows.index.get_level_values("id").astype(str)
        planned = np.array([by_id.get(i, p) for i, p in zip(ids, planned, strict=True)], dtype=float)
    tier, allocated, demand, lower, upper = (
        rows[c].to_numpy(float) for c in ("tier", "allocated", "demand", "lower", "upper")
    )
    found = level_rise(allocation.rule, slope, tier, allocated, demand, lower, upper, planned)
    if found is not None:
        return _Rise(found.tier, found.level, found.per_million)
    rationed = _rationed_tier(rows)
    if rationed is None:
        return _Rise(None, 1.0, 0.0)
    return _Rise(rationed, allocation.levels.get((*envelope, rationed), 1.0), 0.0)


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
        ``holds_until``, and from the marginal vector (:mod:`.level_rise`)
        ``rationed_tier``, ``level`` and ``level_per_million``.
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

    source_of = table["funding_source"].to_numpy(object)
    group = np.searchsorted(np.asarray(allocation.years), task_year) * len(SOURCES)
    group += np.select([source_of == s for s in SOURCES], list(range(len(SOURCES))), 0)
    size = len(allocation.years) * len(SOURCES)
    spent = np.bincount(group, weights=table["allocated"].to_numpy(float), minlength=size)
    idle = np.array([allocation.envelopes[(s, y)] for y in allocation.years for s in SOURCES], dtype=float)
    idle -= spent
    starts = starts_of(allocation, group)
    task_code = np.unique(ids, return_inverse=True)[1]
    need = table["remaining_need"].to_numpy(float)
    carries = table["kind"].isin(["continuing", "new"]).to_numpy() & (need > AMOUNT)
    share = np.where(carries, table["demand"].to_numpy(float) / np.where(carries, need, 1.0), 0.0)
    marginal_parts = []
    records = []
    for source in SOURCES:
        for year in allocation.years:
            amount = float(allocation.envelopes[(source, year)])
            run = _evaluate(allocation, source, year)
            # beyond every cap and every waiting start's demand of the year nothing more moves
            of_year = table.loc[task_year == year]
            of_year = of_year.loc[of_year["funding_source"] == source, ["upper", "demand"]]
            reach = max(1.0, float(of_year.max(axis=1).sum()), amount)
            own = (task_year == year) & (table["funding_source"] == source).to_numpy()
            line = Line(
                x=table["allocated"].to_numpy(float),
                lower=table["lower"].to_numpy(float),
                demand=table["demand"].to_numpy(float),
                upper=table["upper"].to_numpy(float),
                own=own,
                group=group,
                task=task_code,
                year=np.searchsorted(np.asarray(allocation.years), task_year),
                share=share,
                here=allocation.years.index(year) * len(SOURCES) + SOURCES.index(source),
                idle=idle,
                starts=starts,
                exact=len(allocation.years) == 1,
            )
            quick, hint = _quick_piece(run, line, amount, 1.0, reach, tol, None)
            up = quick or _piece(run, amount, 1.0, reach, tol, hint)
            quick, hint = _quick_piece(run, line, amount, -1.0, amount, tol, -up.slope)
            down = quick or _piece(run, amount, -1.0, amount, tol, hint)
            rise = _rise(allocation, (source, year), own, up.slope[own])
            scale = max(1.0, float(np.abs(up.slope).max(initial=0.0)))
            same = float(np.abs(up.slope - down.slope).max(initial=0.0)) <= SLOPE_KINK * scale
            records.append(
                {
                    "envelope": source,
                    "year": year,
                    "amount": amount,
                    "holds_from": down.end if same else amount,
                    "holds_until": up.end,
                    "rationed_tier": rise.tier,
                    "level": rise.level,
                    "level_per_million": rise.per_million,
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

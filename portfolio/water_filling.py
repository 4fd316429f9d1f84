"""The closed form of the default rule: *water-filling*.

For the default proportional rule with no option other than the budget, the
ladder has a closed form: per source, tiers in order, tier 1 (commitments)
takes its demand ``D_1`` (infeasible if the envelope ``E`` is below it); each
later tier ``k`` gets the common coverage ``λ_k = min(1, remaining / D_k)`` of
its total demand ``D_k`` and the money left passes on; the new starts (tier 4)
start first-fit in the priority order of new starts, each with its whole demand
(``docs/model.md`` §6). Thousands of envelopes then cost a few array operations:
the budget frontier (:mod:`portfolio.frontiers`) and the simulation
(:mod:`portfolio.monte_carlo`) run on it when :func:`closed_form_applies`.
"""

from __future__ import annotations

import numpy as np

from .errors import InfeasibleError
from .model.instance import Instance
from .model.options import Options
from .money import format_vnd
from .tolerances import AMOUNT, FILL_ROUNDING, FREE

__all__ = [
    "closed_form_applies",
    "short_of_commitments",
    "water_fill",
    "water_fill_levels",
    "water_fill_starts",
]


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
    noise = FILL_ROUNDING * np.maximum(1.0, np.abs(env))  # below this, money left is the sums' rounding
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


def short_of_commitments(source: str, year: int, needed: float, available: float) -> str:
    """The message of an envelope below the commitments it must pay."""
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
    if envelope < commitments - FILL_ROUNDING * max(1.0, commitments):
        raise InfeasibleError(
            short_of_commitments(source, year, commitments, envelope),
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
    commitment_floor = np.where(inst.tier == 1, inst.demand, 0.0)
    return (
        opts.rule == "proportional"
        and opts.years == 1
        and not opts.tiers
        and not inst.rows
        and not inst.binary.any()
        and np.allclose(inst.lower, commitment_floor, rtol=0, atol=FREE)
        and np.allclose(inst.upper, inst.demand, rtol=0, atol=FREE)
    )

"""The rationed tier, its level and the level's rise per million, read from the marginal vector.

Where the extra million of an envelope goes is what the marginal vector says
(:mod:`portfolio.model.marginal`); the level that rises is that of the tasks it
raises. The *rationed tier* of an envelope (a source in a year) is the first
tier, in ladder order, with a task of that source and year whose allocation
rises with the envelope. Those tasks rose in one fill ``FILL(S, b, w, T)``
(docs/model.md §4), so each stands at ``b_i + t w_i`` for one common level
``t``, and one more million raises it by ``slope_i / w_i`` for every one of
them. A task held by a row, at its cap or at a floor of its own does not move and
says nothing of the level (the highest level at which any task of the tier
stopped can be that of a task the row holds at its cap).

The weights are the rule's (docs/model.md §4.2): for a task below its demand
``w_i = d_i`` (proportional), ``1`` (equal awards) or ``min(p_i, c_i)``
(closest to plan; a task at its plan rises in the second fill, from base
``min(p_i, c_i)`` with weight ``c_i − min(p_i, c_i)``); for a task at or above
its demand (pacing's headroom) ``w_i = u_i − d_i`` from base ``d_i``. Where the
rule has no common level (weighted, and tier 1, whose amounts are fixed) the
level is the tier's coverage, allocated / demand, and its rise ``Σ slope_i /
Σ d_i`` over the tier's tasks of that source and year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..tolerances import AMOUNT, RATE

__all__ = ["LevelRise", "fill_weights", "level_rise"]

#: The fills of a tier, in the order the ladder runs them (docs/model.md §4.2).
FIRST, TO_PLAN, HEADROOM = 0, 1, 2


@dataclass(frozen=True)
class LevelRise:
    """The rationed tier of an envelope, the level its moving tasks stand at and its rise per million."""

    tier: int
    level: float
    per_million: float


def fill_weights(
    rule: str,
    allocated: np.ndarray,
    demand: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    planned: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each task's fill, base ``b_i`` and weight ``w_i``, were it to rise from where it stands.

    Returns ``(fill, base, weight)``, ``fill`` one of ``FIRST``, ``TO_PLAN``
    (closest to plan, above the plan) or ``HEADROOM`` (above demand).

    Examples
    --------
    >>> fill, base, weight = fill_weights(
    ...     "proportional", *map(np.array, ([5.0, 10.0], [10.0, 10.0], [0.0, 0.0], [10.0, 15.0], [0.0, 0.0]))
    ... )
    >>> fill.tolist(), base.tolist(), weight.tolist()
    ([0, 2], [0.0, 10.0], [10.0, 5.0])
    """
    cap = np.minimum(upper, np.maximum(lower, demand))
    above = (allocated >= cap - AMOUNT * np.maximum(1.0, cap)) & (upper > cap)
    fill = np.where(above, HEADROOM, FIRST)
    base = np.where(above, demand, 0.0)
    weight = np.where(above, upper - demand, demand if rule != "equal_awards" else 1.0)
    if rule == "closest_to_plan":
        plan = np.minimum(planned, cap)
        to_plan = ~above & (allocated >= plan - AMOUNT * np.maximum(1.0, plan))
        fill = np.where(to_plan, TO_PLAN, fill)
        base = np.where(to_plan, plan, base)
        weight = np.where(to_plan, cap - plan, np.where(above, weight, plan))
    return fill, base, weight


def level_rise(
    rule: str,
    slope: np.ndarray,
    tier: np.ndarray,
    allocated: np.ndarray,
    demand: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    planned: np.ndarray,
) -> LevelRise | None:
    """The first tier the extra million raises, its level and the level's rise per million.

    All arrays are the tasks of one source and year; ``slope`` their gain per
    extra million in that envelope. ``None`` when no task rises.

    Examples
    --------
    Tier 3 is rationed at 30 %; B is held at its demand by a row, A and C rise:

    >>> arrays = map(np.array, ([0.3, 0.0, 0.7], [3, 3, 3], [30.0, 20.0, 70.0], [100.0, 20.0, 233.3],
    ...                         [0.0, 0.0, 0.0], [100.0, 20.0, 233.3], [0.0, 0.0, 0.0]))
    >>> found = level_rise("proportional", *arrays)
    >>> found.tier, round(found.level, 4), round(1 / found.per_million, 1)
    (3, 0.3, 333.3)
    """
    rising = slope > RATE  # less: float noise of the differences, no movement
    if not rising.any():
        return None
    first = int(tier[rising].min())
    mine = tier == first
    if rule == "weighted" or first == 1:  # no common level: the tier's coverage
        need = float(demand[mine].sum())
        if need <= 0:
            return LevelRise(first, 1.0, 0.0)
        return LevelRise(first, float(allocated[mine].sum()) / need, float(slope[mine].sum()) / need)
    fill, base, weight = fill_weights(rule, allocated, demand, lower, upper, planned)
    moving = mine & rising & (weight > 0)
    if not moving.any():
        return LevelRise(first, 1.0, 0.0)
    # the earliest fill that moves: its tasks share one level (a later fill's stand above it)
    moving &= fill == int(fill[moving].min())
    w = float(weight[moving].sum())
    # one common level and rise: a sum over the tasks is each of them, with float noise averaged
    return LevelRise(first, float((allocated - base)[moving].sum()) / w, float(slope[moving].sum()) / w)

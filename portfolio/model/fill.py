"""The fill stage in closed form, when only the envelopes bind the tier's tasks.

The fill stage of a tier (``docs/model.md`` §4) is the LP

    max Σ_s t_s   s.t.  x_i ≥ t_s w_i (i rationed),  l ≤ x ≤ u,  Σ_{src_i = s} x_i ≤ E_s,  0 ≤ t_s ≤ T.

Without analyst or agency rows, all-or-nothing starts or the closest-to-plan
row, the sources separate and each level is the largest ``t`` with

    f(t) = Σ_{i rationed} max(l_i, t w_i) ≤ E_s − Σ_{other tasks of s} l_j,   t ≤ T,  t ≤ min_i u_i / w_i,

``f`` increasing and piecewise linear with a breakpoint at each ``l_i / w_i``:
a sort and two cumulative sums. The simplex method needs about one pivot per
rationed task on this LP (the tight coverage rows enter the basis one by
one), which grows with the square of the tier: 0,5 s at 3.000 rationed tasks,
70 s at 30.000. The envelope's dual, ``∂t/∂E``, is ``1 / Σ w_i`` over the
tasks whose floor ``t w_i`` binds, and 0 when the level stops at its cap.
"""

from __future__ import annotations

import numpy as np

from ..tolerances import FREE

__all__ = ["fill_level", "progressive_level"]


def fill_level(
    lower: np.ndarray, upper: np.ndarray, weights: np.ndarray, room: float, cap: float, margin: float = 0.0
) -> tuple[float, float] | None:
    """The largest level one source's envelope pays its rationed tasks.

    Parameters
    ----------
    lower, upper, weights
        Bounds and weights (all > 0) of the source's rationed tasks.
    room
        The envelope less the floors of the source's other tasks.
    cap
        The level's own cap (1 for the proportional rule, ``inf`` for equal awards).
    margin
        How far below the room the floors ``max(l_i, t w_i)`` must stay when the
        envelope binds (room for a solver's rounding of their sum).

    Returns
    -------
    tuple or None
        ``(level, dual)``, the dual being ``∂ level / ∂ envelope``; ``None`` when
        the floors alone exceed the room (the LP then reports the infeasibility).

    Examples
    --------
    >>> fill_level(np.array([0.0, 0, 0]), np.array([10.0, 20, 40]), np.array([10.0, 20, 40]), 35.0, 1.0)
    (0.5, 0.014285714285714285)
    >>> fill_level(np.array([6.0, 0]), np.array([10.0, 10]), np.array([10.0, 10]), 10.0, 1.0)
    (0.4, 0.1)
    """
    if lower.sum() > room + FREE * max(1.0, abs(room)):
        return None
    cap = min(float(cap), float(np.min(upper / weights)))
    if not lower.any():  # no floors: f(t) = t Σ w
        total = float(weights.sum())
        level = max(0.0, (room - margin) / total)
        return (cap, 0.0) if level >= cap else (level, 1.0 / total)
    breaks = lower / weights
    order = np.argsort(breaks, kind="stable")
    b, w, lo = breaks[order], weights[order], lower[order]
    w_cum = np.cumsum(w)
    lo_after = lo[::-1].cumsum()[::-1] - lo  # floors of the tasks breaking later
    at_break = b * w_cum + lo_after  # f at each breakpoint (ties: the last one counts them all)
    # the last breakpoint f does not take above the room: there f(t) = t Σ_{j ≤ k} w_j + Σ_{j > k} l_j
    k = max(0, int(np.searchsorted(at_break, room, side="right")) - 1)
    level = max(0.0, float((room - lo_after[k]) / w_cum[k]))
    if level >= cap:
        return cap, 0.0
    target = room - margin
    for _ in range(3):
        over = float(np.maximum(lower, level * weights).sum()) - target
        if over <= 0:
            break
        level = max(0.0, level - over / w_cum[k])
    return level, float(1.0 / w_cum[k])


def progressive_level(
    lower: np.ndarray, upper: np.ndarray, weights: np.ndarray, room: float, margin: float = 0.0
) -> tuple[float, float] | None:
    """Equal awards' level after progressive filling, in one step.

    Tasks that reach their cap keep it while the level rises for the others,
    so the level is the largest ``t`` with ``Σ clip(t w_i, l_i, u_i) ≤ room``
    (``f`` piecewise linear, with breakpoints at ``l_i / w_i`` and ``u_i / w_i``);
    when every cap fits, the last cap reached, ``max u_i / w_i``.

    Returns
    -------
    tuple or None
        ``(level, dual)`` as :func:`fill_level`; ``None`` when the floors alone
        exceed the room.

    Examples
    --------
    >>> progressive_level(np.zeros(3), np.array([2.0, 5, 9]), np.ones(3), 12.0)
    (5.0, 1.0)
    >>> progressive_level(np.zeros(3), np.array([2.0, 5, 9]), np.ones(3), 20.0)
    (9.0, 0.0)
    """
    if lower.sum() > room + FREE * max(1.0, abs(room)):
        return None
    target = room - margin
    if upper.sum() <= target:
        return float(np.max(upper / weights)), 0.0
    points = np.concatenate([lower / weights, upper / weights])
    order = np.argsort(points, kind="stable")
    p = points[order]
    slope = np.cumsum(np.concatenate([weights, -weights])[order])  # f's slope just after each point
    f = lower.sum() + np.concatenate([[0.0], np.cumsum(slope[:-1] * np.diff(p))])  # f at each point
    k = max(0, int(np.searchsorted(f, target, side="right")) - 1)
    level = float(p[k] + max(0.0, target - f[k]) / slope[k])
    for _ in range(3):  # keep the floors' sum within the target despite rounding
        over = float(np.clip(level * weights, lower, upper).sum()) - target
        if over <= 0:
            break
        level = max(0.0, level - over / slope[k])
    return level, float(1.0 / slope[k])

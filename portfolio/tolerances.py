"""Every tolerance of the project, in one place, each with the reason for its size.

The model's, the readers' cross-check's and the display's. It imports nothing of
the project, so every layer, from the readers to the workbook, takes them from here.

Amounts are million VND; the appendix's are 10^-1 .. 10^5 and envelopes about
3·10^5. The promise is one allocation to 0,01 million VND on any backend
(``docs/model.md`` §4.3); every tolerance here is far below that.
"""

from __future__ import annotations

from typing import overload

import numpy as np

__all__ = [
    "AMOUNT",
    "COVERAGE",
    "DUAL_SUPPORT",
    "FILL_ROUNDING",
    "FREE",
    "HOLD",
    "HOLD_RELATIVE",
    "LEVEL",
    "LEVEL_EXACT",
    "PLANNED",
    "REPORT",
    "EIGEN_NOISE",
    "QUANTILE_EDGE",
    "RANK",
    "RATE",
    "ROW_ROUNDING",
    "SHARE",
    "SHOWN",
    "SLOPE_KINK",
    "SLOPE_SAME",
    "SLOPE_STEP",
    "SUM_NOISE",
    "WHOLE",
    "hold_slack",
    "kept_slack",
    "rounding_margin",
    "row_slack",
]

#: The promise: two allocations that agree to this many million VND are the same answer.
REPORT = 0.01

#: An amount (or a difference of amounts) at most this large is nothing: a task
#: with no money, a bound met. Far above float rounding of sums of 10^5, far below REPORT.
AMOUNT = 1e-6

#: A task is free in a stage when its upper bound exceeds its lower by more than this.
FREE = 1e-9

#: A level within this (relative) of its cap has reached the cap.
LEVEL = 1e-12

#: Relative uncertainty of a level recomputed exactly from the equations that hold at
#: the optimum (``faces.vertex_value``): float rounding, whatever the backend's digits.
LEVEL_EXACT = 1e-9

#: A coverage row whose share of the level's dual, ``-y_i w_i`` (they add up to 1),
#: exceeds this holds in every optimum: complementary slackness with that dual.
DUAL_SUPPORT = 1e-9

#: For the reasons (``portfolio.model.reasons``): an amount within ``HOLD`` plus
#: ``HOLD_RELATIVE`` of itself from a bound is held there. The absolute part is
#: 1.000 đồng, ten times below REPORT; the relative part is ten times CBC's declared
#: precision (1e-8), so an envelope of 3·10^5 that one backend spends to the last
#: digit and another to 10^-3 is spent on both, and the codes are the same on every backend.
HOLD = 1e-3
HOLD_RELATIVE = 1e-7

#: For the document's cross-check (``portfolio.crosscheck``): each row of a group may
#: be shown rounded to the last digit its total shows, so the rows may miss a stated
#: total by half that digit per row (at least one digit) before a row must be missing.
#: The plan's own slips are one million on totals of 39 rows.
ROW_ROUNDING = 0.5

#: For the closed form of water-filling (``portfolio.water_filling``) and what runs on
#: it (the frontier, the simulation): money left over or missing up to this share of an
#: envelope (or of 1 million VND, if more) is the rounding of its sums, so an envelope
#: this close to the commitments meets them. A frontier read between its points
#: (``coverage_at``) takes an envelope this many million VND past either end as on it.
FILL_ROUNDING = 1e-9

#: For the explanations (``portfolio.explanations``): a difference from the document's
#: plan up to this many million VND is "as planned". Half a million: Kế hoạch 325/KH-UBND
#: plans in whole millions, so a smaller difference is none it could have written.
PLANNED = 0.5

#: For the explanations: a task's coverage within this of its tier's common coverage is
#: that common coverage, and its reason says so. The last digit of a coverage as the
#: reasons write it (0,01%).
COVERAGE = 1e-4

#: For sensitivity's foresight (``portfolio.model.foresight``): a rate at which a task's
#: amount or a year's idle money moves per million VND of an envelope at most this is no
#: movement. The rates are sums of shares that add up to 1, so this is their float noise.
RATE = 1e-9

#: For the document's cross-check: float noise of a sum of the document's amounts (at
#: most 10^6 million VND, with at most two decimals), added to the gap a sum may have.
SUM_NOISE = 1e-9

#: A ratio within this of a whole number is that number: a lease's remaining need over
#: its yearly payment, a count of years (at most 10^6 / 10^-2; float noise is 10^-8 of that).
WHOLE = 1e-6

#: For the exact values of ``faces.vertex_value``: a singular value of the equations that
#: hold at the optimum at most this share of their largest is zero. Their coefficients are
#: 1, the weights and the rows' shares, all of order 1, so the float noise of a singular
#: value is about 10^-15 of the largest; a true one is far above this.
RANK = 1e-10

#: For ``marginal()``: the step by which a slope is measured, per million VND of the
#: envelope (at least one million). Far above the float noise of the amounts (10^-12 of
#: the envelope), far below the length of a piece (whole millions in the plan).
SLOPE_STEP = 1e-6

#: For ``marginal()``'s search for where a piece ends: two slopes (millions per million)
#: closer than this are the same line, which has no meeting point with it; any larger
#: difference gives one, and each meeting point is checked on the line before it is used.
SLOPE_SAME = 1e-12

#: For ``marginal()``: the slopes up and down from an envelope within this share of the
#: largest slope are one line through it (the envelope is not the end of a piece).
SLOPE_KINK = 1e-6

#: For the budget's distributions (``portfolio.uncertainty``): a draw's probability is kept
#: this far from 0 and 1, where many distributions' quantiles are infinite.
QUANTILE_EDGE = 1e-12

#: For a correlation matrix (``portfolio.uncertainty``): an eigenvalue above minus this is
#: not negative. The entries are in [-1, 1], so eigh's float noise is about 10^-15.
EIGEN_NOISE = 1e-9

#: A share (a coverage, a part of a whole, between 0 and 1) within this of 0 or 1 is
#: 0 or 1: the float noise of sums and differences of amounts divided by their whole.
SHARE = 1e-12

#: For display: a figure within this share of itself from one with fewer digits is shown
#: with those digits (76.559,18 and not 76.559,180000001; a rate of 1/266.884).
SHOWN = 1e-6

_EPS = float(np.finfo(float).eps)


@overload
def hold_slack(amount: float) -> float: ...


@overload
def hold_slack(amount: np.ndarray) -> np.ndarray: ...


def hold_slack(amount: float | np.ndarray) -> float | np.ndarray:
    """How far from a bound of size ``amount`` an amount may be and still be held there."""
    if isinstance(amount, np.ndarray):
        return HOLD + HOLD_RELATIVE * np.abs(amount)
    return HOLD + HOLD_RELATIVE * abs(float(amount))


def kept_slack(value: float, precision: float) -> float:
    """Room given to a kept optimum (``U ≥ U* − ε``, ``D ≤ D* + ε``).

    ``precision`` is the backend's declared relative precision; the optimum
    comes from its objective line, accurate to at least that.
    """
    return 4.0 * precision * max(1.0, abs(float(value)))


def row_slack(bound: np.ndarray, precision: float) -> np.ndarray:
    """Room below the ``≥`` side of a stage problem's rows (agency floors, analyst rows).

    Amounts are computed from levels that a backend reports to its precision, so a
    floor met at one stage may fall short by that much at the next; this room keeps
    the next stage feasible. ``≤`` sides get none: levels are projected onto them
    exactly (see ``progressive``), and no stage may spend more than an envelope.
    """
    finite = np.where(np.isfinite(bound), np.abs(bound), 0.0)
    return precision * np.maximum(1.0, finite)


def rounding_margin(amount: float, terms: int) -> float:
    """Room to leave below a bound of ``amount`` for the rounding of a sum of ``terms`` amounts.

    A sum's rounding grows like ``sqrt(terms) · eps · |sum|``. While that stays
    below the solvers' absolute feasibility tolerance (1e-7) nothing is left (the
    appendix: about 1e-8); beyond it (10.000 tasks: envelopes of 10^7–10^8 million
    VND) sums are kept 16 such roundings below the bound, so that a solver adding
    the same amounts in another order still finds them within it.
    """
    rounding = 16 * _EPS * abs(float(amount)) * float(np.sqrt(max(terms, 1)))
    return rounding if rounding >= 1e-7 else 0.0

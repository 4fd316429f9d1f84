"""What the reasons of one allocation year draw on, in English and in Vietnamese alike.

The plan year's table and reason codes row for row (:func:`first_year`), the
figures every reason reads (:class:`ReasonContext`: the rule, the envelopes and
whether each is spent, the levels the rule reached, the options' numbers), and
the checks both languages make the same way: how close to a bound is at it
(:func:`slack`), whether a task finishes this year (:func:`finishing`) and whether
its tier is the ladder's own or the scenario's (:func:`tier_set_by_scenario`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, overload

import numpy as np
import pandas as pd

from .model import hold_slack, make_selector, priority_weights
from .start_notes import start_notes

if TYPE_CHECKING:
    from .model import Allocation

__all__ = [
    "LEGAL_BASIS",
    "ReasonContext",
    "finishing",
    "first_year",
    "reason_context",
    "slack",
    "tier_set_by_scenario",
]

#: Legal references quoted in reasons (as the rest of the library cites them).
LEGAL_BASIS = {
    "ladder": "Luật Đầu tư công 2019 Đ51 k4–k5",
    "all_or_nothing": "Luật Đầu tư công 2019 Đ51 k5",
}


@dataclass(frozen=True)
class ReasonContext:
    """What every reason of one allocation year draws on."""

    rule: str
    year: int
    custom_tiers: bool
    pacing: float
    seed_share: float
    envelope: dict[str, float]
    spent: dict[str, bool]  # source -> its envelope is held at its bound
    levels: dict[tuple[str, int], float]
    earlier: dict[tuple[str, int], tuple[float, list[int]]]
    weight: dict[str, float]
    rows: pd.DataFrame
    start_words: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)  # tier label by task id, where made ahead


def slack(*values: float) -> float:
    """How far from the largest of ``values`` an amount may be and still be held there."""
    return hold_slack(max(abs(v) for v in values))


@overload
def finishing(remaining_need: float, demand: float) -> bool: ...


@overload
def finishing(remaining_need: np.ndarray, demand: np.ndarray) -> np.ndarray: ...


def finishing(remaining_need: float | np.ndarray, demand: float | np.ndarray) -> bool | np.ndarray:
    """Whether this year's demand pays the remaining need: the task finishes this year."""
    if isinstance(demand, np.ndarray):
        return np.asarray(remaining_need) <= demand + hold_slack(demand)
    return bool(remaining_need <= demand + hold_slack(demand))


def tier_set_by_scenario(tier: int, kind: str, finishes: bool, custom_tiers: bool) -> bool:
    """Whether a task's tier is not the ladder's own for its kind, but the scenario's ``tiers``.

    The ladder's own: 1 for a lease or an annual task, 4 for a new one, 2 for a
    task finishing this year, else 3; a tier outside 1–4 is always the scenario's.
    """
    default = {"lease": 1, "annual": 1, "new": 4}.get(kind, 2 if finishes else 3)
    return custom_tiers and tier != default or tier not in (1, 2, 3, 4)


def first_year(allocation: Allocation) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table and the reasons of the plan year, row for row."""
    year = allocation.years[0]
    reasons = allocation.reasons
    of_year = reasons.index.get_level_values("year") == year
    return allocation.year_table(year), reasons[of_year].droplevel("year")


def reason_context(allocation: Allocation, table: pd.DataFrame) -> ReasonContext:
    """The :class:`ReasonContext` of the plan year of ``allocation`` (``table``: its year table)."""
    options, year = allocation.options, allocation.years[0]
    weight = priority_weights(options, make_selector(table))
    rows = allocation.rows[allocation.rows["year"] == year]
    envelopes = rows[rows["family"] == "envelope"]
    by_tier = table.groupby(["funding_source", "tier"])["allocated"].sum()
    earlier: dict[tuple[str, int], tuple[float, list[int]]] = {}
    for key in by_tier.index:
        source, tier = str(key[0]), int(key[1])
        before = [int(t) for s, t in by_tier.index if s == source and t < tier]
        earlier[(source, tier)] = (float(sum(by_tier[(source, t)] for t in before)), before)
    return ReasonContext(
        rule=allocation.rule,
        year=year,
        custom_tiers=bool(options.tiers),
        pacing=options.pacing,
        seed_share=options.seed_share,
        envelope={str(s): float(v) for s, v in zip(envelopes["name"], envelopes["upper"], strict=True)},
        spent={str(s): h == "upper" for s, h in zip(envelopes["name"], envelopes["held"], strict=True)},
        levels={(s, t): v for (s, y, t), v in allocation.levels.items() if y == year},
        earlier=earlier,
        weight=dict(zip(map(str, table.index), weight.tolist(), strict=True)),
        rows=rows,
        start_words=start_notes(allocation),
    )

"""Closed forms against the LPs they replace, on thousands of random small portfolios.

- ``water_filling.water_fill`` (the default rule's closed form, used by ``frontier``)
  against the LP ladder (``solve_ladder``) and against ``optimize``;
- the closed-form fill (``model/fill.py``, used whenever only the envelopes
  bind) against the fill LPs of the progressive filling, with floors (seed
  share), caps (pacing) and both rules that fill (proportional; equal awards,
  whose progressive filling the closed form does in one step).

Seeded numpy, so every run checks the same portfolios.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import portfolio as pf
import portfolio.model.progressive as progressive
from portfolio.errors import InfeasibleError
from portfolio.model.fill import fill_level, progressive_level
from portfolio.model.instance import Instance
from portfolio.model.ladder import natural_key, solve_ladder
from portfolio.model.options import SOURCES
from portfolio.water_filling import water_fill

TOL = 1e-6


def _instance(
    rng: np.random.Generator,
    *,
    lower_share: float = 0.0,
    pacing: float = 1.0,
    sources: int = 2,
) -> Instance:
    """A random year: 2–12 tasks, tiers 1–4, demands with zeros and wide spreads."""
    n = int(rng.integers(2, 13))
    demand = np.round(rng.lognormal(3.0, 1.5, n) * (rng.random(n) > 0.1), 3)
    tier = rng.integers(1, 5, n)
    source = rng.integers(0, sources, n)
    commitment = tier == 1
    upper = np.where(commitment, demand, demand * pacing)
    lower = np.where(commitment, demand, np.round(lower_share * rng.random(n) * demand, 3))
    full = np.bincount(source, weights=upper, minlength=len(SOURCES))
    floor = np.bincount(source, weights=lower, minlength=len(SOURCES))
    # envelopes from a bit below the floors (infeasible) to above full demand
    envelope = np.round(floor + (full - floor) * rng.uniform(-0.05, 1.1, len(SOURCES)), 3)
    return Instance(
        year=2024,
        derived=pd.DataFrame(),
        ids=tuple(f"B{i + 1}" for i in range(n)),
        source=source,
        tier=tier,
        envelope=np.maximum(envelope, 0.0),
        demand=demand,
        remaining=upper,
        planned=np.zeros(n),
        lower=lower,
        upper=upper,
        lower_reason=np.where(commitment, "commitment", "none").astype(object),
        upper_reason=np.full(n, "demand", dtype=object),
        weight=np.ones(n),
        binary=np.zeros(n, dtype=bool),
        not_started=np.zeros(n, dtype=bool),
        rows=(),
    )


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.all(np.abs(np.asarray(a) - np.asarray(b)) <= TOL * np.maximum(1.0, np.abs(b))))


def test_water_fill_equals_the_lp_ladder_on_random_portfolios() -> None:
    rng = np.random.default_rng(20240101)
    checked = infeasible = 0
    for _ in range(1500):
        inst = _instance(rng)
        closed = np.zeros(inst.n)
        levels: dict[tuple[str, int], float] = {}
        try:
            for s, source in enumerate(SOURCES):
                mine = inst.source == s
                if not mine.any():
                    continue
                envelope = float(inst.envelope[s])
                closed[mine], by_tier = water_fill(inst.demand[mine], inst.tier[mine], envelope)
                levels.update({(source, t): v for t, v in by_tier.items()})
        except InfeasibleError:
            with pytest.raises(InfeasibleError):
                solve_ladder(inst, closed_form_from=10**9)
            infeasible += 1
            continue
        result = solve_ladder(inst, closed_form_from=10**9)  # every fill an LP
        assert _close(result.x, closed), (inst, result.x, closed)
        for key, level in result.levels.items():
            total = inst.demand[(inst.source == SOURCES.index(key[0])) & (inst.tier == key[1])].sum()
            if total > 1e-9:  # a tier without demand has no meaningful level
                assert abs(level - levels[key]) <= TOL, (key, level, levels[key])
        checked += 1
    assert checked > 1000 and infeasible > 50


def test_water_fill_equals_optimize_on_synthetic_portfolios() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/ is not installed
    from benchmarks.generate import synthetic

    rng = np.random.default_rng(7)
    for seed in range(40):
        tasks = synthetic(int(rng.integers(5, 60)), seed=seed)
        derived = pf.derive(tasks, 2024)
        full = derived.groupby("funding_source")["annual_demand"].sum()
        budget = {s: float(full.get(s, 0.0) * rng.uniform(0.3, 1.1)) for s in SOURCES}
        try:
            allocation = pf.optimize(tasks, budget=budget)
        except InfeasibleError:
            continue
        for source in SOURCES:
            mine = derived["funding_source"] == source
            demand, tier = derived.loc[mine, "annual_demand"].to_numpy(), derived.loc[mine, "tier"].to_numpy()
            # new starts in the stated order: the document's planned amount, then the id (all weights 1)
            mine_rows = derived[mine].reset_index()
            new = mine_rows.index[mine_rows["kind"] == "new"]
            starts = sorted(
                new, key=lambda i: (-mine_rows.loc[i, "planned"], natural_key(mine_rows.loc[i, "id"]))
            )
            x, levels = water_fill(demand, tier, budget[source], starts=np.asarray(starts, dtype=int))
            assert _close(allocation.year_table().loc[mine, "allocated"].to_numpy(), x)
            for tier, level in levels.items():
                if derived.loc[mine & (derived["tier"] == tier), "annual_demand"].sum() > 0:
                    assert abs(allocation.levels[(source, 2024, tier)] - level) <= TOL


@pytest.mark.parametrize(
    ("seed", "rule", "lower_share", "pacing"),
    [
        (1, "proportional", 0.0, 1.0),
        (2, "proportional", 0.3, 1.0),
        (3, "proportional", 0.2, 1.5),
        (4, "equal_awards", 0.0, 1.0),
        (5, "equal_awards", 0.2, 1.0),
        (6, "equal_awards", 0.2, 1.5),
    ],
)
def test_closed_form_fill_equals_the_fill_lp(
    monkeypatch: pytest.MonkeyPatch, seed: int, rule: str, lower_share: float, pacing: float
) -> None:
    rng = np.random.default_rng(seed)
    used = []
    for name in ("fill_level", "progressive_level"):
        real = getattr(progressive, name)
        monkeypatch.setattr(progressive, name, lambda *a, real=real: used.append(1) or real(*a))
    compared = 0
    for _ in range(300):
        inst = _instance(rng, lower_share=lower_share, pacing=pacing)
        try:
            by_lp = solve_ladder(inst, rule, closed_form_from=10**9)
        except InfeasibleError:
            with pytest.raises(InfeasibleError):
                solve_ladder(inst, rule, closed_form_from=1)
            continue
        closed = solve_ladder(inst, rule, closed_form_from=1)
        for key, level in by_lp.levels.items():
            tier = (inst.source == SOURCES.index(key[0])) & (inst.tier == key[1])
            if np.any(
                by_lp.x[tier] > inst.lower[tier] + 1e-9
            ):  # else no level rose: any t below the floors fits
                assert abs(closed.levels[key] - level) <= TOL * max(1.0, abs(level)), key
        # money beyond demand (pacing) is shared by headroom in both: one answer
        assert _close(closed.x, by_lp.x)
        compared += 1
    assert compared > 200 and len(used) > 500  # the closed form did run


def test_progressive_level_by_hand() -> None:
    # caps 2, 5, 9 and 12 to share: 2 + 5 + 5 -> level 5; one more million raises the last one only
    assert progressive_level(np.zeros(3), np.array([2.0, 5, 9]), np.ones(3), 12.0) == (5.0, 1.0)
    # floors 3 and 0, caps 4 and 10, room 9: 4 + 5 -> level 5, the first task capped
    assert progressive_level(np.array([3.0, 0]), np.array([4.0, 10]), np.ones(2), 9.0) == (5.0, 1.0)
    # everything fits: the last cap reached, and more money buys nothing
    assert progressive_level(np.zeros(2), np.array([3.0, 8]), np.ones(2), 100.0) == (8.0, 0.0)
    assert progressive_level(np.array([5.0, 6]), np.array([9.0, 9]), np.ones(2), 10.0) is None


def test_fill_level_duals_and_floors() -> None:
    # proportional: 35 over demands 10, 20, 40 -> level 0.5, one more million buys 1/70
    level, dual = fill_level(np.zeros(3), np.array([10.0, 20, 40]), np.array([10.0, 20, 40]), 35.0, 1.0)
    assert (level, dual) == (0.5, pytest.approx(1 / 70))
    # a floor of 6 above the level's 4: only the other task's demand moves with the envelope
    assert fill_level(np.array([6.0, 0]), np.array([10.0, 10]), np.array([10.0, 10]), 10.0, 1.0) == (
        pytest.approx(0.4),
        pytest.approx(0.1),
    )
    # enough money: the level stops at its cap and more money buys nothing
    assert fill_level(np.zeros(2), np.array([1.0, 2]), np.array([1.0, 2]), 10.0, 1.0) == (1.0, 0.0)
    # equal awards: the level stops at the smallest cap
    assert fill_level(np.zeros(2), np.array([3.0, 8]), np.ones(2), 100.0, np.inf) == (3.0, 0.0)
    # floors above the room: no level (the LP reports the infeasibility)
    assert fill_level(np.array([5.0, 6]), np.array([9.0, 9]), np.ones(2), 10.0, 1.0) is None
    # a margin keeps the floors' sum below the room
    level, _ = fill_level(np.zeros(3), np.full(3, 1e8), np.full(3, 1e8), 1.5e8, 1.0, margin=1e-3)
    assert 3 * level * 1e8 <= 1.5e8 - 1e-3

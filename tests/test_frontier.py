"""The budget frontier: water-filling equals the ladder, coverage grows with the envelope, fast."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import portfolio as pf
from portfolio.errors import InfeasibleError, ScenarioError
from portfolio.frontiers import COLUMNS, frontier, water_fill, water_fill_levels
from portfolio.model.ladder import natural_key
from portfolio.model.options import SOURCES

TIER1, TIER2, TIER3, TIER4 = 70166.533333333, 176217.95, 266884.0, 276375.75  # recurrent demand
FULL_RECURRENT = TIER1 + TIER2 + TIER3 + TIER4
FULL_INVESTMENT = 63819.0 + 46688.0


def test_water_fill_by_hand() -> None:
    demand = np.array([10.0, 5.0, 20.0, 40.0, 30.0, 7.0])
    tier = np.array([1, 1, 2, 3, 3, 4])
    x, levels = water_fill(demand, tier, 50.0)
    # 15 to commitments, 20 to tier 2, 15 of 70 to tier 3, nothing to tier 4
    assert levels == pytest.approx({1: 1.0, 2: 1.0, 3: 15 / 70, 4: 0.0})
    assert x == pytest.approx([10, 5, 20, 40 * 15 / 70, 30 * 15 / 70, 0])
    assert x.sum() == pytest.approx(50.0)
    x, levels = water_fill(demand, tier, 1000.0)
    assert x == pytest.approx(demand) and set(levels.values()) == {1.0}


def test_water_fill_without_commitments_or_with_empty_tier() -> None:
    x, levels = water_fill(np.array([0.0, 10.0, 30.0]), np.array([2, 3, 4]), 20.0)
    assert levels == {2: 1.0, 3: 1.0, 4: pytest.approx(1 / 3)}
    assert x == pytest.approx([0.0, 10.0, 10.0])


def test_water_fill_below_commitments() -> None:
    with pytest.raises(InfeasibleError) as caught:
        water_fill(np.array([10.0, 5.0]), np.array([1, 2]), 4.0, source="recurrent", year=2024)
    assert caught.value.shortfall == pytest.approx(6.0)
    assert str(caught.value).startswith("recurrent envelope 2024: commitments need 10,0")


def test_water_fill_levels_vectorised() -> None:
    tiers, levels, totals, commitments = water_fill_levels(
        np.array([10.0, 20.0, 40.0]), np.array([1, 2, 3]), np.array([10.0, 20.0, 30.0, 50.0, 70.0, 99.0])
    )
    assert tiers.tolist() == [1, 2, 3] and totals.tolist() == [10, 20, 40] and commitments == 10
    assert levels[:, 1] == pytest.approx([0, 0.5, 1, 1, 1, 1])
    assert levels[:, 2] == pytest.approx([0, 0, 0, 0.5, 1, 1])


@pytest.mark.parametrize("source", SOURCES)
def test_closed_form_equals_the_ladder_at_random_envelopes(tasks: pf.TaskList, source: str) -> None:
    from portfolio.demand import derive

    derived = derive(tasks, 2024)
    mine = derived[derived["funding_source"] == source]
    demand, tier = mine["annual_demand"].to_numpy(float), mine["tier"].to_numpy(int)
    low = demand[tier == 1].sum()
    rng = np.random.default_rng(325)
    rows = mine.reset_index()
    new = rows.index[rows["kind"] == "new"]  # the priority order of new starts: planned, then id
    starts = np.asarray(sorted(new, key=lambda i: (-rows.loc[i, "planned"], natural_key(rows.loc[i, "id"]))))
    for envelope in rng.uniform(low, demand.sum() * 1.05, size=20):
        x, levels = water_fill(demand, tier, float(envelope), starts=starts)
        allocation = pf.optimize(tasks, budget={source: float(envelope)})
        for t, level in levels.items():
            assert allocation.levels[(source, 2024, t)] == pytest.approx(level, abs=1e-6), (envelope, t)
        solved = allocation.year_table().loc[mine.index, "allocated"].to_numpy(float)
        assert np.abs(solved - x).max() < 1e-3


@pytest.fixture(scope="module")
def sweep(tasks: pf.TaskList) -> pd.DataFrame:
    return frontier(tasks, points=200)


def test_frontier_shape_and_ends(sweep: pd.DataFrame) -> None:
    assert list(sweep.columns) == COLUMNS
    assert len(sweep) == 200 * 4
    assert set(sweep["source"]) == {"recurrent"}
    assert not sweep["failed"].any() and (sweep["reason"] == "").all()
    first, last = sweep[sweep["point"] == 0], sweep[sweep["point"] == 199]
    assert first["envelope"].iloc[0] == pytest.approx(TIER1)
    assert last["envelope"].iloc[0] == pytest.approx(FULL_RECURRENT)
    assert first.set_index("tier")["coverage"].to_dict() == pytest.approx({1: 1, 2: 0, 3: 0, 4: 0}, abs=1e-12)
    assert (last["coverage"] == 1.0).all()
    assert last["allocated"].to_numpy() == pytest.approx([TIER1, TIER2, TIER3, TIER4])
    assert sweep["fraction"].iloc[-1] == pytest.approx(1.0)


def test_frontier_coverage_non_decreasing(sweep: pd.DataFrame) -> None:
    for tier, part in sweep.groupby("tier"):
        assert (np.diff(part["envelope"].to_numpy()) > 0).all()
        if tier < 4:  # new starts are first fit, whole or not at all: their share may step back
            assert (np.diff(part["coverage"].to_numpy()) >= -1e-12).all()
    # the money of every point adds up to its envelope until tier 3 is full; then what no
    # new start fits in whole stays unspent (less than every new task left out needs)
    spent = sweep.groupby("point").agg(envelope=("envelope", "first"), allocated=("allocated", "sum"))
    wide = sweep.pivot(index="point", columns="tier", values="coverage")
    rationed = (wide[3] < 1).to_numpy()
    allocated, envelope = spent["allocated"].to_numpy(), spent["envelope"].to_numpy()
    assert allocated[rationed] == pytest.approx(envelope[rationed], rel=1e-12)
    left = (spent["envelope"] - spent["allocated"]).to_numpy()
    assert (left >= -1e-6).all() and (left[~rationed] < 145687.5 + 1e-6).all()  # C14, the largest, 145.687,5
    # tiers fill in order: a tier starts only when the one before is full
    wide = sweep.pivot(index="point", columns="tier", values="coverage")
    for k in (3, 4):
        assert ((wide[k] == 0) | (wide[k - 1] == 1)).all()


def test_frontier_at_the_document_envelope(tasks: pf.TaskList) -> None:
    point = frontier(tasks, start=332401, stop=332401, points=1).set_index("tier")
    assert point.loc[3, "coverage"] == pytest.approx((332401 - TIER1 - TIER2) / TIER3, rel=1e-12)
    assert round(point.loc[3, "coverage"], 4) == 0.3223
    invest = frontier(tasks, source="investment", start=66390, stop=66390, points=1).set_index("tier")
    assert invest.loc[3, "coverage"] == 1.0
    assert invest.loc[4, "coverage"] == 0  # 2.571 left: neither D3 (20.000) nor D4 (26.688) starts


def test_frontier_failed_points_below_commitments(tasks: pf.TaskList) -> None:
    sweep = frontier(tasks, start=0, stop=TIER1 * 2, points=5)
    failed = sweep[sweep["failed"]]
    assert sorted(set(failed["point"])) == [0, 1]  # 0 and 35.083,27 are below 70.166,53
    assert failed["coverage"].isna().all() and failed["allocated"].isna().all()
    assert failed["reason"].str.contains("recurrent envelope 2024: commitments need 70.166,5").all()
    assert failed["reason"].str.contains("short by").all()
    ok = sweep[~sweep["failed"]]
    assert (ok["reason"] == "").all() and ok["coverage"].notna().all()
    with pytest.raises(InfeasibleError, match="short by 70.166,5"):
        frontier(tasks, start=0, stop=TIER1 * 2, points=5, raise_on_failure=True)


def test_frontier_has_every_point(tasks: pf.TaskList) -> None:
    sweep = frontier(tasks, points=1000)
    assert sweep["point"].nunique() == 1000


def test_frontier_both_sources(tasks: pf.TaskList) -> None:
    sweep = frontier(tasks, source="both", points=11)
    assert list(dict.fromkeys(sweep["source"])) == ["recurrent", "investment"]
    by_point = sweep.groupby("point")["fraction"]
    assert (by_point.max() - by_point.min()).max() < 1e-12
    start = sweep["fraction"].iloc[0]
    assert start == pytest.approx(TIER1 / FULL_RECURRENT)  # investment has no commitments
    last = sweep[sweep["point"] == 10]
    assert (last["coverage"] == 1.0).all()
    assert last.groupby("source")["envelope"].first().to_dict() == pytest.approx(
        {"recurrent": FULL_RECURRENT, "investment": FULL_INVESTMENT}
    )


def test_frontier_falls_back_to_the_solver(tasks: pf.TaskList) -> None:
    envelope = 400000.0
    for kwargs in ({"rule": "equal_awards"}, {"locked": {"B38": 50000}}):
        row = frontier(tasks, start=envelope, stop=envelope, points=1, **kwargs).set_index("tier")
        allocation = pf.optimize(tasks, budget={"recurrent": envelope}, **kwargs)
        table = allocation.by_tier().loc["recurrent"]
        assert row["allocated"].to_numpy() == pytest.approx(table["allocated"].to_numpy(), abs=1e-6)
        assert row["coverage"].to_numpy() == pytest.approx(table["coverage"].to_numpy(), abs=1e-9)
    sweep = frontier(tasks, rule="weighted", start=50000, stop=300000, points=2)
    assert sweep.loc[sweep["point"] == 0, "failed"].all()
    assert sweep.loc[sweep["point"] == 1, "coverage"].notna().all()


def test_frontier_other_source_keeps_its_budget(tasks: pf.TaskList) -> None:
    sweep = frontier(tasks, source="investment", points=3, budget={"recurrent": 1.0}, rule="equal_awards")
    assert sweep["failed"].all()  # the recurrent envelope of 1 cannot pay the commitments
    assert sweep["reason"].str.startswith("recurrent envelope 2024").all()


def test_frontier_bad_arguments(tasks: pf.TaskList) -> None:
    with pytest.raises(ScenarioError, match="field 'source'"):
        frontier(tasks, source="health")
    with pytest.raises(ScenarioError, match="field 'points'"):
        frontier(tasks, points=0)
    with pytest.raises(ScenarioError, match="field 'start'"):
        frontier(tasks, start=5, stop=1)


def test_frontier_feeds_the_plot(tasks: pf.TaskList, tmp_path: Path) -> None:
    plots = pytest.importorskip("portfolio.plots")
    ax = plots.plot_frontier(frontier(tasks, source="both", points=20, start=0))
    plots.save_figure(ax, tmp_path / "frontier.png")
    assert (tmp_path / "frontier.png").read_bytes()[:4] == b"\x89PNG"

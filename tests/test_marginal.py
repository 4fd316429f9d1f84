"""Sensitivity made precise (MODEL §7): the marginal vector against finite differences.

``x(E + δ) − x(E) = δ · marginal`` for every δ with ``E + δ`` inside
``[holds_from, holds_until]``; checked at two steps per envelope, by hand on the
appendix (the claims of the issue that found the old sensitivity wrong).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import make_tasks
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_model_properties import portfolios

import portfolio as pf
from portfolio.model.options import RULES


def _moved_run(allocation: pf.Allocation, source: str, year: int, delta: float) -> pf.Allocation:
    """The allocation's own run with one envelope moved by ``delta``."""
    years = allocation.years
    budget: dict[str, object] = {}
    for s in ("recurrent", "investment"):
        amounts = [allocation.envelopes[(s, y)] + (delta if (s, y) == (source, year) else 0.0) for y in years]
        budget[s] = amounts if len(years) > 1 else amounts[0]
    options = allocation.options.model_dump()
    options.pop("budget")
    return pf.optimize(allocation.tasks, budget=budget, **options)


def _moved(allocation: pf.Allocation, source: str, year: int, delta: float) -> pd.Series:
    """Each task's allocation (summed over the run) with one envelope moved by ``delta``."""
    return _moved_run(allocation, source, year, delta).allocated


def _fills(rule: str, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each task's fill (0 to demand, 1 above the plan, 2 above demand) and weight (docs/model.md §4.2).

    Proportional ``w = d``; equal awards ``w = 1``; closest to plan ``w = min(p, c)``, above the
    plan ``c − min(p, c)``; above demand (pacing's headroom) ``w = u − d``.
    """
    x, d, lo, u, p = (rows[c].to_numpy(float) for c in ("allocated", "demand", "lower", "upper", "planned"))
    cap = np.minimum(u, np.maximum(lo, d))
    fill, weight = np.zeros(len(rows), int), d.copy() if rule != "equal_awards" else np.ones(len(rows))
    if rule == "closest_to_plan":
        plan = np.minimum(p, cap)
        at_plan = x >= plan - 1e-6 * np.maximum(1.0, plan)
        fill[at_plan], weight = 1, np.where(at_plan, cap - plan, plan)
    above = (x >= cap - 1e-6 * np.maximum(1.0, cap)) & (u > cap)
    fill[above], weight[above] = 2, (u - d)[above]
    return fill, weight


def _check_level_rise(
    allocation: pf.Allocation, row: pd.Series, slope: pd.DataFrame, moved: pf.Allocation, delta: float
) -> None:
    """The reported level rise is each moving task's of the rationed tier, by finite difference.

    The rationed tier is the first tier with a task of the envelope's source and year that
    gains from the extra money (``slope``: the marginal table of the envelope, itself checked
    by finite difference); the level rise is what each of them gains per million over its
    weight (weighted and tier 1: the tier's coverage, allocated / demand).
    """
    source, year = row.name  # type: ignore[misc]
    base, after = allocation.table, moved.table
    mine = ((base["funding_source"] == source) & (base.index.get_level_values("year") == year)).to_numpy()
    rows = base[mine]
    column = "per_million" if len(allocation.years) == 1 else f"per_million {year}"
    rising = slope[column].reindex(rows.index.get_level_values("id")).to_numpy(float) > 1e-9
    if not rising.any():
        assert row["level_per_million"] == 0.0
        return
    gain = (after.loc[rows.index, "allocated"] - rows["allocated"]).to_numpy(float) / delta
    noise = (0.01 + 1e-6 * delta) / delta  # what the finite difference is known to, per million
    tier = int(rows["tier"].to_numpy()[rising].min())
    assert row["rationed_tier"] == tier
    in_tier = rows["tier"].to_numpy() == tier
    if allocation.rule == "weighted" or tier == 1:
        need = float(rows.loc[in_tier, "demand"].sum())
        allowance = int(in_tier.sum()) * noise / need
        assert row["level_per_million"] == pytest.approx(gain[in_tier].sum() / need, rel=1e-4, abs=allowance)
        return
    # closest to plan: the document's plan in every year of a plan (the table shows it in the first)
    inst = allocation.instances[allocation.years.index(year)]
    planned = pd.Series(inst.planned, index=list(inst.ids)).reindex(rows.index.get_level_values("id"))
    fill, weight = _fills(allocation.rule, rows.assign(planned=planned.to_numpy()))
    moving = in_tier & rising & (weight > 0)
    moving &= fill == fill[moving].min()
    for g, w in zip(gain[moving], weight[moving], strict=True):
        assert g / w == pytest.approx(row["level_per_million"], rel=1e-4, abs=2 * noise / w), (source, year)


def _check_finite_differences(allocation: pf.Allocation) -> None:
    marginal = allocation.marginal()
    sensitivity = allocation.sensitivity()
    base = allocation.allocated
    for (source, year), row in sensitivity.iterrows():
        vector = marginal.loc[(source, year)]
        slope = vector["per_million"]
        room = min(row["holds_until"] - row["amount"], 1e6)
        for fraction in (0.5, 1.0):
            delta = fraction * room
            if not np.isfinite(delta) or delta <= 1e-6:
                continue
            moved = _moved_run(allocation, source, year, delta)
            gained = moved.allocated - base
            expected = delta * slope.reindex(gained.index)
            assert (gained - expected).abs().max() <= 0.01 + 1e-6 * delta, (source, year, fraction)
            _check_level_rise(allocation, row, vector, moved, delta)
        below = row["amount"] - row["holds_from"]
        if below > 1e-6:
            delta = -0.5 * below
            gained = _moved(allocation, source, year, delta) - base
            assert (gained - delta * slope.reindex(gained.index)).abs().max() <= 0.01 + 1e-6 * abs(delta)


def test_the_default_rule_on_the_appendix(tasks: pf.TaskList) -> None:
    allocation = pf.optimize(tasks)
    sensitivity = allocation.sensitivity()
    recurrent = sensitivity.loc[("recurrent", 2024)]
    # one more million raises tier 3 by 1/266.884 until the tier is covered at 513.268,48
    assert recurrent["level_per_million"] == pytest.approx(1 / 266884, rel=1e-6)
    assert recurrent["holds_until"] == pytest.approx(513268.4833, abs=0.01)
    # B38's demand 237.540,67 of tier 3's 266.884
    assert allocation.marginal().loc[("recurrent", 2024, "B38"), "per_million"] == pytest.approx(
        237540.6667 / 266884, rel=1e-6
    )
    assert recurrent["holds_from"] == pytest.approx(332401 - 86016.5167, abs=0.01)  # tier 3 at level 0
    _check_finite_differences(allocation)


def test_equal_awards_gives_the_money_to_b38_alone(tasks: pf.TaskList) -> None:
    allocation = pf.optimize(tasks, rule="equal_awards")
    marginal = allocation.marginal()
    recurrent = marginal.loc[("recurrent", 2024)]["per_million"]
    assert recurrent["B38"] == pytest.approx(1.0)
    assert recurrent.drop("B38").abs().max() <= 1e-9
    row = allocation.sensitivity().loc[("recurrent", 2024)]
    # tier 3's award rises by 1 per million (B38 alone is below it), not tier 4 rationed
    assert row["rationed_tier"] == 3 and row["level_per_million"] == pytest.approx(1.0)
    assert row["level"] == pytest.approx(allocation.year_table(2024).loc["B38", "allocated"])
    until = allocation.sensitivity().loc[("recurrent", 2024), "holds_until"]
    assert until == pytest.approx(513268.48, abs=0.01)
    # investment: 2.571 is left and nothing moves until D3's 20.000 fits (Đ51 k5), at 83.819
    investment = marginal.loc[("investment", 2024)]["per_million"]
    assert investment.abs().max() <= 1e-9
    until = allocation.sensitivity().loc[("investment", 2024), "holds_until"]
    assert until == pytest.approx(66390 - 2571 + 20000, abs=0.05)  # D3 fits to AMOUNT·20.000
    _check_finite_differences(allocation)


def test_an_analyst_row_sends_the_money_to_tier_3(tasks: pf.TaskList) -> None:
    allocation = pf.optimize(tasks, constraints=["Sở Y tế >= 20000"])
    recurrent = allocation.marginal().loc[("recurrent", 2024)]["per_million"]
    assert recurrent[["C1", "C2", "C14"]].abs().max() <= 1e-6  # tier 4 does not move
    # tier 3 but B28 (held by the row) shares it: 266.884 − 12.176,5 = 254.707,5 of demand
    assert recurrent["B38"] == pytest.approx(237540.6667 / 254707.5, rel=1e-6)
    assert recurrent["B28"] == pytest.approx(0.0, abs=1e-9) and recurrent.sum() == pytest.approx(1.0)
    row = allocation.sensitivity().loc[("recurrent", 2024)]
    # not tier 4 at 1/145.687,5, nor tier 3 at level 1 rising by 0 (B28's level, at its cap)
    assert row["rationed_tier"] == 3
    assert row["level_per_million"] == pytest.approx(1 / 254707.5, rel=1e-6)
    table = allocation.year_table(2024)
    tier_3 = (table["tier"] == 3) & (table["funding_source"] == "recurrent")
    moving = table.loc[tier_3 & (table.index != "B28")]
    assert row["level"] == pytest.approx(moving["allocated"].sum() / 254707.5, rel=1e-6)
    # each of tier 3's moving tasks by finite difference: its level x/d rises by 1/254.707,5 per million
    delta = 1000.0
    more = _moved_run(allocation, "recurrent", 2024, delta).year_table(2024)
    rise = (more.loc[moving.index, "allocated"] - moving["allocated"]) / moving["demand"] / delta
    assert rise.to_numpy() == pytest.approx(np.full(len(moving), 1 / 254707.5), rel=1e-6)
    assert (
        more.loc[table["tier"] == 4, "allocated"] - table.loc[table["tier"] == 4, "allocated"]
    ).abs().max() <= 1e-6
    _check_finite_differences(allocation)


def test_an_agency_floor_does_not_move_the_task_it_holds(tasks: pf.TaskList) -> None:
    allocation = pf.optimize(tasks, agency_floors={"Sở Y tế": 10000})
    recurrent = allocation.marginal().loc[("recurrent", 2024)]["per_million"]
    assert recurrent["B28"] == pytest.approx(0.0, abs=1e-9)  # held at the floor's forced amount
    assert recurrent["B38"] == pytest.approx(237540.6667 / 254707.5, rel=1e-6)
    row = allocation.sensitivity().loc[("recurrent", 2024)]
    # the level of the tasks that move, not B28's forced coverage
    assert row["rationed_tier"] == 3
    assert row["level_per_million"] == pytest.approx(1 / 254707.5, rel=1e-6)
    _check_finite_differences(allocation)


def test_weighted_with_equal_weights_is_the_default_with_a_finite_range(tasks: pf.TaskList) -> None:
    weighted, default = pf.optimize(tasks, rule="weighted"), pf.optimize(tasks)
    gap = (weighted.marginal()["per_million"] - default.marginal()["per_million"]).abs().max()
    assert gap <= 1e-6  # not a marginal utility of 0,375: what each task gains
    row = weighted.sensitivity().loc[("recurrent", 2024)]
    assert row["rationed_tier"] == 3  # no common level: tier 3's coverage rises by 1/266.884
    assert row["level_per_million"] == pytest.approx(1 / 266884, rel=1e-6)
    until = weighted.sensitivity().loc[("recurrent", 2024), "holds_until"]
    assert until == pytest.approx(513268.4833, abs=0.01)
    _check_finite_differences(weighted)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tasks=portfolios(), share=st.floats(0.05, 0.95), rule=st.sampled_from(RULES))
def test_finite_differences_on_generated_portfolios(tasks: pf.TaskList, share: float, rule: str) -> None:
    d = pf.derive(tasks)
    floor = float(d.loc[d["tier"] == 1, "annual_demand"].sum())
    envelope = floor + share * (float(d["annual_demand"].sum()) - floor)
    _check_finite_differences(pf.optimize(tasks, budget={"recurrent": envelope}, rule=rule))


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), rule=st.sampled_from(RULES), years=st.sampled_from([1, 3]))
def test_finite_differences_with_every_option_and_plan_year(
    data: st.DataObject, rule: str, years: int
) -> None:
    from test_reference import scenarios

    tasks, budget, options = data.draw(scenarios(rule))
    if years > 1:  # a plan whose years differ: a cut in the second, more in the third
        options = {**options, "years": years}
        budget = {source: [v, 0.9 * v, 1.1 * v] for source, v in budget.items()}  # type: ignore[assignment]
    try:
        allocation = pf.optimize(tasks, budget=budget, rule=rule, **options)  # type: ignore[arg-type]
    except (pf.InfeasibleError, pf.ScenarioError):  # a lock above a later year's need, say
        assume(False)
    _check_finite_differences(allocation)


def test_under_pacing_the_range_ends_where_the_headroom_starts() -> None:
    # D1 and D2 need 0,5 and 1 in 2024 (caps 0,75 and 1,5 at pacing 1,5); at 2,02 the 0,52
    # above demand is shared on the headroom (1/3, 2/3); below 1,5 equal awards ration
    tasks = make_tasks(
        {"id": "A1", "approved": 1.0, "start_year": 2024, "end_year": 2024},
        {"id": "D1", "approved": 1.0, "spent_before": 0.0, "start_year": 2023, "end_year": 2025},
        {"id": "D2", "approved": 2.0, "spent_before": 0.0, "start_year": 2023, "end_year": 2025},
    )
    allocation = pf.optimize(
        tasks, budget={"recurrent": 1.0, "investment": 2.02}, rule="equal_awards", pacing=1.5
    )
    row = allocation.sensitivity().loc[("investment", 2024)]
    assert row["holds_from"] == pytest.approx(1.5)
    assert row["holds_until"] == pytest.approx(2.25)
    slope = allocation.marginal().loc[("investment", 2024), "per_million"]
    assert slope["D1"] == pytest.approx(1 / 3) and slope["D2"] == pytest.approx(2 / 3)
    _check_finite_differences(allocation)


def test_closest_to_plan_rises_from_the_documents_plan_in_every_year() -> None:
    # 2025 of a plan: B1 (plan 7) and C1 (started 2024, plan 0) share tier 3 above their plans,
    # weights c − min(p, c) = 52,67 − 7 and 38,33: the level rises by 1/84 per million, though the
    # table shows the plan in 2024 only
    tasks = make_tasks(
        {"id": "A1", "approved": 4.0, "planned": 41.0, "start_year": 2024, "end_year": 2024},
        {
            "id": "B1",
            "approved": 198.0,
            "spent_before": 40.0,
            "planned": 7.0,
            "start_year": 2023,
            "end_year": 2026,
        },
        {"id": "C1", "approved": 115.0, "start_year": 2024, "end_year": 2026},
        {"id": "C2", "approved": 197.0, "planned": 10.0, "start_year": 2024, "end_year": 2025},
        {"id": "D1", "approved": 24.0, "spent_before": 4.0, "start_year": 2023, "end_year": 2027},
        {"id": "D2", "approved": 2.0, "planned": 90.0, "start_year": 2023, "end_year": 2027},
    )
    budget = {"recurrent": [193.5, 174.15, 212.85], "investment": [3.3, 2.97, 3.63]}
    allocation = pf.optimize(tasks, budget=budget, rule="closest_to_plan", years=3, seed_share=0.1)
    row = allocation.sensitivity().loc[("recurrent", 2025)]
    assert row["rationed_tier"] == 3
    assert row["level_per_million"] == pytest.approx(1 / 84, rel=1e-6)
    b1, c1 = (allocation.table.loc[(2025, i), "allocated"] for i in ("B1", "C1"))
    assert row["level"] == pytest.approx((b1 - 7) / (52.66667 - 7), rel=1e-5)
    assert row["level"] == pytest.approx(c1 / 38.33333, rel=1e-5)
    _check_finite_differences(allocation)


def test_the_cli_prints_the_sensitivity(capsys: pytest.CaptureFixture[str]) -> None:
    from portfolio.cli import main

    assert main(["optimize", "--sensitivity"]) == 0
    out = capsys.readouterr().out
    assert "recurrent               2024  332.401       246.384,48    513.268,48    tier 3      32,23%" in out
    assert "1/266.884" in out and "each extra million goes to: B38 0,8901" in out
    # the investment: nothing moves until D3's 20.000 fits whole (Đ51 k5), at 83.818,98
    assert "investment              2024  66.390        63.819        83.818,98" in out
    assert main(["optimize", "--sensitivity", "--lang", "vi"]) == 0
    assert "mỗi triệu tăng thêm cho: B38 0,8901" in capsys.readouterr().out

"""Each rule and option against a hand-computed answer."""

from __future__ import annotations

import pytest
from conftest import make_tasks

import portfolio as pf
from portfolio.tolerances import LEVEL_EXACT

AFTER_TIERS_1_2 = 332401 - 70166.533333333 - 176217.95  # money left for tier 3 by default
TIER3 = 266884.0
TIER4 = 276375.75


def three_continuing() -> pf.TaskList:
    return make_tasks(
        {"id": "B1", "approved": 10, "end_year": 2025, "planned": 10},  # d = 10/2 = 5 ... see below
        {"id": "B2", "approved": 80, "end_year": 2025, "planned": 20},
        {"id": "B3", "approved": 100, "end_year": 2025, "planned": 30},
    )


def test_equal_awards_by_hand() -> None:
    # demands 5, 40, 50 with 45 to share: 5 + 2a = 45 -> a = 20
    allocation = pf.optimize(three_continuing(), budget={"recurrent": 45}, rule="equal_awards")
    x = allocation.year_table()["allocated"]
    assert x.to_dict() == pytest.approx({"B1": 5, "B2": 20, "B3": 20}, abs=1e-6)


def test_proportional_by_hand() -> None:
    x = pf.optimize(three_continuing(), budget={"recurrent": 47.5}).year_table()["allocated"]
    assert x.to_dict() == pytest.approx({"B1": 2.5, "B2": 20, "B3": 25}, abs=1e-6)


def test_weighted_by_hand() -> None:
    tasks = make_tasks(
        {"id": "B1", "approved": 80, "end_year": 2025},
        {"id": "B2", "approved": 80, "end_year": 2025},
    )
    # demand 40 each, four pieces of 10 with values w·(1, .75, .5, .25):
    # B1 (w=3): 3, 2.25, 1.5, .75; B2 (w=1): 1, .75, .5, .25 -> 40 buys B1 30 and B2 10
    allocation = pf.optimize(tasks, budget={"recurrent": 40}, rule="weighted", weights={"B1": 3})
    assert allocation.year_table()["allocated"].to_dict() == pytest.approx({"B1": 30, "B2": 10}, abs=1e-6)
    # diminishing returns: with equal weights neither task is left at zero
    even = pf.optimize(tasks, budget={"recurrent": 40}, rule="weighted").year_table()["allocated"]
    assert even.min() >= 10 - 1e-6


def test_closest_to_plan_by_hand() -> None:
    tasks = make_tasks(
        {
            "id": "A1",
            "approved": 30,
            "lease_years": 3,
            "start_year": 2024,
            "end_year": 2026,
            "planned": 4,
        },
        {"id": "B1", "approved": 40, "end_year": 2024, "planned": 40},
        {"id": "B2", "approved": 80, "end_year": 2025, "planned": 30},
        {"id": "C1", "approved": 10, "start_year": 2024, "end_year": 2024, "planned": 6},
    )
    allocation = pf.optimize(tasks, budget={"recurrent": 80}, rule="closest_to_plan")
    # the lease needs 6 more than planned; the cut falls on the lowest tier first
    assert allocation.year_table()["allocated"].to_dict() == pytest.approx(
        {"A1": 10, "B1": 40, "B2": 30, "C1": 0}, abs=1e-6
    )


def test_closest_to_plan_on_the_appendix_keeps_commitments() -> None:
    allocation = pf.optimize(rule="closest_to_plan")
    table = allocation.year_table()
    tier1 = table[table["tier"] == 1]
    assert (tier1["allocated"] - tier1["demand"]).abs().max() < 1e-6
    # recurrent spent; 2.571 of investment is left: neither D3 (20.000) nor D4 (26.688) fits
    assert abs(table["allocated"].sum() - (398791 - 2571)) < 0.05
    # no task is above its demand
    assert (table["allocated"] <= table["upper"] + 1e-6).all()


def assert_first_fit(table, left: float, tier: int = 4) -> None:  # type: ignore[no-untyped-def]
    """The recurrent new tasks start first-fit in the order (planned desc, id) in ``left``, each in full."""
    new = table[(table["tier"] == tier) & (table["funding_source"] == "recurrent") & (table["kind"] == "new")]
    order = sorted(new.index, key=lambda t: (-new.loc[t, "planned"], int(t[1:])))
    started = []
    for task in order:
        if new.loc[task, "demand"] <= left + 1e-6:
            started.append(task)
            left -= new.loc[task, "demand"]
    assert started  # the case is meant to start some, not all
    assert len(started) < len(order)
    for task in order:
        expected = new.loc[task, "demand"] if task in started else 0.0
        assert new.loc[task, "allocated"] == pytest.approx(expected, abs=1e-6), task


def test_must_fund() -> None:
    allocation = pf.optimize(must_fund=["C3"])
    assert allocation.year_table().loc["C3", "allocated"] == pytest.approx(4000)
    assert allocation.levels[("recurrent", 2024, 3)] == pytest.approx(
        (AFTER_TIERS_1_2 - 4000) / TIER3, rel=1e-6
    )


def test_locked() -> None:
    allocation = pf.optimize(locked={"B38": 50000})
    table = allocation.year_table()
    assert table.loc["B38", "allocated"] == pytest.approx(50000)
    others = TIER3 - 237540.666667
    assert table.loc["B12", "coverage"] == pytest.approx(1.0)
    left = AFTER_TIERS_1_2 - 50000 - others
    assert_first_fit(table, left)


def test_deferred() -> None:
    allocation = pf.optimize(deferred=["B38"])
    assert allocation.year_table().loc["B38", "allocated"] == 0
    left = AFTER_TIERS_1_2 - (TIER3 - 237540.666667)
    assert_first_fit(allocation.year_table(), left)
    assert "deferred" in allocation.notes["B38"]


def test_agency_cap() -> None:
    agency = "Sở Tài nguyên và Môi trường"
    allocation = pf.optimize(agency_caps={agency: 50000})
    table = allocation.year_table()
    assert table.loc[table["agency"] == agency, "allocated"].sum() == pytest.approx(50000, abs=1e-4)
    assert table.loc["B37", "allocated"] == pytest.approx(14246)  # tier 2 in full
    for task_id in ("B12", "B25", "B27", "B28"):  # the rest of tier 3 is no longer rationed
        assert table.loc[task_id, "coverage"] == pytest.approx(1.0)


def test_agency_floor() -> None:
    allocation = pf.optimize(agency_floors={"Sở Y tế": 20000})
    table = allocation.year_table()
    assert table.loc[table["agency"] == "Sở Y tế", "allocated"].sum() >= 20000 - 1e-4


def test_string_constraint() -> None:
    allocation = pf.optimize(constraints=["C >= 5.000"])
    table = allocation.year_table()
    # the row binds; the money tier 3 leaves is exact to the level's relative
    # uncertainty once recomputed (LEVEL_EXACT) times tier 3's demand, well inside REPORT
    assert table.loc[table["group"] == "C", "allocated"].sum() == pytest.approx(5000, abs=LEVEL_EXACT * TIER3)
    assert allocation.levels[("recurrent", 2024, 3)] == pytest.approx(
        (AFTER_TIERS_1_2 - 5000) / TIER3, rel=1e-6
    )


def test_seed_share_matches_the_documents_two_percent() -> None:
    table = pf.optimize(seed_share=0.02).year_table()
    assert table.loc["C1", "allocated"] == pytest.approx(500)  # the document's 500 (2,0%)
    assert table.loc["C12", "allocated"] == pytest.approx(160)  # the document's 160
    assert table.loc["C10", "allocated"] == pytest.approx(217.7)  # the document rounds to 218


def test_pacing() -> None:
    tasks = make_tasks(
        {"id": "B1", "approved": 90, "end_year": 2026},
        {"id": "B2", "approved": 30, "end_year": 2026},
    )
    # d = 30 and 10; with κ = 2 a task may take 60 and 20
    table = pf.optimize(tasks, budget={"recurrent": 70}, pacing=2).year_table()
    assert table["allocated"].sum() == pytest.approx(70)
    assert (table["allocated"] <= 2 * table["demand"] + 1e-6).all()
    assert table.loc["B1", "allocated"] > 30


def test_all_or_nothing_new_investment() -> None:
    table = pf.optimize(all_or_nothing=True).year_table()
    assert table.loc["D3", "allocated"] == 0 and table.loc["D4", "allocated"] == 0
    more = pf.optimize(all_or_nothing=True, budget={"investment": 86390}).year_table()
    assert more.loc["D3", "allocated"] == pytest.approx(20000)  # fits in 22.571
    assert more.loc["D4", "allocated"] == 0  # 26.688 does not


@pytest.mark.parametrize("years", [1, 3])
def test_all_or_nothing_is_implied_by_admission_without_pacing(years: int) -> None:
    # new starts are paid whole or wait (docs/model.md §4.2, §6): the option changes nothing at κ = 1
    for investment in (66390, 90000, 130000):
        plain = pf.optimize(years=years, budget={"investment": investment}).table["allocated"]
        whole = pf.optimize(years=years, budget={"investment": investment}, all_or_nothing=True)
        assert (whole.table["allocated"] - plain).abs().max() <= 1e-6


def test_all_or_nothing_with_pacing_pays_the_whole_cap() -> None:
    options = {"years": 3, "budget": {"investment": 90000}, "pacing": 1.5}
    plain, whole = pf.optimize(**options), pf.optimize(all_or_nothing=True, **options)  # type: ignore[arg-type]
    # D3 starts in 2025 either way; with the option it takes its cap 1,5 · 20.000 at once
    assert plain.starts.loc["D3", "start_year"] == whole.starts.loc["D3", "start_year"] == 2025
    assert whole.table.loc[(2025, "D3"), "allocated"] == pytest.approx(30000)
    assert plain.table.loc[(2025, "D3"), "allocated"] == pytest.approx(25674, abs=0.01)
    # without the option D4 fits beside it in 2025; with it, D4 waits for 2026
    assert plain.starts.loc["D4", "start_year"] == 2025 and whole.starts.loc["D4", "start_year"] == 2026


def test_custom_ladder() -> None:
    allocation = pf.optimize(tiers={"new": 2})
    table = allocation.year_table()
    tier2 = table[(table["tier"] == 2) & (table["funding_source"] == "recurrent")]
    # new starts in tier 2 come before tier 3: they start first-fit in what tier 1 leaves
    # beside the finishing tasks, each in full; with tasks waiting, the tier's level is its coverage
    coverage = tier2["allocated"].sum() / tier2["demand"].sum()
    assert allocation.levels[("recurrent", 2024, 2)] == pytest.approx(coverage) and coverage < 1
    assert (tier2[tier2["kind"] != "new"]["coverage"] - 1).abs().max() < 1e-6
    assert_first_fit(table, AFTER_TIERS_1_2, tier=2)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"deferred": ["X99"]}, "deferred"),
        ({"agency_caps": {"Sở Không Có": 1}}, "agency_caps"),
        ({"constraints": ["Sở Y tế >> 3"]}, "constraints"),
        ({"budget": {"recurrent": float("nan")}}, "budget"),
        ({"budget": {"recurrent": -1}}, "budget"),
        ({"budget": {"capital": 1}}, "budget"),
        ({"locked": {"B1": 1e9}}, "locked"),
        ({"rule": "fastest"}, "rule"),
    ],
)
def test_bad_options(options: dict[str, object], field: str) -> None:
    with pytest.raises(pf.ScenarioError) as info:
        pf.optimize(**options)  # type: ignore[arg-type]
    assert field in str(info.value)
    assert "\n" not in str(info.value)


def test_agency_suggestion() -> None:
    with pytest.raises(pf.ScenarioError, match="did you mean"):
        pf.optimize(agency_caps={"Sở Y te": 1})


@pytest.mark.parametrize("rule", ["proportional", "equal_awards", "weighted", "closest_to_plan"])
def test_backends_agree_on_every_rule(rule: str) -> None:
    a = pf.optimize(rule=rule).year_table()["allocated"]
    b = pf.optimize(rule=rule, solver="cbc").year_table()["allocated"]
    assert ((a - b).abs() <= 1e-6 * a.abs().clip(lower=1) + 5e-3).all()


def test_a_cap_holds_its_agency_and_the_rest_of_the_tier_rises_together() -> None:
    allocation = pf.optimize(agency_caps={"Sở Y tế": 5000})
    table = allocation.year_table()
    # Sở Y tế: A11 1.761,8 (lease) + B29 2.041 (finishing) leave 1.197,2 for B28 under the cap
    assert table.loc["B28", "allocated"] == pytest.approx(1197.2, abs=1e-6)
    others = ["B12", "B25", "B27", "B36", "B38"]
    level = (AFTER_TIERS_1_2 - 1197.2) / (TIER3 - 24353 / 2)
    assert table.loc[others, "coverage"].to_numpy() == pytest.approx([level] * 5, rel=1e-7)
    assert allocation.levels[("recurrent", 2024, 3)] == pytest.approx(level, rel=1e-7)
    recurrent = table.loc[table["funding_source"] == "recurrent", "allocated"]
    assert recurrent.sum() == pytest.approx(332401, abs=0.01)


def test_weighted_ties_are_shared_in_proportion_to_demand() -> None:
    # equal weights: the utility cannot tell the tasks apart, so the tier is shared proportionally
    table = pf.optimize(rule="weighted").year_table()
    tier3 = table[(table["tier"] == 3) & (table["funding_source"] == "recurrent")]
    assert (tier3["coverage"] - tier3["coverage"].iloc[0]).abs().max() < 1e-7
    weighted = pf.optimize(rule="weighted", weights={"B38": 3}, solver="cbc").year_table()
    again = pf.optimize(rule="weighted", weights={"B38": 3}).year_table()
    # CBC's 8 significant digits leave the utility row a little room (docs/model.md)
    gap = (weighted["allocated"] - again["allocated"]).abs()
    assert (gap <= 1e-6 * again["allocated"].abs() + 0.05).all()

"""The rolling 3-year plan."""

from __future__ import annotations

import pandas as pd
import pytest
from plan_checks import maximal, on_schedule

import portfolio as pf


@pytest.fixture(scope="module")
def plan() -> pf.Allocation:
    return pf.optimize(years=3)


def test_one_row_per_task_and_year(plan: pf.Allocation) -> None:
    assert plan.years == [2024, 2025, 2026]
    assert len(plan.table) == 81 * 3
    assert set(plan.table.index.get_level_values("year")) == {2024, 2025, 2026}


def test_first_year_is_the_single_year_answer(plan: pf.Allocation, default_allocation: pf.Allocation) -> None:
    # no new task fits in 2024 on either horizon (nothing is left of recurrent, 2.571 of investment)
    assert not (plan.starts["start_year"] == 2024).any()
    first = plan.year_table(2024)["allocated"]
    single = default_allocation.year_table()["allocated"]
    assert (first - single).abs().max() < 1e-6


def test_leases_paid_every_contract_year(plan: pf.Allocation) -> None:
    a3 = plan.task("A3")["allocated"]  # 2024-2026
    assert a3.tolist() == pytest.approx([1645 / 3] * 3)
    a4 = plan.task("A4")["allocated"]  # 2023-2025
    assert a4.tolist() == pytest.approx([4300, 4300, 0])


def test_envelopes_respected_each_year(plan: pf.Allocation) -> None:
    spent = plan.table.groupby(["year", "funding_source"])["allocated"].sum()
    for (source, year), amount in plan.envelopes.items():
        assert spent[(year, source)] <= amount + 1e-4


def test_continuing_tasks_never_exceed_their_need(plan: pf.Allocation, tasks: pf.TaskList) -> None:
    total = plan.table[plan.table["kind"] == "continuing"].groupby(level="id")["allocated"].sum()
    derived = pf.derive(tasks)
    assert (total <= derived.loc[total.index, "remaining_need"] + 1e-4).all()


def test_new_starts_are_funded_to_their_schedule(plan: pf.Allocation, tasks: pf.TaskList) -> None:
    on_schedule(plan, tasks)
    maximal(plan, tasks)
    # D3 and D4 fit only in 2026, when D1 and D2 are finished; D4, a one-year project, is paid in 2026 alone
    assert plan.starts.loc["D3", "start_year"] == plan.starts.loc["D4", "start_year"] == 2026
    assert plan.task("D4")["allocated"].tolist() == pytest.approx([0, 0, 26688])
    assert plan.task("D3")["allocated"].tolist() == pytest.approx([0, 0, 20000])


def test_deferring_d4_does_not_change_d3(plan: pf.Allocation, tasks: pf.TaskList) -> None:
    # the same law with or without D4: D3 waits for 2026, when D1 and D2 are finished, and is paid in full
    deferred = pf.optimize(tasks, years=3, deferred=["D4"])
    assert deferred.task("D3")["allocated"].tolist() == pytest.approx([0, 0, 20000])
    assert deferred.task("D3")["allocated"].tolist() == pytest.approx(plan.task("D3")["allocated"].tolist())


def test_a_richer_plan_starts_every_task_that_fits(tasks: pf.TaskList) -> None:
    options = {"years": 3, "budget": {"recurrent": 450000, "investment": 90000}}
    plan = pf.optimize(tasks, **options)
    on_schedule(plan, tasks)
    maximal(plan, tasks)
    starts = plan.starts["start_year"]
    # the tasks left at 0 before while 2026 had money idle now start when their schedule fits
    assert starts[["C10", "C12", "C13"]].tolist() == [2026, 2026, 2026]
    assert starts["C15"] == 2025
    assert pd.isna(starts["C16"])  # 2.000 in one year: 2025 has 275,59 left, 2026 146,86
    # started tasks are continuing from the next year: C6 (2 years from 2025) finishes in 2026
    assert plan.table.loc[(2025, "C6"), "tier"] == 4 and plan.table.loc[(2026, "C6"), "tier"] == 2
    assert plan.table.loc[(2026, "C1"), "tier"] == 3 and plan.table.loc[(2026, "C1"), "kind"] == "continuing"
    # deferring a task that does not start changes nothing; the same plan on CBC
    deferred = pf.optimize(tasks, deferred=["C14"], **options)
    assert (deferred.table["allocated"] - plan.table["allocated"]).abs().max() < 1e-6
    cbc = pf.optimize(tasks, solver="cbc", **options)
    assert (cbc.table["allocated"] - plan.table["allocated"]).abs().max() < 0.01
    assert cbc.starts["start_year"].equals(plan.starts["start_year"])


def test_yearly_budgets() -> None:
    plan = pf.optimize(years=2, budget={"recurrent": [332401, 300000], "investment": 66390})
    assert plan.envelopes[("recurrent", 2025)] == 300000
    with pytest.raises(pf.ScenarioError, match="2-year"):
        pf.optimize(years=2, budget={"recurrent": [1, 2, 3]})


@pytest.mark.parametrize("years", [1, 3])
def test_a_start_locked_at_0_leaves_its_money_to_the_next(tasks: pf.TaskList, years: int) -> None:
    # 93.000 of investment leaves 29.181 after D1, D2 (63.819): D3 (20.000) starts first, and
    # D4 (26.688) no longer fits in 2024 (in a plan it waits for 2026); with D3 locked at 0 its
    # schedule can never be paid, so it is no candidate (status "deferred"), and D4 starts in
    # 2024 in its place
    budget = {"investment": 93000}
    free = pf.optimize(tasks, budget=budget, years=years).starts
    assert free.loc["D3", "start_year"] == 2024
    assert free.loc["D4", "status"] == ("not_started" if years == 1 else "started")
    locked = pf.optimize(tasks, budget=budget, years=years, locked={"D3": 0})
    assert locked.starts.loc["D3", "status"] == "deferred"
    assert locked.starts.loc["D4", "start_year"] == 2024
    assert locked.task("D4")["allocated"].iloc[0] == pytest.approx(26688)
    assert locked.task("D3")["allocated"].sum() == 0
    assert locked.notes["D3"] == ["locked at 0"]  # the scenario's reason, not a start that did not fit

"""The rolling 3-year plan."""

from __future__ import annotations

import pytest

import portfolio as pf


@pytest.fixture(scope="module")
def plan() -> pf.Allocation:
    return pf.optimize(years=3)


def test_one_row_per_task_and_year(plan: pf.Allocation) -> None:
    assert plan.years == [2024, 2025, 2026]
    assert len(plan.table) == 81 * 3
    assert set(plan.table.index.get_level_values("year")) == {2024, 2025, 2026}


def test_first_year_is_the_single_year_answer(plan: pf.Allocation, default_allocation: pf.Allocation) -> None:
    first = plan.year_table(2024)["allocated"]
    single = default_allocation.year_table()["allocated"]
    # the only difference: new starts that cannot be completed are not started
    same = first.index.difference(["D3", "D4"])
    assert (first[same] - single[same]).abs().max() < 1e-6


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
    table = plan.table
    total = table[table["kind"] == "new"].groupby(level="id")["allocated"].sum()
    derived = pf.derive(tasks)
    for task_id, received in total.items():
        if received <= 1e-6:
            continue
        task = tasks[str(task_id)]
        share = min(1.0, (min(task.end_year, 2026) - 2024 + 1) / max(1, task.end_year - 2024 + 1))
        assert received >= derived.loc[task_id, "remaining_need"] * share - 1e-3


def test_yearly_budgets() -> None:
    plan = pf.optimize(years=2, budget={"recurrent": [332401, 300000], "investment": 66390})
    assert plan.envelopes[("recurrent", 2025)] == 300000
    with pytest.raises(pf.ScenarioError, match="2-year"):
        pf.optimize(years=2, budget={"recurrent": [1, 2, 3]})

"""One year or a plan, an Allocation has the same shape: (year, id) rows, its tasks, and
sensitivity and binding rows per year."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import make_tasks

import portfolio as pf
from portfolio.export import allocation_to_excel

YEARS = [2024, 2025, 2026]
SOURCES = ["recurrent", "investment"]


@pytest.fixture(scope="module")
def plan(tasks: pf.TaskList) -> pf.Allocation:
    return pf.optimize(tasks, years=3)


@pytest.fixture(scope="module")
def runs(default_allocation: pf.Allocation, plan: pf.Allocation) -> dict[str, pf.Allocation]:
    return {"one year": default_allocation, "plan": plan}


def test_the_same_index_and_columns_for_one_year_and_a_plan(runs: dict[str, pf.Allocation]) -> None:
    one, plan = runs["one year"], runs["plan"]
    for allocation in (one, plan):
        assert list(allocation.table.index.names) == ["year", "id"]
        assert "year" not in allocation.table.columns
        assert allocation.reasons.index.equals(allocation.table.index)
        assert "year" not in allocation.reasons.columns
        assert allocation.table.index.is_unique
    assert list(one.table.columns) == list(plan.table.columns)
    assert list(one.reasons.columns) == list(plan.reasons.columns)
    assert set(one.table.index.get_level_values("year")) == {2024}
    assert len(plan.table) == 81 * 3


def test_rows_in_year_order_then_document_order(runs: dict[str, pf.Allocation], tasks: pf.TaskList) -> None:
    for allocation in runs.values():
        expected = [(year, task_id) for year in allocation.years for task_id in tasks.ids]
        assert allocation.table.index.tolist() == expected


def test_document_order_of_a_shuffled_task_list(tasks: pf.TaskList) -> None:
    shuffled = pf.TaskList(tuple(reversed(tasks.tasks)), source=tasks.source)
    allocation = pf.optimize(shuffled, years=2)
    assert allocation.table.index.get_level_values("id").tolist() == list(shuffled.ids) * 2
    assert allocation.tasks is shuffled


def test_task_gives_one_row_per_year(runs: dict[str, pf.Allocation]) -> None:
    one, plan = runs["one year"], runs["plan"]
    b38 = one.task("B38")
    assert b38.index.tolist() == [2024] and b38.index.name == "year"
    # the README's numbers
    assert b38.loc[2024, "demand"] == pytest.approx(237540.67, abs=0.005)
    assert b38.loc[2024, "planned"] == 120000
    assert b38.loc[2024, "allocated"] == pytest.approx(76559.18, abs=0.005)
    assert list(b38.columns) == list(one.table.columns)
    pd.testing.assert_frame_equal(one.task(" b38 "), b38)
    a3 = plan.task("A3")
    assert a3.index.tolist() == YEARS
    assert a3["allocated"].tolist() == pytest.approx([1645 / 3] * 3)
    pd.testing.assert_frame_equal(plan.task("B38"), plan.table.xs("B38", level="id"))
    with pytest.raises(KeyError, match="'Z9' is not a task id"):
        one.task("Z9")


def test_year_table_is_one_year_by_id(runs: dict[str, pf.Allocation], tasks: pf.TaskList) -> None:
    one, plan = runs["one year"], runs["plan"]
    first = one.year_table()
    assert first.index.name == "id" and first.index.tolist() == list(tasks.ids)
    assert first.loc["B38", "allocated"] == pytest.approx(76559.18, abs=0.005)
    pd.testing.assert_frame_equal(one.year_table(2024), first)
    for year in YEARS:
        pd.testing.assert_frame_equal(plan.year_table(year), plan.table.xs(year, level="year"))
    pd.testing.assert_frame_equal(plan.year_table(), plan.year_table(2024))
    with pytest.raises(ValueError, match="year 2030 is not in the allocation's years"):
        plan.year_table(2030)


def test_allocated_is_per_task_over_the_years(runs: dict[str, pf.Allocation], tasks: pf.TaskList) -> None:
    for allocation in runs.values():
        allocated = allocation.allocated
        assert allocated.index.tolist() == list(tasks.ids)
        by_year = sum(allocation.year_table(year)["allocated"] for year in allocation.years)
        assert (allocated - by_year).abs().max() < 1e-9
    assert runs["plan"].allocated["A3"] == pytest.approx(1645)


def test_the_tasks_are_kept(runs: dict[str, pf.Allocation], tasks: pf.TaskList) -> None:
    for allocation in runs.values():
        assert allocation.tasks is tasks
    bundled = pf.optimize()
    assert bundled.tasks.tasks == tasks.tasks
    small = make_tasks({"id": "B1", "approved": 40}, {"id": "C1", "approved": 20, "start_year": 2024})
    assert pf.optimize(small, budget={"recurrent": 50}, years=2).tasks is small


def test_the_kept_tasks_are_the_workbooks_default(tmp_path: Path) -> None:
    small = make_tasks({"id": "B1", "approved": 40, "planned": 30}, {"id": "B2", "approved": 60})
    allocation = pf.optimize(small, budget={"recurrent": 50})
    path = tmp_path / "small.xlsx"
    allocation_to_excel(allocation, path)  # not the bundled appendix: the allocation's own tasks
    assert "B" in openpyxl.load_workbook(path, read_only=True).sheetnames


def test_sensitivity_per_envelope_and_year(runs: dict[str, pf.Allocation]) -> None:
    one, plan = runs["one year"], runs["plan"]
    for allocation in (one, plan):
        table = allocation.sensitivity()
        assert list(table.index.names) == ["envelope", "year"]
        assert table.index.tolist() == [(s, y) for s in SOURCES for y in allocation.years]
        assert list(table.columns) == list(one.sensitivity().columns)
        for (source, year), row in table.iterrows():
            assert row["amount"] == allocation.envelopes[(source, year)]
            if not pd.isna(row["rationed_tier"]):
                tier = int(row["rationed_tier"])
                assert row["level"] == pytest.approx(allocation.levels[(source, year, tier)])
    assert len(plan.sensitivity()) == len(SOURCES) * len(YEARS)
    # the plan's first year is the single year's recurrent envelope, rationed in tier 3 at 32,23%
    first = plan.sensitivity().loc[("recurrent", 2024)]
    assert first["rationed_tier"] == 3
    single = one.sensitivity().loc[("recurrent", 2024)]
    assert first["level_per_million"] == pytest.approx(single["level_per_million"])


def test_sensitivity_of_a_later_year_is_its_ladders(tasks: pf.TaskList, plan: pf.Allocation) -> None:
    # one more million in 2025 alone raises 2025's rationed level by about the stated rate
    row = plan.sensitivity().loc[("recurrent", 2025)]
    tier = int(row["rationed_tier"])
    budget = {"recurrent": [332401.0, 332401.0 + 1000, 332401.0], "investment": 66390.0}
    more = pf.optimize(tasks, years=3, budget=budget)
    gain = more.levels[("recurrent", 2025, tier)] - plan.levels[("recurrent", 2025, tier)]
    assert gain / 1000 == pytest.approx(row["level_per_million"], rel=1e-4)


def test_binding_rows_per_year(runs: dict[str, pf.Allocation]) -> None:
    one, plan = runs["one year"], runs["plan"]
    for allocation in (one, plan):
        assert all(len(entry) == 3 and entry[0] in allocation.years for entry in allocation.binding_rows)
        binding = allocation.binding()
        assert list(binding.columns) == ["year", "family", "name"]
        assert binding["year"].is_monotonic_increasing
        assert set(binding["year"]) == set(allocation.years)
    # each year's envelopes that it spends to the last million are named with that year
    for year in YEARS:
        spent = plan.year_table(year).groupby("funding_source")["allocated"].sum()
        named = {name for y, family, name in plan.binding_rows if y == year and family == "envelope"}
        for source in SOURCES:
            at_bound = abs(spent[source] - plan.envelopes[(source, year)]) < 0.01
            assert (f"envelope {source}" in named) == at_bound, (year, source)
    # the 14 commitments are fixed in 2024; leases that ended are not fixed in 2026
    fixed = plan.binding().query("family == 'task_fixed'").groupby("year")["name"].apply(set)
    assert fixed[2024] == {f"A{i}" for i in range(1, 15)}
    assert fixed[2026] < fixed[2024]
    single = one.binding()
    assert (single["year"] == 2024).all()
    envelopes = single[single["family"] == "envelope"]["name"].tolist()
    assert envelopes == ["envelope recurrent"]  # 2.571 of investment is left: no new start fits


def test_binding_rows_of_a_plan_name_its_agency_rows(tasks: pf.TaskList) -> None:
    capped = pf.optimize(tasks, years=2, agency_caps={"Sở Y tế": 5000})
    rows = {(year, name) for year, family, name in capped.binding_rows if family == "agency_cap"}
    assert (2024, "agency_cap 0: Sở Y tế") in rows
    assert set(capped.binding()["year"]) == {2024, 2025}

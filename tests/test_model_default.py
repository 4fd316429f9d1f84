"""MODEL §3: the statutory ladder rationed proportionally, on the bundled data and by hand."""

from __future__ import annotations

import math

import pytest
from conftest import make_tasks

import portfolio as pf


def test_tiers_one_and_two_in_full(default_allocation: pf.Allocation) -> None:
    table = default_allocation.table
    full = table[table["tier"] <= 2]
    assert (full["allocated"] - full["demand"]).abs().max() < 1e-6


def test_recurrent_tier3_coverage(default_allocation: pf.Allocation) -> None:
    level = default_allocation.levels[("recurrent", 2024, 3)]
    assert round(level, 4) == 0.3223
    # by hand: (332.401 − 70.166,5333 − 176.217,95) / 266.884
    assert level == pytest.approx((332401 - 70166.533333 - 176217.95) / 266884, rel=1e-7)
    table = default_allocation.table
    tier3 = table[(table["tier"] == 3) & (table["funding_source"] == "recurrent")]
    assert (tier3["coverage"] - level).abs().max() < 1e-6


def test_envelopes_spent_to_the_last_cent(default_allocation: pf.Allocation) -> None:
    spent = default_allocation.table.groupby("funding_source")["allocated"].sum()
    assert abs(spent["recurrent"] - 332401) < 0.01
    # 2.571 of investment is left: D3 needs 20.000, D4 26.688, and a new start is paid in full or not
    assert abs(spent["investment"] - (66390 - 2571)) < 0.01


def test_investment(default_allocation: pf.Allocation) -> None:
    table = default_allocation.year_table()
    assert table.loc["D1", "allocated"] == pytest.approx(48201, abs=1e-6)
    assert table.loc["D2", "allocated"] == pytest.approx(15618, abs=1e-6)
    assert table.loc["D3", "allocated"] == table.loc["D4", "allocated"] == 0
    starts = default_allocation.starts
    assert starts.loc["D3", "left"] == starts.loc["D4", "left"] == pytest.approx(66390 - 63819)
    assert default_allocation.levels[("recurrent", 2024, 4)] == pytest.approx(0, abs=1e-9)


def test_hand_computed_small_case() -> None:
    tasks = make_tasks(
        {
            "id": "A1",
            "approved": 30,
            "lease_years": 3,
            "start_year": 2024,
            "end_year": 2026,
        },  # P = 10
        {"id": "B1", "approved": 50, "spent_before": 10, "end_year": 2024},  # tier 2, d = 40
        {
            "id": "B2",
            "approved": 100,
            "carried_over": 20,
            "end_year": 2025,
        },  # tier 3, d = 80/2 = 40
        {"id": "B3", "approved": 60, "end_year": 2026},  # tier 3, d = 60/3 = 20
        {"id": "C1", "approved": 10, "start_year": 2024, "end_year": 2024},  # tier 4, d = 10
    )
    allocation = pf.optimize(tasks, budget={"recurrent": 80})
    x = allocation.year_table()["allocated"]
    # 80 − 10 (lease) − 40 (finishing) = 30 for tier 3 demanding 60: λ = 0.5
    assert x.to_dict() == pytest.approx({"A1": 10, "B1": 40, "B2": 20, "B3": 10, "C1": 0}, abs=1e-6)
    assert allocation.levels[("recurrent", 2024, 3)] == pytest.approx(0.5)


def test_surplus_reaches_new_tasks() -> None:
    tasks = make_tasks(
        {"id": "B1", "approved": 40},
        {"id": "C1", "approved": 20, "start_year": 2024, "end_year": 2025},
        {"id": "C2", "approved": 30, "start_year": 2024, "end_year": 2024},
    )
    x = pf.optimize(tasks, budget={"recurrent": 60}).year_table()["allocated"]
    # 20 left for tier 4: C1 (10 a year) starts, C2 (30) does not fit in the 10 then left
    assert x.to_dict() == pytest.approx({"B1": 40, "C1": 10, "C2": 0}, abs=1e-6)


def test_commitments_above_the_envelope_is_an_error() -> None:
    with pytest.raises(pf.InfeasibleError) as info:
        pf.optimize(budget={"recurrent": 60000})
    error = info.value
    assert error.envelope == "recurrent 2024"
    assert error.needed == pytest.approx(70166.5333, abs=1e-3)
    assert error.shortfall == pytest.approx(10166.5333, abs=1e-3)
    assert "recurrent envelope 2024: commitments need 70.166,5 but the envelope is 60.000" in str(error)
    assert "short by 10.166,5" in str(error)


def test_sensitivity_of_the_default(default_allocation: pf.Allocation) -> None:
    table = default_allocation.sensitivity()
    recurrent = table.loc[("recurrent", 2024)]
    assert recurrent["rationed_tier"] == 3
    assert recurrent["level_per_million"] == pytest.approx(1 / 266884, rel=1e-6)
    assert recurrent["holds_until"] == pytest.approx(332401 + (1 - 0.32229926) * 266884, rel=1e-6)
    # one more million really raises tier-3 coverage by that much
    more = pf.optimize(budget={"recurrent": 332401 + 1000})
    gain = more.levels[("recurrent", 2024, 3)] - default_allocation.levels[("recurrent", 2024, 3)]
    assert gain / 1000 == pytest.approx(recurrent["level_per_million"], rel=1e-5)


def test_summary_and_tables(default_allocation: pf.Allocation) -> None:
    summary = default_allocation.summary()
    assert summary["rule"] == "proportional"
    assert summary["allocated recurrent 2024"] == pytest.approx(332401, abs=0.01)
    by_group = default_allocation.by_group()
    assert math.isclose(by_group["planned"].sum(), 398791)
    assert set(default_allocation.table.columns) >= {
        "group",
        "agency",
        "tier",
        "demand",
        "planned",
        "allocated",
        "difference",
        "coverage",
    }
    assert "coverage 32,23%" in repr(default_allocation) and "nan" not in repr(default_allocation)


def test_backends_agree(default_allocation: pf.Allocation) -> None:
    cbc = pf.optimize(solver="cbc")
    a, b = default_allocation.table["allocated"], cbc.table["allocated"]
    assert ((a - b).abs() <= 1e-6 * a.abs().clip(lower=1) + 2e-3).all()


def test_binding_constraints_by_family_and_task(default_allocation: pf.Allocation) -> None:
    binding = default_allocation.binding()
    by_family = binding.groupby("family")["name"].apply(set)
    assert by_family["envelope"] == {"envelope recurrent"}  # 2.571 of investment is left
    # the 14 commitments are fixed; every tier-2 task and D1, D2 reach their demand
    assert by_family["task_fixed"] == {f"A{i}" for i in range(1, 15)}
    assert {"B1", "B24", "D1", "D2"} <= by_family["task_upper"]
    assert "B38" not in by_family["task_upper"]
    capped = pf.optimize(agency_caps={"Sở Y tế": 5000}).binding()
    assert "agency_cap 0: Sở Y tế" in set(capped["name"])


def test_the_default_run_fills_each_tier_once(default_allocation: pf.Allocation) -> None:
    # only the envelopes bind: tiers 2 and 3 are each one closed-form fill, no LP; no new task
    # starts, so tier 4 has nothing to fill
    assert default_allocation.solves == 2

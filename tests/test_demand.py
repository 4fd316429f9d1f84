"""Derived quantities of MODEL §2 against hand values."""

from __future__ import annotations

import pytest

import portfolio as pf


@pytest.fixture(scope="module")
def derived(tasks: pf.TaskList):  # type: ignore[no-untyped-def]
    return pf.derive(tasks, 2024)


def test_b38(derived) -> None:  # type: ignore[no-untyped-def]
    # 848.597 − 71.145 − 64.830 = 712.622 over 2024–2026 (3 years)
    assert derived.loc["B38", "remaining_need"] == 712622
    assert derived.loc["B38", "years_left"] == 3
    assert derived.loc["B38", "annual_demand"] == pytest.approx(237540.6667, abs=1e-4)
    assert derived.loc["B38", "tier"] == 3


def test_a14_lease(derived) -> None:  # type: ignore[no-untyped-def]
    assert derived.loc["A14", "lease_payment"] == pytest.approx(23641.2)
    assert derived.loc["A14", "annual_demand"] == pytest.approx(23641.2)
    assert derived.loc["A14", "kind"] == "lease"
    assert derived.loc["A14", "tier"] == 1


def test_b24_carried_over_is_not_new_money(derived) -> None:  # type: ignore[no-untyped-def]
    # 15.000 − 150 − 4.850
    assert derived.loc["B24", "remaining_need"] == 10000
    assert derived.loc["B24", "tier"] == 2


def test_annual_task_needs_its_approved_amount(derived) -> None:  # type: ignore[no-untyped-def]
    assert derived.loc["A1", "annual_demand"] == 18000
    assert derived.loc["A1", "kind"] == "annual"


def test_tiers(derived) -> None:  # type: ignore[no-untyped-def]
    tiers = derived["tier"]
    assert set(tiers[derived["group"] == "A"]) == {1}
    assert set(tiers[derived["group"] == "C"]) == {4}
    assert tiers["D1"] == 3 and tiers["D3"] == 4 and tiers["B1"] == 2 and tiers["B25"] == 3
    assert sorted(tiers[(derived["group"] == "B") & (tiers == 3)].index) == sorted(
        ["B12", "B25", "B27", "B28", "B36", "B38"]
    )


def test_tier_demands(derived) -> None:  # type: ignore[no-untyped-def]
    by = derived.groupby(["funding_source", "tier"])["annual_demand"].sum()
    assert by[("recurrent", 1)] == pytest.approx(70166.5333, abs=1e-3)
    assert by[("recurrent", 2)] == pytest.approx(176217.95)
    assert by[("recurrent", 3)] == pytest.approx(266884)
    assert by[("investment", 3)] == pytest.approx(48201 + 15618)


def test_overdue(tasks: pf.TaskList) -> None:
    later = pf.derive(tasks, 2026)
    assert bool(later.loc["B1", "overdue"]) and later.loc["B1", "years_left"] == 1
    assert not bool(later.loc["B38", "overdue"])
    # a lease outside its contract window needs nothing
    assert later.loc["A4", "annual_demand"] == 0 and not bool(later.loc["A4", "active"])

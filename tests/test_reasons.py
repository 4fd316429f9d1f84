"""Reasons as data: the code of each bound's reason and of what holds each amount."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pandas as pd
import pytest

import portfolio as pf
from portfolio import explanations
from portfolio.model import HeldBy, LowerReason, UpperReason, label
from portfolio.model.instance import build_instance
from portfolio.model.ladder import solve_ladder
from portfolio.model.reasons import LABELS, row_table, task_reasons

COLUMNS = ["lower_reason", "upper_reason", "held_by", "row"]
PLAN = {"years": 3, "budget": {"recurrent": 450000, "investment": 90000}}
SCENARIOS: dict[str, dict[str, Any]] = {
    "default": {},
    "lock": {"locked": {"B38": 50000}, "deferred": ("C", "D4")},
    "must_fund_seed": {"must_fund": ["B28"], "seed_share": 0.02},
    "pacing": {"pacing": 1.5, "budget": {"recurrent": 600000}},
    "cap": {"agency_caps": {"Sở Y tế": 5000}, "constraints": ("B25 + B36 <= 3000",)},
    "floor": {"agency_floors": {"Sở Y tế": 20000}},
    "all_or_nothing": {"all_or_nothing": True, "budget": {"investment": 90000}},
    "closest": {"rule": "closest_to_plan"},
    "plan": PLAN,
}


@pytest.fixture(scope="module")
def runs(tasks: pf.TaskList) -> dict[str, pf.Allocation]:
    return {name: pf.optimize(tasks, **options) for name, options in SCENARIOS.items()}


def codes(allocation: pf.Allocation, task: str, year: int = 2024) -> tuple[str, str, str, str]:
    row = allocation.reasons.loc[(year, task)]
    return row["lower_reason"], row["upper_reason"], row["held_by"], row["row"]


def test_one_row_of_reasons_per_row_of_the_table(runs: dict[str, pf.Allocation]) -> None:
    for allocation in runs.values():
        reasons, table = allocation.reasons, allocation.table
        assert list(reasons.columns) == COLUMNS
        assert reasons.index.tolist() == table.index.tolist()
        assert list(reasons.index.names) == list(table.index.names) == ["year", "id"]
        assert set(reasons["lower_reason"]) <= {c.value for c in LowerReason}
        assert set(reasons["upper_reason"]) <= {c.value for c in UpperReason}
        assert set(reasons["held_by"]) <= {c.value for c in HeldBy}
        # a row is named exactly when a row or an envelope holds the task, and it is one of the year's rows
        named = reasons["held_by"].isin(["row", "envelope"])
        assert (reasons.loc[named, "row"] != "").all()
        assert (reasons.loc[reasons["held_by"].isin(["upper", "lower", "level"]), "row"] == "").all()
        assert set(reasons.loc[reasons["row"] != "", "row"]) <= set(allocation.rows.index)


def test_the_default_run(runs: dict[str, pf.Allocation]) -> None:
    a = runs["default"]
    # a lease: a commitment, paid its demand as its floor
    assert codes(a, "A14") == ("commitment", "demand", "lower", "")
    # finishing in 2024: capped at its demand, which is its whole remaining need
    assert codes(a, "B1") == ("none", "demand", "upper", "")
    # D1 is capped at its demand 48.201 although the document planned 66.300
    assert codes(a, "D1") == ("none", "demand", "upper", "")
    # rationed at 32,23% by the recurrent envelope, spent to the last đồng
    assert codes(a, "B38") == ("none", "demand", "envelope", "envelope recurrent")
    # new starts are admitted only when their whole demand fits (Đ51 k5): none does
    assert codes(a, "C1") == ("none", "not_started", "not_started", "")
    assert codes(a, "D3") == ("none", "not_started", "not_started", "")
    assert a.rows.loc["envelope investment", "held"] == ""  # 2.571 left, less than D3 or D4 needs
    assert a.rows.loc["envelope recurrent", "held"] == "upper"
    assert a.rows.loc["envelope recurrent", "activity"] == pytest.approx(332401)
    new = a.table.xs(2024, level="year")["kind"] == "new"
    assert not any(a.notes[task] for task in new.index[~new])
    assert all(a.notes[task] == [label("not_started", UpperReason)] for task in new.index[new])


def test_options(runs: dict[str, pf.Allocation]) -> None:
    locked = runs["lock"]
    assert codes(locked, "B38") == ("lock", "lock", "lower", "")
    assert codes(locked, "C1") == ("none", "deferral", "upper", "")
    assert codes(locked, "D4") == ("none", "deferral", "upper", "")
    assert locked.notes["B38"] == ["locked at 50.000"]
    assert locked.notes["C1"] == ["deferred"]
    seeded = runs["must_fund_seed"]
    assert codes(seeded, "B28") == ("must_fund", "demand", "lower", "")
    # 2% of C2's remaining need 180.000 = 3.600, and nothing more: the envelope is spent
    assert codes(seeded, "C2") == ("seed", "demand", "lower", "")
    assert seeded.year_table().loc["C2", "allocated"] == pytest.approx(3600)
    assert seeded.notes["C2"] == ["seed share 2,00% of its need"]


def test_pacing_with_a_large_envelope(runs: dict[str, pf.Allocation]) -> None:
    paced = runs["pacing"]
    # B12's pacing cap 1,5 × 2.039,5 is below its remaining need; the envelope stops it above demand
    assert codes(paced, "B12") == ("none", "pacing", "envelope", "envelope recurrent")
    row = paced.task("B12").loc[2024]
    assert row["demand"] < row["allocated"] < row["upper"]
    assert codes(paced, "B1") == ("none", "demand", "upper", "")  # finishing: κ·d above its need
    assert codes(paced, "A14") == ("commitment", "demand", "lower", "")  # a lease is paid its payment


def test_pacing_up_to_the_remaining_need(tasks: pf.TaskList) -> None:
    # B28 has 24.353 left over 2 years: κ = 2 allows its whole remaining need
    a = pf.optimize(tasks, pacing=2.0, budget={"recurrent": 2_000_000})
    assert codes(a, "B28") == ("none", "remaining_need", "upper", "")
    assert a.year_table().loc["B28", "upper"] == pytest.approx(24353)


def test_rows_hold_tasks(runs: dict[str, pf.Allocation]) -> None:
    capped = runs["cap"]
    # A11 (lease) and B29 (finishing) leave 1.197,2 of the cap of Sở Y tế to B28
    assert codes(capped, "B28") == ("none", "demand", "row", "agency_cap 0: Sở Y tế")
    assert capped.rows.loc["agency_cap 0: Sở Y tế", "held"] == "upper"
    assert codes(capped, "A11") == ("commitment", "demand", "lower", "")
    assert codes(capped, "B29") == ("none", "demand", "upper", "")
    # B25 and B36 would get 4.724,14 at the common coverage; the analyst row holds them to 3.000
    assert codes(capped, "B25")[2:] == ("row", "constraint 1: B25 + B36 <= 3000")
    assert codes(capped, "B36")[2:] == ("row", "constraint 1: B25 + B36 <= 3000")
    floor = runs["floor"]
    # the floor of Sở Y tế lifts C14 above the nothing the other new tasks get
    assert codes(floor, "C14") == ("none", "demand", "row", "agency_floor 0: Sở Y tế")
    assert floor.rows.loc["agency_floor 0: Sở Y tế", "held"] == "lower"
    assert codes(floor, "C1")[2:] == ("not_started", "")  # its 6.250 does not fit: nothing is left


def test_all_or_nothing(runs: dict[str, pf.Allocation]) -> None:
    a = runs["all_or_nothing"]
    assert codes(a, "D3") == ("none", "all_or_nothing", "upper", "")
    # D4's 26.688 does not fit in the 6.181 left of the investment envelope: it does not start
    assert codes(a, "D4") == ("none", "not_started", "not_started", "")
    assert a.starts.loc["D4", "left"] == pytest.approx(6181)
    assert a.rows.loc["envelope investment", "held"] == ""


def test_not_started_in_a_plan(runs: dict[str, pf.Allocation]) -> None:
    plan = runs["plan"]
    reasons = plan.reasons
    not_started = reasons[reasons["held_by"] == "not_started"]
    assert not not_started.empty
    assert (not_started["upper_reason"] == "not_started").all()
    # only new tasks, none with money; a task waits until the year its schedule fits
    assert (plan.table.loc[not_started.index, "kind"] == "new").all()
    assert (plan.table.loc[reasons["held_by"] == "not_started", "allocated"] == 0).all()
    starts = plan.starts
    for (year, task), _ in not_started.iterrows():
        start = starts.loc[task, "start_year"]
        assert pd.isna(start) or start > year
    assert codes(plan, "A14", 2026) == ("commitment", "demand", "lower", "")
    never = starts.index[starts["status"] == "not_started"]
    assert len(never) and (not_started.index.get_level_values("id").value_counts()[never] == 3).all()
    task = str(never[0])
    assert plan.notes[task] == [label("not_started", UpperReason)]
    reason = explanations.explain_text(plan, task)
    assert "not started (chưa khởi công): needs" in reason and "no start in 2024–2026 fits" in reason
    assert "deferred by the scenario" not in reason


def test_the_codes_are_the_same_with_cbc(tasks: pf.TaskList, runs: dict[str, pf.Allocation]) -> None:
    for name, options in SCENARIOS.items():
        cbc = pf.optimize(tasks, **{**options, "solver": "cbc"})
        pd.testing.assert_frame_equal(cbc.reasons, runs[name].reasons)
        pd.testing.assert_series_equal(cbc.rows["held"], runs[name].rows["held"])


def test_a_pure_function_of_the_instance_and_the_allocation(tasks: pf.TaskList) -> None:
    a = pf.optimize(tasks, agency_caps={"Sở Y tế": 5000})
    waiting = a.starts.index[a.starts["status"] == "not_started"]
    ids = a.year_table().index
    inst = build_instance(
        tasks, a.options, {"recurrent": 332401, "investment": 66390}, not_started=ids.isin(waiting)
    )
    x = solve_ladder(inst).x
    assert inst.lower_reason.shape == inst.upper_reason.shape == (inst.n,)
    pd.testing.assert_frame_equal(task_reasons(inst, x), a.reasons)
    pd.testing.assert_frame_equal(row_table(inst, x), a.rows)
    # the same amounts a hair (within the tolerance) away from every bound give the same codes
    nudged = x - np.where(x > 0, 1e-4, 0.0)
    pd.testing.assert_frame_equal(task_reasons(inst, nudged), a.reasons)


def test_every_code_has_words_in_both_languages() -> None:
    for kind in (LowerReason, UpperReason, HeldBy):
        assert set(LABELS[kind]) == {c.value for c in kind}
        for code in kind:
            assert label(code.value, kind) and label(code.value, kind, "vi")


def test_explanations_read_codes_not_words() -> None:
    source = inspect.getsource(explanations)
    assert ".notes" not in source
    assert "startswith" not in source

"""Reasons in words for every task whose allocation differs from the document's plan."""

from __future__ import annotations

import pandas as pd
import pytest

import portfolio as pf
from portfolio.errors import ScenarioError
from portfolio.explanations import explain, explain_text
from portfolio.model.options import RULES
from portfolio.scenarios import Scenario


@pytest.fixture(scope="module")
def reasons(default_allocation: pf.Allocation) -> pd.DataFrame:
    return explain(default_allocation)


def why(frame: pd.DataFrame, task: str) -> str:
    return str(frame.at[task, "reason"])


def check_complete(frame: pd.DataFrame, allocation: pf.Allocation) -> None:
    table = allocation.year_table()
    assert list(frame.columns) == ["planned", "allocated", "difference", "tier", "reason"]
    assert frame.index.tolist() == table.index.tolist()
    differs = frame["difference"].abs() > 0.5
    assert differs.any()
    assert (frame.loc[differs, "reason"].str.len() > 20).all()
    assert not frame.loc[differs, "reason"].eq("as planned").any()
    assert frame.loc[~differs, "reason"].eq("as planned").all()


def test_columns_and_completeness(reasons: pd.DataFrame, default_allocation: pf.Allocation) -> None:
    check_complete(reasons, default_allocation)
    assert why(reasons, "A1") == "as planned"  # 18.000 planned, 18.000 allocated
    assert reasons.loc["B38", "planned"] == 120000
    assert reasons.loc["B38", "tier"] == 3


@pytest.mark.parametrize(
    ("task", "reason"),
    [
        # lease of 118.206 over 5 years (2024-2028): 23.641,2 a year; the document planned 3.696
        (
            "A14",
            "tier 1 commitment (cam kết): lease payment (thuê dịch vụ) 118.206/5 = 23.641,2 a year "
            "is paid in full; commitments come first",
        ),
        (
            "A3",
            "tier 1 commitment (cam kết): lease payment (thuê dịch vụ) 1.645/3 = 548,33 a year "
            "is paid in full; commitments come first",
        ),
        # ends in 2024, nothing spent: its whole remaining need 912; the document planned 0
        ("B1", "tier 2 finishing in 2024 (hoàn thành): funded to its full remaining need 912"),
        # 712.622 over 2024-2026 = 237.540,67; (332.401 − 70.166,53 − 176.217,95) / 266.884 = 32,23%
        (
            "B38",
            "tier 3 continuing (chuyển tiếp): rationed at the common coverage 32,23% of its "
            "even-schedule demand 237.540,67 because the recurrent envelope 332.401 binds",
        ),
        # a new start needs its whole demand (Đ51 k5): nothing is left after tiers 1–3
        (
            "C1",
            "tier 4 new (khởi công mới): not started (chưa khởi công): needs 6.250 a year in 2024 "
            "(recurrent); 2024 has 0 left",
        ),
        # 96.402 over 2024-2025 = 48.201 although the document planned 66.300
        (
            "D1",
            "tier 3 continuing (chuyển tiếp): capped at its demand 48.201 "
            "(remaining need 96.402 over 2 years)",
        ),
    ],
)
def test_reasons_on_the_document(reasons: pd.DataFrame, task: str, reason: str) -> None:
    assert why(reasons, task) == reason


def test_a_new_start_that_does_not_fit_says_what_is_left(tasks: pf.TaskList) -> None:
    # 66.390 − 63.819 = 2.571 is left of the investment envelope; D3 needs 20.000
    text = explain_text(pf.optimize(tasks), "D3")
    expected = "not started (chưa khởi công): needs 20.000 a year in 2024 (investment); 2024 has 2.571 left"
    assert expected in text


@pytest.mark.parametrize("rule", RULES)
def test_every_difference_has_a_reason_for_each_rule(tasks: pf.TaskList, rule: str) -> None:
    allocation = pf.optimize(tasks, rule=rule)
    frame = explain(allocation)
    check_complete(frame, allocation)
    assert why(frame, "A14").startswith("tier 1 commitment (cam kết): lease payment")
    assert why(frame, "D1").endswith("capped at its demand 48.201 (remaining need 96.402 over 2 years)")
    b38 = why(frame, "B38")
    expected = {
        "proportional": "rationed at the common coverage 32,23%",
        "equal_awards": "equal awards (chia đều): gets the common award 56.673,18",
        "weighted": "weighted rule (ưu tiên, weight 1)",
        "closest_to_plan": "kept closest to the plan (sát kế hoạch): cut to the common 97,33% of its "
        "planned 120.000",
    }[rule]
    assert expected in b38
    assert "because the recurrent envelope 332.401 binds" in b38


def test_lock_deferral_and_agency_cap(tasks: pf.TaskList) -> None:
    scenario = Scenario(
        name="mixed",
        locked={"B38": 50000},
        deferred=("C", "D4"),
        agency_caps={"Sở Y tế": 5000},
        constraints=("B25 + B36 <= 5000",),
    )
    allocation = scenario.run(tasks)
    frame = explain(allocation)
    check_complete(frame, allocation)
    assert why(frame, "B38").startswith("locked at 50.000 by the scenario; tier 3 continuing")
    assert why(frame, "C1").startswith("deferred by the scenario (hoãn): nothing in 2024")
    assert why(frame, "D4") == "as planned"  # planned 0, deferred: no difference
    # A11 (lease, 1.761,8) + B29 (finishing, 2.041) leave 1.197,2 of the cap for B28
    assert allocation.task("B28").loc[2024, "allocated"] == pytest.approx(5000 - 1761.8 - 2041, abs=1e-6)
    assert "agency cap of Sở Y tế binds: its total is held at 5.000" in why(frame, "B28")
    assert "analyst constraint 'B25 + B36 <= 5000' binds" in why(frame, "B25")
    assert "agency cap" not in why(frame, "A11")  # a commitment is not held back


def test_other_options(tasks: pf.TaskList) -> None:
    frame = explain(pf.optimize(tasks, must_fund=["B28"], seed_share=0.02))
    assert why(frame, "B28").startswith("must-fund by the scenario: funded to its full demand 12.176,5")
    assert "seed share (tỷ lệ bố trí vốn) 2,00% of its remaining need 180.000 = 3.600" in why(frame, "C2")
    paced = explain(pf.optimize(tasks, pacing=1.5, budget={"recurrent": 600000}))
    # tiers 1-3 take 513.268,48 of 600.000; the 86.731,52 left is shared over tier 3's
    # headroom (1.5 d - d, never above the remaining need), 133.442: 65,00% of B12's 1.019,75
    assert "funded 132,50% of its even-schedule demand 2.039,5 (pacing κ = 1.5 allows up to 3.059,25)" in why(
        paced, "B12"
    )
    moved = explain(pf.optimize(tasks, tiers={"B38": 2}))
    assert why(moved, "B38").startswith("tier 2 (continuing, chuyển tiếp; set by the scenario's tiers)")
    floor = explain(pf.optimize(tasks, agency_floors={"Sở Y tế": 20000}))
    assert "agency floor of Sở Y tế binds: its total is lifted to 20.000" in why(floor, "C14")


def test_multi_year_plan_explains_its_first_year(tasks: pf.TaskList) -> None:
    allocation = pf.optimize(tasks, years=3)
    frame = explain(allocation)
    check_complete(frame, allocation)


def test_explain_text(default_allocation: pf.Allocation) -> None:
    text = explain_text(default_allocation, "b38")
    assert text.startswith("B38 (Sở Tài nguyên và Môi trường; group B; recurrent envelope 332.401)")
    assert "the document planned 120.000 for 2024 and the proportional rule allocates 76.559,18" in text
    assert "43.440,82 less (-36,20%)" in text
    assert "rationed at the common coverage 32,23%" in text
    assert "Its remaining need is 712.622 over 3 years." in text
    assert "\n" not in text
    assert "as planned" in explain_text(default_allocation, "A1")
    with pytest.raises(ScenarioError, match="'Z9' is not a task id"):
        explain_text(default_allocation, "Z9")

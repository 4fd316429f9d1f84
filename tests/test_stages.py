"""The real LPs: each stage problem of a run, its solution and duals by name, and LP files."""

from __future__ import annotations

from pathlib import Path

import highspy
import pytest

import portfolio as pf
from portfolio.cli import main
from portfolio.model import Allocation
from solvers import LinearProblem, ProblemBuilder


@pytest.fixture(scope="module")
def allocation() -> Allocation:
    return pf.optimize()


def test_stages_are_the_ladder_lps(allocation: Allocation) -> None:
    stages = allocation.stages
    # no new task starts (Đ51 k5: none fits whole), so tier 4 has nothing to fill
    assert [s.name for s in stages] == ["tier 2: level", "tier 3: level", "tier 3: level"]
    assert all(isinstance(s.problem, LinearProblem) and s.result.ok for s in stages)
    tier3 = stages[1]
    # the level the tier-3 fill reached is the allocation's common coverage
    assert tier3.objective == pytest.approx(allocation.levels[("recurrent", 2024, 3)], rel=1e-9)
    # its envelope dual: one more million raises the level by 1/266.884 (the tier's demand)
    assert tier3.duals["envelope recurrent"] == pytest.approx(1 / 266_884.0, rel=1e-6)
    assert tier3.duals["envelope investment"] == pytest.approx(0.0, abs=1e-12)
    # columns and per-task rows by task id
    assert "x[B38]" in tier3.solution.index and "coverage[B38]" in tier3.duals.index
    assert tier3.solution["level"] == pytest.approx(tier3.objective)
    assert tier3.solution["x[A1]"] == pytest.approx(18_000.0)  # tier 1 fixed at its lease
    assert "maximize over 82 columns" in repr(tier3)


def test_stages_follow_the_rule_and_keep_the_allocation() -> None:
    tasks = pf.read_appendix().select(["A1", "B12", "B38", "C1", "C2", "D1"])
    for rule, name in (("closest_to_plan", "plan: least change from plan"), ("weighted", "tier 3: utility")):
        a = pf.optimize(tasks, budget={"recurrent": 60_000, "investment": 30_000}, rule=rule)
        before = a.table["allocated"].copy()
        assert name in [s.name for s in a.stages]
        assert a.table["allocated"].equals(before)
    plan = pf.optimize(years=2)
    assert {s.year for s in plan.stages} == {2024, 2025}


def test_write_lp_reads_back_in_highs(allocation: Allocation, tmp_path: Path) -> None:
    stage = allocation.stages[1]
    path = stage.write_lp(tmp_path / "tier3.lp")
    text = path.read_text()
    assert "Maximize" in text and "envelope_recurrent:" in text and "x_B38" in text
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    assert h.readModel(str(path)) == highspy.HighsStatus.kOk
    h.run()
    assert h.getInfo().objective_function_value == pytest.approx(stage.objective, rel=1e-9)


def test_cli_write_lp(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "lp"
    assert main(["optimize", "--write-lp", str(folder)]) == 0
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["2024_01_tier_2_level.lp", "2024_02_tier_3_level.lp", "2024_03_tier_3_level.lp"]
    assert "wrote 3 LP files" in capsys.readouterr().out


def test_names_repr_shows_the_names() -> None:
    b = ProblemBuilder()
    b.add_variables("x", 3)
    b.add_variables("level", 1, names=["level"])
    assert repr(b.build().col_names) == "Names(['x[0]', 'x[1]', 'x[2]', 'level'])"


def test_lp_file_leaves_out_empty_rows(tmp_path: Path) -> None:
    # no investment task: the investment envelope row has no entries and says nothing
    tasks = pf.read_appendix().select(["A1", "B12", "B38", "C1"])
    stage = pf.optimize(tasks, budget={"recurrent": 50_000}).stages[-1]
    assert "envelope investment" in stage.duals.index
    text = stage.write_lp(tmp_path / "stage.lp").read_text()
    assert "envelope_investment" not in text and "dummy" not in text
    assert "envelope_recurrent:" in text

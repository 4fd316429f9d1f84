"""The real LPs: each stage problem of a run, its solution and duals by name, and LP files."""

from __future__ import annotations

from pathlib import Path

import highspy
import numpy as np
import pytest

import portfolio as pf
from portfolio.cli import main
from portfolio.model import Allocation
from portfolio.model.inputs import make_options, planned_totals
from portfolio.model.instance import Instance, build_instance
from portfolio.model.ladder import solve_ladder
from portfolio.model.reduced import solve_without_fixed
from portfolio.model.stages import Kept, Stages
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


def _instance_with_rows() -> Instance:
    tasks = pf.read_appendix()
    options = make_options(constraints=["Sở Y tế >= 20000", "C1 + C2 <= 9000"])
    return build_instance(tasks, options, planned_totals(tasks))


@pytest.mark.parametrize("level_top", [1.0, 0.0])
def test_a_fill_step_is_built_as_the_whole_stage_without_its_fixed_columns(level_top: float) -> None:
    # Stages.level builds the fill's LP without the fixed columns to begin with; recorded,
    # it builds the whole stage and solve_without_fixed takes them out: the same problem
    inst = _instance_with_rows()
    assert len(inst.rows) == 2
    lower, upper = inst.lower.copy(), inst.upper.copy()
    fixed = (np.arange(inst.n) % 3 == 0) & (inst.rows[0].coef == 0)  # Sở Y tế can still reach its floor
    upper[fixed] = lower[fixed]
    idx = np.flatnonzero(inst.tier == 3)
    assert fixed[idx].any() and not fixed[idx].all()
    base, weight = 0.5 * lower[idx], inst.demand[idx]
    kept = Kept(pins=((0, 20_000.0),))
    record: list[object] = []
    whole = Stages(inst, "highs", 1e-9, record).level(lower, upper, kept, idx, base, weight, level_top)
    direct = Stages(inst, "highs", 1e-9).level(lower, upper, kept, idx, base, weight, level_top)
    _, reduced = solve_without_fixed(whole.problem, "highs")
    assert whole.problem.num_cols == inst.n + 1 and len(record) == 1
    assert direct.problem.num_cols == reduced.num_cols < inst.n
    for name in ("c", "col_lower", "col_upper", "a_start", "a_index", "a_value", "row_lower", "row_upper"):
        np.testing.assert_array_equal(getattr(direct.problem, name), getattr(reduced, name), err_msg=name)
    assert direct.problem.offset == reduced.offset and direct.problem.families == reduced.families
    assert direct.problem.sense == reduced.sense and direct.problem.row_names == reduced.row_names
    np.testing.assert_array_equal(direct.problem.row_family, reduced.row_family)
    np.testing.assert_array_equal(direct.problem.integrality, reduced.integrality)
    assert direct.problem.blocks == ("x", "level") and direct.problem.cols_of("level").size == (level_top > 0)
    np.testing.assert_array_equal(direct.coverage, whole.coverage)
    np.testing.assert_array_equal(direct.side_lower, whole.side_lower)
    assert direct.result.objective == whole.result.objective
    np.testing.assert_array_equal(direct.result.row_duals, whole.result.row_duals)
    assert (direct.level is None) == (level_top == 0.0) and whole.level == inst.n


def test_recorded_and_unrecorded_ladders_allocate_alike() -> None:
    inst = _instance_with_rows()
    for rule in ("proportional", "weighted", "closest_to_plan"):
        record: list[object] = []
        quiet = solve_ladder(inst, rule, closed_form_from=10**12)
        shown = solve_ladder(inst, rule, closed_form_from=10**12, record=record)
        assert record
        # the same LPs; a small stage's level is then recomputed exactly from its vertex
        # (faces.vertex_value), with or without the fixed columns: alike but for rounding
        np.testing.assert_allclose(quiet.x, shown.x, rtol=0, atol=1e-9)

"""Scenarios from TOML/JSON, percentages of the baseline envelopes, and side-by-side comparisons."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import portfolio as pf
from portfolio.errors import InfeasibleError, ScenarioError
from portfolio.model.inputs import make_options
from portfolio.model.options import normalize_name
from portfolio.scenarios import TOTAL, Comparison, Scenario, compare, load_scenarios, planned_totals

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "scenarios"
RECURRENT, INVESTMENT = 332401.0, 66390.0  # the document's planned totals
TIER1, TIER2, TIER3 = 70166.533333333, 176217.95, 266884.0  # recurrent demand by tier


def num(value: Any) -> float:
    return float(value)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- budgets -----------------------------------------------------------------------------------


def test_baseline_is_the_documents_planned_totals(tasks: pf.TaskList) -> None:
    assert planned_totals(tasks) == {"recurrent": RECURRENT, "investment": INVESTMENT}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-10%", 299160.9),
        ("90%", 299160.9),
        ("- 10 %", 299160.9),
        ("+5%", 349021.05),
        ("-7,5%", 307470.925),
        ("100%", RECURRENT),
        ("-100%", 0.0),
        (300000, 300000.0),
        ("300.000", 300000.0),
        ("299.160,9", 299160.9),
        ("299160.9", 299160.9),
    ],
)
def test_budget_amounts_and_percentages(tasks: pf.TaskList, value: object, expected: float) -> None:
    scenario = Scenario.model_validate({"name": "s", "budget": {"recurrent": value}})
    assert scenario.to_options(tasks).budget["recurrent"] == pytest.approx(expected, abs=1e-9)


def test_yearly_budget_list(tasks: pf.TaskList) -> None:
    scenario = Scenario(name="s", years=2, budget={"recurrent": ["-10%", 310000], "investment": "-50%"})
    budget = scenario.to_options(tasks).budget
    assert budget["recurrent"] == pytest.approx((299160.9, 310000.0))
    assert budget["investment"] == pytest.approx(33195.0)


def test_cut10_rations_tier3_by_hand(tasks: pf.TaskList) -> None:
    allocation = load_scenarios(EXAMPLES / "cut10.toml")[0].run(tasks)
    assert allocation.envelopes[("recurrent", 2024)] == pytest.approx(299160.9)
    # (299.160,9 − 70.166,5333 − 176.217,95) / 266.884 = 0,197750...
    expected = (299160.9 - TIER1 - TIER2) / TIER3
    assert expected == pytest.approx(0.19775, abs=1e-5)
    assert allocation.levels[("recurrent", 2024, 3)] == pytest.approx(expected, rel=1e-7)
    assert allocation.levels[("investment", 2024, 3)] == pytest.approx(59751 / 63819, rel=1e-7)
    assert allocation.levels[("investment", 2024, 4)] == pytest.approx(0.0, abs=1e-9)


def test_scenario_options_pass_through(tasks: pf.TaskList) -> None:
    scenario = Scenario.model_validate(
        {"name": "s", "rule": "weighted", "weights": {"Sở Y tế": 3}, "deferred": "C", "seed_share": 0.02}
    )
    options = scenario.to_options(tasks)
    assert options.rule == "weighted"
    assert options.deferred == ("C",)
    assert options.weights == {"Sở Y tế": 3.0}
    assert options.seed_share == 0.02
    assert options.budget == {}
    assert Scenario(name="plain").to_options(tasks) == make_options()


def test_scenario_is_frozen() -> None:
    scenario = Scenario(name="s")
    with pytest.raises(ValueError):
        scenario.name = "t"


# --- files -------------------------------------------------------------------------------------


def test_examples_load_and_check(tasks: pf.TaskList) -> None:
    scenarios = load_scenarios(EXAMPLES, tasks=tasks)
    names = [s.name for s in scenarios]
    assert names[:5] == ["cut10", "cut20", "defer_new", "health_weighted", "health_must_fund"]
    assert names[5:] == ["economy_weighted", "society_floor"]  # priority_pillars.toml
    assert all(s.description for s in scenarios)
    by_name = {s.name: s for s in scenarios}
    assert by_name["cut20"].budget == {"recurrent": "-20%", "investment": "-20%"}
    assert by_name["defer_new"].deferred == ("C", "D3", "D4")
    assert by_name["health_weighted"].weights == {"Sở Y tế": 3.0}


def test_single_scenario_is_named_after_its_file(tmp_path: Path) -> None:
    path = write(tmp_path / "small.toml", 'budget = { recurrent = "95%" }\n')
    (scenario,) = load_scenarios(path)
    assert scenario.name == "small"
    assert scenario.budget == {"recurrent": "95%"}


def test_json_forms(tmp_path: Path) -> None:
    one = write(tmp_path / "one.json", json.dumps({"name": "j", "budget": {"investment": 50000}}))
    many = write(tmp_path / "many.json", json.dumps([{"name": "a"}, {"name": "b", "deferred": ["C"]}]))
    table = write(tmp_path / "table.json", json.dumps({"scenario": [{"name": "c"}]}))
    assert [s.name for s in load_scenarios(one)] == ["j"]
    assert [s.name for s in load_scenarios(many)] == ["a", "b"]
    assert [s.name for s in load_scenarios(table)] == ["c"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "cut.toml",
            'budget = { recurrent = "abc" }\n',
            "field 'budget.recurrent': expected an amount or a percentage like -10%, got 'abc'",
        ),
        (
            "neg.toml",
            "budget = { recurrent = -5 }\n",
            "field 'budget.recurrent': expected an amount or a percentage like -10%, got -5",
        ),
        (
            "big.toml",
            'budget = { recurrent = "-110%" }\n',
            "field 'budget.recurrent': a cut of more than 100%",
        ),
        ("src.toml", "budget = { health = 5 }\n", "field 'budget.health': unknown source"),
        (
            "list.toml",
            'budget = { recurrent = [1, "x"] }\n',
            "field 'budget.recurrent[1]': expected an amount",
        ),
        ("typo.toml", 'nmae = "x"\n', "field 'nmae': unknown field; did you mean 'name'?"),
        ("rule.toml", 'rule = "fair"\n', "field 'rule': Input should be"),
        (
            "seed.toml",
            "seed_share = 2\n",
            "field 'seed_share': Input should be less than or equal to 1, got 2",
        ),
        ("tier.toml", "tiers = { C = 12 }\n", "field 'tiers': tier of 'C' must be 1 to 9, got 12"),
        (
            "many.toml",
            '[[scenario]]\nname = "a"\n[[scenario]]\nname = "b"\npacing = 0.5\n',
            "field 'scenario[1].pacing': Input should be greater than or equal to 1",
        ),
        ("mixed.toml", 'name = "x"\n[[scenario]]\nname = "a"\n', "field 'name': no top-level keys"),
        ("bad.toml", "budget = {\n", "not valid TOML"),
        ("dup.toml", '[[scenario]]\nname = "a"\n[[scenario]]\nname = "a"\n', "duplicate scenario name"),
        ("bad.json", "{", "not valid JSON"),
        ("plan.yaml", "name: x\n", "expected a .toml or .json scenario file"),
    ],
)
def test_errors_name_the_file_and_field(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = write(tmp_path / name, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(path)
    line = str(caught.value)
    assert line.startswith(f"{path}: ")
    assert message in line
    assert "\n" not in line


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenarios(tmp_path / "nope.toml")


def test_unknown_names_eagerly_with_tasks_else_at_run(tmp_path: Path, tasks: pf.TaskList) -> None:
    path = write(tmp_path / "names.toml", 'deferred = ["X99"]\n')
    (scenario,) = load_scenarios(path)  # no appendix: names are not checked yet
    expected = f"{path}: field 'deferred': 'X99' is no task id"
    with pytest.raises(ScenarioError, match=expected):
        load_scenarios(path, tasks=tasks)
    with pytest.raises(ScenarioError, match=expected):
        scenario.run(tasks)


def test_unknown_agency_in_a_multi_scenario_file(tmp_path: Path, tasks: pf.TaskList) -> None:
    path = write(
        tmp_path / "m.toml",
        '[[scenario]]\nname = "a"\n[[scenario]]\nname = "b"\nagency_caps = { "Sở Y tê" = 5000 }\n',
    )
    with pytest.raises(ScenarioError, match=r"field 'scenario\[1\]\.agency_caps'.*did you mean 'sở y tế'"):
        load_scenarios(path, tasks=tasks)


def test_yearly_budget_length_checked(tmp_path: Path, tasks: pf.TaskList) -> None:
    path = write(tmp_path / "y.toml", "years = 3\nbudget = { recurrent = [1, 2] }\n")
    with pytest.raises(ScenarioError, match="field 'budget': budget recurrent gives 2 yearly amounts"):
        load_scenarios(path, tasks=tasks)


# --- compare -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def comparison(tasks: pf.TaskList) -> Comparison:
    scenarios = [
        Scenario(name="document"),
        *load_scenarios(EXAMPLES / "cut10.toml"),
        Scenario(name="too_small", budget={"recurrent": "-80%"}),
    ]
    return compare(scenarios, tasks, raise_on_failure=False)


def test_compare_columns(comparison: Comparison) -> None:
    for table in (comparison.per_task, comparison.per_agency, comparison.per_group, comparison.per_tier):
        assert list(table.columns) == ["planned", "document", "cut10", "too_small"]
        assert table.index[-1] in (TOTAL, (TOTAL, ""))
    assert comparison.per_task.index[:-1].tolist()[:3] == ["A1", "A2", "A3"]
    assert len(comparison.per_task) == 81 + 1
    assert comparison.per_group.index.tolist() == ["A", "B", "C", "D", TOTAL]
    assert set(comparison.allocations) == {"document", "cut10"}


def test_compare_totals_equal_the_envelopes_spent(comparison: Comparison) -> None:
    # at the document's envelopes 2.571 of investment is left: neither D3 nor D4 fits whole
    for name, envelope, spent in (
        ("document", RECURRENT + INVESTMENT, RECURRENT + INVESTMENT - 2571),
        ("cut10", 0.9 * (RECURRENT + INVESTMENT), 0.9 * (RECURRENT + INVESTMENT)),
    ):
        assert comparison.envelopes[name].sum() == pytest.approx(envelope)
        for table in (comparison.per_task, comparison.per_agency, comparison.per_group, comparison.per_tier):
            total = table.loc[(TOTAL, "") if isinstance(table.index, pd.MultiIndex) else TOTAL, name]
            assert total == pytest.approx(spent, abs=0.01)
            assert table[name].iloc[:-1].sum() == pytest.approx(total, abs=1e-6)
    for table in (comparison.per_task, comparison.per_group):
        assert table.loc[TOTAL, "planned"] == pytest.approx(398791)
    tiers = comparison.per_tier["cut10"]
    assert tiers.loc["recurrent"].sum() == pytest.approx(299160.9, abs=0.01)
    assert tiers.loc["investment"].sum() == pytest.approx(59751, abs=0.01)
    assert tiers.loc[("recurrent", 3)] == pytest.approx(299160.9 - TIER1 - TIER2, abs=0.01)


def test_compare_failed_scenario(comparison: Comparison) -> None:
    assert list(comparison.failed) == ["too_small"]
    reason = comparison.failed["too_small"]
    assert "commitments need 70.166,5" in reason and "short by" in reason
    assert comparison.per_task["too_small"].isna().all()
    assert math.isnan(num(comparison.per_group.loc[TOTAL, "too_small"]))
    assert comparison.envelopes["too_small"].isna().all()


def test_compare_raises_by_default(tasks: pf.TaskList) -> None:
    with pytest.raises(InfeasibleError, match="short by"):
        compare([Scenario(name="x", budget={"recurrent": 1000})], tasks)


def test_compare_agencies_spelled_two_ways_are_one(comparison: Comparison, tasks: pf.TaskList) -> None:
    agencies = comparison.per_agency.index[:-1]
    keys = {normalize_name(t.agency) for t in tasks}
    assert len(agencies) == len(keys) < len({t.agency for t in tasks})
    planned = comparison.per_agency["planned"]
    assert planned.loc["Sở Y tế"] == pytest.approx(1727 + 18000 + 1303 + 2914)


def test_compare_unique_names(tasks: pf.TaskList) -> None:
    with pytest.raises(ScenarioError, match="unique"):
        compare([Scenario(name="a"), Scenario(name="a")], tasks)
    with pytest.raises(ScenarioError, match="planned"):
        compare([Scenario(name="planned")], tasks)


def test_compare_loads_files(tasks: pf.TaskList) -> None:
    result = compare([EXAMPLES / "cut20.toml", str(EXAMPLES / "defer_new.toml")], tasks)
    assert list(result.per_group.columns) == ["planned", "cut20", "defer_new"]
    tiers = result.per_tier
    assert tiers.loc[("investment", 4), "defer_new"] == 0.0
    assert num(tiers.loc[("recurrent", 3), "cut20"]) / TIER3 == pytest.approx(
        (265920.8 - TIER1 - TIER2) / TIER3, rel=1e-6
    )


def test_comparison_files(comparison: Comparison, tmp_path: Path) -> None:
    written = comparison.to_csv(tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(
        ["per_task.csv", "per_agency.csv", "per_group.csv", "per_tier.csv", "per_pillar.csv"]
        + ["envelopes.csv", "failed.csv"]
    )
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in written)  # UTF-8 with BOM, for Excel
    back = pd.read_csv(tmp_path / "out" / "per_group.csv")
    assert back.columns.tolist() == ["group", "planned", "document", "cut10", "too_small"]
    assert back["group"].iloc[-1] == TOTAL
    tasks = pd.read_csv(tmp_path / "out" / "per_task.csv").set_index("id")
    assert tasks.columns.tolist()[:2] == ["name", "agency"]
    assert tasks.loc["B38", "document"] == comparison.per_task.loc["B38", "document"]  # exact, not 6 decimals
    comparison.to_excel(tmp_path / "cmp.xlsx")
    sheets = pd.read_excel(tmp_path / "cmp.xlsx", sheet_name=None, header=None)
    assert list(sheets) == [
        "So sánh",
        "Theo đơn vị",
        "Theo nhóm",
        "Theo thứ bậc",
        "Theo trụ cột",
        "Kịch bản",
        "document",
        "cut10",
    ]
    groups = sheets["Theo nhóm"]
    total = groups[groups[0] == "TỔNG (total)"].iloc[0]
    assert np.isclose(num(total[3]), RECURRENT + INVESTMENT - 2571)  # planned, then document (2.571 unspent)

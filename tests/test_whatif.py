"""What-ifs from the command line give exactly what Python gives, and errors name options as written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import portfolio as pf
from portfolio.cli import main
from portfolio.errors import ScenarioError

ROOT = Path(__file__).resolve().parent.parent
CUT10 = ROOT / "examples" / "scenarios" / "cut10.toml"
DEFER_NEW = ROOT / "examples" / "scenarios" / "defer_new.toml"

# each flag (repeated where that makes sense) and the optimize() call it stands for
FLAGS: dict[str, tuple[list[str], dict[str, Any]]] = {
    "budget percent": (["--budget", "recurrent=-15%"], {"budget": {"recurrent": "-15%"}}),
    "budget both": (
        ["--budget", "recurrent=300.000", "--budget", "investment=90%"],
        {"budget": {"recurrent": 300000, "investment": "90%"}},
    ),
    "defer": (["--defer", "B38", "--defer", "B36"], {"deferred": ["B38", "B36"]}),
    "must-fund": (["--must-fund", "C1", "--must-fund", "C2"], {"must_fund": ["C1", "C2"]}),
    "lock": (["--lock", "B38=50.000", "--lock", "B36=1000,5"], {"locked": {"B38": 50000, "B36": 1000.5}}),
    "cap": (["--cap", "Sở Kế hoạch và Đầu tư=5000"], {"agency_caps": {"Sở Kế hoạch và Đầu tư": 5000}}),
    "floor": (
        ["--floor", "Báo Hải Phòng=3.000", "--floor", "Công an Hải Phòng=2000"],
        {"agency_floors": {"Báo Hải Phòng": 3000, "Công an Hải Phòng": 2000}},
    ),
    "constraint": (
        ["--constraint", "C >= 2.000", "--constraint", "B38 + B36 <= 60000"],
        {"constraints": ["C >= 2.000", "B38 + B36 <= 60000"]},
    ),
    "weight": (
        ["--rule", "weighted", "--weight", "B38=0.5", "--weight", "Sở Y tế=3"],
        {"rule": "weighted", "weights": {"B38": 0.5, "Sở Y tế": 3}},
    ),
    "seed-share": (["--seed-share", "2%"], {"seed_share": 0.02}),
    "pacing": (["--pacing", "1.5"], {"pacing": 1.5}),
    "all-or-nothing": (
        # 26.181 left of investment: D3 (20.000) starts whole, D4 (26.688) does not
        ["--all-or-nothing", "--budget", "investment=90000"],
        {"all_or_nothing": True, "budget": {"investment": 90000}},
    ),
    "tier": (["--tier", "B38=4"], {"tiers": {"B38": 4}}),
}


@pytest.fixture(scope="module")
def default_csv(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("default") / "default.csv"
    pf.optimize().to_csv(str(out))
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", list(FLAGS))
def test_each_flag_gives_the_python_result(
    case: str, tmp_path: Path, default_csv: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, kwargs = FLAGS[case]
    cli, python = tmp_path / "cli.csv", tmp_path / "python.csv"
    assert main(["optimize", *argv, "--out", str(cli)]) == 0
    pf.optimize(**kwargs).to_csv(str(python))
    assert cli.read_text(encoding="utf-8") == python.read_text(encoding="utf-8")
    assert cli.read_text(encoding="utf-8") != default_csv  # the flag changed the allocation
    assert "nan" not in capsys.readouterr().out


def test_flags_add_to_a_scenario(tmp_path: Path) -> None:
    cli, python = tmp_path / "cli.csv", tmp_path / "python.csv"
    argv = ["optimize", "--scenario", str(DEFER_NEW), "--defer", "B38", "--budget", "recurrent=-20%"]
    assert main([*argv, "--out", str(cli)]) == 0
    (scenario,) = pf.load_scenarios(DEFER_NEW)
    assert scenario.deferred == ("C", "D3", "D4")  # kept, and B38 added by the flag
    pf.optimize(budget={"recurrent": "-20%"}, deferred=["C", "D3", "D4", "B38"]).to_csv(str(python))
    assert cli.read_text(encoding="utf-8") == python.read_text(encoding="utf-8")
    table = pd.read_csv(cli).set_index("id")
    assert table.loc[["B38", "C1", "D3"], "allocated"].eq(0).all()


def test_percentages_in_python_as_in_a_scenario() -> None:
    cut = pf.optimize(budget={"recurrent": "-15%"})
    assert cut.envelopes[("recurrent", 2024)] == pytest.approx(332401 * 0.85)  # 282.540,85
    assert cut.envelopes[("investment", 2024)] == 66390
    same = pf.Scenario(name="cut", budget={"recurrent": "85%"}).run()
    pd.testing.assert_frame_equal(cut.table, same.table)
    yearly = pf.optimize(budget={"recurrent": ["-10%", "+10%"]}, years=2)
    assert yearly.envelopes[("recurrent", 2025)] == pytest.approx(332401 * 1.1)


@pytest.mark.parametrize(
    ("options", "field", "words"),
    [
        ({"budget": {"recurrent": "x"}}, "budget.recurrent", "got 'x'"),
        ({"budget": {"recurrent": [1.0, "y"]}}, "budget.recurrent[1]", "got 'y'"),
        ({"weights": {"B38": "heavy"}}, "weights.B38", "got 'heavy'"),
        ({"locked": {"B38": "abc"}}, "locked.B38", "got 'abc'"),
        ({"must_fund": [1]}, "must_fund[0]", "got 1"),
        ({"seed_share": "a lot"}, "seed_share", "got 'a lot'"),
        ({"pacing": 0.5}, "pacing", "got 0.5"),
    ],
)
def test_error_fields_are_the_options_as_written(options: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        pf.optimize(**options)
    message = str(caught.value)
    assert f"field {field!r}" in message and words in message
    for internal in (".float", ".int", "tuple[", "function-", "list[", "str]"):
        assert internal not in message


def test_bad_flag_values_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["optimize", "--lock", "B38=fifty"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("portfolio: error: --lock B38:")
    assert main(["optimize", "--cap", "Sở Không Có=10"]) == 2
    assert "field 'agency_caps'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["optimize", "--lock", "B38"])
    assert caught.value.code == 2
    assert "--lock: expected ID=AMOUNT" in capsys.readouterr().err


def test_compare_baseline_is_the_optimized_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    comparison = pf.compare([CUT10], baseline=True)
    assert list(comparison.per_group.columns) == ["planned", "baseline", "cut10"]
    default = pf.optimize().by_group()["allocated"]
    for group in "ABCD":
        assert comparison.per_group.loc[group, "baseline"] == pytest.approx(default.loc[group])
    assert main(["compare", "--baseline", str(CUT10)]) == 0
    printed = capsys.readouterr().out
    assert "baseline" in printed and "cut10" in printed


@pytest.mark.parametrize(
    "text", ["recurrent=300.000", "investment=90%", "recurrent=1000,5", "investment=-15%"]
)
def test_simulate_reads_an_envelope_as_optimize_does(text: str) -> None:
    from portfolio.cli.values import budget, budget_spec

    assert budget_spec(text) == budget(text)


def test_a_bad_budget_amount_is_the_same_one_line_for_optimize_and_simulate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    said = []
    for command in ("optimize", "simulate"):
        with pytest.raises(SystemExit) as caught:
            main([command, "--budget", "recurrent=fifty"])
        assert caught.value.code == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert "Traceback" not in "\n".join(err)
        said.append(err[-1].partition("--budget recurrent:")[2])
    assert said[0] and said[0] == said[1]

"""The command line an analyst uses: outputs, summaries, errors."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from portfolio.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "examples" / "scenarios"


def test_optimize_writes_every_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outs = [tmp_path / "a.csv", tmp_path / "a.xlsx", tmp_path / "a.png"]
    code = main(["optimize", *(arg for out in outs for arg in ("--out", str(out)))])
    assert code == 0
    printed = capsys.readouterr().out
    assert "recurrent tier 3" in printed and "32,23%" in printed and "nan" not in printed
    table = pd.read_csv(outs[0])
    assert {"id", "allocated", "planned", "year"} <= set(table.columns)
    assert abs(table.loc[table["funding_source"] == "recurrent", "allocated"].sum() - 332401) < 0.01
    assert openpyxl.load_workbook(outs[1]).sheetnames[:4] == ["A", "B", "C", "D"]
    assert outs[2].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_optimize_multi_year_csv(tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    assert main(["optimize", "--years", "3", "--out", str(out)]) == 0
    assert sorted(set(pd.read_csv(out)["year"])) == [2024, 2025, 2026]


def test_optimize_budget_and_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["optimize", "--budget", "recurrent=300.000", "--rule", "equal_awards"]) == 0
    assert "recurrent 2024 300.000,00" in capsys.readouterr().out


def test_optimize_scenario_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["optimize", "--scenario", str(SCENARIOS / "cut10.toml")]) == 0
    assert "recurrent 2024 299.160,90" in capsys.readouterr().out


def test_infeasible_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["optimize", "--budget", "recurrent=60000"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "recurrent envelope 2024" in err[0] and "short by 10.166,5" in err[0]


def test_bad_output_suffix_fails_before_solving(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["optimize", "--out", str(tmp_path / "a.txt")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "--out must end in" in captured.err


def test_compare(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cmp.xlsx"
    code = main(["compare", str(SCENARIOS / "cut10.toml"), str(SCENARIOS / "cut20.toml"), "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "cut10" in printed and "cut20" in printed and "TỔNG" in printed
    assert out.exists()


def test_frontier(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "frontier.csv"
    assert main(["frontier", "--points", "200", "--out", str(out)]) == 0
    sweep = pd.read_csv(out)
    assert sweep["point"].nunique() == 200
    assert "tier 3" in capsys.readouterr().out


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--task", "B38"]) == 0
    assert "32,23%" in capsys.readouterr().out


COMMANDS = ["show", "reconcile", "optimize", "compare", "frontier", "explain", "convert"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "example" in capsys.readouterr().out


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_same_input_gives_the_same_bytes(tmp_path: Path, solver: str) -> None:
    runs = []
    for k in (1, 2):
        csv, xlsx = tmp_path / f"{k}.csv", tmp_path / f"{k}.xlsx"
        assert main(["optimize", "--solver", solver, "--out", str(csv), "--out", str(xlsx)]) == 0
        runs.append((csv.read_bytes(), xlsx.read_bytes()))
    assert runs[0] == runs[1]

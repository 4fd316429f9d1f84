"""What a simulation shows and writes: the command line, charts, HTML and the workbook."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import portfolio as pf
from portfolio.cli import main
from portfolio.errors import ScenarioError

matplotlib.use("Agg")

UNIFORM = "recurrent=uniform:300000:600000"


@pytest.fixture(scope="module")
def small_plan(tasks: pf.TaskList) -> pf.Simulation:
    budget = {"recurrent": ("uniform", "-15%", "+15%"), "investment": ("normal", "100%", "8%")}
    return pf.simulate(tasks, budget=budget, scenarios=30, years=3, min_completion_probability=0.8)


def test_cli_writes_workbook_csv_and_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outs = [tmp_path / "sim.xlsx", tmp_path / "sim.csv", tmp_path / "sim.png"]
    argv = [
        "simulate",
        "--budget",
        UNIFORM,
        "--budget",
        "investment=normal:66390:5000",
        "--scenarios",
        "2000",
    ]
    assert main([*argv, "--seed", "3", *[a for out in outs for a in ("--out", str(out))]]) == 0
    printed = capsys.readouterr().out
    assert "closed form" in printed and "core index 2024" in printed
    table = pd.read_csv(outs[1], encoding="utf-8-sig")
    b38 = table[(table["id"] == "B38") & (table["year"] == 2024)].iloc[0]
    sim = pf.simulate(
        budget={"recurrent": ("uniform", 300_000, 600_000), "investment": ("normal", 66_390, 5_000)},
        scenarios=2000,
        seed=3,
    )
    assert b38["core_index"] == pytest.approx(sim.core_index[(2024, "B38")])
    from openpyxl import load_workbook

    book = load_workbook(outs[0], read_only=True, data_only=True)
    assert len(book.sheetnames) == 5
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    b38_row = next(r for r in rows if r[1] == "B38")
    header = next(r for r in rows if r[0] == "Năm (year)")
    assert b38_row[header.index("Tên nhiệm vụ (task)")] == pf.read_appendix()["B38"].name
    assert b38_row[header.index("Chỉ số lõi (core index)")] == pytest.approx(sim.core_index[(2024, "B38")])
    assert outs[2].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_outputs_are_reproducible(tmp_path: Path) -> None:
    def run(folder: Path) -> list[bytes]:
        folder.mkdir()
        outs = [folder / "s.xlsx", folder / "s.png"]
        argv = ["simulate", "--budget", UNIFORM, "--scenarios", "300", "--lang", "vi"]
        assert main([*argv, *[a for out in outs for a in ("--out", str(out))]]) == 0
        return [out.read_bytes() for out in outs]

    assert run(tmp_path / "a") == run(tmp_path / "b")


def test_cli_plan_with_workers_and_robust_starts(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", "--budget", UNIFORM, "--budget", "investment=normal:100%:8%", "--years", "2"]
    assert main([*argv, "--scenarios", "6", "--workers", "2", "--min-completion-probability", "90%"]) == 0
    printed = capsys.readouterr().out
    assert "engine" in printed and "decided to start (≥ 90,00%)" in printed


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("recurrent=uniform:600000:300000", "uniform needs low ≤ high"),
        ("investment=normal:66390:-5", "normal needs sd ≥ 0"),
        ("investment=gamma:1:2", "unknown distribution 'gamma'"),
        ("investment=triangular:1:2", "triangular takes low, mode, high"),
        ("investment=resample:0.9:x", "factors to resample must be numbers"),
        ("capital=uniform:1:2", "unknown source"),
    ],
)
def test_cli_bad_distribution_is_one_line(
    spec: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "--budget", spec, "--scenarios", "5"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_cli_refuses_unknown_output_before_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--out", str(tmp_path / "sim.docx")]) == 2
    assert "--out must end in" in capsys.readouterr().err


def test_plots_return_axes_and_draw_each_tier(small_plan: pf.Simulation) -> None:
    ax = small_plan.plot("core")
    assert len(ax.patches) == 81
    heights = sorted(p.get_height() for p in ax.patches)
    assert heights[-1] == pytest.approx(1.0)
    fan = small_plan.plot("fan", year=2025)
    labels = [line.get_label() for line in fan.get_lines()]
    assert sum("tier" in label for label in labels) == 4
    with pytest.raises(ScenarioError, match="kind"):
        small_plan.plot("pie")
    with pytest.raises(ScenarioError, match="years"):
        small_plan.plot("fan", year=2030)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_html_is_compact_and_in_the_display_language(small_plan: pf.Simulation) -> None:
    from portfolio.display import option_context

    with option_context(lang="en"):
        page = small_plan._repr_html_()
    assert "Budget simulation" in page and "Tier coverage" in page and "New starts" in page
    assert page.count("<tr>") <= 60
    with option_context(lang="vi"):
        page_vi = small_plan._repr_html_()
    assert "Mô phỏng ngân sách" in page_vi


def test_workbook_holds_the_decision_and_reads_back(small_plan: pf.Simulation, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    small_plan.to_excel(tmp_path / "plan.xlsx")
    book = load_workbook(tmp_path / "plan.xlsx", read_only=True, data_only=True)
    starts = list(book["Khởi công mới (new starts)"].iter_rows(values_only=True))
    decided = {r[0]: r for r in starts[1:]}
    for task, row in small_plan.decided_starts.iterrows():
        assert decided[task][2] == row["status"]
        assert decided[task][1] == pytest.approx(small_plan.start_probability[task])
    envelopes = list(book["Hạn mức (envelopes drawn)"].iter_rows(values_only=True))
    assert len(envelopes) == 31
    assert np.allclose([r[1] for r in envelopes[1:]], small_plan.envelopes[("recurrent", 2024)])

"""Vietnamese first: explanations, CLI tables and plot labels in Vietnamese, 32,23%, never nan."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest

import portfolio as pf
from portfolio.cli import main
from portfolio.errors import ScenarioError
from portfolio.plots import in_language, plot_tasks

matplotlib.use("Agg")
CUT10 = Path(__file__).resolve().parent.parent / "examples" / "scenarios" / "cut10.toml"


def test_explanations_in_vietnamese(default_allocation: pf.Allocation) -> None:
    reasons = pf.explain(default_allocation, lang="vi")
    b38 = reasons.loc["B38", "reason"]
    assert b38.startswith("thứ bậc 3, chuyển tiếp: bố trí 32,23% nhu cầu 237.540,67, tỷ lệ chung của thứ bậc")
    assert "vì hạn mức chi thường xuyên 332.401 đã dùng hết" in b38
    assert reasons.loc["A1", "reason"] == "đúng kế hoạch"
    assert reasons.loc["A3", "reason"].startswith("thứ bậc 1, cam kết: tiền thuê dịch vụ 548,33 mỗi năm")
    english = pf.explain(default_allocation)
    assert (english["reason"] == "as planned").equals(reasons["reason"] == "đúng kế hoạch")
    assert not reasons["reason"].str.contains("tier|rationed|nan").any()
    text = pf.explain_text(default_allocation, "B38", lang="vi")
    assert "văn bản dự kiến 120.000 cho năm 2024" in text and "giảm 43.440,82 (-36,20%)" in text
    with pytest.raises(ScenarioError, match="field 'lang'"):
        pf.explain(default_allocation, lang="fr")


def test_cli_tables_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["optimize", "--lang", "vi"]) == 0
    out = capsys.readouterr().out
    assert "nguồn vốn / thứ bậc" in out and "tỷ lệ" in out
    assert "chi thường xuyên thứ bậc 3" in out and "32,23%" in out
    assert "coverage" not in out and "recurrent" not in out
    assert main(["compare", "--lang", "vi", "--baseline", str(CUT10)]) == 0
    out = capsys.readouterr().out
    assert "chi thường xuyên thứ bậc 3" in out and "dự kiến" in out and "recurrent" not in out
    assert main(["explain", "--lang", "vi", "--task", "B38"]) == 0
    assert "Lý do: thứ bậc 3, chuyển tiếp" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["optimize", "--years", "3"],
        ["optimize", "--lang", "vi", "--years", "2", "--defer", "C"],
        ["frontier", "--points", "5", "--source", "investment"],
        ["show", "--agencies"],
        ["explain"],
    ],
)
def test_nan_is_never_printed(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "nan" not in out.lower().replace("thanh", "")  # no "nan" word, in any case
    assert re.search(r"(?<![\d.])0\.\d", out) is None  # percentages as 32,23%, not 0.3223


def test_plot_labels_in_vietnamese(default_allocation: pf.Allocation) -> None:
    ax = in_language(plot_tasks(default_allocation), "vi")
    assert ax.get_title() == "Phân bổ theo nhiệm vụ, 2024"
    assert ax.get_xlabel() == "triệu đồng"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Dự kiến phân bổ 2024" in legend and not any("(" in t for t in legend)
    assert in_language(ax, "en") is ax
    with pytest.raises(ValueError, match="expected lang"):
        in_language(ax, "fr")


# -- one language setting ---------------------------------------------------------------


@pytest.fixture(scope="module")
def in_vietnamese() -> pf.Allocation:
    return pf.optimize(lang="vi")


def test_one_setting_for_explanations_displays_and_summary(
    in_vietnamese: pf.Allocation, default_allocation: pf.Allocation
) -> None:
    a = in_vietnamese
    assert a.lang == "vi" and default_allocation.lang is None
    assert pf.explain(a).loc["B38", "reason"].startswith("thứ bậc 3, chuyển tiếp: bố trí 32,23%")
    assert pf.explain(a, lang="en").loc["B38", "reason"].startswith("tier 3")  # a call's own lang wins
    assert pf.explain_text(a, "B38").startswith(pf.explain_text(default_allocation, "B38", lang="vi")[:40])
    html = a._repr_html_()
    assert "Hạn mức" in html and "Thứ bậc" in html and "32,23%" in html
    assert "(envelope)" not in html and "(tier)" not in html and "Envelope" not in html
    assert "Hạn mức (envelope)" in default_allocation._repr_html_()  # the display option's default
    assert "Envelope" in a.with_lang("en")._repr_html_()
    summary = a.summary()
    assert summary["quy tắc"] == "proportional"
    assert summary["hạn mức chi thường xuyên 2024"] == pytest.approx(332401)
    assert summary["mức chi thường xuyên 2024 thứ bậc 3"] == pytest.approx(0.3223, abs=1e-4)
    assert "rule" in a.summary(lang="en") and "rule" in default_allocation.summary()
    assert pf.optimize().table.equals(a.table)  # the language changes nothing computed
    with pytest.raises(ScenarioError, match="field 'lang'"):
        pf.optimize(lang="fr")


def _words(ax: object) -> list[str]:
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.texts)]
    texts += [t.get_text() for t in ax.get_legend().get_texts()]
    for axes in [ax, *ax.child_axes]:
        texts += [t.get_text() for t in (*axes.get_xticklabels(), *axes.get_yticklabels())]
    return texts


GLOSS = re.compile(r"\((?=[a-z])[ -~]*\)")  # "(planned)", "(tier 3)"; not "(IOC)", "(đợt 1)"


@pytest.mark.parametrize("kind", ["task", "tier", "agency", "plan"])
def test_plot_labels_follow_the_allocation_or_the_call(kind: str, in_vietnamese: pf.Allocation) -> None:
    import matplotlib.pyplot as plt

    options = {"top": 12} if kind == "agency" else {}
    vietnamese = _words(in_vietnamese.plot(kind, **options))
    glossed = _words(in_vietnamese.plot(kind, lang="en", **options))
    plt.close("all")
    assert not [t for t in vietnamese if GLOSS.search(t)]
    assert [t for t in glossed if GLOSS.search(t)]  # "en" keeps the English glosses
    assert "triệu đồng" in vietnamese
    if kind == "tier":
        assert {"Dự kiến", "Phân bổ", "Chi thường xuyên", "Đầu tư công"} <= set(vietnamese)
    if kind == "agency":
        assert "Các đơn vị khác" in vietnamese


def test_comparison_and_frontier_plots_in_vietnamese() -> None:
    import matplotlib.pyplot as plt

    comparison = pf.compare([CUT10])
    for ax in (comparison.plot(by="tier", lang="vi"), pf.frontier(points=20).plot(lang="vi")):
        words = _words(ax)
        assert not [t for t in words if GLOSS.search(t)], words
    plt.close("all")


def _labels(path: Path) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    return [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c]


def test_the_working_paper_in_vietnamese(tmp_path: Path, in_vietnamese: pf.Allocation) -> None:
    from portfolio.export import allocation_to_excel

    vi, en = tmp_path / "vi.xlsx", tmp_path / "en.xlsx"
    allocation_to_excel(in_vietnamese, vi)
    allocation_to_excel(in_vietnamese, en, lang="en")
    cells, glossed = _labels(vi), _labels(en)
    assert "Phân bổ tối ưu" in cells and "Chi thường xuyên" in cells and "TỔNG" in cells
    assert "Không có" in cells and "Kịch bản" in cells  # the scenario sheet: no other option
    assert "Phân bổ tối ưu (optimized)" in glossed and "Chi thường xuyên (recurrent)" in glossed
    leftover = [c for c in cells if GLOSS.search(c)]
    assert leftover == [], leftover[:5]
    names = {task.name for task in in_vietnamese.tasks}
    assert any("(IOC)" in c for c in cells if c in names)  # the task's own name keeps its abbreviation
    assert any(c.startswith("thứ bậc 3, chuyển tiếp: bố trí 32,23%") for c in cells)  # Lý do
    assert any(c.startswith("tier 3") for c in glossed)
    assert pf.read_appendix(vi).tasks == in_vietnamese.tasks.tasks


def test_lang_vi_on_the_command_line_for_every_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book, chart = tmp_path / "a.xlsx", tmp_path / "a.png"
    assert main(["optimize", "--lang", "vi", "--out", str(book), "--out", str(chart)]) == 0
    assert "đã ghi" in capsys.readouterr().out
    cells = _labels(book)
    assert "Phân bổ tối ưu" in cells and not [c for c in cells if GLOSS.search(c)]
    assert chart.stat().st_size > 10_000
    compared = tmp_path / "c.xlsx"
    assert main(["compare", "--lang", "vi", str(CUT10), "--out", str(compared)]) == 0
    names = {t.name for t in pf.read_appendix()}
    assert not [c for c in _labels(compared) if GLOSS.search(c) and c not in names]
    blank = tmp_path / "blank.xlsx"
    assert main(["template", "--lang", "vi", "--year", "2025", "--out", str(blank)]) == 0
    assert "Cách điền" in _labels(blank)
    assert pf.read_appendix(chart.with_name("a.xlsx")).plan_year == 2024


# -- 32,23% and never nan, everywhere ----------------------------------------------------

SWEEP = [
    ["show", "--agencies"],
    ["show", "{plan}"],
    ["reconcile", "{plan}"],
    ["optimize", "--sensitivity"],
    ["optimize", "--years", "3"],
    ["optimize", "--years", "2", "--defer", "C1", "--rule", "closest_to_plan"],
    ["optimize", "--committed", "{round1}"],
    ["compare", "--baseline", str(CUT10)],
    ["frontier", "--points", "7", "--source", "both"],
    ["frontier", "--points", "5", "--source", "investment"],
    ["explain"],
    ["explain", "--task", "C1", "--years", "3"],
    ["template", "--year", "2025", "--out", "{blank}"],
    ["simulate", "--budget", "recurrent=uniform:-15%:+15%", "--scenarios", "200", "--no-progress"],
]
DOT_PERCENT = re.compile(r"\d\.\d+ ?%|(?<![\d.,])0\.\d")  # 32.23% or 0.3223


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_no_command_prints_nan_or_a_dot_decimal_percent(
    lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from conftest import PLAN_TEXT

    round1 = tmp_path / "round1.csv"
    pf.optimize(budget={"recurrent": 300_000}).to_csv(str(round1))
    values = {"plan": str(PLAN_TEXT), "round1": str(round1), "blank": str(tmp_path / "blank.xlsx")}
    for argv in SWEEP:
        (tmp_path / "blank.xlsx").unlink(missing_ok=True)
        assert main([*(a.format(**values) for a in argv), "--lang", lang]) == 0, argv
        captured = capsys.readouterr()
        out = captured.out + captured.err
        assert "%" in out or argv[0] not in ("optimize", "frontier", "simulate"), argv  # coverage columns
        assert re.search(r"\bnan\b", out, re.IGNORECASE) is None, (argv, out)
        found = DOT_PERCENT.search(out)
        assert found is None, (argv, out[max(0, found.start() - 80) : found.end() + 20])


def test_displays_print_no_nan_and_vietnamese_percentages(in_vietnamese: pf.Allocation) -> None:
    plan = pf.optimize(years=3, deferred=["C1"], lang="vi")
    shown = [
        in_vietnamese._repr_html_(),
        plan._repr_html_(),
        repr(plan),
        pf.compare([CUT10], baseline=True)._repr_html_(),
        pf.frontier(points=5)._repr_html_(),
        pf.read_appendix()._repr_html_(),
    ]
    for html in shown:
        text = re.sub(r"<[^>]+>", " ", html)
        assert re.search(r"\bnan\b", text, re.IGNORECASE) is None
        assert DOT_PERCENT.search(text) is None, DOT_PERCENT.search(text)
    assert "32,23%" in shown[0] and "-" in shown[1]  # an empty ratio is "-"


def test_the_report_in_vietnamese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from portfolio.report import report_html

    def text(page: str) -> str:
        body = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)  # the charts' letters are paths
        return re.sub(r"<[^>]+>", " ", body.split("<body>")[1])

    vietnamese, glossed = text(report_html(pf.optimize(lang="vi"))), text(report_html(pf.optimize()))
    for words in ("Biểu đồ", "Lý do", "Đối chiếu văn bản", "Tóm tắt: proportional", "sai lệch"):
        assert words in vietnamese
    assert "thứ bậc 3, chuyển tiếp" in vietnamese  # the reasons follow the allocation's language
    names = {t.name for t in pf.read_appendix()}
    leftover = [m.group() for m in GLOSS.finditer(vietnamese) if not any(m.group() in n for n in names)]
    assert leftover == []
    assert "Biểu đồ (charts)" in glossed and "mismatch" in glossed  # the default report as it was
    page = tmp_path / "r.html"
    assert main(["report", "--lang", "vi", "--out", str(page)]) == 0
    assert "Biểu đồ (charts)" not in page.read_text(encoding="utf-8")

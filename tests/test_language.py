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

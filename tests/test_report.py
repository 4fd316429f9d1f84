"""The one-file HTML report: self-contained, Vietnamese first, and rendered by a real browser."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import portfolio as pf
from portfolio.cli import main
from portfolio.model import Allocation
from portfolio.report import external_references

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCENARIOS = Path(__file__).resolve().parent.parent / "examples" / "scenarios"


@pytest.fixture(scope="module")
def allocation() -> Allocation:
    return pf.optimize()


@pytest.fixture(scope="module")
def report(allocation: Allocation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    allocation.to_html(str(path))
    return path


def test_report_holds_summary_charts_reasons_findings(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="vi">' in text
    assert text.count("<svg") == 3  # tiers, agencies, tasks
    assert "332.401" in text and "32,23%" in text
    # the reason for the largest change (B38), in words
    assert "rationed at the common coverage 32,23%" in text
    # the document's subtotals that do not add up (Văn phòng UBND: 1.246 stated, 1.247 summed)
    assert "Văn phòng Ủy ban nhân dân thành phố" in text and "1.246,0" in text
    assert "Tuỳ chọn (option)" in text and "@media print" in text
    assert external_references(text) == []
    assert "<script" not in text


def test_external_references_finds_links() -> None:
    page = '<img src="http://x/y.png"><link href="a.css">'
    page += '<style>@import "b.css"; p{background:url(c.png)}</style>'
    assert external_references(page) == ["http://x/y.png", "a.css", "c.png", "b.css"]
    assert external_references('<use xlink:href="#glyph"/><img src="data:image/png;base64,AA">') == []


def test_cli_report_with_scenarios(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a small appendix keeps the charts quick
    appendix = tmp_path / "few.csv"
    pf.read_appendix().select(["A1", "B12", "B38", "C1", "D1"]).frame.reset_index().to_csv(
        appendix, index=False
    )
    for name, cut in (("cut10", "-10%"), ("cut20", "-20%")):
        (tmp_path / f"{name}.toml").write_text(
            f'name = "{name}"\ndescription = "a cut"\nbudget = {{ recurrent = "{cut}" }}\n', encoding="utf-8"
        )
    out = tmp_path / "cuts.html"
    scenarios = ["--scenario", str(tmp_path / "cut10.toml"), "--scenario", str(tmp_path / "cut20.toml")]
    assert main(["report", str(appendix), *scenarios, "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert "So sánh kịch bản" in text  # side by side first
    assert "Tóm tắt (summary): cut10" in text and "Tóm tắt (summary): cut20" in text
    assert text.count("<svg") == 6
    assert "Tệp CSV không nêu tổng phụ nào" in text  # a tidy CSV states no subtotals
    assert external_references(text) == []
    assert main(["report", "--out", str(tmp_path / "report.pdf")]) == 2
    assert "--out must end in .html" in capsys.readouterr().err
    single = tmp_path / "a.html"
    assert main(["optimize", str(appendix), "--out", str(single)]) == 0
    assert "Báo cáo phân bổ" in single.read_text(encoding="utf-8")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")
def test_report_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    import matplotlib.image

    shot = tmp_path / "shot.png"
    profile = tmp_path / "profile"
    profile.mkdir()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
    flags += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    flags += [f"--user-data-dir={profile}", "--hide-scrollbars", "--window-size=1200,1600"]
    assert CHROMIUM is not None
    subprocess.run(
        [CHROMIUM, *flags, f"--screenshot={shot}", report.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    pixels = np.asarray(matplotlib.image.imread(shot))[..., :3]
    assert pixels.shape[:2] == (1600, 1200)
    ink = (pixels < 0.6).any(axis=2)  # dark text and bars on the white page
    colour = np.ptp(pixels, axis=2) > 0.25  # the chart's tiers and the blue rules
    assert 0.01 < ink.mean() < 0.5
    assert colour.mean() > 0.005
    # text down the whole page, not only a title
    rows = ink.any(axis=1)
    assert rows[:400].mean() > 0.2 and rows[800:].mean() > 0.2

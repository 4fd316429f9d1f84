"""Next year's plan: the plan year read from the document, and the empty template for a year."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import portfolio as pf
from portfolio.cli import main
from portfolio.errors import PortfolioWarning
from portfolio.layout_rows import appendix_lines
from portfolio.readers.layout import header_year

ROOT = Path(__file__).resolve().parent.parent
PLAN_TEXT = ROOT / "data" / "sources" / "kh325_ubnd_2023.txt"
YEAR = re.compile(r"(?<![\d.,/])(20[12]\d)(?![\d.,])|(?<=/)(20[12]\d)\b")


def shift_years(text: str, by: int = 1) -> str:
    """The plan with every year from 2010 to 2029 moved ``by`` years (a 2025 plan from the 2024 one)."""
    return YEAR.sub(lambda m: str(int(m.group(0)) + by), text)


@pytest.fixture(scope="module")
def plan_2025(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled plan's text shifted by one year: a 2025 plan with 2024's numbers."""
    path = tmp_path_factory.mktemp("plan") / "kh_2025.txt"
    path.write_text(shift_years(PLAN_TEXT.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def test_the_shifted_fixture_names_2025() -> None:
    text = shift_years("THỰC HIỆN NĂM 2024\tChuyển nguồn từ 2023 sang 2024\t19/12/2023\t2.024\t2023 - 2024")
    assert text == "THỰC HIỆN NĂM 2025\tChuyển nguồn từ 2024 sang 2025\t19/12/2024\t2.024\t2024 - 2025"


def test_the_plan_year_is_read_from_the_document(plan_2025: Path, document_tasks: pf.TaskList) -> None:
    assert document_tasks.plan_year == 2024
    assert pf.read_appendix(plan_2025).plan_year == 2025
    assert pf.read_appendix().plan_year is None  # a tidy CSV does not say; runs plan 2024
    assert header_year("Dự kiến phân bổ kinh phí năm 2025 (đợt 1)") == 2025
    assert header_year("Chuyển nguồn từ 2024 sang 2025") == 2025
    assert header_year("Kinh phí đã sử dụng năm 2024") == 2025
    assert header_year("Dự toán được duyệt") is None


def test_next_years_plan_is_planned_for_its_year(plan_2025: Path, document_tasks: pf.TaskList) -> None:
    tasks = pf.read_appendix(plan_2025)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PortfolioWarning)
        shifted = pf.optimize(tasks)
    assert shifted.years == [2025] and shifted.plan_year == 2025
    original = pf.optimize(document_tasks)
    # every year moved by one: the same tiers, demands and amounts, a year later
    left, right = shifted.year_table(2025), original.year_table(2024)
    for column in ("tier", "kind", "demand", "allocated"):
        pd.testing.assert_series_equal(left[column], right[column])
    assert left.loc["B1", "tier"] == 2  # finishing in 2025, as B1 finished in 2024


def test_a_given_year_other_than_the_documents_is_warned(plan_2025: Path) -> None:
    tasks = pf.read_appendix(plan_2025)
    with pytest.warns(PortfolioWarning, match="planning 2024, but the document plans 2025"):
        allocation = pf.optimize(tasks, plan_year=2024)
    assert allocation.years == [2024]
    with pytest.warns(PortfolioWarning, match="the document plans 2025"):
        pf.Scenario(name="old", plan_year=2024).run(tasks)


def test_a_document_naming_two_years_is_warned(tmp_path: Path) -> None:
    text = shift_years(PLAN_TEXT.read_text(encoding="utf-8"))
    text = text.replace("Dự kiến phân bổ kinh phí năm 2025\n", "Dự kiến phân bổ kinh phí năm 2026\n", 1)
    path = tmp_path / "odd.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.warns(PortfolioWarning, match=r"plans 2025 \(line 426\) but line 433 names 2026"):
        assert pf.read_appendix(path).plan_year == 2025


def test_the_cli_plans_the_documents_year(plan_2025: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["optimize", str(plan_2025)]) == 0
    out = capsys.readouterr()
    assert "recurrent 2025 332.401,00" in out.out
    # the only warning: the plan's own eight subtotals that differ from their rows
    assert [line for line in out.err.splitlines() if "8 stated subtotals differ" not in line] == []
    assert main(["optimize", str(plan_2025), "--plan-year", "2024"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("warning: ") and "stated subtotals differ" not in line for line in err)


def test_the_layout_names_the_plan_year(plan_2025: Path) -> None:
    rows = appendix_lines(pf.read_appendix(plan_2025), number_style="text")
    headers = {cell for row in rows if row.kind in ("header", "summary_header") for cell in row.cells}
    assert {"Dự kiến phân bổ kinh phí năm 2025", "Chuyển nguồn từ 2024 sang 2025"} <= headers
    assert not any("2024 (đợt 1)" in str(h) for h in headers)
    headings = [row.cells[0] for row in rows if row.kind == "heading"]
    assert "B. CÁC NHIỆM VỤ CHUYỂN TIẾP TỪ NĂM 2024 SANG NĂM 2025 (39 nhiệm vụ)" in headings


def _fill(path: Path) -> Path:
    """Fill a blank template as an analyst would: A a lease, B a continuing task, C and D new tasks."""
    book = openpyxl.load_workbook(path)
    sheet = book["Phụ lục 2"]
    headers = [row[0].row for row in sheet.iter_rows() if row[0].value in ("TT", "Stt")]
    a, b = headers[0] + 1, headers[1] + 1
    for column, value in enumerate(
        [1, "Thuê dịch vụ phần mềm", "Sở Y tế", "Thuê dịch vụ 03 năm (2025-2027)", 300, None, None, 100], 1
    ):
        sheet.cell(a, column, value)
    for column, value in enumerate(
        [1, "Nâng cấp cổng", "Văn phòng ĐDBQH&HĐND TP", "2024 - 2026", 900, 100, 50, 250], 1
    ):
        sheet.cell(b, column, value)
    new_d = next(row[0].row for row in sheet.iter_rows() if row[1].value == "Nhiệm vụ đề xuất mới") + 1
    for row, cells in (
        (headers[2] + 1, [1, "Sàn giao dịch dữ liệu", "Sở Y tế", "2025 - 2026", 600, None, None, 0]),
        (new_d, [1, "Trung tâm dữ liệu", "Sở Thông tin và Truyền thông", "2025 - 2027", 9000, 0, 3000]),
    ):
        for column, value in enumerate(cells, 1):
            sheet.cell(row, column, value)
    filled = path.with_name("filled.xlsx")
    book.save(filled)
    return filled


def test_the_template_reads_back_once_filled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blank = tmp_path / "blank.xlsx"
    assert main(["template", "--year", "2025", "--rows", "5", "--out", str(blank)]) == 0
    book = openpyxl.load_workbook(blank)
    sheet = book["Phụ lục 2"]
    assert sheet["A2"].value == "DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ THỰC HIỆN NĂM 2025"
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert lists and "Danh mục" in str(lists[0].formula1)
    agencies = [row[0].value for row in book["Danh mục"].iter_rows()]
    assert "Sở Y tế" in agencies and "Văn phòng ĐDBQH & HĐND thành phố" in agencies
    assert "Văn phòng ĐDBQH&HĐND TP" not in agencies  # one name per agency
    groups = [row[1].value for row in book["Danh mục"].iter_rows() if row[1].value]
    assert groups == [
        "A. CÁC NHIỆM VỤ TRIỂN KHAI THƯỜNG XUYÊN HÀNG NĂM",
        "B. CÁC NHIỆM VỤ CHUYỂN TIẾP TỪ NĂM 2024 SANG NĂM 2025",
        "C. NHIỆM VỤ CÁC SỞ NGÀNH, ĐỊA PHƯƠNG, CÁC CƠ QUAN ĐẢNG, ĐOÀN THỂ ĐỀ XUẤT MỚI",
        "D. CÁC NHIỆM VỤ CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN ĐẦU TƯ CÔNG",
    ]  # as the document names them, group B naming the plan year
    by_list: dict[str, list[str]] = {}
    for rule in lists:
        by_list.setdefault(str(rule.formula1), []).extend(str(rule.sqref).split())
    headings = [f"A{row[0].row}" for row in sheet.iter_rows() if row[0].value in groups]
    assert by_list["'Danh mục'!$B$1:$B$4"] == headings  # the four table headings
    agency_cells = by_list[f"'Danh mục'!$A$1:$A${len(agencies)}"]
    assert len(agency_cells) == 5 and all(c.startswith("C") for c in agency_cells)  # A, B, C, D's two
    tasks = pf.read_appendix(_fill(blank))
    assert tasks.plan_year == 2025 and tasks.ids == ("A1", "B1", "C1", "D1")
    assert (tasks["C1"].approved, tasks["C1"].is_new, tasks["D1"].is_new) == (600, True, True)
    assert (tasks["D1"].funding_source, tasks["D1"].planned) == ("investment", 3000)
    lease, task = tasks["A1"], tasks["B1"]
    assert (lease.lease_years, lease.approved, lease.planned, lease.agency) == (3, 300, 100, "Sở Y tế")
    assert (task.spent_before, task.carried_over, task.planned) == (100, 50, 250)
    allocation = pf.optimize(tasks)
    table = allocation.year_table()
    assert allocation.years == [2025]
    assert table.loc["A1", "allocated"] == pytest.approx(100)  # 300 / 3 a year, a commitment
    assert table.loc["B1", "demand"] == pytest.approx((900 - 100 - 50) / 2)  # two years left, 2025-2026
    assert table.loc["B1", "agency"] == "Văn phòng ĐDBQH & HĐND thành phố"

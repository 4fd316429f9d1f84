"""The compare workbook: house style, names on every row, differences, a sheet per scenario, text as text."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import portfolio as pf
from portfolio.scenarios import Comparison, Scenario, compare

HOSTILE = '=HYPERLINK("http://example.com","x")'


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    scenarios = [
        Scenario(name="document"),
        Scenario(name="cut10", budget={"recurrent": "-10%", "investment": "-10%"}),
        Scenario(name=HOSTILE, budget={"recurrent": "-5%"}),
        Scenario(name="too_small", budget={"recurrent": "-80%"}),
    ]
    return compare(scenarios, pf.read_appendix(), raise_on_failure=False)


@pytest.fixture(scope="module")
def workbook(comparison: Comparison, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("compare") / "cmp.xlsx"
    comparison.to_excel(path)
    return path


def _table(path: Path, sheet: str, *, values: bool = True) -> tuple[list[str], list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=values)
    rows = [tuple(r) for r in book[sheet].iter_rows(values_only=True)]
    book.close()
    heads = (
        "Mã (id)",
        "Đơn vị chủ trì (agency)",
        "Nhóm (group)",
        "Nguồn vốn (funding source)",
        "Trụ cột (pillar)",
    )
    start = next(i for i, r in enumerate(rows) if r[0] in heads)
    return [str(c or "") for c in rows[start]], rows[start + 1 :]


def test_sheets_in_house_style(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == [
        "So sánh",
        "Theo đơn vị",
        "Theo nhóm",
        "Theo thứ bậc",
        "Theo trụ cột",
        "Kịch bản",
        "document",
        "cut10",
        '=HYPERLINK("http___example.com"',  # a sheet name: no "/", at most 31 characters
    ]
    for sheet in book.worksheets[:4]:
        assert sheet.page_setup.orientation == "landscape" and sheet.freeze_panes is not None


def test_every_task_row_has_its_name_and_agency(workbook: Path) -> None:
    tasks = {t.id: t for t in pf.read_appendix()}
    header, rows = _table(workbook, "So sánh")
    assert header[:5] == [
        "Mã (id)",
        "Nhóm (group)",
        "Đơn vị chủ trì (agency)",
        "Tên nhiệm vụ (task)",
        "Dự kiến phân bổ (planned, văn bản)",
    ]
    body = [r for r in rows if r[0] in tasks]
    assert len(body) == 81
    for row in body:
        assert (row[2], row[3]) == (tasks[row[0]].agency, tasks[row[0]].name)


def test_differences_against_the_document_and_between_scenarios(
    comparison: Comparison, workbook: Path
) -> None:
    header, rows = _table(workbook, "So sánh")
    planned, cut = header.index("Dự kiến phân bổ (planned, văn bản)"), header.index("cut10")
    first = header.index("document")
    against_doc = header.index("cut10 − văn bản (difference from the document)")
    against_first = header.index("cut10 − document")
    assert "too_small − văn bản (difference from the document)" not in header  # failed: no difference
    for row in rows[:-1]:
        assert round(row[against_doc], 6) == round(row[cut] - row[planned], 6)
        assert round(row[against_first], 6) == round(row[cut] - row[first], 6)
        assert abs(row[cut] - comparison.per_task.loc[row[0], "cut10"]) < 0.01  # cents
    total = rows[-1]
    assert total[0] == "TỔNG (total)"
    assert round(total[planned], 2) == 398791
    assert round(total[cut], 2) == round(0.9 * 398791, 2)
    _, formulas = _table(workbook, "So sánh", values=False)
    assert str(formulas[0][against_doc]).startswith("=") and str(formulas[-1][cut]).startswith("=SUM(")


def test_aggregates_add_up_to_the_same_totals(workbook: Path) -> None:
    totals = []
    for sheet in ("So sánh", "Theo đơn vị", "Theo nhóm", "Theo thứ bậc", "Theo trụ cột"):
        header, rows = _table(workbook, sheet)
        start = header.index("Dự kiến phân bổ (planned, văn bản)")
        totals.append([round(v or 0.0, 2) for v in rows[-1][start : start + 4]])
        body = [r for r in rows[:-1] if r[0]]
        for column in range(start, start + 4):
            assert round(sum(r[column] or 0.0 for r in body), 2) == round(rows[-1][column] or 0.0, 2)
    assert all(t == totals[0] for t in totals)
    _, agencies = _table(workbook, "Theo đơn vị")
    names = [r[0] for r in agencies[:-1]]
    assert len(names) == len(set(names))


def test_envelopes_options_and_failures(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook, data_only=True)
    rows = {r[0]: r for r in book["Kịch bản"].iter_rows(values_only=True) if r[0]}
    assert rows["document"][3:5] == (332401, 66390)
    assert rows["cut10"][3] == pytest.approx(299160.9) and "budget" in rows["cut10"][5]
    assert "short by" in rows["too_small"][6]
    scenario = [r for r in book["cut10"].iter_rows(values_only=True)]
    texts = {c for r in scenario for c in r if isinstance(c, str)}
    assert "Phân bổ tối ưu (optimized)" in texts and "Hạn mức (envelope)" in texts
    assert any(r[0] == "A + B + C + D" for r in scenario) or any(r[1] == "A + B + C + D" for r in scenario)


def test_scenario_and_agency_names_stay_text(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    hostile = [c for c in cells if HOSTILE in str(c.value)]
    assert len(hostile) >= 4  # headers of the task sheet, its differences, the scenarios sheet
    assert all(c.data_type == "s" for c in hostile)
    assert all(c.quotePrefix for c in hostile if str(c.value).startswith("="))
    assert not any("HYPERLINK" in str(c.value) for c in cells if c.data_type == "f")


def test_reproducible_bytes(comparison: Comparison, tmp_path: Path) -> None:
    comparison.to_excel(tmp_path / "one.xlsx")
    comparison.to_excel(tmp_path / "two.xlsx")
    assert (tmp_path / "one.xlsx").read_bytes() == (tmp_path / "two.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.xlsx") as package:  # no clock anywhere: not the same second either
        core = package.read("docProps/core.xml").decode("utf-8")
        stamps = {info.date_time for info in package.infolist()}
    assert core.count("2024-01-01T00:00:00Z") == 2 and core.count("dcterms:W3CDTF") == 2
    assert stamps == {(1980, 1, 31, 0, 0, 0)}

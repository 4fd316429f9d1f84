"""The allocation workbook (a working paper: Phụ lục 2 layout + summary + scenario) and the CSV tables."""

from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest

import portfolio as pf
from portfolio.export import (
    DIFFERENCE_HEADER,
    OPTIMIZED_HEADER,
    SCENARIO_SHEET,
    SUMMARY_SHEET,
    TEXT_HEADERS,
    allocation_to_excel,
    plan_sheet_title,
    rounded_table,
    tables_to_csv,
)
from portfolio.model import Allocation
from portfolio.sensitivity_sheet import SENSITIVITY_SHEET
from portfolio.tasks import GROUPS, TaskList

_ROMAN = re.compile(r"^[IVXLC]+$")
# read floats back exactly: pandas 2's default parser can be one unit in the last place
# off; pandas 3 is exact by default and deprecates float_precision
_PANDAS_MAJOR = int(pd.__version__.split(".")[0])
_EXACT_FLOATS: dict[str, Any] = {} if _PANDAS_MAJOR >= 3 else {"float_precision": "round_trip"}


@pytest.fixture(scope="module")
def tasks() -> TaskList:
    return pf.read_appendix()


@pytest.fixture(scope="module")
def allocation(tasks: TaskList) -> Allocation:
    return pf.optimize(tasks)


@pytest.fixture(scope="module")
def plan(tasks: TaskList) -> Allocation:
    return pf.optimize(tasks, years=3, budget={"recurrent": 320000}, rule="weighted", weights={"A": 2})


@pytest.fixture(scope="module")
def workbook(allocation: Allocation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "allocation.xlsx"
    allocation_to_excel(allocation, path)
    return path


@pytest.fixture(scope="module")
def plan_workbook(plan: Allocation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "plan.xlsx"
    allocation_to_excel(plan, path)
    return path


def _rows(path: Path, sheet: str, *, values: bool = True) -> list[tuple[Any, ...]]:
    """The rows of a sheet: the saved values (``values=True``) or the formulas."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=values)
    try:
        return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def _num(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _group_table(
    path: Path, group: str, *, values: bool = True
) -> tuple[list[str], list[tuple[str, tuple[Any, ...]]]]:
    """Header and (kind, row) of a group sheet: kind is agency, subheading, task or total."""
    rows = _rows(path, group, values=values)
    start = next(i for i, row in enumerate(rows) if row[0] in ("TT", "Stt"))
    header = [str(cell or "") for cell in rows[start]]
    out = []
    for row in rows[start + 1 :]:
        first = str(row[0] or "")
        if row[1] == "TỔNG":
            out.append(("total", row))
        elif first.isdigit():
            out.append(("task", row))
        elif _ROMAN.match(first):
            money = any(isinstance(cell, int | float) for cell in row[2:])
            out.append(("agency" if money else "subheading", row))
    return header, out


def _money_columns(header: list[str]) -> list[int]:
    keys = ("Dự toán", "Nhu cầu", "Kinh phí", "Chuyển nguồn", "Đã phân bổ", "Dự kiến")
    extra = (OPTIMIZED_HEADER, DIFFERENCE_HEADER)
    return [i for i, h in enumerate(header) if h.startswith(keys) or h in extra]


def test_sheets(workbook: Path, plan_workbook: Path) -> None:
    names = openpyxl.load_workbook(workbook, read_only=True).sheetnames
    assert names == ["A", "B", "C", "D", "E", SUMMARY_SHEET, SCENARIO_SHEET, SENSITIVITY_SHEET]
    names = openpyxl.load_workbook(plan_workbook, read_only=True).sheetnames
    sheets = [SUMMARY_SHEET, plan_sheet_title(3), SCENARIO_SHEET, SENSITIVITY_SHEET]
    assert names == ["A", "B", "C", "D", "E", *sheets]
    assert plan_sheet_title(3) == "Kế hoạch 3 năm"


def _cents(value: float) -> int:
    return round(value * 100)


@pytest.mark.parametrize("which", ["workbook", "plan_workbook"])
def test_group_sheet_subtotals_equal_shown_rows(which: str, request: pytest.FixtureRequest) -> None:
    path = request.getfixturevalue(which)
    for group in GROUPS:
        header, table = _group_table(path, group)
        assert header[-5:] == [OPTIMIZED_HEADER, DIFFERENCE_HEADER, *TEXT_HEADERS]
        columns = _money_columns(header)
        assert len(columns) >= 4
        for column in columns:
            tasks_sum, agency_sum, block_sum = 0, 0, 0
            block: tuple[Any, ...] | None = None
            for kind, row in [*table, ("end", ())]:
                if kind in ("agency", "subheading", "total", "end") and block is not None:
                    assert _cents(_num(block[column])) == block_sum, (group, header[column], block[1])
                    block = None
                if kind == "agency":
                    block, block_sum = row, 0
                    agency_sum += _cents(_num(row[column]))
                elif kind == "task":
                    value = _num(row[column])
                    assert _cents(value) == value * 100 or abs(_cents(value) - value * 100) < 1e-6
                    tasks_sum += _cents(value)
                    if block is not None:
                        block_sum += _cents(value)
                elif kind == "total":
                    assert _cents(_num(row[column])) == tasks_sum, (group, header[column])
                    if group != "D":
                        assert _cents(_num(row[column])) == agency_sum


def test_subtotals_are_sum_formulas(workbook: Path) -> None:
    for group in GROUPS:
        header, table = _group_table(workbook, group, values=False)
        opt, diff = header.index(OPTIMIZED_HEADER), header.index(DIFFERENCE_HEADER)
        planned = next(i for i, h in enumerate(header) if h.startswith("Dự kiến phân bổ"))
        kinds = {kind for kind, _ in table}
        for kind, row in table:
            if kind in ("agency", "total"):
                assert str(row[opt]).startswith("=SUM(") and str(row[planned]).startswith("=SUM(")
            if kind == "task":  # the difference follows an edited amount
                assert str(row[diff]).startswith("=") and not str(row[opt]).startswith("=")
        assert "total" in kinds
    summary = _rows(workbook, "E", values=False)
    formulas = [c for row in summary for c in row if isinstance(c, str) and c.startswith("=")]
    assert any(c.startswith(("=A!", "='A'!")) for c in formulas) and any(
        c.startswith("=SUM(") for c in formulas
    )


def test_exact_amounts_with_vietnamese_formats(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    sheet = book["B"]
    cells = {(str(row[0].value), row[1].value): row for row in sheet.iter_rows() if row[0].value}
    b38 = next(row for (number, _), row in cells.items() if number == "38")
    header = [c.value for c in next(r for r in sheet.iter_rows() if r[0].value == "TT")]
    opt = header.index(OPTIMIZED_HEADER)
    assert b38[opt].value == 76559.18  # stored exactly, not 76.559
    assert "#,##0.00" in b38[opt].number_format and "[$-42A]" in b38[opt].number_format
    whole = next(row for (number, _), row in cells.items() if number == "2")
    assert "#,##0;" in whole[opt].number_format  # 14.750 shows no decimals


def test_stated_subtotal_differences_are_commented(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    sheet = book["B"]
    notes = {cell.coordinate: cell.comment.text for row in sheet.iter_rows() for cell in row if cell.comment}
    office = next(row for row in sheet.iter_rows() if row[1].value == "Văn phòng Ủy ban nhân dân thành phố")
    planned = next(c for c in office if c.comment is not None)
    assert "1.246" in planned.comment.text and "1.247" in planned.comment.text
    assert len(notes) == 8  # 4 agency rows and the 4 columns of TỔNG (Kế hoạch 325, group B)
    e_notes = [c for row in book["E"].iter_rows() for c in row if c.comment]
    assert {c.comment.text.split(";")[0] for c in e_notes} == {
        "Văn bản ghi (the document states) 1.158.731",
        "Văn bản ghi (the document states) 274.069",
    }


def test_tier_source_and_reason_columns(allocation: Allocation, workbook: Path) -> None:
    reasons = pf.explain(allocation)
    seen = 0
    for group in GROUPS:
        header, table = _group_table(workbook, group)
        tier, source, reason = (header.index(h) for h in TEXT_HEADERS)
        for kind, row in table:
            if kind == "task":
                task_id = f"{group}{row[0]}"
                assert row[reason] == reasons.loc[task_id, "reason"]
                assert str(row[tier]).startswith(f"{int(reasons.loc[task_id, 'tier'])} – ")
                assert row[source] == (
                    "Đầu tư công (investment)" if group == "D" else "Chi thường xuyên (recurrent)"
                )
                seen += 1
    assert seen == 81


def test_print_setup(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    for name in [*GROUPS, "E", SUMMARY_SHEET]:
        sheet = book[name]
        assert sheet.page_setup.orientation == "landscape"
        assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0  # 1 by default
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.freeze_panes is not None and sheet.print_title_rows
    a = book["A"]
    header_row = next(r[0].row for r in a.iter_rows() if r[0].value == "TT")
    assert a.freeze_panes == f"A{header_row + 1}" and a.print_title_rows == f"${header_row}:${header_row}"
    name_column = a.column_dimensions["B"]
    assert 30 <= name_column.width <= 60
    long_name = next(r[1] for r in a.iter_rows() if r[0].value == "3")
    assert long_name.alignment.wrap_text  # the name wraps instead of running over


def test_formula_like_names_stay_text(tmp_path: Path) -> None:
    from conftest import make_tasks

    hostile = '=HYPERLINK("http://example.com","x")'
    tasks = make_tasks(
        {"id": "B1", "approved": 40, "planned": 30, "agency": hostile, "name": "+cmd|' /C calc'!A0"},
        {"id": "B2", "approved": 60, "name": "@SUM(1)"},
    )
    allocation = pf.optimize(tasks, budget={"recurrent": 50})
    path = tmp_path / "hostile.xlsx"
    allocation_to_excel(allocation, path)
    book = openpyxl.load_workbook(path)
    texts = {
        c.value: c for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)
    }
    for text in (hostile, "+cmd|' /C calc'!A0", "@SUM(1)"):
        assert texts[text].data_type == "s" and texts[text].quotePrefix
    formulas = [c for c in texts.values() if c.data_type == "f"]
    assert formulas and not any(
        word in str(c.value) for c in formulas for word in ("HYPERLINK", "cmd", "SUM(1)")
    )


def test_difference_and_optimized_columns(allocation: Allocation, workbook: Path) -> None:
    first = allocation.year_table()
    exact_of = first["allocated"].to_dict()
    totals: dict[str, float] = {}
    for group in GROUPS:
        header, table = _group_table(workbook, group)
        opt, diff = header.index(OPTIMIZED_HEADER), header.index(DIFFERENCE_HEADER)
        planned = next(i for i, h in enumerate(header) if h.startswith("Dự kiến phân bổ"))
        for kind, row in table:
            if kind == "task":
                assert abs(_num(row[opt]) - exact_of[f"{group}{row[0]}"]) < 0.01  # one display unit
            if kind in ("task", "agency", "total"):
                assert _cents(_num(row[diff])) == _cents(_num(row[opt])) - _cents(_num(row[planned]))
            if kind == "total":
                totals[group] = _num(row[opt])
    spent = {
        source: sum(first.loc[first["funding_source"] == source, "allocated"])
        for source in ("recurrent", "investment")
    }
    assert round(totals["A"] + totals["B"] + totals["C"], 2) == round(spent["recurrent"], 2) == 332401
    assert round(totals["D"], 2) == round(spent["investment"], 2) == 66390 - 2571  # D3, D4 do not fit whole
    summary = _rows(workbook, "E")
    header = [str(c or "") for c in next(r for r in summary if r[0] == "Stt")]
    opt = header.index(OPTIMIZED_HEADER)
    shown = {row[1]: _num(row[opt]) for row in summary if row[1] in GROUPS}
    assert shown == totals
    total = next(row for row in summary if row[1] == "A + B + C + D")
    assert round(_num(total[opt]), 2) == round(sum(totals.values()), 2) == 398791 - 2571


def _check_blocks(rows: list[tuple[Any, ...]]) -> int:
    """Subtotal (Cộng …) and TỔNG rows of a summary table equal the sums of their rows."""
    checked = 0
    columns: list[int] = []
    block: list[list[float]] = []
    subtotals: list[list[float]] = []
    for row in rows:
        labels = [str(cell) for cell in row if isinstance(cell, str)]
        if "Nhu cầu (demand)" in labels:
            header = [str(cell or "") for cell in row]
            start = header.index("Nhu cầu (demand)")
            columns = list(range(start, start + 4))
            block, subtotals = [], []
            continue
        if not columns or not any(isinstance(row[i], int | float) for i in columns):
            continue
        values = [float(_cents(_num(row[i]))) for i in columns]
        is_total = any(label.startswith("TỔNG") for label in labels)
        if is_total or any(label.startswith("Cộng") for label in labels):
            parts = block if not is_total or not subtotals else subtotals
            assert not (is_total and subtotals and block), row
            assert values == [sum(column) for column in zip(*parts, strict=True)], row
            checked += 1
            subtotals = [] if is_total else [*subtotals, values]
            block = []
        else:
            block.append(values)
    return checked


@pytest.mark.parametrize("which", ["workbook", "plan_workbook"])
def test_summary_sheet_adds_up(which: str, request: pytest.FixtureRequest) -> None:
    path = request.getfixturevalue(which)
    rows = _rows(path, SUMMARY_SHEET)
    assert _check_blocks(rows) >= 4
    # the per-group rows are the TỔNG rows of the group sheets (first year)
    header = [str(c or "") for c in next(r for r in rows if "Nhóm (group)" in r)]
    group_col = header.index("Nhóm (group)")
    opt = header.index(OPTIMIZED_HEADER)
    first = str(rows[next(i for i, r in enumerate(rows) if "Nhóm (group)" in r) + 1][0])
    for group in GROUPS:
        sheet_header, table = _group_table(path, group)
        total = next(row for kind, row in table if kind == "total")
        line = next(r for r in rows if r[group_col] == group and (group_col == 1 or r[0] == first))
        assert _cents(_num(line[opt])) == _cents(_num(total[sheet_header.index(OPTIMIZED_HEADER)]))


def test_plan_sheet(plan: Allocation, plan_workbook: Path) -> None:
    rows = _rows(plan_workbook, plan_sheet_title(3))
    header = [str(c or "") for c in rows[2]]
    years = [header.index(f"Phân bổ {year} (allocated)") for year in plan.years]
    total = header.index("Cộng (total)")
    group_sums, all_sums = np.zeros(4), np.zeros(4)
    shown_first: dict[str, float] = {}
    for row in rows[3:]:
        values = np.array([_cents(_num(row[i])) for i in [*years, total]])
        assert values[-1] == values[:-1].sum()
        if row[0]:
            group_sums += values
            shown_first[str(row[0])] = values[0]
            exact = float(plan.year_table().loc[row[0], "allocated"])
            assert abs(values[0] - exact * 100) < 1
        elif str(row[2]).startswith("Cộng nhóm"):
            assert list(values) == list(group_sums)
            all_sums += group_sums
            group_sums = np.zeros(4)
        else:
            assert str(row[2]).startswith("TỔNG")
            assert list(values) == list(all_sums)
    for group in GROUPS:  # the group sheets show the first year
        header_g, table = _group_table(plan_workbook, group)
        opt = header_g.index(OPTIMIZED_HEADER)
        for kind, row in table:
            if kind == "task":
                assert _cents(_num(row[opt])) == shown_first[f"{group}{row[0]}"]


def test_round_trip(allocation: Allocation, tasks: TaskList, workbook: Path) -> None:
    """Write -> read: the same tasks, and every subtotal the workbook states is its rows' sum."""
    back = pf.read_appendix(workbook)
    assert back.tasks == tasks.tasks
    assert pf.reconcile(back) == []
    totals = {(s.group, s.column): s.stated for s in back.stated if s.scope == "group"}
    assert totals[("B", "planned")] == 274070  # the rows' sum; the document states 274.069
    assert totals[("B", "carried_over")] == 71659.75
    for (group, column), stated in totals.items():
        exact = sum(getattr(t, column) for t in tasks if t.group == group)
        assert round(stated or 0.0, 2) == round(exact, 2)


def test_whole_numbers_read_back_within_a_unit(
    allocation: Allocation, tasks: TaskList, tmp_path: Path
) -> None:
    path = tmp_path / "zero.xlsx"
    allocation_to_excel(allocation, path, decimals=0)
    back = pf.read_appendix(path)
    assert all(abs(a.planned - b.planned) < 1 for a, b in zip(back, tasks, strict=True))
    assert pf.reconcile(back) == []


def test_byte_identical(allocation: Allocation, tmp_path: Path) -> None:
    allocation_to_excel(allocation, tmp_path / "one.xlsx")
    allocation_to_excel(allocation, tmp_path / "two.xlsx")
    assert (tmp_path / "one.xlsx").read_bytes() == (tmp_path / "two.xlsx").read_bytes()


def _envelopes(rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], tuple[Any, ...]]:
    start = next(i for i, row in enumerate(rows) if row[2] == "Hạn mức (envelope)") + 1
    end = next(i for i in range(start, len(rows)) if not any(rows[i]))
    return {(row[0], row[1]): row[2:5] for row in rows[start:end]}


def test_scenario_sheet(workbook: Path, plan_workbook: Path) -> None:
    rows = _rows(workbook, SCENARIO_SHEET)
    texts = {c for row in rows for c in row if isinstance(c, str)}
    assert {"proportional", "2024", "Không có (none)"} <= texts
    assert _envelopes(rows) == {
        ("Chi thường xuyên (recurrent)", "2024"): (332401, 332401, 0),
        ("Đầu tư công (investment)", "2024"): (66390, 63819, 2571),
    }
    rows = _rows(plan_workbook, SCENARIO_SHEET)
    assert ("Quy tắc phân bổ (rule)", "weighted") == rows[1][:2]
    assert ("Số năm (years)", "3") == rows[4][:2]
    options = {row[0]: row[1] for row in rows if row[0] in ("budget", "weights")}
    assert options == {"budget": "recurrent = 320000", "weights": "A = 2"}
    envelopes = _envelopes(rows)
    assert len(envelopes) == 6
    assert {key[0]: value[0] for key, value in envelopes.items()} == {
        "Chi thường xuyên (recurrent)": 320000,
        "Đầu tư công (investment)": 66390,
    }
    assert all(spent + unspent == amount for amount, spent, unspent in envelopes.values())


def test_wrong_tasks_and_decimals(allocation: Allocation, tasks: TaskList, tmp_path: Path) -> None:
    fewer = TaskList(tasks.tasks[:-1])
    with pytest.raises(ValueError, match="not computed from these tasks"):
        allocation_to_excel(allocation, tmp_path / "x.xlsx", tasks=fewer)
    with pytest.raises(ValueError, match="decimals"):
        allocation_to_excel(allocation, tmp_path / "x.xlsx", decimals=-1)
    assert not (tmp_path / "x.xlsx").exists()


def test_rounded_table() -> None:
    frame = pd.DataFrame(
        {"g": list("xxxyy"), "v": [0.4, 0.4, 0.2, 2.5, np.nan], "w": [1.26, 1.26, 1.26, 0.5, 0.5]}
    )
    out = rounded_table(frame, ["v", "w"], ["g"])
    assert out["v"].tolist()[:4] == [1.0, 0.0, 0.0, 3.0] and np.isnan(out["v"].iloc[4])
    assert out.groupby("g")["w"].sum().tolist() == [4.0, 1.0]
    assert frame["v"].iloc[0] == 0.4  # a copy
    whole = rounded_table(frame, ["w"], decimals=1)
    assert round(whole["w"].sum(), 6) == 4.8


def test_tables_to_csv(allocation: Allocation, plan: Allocation, tmp_path: Path) -> None:
    for which, result in (("one", allocation), ("plan", plan)):
        folder = tmp_path / which
        paths = tables_to_csv(result, folder)
        assert [p.name for p in paths] == ["per_task.csv", "by_agency.csv", "by_group.csv", "by_tier.csv"]
        assert all(b"\r" not in p.read_bytes() and p.read_bytes().startswith(b"\xef\xbb\xbf") for p in paths)
        expected = {
            "per_task": result.named_table(),
            "by_agency": result.by_agency(),
            "by_group": result.by_group(),
            "by_tier": result.by_tier(),
        }
        for path in paths:
            frame = expected[path.stem]
            names = list(frame.index.names)
            back = pd.read_csv(path, **_EXACT_FLOATS).set_index(names)
            pd.testing.assert_frame_equal(
                back, frame, check_dtype=False, check_index_type=False, rtol=0, atol=0
            )
        again = tables_to_csv(result, folder)
        assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_export_leaves_garbage_collection_as_it_found_it(tmp_path: Path, enabled: bool) -> None:
    """The working paper is made without cyclic collection; afterwards it is as it was, failed or not."""
    allocation = pf.optimize()
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        allocation_to_excel(allocation, tmp_path / "a.xlsx", sensitivity=False)
        assert gc.isenabled() is enabled
        with pytest.raises(pf.InputError, match="the folder does not exist"):
            allocation_to_excel(allocation, tmp_path / "missing" / "a.xlsx", sensitivity=False)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_formulas_are_stored_as_excel_reads_them(tmp_path: Path) -> None:
    """Formulas are stored as Excel reads them: ours as written, character for character."""
    import zipfile

    from portfolio.sheets import Formula, Sheet
    from portfolio.workbook import write_workbook

    sheet = Sheet("f")
    sheet.add([1.0, 2.0, Formula("=A1-B1", -1.0), Formula("=SUM(A1:B1)", 3.0)])
    sheet.add([Formula("=SUBTOTAL(9,A1:A1)", 1.0), Formula("=$A$1+B1*2", 5.0)])
    sheet.add([Formula("=IFS(A1>0,1)", 1.0)])
    path = tmp_path / "f.xlsx"
    write_workbook([sheet], path)
    with zipfile.ZipFile(path) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    stored = re.findall(r"<f[^>]*>(.*?)</f>", xml)
    assert stored == [
        "A1-B1",
        "SUM(A1:B1)",
        "SUBTOTAL(9,A1:A1)",
        "$A$1+B1*2",
        "IFS(A1&gt;0,1)",  # unprefixed, as XlsxWriter writes it by default in every version
    ]

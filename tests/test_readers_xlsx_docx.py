"""Round trips through .xlsx, .docx and the text layout; reader errors; display rounding."""

from __future__ import annotations

import math
import zipfile
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from portfolio.errors import InputError
from portfolio.layout_rows import LayoutRow, appendix_lines, vnd_text
from portfolio.readers import read_appendix
from portfolio.readers.xlsx import cell_text
from portfolio.tasks import GROUPS, MONEY_COLUMNS, TaskList
from portfolio.writers import write_layout_docx, write_layout_text, write_layout_xlsx

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bundled() -> TaskList:
    return read_appendix(ROOT / "data" / "appendix2_2024.csv")


def _one_line(error: pytest.ExceptionInfo[InputError], path: Path) -> str:
    message = str(error.value)
    assert "\n" not in message
    assert path.name in message
    return message


# -- round trips ---------------------------------------------------------------


def test_decimals_two_preserves_every_document_value(bundled: TaskList) -> None:
    for task in bundled:
        for column in MONEY_COLUMNS:
            value = getattr(task, column)
            assert round(value, 2) == value, (task.id, column)
    rows = appendix_lines(bundled, decimals=2)
    shown = {(row.group, row.cells[0]): row.cells for row in rows if row.kind == "task"}
    assert shown[("B", "4")][4] == 24.7
    assert shown[("B", "21")][5] == 102.75


@pytest.mark.parametrize("style", ["numeric", "text"])
@pytest.mark.parametrize("per_group", [True, False])
def test_xlsx_round_trip(bundled: TaskList, tmp_path: Path, style: str, per_group: bool) -> None:
    rows = appendix_lines(bundled, number_style=style)  # type: ignore[arg-type]
    path = tmp_path / "pl2.xlsx"
    write_layout_xlsx(rows, path, sheet_per_group=per_group)
    back = read_appendix(path)
    assert back.tasks == bundled.tasks
    sheets = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert sheets == (["A", "B", "C", "D", "E"] if per_group else ["Phụ lục 2"])


@pytest.mark.parametrize("style", ["numeric", "text"])
def test_docx_round_trip(bundled: TaskList, tmp_path: Path, style: str) -> None:
    path = tmp_path / "pl2.docx"
    write_layout_docx(appendix_lines(bundled, number_style=style), path)  # type: ignore[arg-type]
    assert read_appendix(path).tasks == bundled.tasks


@pytest.mark.parametrize("style", ["numeric", "text"])
def test_text_round_trip(bundled: TaskList, tmp_path: Path, style: str) -> None:
    text = write_layout_text(appendix_lines(bundled, number_style=style))  # type: ignore[arg-type]
    assert text.startswith("**Phụ lục 2**\n")
    path = tmp_path / "pl2.txt"
    path.write_text(text, encoding="utf-8")
    assert read_appendix(path).tasks == bundled.tasks


def test_text_layout_matches_document_figures(bundled: TaskList) -> None:
    rows = appendix_lines(bundled, number_style="text")
    totals = {row.group: row.cells for row in rows if row.kind == "total"}
    assert totals["A"] == ("", "TỔNG", "", "212.078", "48.239")
    assert totals["C"][3:6] == ("630.090", "10.092", "1,6%")
    assert totals["D"] == ("", "TỔNG", "", "", "246.924", "32.598", "66.390")
    summary = [row.cells for row in rows if row.kind == "summary"]
    assert summary[2][:5] == ("3", "C", "", "630.090", "10.092")
    headers = {row.group: row.cells for row in rows if row.kind in ("header", "summary_header")}
    assert headers["D"][:3] == ("Stt", "Tên nhiệm vụ", "Đơn vị chủ trì")
    assert headers["C"][3:6] == (
        "Nhu cầu kinh phí",
        "Dự kiến phân bổ kinh phí năm 2024 (đợt 1)",
        "Tỷ lệ bố trí vốn",
    )
    subheadings = [row.cells[:2] for row in rows if row.kind == "subheading"]
    assert subheadings == [("I", "Nhiệm vụ chuyển tiếp"), ("II", "Nhiệm vụ đề xuất mới")]
    heading = next(row for row in rows if row.kind == "heading" and row.group == "D")
    assert str(heading.cells[0]).endswith("(04 nhiệm vụ)")


# -- written subtotals add up ----------------------------------------------------


def _check_stated_add_up(back: TaskList, reference: TaskList, places: int) -> None:
    by_id = {task.id: task for task in back}
    assert back.stated
    quantum = Decimal(1).scaleb(-places)
    for stated in back.stated:
        if stated.stated is None:
            continue
        if stated.scope == "agency":
            ids = back.members[(stated.group, stated.position)]
            shown = sum(Decimal(repr(getattr(by_id[i], stated.column))) for i in ids)
            assert Decimal(repr(stated.stated)) == shown, stated
        else:
            exact = sum(
                (Decimal(repr(getattr(t, stated.column))) for t in reference if t.group == stated.group),
                Decimal(0),
            )
            rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
            assert Decimal(repr(stated.stated)) == rounded, stated


def test_written_xlsx_subtotals_add_up(bundled: TaskList, tmp_path: Path) -> None:
    path = tmp_path / "pl2.xlsx"
    write_layout_xlsx(appendix_lines(bundled), path)
    back = read_appendix(path)
    scopes = {s.scope for s in back.stated}
    assert scopes == {"agency", "group", "summary"}
    _check_stated_add_up(back, bundled, places=2)


def test_largest_remainder_display_rounding_decimals_zero(bundled: TaskList, tmp_path: Path) -> None:
    path = tmp_path / "whole.xlsx"
    rows = appendix_lines(bundled, decimals=0)
    for row in rows:
        for value in row.cells:
            if isinstance(value, float):
                assert value == math.floor(value)
    write_layout_xlsx(rows, path)
    back = read_appendix(path)
    # each shown task figure is within one unit of the exact figure
    for task, exact in zip(back, bundled, strict=True):
        for column in MONEY_COLUMNS:
            assert abs(getattr(task, column) - getattr(exact, column)) < 1
    # agency rows add up to their shown rows; TỔNG rows and section E equal the exact total rounded
    _check_stated_add_up(back, bundled, places=0)
    # TỔNG rows add up to their agency rows
    agency_sum: dict[tuple[str, str], float] = defaultdict(float)
    for s in back.stated:
        if s.scope == "agency" and s.stated is not None:
            agency_sum[(s.group, s.column)] += s.stated
    for s in back.stated:
        if s.scope == "group" and s.group != "D" and s.stated is not None:
            assert s.stated == agency_sum[(s.group, s.column)]
    # B's carried-over column: 1.877 + 102,75 + 4.850 + 64.830 = 71.659,75 -> 71.660
    b_total = next(
        s for s in back.stated if s.scope == "group" and s.group == "B" and s.column == "carried_over"
    )
    assert b_total.stated == 71660.0


def test_extra_columns_have_subtotals(bundled: TaskList) -> None:
    optimum = {task.id: task.planned / 3 for task in bundled}
    rows = appendix_lines(bundled, decimals=0, extra_columns=[("Phân bổ tối ưu", optimum)])
    for group in GROUPS:
        table = [row for row in rows if row.group == group]
        assert table[2].cells[-1] == "Phân bổ tối ưu"
        tasks = sum(float(str(r.cells[-1])) for r in table if r.kind == "task")
        total = next(r for r in table if r.kind == "total").cells[-1]
        exact = sum(v for k, v in optimum.items() if k.startswith(group))
        assert tasks == total == math.floor(exact + 0.5)
    summary_total = rows[-1]
    assert summary_total.kind == "total" and summary_total.group == "E"
    assert summary_total.cells[1] == "A + B + C + D"


# -- layouts found where they are ------------------------------------------------


def test_table_on_second_sheet_after_cover_note(bundled: TaskList, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    cover = workbook.active
    assert cover is not None
    cover.title = "Ghi chú"
    cover.append(["Bảng phân bổ kinh phí chuyển đổi số năm 2024"])
    cover.append(["TT", "Nội dung", "Số tiền"])
    cover.append([1, "Ghi chú không phải phụ lục", 12.5])
    sheet = workbook.create_sheet("Phụ lục 2")
    for row in appendix_lines(bundled):
        sheet.append(list(row.cells))
    path = tmp_path / "cover.xlsx"
    workbook.save(path)
    back = read_appendix(path)
    assert back.tasks == bundled.tasks
    assert back.stated[0].where.startswith("sheet 'Phụ lục 2' row ")


def test_formula_like_text_is_written_as_text(bundled: TaskList, tmp_path: Path) -> None:
    first = bundled.tasks[0]
    odd = [
        first.model_copy(update={"name": "=SUM(A1)", "agency": "+84 225 3821 000"}),
        *bundled.tasks[1:],
    ]
    path = tmp_path / "formula.xlsx"
    write_layout_xlsx(appendix_lines(odd), path)
    sheet = openpyxl.load_workbook(path)["A"]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    for text in ("=SUM(A1)", "+84 225 3821 000"):
        assert cells[text].data_type == "s"
        assert cells[text].quotePrefix
    back = read_appendix(path)
    assert back.tasks[0].name == "=SUM(A1)"
    assert back.tasks[0].agency == "+84 225 3821 000"


def test_same_rows_give_identical_bytes(bundled: TaskList, tmp_path: Path) -> None:
    rows = appendix_lines(bundled)
    write_layout_xlsx(rows, tmp_path / "one.xlsx")
    write_layout_xlsx(rows, tmp_path / "two.xlsx")
    assert (tmp_path / "one.xlsx").read_bytes() == (tmp_path / "two.xlsx").read_bytes()
    write_layout_docx(rows, tmp_path / "one.docx")
    write_layout_docx(rows, tmp_path / "two.docx")
    assert (tmp_path / "one.docx").read_bytes() == (tmp_path / "two.docx").read_bytes()


def test_cell_text_keeps_numbers_readable() -> None:
    assert cell_text(1645.0) == "1645"
    assert cell_text(329.7) == "329,7"
    assert cell_text(102.75) == "102,75"
    assert cell_text(1158731) == "1158731"
    assert cell_text(None) == ""
    assert vnd_text(1158731.0) == "1.158.731"
    assert vnd_text(0.0) == "-"


# -- errors ----------------------------------------------------------------------


def test_corrupt_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a zip package at all")
    with pytest.raises(InputError) as error:
        read_appendix(path)
    assert "not a readable .xlsx" in _one_line(error, path)


def test_truncated_xlsx(bundled: TaskList, tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    write_layout_xlsx(appendix_lines(bundled), good)
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(good.read_bytes()[:2000])
    with pytest.raises(InputError) as error:
        read_appendix(path)
    _one_line(error, path)


def test_zip_without_workbook(tmp_path: Path) -> None:
    path = tmp_path / "empty_package.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(InputError) as error:
        read_appendix(path)
    _one_line(error, path)


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_ole2_is_encrypted_or_old_format(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"protected{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(InputError) as error:
        read_appendix(path)
    message = _one_line(error, path)
    assert "is encrypted or an old" in message
    assert f"unprotected {suffix}" in message


def test_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "plain.docx"
    path.write_text("Phụ lục 2 as plain text", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_appendix(path)
    assert "not a .docx" in _one_line(error, path)


def test_xlsx_renamed_docx(bundled: TaskList, tmp_path: Path) -> None:
    path = tmp_path / "workbook.docx"
    write_layout_xlsx(appendix_lines(bundled), tmp_path / "w.xlsx")
    path.write_bytes((tmp_path / "w.xlsx").read_bytes())
    with pytest.raises(InputError) as error:
        read_appendix(path)
    _one_line(error, path)


def test_docx_without_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("A. CÁC NHIỆM VỤ TRIỂN KHAI THƯỜNG XUYÊN HÀNG NĂM (14 nhiệm vụ)")
    path = tmp_path / "no_tables.docx"
    document.save(str(path))
    with pytest.raises(InputError) as error:
        read_appendix(path)
    assert "no tables" in _one_line(error, path)


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_missing_and_empty_files(tmp_path: Path, suffix: str) -> None:
    missing = tmp_path / f"missing{suffix}"
    with pytest.raises(InputError) as error:
        read_appendix(missing)
    assert "file not found" in _one_line(error, missing)
    empty = tmp_path / f"empty{suffix}"
    empty.write_bytes(b"")
    with pytest.raises(InputError) as error:
        read_appendix(empty)
    assert "empty" in _one_line(error, empty)


def test_workbook_without_appendix(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Chỉ có ghi chú"])
    path = tmp_path / "notes.xlsx"
    workbook.save(path)
    with pytest.raises(InputError) as error:
        read_appendix(path)
    assert "no task rows found" in _one_line(error, path)


def test_bad_cell_is_located_by_sheet_and_row(bundled: TaskList, tmp_path: Path) -> None:
    rows = appendix_lines(bundled, number_style="text")
    broken = [
        LayoutRow(r.kind, (*r.cells[:3], "12,900,5", *r.cells[4:]), r.group)
        if r.kind == "task" and r.group == "A" and r.cells[0] == "4"
        else r
        for r in rows
    ]
    path = tmp_path / "bad.xlsx"
    write_layout_xlsx(broken, path)
    with pytest.raises(InputError) as error:
        read_appendix(path)
    message = _one_line(error, path)
    assert "A4" in message and "sheet 'A' row" in message and "approved" in message

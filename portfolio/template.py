"""An empty Phụ lục 2 for a plan year, to fill in Excel and read back.

``portfolio template --year 2025 --out blank.xlsx`` writes one sheet laid out
like the document (title, group headings A–D, unit line, header rows naming the
year, group D's two sub-headings) with empty task rows, and every table has an
``Đơn vị chủ trì`` column with a dropdown of the known agencies (their
canonical names; another name may still be typed). Amount cells accept only
numbers ≥ 0 and the period cell suggests the forms the reader knows. Filled
in, the workbook reads back with :func:`portfolio.read_appendix`: each filled
row with a TT number is a task, blank rows are skipped, and the plan year is
the one its headers name.
"""

from __future__ import annotations

from pathlib import Path

from .layout_rows import UNIT_LINE, group_title, money_headers, title_lines
from .tasks import GROUPS

__all__ = ["TEMPLATE_SHEET", "template_agencies", "write_template"]

TEMPLATE_SHEET = "Phụ lục 2"
_LISTS = "Danh mục"
_SUBHEADINGS = ("Nhiệm vụ chuyển tiếp", "Nhiệm vụ đề xuất mới")
_GUIDE = (
    "Cách điền (how to fill in)",
    "1. Mỗi nhiệm vụ một dòng trong bảng của nhóm (A thường xuyên, B chuyển tiếp, C đề xuất mới, "
    "D đầu tư công; ở nhóm D dưới tiểu mục chuyển tiếp hoặc đề xuất mới).",
    "2. TT: số thứ tự 1, 2, 3 … trong nhóm; dòng không có TT được bỏ qua.",
    "3. Đơn vị chủ trì: chọn trong danh sách (có thể gõ tên khác).",
    "4. Thời gian thực hiện: 'Năm 2025', '2024 - 2026' hoặc 'Thuê dịch vụ 03 năm (2024-2026)'.",
    "5. Kinh phí: triệu đồng, số ≥ 0.",
    "Đọc lại (read back): portfolio show blank.xlsx, portfolio optimize blank.xlsx",
)


def template_agencies() -> list[str]:
    """The agencies offered in the dropdown: the bundled appendix's and the alias table's, canonical."""
    from .agencies import aliases, canonical_names
    from .readers import read_appendix

    names = set(canonical_names(t.agency for t in read_appendix()).values()) | set(aliases().values())
    return sorted(names)


def _headers(group: str, year: int) -> tuple[str, ...]:
    money = dict(money_headers(year)[group])
    if group in "AC":  # the document's A and C tables lack them, a new year's task may need them
        money = {"approved": money["approved"], **{k: v for k, v in money_headers(year)["B"][1:3]}, **money}
    lead = ("Stt" if group == "D" else "TT", "Tên nhiệm vụ", "Đơn vị chủ trì", "Thời gian thực hiện")
    return (*lead, *money.values())


def write_template(path: str | Path, *, year: int, rows: int = 20) -> None:
    """Write the empty appendix for ``year`` (``rows`` empty task rows per table) to an ``.xlsx``.

    Raises
    ------
    ValueError
        If ``year`` is not from 1990 to 2100 or ``rows`` is below 1.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from .output import atomic_write_with

    if not 1990 <= year <= 2100:
        raise ValueError(f"expected a year from 1990 to 2100, got {year}")
    if rows < 1:
        raise ValueError(f"expected at least one row per table, got {rows}")
    book = Workbook()
    sheet = book.active
    sheet.title = TEMPLATE_SHEET
    lists = book.create_sheet(_LISTS)
    agencies = template_agencies()
    for k, name in enumerate(agencies, start=1):
        lists.cell(k, 1, name)
    lists.sheet_state = "hidden"
    agency_list = DataValidation(
        type="list",
        formula1=f"='{_LISTS}'!$A$1:$A${len(agencies)}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Đơn vị chủ trì",
        error="Đơn vị không có trong danh mục; vẫn dùng tên này?",
    )
    amount = DataValidation(
        type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True, showErrorMessage=True
    )
    amount.error, amount.errorTitle = "Kinh phí là số triệu đồng ≥ 0", "Kinh phí"
    number = DataValidation(type="whole", operator="between", formula1="1", formula2="999", allow_blank=True)
    number.error, number.errorTitle = "TT là số thứ tự 1, 2, 3 …", "TT"
    for validation in (agency_list, amount, number):
        sheet.add_data_validation(validation)
    bold = Font(bold=True)
    thin = Side(style="thin", color="808080")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)

    def ruled(row: int, width: int) -> None:
        for column in range(1, width + 1):
            sheet.cell(row, column).border = grid

    for line in title_lines(year):
        sheet.append([line])
        sheet.cell(sheet.max_row, 1).font = bold
    sheet.append([])

    def blank_rows(width: int) -> None:
        first = sheet.max_row + 1
        for _ in range(rows):
            sheet.append([None] * width)
            ruled(sheet.max_row, width)
        last = sheet.max_row
        number.add(f"A{first}:A{last}")
        agency_list.add(f"C{first}:C{last}")
        end = chr(ord("A") + width - 1)
        amount.add(f"E{first}:{end}{last}")

    for group in GROUPS:
        sheet.append([f"{group}. {group_title(group, year).upper()}"])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append([UNIT_LINE])
        headers = _headers(group, year)
        sheet.append(list(headers))
        for cell in sheet[sheet.max_row]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ruled(sheet.max_row, len(headers))
        sheet.row_dimensions[sheet.max_row].height = 45  # three lines of a wrapped header
        if group == "D":
            for numeral, words in zip(("I", "II"), _SUBHEADINGS, strict=True):
                sheet.append([numeral, words])
                sheet.cell(sheet.max_row, 2).font = bold
                ruled(sheet.max_row, len(headers))
                blank_rows(len(headers))
        else:
            blank_rows(len(headers))
        sheet.append([])
    for column, width in zip("ABCDEFGH", (6, 48, 30, 22, 16, 16, 16, 18), strict=True):
        sheet.column_dimensions[column].width = width
    guide = book.create_sheet("Hướng dẫn")
    for line in _GUIDE:
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.freeze_panes = "A4"
    atomic_write_with(Path(path), book.save)

"""An empty Phụ lục 2 for a plan year, to fill in Excel and read back.

``portfolio template --year 2025 --out blank.xlsx`` writes one sheet laid out
like the document (title, group headings A–D, unit line, header rows naming the
year, group D's two sub-headings) with empty task rows. Each table's heading
is a dropdown of the four groups as the document names them (``A. CÁC NHIỆM
VỤ TRIỂN KHAI THƯỜNG XUYÊN HÀNG NĂM`` …, the group a table's rows belong to),
and every table has an ``Đơn vị chủ trì`` column with a dropdown of the known
agencies (their canonical names; another name may still be typed). Amount cells accept only
numbers ≥ 0 and the period cell suggests the forms the reader knows. Filled
in, the workbook reads back with :func:`portfolio.read_appendix`: each filled
row with a TT number is a task, blank rows are skipped, and the plan year is
the one its headers name.
"""

from __future__ import annotations

from pathlib import Path

from .layout_headers import UNIT_LINE, group_title, money_headers, title_lines
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
    "3. Đơn vị chủ trì: chọn trong danh sách (có thể gõ tên khác). Tiêu đề mỗi bảng: chọn nhóm A, B, C, D.",
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


def write_template(path: str | Path, *, year: int, rows: int = 20, lang: str = "en") -> None:
    """Write the empty appendix for ``year`` (``rows`` empty task rows per table) to an ``.xlsx``.

    Written by :func:`portfolio.workbook.write_workbook`, as every workbook of the
    project: reproducible bytes, print setup, text kept as text.

    ``lang="vi"`` drops the English glosses of the instructions.

    Raises
    ------
    ValueError
        If ``year`` is not from 1990 to 2100 or ``rows`` is below 1.
    """
    from .language import check_lang, vietnamese_sheets
    from .sheets import Sheet
    from .workbook import write_workbook

    if not 1990 <= year <= 2100:
        raise ValueError(f"expected a year from 1990 to 2100, got {year}")
    if rows < 1:
        raise ValueError(f"expected at least one row per table, got {rows}")
    agencies = template_agencies()
    headings = [f"{group}. {group_title(group, year).upper()}" for group in GROUPS]
    lists = Sheet(_LISTS, hidden=True)
    for index, name in enumerate(agencies):
        lists.add([name, headings[index] if index < len(headings) else None], "plain")
    for heading in headings[len(agencies) :]:
        lists.add([None, heading], "plain")
    group_list: dict[str, object] = {
        "validate": "list",
        "source": f"='{_LISTS}'!$B$1:$B${len(headings)}",
        "error_title": "Nhóm nhiệm vụ",
        "error_message": "Chọn một nhóm A, B, C hoặc D như văn bản ghi",
    }
    agency_list = {
        "validate": "list",
        "source": f"='{_LISTS}'!$A$1:$A${len(agencies)}",
        "ignore_blank": True,
        "error_type": "warning",
        "error_title": "Đơn vị chủ trì",
        "error_message": "Đơn vị không có trong danh mục; vẫn dùng tên này?",
    }
    amount = {
        "validate": "decimal",
        "criteria": ">=",
        "value": 0,
        "ignore_blank": True,
        "error_title": "Kinh phí",
        "error_message": "Kinh phí là số triệu đồng ≥ 0",
    }
    number = {
        "validate": "integer",
        "criteria": "between",
        "minimum": 1,
        "maximum": 999,
        "ignore_blank": True,
        "error_title": "TT",
        "error_message": "TT là số thứ tự 1, 2, 3 …",
    }
    sheet = Sheet(TEMPLATE_SHEET, widths=dict(enumerate((6.0, 48.0, 30.0, 22.0, 16.0, 16.0, 16.0, 18.0))))
    for line in title_lines(year):
        sheet.add([line], "title")
    sheet.add((), "plain")
    sheet.header = (0, 2)  # the title stays in view and on every printed page

    def blank_rows(width: int) -> None:
        first = len(sheet.rows)
        for _ in range(rows):
            sheet.add([None] * width)
        last = len(sheet.rows) - 1
        sheet.validations.append((first, 0, last, 0, number))
        sheet.validations.append((first, 2, last, 2, agency_list))
        sheet.validations.append((first, 4, last, width - 1, amount))

    for group, heading in zip(GROUPS, headings, strict=True):
        at = sheet.add([heading], "heading")
        sheet.validations.append((at, 0, at, 0, group_list))
        sheet.add([UNIT_LINE], "note")
        headers = _headers(group, year)
        sheet.add(list(headers), "header")
        if group == "D":
            for numeral, words in zip(("I", "II"), _SUBHEADINGS, strict=True):
                sheet.add([numeral, words, *[None] * (len(headers) - 2)], "subtotal")
                blank_rows(len(headers))
        else:
            blank_rows(len(headers))
        sheet.add((), "plain")
    guide = Sheet("Hướng dẫn", widths={0: 110.0})
    for line in _GUIDE:
        guide.add([line], "plain")
    sheets = [sheet, lists, guide]
    if check_lang(lang) == "vi":
        sheets = list(vietnamese_sheets(sheets, agencies))
    write_workbook(sheets, Path(path), title=title_lines(year)[1])

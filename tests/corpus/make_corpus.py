"""Build the binary part of the bad-input corpus (.xlsx, .docx) into a folder.

The text cases (``*.csv``, ``*.txt``) are committed beside this script; the Office
files (and two binary files posing as text) are generated from ``valid.txt`` at
test time instead of being committed.
Run ``python tests/corpus/make_corpus.py OUT_DIR`` to look at them in Excel/Word.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
_TAG = re.compile(r"<[^>]+>")
_MONEY = re.compile(r"^\d{1,3}(?:\.\d{3})*(?:,\d+)?$")

Rows = list[list[object]]


def base_rows() -> Rows:
    """``valid.txt`` as spreadsheet rows: headings in column A, money as numbers."""
    rows: Rows = []
    for raw in (HERE / "valid.txt").read_text(encoding="utf-8").splitlines()[1:]:
        if not raw.strip():
            continue
        cells = [_TAG.sub("", c).replace("&amp;", "&").strip("* ") for c in raw.split("\t")]
        row: list[object] = []
        for index, cell in enumerate(cells):
            if index == 0 and cell.isdigit():
                row.append(int(cell))
            elif index > 0 and _MONEY.match(cell):
                row.append(float(cell.replace(".", "").replace(",", ".")))
            else:
                row.append(cell or None)
        rows.append(row)
    return rows


def _find(rows: Rows, first: object, column: int = 0) -> int:
    for index, row in enumerate(rows):
        if len(row) > column and row[column] == first:
            return index
    raise LookupError(first)


def _task(rows: Rows, group: str, number: int) -> int:
    heading = next(i for i, r in enumerate(rows) if str(r[0]).startswith(f"{group}. "))
    return next(i for i, r in enumerate(rows) if i > heading and r[0] == number)


def _xlsx_bytes(sheets: dict[str, Rows], merges: dict[str, list[str]] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell_range in (merges or {}).get(title, []):
            sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_cell(group: str, number: int, column: int, value: object) -> bytes:
    rows = base_rows()
    rows[_task(rows, group, number)][column] = value
    return _xlsx_bytes({"Phụ lục 2": rows})


def _merged_header() -> bytes:
    """Group A's header over two rows: "Kinh phí" merged across the two money columns."""
    rows = base_rows()
    at = _find(rows, "TT")
    rows[at : at + 1] = [
        ["TT", "Tên nhiệm vụ", "Thời gian thực hiện", "Kinh phí", None],
        [None, None, None, "Dự toán được duyệt", "Dự kiến phân bổ kinh phí năm 2024"],
    ]
    number = at + 1
    return _xlsx_bytes(
        {"Phụ lục 2": rows},
        {"Phụ lục 2": [f"D{number}:E{number}", f"A{number}:A{number + 1}", f"B{number}:B{number + 1}"]},
    )


def _merged_header_only() -> bytes:
    """A merged "Kinh phí" header cell with no row naming the columns under it."""
    rows = base_rows()
    at = _find(rows, "TT")
    rows[at] = ["TT", "Tên nhiệm vụ", "Thời gian thực hiện", "Kinh phí", None]
    return _xlsx_bytes({"Phụ lục 2": rows}, {"Phụ lục 2": [f"D{at + 1}:E{at + 1}"]})


def _docx_bytes(rows: Rows, merge: Callable[[object, int], None] | None = None) -> bytes:
    """A document: headings as paragraphs, each run of table rows as one table."""
    import docx

    document = docx.Document()
    table = None
    row_number = 0
    for row in rows:
        if len(row) == 1:
            document.add_paragraph(str(row[0]))
            table = None
            continue
        if table is None:
            table = document.add_table(rows=0, cols=len(row))
            row_number = 0
        cells = table.add_row().cells
        row_number += 1
        for cell, value in zip(cells, row, strict=False):
            if value is None:
                continue
            if isinstance(value, float):
                whole = f"{value:,.0f}".replace(",", ".")
                text = whole if value.is_integer() else f"{value:.1f}".replace(".", ",")
            else:
                text = str(value)
            cell.text = text
        if merge is not None:
            merge(table, row_number - 1)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _agency_merged_down() -> bytes:
    """Group D's two tasks under one sub-heading, their "Đơn vị chủ trì" cell merged down the two rows.

    D2 becomes a continuing task (started in 2022) as it stands under "Nhiệm vụ chuyển tiếp".
    """
    rows = base_rows()
    del rows[_find(rows, "Nhiệm vụ đề xuất mới", 1)]
    first, second = _task(rows, "D", 1), _task(rows, "D", 2)
    rows[second][2] = None
    rows[second][3] = "2022-2025"
    return _xlsx_bytes({"Phụ lục 2": rows}, {"Phụ lục 2": [f"C{first + 1}:C{second + 1}"]})


def _docx_two_row_header() -> bytes:
    """Group A's header over two rows in Word: TT, name, period merged down, "Kinh phí" across."""
    import docx

    rows = base_rows()
    at = _find(rows, "TT")
    rows[at : at + 1] = [
        ["TT", "Tên nhiệm vụ", "Thời gian thực hiện", "Kinh phí", None],
        [None, None, None, "Dự toán được duyệt", "Dự kiến phân bổ kinh phí năm 2024"],
    ]
    document = docx.Document(io.BytesIO(_docx_bytes(rows)))
    table = document.tables[0]
    for column in range(3):
        top = table.cell(0, column)
        keep = top.text
        top.merge(table.cell(1, column)).text = keep
    table.cell(0, 3).merge(table.cell(0, 4)).text = "Kinh phí"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_merged() -> bytes:
    """Agency names merged across TT..Thời gian, TỔNG merged across TT and name."""

    def merge(table: object, index: int) -> None:
        row = table.rows[index]  # type: ignore[attr-defined]
        first = row.cells[0].text
        second = row.cells[1].text
        if first in {"I", "II"} and second and not row.cells[2].text:
            keep = second
            row.cells[1].merge(row.cells[2])
            row.cells[1].text = keep
        elif not first and second == "TỔNG":
            merged = row.cells[0].merge(row.cells[1])
            merged.text = "TỔNG"

    return _docx_bytes(base_rows(), merge)


def _by_group(rows: Rows) -> dict[str, Rows]:
    """One sheet per group heading (A, B, D, E), as a workbook split by a clerk."""
    sheets: dict[str, Rows] = {}
    current: Rows = []
    for row in rows:
        if len(row) == 1 and re.match(r"^[A-E]\. ", str(row[0])):
            current = sheets.setdefault(str(row[0])[0], [])
        current.append(row)
    return sheets


def _sheet_deleted(letter: str) -> bytes:
    sheets = _by_group(base_rows())
    del sheets[letter]
    return _xlsx_bytes(sheets)


def _cyrillic(rows: Rows) -> Rows:
    """Group A's heading with a Cyrillic А (U+0410), B's in lower case without a space after the dot."""
    for row in rows:
        text = str(row[0])
        if text.startswith("A. "):
            row[0] = "\u0410" + text[1:]
        elif text.startswith("B. "):
            row[0] = "b." + text[3:].lower()
    return rows


def _shifted(rows: Rows) -> Rows:
    """Every row one column to the right (an empty column A)."""
    return [[None, *row] for row in rows]


def _formula_unsaved() -> bytes:
    """Task A1's approved amount as a formula a program wrote, never calculated by Excel."""
    return _with_cell("A", 1, 3, "=9000*2")


def _merged_money() -> bytes:
    """Task A2's approved and planned cells merged into one."""
    rows = base_rows()
    at = _task(rows, "A", 2) + 1
    return _xlsx_bytes({"Phụ lục 2": rows}, {"Phụ lục 2": [f"D{at}:E{at}"]})


def _docx_merged_money() -> bytes:
    """Task B1's spent and carried-over cells merged into one in Word."""

    def merge(table: object, index: int) -> None:
        row = table.rows[index]  # type: ignore[attr-defined]
        if row.cells[0].text == "1" and row.cells[4].text == "200":
            row.cells[4].merge(row.cells[5]).text = "200"

    return _docx_bytes(base_rows(), merge)


def _cell_deleted() -> bytes:
    """Task A2's approved cell deleted, the cells after it shifted left (as Excel's "Delete cells")."""
    rows = base_rows()
    at = _task(rows, "A", 2)
    rows[at] = rows[at][:3] + rows[at][4:]
    return _xlsx_bytes({"Phụ lục 2": rows})


def _docx_cell_deleted() -> bytes:
    """Task A2's row in Word with its approved cell deleted: the row has one cell fewer."""
    import docx

    document = docx.Document(io.BytesIO(_docx_bytes(base_rows())))
    row = next(r for r in document.tables[0].rows if r.cells[0].text == "2")
    cell = row.cells[3]._tc
    cell.getparent().remove(cell)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# OLE2 compound-file signature: what Excel/Word write for a password-protected file.
OLE2 = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
RANDOM = bytes((i * 7919 + 13) % 256 for i in range(2048))


def builders() -> dict[str, Callable[[], bytes]]:
    """File name -> function returning its bytes."""
    rows = base_rows

    def cover_then_table() -> bytes:
        cover = [["KẾ HOẠCH 325/KH-UBND"], ["Phụ lục 2 ở trang sau"], ["TT", "ghi chú"], [1, "x"]]
        return _xlsx_bytes({"Bìa": cover, "Phụ lục 2": rows()})

    def no_heading() -> bytes:
        return _xlsx_bytes({"Ghi chú": [["Bảng kê"], ["TT", "Tên nhiệm vụ"], [1, "a"]]})

    def docx_no_tables() -> bytes:
        import docx

        document = docx.Document()
        for row in rows():
            document.add_paragraph("\t".join("" if c is None else str(c) for c in row))
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    def docx_d_before_subheading() -> bytes:
        table = rows()
        del table[_find(table, "Nhiệm vụ chuyển tiếp", 1)]
        return _docx_bytes(table)

    def xlsx_d_new_subheading_deleted() -> bytes:
        table = rows()
        del table[_find(table, "Nhiệm vụ đề xuất mới", 1)]
        return _xlsx_bytes({"Phụ lục 2": table})

    return {
        "valid.xlsx": lambda: _xlsx_bytes({"Phụ lục 2": rows()}),
        "xlsx_empty.xlsx": lambda: b"",
        "xlsx_second_sheet.xlsx": cover_then_table,
        "xlsx_no_heading.xlsx": no_heading,
        "xlsx_merged_header.xlsx": _merged_header,
        "xlsx_merged_header_only.xlsx": _merged_header_only,
        "xlsx_agency_merged_down.xlsx": _agency_merged_down,
        "xlsx_encrypted.xlsx": lambda: OLE2,
        "xlsx_random_bytes.xlsx": lambda: RANDOM,
        "xlsx_truncated.xlsx": lambda: _truncated(_xlsx_bytes({"Phụ lục 2": rows()})),
        "xlsx_zip_not_workbook.xlsx": lambda: _zip_of({"hello.txt": b"not a workbook"}),
        "xlsx_bool_money.xlsx": lambda: _with_cell("B", 1, 3, True),
        "xlsx_date_money.xlsx": lambda: _with_cell("B", 1, 6, datetime(2024, 3, 1)),
        "xlsx_date_tt.xlsx": lambda: _with_cell("B", 1, 0, datetime(2024, 1, 1)),
        "xlsx_float_tt.xlsx": lambda: _with_cell("B", 1, 0, 1.5),
        "xlsx_negative.xlsx": lambda: _with_cell("B", 1, 3, -14950.0),
        "xlsx_year_letter_o.xlsx": lambda: _with_cell("B", 1, 2, "2O23-2024"),
        "valid.docx": lambda: _docx_bytes(rows()),
        "docx_empty.docx": lambda: b"",
        "docx_no_tables.docx": docx_no_tables,
        "docx_merged_cells.docx": _docx_merged,
        "docx_two_row_header.docx": _docx_two_row_header,
        "docx_encrypted.docx": lambda: OLE2,
        "docx_random_bytes.docx": lambda: RANDOM,
        "docx_truncated.docx": lambda: _truncated(_docx_bytes(rows())),
        "docx_is_a_workbook.docx": lambda: _xlsx_bytes({"Phụ lục 2": rows()}),
        "docx_d_before_subheading.docx": docx_d_before_subheading,
        "csv_is_a_workbook.csv": lambda: _xlsx_bytes({"Phụ lục 2": rows()}),
        "xlsx_cyrillic_heading.xlsx": lambda: _xlsx_bytes({"Phụ lục 2": _cyrillic(rows())}),
        "xlsx_shifted_right.xlsx": lambda: _xlsx_bytes({"Phụ lục 2": _shifted(rows())}),
        "xlsx_sheet_per_group.xlsx": lambda: _xlsx_bytes(_by_group(rows())),
        "xlsx_sheet_d_deleted.xlsx": lambda: _sheet_deleted("D"),
        "xlsx_formula_unsaved.xlsx": _formula_unsaved,
        "xlsx_merged_money.xlsx": _merged_money,
        "xlsx_money_huge.xlsx": lambda: _with_cell("B", 2, 6, 1e308),
        "docx_cyrillic_heading.docx": lambda: _docx_bytes(_cyrillic(rows())),
        "docx_merged_money.docx": _docx_merged_money,
        "xlsx_cell_deleted.xlsx": _cell_deleted,
        "xlsx_d_new_subheading_deleted.xlsx": xlsx_d_new_subheading_deleted,
        "docx_cell_deleted.docx": _docx_cell_deleted,
        "txt_utf16_no_bom.txt": lambda: (HERE / "valid.txt").read_text(encoding="utf-8").encode("utf-16-le"),
    }


def make_corpus(folder: Path) -> dict[str, Path]:
    """Write every binary case into ``folder``; return name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, build in builders().items():
        path = folder / name
        path.write_bytes(build())
        out[name] = path
    return out


if __name__ == "__main__":  # pragma: no cover
    for written in make_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else ".")).values():
        print(written)

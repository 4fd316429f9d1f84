"""Write the appendix layout (:func:`portfolio.layout_rows.appendix_lines`) to files.

Three targets, each read back by :func:`portfolio.readers.read_appendix` to the
same tasks: an Excel workbook (:func:`write_layout_xlsx`), a Word document
(:func:`write_layout_docx`) and the plan's own text layout
(:func:`write_layout_text`).

Excel number format. Numeric money cells get the format code ``#,##0`` followed
by as many decimals as the shown figure has (``#,##0.0`` for ``329,7``,
``#,##0.00`` for ``102,75``), with zero shown as ``-``. Format codes are stored
locale-neutral (``,`` groups, ``.`` is the decimal point), and Excel displays
them with the reader's own separators: ``1.158.731`` and ``329,7`` under a
Vietnamese locale, ``1,158,731`` and ``329.7`` under an English one. A single
code like ``#,##0.##`` was not used because it leaves a dangling decimal mark on
whole numbers (``28.080,``).

Text cells that begin with ``=``, ``+``, ``-`` or ``@`` are stored as text with
Excel's quote prefix, never as formulas. Files are byte-for-byte reproducible:
fixed document properties and fixed timestamps inside the zip package.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .layout_rows import TITLE_LINES, LayoutRow, vnd_text
from .output import atomic_path

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["write_layout_docx", "write_layout_text", "write_layout_xlsx"]

_FIXED_TIME = datetime(2024, 1, 1)
_CREATOR = "portfolio"
_TABLE_KINDS = {"header", "agency", "subheading", "task", "total", "summary_header", "summary"}
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@")


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip package with fixed timestamps so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_path(Path(path)) as temporary:
        temporary.write_bytes(data)


def _text(value: object) -> str:
    """Display text of a cell: money as Vietnamese text, control characters removed."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return vnd_text(float(value))
    return _ILLEGAL.sub("", str(value))


def _money_format(value: float) -> str:
    text = vnd_text(value)
    places = len(text.partition(",")[2])
    code = "#,##0" + ("." + "0" * places if places else "")
    return f'{code};-{code};"-"'


# -- Excel -----------------------------------------------------------------


def _put(sheet: Worksheet, row: int, column: int, value: object) -> None:
    """Write one cell: numbers as numbers, text always as text."""
    if value is None or value == "":
        return
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, float | int) and not isinstance(value, bool):
        cell.value = float(value)
        cell.number_format = _money_format(float(value))
        return
    text = _ILLEGAL.sub("", str(value))
    cell.value = text
    if text.startswith(_FORMULA_START) and text != "-":
        cell.data_type = "s"  # openpyxl took "=…" for a formula
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited


def _style_row(sheet: Worksheet, number: int, row: LayoutRow, width: int) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    for column in range(1, width + 1):
        cell = sheet.cell(row=number, column=column)
        if row.kind == "heading":
            cell.font = Font(bold=True, size=12)
        elif row.kind == "unit":
            cell.font = Font(italic=True)
        elif row.kind in _TABLE_KINDS:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.font = Font(bold=row.bold)
            if row.kind in {"header", "summary_header"}:
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                cell.fill = PatternFill("solid", fgColor="D9E1F2")
            elif isinstance(cell.value, str) and column > 1:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
            else:
                cell.alignment = Alignment(vertical="top")


def _fill_sheet(sheet: Worksheet, rows: Sequence[LayoutRow], titles: Sequence[str]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    number = 0
    for title in titles:
        number += 1
        _put(sheet, number, 1, title)
        sheet.cell(row=number, column=1).font = Font(bold=True, size=12)
    if titles:
        number += 1
    widths: dict[int, int] = {}
    for index, row in enumerate(rows):
        if row.kind == "heading" and index > 0:
            number += 1  # a blank line between groups on a shared sheet
        number += 1
        for column, value in enumerate(row.cells, start=1):
            _put(sheet, number, column, value)
            if row.kind in _TABLE_KINDS - {"header", "summary_header"} and value != "":
                widths[column] = max(widths.get(column, 0), len(_text(value)))
        _style_row(sheet, number, row, len(row.cells))
    for column, longest in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(60, max(8, longest + 2))


def write_layout_xlsx(
    rows: Sequence[LayoutRow],
    path: str | Path,
    *,
    sheet_per_group: bool = True,
    extra_sheets: Sequence[tuple[str, Sequence[Sequence[object]]]] = (),
) -> None:
    """Write the appendix layout to an Excel workbook.

    Parameters
    ----------
    rows
        From :func:`portfolio.layout_rows.appendix_lines` (either number style).
    path
        The ``.xlsx`` file, written atomically.
    sheet_per_group
        ``True``: sheets ``A`` … ``D`` and ``E`` (the summary); ``False``: the
        whole appendix on one sheet ``Phụ lục 2``, as in the document.
    extra_sheets
        ``(title, rows of cells)`` appended after the appendix (notes, a
        scenario's parameters); they hold no group heading, so readers skip them.

    Raises
    ------
    ValueError
        If ``rows`` is empty.
    """
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    if not rows:
        raise ValueError("no rows to write")
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    if sheet_per_group:
        groups: dict[str, list[LayoutRow]] = {}
        for row in rows:
            groups.setdefault(row.group, []).append(row)
        for index, (group, members) in enumerate(groups.items()):
            sheet = first if index == 0 else workbook.create_sheet()
            sheet.title = group
            _fill_sheet(sheet, members, TITLE_LINES if index == 0 else ())
    else:
        first.title = "Phụ lục 2"
        _fill_sheet(first, rows, TITLE_LINES)
    for title, cells in extra_sheets:
        sheet = workbook.create_sheet(title)
        for r, values in enumerate(cells, start=1):
            for c, value in enumerate(values, start=1):
                _put(sheet, r, c, value)
    workbook.properties.creator = _CREATOR
    workbook.properties.lastModifiedBy = _CREATOR
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save() would stamp "modified" with the clock
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    _write_bytes(path, _fixed_zip(buffer.getvalue()))


# -- Word ------------------------------------------------------------------


def write_layout_docx(rows: Sequence[LayoutRow], path: str | Path) -> None:
    """Write the appendix layout to a Word document (landscape, one table per group).

    Parameters
    ----------
    rows
        From :func:`portfolio.layout_rows.appendix_lines` (either number style;
        money is written as Vietnamese text).
    path
        The ``.docx`` file, written atomically.
    """
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for title in TITLE_LINES:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(title).bold = True
    table = None
    for row in rows:
        if row.kind in {"heading", "unit"}:
            table = None
            run = document.add_paragraph().add_run(_text(row.cells[0]))
            run.bold = row.kind == "heading"
            run.italic = row.kind == "unit"
            continue
        if table is None:
            table = document.add_table(rows=0, cols=len(row.cells))
            table.style = "Table Grid"
        cells = table.add_row().cells
        for cell, value in zip(cells, row.cells, strict=False):
            paragraph = cell.paragraphs[0]
            if isinstance(value, float | int) and not isinstance(value, bool):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            text = _text(value)
            if text:
                run = paragraph.add_run(text)
                run.bold = row.bold
                run.font.size = Pt(10)
    properties = document.core_properties
    properties.author = properties.last_modified_by = _CREATOR
    properties.created = properties.modified = _FIXED_TIME
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    _write_bytes(path, _fixed_zip(buffer.getvalue()))


# -- text ------------------------------------------------------------------


def write_layout_text(rows: Sequence[LayoutRow]) -> str:
    """Lay the rows out as the plan's text, which :mod:`portfolio.readers.text` reads.

    ``**Phụ lục 2**`` and the title first, headings as ``**bold**`` paragraphs,
    ``*Đơn vị tính: Triệu đồng*``, table rows tab-separated with ``<b>`` tags on
    agency, sub-heading and total rows and HTML entities for ``&``, ``<``, ``>``.

    Parameters
    ----------
    rows
        From :func:`portfolio.layout_rows.appendix_lines` (either number style).

    Returns
    -------
    str
        The text, one line per row, ending with a newline.
    """
    lines = [f"**{title}**" for title in TITLE_LINES]
    for row in rows:
        if row.kind == "heading":
            lines += ["", f"**{_text(row.cells[0])}**", ""]
            continue
        if row.kind == "unit":
            lines += [f"*{_text(row.cells[0])}*", ""]
            continue
        cells = []
        for value in row.cells:
            text = html.escape(" ".join(_text(value).split()), quote=False)
            if text and row.kind in {"agency", "subheading", "total"}:
                text = f"<b>{text}</b>"
            cells.append(text)
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"

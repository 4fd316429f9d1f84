"""Write the appendix layout (:func:`portfolio.layout_rows.appendix_lines`) to files.

Three targets, each read back by :func:`portfolio.readers.read_appendix` to the
same tasks: an Excel workbook (:func:`write_layout_xlsx`, a working paper with
its formulas, made in :mod:`portfolio.layout_workbook`), a Word document
(:func:`write_layout_docx`) and the plan's own text layout
(:func:`write_layout_text`).
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from .layout_rows import LayoutRow, title_lines, vnd_text
from .layout_workbook import layout_sheets, write_layout_xlsx
from .output import atomic_path

__all__ = ["layout_sheets", "write_layout_docx", "write_layout_text", "write_layout_xlsx"]

_FIXED_TIME = datetime(2024, 1, 1)
_CREATOR = "portfolio"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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


# -- Word ------------------------------------------------------------------


def write_layout_docx(rows: Sequence[LayoutRow], path: str | Path, *, year: int = 2024) -> None:
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
    for title in title_lines(year):
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


def write_layout_text(rows: Sequence[LayoutRow], *, year: int = 2024) -> str:
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
    lines = [f"**{title}**" for title in title_lines(year)]
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

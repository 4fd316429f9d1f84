"""Phụ lục 2 in a Word document laid out like the plan.

The body is read in order, paragraphs and tables interleaved: a paragraph is a
heading line (a group heading such as ``A. CÁC NHIỆM VỤ …`` or text the parser
ignores), every table row is a table line. Rows keep the table's grid: a cell
merged across columns gives its text to the first column it spans and leaves the
others empty (as Excel does), so the columns of every row line up with the
header's; a cell merged down rows repeats its text in each row it spans (a
``Đơn vị chủ trì`` cell shared by two tasks belongs to both).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..tasks import TaskList
from ._files import BROKEN_PACKAGE as _BROKEN
from .cells import clean_cell
from .layout import parse_layout
from .lines import Line
from .xlsx import RowClassifier, check_office_file

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table

__all__ = ["read_docx"]


def _cell(column: int) -> str:
    return f"cell {column + 1}"


def _row_lines(table: Table, number: int, classifier: RowClassifier) -> Iterator[Line]:
    above: list[object] = []
    for r, row in enumerate(table.rows, start=1):
        cells: list[str] = [""] * row.grid_cols_before
        elements: list[object] = [None] * row.grid_cols_before
        covered: set[int] = set()
        previous = None
        for cell in row.cells:
            column = len(cells)
            if column < len(above) and cell._tc is above[column]:
                covered.add(column)  # merged down from the row above: the text repeats, money is refused
            elements.append(cell._tc)
            if cell._tc is previous:  # the same <w:tc> spanning several grid columns
                cells.append("")
                covered.add(column)
                continue
            previous = cell._tc
            cells.append(clean_cell(cell.text))
        above = elements
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield classifier.line(tuple(cells), f"table {number} row {r}", frozenset(covered), _cell)


def _body_lines(document: DocxDocument) -> tuple[list[Line], int]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[Line] = []
    classifier = RowClassifier()
    tables = paragraphs = 0
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            paragraphs += 1
            text = clean_cell(item.text)
            if text:
                lines.append(classifier.line((text,), f"paragraph {paragraphs}"))
        elif isinstance(item, Table):
            tables += 1
            lines.extend(_row_lines(item, tables, classifier))
    return lines, tables


def read_docx(path: str | Path) -> TaskList:
    """Read Phụ lục 2 from a ``.docx`` document laid out like the plan.

    Parameters
    ----------
    path
        The document: group headings as paragraphs, each group's rows in a table
        (a table may also hold its heading in a first merged row).

    Returns
    -------
    TaskList
        Tasks in document order, with the subtotals the document states.

    Raises
    ------
    InputError
        One line naming the file: not found, empty, corrupt or not a Word
        document, encrypted (or an old ``.doc``), a document without tables, or
        a layout/cell error located as ``table 2 row 7``.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    path = Path(path)
    check_office_file(path, ".docx")
    try:
        document = docx.Document(str(path))
        lines, tables = _body_lines(document)
    except PackageNotFoundError:
        raise InputError("is not a .docx document (not a zip package)", file=str(path)) from None
    except _BROKEN as exc:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if "is not a Word file" in str(exc):
            kind = str(exc).rpartition("content type is ")[2].strip("'")
            reason = f"an Office package of content type {kind}"
        raise InputError(
            f"is not a readable .docx document (corrupt or not a Word file: {reason})",
            file=str(path),
        ) from None
    if tables == 0:
        raise InputError("the document has no tables; expected Phụ lục 2 laid out as tables", file=str(path))
    return parse_layout(lines, file=str(path))

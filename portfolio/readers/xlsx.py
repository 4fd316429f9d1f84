"""Phụ lục 2 in an Excel workbook laid out like the document.

Every sheet is read in workbook order, every row becoming a :class:`~.layout.Line`
for the shared layout parser. A sheet contributes from its first group heading
(``A. CÁC NHIỆM VỤ …``) to its end, so a cover note or a sheet of notes is
skipped; one sheet per group or the whole appendix on one sheet both work.
Cells are read as values (``data_only=True``): a formula contributes the result
Excel last saved with it; a formula saved without a result (a workbook written
by a program and never opened in Excel) is refused, naming its cell, rather than
read as empty. Merged cells read like Word's: text merged down rows repeats in
each row (an agency shared by two tasks, the ``TT`` of a header over two rows), a
cell merged across columns stands in its first column; so a header split over
two rows (``Kinh phí`` above ``Dự toán được duyệt`` and ``Dự kiến phân bổ``) is
read too, while a merge across money columns of a task or subtotal row is
refused by the layout parser. The table may start in any column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..input_files import check_input
from ..tasks import TaskList
from ._files import BROKEN_PACKAGE as _BROKEN
from .cells import clean_cell, fold, heading_group
from .layout import parse_layout
from .lines import Line

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = ["RowClassifier", "check_office_file", "read_xlsx"]

_OLE2 = b"\xd0\xcf\x11\xe0"


def check_office_file(path: Path, kind: str) -> None:
    """Raise a one-line :class:`InputError` for a file that cannot be an Office package.

    Parameters
    ----------
    path
        The file.
    kind
        ``".xlsx"`` or ``".docx"``, for the messages.

    Raises
    ------
    InputError
        If the file is missing, a folder, not a regular file (a FIFO), empty, or an OLE2 compound file (an
        encrypted workbook/document, or an old ``.xls``/``.doc``).
    """
    check_input(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", file=str(path)) from None
    if not head:
        raise InputError("the file is empty", file=str(path))
    if head.startswith(_OLE2):
        old = ".xls" if kind == ".xlsx" else ".doc"
        raise InputError(f"is encrypted or an old {old}; save it as an unprotected {kind}", file=str(path))


class RowClassifier:
    """Tell headings from table rows in a spreadsheet or a Word table.

    A row with a single non-empty cell is a heading when it stands in the first
    column or outside a table (before the first ``TT``/``Stt`` header row after a
    group heading): group headings, the ``Đơn vị tính`` line, notes. A lone
    label in the name column inside a table stays a table row.
    """

    def __init__(self) -> None:
        self.in_table = False
        self.first_column = 0

    def line(
        self,
        cells: tuple[str, ...],
        where: str,
        covered: frozenset[int] = frozenset(),
        cell: Callable[[int], str] | None = None,
    ) -> Line:
        """Classify one row and return it as a :class:`Line`.

        ``covered``: columns merged from the left; ``cell``: names the cell of a column.
        """
        filled = [(i, c) for i, c in enumerate(cells) if c]
        if len(filled) == 1:
            index, text = filled[0]
            if heading_group(text):
                self.in_table = False
                return Line((text,), where, heading=True)
            if index <= self.first_column or not self.in_table:
                return Line((text,), where, heading=True)
        if filled and fold(filled[0][1]).casefold() in {"tt", "stt"}:
            self.in_table = True
            self.first_column = filled[0][0]
        return Line(cells, where, covered=covered, cell=cell)


def cell_text(value: object) -> str:
    """Text of a spreadsheet value, numbers written so :func:`parse_vnd` reads them back.

    Examples
    --------
    >>> cell_text(1645.0), cell_text(329.7), cell_text(18000), cell_text(None)
    ('1645', '329,7', '18000', '')
    """
    if isinstance(value, bool):
        return clean_cell(str(value))
    if isinstance(value, datetime):  # a date typed (or auto-converted) into a cell
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return clean_cell(str(value))
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f").replace(".", ",")
    return clean_cell(value)


class _Unsaved:
    """A formula cell saved without its result."""

    def __init__(self, coordinate: str, formula: object) -> None:
        self.coordinate = coordinate
        self.formula = formula


def _sheet_lines(
    title: str, rows: Iterable[tuple[object, ...]], covered: dict[int, frozenset[int]], file: str
) -> Iterator[Line]:
    """Lines of one sheet from its first group heading on (none if it has no heading)."""
    classifier = RowClassifier()
    started = False
    for number, row in enumerate(rows, start=1):
        cells = tuple("" if isinstance(value, _Unsaved) else cell_text(value) for value in row)
        while cells and not cells[-1] and not isinstance(row[len(cells) - 1], _Unsaved):
            cells = cells[:-1]
        if not cells:
            continue
        line = classifier.line(
            cells, f"sheet {title!r} row {number}", covered.get(number, frozenset()), partial(_cell, number)
        )
        if not started:
            started = line.heading and heading_group(line.cells[0]) is not None
            if not started:
                continue
        unsaved = next((value for value in row if isinstance(value, _Unsaved)), None)
        if unsaved is not None:
            raise InputError(
                f"holds the formula {str(unsaved.formula)[:60]!r} with no saved result (the workbook was "
                "written by a program and never saved by Excel); open and save it in Excel or "
                "LibreOffice so every formula keeps its value, or use the tidy CSV",
                file=file,
                row=f"sheet {title!r} cell {unsaved.coordinate}",
            )
        yield line


def _cell(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"cell {get_column_letter(column + 1)}{row}"


def _covered(ranges: Iterable[tuple[int, int, int, int]]) -> dict[int, frozenset[int]]:
    """Row number -> the columns (from 0) a merged cell covers: all of its range but its first cell."""
    covered: dict[int, set[int]] = {}
    for min_col, min_row, max_col, max_row in ranges:
        covered.setdefault(min_row, set()).update(range(min_col, max_col))
        for number in range(min_row + 1, max_row + 1):  # a cell merged down covers its column too
            covered.setdefault(number, set()).update(range(min_col - 1, max_col))
    return {number: frozenset(columns) for number, columns in covered.items()}


def _unsaved_formulas(path: Path, values: Workbook) -> list[dict[tuple[int, int], _Unsaved]]:
    """For each sheet, the cells (row, column) whose formula has no saved result."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        if not any(b"<f" in archive.read(name) for name in sheets):
            return []
    from openpyxl import load_workbook

    formulas = load_workbook(path, data_only=False)
    try:
        out: list[dict[tuple[int, int], _Unsaved]] = []
        for with_formulas, with_values in zip(formulas.worksheets, values.worksheets, strict=True):
            found = {}
            for row in with_formulas.iter_rows():
                for cell in row:
                    if cell.data_type == "f" and with_values.cell(cell.row, cell.column).value is None:
                        found[(cell.row, cell.column)] = _Unsaved(cell.coordinate, cell.value)
            out.append(found)
        return out
    finally:
        formulas.close()


def _fill_merged_down(rows: list[list[object]], ranges: Iterable[tuple[int, int, int, int]]) -> None:
    """Repeat the text of a cell merged down rows in each row it spans (like Word's tables).

    Only text is repeated (an agency, a period, the ``TT`` of a two-row header);
    a number merged down stays in its first row (and a money cell it covers is
    refused by the parser). A cell merged across columns keeps its value in its
    first column, the others stay empty.
    """
    for min_col, min_row, _max_col, max_row in ranges:
        if max_row <= min_row or min_row > len(rows):
            continue
        top = rows[min_row - 1]
        value = top[min_col - 1] if min_col - 1 < len(top) else None
        if not isinstance(value, str):
            continue
        for number in range(min_row + 1, min(max_row, len(rows)) + 1):
            row = rows[number - 1]
            if len(row) < min_col:
                row.extend([None] * (min_col - len(row)))
            row[min_col - 1] = value


def _workbook_lines(path: Path) -> list[Line]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # not read_only: only a full load knows the merged cells (and ignores a wrong <dimension>)
        workbook = load_workbook(path, data_only=True)
    except InvalidFileException as exc:
        raise InputError(f"is not an .xlsx workbook ({exc})", file=str(path)) from None
    except _BROKEN as exc:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise InputError(
            f"is not a readable .xlsx workbook (corrupt or not a zip package: {reason})",
            file=str(path),
        ) from None
    try:
        lines: list[Line] = []
        unsaved = _unsaved_formulas(path, workbook)
        for index, sheet in enumerate(workbook.worksheets):
            rows = [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
            for (number, column), marker in (unsaved[index] if unsaved else {}).items():
                row = rows[number - 1]
                row.extend([None] * (column - len(row)))
                row[column - 1] = marker
            ranges = [cells.bounds for cells in sheet.merged_cells.ranges]
            _fill_merged_down(rows, ranges)
            lines.extend(_sheet_lines(sheet.title, (tuple(row) for row in rows), _covered(ranges), str(path)))
        return lines
    except InputError:
        raise
    except _BROKEN as exc:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise InputError(f"a worksheet is corrupt ({reason})", file=str(path)) from None
    finally:
        workbook.close()


def read_xlsx(path: str | Path) -> TaskList:
    """Read Phụ lục 2 from an ``.xlsx`` workbook laid out like the document.

    Parameters
    ----------
    path
        The workbook. Its sheets are read in order; a sheet without a group
        heading (a cover note, notes) contributes nothing, and a sheet's rows
        before its first group heading (titles) are skipped.

    Returns
    -------
    TaskList
        Tasks in document order, with the subtotals the workbook states.

    Raises
    ------
    InputError
        One line naming the file: not found, empty, corrupt or not a zip
        package, encrypted (or an old ``.xls``), or a layout/cell error located
        as ``sheet 'B' row 12``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from portfolio.readers import read_appendix
    >>> from portfolio.layout_rows import appendix_lines
    >>> from portfolio.writers import write_layout_xlsx
    >>> tasks = read_appendix()
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "pl2.xlsx"
    >>> write_layout_xlsx(appendix_lines(tasks), out)
    >>> read_appendix(out).tasks == tasks.tasks
    True
    """
    path = Path(path)
    check_office_file(path, ".xlsx")
    lines = _workbook_lines(path)
    return parse_layout(lines, file=str(path))

"""The appendix layout as workbook sheets, with its formulas, and the layout's ``.xlsx``.

The workbook is a working paper, written by :func:`portfolio.workbook.write_workbook`
(text stays text, reproducible bytes, print setup): every agency subtotal is
``=SUM()`` of its task rows, every ``TỔNG`` ``=SUM()`` of its agency rows (of its
task rows in group D), and section E refers to the ``TỔNG`` cells, each formula
stored with its value. Where the document states another figure, the cell
carries a comment with it. A sheet of more than 255 agency blocks (a synthetic
portfolio) uses ``SUBTOTAL(9, …)`` instead, which skips the nested subtotals,
as a ``SUM`` over that many cells would pass Excel's formula length.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from .layout_rows import LayoutRow, title_lines
from .sheets import Cell, Formula, Sheet, Style, cell_ref, column_letters, sum_formula
from .workbook import write_workbook

__all__ = ["layout_sheets", "write_layout_xlsx"]

_STYLE: dict[str, Style] = {
    "heading": "heading",
    "unit": "note",
    "header": "header",
    "summary_header": "header",
    "agency": "subtotal",
    "subheading": "subtotal",
    "task": "body",
    "summary": "body",
    "total": "total",
}
_TIDY = {"approved_budget": "approved", "approved_request": "approved"}  # section E's keys
_MANY = 255
# widths (characters) of the text columns, by the start of their header; long text wraps
_WIDTHS = {
    "Tên nhiệm vụ": 44.0,
    "Tên nhóm": 36.0,
    "Thời gian": 16.0,
    "Đơn vị chủ trì": 22.0,
    "Tỷ lệ": 9.0,
    "Thứ bậc": 16.0,
    "Nguồn vốn": 15.0,
    "Lý do": 48.0,
    "Ghi chú": 12.0,
}


def _is_money(value: object) -> bool:
    return isinstance(value, float | int) and not isinstance(value, bool)


class _Formulas:
    """Turns the money cells of one sheet's layout rows into formulas as they are added."""

    def __init__(self, sheet: Sheet, refs: dict[tuple[str, str], tuple[str, int, int]], many: bool) -> None:
        self.sheet, self.refs, self.many = sheet, refs, many
        self.keys: tuple[str, ...] = ()
        self.index: dict[str, int] = {}
        self.derived: list[tuple[int, str, str, str]] | None = None  # (column, left, right letters, sign)
        self.block: tuple[int, list[int]] | None = None  # agency row, its task rows
        self.agencies: list[int] = []
        self.tasks: list[int] = []
        self.summary: list[int] = []

    def _cells(self, number: int) -> list[Cell]:
        cells = self.sheet.rows[number][1]
        assert isinstance(cells, list)
        return cells

    def _close_block(self) -> None:
        if self.block is not None:
            number, members = self.block
            cells = self._cells(number)
            for column, value in enumerate(cells):
                if _is_money(value):
                    cells[column] = self._sum(column, members, float(value))  # type: ignore[arg-type]
            self.block = None

    def _sum(self, column: int, rows: Sequence[int], value: float) -> Formula:
        if self.many and rows:
            first, last = cell_ref(min(rows), column), cell_ref(max(rows), column)
            return Formula(f"=SUBTOTAL(9,{first}:{last})", value)
        return sum_formula(column, rows, value)

    def add(self, row: LayoutRow, number: int, derived: Mapping[str, tuple[str, str]]) -> None:
        if row.kind in ("header", "summary_header"):
            self.keys = row.keys
            self.index = {key: column for column, key in enumerate(row.keys) if key}
            self.derived = None
            self.agencies, self.tasks, self.summary = [], [], []
            return
        cells = self._cells(number)
        if row.kind in ("agency", "subheading", "total"):
            self._close_block()
        if row.kind == "agency":
            self.block = (number, [])
            self.agencies.append(number)
        elif row.kind == "task":
            self.tasks.append(number)
            if self.block is not None:
                self.block[1].append(number)
            self._derive(cells, number, derived)
        elif row.kind == "summary":
            self.summary.append(number)
            self._refer(cells, str(row.cells[1]))
        elif row.kind == "total":
            parts = self.summary if row.group == "E" else self.agencies or self.tasks
            many = self.many and row.group != "E"
            for column, value in enumerate(cells):
                if _is_money(value) and parts:
                    if many:
                        cells[column] = self._sum(column, [*self.tasks, *self.agencies], float(value))  # type: ignore[arg-type]
                    else:
                        cells[column] = sum_formula(column, parts, float(value))  # type: ignore[arg-type]
                    key = self.keys[column] if column < len(self.keys) else ""
                    if key and row.group != "E":
                        self.refs[(row.group, key)] = (self.sheet.title, number, column)

    def _derive(self, cells: list[Cell], number: int, derived: Mapping[str, tuple[str, str]]) -> None:
        if self.derived is None:  # the columns of this table's header, found once
            index = self.index
            self.derived = []
            for key, (first, second) in derived.items():
                sign, second = ("+", second[1:]) if second.startswith("+") else ("-", second)
                if {key, first, second} <= set(index):
                    left, right = column_letters(index[first]), column_letters(index[second])
                    self.derived.append((index[key], left, right, sign))
        row = number + 1  # what cell_ref writes, its column letters found once per table
        for column, left, right, sign in self.derived:
            value = cells[column]
            if _is_money(value):
                cells[column] = Formula(f"={left}{row}{sign}{right}{row}", float(value))  # type: ignore[arg-type]

    def _refer(self, cells: list[Cell], group: str) -> None:
        for column, value in enumerate(cells):
            key = self.keys[column] if column < len(self.keys) else ""
            target = self.refs.get((group, _TIDY.get(key, key)))
            if _is_money(value) and target is not None:
                title, row, col = target
                where = cell_ref(row, col, None if title == self.sheet.title else title)
                cells[column] = Formula(f"={where}", float(value))  # type: ignore[arg-type]


def _fill(
    sheet: Sheet,
    repeat: bool,
    rows: Sequence[LayoutRow],
    refs: dict[tuple[str, str], tuple[str, int, int]],
    derived: Mapping[str, tuple[str, str]],
) -> None:
    blocks = sum(1 for row in rows if row.kind == "agency")
    formulas = _Formulas(sheet, refs, blocks > _MANY)
    for index, row in enumerate(rows):
        if row.kind == "heading" and index > 0:
            sheet.blank()  # a blank line between groups on a shared sheet
        cells: list[Cell] = list(row.cells)  # type: ignore[arg-type]
        style = _STYLE[row.kind]
        if style == "header":
            for column, text in enumerate(row.cells):
                width = next((w for head, w in _WIDTHS.items() if str(text).startswith(head)), None)
                if width is not None:  # the widest where tables of other columns share a sheet
                    sheet.widths[column] = max(width, sheet.widths.get(column, 0.0))
        if style == "header" and sheet.header is None and repeat:
            number = sheet.add_header(cells)
        else:
            number = sheet.add(cells, style)
        for column, text in row.notes:
            sheet.comments[(number, column)] = text
        formulas.add(row, number, derived)


def layout_sheets(
    rows: Iterable[LayoutRow],
    *,
    sheet_per_group: bool = True,
    derived: Mapping[str, tuple[str, str]] = (lambda: {})(),
    year: int = 2024,
) -> Iterator[Sheet]:
    """The appendix layout as :class:`~portfolio.sheets.Sheet` objects, with formulas.

    Parameters
    ----------
    rows
        From :func:`portfolio.layout_rows.appendix_lines` (any iterable, group by group).
    sheet_per_group
        ``True``: sheets ``A`` … ``D`` and ``E``; ``False``: one sheet ``Phụ lục 2``.
    derived
        ``{key: (plus, minus)}``: on task rows, the column ``key`` (a header key,
        e.g. ``extra1``) is the formula ``plus − minus`` of two other columns;
        ``(a, "+b")`` makes it ``a + b``.
    year
        The plan year the title names (``THỰC HIỆN NĂM 2025``).

    Notes
    -----
    A group's header row is frozen and repeated on every printed page of its
    sheet; on the one sheet of the whole appendix, where each group's table has
    its own columns, no header is repeated.

    Yields
    ------
    Sheet
        One by one, each made from its group's rows only, so that a sheet can be
        written and let go before the next is made; the document's title lines
        on the first.
    """
    refs: dict[tuple[str, str], tuple[str, int, int]] = {}
    members: list[LayoutRow] = []
    title: str | None = None
    made = 0
    for row in itertools.chain(rows, [None]):
        key = None if row is None else row.group if sheet_per_group else "Phụ lục 2"
        if key != title and members:
            sheet = Sheet(str(title))
            if made == 0:
                for line in title_lines(year):
                    sheet.add([line], "title")
                sheet.blank()
            _fill(sheet, sheet_per_group, members, refs, derived)
            members = []
            made += 1
            yield sheet
            del sheet  # written by now: let it go before the next is made
        if row is not None:
            members.append(row)
            title = key
    if not made:
        raise ValueError("no rows to write")


def write_layout_xlsx(
    rows: Sequence[LayoutRow],
    path: str | Path,
    *,
    sheet_per_group: bool = True,
    extra_sheets: Sequence[Sheet] = (),
    year: int = 2024,
) -> None:
    """Write the appendix layout to an Excel workbook (a working paper, see the module notes).

    Parameters
    ----------
    rows
        From :func:`portfolio.layout_rows.appendix_lines` (either number style).
    path
        The ``.xlsx`` file, written atomically; equal rows give equal bytes.
    sheet_per_group
        ``True``: sheets ``A`` … ``D`` and ``E`` (the summary); ``False``: the
        whole appendix on one sheet ``Phụ lục 2``, as in the document.
    extra_sheets
        Appended after the appendix (a summary, a scenario's parameters); they
        hold no group heading, so readers skip them.
    year
        The plan year the title names.

    Raises
    ------
    ValueError
        If ``rows`` is empty.
    """
    if not rows:
        raise ValueError("no rows to write")
    sheets = layout_sheets(rows, sheet_per_group=sheet_per_group, year=year)
    write_workbook(itertools.chain(sheets, extra_sheets), path, title=title_lines(year)[1])

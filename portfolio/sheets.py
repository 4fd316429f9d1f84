"""What a workbook holds before it is written: sheets of rows of cells, formulas with their values.

:class:`Sheet` objects are built by the writers of the project (the appendix
layout, the working paper's own sheets, the compare workbook) and written by
:func:`portfolio.workbook.write_workbook`. A ``str`` cell is always text; only a
:class:`Formula` is a formula.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Cell",
    "Formula",
    "Percent",
    "Sheet",
    "Style",
    "cell_ref",
    "column_letters",
    "sheet_title",
    "sum_formula",
]

Style = Literal["title", "heading", "note", "plain", "header", "body", "subtotal", "total"]
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters no worksheet holds
_SHEET_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula with the value it computes (``Formula("=SUM(E6:E9)", 1246.0)``)."""

    text: str
    value: float | str


@dataclass(frozen=True, slots=True)
class Percent:
    """A ratio shown as a percentage with two decimals (``0.3223`` shows ``32,23%``)."""

    value: float


Cell = str | float | int | Formula | Percent | None


@dataclass
class Sheet:
    """One worksheet: rows of cells, each row with a :data:`Style`.

    Attributes
    ----------
    title
        The sheet's name (made legal and unique by :func:`write_workbook`).
    rows
        ``(style, cells)`` in order; a cell is text, a number (money), a
        :class:`Formula`, a :class:`Percent` or ``None``/``""`` (empty).
    comments
        Cell notes by ``(row, column)``, both 0-based.
    header
        0-based first and last row of the table header: frozen below, repeated
        on every printed page. ``None``: nothing frozen or repeated.
    widths
        Column widths (characters) that override the computed ones.
    validations
        ``(first row, first column, last row, last column, rule)``, 0-based, each
        rule in XlsxWriter's terms (``{"validate": "list", "source": "=…"}``):
        dropdowns and checks of what may be typed.
    hidden
        Whether the sheet is hidden (a list a dropdown reads).
    """

    title: str
    rows: list[tuple[Style, Sequence[Cell]]] = field(default_factory=list)
    comments: dict[tuple[int, int], str] = field(default_factory=dict)
    header: tuple[int, int] | None = None
    widths: dict[int, float] = field(default_factory=dict)
    validations: list[tuple[int, int, int, int, dict[str, object]]] = field(default_factory=list)
    hidden: bool = False

    def add(self, cells: Sequence[Cell] = (), style: Style = "body") -> int:
        """Append a row; return its 0-based number (for formulas and comments)."""
        self.rows.append((style, cells))
        return len(self.rows) - 1

    def add_header(self, cells: Sequence[Cell]) -> int:
        """Append a header row and extend :attr:`header` to it."""
        number = self.add(cells, "header")
        self.header = (number if self.header is None else self.header[0], number)
        return number

    def blank(self) -> None:
        """Append an empty row."""
        self.add((), "plain")


@functools.cache
def column_letters(column: int) -> str:
    """The letters of a 0-based column (``column_letters(27) == "AB"``)."""
    name = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


def cell_ref(row: int, column: int, sheet: str | None = None) -> str:
    """A1 reference of a 0-based cell, with a quoted sheet name if given.

    Examples
    --------
    >>> cell_ref(6, 4), cell_ref(0, 27), cell_ref(3, 0, "Phụ lục 2"), cell_ref(3, 0, "A")
    ('E7', 'AB1', "'Phụ lục 2'!A4", 'A!A4')
    """
    ref = f"{column_letters(column)}{row + 1}"
    if sheet is None:
        return ref
    from xlsxwriter.utility import quote_sheetname

    return f"{quote_sheetname(sheet)}!{ref}"


def sum_formula(column: int, rows: Iterable[int], value: float) -> Formula:
    """``=SUM(...)`` over 0-based ``rows`` of one column: ranges where rows run on.

    More than 255 arguments (Excel's limit) are grouped into nested ``SUM``.
    """
    if rows and isinstance(rows, Sequence) and rows[-1] - rows[0] == len(rows) - 1 > 0:
        return Formula(f"=SUM({cell_ref(rows[0], column)}:{cell_ref(rows[-1], column)})", value)  # a run
    ordered = sorted(set(rows))
    parts: list[str] = []
    start = previous = None
    for row in [*ordered, None]:
        if row is not None and previous is not None and row == previous + 1:
            previous = row
            continue
        if start is not None and previous is not None:
            first, last = cell_ref(start, column), cell_ref(previous, column)
            parts.append(first if start == previous else f"{first}:{last}")
        start = previous = row
    while len(parts) > 255:
        parts = [f"SUM({','.join(parts[i : i + 255])})" for i in range(0, len(parts), 255)]
    return Formula(f"=SUM({','.join(parts)})", value)


def sheet_title(name: str, taken: Iterable[str] = ()) -> str:
    r"""A legal, unique sheet name: no ``[]:*?/\``, at most 31 characters.

    Examples
    --------
    >>> sheet_title("cut 10%/year"), sheet_title("A", ["A"]), sheet_title("")
    ('cut 10%_year', 'A (2)', 'Sheet')
    """
    base = _SHEET_ILLEGAL.sub("_", ILLEGAL.sub("", str(name))).strip().strip("'") or "Sheet"
    used = {t.casefold() for t in taken}
    title, k = base[:31], 1
    while title.casefold() in used:
        k += 1
        suffix = f" ({k})"
        title = base[: 31 - len(suffix)] + suffix
    return title

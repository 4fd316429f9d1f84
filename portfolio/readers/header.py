"""The header rows of the appendix's tables: which column is which, and the year they plan.

A table of Phụ lục 2 opens with a header row (``TT | Tên nhiệm vụ | …``), repeated
at every page break. A header may stand over two rows (``Kinh phí`` merged above
``Dự toán được duyệt`` and ``Dự kiến phân bổ``): a header row that lacks a column is
completed from the row under it when that row starts empty or with ``TT`` again.
The money headers and the document's title name the year it plans
(:func:`header_year`); :meth:`TableHeader.plan_year` says which.
"""

from __future__ import annotations

import re

from ..errors import InputError
from .cells import clean_cell, column_of
from .lines import Line

__all__ = ["TableHeader", "header_year", "row_width"]

# where the document names the year it plans: its title and its money headers
_TITLE_YEAR = re.compile(r"danh\s+mục.*\bnăm\s+(\d{4})\b", re.IGNORECASE)
_PLANNED_YEAR = re.compile(r"dự\s+kiến\s+phân\s+bổ.*\bnăm\s+(\d{4})\b", re.IGNORECASE)
_CARRIED_YEAR = re.compile(
    r"chuyển\s+nguồn\s+từ\s+(?:năm\s+)?\d{4}\s+sang\s+(?:năm\s+)?(\d{4})\b", re.IGNORECASE
)
_SPENT_YEAR = re.compile(r"kinh\s+phí\s+đã\s+sử\s+dụng\s+năm\s+(\d{4})\b", re.IGNORECASE)


def header_year(header: str) -> int | None:
    """The plan year a money header names: ``Dự kiến phân bổ kinh phí năm 2025`` -> 2025.

    ``Chuyển nguồn từ 2024 sang 2025`` names 2025 and ``Kinh phí đã sử dụng năm
    2024`` the year before 2025.

    Examples
    --------
    >>> header_year("Chuyển nguồn từ 2024 sang 2025"), header_year("Kinh phí đã sử dụng năm 2024")
    (2025, 2025)
    """
    text = clean_cell(header)
    for pattern, shift in ((_PLANNED_YEAR, 0), (_CARRIED_YEAR, 0), (_SPENT_YEAR, 1)):
        if match := pattern.search(text):
            return int(match.group(1)) + shift
    return None


def row_width(cells: tuple[str, ...]) -> int:
    """Cells up to the last non-empty one.

    Examples
    --------
    >>> row_width(("1", "Tên", "", ""))
    2
    """
    width = len(cells)
    while width and not cells[width - 1]:
        width -= 1
    return width


class TableHeader:
    """The header of the table being read, and the plan years met so far.

    Attributes
    ----------
    columns
        Tidy column -> its index in the current table (empty before a header).
    header
        ``(index, column)`` for every named column of the current header.
    width
        Cells of the header up to its last named one.
    pending
        A header row that lacks a column, waiting for the row under it.
    seen
        How many header rows the document has.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.columns: dict[str, int] = {}
        self.header: list[tuple[int, str]] = []
        self.width = 0
        self.twice: list[str] = []
        self.pending: tuple[tuple[str, ...], Line] | None = None
        self.seen = 0
        self.title_year: tuple[int, str] | None = None
        self.header_years: list[tuple[int, str]] = []

    def error(self, message: str, where: str) -> InputError:
        """An error about a header row, naming the file and where the row stands."""
        return InputError(message, file=self.file, row=where)

    def note_title(self, text: str, where: str) -> None:
        """Keep the plan year of the document's title (``DANH MỤC … NĂM 2024``), the first one."""
        title = _TITLE_YEAR.search(text)
        if title and self.title_year is None:
            self.title_year = (int(title.group(1)), where)

    def missing_columns(self, columns: dict[str, int], group: str | None) -> list[str]:
        """The columns a table of ``group`` needs that ``columns`` lacks."""
        if group == "E":
            required = {"number", "group_letter"}
        else:
            # every money column the document's table of this group has: without one, its
            # amounts would be read as zero
            required = {"number", "name", "period", "approved", "planned"}
            if group == "B":
                required |= {"spent_before", "carried_over"}
            if group == "D":
                required |= {"agency", "spent_before"}
        return sorted(required - set(columns))

    def set_header(self, names: list[str | None], group: str | None) -> dict[str, int]:
        """Take the named columns of a header row; a name met twice is kept in ``twice``."""
        columns: dict[str, int] = {}
        self.header = []
        self.twice = []
        for index, column in enumerate(names):
            if column:
                self.header.append((index, column))
                if column in columns and group != "E":  # E has approved under two titles
                    self.twice.append(column)
                columns.setdefault(column, index)
        return columns

    def note_years(self, cells: tuple[str, ...], line: Line, group: str | None) -> None:
        """Keep the plan year each money header of a task table names."""
        if group == "E":
            return
        for cell in cells:
            year = header_year(cell)
            if year is not None:
                self.header_years.append((year, line.where))

    def plan_year(self) -> int | None:
        """The year the document plans: its title's, else its headers' (a disagreement is warned)."""
        found = [self.title_year] if self.title_year else []
        found += self.header_years
        if not found:
            return None
        year, where = found[0]
        odd = next(((y, w) for y, w in found if y != year), None)
        if odd is not None:
            import warnings

            from ..errors import PortfolioWarning

            warnings.warn(
                f"{self.file}: the document plans {year} ({where}) but {odd[1]} names {odd[0]}; "
                f"planning {year}",
                PortfolioWarning,
                stacklevel=4,
            )
        return year

    def read(self, cells: tuple[str, ...], line: Line, group: str | None) -> None:
        """Read a header row; one that lacks a column waits for the row under it."""
        self.seen += 1
        self.note_years(cells, line, group)

        self.width = row_width(cells)
        columns = self.set_header([column_of(cell) for cell in cells], group)
        if self.twice:
            raise self.error(f"the header row names the column {self.twice[0]} twice", line.where)
        if self.missing_columns(columns, group):
            # perhaps a header over two rows (a merged "Kinh phí" above its columns)
            self.pending = (cells, line)
            self.columns = {}
            return
        self.columns = columns

    def finish(self, cells: tuple[str, ...], line: Line, group: str | None) -> None:
        """Complete a header row from the row under it, or report what it lacks."""
        assert self.pending is not None
        top, top_line = self.pending
        self.pending = None
        below = [column_of(c) for c in cells]
        continues = not line.heading and (not cells or not cells[0] or below[0] == "number")
        if continues:
            self.note_years(cells, line, group)
        names = [column_of(c) for c in top]
        if continues and any(below[1:]):
            self.width = max(self.width, row_width(cells))
            width = max(len(names), len(below))
            names = [
                (below[i] if i < len(below) else None) or (names[i] if i < len(names) else None)
                for i in range(width)
            ]
        columns = self.set_header(names, group)
        if self.twice:
            raise self.error(f"the header row names the column {self.twice[0]} twice", top_line.where)
        missing = self.missing_columns(columns, group)
        if missing:
            found = ", ".join(repr(c) for c in top if c) or "nothing"
            raise self.error(
                f"header row lacks the column(s) {', '.join(missing)} (it has {found})",
                top_line.where,
            )
        self.columns = columns

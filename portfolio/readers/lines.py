"""The stream every document reader hands to the layout parser: one :class:`Line` an item.

A text, Excel or Word copy of Phụ lục 2 becomes a sequence of headings and table
rows, each with where it stands in its file, so that the parser
(:func:`portfolio.readers.layout.parse_layout`) reads every format alike and names
the row of its file in a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Line"]


@dataclass(frozen=True)
class Line:
    """One item of the document stream: a heading or a table row.

    Attributes
    ----------
    cells
        The row's cells as text (a heading is one cell and ``heading=True``).
    where
        Where it stands in the file, for messages (``"line 431"``, ``"sheet 'A' row 5"``).
    heading
        ``True`` for a paragraph outside a table.
    complete
        ``True`` when the row carries every cell, trailing empty ones included
        (a text row keeps its tabs), so a row with fewer cells than its header
        has lost one; a spreadsheet or Word row drops its trailing empty cells.
    covered
        Columns of this row covered by a cell merged from the left: they hold
        nothing of their own, so a money column among them is refused.
    cell
        How the file names the cell of a column (from 0) of this row, for messages:
        ``cell E11`` of a sheet, ``cell 5`` of a Word table row.
    """

    cells: tuple[str, ...]
    where: str
    heading: bool = False
    complete: bool = False
    covered: frozenset[int] = frozenset()
    cell: Callable[[int], str] | None = None

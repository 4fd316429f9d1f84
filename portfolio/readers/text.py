"""Phụ lục 2 as the plan's text lays it out: tab-separated rows inside the plan.

The plan text (Kế hoạch 325/KH-UBND) holds the appendix from the line
``**Phụ lục 2**`` on. Rows are tab-separated, cells carry ``<b>`` tags and HTML
entities (``&amp;``), headings are Markdown-bold paragraphs, and the header row
repeats at every page break. A file that holds only the appendix is read too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..tasks import TaskList
from ._files import read_text
from .cells import clean_cell
from .layout import parse_layout
from .lines import Line

__all__ = ["appendix_lines", "read_text_layout"]

_APPENDIX = re.compile(r"^[\s*_#]*phụ\s+lục\s+(\d+)\b", re.IGNORECASE)


def appendix_lines(text: str) -> Iterator[Line]:
    """Yield the headings and table rows of Phụ lục 2 found in a plan's text.

    Parameters
    ----------
    text
        The whole plan, or the appendix alone.

    Yields
    ------
    Line
        Table rows (lines with a tab) and paragraphs, each with its line number.
    """
    lines = text.splitlines()
    begin = 0
    for number, raw in enumerate(lines):
        if _is_appendix_2(raw):
            begin = number + 1
            break
    for number in range(begin, len(lines)):
        raw = lines[number]
        match = _APPENDIX.match(clean_cell(raw))
        if match and match.group(1) != "2":
            break
        where = f"line {number + 1}"
        if "\t" in raw:
            yield Line(tuple(raw.split("\t")), where, complete=True)
        elif raw.strip():
            yield Line((raw,), where, heading=True)


def read_text_layout(path: Path) -> TaskList:
    """Read Phụ lục 2 from a text file laid out like the plan.

    Parameters
    ----------
    path
        A UTF-8 text file.

    Returns
    -------
    TaskList
        Tasks in document order, with the stated subtotals.
    """
    text = read_text(path)
    marked = any(_is_appendix_2(line) for line in text.splitlines())
    context = "" if marked else "the text has no 'Phụ lục 2' heading"
    return parse_layout(appendix_lines(text), file=str(path), context=context)


def _is_appendix_2(raw: str) -> bool:
    match = _APPENDIX.match(clean_cell(raw))
    return bool(match and match.group(1) == "2")

"""Readers of Phụ lục 2: tidy CSV, the plan's text, Excel and Word laid out like the document."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..tasks import TaskList

__all__ = ["bundled_appendix_path", "read_appendix"]

_FORMATS = {
    ".csv": "csv",
    ".txt": "text",
    ".md": "text",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".docx": "docx",
}


def bundled_appendix_path() -> Path:
    """Path of the bundled ``appendix2_2024.csv`` (all 81 tasks of Phụ lục 2).

    An installed package carries the project's ``data/`` folder as
    ``portfolio/bundled``; a source checkout (or an editable install) reads
    ``data/`` beside the package.
    """
    package = Path(__file__).resolve().parent.parent
    for folder in (package / "bundled", package.parent / "data"):
        candidate = folder / "appendix2_2024.csv"
        if candidate.is_file():
            return candidate
    raise InputError("the bundled appendix is missing from the installation", file="appendix2_2024.csv")


def read_appendix(path: str | Path | None = None, *, format: str | None = None) -> TaskList:
    """Read Phụ lục 2 from a file, in any layout the library knows.

    Parameters
    ----------
    path
        A tidy ``.csv``; the plan's text (``.txt``, Phụ lục 2 found inside it);
        an ``.xlsx`` or ``.docx`` laid out like the document. ``None`` reads the
        bundled appendix.
    format
        ``"csv"``, ``"text"``, ``"xlsx"`` or ``"docx"``; by default from the suffix.

    Returns
    -------
    TaskList
        Validated tasks in document order, with a DataFrame view (``.frame``) and,
        for document layouts, the subtotals the document states.

    Raises
    ------
    InputError
        For a file that cannot be read or a row that does not validate; the
        message names the file, the row and the field.

    Examples
    --------
    >>> tasks = read_appendix()
    >>> len(tasks), tasks["B38"].approved
    (81, 848597.0)
    """
    if path is None:
        path = bundled_appendix_path()
    path = Path(path)
    kind = format or _FORMATS.get(path.suffix.lower())
    if kind == "csv":
        from .tidy import read_csv

        return read_csv(path)
    if kind == "text":
        from .text import read_text_layout

        return read_text_layout(path)
    if kind == "xlsx":
        from .xlsx import read_xlsx

        return read_xlsx(path)
    if kind == "docx":
        from .docx import read_docx

        return read_docx(path)
    known = ", ".join(sorted(_FORMATS))
    raise InputError(f"unknown file type {path.suffix!r}; expected one of {known}", file=str(path))

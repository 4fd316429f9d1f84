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


def read_appendix(
    path: str | Path | None = None, *, format: str | None = None, pillars: str | Path | None = None
) -> TaskList:
    """Read Phụ lục 2 from a file, in any layout the library knows.

    Parameters
    ----------
    path
        A tidy ``.csv``; the plan's text (``.txt``, Phụ lục 2 found inside it);
        an ``.xlsx`` or ``.docx`` laid out like the document. ``None`` reads the
        bundled appendix.
    format
        ``"csv"``, ``"text"``, ``"xlsx"`` or ``"docx"``; by default from the suffix.
    pillars
        A CSV ``id,pillar,category`` that overrides the classification of some
        tasks (:func:`portfolio.classification.read_pillars`). Every other task
        keeps the pillar its file gives or gets the rules' (``docs/pillars.md``).

    Returns
    -------
    TaskList
        Validated tasks in document order, each with its pillar and heading of
        Phụ lục I, with a DataFrame view (``.frame``) and, for document layouts,
        the subtotals the document states.

    Warns
    -----
    PortfolioWarning
        Once, listing the tasks no rule can place (``chưa phân loại``).

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

        return read_csv(path, pillars=pillars)
    from ..classification import classify

    if kind == "text":
        from .text import read_text_layout

        return classify(read_text_layout(path), pillars)
    if kind == "xlsx":
        from .xlsx import read_xlsx

        return classify(read_xlsx(path), pillars)
    if kind == "docx":
        from .docx import read_docx

        return classify(read_docx(path), pillars)
    known = ", ".join(sorted(_FORMATS))
    raise InputError(f"unknown file type {path.suffix!r}; expected one of {known}", file=str(path))

"""The tidy CSV: one row per task, the columns of :data:`portfolio.tasks.COLUMNS`.

Money is written as plain decimals (``329.7``), empty cells are zero, ``lease_years``
is empty for a task that is not a lease, and ``is_new`` is ``true``/``false``.
Extra columns are accepted and ignored with a :class:`~portfolio.errors.PortfolioWarning`
(an analyst's note column should not stop a run); a missing column is an error.

The columns ``pillar``, ``category`` and ``pillar_reason``
(:data:`~portfolio.tasks.CLASSIFICATION_COLUMNS`) are optional: a row that gives a
pillar or a category keeps it (an analyst's override), the others (and those that
say ``chưa phân loại``) are classified by the rules of :mod:`portfolio.classification`.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..classification import classify, given_classification
from ..errors import InputError, PortfolioWarning
from ..money import MoneyFormatError, parse_vnd
from ..pillars import UNCLASSIFIED
from ..tasks import CLASSIFICATION_COLUMNS, COLUMNS, MONEY_COLUMNS, Task, TaskList, make_task
from ._files import read_text

__all__ = ["csv_text", "read_csv", "write_csv"]

_REQUIRED = tuple(c for c in COLUMNS if c not in ("period",))
_TRUE = {"true", "1", "yes", "x", "có"}
_FALSE = {"false", "0", "no", "", "không"}


_WHOLE = re.compile(r"^[+-]?\d+(?:\.0*)?$")


def _int(value: str, *, file: str, row: str, field: str, optional: bool = False) -> int | None:
    text = value.strip()
    if text == "" and optional:
        return None
    if not _WHOLE.match(text) or len(text) > 20:
        raise InputError(f"expected a whole number, got {value!r}", file=file, row=row, field=field)
    return int(text.partition(".")[0])


def _records(text: str, file: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the (line number, cells) of each non-blank row."""
    reader = csv.reader(io.StringIO(text, newline=""))

    def rows() -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(
                    f"not a readable CSV row ({exc})", file=file, row=f"line {reader.line_num}"
                ) from None
            if any(cell.strip() for cell in cells):
                yield reader.line_num, cells

    records = rows()
    first = next(records, None)
    return ([] if first is None else [h.strip() for h in first[1]]), records


def read_csv(path: Path, *, pillars: str | Path | None = None) -> TaskList:
    """Read the tidy CSV of the appendix.

    Parameters
    ----------
    path
        A UTF-8 CSV file (a BOM is accepted).
    pillars
        An analyst's classification CSV (:func:`portfolio.classification.read_pillars`),
        which wins over the file's own columns and the rules.

    Returns
    -------
    TaskList
        The validated tasks in file order.

    Raises
    ------
    InputError
        Naming the file, the row (the task id when it can be read, else the line)
        and the field.
    """
    file = str(path)
    text = read_text(path)
    header, records = _records(text, file)
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise InputError(
            f"column(s) {', '.join(twice)} appear more than once in the header", file=file, row="line 1"
        )
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}",
            file=file,
            row="line 1",
        )
    extra = [h or "(unnamed)" for h in header if h not in COLUMNS and h not in CLASSIFICATION_COLUMNS]
    if extra:
        warnings.warn(
            f"{file}: line 1: ignoring unknown column(s) {', '.join(extra)}",
            PortfolioWarning,
            stacklevel=2,
        )
    tasks: list[Task] = []
    seen: dict[str, str] = {}
    for number, cells in records:
        line = f"line {number}"
        record = dict(zip(header, cells, strict=False))
        task_id = (record.get("id") or "").strip()
        row = f"{task_id} ({line})" if task_id else line
        if len(cells) != len(header):
            more = "more" if len(cells) > len(header) else "fewer"
            raise InputError(
                f"the row has {len(cells)} cells, {more} than the {len(header)} columns of the header",
                file=file,
                row=row,
                field=None if len(cells) > len(header) else header[len(cells)],
            )
        if task_id and task_id in seen:
            raise InputError(f"duplicate task id (first at {seen[task_id]})", file=file, row=row, field="id")
        seen.setdefault(task_id, line)
        values: dict[str, object] = {
            key: (record.get(key) or "").strip()
            for key in ("id", "group", "agency", "name", "period", "funding_source")
        }
        for key in ("start_year", "end_year"):
            values[key] = _int(record.get(key) or "", file=file, row=row, field=key)
        values["lease_years"] = _int(
            record.get("lease_years") or "", file=file, row=row, field="lease_years", optional=True
        )
        for key in MONEY_COLUMNS:
            try:
                amount = parse_vnd(record.get(key) or "", decimal_comma=False)
            except MoneyFormatError as exc:
                raise InputError(str(exc), file=file, row=row, field=key) from None
            values[key] = 0.0 if amount is None else amount
        flag = (record.get("is_new") or "").strip().casefold()
        if flag not in _TRUE | _FALSE:
            raise InputError(f"expected true or false, got {flag!r}", file=file, row=row, field="is_new")
        values["is_new"] = flag in _TRUE
        if (record.get("pillar") or "").strip() or (record.get("category") or "").strip():
            given = given_classification(
                {k: (record.get(k) or "").strip() for k in CLASSIFICATION_COLUMNS}, file=file, row=row
            )
            if (given.pillar, given.category) != (UNCLASSIFIED, UNCLASSIFIED):  # else the rules try again
                values.update(pillar=given.pillar, category=given.category, pillar_reason=given.reason)
        tasks.append(make_task(values, file=file, row=row))
    if not tasks:
        raise InputError("no task rows after the header", file=file, row="line 2")
    return classify(TaskList(tuple(tasks), source=file), pillars)


def _money_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def csv_text(tasks: Iterable[Task]) -> str:
    r"""The tidy CSV of some tasks as text (``\\n`` line ends, deterministic), with their classification."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS, *CLASSIFICATION_COLUMNS])
    for task in tasks:
        row = task.model_dump()
        cells = []
        for column in (*COLUMNS, *CLASSIFICATION_COLUMNS):
            value = row[column]
            if column in MONEY_COLUMNS:
                cells.append(_money_text(value))
            elif column == "is_new":
                cells.append("true" if value else "false")
            elif value is None:
                cells.append("")
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return out.getvalue()


def write_csv(tasks: Iterable[Task], path: Path) -> None:
    """Write the tidy CSV atomically (a temporary file renamed into place)."""
    from ..output import atomic_write_text

    atomic_write_text(Path(path), csv_text(tasks))

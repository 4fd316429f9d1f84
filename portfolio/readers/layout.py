"""The document's own layout of Phụ lục 2, whatever file it comes in.

Text, Excel and Word copies of the appendix share one layout: a group heading
(``A. CÁC NHIỆM VỤ …``), a header row (``TT | Tên nhiệm vụ | …``) repeated at every
page break, agency rows (a Roman numeral or none, then the agency and its
subtotals), numbered task rows, a ``TỔNG`` row, and section E summarising A–D.
Each reader turns its file into a stream of :class:`Line` items; :func:`parse_layout`
turns the stream into validated tasks and the subtotals the document states.

The header rows (one over two rows, the plan year they name) are read by
:class:`~portfolio.readers.header.TableHeader`. Every error names the file, the
row (``B3 (line 431)``, ``sheet 'B' row 12``) and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..crosscheck import check_document, continuing_starts
from ..errors import InputError
from ..money import MoneyFormatError, parse_vnd
from ..tasks import MONEY_COLUMNS, StatedTotal, Task, TaskList, make_task, parse_period
from .cells import cell_key, clean_cell, column_of, fold, heading_group, unknown_group
from .header import TableHeader, header_year, row_width
from .lines import Line

__all__ = ["Line", "header_year", "parse_layout"]

_ROMAN = re.compile(r"^(?=[IVXLC]+$)C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_NUMBER = re.compile(r"^\d+(?:\.0+)?$")
_TOTALS = {"tổng", "tổng cộng", "cộng"}
# the task's years and lease come from its "Thời gian thực hiện" cell
_PERIOD_FIELDS = {"start_year": "period", "end_year": "period", "lease_years": "period"}


def _decimals(cell: str) -> int:
    _, sep, frac = cell.partition(",")
    return len(frac.rstrip("%")) if sep else 0


class _Parser:
    def __init__(self, file: str) -> None:
        self.file = file
        self.group: str | None = None
        self.announced: dict[str, int | None] = {}
        self.table = TableHeader(file)
        self.agency: str | None = None
        self.agency_position: dict[str, int] = {}
        self.d_is_new: bool | None = None
        self.tasks: list[Task] = []
        self.stated: list[StatedTotal] = []
        self.members: dict[tuple[str, int], list[str]] = {}
        self.heading_where: dict[str, str] = {}
        self.seen: dict[str, str] = {}

    # -- helpers ---------------------------------------------------------
    def error(self, message: str, where: str, field: str | None = None, row: str | None = None) -> InputError:
        location = f"{row} ({where})" if row else where
        return InputError(message, file=self.file, row=location, field=field)

    def cell(self, cells: tuple[str, ...], column: str) -> str:
        index = self.table.columns.get(column)
        if index is None or index >= len(cells):
            return ""
        return cells[index]

    def money(self, cells: tuple[str, ...], column: str, line: Line, row: str) -> float | None:
        try:
            return parse_vnd(self.cell(cells, column))
        except MoneyFormatError as exc:
            raise self.error(str(exc), line.where, column, row) from None

    # -- rows ------------------------------------------------------------
    def feed(self, line: Line) -> None:
        cells = tuple(clean_cell(c) for c in line.cells)
        filled = [c for c in cells if c]
        if self.table.pending is not None:
            self.table.finish(cells, line, self.group)
            return
        if line.heading or len(filled) == 1:
            if filled and self.group is None:
                self.table.note_title(filled[0], line.where)
            found = heading_group(filled[0]) if filled else None
            if found:
                self.start_group(*found, line.where)
                return
            letter = unknown_group(filled[0]) if filled else None
            if letter:
                raise self.error(
                    f"unknown group letter {letter!r} in the heading {filled[0]!r}; "
                    "expected A, B, C or D (or E, the summary)",
                    line.where,
                )
            if line.heading:
                return
        if not any(cells) or self.group is None:
            return
        if column_of(filled[0]) == "number":
            self.table.read(cells, line, self.group)
            return
        if not self.table.columns:
            raise self.error("a table row before its header row (TT | Tên nhiệm vụ | …)", line.where)
        self.check_cells(cells, line)
        first = self.cell(cells, "number")
        if self.group == "E":
            self.read_summary(cells, line)
            return
        if _NUMBER.match(first):
            self.read_task(int(float(first)), cells, line)
        else:
            self.read_label_row(cells, line)

    def check_cells(self, cells: tuple[str, ...], line: Line) -> None:
        """Refuse a row that lost a cell or whose money cells are merged: never guess a cell."""
        number = self.cell(cells, "number")
        row = f"{self.group}{int(float(number))}" if _NUMBER.match(number) and self.group != "E" else None
        header_width = self.table.width
        width = row_width(cells)
        if line.complete and (len(cells) < header_width or width > max(header_width, 1)):
            fewer = len(cells) < header_width
            count, how, what = (len(cells), "fewer", "missing") if fewer else (width, "more", "added")
            raise self.error(
                f"the row has {count} cells, {how} than the {header_width} columns of its header "
                f"(a tab or a cell is {what}, so the cells after it would shift)",
                line.where,
                row=row,
            )
        for index, column in self.table.header:
            if index in line.covered and column in MONEY_COLUMNS and self.group is not None:
                raise self.error(
                    "a cell is merged across this money column; unmerge it so that every amount "
                    "stands in its own column",
                    line.where,
                    column,
                    row,
                )
        self.check_short_row(cells, line, row)

    def check_short_row(self, cells: tuple[str, ...], line: Line, row: str | None) -> None:
        """Refuse a sheet or Word task row that ends before its header's last money column.

        A spreadsheet or Word row does not show its trailing empty cells, so a row
        that lost a cell (deleted, the cells after it shifted left) is told by what
        is left empty: the document fills every amount of a task row (a zero as
        ``-``), and the last money column (``Dự kiến phân bổ``) is never optional.
        """
        if line.complete or row is None or self.group not in ("A", "B", "C", "D"):
            return
        money = [(index, column) for index, column in self.table.header if column in MONEY_COLUMNS]
        if not money:
            return
        index, column = max(money)
        if index < len(cells) and cells[index]:
            return
        where = line.cell(index) if line.cell is not None else f"column {index + 1}"
        raise self.error(
            f"{where} is empty, under the last amount column of its header: a task row fills every "
            "amount (a zero is written -), so a cell is missing and the cells after it have shifted, "
            "or the amount was left out; write 0 or - for a zero",
            line.where,
            column,
            row,
        )

    def start_group(self, group: str, announced: int | None, where: str) -> None:
        self.group = group
        self.announced[group] = announced
        self.heading_where.setdefault(group, where)
        self.table.columns = {}
        self.agency = None
        self.d_is_new = None

    def read_label_row(self, cells: tuple[str, ...], line: Line) -> None:
        label = self.cell(cells, "name")
        number = self.cell(cells, "number")
        assert self.group is not None
        if not label and number and not number[0].isdigit() and not _ROMAN.match(number.upper()):
            label, number = number, ""  # a label cell merged across TT and the name column
        if not label:
            return
        if cell_key(label) in _TOTALS:
            self.state("group", None, cells, line, position=0)
            return
        if number and not _ROMAN.match(number.upper()):
            raise self.error(
                f"expected a task number, a Roman numeral or nothing in TT, got {number!r}",
                line.where,
                "TT",
            )
        if self.group == "D":
            key = cell_key(label)
            if "chuyển tiếp" in key:
                self.d_is_new = False
                return
            if "đề xuất mới" in key or key.endswith("mới"):
                self.d_is_new = True
                return
            raise self.error(
                "expected a sub-heading of group D (Nhiệm vụ chuyển tiếp / Nhiệm vụ đề xuất mới) or TỔNG, "
                f"got {label!r}",
                line.where,
                "name",
            )
        self.agency = label
        position = self.agency_position.get(self.group, 0)
        self.agency_position[self.group] = position + 1
        self.members[(self.group, position)] = []
        self.state("agency", label, cells, line, position=position)

    def state(
        self, scope: str, agency: str | None, cells: tuple[str, ...], line: Line, position: int
    ) -> None:
        assert self.group is not None
        for column in MONEY_COLUMNS:
            if column not in self.table.columns:
                continue
            raw = self.cell(cells, column)
            value = self.money(cells, column, line, agency or f"TỔNG {self.group}")
            self.stated.append(
                StatedTotal(
                    scope=scope,  # type: ignore[arg-type]
                    group=self.group,
                    agency=agency,
                    column=column,
                    stated=value,
                    decimals=_decimals(raw),
                    position=position,
                    where=line.where,
                )
            )

    def read_task(self, number: int, cells: tuple[str, ...], line: Line) -> None:
        assert self.group is not None
        task_id = f"{self.group}{number}"
        if number < 1:
            raise self.error(f"expected a task number from 1, got {number}", line.where, "TT", task_id)
        if task_id in self.seen:
            raise self.error(
                f"task number {number} appears twice in group {self.group} (first at {self.seen[task_id]})",
                line.where,
                "TT",
                task_id,
            )
        self.seen[task_id] = line.where
        if self.group == "D":
            agency = self.cell(cells, "agency")
            if self.d_is_new is None:
                raise self.error(
                    "a group D task before its sub-heading (Nhiệm vụ chuyển tiếp / đề xuất mới)",
                    line.where,
                    row=task_id,
                )
            is_new = self.d_is_new
        else:
            # an agency column (as in group D, or a filled template) names the row's own agency
            agency = self.cell(cells, "agency") or self.agency or ""
            is_new = self.group == "C"
            if not agency:
                raise self.error("a task row before any agency row", line.where, "agency", task_id)
        period = self.cell(cells, "period")
        try:
            start, end, lease = parse_period(period)
        except ValueError as exc:
            raise self.error(str(exc), line.where, "period", task_id) from None
        values: dict[str, object] = {
            "id": task_id,
            "group": self.group,
            "agency": agency,
            "name": self.cell(cells, "name"),
            "period": period,
            "start_year": start,
            "end_year": end,
            "lease_years": lease,
            "funding_source": "investment" if self.group == "D" else "recurrent",
            "is_new": is_new,
        }
        for column in MONEY_COLUMNS:
            amount = self.money(cells, column, line, task_id)
            values[column] = 0.0 if amount is None else amount
        self.tasks.append(
            make_task(values, file=self.file, row=f"{task_id} ({line.where})", fields=_PERIOD_FIELDS)
        )
        if self.group != "D":
            position = self.agency_position.get(self.group, 0) - 1
            self.members.setdefault((self.group, position), []).append(task_id)

    def read_summary(self, cells: tuple[str, ...], line: Line) -> None:
        letter = fold(self.cell(cells, "group_letter")).strip().upper()
        if letter not in {"A", "B", "C", "D"}:
            return
        # In section E, C's request sits under "Nhu cầu kinh phí", which the task
        # tables call "approved"; both columns of E map to approved.
        for index, header_column in self.table.header:
            if header_column not in MONEY_COLUMNS or index >= len(cells):
                continue
            raw = cells[index]
            try:
                value = parse_vnd(raw)
            except MoneyFormatError as exc:
                raise self.error(str(exc), line.where, header_column, f"E {letter}") from None
            if value is None:
                continue
            self.stated.append(
                StatedTotal("summary", letter, None, header_column, value, _decimals(raw), 0, line.where)
            )


def parse_layout(lines: Iterable[Line], *, file: str, context: str = "") -> TaskList:
    """Turn a stream of document lines into tasks and stated subtotals.

    Parameters
    ----------
    lines
        Headings and table rows in document order.
    file
        The file name, for messages.
    context
        A remark added to the message when no task is found (the text reader
        says whether it found a ``Phụ lục 2`` heading).

    Returns
    -------
    TaskList
        The tasks, with :attr:`TaskList.stated` holding every subtotal the
        document states (agency rows, ``TỔNG`` rows, section E).

    Raises
    ------
    InputError
        If the layout breaks (no group heading, a row before its header) or a
        cell does not validate; the message names the file, the row and the field.
    """
    parser = _Parser(file)
    for line in lines:
        parser.feed(line)
    if parser.table.pending is not None:
        parser.table.finish((), Line((), "the end of the file", heading=True), parser.group)
    if not parser.tasks:
        if not parser.heading_where:
            found = "no group heading such as 'A. CÁC NHIỆM VỤ … (14 nhiệm vụ)'"
        elif not parser.table.seen:
            found = "group headings but no header row (TT | Tên nhiệm vụ | …) after them"
        else:
            found = "group headings and header rows but no numbered task row"
        remark = f" ({context})" if context else ""
        raise InputError(f"no task rows found: {found}{remark}", file=file)
    for group, announced in parser.announced.items():
        if announced is None or group == "E":
            continue
        found_rows = sum(1 for task in parser.tasks if task.group == group)
        if found_rows != announced:
            raise InputError(
                f"the heading of group {group} announces {announced} tasks but {found_rows} task rows "
                "follow it",
                file=file,
                row=parser.heading_where[group],
            )
    members = {key: tuple(ids) for key, ids in parser.members.items()}
    tasks = TaskList(
        tuple(parser.tasks),
        source=file,
        stated=tuple(parser.stated),
        members=members,
        plan_year=parser.table.plan_year(),
    )
    check_document(tasks)
    wrong = continuing_starts(tasks, parser.seen)
    if wrong is not None:
        raise wrong
    return tasks

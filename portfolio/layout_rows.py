"""Lay a set of tasks out as Phụ lục 2 does: headings, tables, subtotals, section E.

:func:`appendix_lines` turns tasks into :class:`LayoutRow` items in document
order, the same layout the readers parse (see :mod:`portfolio.readers.layout`),
so that anything written from these rows reads back to the same tasks. The
writers in :mod:`portfolio.writers` put the rows into ``.xlsx``, ``.docx`` or the
plan's text layout.

Every money figure shown is rounded to ``decimals`` with largest-remainder
rounding (:func:`portfolio.money.largest_remainder_round`), column by column
within each group, and every subtotal is the sum of the *shown* cells: an agency
row adds up to its shown task rows, a ``TỔNG`` row to its shown agency rows and
equals the exact column total rounded, and section E repeats the shown ``TỔNG``
rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from .layout_cells import ratio_cell, roman_numeral, round_units, sum_units, units_cell, vnd_text
from .layout_headers import (
    SUMMARY_TITLE,
    TITLE_LINES,
    UNIT_LINE,
    group_title,
    money_headers,
    optional_headers,
    title_lines,
)
from .money import format_vnd
from .tasks import GROUPS, StatedTotal, Task

__all__ = [
    "SUMMARY_TITLE",
    "TITLE_LINES",
    "UNIT_LINE",
    "LayoutRow",
    "RowKind",
    "appendix_lines",
    "group_title",
    "money_headers",
    "optional_headers",
    "title_lines",
    "vnd_text",
]

RowKind = Literal[
    "heading",
    "unit",
    "header",
    "agency",
    "subheading",
    "task",
    "total",
    "summary_header",
    "summary",
]

_ORDER = ("approved", "spent_before", "carried_over", "planned")
_RATIO_HEADER = "Tỷ lệ bố trí vốn"
_SUBHEADINGS = {False: "Nhiệm vụ chuyển tiếp", True: "Nhiệm vụ đề xuất mới"}
_SUMMARY_HEADERS = (
    "Stt",
    "Tên nhóm nhiệm vụ",
    "Dự toán được duyệt",
    "Nhu cầu kinh phí",
    "Dự kiến phân bổ kinh phí năm 2024",
)


@dataclass(frozen=True, slots=True)
class LayoutRow:
    """One row of the appendix as laid out for writing.

    Attributes
    ----------
    kind
        ``"heading"`` (a group heading), ``"unit"`` (``Đơn vị tính: Triệu đồng``),
        ``"header"`` (a table's column titles), ``"agency"`` (Roman numeral, agency,
        subtotals), ``"subheading"`` (group D's ``I Nhiệm vụ chuyển tiếp``),
        ``"task"``, ``"total"`` (``TỔNG``, and section E's ``A + B + C + D``),
        ``"summary_header"`` and ``"summary"`` (section E).
    cells
        The cells: text (``str``) or a money amount (``float``, number style
        ``"numeric"`` only). An empty cell is ``""``.
    group
        ``"A"`` … ``"D"``, or ``"E"`` for the summary.
    keys
        For a header row, what each column holds: the tidy money column
        (``approved``, ``planned``, …), ``extra0``, ``extra1`` … for
        ``extra_columns``, in section E ``approved_budget``/``approved_request``;
        ``""`` for a column of text. Empty for other rows.
    notes
        ``(cell index, text)`` where the document states a figure other than
        the one shown (the sum of the rows), e.g. an agency subtotal of 1.246
        over rows adding up to 1.245,5.
    """

    kind: RowKind
    cells: tuple[object, ...]
    group: str
    keys: tuple[str, ...] = ()
    notes: tuple[tuple[int, str], ...] = ()

    @property
    def bold(self) -> bool:
        """Whether the document sets the row in bold (headings, subtotals, totals)."""
        return self.kind in {"heading", "header", "agency", "subheading", "total", "summary_header"}


@dataclass
class _Column:
    key: str
    header: str
    units: list[int | None]


def _group_columns(
    group: str,
    tasks: Sequence[Task],
    decimals: int,
    extra_columns: Sequence[tuple[str, Mapping[str, float]]],
    year: int = 2024,
) -> list[_Column]:
    keys = dict(money_headers(year)[group])
    for key, header in optional_headers(year).items():
        if key not in keys and any(getattr(t, key) for t in tasks):
            keys[key] = header
    columns = [
        _Column(key, keys[key], round_units([getattr(t, key) for t in tasks], decimals))
        for key in _ORDER
        if key in keys
    ]
    for index, (name, mapping) in enumerate(extra_columns):
        values: list[float | None] = []
        for task in tasks:
            value = mapping.get(task.id)
            values.append(None if value is None or math.isnan(value) else float(value))
        columns.append(_Column(f"extra{index}", name, round_units(values, decimals)))
    return columns


def _blocks(group: str, tasks: Sequence[Task]) -> list[tuple[str, list[int]]]:
    """Consecutive runs of tasks under one agency row (A–C) or one sub-heading (D)."""
    blocks: list[tuple[str, list[int]]] = []
    for index, task in enumerate(tasks):
        label = _SUBHEADINGS[task.is_new] if group == "D" else task.agency
        if blocks and blocks[-1][0] == label:
            blocks[-1][1].append(index)
        else:
            blocks.append((label, [index]))
    return blocks


class _Stated:
    """The subtotals a document states, found by what they total (for the notes)."""

    def __init__(self, tasks: Sequence[Task], decimals: int) -> None:
        stated: tuple[StatedTotal, ...] = getattr(tasks, "stated", ())
        members: dict[tuple[str, int], tuple[str, ...]] = getattr(tasks, "members", {})
        self.decimals = decimals
        self.figures: dict[tuple[object, ...], float | None] = {}
        for item in stated:
            if item.scope == "agency":
                ids = frozenset(members.get((item.group, item.position), ()))
                self.figures[("agency", item.group, ids, item.column)] = item.stated
            else:
                self.figures[(item.scope, item.group, item.column)] = item.stated

    def note(self, key: tuple[object, ...], units: int | None) -> str | None:
        """The note for a shown subtotal the document states otherwise, or ``None``."""
        if key not in self.figures:
            return None
        stated = self.figures[key] or 0.0
        shown = 0.0 if units is None else units / 10**self.decimals
        if abs(stated - shown) < 0.5 * 10.0**-self.decimals:
            return None
        return (
            f"Văn bản ghi (the document states) {format_vnd(stated, 2).rstrip('0').rstrip(',')}; "
            f"tổng các dòng (the rows add up to) {vnd_text(shown)}"
        )


def _group_rows(
    group: str,
    tasks: Sequence[Task],
    decimals: int,
    extra_columns: Sequence[tuple[str, Mapping[str, float]]],
    number_style: str,
    stated: _Stated,
    year: int = 2024,
) -> tuple[list[LayoutRow], dict[str, int | None]]:
    columns = _group_columns(group, tasks, decimals, extra_columns, year)
    ratio = group == "C"
    lead = ("Stt", "Tên nhiệm vụ", "Đơn vị chủ trì") if group == "D" else ("TT", "Tên nhiệm vụ")
    headers = (
        *lead,
        "Thời gian thực hiện",
        *(c.header for c in columns[: len(columns) - len(extra_columns)]),
    )
    headers += (_RATIO_HEADER,) if ratio else ()
    headers += tuple(c.header for c in columns[len(columns) - len(extra_columns) :])
    n_money = len(columns) - len(extra_columns)
    keys = [""] * (len(headers) - len(columns) - ratio) + [c.key for c in columns]
    if ratio:
        keys.insert(len(headers) - len(extra_columns) - 1, "")
    index_of = {key: index for index, key in enumerate(keys) if key}

    def money(units: dict[str, int | None]) -> tuple[object, ...]:
        cells = [units_cell(units[c.key], decimals, number_style) for c in columns]
        if ratio:
            cells.insert(n_money, ratio_cell(units.get("planned"), units.get("approved")))
        return tuple(cells)

    def notes(scope: tuple[object, ...], units: dict[str, int | None]) -> tuple[tuple[int, str], ...]:
        if not stated.figures:
            return ()
        found = [(index_of[c.key], stated.note((*scope, c.key), units[c.key])) for c in columns]
        return tuple((index, text) for index, text in found if text is not None)

    title = group_title(group, year).upper()
    rows = [
        LayoutRow("heading", (f"{group}. {title} ({len(tasks):02d} nhiệm vụ)",), group),
        LayoutRow("unit", (UNIT_LINE,), group),
        LayoutRow("header", headers, group, keys=tuple(keys)),
    ]
    blank_agency = ("",) if group == "D" else ()
    for position, (label, members) in enumerate(_blocks(group, tasks)):
        numeral = roman_numeral(position + 1)
        if group == "D":
            empty = ("",) * (len(headers) - 2)
            rows.append(LayoutRow("subheading", (numeral, label, *empty), group))
        else:
            subtotal = {c.key: sum_units([c.units[i] for i in members]) for c in columns}
            scope = ("agency", group, frozenset(tasks[i].id for i in members) if stated.figures else None)
            cells = (numeral, label, "", *money(subtotal))
            rows.append(LayoutRow("agency", cells, group, notes=notes(scope, subtotal)))
        for i in members:
            task = tasks[i]
            agency = (task.agency,) if group == "D" else ()
            units = {c.key: c.units[i] for c in columns}
            number = task.id[1:]
            rows.append(LayoutRow("task", (number, task.name, *agency, task.period, *money(units)), group))
    totals = {c.key: sum_units(c.units) for c in columns}
    cells = ("", "TỔNG", *blank_agency, "", *money(totals))
    rows.append(LayoutRow("total", cells, group, notes=notes(("group", group), totals)))
    return rows, totals


def _summary_rows(
    totals: dict[str, dict[str, int | None]],
    decimals: int,
    extra_names: Sequence[str],
    number_style: str,
    stated: _Stated,
    year: int = 2024,
) -> list[LayoutRow]:
    headers = (*_SUMMARY_HEADERS[:-1], f"Dự kiến phân bổ kinh phí năm {year}", *extra_names, "Ghi chú")
    keys = ["approved_budget", "approved_request", "planned"]
    keys += [f"extra{i}" for i in range(len(extra_names))]
    rows = [
        LayoutRow("heading", (f"E. {SUMMARY_TITLE}",), "E"),
        LayoutRow("unit", (UNIT_LINE,), "E"),
        LayoutRow("summary_header", headers, "E", keys=("", "", *keys, "")),
    ]
    tidy = {"approved_budget": "approved", "approved_request": "approved"}
    sums: dict[str, list[int | None]] = {key: [] for key in keys}
    for number, (group, group_totals) in enumerate(totals.items(), start=1):
        values = {
            "approved_budget": None if group == "C" else group_totals.get("approved"),
            "approved_request": group_totals.get("approved") if group == "C" else None,
            **{key: group_totals.get(key) for key in keys[2:]},
        }
        for key in keys:
            sums[key].append(values[key])
        cells = tuple(units_cell(values[key], decimals, number_style) for key in keys)
        found = [
            (2 + k, stated.note(("summary", group, tidy.get(key, key)), values[key]))
            for k, key in enumerate(keys)
        ]
        notes = tuple((i, text) for i, text in found if text is not None and values[keys[i - 2]] is not None)
        rows.append(LayoutRow("summary", (str(number), group, *cells, ""), "E", notes=notes))
    label = " + ".join(totals)
    cells = tuple(units_cell(sum_units(sums[key]), decimals, number_style) for key in keys)
    rows.append(LayoutRow("total", ("", label, *cells, ""), "E"))
    return rows


def appendix_lines(
    tasks: Sequence[Task],
    *,
    decimals: int = 2,
    extra_columns: Sequence[tuple[str, Mapping[str, float]]] = (),
    number_style: Literal["text", "numeric"] = "numeric",
    year: int | None = None,
) -> list[LayoutRow]:
    """Lay tasks out as Phụ lục 2: one table per group, subtotals, section E.

    Parameters
    ----------
    tasks
        Tasks in document order (a :class:`~portfolio.tasks.TaskList` or any
        sequence). Groups are laid out A, B, C, D; within a group the tasks keep
        their order, consecutive tasks of one agency share an agency row, and a
        task's number is the digits of its id.
    decimals
        Digits shown after the decimal comma. ``2`` shows every figure of the
        document exactly; ``0`` shows whole million VND.
    extra_columns
        ``(header, {task id: amount})`` pairs appended to every task table, with
        subtotals and a column in section E (e.g. ``("Phân bổ tối ưu", x)``,
        ``("Chênh lệch", d)``). Tasks missing from a mapping get an empty cell.
    number_style
        ``"numeric"``: money cells are floats (for a spreadsheet);
        ``"text"``: Vietnamese text (``1.158.731``, ``329,7``, ``-`` for zero).
    year
        The plan year the headers name (``Dự kiến phân bổ kinh phí năm 2025``,
        ``Chuyển nguồn từ 2024 sang 2025``); by default the task list's
        ``plan_year``, else 2024.

    Returns
    -------
    list of LayoutRow
        Headings, unit lines, header rows, agency/sub-heading rows, task rows,
        ``TỔNG`` rows, then section E.

    Raises
    ------
    ValueError
        If ``decimals`` is negative or ``number_style`` unknown.

    Examples
    --------
    >>> from portfolio.readers import read_appendix
    >>> rows = appendix_lines(read_appendix(), number_style="text")
    >>> rows[0].cells[0]
    'A. CÁC NHIỆM VỤ TRIỂN KHAI THƯỜNG XUYÊN HÀNG NĂM (14 nhiệm vụ)'
    >>> [r.cells for r in rows if r.kind == "total" and r.group == "B"]
    [('', 'TỔNG', '', '1.158.730', '129.620,3', '71.659,75', '274.070')]
    >>> whole = appendix_lines(read_appendix(), decimals=0, number_style="text")
    >>> [r.cells for r in whole if r.kind == "total" and r.group == "B"]
    [('', 'TỔNG', '', '1.158.730', '129.620', '71.660', '274.070')]
    """
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, got {decimals}")
    if number_style not in ("text", "numeric"):
        raise ValueError(f"number_style must be 'text' or 'numeric', got {number_style!r}")
    if year is None:
        year = getattr(tasks, "plan_year", None) or 2024
    rows: list[LayoutRow] = []
    totals: dict[str, dict[str, int | None]] = {}
    stated = _Stated(tasks, decimals)
    for group in GROUPS:
        members = [task for task in tasks if task.group == group]
        if not members:
            continue
        group_rows, totals[group] = _group_rows(
            group, members, decimals, extra_columns, number_style, stated, year
        )
        rows.extend(group_rows)
    if totals:
        names = [name for name, _ in extra_columns]
        rows.extend(_summary_rows(totals, decimals, names, number_style, stated, year))
    return rows

"""The working paper's own sheets beside the appendix: Tổng hợp, Kế hoạch N năm, Kịch bản.

Each builder returns a :class:`~portfolio.sheets.Sheet` for
:func:`portfolio.workbook.write_workbook`. Amounts come in already rounded for
display by the caller (:func:`portfolio.shown_amounts.rounded_table`, to the
cent of a million by default), so every subtotal is a ``=SUM()`` of the rows
above it and shows the sum of what they show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .money import format_vnd, largest_remainder_round
from .sheets import Cell, Formula, Percent, Sheet, cell_ref, sum_formula
from .tasks import GROUP_TITLES, TaskList

if TYPE_CHECKING:
    import pandas as pd

    from .model.allocation import Allocation
    from .model.options import Options

__all__ = [
    "DIFFERENCE_HEADER",
    "changed_options",
    "OPTIMIZED_HEADER",
    "SOURCE_LABELS",
    "TOTAL_LABEL",
    "envelope_order",
    "plan_sheet",
    "plan_sheet_title",
    "scenario_sheet",
    "source_label",
    "summary_sheet",
    "tier_label",
]

OPTIMIZED_HEADER = "Phân bổ tối ưu (optimized)"
DIFFERENCE_HEADER = "Chênh lệch (difference)"
SOURCE_LABELS = {"recurrent": "Chi thường xuyên (recurrent)", "investment": "Đầu tư công (investment)"}
TOTAL_LABEL = "TỔNG (total)"
_TIER_LABELS = {1: "Cam kết (commitments)", 2: "Hoàn thành trong năm (finishing)"}
_TIER_LABELS |= {3: "Chuyển tiếp (continuing)", 4: "Khởi công mới (new)"}
_STATED = {"rule", "plan_year", "years"}  # options the scenario sheet states in its own rows
_ENVELOPE_HEADS = ["Hạn mức (envelope)", "Đã phân bổ (allocated)", "Chưa phân bổ (unspent)"]
_SHOWN = ["demand", "planned", "allocated", "difference"]
_UNIT = "Đơn vị tính: triệu đồng (million VND)"


def tier_label(tier: int, *, short: bool = False) -> str:
    """Vietnamese label of a tier with English in parentheses.

    Examples
    --------
    >>> tier_label(3)
    'Thứ bậc 3 (tier 3): Chuyển tiếp (continuing)'
    >>> tier_label(3, short=True), tier_label(7, short=True)
    ('Chuyển tiếp (continuing)', 'Thứ bậc 7 (tier 7)')
    """
    head = f"Thứ bậc {tier} (tier {tier})"
    name = _TIER_LABELS.get(int(tier))
    if short:
        return name or head
    return f"{head}: {name}" if name else head


def plan_sheet_title(years: int) -> str:
    """Title of the multi-year sheet: ``Kế hoạch 3 năm`` for a 3-year plan."""
    return f"Kế hoạch {years} năm"


def source_label(source: str) -> str:
    """``Chi thường xuyên (recurrent)`` for ``recurrent``; an unknown source as it is."""
    return SOURCE_LABELS.get(source, source)


def envelope_order(source: str, year: int, tier: int = 0) -> tuple[int, int, int]:
    """Sort key: year, then the sources in :data:`SOURCE_LABELS` order, then tier."""
    return year, list(SOURCE_LABELS).index(source) if source in SOURCE_LABELS else 9, tier


def _coverage(frame: pd.DataFrame) -> Cell:
    """Exact coverage of a slice of the allocation's table, as a percentage cell."""
    demand = float(frame["demand"].sum())
    return Percent(float(frame["allocated"].sum()) / demand) if demand > 0 else ""


def _sums(columns: range, rows: list[int], values: Any) -> list[Cell]:
    return [sum_formula(c, rows, float(v)) for c, v in zip(columns, values, strict=True)]


def summary_sheet(allocation: Allocation, shown: pd.DataFrame, tiers: pd.DataFrame) -> Sheet:
    """``Tổng hợp``: per funding source and tier, then per group (the groups' TỔNG rows).

    ``shown`` holds the task rows as displayed (``year``, ``id``, ``group``,
    ``funding_source`` and the :data:`_SHOWN` amounts); ``tiers`` the per-tier
    rows as displayed, in envelope order.
    """
    multi = len(allocation.years) > 1
    heads = ["Nhu cầu (demand)", f"Dự kiến phân bổ {allocation.years[0]} (planned)", OPTIMIZED_HEADER]
    heads += [DIFFERENCE_HEADER, "Mức đáp ứng (coverage)"]
    lead = ["Năm (year)"] if multi else []
    sheet = Sheet("Tổng hợp")
    sheet.add(["Tổng hợp phân bổ (allocation summary)"], "title")
    sheet.add([f"Quy tắc (rule): {allocation.rule}. {_UNIT}"], "note")
    sheet.blank()
    sheet.add(["Theo nguồn vốn và thứ bậc (by funding source and tier)"], "heading")
    sheet.add_header(
        [*lead, "Nguồn vốn (funding source)", "Thứ bậc (tier)", "Tên thứ bậc (tier name)", *heads]
    )
    money = range(len(lead) + 3, len(lead) + 7)

    def year_cell(year: int) -> list[Cell]:
        return [str(year)] if multi else []

    for year in allocation.years:
        of_year = tiers["year"] == year
        in_year = allocation.year_table(year)
        subtotals = []
        for source in dict.fromkeys(tiers.loc[of_year, "funding_source"].tolist()):
            mask = of_year & (tiers["funding_source"] == source)
            in_source = in_year[in_year["funding_source"] == source]
            rows = []
            for _, row in tiers[mask].iterrows():
                tier = int(row["tier"])
                label = [source_label(source), str(tier), tier_label(tier, short=True)]
                cells = [float(row[c]) for c in _SHOWN]
                coverage = _coverage(in_source[in_source["tier"] == tier])
                rows.append(sheet.add([*year_cell(year), *label, *cells, coverage]))
            label = [f"Cộng (subtotal): {source_label(source)}", "", ""]
            sums = _sums(money, rows, tiers.loc[mask, _SHOWN].sum())
            subtotals.append(sheet.add([*year_cell(year), *label, *sums, _coverage(in_source)], "subtotal"))
        sums = _sums(money, subtotals, tiers.loc[of_year, _SHOWN].sum())
        sheet.add([*year_cell(year), TOTAL_LABEL, "", "", *sums, _coverage(in_year)], "total")
    sheet.blank()
    sheet.add(["Theo nhóm nhiệm vụ (by task group): the TỔNG rows of the group sheets"], "heading")
    sheet.add(
        [*lead, "Nguồn vốn (funding source)", "Nhóm (group)", "Tên nhóm (group name)", *heads], "header"
    )
    for year in allocation.years:
        of_year = shown[shown["year"] == year]
        in_year = allocation.year_table(year)
        rows = []
        for group in dict.fromkeys(of_year["group"].tolist()):
            members = of_year[of_year["group"] == group]
            source = str(members["funding_source"].iloc[0])
            label = [source_label(source), str(group), GROUP_TITLES.get(str(group), "")]
            cells = [float(v) for v in members[_SHOWN].sum()]
            coverage = _coverage(in_year[in_year["group"] == group])
            rows.append(sheet.add([*year_cell(year), *label, *cells, coverage]))
        sums = _sums(money, rows, of_year[_SHOWN].sum())
        sheet.add([*year_cell(year), TOTAL_LABEL, "", "", *sums, _coverage(in_year)], "total")
    _pillar_section(sheet, allocation, shown, money)
    return sheet


def _pillar_section(sheet: Sheet, allocation: Allocation, shown: pd.DataFrame, money: range) -> None:
    """The pillars of Nghị quyết 03-NQ/TU (:func:`portfolio.pillar_views.summary_rows`), totals as sums."""
    from .pillar_views import summary_rows

    rows: list[int] = []
    for row in summary_rows(allocation, shown, 2):
        cells: list[Cell] = list(row)
        for column in range(money.stop, len(cells)):  # percentages, given as 44.3
            value = cells[column]
            if isinstance(value, float | int) and not isinstance(value, bool):
                cells[column] = Percent(float(value) / 100.0)
        if not cells:
            sheet.blank()
        elif len(cells) == 1:
            sheet.add(cells, "heading")
        elif any(str(c).startswith("Nhu cầu") for c in cells):
            sheet.add(cells, "header")
            rows = []
        elif TOTAL_LABEL in cells:
            for column in money:
                cells[column] = sum_formula(column, rows, float(row[column]))
            sheet.add(cells, "total")
            rows = []
        else:
            rows.append(sheet.add(cells))


def plan_sheet(allocation: Allocation, shown: pd.DataFrame, tasks: TaskList) -> Sheet:
    """``Kế hoạch N năm``: each task's amount per year and its total; group subtotals, TỔNG."""
    years = allocation.years
    wide = shown.pivot(index="id", columns="year", values="allocated").reindex(list(tasks.ids))
    title = f"{plan_sheet_title(len(years))} (multi-year plan) {years[0]}–{years[-1]}"
    sheet = Sheet(plan_sheet_title(len(years)))
    sheet.add([title], "title")
    sheet.add([_UNIT], "note")
    header = ["Mã (id)", "Nhóm (group)", "Đơn vị chủ trì (agency)", "Tên nhiệm vụ (task)"]
    sheet.add_header([*header, *[f"Phân bổ {year} (allocated)" for year in years], "Cộng (total)"])
    first, last = len(header), len(header) + len(years) - 1
    columns = range(first, last + 2)

    def row_total(number: int, values: list[float]) -> Formula:
        span = f"{cell_ref(number, first)}:{cell_ref(number, last)}"
        return Formula(f"=SUM({span})", float(np.sum(values)))

    subtotals = []
    for group in dict.fromkeys(task.group for task in tasks):
        ids = [task.id for task in tasks if task.group == group]
        rows = []
        for task_id in ids:
            task = tasks[task_id]
            values = [float(wide.loc[task_id, year]) for year in years]
            number = len(sheet.rows)
            rows.append(
                sheet.add([task.id, group, task.agency, task.name, *values, row_total(number, values)])
            )
        sums = [*wide.loc[ids].sum().tolist(), float(wide.loc[ids].to_numpy().sum())]
        label = ["", group, f"Cộng nhóm {group} (group subtotal)", ""]
        subtotals.append(sheet.add([*label, *_sums(columns, rows, sums)], "subtotal"))
    sums = [*wide.sum().tolist(), float(wide.to_numpy().sum())]
    sheet.add(["", "", TOTAL_LABEL, "", *_sums(columns, subtotals, sums)], "total")
    return sheet


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{key} = {_describe(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_describe(item) for item in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def changed_options(options: Options) -> list[tuple[str, str]]:
    """``(name, value)`` of each option other than its default (rule, plan year, years aside)."""
    defaults = {n: f.get_default(call_default_factory=True) for n, f in type(options).model_fields.items()}
    changed = [(n, v) for n, v in options if n not in _STATED and v != defaults[n]]
    return [(n, _committed(v) if n == "committed" else _describe(v)) for n, v in changed]


def _committed(amounts: dict[str, float]) -> str:
    """Round 1 in one line (each task's amount is in the group sheets' đợt 1 column)."""
    total = format_vnd(float(sum(amounts.values())), 2)
    return f"đợt 1 (round 1): {len(amounts)} nhiệm vụ (tasks), {total} triệu đồng (million VND)"


def scenario_sheet(
    allocation: Allocation,
    shown: pd.DataFrame,
    decimals: int,
    title: str = "Kịch bản",
    *,
    into: Sheet | None = None,
    lang: str | None = None,
) -> Sheet:
    """``Kịch bản``: rule, status, plan year, envelopes (spent, unspent), non-default options, levels.

    With ``into``, the rows are appended to that sheet (below a scenario's table).
    The notes per task are in ``lang`` (by default the allocation's own, else English).
    """
    options = allocation.options
    sheet = Sheet(title) if into is None else into
    sheet.add([f"Kịch bản (scenario){'' if into is None else ': ' + title}"], "title")
    for label, value in (
        ("Quy tắc phân bổ (rule)", allocation.rule),
        ("Trạng thái (status)", allocation.status),
        ("Năm kế hoạch (plan year)", str(options.plan_year)),
        ("Số năm (years)", str(options.years)),
        ("Số nhiệm vụ (tasks)", str(shown["id"].nunique())),
    ):
        sheet.add([label, value], "plain")
    sheet.blank()
    sheet.add([f"Hạn mức (envelopes). {_UNIT}"], "heading")
    sheet.add(["Nguồn vốn (funding source)", "Năm (year)", *_ENVELOPE_HEADS], "header")
    for (source, year), amount in sorted(allocation.envelopes.items(), key=lambda k: envelope_order(*k[0])):
        mask = (shown["year"] == year) & (shown["funding_source"] == source)
        spent = float(shown.loc[mask, "allocated"].sum())
        envelope = float(largest_remainder_round([amount], decimals)[0])
        number = len(sheet.rows)
        unspent = Formula(f"={cell_ref(number, 2)}-{cell_ref(number, 3)}", envelope - spent)
        sheet.add([source_label(source), str(year), envelope, spent, unspent])
    sheet.blank()
    sheet.add(["Tùy chọn khác mặc định (non-default options)"], "heading")
    changed = [[n, v] for n, v in changed_options(options)]
    for cells in changed or [["Không có (none)"]]:
        sheet.add(cells, "plain")
    sheet.blank()
    sheet.add(["Mức đạt được theo thứ bậc (level reached per tier)"], "heading")
    sheet.add(["Nguồn vốn (funding source)", "Năm (year)", "Thứ bậc (tier)", "Mức (level)"], "header")
    for (source, year, tier), level in sorted(allocation.levels.items(), key=lambda k: envelope_order(*k[0])):
        sheet.add([source_label(source), str(year), str(tier), Percent(float(level))])
    notes = [[task_id, "; ".join(items)] for task_id, items in allocation.notes_in(lang).items() if items]
    if notes:
        sheet.blank()
        sheet.add(["Ghi chú theo nhiệm vụ (notes per task)"], "heading")
        for cells in notes:
            sheet.add(cells, "plain")
    return sheet

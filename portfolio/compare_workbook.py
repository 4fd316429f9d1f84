"""The ``compare`` workbook, in the house style of the allocation's working paper.

Sheets, all with Vietnamese headers (English in parentheses), amounts to the cent
of a million as each scenario's working paper shows them
(:func:`portfolio.shown_amounts.shown_tasks`), totals as ``=SUM()`` and differences as
formulas, every formula stored with its value:

- ``So sánh``: one row per task with its id, group, agency and name; the
  document's Dự kiến phân bổ, each scenario's allocation, each scenario's
  difference against the document and against the first scenario;
- ``Theo đơn vị``, ``Theo nhóm``, ``Theo thứ bậc``, ``Theo trụ cột``: the same by
  agency (one canonical name each), by group, by funding source and tier and by
  pillar of Nghị quyết 03-NQ/TU;
- ``Kịch bản``: each scenario's rule, status, envelopes and options, and the
  reason of each scenario that failed;
- one sheet per scenario in the Phụ lục 2 layout, its envelopes and options
  below it.

Written by :func:`portfolio.workbook.write_workbook`: a scenario or agency named
``=HYPERLINK(...)`` stays text, and the bytes are reproducible.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .export import DIFFERENCE_HEADER, OPTIMIZED_HEADER, with_stated_totals
from .model.options import normalize_name
from .paper_sheets import TOTAL_LABEL, changed_options, scenario_sheet, source_label, tier_label
from .sheets import Cell, Formula, Sheet, cell_ref, sheet_title, sum_formula
from .shown_amounts import shown_tasks
from .tasks import GROUP_TITLES, TaskList
from .workbook import write_workbook

if TYPE_CHECKING:
    from .comparison import Comparison

__all__ = ["comparison_sheets", "write_comparison"]

PLANNED_HEADER = "Dự kiến phân bổ (planned, văn bản)"
_UNIT = "Đơn vị tính: triệu đồng (million VND)"
_DECIMALS = 2
_OWN = {"So sánh", "Theo đơn vị", "Theo nhóm", "Theo thứ bậc", "Theo trụ cột", "Kịch bản"}


def _tasks(comparison: Comparison, tasks: TaskList | None) -> TaskList | None:
    if tasks is not None:
        return tasks
    return next((a.tasks for a in comparison.allocations.values()), None)


def _shown(comparison: Comparison, task_list: TaskList | None) -> pd.DataFrame:
    """Per task: group, agency, name, source, tier, planned, and each scenario as shown."""
    ids = [str(i) for i in comparison.per_task.index if str(i) != "TỔNG" and i != ("TỔNG", "")]
    frame = pd.DataFrame(index=pd.Index(ids, name="id"))
    by_id = {t.id: t for t in task_list} if task_list is not None else {}
    frame["group"] = [by_id[i].group if i in by_id else i[:1] for i in ids]
    frame["agency"] = [by_id[i].agency if i in by_id else "" for i in ids]
    frame["name"] = [by_id[i].name if i in by_id else "" for i in ids]
    frame["funding_source"] = [by_id[i].funding_source if i in by_id else "" for i in ids]
    frame["pillar"] = [getattr(by_id[i], "pillar", "") if i in by_id else "" for i in ids]
    frame["tier"] = 0
    frame["planned"] = comparison.per_task["planned"].reindex(ids).astype(float)
    for name in comparison.per_task.columns[1:]:
        allocation = comparison.allocations.get(str(name))
        if allocation is None or task_list is None:
            frame[str(name)] = float("nan")
            continue
        shown = shown_tasks(allocation, task_list, _DECIMALS)
        first = shown[shown["year"] == allocation.years[0]].set_index("id")
        frame[str(name)] = first["allocated"].reindex(ids).astype(float)
        frame["tier"] = allocation.year_table()["tier"].reindex(ids).fillna(0).astype(int)
    return frame


def _table(
    title: str, heads: list[str], keys: list[list[Cell]], values: pd.DataFrame, names: list[str]
) -> Sheet:
    """A table: key columns, planned, each scenario, differences (formulas), a TỔNG row of sums."""
    sheet = Sheet(title)
    sheet.add([f"So sánh các kịch bản (scenarios compared): {title}"], "title")
    sheet.add([_UNIT], "note")
    first = len(heads)
    ok = [n for n in names if values[n].notna().any()]
    against_doc = [f"{n} − văn bản (difference from the document)" for n in ok]
    against_first = [f"{n} − {ok[0]}" for n in ok[1:]]
    sheet.add_header([*heads, PLANNED_HEADER, *names, *against_doc, *against_first])
    column = {name: first + 1 + k for k, name in enumerate(names)}
    rows = []
    for key, (_, row) in zip(keys, values.iterrows(), strict=True):
        number = len(sheet.rows)
        amounts: list[Cell] = [float(row["planned"])]
        amounts += [None if pd.isna(row[n]) else float(row[n]) for n in names]
        diffs: list[Cell] = []
        for name in ok:
            value = float(row[name]) - float(row["planned"])
            diffs.append(Formula(f"={cell_ref(number, column[name])}-{cell_ref(number, first)}", value))
        for name in ok[1:]:
            value = float(row[name]) - float(row[ok[0]])
            where = f"={cell_ref(number, column[name])}-{cell_ref(number, column[ok[0]])}"
            diffs.append(Formula(where, value))
        rows.append(sheet.add([*key, *amounts, *diffs]))
    width = 1 + len(names) + len(against_doc) + len(against_first)
    totals: list[Cell] = []
    for offset in range(width):
        cells = [sheet.rows[r][1][first + offset] for r in rows]
        numbers = [c.value if isinstance(c, Formula) else c for c in cells]
        present = [float(v) for v in numbers if isinstance(v, float | int)]
        totals.append(sum_formula(first + offset, rows, sum(present)) if present and rows else None)
    label: list[Cell] = [TOTAL_LABEL, *[""] * (first - 1)]
    sheet.add([*label, *totals], "total")
    return sheet


def _grouped(frame: pd.DataFrame, by: list[str], amounts: list[str]) -> pd.DataFrame:
    """Sums of the shown amounts per key, keys in first-seen order (NaN stays NaN)."""
    return frame.groupby(by, sort=False)[amounts].sum(min_count=1)


def _overview(comparison: Comparison) -> Sheet:
    sheet = Sheet("Kịch bản")
    sheet.add(["Các kịch bản (scenarios): hạn mức và tùy chọn (envelopes and options)"], "title")
    sheet.add([_UNIT], "note")
    sources = list(comparison.envelopes.index)
    heads = ["Kịch bản (scenario)", "Quy tắc (rule)", "Trạng thái (status)"]
    envelope_heads = [f"Hạn mức {source_label(str(s))}" for s in sources]
    sheet.add_header(
        [*heads, *envelope_heads, "Tùy chọn khác mặc định (non-default options)", "Ghi chú (notes)"]
    )
    for name in comparison.envelopes.columns:
        allocation = comparison.allocations.get(str(name))
        envelopes: list[Cell] = []
        for source in sources:
            value = comparison.envelopes.loc[source, name]
            envelopes.append(None if pd.isna(value) else float(value))
        if allocation is None:
            reason = comparison.failed.get(str(name), "")
            sheet.add([str(name), "", "không khả thi (failed)", *envelopes, "", reason])
        else:
            options = "; ".join(f"{n} = {v}" for n, v in changed_options(allocation.options)) or "-"
            sheet.add([str(name), allocation.rule, allocation.status, *envelopes, options, ""])
    return sheet


def comparison_sheets(comparison: Comparison, tasks: TaskList | None = None) -> list[Sheet]:
    """The sheets of the ``compare`` workbook (see the module notes)."""
    from .layout_rows import appendix_lines
    from .layout_workbook import layout_sheets

    task_list = _tasks(comparison, tasks)
    frame = _shown(comparison, task_list)
    names = [str(n) for n in comparison.per_task.columns[1:]]
    amounts = ["planned", *names]
    sheets = []
    heads = ["Mã (id)", "Nhóm (group)", "Đơn vị chủ trì (agency)", "Tên nhiệm vụ (task)"]
    keys = [[i, row["group"], row["agency"], row["name"]] for i, row in frame.iterrows()]
    sheets.append(_table("So sánh", heads, keys, frame[amounts], names))
    frame["agency_key"] = [normalize_name(a) for a in frame["agency"]]
    spelling = frame.drop_duplicates("agency_key").set_index("agency_key")["agency"]
    agencies = _grouped(frame, ["agency_key"], amounts)
    keys = [[spelling[k]] for k in agencies.index]
    sheets.append(_table("Theo đơn vị", ["Đơn vị chủ trì (agency)"], keys, agencies, names))
    groups = _grouped(frame, ["group"], amounts)
    keys = [[g, GROUP_TITLES.get(str(g), "")] for g in groups.index]
    sheets.append(_table("Theo nhóm", ["Nhóm (group)", "Tên nhóm (group name)"], keys, groups, names))
    tiers = _grouped(frame, ["funding_source", "tier"], amounts)
    keys = [[source_label(str(s)), f"{t} – {tier_label(int(t), short=True)}"] for s, t in tiers.index]
    sheets.append(
        _table("Theo thứ bậc", ["Nguồn vốn (funding source)", "Thứ bậc (tier)"], keys, tiers, names)
    )
    pillars = _grouped(frame, ["pillar"], amounts)
    keys = [[str(p)] for p in pillars.index]
    sheets.append(_table("Theo trụ cột", ["Trụ cột (pillar)"], keys, pillars, names))
    sheets.append(_overview(comparison))
    if task_list is None:
        return sheets
    document = with_stated_totals(task_list)
    taken = list(_OWN)
    for name, allocation in comparison.allocations.items():
        shown = shown_tasks(allocation, task_list, _DECIMALS)
        first = shown[shown["year"] == allocation.years[0]].set_index("id")
        extra = [
            (OPTIMIZED_HEADER, first["allocated"].to_dict()),
            (DIFFERENCE_HEADER, first["difference"].to_dict()),
        ]
        rows = appendix_lines(document, decimals=_DECIMALS, extra_columns=extra)
        derived = {"extra1": ("extra0", "planned")}
        (sheet,) = list(
            layout_sheets(rows, sheet_per_group=False, derived=derived, year=allocation.plan_year)
        )
        sheet.title = sheet_title(name, taken)
        taken.append(sheet.title)
        sheet.blank()
        scenario_sheet(allocation, shown, _DECIMALS, str(name), into=sheet)
        sheets.append(sheet)
    return sheets


def write_comparison(
    comparison: Comparison, path: str | Path, tasks: TaskList | None = None, *, lang: str = "en"
) -> None:
    """Write the ``compare`` workbook (atomic, reproducible; see the module notes).

    Parameters
    ----------
    comparison
        From :func:`portfolio.compare`.
    path
        The ``.xlsx`` file.
    tasks
        The appendix the scenarios ran on; by default the tasks of the first
        scenario that did not fail (without any, the task sheet has no names).
    lang
        ``"vi"`` drops the English glosses of the labels (not from names).
    """
    from .language import check_lang, vietnamese_sheets

    sheets = comparison_sheets(comparison, tasks)
    if check_lang(lang) == "vi":
        names = {str(n) for n in comparison.allocations}
        for allocation in comparison.allocations.values():
            names |= {text for task in allocation.tasks for text in (task.name, task.agency)}
        sheets = list(vietnamese_sheets(sheets, names))
    write_workbook(sheets, Path(path), title="So sánh các kịch bản")

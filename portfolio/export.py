"""Export an :class:`~portfolio.model.Allocation`: a workbook laid out like Phụ lục 2, CSV tables.

:func:`allocation_to_excel` writes the appendix's group tables (sheets ``A`` …
``D`` and the summary ``E``) with two more columns, the optimized allocation and
its difference from the document's, then a summary sheet (``Tổng hợp``), for a
multi-year plan a sheet ``Kế hoạch N năm``, and the scenario (``Kịch bản``).

Display rounding. Money is shown at ``decimals`` digits with largest-remainder
rounding (:func:`portfolio.money.largest_remainder_round`) applied top down:
each envelope's (source and year) spent total is its exact total rounded
half-up, each group's share is largest-remainder rounded to add up to it, and
each task's share to its group's. Every subtotal and total on every sheet is the
sum of the rows it totals as shown, and a group's ``TỔNG`` on its sheet is the
same figure as on the summary sheet. A shown difference is the shown allocation
minus the shown planned amount, so it too adds up, row by row and down the
columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .money import largest_remainder_round
from .tasks import GROUP_TITLES, TaskList

if TYPE_CHECKING:
    import pandas as pd

    from .model.allocation import Allocation

__all__ = [
    "DIFFERENCE_HEADER",
    "OPTIMIZED_HEADER",
    "SCENARIO_SHEET",
    "SOURCE_LABELS",
    "SUMMARY_SHEET",
    "allocation_to_excel",
    "plan_sheet_title",
    "rounded_table",
    "tables_to_csv",
    "tier_label",
]

OPTIMIZED_HEADER = "Phân bổ tối ưu (optimized)"
DIFFERENCE_HEADER = "Chênh lệch (difference)"
SUMMARY_SHEET = "Tổng hợp"
SCENARIO_SHEET = "Kịch bản"
SOURCE_LABELS = {
    "recurrent": "Chi thường xuyên (recurrent)",
    "investment": "Đầu tư công (investment)",
}
_TIER_LABELS = {
    1: "Cam kết (commitments)",
    2: "Hoàn thành trong năm (finishing)",
    3: "Chuyển tiếp (continuing)",
    4: "Khởi công mới (new)",
}
_MONEY = ["demand", "planned", "allocated"]


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


# -- display rounding -------------------------------------------------------------


def _round_tree(
    values: np.ndarray, levels: Sequence[np.ndarray], decimals: int, total: float | None
) -> np.ndarray:
    """Largest-remainder rounding down a tree of groups (``levels``, outermost first).

    With ``total=None`` each outermost group shows its own exact total rounded
    half-up; below it every group's share is rounded to add up to its parent's.
    """
    if not levels:
        return largest_remainder_round(values, decimals, total)
    labels = levels[0]
    keys = list(dict.fromkeys(labels.tolist()))
    masks = [labels == key for key in keys]
    sums = [float(values[mask].sum()) for mask in masks]
    if total is None:
        shares = [float(largest_remainder_round([s], decimals)[0]) for s in sums]
    else:
        shares = largest_remainder_round(sums, decimals, total).tolist()
    out = np.zeros(len(values), dtype=float)
    for mask, share in zip(masks, shares, strict=True):
        out[mask] = _round_tree(
            values[mask], [level[mask] for level in levels[1:]], decimals, share
        )
    return out


def rounded_table(
    frame: pd.DataFrame,
    columns: Sequence[str],
    group_keys: Sequence[str] = (),
    decimals: int = 0,
) -> pd.DataFrame:
    """Return a display copy of ``frame`` whose money columns add up within each group.

    Parameters
    ----------
    frame
        Any table; rows keep their order.
    columns
        The columns to round (missing values stay missing).
    group_keys
        Columns or index levels defining the groups; none makes the whole table
        one group.
    decimals
        Digits after the decimal mark.

    Returns
    -------
    pandas.DataFrame
        A copy in which, for each column, the rows of a group are
        largest-remainder rounded so that they add up to the group's exact
        total rounded half-up; each row differs from its exact value by less
        than one display unit.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"g": ["x", "x", "x", "y"], "v": [0.4, 0.4, 0.2, 2.5]})
    >>> rounded_table(frame, ["v"], ["g"])["v"].tolist()
    [1.0, 0.0, 0.0, 3.0]
    """
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, got {decimals}")
    out = frame.copy()
    if group_keys:
        labels = frame.groupby(list(group_keys), sort=False, dropna=False).ngroup().to_numpy()
    else:
        labels = np.zeros(len(frame), dtype=int)
    for column in columns:
        values = frame[column].to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(values)
        shown = _round_tree(np.where(missing, 0.0, values), [labels], decimals, None)
        out[column] = np.where(missing, np.nan, np.round(shown, decimals) + 0.0)
    return out


def _load_tasks(tasks: TaskList | str | Path | None) -> TaskList:
    if isinstance(tasks, TaskList):
        return tasks
    from .readers import read_appendix

    return read_appendix(tasks)


def _shown_tasks(allocation: Allocation, tasks: TaskList, decimals: int) -> pd.DataFrame:
    """Per task and year: demand, planned, allocated and difference as shown."""
    order = {task_id: position for position, task_id in enumerate(tasks.ids)}
    table = allocation.table
    ids = [str(i) for i in table.index]
    unknown = sorted(set(ids) - set(order))
    absent = sorted(set(order) - set(ids))
    if unknown or absent:
        raise ValueError(
            "the allocation was not computed from these tasks: "
            f"not in the tasks {unknown[:5]}, not in the allocation {absent[:5]}"
        )
    frame = table.reset_index(names="id")
    frame["id"] = ids
    frame["_position"] = [order[i] for i in ids]
    frame = frame.sort_values(["year", "_position"], kind="stable").reset_index(drop=True)
    envelope = (frame["year"].astype(str) + "/" + frame["funding_source"].astype(str)).to_numpy()
    group = frame["group"].to_numpy(dtype=str)
    # demand is shown as allocated + shortfall, so a fully funded task shows equal figures
    frame["shortfall"] = frame["demand"] - frame["allocated"]
    for column in ("allocated", "shortfall"):
        values = frame[column].to_numpy(dtype=float)
        frame[column] = np.round(_round_tree(values, [envelope, group], decimals, None), decimals)
    frame["demand"] = np.round(frame["allocated"] + frame["shortfall"], decimals) + 0.0
    # planned exactly as the appendix layout rounds it: per group, document order
    planned = frame["planned"].to_numpy(dtype=float).copy()
    for key in dict.fromkeys(zip(frame["year"].tolist(), group.tolist(), strict=True)):
        mask = (frame["year"].to_numpy() == key[0]) & (group == key[1])
        planned[mask] = largest_remainder_round(planned[mask], decimals)
    frame["planned"] = np.round(planned, decimals)
    frame["difference"] = np.round(frame["allocated"] - frame["planned"], decimals) + 0.0
    return frame.drop(columns=["_position", "shortfall"])


def _order(source: str, year: int, tier: int = 0) -> tuple[int, int, int]:
    """Sort key: year, then the sources in :data:`SOURCE_LABELS` order, then tier."""
    sources = list(SOURCE_LABELS)
    return year, sources.index(source) if source in sources else len(sources), tier


def _money(value: float, decimals: int) -> float:
    return round(float(value), decimals) + 0.0


def _percent(value: float) -> object:
    return "" if value != value else round(100.0 * float(value), 2)


# -- extra sheets -------------------------------------------------------------------


def _summary_sheet(
    allocation: Allocation, shown: pd.DataFrame, decimals: int
) -> list[list[object]]:
    multi = len(allocation.years) > 1
    first = allocation.years[0]
    money = [*_MONEY, "difference"]
    heads = [
        "Nhu cầu (demand)",
        f"Dự kiến phân bổ {first} (planned)",
        OPTIMIZED_HEADER,
        DIFFERENCE_HEADER,
        "Mức đáp ứng % (coverage %)",
    ]
    lead = ["Năm (year)"] if multi else []
    rows: list[list[object]] = [
        ["Tổng hợp phân bổ (allocation summary), triệu đồng (million VND)"],
        [f"Quy tắc (rule): {allocation.rule}"],
        [],
        ["Theo nguồn vốn và thứ bậc (by funding source and tier)"],
        [*lead, "Nguồn vốn (funding source)", "Thứ bậc (tier)", "Tên thứ bậc (tier name)", *heads],
    ]

    def line(year: list[object], label: list[object], sums: Any, coverage: float) -> list[object]:
        cells = [_money(sums[c], decimals) for c in money]
        return [*year, *label, *cells, _percent(coverage)]

    def cover(frame: Any) -> float:
        demand = float(frame["demand"].sum())
        return float(frame["allocated"].sum()) / demand if demand > 0 else float("nan")

    tiers = allocation.by_tier().reset_index()
    if not multi:
        tiers.insert(0, "year", first)
    order = {source: position for position, source in enumerate(SOURCE_LABELS)}
    tiers["_order"] = [order.get(source, len(order)) for source in tiers["funding_source"]]
    tiers = tiers.sort_values(["year", "_order", "tier"], kind="stable").reset_index(drop=True)
    exact_tiers = tiers.copy()
    tiers["shortfall"] = tiers["demand"] - tiers["allocated"]
    tiers = rounded_table(
        tiers, ["planned", "allocated", "shortfall"], ["year", "funding_source"], decimals
    )
    tiers["demand"] = np.round(tiers["allocated"] + tiers["shortfall"], decimals) + 0.0
    tiers["difference"] = np.round(tiers["allocated"] - tiers["planned"], decimals) + 0.0
    table = allocation.table
    for year in allocation.years:
        year_cell: list[object] = [str(year)] if multi else []
        of_year = tiers["year"] == year
        for source in dict.fromkeys(tiers.loc[of_year, "funding_source"].tolist()):
            mask = of_year & (tiers["funding_source"] == source)
            for index in tiers.index[mask]:
                row = tiers.loc[index]
                label = [
                    SOURCE_LABELS.get(source, source),
                    str(row["tier"]),
                    tier_label(int(row["tier"]), short=True),
                ]
                rows.append(line(year_cell, label, row, float(exact_tiers.loc[index, "coverage"])))
            exact = table[(table["year"] == year) & (table["funding_source"] == source)]
            rows.append(
                line(
                    year_cell,
                    [f"Cộng (subtotal): {source}", "", ""],
                    tiers.loc[mask, money].sum(),
                    cover(exact),
                )
            )
        rows.append(
            line(
                year_cell,
                ["TỔNG (total)", "", ""],
                tiers.loc[of_year, money].sum(),
                cover(table[table["year"] == year]),
            )
        )
    rows += [
        [],
        ["Theo nhóm nhiệm vụ (by task group); the TỔNG rows of the group sheets"],
        [*lead, "Nhóm (group)", "Tên nhóm (group name)", "Nguồn vốn (funding source)", *heads],
    ]
    for year in allocation.years:
        year_cell = [str(year)] if multi else []
        of_year = shown[shown["year"] == year]
        for group in dict.fromkeys(of_year["group"].tolist()):
            members = of_year[of_year["group"] == group]
            source = str(members["funding_source"].iloc[0])
            exact = table[(table["year"] == year) & (table["group"] == group)]
            label = [
                str(group),
                GROUP_TITLES.get(str(group), ""),
                SOURCE_LABELS.get(source, source),
            ]
            rows.append(line(year_cell, label, members[money].sum(), cover(exact)))
        rows.append(
            line(
                year_cell,
                ["TỔNG (total)", "", ""],
                of_year[money].sum(),
                cover(table[table["year"] == year]),
            )
        )
    return rows


def _plan_sheet(
    allocation: Allocation, shown: pd.DataFrame, tasks: TaskList, decimals: int
) -> list[list[object]]:
    years = allocation.years
    wide = shown.pivot(index="id", columns="year", values="allocated").reindex(list(tasks.ids))
    header = [
        "Mã (id)",
        "Nhóm (group)",
        "Đơn vị chủ trì (agency)",
        "Tên nhiệm vụ (task)",
        *[f"Phân bổ {year} (allocated)" for year in years],
        "Cộng (total)",
    ]
    rows: list[list[object]] = [
        [
            f"{plan_sheet_title(len(years))} (multi-year plan), {years[0]}–{years[-1]}, "
            "triệu đồng (million VND)"
        ],
        [],
        header,
    ]

    def amounts(values: Any) -> list[object]:
        cells = [_money(values[year], decimals) for year in years]
        return [*cells, _money(sum(values[year] for year in years), decimals)]

    for group in dict.fromkeys(task.group for task in tasks):
        ids = [task.id for task in tasks if task.group == group]
        for task_id in ids:
            task = tasks[task_id]
            rows.append([task.id, task.group, task.agency, task.name, *amounts(wide.loc[task_id])])
        rows.append(
            ["", group, f"Cộng nhóm {group} (group subtotal)", "", *amounts(wide.loc[ids].sum())]
        )
    rows.append(["", "", "TỔNG (total)", "", *amounts(wide.sum())])
    return rows


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{key} = {_describe(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_describe(item) for item in value)
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return str(value)


def _scenario_sheet(
    allocation: Allocation, shown: pd.DataFrame, decimals: int
) -> list[list[object]]:
    options = allocation.options
    rows: list[list[object]] = [
        ["Kịch bản (scenario)"],
        ["Quy tắc phân bổ (rule)", allocation.rule],
        ["Trạng thái (status)", allocation.status],
        ["Năm kế hoạch (plan year)", str(options.plan_year)],
        ["Số năm (years)", str(options.years)],
        ["Số nhiệm vụ (tasks)", str(shown["id"].nunique())],
        [],
        ["Hạn mức (envelopes), triệu đồng (million VND)"],
        [
            "Nguồn vốn (funding source)",
            "Năm (year)",
            "Hạn mức (envelope)",
            "Đã phân bổ (allocated)",
            "Chưa phân bổ (unspent)",
        ],
    ]
    for (source, year), amount in sorted(
        allocation.envelopes.items(), key=lambda kv: _order(*kv[0])
    ):
        spent = shown.loc[
            (shown["year"] == year) & (shown["funding_source"] == source), "allocated"
        ].sum()
        envelope = float(largest_remainder_round([amount], decimals)[0])
        rows.append(
            [
                SOURCE_LABELS.get(source, source),
                str(year),
                _money(envelope, decimals),
                _money(spent, decimals),
                _money(envelope - spent, decimals),
            ]
        )
    rows += [[], ["Tùy chọn khác mặc định (non-default options)"]]
    changed = []
    for name, info in type(options).model_fields.items():
        if name in {"rule", "plan_year", "years"}:
            continue
        value = getattr(options, name)
        if value != info.get_default(call_default_factory=True):
            changed.append([name, _describe(value)])
    rows += changed or [["(không có / none)"]]
    rows += [
        [],
        ["Mức đạt được theo thứ bậc (level reached per tier)"],
        ["Nguồn vốn (funding source)", "Năm (year)", "Thứ bậc (tier)", "Mức (level)"],
    ]
    for (source, year, tier), level in sorted(
        allocation.levels.items(), key=lambda kv: _order(*kv[0])
    ):
        rows.append(
            [SOURCE_LABELS.get(source, source), str(year), str(tier), round(float(level), 6)]
        )
    notes = [[task_id, "; ".join(items)] for task_id, items in allocation.notes.items() if items]
    if notes:
        rows += [[], ["Ghi chú theo nhiệm vụ (notes per task)"], *notes]
    return rows


# -- public writers -----------------------------------------------------------------


def allocation_to_excel(
    allocation: Allocation,
    path: str | Path,
    *,
    tasks: TaskList | str | Path | None = None,
    decimals: int = 0,
) -> None:
    """Write an allocation as a workbook laid out like Phụ lục 2.

    Parameters
    ----------
    allocation
        The result of :func:`portfolio.optimize`.
    path
        The ``.xlsx`` file, written atomically; equal inputs give equal bytes.
    tasks
        The tasks the allocation was computed from (a :class:`TaskList` or a
        path); by default the bundled appendix.
    decimals
        Digits shown after the decimal mark. At ``2`` the group sheets show every
        figure of the document exactly, and :func:`portfolio.read_appendix`
        reads the workbook back to the same tasks.

    Notes
    -----
    Sheets: ``A`` … ``D`` (the document's columns, then
    ``Phân bổ tối ưu (optimized)`` and ``Chênh lệch (difference)``; the first
    year of a multi-year plan), ``E`` (section E with the same two columns),
    ``Tổng hợp`` (per source and tier, per group), ``Kế hoạch N năm`` (a plan
    only: per task and year), ``Kịch bản`` (rule, envelopes, plan year, years,
    options that differ from the defaults, levels, notes).

    Raises
    ------
    ValueError
        If ``decimals`` is negative or the allocation's tasks are not ``tasks``.
    """
    from .layout_rows import appendix_lines
    from .writers import write_layout_xlsx

    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, got {decimals}")
    task_list = _load_tasks(tasks)
    shown = _shown_tasks(allocation, task_list, decimals)
    first = shown[shown["year"] == allocation.years[0]].set_index("id")
    extra = [
        (OPTIMIZED_HEADER, first["allocated"].to_dict()),
        (DIFFERENCE_HEADER, first["difference"].to_dict()),
    ]
    rows = appendix_lines(task_list, decimals=decimals, extra_columns=extra)
    sheets: list[tuple[str, list[list[object]]]] = [
        (SUMMARY_SHEET, _summary_sheet(allocation, shown, decimals))
    ]
    if len(allocation.years) > 1:
        sheets.append(
            (
                plan_sheet_title(len(allocation.years)),
                _plan_sheet(allocation, shown, task_list, decimals),
            )
        )
    sheets.append((SCENARIO_SHEET, _scenario_sheet(allocation, shown, decimals)))
    write_layout_xlsx(rows, path, sheet_per_group=True, extra_sheets=sheets)


def tables_to_csv(allocation: Allocation, folder: str | Path) -> list[Path]:
    r"""Write the allocation's tables as CSV files (UTF-8, ``\n`` line ends, atomic).

    Parameters
    ----------
    allocation
        The result of :func:`portfolio.optimize`.
    folder
        Where to write; created if missing.

    Returns
    -------
    list of pathlib.Path
        ``per_task.csv`` (:attr:`Allocation.table`, the index as column ``id``),
        ``by_agency.csv``, ``by_group.csv`` and ``by_tier.csv`` (the index levels
        as the first columns). Floats are written at full precision, so
        ``pandas.read_csv`` gives the tables back.
    """
    from .output import atomic_write_text

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "per_task": allocation.table.reset_index(names="id"),
        "by_agency": allocation.by_agency().reset_index(),
        "by_group": allocation.by_group().reset_index(),
        "by_tier": allocation.by_tier().reset_index(),
    }
    paths = []
    for name, frame in tables.items():
        path = folder / f"{name}.csv"
        atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))
        paths.append(path)
    return paths

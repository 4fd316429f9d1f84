"""Export an :class:`~portfolio.model.Allocation`: a workbook laid out like Phụ lục 2, CSV tables.

Display rounding (:func:`allocation_to_excel`): money is shown at ``decimals``
digits by largest-remainder rounding (:func:`portfolio.money.largest_remainder_round`)
top down: an envelope's (source, year) spent total is its exact total rounded
half-up, each group's share adds up to it and each task's share to its group's.
Every subtotal and total on every sheet is the sum of its rows as shown; a
shown difference is shown allocation − shown planned, a shown demand is shown
allocation + shown shortfall (a fully funded row shows demand = allocation).
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

__all__ = ["DIFFERENCE_HEADER", "OPTIMIZED_HEADER", "SCENARIO_SHEET", "SOURCE_LABELS", "SUMMARY_SHEET"]
__all__ += ["allocation_to_excel", "plan_sheet_title", "rounded_table", "tables_to_csv", "tier_label"]

OPTIMIZED_HEADER = "Phân bổ tối ưu (optimized)"
DIFFERENCE_HEADER = "Chênh lệch (difference)"
SUMMARY_SHEET = "Tổng hợp"
SCENARIO_SHEET = "Kịch bản"
SOURCE_LABELS = {"recurrent": "Chi thường xuyên (recurrent)", "investment": "Đầu tư công (investment)"}
_TIER_LABELS = {1: "Cam kết (commitments)", 2: "Hoàn thành trong năm (finishing)"}
_TIER_LABELS |= {3: "Chuyển tiếp (continuing)", 4: "Khởi công mới (new)"}
_STATED = {"rule", "plan_year", "years"}  # options the scenario sheet states in its own rows
_ENVELOPE_HEADS = ["Hạn mức (envelope)", "Đã phân bổ (allocated)", "Chưa phân bổ (unspent)"]
_SHOWN = ["demand", "planned", "allocated", "difference"]
_TOTAL = "TỔNG (total)"
Rows = list[list[Any]]


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


def _source(source: str) -> str:
    return SOURCE_LABELS.get(source, source)


def _order(source: str, year: int, tier: int = 0) -> tuple[int, int, int]:
    """Sort key: year, then the sources in :data:`SOURCE_LABELS` order, then tier."""
    return year, list(SOURCE_LABELS).index(source) if source in SOURCE_LABELS else 9, tier


# -- display rounding -------------------------------------------------------------


def _round_tree(
    values: np.ndarray, levels: Sequence[np.ndarray], places: int, total: float | None
) -> np.ndarray:
    """Largest-remainder rounding down a tree of groups (``levels``, outermost first).

    With ``total=None`` each outermost group shows its own exact total rounded
    half-up; below it every group's share is rounded to add up to its parent's.
    """
    if not levels:
        return largest_remainder_round(values, places, total)
    labels = levels[0]
    masks = [labels == key for key in dict.fromkeys(labels.tolist())]
    sums = [float(values[mask].sum()) for mask in masks]
    if total is None:
        shares = [float(largest_remainder_round([s], places)[0]) for s in sums]
    else:
        shares = largest_remainder_round(sums, places, total).tolist()
    out = np.zeros(len(values), dtype=float)
    for mask, share in zip(masks, shares, strict=True):
        inner = [level[mask] for level in levels[1:]]
        out[mask] = _round_tree(values[mask], inner, places, share)
    return out


def rounded_table(
    frame: pd.DataFrame, columns: Sequence[str], group_keys: Sequence[str] = (), decimals: int = 0
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


def _shown_tasks(allocation: Allocation, tasks: TaskList, decimals: int) -> pd.DataFrame:
    """Per task and year, in document order: demand, planned, allocated, difference as shown."""
    order = {task_id: position for position, task_id in enumerate(tasks.ids)}
    ids = [str(i) for i in allocation.table.index.get_level_values("id")]
    unknown, absent = sorted(set(ids) - set(order)), sorted(set(order) - set(ids))
    if unknown or absent:
        raise ValueError(
            "the allocation was not computed from these tasks: not in the tasks "
            f"{unknown[:5]}, not in the allocation {absent[:5]}"
        )
    frame = allocation.table.reset_index()
    frame["id"] = ids
    frame["_position"] = [order[i] for i in ids]
    frame = frame.sort_values(["year", "_position"], kind="stable").reset_index(drop=True)
    year = frame["year"].to_numpy()
    envelope = (frame["year"].astype(str) + "/" + frame["funding_source"].astype(str)).to_numpy()
    group = frame["group"].to_numpy(dtype=str)
    frame["shortfall"] = frame["demand"] - frame["allocated"]
    for column in ("allocated", "shortfall"):
        values = frame[column].to_numpy(dtype=float)
        frame[column] = np.round(_round_tree(values, [envelope, group], decimals, None), decimals)
    frame["demand"] = np.round(frame["allocated"] + frame["shortfall"], decimals) + 0.0
    # planned exactly as the appendix layout rounds it: per group, in document order
    planned = frame["planned"].to_numpy(dtype=float).copy()
    for key_year, key_group in dict.fromkeys(zip(year.tolist(), group.tolist(), strict=True)):
        mask = (year == key_year) & (group == key_group)
        planned[mask] = largest_remainder_round(planned[mask], decimals)
    frame["planned"] = np.round(planned, decimals)
    frame["difference"] = np.round(frame["allocated"] - frame["planned"], decimals) + 0.0
    return frame.drop(columns=["_position", "shortfall"])


def _money(value: float, decimals: int) -> float:
    return round(float(value), decimals) + 0.0


def _coverage(frame: pd.DataFrame) -> object:
    """Exact coverage in percent (2 decimals) of a slice of the allocation's table."""
    demand = float(frame["demand"].sum())
    return round(100.0 * float(frame["allocated"].sum()) / demand, 2) if demand > 0 else ""


# -- extra sheets -------------------------------------------------------------------


def _summary_sheet(allocation: Allocation, shown: pd.DataFrame, decimals: int) -> Rows:
    multi = len(allocation.years) > 1
    heads = ["Nhu cầu (demand)", f"Dự kiến phân bổ {allocation.years[0]} (planned)", OPTIMIZED_HEADER]
    heads += [DIFFERENCE_HEADER, "Mức đáp ứng % (coverage %)"]
    lead = ["Năm (year)"] if multi else []
    rows: Rows = [
        ["Tổng hợp phân bổ (allocation summary), triệu đồng (million VND)"],
        [f"Quy tắc (rule): {allocation.rule}"],
        [],
        ["Theo nguồn vốn và thứ bậc (by funding source and tier)"],
        [*lead, "Nguồn vốn (funding source)", "Thứ bậc (tier)", "Tên thứ bậc (tier name)", *heads],
    ]

    def line(year: int, label: list[str], sums: Any, exact: pd.DataFrame) -> list[Any]:
        cells = [_money(sums[column], decimals) for column in _SHOWN]
        return [*([str(year)] if multi else []), *label, *cells, _coverage(exact)]

    tiers = allocation.by_tier().reset_index()
    if "year" not in tiers.columns:
        tiers.insert(0, "year", allocation.years[0])
    keys = [_order(*key) for key in tiers[["funding_source", "year", "tier"]].itertuples(False)]
    tiers = tiers.iloc[sorted(range(len(tiers)), key=keys.__getitem__)].reset_index(drop=True)
    tiers["shortfall"] = tiers["demand"] - tiers["allocated"]
    tiers = rounded_table(tiers, ["planned", "allocated", "shortfall"], ["year", "funding_source"], decimals)
    tiers["demand"] = np.round(tiers["allocated"] + tiers["shortfall"], decimals) + 0.0
    tiers["difference"] = np.round(tiers["allocated"] - tiers["planned"], decimals) + 0.0
    for year in allocation.years:
        of_year = tiers["year"] == year
        in_year = allocation.year_table(year)
        for source in dict.fromkeys(tiers.loc[of_year, "funding_source"].tolist()):
            mask = of_year & (tiers["funding_source"] == source)
            in_source = in_year[in_year["funding_source"] == source]
            for _, row in tiers[mask].iterrows():
                tier = int(row["tier"])
                label = [_source(source), str(tier), tier_label(tier, short=True)]
                rows.append(line(year, label, row, in_source[in_source["tier"] == tier]))
            subtotal = [f"Cộng (subtotal): {source}", "", ""]
            rows.append(line(year, subtotal, tiers.loc[mask, _SHOWN].sum(), in_source))
        rows.append(line(year, [_TOTAL, "", ""], tiers.loc[of_year, _SHOWN].sum(), in_year))
    rows += [[], ["Theo nhóm nhiệm vụ (by task group): the TỔNG rows of the group sheets"]]
    rows.append([*lead, "Nhóm (group)", "Tên nhóm (group name)", "Nguồn vốn (funding source)", *heads])
    for year in allocation.years:
        of_year = shown[shown["year"] == year]
        in_year = allocation.year_table(year)
        for group in dict.fromkeys(of_year["group"].tolist()):
            members = of_year[of_year["group"] == group]
            source = str(members["funding_source"].iloc[0])
            label = [str(group), GROUP_TITLES.get(str(group), ""), _source(source)]
            exact = in_year[in_year["group"] == group]
            rows.append(line(year, label, members[_SHOWN].sum(), exact))
        rows.append(line(year, [_TOTAL, "", ""], of_year[_SHOWN].sum(), in_year))
    from .pillar_views import summary_rows  # the pillars of NQ 03-NQ/TU, a section of its own

    return rows + summary_rows(allocation, shown, decimals)


def _plan_sheet(allocation: Allocation, shown: pd.DataFrame, tasks: TaskList, decimals: int) -> Rows:
    years = allocation.years
    wide = shown.pivot(index="id", columns="year", values="allocated").reindex(list(tasks.ids))
    title = f"{plan_sheet_title(len(years))} (multi-year plan) {years[0]}–{years[-1]}"
    header = ["Mã (id)", "Nhóm (group)", "Đơn vị chủ trì (agency)", "Tên nhiệm vụ (task)"]
    header += [*[f"Phân bổ {year} (allocated)" for year in years], "Cộng (total)"]
    rows: Rows = [[f"{title}, triệu đồng (million VND)"], [], header]

    def amounts(values: Any) -> list[Any]:
        cells = [_money(values[year], decimals) for year in years]
        return [*cells, _money(sum(values[year] for year in years), decimals)]

    for group in dict.fromkeys(task.group for task in tasks):
        ids = [task.id for task in tasks if task.group == group]
        for task_id in ids:
            task = tasks[task_id]
            rows.append([task.id, group, task.agency, task.name, *amounts(wide.loc[task_id])])
        subtotal = f"Cộng nhóm {group} (group subtotal)"
        rows.append(["", group, subtotal, "", *amounts(wide.loc[ids].sum())])
    rows.append(["", "", _TOTAL, "", *amounts(wide.sum())])
    return rows


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{key} = {_describe(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_describe(item) for item in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _scenario_sheet(allocation: Allocation, shown: pd.DataFrame, decimals: int) -> Rows:
    options = allocation.options
    rows: Rows = [
        ["Kịch bản (scenario)"],
        ["Quy tắc phân bổ (rule)", allocation.rule],
        ["Trạng thái (status)", allocation.status],
        ["Năm kế hoạch (plan year)", str(options.plan_year)],
        ["Số năm (years)", str(options.years)],
        ["Số nhiệm vụ (tasks)", str(shown["id"].nunique())],
        [],
        ["Hạn mức (envelopes), triệu đồng (million VND)"],
        ["Nguồn vốn (funding source)", "Năm (year)", *_ENVELOPE_HEADS],
    ]
    for (source, year), amount in sorted(allocation.envelopes.items(), key=lambda k: _order(*k[0])):
        mask = (shown["year"] == year) & (shown["funding_source"] == source)
        spent = float(shown.loc[mask, "allocated"].sum())
        envelope = float(largest_remainder_round([amount], decimals)[0])
        money = [_money(v, decimals) for v in (envelope, spent, envelope - spent)]
        rows.append([_source(source), str(year), *money])
    rows += [[], ["Tùy chọn khác mặc định (non-default options)"]]
    defaults = {n: f.get_default(call_default_factory=True) for n, f in type(options).model_fields.items()}
    changed = [[n, _describe(v)] for n, v in options if n not in _STATED and v != defaults[n]]
    rows += changed or [["(không có / none)"]]
    rows += [[], ["Mức đạt được theo thứ bậc (level reached per tier)"]]
    rows.append(["Nguồn vốn (funding source)", "Năm (year)", "Thứ bậc (tier)", "Mức (level)"])
    levels = sorted(allocation.levels.items(), key=lambda k: _order(*k[0]))
    for (source, year, tier), level in levels:
        rows.append([_source(source), str(year), str(tier), round(float(level), 6)])
    notes = [[task_id, "; ".join(items)] for task_id, items in allocation.notes.items() if items]
    if notes:
        rows += [[], ["Ghi chú theo nhiệm vụ (notes per task)"], *notes]
    return rows


# -- public writers -----------------------------------------------------------------


def allocation_to_excel(
    allocation: Allocation, path: str | Path, *, tasks: TaskList | str | Path | None = None, decimals: int = 0
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
        path); by default the allocation's own (:attr:`Allocation.tasks`).
    decimals
        Digits shown after the decimal mark. At ``2`` the group sheets show every
        figure of the document exactly, and :func:`portfolio.read_appendix`
        reads the workbook back to the same tasks.

    Raises
    ------
    ValueError
        If ``decimals`` is negative or the allocation's tasks are not ``tasks``.

    Notes
    -----
    Sheets ``A`` … ``E`` as in the document, with the optimized allocation (the
    first year of a plan) and its difference in two more columns; ``Tổng hợp``
    (per source and tier, per group); for a plan ``Kế hoạch N năm`` (per task and
    year); ``Kịch bản`` (rule, envelopes, plan year, years, non-default options).
    """
    from .layout_rows import appendix_lines
    from .model.inputs import load_tasks
    from .writers import write_layout_xlsx

    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, got {decimals}")
    task_list = allocation.tasks if tasks is None else load_tasks(tasks)
    shown = _shown_tasks(allocation, task_list, decimals)
    first = shown[shown["year"] == allocation.years[0]].set_index("id")
    optimized, difference = first["allocated"].to_dict(), first["difference"].to_dict()
    extra = [(OPTIMIZED_HEADER, optimized), (DIFFERENCE_HEADER, difference)]
    rows = appendix_lines(task_list, decimals=decimals, extra_columns=extra)
    sheets = [(SUMMARY_SHEET, _summary_sheet(allocation, shown, decimals))]
    if len(allocation.years) > 1:
        title = plan_sheet_title(len(allocation.years))
        sheets.append((title, _plan_sheet(allocation, shown, task_list, decimals)))
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
        ``per_task.csv`` (:attr:`Allocation.table`, its index as the columns ``year``, ``id``),
        ``by_agency.csv``, ``by_group.csv``, ``by_tier.csv`` (index levels first),
        floats at full precision so that ``pandas.read_csv`` gives them back.
    """
    from .output import atomic_write_text

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"per_task": allocation.table, "by_agency": allocation.by_agency()}
    tables.update(by_group=allocation.by_group(), by_tier=allocation.by_tier())
    paths = [folder / f"{name}.csv" for name in tables]
    for path, frame in zip(paths, tables.values(), strict=True):
        atomic_write_text(path, frame.reset_index().to_csv(index=False, lineterminator="\n"))
    return paths

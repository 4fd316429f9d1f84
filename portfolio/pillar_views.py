"""The allocation by pillar of Nghị quyết 03-NQ/TU as people read it: text, workbook rows, chart.

The numbers come from :meth:`~portfolio.model.allocation.Allocation.by_pillar`;
here they are laid out for the command line (:func:`pillar_lines`), the
workbook's summary sheet (:func:`summary_rows`) and a chart (:func:`plot_pillars`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .display import percent
from .money import format_vnd
from .pillars import FOUNDATIONS, PILLARS, UNCLASSIFIED

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from .model.allocation import Allocation

__all__ = ["PILLAR_TITLE", "pillar_lines", "plot_pillars", "summary_rows"]

PILLAR_TITLE = "Theo trụ cột Nghị quyết 03-NQ/TU (by pillar)"
_LABELS = {
    FOUNDATIONS: "Nền tảng (foundations)",
    "Chính quyền số": "Chính quyền số (digital government)",
    "Kinh tế số": "Kinh tế số (digital economy)",
    "Xã hội số": "Xã hội số (digital society)",
    UNCLASSIFIED: "chưa phân loại (unclassified)",
}


def pillar_lines(frame: pd.DataFrame) -> list[str]:
    """Lines of text for a task table's pillars: rows, approved and planned, share of planned.

    Parameters
    ----------
    frame
        A :attr:`~portfolio.tasks.TaskList.frame` (or any table with ``pillar``,
        ``approved`` and ``planned``).

    Returns
    -------
    list of str
        A header, one line per pillar (the four in order, then ``chưa phân loại``
        if a task is) and the total.
    """
    names = [*PILLARS, *([UNCLASSIFIED] if (frame["pillar"] == UNCLASSIFIED).any() else [])]
    sums = frame.groupby("pillar")[["approved", "planned"]].sum().reindex(names, fill_value=0.0)
    counts = frame["pillar"].value_counts().reindex(names, fill_value=0)
    planned = float(frame["planned"].sum())
    lines = [f"{'pillar':<38}{'rows':>5}{'approved':>16}{'planned':>16}{'share':>9}"]
    for name in names:
        share = percent(sums.loc[name, "planned"] / planned) if planned > 0 else "-"
        lines.append(
            f"{_LABELS[name]:<38}{int(counts[name]):>5}{format_vnd(sums.loc[name, 'approved'], 2):>16}"
            f"{format_vnd(sums.loc[name, 'planned'], 2):>16}{share:>9}"
        )
    total = f"{format_vnd(frame['approved'].sum(), 2):>16}{format_vnd(planned, 2):>16}"
    lines.append(f"{'total':<38}{len(frame):>5}{total}")
    return lines


def summary_rows(allocation: Allocation, shown: pd.DataFrame, decimals: int) -> list[list[Any]]:
    """The workbook's summary section by pillar, from the figures the sheets show.

    Parameters
    ----------
    allocation
        The allocation written.
    shown
        Per task and year, the amounts as the workbook shows them (``year``,
        ``pillar``, ``demand``, ``planned``, ``allocated``, ``difference``), so
        that the pillars add up to the TỔNG rows of the other sections.
    decimals
        Digits shown.

    Returns
    -------
    list of list
        A blank row, the title, the header, then per year one row per pillar and
        a TỔNG row: the number of tasks, then (in the columns of the sheet's
        other sections) demand, planned, optimized, difference and coverage,
        then the shares of the document's total and of the envelopes (percent,
        2 decimals).
    """
    multi = len(allocation.years) > 1
    rows: list[list[Any]] = [[], [PILLAR_TITLE]]
    rows.append(
        [
            *(["Năm (year)"] if multi else []),
            "Trụ cột (pillar)",
            "Số nhiệm vụ (tasks)",
            "",
            "Nhu cầu (demand)",
            "Dự kiến phân bổ (planned)",
            "Phân bổ tối ưu (optimized)",
            "Chênh lệch (difference)",
            "Mức đáp ứng % (coverage %)",
            "Tỷ trọng dự kiến % (share of planned)",
            "Tỷ trọng phân bổ % (share of the envelopes)",
        ]
    )
    table = allocation.by_pillar()
    columns = ["demand", "planned", "allocated", "difference"]
    for year in allocation.years:
        exact = table if not multi else table.xs(year, level="year")
        of_year = shown[shown["year"] == year]
        sums = of_year.groupby("pillar")[columns].sum().reindex(exact.index, fill_value=0.0)
        counts = of_year["pillar"].value_counts().reindex(exact.index, fill_value=0)
        lead = [str(year)] if multi else []
        for name in exact.index:
            money = [round(float(sums.loc[name, c]), decimals) + 0.0 for c in columns]
            row = exact.loc[name]
            shares = [_percent(row["allocated"] / row["demand"] if row["demand"] > 0 else np.nan)]
            shares += [_percent(row[c]) for c in ("planned_share", "envelope_share")]
            rows.append([*lead, _LABELS.get(str(name), str(name)), int(counts[name]), "", *money, *shares])
        total = [round(float(of_year[c].sum()), decimals) + 0.0 for c in columns]
        demand = float(exact["demand"].sum())
        shares = [_percent(exact["allocated"].sum() / demand if demand > 0 else np.nan)]
        shares += [_percent(exact[c].sum()) for c in ("planned_share", "envelope_share")]
        rows.append([*lead, "TỔNG (total)", len(of_year), "", *total, *shares])
    return rows


def _percent(value: float) -> object:
    return "" if not np.isfinite(value) else round(100.0 * float(value), 2)


def plot_pillars(allocation: Allocation, ax: Axes | None = None, *, year: int | None = None) -> Axes:
    """Paired horizontal bars per pillar: the document's planned amount (grey) and the allocation (blue).

    Each bar is labelled with its amount and its share (of the document's total
    for the planned bar, of the envelopes for the allocated one). The first bar
    container holds the planned amounts, the second the allocated ones.

    Parameters
    ----------
    allocation, ax
        The result of :func:`portfolio.optimize`; where to draw (a new figure if ``None``).
    year
        The year of a multi-year plan (default: the first).

    Returns
    -------
    matplotlib.axes.Axes
    """
    from .plot_style import ALLOCATED_COLOR, ALLOCATED_LABEL, PLANNED_COLOR, PLANNED_LABEL, finish, new_axes

    year = allocation.years[0] if year is None else int(year)
    if year not in allocation.years:
        raise ValueError(f"year {year} is not in the allocation's years {allocation.years}")
    table = allocation.by_pillar()
    if len(allocation.years) > 1:
        table = table[table.index.get_level_values("year") == year].droplevel("year")
    n = len(table)
    ax = new_axes(ax, (10.0, 1.6 + 0.7 * n))
    y = np.arange(n, dtype=float)
    planned = ax.barh(
        y - 0.2, table["planned"], 0.4, color=PLANNED_COLOR, label=PLANNED_LABEL.format(year=year)
    )
    label = f"{ALLOCATED_LABEL}: {allocation.rule}"
    allocated = ax.barh(y + 0.2, table["allocated"], 0.4, color=ALLOCATED_COLOR, label=label)
    for bars, amounts, shares in (
        (planned, table["planned"], table["planned_share"]),
        (allocated, table["allocated"], table["envelope_share"]),
    ):
        texts = [f" {format_vnd(a)} ({percent(s)})" for a, s in zip(amounts, shares, strict=True)]
        ax.bar_label(bars, texts, fontsize=8)
    ax.set_yticks(y, [_LABELS.get(str(name), str(name)) for name in table.index], fontsize=9)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0, max(float(table[["planned", "allocated"]].to_numpy().max()), 1.0) * 1.3)
    title = f"Phân bổ theo trụ cột NQ 03-NQ/TU (allocation by pillar), {year}"
    return finish(ax, title, "x", loc="lower right")

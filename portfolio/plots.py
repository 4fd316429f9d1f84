"""Charts of an :class:`~portfolio.model.Allocation` (matplotlib, imported on first use).

Each function draws on ``ax`` (a new figure if ``None``) and returns the Axes, using only
what the allocation holds. Labels are Vietnamese with English in parentheses (matplotlib's
default font, DejaVu Sans, has the letters); with ``lang="vi"`` (or an allocation made
with ``lang="vi"``) Vietnamese only. :func:`save_figure` writes a reproducible PNG.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .export import SOURCE_LABELS, tier_label
from .language import lang_of
from .money import format_vnd
from .plot_style import (
    ALLOCATED_COLOR,
    ALLOCATED_LABEL,
    BOX,
    BY_LABELS,
    COLORS,
    DOWN_COLOR,
    GROUP_COLORS,
    HEADING,
    HOLLOW,
    MONEY_LABEL,
    PLANNED_COLOR,
    PLANNED_LABEL,
    STACK,
    UP_COLOR,
    finish,
    in_language,
    key_label,
    new_axes,
    short,
    tier_color,
)
from .plot_sweeps import plot_comparison, plot_frontier
from .tolerances import AMOUNT

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from .model.allocation import Allocation

__all__ = ["ALLOCATED_LABEL", "MONEY_LABEL", "PLANNED_LABEL", "plot_agencies", "plot_comparison"]
__all__ += ["in_language", "plot_frontier", "plot_plan", "plot_tasks", "plot_tiers", "save_figure"]


def _year_table(allocation: Allocation, year: int | None) -> tuple[pd.DataFrame, int]:
    table = allocation.year_table(year)  # raises ValueError for a year not in the allocation
    return table, allocation.years[0] if year is None else int(year)


def plot_tasks(
    allocation: Allocation,
    ax: Axes | None = None,
    tiers: Iterable[int] | None = None,
    *,
    year: int | None = None,
    scale: str = "linear",
    label_width: int = 34,
    lang: str | None = None,
) -> Axes:
    """Dumbbell chart: the document's and the optimized amount of every task.

    One line per task from the planned (grey dot) to the allocated amount (blue dot), green
    where the task gains, red where it loses (both in the legend); grouped by tier (tier 1
    on top) under a bold heading, in document order within a tier. Each line's ``gid`` is
    the task id.

    Parameters
    ----------
    allocation, ax
        The result of :func:`portfolio.optimize`; where to draw (a new figure sized
        for the number of tasks if ``None``).
    tiers
        Only these tiers (default: all).
    year
        The year of a multi-year plan (default: the first, which has the
        document's planned amounts).
    scale
        ``"linear"`` (default) or ``"log"`` (logarithmic above 100 million VND,
        linear below, so that small tasks and B38 are both legible; said in the
        axis label). ``"symlog"`` is the same as ``"log"``.
    label_width
        Task labels (``B38 Sở Tài nguyên và Môi…``) are cut to this many characters.
    lang
        ``"vi"``: the labels without their English glosses; ``"en"`` keeps them.
        By default the allocation's own :attr:`~portfolio.model.Allocation.lang`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if scale not in ("linear", "log", "symlog"):
        raise ValueError(f"scale must be 'linear' or 'log', got {scale!r}")
    scale = "symlog" if scale == "log" else scale
    table, year = _year_table(allocation, year)
    if tiers is not None:
        table = table[table["tier"].isin({int(t) for t in tiers})]
    table = table.iloc[np.argsort(table["tier"].to_numpy(dtype=int), kind="stable")]
    tier = table["tier"].to_numpy(dtype=int)
    starts = np.r_[True, tier[1:] != tier[:-1]]  # first task of each tier
    y = np.arange(len(table)) + np.cumsum(starts)  # a heading row above each tier
    planned = table["planned"].to_numpy(dtype=float)
    allocated = table["allocated"].to_numpy(dtype=float)
    ax = new_axes(ax, (10.0, 1.6 + 0.165 * (len(table) + int(starts.sum()))))
    heading = ax.get_yaxis_transform()  # x in axes fraction, y in data
    for row, value in zip(y[starts] - 1, tier[starts], strict=True):
        ax.text(0.005, row, tier_label(int(value)), transform=heading, **HEADING)
        ax.axhline(row + 0.5, color="#d0d0d0", lw=0.6, zorder=0)
    for row, task_id, p, a in zip(y, table.index, planned, allocated, strict=True):
        color = UP_COLOR if a > p + AMOUNT else DOWN_COLOR if a < p - AMOUNT else PLANNED_COLOR
        ax.plot([p, a], [row, row], color=color, lw=1.6, solid_capstyle="round", gid=str(task_id), zorder=2)
    ax.scatter(planned, y, s=16, zorder=3, label=PLANNED_LABEL.format(year=year), **HOLLOW)
    rule = f"{ALLOCATED_LABEL}: {allocation.rule}"
    ax.scatter(allocated, y, s=16, zorder=4, color=ALLOCATED_COLOR, label=rule)
    agencies = zip(table.index, table["agency"], strict=True)
    labels = [short(f"{task_id} {agency}", label_width) for task_id, agency in agencies]
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_ylim(float(y.max(initial=0)) + 0.5, -0.5)
    if scale == "symlog":
        ax.set_xscale("symlog", linthresh=100.0, linscale=0.5)
    top = max(float(planned.max(initial=0)), float(allocated.max(initial=0)), 1.0)
    ax.set_xlim(0, top * (1.6 if scale == "symlog" else 1.04))
    log = ", thang log từ 100 (log scale above 100)" if scale == "symlog" else ""
    title = f"Phân bổ theo nhiệm vụ (allocation per task), {year}"
    from matplotlib.lines import Line2D

    handles, names = ax.get_legend_handles_labels()
    for color, name in ((UP_COLOR, "Tăng so với dự kiến (increase)"), (DOWN_COLOR, "Giảm (decrease)")):
        handles.append(Line2D([], [], color=color, lw=1.6))
        names.append(name)
    finish(ax, title, "x", MONEY_LABEL + log, loc="lower right")
    ax.legend(handles, names, fontsize=8, loc="lower right")
    return in_language(ax, lang_of(lang, allocation))


def plot_agencies(
    allocation: Allocation,
    ax: Axes | None = None,
    top: int | None = None,
    *,
    year: int | None = None,
    lang: str | None = None,
) -> Axes:
    """Paired horizontal bars per lead agency: planned (grey) and allocated (blue).

    Agencies are sorted by the larger of their two amounts; with ``top`` the
    rest are summed into one bar ``Các đơn vị khác (others)``. The first bar
    container holds the planned amounts, the second the allocated ones.

    Parameters
    ----------
    allocation, ax
        The result of :func:`portfolio.optimize`; where to draw (a new figure if ``None``).
    top
        Show only the largest agencies.
    year
        The year of a multi-year plan (default: the first).
    lang
        ``"vi"``: the labels without their English glosses (default: the allocation's own).

    Returns
    -------
    matplotlib.axes.Axes
    """
    table, year = _year_table(allocation, year)
    sums = table.groupby("agency", sort=False)[["planned", "allocated"]].sum()
    sums = sums.iloc[np.argsort(-sums.max(axis=1).to_numpy(), kind="stable")]
    if top is not None and top < len(sums):
        rest = sums.iloc[top:].sum()
        sums = sums.iloc[:top].copy()
        sums.loc["Các đơn vị khác (others)"] = rest
    n = len(sums)
    ax = new_axes(ax, (10.0, 1.4 + 0.32 * n))
    y = np.arange(n, dtype=float)
    ax.barh(y - 0.2, sums["planned"], height=0.4, color=PLANNED_COLOR, label=PLANNED_LABEL.format(year=year))
    rule = f"{ALLOCATED_LABEL}: {allocation.rule}"
    ax.barh(y + 0.2, sums["allocated"], 0.4, color=ALLOCATED_COLOR, label=rule)
    ax.set_yticks(y, [short(name, 40) for name in sums.index], fontsize=8)
    ax.set_ylim(n - 0.5, -0.5)
    title = f"Phân bổ theo đơn vị chủ trì (allocation per lead agency), {year}"
    return in_language(finish(ax, title, "x", loc="lower right"), lang_of(lang, allocation))


def plot_tiers(
    allocation: Allocation, ax: Axes | None = None, *, year: int | None = None, lang: str | None = None
) -> Axes:
    """Per funding source, the planned and the allocated amount stacked by tier.

    Two bars per source (planned, allocated), each a stack of tiers; one bar
    container per tier, labelled with the tier. The total stands above each bar.

    Parameters
    ----------
    allocation, ax
        The result of :func:`portfolio.optimize`; where to draw (a new figure if ``None``).
    year
        The year of a multi-year plan (default: the first).
    lang
        ``"vi"``: the labels without their English glosses (default: the allocation's own).

    Returns
    -------
    matplotlib.axes.Axes
    """
    table, year = _year_table(allocation, year)
    sums = table.groupby(["tier", "funding_source"])[["planned", "allocated"]].sum()
    found = set(sums.index.get_level_values(1))
    sources = [s for s in SOURCE_LABELS if s in found] + sorted(found - set(SOURCE_LABELS))
    ax = new_axes(ax, (8.0, 5.5))
    x = np.array([[3.0 * k, 3.0 * k + 1.0] for k in range(len(sources))]).ravel()  # planned, allocated
    bottom = np.zeros(len(x))
    for tier in sorted(set(sums.index.get_level_values(0))):
        heights = sums.loc[tier].reindex(sources, fill_value=0.0).to_numpy(dtype=float).ravel()
        ax.bar(x, heights, 0.8, bottom, color=tier_color(tier), label=tier_label(tier), **STACK)
        bottom += heights
    for xi, total in zip(x, bottom, strict=True):
        ax.text(xi, total, format_vnd(total), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, ["Dự kiến\n(planned)", "Phân bổ\n(allocated)"] * len(sources), fontsize=8)
    below = ax.secondary_xaxis("bottom")
    names = [str(SOURCE_LABELS.get(s, s)) for s in sources]
    below.set_xticks(x.reshape(-1, 2).mean(axis=1), names, fontsize=9, fontweight="bold")
    below.tick_params(length=0, pad=30)  # below the two-line labels of the bars
    below.spines["bottom"].set_visible(False)
    ax.set_xlim(-0.8, x.max() + 0.8)
    ax.set_ylim(0, max(float(bottom.max()), 1.0) * 1.4)  # the legend above the tallest bar
    title = f"Dự kiến và phân bổ theo thứ bậc (planned vs allocated by tier), {year}"
    ax = finish(ax, f"{title}, {allocation.rule}", "y", loc="upper right")
    return in_language(ax, lang_of(lang, allocation))


def plot_plan(
    allocation: Allocation, ax: Axes | None = None, by: str = "tier", *, lang: str | None = None
) -> Axes:
    """A multi-year plan: the allocation of each year stacked by tier or group.

    One bar per year, stacked by ``by``, one bar container per tier (or group);
    a black dash marks each year's total envelope.

    Parameters
    ----------
    allocation, ax
        The result of :func:`portfolio.optimize` (any number of years); where to
        draw (a new figure if ``None``).
    by
        ``"tier"``, ``"group"`` or ``"funding_source"``.
    lang
        ``"vi"``: the labels without their English glosses (default: the allocation's own).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        For any other ``by``.
    """
    if by not in BY_LABELS:
        raise ValueError(f"by must be one of {', '.join(BY_LABELS)}, got {by!r}")
    sums = allocation.table.groupby(["year", by])["allocated"].sum().unstack(fill_value=0)
    years = np.asarray(allocation.years)
    sums = sums.reindex(years, fill_value=0.0)
    ax = new_axes(ax, (max(8.0, 5.0 + 1.2 * len(years)), 5.5))
    bottom = np.zeros(len(years))
    for k, key in enumerate(sums.columns):
        color = GROUP_COLORS.get(str(key), COLORS[k % len(COLORS)])
        color = tier_color(int(key)) if by == "tier" else color
        heights = sums[key].to_numpy(dtype=float)
        ax.bar(years, heights, 0.6, bottom, color=color, label=key_label(by, key), **STACK)
        bottom += heights
    envelope = [sum(v for (_, y), v in allocation.envelopes.items() if y == year) for year in years]
    ax.hlines(envelope, years - 0.4, years + 0.4, color="black", lw=2, zorder=5, label="Hạn mức (envelope)")
    for xi, total in zip(years, bottom, strict=True):
        ax.text(xi, total * 0.99, format_vnd(total), ha="center", va="top", fontsize=8, bbox=BOX)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlabel("Năm (year)")
    what = BY_LABELS[by].split(" (")[0].lower()
    title = f"Kế hoạch {len(years)} năm theo {what} (multi-year plan by {by}), {allocation.rule}"
    ax = finish(ax, title, "y", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return in_language(ax, lang_of(lang, allocation))


def save_figure(ax: Axes, path: str | Path) -> Path:
    """Save the figure holding ``ax`` as a PNG (atomic, 120 dpi, reproducible bytes).

    Parameters
    ----------
    ax
        Any Axes of the figure.
    path
        The ``.png`` file; written as PNG whatever its suffix.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    from matplotlib.figure import Figure

    from .output import atomic_path

    figure: Any = ax.figure
    while not isinstance(figure, Figure):  # a SubFigure: its parent
        figure = figure.figure
    with atomic_path(Path(path)) as temporary:
        figure.savefig(temporary, format="png", dpi=120, bbox_inches="tight", metadata={"Software": None})
    return Path(path)

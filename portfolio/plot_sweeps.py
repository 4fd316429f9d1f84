"""Charts of scenario comparisons and of budget frontiers (matplotlib, imported on first use).

Each function draws on ``ax`` (a new figure if ``None``) and returns the Axes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .export import SOURCE_LABELS, tier_label
from .money import format_vnd
from .plot_style import (
    COLORS,
    MONEY_LABEL,
    PLANNED_COLOR,
    finish,
    in_language,
    key_label,
    new_axes,
    short,
    tier_color,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["plot_comparison", "plot_frontier"]


def plot_frontier(
    frontier_frame: pd.DataFrame,
    ax: Axes | None = None,
    *,
    current: dict[str, float] | None = None,
    lang: str = "en",
) -> Axes:
    """Coverage of each tier as the envelope grows: one line per tier, the current envelope marked.

    Parameters
    ----------
    frontier_frame
        Columns ``envelope``, ``source``, ``tier``, ``coverage`` (0–1), one row
        per envelope and tier; rows whose ``failed`` column is true are skipped.
        A :class:`~portfolio.frontiers.Frontier` brings its own ``current``.
    ax
        Where to draw; a new figure if ``None``.
    current
        Source -> the current envelope, marked by a vertical black line with its
        amount (default: the frame's ``current``, if it has one).
    lang
        ``"vi"``: the labels without their English glosses; ``"en"`` keeps them.

    Returns
    -------
    matplotlib.axes.Axes
        One line per (source, tier), points sorted by envelope, sources in
        :data:`SOURCE_LABELS` order; with several sources each has its line style
        and is named in the legend (placed beside the chart).
    """
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    frame = frontier_frame
    if current is None:
        current = getattr(frontier_frame, "current", None)
    if "failed" in frame.columns:
        frame = frame[~frame["failed"].fillna(False).astype(bool)]
    found = list(dict.fromkeys(frame["source"]))
    sources = [s for s in SOURCE_LABELS if s in found] + [s for s in found if s not in SOURCE_LABELS]
    ax = new_axes(ax, (11.0 if len(sources) < 2 else 12.5, 5.0))
    for s, source in enumerate(sources):  # a line style per source, a colour per tier
        tiers = frame[frame["source"] == source].groupby("tier", sort=True)
        for k, (key, points) in enumerate(tiers):
            tier, points = int(cast(Any, key)), points.sort_values("envelope", kind="stable")
            label = tier_label(tier) + (f", {key_label('source', source)}" if len(sources) > 1 else "")
            width = 1.5 + 1.0 * (tiers.ngroups - 1 - k)  # wider below, so that equal lines stay visible
            style: dict[str, Any] = {"marker": "osD^v<>"[k % 7], "ms": 4, "lw": width, "label": label}
            x, y = points["envelope"].to_numpy(dtype=float), points["coverage"].to_numpy(dtype=float)
            ax.plot(x, y, color=tier_color(tier), ls=("-", "--", ":")[s % 3], zorder=2 + k, **style)
        if current and source in current:
            where = float(current[source])
            name = f"Hạn mức hiện tại (current envelope): {format_vnd(where)}"
            name += f", {key_label('source', source)}" if len(sources) > 1 else ""
            ax.axvline(
                where, color="black", ls=("-", "--", ":")[s % 3], lw=1.2, zorder=10, label=name, gid="current"
            )
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6))  # amounts like 800.000 need room
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("Mức đáp ứng (coverage)")
    ax.set_ylim(-0.03, 1.03)
    title = "Mức đáp ứng theo hạn mức (coverage vs envelope)"
    outside = {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0)}
    ax = finish(ax, title, "x", f"Hạn mức (envelope), {MONEY_LABEL}", both=True, **outside)
    return in_language(ax, lang)


def _row_label(names: list[str], key: Any) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    words = []
    for name, part in zip(names, parts, strict=True):
        if name == "tier":
            words.append(tier_label(int(part)))
        elif name in ("group", "funding_source"):
            words.append(key_label(name, part))
        else:
            words.append(short(str(part), 48))
    return "\n".join(words)


def plot_comparison(
    comparison_frame: pd.DataFrame, ax: Axes | None = None, *, top: int | None = None, lang: str = "en"
) -> Axes:
    """Grouped horizontal bars: one group per row (tier, task group, agency, task), one bar per scenario.

    Horizontal, so that every row's name has a line of its own, however many rows.

    Parameters
    ----------
    comparison_frame
        Indexed by tier (index name ``tier``), ``(funding_source, tier)``, task
        group or any label, one column of amounts per scenario. A total row
        (``TỔNG``) is left out.
    ax
        Where to draw; a new figure sized for the rows if ``None``.
    top
        Only the rows with the largest amounts (the rest summed into ``Còn lại (others)``).
    lang
        ``"vi"``: the labels without their English glosses; ``"en"`` keeps them.

    Returns
    -------
    matplotlib.axes.Axes
        One bar container per scenario, in column order, the first row on top;
        a ``tier`` or ``group`` index is labelled in words.
    """
    frame = comparison_frame
    keys = [key[0] if isinstance(key, tuple) else key for key in frame.index]
    frame = frame[[str(k) != "TỔNG" for k in keys]]
    if top is not None and top < len(frame):
        import pandas as pd

        order = np.argsort(-frame.abs().max(axis=1).to_numpy(float), kind="stable")
        keep = np.zeros(len(frame), dtype=bool)
        keep[order[:top]] = True
        rest, frame = frame[~keep].sum(), frame[keep]
        if not isinstance(frame.index, pd.MultiIndex):
            others = pd.Index(["Còn lại (others)"], name=frame.index.name)
            frame = pd.concat([frame, pd.DataFrame([rest.to_numpy()], columns=frame.columns, index=others)])
    n_rows, n_cols = frame.shape
    names = [str(name) for name in frame.index.names]
    labels = [_row_label(names, key) for key in frame.index]
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    step = max(0.16 * lines + 0.08, 0.12 * n_cols + 0.1)  # inches per row
    ax = new_axes(ax, (10.0, 1.6 + step * n_rows))
    y = np.arange(n_rows, dtype=float)
    height = 0.8 / max(1, n_cols)
    for k, column in enumerate(frame.columns):
        offset = (k - (n_cols - 1) / 2) * height
        color = PLANNED_COLOR if str(column) == "planned" else COLORS[k % len(COLORS)]
        values = frame[column].to_numpy(dtype=float)
        ax.barh(y + offset, values, height * 0.95, label=str(column), color=color)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_ylim(n_rows - 0.5, -0.5)
    title = "So sánh kịch bản (scenario comparison)"
    legend: dict[str, Any] = {
        "title": "Kịch bản (scenario)",
        "loc": "upper left",
        "bbox_to_anchor": (1.0, 1.0),
    }
    return in_language(finish(ax, title, "x", **legend), lang)

"""Charts of a simulation: each task's core index, and a fan chart of tier coverage against the envelope."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .errors import ScenarioError
from .export import tier_label
from .model.inputs import planned_totals
from .model.options import SOURCES
from .money import format_vnd
from .plot_style import MONEY_LABEL, finish, key_label, new_axes, tier_color

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .simulation import Simulation

__all__ = ["plot_core", "plot_fan"]


def _year(sim: Simulation, year: int | None) -> int:
    if year is None:
        return sim.years[0]
    if year not in sim.years:
        raise ScenarioError(f"expected one of the years {list(sim.years)}, got {year!r}", field="year")
    return int(year)


def plot_core(sim: Simulation, ax: Axes | None = None, *, year: int | None = None) -> Axes:
    """The core index of every task as bars, grouped and coloured by tier; returns the Axes.

    A bar at 100% is a task the run funds in full in every scenario, a bar at 0 one it
    never does (a new task that never starts, a task rationed in every scenario).
    """
    from matplotlib.patches import Patch
    from matplotlib.ticker import PercentFormatter

    year = _year(sim, year)
    core = sim.core_index.xs(year, level="year")
    k = sim.years.index(year)
    tiers = np.nanmedian(np.where(sim.outcomes.tier[:, k, :] > 0, sim.outcomes.tier[:, k, :], np.nan), axis=0)
    tiers = np.nan_to_num(tiers, nan=0).astype(int)
    order = np.lexsort((np.arange(len(core)), tiers))
    ax = new_axes(ax, (max(8.0, 0.14 * len(core) + 2), 4.6))
    positions = np.arange(len(core))
    colors = [tier_color(int(tiers[i])) for i in order]
    ax.bar(positions, core.to_numpy()[order], color=colors, width=0.8, edgecolor="white", lw=0.3)
    ax.set_xticks(positions)
    ax.set_xticklabels([core.index[i] for i in order], rotation=90, fontsize=6)
    ax.set_xlim(-0.7, len(core) - 0.3)
    ax.set_ylim(0, 1.04)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("Chỉ số lõi (core index)")
    ax.grid(axis="y", color="#e6e6e6", lw=0.6)
    ax.set_axisbelow(True)
    handles = [
        Patch(color=tier_color(t), label=tier_label(int(t))) for t in sorted(set(tiers.tolist()) - {0})
    ]
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(
        f"Chỉ số lõi {year}: tỷ lệ kịch bản cấp đủ nhu cầu (core index: share of {sim.scenarios:,} "
        "scenarios that fund the task in full)".replace(",", "."),
        fontsize=10.5,
    )
    return ax


def plot_fan(
    sim: Simulation,
    ax: Axes | None = None,
    *,
    source: str = "recurrent",
    year: int | None = None,
    bins: int = 24,
) -> Axes:
    """Each tier's coverage against the source's envelope: median and 50% / 90% bands; returns the Axes.

    The scenarios are put in ``bins`` groups of equal count by the envelope of
    ``source`` in ``year``; in each, the 5–95% and 25–75% ranges of each tier's
    coverage are shaded around its median. Where the coverage depends on that
    envelope alone (one year, each source rationed on its own) the fan is a line; the
    spread comes from the other years' envelopes. The grey bars below show how the
    envelopes are spread, the black line the document's envelope.
    """
    from matplotlib.ticker import PercentFormatter

    if source not in SOURCES:
        raise ScenarioError(f"expected recurrent or investment, got {source!r}", field="source")
    year = _year(sim, year)
    ok = sim.outcomes.reason == ""
    envelope = sim.envelopes[(source, year)].to_numpy(float)[ok]
    coverage = sim.tier_coverage()[ok]
    ax = new_axes(ax, (10.5, 5.0))
    if not envelope.size:
        return ax
    order = np.argsort(envelope, kind="stable")
    groups = [g for g in np.array_split(order, max(1, min(bins, envelope.size))) if g.size]
    centers = np.array([np.median(envelope[g]) for g in groups])
    tiers = [int(t) for (s, y, t) in coverage.columns if s == source and y == year]
    for k, tier in enumerate(tiers):
        values = coverage[(source, year, tier)].to_numpy(float)
        q = np.array([np.nanquantile(values[g], [0.05, 0.25, 0.5, 0.75, 0.95]) for g in groups])
        color = tier_color(tier)
        ax.fill_between(centers, q[:, 0], q[:, 4], color=color, alpha=0.15, lw=0)
        ax.fill_between(centers, q[:, 1], q[:, 3], color=color, alpha=0.3, lw=0)
        width = 1.6 + 1.2 * (len(tiers) - 1 - k)  # wider below, so that equal lines stay visible
        ax.plot(centers, q[:, 2], color=color, lw=width, label=tier_label(tier), zorder=3 + k)
    ax.fill_between([], [], [], color="#777777", alpha=0.3, lw=0, label="50% kịch bản (of scenarios)")
    ax.fill_between([], [], [], color="#777777", alpha=0.12, lw=0, label="90% kịch bản (of scenarios)")
    counts, edges = np.histogram(envelope, bins=30)
    if counts.max() > 0:
        heights = 0.16 * counts / counts.max()
        ax.bar(
            edges[:-1],
            heights,
            width=np.diff(edges),
            align="edge",
            bottom=-0.2,
            color="#d9d9d9",
            lw=0,
            label="Phân bố hạn mức (envelopes drawn)",
        )
    document = planned_totals(sim.tasks)[source]
    name = f"Hạn mức của văn bản (document's envelope): {format_vnd(document)}"
    ax.axvline(document, color="black", lw=1.2, label=name)
    ax.set_ylim(-0.22, 1.05)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_ylabel("Mức đáp ứng (coverage)")
    title = (
        f"Mức đáp ứng theo hạn mức {year}, {key_label('source', source)}: trung vị, 50% và 90% "
        "(coverage vs envelope: median, 50% and 90% bands)"
    )
    outside = {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0)}
    return finish(ax, title, "x", f"Hạn mức (envelope), {MONEY_LABEL}", **outside)

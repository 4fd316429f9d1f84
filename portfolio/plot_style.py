"""The look shared by every chart: colours, labels, axes and the money axis (matplotlib on first use)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from .export import SOURCE_LABELS, tier_label
from .language import without_glosses
from .money import format_vnd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ALLOCATED_COLOR", "ALLOCATED_LABEL", "BOX", "BY_LABELS", "COLORS", "DOWN_COLOR", "GROUP_COLORS"]
__all__ += ["HEADING", "HOLLOW", "MONEY_LABEL", "PLANNED_COLOR", "PLANNED_LABEL", "STACK", "UP_COLOR"]
__all__ += ["finish", "in_language", "key_label", "new_axes", "short", "tier_color"]

MONEY_LABEL = "triệu đồng (million VND)"
ALLOCATED_LABEL = "Phân bổ (allocated)"
PLANNED_LABEL = "Dự kiến phân bổ {year} (planned)"  # the document's allocation
PLANNED_COLOR = "#8c8c8c"
ALLOCATED_COLOR = "#1f5fa8"
UP_COLOR, DOWN_COLOR = "#3a9a4a", "#c8453b"
TIER_COLORS = {1: "#4c72b0", 2: "#55a868", 3: "#dd8452", 4: "#c44e52"}
COLORS = ("#1f5fa8", "#dd8452", "#55a868", "#8172b3", "#c44e52", "#937860", "#64b5cd")
GROUP_COLORS = {"A": "#4c72b0", "B": "#dd8452", "C": "#55a868", "D": "#8172b3"}
HEADING: dict[str, Any] = {"fontsize": 8.5, "fontweight": "bold", "va": "center", "ha": "left"}
HOLLOW: dict[str, Any] = {"facecolor": "white", "edgecolor": PLANNED_COLOR, "linewidth": 1.2}
STACK: dict[str, Any] = {"edgecolor": "white", "lw": 0.5}
BOX: dict[str, Any] = {"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1.5}
BY_LABELS = {"tier": "Thứ bậc (tier)", "group": "Nhóm (group)", "funding_source": "Nguồn vốn (source)"}


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax``, or the Axes of a new figure of ``size`` inches."""
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.subplots(figsize=size, layout="constrained")[1]
    return ax


def tier_color(tier: int) -> str:
    """The colour of a tier (the same in every chart)."""
    return TIER_COLORS.get(int(tier), COLORS[int(tier) % len(COLORS)])


def short(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def finish(ax: Axes, heading: str, axis: str, label: str = MONEY_LABEL, **legend: Any) -> Axes:
    """Money ticks and label on ``axis`` (``x`` or ``y``), grid, title, legend."""
    from matplotlib.ticker import FuncFormatter

    money = FuncFormatter(lambda value, _: format_vnd(value))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(money)
    (ax.set_xlabel if axis == "x" else ax.set_ylabel)(label)
    ax.grid(axis=cast(Any, "both" if legend.pop("both", False) else axis), color="#e6e6e6", lw=0.6)
    ax.set_axisbelow(True)
    ax.set_title(heading, fontsize=10.5)
    ax.legend(fontsize=8, title_fontsize=8, **{"loc": "best", **legend})
    return ax


def key_label(by: str, key: Any, wrap: bool = False) -> str:
    """A tier, task group or funding source in words (``wrap``: a tier on two lines)."""
    if by == "tier":
        tier = int(key)
        return f"Thứ bậc {tier} (tier {tier})\n{tier_label(tier, short=True)}" if wrap else (tier_label(tier))
    if by == "group":
        return f"Nhóm {key} (group {key})"
    return SOURCE_LABELS.get(str(key), str(key))  # a source or any other label


# on tick labels, which may be names: only a gloss in lower case ("(planned)", not "(IOC)")
_TICK_GLOSS = re.compile(r"\s*\((?=[a-z])[ -'*-~]*\)")


def in_language(ax: Axes, lang: str = "en") -> Axes:
    """The chart's words in ``lang``: ``"vi"`` drops the English glosses; ``"en"`` keeps them.

    Titles, axis labels, legend, the texts drawn on the chart and the fixed tick
    labels (``Dự kiến (planned)``; of secondary axes too) lose their glosses.

    Examples
    --------
    >>> without_glosses("Phân bổ theo nhiệm vụ (allocation per task), 2024 (đợt 1)")
    'Phân bổ theo nhiệm vụ, 2024 (đợt 1)'
    """
    from matplotlib.ticker import FixedLocator

    if lang == "en":
        return ax
    if lang != "vi":
        raise ValueError(f"expected lang 'en' or 'vi', got {lang!r}")
    texts = [ax.title, ax.xaxis.label, ax.yaxis.label]
    legend = ax.get_legend()
    if legend is not None:
        texts += [*legend.get_texts(), legend.get_title()]
    texts += [t for t in ax.texts]
    for text in texts:
        text.set_text(without_glosses(text.get_text()))
    for axes in [ax, *ax.child_axes]:
        for axis in (axes.xaxis, axes.yaxis):
            if isinstance(axis.get_major_locator(), FixedLocator):  # labels given, not numbers
                labels = [_TICK_GLOSS.sub("", t.get_text()) for t in axis.get_ticklabels()]
                axis.set_ticks(axis.get_ticklocs(), labels)
    return ax

"""Plots from the results: Allocation.plot, Comparison.plot, Frontier.plot; labels that never overlap."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

import portfolio as pf
from portfolio.cli import main
from portfolio.model import Allocation
from portfolio.scenarios import Comparison
from portfolio.widget import WhatIf


@pytest.fixture(scope="module")
def allocation() -> Allocation:
    return pf.optimize()


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    scenarios = [
        pf.Scenario(name="cut10", budget={"recurrent": "-10%"}),
        pf.Scenario(name="cut20", budget={"recurrent": "-20%"}),
    ]
    return pf.compare(scenarios)


def _overlaps(ax: Axes) -> list[tuple[str, str]]:
    """Pairs of drawn texts of the figure whose boxes intersect (by more than a pixel)."""
    figure: Any = ax.figure
    if not isinstance(figure.canvas, FigureCanvasAgg):  # a Figure made without pyplot
        FigureCanvasAgg(figure)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox
    boxes = []
    for text in figure.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        box = text.get_window_extent(renderer)
        if box.x1 < frame.x0 or box.x0 > frame.x1 or box.y1 < frame.y0 or box.y0 > frame.y1:
            continue  # a tick outside the view is not drawn
        boxes.append((text.get_text(), box.expanded(1.0, 1.0).padded(-1.0)))
    return [
        (a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1 :] if box_a.overlaps(box_b)
    ]


CHARTS: dict[str, Callable[[Allocation, Comparison], Axes]] = {
    "task": lambda a, c: a.plot("task"),
    "tier": lambda a, c: a.plot("tier"),
    "agency": lambda a, c: a.plot("agency"),
    "plan": lambda a, c: pf.optimize(years=3).plot("plan"),
    "compare tier": lambda a, c: c.plot("tier"),
    "compare group": lambda a, c: c.plot(by="group"),
    "compare agency": lambda a, c: c.plot(by="agency"),
    "compare task": lambda a, c: c.plot(by="task"),
    "frontier": lambda a, c: pf.frontier(points=40).plot(),
    "frontier both": lambda a, c: pf.frontier(source="both", points=20).plot(),
    "what-if tier": lambda a, c: WhatIf(pf.read_appendix(), draw=False).figure().axes[0],
    "what-if agency": lambda a, c: WhatIf(pf.read_appendix(), draw=False).figure().axes[1],
}


@pytest.mark.parametrize("chart", list(CHARTS))
def test_no_label_overlaps_on_the_bundled_data(
    chart: str, allocation: Allocation, comparison: Comparison
) -> None:
    ax = CHARTS[chart](allocation, comparison)
    try:
        assert isinstance(ax, Axes)
        assert _overlaps(ax) == []
    finally:
        plt.close("all")


def test_overlap_check_sees_overlaps() -> None:
    figure, ax = plt.subplots(figsize=(3, 2))
    ax.text(0.5, 0.5, "Đầu tư công (investment)")
    ax.text(0.52, 0.5, "Đầu tư công (investment)")
    assert len(_overlaps(ax)) == 1
    plt.close(figure)


def test_allocation_plot_draws_on_the_given_axes(allocation: Allocation) -> None:
    figure, ax = plt.subplots()
    for kind in ("task", "tier", "agency", "plan"):
        ax.clear()
        assert allocation.plot(kind, ax=ax) is ax
    with pytest.raises(ValueError, match="kind must be one of"):
        allocation.plot("pie")
    plt.close(figure)


def test_task_chart_linear_by_default_with_a_legend(allocation: Allocation) -> None:
    ax = allocation.plot()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]  # type: ignore[union-attr]
    assert ax.get_xscale() == "linear" and "log" not in ax.get_xlabel()
    assert "Tăng so với dự kiến (increase)" in legend and "Giảm (decrease)" in legend
    plt.close(ax.figure)  # type: ignore[arg-type]
    ax = allocation.plot(scale="log")
    assert ax.get_xscale() == "symlog" and "log scale above 100" in ax.get_xlabel()
    plt.close(ax.figure)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="scale"):
        allocation.plot(scale="cubic")


def test_comparison_plot_bars(comparison: Comparison) -> None:
    ax = comparison.plot(by="group")
    assert [c.get_label() for c in ax.containers] == ["planned", "cut10", "cut20"]
    widths = [bar.get_width() for bar in ax.containers[1]]  # type: ignore[attr-defined]
    assert widths == pytest.approx(comparison.per_group["cut10"].drop("TỔNG").to_list())
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Nhóm A (group A)"
    plt.close(ax.figure)  # type: ignore[arg-type]
    ax = comparison.plot(by="task", top=5)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 6 and labels[-1] == "Còn lại (others)" and "B38" in labels
    total = sum(bar.get_width() for bar in ax.containers[0])  # type: ignore[attr-defined]
    assert total == pytest.approx(comparison.per_task["planned"].drop("TỔNG").sum())
    plt.close(ax.figure)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="by must be"):
        comparison.plot(by="colour")


def test_frontier_marks_the_current_envelope() -> None:
    sweep = pf.frontier(points=20, budget={"recurrent": 300_000})
    ax = sweep.plot()
    marks = [line for line in ax.get_lines() if line.get_gid() == "current"]
    assert len(marks) == 1 and list(marks[0].get_xdata()) == [300_000.0, 300_000.0]
    assert "300.000" in str(marks[0].get_label())
    plt.close(ax.figure)  # type: ignore[arg-type]


def test_cli_years_png_draws_the_plan(tmp_path: Path) -> None:
    out = tmp_path / "plan.png"
    assert main(["optimize", "--years", "3", "--out", str(out)]) == 0
    height, width = plt.imread(out).shape[:2]
    assert width > height  # the plan's three bars, not the tall per-task chart

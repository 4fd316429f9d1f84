"""Charts: the plotted data, not pixels."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.container import BarContainer

import portfolio as pf
from portfolio.model import Allocation
from portfolio.plots import (
    plot_agencies,
    plot_comparison,
    plot_frontier,
    plot_plan,
    plot_tasks,
    plot_tiers,
    save_figure,
)


@pytest.fixture(scope="module")
def allocation() -> Allocation:
    return pf.optimize()


@pytest.fixture(scope="module")
def plan() -> Allocation:
    return pf.optimize(years=3)


@pytest.fixture
def ax() -> Iterator[Axes]:
    figure, axes = plt.subplots()
    yield axes
    plt.close(figure)


def _bars(ax: Axes) -> list[BarContainer]:
    return [c for c in ax.containers if isinstance(c, BarContainer)]


def _x(line: Any) -> list[float]:
    return [float(v) for v in np.asarray(line.get_xdata(), dtype=float)]


def _y(line: Any) -> list[float]:
    return [float(v) for v in np.asarray(line.get_ydata(), dtype=float)]


def _close(ax: Axes) -> None:
    plt.close(ax.get_figure())  # type: ignore[arg-type]


def test_import_portfolio_does_not_load_matplotlib() -> None:
    code = "import sys, portfolio, portfolio.plots, portfolio.export; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_plot_tasks_dumbbells(allocation: Allocation, ax: Axes) -> None:
    assert plot_tasks(allocation, ax=ax) is ax
    lines = {str(line.get_gid()): line for line in ax.get_lines() if line.get_gid()}
    table = allocation.year_table()
    planned, allocated, tier = (table[c].to_dict() for c in ("planned", "allocated", "tier"))
    assert set(lines) == set(table.index)
    for task_id, line in lines.items():
        assert _x(line) == [planned[task_id], allocated[task_id]]
        assert _y(line)[0] == _y(line)[1]
    # grouped and ordered by tier, tier 1 at the top (y grows downwards)
    rows = sorted(lines, key=lambda task_id: _y(lines[task_id])[0])
    tiers = [tier[task_id] for task_id in rows]
    assert tiers == sorted(tiers)
    assert ax.get_ylim()[0] > ax.get_ylim()[1]
    headings = [t.get_text() for t in ax.texts]
    assert headings == [
        f"Thứ bậc {t} (tier {t})" + h
        for t, h in zip(
            [1, 2, 3, 4],
            [
                ": Cam kết (commitments)",
                ": Hoàn thành trong năm (finishing)",
                ": Chuyển tiếp (continuing)",
                ": Khởi công mới (new)",
            ],
            strict=True,
        )
    ]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "B38 Sở Tài nguyên và Môi trường" in labels
    legend = [t.get_text() for t in ax.get_legend().get_texts()]  # type: ignore[union-attr]
    assert legend[0] == "Dự kiến phân bổ 2024 (planned)"
    assert "triệu đồng (million VND)" in ax.get_xlabel()


def test_plot_tasks_tiers_and_new_figure(allocation: Allocation) -> None:
    ax = plot_tasks(allocation, tiers=[3], scale="linear")
    try:
        ids = {line.get_gid() for line in ax.get_lines() if line.get_gid()}
        table = allocation.year_table()
        assert ids == set(table.index[table["tier"] == 3])
        assert ax.get_xscale() == "linear"
    finally:
        _close(ax)
    with pytest.raises(ValueError, match="scale"):
        plot_tasks(allocation, scale="sqrt")


def test_plot_agencies_pairs(allocation: Allocation, ax: Axes) -> None:
    assert plot_agencies(allocation, ax=ax) is ax
    planned, allocated = _bars(ax)
    sums = allocation.table.groupby("agency")[["planned", "allocated"]].sum()
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert len(names) == len(sums)
    shown = {
        name: (p.get_width(), a.get_width()) for name, p, a in zip(names, planned, allocated, strict=True)
    }
    for agency, row in sums.iterrows():
        assert shown[str(agency)] == pytest.approx((row["planned"], row["allocated"]))


def test_plot_agencies_top_keeps_totals(allocation: Allocation, ax: Axes) -> None:
    plot_agencies(allocation, ax=ax, top=5)
    planned, allocated = _bars(ax)
    assert len(planned) == 6
    assert ax.get_yticklabels()[-1].get_text() == "Các đơn vị khác (others)"
    assert sum(b.get_width() for b in planned) == pytest.approx(allocation.table["planned"].sum())
    assert sum(b.get_width() for b in allocated) == pytest.approx(allocation.table["allocated"].sum())


def test_plot_tiers_stacks_add_up(allocation: Allocation, ax: Axes) -> None:
    assert plot_tiers(allocation, ax=ax) is ax
    containers = _bars(ax)
    assert str(containers[0].get_label()).startswith("Thứ bậc 1 (tier 1)")
    heights = np.array([[bar.get_height() for bar in c] for c in containers]).sum(axis=0)
    table = allocation.table
    expected = []
    for source in ("recurrent", "investment"):
        part = table[table["funding_source"] == source]
        expected += [part["planned"].sum(), part["allocated"].sum()]
    assert heights == pytest.approx(expected)
    # each stack starts where the previous tier ended
    for lower, upper in zip(containers, containers[1:], strict=False):
        for a, b in zip(lower, upper, strict=True):
            assert b.get_y() == pytest.approx(a.get_y() + a.get_height())


@pytest.mark.parametrize("by", ["tier", "group", "funding_source"])
def test_plot_plan_stacks_per_year(plan: Allocation, ax: Axes, by: str) -> None:
    assert plot_plan(plan, ax=ax, by=by) is ax
    containers = _bars(ax)
    assert len(containers) == plan.table[by].nunique()
    heights = np.array([[bar.get_height() for bar in c] for c in containers]).sum(axis=0)
    expected = plan.table.groupby("year")["allocated"].sum().reindex(plan.years)
    assert heights == pytest.approx(expected.to_numpy())
    assert [bar.get_x() + bar.get_width() / 2 for bar in containers[0]] == plan.years
    with pytest.raises(ValueError, match="by must be"):
        plot_plan(plan, ax=ax, by="agency")


def test_plot_frontier_one_line_per_tier(ax: Axes) -> None:
    frame = pd.DataFrame(
        {
            "envelope": [300.0, 100.0, 200.0] * 2 + [50.0, 400.0],
            "source": ["recurrent"] * 8,
            "tier": [3, 3, 3, 4, 4, 4, 3, 4],
            "coverage": [1.0, 0.2, 0.6, 0.5, 0.0, 0.1, 0.9, 0.9],
            "failed": [False] * 6 + [True, True],
        }
    )
    assert plot_frontier(frame, ax=ax) is ax
    lines = ax.get_lines()
    assert len(lines) == 2
    assert _x(lines[0]) == [100.0, 200.0, 300.0] and _y(lines[0]) == [0.2, 0.6, 1.0]
    assert _x(lines[1]) == [100.0, 200.0, 300.0] and _y(lines[1]) == [0.0, 0.1, 0.5]
    assert lines[0].get_label() == "Thứ bậc 3 (tier 3): Chuyển tiếp (continuing)"


def test_plot_comparison_grouped_bars(allocation: Allocation, ax: Axes) -> None:
    frame = pd.DataFrame(
        {
            "proportional": allocation.table.groupby("tier")["allocated"].sum(),
            "planned": allocation.table.groupby("tier")["planned"].sum(),
        }
    )
    assert plot_comparison(frame, ax=ax) is ax
    containers = _bars(ax)
    assert [c.get_label() for c in containers] == ["proportional", "planned"]
    for container, column in zip(containers, frame.columns, strict=True):
        assert [bar.get_width() for bar in container] == pytest.approx(frame[column].to_list())
    assert ax.get_yticklabels()[0].get_text() == "Thứ bậc 1 (tier 1): Cam kết (commitments)"
    by_group = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}, index=pd.Index(["A", "B"], name="group"))
    ax.clear()
    plot_comparison(by_group, ax=ax)
    assert ax.get_yticklabels()[1].get_text() == "Nhóm B (group B)"


def test_save_figure_reproducible(allocation: Allocation, ax: Axes, tmp_path: Path) -> None:
    plot_tiers(allocation, ax=ax)
    one = save_figure(ax, tmp_path / "one.png")
    two = save_figure(ax, str(tmp_path / "two.png"))
    data = one.read_bytes()
    assert data.startswith(b"\x89PNG") and data == two.read_bytes()
    assert b"Matplotlib" not in data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.png", "two.png"]

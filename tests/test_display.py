"""Rich display: the compact HTML of results, the display options, small task lists."""

from __future__ import annotations

import re

import pytest

import portfolio as pf
from portfolio.display import option_context
from portfolio.errors import ScenarioError
from portfolio.model import Allocation


@pytest.fixture(scope="module")
def allocation() -> Allocation:
    return pf.optimize()


def _rows(text: str) -> int:
    return len(re.findall(r"<tr>", text))


def test_allocation_html_is_compact_and_vietnamese(allocation: Allocation) -> None:
    text = allocation._repr_html_()
    assert _rows(text) <= 30
    assert "quy tắc (rule) proportional" in text
    assert "332.401" in text and "66.390" in text  # the envelopes
    assert "32,23%" in text  # recurrent tier 3
    # the largest change against the document: B38, planned 120.000, allocated 76.559
    first = re.search(r"<tbody><tr><td>(\w+)</td>", text.split("thay đổi lớn nhất")[1])
    assert first is not None and first.group(1) == "B38"
    assert "-43.441" in text and "76.559" in text
    assert "18000.000000" not in text and "nan" not in text


def test_plan_html_has_coverage_per_year() -> None:
    text = pf.optimize(years=3)._repr_html_()
    assert _rows(text) <= 30
    assert "2024–2026" in text
    assert all(f"coverage) {year}" in text or f"đáp ứng {year}" in text for year in (2024, 2025, 2026))


def test_display_language_and_restore(allocation: Allocation) -> None:
    assert pf.options.display.lang == "vi"
    with option_context(lang="en", max_rows=3):
        text = allocation._repr_html_()
        assert "332,401" in text and "32.23%" in text and "Envelope" in text
        assert "Hạn mức" not in text
        assert text.count("<td>B") + text.count("<td>A") + text.count("<td>D") + text.count("<td>C") <= 3
    assert pf.options.display.lang == "vi" and pf.options.display.max_rows == 10
    with pytest.raises(ScenarioError, match="vi, en"):
        pf.options.display.lang = "fr"
    with pytest.raises(ScenarioError):
        pf.options.display.max_rows = 0


def test_comparison_html() -> None:
    comparison = pf.compare([pf.Scenario(name="cut10", budget={"recurrent": "-10%"})])
    text = comparison._repr_html_()
    assert "cut10" in text and "planned" in text
    assert "299.161" in text  # 90% of 332.401 (299.160,9)
    assert _rows(text) <= 30


def test_tasks_html_and_selection() -> None:
    tasks = pf.read_appendix()
    text = tasks._repr_html_()
    assert "81 nhiệm vụ" in text and _rows(text) <= 30
    assert "còn 71 dòng nữa" in text
    few = tasks.select(["c1", "B38", "A1"])
    assert few.ids == ("A1", "B38", "C1")  # document order
    assert len(tasks.where(group="D")) == 4
    health = tasks.where(agency="Sở Y tế")
    assert health.ids and all(t.agency == "Sở Y tế" for t in health)
    big = tasks.where(lambda t: t.planned >= 50_000)
    assert big.ids == ("B38", "D1")
    assert tasks.where(group=["A", "D"]).ids == tuple(t.id for t in tasks if t.group in "AD")
    with pytest.raises(KeyError, match="Z9"):
        tasks.select(["B38", "Z9"])
    with pytest.raises(KeyError, match="colour"):
        tasks.where(colour="red")
    # a small example allocates like any list
    a = pf.optimize(few, budget={"recurrent": 30_000, "investment": 0})
    assert a.allocated.sum() == pytest.approx(30_000)


def test_frontier_html_marks_current_envelope() -> None:
    sweep = pf.frontier(points=200)
    assert sweep.current == {"recurrent": 332_401.0}
    text = sweep._repr_html_()
    current = text.split("332.401 (hạn mức hiện tại)")[1]
    assert "32,23%" in current.split("</tr>")[0]
    assert _rows(text) <= 30
    assert type(sweep.head()) is not type(sweep)  # derived tables are plain DataFrames


def test_format_pandas_writes_the_document_numbers() -> None:
    import pandas as pd

    old = pd.get_option("display.float_format")
    try:
        pf.options.display.format_pandas()
        text = repr(pd.DataFrame({"demand": [237_540.666], "coverage": [0.32227]}))
        assert "237.540,67" in text and "0,3223" in text
        with option_context(lang="en"):
            assert "237,540.67" in repr(pd.DataFrame({"demand": [237_540.666]}))
    finally:
        pd.set_option("display.float_format", old)


def test_where_takes_any_task_field() -> None:
    tasks = pf.read_appendix()
    pillar = tasks[0].pillar
    chosen = tasks.where(pillar=pillar)
    assert chosen.ids and all(t.pillar == pillar for t in chosen)
    assert len(chosen) < len(tasks)

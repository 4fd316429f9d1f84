"""Deferring new starts in batches (many short tasks) against one at a time."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import portfolio as pf
import portfolio.model.plan as plan

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/ is not installed
from benchmarks.generate import synthetic


def _not_started(allocation: pf.Allocation) -> set[str]:
    return {k for k, notes in allocation.notes.items() if any(n.startswith("not started") for n in notes)}


def _started_short(allocation: pf.Allocation, tasks: pf.TaskList) -> list[str]:
    """New tasks that received money but less than their schedule through the horizon."""
    table = allocation.table
    first = table[table["year"] == allocation.years[0]]
    received = table.groupby(level=0, sort=False)["allocated"].sum()
    last = allocation.years[-1]
    short = []
    for task in tasks:
        if first.loc[task.id, "kind"] != "new" or received[task.id] <= 1e-6:
            continue
        inside = min(task.end_year, last) - allocation.years[0] + 1
        total = max(1, task.end_year - allocation.years[0] + 1)
        schedule = first.loc[task.id, "remaining_need"] * float(np.clip(inside / total, 0, 1))
        if received[task.id] < schedule * (1 - 1e-7) - 1e-6:
            short.append(task.id)
    return short


@pytest.fixture(scope="module")
def tasks() -> pf.TaskList:
    return synthetic(1000, seed=0)


def test_batches_defer_about_as_many_as_one_at_a_time(tasks: pf.TaskList) -> None:
    batched = pf.optimize(tasks, years=3)
    saved = plan.ONE_AT_A_TIME
    plan.ONE_AT_A_TIME = 10**9
    try:
        single = pf.optimize(tasks, years=3)
    finally:
        plan.ONE_AT_A_TIME = saved
    for allocation in (batched, single):
        assert _started_short(allocation, tasks) == []
    a, b = _not_started(batched), _not_started(single)
    assert len(b) > plan.ONE_AT_A_TIME  # the batches did run
    assert abs(len(a) - len(b)) <= 0.05 * len(b)
    assert len(a & b) >= 0.9 * len(b)
    assert batched.solves < single.solves

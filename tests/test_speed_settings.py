"""No speed setting changes an answer (docs/model.md §4.1).

The only one is the size from which a fill is computed in closed form instead of
by LPs (``portfolio.model.progressive.CLOSED_FORM_FROM``). The rolling plan defers
one new task per pass, so there is no batch size left to flip.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import portfolio as pf
import portfolio.model.progressive as progressive

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/ is not installed
from benchmarks.generate import synthetic

RUNS = [
    {},
    {"rule": "equal_awards"},
    {"rule": "weighted", "weights": {"Sở Y tế": 3, "C": 2}},
    {"pacing": 1.5, "budget": {"recurrent": 600000}},
    {"seed_share": 0.02, "pacing": 1.3, "budget": {"recurrent": 450000}},
    {"must_fund": ["B28"], "deferred": ["B38"], "locked": {"B36": 5000}},
    {"all_or_nothing": True, "budget": {"investment": 90000}},
    {"tiers": {"new": 2}},
]


def _both(
    monkeypatch: pytest.MonkeyPatch, tasks: pf.TaskList, **options: object
) -> tuple[pf.Allocation, pf.Allocation]:
    monkeypatch.setattr(progressive, "CLOSED_FORM_FROM", 1)
    closed = pf.optimize(tasks, **options)  # type: ignore[arg-type]
    monkeypatch.setattr(progressive, "CLOSED_FORM_FROM", 10**9)
    by_lp = pf.optimize(tasks, **options)  # type: ignore[arg-type]
    return closed, by_lp


@pytest.mark.parametrize("options", RUNS, ids=lambda o: ",".join(o) or "default")
def test_the_closed_form_threshold_changes_no_allocation(
    monkeypatch: pytest.MonkeyPatch, tasks: pf.TaskList, options: dict[str, object]
) -> None:
    closed, by_lp = _both(monkeypatch, tasks, **options)
    assert by_lp.solves >= closed.solves  # the LPs ran wherever the closed form could
    difference = (closed.table["allocated"] - by_lp.table["allocated"]).abs()
    assert difference.max() <= 1e-6
    for key, level in closed.levels.items():
        assert by_lp.levels[key] == pytest.approx(level, abs=1e-9)


def test_a_plan_of_a_thousand_tasks_is_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = synthetic(300, seed=3)
    closed, by_lp = _both(monkeypatch, tasks, years=3)
    not_started = [set(a.reasons.index[a.reasons["held_by"] == "not_started"]) for a in (closed, by_lp)]
    assert not_started[0] == not_started[1] and not_started[0]
    assert np.abs(closed.table["allocated"].to_numpy() - by_lp.table["allocated"].to_numpy()).max() <= 1e-5

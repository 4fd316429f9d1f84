"""The rolling plan's invariants over generated portfolios (docs/model.md §6).

Leases paid every contract year, each year's envelopes respected, no task above its
remaining need, every admitted start on schedule, admission maximal (no task left
out fits in the money the plan leaves idle in every year of some window), and the
same plan on both backends and in any row order.
"""

from __future__ import annotations

import random

import numpy as np
from conftest import make_tasks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_checks import envelopes_and_needs, leases_paid, maximal, on_schedule

import portfolio as pf
from portfolio.model.options import RULES

YEARS = 3


@st.composite
def plans(draw: st.DrawFn) -> tuple[pf.TaskList, dict[str, list[float]], str]:
    rows = []
    for i in range(draw(st.integers(0, 2))):
        start = draw(st.integers(2022, 2025))
        rows.append(
            {
                "id": f"A{i + 1}",
                "approved": draw(st.integers(1, 30)) * 3.0,
                "lease_years": 3,
                "start_year": start,
                "end_year": start + 2,
            }
        )
    for i in range(draw(st.integers(1, 4))):
        approved = float(draw(st.integers(1, 400)))
        rows.append(
            {
                "id": f"B{i + 1}",
                "approved": approved,
                "spent_before": float(draw(st.integers(0, int(approved)))),
                "end_year": draw(st.integers(2024, 2027)),
                "planned": float(draw(st.integers(0, 100))),
            }
        )
    for i in range(draw(st.integers(1, 5))):
        start = draw(st.integers(2024, 2026))
        rows.append(
            {
                "id": f"C{i + 1}",
                "approved": float(draw(st.integers(1, 200))),
                "start_year": start,
                "end_year": start + draw(st.integers(0, 2)),
                "planned": float(draw(st.integers(0, 50))),
            }
        )
    for i in range(draw(st.integers(0, 2))):
        start = draw(st.integers(2024, 2025))
        rows.append(
            {
                "id": f"D{i + 1}",
                "approved": float(draw(st.integers(1, 200))),
                "start_year": start,
                "end_year": start + draw(st.integers(0, 2)),
                "is_new": True,
            }
        )
    tasks = make_tasks(*rows)
    budget: dict[str, list[float]] = {}
    for source in ("recurrent", "investment"):
        budget[source] = []
        for year in range(2024, 2024 + YEARS):
            d = pf.derive(tasks, year)
            mine = d[d["funding_source"] == source]
            floor = float(mine.loc[mine["tier"] == 1, "annual_demand"].sum())
            budget[source].append(floor + draw(st.integers(0, 400)) * 1.0)
    return tasks, budget, draw(st.sampled_from(RULES))


SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(case=plans(), seed=st.integers(0, 2**16))
def test_plan_invariants(case: tuple[pf.TaskList, dict[str, list[float]], str], seed: int) -> None:
    tasks, budget, rule = case
    try:
        plan = pf.optimize(tasks, budget=budget, years=YEARS, rule=rule)
    except pf.InfeasibleError:
        return  # a year's commitments above its envelope: named, never allocated
    leases_paid(plan, tasks)
    envelopes_and_needs(plan, tasks)
    on_schedule(plan, tasks)
    maximal(plan, tasks)
    shuffled = list(tasks.tasks)
    random.Random(seed).shuffle(shuffled)
    again = pf.optimize(pf.TaskList(tuple(shuffled)), budget=budget, years=YEARS, rule=rule)
    cbc = pf.optimize(tasks, budget=budget, years=YEARS, rule=rule, solver="cbc")
    x = plan.table["allocated"]
    assert np.allclose(again.table["allocated"].reindex(x.index), x, rtol=0, atol=0.01)
    assert np.allclose(cbc.table["allocated"], x, rtol=0, atol=0.01)
    assert again.starts["start_year"].reindex(plan.starts.index).equals(plan.starts["start_year"])
    assert cbc.starts["start_year"].equals(plan.starts["start_year"])

"""Invariants of a rolling plan, checked from its tables alone (docs/model.md §6)."""

from __future__ import annotations

import portfolio as pf

__all__ = ["envelopes_and_needs", "leases_paid", "maximal", "on_schedule"]


def on_schedule(plan: pf.Allocation, tasks: pf.TaskList) -> None:
    """Every admitted start is paid its even schedule, year by year, over its window in the horizon."""
    first, last = plan.years[0], plan.years[-1]
    derived = pf.derive(tasks, first)
    x = plan.table["allocated"]
    for task_id, row in plan.starts[plan.starts["status"] == "started"].iterrows():
        task = tasks[str(task_id)]
        duration = task.end_year - max(task.start_year, first) + 1
        per_year = derived.loc[task_id, "remaining_need"] / duration
        start = int(row["start_year"])
        assert int(row["end_year"]) == start + duration - 1  # a late start keeps its duration
        paid = 0.0
        for k, year in enumerate(range(start, min(start + duration - 1, last) + 1)):
            paid += x[(year, task_id)]
            assert paid >= (k + 1) * per_year - 1e-3 * max(1.0, per_year), (task_id, year)
        for year in range(first, start):
            assert x[(year, task_id)] == 0  # nothing before its start


def maximal(plan: pf.Allocation, tasks: pf.TaskList) -> None:
    """No task left out could start in some year and be paid from money left idle in its window."""
    first, last = plan.years[0], plan.years[-1]
    derived = pf.derive(tasks, first)
    spent = plan.table.groupby(["year", "funding_source"])["allocated"].sum()
    idle = {(y, s): plan.envelopes[(s, y)] - spent.get((y, s), 0.0) for s, y in plan.envelopes}
    for task_id in plan.starts.index[plan.starts["status"] == "not_started"]:
        task = tasks[str(task_id)]
        duration = task.end_year - max(task.start_year, first) + 1
        per_year = derived.loc[task_id, "remaining_need"] / duration
        for start in range(max(task.start_year, first), last + 1):
            window = range(start, min(start + duration - 1, last) + 1)
            assert min(idle[(y, task.funding_source)] for y in window) < per_year - 1e-6, (task_id, start)


def leases_paid(plan: pf.Allocation, tasks: pf.TaskList) -> None:
    """Every lease is paid ``approved / years`` in each year of its contract, nothing outside it."""
    x = plan.table["allocated"]
    for task in tasks:
        if task.lease_years is None:
            continue
        for year in plan.years:
            due = task.approved / task.lease_years if task.start_year <= year <= task.end_year else 0.0
            assert abs(x[(year, task.id)] - due) <= 1e-6 * max(1.0, due), (task.id, year)


def envelopes_and_needs(plan: pf.Allocation, tasks: pf.TaskList) -> None:
    """Each year's envelopes respected; no task above its remaining need over the horizon."""
    spent = plan.table.groupby(["year", "funding_source"])["allocated"].sum()
    for (source, year), amount in plan.envelopes.items():
        assert spent.get((year, source), 0.0) <= amount + 1e-6 * max(1.0, amount), (source, year)
    derived = pf.derive(tasks, plan.years[0])
    total = plan.table.groupby(level="id")["allocated"].sum()
    kind = derived["kind"]
    for task_id in total.index[(kind.loc[total.index] != "lease") & (kind.loc[total.index] != "annual")]:
        need = derived.loc[task_id, "remaining_need"]
        assert total[task_id] <= need + 1e-6 * max(1.0, need), task_id

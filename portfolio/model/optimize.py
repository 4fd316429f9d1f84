"""``optimize``: one call from tasks and options to an :class:`Allocation`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..tasks import TaskList
from .allocation import Allocation
from .inputs import load_tasks, make_options, planned_totals, warn_overdue
from .instance import build_instance
from .ladder import solve_ladder
from .options import SOURCES, budget_matrix
from .plan import plan_years
from .results import allocation_tables

__all__ = ["make_options", "optimize"]


def optimize(
    tasks: TaskList | str | Path | None = None,
    budget: dict[str, Any] | None = None,
    rule: str = "proportional",
    **options: Any,
) -> Allocation:
    """Allocate the envelopes across the tasks by the statutory ladder and a rule.

    Parameters
    ----------
    tasks
        The appendix (a :class:`TaskList`, a path, or ``None`` for the bundled one).
    budget
        Envelope per funding source, e.g. ``{"recurrent": 300000}``; a list gives
        one envelope per year of a plan. Default: the document's planned totals
        (recurrent 332.401, investment 66.390), the same every year.
    rule
        ``proportional`` (MODEL §3), ``equal_awards``, ``weighted`` or ``closest_to_plan``.
    **options
        Any field of :class:`~portfolio.model.options.Options`: ``plan_year``,
        ``years``, ``weights``, ``must_fund``, ``locked``, ``deferred``,
        ``agency_floors``, ``agency_caps``, ``constraints``, ``seed_share``,
        ``pacing``, ``all_or_nothing``, ``tiers``, ``solver``.

    Returns
    -------
    Allocation
        Per task and year (the index ``(year, id)``, one year or a plan's years),
        the reasons for every task's bounds and amount, summaries, levels,
        sensitivity per envelope and year, the tasks it was computed from. Each
        rule defines one allocation: the same to 0,01 million VND on every
        backend and row order (``docs/model.md`` §4).

    Raises
    ------
    ScenarioError
        For an option that is invalid or names nothing known.
    InfeasibleError
        When commitments and other hard rules exceed an envelope: the message
        names the envelope, what is needed and the shortfall in million VND.

    Examples
    --------
    >>> from portfolio import optimize
    >>> a = optimize()
    >>> round(a.levels[("recurrent", 2024, 3)], 4)
    0.3223
    """
    opts = make_options(rule, budget, **options)
    task_list = load_tasks(tasks)
    warn_overdue(task_list, opts.plan_year)
    envelopes = budget_matrix(opts, planned_totals(task_list), opts.years)
    if opts.years > 1:
        return plan_years(task_list, opts, envelopes)
    envelope = {s: float(envelopes[s][0]) for s in SOURCES}
    inst = build_instance(task_list, opts, envelope)
    result = solve_ladder(inst, opts.rule, opts.solver)
    return Allocation(
        options=opts,
        tasks=task_list,
        envelopes={(s, opts.plan_year): envelope[s] for s in SOURCES},
        levels={(s, opts.plan_year, t): v for (s, t), v in result.levels.items()},
        solves=result.solves,
        instances=(inst,),
        **allocation_tables([(inst, result)]),
    )

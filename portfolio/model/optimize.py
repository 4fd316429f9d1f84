"""``optimize``: one call from tasks and options to an :class:`Allocation`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..tasks import TaskList
from .admission import admit
from .allocation import Allocation
from .budget import resolve_budget
from .committed import check_envelopes, committed_amounts
from .inputs import load_tasks, make_options, plan_year_of, planned_totals, warn_overdue
from .options import SOURCES, Options, budget_matrix
from .results import allocation_tables

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["add_rounds", "make_options", "optimize", "run_options"]


def optimize(
    tasks: TaskList | str | Path | None = None,
    budget: dict[str, Any] | None = None,
    rule: str = "proportional",
    *,
    lang: str | None = None,
    **options: Any,
) -> Allocation:
    """Allocate the envelopes across the tasks by the statutory ladder and a rule.

    Parameters
    ----------
    tasks
        The appendix (a :class:`TaskList`, a path, or ``None`` for the bundled one).
    budget
        Envelope per funding source, e.g. ``{"recurrent": 300000}``, or a
        percentage of the document's planned total (``{"recurrent": "-15%"}``,
        ``"90%"``); a list gives one envelope per year of a plan. Default: the
        document's planned totals (recurrent 332.401, investment 66.390), the
        same every year.
    rule
        ``proportional`` (MODEL §3), ``equal_awards``, ``weighted`` or ``closest_to_plan``.
    **options
        Any field of :class:`~portfolio.model.options.Options`: ``plan_year``,
        ``years``, ``weights``, ``must_fund``, ``locked``, ``deferred``,
        ``agency_floors``, ``agency_caps``, ``constraints``, ``seed_share``,
        ``pacing``, ``all_or_nothing``, ``tiers``, ``solver``. ``plan_year``
        defaults to the year the document plans (its title and headers), else
        2024. ``committed`` (round 2, đợt 2): the amounts already allocated this
        year in round 1, as an :class:`Allocation`, a CSV of ``id`` and
        ``amount`` or a mapping; each task gets at least its amount, the table
        gains ``round_1`` (đợt 1) and ``round_2`` (đợt 2) beside ``allocated``
        (the year's total).
    lang
        The language the result shows itself in: ``"vi"`` makes its
        explanations, displays, workbook and chart labels Vietnamese
        (:attr:`Allocation.lang`); a ``lang=`` given to one of them overrides it.

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
        When commitments and other hard rules (or the round-1 amounts) exceed an
        envelope: the message names the envelope, what is needed and the
        shortfall in million VND.

    Examples
    --------
    >>> from portfolio import optimize
    >>> a = optimize()
    >>> round(a.levels[("recurrent", 2024, 3)], 4)
    0.3223
    """
    from ..language import check_lang

    shown_in = None if lang is None else check_lang(lang)
    task_list = load_tasks(tasks)
    opts = run_options(task_list, budget, rule, **options)
    warn_overdue(task_list, opts.plan_year)
    envelopes = budget_matrix(opts, planned_totals(task_list), opts.years)
    check_envelopes(task_list, opts.committed, {s: envelopes[s][0] for s in SOURCES}, opts.plan_year)
    admission = admit(task_list, opts, envelopes)
    solved = admission.final.solved
    allocation = Allocation(
        options=opts,
        tasks=task_list,
        envelopes={
            (s, opts.plan_year + k): float(envelopes[s][k]) for s in SOURCES for k in range(opts.years)
        },
        levels={(s, inst.year, t): v for inst, r in solved for (s, t), v in r.levels.items()},
        solves=admission.solves,
        instances=tuple(inst for inst, _ in solved),
        starts=admission.table(),
        lang=shown_in,
        **allocation_tables(solved),
    )
    if opts.committed:
        add_rounds(allocation.table, opts.committed, opts.plan_year)
    return allocation


def amounts_and_levels(
    tasks: TaskList, budget: dict[str, Any] | None, rule: str = "proportional", **options: Any
) -> tuple[np.ndarray, dict[tuple[str, int, int], float]]:
    """What :func:`optimize` allocates, without its tables: for the many re-runs of sensitivity.

    Returns
    -------
    x : numpy.ndarray
        Each task's amount, in the order of :attr:`Allocation.table` (year, then the tasks).
    levels : dict
        :attr:`Allocation.levels`.

    Raises
    ------
    InfeasibleError
        As :func:`optimize`.
    """
    opts = run_options(tasks, budget, rule, **options)
    envelopes = budget_matrix(opts, planned_totals(tasks), opts.years)
    check_envelopes(tasks, opts.committed, {s: envelopes[s][0] for s in SOURCES}, opts.plan_year)
    admission = admit(tasks, opts, envelopes)
    levels = {(s, inst.year, t): v for inst, r in admission.final.solved for (s, t), v in r.levels.items()}
    return np.asarray(admission.final.x, dtype=float).ravel(), levels


def run_options(tasks: TaskList, budget: dict[str, Any] | None, rule: str, **options: Any) -> Options:
    """The run's :class:`Options` for an appendix, as a user may write them.

    Envelopes may be percentages of the document's planned totals (``"-15%"``),
    ``committed`` an :class:`Allocation`, a CSV path or a mapping, and the plan
    year, when not given, is the document's (:func:`plan_year_of`).
    """
    options["plan_year"] = plan_year_of(tasks, options.get("plan_year"))
    if "committed" in options:
        options["committed"] = committed_amounts(options["committed"])
    return make_options(rule, resolve_budget(budget, planned_totals(tasks)), **options)


def add_rounds(table: pd.DataFrame, committed: dict[str, float], first_year: int) -> None:
    """Add round 1 (đợt 1, the committed amounts), round 2 (đợt 2, the rest) to a table, in place."""
    keys = {str(k).upper(): float(v) for k, v in committed.items()}
    years = table.index.get_level_values("year")
    ids = table.index.get_level_values("id")
    first = [
        keys.get(str(i).upper(), 0.0) if y == first_year else 0.0 for y, i in zip(years, ids, strict=True)
    ]
    table["round_1"] = first
    table["round_2"] = table["allocated"] - table["round_1"]

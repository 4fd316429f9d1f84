"""``optimize``: one call from tasks and options to an :class:`Allocation`."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import ValidationError

from ..demand import task_columns
from ..errors import PortfolioWarning, ScenarioError
from ..tasks import TaskList
from .allocation import Allocation
from .instance import Instance, build_instance
from .ladder import LadderResult, solve_ladder
from .options import SOURCES, Options, budget_matrix

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["make_options", "optimize"]


def make_options(rule: str = "proportional", budget: dict[str, Any] | None = None, **options: Any) -> Options:
    """Validate run options, turning pydantic's report into a one-line :class:`ScenarioError`."""
    try:
        return Options(rule=rule, budget=budget or {}, **options)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = first.get("msg", str(exc)).removeprefix("Value error, ")
        raise ScenarioError(message, field=where or None) from None


def _load(tasks: TaskList | str | Path | None) -> TaskList:
    if isinstance(tasks, TaskList):
        return tasks
    from ..readers import read_appendix

    return read_appendix(tasks)


def _warn_overdue(tasks: TaskList, plan_year: int) -> None:
    """Warn once about tasks that should have ended before the plan year (overdue, MODEL §2)."""
    cols = task_columns(tasks)
    late_mask = (cols["group"] != "A") & (cols["end_year"] < plan_year)
    if not late_mask.any():
        return
    late = [str(i) for i in cols["id"][late_mask]]
    shown = ", ".join(late[:10]) + (f" and {len(late) - 10} more" if len(late) > 10 else "")
    warnings.warn(
        f"{tasks.source}: {shown}: end_year before the plan year {plan_year} (overdue); "
        "the remaining need is planned as if the task ends this year",
        PortfolioWarning,
        stacklevel=3,
    )


def _planned_totals(tasks: TaskList) -> dict[str, float]:
    """The document's planned total of each source (summed in document order, as ``sum`` does)."""
    cols = task_columns(tasks)
    return {s: float(sum(cols["planned"][cols["funding_source"] == s].tolist())) for s in SOURCES}


def _year_table(inst: Instance, x: np.ndarray, *, first_year: bool = True) -> pd.DataFrame:
    import pandas as pd

    d = inst.derived
    table = pd.DataFrame(
        {
            "year": inst.year,
            "group": d["group"],
            "agency": d["agency"],
            "funding_source": d["funding_source"],
            "tier": inst.tier,
            "kind": d["kind"],
            "remaining_need": inst.remaining,
            "demand": inst.demand,
            "lower": inst.lower,
            "upper": inst.upper,
            # the document's allocation is for its plan year; later years have no "actual"
            "planned": d["planned"] if first_year else 0.0,
            "allocated": x,
        },
        index=d.index,
    )
    table["difference"] = table["allocated"] - table["planned"]
    demand = table["demand"].to_numpy(float)
    table["coverage"] = np.where(demand > 0, x / np.where(demand > 0, demand, 1.0), np.nan)
    return table


def _sensitivity(inst: Instance, result: LadderResult) -> pd.DataFrame:
    import pandas as pd

    records = []
    for s, source in enumerate(SOURCES):
        record: dict[str, Any] = {
            "envelope": source,
            "amount": float(inst.envelope[s]),
            "rationed_tier": None,
            "level": 1.0,
            "value_per_million": 0.0,
            "holds_until": np.inf,
        }
        for stage in result.stages:
            if stage.kind not in ("fill", "utility") or source not in stage.envelope_dual:
                continue
            level = stage.level.get(source, result.levels.get((source, stage.tier), 1.0))
            dual = stage.envelope_dual[source]
            if stage.kind == "fill" and level >= 1 - 1e-9:
                continue
            if stage.kind == "utility" and abs(dual) <= 1e-12:
                continue
            record.update(rationed_tier=stage.tier, level=level, value_per_million=dual)
            if stage.kind == "fill" and dual > 1e-15:
                record["holds_until"] = float(inst.envelope[s]) + (1.0 - level) / dual
            break
        records.append(record)
    return pd.DataFrame.from_records(records).set_index("envelope")


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
        Per-task table, summaries, levels and sensitivity.

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
    task_list = _load(tasks)
    _warn_overdue(task_list, opts.plan_year)
    planned = _planned_totals(task_list)
    envelopes = budget_matrix(opts, planned, opts.years)
    if opts.years == 1:
        envelope = {s: float(envelopes[s][0]) for s in SOURCES}
        inst = build_instance(task_list, opts, envelope)
        result = solve_ladder(inst, opts.rule, opts.solver)
        table = _year_table(inst, result.x)
        return Allocation(
            table=table,
            options=opts,
            envelopes={(s, opts.plan_year): envelope[s] for s in SOURCES},
            levels={(s, opts.plan_year, t): v for (s, t), v in result.levels.items()},
            notes={task_id: inst.notes.get(task_id, []) for task_id in inst.ids},
            sensitivity_table=_sensitivity(inst, result),
            binding_rows=result.stages[-1].binding if result.stages else (),
            solves=result.solves,
        )
    from .plan import plan_years

    return plan_years(task_list, opts, envelopes)

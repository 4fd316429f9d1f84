"""From solved years to the tables of an :class:`~portfolio.model.allocation.Allocation`.

A single year and a plan go through the same :func:`allocation_tables`, so the
tables have the same shape for one year or many: tasks indexed by
``(year, id)``, sensitivity by ``(envelope, year)``, binding rows with their year.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..tolerances import AMOUNT, LEVEL
from .instance import Instance
from .ladder import LadderResult
from .options import SOURCES
from .reasons import row_key, row_table, task_index, task_reasons

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["allocation_tables", "binding_rows", "sensitivity_table", "year_table"]


def year_table(inst: Instance, x: np.ndarray, *, first_year: bool = True) -> pd.DataFrame:
    """One row per task of the year, indexed by ``(year, id)``.

    Columns: bounds, demand, the document's and the optimized amounts.
    """
    import pandas as pd

    d = inst.derived
    table = pd.DataFrame(
        {
            "group": d["group"],
            "agency": d["agency"],
            "pillar": d["pillar"],
            "category": d["category"],
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
    table.index = task_index(inst)
    table["difference"] = table["allocated"] - table["planned"]
    demand = table["demand"].to_numpy(float)
    table["coverage"] = np.where(demand > 0, x / np.where(demand > 0, demand, 1.0), np.nan)
    return table


def sensitivity_table(inst: Instance, result: LadderResult) -> pd.DataFrame:
    """Per envelope of the year, indexed by ``(envelope, year)``.

    Columns: the first rationed tier, its level and ``∂ level / ∂ envelope``, read from
    the year's own ladder (in a plan, the years before as they were allocated).
    """
    import pandas as pd

    records = []
    for s, source in enumerate(SOURCES):
        record: dict[str, Any] = {
            "amount": float(inst.envelope[s]),
            "rationed_tier": None,
            "level": 1.0,
            "value_per_million": 0.0,
            "holds_until": np.inf,
        }
        for stage in result.stages:
            if source not in stage.level:
                continue
            level = stage.level[source]
            dual = stage.envelope_dual.get(source, 0.0)
            if level >= 1 - LEVEL and dual <= 0:
                continue
            record.update(rationed_tier=stage.tier, level=level, value_per_million=dual)
            if dual > 0:
                record["holds_until"] = float(inst.envelope[s]) + (1.0 - level) / dual
            break
        records.append(record)
    index = pd.MultiIndex(
        levels=[list(SOURCES), [inst.year]],
        codes=[list(range(len(SOURCES))), [0] * len(SOURCES)],
        names=["envelope", "year"],
        verify_integrity=False,
    )
    columns: dict[str, Any] = {key: [record[key] for record in records] for key in records[0]}
    # <NA> where the envelope covers every tier
    columns["rationed_tier"] = pd.array(columns["rationed_tier"], dtype="Int64")
    return pd.DataFrame(columns, index=index)


def binding_rows(inst: Instance, x: np.ndarray) -> tuple[tuple[int, str, str], ...]:
    """(year, family, name) of the envelopes and rows the year's allocation meets at a bound."""
    out = []
    spent = np.bincount(inst.source, weights=x, minlength=len(SOURCES))
    for s, source in enumerate(SOURCES):
        if abs(spent[s] - inst.envelope[s]) <= AMOUNT * max(1.0, inst.envelope[s]) ** 0.5:
            out.append((inst.year, "envelope", f"envelope {source}"))
    for k, row in enumerate(inst.rows):
        activity = float(row.coef @ x)
        tol = AMOUNT * max(1.0, abs(activity)) ** 0.5
        if (np.isfinite(row.lower) and abs(activity - row.lower) <= tol) or (
            np.isfinite(row.upper) and abs(activity - row.upper) <= tol
        ):
            out.append((inst.year, row.family, row_key(row.family, k, row.name)))
    return tuple(out)


def _stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    return frames[0] if len(frames) == 1 else pd.concat(frames)


def allocation_tables(solved: Sequence[tuple[Instance, LadderResult]]) -> dict[str, Any]:
    """The tables of an allocation from each year's instance and ladder result, in year order.

    Returns
    -------
    dict
        ``table`` and ``reasons`` (row for row, indexed by ``(year, id)``, years in
        order and the tasks of each year in the task list's order), ``rows``,
        ``sensitivity_table`` (indexed by ``(envelope, year)``, envelope by envelope)
        and ``binding_rows`` (``(year, family, name)``, year by year): the keyword
        arguments of :class:`~portfolio.model.allocation.Allocation` they fill.
    """
    import pandas as pd

    tables = [year_table(inst, r.x, first_year=k == 0) for k, (inst, r) in enumerate(solved)]
    rows = [row_table(inst, r.x) for inst, r in solved]
    reasons = [task_reasons(inst, r.x, row) for (inst, r), row in zip(solved, rows, strict=True)]
    sensitivity = _stacked([sensitivity_table(inst, r) for inst, r in solved])
    if len(solved) > 1:
        years = [inst.year for inst, _ in solved]
        by_envelope = pd.MultiIndex.from_product([list(SOURCES), years], names=["envelope", "year"])
        sensitivity = sensitivity.reindex(by_envelope)
    return {
        "table": _stacked(tables),
        "reasons": _stacked(reasons),
        "rows": _stacked(rows),
        "sensitivity_table": sensitivity,
        "binding_rows": tuple(b for inst, r in solved for b in binding_rows(inst, r.x)),
    }

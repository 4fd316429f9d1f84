"""From a solved year to the tables of an :class:`~portfolio.model.allocation.Allocation`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .instance import Instance
from .ladder import LadderResult
from .options import SOURCES
from .reasons import row_key
from .tolerances import AMOUNT, LEVEL

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["binding_rows", "sensitivity_table", "year_table"]


def year_table(inst: Instance, x: np.ndarray, *, first_year: bool = True) -> pd.DataFrame:
    """One row per task of the year: bounds, demand, the document's and the optimized amounts."""
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


def sensitivity_table(inst: Instance, result: LadderResult) -> pd.DataFrame:
    """Per envelope: the first rationed tier, its level and ``∂ level / ∂ envelope``."""
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
    return pd.DataFrame.from_records(records).set_index("envelope")


def binding_rows(inst: Instance, x: np.ndarray) -> tuple[tuple[str, str], ...]:
    """(family, name) of the envelopes and rows the final allocation meets at a bound."""
    out = []
    spent = np.bincount(inst.source, weights=x, minlength=len(SOURCES))
    for s, source in enumerate(SOURCES):
        if abs(spent[s] - inst.envelope[s]) <= AMOUNT * max(1.0, inst.envelope[s]) ** 0.5:
            out.append(("envelope", f"envelope {source}"))
    for k, row in enumerate(inst.rows):
        activity = float(row.coef @ x)
        tol = AMOUNT * max(1.0, abs(activity)) ** 0.5
        if (np.isfinite(row.lower) and abs(activity - row.lower) <= tol) or (
            np.isfinite(row.upper) and abs(activity - row.upper) <= tol
        ):
            out.append((row.family, row_key(row.family, k, row.name)))
    return tuple(out)

"""The tables an allocation derives from its per-task table: sums, summary, binding bounds, notes.

The work behind :meth:`~portfolio.model.allocation.Allocation.by_agency`,
``by_group``, ``by_tier``, ``tier_report``, ``summary``, ``binding``,
``notes_in``, ``named_table`` and the tier lines of its ``repr``; the sums by
pillar are in :mod:`portfolio.model.pillar_report`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..demand import TIER_NAMES
from ..tolerances import AMOUNT, FREE

if TYPE_CHECKING:
    import pandas as pd

    from .allocation import Allocation

__all__ = [
    "binding_table",
    "named_table",
    "summary_figures",
    "sums_by",
    "task_notes",
    "tier_lines",
    "tier_report",
]

_SUM_COLUMNS = ["demand", "planned", "allocated", "difference"]


_SUMMARY_VI = {
    "rule": "quy tắc",
    "status": "trạng thái",
    "envelope": "hạn mức",
    "allocated": "phân bổ",
    "planned total": "tổng dự kiến phân bổ",
    "level": "mức",
    "tier": "thứ bậc",
    "recurrent": "chi thường xuyên",
    "investment": "đầu tư công",
}


def sums_by(allocation: Allocation, keys: list[str]) -> pd.DataFrame:
    """Demand, planned, allocated, difference and coverage summed by ``keys`` (and year, in a plan)."""
    if len(allocation.years) > 1:
        keys = ["year", *keys]
    out = allocation.table.groupby(keys, sort=False)[_SUM_COLUMNS].sum()
    out["coverage"] = np.where(
        out["demand"] > 0, out["allocated"] / out["demand"].where(out["demand"] > 0, 1), np.nan
    )
    return out


def tier_report(allocation: Allocation) -> pd.DataFrame:
    """The sums by source and tier with each tier's name (``tier name``)."""
    out = allocation.by_tier()
    out["tier name"] = [TIER_NAMES.get(int(key[-1]), f"tier {key[-1]}") for key in out.index]
    return out


def tier_lines(allocation: Allocation) -> list[str]:
    """One line per source and tier: demand, planned, allocated and coverage, in words."""
    from ..money import format_percent, format_vnd

    lines = []
    for key, row in allocation.by_tier().iterrows():
        lines.append(
            f"  {key}: demand {format_vnd(row['demand'], 2)}, planned {format_vnd(row['planned'], 2)}, "
            f"allocated {format_vnd(row['allocated'], 2)}, coverage {format_percent(row['coverage'])}"
        )
    return lines


def summary_figures(allocation: Allocation, *, vi: bool) -> pd.Series:
    """Rule, status, envelopes, allocated and planned totals, levels; Vietnamese keys with ``vi``."""
    import pandas as pd

    words = _SUMMARY_VI if vi else {}

    def key(*parts: object) -> str:
        return " ".join(str(words.get(str(p), p)) for p in parts)

    data: dict[str, Any] = {key("rule"): allocation.rule, key("status"): allocation.status}
    spent = allocation.table.groupby(["funding_source", "year"])["allocated"].sum()
    for (source, year), amount in sorted(allocation.envelopes.items()):
        data[key("envelope", source, year)] = amount
        data[key("allocated", source, year)] = round(float(spent.get((source, year), 0.0)), 6)
    data[key("planned total")] = float(allocation.year_table()["planned"].sum())
    for (source, year, tier), level in sorted(allocation.levels.items()):
        data[key("level", source, year, "tier", tier)] = round(level, 6)
    return pd.Series(data, name="tóm tắt" if vi else "summary")


def binding_table(allocation: Allocation) -> pd.DataFrame:
    """``year``, ``family``, ``name`` of the binding rows, then of the tasks at a cap, a floor, fixed."""
    import pandas as pd

    records = [{"year": year, "family": fam, "name": name} for year, fam, name in allocation.binding_rows]
    table = allocation.table
    allocated, lower, upper = table["allocated"], table["lower"], table["upper"]
    free = upper > lower + FREE
    masks = {
        "task_upper": (allocated >= upper - AMOUNT) & free,
        "task_floor": (allocated <= lower + AMOUNT) & (lower > 0) & free,
        "task_fixed": (upper <= lower + FREE) & (upper > 0),
    }
    for family, mask in masks.items():
        records += [{"year": y, "family": family, "name": str(i)} for y, i in table.index[mask.to_numpy()]]
    frame = pd.DataFrame(records, columns=["year", "family", "name"])
    return frame.sort_values("year", kind="stable", ignore_index=True)


def named_table(allocation: Allocation) -> pd.DataFrame:
    """The per-task table with each task's ``name`` as its first column."""
    names = {task.id: task.name for task in allocation.tasks}
    out = allocation.table.copy()
    out.insert(0, "name", [names.get(str(i), "") for i in allocation.table.index.get_level_values("id")])
    return out


def task_notes(allocation: Allocation, language: str) -> dict[str, list[str]]:
    """Task id -> the words of the options that set its bounds, in ``language``, over every year."""
    from .reasons import OPTION_LOWER, OPTION_UPPER, option_words

    ids = allocation.table.index.get_level_values("id").astype(str)
    out: dict[str, list[str]] = {task: [] for task in dict.fromkeys(ids)}
    if allocation.reasons.empty:
        return out
    reasons = allocation.reasons
    touched = np.flatnonzero(
        (reasons["lower_reason"].isin(OPTION_LOWER) | reasons["upper_reason"].isin(OPTION_UPPER)).to_numpy(
            bool
        )
    )
    # plain arrays, read once: an element of a pandas column costs more than the words made of it
    lower_reason = reasons["lower_reason"].to_numpy(str)[touched].tolist()
    upper_reason = reasons["upper_reason"].to_numpy(str)[touched].tolist()
    lower = allocation.table["lower"].to_numpy(float)[touched].tolist()
    upper = allocation.table["upper"].to_numpy(float)[touched].tolist()
    names = ids.to_numpy(str)[touched].tolist()
    pacing, seed_share = allocation.options.pacing, allocation.options.seed_share
    for name, low_why, up_why, low, up in zip(names, lower_reason, upper_reason, lower, upper, strict=True):
        words = option_words(
            low_why, up_why, low, up, pacing=pacing, seed_share=seed_share, language=language
        )
        mine = out[name]
        mine.extend(w for w in words if w not in mine)
    return out

"""An allocation by pillar of Nghị quyết 03-NQ/TU (or by heading of Phụ lục I).

How much of each year goes to the foundations, Chính quyền số, Kinh tế số and
Xã hội số, set against the document's Dự kiến phân bổ: the table behind
:meth:`~portfolio.model.allocation.Allocation.by_pillar`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from ..pillars import CATEGORIES, PILLARS, UNCLASSIFIED

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PILLAR_COLUMNS", "pillar_table"]

#: The columns of :func:`pillar_table`.
PILLAR_COLUMNS = ["demand", "planned", "allocated", "difference", "planned_share", "envelope_share"]


def pillar_table(
    table: pd.DataFrame, envelopes: Mapping[tuple[str, int], float], *, by: str = "pillar"
) -> pd.DataFrame:
    """Sum an allocation's per-task table by pillar (or by ``category``), year by year.

    Parameters
    ----------
    table
        The per-task table of an allocation, indexed by ``(year, id)``, with a
        ``pillar`` (and ``category``) column.
    envelopes
        ``(source, year) -> envelope`` of the run.
    by
        ``"pillar"`` or ``"category"``.

    Returns
    -------
    pandas.DataFrame
        One row per pillar in the Resolution's order (Nền tảng, Chính quyền
        số, Kinh tế số, Xã hội số; zero where no task is), then ``chưa phân
        loại`` when some task is; indexed by the pillar for one year, by
        ``(year, pillar)`` for a plan. Columns: ``demand``, ``planned`` (the
        document's allocation), ``allocated`` (optimized), ``difference``,
        ``planned_share`` (of the document's total for the year) and
        ``envelope_share`` (of the year's envelopes, both sources together).
        Each money column sums to the table's total of the year.
    """
    import pandas as pd

    names = list(PILLARS if by == "pillar" else CATEGORIES)
    if (table[by] == UNCLASSIFIED).any():
        names.append(UNCLASSIFIED)
    year_of = table.index.get_level_values("year")
    years = list(dict.fromkeys(year_of))
    parts: list[pd.DataFrame] = []
    for year in years:
        part = table[year_of == year]
        sums = part.groupby(by, sort=False)[["demand", "planned", "allocated"]].sum()
        sums = sums.reindex(names, fill_value=0.0)
        sums["difference"] = sums["allocated"] - sums["planned"]
        planned = float(part["planned"].sum())
        envelope = sum(amount for (_, y), amount in envelopes.items() if y == year)
        sums["planned_share"] = sums["planned"] / planned if planned > 0 else np.nan
        sums["envelope_share"] = sums["allocated"] / envelope if envelope > 0 else np.nan
        sums.index.name = by
        parts.append(sums.loc[:, PILLAR_COLUMNS])
    if len(years) == 1:
        return parts[0]
    return pd.concat(parts, keys=years, names=["year", by])

"""Amounts as the working papers show them: rounded so that every shown total adds up.

Amounts are kept to ``decimals`` digits (two in the working paper: the cent of
a million, 10.000 VND, the document's own precision). A computed amount with
more digits (a lease's third, 548,333…) is rounded by largest remainder top
down: an envelope's (source, year) spent total is its exact total rounded
half-up, each group's share adds up to it and each task's share to its group's.
Every subtotal and total on every sheet is then the sum of its rows as shown; a
shown difference is shown allocation − shown planned, a shown demand is shown
allocation + shown shortfall.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .money import largest_remainder_round
from .paper_sheets import envelope_order

if TYPE_CHECKING:
    import pandas as pd

    from .model.allocation import Allocation
    from .tasks import TaskList

__all__ = ["rounded_table", "shown_tasks", "shown_tiers"]


def _round_tree(
    values: np.ndarray, levels: Sequence[np.ndarray], places: int, total: float | None
) -> np.ndarray:
    """Largest-remainder rounding down a tree of groups (``levels``, outermost first).

    With ``total=None`` each outermost group shows its own exact total rounded
    half-up; below it every group's share is rounded to add up to its parent's.
    """
    if not levels:
        return largest_remainder_round(values, places, total)
    labels = levels[0]
    masks = [labels == key for key in dict.fromkeys(labels.tolist())]
    sums = [float(values[mask].sum()) for mask in masks]
    if total is None:
        shares = [float(largest_remainder_round([s], places)[0]) for s in sums]
    else:
        shares = largest_remainder_round(sums, places, total).tolist()
    out = np.zeros(len(values), dtype=float)
    for mask, share in zip(masks, shares, strict=True):
        inner = [level[mask] for level in levels[1:]]
        out[mask] = _round_tree(values[mask], inner, places, share)
    return out


def rounded_table(
    frame: pd.DataFrame, columns: Sequence[str], group_keys: Sequence[str] = (), decimals: int = 0
) -> pd.DataFrame:
    """Return a display copy of ``frame`` whose money columns add up within each group.

    Parameters
    ----------
    frame
        Any table; rows keep their order.
    columns
        The columns to round (missing values stay missing).
    group_keys
        Columns or index levels defining the groups; none makes the whole table
        one group.
    decimals
        Digits after the decimal mark.

    Returns
    -------
    pandas.DataFrame
        A copy in which, for each column, the rows of a group are
        largest-remainder rounded so that they add up to the group's exact
        total rounded half-up; each row differs from its exact value by less
        than one display unit.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"g": ["x", "x", "x", "y"], "v": [0.4, 0.4, 0.2, 2.5]})
    >>> rounded_table(frame, ["v"], ["g"])["v"].tolist()
    [1.0, 0.0, 0.0, 3.0]
    """
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, got {decimals}")
    out = frame.copy()
    if group_keys:
        labels = frame.groupby(list(group_keys), sort=False, dropna=False).ngroup().to_numpy()
    else:
        labels = np.zeros(len(frame), dtype=int)
    for column in columns:
        values = frame[column].to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(values)
        shown = _round_tree(np.where(missing, 0.0, values), [labels], decimals, None)
        out[column] = np.where(missing, np.nan, np.round(shown, decimals) + 0.0)
    return out


def shown_tasks(allocation: Allocation, tasks: TaskList, decimals: int) -> pd.DataFrame:
    """Per task and year, in document order: demand, planned, allocated, difference as shown."""
    order = {task_id: position for position, task_id in enumerate(tasks.ids)}
    ids = [str(i) for i in allocation.table.index.get_level_values("id")]
    unknown, absent = sorted(set(ids) - set(order)), sorted(set(order) - set(ids))
    if unknown or absent:
        raise ValueError(
            "the allocation was not computed from these tasks: not in the tasks "
            f"{unknown[:5]}, not in the allocation {absent[:5]}"
        )
    frame = allocation.table.reset_index()
    frame["id"] = ids
    frame["_position"] = [order[i] for i in ids]
    frame = frame.sort_values(["year", "_position"], kind="stable").reset_index(drop=True)
    year = frame["year"].to_numpy()
    envelope = (frame["year"].astype(str) + "/" + frame["funding_source"].astype(str)).to_numpy()
    group = frame["group"].to_numpy(dtype=str)
    frame["shortfall"] = frame["demand"] - frame["allocated"]
    rounds = ("round_1", "round_2") if "round_1" in frame.columns else ()
    for column in ("allocated", "shortfall", *rounds):
        values = frame[column].to_numpy(dtype=float)
        frame[column] = np.round(_round_tree(values, [envelope, group], decimals, None), decimals)
    if rounds:  # a round 2: each round adds up on its own, and the year's total is their sum
        frame["allocated"] = np.round(frame["round_1"] + frame["round_2"], decimals) + 0.0
    frame["demand"] = np.round(frame["allocated"] + frame["shortfall"], decimals) + 0.0
    # planned exactly as the appendix layout rounds it: per group, in document order
    planned = frame["planned"].to_numpy(dtype=float).copy()
    for key_year, key_group in dict.fromkeys(zip(year.tolist(), group.tolist(), strict=True)):
        mask = (year == key_year) & (group == key_group)
        planned[mask] = largest_remainder_round(planned[mask], decimals)
    frame["planned"] = np.round(planned, decimals)
    frame["difference"] = np.round(frame["allocated"] - frame["planned"], decimals) + 0.0
    return frame.drop(columns=["_position", "shortfall"])


def shown_tiers(allocation: Allocation, decimals: int) -> pd.DataFrame:
    """Per year, source and tier (envelope order): demand, planned, allocated, difference as shown."""
    tiers = allocation.by_tier().reset_index()
    if "year" not in tiers.columns:
        tiers.insert(0, "year", allocation.years[0])
    keys = [envelope_order(*key) for key in tiers[["funding_source", "year", "tier"]].itertuples(False)]
    tiers = tiers.iloc[sorted(range(len(tiers)), key=keys.__getitem__)].reset_index(drop=True)
    tiers["shortfall"] = tiers["demand"] - tiers["allocated"]
    tiers = rounded_table(tiers, ["planned", "allocated", "shortfall"], ["year", "funding_source"], decimals)
    tiers["demand"] = np.round(tiers["allocated"] + tiers["shortfall"], decimals) + 0.0
    tiers["difference"] = np.round(tiers["allocated"] - tiers["planned"], decimals) + 0.0
    return tiers

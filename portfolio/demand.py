"""Derived quantities of a plan year: remaining need, demand, tier (MODEL §2–3).

Computed here and nowhere else, vectorised over the tasks:

- remaining need ``R = max(0, approved − spent_before − carried_over)``;
  carried-over money already belongs to its task, it is not new budget;
- years left ``m = max(1, end_year − t0 + 1)``; a task that ended before ``t0``
  is *overdue* (``m = 1``, flagged);
- a service lease of group A (``Thuê dịch vụ NN năm``) pays ``P = approved / NN``
  in each year of its contract window;
- an annual recurring task of group A needs ``approved`` every year;
- every other task needs ``d = R / m`` this year (an even schedule).

Tiers, the statutory ladder (Luật Đầu tư công 2019 Đ51 k4–k5; NĐ 45/2017 Đ3):
1 commitments (group A), 2 finishing (continuing tasks ending by ``t0``),
3 other continuing tasks (B, D continuing), 4 new starts (C, D new).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np

from .tasks import TaskList

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TIER_NAMES", "derive", "task_columns", "tier_of"]

TIER_NAMES = {
    1: "commitments (cam kết: thuê dịch vụ, thường xuyên)",
    2: "finishing (hoàn thành trong năm)",
    3: "continuing (chuyển tiếp)",
    4: "new (khởi công mới)",
}


# TaskList -> its columns, while the TaskList lives (it is immutable: frozen tasks in a tuple)
_COLUMNS: dict[int, tuple[weakref.ref[TaskList], dict[str, np.ndarray]]] = {}


def task_columns(tasks: TaskList) -> dict[str, np.ndarray]:
    """The fields of every task as numpy arrays, read once per :class:`TaskList`.

    Every plan year, rule and scenario derives from these; reading the
    records (one attribute per task and field) is the only part that grows with
    the number of tasks in Python, so it is done once and kept while the
    TaskList lives. The arrays are read-only.

    Returns
    -------
    dict
        ``id``, ``group``, ``agency``, ``funding_source``, ``pillar``,
        ``category`` (object or ``<U1`` arrays), ``start_year``, ``end_year`` (int), ``lease_years`` (float,
        NaN when not a lease), ``approved``, ``spent_before``,
        ``carried_over``, ``planned`` (float) and ``is_new`` (bool).
    """
    key = id(tasks)
    cached = _COLUMNS.get(key)
    if cached is not None and cached[0]() is tasks:
        return cached[1]
    records = [vars(task) for task in tasks]

    def column(name: str, dtype: type | str) -> np.ndarray:
        return np.array([r[name] for r in records], dtype=dtype)

    cols = {
        "id": column("id", object),
        "group": column("group", "<U1"),
        "agency": column("agency", object),
        "funding_source": column("funding_source", object),
        "pillar": column("pillar", object),
        "category": column("category", object),
        "start_year": column("start_year", np.int64),
        "end_year": column("end_year", np.int64),
        "lease_years": np.array(
            [np.nan if r["lease_years"] is None else r["lease_years"] for r in records], float
        ),
        "approved": column("approved", float),
        "spent_before": column("spent_before", float),
        "carried_over": column("carried_over", float),
        "planned": column("planned", float),
        "is_new": column("is_new", bool),
    }
    for array in cols.values():
        array.setflags(write=False)
    try:
        _COLUMNS[key] = (weakref.ref(tasks, lambda _: _COLUMNS.pop(key, None)), cols)
    except TypeError:  # a collection that cannot be weakly referenced is read every time
        pass
    return cols


def tier_of(group: np.ndarray, is_new: np.ndarray, end_year: np.ndarray, plan_year: int) -> np.ndarray:
    """The statutory tier (1–4) of each task for a plan year.

    Parameters
    ----------
    group
        Group letters ``A``–``D``.
    is_new
        True for new proposals (all of C, D's new sub-heading).
    end_year
        Last year of each task.
    plan_year
        The year being planned (t0).

    Returns
    -------
    numpy.ndarray
        Integer tiers.
    """
    group = np.asarray(group)
    is_new = np.asarray(is_new, dtype=bool)
    end_year = np.asarray(end_year)
    return np.select(
        [group == "A", is_new | (group == "C"), end_year <= plan_year],
        [1, 4, 2],
        default=3,
    ).astype(int)


def _canonical(agencies: np.ndarray) -> np.ndarray:
    """Each task's agency by its one canonical name (:mod:`portfolio.agencies`)."""
    from .agencies import canonical_names

    names = canonical_names(agencies.tolist())
    return np.asarray([names[str(a)] for a in agencies.tolist()], dtype=object)


def derive(tasks: TaskList, plan_year: int = 2024) -> pd.DataFrame:
    """The derived quantities of every task for one plan year.

    Parameters
    ----------
    tasks
        The appendix.
    plan_year
        The year being planned (t0); 2024 for Phụ lục 2.

    Returns
    -------
    pandas.DataFrame
        Indexed by task id, in document order, with the columns ``group``,
        ``agency`` (its canonical name, :mod:`portfolio.agencies`),
        ``funding_source``, ``pillar``, ``category``, ``kind`` (``lease``, ``annual``,
        ``continuing``, ``new``), ``tier``, ``remaining_need``, ``years_left``,
        ``overdue``, ``lease_payment`` (NaN unless a lease), ``active``
        (False for a lease whose contract window excludes ``t0``),
        ``annual_demand`` and ``planned``.

    Examples
    --------
    >>> from portfolio import read_appendix
    >>> d = derive(read_appendix())
    >>> round(float(d.loc["B38", "annual_demand"]), 2), float(d.loc["A14", "lease_payment"])
    (237540.67, 23641.2)
    """
    import pandas as pd

    cols = task_columns(tasks)
    approved = cols["approved"]
    remaining = np.maximum(0.0, approved - cols["spent_before"] - cols["carried_over"])
    start = cols["start_year"]
    end = cols["end_year"]
    overdue = end < plan_year
    years_left = np.maximum(1, end - plan_year + 1)
    group = cols["group"]
    is_new = cols["is_new"]
    lease_years = cols["lease_years"]
    is_lease = ~np.isnan(lease_years)
    in_window = (start <= plan_year) & (plan_year <= end)
    with np.errstate(invalid="ignore", divide="ignore"):
        lease_payment = np.where(is_lease, approved / lease_years, np.nan)
    kind = np.select(
        [is_lease, group == "A", is_new | (group == "C")],
        ["lease", "annual", "new"],
        default="continuing",
    )
    demand = np.select(
        [is_lease, group == "A"],
        [np.where(in_window, lease_payment, 0.0), approved],
        default=remaining / years_left,
    )
    return pd.DataFrame(
        {
            "group": group,
            "agency": _canonical(cols["agency"]),
            "funding_source": cols["funding_source"],
            "pillar": cols["pillar"],
            "category": cols["category"],
            "kind": kind,
            "tier": tier_of(group, is_new, end, plan_year),
            "remaining_need": remaining,
            "years_left": years_left.astype(int),
            "overdue": overdue & (group != "A"),
            "lease_payment": lease_payment,
            "active": ~is_lease | in_window,
            "annual_demand": demand,
            "planned": cols["planned"],
        },
        index=pd.Index(cols["id"], name="id", copy=False),
    )

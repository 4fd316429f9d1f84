"""Synthetic portfolios shaped like Phụ lục 2, at any size, from a seed.

``synthetic(n, seed=0)`` returns a :class:`portfolio.tasks.TaskList` of ``n``
tasks whose groups, periods, leases, money and agencies follow the appendix
(81 tasks, Kế hoạch 325/KH-UBND):

- groups A/B/C/D in the proportions 14/39/24/4 (largest remainder, so the
  counts add up to ``n``); ids ``A1 … D<k>`` in document order;
- group A: service leases ("Thuê dịch vụ NN năm", NN = 1–5, 6 in 7 of A) whose
  contract window covers the plan year, and annual recurring tasks;
- group B: continuing tasks started 1–3 years before ``t0``, most ending in
  ``t0``, with money spent before (0–90 % of approved) and, for one in ten,
  money carried over;
- group C: new proposals starting in ``t0``, 1–5 years long;
- group D: public investment, half continuing (started earlier, partly spent),
  half new;
- approved amounts log-normal with the appendix's per-group medians and
  spreads (million VND, whole millions); planned amounts follow the
  document's habits (a lease's yearly payment, 2 % seed money for most new
  proposals, about half the remaining need of a continuing task);
- agencies: ``agencies`` names (default ``30 · sqrt(n / 81)``, 30 for the
  appendix's size) drawn with a Zipf-like weight, as the appendix has a few
  large and many small agencies; within a group the tasks are listed agency by
  agency, as in the appendix (each agency one block, one subtotal row).

Everything is drawn as numpy arrays; only the final construction of the
``Task`` records loops (a record per task is what a TaskList holds). With
``validate=False`` the records are built with ``Task.model_construct`` after
the same checks done here on whole arrays (pydantic validation costs about
5 µs a task: 0,5 s for 100.000; see ``python -m benchmarks``).
"""

from __future__ import annotations

import gc

import numpy as np

from portfolio.tasks import GROUPS, Task, TaskList

__all__ = ["GROUP_SHARES", "group_counts", "synthetic"]

GROUP_SHARES = {"A": 14, "B": 39, "C": 24, "D": 4}  # tasks per group in the appendix (81)
# log-normal parameters of the approved amount (log of million VND), from the appendix
_LOG_APPROVED = {"A": (8.8, 1.2), "B": (8.6, 1.4), "C": (8.5, 1.7), "D": (10.8, 0.7)}
_AGENCY_KINDS = ("Sở", "Ban", "Ủy ban nhân dân quận", "Trung tâm", "Ủy ban nhân dân huyện")


def group_counts(n: int) -> dict[str, int]:
    """Tasks per group for ``n`` tasks in the appendix's proportions (largest remainder)."""
    total = sum(GROUP_SHARES.values())
    exact = np.array([GROUP_SHARES[g] * n / total for g in GROUPS])
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return {g: int(c) for g, c in zip(GROUPS, counts, strict=True)}


def _agencies(rng: np.random.Generator, group: np.ndarray, count: int) -> np.ndarray:
    """Each task's agency, a group's tasks listed agency by agency as the document lists them."""
    names = np.array([f"{_AGENCY_KINDS[k % len(_AGENCY_KINDS)]} thử nghiệm {k + 1}" for k in range(count)])
    weight = 1.0 / np.arange(1, count + 1) ** 0.8
    drawn = rng.choice(count, size=len(group), p=weight / weight.sum())
    # the draws are independent of the other columns, so sorting them within a group only
    # lays the group out as the appendix does: one agency row over all of that agency's tasks
    return names[drawn[np.lexsort((drawn, group))]]  # group is in document order (A…D) already


def _columns(n: int, seed: int, plan_year: int, agencies: int | None) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    counts = group_counts(n)
    group = np.repeat(np.array(GROUPS), [counts[g] for g in GROUPS])
    number = np.concatenate([np.arange(1, counts[g] + 1) for g in GROUPS])
    mu = np.select([group == g for g in GROUPS], [_LOG_APPROVED[g][0] for g in GROUPS])
    sigma = np.select([group == g for g in GROUPS], [_LOG_APPROVED[g][1] for g in GROUPS])
    approved = np.maximum(1.0, np.round(np.exp(rng.normal(mu, sigma))))
    a, b, c, d = (group == g for g in GROUPS)
    u = rng.random((6, n))
    is_new = c | (d & (u[0] < 0.5))
    # leases: 6 in 7 of group A, 1-5 years, the window covering the plan year
    lease = a & (u[1] < 6 / 7)
    lease_years = np.where(lease, rng.integers(1, 6, n), 0)
    lease_start = plan_year - np.floor(u[2] * lease_years).astype(int)
    continuing = b | (d & ~is_new)
    start = np.select(
        [lease, a, continuing, c],
        [
            lease_start,
            plan_year,
            plan_year - 1 - (u[2] < 0.1) - (u[2] < 0.03) - 2 * d,
            plan_year - (u[2] < 0.04),
        ],
        default=plan_year,
    )
    ends_in = np.select([u[3] < 0.85, u[3] < 0.95], [0, 1], default=2)  # B and D: years after t0
    c_len = np.select([u[3] < 0.4, u[3] < 0.8, u[3] < 0.95], [0, 1, 3], default=4)
    end = np.select(
        [lease, a, continuing, c, d],
        [
            lease_start + lease_years - 1,
            plan_year,
            plan_year + ends_in,
            plan_year + c_len,
            plan_year + ends_in,
        ],
    )
    spent_share = np.where(b, 0.9 * u[4], np.where(continuing, 0.3 * u[4], 0.0))
    spent = np.floor(approved * spent_share)
    carried = np.where(b & (u[5] < 0.1), np.floor((approved - spent) * 0.3 * u[5] / 0.1), 0.0)
    remaining = approved - spent - carried
    seeded = c & (u[5] < 0.8)
    planned = np.select(
        [lease, a, seeded, c, continuing],
        [
            np.round(approved / np.maximum(lease_years, 1)),
            approved,
            np.round(0.02 * approved),
            np.round(0.8 * approved),
            np.round((0.55 + 0.25 * u[0]) * remaining),
        ],
        default=0.0,
    )
    count = agencies if agencies is not None else max(1, round(30 * np.sqrt(n / 81)))
    return {
        "id": np.char.add(group, number.astype(str)),
        "group": group,
        "agency": _agencies(rng, group, count),
        "start_year": start,
        "end_year": end,
        "lease_years": lease_years,
        "approved": approved,
        "spent_before": spent,
        "carried_over": carried,
        "planned": planned,
        "funding_source": np.where(d, "investment", "recurrent"),
        "is_new": is_new,
    }


_FIELDS = (
    "id", "group", "agency", "name", "period", "start_year", "end_year", "lease_years",
    "approved", "spent_before", "carried_over", "planned", "funding_source", "is_new",
)  # fmt: skip
# the classification fields keep Task's defaults (chưa phân loại) in unchecked records too
_DEFAULTS = {"pillar": "chưa phân loại", "category": "chưa phân loại", "pillar_reason": ""}
_new = object.__new__
_set = object.__setattr__


def _unchecked(**values: object) -> Task:
    """A ``Task`` from values already checked (what ``Task.model_construct`` does, without its loop)."""
    task = _new(Task)
    _set(task, "__dict__", {**values, **_DEFAULTS})
    _set(task, "__pydantic_fields_set__", set(_FIELDS))
    _set(task, "__pydantic_extra__", None)
    _set(task, "__pydantic_private__", None)
    return task


def _check(cols: dict[str, np.ndarray]) -> None:
    """What :class:`Task` validates, on whole arrays (for ``validate=False``)."""
    money = np.stack([cols[k] for k in ("approved", "spent_before", "carried_over", "planned")])
    assert np.isfinite(money).all() and (money >= 0).all()
    assert (cols["start_year"] <= cols["end_year"]).all()
    assert ((cols["start_year"] >= 1990) & (cols["end_year"] <= 2100)).all()
    assert (cols["spent_before"] + cols["carried_over"] <= cols["approved"] + 1e-9).all()
    assert ((cols["lease_years"] == 0) | (cols["group"] == "A")).all()
    assert (np.char.str_len(cols["id"]) > 1).all()


def synthetic(
    n: int, seed: int = 0, *, plan_year: int = 2024, agencies: int | None = None, validate: bool = True
) -> TaskList:
    """A synthetic appendix of ``n`` tasks (see the module docstring).

    Parameters
    ----------
    n
        Number of tasks (≥ 1).
    seed
        Seed of numpy's default generator: the same seed gives the same portfolio.
    plan_year
        The plan year ``t0`` the periods are drawn around.
    agencies
        Number of agencies; default ``30 · sqrt(n / 81)``.
    validate
        Build each ``Task`` with pydantic validation (default) or with
        ``Task.model_construct`` after the equivalent checks on whole arrays.

    Returns
    -------
    TaskList
        With ``source`` ``"<synthetic n=… seed=…>"``.

    Examples
    --------
    >>> tasks = synthetic(81, seed=1)
    >>> len(tasks), sum(t.group == "B" for t in tasks)
    (81, 39)
    """
    cols = _columns(n, seed, plan_year, agencies)
    ids = cols["id"].tolist()
    starts, ends = cols["start_year"].tolist(), cols["end_year"].tolist()
    leases = [None if k == 0 else k for k in cols["lease_years"].tolist()]
    periods = [
        f"Thuê dịch vụ {k:02d} năm ({s}-{e})" if k else (f"Năm {s}" if s == e else f"{s}-{e}")
        for k, s, e in zip(leases, starts, ends, strict=True)
    ]
    columns = (
        ids,
        cols["group"].tolist(),
        cols["agency"].tolist(),
        [f"Nhiệm vụ thử nghiệm {i}" for i in ids],
        periods,
        starts,
        ends,
        leases,
        *(cols[k].tolist() for k in ("approved", "spent_before", "carried_over", "planned")),
        cols["funding_source"].tolist(),
        cols["is_new"].tolist(),
    )
    if not validate:
        _check(cols)
    make = Task if validate else _unchecked
    paused = gc.isenabled()
    gc.disable()  # 100.000 new records would trigger full collections that scan them all again
    try:
        tasks = tuple(make(**dict(zip(_FIELDS, row, strict=True))) for row in zip(*columns, strict=True))
    finally:
        if paused:
            gc.enable()
    return TaskList(tasks=tasks, source=f"<synthetic n={n} seed={seed}>")

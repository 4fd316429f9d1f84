"""One fill step's LP, built column by column without its fixed columns (``docs/model.md`` §4.1).

``max t`` subject to the envelopes, the agency and analyst rows (``inst.rows``) and one
coverage row ``x_i − w_i t ≥ b_i`` per task raised, over the columns of the tasks not
yet fixed (and ``t``). A fixed task's amount is moved into the bounds of the rows it is
in. The matrix is written directly in compressed-column form: each task's column
holds its envelope, then its rows, then its coverage row, so the rows of a column
rise as they are written, and there is nothing to sort.

It is the problem :func:`.reduced.solve_without_fixed` makes of the whole stage
problem (every task a column), array for array and bit for bit
(``tests/test_stages.py``); building it this way costs a fraction of a millisecond at
10.000 tasks, where building the whole stage and reducing it cost more than HiGHS
spends on a small fill.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solvers import LinearProblem, Names, Numbered, Sense

from .instance import Instance
from .options import SOURCES

__all__ = ["LevelProblem", "level_problem"]


@dataclass(frozen=True, eq=False)
class LevelProblem:
    """A fill step's LP and where to read it.

    Attributes
    ----------
    problem
        The LP.
    level
        The column of ``t``; ``None`` when the top is 0 (``t`` is fixed and left out).
    coverage
        The coverage rows, one per task raised, in order.
    """

    problem: LinearProblem
    level: int | None
    coverage: np.ndarray


def _shifts(inst: Instance, lower: np.ndarray, fixed: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """What the fixed columns put into each side, and each row's columns that are not fixed.

    Summed in column order, as ``solve_without_fixed`` sums them (the same bits).
    """
    n = len(SOURCES)
    shift = np.zeros(n + len(inst.rows))
    shift[:n] = np.bincount(inst.source, weights=np.where(fixed, lower, 0.0), minlength=n)
    free_rows = []
    for k, row in enumerate(inst.rows):
        nz = np.flatnonzero(row.coef)
        out = nz[fixed[nz]]
        in_row = row.coef[out] * lower[out]
        shift[n + k] = np.bincount(np.zeros(out.size, int), weights=in_row, minlength=1)[0]
        free_rows.append(nz[~fixed[nz]])
    return shift, free_rows


def level_problem(
    inst: Instance,
    lower: np.ndarray,
    upper: np.ndarray,
    sides: tuple[np.ndarray, np.ndarray],
    idx: np.ndarray,
    base: np.ndarray,
    weight: np.ndarray,
    level_top: float,
) -> LevelProblem:
    """The LP of one fill step for the tasks ``idx`` (``x_i ≥ b_i + t w_i``, ``0 ≤ t ≤ level_top``).

    ``sides``: the bounds of the envelope rows, then of ``inst.rows``
    (:meth:`.stages.Stages.sides`). ``weight`` must be positive.
    """
    n, r = len(SOURCES), len(inst.rows)
    low, high = sides
    top = np.maximum(lower, upper)
    fixed = lower == top
    shift, free_rows = _shifts(inst, lower, fixed)
    kept = np.flatnonzero(~fixed)
    k = kept.size
    column = np.full(inst.n, -1)
    column[kept] = np.arange(k)
    cover = column[idx]
    covered = cover >= 0
    has_t = level_top != 0.0
    # entries per task's column: its envelope, its rows, its coverage row; then t's column
    count = np.ones(k, dtype=np.int64)
    for cols in free_rows:
        count[column[cols]] += 1
    count[cover[covered]] += 1
    a_start = np.zeros(k + has_t + 1, dtype=np.int64)
    np.cumsum(count, out=a_start[1 : k + 1])
    if has_t:
        a_start[k + 1] = a_start[k] + idx.size
    a_index = np.empty(int(a_start[-1]), dtype=np.int64)
    a_value = np.empty(int(a_start[-1]))
    slot = a_start[:k].copy()  # each column's next entry
    a_index[slot], a_value[slot] = inst.source[kept], 1.0
    slot += 1
    for j, (row, cols) in enumerate(zip(inst.rows, free_rows, strict=True)):
        at = slot[column[cols]]
        a_index[at], a_value[at] = n + j, row.coef[cols]
        slot[column[cols]] += 1
    at = slot[cover[covered]]
    a_index[at], a_value[at] = n + r + np.flatnonzero(covered), 1.0
    if has_t:
        a_index[a_start[k] :], a_value[a_start[k] :] = n + r + np.arange(idx.size), -weight
    moved = np.where(covered, 0.0, lower[idx]) + 0.0  # a fixed task's amount goes into its coverage row
    c = np.zeros(k + has_t)
    c[k:] = 1.0
    families = ("envelope", *dict.fromkeys(row.family for row in inst.rows), "coverage")
    code = {name: j for j, name in enumerate(families)}
    arrays = {
        "c": c,
        "col_lower": np.concatenate([lower[kept], [0.0] * has_t]),
        "col_upper": np.concatenate([top[kept], [level_top] * has_t]),
        "integrality": np.zeros(k + has_t, dtype=bool),
        "a_start": a_start,
        "a_index": a_index,
        "a_value": a_value,
        "row_lower": np.concatenate([low - shift, base - moved]),
        "row_upper": np.concatenate([high - shift, np.full(idx.size, np.inf)]),
        "row_family": np.concatenate(
            [np.zeros(n), [code[row.family] for row in inst.rows], np.full(idx.size, len(code) - 1)]
        ).astype(np.int64),
        "col_block": np.concatenate([np.zeros(k, dtype=np.int64), np.ones(int(has_t), dtype=np.int64)]),
    }
    for array in arrays.values():  # new arrays nobody else holds: LinearProblem need not copy them
        array.setflags(write=False)
    problem = LinearProblem(
        sense=Sense.MAXIMIZE,
        offset=0.0,
        col_names=Names([Numbered("x", 0, k), Numbered("level", 0, int(has_t))]),
        row_names=Names(
            [
                tuple(f"envelope {s}" for s in SOURCES),
                *((f"{row.family} {j}: {row.name}",) for j, row in enumerate(inst.rows)),
                Numbered("coverage", 0, idx.size),
            ]
        ),
        families=families,
        blocks=("x", "level"),
        **arrays,
    )
    return LevelProblem(problem, k if has_t else None, n + r + np.arange(idx.size))

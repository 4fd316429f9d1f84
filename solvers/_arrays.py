"""Array conversion, validation and assembly for a linear problem (private).

:mod:`solvers.problem` converts and validates its arrays here, and
:mod:`solvers.problem_builder` assembles them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from solvers._names import Names

if TYPE_CHECKING:
    from solvers.problem import LinearProblem


def frozen_array(values: ArrayLike, dtype: Any, name: str, ndim: int = 1) -> np.ndarray:
    """Return ``values`` as a read-only array of ``dtype`` (a private copy unless read-only)."""
    arr = np.asarray(values, dtype=dtype)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if arr.flags.writeable:  # never freeze the caller's array: freeze a private copy
        arr = arr.copy()
        arr.setflags(write=False)
    return arr


def _expect_len(arr: np.ndarray, length: int, name: str, what: str) -> None:
    if arr.shape != (length,):
        raise ValueError(f"{name} must have shape ({length},) ({what}), got {arr.shape}")


def _check_no_nan(arr: np.ndarray, name: str) -> None:
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")


def _check_bounds(lower: np.ndarray, upper: np.ndarray, what: str) -> None:
    # one comparison per array finds any fault (NaN compares false); only then is it named
    if (lower < np.inf).all() and (upper > -np.inf).all():
        return
    _check_no_nan(lower, f"{what}_lower")
    _check_no_nan(upper, f"{what}_upper")
    if np.isposinf(lower).any():
        raise ValueError(f"{what}_lower contains +inf")
    raise ValueError(f"{what}_upper contains -inf")


def _check_unique(names: Sequence[str], what: str) -> None:
    if isinstance(names, Names):
        repeated = names.duplicate()
        if repeated is not None:
            raise ValueError(f"duplicate {what} name {repeated!r}")
        return
    if len(set(names)) != len(names):
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise ValueError(f"duplicate {what} name {name!r}")
            seen.add(name)


def _check_labels(codes: np.ndarray, labels: tuple[str, ...], name: str) -> None:
    if codes.size and (codes.min() < 0 or codes.max() >= len(labels)):
        raise ValueError(f"{name} must index into a tuple of {len(labels)} labels")


def check_problem(p: LinearProblem) -> None:
    """Raise ValueError unless the (already converted) arrays of ``p`` fit together."""
    n, m, nnz = p.c.shape[0], p.row_lower.shape[0], p.a_index.shape[0]
    for name in ("col_lower", "col_upper", "integrality", "col_block"):
        _expect_len(getattr(p, name), n, name, "one per column")
    for name in ("row_upper", "row_family"):
        _expect_len(getattr(p, name), m, name, "one per row")
    _expect_len(p.a_start, n + 1, "a_start", "number of columns + 1")
    _expect_len(p.a_value, nnz, "a_value", "same length as a_index")
    if len(p.col_names) != n:
        raise ValueError(f"col_names has {len(p.col_names)} names for {n} columns")
    if len(p.row_names) != m:
        raise ValueError(f"row_names has {len(p.row_names)} names for {m} rows")

    if p.a_start[0] != 0 or p.a_start[-1] != nnz or (p.a_start[1:] < p.a_start[:-1]).any():
        raise ValueError("a_start must rise from 0 to len(a_index) without decreasing")
    if nnz and (p.a_index.min() < 0 or p.a_index.max() >= m):
        raise ValueError(f"a_index holds row numbers outside 0..{m - 1}")
    if nnz > 1:
        rises = p.a_index[1:] > p.a_index[:-1]
        new_col = p.a_start[1:-1]
        rises[new_col[(new_col > 0) & (new_col < nnz)] - 1] = True
        if not rises.all():
            raise ValueError("a_index must be strictly increasing within each column")

    if not np.isfinite(p.offset):
        raise ValueError("offset must be finite")
    if not np.isfinite(p.c).all():
        _check_no_nan(p.c, "c")
        raise ValueError("c must be finite")
    if not np.isfinite(p.a_value).all():
        raise ValueError("a_value must be finite")
    _check_bounds(p.col_lower, p.col_upper, "col")
    _check_bounds(p.row_lower, p.row_upper, "row")
    _check_labels(p.row_family, p.families, "row_family")
    _check_labels(p.col_block, p.blocks, "col_block")
    _check_unique(p.col_names, "column")
    _check_unique(p.row_names, "row")


def broadcast(value: ArrayLike, length: int, name: str, dtype: Any = np.float64) -> np.ndarray:
    arr = np.asarray(value, dtype=dtype)
    if arr.ndim == 0:
        return np.full(length, arr, dtype=dtype)
    if arr.shape != (length,):
        raise ValueError(f"{name} must be a scalar or have shape ({length},), got {arr.shape}")
    return arr.copy()


def check_triplets(family: str, r: np.ndarray, j: np.ndarray, v: np.ndarray, k: int, n: int) -> None:
    """Raise ValueError unless the triplets fit ``k`` local rows and ``n`` columns."""
    if not r.shape == j.shape == v.shape:
        raise ValueError(f"family {family!r}: rows, cols, values have lengths {r.size}, {j.size}, {v.size}")
    if r.size and (r.min() < 0 or r.max() >= k):
        raise ValueError(f"family {family!r}: local row numbers must lie in 0..{k - 1}")
    if j.size and (j.min() < 0 or j.max() >= n):
        raise ValueError(f"family {family!r}: column indices must lie in 0..{n - 1}")
    if not np.isfinite(v).all():
        raise ValueError(f"family {family!r}: values must be finite")


def _in_column_order(r: np.ndarray, j: np.ndarray) -> bool:
    """Whether the entries run column by column, each column's rows rising (so no repeats)."""
    # after a stable sort by column, j never falls: a repeat of j needs r to rise
    return bool(((j[1:] != j[:-1]) | (r[1:] > r[:-1])).all())


def coo_to_csc(
    r: np.ndarray, j: np.ndarray, v: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Canonical CSC ``(a_start, a_index, a_value)``: duplicates summed, exact zeros dropped."""
    # the families come in row order, each usually with its rows in order: a stable
    # sort by column alone (a merge of sorted runs) then leaves every column's rows
    # rising, which is checked; it is several times faster than sorting by both
    ordered = r.size <= 1
    if not ordered:
        order = np.argsort(j, kind="stable")
        r, j, v = r[order], j[order], v[order]
        ordered = _in_column_order(r, j)
    if ordered:
        if not v.all():  # in column order without repeats: only exact zeros to drop
            keep = v != 0.0
            r, j, v = r[keep], j[keep], v[keep]
    else:
        order = np.lexsort((r, j))
        r, j, v = r[order], j[order], v[order]
        first = np.ones(r.size, dtype=bool)
        first[1:] = (r[1:] != r[:-1]) | (j[1:] != j[:-1])
        starts = np.flatnonzero(first)
        r, j, v = r[starts], j[starts], np.add.reduceat(v, starts)
        keep = v != 0.0
        r, j, v = r[keep], j[keep], v[keep]
    a_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(j, minlength=n), out=a_start[1:])
    return a_start, r, v

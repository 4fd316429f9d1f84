"""Assemble a :class:`~solvers.problem.LinearProblem` from vectorised blocks: :class:`ProblemBuilder`.

Variables are added in blocks, constraints in families of coordinate (row, column,
value) triplets; :meth:`ProblemBuilder.build` assembles the CSC matrix with numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from solvers._arrays import broadcast, check_triplets, coo_to_csc
from solvers._names import Names, Numbered
from solvers.problem import LinearProblem, Sense

__all__ = ["ProblemBuilder"]


class ProblemBuilder:
    """Assemble a :class:`LinearProblem` from vectorised blocks.

    Columns are added in blocks with :meth:`add_variables`, constraints in families with
    :meth:`add_constraints` (coordinate triplets), the objective with
    :meth:`set_objective` and/or the ``cost`` argument of :meth:`add_variables`.
    :meth:`build` assembles the CSC matrix with numpy only.

    Examples
    --------
    >>> b = ProblemBuilder()
    >>> x = b.add_variables("x", 2, upper=[3.0, np.inf])
    >>> rows = b.add_constraints("budget", np.array([0, 0]), x, np.array([1.0, 1.0]),
    ...                          lower=-np.inf, upper=4.0)
    >>> b.set_objective(x, [3.0, 2.0], Sense.MAXIMIZE)
    >>> b.build().num_rows
    1
    """

    _PARTS = (
        "col_lower", "col_upper", "cost", "integer", "block",  # one entry per column
        "rows", "cols", "vals",  # one entry per nonzero
        "row_lower", "row_upper", "family",  # one entry per row
        "obj_cols", "obj_coefs",  # one entry per objective term
    )  # fmt: skip

    def __init__(self) -> None:
        self._n = 0
        self._m = 0
        self._parts: dict[str, list[np.ndarray]] = {key: [] for key in self._PARTS}
        # given names, and default ones kept as ranges (formatted only when read)
        self._col_names: list[tuple[str, ...] | Numbered] = []
        self._row_names: list[tuple[str, ...] | Numbered] = []
        self._blocks: dict[str, int] = {}  # name -> code
        self._block_size: dict[str, int] = {}
        self._families: dict[str, int] = {}  # name -> code
        self._family_size: dict[str, int] = {}
        self._sense: Sense | None = None
        self._offset = 0.0

    @property
    def num_cols(self) -> int:
        """int: Number of columns added so far."""
        return self._n

    @property
    def num_rows(self) -> int:
        """int: Number of rows added so far."""
        return self._m

    def add_variables(
        self,
        block: str,
        n: int,
        lower: ArrayLike = 0.0,
        upper: ArrayLike = np.inf,
        cost: ArrayLike = 0.0,
        integer: ArrayLike = False,
        names: Sequence[str] | None = None,
    ) -> np.ndarray:
        """Add ``n`` columns belonging to ``block``.

        Parameters
        ----------
        block : str
            Block name; adding to an existing block appends to it.
        n : int
            Number of columns (may be 0).
        lower, upper : float or array_like, default 0 and inf
            Bounds, scalar or shape ``(n,)``.
        cost : float or array_like, default 0
            Objective coefficients, scalar or shape ``(n,)``; added to any
            coefficients given later through :meth:`set_objective`.
        integer : bool or array_like of bool, default False
            Integrality, scalar or shape ``(n,)``.
        names : sequence of str, optional
            Column names; default ``f"{block}[{i}]"``, numbering on from the columns
            the block already has (``0..n-1`` for a new block).

        Returns
        -------
        numpy.ndarray
            Global indices of the new columns.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        first = self._block_size.get(block, 0)
        if names is not None and len(names) != n:
            raise ValueError(f"block {block!r}: {len(names)} names for {n} columns")
        code = self._blocks.setdefault(block, len(self._blocks))
        self._block_size[block] = first + n
        self._add(
            col_lower=broadcast(lower, n, "lower"),
            col_upper=broadcast(upper, n, "upper"),
            cost=broadcast(cost, n, "cost"),
            integer=broadcast(integer, n, "integer", np.bool_),
            block=np.full(n, code, dtype=np.int64),
        )
        self._col_names.append(Numbered(block, first, n) if names is None else tuple(str(s) for s in names))
        idx = np.arange(self._n, self._n + n, dtype=np.int64)
        self._n += n
        return idx

    def add_constraints(
        self,
        family: str,
        rows: ArrayLike,
        cols: ArrayLike,
        values: ArrayLike,
        lower: ArrayLike,
        upper: ArrayLike,
        names: Sequence[str] | None = None,
        num_rows: int | None = None,
    ) -> np.ndarray:
        """Add ``k`` rows of family ``family`` from coordinate triplets.

        Parameters
        ----------
        family : str
            Family name; adding to an existing family appends to it.
        rows : array_like of int
            Local row numbers ``0..k-1`` within this call, one per entry.
        cols : array_like of int
            Global column indices (already added), one per entry.
        values : array_like of float
            Coefficients, one per entry. Duplicate (row, col) entries are summed.
        lower, upper : float or array_like
            Row bounds, scalar or shape ``(k,)``; ``-inf`` / ``inf`` allowed.
        names : sequence of str, optional
            Row names; default ``f"{family}[{i}]"``, numbering on from the rows the
            family already has.
        num_rows : int, optional
            ``k``; default ``rows.max() + 1`` (0 if there are no entries). Rows without
            entries are allowed and constrain the value 0.

        Returns
        -------
        numpy.ndarray
            Global indices of the new rows.
        """
        r = np.asarray(rows, dtype=np.int64).ravel()
        j = np.asarray(cols, dtype=np.int64).ravel()
        v = np.asarray(values, dtype=np.float64).ravel()
        k = int(num_rows) if num_rows is not None else (int(r.max()) + 1 if r.size else 0)
        check_triplets(family, r, j, v, k, self._n)
        first = self._family_size.get(family, 0)
        if names is not None and len(names) != k:
            raise ValueError(f"family {family!r}: {len(names)} names for {k} rows")
        code = self._families.setdefault(family, len(self._families))
        self._family_size[family] = first + k
        self._add(
            rows=r + self._m,
            cols=j,
            vals=v,
            row_lower=broadcast(lower, k, "lower"),
            row_upper=broadcast(upper, k, "upper"),
            family=np.full(k, code, dtype=np.int64),
        )
        self._row_names.append(Numbered(family, first, k) if names is None else tuple(str(s) for s in names))
        idx = np.arange(self._m, self._m + k, dtype=np.int64)
        self._m += k
        return idx

    def set_objective(
        self, cols: ArrayLike, coefs: ArrayLike, sense: Sense | str, offset: float = 0.0
    ) -> None:
        """Add terms to the objective and fix its sense.

        Calls accumulate: coefficients (also those given as ``cost`` to
        :meth:`add_variables`, and repeated columns) are summed, offsets are summed.
        Every call must give the same sense; without any call the sense is MINIMIZE.

        Parameters
        ----------
        cols : array_like of int
            Global column indices (may be empty).
        coefs : float or array_like
            Coefficients, scalar or one per column.
        sense : Sense or str
            ``"minimize"`` or ``"maximize"``.
        offset : float, default 0
            Constant added to the objective.
        """
        sense = Sense(sense)
        if self._sense is not None and sense is not self._sense:
            raise ValueError(f"objective sense already set to {self._sense.value}")
        j = np.asarray(cols, dtype=np.int64).ravel()
        if j.size and (j.min() < 0 or j.max() >= self._n):
            raise ValueError(f"objective column indices must lie in 0..{self._n - 1}")
        self._sense = sense
        self._add(obj_cols=j, obj_coefs=broadcast(coefs, j.size, "coefs"))
        self._offset += float(offset)

    def build(self) -> LinearProblem:
        """Assemble the problem.

        Returns
        -------
        LinearProblem
            Matrix in canonical CSC form: duplicates summed, exact zeros dropped.

        Raises
        ------
        ValueError
            If a row or column name repeats (the message names it), or any other
            validation of :class:`LinearProblem` fails.
        """

        def cat(key: str, dtype: Any) -> np.ndarray:
            parts = self._parts[key]
            out = np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)
            # new arrays nobody else holds: frozen here, so LinearProblem need not copy them
            out.setflags(write=False)
            return out

        c = np.array(cat("cost", np.float64))
        np.add.at(c, cat("obj_cols", np.int64), cat("obj_coefs", np.float64))
        c.setflags(write=False)
        a_start, a_index, a_value = coo_to_csc(
            cat("rows", np.int64), cat("cols", np.int64), cat("vals", np.float64), self._n
        )
        for array in (a_start, a_index, a_value):
            array.setflags(write=False)
        return LinearProblem(
            c=c,
            sense=self._sense or Sense.MINIMIZE,
            offset=self._offset,
            col_lower=cat("col_lower", np.float64),
            col_upper=cat("col_upper", np.float64),
            integrality=cat("integer", np.bool_),
            a_start=a_start,
            a_index=a_index,
            a_value=a_value,
            row_lower=cat("row_lower", np.float64),
            row_upper=cat("row_upper", np.float64),
            col_names=Names(self._col_names),
            row_names=Names(self._row_names),
            row_family=cat("family", np.int64),
            families=tuple(self._families),
            col_block=cat("block", np.int64),
            blocks=tuple(self._blocks),
        )

    def _add(self, **parts: np.ndarray) -> None:
        for key, value in parts.items():
            self._parts[key].append(value)

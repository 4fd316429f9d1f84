"""Solver-neutral description of a linear (or mixed-integer linear) program.

A :class:`LinearProblem` is an immutable bundle of numpy arrays::

    optimise    c @ x + offset            (sense: minimize or maximize)
    subject to  row_lower <= A @ x <= row_upper
                col_lower <=   x   <= col_upper
                x[j] integer where integrality[j]

``A`` is stored in compressed sparse column (CSC) form: the entries of column ``j``
are ``a_index[a_start[j]:a_start[j + 1]]`` (row numbers, strictly increasing) and
``a_value[a_start[j]:a_start[j + 1]]``. Infinite bounds are written ``-np.inf`` /
``np.inf``. Rows belong to named *families* and columns to named *blocks*, so that
callers can find "all budget rows" or "all allocation columns" without string parsing.

:class:`~solvers.problem_builder.ProblemBuilder` assembles such a problem from vectorised
blocks of variables and coordinate (row, column, value) triplets of constraints.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from solvers._arrays import check_problem, frozen_array
from solvers._names import Names

__all__ = ["LinearProblem", "Sense"]


class Sense(str, Enum):
    """Direction of optimisation."""

    MINIMIZE = "minimize"
    MAXIMIZE = "maximize"


@dataclass(frozen=True, eq=False)
class LinearProblem:
    """An immutable LP/MILP in CSC form, with named rows, columns, families and blocks.

    Parameters
    ----------
    c : numpy.ndarray
        Objective coefficients, shape ``(n,)``.
    sense : Sense
        Whether ``c @ x + offset`` is minimised or maximised.
    offset : float
        Constant added to the objective.
    col_lower, col_upper : numpy.ndarray
        Column bounds, shape ``(n,)``; ``-inf`` / ``inf`` allowed.
    integrality : numpy.ndarray
        Boolean, shape ``(n,)``; True marks an integer column.
    a_start : numpy.ndarray
        CSC column pointers, shape ``(n + 1,)``, ``a_start[0] == 0``.
    a_index : numpy.ndarray
        Row index of each nonzero, shape ``(nnz,)``, strictly increasing within a column.
    a_value : numpy.ndarray
        Value of each nonzero, shape ``(nnz,)``.
    row_lower, row_upper : numpy.ndarray
        Row bounds, shape ``(m,)``; ``-inf`` / ``inf`` allowed.
    col_names, row_names : sequence of str
        Unique names, lengths ``n`` and ``m``; a tuple, or (from
        :class:`~solvers.problem_builder.ProblemBuilder`) a sequence that formats the
        default names ``block[i]`` only when read.
    row_family : numpy.ndarray
        Integer, shape ``(m,)``: index into ``families`` for each row.
    families : tuple of str
        Names of the row families.
    col_block : numpy.ndarray
        Integer, shape ``(n,)``: index into ``blocks`` for each column.
    blocks : tuple of str
        Names of the column blocks.

    Raises
    ------
    ValueError
        If an array has the wrong shape, the CSC structure is not canonical, a value is
        NaN, a lower bound is ``+inf`` or an upper bound ``-inf``, or a name repeats.

    Notes
    -----
    All arrays are stored read-only. Equality compares identity, not contents.
    """

    c: np.ndarray
    sense: Sense
    offset: float
    col_lower: np.ndarray
    col_upper: np.ndarray
    integrality: np.ndarray
    a_start: np.ndarray
    a_index: np.ndarray
    a_value: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_names: Sequence[str]
    row_names: Sequence[str]
    row_family: np.ndarray
    families: tuple[str, ...]
    col_block: np.ndarray
    blocks: tuple[str, ...]

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        for name in ("c", "col_lower", "col_upper", "a_value", "row_lower", "row_upper"):
            put(name, frozen_array(getattr(self, name), np.float64, name))
        for name in ("a_start", "a_index", "row_family", "col_block"):
            put(name, frozen_array(getattr(self, name), np.int64, name))
        put("integrality", frozen_array(self.integrality, np.bool_, "integrality"))
        put("sense", Sense(self.sense))
        put("offset", float(self.offset))
        for name in ("col_names", "row_names", "families", "blocks"):
            labels = getattr(self, name)
            if isinstance(labels, Names):
                continue
            if not (isinstance(labels, tuple) and all(isinstance(s, str) for s in labels)):
                put(name, tuple(str(s) for s in labels))

        check_problem(self)

    @property
    def num_cols(self) -> int:
        """int: Number of columns (variables)."""
        return int(self.c.shape[0])

    @property
    def num_rows(self) -> int:
        """int: Number of rows (constraints)."""
        return int(self.row_lower.shape[0])

    @property
    def is_mip(self) -> bool:
        """bool: True if at least one column is integer."""
        return bool(self.integrality.any())

    def rows_of(self, family: str) -> np.ndarray:
        """Return the row indices belonging to a family.

        Parameters
        ----------
        family : str
            A name from ``families``.

        Returns
        -------
        numpy.ndarray
            Sorted integer row indices (possibly empty).

        Raises
        ------
        KeyError
            If ``family`` is not one of ``families``.
        """
        if family not in self.families:
            raise KeyError(f"unknown row family {family!r}; known: {list(self.families)}")
        return np.flatnonzero(self.row_family == self.families.index(family))

    def cols_of(self, block: str) -> np.ndarray:
        """Return the column indices belonging to a block.

        Parameters
        ----------
        block : str
            A name from ``blocks``.

        Returns
        -------
        numpy.ndarray
            Sorted integer column indices (possibly empty).

        Raises
        ------
        KeyError
            If ``block`` is not one of ``blocks``.
        """
        if block not in self.blocks:
            raise KeyError(f"unknown column block {block!r}; known: {list(self.blocks)}")
        return np.flatnonzero(self.col_block == self.blocks.index(block))

    def with_bounds(
        self,
        col_lower: ArrayLike | None = None,
        col_upper: ArrayLike | None = None,
        row_lower: ArrayLike | None = None,
        row_upper: ArrayLike | None = None,
    ) -> LinearProblem:
        """Return a copy with some bound arrays replaced (for sweeps).

        The matrix, objective and names are shared with ``self``, not copied.

        Parameters
        ----------
        col_lower, col_upper : array_like, optional
            New column bounds, shape ``(n,)``; None keeps the current array.
        row_lower, row_upper : array_like, optional
            New row bounds, shape ``(m,)``; None keeps the current array.

        Returns
        -------
        LinearProblem
            The modified copy (validated like any new problem).
        """
        changes: dict[str, Any] = {
            name: value
            for name, value in (
                ("col_lower", col_lower),
                ("col_upper", col_upper),
                ("row_lower", row_lower),
                ("row_upper", row_upper),
            )
            if value is not None
        }
        return dataclasses.replace(self, **changes)

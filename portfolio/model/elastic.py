"""The elastic LP of an infeasible year: the least excess over its hard rules.

A copy of a year's hard rules in which either the rows may be missed (and there
is no envelope) or the rows hold and each envelope may be exceeded, at cost 1
per million VND; and the rows that force the excess it finds.
:func:`~portfolio.model.diagnose.diagnose` words the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solvers import ProblemBuilder, SolveResult, solve

from ..tolerances import AMOUNT, DUAL_SUPPORT
from .instance import Instance
from .options import SOURCES

__all__ = ["Elastic", "elastic", "forcing_rows"]

# An excess (a slack, a gap between an amount and a bound) at most this large is nothing.
_TOL = AMOUNT
# A row whose dual exceeds this (in absolute value) forces the excess.
_DUAL = DUAL_SUPPORT


@dataclass(frozen=True)
class Elastic:
    """The answer of an elastic LP: the solve, the row index of each of the instance's rows."""

    result: SolveResult
    rows: np.ndarray  # problem row of each inst.rows entry
    below: np.ndarray  # column: how far each row's sum falls short of its lower bound
    above: np.ndarray  # column: how far it exceeds its upper bound
    excess: np.ndarray  # column: how far each source's spending exceeds its envelope


def elastic(inst: Instance, solver: str, *, rows_elastic: bool, envelopes: bool) -> Elastic | None:
    """Least total excess over the elastic rules, the others hard.

    With ``rows_elastic`` the rows may be missed (and there is no envelope);
    otherwise the rows hold and each envelope may be exceeded.
    """
    b = ProblemBuilder()
    x = b.add_variables("x", inst.n, inst.lower, inst.upper)
    excess = np.zeros(0, dtype=np.int64)
    if envelopes:
        excess = b.add_variables("excess", len(SOURCES), 0.0, np.inf, names=[f"excess {s}" for s in SOURCES])
        for s, source in enumerate(SOURCES):
            members = x[inst.source == s]
            b.add_constraints(
                "envelope",
                np.zeros(members.size + 1, int),
                np.concatenate([members, excess[s : s + 1]]),
                np.concatenate([np.ones(members.size), [-1.0]]),
                -np.inf,
                float(inst.envelope[s]),
                num_rows=1,
                names=[f"envelope {source}"],
            )
    m = len(inst.rows)
    bound = (0.0, np.inf) if rows_elastic else (0.0, 0.0)
    below = b.add_variables("below", m, *bound)
    above = b.add_variables("above", m, *bound)
    rows = np.zeros(m, dtype=np.int64)
    for k, row in enumerate(inst.rows):
        nz = np.flatnonzero(row.coef)
        rows[k] = b.add_constraints(
            row.family,
            np.zeros(nz.size + 2, int),
            np.concatenate([x[nz], below[k : k + 1], above[k : k + 1]]),
            np.concatenate([row.coef[nz], [1.0, -1.0]]),
            row.lower,
            row.upper,
            num_rows=1,
            names=[f"{row.family} {k}"],
        )[0]
    cost = np.concatenate([below, above]) if rows_elastic else excess
    b.set_objective(cost, np.ones(cost.size), "minimize")
    result = solve(b.build(), solver=solver)
    if not result.ok or result.x is None:
        return None
    return Elastic(result, rows, below, above, excess)


def forcing_rows(inst: Instance, fit: Elastic, candidates: np.ndarray) -> list[int]:
    """The rows among ``candidates`` (a mask) that force the excess.

    A row forces it when its dual is not zero; a backend without duals gives
    the rows whose sum sits at a bound.
    """
    duals = fit.result.row_duals
    activity = fit.result.row_activity
    out = []
    for k in np.flatnonzero(candidates):
        row = inst.rows[k]
        if duals is not None:
            if abs(float(duals[fit.rows[k]])) > _DUAL:
                out.append(int(k))
        elif activity is not None:
            value = float(activity[fit.rows[k]])
            bounds = [bound for bound in (row.lower, row.upper) if np.isfinite(bound)]
            if any(abs(value - bound) <= _TOL * max(1.0, abs(bound)) for bound in bounds):
                out.append(int(k))
    return out

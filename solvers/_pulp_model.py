"""Translate a :class:`~solvers.problem.LinearProblem` into a ``pulp.LpProblem`` (private).

Used by the CBC backend (index names) and by the LP/MPS writers (readable names).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from solvers._common import entry_cols
from solvers.problem import LinearProblem, Sense

if TYPE_CHECKING:
    import pulp


def unique_names(names: Sequence[str]) -> list[str]:
    """Append ``_2``, ``_3``, ... to repeated names, never taking a name used elsewhere."""
    taken = set(names)
    used: set[str] = set()
    out = []
    for name in names:
        candidate, k = name, 1
        while candidate in used or (candidate != name and candidate in taken):
            k += 1
            candidate = f"{name}_{k}"
        used.add(candidate)
        out.append(candidate)
    return out


def _bound(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def to_pulp(
    problem: LinearProblem, col_names: Sequence[str], row_names: Sequence[str], name: str
) -> tuple[pulp.LpProblem, list[pulp.LpVariable], list[tuple[int, pulp.LpConstraint]]]:
    """Translate ``problem``; returns the model, its variables and (row, constraint) pairs.

    ``row_names`` gives a base name per row; ranged rows get ``_lo`` / ``_hi`` appended
    and every constraint name is then made unique.
    """
    import pulp

    sense = pulp.LpMaximize if problem.sense is Sense.MAXIMIZE else pulp.LpMinimize
    prob = pulp.LpProblem(name, sense)
    new_var = getattr(prob, "add_variable", None) or pulp.LpVariable  # PuLP >= 3.3 / older
    variables = [
        new_var(col_names[j], _bound(lo), _bound(up), pulp.LpInteger if i else pulp.LpContinuous)
        for j, (lo, up, i) in enumerate(
            zip(
                problem.col_lower.tolist(),
                problem.col_upper.tolist(),
                problem.integrality.tolist(),
                strict=True,
            )
        )
    ]

    cols = entry_cols(problem)
    order = np.argsort(problem.a_index, kind="stable")  # CSR view of the CSC matrix
    row_cols, row_vals = cols[order].tolist(), problem.a_value[order].tolist()
    row_start = np.zeros(problem.num_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(problem.a_index, minlength=problem.num_rows), out=row_start[1:])

    specs: list[tuple[int, int, float, str]] = []  # (row, pulp sense, rhs, name)
    bounds = zip(problem.row_lower.tolist(), problem.row_upper.tolist(), strict=True)
    for i, (lo, up) in enumerate(bounds):
        ranged = math.isfinite(lo) and math.isfinite(up) and lo != up
        if lo == up:
            specs.append((i, pulp.LpConstraintEQ, lo, row_names[i]))
        elif ranged:
            specs.append((i, pulp.LpConstraintGE, lo, row_names[i] + "_lo"))
            specs.append((i, pulp.LpConstraintLE, up, row_names[i] + "_hi"))
        elif math.isfinite(lo):
            specs.append((i, pulp.LpConstraintGE, lo, row_names[i]))
        elif math.isfinite(up):
            specs.append((i, pulp.LpConstraintLE, up, row_names[i]))
    names = unique_names([spec[3] for spec in specs])
    constraints: list[tuple[int, pulp.LpConstraint]] = []
    for (i, con_sense, rhs, _), con_name in zip(specs, names, strict=True):
        s, e = row_start[i], row_start[i + 1]
        terms = [(variables[j], v) for j, v in zip(row_cols[s:e], row_vals[s:e], strict=True)]
        con = pulp.LpConstraint(pulp.LpAffineExpression(terms), con_sense, con_name, rhs)
        prob.addConstraint(con)
        constraints.append((i, con))

    # Columns in no constraint and with zero cost still go into the objective (with
    # coefficient 0): PuLP only knows the variables of the objective and the constraints.
    emitted = np.zeros(problem.num_rows, dtype=bool)
    emitted[[spec[0] for spec in specs]] = True
    in_obj = problem.c != 0
    in_obj[np.setdiff1d(np.arange(problem.num_cols), cols[emitted[problem.a_index]])] = True
    objective = pulp.LpAffineExpression(
        [(variables[j], float(problem.c[j])) for j in np.flatnonzero(in_obj).tolist()],
        constant=problem.offset,
    )
    prob.setObjective(objective)
    return prob, variables, constraints
